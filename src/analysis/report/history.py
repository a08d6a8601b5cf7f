"""Every published build's snapshot, kept so that the next build (and ``python -m analysis changes``) can say
what changed.

A build's folder is replaced when the next one is published, so each snapshot is also kept under
``<reports>/.history/<slug>/<build>.json.gz``, written before the build is published (render.py). The
published build's manifest names its snapshot (``build``): a kept snapshot newer than it belongs to a render
killed between the two steps, is not a build of the report, and is dropped by the next render of the slug.
A snapshot that cannot be read is set aside (``.corrupt``) and the render goes on as a first build. A snapshot is one gzipped JSON file: parameters, headline
figures, and the incident and source tables as column names plus rows (no repeated keys); for 8,700
ACLED incidents it is about 1.9 MB of JSON, 0.2 MB gzipped.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import shutil
from pathlib import Path

import pandas as pd

from ..measure.build_diff import INCIDENT_COLUMNS, KILLED, SOURCE_COLUMNS, Changes, Snapshot

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
        incidents = incidents.reindex(columns=INCIDENT_COLUMNS).astype({c: "Int64" for c in KILLED})
        incidents = incidents.astype({c: object for c in INCIDENT_COLUMNS if c not in KILLED})
        return Snapshot(
            build=str(payload.get("build", path.name.removesuffix(SUFFIX))),
            parameters=dict(payload.get("parameters", {})),
            headline=dict(payload.get("headline", {})),
            incidents=incidents.where(incidents.notna(), None),
            sources=sources.reindex(columns=SOURCE_COLUMNS),
        )
    except Exception as err:  # damage of any shape (a list for a table, text for a count) is the file's
        raise HistoryError(f"{path}: cannot read it as a build snapshot ({type(err).__name__}: {err})") from None


def write_build_files(snapshot: Snapshot, changes: Changes, build_dir: str | Path) -> None:
    """The build's snapshot and its changes.json, beside the report."""
    build_dir = Path(build_dir)
    build_dir.mkdir(parents=True, exist_ok=True)
    (build_dir / SNAPSHOT_FILE).write_bytes(gzip.compress(snapshot_json(snapshot).encode("utf-8"), mtime=0))
    digest = json.dumps(changes.digest(), ensure_ascii=False, indent=1, default=_plain)
    (build_dir / CHANGES_FILE).write_text(digest + "\n", encoding="utf-8")


def history_dir(out_dir: str | Path, slug: str) -> Path:
    return Path(out_dir) / HISTORY / slug


def published_build(out_dir: str | Path, slug: str) -> str | None:
    """The snapshot id of the build ``<out>/<slug>`` serves (from its manifest), or None."""
    try:
        manifest = json.loads((Path(out_dir) / slug / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    build = manifest.get("build") if isinstance(manifest, dict) else None
    return str(build) if build else None


def _kept(out_dir: str | Path, slug: str) -> list[Path]:
    return sorted(history_dir(out_dir, slug).glob(f"*{SUFFIX}"))


def builds(out_dir: str | Path, slug: str) -> list[Path]:
    """The kept snapshots of ``slug``, oldest first, up to the published build's (one kept by a render that
    was killed before it published is not a build of the report)."""
    found = _kept(out_dir, slug)
    published = published_build(out_dir, slug)
    if published is None:
        return found
    return [path for path in found if path.name.removesuffix(SUFFIX) <= published]


def drop_unpublished(out_dir: str | Path, slug: str) -> list[Path]:
    """Remove the kept snapshots newer than the published build's: left by a render killed between keeping
    its snapshot and publishing (called under the slug's lock, before a render keeps its own)."""
    kept = set(builds(out_dir, slug))
    dropped = [path for path in _kept(out_dir, slug) if path not in kept]
    for path in dropped:
        path.unlink(missing_ok=True)
    return dropped


def latest_snapshot(out_dir: str | Path, slug: str) -> Path | None:
    found = builds(out_dir, slug)
    return found[-1] if found else None


def usable_snapshot(out_dir: str | Path, slug: str) -> tuple[Path | None, str | None]:
    """The latest kept snapshot if it can be read, else None and a note: a damaged one is set aside (renamed
    ``<build>.json.gz.corrupt``, out of the history), so that the render goes on as a first build instead of
    failing on every run until someone removes the file by hand."""
    path = latest_snapshot(out_dir, slug)
    if path is None:
        return None, None
    try:
        read_snapshot(path)
    except HistoryError as err:
        aside = path.with_name(path.name + ".corrupt")
        os.replace(path, aside)
        return None, (
            f"{err}. It was set aside as {aside} and this build is compared with no earlier build (as a first build)"
        )
    return path, None


def snapshot_build(build_dir: str | Path) -> str | None:
    """The id of the snapshot a build folder holds, or None when it holds none."""
    source = Path(build_dir) / SNAPSHOT_FILE
    return read_snapshot(source).build if source.is_file() else None


def keep_snapshot(out_dir: str | Path, slug: str, build_dir: str | Path) -> Path | None:
    """Copy a build's snapshot into the history, named by its build id (written whole, then renamed)."""
    source = Path(build_dir) / SNAPSHOT_FILE
    if not source.is_file():
        return None
    build = read_snapshot(source).build
    target = history_dir(out_dir, slug) / f"{build}{SUFFIX}"
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    shutil.copyfile(source, partial)
    os.replace(partial, target)
    return target


def pick_builds(out_dir: str | Path, slug: str, names: list[str]) -> tuple[Path | None, Path]:
    """The two snapshots to compare: the last two builds, or the builds whose ids start with the two names.

    With a single build, the first is None (nothing to compare with)."""
    from .precheck import slug_problem

    problem = slug_problem(slug)
    if problem:
        raise HistoryError(problem)
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
