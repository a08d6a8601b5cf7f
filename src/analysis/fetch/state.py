"""What a fetch keeps on disk: the CSV (atomically), ``fetch.json`` beside it, and the token cache.

``fetch.json`` holds, per file in the folder, the last fetch (query, base URL, when, rows, the API's
``last_update``, the largest ``timestamp`` seen, what changed) and ``history``, every earlier fetch. It never
holds a password or a token: only ``token_cache_path`` does, in the user's cache folder, mode 0600.

Order of writes: the CSV first, then ``fetch.json``. A kill between the two leaves the older ``fetch.json``,
whose smaller ``max_timestamp`` makes the next fetch ask for a little more than needed: merging the same rows
again changes nothing, so the file stays right.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from pathlib import Path

import pandas as pd

from ..atomic import write_file

STATE_FILE = "fetch.json"
APP = "mali-civilian-harm"
#: The suffix of a file being written (``atomic.write_file``); one left by a killed run is removed by the next.
PARTIAL = ".fetch-partial"


def remove_leftovers(folder: Path) -> None:
    for leftover in Path(folder).glob(f"*{PARTIAL}"):
        leftover.unlink(missing_ok=True)


def now_text() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def read_state(folder: Path) -> dict:
    path = Path(folder) / STATE_FILE
    if not path.is_file():
        return {"files": {}}
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"files": {}}  # unreadable: the next fetch is a full one, which rewrites it
    state.setdefault("files", {})
    return state


def record_fetch(folder: Path, file_name: str, record: dict) -> dict:
    """Put ``record`` as the file's last fetch, moving the previous one into its history; write atomically."""
    state = read_state(folder)
    previous = state["files"].get(file_name)
    history = []
    if previous:
        history = previous.pop("history", [])
        history.append(previous)
    state["files"][file_name] = {**record, "history": history}
    text = json.dumps(state, indent=2, ensure_ascii=False) + "\n"
    write_file(Path(folder) / STATE_FILE, lambda f: f.write(text.encode("utf-8")), suffix=PARTIAL)
    return state["files"][file_name]


def read_rows(path: Path) -> pd.DataFrame | None:
    """A file this module wrote, every value as text (nothing parsed, so a re-write is byte-identical)."""
    if not Path(path).is_file():
        return None
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8")


def write_rows(path: Path, frame: pd.DataFrame, columns: list[str]) -> None:
    """Write ``frame[columns]`` as UTF-8 CSV (LF line ends, fields quoted where needed) atomically; the written
    file is read back and its header and row count checked before it replaces the old one."""

    def write(handle) -> None:
        text = io.StringIO()
        frame[columns].to_csv(text, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        handle.write(text.getvalue().encode("utf-8"))

    def check(temporary: Path) -> None:
        back = read_rows(temporary)
        if back is None or list(back.columns) != list(columns) or len(back) != len(frame):
            raise RuntimeError(f"{path}: the written file did not read back as written; the old file is kept")

    write_file(path, write, check=check, suffix=PARTIAL)


def cache_dir(environ=os.environ) -> Path:
    """The user's cache folder for this tool: $XDG_CACHE_HOME/<app> or ~/.cache/<app> (XDG Base Directory)."""
    base = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / APP


def read_token(path: Path) -> dict | None:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_token(path: Path, token: dict) -> None:
    """Tokens only (never the password), readable by the user alone: folder 0700, file 0600."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    text = json.dumps(token)

    def write(handle) -> None:
        os.chmod(handle.name, 0o600)  # before the token is in it (mkstemp makes it 0600 already; say so)
        handle.write(text.encode("utf-8"))

    write_file(path, write)
    os.chmod(path, 0o600)
