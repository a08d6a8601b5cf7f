"""The row checks every importer shares (importers/checks.py), on tiny inline data."""

import datetime as dt

import pandas as pd

from analysis.data import schema
from analysis.importers.checks import (
    MALI_EXTENT,
    Reasons,
    RejectLedger,
    after_today,
    id_text,
    inside_mali,
    is_id,
    swapped_coordinates,
    valid_ids,
)


def test_ids_follow_the_schema_pattern():
    assert schema.FIELDS["incident_id"].pattern == schema.ID_PATTERN
    assert list(valid_ids(pd.Series(["MLI123", "-x", None, "a b", "ucdp-1.2:3"]))) == [True, False, False, False, True]
    assert (is_id("acled-MLI1"), is_id("")) == (True, False)
    assert id_text("  12/34 (b) ") == "12-34-b"
    assert list(id_text(pd.Series(["9 9", "#1"]))) == ["9-9", "1"]


def test_dates_after_the_given_today_not_the_clock():
    today = dt.date(2020, 1, 31)
    dates = pd.Series(pd.to_datetime(["2020-01-31", "2020-02-01", None]))
    assert list(after_today(dates, today)) == [False, True, False]
    assert after_today(dt.date(2020, 2, 1), today) and not after_today(dt.date(2020, 1, 31), today)


def test_coordinates_inside_mali_from_the_schema_extent():
    lat = pd.Series([12.6, 25.2, -8.0, None, 10.0])
    lon = pd.Series([-8.0, 0.0, 12.6, 1.0, 4.3])
    assert list(inside_mali(lat, lon)) == [True, False, False, False, True]
    assert list(swapped_coordinates(lat, lon)) == [False, False, True, False, False]
    assert inside_mali(16.3, -3.0) and not inside_mali(16.3, 5.0)
    assert MALI_EXTENT == "latitude 10.0..25.1, longitude -12.3..4.3"


def test_each_row_keeps_its_first_reason():
    cells = pd.DataFrame({"id": ["a", None, "c", "d"], "n": [1, 2, None, -1]})
    reasons = Reasons(cells)
    reasons.check(cells["id"].isna(), "missing id")
    reasons.check(cells["n"].isna() | (cells["n"] < 0), "invalid number: n '{n}' in row {id}")
    reasons.check(cells["n"] < 0, lambda row: f"never: {row['id']}")  # d already has a reason
    assert reasons.reason.where(reasons.failed, None).tolist() == [
        None,
        "missing id",
        "invalid number: n '' in row c",
        "invalid number: n '-1.0' in row d",
    ]
    assert list(reasons.failed) == [False, True, True, True]


def test_ledger_counts_rows_and_their_deaths():
    ledger = RejectLedger()
    ledger.add([4, 2], ["x", "y"], ["out of scope: a", "invalid date: b"], [3, None])
    ledger.add([], [], [], [])
    ledger.add_unreadable([(9, "unreadable record: c")])
    assert ledger.deaths == 3
    assert ledger.frame().values.tolist() == [
        [4, "x", "out of scope: a"],
        [2, "y", "invalid date: b"],
        [9, None, "unreadable record: c"],
    ]
    assert list(ledger.frame(by_line=True)["line"]) == [2, 4, 9]
    assert list(RejectLedger().frame().columns) == ["line", "record_id", "reason"]


def test_acled_event_types_are_declared_once():
    from analysis.importers.acled import EVENT_TYPE_MAP

    assert {key: rule.event_type for key, rule in schema.ACLED_EVENT_TYPES.items()} == EVENT_TYPE_MAP
    assert schema.EVENT_TYPES["territory_change"][:2] == (
        "Battles",
        "Government regains territory / Non-state actor overtakes territory",
    )
