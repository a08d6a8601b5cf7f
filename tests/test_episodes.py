"""Episodes: the records of one attack grouped by the declared rule (data/episode_rules.py), listed once,
never counted twice."""

from __future__ import annotations

import re

import pandas as pd
import pytest
import synthetic

from analysis.data.dataset import load_dataset
from analysis.data.problems import DataValidationError
from analysis.importers.episodes import group_episodes, reported_ranges, split_declared
from analysis.importers.run import run_import
from analysis.measure.aggregate import aggregate, incident_facts
from analysis.measure.episodes import episode_table
from analysis.measure.selection import Selection
from analysis.report import annex, tables
from analysis.report.notebook import deadliest_episodes_markdown, methodology_markdown, open_report

from conftest import minimal_tables, write_tables

MOURA_NOTE = (
    "Between 27 and 31 March 2022, soldiers killed between 150-600 civilians in Moura. "
    "388 fatalities coded, split between 3 events."
)


def frames(records: list[tuple]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Tables of an import, one row per (id, day, cercle, place, actor, summary, killed)."""
    ids, days, cercles, places, actors, notes, killed = zip(*records, strict=True)
    dates = pd.to_datetime(list(days))
    incidents = pd.DataFrame(
        {
            "incident_id": ids,
            "record_type": "event",
            "title": "t",
            "summary": notes,
            "start_date": dates,
            "end_date": dates,
            "date_precision": "day",
            "country": "MLI",
            "admin1": "Mopti",
            "admin2": cercles,
            "location_name": places,
            "location_precision": "exact",
            "event_type": "attack",
            "is_civilian_targeting": "true",
            "dataset": "acled",
            "external_id": [i.upper() for i in ids],
        }
    )
    perpetrators = pd.DataFrame(
        {
            "incident_id": ids,
            "actor": actors,
            "role": "primary",
            "attribution": "single_source",
            "attribution_basis": "b",
        }
    )
    casualties = pd.DataFrame(
        {
            "incident_id": ids,
            "harm": "killed",
            "victim_status": "civilian",
            "victim_group": "all",
            "count_min": killed,
            "count_best": killed,
            "count_max": pd.array([pd.NA] * len(ids), dtype="Int64"),
            "count_text": "coded",
        }
    )
    sources = pd.DataFrame(
        {"incident_id": ids, "publisher": "ACLED", "source_type": "dataset", "stance": "reports", "document": "f.csv"}
    )
    return incidents, perpetrators, casualties, sources


def parents(incidents: pd.DataFrame) -> dict[str, str]:
    events = incidents[incidents["record_type"] == "event"]
    parent = events["parent_incident_id"] if "parent_incident_id" in events else pd.Series(None, index=events.index)
    return dict(zip(events["incident_id"], parent.astype(object).fillna(""), strict=True))


def test_split_records_of_one_massacre_are_one_episode_with_the_notes_range():
    tables_in = frames(
        [
            ("m1", "2022-03-27", "Djenne", "Moura", "FAMa", MOURA_NOTE, 130),
            ("m2", "2022-03-29", "Djenne", "Moura", "FAMa", MOURA_NOTE, 129),
            ("m3", "2022-03-31", "Djenne", "Moura", "FAMa", MOURA_NOTE, 129),
            ("x1", "2022-03-28", "Djenne", "Moura", "JNIM", "JNIM attacked the army post.", 3),
        ]
    )
    incidents, casualties, sources, summary = group_episodes(*tables_in)
    assert parents(incidents) == {"m1": "episode-m1", "m2": "episode-m1", "m3": "episode-m1", "x1": ""}
    episode = incidents[incidents["record_type"] == "episode"].iloc[0]
    assert episode["incident_id"] == "episode-m1"
    assert (episode["start_date"], episode["end_date"]) == (pd.Timestamp("2022-03-27"), pd.Timestamp("2022-03-31"))
    assert episode["external_id"] == "M1; M2; M3"
    assert episode["location_name"] == "Moura"
    reported = casualties[casualties["incident_id"] == "episode-m1"]
    assert reported[["harm", "victim_status", "count_min", "count_max"]].values.tolist() == [
        ["killed", "civilian", 150, 600]
    ]
    assert reported["count_best"].isna().all()
    assert sources[sources["incident_id"] == "episode-m1"]["title"].tolist() == ["Episode of 3 records: M1; M2; M3"]
    assert (summary.episodes, summary.records, summary.by_split_note, summary.with_reported_range) == (1, 3, 1, 1)
    assert summary.count_mismatches == []


def test_same_day_attacks_in_neighbouring_villages_stay_apart():
    incidents, _, _, summary = group_episodes(
        *frames(
            [
                ("a", "2023-05-01", "Bandiagara", "Sangha", "JNIM", "JNIM killed 4 civilians.", 4),
                ("b", "2023-05-01", "Bandiagara", "Songho", "Dan Na Ambassagou", "Dozos killed 6.", 6),
                # the same perpetrators the same day one village further: not grouped without a note
                ("c", "2023-05-01", "Bandiagara", "Dourou", "JNIM", "JNIM killed 2 civilians.", 2),
            ]
        )
    )
    assert parents(incidents) == {"a": "", "b": "", "c": ""}
    assert summary.episodes == 0


def test_different_perpetrators_never_group_even_when_notes_declare_a_split():
    note = "Fatalities split between 2 events."
    incidents, _, _, _ = group_episodes(
        *frames(
            [
                ("a", "2023-05-01", "Bandiagara", "Sangha", "JNIM", note, 4),
                ("b", "2023-05-01", "Bandiagara", "Sangha", "Islamic State Sahel", note, 6),
            ]
        )
    )
    assert parents(incidents) == {"a": "", "b": ""}


def test_a_declared_split_groups_two_places_of_one_cercle_but_not_another_cercle():
    note = "Dozo militiamen killed entre 20 et 40 civils; bilan réparti entre 2 événements."
    incidents, casualties, _, summary = group_episodes(
        *frames(
            [
                ("a", "2023-01-01", "Bandiagara", "Bandiagara", "Dozo", note, 10),
                ("b", "2023-01-02", "Bandiagara", "Sangha", "Dozo", note, 12),
                ("c", "2023-01-02", "Bankass", "Bankass", "Dozo", note, 7),
            ]
        )
    )
    assert parents(incidents) == {"a": "episode-a", "b": "episode-a", "c": ""}
    episode = incidents[incidents["record_type"] == "episode"].iloc[0]
    assert episode["location_name"] == "Bandiagara; Sangha"
    assert episode["location_precision"] == "multiple"
    assert casualties.loc[casualties["incident_id"] == "episode-a", ["count_min", "count_max"]].values.tolist() == [
        [20, 40]
    ]
    assert summary.split_notes_alone == 1  # c says it is split, and nothing in the file joins it


def test_same_place_consecutive_days_same_perpetrators_group_without_a_note():
    incidents, _, _, summary = group_episodes(
        *frames(
            [
                ("a", "2023-02-01", "Djenne", "Sofara", "FAMa", "Soldiers killed 5 villagers.", 5),
                ("b", "2023-02-02", "Djenne", "Sofara", "FAMa", "Soldiers killed 7 villagers.", 7),
                ("c", "2023-02-05", "Djenne", "Sofara", "FAMa", "Soldiers killed 1 villager.", 1),  # 3 days on
            ]
        )
    )
    assert parents(incidents) == {"a": "episode-a", "b": "episode-a", "c": ""}
    assert summary.by_same_place == 1


def test_same_place_grouping_needs_named_perpetrators_a_precise_place_and_the_same_sides():
    incidents, perpetrators, casualties, sources = frames(
        [
            ("u1", "2023-02-01", "Gao", "Gao", "Unidentified armed group", "Gunmen killed 2.", 2),
            ("u2", "2023-02-02", "Gao", "Gao", "Unidentified armed group", "Gunmen killed 3.", 3),
            ("r1", "2023-03-01", "", "Mopti", "JNIM", "JNIM killed 2 in the region.", 2),
            ("r2", "2023-03-02", "", "Mopti", "JNIM", "JNIM killed 4 in the region.", 4),
            ("b1", "2023-04-01", "San", "San", "FAMa", "Clash.", 1),
            ("b2", "2023-04-02", "San", "San", "FAMa", "Clash.", 1),
        ]
    )
    incidents.loc[incidents["incident_id"].isin(["r1", "r2"]), "location_precision"] = "admin1"
    opponents = pd.DataFrame(
        {
            "incident_id": ["b1", "b2"],
            "actor": ["JNIM", "Islamic State Sahel"],
            "role": "opponent",
            "attribution": "single_source",
            "attribution_basis": "b",
        }
    )
    grouped, _, _, summary = group_episodes(incidents, pd.concat([perpetrators, opponents]), casualties, sources)
    assert summary.episodes == 0
    # The same two battles against the same group are one.
    opponents["actor"] = "JNIM"
    grouped, _, _, summary = group_episodes(incidents, pd.concat([perpetrators, opponents]), casualties, sources)
    assert parents(grouped)["b2"] == "episode-b1" and summary.episodes == 1


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("soldiers killed between 150-600 civilians in Moura", [("civilian", 150, 600)]),
        ("between 150 and 600 people were killed", [("unknown", 150, 600)]),
        ("between 1,200 and 1,500 unarmed civilians", [("civilian", 1200, 1500)]),
        ("entre 150 et 600 civils ont été tués", [("civilian", 150, 600)]),
        ("Entre 10 et 20 combattants", [("combatant", 10, 20)]),
        ("Between 27 and 31 March 2022, soldiers killed civilians", []),  # days, not people
        ("entre 2 et 3 véhicules", []),
    ],
)
def test_ranges_read_from_english_and_french_notes(note, expected):
    found = reported_ranges(pd.Series([note]))
    assert [(r.victim_status, r.count_min, r.count_max) for r in found.itertuples()] == expected


def test_split_declarations_and_the_number_of_records_they_name():
    split, declared = split_declared(
        pd.Series(
            [
                "388 fatalities coded, split between 3 events.",
                "Fatalities were split across the two days.",
                "Bilan réparti entre trois événements.",
                "The group split into two factions.",
                None,
            ]
        )
    )
    assert split.tolist() == [True, True, True, False, False]
    assert declared.tolist()[:3] == [3, pytest.approx(float("nan"), nan_ok=True), 3]


def with_episode(episode_parent: str = "") -> dict[str, list[dict]]:
    """The minimal dataset with its event made the one record of an episode."""
    tables_in = minimal_tables()
    event = tables_in["incidents"][0]
    episode = {**event, "incident_id": "ep-1", "record_type": "episode", "parent_incident_id": episode_parent}
    event["parent_incident_id"] = "ep-1"
    tables_in["incidents"].append(episode)
    tables_in["sources"].append({**tables_in["sources"][0], "incident_id": "ep-1"})
    return tables_in


def test_an_event_may_belong_to_an_episode_but_an_episode_to_nothing(tmp_path):
    dataset = load_dataset(write_tables(tmp_path / "ok", with_episode()))
    assert dataset.incidents.set_index("incident_id").loc["t-1", "parent_incident_id"] == "ep-1"
    assert incident_facts(dataset)["episode_id"].tolist() == ["ep-1"]
    with pytest.raises(DataValidationError) as error:
        load_dataset(write_tables(tmp_path / "bad", with_episode(episode_parent="t-1")))
    assert "only events can be part of a period total or an episode" in str(error.value)
    assert "the id of a period_total or episode record" in str(error.value)


# -- on an imported export -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("episodes")
    path = folder / "acled.csv"
    export = synthetic.acled_export_with_split_massacre(300, seed=3)
    path.write_text(export.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
    result = run_import("acled", path, folder / "out")
    return result, folder / "out", export


def test_import_report_counts_episodes_and_the_import_still_balances(imported):
    result, out, _ = imported
    text = (out / "import_report.txt").read_text(encoding="utf-8")
    assert re.search(r"episodes:\s+1\s+formed from 3 records", text), text
    assert result.balanced()
    assert result.rows_written == (result.incidents["record_type"] == "event").sum()
    assert '"episodes": 1' in (out / "import_report.json").read_text(encoding="utf-8")


def test_recount_grouping_changes_no_total(imported, tmp_path, monkeypatch):
    _, out, _ = imported
    dataset = load_dataset(out)
    total = aggregate(dataset, (), Selection())
    # The same file imported without the grouping step: every total is the same.
    monkeypatch.setattr("analysis.importers.run.apply_episodes", lambda result: None)
    run_import("acled", out.parent / "acled.csv", tmp_path / "plain")
    ungrouped = load_dataset(tmp_path / "plain")
    assert (ungrouped.incidents["record_type"] == "episode").sum() == 0
    assert total.to_dict("records") == aggregate(ungrouped, (), Selection()).to_dict("records")
    by_actor = aggregate(dataset, ("actor", "period"), Selection())
    assert by_actor.equals(aggregate(ungrouped, ("actor", "period"), Selection()))
    # And by plain pandas from the CSV files: civilians killed in events; the episode's range (150-600) is
    # in casualties.csv but in no sum.
    inc, cas = pd.read_csv(out / "incidents.csv"), pd.read_csv(out / "casualties.csv")
    events = inc.loc[inc["record_type"] == "event", "incident_id"]
    civilian = cas[(cas["harm"] == "killed") & (cas["victim_status"] == "civilian") & (cas["victim_group"] == "all")]
    assert int(total["count_best"].iloc[0]) == int(
        civilian.loc[civilian["incident_id"].isin(events), "count_best"].sum()
    )
    assert int(total["count_max"].iloc[0]) == int(total["count_best"].iloc[0])
    facts = incident_facts(dataset)
    moura = facts[facts["external_id"].isin(["MLI996453", "MLI996454", "MLI996455"])]
    assert set(moura["episode_id"]) == {"episode-acled-MLI996453"}
    assert (facts["record_type"] == "event").all()


def test_no_consumer_takes_an_episode_for_an_event_or_a_period_total(imported):
    from analysis.measure.build_diff import incident_snapshot
    from analysis.measure.coverage import coverage

    _, out, _ = imported
    dataset = load_dataset(out)
    events = int((dataset.incidents["record_type"] == "event").sum())
    assert (dataset.incidents["record_type"] == "episode").sum() == 1
    row = coverage({"acled": dataset}).iloc[0]
    assert (row["events"], row["period_totals"]) == (events, 0)
    assert tables.period_totals(dataset, Selection()).empty
    snapshot, sources = incident_snapshot(dataset, Selection())
    assert len(snapshot) == events and not snapshot["incident_id"].str.startswith("episode-").any()
    assert not sources["incident_id"].str.startswith("episode-").any()
    assert len(tables.incident_list(dataset, Selection())) == events


def test_one_row_per_attack_with_summed_figures_and_the_notes_range(imported):
    _, out, _ = imported
    table = episode_table(load_dataset(out)).set_index("episode_id")
    moura = table.loc["episode-acled-MLI996453"]
    assert (
        moura["records"],
        moura["count_min"],
        moura["count_best"],
        moura["reported_min"],
        moura["reported_max"],
    ) == (
        3,
        388,
        388,
        150,
        600,
    )
    assert moura["record_ids"] == "MLI996453; MLI996454; MLI996455"
    assert (moura["start_date"], moura["end_date"]) == (pd.Timestamp("2022-03-27"), pd.Timestamp("2022-03-31"))
    assert table["records"].sum() == len(incident_facts(load_dataset(out)))


def test_deadliest_list_page_one_and_pdf_annex_show_the_episode_once(imported):
    _, out, _ = imported
    r = open_report(str(out))
    deadliest = tables.deadliest_incidents(r.dataset, r.selection)
    first = deadliest.iloc[0]
    assert first["civilians killed"] == "388 in 3 records; the notes say 150–600"
    assert first["date"] == "27 Mar 2022 – 31 Mar 2022"
    assert first["id"] == "episode-acled-MLI996453 (records MLI996453, MLI996454, MLI996455)"
    assert not deadliest["id"].str.contains("acled-MLI99645[45]").any()
    page1 = deadliest_episodes_markdown(r).splitlines()
    assert len(page1) == 4 and "the sources put the toll between 150 and 600" in page1[1]
    assert "27–31 March 2022" in page1[1] and "coded in 3 ACLED records" in page1[1]
    pdf = annex.pdf_incidents(r.incidents)
    assert pdf["id"].str.contains("MLI996454").sum() == 1
    assert "Episodes." in methodology_markdown(r)


@pytest.fixture(scope="module")
def rendered(imported, tmp_path_factory):
    from analysis.report.render import render

    _, out, _ = imported
    return render(out_dir=tmp_path_factory.mktemp("reports"), parameters={"data_dir": str(out)}, slug="episodes")


def test_rendered_html_and_pdf_list_the_massacre_once_with_its_range(rendered):
    from pypdf import PdfReader

    html = re.sub(r"\s+", " ", rendered.files["html"].read_text(encoding="utf-8"))
    assert "388 in 3 records; the notes say 150–600" in html
    assert html.count("records MLI996453, MLI996454, MLI996455") == 1  # the deadliest list, once
    # incidents.html keeps one row per record, each naming its episode and the range of the whole attack.
    page = rendered.files["annex"].read_text(encoding="utf-8")
    assert page.count("one of 3 records of episode-acled-MLI996453; the notes say 150–600 for the whole attack") == 3
    pdf = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(rendered.files["pdf"]).pages))
    pdf = re.sub(r"([–-]) ", r"\1", pdf)  # table cells break lines after dashes
    # The deadliest list and the annex each show the episode once, with its range.
    assert pdf.count("the notes say 150–600") == 2, pdf.count("the notes say")
    # Page 1 names the records of the deadliest attack once; the deadliest list and the annex once each.
    assert pdf.count("MLI996454") == 3
    assert pdf.count("the sources put the toll between 150 and 600") == 1
