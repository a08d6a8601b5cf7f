"""Reading a delimited text file or a spreadsheet into text columns, whatever its encoding or delimiter.

Analysts' files come from Excel in French (`;`, Latin-1), from websites (UTF-8 with a BOM) and from
other tools (tabs, UTF-16). The reader detects these instead of asking, and says plainly when a file
is not a table at all.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..data.rawtext import (
    MAX_COLUMNS,
    count_records,
    header_width,
    oversized_cells,
    read_records,
    record_lines,
    tidy_arrow_text,
    tidy_text,
    utf16_encoding,
)
from ..data.schema import MAX_CELL_CHARACTERS

DELIMITERS = (",", ";", "\t", "|")
_HEAD_BYTES = 1 << 16
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm")
#: Bounds on the work a file can ask for, checked before its records are read (the widest header,
#: MAX_COLUMNS, is declared in data/rawtext.py for validate too): Excel's own row limit.
MAX_SHEET_ROWS = 1_048_576


class InputFileError(Exception):
    """The file cannot be read as a table; the message says what was expected."""


@dataclass
class RawFile:
    """Every cell as text (missing when empty), the physical line (or sheet row) each record starts on,
    and records that could not be read at all, as (line, reason), each reason starting with its category."""

    path: Path
    frame: pd.DataFrame
    lines: np.ndarray
    encoding: str
    delimiter: str
    unreadable: list[tuple[int | None, str]] = field(default_factory=list)
    #: What the reader found and dealt with (a trailing delimiter, date formats), for the import report.
    detected: list[str] = field(default_factory=list)
    #: Records with no filled cell, passed over (not rows of the table, so not in ``records``).
    blank_records: int = 0

    @property
    def records(self) -> int:
        return len(self.frame) + len(self.unreadable)


def read_table_file(path: str | Path, sheet: str | int | None = None) -> RawFile:
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: expected a file here; none was found")
    if path.suffix.lower() in SPREADSHEET_SUFFIXES:
        return _read_spreadsheet(path, sheet)
    with path.open("rb") as handle:
        head = handle.read(_HEAD_BYTES)
    if not head.strip():
        raise InputFileError(f"{path}: expected a header row and records; the file is empty")
    encoding = detect_encoding(path, head)
    first_line = _first_line(head, encoding)
    delimiter = detect_delimiter(first_line)
    if header_width(first_line, delimiter):
        raise InputFileError(
            f"{path}, line 1: expected at most {MAX_COLUMNS:,} columns; the header has more "
            f"({header_width(first_line, delimiter):,} in its first {len(first_line):,} characters). Nothing was read"
        )
    header = next(csv.reader([first_line], delimiter=delimiter))
    header_trailing = len(header) > 1 and not header[-1].strip() and all(h.strip() for h in header[:-1])
    if header_trailing:
        header = header[:-1]
    _check_header(path, [h.strip() for h in header])
    trailing = _rows_end_with_delimiter(head, encoding, delimiter, len(header))
    raw = _read_with_pyarrow(path, header, encoding, delimiter, trailing)
    _check_every_record_read(raw)
    if header_trailing or trailing:
        where = (
            "the header and every record"
            if header_trailing and trailing
            else ("the header" if header_trailing else "every record")
        )
        raw.detected.append(
            f"trailing delimiter: {where} ends with {delimiter!r}, an extra empty column without a name; it was dropped"
        )
    return raw


def _check_every_record_read(raw: RawFile) -> None:
    """Every record of the file is a row of the table or an unreadable record with its reason: checked
    against the file's own count, so that no reader can stop early and leave the import short."""
    counted, stopped = count_records(raw.path, raw.encoding, raw.delimiter)
    seen = raw.records + raw.blank_records
    cut_short = stopped is not None and any(line == stopped for line, _ in raw.unreadable)
    if seen == counted and (stopped is None or cut_short):
        return
    last = int(raw.lines[-1]) if len(raw.lines) else 1
    raise InputFileError(
        f"{raw.path}, line {stopped or last}: expected to read every record of the file; the file holds "
        f"{counted:,}{' or more' if stopped else ''} records and only {seen:,} could be read (the last read "
        f"starts on line {last:,}). Nothing was imported: fix the file from this line and import it again"
    )


def _rows_end_with_delimiter(head: bytes, encoding: str, delimiter: str, width: int) -> bool:
    """True when the first records (up to 100) all have one field more than the header, and it is empty:
    a file saved with a delimiter after the last field of every row."""
    text = head.decode(encoding, errors="replace").lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = []
    try:
        next(reader, None)
        for record in reader:
            records.append(record)
            if len(records) > 100:
                break
    except csv.Error:
        pass
    if len(head) >= _HEAD_BYTES:
        records = records[:-1]  # the last record of a sample may be cut short
    records = [r for r in records if any(c.strip() for c in r)]
    return bool(records) and all(len(r) == width + 1 and not r[-1].strip() for r in records)


def detect_encoding(path: Path, head: bytes) -> str:
    utf16 = utf16_encoding(head)
    if utf16:
        return utf16
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if b"\x00" in head:
        raise InputFileError(
            f"{path}: expected a text table (CSV or tab-separated) or an .xlsx workbook; this looks like binary data"
        )
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as err:
        if err.start >= len(head) - 4:  # a character cut by the end of the sample
            return "utf-8"
    # Excel on Windows saves "CSV" in the ANSI code page; cp1252 is Latin-1 plus the quotes and euro.
    return "cp1252"


def _first_line(head: bytes, encoding: str) -> str:
    text = head.decode(encoding, errors="replace")
    return text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""


def detect_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _check_header(path: Path, header: list[str]) -> None:
    empty = [str(i + 1) for i, name in enumerate(header) if not name]
    if empty:
        raise InputFileError(
            f"{path}, line 1: expected a name for every column; column(s) {', '.join(empty)} have none "
            "(merged or blank header cells?)"
        )
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise InputFileError(f"{path}, line 1, column '{name}': expected each column once; it is repeated")
        seen.add(name)


_BLOCK_BYTES = 1 << 20  # pyarrow's own default
_LARGEST_BLOCK = (1 << 31) - 1  # pyarrow's block size is a 32-bit count; past it, the csv module reads
_TRAILING = "\x00trailing"  # the name given to the empty field after a trailing delimiter while reading


def _read_with_pyarrow(path: Path, header: list[str], encoding: str, delimiter: str, trailing: bool = False) -> RawFile:
    import pyarrow as pa
    import pyarrow.csv as pcsv

    invalid: list[str] = []

    def keep_invalid(row) -> str:
        invalid.append(row.text)
        return "skip"

    names = [h.strip() for h in header] + ([_TRAILING] if trailing else [])

    def read(block_size: int):
        return pcsv.read_csv(
            path,
            read_options=pcsv.ReadOptions(
                encoding="utf8" if encoding == "utf-8" else encoding,
                column_names=names,
                skip_rows=1,
                block_size=block_size,
            ),
            parse_options=pcsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, invalid_row_handler=keep_invalid
            ),
            convert_options=pcsv.ConvertOptions(
                column_types={n: pa.string() for n in names}, strings_can_be_null=True, quoted_strings_can_be_null=True
            ),
        )

    try:
        try:
            table = read(_BLOCK_BYTES)
        except pa.ArrowInvalid as err:
            if "straddl" not in str(err):
                raise
            # A record longer than a block (a notes cell of many megabytes): one block for the whole file.
            invalid.clear()
            table = read(min(path.stat().st_size + 1, _LARGEST_BLOCK))
    except pa.ArrowInvalid as err:
        if "invalid UTF8" in str(err) and encoding == "utf-8":
            return _read_with_pyarrow(path, header, "cp1252", delimiter, trailing)
        return _read_with_csv_module(path, encoding, delimiter, reason=str(err), trailing=trailing)
    if invalid:
        # Only the slow reader knows the line of each bad record; malformed files are small in practice.
        return _read_with_csv_module(path, encoding, delimiter, trailing=trailing)
    frame = tidy_arrow_text(table)
    del table
    if trailing and frame[_TRAILING].notna().any():
        return _read_with_csv_module(path, encoding, delimiter, trailing=trailing)
    frame = frame.drop(columns=[_TRAILING], errors="ignore")
    return _without_oversized(RawFile(path, frame, record_lines(frame), encoding, delimiter))


def _without_oversized(raw: RawFile) -> RawFile:
    """The schema's cell limit holds for every import: a record with a longer cell is not read, and says why."""
    too_long = np.zeros(len(raw.frame), dtype=bool)
    for row, column, length in oversized_cells(raw.frame):
        if too_long[row]:
            continue
        raw.unreadable.append(
            (
                int(raw.lines[row]),
                f"field too long: column '{column}' holds {length:,} characters (the limit is {MAX_CELL_CHARACTERS:,})",
            )
        )
        too_long[row] = True
    if too_long.any():
        raw.frame = raw.frame[~too_long].reset_index(drop=True)
        raw.lines = raw.lines[~too_long]
    return raw


def _read_with_csv_module(
    path: Path, encoding: str, delimiter: str, reason: str | None = None, trailing: bool = False
) -> RawFile:
    text = path.read_bytes().decode(encoding, errors="replace").lstrip("\ufeff")
    found = read_records(text, delimiter)
    records: list[list[str]] = []
    lines: list[int] = []
    unreadable: list[tuple[int | None, str]] = []
    header: list[str] | None = None
    blank_records = 0
    for record, start in zip(found.records, found.lines, strict=True):
        if header is None:
            header = [h.strip() for h in record]
            if trailing and len(header) > 1 and not header[-1]:
                header.pop()
        elif not any(cell.strip() for cell in record):
            blank_records += bool(record)
        elif trailing and len(record) == len(header) + 1 and not record[-1].strip():
            records.append([cell.strip() or None for cell in record[:-1]])
            lines.append(start)
        elif len(record) != len(header):
            unreadable.append(
                (start, f"unreadable record: expected {len(header)} fields as in the header, found {len(record)}")
            )
        else:
            records.append([cell.strip() or None for cell in record])
            lines.append(start)
    if found.error is not None:
        rest = text.splitlines()[found.error_line - 1 :]
        if len(rest) > 1 or "end of data" not in found.error:
            # The csv module cannot read past this line: the records after it would be lost unseen.
            raise InputFileError(
                f"{path}, line {found.error_line}: expected well-formed CSV ({found.error}; a quote opened and "
                f"never closed?); the {len(rest):,} line(s) from here cannot be read as records, so nothing was "
                "imported. Fix the quoting on this line and import the file again"
            )
        # A file cut short inside its last record's quoted cell: only that record is unreadable.
        unreadable.append(
            (
                found.error_line,
                f"unreadable record: the file ends inside a quoted cell of this record ({found.error}; cut short?)",
            )
        )
    if header is None:
        raise InputFileError(f"{path}: expected a header row; {reason or 'none was found'}")
    frame = pd.DataFrame(records, columns=header, dtype="str") if records else pd.DataFrame(columns=header, dtype="str")
    raw = RawFile(path, frame, np.array(lines, dtype=np.int64), encoding, delimiter, unreadable)
    raw.blank_records = blank_records
    return _without_oversized(raw)


def _check_sheet_size(path: Path, sheet: str | int | None) -> None:
    """Refuse a sheet whose declared dimension is beyond the bounds, before any row is read (read-only mode
    reads the dimension, not the rows)."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    try:
        chosen = book[sheet] if isinstance(sheet, str) else book.worksheets[sheet or 0]
        rows, columns = chosen.max_row or 0, chosen.max_column or 0
    finally:
        book.close()
    if rows > MAX_SHEET_ROWS or columns > MAX_COLUMNS:
        raise InputFileError(
            f"{path}: expected at most {MAX_SHEET_ROWS:,} rows and {MAX_COLUMNS:,} columns; the sheet declares "
            f"{rows:,} rows and {columns:,} columns. Nothing was read"
        )


def _read_spreadsheet(path: Path, sheet: str | int | None) -> RawFile:
    try:
        _check_sheet_size(path, sheet)
        # nrows: a sheet whose rows run past its declared dimension is still read no further than the bound.
        raw = pd.read_excel(
            path, sheet_name=sheet if sheet is not None else 0, header=None, dtype=object, nrows=MAX_SHEET_ROWS + 1
        )
    except InputFileError:
        raise
    except Exception as err:  # openpyxl raises many kinds for a file that is not a workbook
        raise InputFileError(f"{path}: expected an .xlsx workbook ({type(err).__name__}: {err})") from None
    if len(raw) > MAX_SHEET_ROWS or raw.shape[1] > MAX_COLUMNS:
        raise InputFileError(f"{path}: expected at most {MAX_SHEET_ROWS:,} rows and {MAX_COLUMNS:,} columns")
    raw = raw.dropna(how="all")
    if raw.empty:
        raise InputFileError(f"{path}: expected a header row and records; the sheet is empty")
    header = ["" if pd.isna(v) else str(v).strip() for v in raw.iloc[0]]
    while header and not header[-1]:
        header.pop()
    _check_header(path, header)
    body = raw.iloc[1:, : len(header)]
    text = body.apply(lambda col: col.map(_cell_text)).astype("str")
    text.columns = header
    text = tidy_text(text)
    rows = body.index.to_numpy(dtype=np.int64) + 1  # the sheet row, as Excel numbers it
    return _without_oversized(RawFile(path, text.reset_index(drop=True), rows, "xlsx", ""))


def _cell_text(value) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value)


# --- date columns ------------------------------------------------------------------------------------------

_ISO_DATE = r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?P<time>[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
_LONG_DATE = r"^(?P<d>\d{1,2}) (?P<month>[A-Za-z]+) (?P<y>\d{4})$"
_SLASH_DATE = r"^(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4})(?P<time> \d{1,2}:\d{2}(?::\d{2})?)?$"
ISO_DATE, LONG_DATE, MONTH_FIRST, DAY_FIRST = "YYYY-MM-DD", "DD Month YYYY", "MM/DD/YYYY", "DD/MM/YYYY"


def parse_date_column(raw: RawFile, values: pd.Series, column: str, usual: str = ISO_DATE) -> tuple[pd.Series, str]:
    """The dates of a column (NaT where a value is not a real date), whatever format the whole column shows:
    ISO (with or without a time), ACLED's '31 December 2020', MM/DD/YYYY or DD/MM/YYYY (with or without a
    time such as ' 00:00:00', as Excel and R rewrite dates). The day-month order of a slashed column is
    told from its values (a first number above 12 is a day); when no value tells it, the column is
    ambiguous and the file is refused, naming the formats that fit. A format other than ``usual`` is
    recorded in ``raw.detected``. Returns the dates and the name of the column's format."""
    text = values.str.strip()
    iso = text.str.extract(_ISO_DATE)
    long = text.str.extract(_LONG_DATE)
    slash = text.str.extract(_SLASH_DATE)
    parsed = pd.to_datetime(iso["y"] + "-" + iso["m"] + "-" + iso["d"], format="%Y-%m-%d", errors="coerce")
    found = {ISO_DATE: iso["y"].notna(), LONG_DATE: long["y"].notna()}
    long_dates = pd.to_datetime(long["d"] + " " + long["month"] + " " + long["y"], format="%d %B %Y", errors="coerce")
    parsed = parsed.fillna(long_dates)
    is_slash = slash["y"].notna()
    if is_slash.any():
        first, second = (pd.to_numeric(slash[k], errors="coerce")[is_slash] for k in ("a", "b"))
        month_first_fits, day_first_fits = not (first > 12).any(), not (second > 12).any()
        if month_first_fits and day_first_fits and (first != second).any():
            example = text[is_slash & (slash["a"] != slash["b"])].iloc[0]
            raise InputFileError(
                f"{raw.path}, column '{column}': the dates are ambiguous: every value (such as '{example}') fits "
                f"both {MONTH_FIRST} and {DAY_FIRST}, since no day is above 12. Save the column as YYYY-MM-DD "
                "(ISO) and import it again"
            )
        if not (month_first_fits or day_first_fits):  # mixed: the order most values fit; the others are invalid
            month_first_fits = (first <= 12).sum() >= (second <= 12).sum()
        month, day = ("a", "b") if month_first_fits else ("b", "a")
        slashed = pd.to_datetime(slash["y"] + "-" + slash[month] + "-" + slash[day], format="%Y-%m-%d", errors="coerce")
        parsed = parsed.fillna(slashed)
        found[MONTH_FIRST if month_first_fits else DAY_FIRST] = is_slash
    timed = iso["time"].notna() | slash["time"].notna()
    names = [name for name, where in found.items() if where.any()] or [usual]
    name = " and ".join(names) + (" with a time" if timed.any() else "")
    if names != [usual]:
        examples = ", ".join(f"'{v}'" for v in text.dropna().drop_duplicates().head(2))
        order = ""
        if found.get(MONTH_FIRST, found.get(DAY_FIRST)) is not None:
            order = " (the day-month order told by values with a number above 12)"
        raw.detected.append(f"dates in column '{column}' read as {name}{order}, e.g. {examples}")
    return parsed.astype("datetime64[us]"), name
