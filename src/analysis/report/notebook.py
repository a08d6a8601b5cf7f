"""What the report notebook calls: parameters checked once, then tables, figures and safe HTML."""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
from IPython.display import HTML, Image, Markdown

from .. import config
from ..data.dataset import Dataset, load_dataset
from ..measure.aggregate import Selection, aggregate, selection_from_parameters
from . import figures, maps, style, tables
from .text import date_text, esc, fmt_range  # noqa: F401  (the notebook imports them from here)


@dataclass
class Report:
    dataset: Dataset
    selection: Selection
    estimate: str
    title: str
    boundaries: dict | None

    @cached_property
    def _headline(self) -> tables.Headline:
        return tables.headline(self.dataset, self.selection)

    def headline(self) -> tables.Headline:
        return self._headline

    @property
    def is_empty(self) -> bool:
        return self.headline().incidents == 0

    def over_time(self) -> pd.DataFrame:
        return aggregate(self.dataset, ("period", "actor"), self.selection)

    def over_time_figure(self):
        return figures.killed_over_time(
            self.over_time(), self.dataset.key_dates, period=self.selection.period, estimate=self.estimate
        )

    def by_region(self) -> pd.DataFrame:
        return aggregate(self.dataset, ("region",), self.selection)

    def map_figure(self):
        return maps.region_map(self.by_region(), self.dataset.regions, self.boundaries, estimate=self.estimate)

    @cached_property
    def incidents(self) -> pd.DataFrame:
        """Every selected incident, one row each: built once, shared by the notebook, the annex and the export."""
        return tables.incident_list(self.dataset, self.selection)

    @cached_property
    def sources(self) -> pd.DataFrame:
        """Each source document once, with the number of the selected incidents it supports."""
        return tables.sources_appendix(self.dataset, self.incidents["id"])

    def by_actor_figure(self):
        frame = aggregate(self.dataset, ("actor",), self.selection)
        note = "" if frame.attrs["additive"] else " (each incident under every actor involved: bars do not add up)"
        return figures.harm_by_actor(
            frame,
            estimate=self.estimate,
            title="Civilians killed by perpetrator" + note,
            xlabel=f"civilians killed ({self.estimate} estimate)",
        )

    def additive(self) -> bool:
        return self.selection.attribution == "group"


def open_report(
    data_dir: str = "",
    start_date: str = "",
    end_date: str = "",
    period: str = "year",
    actors: list | tuple = (),
    regions: list | tuple = (),
    estimate: str = "best",
    attribution: str = "group",
    min_attribution: str = "contested",
    title: str = "Civilian harm in Mali",
    boundaries: str = "",
) -> Report:
    """Load and validate the data and check every parameter; raise InvalidParameter naming valid values."""
    dataset = load_dataset(Path(data_dir) if data_dir else config.DATA_DIR)
    parameters = {
        "start_date": start_date,
        "end_date": end_date,
        "period": period,
        "actors": actors,
        "regions": regions,
        "estimate": estimate,
        "attribution": attribution,
        "min_attribution": min_attribution,
    }
    selection = selection_from_parameters(dataset, parameters)
    found = maps.find_boundaries(boundaries or None)
    return Report(dataset=dataset, selection=selection, estimate=estimate, title=title, boundaries=found)


def md(text: str) -> Markdown:
    return Markdown(text)


def table(
    frame: pd.DataFrame, caption: str = "", index: bool = False, empty: str = "Nothing to show for this selection."
) -> HTML:
    """An escaped HTML table (data text can never become markup)."""
    if frame is None or frame.empty:
        return HTML(f"<p class='empty'>{esc(empty)}</p>")
    body = frame.to_html(index=index, escape=True, border=0, classes="data", na_rep="")
    head = f"<p class='caption'>{esc(caption)}</p>" if caption else ""
    return HTML(head + body)


def methodology_markdown(r: Report) -> str:
    """How the numbers were made, with caveats computed from the data and the schema."""
    from ..data.schema import ATTRIBUTION_GRADES, COUNT_WORDS

    kd = r.dataset.key_dates.set_index("key_date_id")
    minusma = kd.loc["minusma-departure", "date"] if "minusma-departure" in kd.index else None
    grades = "; ".join(f"**{g.replace('_', ' ')}**: {esc(d)}" for g, d in ATTRIBUTION_GRADES.items())
    words = ", ".join(f"“{esc(w)}” → {n:,}" for w, n in COUNT_WORDS.items())
    text = [
        "**What is counted.** Each incident is one event: one perpetrator group, one place, one day or short span, "
        "as ACLED codes them. An incident reported by several documents is one incident with several source statements.",
        "**Ranges.** Every figure is a range. The minimum is the lowest figure the sources support; the best estimate is the "
        "figure they state, or the minimum when they give only a lower bound; the maximum is the highest figure reported, or the "
        "best estimate when no source gives an upper bound. Totals are the sums of minimums, best estimates and maximums. "
        f"Where a source gives words instead of a number, its lowest figure is used (ACLED's convention): {words}. "
        "Incidents with no figure at all add nothing to the sums and are counted apart.",
        "**Attribution.** "
        + (
            "Each incident counts once, under its perpetrator group (the primary actor and those acting jointly with it). "
            if r.additive()
            else "Each incident counts under **every** actor involved, so figures by actor **do not add up** to the total. "
        )
        + f"Grades: {grades}.",
        "**Period totals** reported by NGOs are kept apart and never added to incident counts: they overlap the incidents and each other.",
        "**Dates and places.** Incidents are placed in a period by their first possible day; the incident list gives each date's "
        "and place's precision. Incidents whose region the sources do not establish are shown as “Region not established”. "
        "Newer (2016, 2023) regions are drawn inside the older region that contains them when only older boundaries are available.",
    ]
    if minusma is not None:
        text.append(
            f"**Reporting gaps.** UN human-rights monitoring ended with MINUSMA's withdrawal on {minusma:%d %B %Y}; since then "
            "fewer incidents are independently documented, and access for NGOs and journalists to central and northern Mali is limited. "
            "Low counts after that date may reflect less reporting rather than less harm."
        )
    return "\n\n".join(text)


def png(fig) -> Image:
    """A figure as an embedded PNG (bare Figures are not shown by Jupyter; PNG keeps nbval stable).

    It is shown at its own size (96 CSS px per inch), so that printed it has style.DPI pixels per
    inch, or more where the page is narrower than the figure."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=style.DPI, bbox_inches="tight", metadata={"Software": None})
    data = buffer.getvalue()
    pixels_wide = int.from_bytes(data[16:20], "big")  # the PNG header's width field
    return Image(data=data, format="png", width=round(pixels_wide * 96 / style.DPI))


def export_tables(r: Report, directory: str) -> None:
    """Write the report's tables as CSV files for spreadsheets (see ``analysis.export``)."""
    from .export import write_report_tables

    write_report_tables(r, Path(directory))
