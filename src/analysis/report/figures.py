"""Figure functions: each takes a DataFrame (from ``analysis.measure.aggregate``) and returns a Figure."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import StrMethodFormatter

from ..measure.aggregate import ESTIMATE_COLUMN, period_labels
from . import style


def _empty(fig: Figure, ax, message: str) -> Figure:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, fontsize=11, color="#555555")
    ax.set_axis_off()
    return fig


#: Axis figures with thousands separators (1,365, not 1365).
THOUSANDS = StrMethodFormatter("{x:,.0f}")
LEGEND_LABEL_WIDTH = 30  # characters per line of a legend entry or a bar label
KEY_DATE_LINE_WIDTH = 150
LEGEND_ENTRY_INCHES = 0.34  # height of a two-line legend entry at 7 pt


def top_series(frame: pd.DataFrame, column: str, limit: int = style.MAX_SERIES) -> pd.DataFrame:
    """``frame`` with the ``limit`` largest perpetrator series by ``column`` kept and the others summed
    into one "Other perpetrators" series, so that no chart carries more than ``limit`` + 1 series."""
    totals = frame.groupby("actor", sort=False)[column].sum().sort_values(ascending=False, kind="stable")
    if len(totals) <= limit + 1:
        return frame
    keep = set(totals.index[:limit])
    out = frame.copy()
    out["actor"] = out["actor"].where(out["actor"].isin(keep), style.OTHER_SERIES)
    keys = [k for k in frame.columns if k in ("actor", "period", "region", "how")]
    numeric = [c for c in frame.columns if c not in keys and pd.api.types.is_numeric_dtype(frame[c])]
    merged = out.groupby(keys, sort=False)[numeric].sum().reset_index()
    merged.attrs.update(frame.attrs)
    return merged


def _wrap(text: str, width: int = LEGEND_LABEL_WIDTH) -> str:
    """A label on at most two lines, shortened with an ellipsis beyond that (names from data can be long)."""
    return textwrap.fill(str(text), width, max_lines=2, placeholder=" …") or str(text)


def _legend(fig: Figure, ax, labels: list[str]) -> None:
    """One legend entry per series, outside the plot on the right, in the order drawn (largest first)."""
    handles = [Patch(label=_wrap(label), **style.bar_style(label)) for label in labels]
    if handles:
        fig.legend(handles=handles, loc="outside right upper", fontsize=7)


def killed_over_time(
    by_period_actor: pd.DataFrame,
    key_dates: pd.DataFrame | None = None,
    *,
    period: str = "year",
    estimate: str = "best",
    title: str = "Civilians killed by perpetrator",
    partial: dict[str, str] | None = None,
    span: tuple[pd.Timestamp | None, pd.Timestamp | None] = (None, None),
) -> Figure:
    """Stacked bars of one estimate by period and perpetrator (at most 9 series plus "other"), the
    min-max range of each period's total as a whisker, periods the data covers only in part marked
    as such (``partial``: label -> "partial: 1 Jan–17 Feb"), and the key dates inside ``span`` marked
    on the periods they fall in."""
    style.apply()
    fig = Figure(figsize=(8, 4.4), layout="constrained")
    ax = fig.subplots()
    column = ESTIMATE_COLUMN[estimate]
    if by_period_actor.empty or by_period_actor[column].sum() == 0:
        return _empty(fig, ax, "No civilians killed in the incidents selected")
    table, order = period_series_table(by_period_actor, column)
    partial = partial or {}
    stubs = _stub_periods(list(table.index), partial, span, period)
    dropped_notes = _dropped_stub_notes(table, stubs, partial)
    periods = [p for p in table.index if p not in stubs]
    table = table.reindex(periods)
    x = np.arange(len(periods))
    is_partial = np.array([p in partial for p in periods])
    bottom = _draw_stacks(ax, x, table, order, is_partial)
    if by_period_actor.attrs.get("additive", True):
        _draw_total_ranges(ax, x, bottom, by_period_actor, periods)
    notes = []
    if key_dates is not None and len(key_dates):
        notes.append(_mark_key_dates(ax, _key_dates_within(key_dates, span), periods, period))
    notes.extend(dropped_notes)
    # A partial period is outlined, starred on the axis, and its days are named under the chart.
    notes.extend(
        f"* {periods[i]}: {partial[periods[i]]} (the data cover only these days)" for i in np.flatnonzero(is_partial)
    )
    _set_period_ticks(ax, x, periods, is_partial)
    notes = [n for n in notes if n]
    if notes:
        text = "\n".join(textwrap.fill(n, KEY_DATE_LINE_WIDTH) for n in notes)
        fig.supxlabel(text, fontsize=6.5, color="#333333", x=0.01, ha="left")
    ax.set_xlim(-0.6, len(periods) - 0.4)
    ax.set_ylabel(f"civilians killed ({estimate} estimate)")
    ax.yaxis.set_major_formatter(THOUSANDS)
    ax.set_title(title, pad=30 if notes and notes[0].startswith("Key dates") else 6)  # room for key-date numbers
    _legend(fig, ax, order)
    fig.alt_text = _over_time_alt_text(title, estimate, periods, bottom, table[order].sum())
    return fig


def period_series_table(by_period_actor: pd.DataFrame, column: str) -> tuple[pd.DataFrame, list[str]]:
    """``column`` as a table of periods (rows, in the data's order) by perpetrator series (columns), and the
    order to stack the series in: largest first, "Other perpetrators" last."""
    frame = top_series(by_period_actor, column)
    table = frame.pivot_table(index="period", columns="actor", values=column, aggfunc="sum", sort=False).fillna(0)
    table = table.reindex(list(dict.fromkeys(by_period_actor["period"]))).fillna(0)
    order = [a for a in table.sum().sort_values(ascending=False, kind="stable").index if a != style.OTHER_SERIES]
    if style.OTHER_SERIES in table.columns:
        order.append(style.OTHER_SERIES)
    return table, order


def _dropped_stub_notes(table: pd.DataFrame, stubs: list[str], partial: dict[str, str]) -> list[str]:
    """What the bars left out for a sliver of a period say: their deaths are in every total."""
    return [
        f"{label}: {int(table.loc[label].sum()):,} civilians killed in incidents whose date window begins in the "
        f"{partial[label].removeprefix('partial: ')} of {label} (the data cover no more of it) are in every total "
        "but not drawn as a bar"
        for label in stubs
        if table.loc[label].sum() > 0
    ]


def _draw_stacks(ax, x: np.ndarray, table: pd.DataFrame, order: list[str], is_partial: np.ndarray) -> np.ndarray:
    """The stacked bars, partial periods outlined; returns each period's drawn total."""
    bottom = np.zeros(len(x))
    for actor in order:
        values = table[actor].to_numpy()
        ax.bar(x, values, bottom=bottom, width=0.75, **style.bar_style(actor))
        bottom += values
    if is_partial.any():
        # Outlined with a dashed line and starred, colours kept (a paler colour would read as another family).
        ax.bar(
            x[is_partial],
            bottom[is_partial],
            width=0.85,
            fill=False,
            linestyle="--",
            edgecolor="#333333",
            linewidth=0.9,
            zorder=4,
        )
    return bottom


def _draw_total_ranges(
    ax, x: np.ndarray, bottom: np.ndarray, by_period_actor: pd.DataFrame, periods: list[str]
) -> None:
    """Each period's min-max range of its total as a whisker around the drawn total."""
    totals = by_period_actor.groupby("period", sort=False)[["count_min", "count_max"]].sum().reindex(periods).fillna(0)
    ax.errorbar(x, bottom, yerr=[bottom - totals["count_min"], totals["count_max"] - bottom], **style.RANGE_WHISKER)


def _key_dates_within(key_dates: pd.DataFrame, span) -> pd.DataFrame:
    """The key dates between the span's first and last day (either end may be open)."""
    first, last = span
    inside = key_dates
    if first is not None:
        inside = inside[inside["date"] >= first]
    if last is not None:
        inside = inside[inside["date"] <= last]
    return inside


def _set_period_ticks(ax, x: np.ndarray, periods: list[str], is_partial: np.ndarray) -> None:
    """At most 24 period labels along the axis, every partial period among them with its star."""
    tick_labels = [f"{p}*" if part else str(p) for p, part in zip(periods, is_partial, strict=True)]
    step = max(1, -(-len(periods) // 24))
    shown = sorted(set(range(0, len(periods), step)) | set(np.flatnonzero(is_partial)))
    ax.set_xticks(
        x[shown],
        [tick_labels[i] for i in shown],
        rotation=45 if len(periods) > 6 else 0,
        ha="right" if len(periods) > 6 else "center",
    )


def _over_time_alt_text(title: str, estimate: str, periods: list[str], bottom: np.ndarray, totals: pd.Series) -> str:
    peak = int(np.argmax(bottom))
    return (
        f"Stacked bar chart: {title.lower()}, {periods[0]} to {periods[-1]} ({estimate} estimate). "
        f"The most civilians were killed in {periods[peak]} ({int(bottom[peak]):,}). " + _largest_series_text(totals)
    )


#: A period at either end of the data that the data cover for less than this share of its days is not
#: drawn as a bar (a "2014*" bar for the 4 days of a week-long date window is read as a year).
STUB_SHARE = 0.1


def _stub_periods(periods: list[str], partial: dict[str, str], span, period: str) -> list[str]:
    """The first period, when the data cover less than STUB_SHARE of its days (never the only period).

    Only the first: incidents are placed by their first possible day, so a date window (a week, a month)
    reaches back before the file's first day; the last period's days are days the data really cover."""
    first, last = span
    if len(periods) < 2 or first is None or last is None or period == "named" or periods[0] not in partial:
        return []
    start, end = _period_bounds(periods[0], period)
    covered = (min(end, last) - max(start, first)).days + 1
    return [periods[0]] if covered < STUB_SHARE * ((end - start).days + 1) else []


def _largest_series_text(totals: pd.Series, shown: int = 3) -> str:
    """'Largest: A (1,234), B (567), C (89).' from a series of totals by perpetrator."""
    totals = totals[totals > 0].sort_values(ascending=False, kind="stable").head(shown)
    if totals.empty:
        return ""
    return "Largest: " + ", ".join(f"{name} ({int(v):,})" for name, v in totals.items()) + "."


def harm_by_actor(by_actor: pd.DataFrame, *, estimate: str = "best", title: str, xlabel: str) -> Figure:
    """Horizontal bars of one harm by perpetrator (the 9 largest plus "other"), with the min-max range as a whisker."""
    style.apply()
    column = ESTIMATE_COLUMN[estimate]
    frame = top_series(by_actor[by_actor[column] > 0], column)
    frame = frame.sort_values(column, kind="stable")
    if style.OTHER_SERIES in set(frame["actor"]):  # "other" at the bottom, whatever its size
        frame = pd.concat([frame[frame["actor"] == style.OTHER_SERIES], frame[frame["actor"] != style.OTHER_SERIES]])
    fig = Figure(figsize=(8, max(1.8, 0.42 * len(frame) + 1.2)), layout="constrained")
    ax = fig.subplots()
    if frame.empty:
        return _empty(fig, ax, "Nothing to show for this selection")
    y = np.arange(len(frame))
    values = frame[column].to_numpy()
    for i, (actor, value) in enumerate(zip(frame["actor"], values, strict=True)):
        ax.barh(i, value, height=0.6, **style.bar_style(actor))
    ax.errorbar(values, y, xerr=[values - frame["count_min"], frame["count_max"] - values], **style.RANGE_WHISKER)
    ax.set_yticks(y, [_wrap(a, 40) for a in frame["actor"]], fontsize=8)
    ax.set_xlabel(xlabel)
    ax.xaxis.set_major_formatter(THOUSANDS)
    ax.set_title(title)
    ax.grid(axis="x", color="#dddddd")
    ax.grid(axis="y", visible=False)
    fig.alt_text = f"Bar chart: {title.lower()} ({estimate} estimate). " + _largest_series_text(
        frame.set_index("actor")[column], shown=5
    )
    return fig


def killed_by_kind(
    by_how_actor: pd.DataFrame, *, estimate: str = "best", title: str = "How civilians were killed"
) -> Figure:
    """Horizontal stacked bars: civilians killed by kind of violence, stacked by perpetrator family
    (at most 9 series plus "other"), legend outside the plot."""
    style.apply()
    column = ESTIMATE_COLUMN[estimate]
    frame = by_how_actor[by_how_actor[column] > 0]
    kinds = frame.groupby("how")[column].sum().sort_values(kind="stable")
    series = min(frame["actor"].nunique(), style.MAX_SERIES + 1)
    # Tall enough for its bars and for its legend (two lines at most per entry).
    fig = Figure(
        figsize=(8, max(1.8, 0.42 * len(kinds) + 1.4, LEGEND_ENTRY_INCHES * series + 0.4)), layout="constrained"
    )
    ax = fig.subplots()
    if frame.empty:
        return _empty(fig, ax, "No civilians killed in the incidents selected")
    frame = top_series(frame, column)
    table = frame.pivot_table(index="how", columns="actor", values=column, aggfunc="sum").reindex(kinds.index).fillna(0)
    order = [a for a in table.sum().sort_values(ascending=False, kind="stable").index if a != style.OTHER_SERIES]
    if style.OTHER_SERIES in table.columns:
        order.append(style.OTHER_SERIES)
    y = np.arange(len(kinds))
    left = np.zeros(len(kinds))
    for actor in order:
        values = table[actor].to_numpy()
        ax.barh(y, values, left=left, height=0.6, **style.bar_style(actor))
        left += values
    ax.set_yticks(y, [_wrap(k, 40) for k in kinds.index], fontsize=8)
    ax.set_xlabel(f"civilians killed ({estimate} estimate)")
    ax.xaxis.set_major_formatter(THOUSANDS)
    ax.set_title(title)
    ax.grid(axis="x", color="#dddddd")
    ax.grid(axis="y", visible=False)
    _legend(fig, ax, order)
    fig.alt_text = (
        f"Stacked bar chart: {title.lower()} ({estimate} estimate), by perpetrator; the kinds with the most: "
        + _largest_series_text(table.sum(axis=1), shown=4).removeprefix("Largest: ")
    )
    return fig


def _period_bounds(label: str, period: str) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    if period == "named":
        return None
    freq = {"month": "M", "quarter": "Q", "year": "Y"}[period]
    p = pd.Period(label, freq=freq)
    return p.start_time, p.end_time


def _mark_key_dates(ax, key_dates: pd.DataFrame, periods: list[str], period: str) -> str:
    """A dashed line where each key date falls inside its period's slot, numbered above the plot;
    returns the numbered list for the note under the chart."""
    if key_dates.empty:
        return ""
    positions = {p: i for i, p in enumerate(periods)}
    labels = period_labels(key_dates["date"], period, key_dates)
    marks = []
    for label, date, text in zip(labels, key_dates["date"], key_dates["label"], strict=True):
        if label not in positions:
            continue
        bounds = _period_bounds(label, period)
        fraction = 0.0 if bounds is None else (date - bounds[0]) / (bounds[1] - bounds[0])
        marks.append((positions[label] - 0.5 + float(fraction), text))
    marks.sort()
    width = max(1, len(periods))
    level, previous = 0, None
    for number, (x, _) in enumerate(marks, start=1):
        # Numbers of dates closer than 3 % of the axis apart are stacked, not printed over each other.
        level = (level + 1) % 3 if previous is not None and (x - previous) / width < 0.03 else 0
        previous = x
        ax.axvline(x, color="#555555", ls="--", lw=0.7, zorder=3)
        ax.annotate(
            str(number),
            (x, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(0, 2 + 8 * level),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=7,
            color="#333333",
        )
    if not marks:
        return ""
    return "Key dates — " + "   ".join(f"{n}: {text}" for n, (_, text) in enumerate(marks, start=1))
