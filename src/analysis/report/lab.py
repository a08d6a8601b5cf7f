"""JupyterLab as the analyst's home: what the notebooks' first call checks in the kernel it runs in.

- **Unknown names in the parameters cell.** ``render`` refuses a misspelt parameter (``region = "Mopti"``)
  before a kernel starts (report/precheck.py); in Lab nothing read the cell, so the name was silently ignored.
  ``unknown_parameter_names`` reads the last parameters cell the kernel ran (IPython's input history) and
  names every assignment the notebook does not declare, with "did you mean".
- **Nothing stale after a failed parameter cell.** A Report opened by an earlier run stays in the kernel's
  namespace; when the next open fails, the later cells would draw the previous selection's charts.
  ``retire_previous`` marks every earlier object stale: using it raises ``StaleReport`` at once, a short message.
"""

from __future__ import annotations

import ast
import difflib
import weakref
from collections.abc import Iterable

#: The first words of a notebook's parameters cell (and of the cell papermill injects).
PARAMETERS_MARK = "# Parameters"

_OPENED: list[weakref.ref] = []


class StaleReport(RuntimeError):
    """An object opened by an earlier run of the notebook, used after the parameters cell failed."""

    def __init__(self):
        super().__init__(
            "Nothing is shown: the parameters cell above failed, so this cell would show the previous run's "
            "selection. Fix the parameter it names, then Restart and Run All (Kernel menu)."
        )

    def _render_traceback_(self) -> list[str]:  # IPython shows this instead of a traceback
        return [str(self)]


def register(opened) -> None:
    """Remember an object the notebook opened, so that a later failed open can retire it."""
    _OPENED.append(weakref.ref(opened))


def retire_previous() -> None:
    """Mark every object opened by an earlier run stale (it raises StaleReport when used)."""
    for ref in _OPENED:
        opened = ref()
        if opened is not None:
            object.__setattr__(opened, "_stale", True)
    _OPENED.clear()


def check_not_stale(opened) -> None:
    if object.__getattribute__(opened, "__dict__").get("_stale"):
        raise StaleReport()


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return None
    return get_ipython()


def _kernel_inputs() -> list[str]:
    """The cells the IPython kernel has run, oldest first (none outside IPython)."""
    shell = _shell()
    if shell is None:
        return []
    return [str(cell) for cell in shell.user_ns.get("_ih", [])]


def assigned_names(source: str) -> list[str]:
    """The names a cell assigns at its top level (``x = 1``, ``x: str = ""``), in order."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return []
    names = []
    for node in body:
        targets = (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        )
        names += [t.id for t in targets if isinstance(t, ast.Name)]
    return names


def unknown_parameter_names(declared: Iterable[str], inputs: list[str] | None = None) -> list[str]:
    """A problem for each name the last parameters cell run assigns that is not a declared parameter."""
    declared = list(declared)
    cells = _kernel_inputs() if inputs is None else inputs
    cell = next((c for c in reversed(cells) if c.lstrip().startswith(PARAMETERS_MARK)), None)
    if cell is None:
        return []
    problems = []
    for name in assigned_names(cell):
        if name in declared:
            continue
        close = difflib.get_close_matches(name, declared, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        problems.append(
            f"unknown parameter '{name}' in the parameters cell (the notebook has: {', '.join(declared)}{hint})"
        )
    return problems


def left_align_text(html: str, frame, index: bool = False) -> str:
    """The table's text columns aligned left, in the cell itself: JupyterLab's stylesheet right-aligns every
    table cell, which leaves long titles and names ragged on the left. Numbers keep their alignment."""
    import re

    import pandas as pd

    text = [not pd.api.types.is_numeric_dtype(dtype) for dtype in frame.dtypes]
    if index:
        text = [True, *text]
    if not any(text):
        return html
    style = ' style="text-align: left"'
    head, sep, body = html.partition("<tbody>")
    head = re.sub(r"<th>", f"<th{style}>", head)  # headers of every column read as text
    rows = body.split("<tr>")
    for number, row in enumerate(rows[1:], start=1):
        cells = re.split(r"(<t[dh](?: [^>]*)?>)", row)
        for position, i in enumerate(range(1, len(cells), 2)):
            if position < len(text) and text[position] and "style=" not in cells[i]:
                cells[i] = cells[i][:-1] + style + ">"
        rows[number] = "".join(cells)
    return head + sep + "<tr>".join(rows)
