"""Loading a data directory into validated tidy tables.

``load_dataset`` keeps the last validated tables of each set of input files in a cache
(``config.CACHE_DIR``), keyed on the bytes of every table file read, the source of the code that
reads and validates them, and the library versions. Any change to one of these misses the cache,
so fresh data is always validated; only data that passed validation is ever cached. A hit skips
importing pandera, which is most of the cost of loading the small embedded data.

An entry is a folder ``datasets/<key>/``: each table in Arrow IPC (Feather), a format that holds data and
cannot run code (a pickle can), and ``meta.json`` with each file's SHA-256 and column types. Every file is
checked against its digest when read; an entry that does not match (edited, truncated, half-written) is
not used, and the data is validated again from the CSV files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import config
from .csvio import RawTable, read_raw_table
from .problems import DataValidationError, Problem
from .reference import actor_index, region_index
from .schema import LOAD_ORDER, TABLES

#: The modules whose code decides what a validated dataset contains: a change to any of them
#: invalidates the cache.
_LOADING_CODE = ("csvio", "dataset", "names", "problems", "rawtext", "reference", "rules", "schema", "validation")
_CACHE_KEPT = 16
_CACHE_FORMAT = 1
_META = "meta.json"


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


def data_fingerprint(data_dir: Path) -> str:
    """The data's one fingerprint: SHA-256 over each table a dataset is read from (its path and bytes, in load
    order; a table that is not there counts as missing). A report's manifest records it (``data_sha256``), and
    the cache key starts from it. Raises OSError for a table that is there but cannot be read."""
    digest = hashlib.sha256()
    for name in LOAD_ORDER:
        path = TABLES[name].path
        digest.update(f"\0{path}\0".encode())
        try:
            digest.update(b"\1" + (Path(data_dir) / path).read_bytes())
        except FileNotFoundError:
            digest.update(b"\0missing")
    return digest.hexdigest()


def _cache_key(data_dir: Path) -> str | None:
    """A digest of everything validation depends on (the data's fingerprint, the code that reads and validates
    it, the library versions), or None when a table file cannot be read."""
    from importlib import metadata

    digest = hashlib.sha256()
    try:
        digest.update(data_fingerprint(data_dir).encode())
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
    return Path(config.CACHE_DIR) / "datasets" / key


def _read_cache(key: str, data_dir: Path) -> Dataset | None:
    """The cached tables of ``key`` if every file matches its digest; else None (validate afresh)."""
    folder = _cache_path(key)
    try:
        meta = json.loads((folder / _META).read_text(encoding="utf-8"))
        if meta.get("format") != _CACHE_FORMAT or meta.get("key") != key or set(meta["tables"]) != set(LOAD_ORDER):
            return None
        frames = {}
        for name in LOAD_ORDER:
            entry = meta["tables"][name]
            data = (folder / f"{name}.arrow").read_bytes()
            if hashlib.sha256(data).hexdigest() != entry["sha256"]:
                return None
            frame = pd.read_feather(io.BytesIO(data))
            if list(frame.columns) != list(entry["dtypes"]):
                return None
            for column, kind in entry["dtypes"].items():
                if kind == "object":  # Arrow gives text back as strings; the tables hold objects, None missing
                    frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
            frames[name] = frame
    except Exception:  # absent, unreadable, damaged or from an incompatible pandas: validate afresh
        return None
    return Dataset(data_dir=data_dir, **frames)


def _write_cache(key: str, dataset: Dataset) -> None:
    """Written whole in a folder beside the entry, then renamed into place; never failing the load: a cache
    that cannot be written is only slower."""
    target = _cache_path(key)
    partial = target.parent / f".{key}.{os.getpid()}.partial"
    try:
        partial.mkdir(parents=True, exist_ok=True)
        tables = {}
        for name, frame in dataset.tables().items():
            buffer = io.BytesIO()
            frame.to_feather(buffer)
            data = buffer.getvalue()
            (partial / f"{name}.arrow").write_bytes(data)
            dtypes = {str(column): str(kind) for column, kind in frame.dtypes.items()}
            tables[name] = {"sha256": hashlib.sha256(data).hexdigest(), "dtypes": dtypes}
        meta = {"format": _CACHE_FORMAT, "key": key, "tables": tables}
        (partial / _META).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
        shutil.rmtree(target, ignore_errors=True)  # a damaged entry of the same key
        os.replace(partial, target)
        entries = sorted(
            (p for p in target.parent.iterdir() if p.is_dir() and not p.name.startswith(".")),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for old in entries[_CACHE_KEPT:]:
            shutil.rmtree(old, ignore_errors=True)
        for old in target.parent.glob("*.pickle"):  # entries of earlier versions: never read, removed
            old.unlink(missing_ok=True)
    except Exception:  # a full disk, a table Arrow cannot hold: the load goes on without the cache
        pass
    finally:
        shutil.rmtree(partial, ignore_errors=True)


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
