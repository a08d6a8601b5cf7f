"""Every published build's snapshot, kept so that the next build (and ``python -m analysis changes``) can say
what changed.

A build's folder is replaced when the next one is published, so each snapshot is also kept under
``<reports>/.history/<slug>/<build>.json.gz``. A snapshot is one gzipped JSON file: parameters, headline
figures, and the incident and source tables as column names plus rows (no repeated keys); for 8,700
ACLED incidents it is about 1.9 MB of JSON, 0.2 MB gzipped.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import shutil
from pathlib import Path

import pandas as pd

from ..measure.changes import INCIDENT_COLUMNS, KILLED, SOURCE_COLUMNS, Changes, Snapshot

HISTORY = ".history"
SNAPSHOT_FILE = "snapshot.json.gz"
SUFFIX = ".json.gz"
CHANGES_FILE = "changes.json"
FORMAT = 1


class HistoryError(ValueError):
    """A build or snapshot that cannot be found or read; the message names it and what exists."""


def new_build_id() -> str:
    """A build's id: the UTC time it was made, sortable as text."""
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")


def snapshot_json(snapshot: Snapshot) -> str:
    def table(frame: pd.DataFrame) -> dict:
        plain = frame.astype(object).where(frame.notna(), None)
        return {"columns": list(frame.columns), "rows": plain.to_numpy().tolist()}

    payload = {
        "format": FORMAT,
        "build": snapshot.build,
        "parameters": snapshot.parameters,
        "headline": snapshot.headline,
        "incidents": table(snapshot.incidents),
        "sources": table(snapshot.sources),
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=_plain) + "\n"


def _plain(value):
    return value.item() if hasattr(value, "item") else str(value)


def read_snapshot(path: str | Path) -> Snapshot:
    path = Path(path)
    try:
        payload = json.loads(gzip.decompress(path.read_bytes()).decode("utf-8"))
        incidents = pd.DataFrame(payload["incidents"]["rows"], columns=payload["incidents"]["columns"])
        sources = pd.DataFrame(payload["sources"]["rows"], columns=payload["sources"]["columns"])
    except (OSError, EOFError, ValueError, KeyError, TypeError) as err:
        raise HistoryError(f"{path}: cannot read it as a build snapshot ({err})") from None
    incidents = incidents.reindex(columns=INCIDENT_COLUMNS).astype({c: "Int64" for c in KILLED})
    incidents = incidents.astype({c: object for c in INCIDENT_COLUMNS if c not in KILLED})
    return Snapshot(
        build=str(payload.get("build", path.name.removesuffix(SUFFIX))),
        parameters=payload.get("parameters", {}),
        headline=payload.get("headline", {}),
        incidents=incidents.where(incidents.notna(), None),
        sources=sources.reindex(columns=SOURCE_COLUMNS),
    )


def write_build_files(snapshot: Snapshot, changes: Changes, build_dir: str | Path) -> None:
    """The build's snapshot and its changes.json, beside the report."""
    build_dir = Path(build_dir)
    build_dir.mkdir(parents=True, exist_ok=True)
    (build_dir / SNAPSHOT_FILE).write_bytes(gzip.compress(snapshot_json(snapshot).encode("utf-8"), mtime=0))
    digest = json.dumps(changes.digest(), ensure_ascii=False, indent=1, default=_plain)
    (build_dir / CHANGES_FILE).write_text(digest + "\n", encoding="utf-8")


def history_dir(out_dir: str | Path, slug: str) -> Path:
    return Path(out_dir) / HISTORY / slug


def builds(out_dir: str | Path, slug: str) -> list[Path]:
    """The kept snapshots of ``slug``, oldest first."""
    return sorted(history_dir(out_dir, slug).glob(f"*{SUFFIX}"))


def latest_snapshot(out_dir: str | Path, slug: str) -> Path | None:
    found = builds(out_dir, slug)
    return found[-1] if found else None


def keep_snapshot(out_dir: str | Path, slug: str, build_dir: str | Path) -> Path | None:
    """Copy a published build's snapshot into the history, named by its build id."""
    source = Path(build_dir) / SNAPSHOT_FILE
    if not source.is_file():
        return None
    build = read_snapshot(source).build
    target = history_dir(out_dir, slug) / f"{build}{SUFFIX}"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


def pick_builds(out_dir: str | Path, slug: str, names: list[str]) -> tuple[Path | None, Path]:
    """The two snapshots to compare: the last two builds, or the builds whose ids start with the two names.

    With a single build, the first is None (nothing to compare with)."""
    found = builds(out_dir, slug)
    if not found:
        raise HistoryError(
            f"no build of '{slug}' is kept under {history_dir(out_dir, slug)}; render it first "
            "(python -m analysis render --slug ... or render-all)"
        )
    if not names:
        return (found[-2] if len(found) > 1 else None), found[-1]
    if len(names) != 2:
        raise HistoryError("name two builds (before and after), or none for the last two")
    chosen = []
    for name in names:
        matches = [p for p in found if p.name.startswith(name)]
        if len(matches) != 1:
            listed = ", ".join(p.name.removesuffix(SUFFIX) for p in found)
            what = "no build" if not matches else f"{len(matches)} builds"
            raise HistoryError(f"{what} of '{slug}' start with '{name}'; the builds are: {listed}")
        chosen.append(matches[0])
    return chosen[0], chosen[1]
