"""Comparing datasets: exact values on two tiny data directories, a plain-pandas recount, and one render."""

import re
import subprocess
import sys

import pandas as pd
import pytest

from analysis import config, load_dataset
from analysis.importers.run import run_import
from analysis.measure import coverage, cross_dataset, matching
from analysis.measure.selection import make_selection
from analysis.report import comparison
from analysis.report.render import render

from conftest import minimal_tables, write_tables

JNIM = {"actor": "JNIM", "actor_type": "islamist_armed_group", "family": "jnim", "acled_inter": "2", "description": "x"}


def _event(incident_id, date, admin1, dataset, **extra):
    row = {
        "incident_id": incident_id,
        "record_type": "event",
        "title": "t",
        "start_date": date,
        "end_date": date,
        "date_precision": "day",
        "country": "MLI",
        "admin1": admin1,
        "location_precision": "admin1",
        "event_type": "attack",
        "is_civilian_targeting": "true",
        "dataset": dataset,
    }
    return row | extra


def _perp(incident_id, actor, role="primary"):
    return {"incident_id": incident_id, "actor": actor, "role": role, "attribution": "single_source"}


def _killed(incident_id, low, best="", high="", status="civilian"):
    return {
        "incident_id": incident_id,
        "harm": "killed",
        "victim_status": status,
        "victim_group": "all",
        "count_min": low,
        "count_best": best,
        "count_max": high,
        "count_text": "t",
    }


def _source(incident_id):
    return {
        "incident_id": incident_id,
        "publisher": "P",
        "source_type": "media",
        "stance": "reports",
        "quote": "q",
        "document": "d.txt",
    }


def _dataset(tmp_path, name, incidents, perpetrators, casualties):
    t = minimal_tables()
    t["actors"].append(JNIM)
    t["incidents"], t["perpetrators"], t["casualties"] = incidents, perpetrators, casualties
    t["sources"] = [_source(i["incident_id"]) for i in incidents]
    for p in t["perpetrators"]:
        p.setdefault("attribution_basis", "b")
    return load_dataset(write_tables(tmp_path / name, t))


@pytest.fixture
def pair(tmp_path):
    """curated (2024-03-01 to 2024-07-01)
    a-1: 1 Mar 2024, Tombouctou, FAMa + Wagner (joint), civilians killed 5/7/10
    a-2: 10 May 2024, exact point 16.77/-3.0, FAMa, 4/4/4
    a-3: 1 Jul 2024, Taoudénit, JNIM, at least 3
    p-1: period total, FAMa, 100 killed (never counted, never matched)
    acled (2023-06-01 to 2024-07-01)
    b-1: 2 Mar 2024, Taoudénit (inside pre-2016 Tombouctou), FAMa with Wagner associated, 6 -> matches a-1
    b-2: 15 May 2024, 1 km from a-2, FAMa, 2 -> five days from a-2: a near miss beyond 2 days
    b-3: 1 Jul 2024, Taoudénit, FAMa against JNIM (opponent), 9 dead of unknown status -> no actor in common with a-3
    b-4: 1 Jun 2023, Tombouctou, FAMa, 2 -> a year curated does not cover"""
    point = {"latitude": "16.77", "longitude": "-3.0", "location_precision": "exact"}
    near_point = {"latitude": "16.77", "longitude": "-3.009", "location_precision": "exact"}
    curated = _dataset(
        tmp_path,
        "curated",
        [
            _event("a-1", "2024-03-01", "Timbuktu", "curated"),
            _event("a-2", "2024-05-10", "Tombouctou", "curated", **point),
            _event("a-3", "2024-07-01", "Taoudeni", "curated"),
            _event("p-1", "2024-01-01", "", "curated", record_type="period_total", end_date="2024-12-31"),
        ],
        [
            _perp("a-1", "FAMa"),
            _perp("a-1", "Wagner Group", "joint"),
            _perp("a-2", "FAMa"),
            _perp("a-3", "JNIM"),
            _perp("p-1", "FAMa"),
        ],
        [_killed("a-1", 5, 7, 10), _killed("a-2", 4, 4, 4), _killed("a-3", 3), _killed("p-1", 100, 100)],
    )
    acled = _dataset(
        tmp_path,
        "acled",
        [
            _event("b-1", "2024-03-02", "Taoudeni", "acled"),
            _event("b-2", "2024-05-15", "Tombouctou", "acled", **near_point),
            _event("b-3", "2024-07-01", "Taoudeni", "acled"),
            _event("b-4", "2023-06-01", "Tombouctou", "acled"),
        ],
        [
            _perp("b-1", "FAMa"),
            _perp("b-1", "Wagner Group", "associated"),
            _perp("b-2", "FAMa"),
            _perp("b-3", "FAMa"),
            _perp("b-3", "JNIM", "opponent"),
            _perp("b-4", "FAMa"),
        ],
        [_killed("b-1", 6, 6), _killed("b-2", 2, 2), _killed("b-3", 9, 9, status="unknown"), _killed("b-4", 2, 2)],
    )
    return {"curated": curated, "acled": acled}


def test_coverage(pair):
    cov = coverage.coverage(pair)
    assert cov[["dataset", "events", "period_totals"]].values.tolist() == [["curated", 3, 1], ["acled", 4, 0]]
    assert [f"{d:%Y-%m-%d}" for d in cov["first_date"]] == ["2024-03-01", "2023-06-01"]
    assert [f"{d:%Y-%m-%d}" for d in cov["last_date"]] == ["2024-07-01", "2024-07-01"]


def test_killed_by_actor_year_exact(pair):
    table = cross_dataset.killed_by_actor_year(pair, reference="curated")
    got = {
        (r.dataset, r.actor, r.year): (
            None if pd.isna(r.count_best) else (r.count_min, r.count_best, r.count_max, r.incidents),
            None if pd.isna(r.difference) else (r.value, r.reference_value, r.difference),
        )
        for r in table.itertuples()
    }
    assert got == {
        # curated does not cover 2023: not covered, not zero; the period total's 100 is never counted
        ("curated", "FAMa + Wagner Group", 2023): (None, None),
        ("curated", "FAMa + Wagner Group", 2024): ((5, 7, 10, 1), None),
        ("curated", "FAMa", 2023): (None, None),
        ("curated", "FAMa", 2024): ((4, 4, 4, 1), None),
        ("curated", "JNIM", 2023): (None, None),
        ("curated", "JNIM", 2024): ((3, 3, 3, 1), None),
        # acled codes Wagner as associated, so b-1 counts under FAMa; b-3's dead are not civilians
        ("acled", "FAMa + Wagner Group", 2023): ((0, 0, 0, 0), None),
        ("acled", "FAMa + Wagner Group", 2024): ((0, 0, 0, 0), (0, 7, -7)),
        ("acled", "FAMa", 2023): ((2, 2, 2, 1), None),
        ("acled", "FAMa", 2024): ((8, 8, 8, 2), (8, 4, 4)),
        ("acled", "JNIM", 2023): ((0, 0, 0, 0), None),
        ("acled", "JNIM", 2024): ((0, 0, 0, 0), (0, 3, -3)),
    }
    fama = table[(table["dataset"] == "acled") & (table["actor"] == "FAMa") & (table["year"] == 2024)].iloc[0]
    assert fama["relative_difference"] == 1.0
    assert fama["incident_ids"] == ("b-1", "b-2")
    assert (f"{fama['compared_from']:%Y-%m-%d}", f"{fama['compared_to']:%Y-%m-%d}") == ("2024-03-01", "2024-07-01")
    assert not fama["whole_year"]


def test_side_by_side_and_sentences(pair):
    table = cross_dataset.killed_by_actor_year(pair, reference="curated")
    wide = comparison.side_by_side(table)
    row = wide[(wide["perpetrator group"] == "FAMa") & (wide["year"] == 2024)].iloc[0]
    assert row["curated"] == "4 (1 incident)"
    assert row["acled"] == "8 (2 incidents)"
    assert row["acled − curated (best)"] == "+4 (+100%); 8 vs 4, 01 Mar – 01 Jul 2024"
    assert wide.loc[wide["year"] == 2023, "curated"].unique().tolist() == ["not covered"]
    diffs = cross_dataset.biggest_differences(table, [])
    assert [(r.actor, r.difference) for r in diffs.by_actor_year.itertuples()] == [
        ("FAMa + Wagner Group", -7),
        ("FAMa", 4),
        ("JNIM", -3),
    ]
    assert diffs.totals[["value", "reference_value", "difference"]].values.tolist() == [[8, 14, -6]]
    sentence = comparison.difference_sentence(diffs.by_actor_year.iloc[1], "curated", "best")
    assert sentence == (
        "**acled** records **4 more** civilians killed by **FAMa** than curated over 01 Mar – 01 Jul 2024 "
        "(the part of 2024 both cover): 8 against 4 (+100%, best estimates)."
    )
    hostile = diffs.by_actor_year.iloc[1].copy()
    hostile["actor"] = "[x](javascript:alert(1))"
    assert "[x](javascript" not in comparison.difference_sentence(hostile, "<b>curated</b>", "best")
    assert "by **&#91;x&#93;&#40;javascript&#58;alert&#40;1&#41;&#41;** than &#60;b&#62;curated" in (
        comparison.difference_sentence(hostile, "<b>curated</b>", "best")
    )


def test_match_events(pair):
    m = matching.match_events(pair["curated"], pair["acled"], max_days=2, max_km=25, labels=("curated", "acled"))
    assert m.pairs[["incident_id_a", "incident_id_b", "days_apart"]].values.tolist() == [["a-1", "b-1", 1]]
    p = m.pairs.iloc[0]
    # FAMa + Wagner (joint) against FAMa with Wagner associated: the state-forces family in common
    assert p["reasons"] == (
        "score 58: 1 day apart; same region (Tombouctou); same family (Malian state forces); figures close (7 / 6)"
    )
    assert (p["difference_min"], p["difference_best"], p["difference_max"]) == (1, -1, -4)  # 6/6/6 against 5/7/10
    assert dict(zip(m.unmatched_a["incident_id"], m.unmatched_a["reason"], strict=True)) == {
        "a-2": "closest acled b-2: 5 days apart (window 2)",
        "a-3": "closest acled b-3: no perpetrator family in common "
        "(curated: JNIM and predecessors; acled: Malian state forces)",
    }
    assert dict(zip(m.unmatched_b["incident_id"], m.unmatched_b["reason"], strict=True)) == {
        "b-4": "no curated event within 2 days and 25 km (the same cercle or region where coordinates are missing), "
        "and no near miss within 6 days",
        "b-2": "closest curated a-2: 5 days apart (window 2)",
        "b-3": "closest curated a-3: no perpetrator family in common "
        "(acled: Malian state forces; curated: JNIM and predecessors)",
    }
    assert (m.events_a, m.events_b) == (3, 4)  # the period total is never an event


def test_match_tolerances_and_one_to_one(pair):
    wider = matching.match_events(pair["curated"], pair["acled"], max_days=5, labels=("curated", "acled"))
    assert wider.pairs[["incident_id_a", "incident_id_b"]].values.tolist() == [["a-1", "b-1"], ["a-2", "b-2"]]
    assert wider.pairs["km"].round(1).tolist()[1] == 1.0
    too_close = matching.match_events(pair["curated"], pair["acled"], max_days=5, max_km=0.5)
    assert too_close.pairs["incident_id_a"].tolist() == ["a-1"]
    assert too_close.unmatched_a["reason"].iloc[0] == "closest acled b-2: 1 km apart (limit 0.5 km)"
    # Within 70 days b-1, b-2 and b-3 are candidates for a-1 and a-2; each unit is used once, the best total.
    one_to_one = matching.match_events(pair["curated"], pair["acled"], max_days=70, labels=("curated", "acled"))
    assert one_to_one.pairs[["incident_id_a", "incident_id_b"]].values.tolist() == [["a-1", "b-1"], ["a-2", "b-2"]]
    left = dict(zip(one_to_one.unmatched_b["incident_id"], one_to_one.unmatched_b["reason"], strict=True))
    assert left["b-3"].startswith("candidate curated a-")


def test_selection_applies_to_both_sides(pair):
    selection = make_selection(pair["curated"], actors=["JNIM"])
    table = cross_dataset.killed_by_actor_year(pair, selection)
    assert sorted(table["actor"].unique()) == ["JNIM"]
    m = matching.match_events(pair["curated"], pair["acled"], selection)
    assert (m.events_a, m.events_b) == (1, 0)  # an opponent does not select an event


def test_one_dataset_is_nothing_to_compare(pair, tmp_path):
    c = cross_dataset.open_comparison({"only": str(pair["curated"].data_dir)})
    assert not c.comparable and c.matches == []
    assert c.table["count_best"].sum() == 14
    assert c.differences.by_actor_year.empty


def plain_recount(data_dir) -> pd.DataFrame:
    """Civilians killed by perpetrator group and year, straight from the CSV files with plain pandas."""
    inc = pd.read_csv(data_dir / "incidents.csv", parse_dates=["start_date"])
    per = pd.read_csv(data_dir / "perpetrators.csv")
    cas = pd.read_csv(data_dir / "casualties.csv")
    order = {a: i for i, a in enumerate(pd.read_csv(config.DATA_DIR / "reference" / "actors.csv")["actor"])}
    leading = per[per["role"].isin(["primary", "joint"])]
    groups = leading.groupby("incident_id")["actor"].agg(
        lambda s: " + ".join(sorted(set(s), key=lambda a: order.get(a, 99)))
    )
    killed = cas[(cas["harm"] == "killed") & (cas["victim_status"] == "civilian") & (cas["victim_group"] == "all")]
    events = inc[inc["record_type"] == "event"].merge(killed, on="incident_id")
    events["actor"] = events["incident_id"].map(groups).fillna("Perpetrator unknown")
    events["year"] = events["start_date"].dt.year
    events["best"] = events["count_best"].fillna(events["count_min"]).fillna(0)
    return events.groupby(["actor", "year"]).agg(best=("best", "sum"), incidents=("incident_id", "nunique"))


@pytest.fixture(scope="module")
def acled_import(tmp_path_factory):
    out = tmp_path_factory.mktemp("imports") / "acled"
    run_import("acled", config.PROJECT_ROOT / "tests" / "fixtures" / "acled" / "per_event_2023.csv", out)
    return out


def test_recount_against_plain_groupby(acled_import):
    datasets = {"curated": load_dataset(config.DATA_DIR), "acled": load_dataset(acled_import)}
    table = cross_dataset.killed_by_actor_year(datasets)
    for label, data_dir in (("curated", config.DATA_DIR), ("acled", acled_import)):
        mine = table[(table["dataset"] == label) & (table["incidents"] > 0)].set_index(["actor", "year"])
        plain = plain_recount(data_dir)
        assert sorted(mine.index) == sorted(plain.index), label
        for key, row in plain.iterrows():
            assert (mine.at[key, "count_best"], mine.at[key, "incidents"]) == (row["best"], row["incidents"]), key


@pytest.mark.slow
def test_render_curated_against_acled(acled_import, tmp_path):
    datasets = {"curated": load_dataset(config.DATA_DIR), "acled": load_dataset(acled_import)}
    table = cross_dataset.killed_by_actor_year(datasets)
    fama = table[(table["dataset"] == "acled") & (table["actor"] == "FAMa") & (table["year"] == 2024)].iloc[0]
    result = render(
        notebook=config.NOTEBOOKS_DIR / "dataset_comparison.ipynb",
        parameters={"data_dirs": {"curated": "", "acled": str(acled_import)}},
        formats=("html",),
        out_dir=tmp_path,
    )
    html = result.files["html"].read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    more = "more" if fama["difference"] > 0 else "fewer"
    assert f"acled records {abs(fama['difference'])} {more} civilians killed by FAMa than curated" in text
    assert f"{fama['value']} against {fama['reference_value']}" in text
    assert "Events only one dataset has" in text and "The same events, different figures" in text
    published = result.directory
    assert (published / "matches.html").is_file()
    pairs = pd.read_csv(published / "tables" / "matches.csv", encoding="utf-8-sig")
    assert set(pairs["dataset_a"]) <= {"curated"} and set(pairs["dataset_b"]) <= {"acled"}
    assert len(re.findall(r"<img[^>]+src=\"data:image/png;base64", html)) == 1
    nbval_options = ["-q", "-p", "no:cacheprovider", "--nbval-lax", "--nbval-current-env"]
    nbval = subprocess.run(
        [sys.executable, "-m", "pytest", *nbval_options, str(result.files["notebook"])],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=str(config.PROJECT_ROOT),
    )
    assert nbval.returncode == 0, nbval.stdout[-3000:]
