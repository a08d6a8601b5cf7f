"""Turning an import's tables into a data directory: conform to the schema, validate, publish atomically.

The output is a complete data directory (tables plus the reference tables they point at), so that
``python -m analysis validate DIR`` and the report run on it unchanged. It is written to a
temporary directory beside the target and moved into place only when it has validated, so an
interrupted or failed import leaves the previous output as it was. Two imports into one output are
serialised by a lock beside it (``.<name>.lock``): the second waits for the first, so neither removes the
other's staging folder as a killed import's leftover, and a re-import's diff is against a whole output.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections import Counter
from pathlib import Path

import pandas as pd

from .. import config
from ..atomic import held_lock, replace_directory
from ..data.columns import per_distinct
from ..data.csvio import frame_as_text, text_table
from ..data.dataset import check_tables
from ..data.families import classify_keys, compact_key, matching_key
from ..data.names import split_aliases
from ..data.problems import Problem
from ..data.reference import NameIndex, actor_index, region_index
from ..data.schema import TABLES
from .diff import import_diff
from .reading import InputFileError
from .result import REJECT_COLUMNS, ImportResult

REPORT_TXT, REPORT_JSON, REJECTS_CSV = "import_report.txt", "import_report.json", "rejects.csv"
_REFERENCE = ("actors", "regions", "key_dates")
#: Seconds an import waits for another import into the same output before it gives up (exit 1).
LOCK_WAIT = 900.0


class OutputBusy(Exception):
    """Another process is importing into the same output: nothing was changed; the message names it."""


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
    """Canonical actor and region names from the reference tables; unknown names are kept, classified
    into a family by the declared rules (analysis.data.families) and counted."""

    def __init__(self, reference: dict[str, pd.DataFrame]):
        self.reference = reference
        actors = reference["actors"].replace("", None)
        self.actors: NameIndex = actor_index(actors)
        self.regions: NameIndex = region_index(reference["regions"].replace("", None))
        self.unmatched_actors: Counter = Counter()
        self.unmatched_regions: Counter = Counter()
        self._new_actor_keys: dict[str, str] = {}
        self.new_actor_rows: dict[str, dict] = {}
        # The forgiving key of every listed name and alias, so that typing slips still find the actor.
        listed = pd.DataFrame(
            [
                (row.actor, row.family, name)
                for row in actors.itertuples()
                for name in [row.actor, *split_aliases(row.aliases)]
            ],
            columns=["actor", "family", "name"],
        )
        listed["key"] = compact_key(listed["name"])
        listed = listed.drop_duplicates("key")
        self._alias_keys: dict[str, str] = dict(zip(listed["key"], listed["actor"], strict=True))
        self._alias_families: dict[str, str] = dict(zip(listed["key"], listed["family"], strict=True))
        self.listed_families: dict[str, tuple[str, str]] = {
            row.actor: (row.family, row.family_basis or "listed") for row in actors.itertuples()
        }

    def actor_names(self, names: pd.Series, inter_codes: pd.Series | None = None, origin: str = "") -> pd.Series:
        """Canonical names; an unknown actor keeps its own name (spelling variants folded together), gets
        the family of the first rule that matches its name or ACLED inter code, and is added to the
        output's actors table, so that it is listed and never dropped. Work is per distinct name."""
        present = names.dropna()
        distinct = pd.Series(present.unique(), dtype=object)
        exact = distinct.map(self.actors.resolve)
        keys = compact_key(distinct)
        canonical = exact.fillna(keys.map(self._alias_keys))
        unknown = canonical.isna()
        if unknown.any():
            # Spelling variants of one unknown name are one actor, under the first spelling seen.
            for key, name in zip(keys[unknown], distinct[unknown], strict=True):
                self._new_actor_keys.setdefault(key, name)
            canonical[unknown] = keys[unknown].map(self._new_actor_keys)
            self._add_new_actors(keys[unknown], distinct[unknown], present, names, inter_codes, origin)
        mapping = dict(zip(distinct, canonical, strict=True))
        unknown_names = set(distinct[unknown])
        self.unmatched_actors.update(present[present.isin(unknown_names)].value_counts().to_dict())
        return names.map(mapping)

    def _add_new_actors(self, keys, distinct, present, names, inter_codes, origin) -> None:
        inter = pd.Series(pd.NA, index=keys.index, dtype="Int64")
        if inter_codes is not None:
            key_of_name = dict(zip(distinct, keys, strict=True))
            inter = keys.map(_inter_per_key(present.map(key_of_name), inter_codes.loc[present.index]))
            inter = pd.to_numeric(inter, errors="coerce").astype("Int64")
        fresh = ~keys.map(self._new_actor_keys).isin(self.new_actor_rows) | inter.notna()
        fresh &= ~keys.duplicated()
        if not fresh.any():
            return
        names = keys[fresh].map(self._new_actor_keys)
        classes = classify_keys(matching_key(names), inter[fresh], known=self._alias_families)
        for key, code, family, basis in zip(
            keys[fresh], inter[fresh], classes["family"], classes["family_basis"], strict=True
        ):
            name = self._new_actor_keys[key]
            row = self.new_actor_rows.get(name)
            if row is not None and (row["acled_inter"] is not None or pd.isna(code)):
                continue  # already classified, and no inter code to add
            self.new_actor_rows[name] = {
                "actor": name,
                "actor_type": "unmatched",
                "family": family,
                "family_basis": basis,
                "acled_inter": None if pd.isna(code) else str(int(code)),
                "description": f"Not in the project's reference table; kept under the name {origin} uses, "
                f"family from {basis}. Check it and add it, or add this name as an alias of a known actor.",
            }

    def family_of(self) -> dict[str, str]:
        """Canonical actor -> family, for the actors listed and those added so far."""
        families = {actor: family for actor, (family, _) in self.listed_families.items()}
        families.update({name: row["family"] for name, row in self.new_actor_rows.items()})
        return families

    def actor_families(self) -> pd.DataFrame:
        """Every actor this import can name (listed and added), with its family and the basis of it."""
        listed = pd.DataFrame(
            [(actor, family, basis) for actor, (family, basis) in self.listed_families.items()],
            columns=["actor", "family", "family_basis"],
        )
        new = self.new_actors()
        if len(new):
            listed = pd.concat([listed, new[["actor", "family", "family_basis"]]], ignore_index=True)
        return listed

    def region_names(self, names: pd.Series) -> pd.Series:
        """Canonical region names; an unknown region is left empty and counted (the place name is kept)."""
        resolved = per_distinct(names, self.regions.resolve)
        unknown = names[names.notna() & resolved.isna()]
        self.unmatched_regions.update(unknown.value_counts().to_dict())
        return resolved

    def new_actors(self) -> pd.DataFrame:
        return pd.DataFrame(list(self.new_actor_rows.values()))


def _inter_per_key(keys: pd.Series, codes: pd.Series) -> dict[str, int]:
    """The ACLED inter code most rows give each name's key; codes outside 1-8 are ignored."""
    numeric = pd.to_numeric(codes.astype("str").str.strip(), errors="coerce")
    pairs = pd.DataFrame({"key": keys, "code": numeric}).dropna()
    pairs = pairs[pairs["code"].between(1, 8) & (pairs["code"] % 1 == 0)]
    if pairs.empty:
        return {}
    counted = pairs.value_counts().reset_index().drop_duplicates("key")
    return dict(zip(counted["key"], counted["code"].astype(int), strict=True))


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
    with output_lock(out_dir):
        _check_target(out_dir)  # again: another import may have written it while this one waited
        _recover_interrupted(out_dir)
        staging = out_dir.parent / f".{out_dir.name}.importing-{uuid.uuid4().hex[:8]}"
        staging.mkdir()
        try:
            tables = tables_as_text(result, reference_tables(reference_dir))
            problems = problems_in_memory(tables)
            if problems:
                listed = "\n".join(f"  {p}" for p in problems[:20])
                raise ImportBug(f"the imported tables do not validate ({len(problems)} problem(s)):\n{listed}")
            _write(result, tables, staging, earlier=out_dir)
            replace_directory(staging, out_dir)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    return out_dir


def lock_path(out_dir: Path) -> Path:
    """The lock of an import's output: beside it, not in it, since the output folder is replaced whole."""
    return out_dir.parent / f".{out_dir.name}.lock"


def _is_lock(path: Path) -> bool:
    return path.is_file() and path.name.startswith(".") and path.name.endswith(".lock")


def output_lock(out_dir: Path, wait: float | None = None):
    """Hold the lock of ``out_dir`` (see ``held_lock``): wait up to ``wait`` seconds (LOCK_WAIT) for another
    import into it, then raise OutputBusy naming that process."""
    path = lock_path(out_dir)
    return held_lock(
        path,
        LOCK_WAIT if wait is None else wait,
        busy=lambda holder: OutputBusy(
            f"{out_dir} is being written by an import in process {holder}; nothing was changed, and what that "
            f"import publishes is kept. Import again when that process has finished (the lock: {path})"
        ),
        waiting=lambda holder: f"waiting: {out_dir} is being written by an import in process {holder}",
    )


def _check_target(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise InputFileError(f"{out_dir}: expected a directory for the output; this is a file")
    # The locks of imports into folders inside it (.acled.lock) are not files an import would overwrite.
    held = (
        sorted(p.name + ("/" if p.is_dir() else "") for p in out_dir.iterdir() if not _is_lock(p))
        if out_dir.is_dir()
        else []
    )
    if held and not (out_dir / REPORT_JSON).is_file():
        shown = ", ".join(held[:5]) + (f" and {len(held) - 5} more" if len(held) > 5 else "")
        raise InputFileError(
            f"{out_dir.resolve()}: expected an empty directory or an earlier import's output; it holds other "
            f"files ({shown}), which an import will not overwrite. Give each import its own folder, "
            f"e.g. --out {out_dir / 'mine'}"
        )


def tables_as_text(result: ImportResult, reference: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Every table of the output directory, each cell as the text its CSV file holds."""
    tables = {
        name: conform(getattr(result, name), name) for name in ("incidents", "perpetrators", "casualties", "sources")
    }
    actors = reference["actors"]
    if len(result.new_actors):
        actors = pd.concat([actors, conform(result.new_actors, "actors")], ignore_index=True)
    tables.update(actors=actors, regions=reference["regions"], key_dates=reference["key_dates"])
    return {name: frame_as_text(frame) for name, frame in tables.items()}


def problems_in_memory(tables: dict[str, pd.DataFrame]) -> list[Problem]:
    """What ``validate`` would find in the written directory, found in memory before anything is written."""
    return check_tables((name, *text_table(text, TABLES[name])) for name, text in tables.items())[1]


def write_tables(tables: dict[str, pd.DataFrame], directory: Path) -> None:
    """The tables as text (``tables_as_text``) into a data directory."""
    (directory / "reference").mkdir(parents=True, exist_ok=True)
    for name, text in tables.items():
        text.to_csv(directory / TABLES[name].path, index=False, lineterminator="\n")


def _write(result: ImportResult, tables: dict[str, pd.DataFrame], directory: Path, earlier: Path | None = None) -> None:
    write_tables(tables, directory)
    result.rejects.reindex(columns=REJECT_COLUMNS).to_csv(directory / REJECTS_CSV, index=False, lineterminator="\n")
    if earlier is not None and (earlier / REPORT_JSON).is_file():  # a re-import: what it added, removed, revised
        earlier_file = json.loads((earlier / REPORT_JSON).read_text(encoding="utf-8")).get("source_file", "")
        result.import_diff = import_diff(earlier, tables, Path(earlier_file).name)
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
