"""ACLED importer: each export shape against exact expected tables, and every row accounted for."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.data.dataset import load_dataset
from analysis.importers.run import run_import

from conftest import TESTS, run_cli, run_process
from conftest import table_rows as rows

FIXTURES = TESTS / "fixtures" / "acled"


def imported(tmp_path: Path, name: str):
    out = tmp_path / name
    result = run_import("acled", FIXTURES / f"{name}.csv", out)
    return result, out


INCIDENT_COLUMNS = [
    "incident_id",
    "start_date",
    "end_date",
    "date_precision",
    "admin1",
    "location_precision",
    "latitude",
    "event_type",
    "is_civilian_targeting",
]
PERPETRATOR_COLUMNS = ["incident_id", "actor", "role"]
CASUALTY_COLUMNS = ["incident_id", "harm", "victim_status", "count_min", "count_best", "count_max"]


def test_per_event_2023_shape(tmp_path):
    result, out = imported(tmp_path, "per_event_2023")
    assert result.shape == "ACLED per-event export (2023 columns)"
    assert rows(out, "incidents", INCIDENT_COLUMNS) == [
        ("acled-MLI9001", "2024-03-15", "2024-03-15", "day", "Mopti", "exact", "14.0167", "attack", "true"),
        # time_precision 2: ACLED's date is one day of the week, so the week either side of it.
        ("acled-MLI9002", "2024-04-26", "2024-05-08", "week", "Ségou", "near", "14.2526", "armed_clash", "false"),
        # time_precision 3 is the month; geo_precision 3 is a region, so no point is kept.
        ("acled-MLI9003", "2024-06-01", "2024-06-30", "month", "Tombouctou", "admin1", "", "air_drone_strike", "true"),
        ("acled-MLI9004", "2024-07-01", "2024-07-01", "day", "", "exact", "19.95", "armed_clash", "false"),
        (
            "acled-MLI9008",
            "2024-08-10",
            "2024-08-10",
            "day",
            "Ménaka",
            "exact",
            "15.42",
            "looting_property_destruction",
            "true",
        ),
    ]
    assert rows(out, "perpetrators", PERPETRATOR_COLUMNS) == [
        ("acled-MLI9001", "FAMa", "primary"),
        ("acled-MLI9001", "Wagner Group", "joint"),
        ("acled-MLI9002", "JNIM", "primary"),
        ("acled-MLI9002", "FAMa", "opponent"),
        ("acled-MLI9002", "Wagner Group", "opponent"),
        ("acled-MLI9003", "FAMa", "primary"),
        ("acled-MLI9004", "Katiba Exemple (Mali)", "primary"),
        ("acled-MLI9004", "Islamic State Sahel", "opponent"),
        ("acled-MLI9008", "JNIM", "primary"),
    ]
    assert rows(out, "casualties", CASUALTY_COLUMNS) == [
        ("acled-MLI9001", "killed", "civilian", "12", "12", ""),
        ("acled-MLI9002", "killed", "unknown", "9", "9", ""),  # battle dead are not civilians
        ("acled-MLI9003", "killed", "civilian", "7", "7", ""),  # a civilian-targeting strike
        # MLI9004 (a battle) and MLI9008 (looting) report 0 fatalities: no killed row; the looting is kept.
        ("acled-MLI9008", "property_looted", "civilian", "", "", ""),
    ]
    assert rows(out, "rejects", ["line", "record_id"]) == [("7", "MLI9005"), ("8", "MLI9006"), ("9", "BFO9007")]
    reasons = rows(out, "rejects", ["reason"])
    assert reasons[0][0].startswith("out of scope: ACLED Protests / Peaceful protest")
    assert reasons[1][0].startswith("invalid date")
    assert reasons[2][0].startswith("out of scope: country 'Burkina Faso'")
    # The repeated identical MLI9001 row is merged, not counted twice.
    assert (result.rows_read, result.rows_written, result.rows_merged, result.rows_rejected) == (9, 5, 1, 3)
    assert (result.deaths_read, result.deaths_written, result.deaths_rejected) == (36, 28, 8)
    assert result.balanced()
    assert dict(result.unmatched_actors) == {"Katiba Exemple (Mali)": 1}
    assert dict(result.unmatched_regions) == {"Azawad": 1}
    actors = pd.read_csv(out / "reference" / "actors.csv", dtype=str)
    assert actors.set_index("actor").loc["Katiba Exemple (Mali)", "actor_type"] == "unmatched"
    summary = pd.read_csv(out / "incidents.csv", dtype=str).set_index("incident_id").loc["acled-MLI9001", "summary"]
    assert summary.endswith('Soldiers, with "foreign" fighters,\nkilled 12 villagers.')
    load_dataset(out)  # the output validates


def test_per_event_before_2019_shape(tmp_path):
    result, out = imported(tmp_path, "per_event_before_2019")
    assert result.shape == "ACLED per-event export (before 2019)"
    assert rows(out, "incidents", ["incident_id", "event_type", "is_civilian_targeting", "date_precision"]) == [
        ("acled-MLI100", "attack", "true", "day"),
        ("acled-MLI101", "armed_clash", "false", "day"),
        ("acled-MLI102", "other", "false", "week"),  # old "Remote violence" is not one of our types
    ]
    assert rows(out, "perpetrators", PERPETRATOR_COLUMNS) == [
        ("acled-MLI100", "FAMa", "primary"),
        ("acled-MLI101", "JNIM", "primary"),
        ("acled-MLI101", "MINUSMA", "opponent"),
        ("acled-MLI101", "French armed forces", "opponent"),
        ("acled-MLI101", "FAMa", "opponent"),
        ("acled-MLI102", "Islamic State Sahel", "primary"),
    ]
    assert rows(out, "casualties", CASUALTY_COLUMNS) == [
        ("acled-MLI100", "killed", "civilian", "5", "5", ""),
        ("acled-MLI101", "killed", "unknown", "3", "3", ""),
        ("acled-MLI102", "killed", "unknown", "4", "4", ""),
    ]
    assert rows(out, "rejects", ["line", "record_id"]) == [("5", "MLI103")]
    assert result.balanced() and (result.rows_read, result.rows_written, result.rows_rejected) == (4, 3, 1)


def test_per_actor_shape_is_merged_back_into_events(tmp_path):
    result, out = imported(tmp_path, "per_actor")
    assert result.shape == "ACLED per-actor export (one row per actor)"
    assert rows(out, "incidents", ["incident_id", "event_type", "is_civilian_targeting"]) == [
        ("acled-MLI200", "attack", "true"),
        ("acled-MLI201", "armed_clash", "false"),
        ("acled-MLI203", "remote_explosive", "false"),
    ]
    assert rows(out, "perpetrators", PERPETRATOR_COLUMNS) == [
        ("acled-MLI200", "Wagner Group", "primary"),
        ("acled-MLI200", "FAMa", "joint"),
        ("acled-MLI201", "JNIM", "primary"),
        ("acled-MLI201", "FAMa", "opponent"),
        ("acled-MLI203", "JNIM", "primary"),
    ]
    assert rows(out, "casualties", CASUALTY_COLUMNS) == [
        ("acled-MLI200", "killed", "civilian", "20", "20", ""),
        ("acled-MLI201", "killed", "unknown", "6", "6", ""),
        ("acled-MLI203", "killed", "unknown", "2", "2", ""),
    ]
    # The two rows of MLI202 disagree on its fatalities: neither is trusted.
    assert rows(out, "rejects", ["line", "record_id", "reason"]) == [
        ("6", "MLI202", "inconsistent event: its rows disagree on fatalities"),
        ("7", "MLI202", "inconsistent event: its rows disagree on fatalities"),
    ]
    assert (result.rows_read, result.rows_written, result.rows_merged, result.rows_rejected) == (7, 3, 2, 2)
    assert (result.deaths_read, result.deaths_written, result.deaths_rejected) == (32, 28, 4)
    report = json.loads((out / "import_report.json").read_text())
    assert report["balanced"] and report["rows_merged"] == 2


def test_recount_against_plain_pandas(tmp_path):
    """Civilians killed in the output equal ACLED's fatalities of the kept civilian-targeting events."""
    _, out = imported(tmp_path, "per_event_2023")
    source = pd.read_csv(FIXTURES / "per_event_2023.csv").drop_duplicates()
    kept = source[
        (source["country"] == "Mali")
        & (source["event_date"] != "30 February 2024")
        & (source["event_type"] != "Protests")
        & (source["civilian_targeting"].eq("Civilian targeting") | source["inter2"].isin([7, "7", "Civilians"]))
    ]
    casualties = pd.read_csv(out / "casualties.csv")
    civilians = casualties[(casualties["harm"] == "killed") & (casualties["victim_status"] == "civilian")]
    assert civilians["count_best"].sum() == kept["fatalities"].sum()


def test_labels_instead_of_inter_codes_and_semicolon_associates(tmp_path):
    header = (FIXTURES / "per_event_2023.csv").read_text(encoding="utf-8").splitlines()[0]
    row = (
        "MLI9100,4 May 2025,2025,1,Political violence,Violence against civilians,Attack,Wagner Group,"
        '"Military Forces of Mali (2021-); Dozo Communal Militia (Mali)",External/Other forces,Civilians (Mali),,'
        "Civilians,78,Civilian targeting,466,Western Africa,Mali,Segou,Niono,,Diafarabe,14.15,-4.95,1,Source,"
        "Local,SYNTHETIC.,3,,1746000000"
    )
    path = tmp_path / "labels.csv"
    path.write_text(header + "\n" + row + "\n", encoding="utf-8")
    out = tmp_path / "out"
    run_import("acled", path, out)
    assert rows(out, "perpetrators", PERPETRATOR_COLUMNS) == [
        ("acled-MLI9100", "Wagner Group", "primary"),
        ("acled-MLI9100", "FAMa", "joint"),
        ("acled-MLI9100", "Dozo militias", "joint"),
    ]


def test_cli_import_then_validate(tmp_path):
    out = tmp_path / "acled"
    done = run_process("import", "acled", str(FIXTURES / "per_event_2023.csv"), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "balance:            ok" in done.stdout
    assert "Katiba Exemple (Mali)" in done.stdout
    assert (out / "rejects.csv").is_file() and (out / "import_report.txt").is_file()
    valid = run_process("validate", str(out))
    assert valid.returncode == 0, valid.stderr


def test_missing_column_exits_2_and_writes_nothing(tmp_path):
    source = pd.read_csv(FIXTURES / "per_event_2023.csv", dtype=str).drop(columns=["fatalities"])
    path = tmp_path / "no_fatalities.csv"
    source.to_csv(path, index=False)
    out = tmp_path / "out"
    done = run_cli("import", "acled", str(path), "--out", str(out))
    assert done.returncode == 2
    assert "missing column(s): fatalities" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()


def test_refuses_to_overwrite_a_directory_that_is_not_an_import(tmp_path):
    precious = tmp_path / "mine"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    done = run_cli("import", "acled", str(FIXTURES / "per_actor.csv"), "--out", str(precious))
    assert done.returncode == 2 and "will not overwrite" in done.stderr
    assert (precious / "notes.txt").read_text() == "keep me"


def test_reimport_replaces_the_previous_output(tmp_path):
    out = tmp_path / "out"
    run_import("acled", FIXTURES / "per_actor.csv", out)
    run_import("acled", FIXTURES / "per_event_before_2019.csv", out)
    assert rows(out, "incidents", ["incident_id"]) == [("acled-MLI100",), ("acled-MLI101",), ("acled-MLI102",)]


@pytest.mark.parametrize("name", ["per_event_2023", "per_event_before_2019", "per_actor"])
def test_every_shape_validates(tmp_path, name):
    _, out = imported(tmp_path, name)
    assert len(load_dataset(out).incidents) > 0


@pytest.mark.slow
def test_default_report_renders_on_an_imported_dataset(tmp_path):
    import re

    from analysis.report.render import render

    _, out = imported(tmp_path, "per_event_2023")
    result = render(out_dir=tmp_path / "reports", parameters={"data_dir": str(out)}, formats=("html",), slug="acled")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", result.files["html"].read_text(encoding="utf-8")))
    casualties = pd.read_csv(out / "casualties.csv")
    civilians = casualties[(casualties["harm"] == "killed") & (casualties["victim_status"] == "civilian")]
    assert f"killed at least {int(civilians['count_min'].sum())} civilians" in text


def test_repeated_ids_follow_the_one_rule(tmp_path):
    """data.columns.repeated_ids: the exact repeat is merged and its deaths counted once; a row with the same
    event_id_cnty and other values is rejected, and its deaths are read and rejected like any rejected row's."""
    header = "event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,inter1,country,admin1,location"
    header += ",latitude,longitude,geo_precision,fatalities,actor2,inter2"
    row = "MLI9500,15 March 2024,1,Violence against civilians,Attack,JNIM,2,Mali,Mopti,Sofara,14.0,-4.2,1,{},,"
    path = tmp_path / "repeated.csv"
    path.write_text("\n".join([header, row.format(5), row.format(5), row.format(7)]) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_import("acled", path, out)
    assert (result.rows_read, result.rows_written, result.rows_merged, result.rows_rejected) == (3, 1, 1, 1)
    assert list(result.rejects["reason"]) == ["duplicate id: acled-MLI9500 also on line 2, with other values"]
    assert (result.deaths_read, result.deaths_written, result.deaths_rejected) == (12, 5, 7)
    assert result.balanced()
    assert "repeated ids:       a record repeated exactly" in (out / "import_report.txt").read_text()


@pytest.mark.parametrize(
    "second_row",
    [
        pytest.param(lambda row: row.replace("1,466,MLI200", "99,466,MLI200", 1), id="a copy with its own data_id"),
        pytest.param(
            lambda row: row.replace("1,466,MLI200", "99,466,MLI200", 1).replace(
                ",Military Forces of Mali (2021-),", ",,"
            ),
            id="the same actor on the other side",
        ),
    ],
)
def test_a_per_actor_event_naming_one_actor_twice_is_kept_whole(tmp_path, second_row):
    """ACLED's per-actor layout has a row per side: the same actor on both sides (or a copy that differs only in
    ACLED's row number, data_id) is a further row of the event, never a reason to refuse the event's deaths."""
    lines = (FIXTURES / "per_actor.csv").read_text(encoding="utf-8").splitlines()
    plain, twice = tmp_path / "plain.csv", tmp_path / "twice.csv"
    plain.write_text("\n".join(lines) + "\n", encoding="utf-8")
    twice.write_text("\n".join([*lines, second_row(lines[1])]) + "\n", encoding="utf-8")
    before, after = run_import("acled", plain, tmp_path / "a"), run_import("acled", twice, tmp_path / "b")
    assert after.rows_read == before.rows_read + 1 and after.rows_merged == before.rows_merged + 1
    assert (after.rows_written, after.deaths_written, after.deaths_rejected) == (
        before.rows_written,
        before.deaths_written,
        before.deaths_rejected,
    )
    written = pd.read_csv(tmp_path / "b" / "incidents.csv", dtype=str)
    assert "acled-MLI200" in set(written["incident_id"])
