"""Notebooks are committed without outputs: outputs hide in diffs and go stale against the data."""

from __future__ import annotations

import json
from pathlib import Path


def notebook_problems(path: Path) -> list[str]:
    try:
        notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        return [f"{path}: unreadable notebook ({err})"]
    problems = []
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        if cell.get("cell_type") != "code":
            continue
        if cell.get("outputs"):
            problems.append(f"{path}: cell {number} has outputs (clear them before committing)")
        if cell.get("execution_count") is not None:
            problems.append(f"{path}: cell {number} has an execution count (clear outputs before committing)")
    return problems


def find_notebooks(paths: list[Path]) -> list[Path]:
    found = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
        elif path.suffix == ".ipynb":
            found.append(path)
    return found
