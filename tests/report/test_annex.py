"""The evidence annex: the incident list and the sources appendix, built once from whole columns,
recounted against plain groupbys; which incidents the PDF lists; incidents.html safe and complete."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import synthetic

from analysis.data.dataset import load_dataset
from analysis.importers.run import run_import
from analysis.measure.aggregate import incident_facts
from analysis.measure.selection import Selection
from analysis.report import annex, evidence
from analysis.report.render import render

from conftest import minimal_tables, write_tables

SCRIPT_BREAK = "</script><script>alert(1)</script><!--<script>"


def tiny_with_sources():
    """The minimal dataset, plus a second incident whose two statements come from one titled report
    carried in two seed files, and a third from an imported dataset."""
    t = minimal_tables()
    base = t["incidents"][0]
    for n, day in (("t-2", "2024-04-02"), ("t-3", "2024-04-03")):
        t["incidents"].append({**base, "incident_id": n, "start_date": day, "end_date": day, "title": f"raid {n}"})
    t["incidents"][1].update(location_name="Ber", location_precision="exact", admin1="", end_date="2024-04-09")
    t["incidents"][1]["date_precision"] = "week"
    t["perpetrators"].append(
        {"incident_id": "t-2", "actor": "Africa Corps", "role": "primary", "attribution": "single_source"}
    )
    t["perpetrators"][-1]["attribution_basis"] = "b"
    t["casualties"].append(
        {
            "incident_id": "t-2",
            "harm": "killed",
            "victim_status": "civilian",
            "victim_group": "all",
            "count_text": "some",
        }
    )
    t["casualties"].append(
        {
            "incident_id": "t-3",
            "harm": "homes_destroyed",
            "victim_status": "civilian",
            "victim_group": "all",
            "count_min": "40",
            "count_text": "forty homes",
        }
    )
    report = {"publisher": "HRW", "source_type": "ngo", "stance": "reports", "title": "Mali: a report", "quote": "q"}
    t["sources"] += [
        {**report, "incident_id": "t-2", "document": "001_seed.txt", "published_date": "2024-05-01"},
        {**report, "incident_id": "t-1", "document": "002_seed.txt", "published_date": "2024-05-01"},
        {
            "incident_id": "t-3",
            "publisher": "ACLED",
            "source_type": "dataset",
            "stance": "reports",
            "title": "ACLED event 3",
            "document": "export.csv",
            "carried_by": "Studio Tamani",
        },
    ]
    return t


@pytest.fixture
def tiny_sources(tmp_path):
    return load_dataset(write_tables(tmp_path / "data", tiny_with_sources()))


def test_incident_list_exact_values(tiny_sources):
    frame = evidence.incident_list(tiny_sources, Selection()).set_index("id")
    assert list(frame.index) == ["t-1", "t-2", "t-3"]
    one, two, three = frame.loc["t-1"], frame.loc["t-2"], frame.loc["t-3"]
    assert one["date"] == "01 Mar 2024"
    assert two["date"] == "02 Apr – 09 Apr 2024 (date known to the week)"
    assert one["place"] == "Tombouctou (region only)"
    assert two["place"] == "Ber"
    assert one["perpetrators (attribution)"] == "FAMa (perpetrator, contested); Wagner Group (jointly, contested)"
    assert one["families"] == "Malian state forces; Wagner Group / Africa Corps"
    assert one["family_codes"] == "state_forces; russian_forces"
    assert two["family_codes"] == "russian_forces"
    assert three["family_codes"] == "unidentified" and three["perpetrators (attribution)"] == "not identified"
    assert one["civilians killed"] == "7 (5–10)"
    assert (one["killed_min"], one["killed_best"], one["killed_max"]) == (5, 7, 10)
    assert two["civilians killed"] == "reported, no figure" and pd.isna(two["killed_best"])
    assert three["civilians killed"] == "–" and pd.isna(three["killed_best"])
    assert one["harm (source's words)"] == "civilians killed: between 5 and 10; children killed: two children"
    assert three["harm (source's words)"] == "homes destroyed: forty homes"
    assert one["sources"] == "X, alleges: “q”; Y, denies: “q”; HRW, reports: “Mali: a report” (01 May 2024): “q”"
    assert three["sources"] == "ACLED, reports: “ACLED event 3”, via Studio Tamani"
    assert one["attribution"] == "contested" and one["grade"] == "contested"
    assert one["region"] == "Tombouctou" and two["region"] == "Region not established"
    assert list(frame["year"]) == [2024, 2024, 2024]


def test_sources_appendix_lists_each_document_once_never_a_file_name(tiny_sources):
    table = evidence.sources_appendix(tiny_sources)
    assert len(table) == 4  # X and Y (untitled, each its own), HRW's report (two seed files), the ACLED export
    hrw = table[table["publisher"] == "HRW"].iloc[0]
    assert (hrw["document"], hrw["incidents"], hrw["published"]) == ("Mali: a report", 2, "01 May 2024")
    acled = table[table["publisher"] == "ACLED"].iloc[0]
    assert (acled["document"], acled["incidents"], acled["carried by"]) == (
        evidence.DATASET_DOCUMENT,
        1,
        "Studio Tamani",
    )
    text = table.to_string()
    for file_name in ("a.txt", "001_seed.txt", "002_seed.txt", "export.csv", "ACLED event 3"):
        assert file_name not in text
    assert list(table["incidents"]) == sorted(table["incidents"], reverse=True)
    only_t3 = evidence.sources_appendix(tiny_sources, pd.Series(["t-3"]))
    assert list(only_t3["publisher"]) == ["ACLED"]


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """A realistic, messy synthetic ACLED export of 1,500 events, imported."""
    folder = tmp_path_factory.mktemp("synthetic")
    path = synthetic.write_acled(folder / "acled.csv", 1_500, "2023", seed=11)
    run_import("acled", path, folder / "data")
    return load_dataset(folder / "data")


def test_incident_list_recounts_against_plain_groupbys(imported):
    d = imported
    frame = evidence.incident_list(d, Selection()).set_index("id")
    facts = incident_facts(d, Selection())
    assert len(frame) == len(facts) and frame.index.is_unique and set(frame.index) == set(facts["incident_id"])
    assert frame["start_date"].is_monotonic_increasing

    c = d.casualties
    killed = c[(c["harm"] == "killed") & (c["victim_status"] == "civilian") & (c["victim_group"] == "all")]
    expected = killed.groupby("incident_id")[["count_min", "count_best"]].sum().reindex(frame.index)
    has = frame["killed_best"].notna()
    assert has.sum() == killed["count_min"].notna().sum()
    assert (frame.loc[has, "killed_min"] == expected.loc[has, "count_min"]).all()
    assert (frame.loc[has, "killed_best"] == expected.loc[has, "count_best"]).all()
    assert frame["killed_best"].sum() == killed["count_best"].sum()

    p = d.perpetrators
    leading = p[p["role"].isin(["primary", "joint"])].merge(d.actors[["actor", "family"]], on="actor", how="left")
    families = leading.groupby("incident_id")["family"].agg(lambda s: set(s.fillna("unidentified")))
    got = frame["family_codes"].str.split("; ").map(set)
    for incident_id, codes in got.items():
        assert codes == families.get(incident_id, {"unidentified"}), incident_id

    roles = frame["perpetrators (attribution)"].str.count(r" \((?:perpetrator|jointly|associated|opponent), ")
    assert (roles == p.groupby("incident_id").size().reindex(frame.index).fillna(0)).all()
    statements = frame["sources"].str.count(r"ACLED, reports")
    assert (statements == d.sources.groupby("incident_id").size().reindex(frame.index)).all()
    harms = frame["harm (source's words)"].str.count("ACLED fatalities|: ")
    assert (harms >= c.groupby("incident_id").size().reindex(frame.index).fillna(0)).all()

    sources = evidence.sources_appendix(d, frame.index.to_series())
    assert len(sources) == 1 and sources["incidents"].iloc[0] == d.sources["incident_id"].nunique()
    assert "acled.csv" not in sources.to_string()


def test_a_selection_lists_only_its_incidents(imported):
    selection = Selection(regions=("Mopti",))
    frame = evidence.incident_list(imported, selection)
    assert len(frame) == len(incident_facts(imported, selection)) > 0
    assert set(frame["region"]) == {"Mopti"}


def test_pdf_lists_all_when_few_else_the_deadliest_and_contested(imported):
    frame = evidence.incident_list(imported, Selection())
    few = frame.head(annex.PDF_ALL_UP_TO)
    shown, counts = annex.pdf_selection(few)
    assert len(shown) == annex.PDF_ALL_UP_TO and counts["shown"] == counts["total"]
    assert "All 40 incidents" in annex.incidents_note(few, rendered=True)

    frame = frame.copy()
    frame.loc[frame.index[:25], "grade"] = "contested"  # early, mostly small incidents
    shown, counts = annex.pdf_selection(frame)
    deadliest = frame.sort_values(["killed_best", "killed_max"], ascending=False, na_position="last").head(30)
    assert set(deadliest["id"]) <= set(shown["id"])
    extra = shown[~shown["id"].isin(deadliest["id"])]
    assert len(extra) == annex.PDF_CONTESTED and (extra["grade"] == "contested").all()
    assert len(shown) == annex.PDF_DEADLIEST + annex.PDF_CONTESTED
    assert list(annex.pdf_incidents(frame).columns) == annex.PDF_COLUMNS
    note = annex.incidents_note(frame, rendered=True)
    assert f"of the **{len(frame):,}** incidents" in note
    assert f"The other **{len(frame) - len(shown):,}** are left out here" in note
    assert "[incidents.html](incidents.html)" in note and "tables/incidents.csv" in note
    unrendered = annex.incidents_note(frame, rendered=False)
    assert "[incidents.html]" not in unrendered and "python -m analysis render" in unrendered


def test_annex_page_keeps_hostile_text_inside_its_data(tiny_sources):
    frame = evidence.incident_list(tiny_sources, Selection())
    frame.loc[0, "summary"] = SCRIPT_BREAK
    frame.loc[1, "what happened"] = "{{TITLE}} {{DATA}} & <b>bold</b>"
    data = annex.annex_json(frame, title=f"{SCRIPT_BREAK} {{{{DATA}}}}")
    page = annex.annex_html(data, "Incidents: <script>alert(2)</script>")
    assert page.count("<script") == 2 and page.count("</script>") == 2
    assert "<!--" not in page.split('id="annex-data">')[1]
    assert "alert(2)</script>" not in page and "&lt;script&gt;alert(2)" in page
    embedded = re.search(r'<script type="application/json" id="annex-data">(.*?)</script>', page, flags=re.S).group(1)
    parsed = json.loads(embedded)
    assert parsed == json.loads(data)
    rows = {row[0]: dict(zip(parsed["columns"], row, strict=True)) for row in parsed["rows"]}
    assert rows["t-1"]["summary"] == SCRIPT_BREAK
    assert rows["t-2"]["title"] == "{{TITLE}} {{DATA}} & <b>bold</b>"
    assert parsed["title"] == f"{SCRIPT_BREAK} {{{{DATA}}}}"
    assert rows["t-1"]["best"] == 7 and rows["t-2"]["best"] is None and rows["t-1"]["start"] == "2024-03-01"
    assert [f[0] for f in parsed["families"]] == ["state_forces", "russian_forces", "unidentified"]
    # Data text reaches the page only through textContent: the script never parses markup.
    script = page.split("<script>")[1]
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script and "document.write" not in script


def test_an_empty_selection_gives_an_empty_annex(tiny_sources):
    frame = evidence.incident_list(tiny_sources, Selection(start=pd.Timestamp("2030-01-01")))
    assert frame.empty and list(frame.columns) == evidence.INCIDENT_COLUMNS
    assert json.loads(annex.annex_json(frame, "t"))["rows"] == []
    assert annex.incidents_note(frame, rendered=True) == "No incidents match this selection."
    assert annex.pdf_incidents(frame).empty


def test_sources_note_says_what_the_pdf_leaves_out(tiny_sources):
    table = evidence.sources_appendix(tiny_sources)
    assert annex.sources_note(table).startswith("Each of the 4 source documents once")
    assert annex.sources_note(table.head(1)).startswith("The one source document")
    many = pd.concat([table] * 20, ignore_index=True)
    assert annex.sources_note(many).startswith(f"The {annex.PDF_SOURCES} source documents that support the most")
    assert len(annex.pdf_sources(many)) == annex.PDF_SOURCES


def test_annex_page_is_self_contained(tiny_sources):
    page = annex.annex_html(annex.annex_json(evidence.incident_list(tiny_sources, Selection()), "t"), "t")
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", page)
    assert "@import" not in page and "url(" not in page and "http" not in page.replace("http-equiv", "")
    assert "default-src 'none'" in page


@pytest.fixture(scope="module")
def rendered_tiny(tmp_path_factory):
    data = write_tables(tmp_path_factory.mktemp("tiny") / "data", tiny_with_sources())
    return render(
        parameters={"data_dir": str(data)}, out_dir=tmp_path_factory.mktemp("out"), slug="t", formats=("html",)
    )


@pytest.mark.slow
def test_render_writes_the_annex_beside_the_report_and_links_it(rendered_tiny):
    folder = rendered_tiny.directory
    assert rendered_tiny.files["annex"] == folder / "incidents.html"
    page = (folder / "incidents.html").read_text(encoding="utf-8")
    embedded = re.search(r'id="annex-data">(.*?)</script>', page, flags=re.S).group(1)
    assert [row[0] for row in json.loads(embedded)["rows"]] == ["t-1", "t-2", "t-3"]
    assert 'href="incidents.html"' in (folder / "report.html").read_text(encoding="utf-8")
    incidents = pd.read_csv(folder / "tables" / "incidents.csv", encoding="utf-8-sig")
    assert list(incidents["id"]) == ["t-1", "t-2", "t-3"]
    sources = pd.read_csv(folder / "tables" / "sources.csv", encoding="utf-8-sig")
    assert sources["incidents"].sum() == 5 and "export.csv" not in sources.to_string()
