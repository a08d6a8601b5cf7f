"""The UCDP importer: synthetic GED/Candidate files with exact expected tables, and UCDP's real sample."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from analysis import config
from analysis.data.schema import TABLES
from analysis.importers.output import Resolver, reference_tables
from analysis.importers.reading import InputFileError
from analysis.importers.run import run_import
from analysis.importers.ucdp import import_ucdp

from conftest import TESTS
from conftest import run_cli as cli
from conftest import table_rows as rows

FIXTURES = TESTS / "fixtures" / "ucdp"
CANDIDATE = FIXTURES / "candidate_49_columns.csv"
OLDER = FIXTURES / "ged_older_layout.csv"
SAMPLE = config.SHARED_DIR / "samples" / "ucdp_ged_candidate_v26_0_7_mali.csv"
JOINT = "Government of Mali, Government of Russia (Soviet Union)"


@pytest.fixture(scope="module")
def candidate(tmp_path_factory):
    out = tmp_path_factory.mktemp("ucdp") / "out"
    return run_import("ucdp", CANDIDATE, out), out


@pytest.fixture(scope="module")
def older(tmp_path_factory):
    out = tmp_path_factory.mktemp("ucdp-old") / "out"
    return run_import("ucdp", OLDER, out), out


# --- the 49-column Candidate layout ------------------------------------------------------------------------

# Every incidents column but the free text and the links this importer never fills.
INCIDENT_COLUMNS = [
    c for c in TABLES["incidents"].columns if c not in ("summary", "parent_incident_id", "verification_note")
]


def test_incidents_exact(candidate):
    _, out = candidate
    assert rows(out, "incidents", INCIDENT_COLUMNS) == [
        # joint FAMa + Russian forces before June 2025: exact place, coordinates kept
        ("ucdp-900001", "event", "FAMa and Wagner Group against civilians in Mopti", "2025-03-10", "2025-03-10",
         "day", "MLI", "Mopti", "Djenné", "Sofara town", "14.012300", "-4.243500", "exact", "attack", "true",
         "ucdp", "900001"),
        # after June 2025; where_prec 4: UCDP's coordinates are a region centroid and are left out
        ("ucdp-900002", "event", "FAMa and Africa Corps against civilians in Ségou", "2025-07-01", "2025-07-04",
         "week", "MLI", "Ségou", "", "Segou region", "", "", "admin1", "attack", "true", "ucdp", "900002"),
        # battle with deaths split across statuses
        ("ucdp-900003", "event", "FAMa against JNIM in Mopti", "2024-11-05", "2024-11-05", "day", "MLI", "Mopti",
         "Douentza", "Boni village", "15.050000", "-1.916700", "near", "armed_clash", "false", "ucdp", "900003"),
        # unknown actor against IS; unknown region 'Azawad region' left empty; date_prec 4 -> month
        ("ucdp-900004", "event", "Katiba Serma splinter group against Islamic State Sahel in Azawad", "2025-01-01",
         "2025-01-31", "month", "MLI", "", "Gourma-Rharous", "Gourma cercle", "16.500000", "-1.500000", "admin2",
         "armed_clash", "false", "ucdp", "900004"),
        # date_prec 1 but a three-day span: made coarser (week); where_prec 6: country
        ("ucdp-900006", "event", "FAMa against FLA in Kidal", "2025-08-01", "2025-08-01", "day", "MLI", "Kidal", "",
         "Anefis village", "18.043889", "0.603056", "near", "armed_clash", "false", "ucdp", "900006"),
        ("ucdp-900008", "event", "FAMa against FLA in Mali", "2025-05-01", "2025-05-03", "week", "MLI", "", "",
         "Mali", "", "", "country", "armed_clash", "false", "ucdp", "900008"),
    ]  # fmt: skip


def test_summaries_keep_multi_line_text_and_notes(candidate):
    _, out = candidate
    summary = dict(rows(out, "incidents", ["incident_id", "summary"]))
    assert summary["ucdp-900003"] == (
        "Place: between Douentza and Boni\n\ni.e. the RN16 road. "
        'Sources\' headlines: Communiqué: "terrorists neutralised",\nsays the army; #Mali'
    )
    assert summary["ucdp-900002"] == "Place: villages in the Ségou region. Sources' headlines: Mali: villagers killed"
    assert summary["ucdp-900008"] == "Place: northern Mali."
    note = dict(rows(out, "incidents", ["incident_id", "verification_note"]))
    assert note["ucdp-900001"] == ""
    assert note["ucdp-900002"] == (
        "UCDP Candidate code_status 'Check deaths': UCDP has not yet cleared this event. "
        "UCDP's coordinates are only a centroid at this precision and are left out."
    )
    assert note["ucdp-900008"].startswith("UCDP event_clarity 2: the figures are an aggregate")


def test_perpetrators_exact(candidate):
    _, out = candidate
    assert rows(out, "perpetrators", ["incident_id", "actor", "role", "attribution"]) == [
        ("ucdp-900001", "FAMa", "primary", "single_source"),
        ("ucdp-900001", "Wagner Group", "joint", "single_source"),
        ("ucdp-900002", "FAMa", "primary", "single_source"),
        ("ucdp-900002", "Africa Corps", "joint", "single_source"),
        ("ucdp-900003", "FAMa", "primary", "single_source"),
        ("ucdp-900003", "JNIM", "opponent", "single_source"),
        ("ucdp-900004", "Katiba Serma splinter group", "primary", "single_source"),
        ("ucdp-900004", "Islamic State Sahel", "opponent", "single_source"),
        ("ucdp-900006", "FAMa", "primary", "single_source"),
        ("ucdp-900006", "FLA", "opponent", "single_source"),
        ("ucdp-900008", "FAMa", "primary", "single_source"),
        ("ucdp-900008", "FLA", "opponent", "single_source"),
    ]
    basis = {(i, a): b for i, a, b in rows(out, "perpetrators", ["incident_id", "actor", "attribution_basis"])}
    assert basis[("ucdp-900001", "FAMa")] == (
        f"UCDP codes {JOINT} as side A of one-sided violence against civilians (dyad {JOINT} - Civilians)"
        "; UCDP number_of_sources 1"  # the count of sources that gives the grade (single_source)
    )
    assert basis[("ucdp-900001", "Wagner Group")].endswith(
        "Russian forces with the Malian army were the Wagner Group until 6 June 2025 and Africa Corps from then on, "
        "and this event starts 2025-03-10; UCDP number_of_sources 1"
    )
    assert basis[("ucdp-900003", "JNIM")] == (
        "UCDP codes JNIM as side B of a state-based conflict event (dyad Government of Mali - JNIM); "
        "the other side of a battle, not the perpetrator of the harm counted; UCDP number_of_sources 1"
    )


def test_casualties_exact_with_split_bounds(candidate):
    _, out = candidate
    assert rows(out, "casualties", ["incident_id", "harm", "victim_status", "victim_group", "count_min",
                                    "count_best", "count_max", "count_text"]) == [
        ("ucdp-900001", "killed", "civilian", "all", "5", "7", "10", "UCDP best 7 (low 5, high 10); all civilians"),
        ("ucdp-900002", "killed", "civilian", "all", "3", "3", "4", "UCDP best 3 (low 3, high 4); all civilians"),
        # best 7 (low 5, high 10) split 2 civilians / 5 combatants: min = max(0, d - 2), max = d + 3
        ("ucdp-900003", "killed", "civilian", "all", "0", "2", "5", "UCDP best 7 (low 5, high 10); civilians 2 of 7"),
        ("ucdp-900003", "killed", "combatant", "all", "3", "5", "8",
         "UCDP best 7 (low 5, high 10); combatants 5 (side A 2, side B 3) of 7"),
        # no deaths: still one row, so that the event has a figure (status unknown in a battle)
        # ucdp-900004: best 0, low 0, high 0: no killed row (a count of 0 is not a killing); it stays an event
        # ucdp-900006: best 5 but its deaths by side and status add up to 2: kept, the other 3 of unknown status
        ("ucdp-900006", "killed", "combatant", "all", "2", "2", "2",
         "UCDP best 5 (low 5, high 5), of which 3 not given by side or status; combatants 2 (side A 0, side B 2) of 5"),
        ("ucdp-900006", "killed", "unknown", "all", "3", "3", "3",
         "UCDP best 5 (low 5, high 5), of which 3 not given by side or status; status unknown 3 of 5"),
        ("ucdp-900008", "killed", "unknown", "all", "1", "3", "6", "UCDP best 3 (low 1, high 6); all of unknown status"),
    ]  # fmt: skip


def test_sources_exact(candidate):
    _, out = candidate
    doc = CANDIDATE.name
    assert rows(out, "sources", ["incident_id", "publisher", "source_type", "stance", "title", "quote", "document",
                                 "carried_by"]) == [
        ("ucdp-900001", "UCDP", "dataset", "reports", "UCDP event 900001", "Executions near Djenné", doc,
         "Kal Akal (original sources: local sources)"),
        ("ucdp-900002", "UCDP", "dataset", "reports", "UCDP event 900002", "Mali: villagers killed", doc, "RFI"),
        ("ucdp-900003", "UCDP", "dataset", "reports", "UCDP event 900003",
         'Communiqué: "terrorists neutralised",\nsays the army; #Mali', doc,
         "FAMA; @someone (original sources: FAMa; JNIM)"),
        ("ucdp-900004", "UCDP", "dataset", "reports", "UCDP event 900004", "clashes", doc, "@SimNasr"),
        ("ucdp-900006", "UCDP", "dataset", "reports", "UCDP event 900006", "sums do not add up", doc, ""),
        ("ucdp-900008", "UCDP", "dataset", "reports", "UCDP event 900008", "", doc, ""),
    ]  # fmt: skip


def test_rejected_rows_each_with_reason_and_physical_line(candidate):
    result, out = candidate
    today = dt.date.today().isoformat()
    expected = [
        # line 9, not 6: the multi-line text of event 900003 takes lines 4-7
        ("9", "900005", "invalid date: date_start '2025-02-30 00:00:00.000' (expected a real date, YYYY-MM-DD)"),
        ("11", "900007", "out of scope: country Burkina Faso"),
        ("13", "900009", f"future date: date_start '2099-01-01 00:00:00.000' is after today ({today})"),
    ]  # fmt: skip
    assert rows(out, "rejects", ["line", "record_id", "reason"]) == expected
    assert list(result.rejects["reason"]) == [r for _, _, r in expected]


def test_ledger_balances(candidate):
    result, out = candidate
    assert (result.rows_read, result.rows_written, result.rows_merged, result.rows_rejected) == (9, 6, 0, 3)
    # deaths: 7 + 3 + 7 + 0 + 5 + 3 written (900006's sum of parts disagrees with its best: kept);
    # 4 (bad date) + 3 (Burkina Faso) + 1 (future) rejected
    assert (result.deaths_read, result.deaths_written, result.deaths_rejected) == (33, 25, 8)
    assert result.balanced()
    report = json.loads((out / "import_report.json").read_text())
    assert report["balanced"] and report["deaths_read"] == 33 and report["incidents_written"] == 6
    text = (out / "import_report.txt").read_text()
    assert (
        "1 event(s) before 6 June 2025 recorded as FAMa + Wagner Group, 1 from then on as FAMa + Africa Corps" in text
    )


def test_unknown_actor_is_kept_listed_and_added_to_actors(candidate):
    result, out = candidate
    assert dict(result.unmatched_actors) == {"Katiba Serma splinter group": 1}
    actors = pd.read_csv(out / "reference" / "actors.csv", dtype=str, keep_default_na=False)
    added = actors[actors["actor"] == "Katiba Serma splinter group"]
    assert list(added["actor_type"]) == ["unmatched"]
    assert "Katiba Serma splinter group" in (out / "import_report.txt").read_text()


def test_unknown_region_is_left_empty_and_counted(candidate):
    result, _ = candidate
    assert dict(result.unmatched_regions) == {"Azawad region": 1}


def test_cli_import_then_validate(tmp_path):
    out = tmp_path / "out"
    done = cli("import", "ucdp", str(CANDIDATE), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "rows rejected:              3" in done.stdout
    checked = cli("validate", str(out))
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_future_is_judged_against_today(tmp_path):
    result = import_ucdp(CANDIDATE, Resolver(reference_tables()), "ucdp", today=dt.date(2025, 7, 3))
    reasons = dict(zip(result.rejects["record_id"], result.rejects["reason"], strict=True))
    assert reasons["900002"] == "future date: date_end '2025-07-04 00:00:00.000' is after today (2025-07-03)"
    assert result.balanced()


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"best": "seven"}, "invalid number: best 'seven' (expected a whole number, 0 or more)"),
        ({"deaths_civilians": "-7"}, "invalid number: deaths_civilians '-7' (expected a whole number, 0 or more)"),
        ({"type_of_violence": "4"}, "invalid code: type_of_violence '4' (expected 1, 2 or 3)"),
        ({"where_prec": "9"}, "invalid code: where_prec '9' (expected 1 to 7)"),
        ({"date_start": ""}, "invalid date: date_start is empty"),
        (
            {"date_end": "2025-03-09"},
            "invalid date: date_end '2025-03-09' is before date_start '2025-03-10 00:00:00.000'",
        ),
        ({"side_a": ""}, "missing value: side_a is empty"),
        ({"country": ""}, "missing value: country is empty"),
        (
            {"latitude": "-4.2435", "longitude": "14.0123"},
            "invalid coordinates: latitude '-4.2435', longitude '14.0123' (expected a point in Mali: "
            "latitude 10.0..25.1, longitude -12.3..4.3)",
        ),
    ],
)
def test_each_reason_for_rejecting_a_row(tmp_path, changes, reason):
    frame = pd.read_csv(CANDIDATE, dtype=str, keep_default_na=False).iloc[[0]]
    frame = frame.assign(**changes)
    path = tmp_path / "one.csv"
    frame.to_csv(path, index=False)
    result = import_ucdp(path, Resolver(reference_tables()), "ucdp")
    assert list(result.rejects["reason"]) == [reason]
    assert list(result.rejects["line"]) == [2]
    assert result.balanced() and result.rows_written == 0


def test_repeated_rows_are_merged_and_conflicting_ids_rejected(tmp_path):
    lines = CANDIDATE.read_text(encoding="utf-8").splitlines(keepends=True)
    header, first = lines[0], lines[1]
    conflicting = first.replace(",7,10,5,432,", ",7,9,5,432,")
    assert conflicting != first
    path = tmp_path / "repeated.csv"
    path.write_text(header + first + first + conflicting, encoding="utf-8")
    result = run_import("ucdp", path, tmp_path / "out")
    assert (result.rows_read, result.rows_written, result.rows_merged, result.rows_rejected) == (3, 1, 1, 1)
    assert list(result.rejects["reason"]) == ["duplicate id: ucdp-900001 also on line 2, with other values"]
    assert (result.deaths_read, result.deaths_written, result.deaths_rejected) == (14, 7, 7)
    assert result.balanced()


# --- an older GED layout ------------------------------------------------------------------------------------


def test_older_layout_exact(older):
    result, out = older
    assert result.shape == "UCDP GED, older layout with best_est, low_est, high_est (42 columns)"
    assert rows(out, "incidents", INCIDENT_COLUMNS) == [
        ("ucdp-200101", "event", "FAMa against AQIM in Mopti", "2013-01-10", "2013-01-11", "week", "MLI", "Mopti",
         "Mopti", "Konna town", "14.941000", "-3.893000", "exact", "armed_clash", "false", "ucdp", "200101"),
        ("ucdp-200102", "event", "AQIM against civilians in Gao", "2013-02-04", "2013-02-10", "week", "MLI", "Gao",
         "Gao", "Gao town", "16.270000", "-0.040000", "near", "attack", "true", "ucdp", "200102"),
    ]  # fmt: skip
    assert rows(out, "perpetrators", ["incident_id", "actor", "role"]) == [
        ("ucdp-200101", "FAMa", "primary"),
        ("ucdp-200101", "AQIM", "opponent"),
        ("ucdp-200102", "AQIM", "primary"),
    ]
    assert rows(out, "casualties", ["incident_id", "victim_status", "count_min", "count_best", "count_max"]) == [
        ("ucdp-200101", "combatant", "25", "31", "40"),
        ("ucdp-200102", "civilian", "2", "2", "3"),
    ]
    assert (result.rows_read, result.rows_written, result.deaths_read, result.deaths_written) == (2, 2, 33, 33)
    # AQIM is now listed in reference/actors.csv (family jnim), so nothing is unmatched.
    assert dict(result.unmatched_actors) == {}
    assert result.actor_families.set_index("actor").loc["AQIM", "family"] == "jnim"
    assert cli("validate", str(out)).returncode == 0


# --- files that are not UCDP files --------------------------------------------------------------------------


def test_missing_required_column_exits_2_and_names_it(tmp_path):
    frame = pd.read_csv(CANDIDATE, dtype=str, keep_default_na=False).drop(columns=["deaths_civilians"])
    path = tmp_path / "no_civilians.csv"
    frame.to_csv(path, index=False)
    out = tmp_path / "out"
    done = cli("import", "ucdp", str(path), "--out", str(out))
    assert done.returncode == 2
    assert "missing column(s): deaths_civilians or deaths_civilian" in done.stderr
    assert "expected a UCDP GED or Candidate events file" in done.stderr
    assert str(path) in done.stderr
    assert not out.exists()


def test_acled_export_is_refused_with_a_hint(tmp_path):
    path = tmp_path / "acled.csv"
    path.write_text(
        "event_id_cnty,event_date,year,event_type,actor1,actor2,country,admin1,fatalities\n"
        "MLI1,31 December 2020,2020,Battles,JNIM,FAMa,Mali,Mopti,3\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileError, match="This looks like an ACLED export"):
        import_ucdp(path, Resolver(reference_tables()), "ucdp")


# --- UCDP's real sample (../shared/samples) --------------------------------------------------------------


@pytest.mark.skipif(not SAMPLE.is_file(), reason=f"UCDP sample not present at {SAMPLE}")
def test_real_sample(tmp_path):
    out = tmp_path / "out"
    result = run_import("ucdp", SAMPLE, out)
    plain = pd.read_csv(SAMPLE)
    in_mali = plain[plain["country"] == "Mali"]
    assert result.rows_read == len(plain) == 130
    assert result.balanced()
    assert result.rows_written == len(in_mali) - result.rows_rejected
    assert result.deaths_read == plain["best"].sum()
    assert result.deaths_written == in_mali["best"].sum() - result.deaths_rejected

    casualties = pd.read_csv(out / "casualties.csv")
    by_status = casualties.groupby("victim_status")["count_best"].sum()
    assert by_status.get("civilian", 0) == in_mali["deaths_civilians"].sum()
    assert by_status.get("combatant", 0) == (in_mali["deaths_a"] + in_mali["deaths_b"]).sum()
    assert by_status.get("unknown", 0) == in_mali["deaths_unknown"].sum()

    incidents = pd.read_csv(out / "incidents.csv")
    assert incidents["is_civilian_targeting"].sum() == (in_mali["type_of_violence"] == 3).sum()
    perpetrators = pd.read_csv(out / "perpetrators.csv")
    russian = in_mali["side_a"] == JOINT
    assert (perpetrators["role"] == "joint").sum() == russian.sum()
    assert set(perpetrators.loc[perpetrators["role"] == "joint", "actor"]) == {"Africa Corps"}  # all in 2026

    checked = cli("validate", str(out))
    assert checked.returncode == 0, checked.stdout + checked.stderr
