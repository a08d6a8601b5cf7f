"""Charts of a comparison of datasets: each takes a DataFrame from ``measure.cross_dataset`` and returns a Figure.

Bars carry no value labels (the tables give the figures), and year axes label every year only when there
are few: at 35 years (1990-2023) every fifth year is labelled and the others are ticked.
"""

from __future__ import annotations

import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from . import style

#: With more years than this, only every fifth year is labelled.
ALL_YEAR_LABELS_UP_TO = 15


def _year_axis(ax, years: list[int]) -> None:
    ax.set_xlim(min(years) - 0.6, max(years) + 0.6)
    if len(years) <= ALL_YEAR_LABELS_UP_TO:
        ax.set_xticks(years, [str(y) for y in years])
    else:
        ax.xaxis.set_major_locator(mticker.MultipleLocator(5))
        ax.xaxis.set_minor_locator(mticker.MultipleLocator(1))
        ax.xaxis.set_major_formatter(mticker.FormatStrFormatter("%d"))
    ax.tick_params(axis="x", labelsize=8)
    ax.yaxis.set_major_formatter(mticker.StrMethodFormatter("{x:,.0f}"))
    ax.tick_params(axis="y", labelsize=7)


def by_year(table: pd.DataFrame, labels: list[str]) -> Figure:
    """``cross_dataset.by_year``: per year, each dataset's events (top) and civilians killed (bottom), the part
    matched in the other dataset solid and the part only it has pale."""
    style.apply()
    fig = Figure(figsize=(8, 5.2))
    top, bottom = fig.subplots(2, 1, sharex=True)
    if table.empty:
        top.set_axis_off()
        bottom.text(0.5, 0.5, "No events in the selection", ha="center", transform=bottom.transAxes)
        bottom.set_axis_off()
        return fig
    years = list(range(int(table["year"].min()), int(table["year"].max()) + 1))
    width = 0.8 / len(labels)
    for ax, (total, matched, title) in zip(
        (top, bottom),
        (("events", "matched_events", "Events"), ("killed", "killed_in_matched", "Civilians killed (best estimate)")),
        strict=True,
    ):
        for position, label in enumerate(labels):
            rows = table[table["dataset"] == label].set_index("year").reindex(years)
            x = np.array(years) - 0.4 + width * (position + 0.5)
            colour = style.COMPARISON_COLOURS[position % len(style.COMPARISON_COLOURS)]
            both = rows[matched].fillna(0).to_numpy()
            only = (rows[total] - rows[matched]).fillna(0).to_numpy()
            ax.bar(x, both, width=width * 0.92, color=colour, linewidth=0)
            ax.bar(x, only, bottom=both, width=width * 0.92, color=colour, alpha=style.COMPARISON_UNMATCHED_ALPHA)
        ax.set_title(title, fontsize=9, loc="left")
        ax.set_axisbelow(True)
        _year_axis(ax, years)
    handles = []
    for position, label in enumerate(labels):
        colour = style.COMPARISON_COLOURS[position % len(style.COMPARISON_COLOURS)]
        other = labels[1 - position] if len(labels) == 2 else "the other"
        handles.append(Patch(color=colour, label=f"{label}: matched in {other}"))
        handles.append(Patch(color=colour, alpha=style.COMPARISON_UNMATCHED_ALPHA, label=f"{label}: only in {label}"))
    fig.legend(handles=handles, loc="upper center", ncol=2, fontsize=7.5, bbox_to_anchor=(0.5, 1.0))
    fig.tight_layout(rect=(0, 0, 1, 0.9))
    return fig
