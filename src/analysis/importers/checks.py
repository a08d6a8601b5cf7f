"""The row checks every importer applies, and the one ledger of rows it rejects.

Each check is derived from the schema (``data/schema.py``), so an importer refuses a row for exactly
what validation would refuse in its output, and says why, before anything is written. A rejected row
is recorded once, with its physical line, its id in the source, a reason ``'<category>: <detail>'``
and the deaths it reported, so that deaths read = deaths written + deaths rejected is a real check.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from ..data.schema import ID_CHARACTERS, ID_PATTERN, MALI_LATITUDE_RANGE, MALI_LONGITUDE_RANGE
from .result import rejects_frame


class RowRejected(Exception):
    """A row that cannot be written; the message is '<category>: <detail>'."""


# --- ids --------------------------------------------------------------------------------------------------

_ID = re.compile(ID_PATTERN)
_NOT_ID = re.compile(f"[^{ID_CHARACTERS}]+")


def is_id(text: str) -> bool:
    """True when ``text`` is a stable key the schema accepts."""
    return bool(_ID.match(text))


def valid_ids(ids: pd.Series) -> pd.Series:
    """True where the value is a stable key the schema accepts (False where it is missing)."""
    return ids.fillna("").str.match(ID_PATTERN).astype(bool)


def id_text(values, strip: str = "-"):
    """A source's id made into key characters: each run of other characters becomes '-' (text or a Series)."""
    if isinstance(values, pd.Series):
        return values.str.replace(_NOT_ID, "-", regex=True).str.strip(strip)
    return _NOT_ID.sub("-", values).strip(strip)


# --- dates ------------------------------------------------------------------------------------------------


def after_today(dates, today: dt.date):
    """True where a date lies after ``today`` (the day the importer is given, never the machine's clock):
    a Series of datetimes or one date."""
    if isinstance(dates, dt.date) and not isinstance(dates, dt.datetime):
        return dates > today
    return dates > pd.Timestamp(today)


# --- coordinates ------------------------------------------------------------------------------------------

(LATITUDE_MIN, LATITUDE_MAX), (LONGITUDE_MIN, LONGITUDE_MAX) = MALI_LATITUDE_RANGE, MALI_LONGITUDE_RANGE
#: How the extent accepted is said in a reason.
MALI_EXTENT = f"latitude {LATITUDE_MIN}..{LATITUDE_MAX}, longitude {LONGITUDE_MIN}..{LONGITUDE_MAX}"


def _within(values, low: float, high: float):
    return (values >= low) & (values <= high)  # NaN compares False: a missing number is not inside


def inside_mali(latitude, longitude):
    """True where the point lies inside the schema's extent of Mali (numbers or Series)."""
    return _within(latitude, LATITUDE_MIN, LATITUDE_MAX) & _within(longitude, LONGITUDE_MIN, LONGITUDE_MAX)


def swapped_coordinates(latitude, longitude):
    """True where the point would lie inside Mali with latitude and longitude exchanged."""
    return inside_mali(longitude, latitude)


# --- the first reason of each row -------------------------------------------------------------------------


class Reasons:
    """The first reason each row cannot be imported, or missing when it can.

    Checks are applied in order and a row keeps the first that fails it. A reason is a template filled
    with the row's own cells (``'invalid date: {date_start}'``; a missing cell reads as empty), or a
    function of the row's cells as a dict; either is only filled for the rows it applies to, which are few.
    """

    def __init__(self, cells: pd.DataFrame):
        self.cells = cells
        self.reason = pd.Series(None, index=cells.index, dtype=object)

    def check(self, failed: pd.Series, describe: str | Callable[[dict], str]) -> None:
        todo = self.reason.isna() & failed.fillna(False).astype(bool)
        if not todo.any():
            return
        rows = self.cells[todo].astype(object)
        records = rows.where(rows.notna(), "").to_dict("records")
        if isinstance(describe, str):
            self.reason[todo] = [describe.format(**row) for row in records]
        else:
            self.reason[todo] = [describe(row) for row in records]

    def set(self, rows: pd.Series, reasons) -> None:
        """Reasons decided elsewhere (duplicates, events whose rows disagree), for rows that have none yet."""
        self.reason[rows] = reasons

    @property
    def failed(self) -> pd.Series:
        return self.reason.notna()


# --- the ledger of rejected rows --------------------------------------------------------------------------


class RejectLedger:
    """Every rejected row: line, the id the source gives it, reason and the deaths it reported."""

    def __init__(self) -> None:
        self._parts: list[pd.DataFrame] = []
        self.deaths = 0

    def add(self, lines, record_ids, reasons, deaths=0) -> None:
        """Rows rejected together; ``deaths`` is one figure per row or a figure for them all (0: none)."""
        part = rejects_frame(lines, record_ids, reasons)
        if len(part):
            self._parts.append(part)
        figures = np.asarray(pd.to_numeric(pd.Series(deaths, dtype=object), errors="coerce"), dtype=float)
        self.deaths += int(np.nansum(figures)) if len(part) else 0

    def add_unreadable(self, unreadable: list[tuple[int | None, str]]) -> None:
        """Records the reader could not read: no id and no figure known."""
        if unreadable:
            lines, reasons = zip(*unreadable, strict=True)
            self.add(lines, [None] * len(lines), reasons)

    def frame(self, by_line: bool = False) -> pd.DataFrame:
        if not self._parts:
            return rejects_frame([], [], [])
        table = pd.concat(self._parts, ignore_index=True).astype({"line": "Int64"})
        return table.sort_values("line", kind="stable", ignore_index=True) if by_line else table
