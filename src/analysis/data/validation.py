"""Column-level validation generated from ``analysis.data.schema``.

Cells are parsed into their declared types first (so a bad type gets a message that says what
type was expected), then a pandera schema generated from the same declarations checks
required values, allowed values, patterns, ranges and primary keys.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from .csvio import RawTable
from .problems import Problem
from .rawtext import TEXT
from .schema import DTYPES, FIELDS, PANDAS_DTYPES, TABLES, Field, Table

_INT = re.compile(r"^[+-]?\d+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_BOOLS = {"true": True, "false": False, "1": True, "0": False}


def parse_types(raw: RawTable, table: Table) -> tuple[pd.DataFrame, list[Problem], set[tuple[int, str]]]:
    """Parse each column into its declared type. Returns the typed frame, the type problems,
    and the (row, column) cells that failed so later checks do not report them twice."""
    frame = raw.frame
    typed = {}
    problems: list[Problem] = []
    bad_cells: set[tuple[int, str]] = set()
    for column in table.columns:
        fld = FIELDS[column]
        values = frame[column]
        parsed, bad_rows = _parse_column(values, fld)
        typed[column] = parsed
        for row in bad_rows:
            bad_cells.add((row, column))
            problems.append(Problem(table.path, raw.lines[row], column, str(values.iloc[row]), _type_expectation(fld)))
    return pd.DataFrame(typed, index=frame.index), problems, bad_cells


def _rows(mask) -> list[int]:
    return [int(i) for i in np.flatnonzero(mask)]


def _type_expectation(fld: Field) -> str:
    if fld.dtype == "int":
        return "a whole number written in digits (leave empty if unknown; keep the source's words in count_text)"
    if fld.dtype == "date":
        return "a real date written YYYY-MM-DD"
    return DTYPES[fld.dtype]


def _parse_column(values: pd.Series, fld: Field) -> tuple[pd.Series, list[int]]:
    """Whole-column parsing (tables may have millions of rows); ``bad`` lists the rows that failed."""
    present = values.notna().to_numpy()
    # Text an import is about to write is in Arrow (missing is NaN); text read from a file is Python's. Typed
    # text is Python's either way: the cross-table rules look values up in other tables, which pandas does
    # element by element for Arrow text.
    in_arrow = values.dtype == TEXT
    if fld.dtype == "string":
        return values.astype(object).where(present, None), []
    text = (values if in_arrow else values.astype(object).where(present, None)).str.strip()
    if fld.dtype == "int":
        ok = ~present | text.str.fullmatch(_INT.pattern.strip("^$")).fillna(False).to_numpy(dtype=bool)
        numbers = pd.to_numeric(text.where(ok, None), errors="coerce")
        return pd.array(numbers, dtype="Int64"), _rows(~ok)
    if fld.dtype == "float":
        numbers = pd.to_numeric(text, errors="coerce")
        return pd.array(numbers, dtype="Float64"), _rows(present & numbers.isna().to_numpy())
    if fld.dtype == "date":
        shaped = text.str.fullmatch(_DATE.pattern.strip("^$")).fillna(False).to_numpy(dtype=bool)
        dates = pd.to_datetime(text.where(shaped, None), format="%Y-%m-%d", errors="coerce")
        # Microsecond resolution: nanoseconds overflow after 2262, and a mistyped year must
        # give a message, not an exception.
        return dates.astype("datetime64[us]"), _rows(present & dates.isna().to_numpy())
    if fld.dtype == "bool":
        mapped = text.str.lower().map(_BOOLS)
        return pd.array(mapped, dtype="boolean"), _rows(present & mapped.isna().to_numpy())
    raise ValueError(f"unknown dtype {fld.dtype!r} for {fld.name}")


@cache
def pandera_schema(table_name: str) -> pa.DataFrameSchema:
    """The pandera schema for a table, generated from the field declarations."""
    table = TABLES[table_name]
    columns = {}
    for name in table.columns:
        fld = FIELDS[name]
        checks = []
        if fld.allowed:
            checks.append(pa.Check.isin(list(fld.allowed)))
        if fld.pattern:
            checks.append(pa.Check.str_matches(fld.pattern))
        if fld.minimum is not None:
            checks.append(pa.Check.ge(fld.minimum))
        if fld.maximum is not None:
            checks.append(pa.Check.le(fld.maximum))
        columns[name] = pa.Column(
            PANDAS_DTYPES[fld.dtype],
            checks=checks,
            nullable=name not in table.required,
            required=True,
        )
    return pa.DataFrameSchema(columns, unique=list(table.primary_key), strict=True, name=table.name)


def check_columns(typed: pd.DataFrame, raw: RawTable, table: Table, bad_cells: set[tuple[int, str]]) -> list[Problem]:
    """Run the generated pandera schema and turn its failure cases into Problems."""
    try:
        pandera_schema(table.name).validate(typed, lazy=True)
        return []
    except SchemaErrors as err:
        cases = err.failure_cases
    problems: list[Problem] = []
    reported_keys: set[int] = set()
    key_lines = _lines_by_key(raw, table)
    swapped = _swapped_coordinates(typed)
    for case in cases.itertuples(index=False):
        row = None if pd.isna(case.index) else int(case.index)
        column = case.column
        check = str(case.check)
        if row is not None and (row, column) in bad_cells:
            continue  # already reported as a type problem
        line = raw.lines[row] if row is not None else None
        value = raw.frame.at[row, column] if row is not None and column in raw.frame.columns else None
        value = None if value is not None and pd.isna(value) else value
        if "uniqueness" in check:
            if row in reported_keys:
                continue
            reported_keys.add(row)
            key = ", ".join(table.primary_key)
            key_value = " | ".join(str(raw.frame.at[row, c]) for c in table.primary_key)
            others = [str(n) for n in key_lines.get(key_value, []) if n != line]
            where = f" on line {', '.join(others)}" if others else ""
            problems.append(
                Problem(table.path, line, key, key_value, f"a unique key ({key}); this one is repeated{where}")
            )
            continue
        expected = _check_expectation(FIELDS.get(column), check)
        if (row, column) in swapped:
            expected = expected.split(";")[0] + f"; they look swapped: {swapped[row, column]} would be inside Mali"
        problems.append(Problem(table.path, line, column, value, expected))
    return problems


def _lines_by_key(raw: RawTable, table: Table) -> dict[str, list[int]]:
    """The lines each primary-key value is on, written as in the uniqueness message."""
    found: dict[str, list[int]] = {}
    keys = raw.frame[list(table.primary_key)].astype(str).agg(" | ".join, axis=1) if len(raw.frame) else []
    for key, line in zip(keys, raw.lines, strict=True):
        found.setdefault(key, []).append(line)
    return found


#: Latitude and longitude columns, declared in the schema with Mali's extent as their range.
COORDINATE_PAIRS = (("latitude", "longitude"), ("centroid_latitude", "centroid_longitude"))


def _swapped_coordinates(typed: pd.DataFrame) -> dict[tuple[int, str], str]:
    """(row, column) of coordinates outside Mali as given and inside it when swapped, with the swapped pair."""
    swapped: dict[tuple[int, str], str] = {}
    for lat_name, lon_name in COORDINATE_PAIRS:
        if lat_name not in typed.columns or lon_name not in typed.columns:
            continue
        lat_f, lon_f = FIELDS[lat_name], FIELDS[lon_name]
        lat, lon = typed[lat_name].astype("Float64"), typed[lon_name].astype("Float64")

        def inside(y, x, lat_f=lat_f, lon_f=lon_f):
            return y.between(lat_f.minimum, lat_f.maximum) & x.between(lon_f.minimum, lon_f.maximum)

        flagged = (~inside(lat, lon) & inside(lon, lat)).fillna(False).astype(bool)
        for row in typed.index[flagged]:
            pair = f"{lat_name} {lon.at[row]}, {lon_name} {lat.at[row]}"
            swapped[row, lat_name] = swapped[row, lon_name] = pair
    return swapped


def _check_expectation(fld: Field | None, check: str) -> str:
    if fld is None:
        return check
    if check == "not_nullable":
        return "a value (this column is required)"
    if check.startswith("isin"):
        return "one of: " + ", ".join(fld.allowed or ())
    if check.startswith("str_matches"):
        return f"text matching {fld.pattern}"
    if check.startswith(("greater_than_or_equal_to", "less_than_or_equal_to")):
        low = "" if fld.minimum is None else fld.minimum
        high = "" if fld.maximum is None else fld.maximum
        if fld.name in ("latitude", "longitude", "centroid_latitude", "centroid_longitude"):
            return f"a {fld.name.split('_')[-1]} inside Mali ({low} to {high}); check for a typo or swapped coordinates"
        if high == "":
            return f"a number of at least {low}" + (" (a count cannot be negative)" if fld.dtype == "int" else "")
        return f"a number in the range {low}..{high}"
    return f"{DTYPES[fld.dtype]} ({check})"
