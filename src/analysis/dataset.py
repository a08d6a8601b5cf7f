"""Loading a data directory into validated tidy tables."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .csvio import read_raw_table
from .problems import DataValidationError, Problem
from .reference import actor_index, region_index
from .rules import check_rules
from .schema import LOAD_ORDER, TABLES
from .validation import check_columns, parse_types


@dataclass
class Dataset:
    """The validated tables of one data directory, with actor and region names made canonical."""

    data_dir: Path
    incidents: pd.DataFrame
    perpetrators: pd.DataFrame
    casualties: pd.DataFrame
    sources: pd.DataFrame
    actors: pd.DataFrame
    regions: pd.DataFrame
    key_dates: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in LOAD_ORDER}


def check_dataset(data_dir: str | Path, today: dt.date | None = None) -> tuple[Dataset | None, list[Problem]]:
    """Read and validate every table; return the dataset (None if invalid) and all problems found."""
    data_dir = Path(data_dir)
    frames: dict[str, pd.DataFrame] = {}
    lines: dict[str, list[int]] = {}
    problems: list[Problem] = []
    if not data_dir.is_dir():
        return None, [Problem(str(data_dir), None, None, None, "a data directory with incidents.csv and reference/")]
    for name in LOAD_ORDER:
        table = TABLES[name]
        raw, read_problems = read_raw_table(data_dir, table)
        problems += read_problems
        if raw is None:
            continue
        typed, type_problems, bad_cells = parse_types(raw, table)
        problems += type_problems
        problems += check_columns(typed, raw, table, bad_cells)
        frames[name] = typed
        lines[name] = raw.lines
    if len(frames) < len(LOAD_ORDER):
        # A table that could not be read at all would make every rule that uses it fire.
        return None, sorted(problems, key=Problem.sort_key)
    actors, regions = actor_index(frames["actors"]), region_index(frames["regions"])
    already_reported = {(p.file, p.line, p.column) for p in problems}
    problems += [
        p
        for p in check_rules(frames, lines, actors, regions, today=today)
        if (p.file, p.line, p.column) not in already_reported
    ]
    if problems:
        return None, sorted(problems, key=Problem.sort_key)
    frames["perpetrators"]["actor"] = actors.resolve_series(frames["perpetrators"]["actor"])
    frames["incidents"]["admin1"] = regions.resolve_series(frames["incidents"]["admin1"])
    return Dataset(data_dir=data_dir, **frames), []


def load_dataset(data_dir: str | Path) -> Dataset:
    """The validated tables of ``data_dir``; raises DataValidationError listing every problem."""
    dataset, problems = check_dataset(data_dir)
    if problems:
        raise DataValidationError(problems)
    assert dataset is not None
    return dataset


def summarise(dataset: Dataset) -> list[str]:
    """A few lines describing what was loaded, for the validate command."""
    inc = dataset.incidents
    events = inc[inc["record_type"] == "event"]
    totals = inc[inc["record_type"] == "period_total"]
    lines = [f"{name}: {len(frame)} rows" for name, frame in dataset.tables().items()]
    if len(inc):
        first, last = inc["start_date"].min().date(), inc["end_date"].max().date()
        lines.append(f"{len(events)} events and {len(totals)} period totals, {first} to {last}")
        lines.append(
            f"{dataset.perpetrators['actor'].nunique()} actors, {inc['admin1'].nunique()} regions, "
            f"{dataset.sources['document'].nunique()} source documents"
        )
    return lines
