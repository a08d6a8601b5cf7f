"""Tables written for spreadsheets: CSV files that Excel, LibreOffice or Google Sheets open safely.

Text from data is never taken for a formula: a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return gets a leading apostrophe (OWASP's advice for CSV injection), which spreadsheets show as
text. Numbers stay numbers, negative ones included: only text cells are changed.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

#: The characters a spreadsheet may read as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text value made safe to open in a spreadsheet; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell, column name and index label neutralised; numeric columns untouched."""
    out = frame.copy()
    for column in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[column]) or pd.api.types.is_datetime64_any_dtype(out[column])):
            out[column] = out[column].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    if not isinstance(out.index, pd.RangeIndex):
        out.index = out.index.map(lambda v: neutralise(v) if isinstance(v, str) else v)
        out.index.names = [neutralise(n) if isinstance(n, str) else n for n in out.index.names]
    return out


def write_spreadsheet_csv(frame: pd.DataFrame, path: str | Path, index: bool = False) -> Path:
    """Write ``frame`` as UTF-8 CSV with a byte-order mark (so Excel reads the accents), formula-safe."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    spreadsheet_safe(frame).to_csv(path, index=index, encoding="utf-8-sig", lineterminator="\r\n")
    return path


def write_report_tables(report, directory: str | Path) -> list[Path]:
    """The report's tables as spreadsheet CSV files: figures as numbers (min, best, max), text as text;
    and the data of the incident annex (incidents.json), which render turns into incidents.html."""
    from ..measure.aggregate import aggregate
    from . import annex, tables

    directory = Path(directory)
    r = report
    frames = {
        "killed_by_period_and_actor": aggregate(r.dataset, ("period", "actor"), r.selection),
        "killed_by_region": aggregate(r.dataset, ("region",), r.selection),
        "killed_by_actor_and_region": aggregate(r.dataset, ("actor", "region"), r.selection),
        "killed_by_kind_and_actor": aggregate(r.dataset, ("how", "actor"), r.selection),
        "deadliest_incidents": tables.deadliest_incidents(r.dataset, r.selection),
        "worst_hit_cercles": r.cercle_table(),
        "period_totals": tables.period_totals(r.dataset, r.selection),
        "incidents": r.incidents,
        "sources": r.sources,
    }
    written = [write_spreadsheet_csv(frame, directory / f"{name}.csv") for name, frame in frames.items()]
    written.append(annex.write_annex_data(r.incidents, directory / annex.ANNEX_DATA, r.title, annex.annex_note(r)))
    return written
