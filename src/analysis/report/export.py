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


#: The figures' columns in every exported table: numbers a spreadsheet can add, never text.
COUNT_COLUMNS = ["count_min", "count_best", "count_max"]


def report_tables(report) -> dict[str, pd.DataFrame]:
    """Every table of the report as spreadsheet frames (file name -> frame), with its figures as numbers in
    count_min, count_best and count_max and its text as text. Figures that the report shows as words
    (deadliest incidents, cercles, period totals) carry the numbers they are written from."""
    from dataclasses import replace

    from ..data.schema import HARMS
    from ..measure.aggregate import actor_family_labels, aggregate, incident_figures
    from . import tables

    r = report
    d, s = r.dataset, r.selection
    by_actor = aggregate(d, ("actor",), replace(s, group_by="actor"), fill=False)
    labels = actor_family_labels(d)
    by_actor.insert(1, "family", by_actor["actor"].map(labels))
    figures = incident_figures(d).drop_duplicates("incident_id").set_index("incident_id")[COUNT_COLUMNS]
    deadliest = tables.deadliest_incidents(d, s)
    deadliest = deadliest.join(figures, on="id")
    incidents = r.incidents.rename(
        columns=dict(zip(["killed_min", "killed_best", "killed_max"], COUNT_COLUMNS, strict=True))
    )
    return {
        # page 1: each incident once under its group, then every incident each family took part in
        "killed_by_family": tables.family_figures(d, s),
        "killed_by_period_and_actor": aggregate(d, ("period", "actor"), s),
        "killed_by_region": aggregate(d, ("region",), s),
        "worst_hit_cercles": _cercle_figures(r),
        # every incident each actor took part in: rows do not add up
        "killed_by_actor": by_actor,
        "killed_by_actor_and_region": aggregate(d, ("actor", "region"), s),
        "killed_by_kind_and_actor": aggregate(d, ("how", "actor"), s),
        "killed_by_kind": aggregate(d, ("how",), s, fill=False),
        "deadliest_incidents": deadliest,
        "killed_children_and_women": _stacked(
            {
                group: aggregate(d, ("actor",), s, victim_group=group, fill=False)
                for group in ("all", "children", "women")
            },
            "victim_group",
        ),
        "other_harms": _stacked(
            {HARMS[h]: aggregate(d, ("actor",), s, harm=h, fill=False) for h in tables.OTHER_HARMS}, "harm"
        ),
        "period_totals": _period_total_figures(d, s),
        "incidents": incidents,
        "sources": r.sources,
    }


def _stacked(frames: dict[str, pd.DataFrame], key: str) -> pd.DataFrame:
    """One table from several, each row labelled with the ``key`` it came from."""
    parts = [frame.assign(**{key: name}) for name, frame in frames.items() if len(frame)]
    if not parts:
        return pd.DataFrame(columns=[key, "actor", *COUNT_COLUMNS, "incidents", "incidents_without_figure"])
    out = pd.concat(parts, ignore_index=True)
    return out[[key, *[c for c in out.columns if c != key]]]


def _cercle_figures(report) -> pd.DataFrame:
    """The worst-hit cercles as on the report, with the numbers of their figures."""
    table = report.cercle_table()
    places = report.killed_places
    known = places["admin2"].notna()
    sums = (
        places[known]
        .assign(cercle=places.loc[known, "admin2"].astype(str).str.strip())
        .groupby(["cercle", "region"])[COUNT_COLUMNS]
        .sum()
    )
    return table.join(sums, on=["cercle", "region"])


def _period_total_figures(dataset, selection) -> pd.DataFrame:
    """NGO period totals as the report lists them, with each figure's numbers (never added to anything)."""
    from ..data.schema import HARMS
    from . import tables

    frame = tables.period_totals(dataset, selection)
    c = dataset.casualties[dataset.casualties["incident_id"].isin(frame["record"])]
    numbers = c.assign(harm=c["harm"].map(HARMS)).drop_duplicates(["incident_id", "harm", "count_text"])
    numbers = numbers.set_index(["incident_id", "harm", "count_text"])[COUNT_COLUMNS]
    return frame.join(numbers, on=["record", "harm", "figure"])


def write_report_tables(report, directory: str | Path) -> list[Path]:
    """The report's tables (``report_tables``) as spreadsheet CSV files, and the data of the incident annex
    (incidents.json), which render turns into incidents.html."""
    from . import annex

    directory = Path(directory)
    r = report
    written = [write_spreadsheet_csv(frame, directory / f"{name}.csv") for name, frame in report_tables(r).items()]
    written.append(annex.write_annex_data(r.incidents, directory / annex.ANNEX_DATA, r.title, annex.annex_note(r)))
    return written
