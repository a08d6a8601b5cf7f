"""Reading a table's CSV file into strings, keeping each record's physical line number."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .problems import Problem
from .schema import Table


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
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        return None, [
            Problem(
                name, line, None, repr(raw[err.start : err.start + 4])[2:-1], "UTF-8 text (re-save the file as UTF-8)"
            )
        ]
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return None, [Problem(name, line, None, None, "a text CSV file, not binary data")]
    if not text.strip():
        return None, [Problem(name, 1, None, None, f"a header row: {expected_header}")]

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[list[str]] = []
    lines: list[int] = []
    problems: list[Problem] = []
    start = 1
    try:
        for record in reader:
            records.append(record)
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as err:
        problems.append(Problem(name, start, None, None, f"well-formed CSV ({err})"))
        return None, problems

    header = [h.strip() for h in records[0]]
    body, body_lines = records[1:], lines[1:]
    problems += _header_problems(name, header, table)
    if problems:
        return None, problems

    width = len(header)
    rows = []
    kept_lines = []
    for record, line in zip(body, body_lines, strict=True):
        if not any(cell.strip() for cell in record):
            continue  # blank line
        if len(record) != width:
            problems.append(Problem(name, line, None, None, f"{width} fields as in the header, found {len(record)}"))
            continue
        rows.append([cell if cell.strip() != "" else None for cell in record])
        kept_lines.append(line)
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    if not len(frame):
        frame = pd.DataFrame({c: pd.Series([], dtype=object) for c in header})
    return RawTable(frame[list(table.columns)], kept_lines), problems


def _header_problems(name: str, header: list[str], table: Table) -> list[Problem]:
    problems = []
    seen = set()
    for column in header:
        if column in seen:
            problems.append(Problem(name, 1, column, None, "each column once (this one is duplicated)"))
        seen.add(column)
    for column in table.columns:
        if column not in seen:
            problems.append(Problem(name, 1, column, None, "this column in the header (it is missing)"))
    for column in header:
        if column not in table.columns:
            problems.append(
                Problem(name, 1, column, None, f"only the columns of {table.name}: {', '.join(table.columns)}")
            )
    return problems
