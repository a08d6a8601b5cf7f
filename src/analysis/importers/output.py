"""Turning an import's tables into a data directory: conform to the schema, validate, publish atomically.

The output is a complete data directory (tables plus the reference tables they point at), so that
``python -m analysis validate DIR`` and the report run on it unchanged. It is written to a
temporary directory beside the target and moved into place only when it has validated, so an
interrupted or failed import leaves the previous output as it was.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections import Counter
from pathlib import Path

import pandas as pd

from .. import config
from ..data.dataset import check_dataset
from ..data.names import normalise_name
from ..data.reference import NameIndex, actor_index, region_index
from ..data.schema import TABLES
from .reading import InputFileError
from .result import REJECT_COLUMNS, ImportResult

REPORT_TXT, REPORT_JSON, REJECTS_CSV = "import_report.txt", "import_report.json", "rejects.csv"
_REFERENCE = ("actors", "regions", "key_dates")


class ImportBug(Exception):
    """The importer produced tables that do not validate: a bug in the importer, never the user's fault."""


def reference_tables(reference_dir: Path | None = None) -> dict[str, pd.DataFrame]:
    """The project's reference tables as text, for resolving names and for copying into the output."""
    reference_dir = Path(reference_dir or config.REFERENCE_DIR)
    return {
        name: pd.read_csv(reference_dir / Path(TABLES[name].path).name, dtype=str, keep_default_na=False)
        for name in _REFERENCE
    }


class Resolver:
    """Canonical actor and region names from the reference tables; unknown names are kept and counted."""

    def __init__(self, reference: dict[str, pd.DataFrame]):
        self.reference = reference
        self.actors: NameIndex = actor_index(reference["actors"].replace("", None))
        self.regions: NameIndex = region_index(reference["regions"].replace("", None))
        self.unmatched_actors: Counter = Counter()
        self.unmatched_regions: Counter = Counter()
        self._new_actor_keys: dict[str, str] = {}
        self.new_actor_rows: dict[str, dict] = {}

    def actor_names(self, names: pd.Series, inter_codes: pd.Series | None = None, origin: str = "") -> pd.Series:
        """Canonical names; an unknown actor keeps its own name (spelling variants folded together)
        and is added to the output's actors table, so that it is listed and never dropped."""
        present = names.dropna()
        mapping = {}
        unknown_names = set()
        for name in present.unique():
            canonical = self.actors.resolve(name)
            if canonical is None:
                unknown_names.add(name)
                key = normalise_name(name)
                canonical = self._new_actor_keys.setdefault(key, name)
                if canonical not in self.new_actor_rows:
                    self.new_actor_rows[canonical] = {
                        "actor": canonical,
                        "actor_type": "unmatched",
                        "family": "unidentified",
                        "family_basis": "not classified",
                        "acled_inter": None,
                        "description": f"Not in the project's reference table; kept under the name {origin} uses. "
                        "Check it and add it, or add this name as an alias of a known actor.",
                    }
            mapping[name] = canonical
        resolved = names.map(mapping)
        unknown = present[present.isin(unknown_names)]
        self.unmatched_actors.update(unknown.value_counts().to_dict())
        if inter_codes is not None:
            pairs = pd.DataFrame({"name": unknown, "code": inter_codes.loc[unknown.index]}).drop_duplicates()
            for name, code in zip(pairs["name"], pairs["code"], strict=True):
                row = self.new_actor_rows[mapping[name]]
                if row["acled_inter"] is None and isinstance(code, str) and code.strip().isdigit():
                    row["acled_inter"] = code.strip() if 1 <= int(code) <= 8 else None
        return resolved

    def region_names(self, names: pd.Series) -> pd.Series:
        """Canonical region names; an unknown region is left empty and counted (the place name is kept)."""
        mapping = {name: self.regions.resolve(name) for name in names.dropna().unique()}
        resolved = names.map(mapping)
        unknown = names[names.notna() & resolved.isna()]
        self.unmatched_regions.update(unknown.value_counts().to_dict())
        return resolved

    def new_actors(self) -> pd.DataFrame:
        return pd.DataFrame(list(self.new_actor_rows.values()))


def conform(frame: pd.DataFrame, table_name: str) -> pd.DataFrame:
    """The table's columns in schema order; columns the importer does not know are empty."""
    columns = TABLES[table_name].columns
    out = frame.reindex(columns=list(columns))
    return out.reset_index(drop=True)


def publish(result: ImportResult, out_dir: str | Path, reference_dir: Path | None = None) -> Path:
    """Validate the result and move it into ``out_dir``; raise ImportBug if it does not validate."""
    out_dir = Path(out_dir).resolve()
    _check_target(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    _recover_interrupted(out_dir)
    staging = out_dir.parent / f".{out_dir.name}.importing-{uuid.uuid4().hex[:8]}"
    staging.mkdir()
    try:
        _write(result, staging, reference_tables(reference_dir))
        _, problems = check_dataset(staging)
        if problems:
            listed = "\n".join(f"  {p}" for p in problems[:20])
            raise ImportBug(f"the imported tables do not validate ({len(problems)} problem(s)):\n{listed}")
        _swap_into_place(staging, out_dir)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return out_dir


def _check_target(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise InputFileError(f"{out_dir}: expected a directory for the output; this is a file")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / REPORT_JSON).is_file():
        raise InputFileError(
            f"{out_dir}: expected an empty directory or an earlier import's output; "
            "it holds other files, which an import will not overwrite"
        )


def _write(result: ImportResult, directory: Path, reference: dict[str, pd.DataFrame]) -> None:
    (directory / "reference").mkdir()
    for name in ("incidents", "perpetrators", "casualties", "sources"):
        frame = conform(getattr(result, name), name)
        frame.to_csv(directory / TABLES[name].path, index=False, lineterminator="\n", date_format="%Y-%m-%d")
    actors = reference["actors"]
    if len(result.new_actors):
        actors = pd.concat([actors, conform(result.new_actors, "actors")], ignore_index=True)
    actors.to_csv(directory / TABLES["actors"].path, index=False, lineterminator="\n")
    for name in ("regions", "key_dates"):
        reference[name].to_csv(directory / TABLES[name].path, index=False, lineterminator="\n")
    result.rejects.reindex(columns=REJECT_COLUMNS).to_csv(directory / REJECTS_CSV, index=False, lineterminator="\n")
    (directory / REPORT_TXT).write_text("\n".join(result.report_lines()) + "\n", encoding="utf-8")
    (directory / REPORT_JSON).write_text(result.report_json() + "\n", encoding="utf-8")


def _recover_interrupted(out_dir: Path) -> None:
    """Undo what a killed import left: its staging folder, and a previous output set aside but not replaced."""
    for leftover in out_dir.parent.glob(f".{out_dir.name}.importing-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    retired = sorted(out_dir.parent.glob(f".{out_dir.name}.replaced-*"))
    if retired and not out_dir.exists():
        os.replace(retired[-1], out_dir)
        retired = retired[:-1]
    for old in retired:
        shutil.rmtree(old, ignore_errors=True)


def _swap_into_place(staging: Path, out_dir: Path) -> None:
    """Two renames on one file system: the old output exists until the new one is complete."""
    if out_dir.exists():
        retired = out_dir.parent / f".{out_dir.name}.replaced-{uuid.uuid4().hex[:8]}"
        os.replace(out_dir, retired)
        os.replace(staging, out_dir)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.replace(staging, out_dir)
