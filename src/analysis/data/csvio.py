"""Reading a table's CSV file into strings, keeping each record's physical line number.

A file that is not what the schema expects gets a message saying what it looks like instead:
UTF-16 or Latin-1 text, a spreadsheet or other binary file, values separated by ';' or tabs,
a quoted value never closed (a file cut short), a cell longer than the schema allows.
A UTF-8 byte-order mark and Windows (CRLF) line ends are accepted.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .problems import Problem
from .rawtext import (
    MAX_COLUMNS,
    TEXT,
    blank,
    field_limit,
    header_width,
    oversized_cells,
    read_records,
    record_lines,
    utf16_encoding,
)
from .schema import MAX_CELL_CHARACTERS, Table

RESAVE = "save it again as CSV UTF-8, comma-separated"
#: File signatures of the binary formats most often saved under a .csv name by mistake.
SIGNATURES = (
    (b"PK\x03\x04", "a ZIP archive, probably an Excel workbook (.xlsx)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel workbook (.xls)"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
)
#: Separators other than ',' that spreadsheets use when saving "CSV" (';' in French locales).
OTHER_SEPARATORS = {";": "';'", "\t": "tabs", "|": "'|'"}
# Control characters that never occur in text (tab, line feed and carriage return excluded).
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class RawTable:
    """A table as text: every cell a string or None (empty), and the line each record starts on."""

    frame: pd.DataFrame
    lines: list[int]


def read_raw_table(data_dir: Path, table: Table) -> tuple[RawTable | None, list[Problem]]:
    path = Path(data_dir) / table.path
    name = table.path
    expected_header = ",".join(table.columns)
    if not path.is_file():
        return None, [Problem(name, None, None, None, f"a CSV file here with the header: {expected_header}")]
    if path.is_symlink() and not path.resolve().is_relative_to(Path(data_dir).resolve()):
        # Not read: what a link to a file elsewhere holds (/etc/passwd) must not be echoed in a message.
        return None, [
            Problem(name, None, None, None, "a CSV file in the data directory; this is a link to a file outside it")
        ]
    raw = path.read_bytes()
    if not raw.strip():
        return None, [Problem(name, 1, None, None, f"a header row: {expected_header} (the file is empty)")]
    not_text = _not_text(name, raw)
    if not_text:
        return None, [not_text]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        return None, [_not_utf8(name, raw, err)]
    wide = _wide_header(name, text, expected_header)
    if wide:
        return None, [wide]

    records, lines, problem = _parse(name, text)
    if problem:
        return None, [problem]
    while records and not any(cell.strip() for cell in records[0]):  # blank lines above the header
        records, lines = records[1:], lines[1:]
    if not records:
        return None, [Problem(name, 1, None, None, f"a header row: {expected_header} (the file is blank)")]

    header = [h.strip() for h in records[0]]
    body, body_lines = records[1:], lines[1:]
    separator = _other_separator(text, lines[0], header, table)
    if separator:
        return None, [
            Problem(
                name,
                lines[0],
                None,
                None,
                f"comma-separated values; this file seems to use {OTHER_SEPARATORS[separator]} between values: "
                f"{RESAVE}",
            )
        ]
    problems = _header_problems(name, lines[0], header, table)
    if problems:
        return None, problems

    width = len(header)
    rows = []
    kept_lines = []
    ends_with_newline = text.endswith(("\n", "\r"))
    for number, (record, line) in enumerate(zip(body, body_lines, strict=True), start=1):
        if len(record) != width:
            if not any(cell.strip() for cell in record):
                continue  # blank line
            expected = f"{width} fields as in the header, found {len(record)}"
            if len(record) < width:
                expected += f" (the line stops in column '{header[len(record) - 1]}'"
                if number == len(body) and not ends_with_newline:
                    expected += "; it is the last line and has no line end: is the file cut short?"
                expected += ")"
            problems.append(Problem(name, line, None, None, expected))
            continue
        rows.append(record)
        kept_lines.append(line)
    last_line = body_lines[-1] if body_lines else lines[0]
    return _as_raw_table(pd.DataFrame(rows, columns=header, dtype=object), kept_lines, table, last_line, problems)


def text_table(text: pd.DataFrame, table: Table) -> tuple[RawTable | None, list[Problem]]:
    """A table about to be written, as ``read_raw_table`` would read it back: ``text`` holds each cell as
    written (see ``frame_as_text``); the lines are those of the file written without an index."""
    header = [str(c).strip() for c in text.columns]
    problems = _header_problems(table.path, 1, header, table)
    if problems:
        return None, problems
    starts = record_lines(text)
    return _as_raw_table(
        text.set_axis(header, axis=1), starts.tolist(), table, int(starts[-1]) if len(starts) else 1, problems
    )


def frame_as_text(frame: pd.DataFrame, date_format: str = "%Y-%m-%d") -> pd.DataFrame:
    """Every cell as the text ``DataFrame.to_csv`` writes for it, column by column, in Arrow-backed text
    columns (missing stays missing): numbers as Python prints them, dates in ``date_format``."""
    out = {}
    for column in frame.columns:
        values = frame[column]
        text = values.dt.strftime(date_format) if pd.api.types.is_datetime64_any_dtype(values) else values
        out[column] = text.astype(TEXT)
    return pd.DataFrame(out, index=frame.index)


def _as_raw_table(
    frame: pd.DataFrame, lines: list[int], table: Table, last_line: int, problems: list[Problem]
) -> tuple[RawTable | None, list[Problem]]:
    """Records of the right width, tidied and checked against the cell limit and the table's least rows."""
    name = table.path
    rows, kept_lines, long_cells = _tidy_cells(frame, lines)
    problems += [
        Problem(
            name,
            line,
            column,
            cell,
            f"at most {MAX_CELL_CHARACTERS:,} characters in a cell (this one has {len(cell):,}); "
            "keep long text in the source document",
        )
        for line, column, cell in long_cells
    ]
    if len(rows) < table.min_rows and not problems:
        return None, [
            Problem(
                name,
                last_line + 1,
                None,
                None,
                f"at least {table.min_rows} record{'s' if table.min_rows > 1 else ''} below the header "
                "(the file has only its header)",
            )
        ]
    if not len(rows):
        rows = pd.DataFrame({c: pd.Series([], dtype=object) for c in frame.columns})
    return RawTable(rows[list(table.columns)], kept_lines), problems


def _tidy_cells(frame: pd.DataFrame, lines: list[int]):
    """Whole columns at once: blank records dropped, empty cells made missing, oversized cells found."""
    if not len(frame):
        return frame, lines, []
    empty = pd.DataFrame({i: blank(frame.iloc[:, i]) for i in range(frame.shape[1])})
    keep = ~empty.all(axis=1).to_numpy()
    long_cells = [(lines[row], column, frame.at[row, column]) for row, column, _ in oversized_cells(frame, keep)]
    filled = ~empty.to_numpy()[keep]
    if (frame.dtypes == TEXT).all():  # text an import is about to write: kept in Arrow, missing as NaN
        frame = frame[keep].where(filled).reset_index(drop=True)
    else:
        frame = frame[keep].astype(object).where(filled, None).reset_index(drop=True)
    kept_lines = [line for line, k in zip(lines, keep, strict=True) if k]
    return frame, kept_lines, sorted(long_cells, key=lambda c: c[0])


def _wide_header(name: str, text: str, expected_header: str) -> Problem | None:
    """A header wider than any reader takes (MAX_COLUMNS), found by counting its separators before any
    record is parsed: a header of a million columns once printed a problem for each column, 365 MB."""
    lines = enumerate(io.StringIO(text, newline=""), start=1)
    number, line = next(((n, line) for n, line in lines if line.strip()), (1, ""))
    width = max(header_width(line, separator) or 0 for separator in (",", *OTHER_SEPARATORS))
    if not width:
        return None
    return Problem(
        name,
        number,
        None,
        None,
        f"a header of at most {MAX_COLUMNS:,} columns: {expected_header}; this one has {width:,} "
        "(nothing else was read)",
    )


def _parse(name: str, text: str) -> tuple[list[list[str]], list[int], Problem | None]:
    """Every record and the physical line it starts on, or the problem that stopped the reading."""
    found = read_records(text)
    if found.error is None:
        return found.records, found.lines, None
    header = [h.strip() for h in found.records[0]] if found.records else []
    return found.records, found.lines, _csv_error(name, text, found.error_line, header, found.error)


def _csv_error(name: str, text: str, start: int, header: list[str], message: str) -> Problem:
    """Say what a csv.Error means, naming the column where the record went wrong when it can."""
    rest = text.splitlines(keepends=True)[start - 1 :]
    with field_limit():
        try:
            partial = next(csv.reader(io.StringIO("".join(rest), newline="")), [])
        except csv.Error:
            partial = []
    index = len(partial) - 1
    column = header[index] if header and 0 <= index < len(header) else None
    if "unexpected end of data" in message:
        return Problem(
            name,
            start,
            column,
            None,
            "a closing double quote: a quoted value on this line is never closed and runs to the end of the file "
            "(is the file cut short?)",
        )
    if "expected after" in message:
        return Problem(
            name,
            start,
            column,
            None,
            "a quoted value to end with its closing quote followed by ',' or the line end "
            '(write a quote inside a quoted value twice: "")',
        )
    return Problem(name, start, column, None, f"well-formed CSV ({message})")


def _not_text(name: str, raw: bytes) -> Problem | None:
    """A problem when the bytes are UTF-16 text or binary data rather than UTF-8 text."""
    head = raw[:65536]
    if utf16_encoding(head[:2048]):
        return Problem(
            name,
            1,
            None,
            None,
            f"UTF-8 text; this file looks like UTF-16 (what Excel calls 'Unicode Text'): {RESAVE}",
        )
    for signature, what in SIGNATURES:
        if head.startswith(signature):
            return Problem(name, 1, None, None, f"a CSV text file; this is {what}: {RESAVE}")
    controls = _CONTROL.findall(head)
    if b"\x00" in raw or (len(controls) >= 4 and len(controls) > len(head) / 100):
        first = _CONTROL.search(raw)
        line = raw[: first.start()].count(b"\n") + 1 if first else 1
        return Problem(name, line, None, None, f"a CSV text file; this looks like binary data, not text: {RESAVE}")
    return None


def _not_utf8(name: str, raw: bytes, err: UnicodeDecodeError) -> Problem:
    """Name the line, column and cell of the first byte that is not UTF-8, shown as Windows-1252 reads it."""
    text = raw.decode("utf-8-sig", errors="surrogateescape")
    records, lines, _ = _parse(name, text)
    header = [h.strip() for h in records[0]] if records else []
    line, column, value = raw[: err.start].count(b"\n") + 1, None, None
    for number, (record, start) in enumerate(zip(records, lines, strict=False)):
        for index, cell in enumerate(record):
            if any("\udc80" <= ch <= "\udcff" for ch in cell):
                column = header[index] if number and index < len(header) else None
                value = cell.encode("utf-8", errors="surrogateescape").decode("cp1252", errors="replace")
                line = start + cell[: _first_surrogate(cell)].count("\n")
                break
        if column is not None or value is not None:
            break
    byte = raw[err.start]
    shown = bytes([byte]).decode("cp1252", errors="replace")
    return Problem(
        name,
        line,
        column,
        value,
        f"UTF-8 text; this file looks like Latin-1 / Windows-1252 (byte 0x{byte:02x}, '{shown}' in that encoding): "
        f"{RESAVE}",
    )


def _first_surrogate(cell: str) -> int:
    return next(i for i, ch in enumerate(cell) if "\udc80" <= ch <= "\udcff")


def _other_separator(text: str, header_line: int, header: list[str], table: Table) -> str | None:
    """The separator the header uses when it is not ',' and the header reads better split on it."""
    known = sum(column in table.columns for column in header)
    if known == len(table.columns):
        return None
    first_line = text.splitlines()[header_line - 1] if text.splitlines() else ""
    for separator in OTHER_SEPARATORS:
        parts = [part.strip().strip('"') for part in first_line.split(separator)]
        if len(parts) > 1 and sum(part in table.columns for part in parts) > max(known, 1):
            return separator
    return None


def _header_problems(name: str, line: int, header: list[str], table: Table) -> list[Problem]:
    problems = []
    seen = set()
    for column in header:
        if column in seen:
            problems.append(Problem(name, line, column, None, "each column once (this one is duplicated)"))
        seen.add(column)
    missing = [c for c in table.columns if c not in seen]
    renamed: dict[str, str] = {}
    for position, column in enumerate(header):
        if column in table.columns:
            continue
        match = next((m for m in missing if _normalised(m) == _normalised(column)), None)
        if match is None and position < len(table.columns) and table.columns[position] in missing:
            match = table.columns[position]
        if match is not None and match not in renamed.values():
            renamed[column] = match
    for column in missing:
        if column not in renamed.values():
            problems.append(Problem(name, line, column, None, "this column in the header (it is missing)"))
    for column in header:
        if column in table.columns:
            continue
        if column in renamed:
            expected = (
                f"the column '{renamed[column]}' here: this name is not in the schema, and '{renamed[column]}' "
                "is missing (was it renamed?)"
            )
        else:
            expected = f"only the columns of {table.name} (this one is not in the schema): {', '.join(table.columns)}"
        problems.append(Problem(name, line, column, None, expected))
    return problems


def _normalised(column: str) -> str:
    return re.sub(r"[\s\-]+", "_", column.strip().lower())
