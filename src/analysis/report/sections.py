"""Which report sections have something to show: a section whose table is empty, or whose figures are
all dashes (nothing recorded), is left out with its heading instead of printing "Nothing to show"."""

from __future__ import annotations

import re

import pandas as pd
from IPython.display import HTML

#: Cell values that mean "nothing recorded here" in the report's tables.
NOTHING = ("–", "—", "")


def has_figures(frame: pd.DataFrame | None, columns: list[str] | None = None) -> bool:
    """Whether ``frame`` has a row, and (for ``columns``, e.g. the children and women columns) any cell
    in them that is not a dash."""
    if frame is None or frame.empty:
        return False
    if not columns:
        return True
    cells = frame[columns].astype(object)
    return bool((cells.notna() & ~cells.isin(NOTHING)).to_numpy().any())


def section(heading: str, intro: str, *parts) -> HTML:
    """A section shown only when it has something to show: its heading, its introduction and its tables
    as one output, so that the print CSS keeps the heading and introduction with the table's first rows
    (as separate outputs they were left at the foot of a page, the table on the next).

    ``heading`` and ``intro`` are the notebook's own text (HTML allowed, e.g. <strong>); data text only
    arrives through ``parts``, the escaped tables of ``notebook.table``."""
    anchor = re.sub(r"[^\w-]+", "-", heading).strip("-")
    body = "".join(getattr(part, "data", str(part)) for part in parts)
    intro_html = f"<p class='section-intro'>{intro}</p>" if intro else ""
    return HTML(f"<div class='section'><h2 id='{anchor}'>{heading}</h2>{intro_html}{body}</div>")
