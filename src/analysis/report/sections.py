"""Which report sections have something to show: a section whose table is empty, or whose figures are
all dashes (nothing recorded), is left out with its heading instead of printing "Nothing to show"."""

from __future__ import annotations

import pandas as pd

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
