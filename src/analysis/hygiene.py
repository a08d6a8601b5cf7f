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


#: The notebook metadata kept: the kernel every notebook runs with. JupyterLab rewrites it (kernel display
#: names, language versions) when it merely opens a notebook; that is not a change to commit.
KEPT_METADATA = {
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}


def stripped_text(text: str) -> str:
    """The notebook without outputs, execution counts, per-cell run metadata (papermill's, Lab's
    ``execution``/``collapsed``/``scrolled``) or rewritten notebook metadata; cells, ids and tags are kept.
    Written as Jupyter writes it (indent 1, non-ASCII kept, a final newline)."""
    notebook = json.loads(text)
    for cell in notebook.get("cells", []):
        meta = cell.get("metadata", {})
        cell["metadata"] = {
            k: v for k, v in meta.items() if k not in ("execution", "collapsed", "scrolled", "papermill")
        }
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    notebook["metadata"] = {**KEPT_METADATA, **{k: v for k, v in notebook.get("metadata", {}).items() if k == "tags"}}
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def strip_notebook(path: Path) -> bool:
    """Strip ``path`` in place (see ``stripped_text``); True when it changed."""
    text = Path(path).read_text(encoding="utf-8")
    clean = stripped_text(text)
    if clean == text:
        return False
    Path(path).write_text(clean, encoding="utf-8")
    return True


if __name__ == "__main__":  # the git clean filter `make env` sets up: a notebook on stdin, stripped on stdout
    import sys

    sys.stdout.write(stripped_text(sys.stdin.read()))
