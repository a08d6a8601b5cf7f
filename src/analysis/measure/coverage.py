"""What each dataset covers: where its records come from, its first and last event, and the years in between.

A dataset covers the years between its first and last event; a year outside that span is "not covered",
never a zero.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..data.dataset import Dataset
from .selection import Selection

#: No filter: every event of every dataset.
EVERYTHING = Selection()


def coverage(datasets: Mapping[str, Dataset]) -> pd.DataFrame:
    """Per dataset: where its records come from, its first and last event, and how many events and totals it has."""
    rows = []
    for label, ds in datasets.items():
        inc = ds.incidents
        events = inc[inc["record_type"] == "event"]
        rows.append(
            {
                "dataset": label,
                "source": ", ".join(sorted(inc["dataset"].dropna().unique())),
                "first_date": events["start_date"].min() if len(events) else pd.NaT,
                "last_date": events["end_date"].max() if len(events) else pd.NaT,
                "events": len(events),
                "period_totals": int((inc["record_type"] == "period_total").sum()),
            }
        )
    return pd.DataFrame(rows, columns=["dataset", "source", "first_date", "last_date", "events", "period_totals"])


def covered_years(first: pd.Timestamp, last: pd.Timestamp, selection: Selection) -> dict[int, bool]:
    """The years a dataset covers inside the selected dates, each with whether the whole year is covered."""
    if pd.isna(first) or pd.isna(last):
        return {}
    start = max(first, selection.start) if selection.start is not None else first
    end = min(last, selection.end) if selection.end is not None else last
    years = {}
    for year in range(start.year, end.year + 1):
        year_start = pd.Timestamp(year, 1, 1)
        year_end = pd.Timestamp(year, 12, 31)
        wanted_start = max(year_start, selection.start) if selection.start is not None else year_start
        wanted_end = min(year_end, selection.end) if selection.end is not None else year_end
        years[year] = first <= wanted_start and last >= wanted_end
    return years


def is_whole_year(first: pd.Timestamp, last: pd.Timestamp) -> bool:
    return (first.month, first.day, last.month, last.day) == (1, 1, 12, 31)
