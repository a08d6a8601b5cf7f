"""Reading raw delimited text, for ``validate`` (csvio.py) and for every import (importers/reading.py).

The steps both share, each in one place: sniff the bytes (byte-order marks, UTF-16 without one, binary
files saved as .csv), parse records with the physical line each starts on (Python's csv module, exact to
the line, for files that need it), and tidy the cells (white space only is empty, empty is missing, no cell
longer than the schema's limit). What each caller says about a problem stays with the caller: ``validate``
names what the file should be, an import names the record it could not read.
"""

from __future__ import annotations

import codecs
import csv
import io
import sys
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .schema import MAX_CELL_CHARACTERS

#: Text columns held in Arrow, whose string functions run in C.
TEXT = pd.StringDtype("pyarrow", na_value=np.nan)
#: No limit on a cell while parsing: the csv module stops reading the file at a cell over its limit, and
#: every record after it would be lost. A cell over the schema's limit is refused by its record instead.
FIELD_LIMIT = sys.maxsize
_LINE_BREAK = r"\r\n|\r|\n"
#: The widest header any reader takes, checked before a record is parsed: a header of a million columns once
#: took minutes and gigabytes to import, and ``validate`` printed a problem for each column. ACLED has 31
#: columns, UCDP 49, the schema's widest table fewer than 40. Used by ``validate`` and by every import.
MAX_COLUMNS = 1_000

# --- sniff ------------------------------------------------------------------------------------------------


def utf16_encoding(head: bytes) -> str | None:
    """The UTF-16 encoding of text that starts with ``head`` (with or without a byte-order mark), or None:
    in Latin-script UTF-16 every other byte is zero."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    even, odd = head[0::2], head[1::2]
    if len(head) < 4 or b"\x00" not in head:
        return None
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def header_width(line: str, delimiter: str) -> int | None:
    """How many fields ``line`` holds when it holds more than MAX_COLUMNS, else None: a count of its
    delimiters (a quoted delimiter counted too), so that a hostile header costs a scan, not a parse."""
    fields = line.count(delimiter) + 1
    return fields if fields > MAX_COLUMNS else None


# --- parse ------------------------------------------------------------------------------------------------


@dataclass
class Records:
    """Every record read as text and the physical line it starts on; when the csv module stopped,
    the line of the record it stopped in and its message."""

    records: list[list[str]]
    lines: list[int]
    error_line: int | None = None
    error: str | None = None


@contextmanager
def field_limit(limit: int = FIELD_LIMIT):
    previous = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def read_records(text: str, delimiter: str = ",") -> Records:
    """Records of ``text`` with the line each starts on (quoted line breaks push later records down)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    found = Records([], [])
    start = 1
    with field_limit():
        try:
            for record in reader:
                found.records.append(record)
                found.lines.append(start)
                start = reader.line_num + 1
        except csv.Error as err:
            found.error_line, found.error = start, str(err)
    return found


def count_records(path, encoding: str, delimiter: str = ",") -> tuple[int, int | None]:
    """The file's own count of records after the header (empty lines not counted), streamed through the
    csv module with no cell limit, and the line where the count stopped when the file is not well-formed
    CSV (None when it was counted to the end; the record it stopped in is counted as one). The check on
    what a faster reader returned."""
    count, start = -1, 1  # the header is not a record
    with open(path, encoding=encoding, errors="replace", newline="") as handle, field_limit():
        reader = csv.reader(handle, delimiter=delimiter, strict=True)
        try:
            for record in reader:
                count += bool(record)
                start = reader.line_num + 1
        except csv.Error:
            return max(count + 1, 0), start
    return max(count, 0), None


def record_lines(frame: pd.DataFrame, first: int = 2) -> np.ndarray:
    """The line each record of ``frame`` starts on when written one record after another from line
    ``first``: a line break inside a cell pushes the records below it down."""
    breaks = np.zeros(len(frame), dtype=np.int64)
    for column in frame.columns:
        breaks += frame[column].astype(TEXT).str.count(_LINE_BREAK).fillna(0).to_numpy(dtype=np.int64)
    starts = first + np.arange(len(frame), dtype=np.int64)
    starts[1:] += np.cumsum(breaks)[:-1]
    return starts


# --- tidy -------------------------------------------------------------------------------------------------


def blank(values: pd.Series) -> pd.Series:
    """Missing, or only white space."""
    return values.isna() | values.str.strip().eq("").fillna(True)


def oversized_cells(frame: pd.DataFrame, rows: np.ndarray | None = None) -> list[tuple[int, str, int]]:
    """(row position, column, characters) of every cell longer than the schema's limit, column by column;
    only among ``rows`` (a mask) when given."""
    found = []
    for column in frame.columns:
        lengths = frame[column].str.len()
        too_long = (lengths > MAX_CELL_CHARACTERS).fillna(False).to_numpy(dtype=bool)
        if rows is not None:
            too_long = too_long & rows
        found += [(int(r), column, int(lengths.iloc[r])) for r in np.flatnonzero(too_long)]
    return found


def tidy_arrow_text(table) -> pd.DataFrame:
    """An Arrow table of text as a frame of Arrow-backed text columns, each value stripped and an empty one
    missing: what ``tidy_text`` gives, done in Arrow one column at a time, so that the file's text is held
    about once rather than three times."""
    for i, name in enumerate(table.column_names):
        stripped = pc.utf8_trim_whitespace(table.column(i))
        table = table.set_column(i, name, pc.if_else(pc.equal(stripped, ""), None, stripped))
    return table.to_pandas(types_mapper=lambda kind: TEXT if kind.equals(pa.string()) else None)


def tidy_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Every column text, stripped, with empty cells missing (an empty column stays a text column)."""
    for column in frame.columns:
        text = frame[column].astype("str").str.strip()
        frame[column] = text.where(text != "", None).astype("str")
    return frame
