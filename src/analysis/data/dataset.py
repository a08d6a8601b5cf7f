"""Loading a data directory into validated tidy tables.

``load_dataset`` keeps the last validated tables of each set of input files in a cache
(``config.CACHE_DIR``), keyed on the bytes of every table file read, the source of the code that
reads and validates them, and the library versions. Any change to one of these misses the cache,
so fresh data is always validated; only data that passed validation is ever cached. A hit skips
importing pandera, which is most of the cost of loading the small embedded data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import config
from ..atomic import write_file
from .csvio import RawTable, read_raw_table
from .problems import DataValidationError, Problem
from .reference import actor_index, region_index
from .schema import LOAD_ORDER, TABLES

#: The modules whose code decides what a validated dataset contains: a change to any of them
#: invalidates the cache.
_LOADING_CODE = ("csvio", "dataset", "names", "problems", "rawtext", "reference", "rules", "schema", "validation")
_CACHE_KEPT = 16


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
    #: Results derived from the tables (see aggregate.incident_facts); the tables are never modified after loading.
    derived: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in LOAD_ORDER}

    def once(self, key: tuple, compute) -> pd.DataFrame:
        """``compute()``'s frame, computed once per dataset and ``key`` (a report asks for the same frames from
        several tables, charts and the export; the tables never change after loading). Each caller gets its
        own copy, so none can change what the next one receives."""
        if key not in self.derived:
            self.derived[key] = compute()
        return self.derived[key].copy()


def check_dataset(data_dir: str | Path, today: dt.date | None = None) -> tuple[Dataset | None, list[Problem]]:
    """Read and validate every table; return the dataset (None if invalid) and all problems found."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        return None, [Problem(str(data_dir), None, None, None, "a data directory with incidents.csv and reference/")]
    read = ((name, *read_raw_table(data_dir, TABLES[name])) for name in LOAD_ORDER)
    frames, problems = check_tables(read, today)
    if frames is None:
        return None, problems
    # The reference tables are small: their name indexes are built again here rather than passed around.
    frames["perpetrators"]["actor"] = actor_index(frames["actors"]).resolve_series(frames["perpetrators"]["actor"])
    frames["incidents"]["admin1"] = region_index(frames["regions"]).resolve_series(frames["incidents"]["admin1"])
    return Dataset(data_dir=data_dir, **frames), []


def check_tables(
    tables: Iterable[tuple[str, RawTable | None, list[Problem]]], today: dt.date | None = None
) -> tuple[dict[str, pd.DataFrame] | None, list[Problem]]:
    """Every rule ``validate`` applies, on tables as text (read from files, or about to be written by an
    import), given as (name, table or None when it could not be read, problems found reading it). Each
    table's text is let go once its columns are checked. Returns the typed tables when there is no
    problem, else None and every problem, sorted."""
    from .rules import check_rules
    from .validation import check_columns, parse_types

    problems: list[Problem] = []
    frames: dict[str, pd.DataFrame] = {}
    lines: dict[str, list[int]] = {}
    for name, raw, read_problems in tables:
        problems += read_problems
        if raw is None:
            continue
        table = TABLES[name]
        typed, type_problems, bad_cells = parse_types(raw, table)
        problems += type_problems
        problems += check_columns(typed, raw, table, bad_cells)
        frames[name] = typed
        lines[name] = raw.lines
        del raw
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
    return frames, []


def load_dataset(data_dir: str | Path) -> Dataset:
    """The validated tables of ``data_dir``; raises DataValidationError listing every problem."""
    data_dir = Path(data_dir)
    key = _cache_key(data_dir)
    cached = _read_cache(key, data_dir) if key else None
    if cached is not None:
        return cached
    dataset, problems = check_dataset(data_dir)
    if problems:
        raise DataValidationError(problems)
    assert dataset is not None
    if key:
        _write_cache(key, dataset)
    return dataset


def _cache_key(data_dir: Path) -> str | None:
    """A digest of everything validation depends on, or None when a table file cannot be read."""
    from importlib import metadata

    digest = hashlib.sha256()
    try:
        for name in LOAD_ORDER:
            path = TABLES[name].path
            digest.update(f"\0{path}\0".encode())
            digest.update((data_dir / path).read_bytes())
        package = Path(__file__).parent
        for module in _LOADING_CODE:
            digest.update(f"\0{module}\0".encode())
            digest.update((package / f"{module}.py").read_bytes())
        versions = [sys.version, pd.__version__, metadata.version("pandera"), metadata.version("numpy")]
    except (OSError, metadata.PackageNotFoundError):
        return None
    digest.update(repr(versions).encode())
    return digest.hexdigest()


def _cache_path(key: str) -> Path:
    return Path(config.CACHE_DIR) / "datasets" / f"{key}.pickle"


def _read_cache(key: str, data_dir: Path) -> Dataset | None:
    try:
        with open(_cache_path(key), "rb") as file:
            dataset = pickle.load(file)
    except Exception:  # absent, unreadable or from an incompatible pandas: validate afresh
        return None
    if not isinstance(dataset, Dataset):
        return None
    dataset.data_dir = data_dir
    return dataset


def _write_cache(key: str, dataset: Dataset) -> None:
    """Atomically, and never failing the load: a cache that cannot be written is only slower."""
    folder = _cache_path(key).parent
    try:
        write_file(_cache_path(key), lambda file: pickle.dump(dataset, file, protocol=pickle.HIGHEST_PROTOCOL))
        entries = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[_CACHE_KEPT:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


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
