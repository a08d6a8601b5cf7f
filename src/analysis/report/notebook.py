"""What the report notebook calls: parameters checked once, then tables, figures and safe HTML."""

from __future__ import annotations

import inspect
import io
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
from IPython.display import HTML, Image, Markdown

from .. import config
from ..data.dataset import Dataset
from ..measure.aggregate import aggregate, is_additive, partial_periods
from ..measure.parameters import InvalidParameter, resolve_path
from ..measure.selection import Selection, check_report, data_span
from . import figures, lab, maps, places, style, tables
from .page1 import (  # noqa: F401  (page 1's text lives in page1; the notebook imports it from here)
    deadliest_episodes_markdown,
    headline_markdown,
    what_changed_markdown,
)
from .text import date_text, esc, fmt_change, fmt_range, plain_codes, words  # noqa: F401  (the notebook imports them from here)

#: Parameters of the notebook that render fills and open_report does not take (report/render.py).
RENDER_PARAMETERS = ("previous_snapshot", "build_dir", "tables_dir")


@dataclass
class Report:
    dataset: Dataset
    selection: Selection
    estimate: str
    title: str
    boundaries: dict
    data_dir: Path | None = None

    def __getattribute__(self, name: str):
        # a report from an earlier run, after the parameters cell failed: refuse at once (report/lab.py)
        if not name.startswith("__"):
            lab.check_not_stale(self)
        return object.__getattribute__(self, name)

    @cached_property
    def _headline(self) -> tables.Headline:
        return tables.headline(self.dataset, self.selection, self.estimate)

    def headline(self) -> tables.Headline:
        return self._headline

    @property
    def is_empty(self) -> bool:
        return self.headline().incidents == 0

    def over_time(self) -> pd.DataFrame:
        return aggregate(self.dataset, ("period", "actor"), self.selection)

    @property
    def span(self) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
        """The days the data covers within the selected dates."""
        return data_span(self.dataset, self.selection.start, self.selection.end)

    def partial_periods(self) -> dict[str, str]:
        return partial_periods(*self.span, self.selection.period)

    def over_time_figure(self):
        return figures.killed_over_time(
            self.over_time(),
            self.dataset.key_dates,
            period=self.selection.period,
            estimate=self.estimate,
            title=f"Civilians killed each {self.period_word}, by {self.series_name}",
            partial=self.partial_periods(),
            span=self.span,
        )

    @property
    def period_word(self) -> str:
        """'year', 'quarter', 'month', or 'period' for the named periods between key dates."""
        return self.selection.period if self.selection.period in ("year", "quarter", "month") else "period"

    @property
    def series_name(self) -> str:
        """What the perpetrator series are, in words."""
        return {"family": "perpetrator family", "group": "perpetrator group", "actor": "actor"}[self.selection.group_by]

    def kind_figure(self):
        return figures.killed_by_kind(tables.event_type_frame(self.dataset, self.selection), estimate=self.estimate)

    def selection_text(self) -> str:
        """The selection in words (escaped), for page 1 and the PDF footer."""
        s = self.selection
        first, last = self.span
        parts = [
            f"{date_text(first)} to {date_text(last)}",
            "actors: " + (", ".join(s.actors) or "all"),
            "regions: " + (", ".join(s.regions) or "all"),
            f"attribution: {words(s.min_attribution)} or firmer",
            f"by {self.series_name}",
            f"{self.estimate} estimate",
        ]
        return esc("; ".join(parts))

    def data_version(self) -> str:
        """The data's short hash: the first 12 hex digits of the manifest's data_sha256."""
        from ..data.dataset import data_fingerprint

        return data_fingerprint(self.data_dir or config.DATA_DIR)[:12]

    def has_acled(self) -> bool:
        facts = tables.incident_facts(self.dataset, self.selection)
        return bool((facts["dataset"] == "acled").any())

    def by_region(self) -> pd.DataFrame:
        return aggregate(self.dataset, ("region",), self.selection)

    @cached_property
    def killed_places(self) -> pd.DataFrame:
        """One row per incident with civilians killed: region, cercle, coordinates, precision, min/best/max."""
        return places.incident_places(self.dataset, self.selection)

    def map_figure(self):
        by_region = aggregate(self.dataset, ("region",), self.selection)
        return maps.region_map(
            by_region, self.dataset.regions, self.boundaries, places=self.killed_places, estimate=self.estimate
        )

    def cercle_table(self) -> pd.DataFrame:
        """The 15 worst-hit cercles; ``attrs['caption']`` says how many deaths have no cercle."""
        return places.cercle_table(self.killed_places, estimate=self.estimate)

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
            title=f"Civilians killed by {self.series_name}, all selected dates together" + note,
            xlabel=f"civilians killed ({self.estimate} estimate)",
        )

    def additive(self) -> bool:
        return is_additive(self.selection)


def open_report(
    data_dir: str = "",
    start_date: str = "",
    end_date: str = "",
    period: str = "auto",
    actors: list | tuple | str = (),
    regions: list | tuple | str = (),
    estimate: str = "best",
    attribution: str = "group",
    min_attribution: str = "contested",
    title: str = "Civilian harm in Mali",
    boundaries: str = "",
    group_by: str = "family",
) -> Report:
    """Load and validate the data and check every parameter; raise InvalidParameter naming every bad value
    with the valid ones. Relative paths are taken from the project root, wherever the notebook runs."""
    parameters = {
        "start_date": start_date,
        "end_date": end_date,
        "period": period,
        "actors": actors,
        "regions": regions,
        "estimate": estimate,
        "attribution": attribution,
        "min_attribution": min_attribution,
        "group_by": group_by,
    }
    lab.retire_previous()  # nothing from an earlier run is used once this cell runs again
    # the names open_report takes and render fills: the notebook file itself cannot say, as the analyst's
    # edit is in it (a test keeps the notebook's parameters cell within these)
    problems = lab.unknown_parameter_names([*inspect.signature(open_report).parameters, *RENDER_PARAMETERS])
    dataset, selection, check_problems = check_report(data_dir, parameters, boundaries)
    problems += check_problems
    if problems:
        raise InvalidParameter(problems)
    report = Report(
        dataset=dataset,
        selection=selection,
        estimate=estimate,
        title=title,
        boundaries=maps.find_boundaries(resolve_path(boundaries) if boundaries else None),
        data_dir=dataset.data_dir if data_dir else None,
    )
    lab.register(report)
    return report


def report_meta_html(r: Report, rendered: str = "") -> HTML:
    """Render date, data version and selection: on page 1, and (through the CSS string ``footer``) in the
    PDF's footer."""
    import datetime as dt

    rendered = rendered or f"{dt.date.today():%d %B %Y}"
    text = f"{esc(r.title)} · rendered {esc(rendered)} · data version {esc(r.data_version())} · {r.selection_text()}"
    return HTML(f"<p class='report-meta'>{text}</p>")


def md(text: str) -> Markdown:
    return Markdown(text)


def table(
    frame: pd.DataFrame, caption: str = "", index: bool = False, empty: str = "Nothing to show for this selection."
) -> HTML:
    """An escaped HTML table (data text can never become markup), with the sentence a table builder puts in
    ``frame.attrs['note']`` (what the figures mean) under it."""
    if frame is None or frame.empty:
        return HTML(f"<p class='empty'>{esc(empty)}</p>")
    # Whole numbers with thousands separators (1,365 beside 5,676, never 1365).
    whole = {c: "{:,}".format for c in frame.columns if pd.api.types.is_integer_dtype(frame[c])}
    html = frame.to_html(index=index, escape=True, border=0, classes="data", na_rep="", formatters=whole)
    body = lab.left_align_text(html, frame, index)
    head = f"<p class='caption'>{esc(caption)}</p>" if caption else ""
    note = frame.attrs.get("note", "")
    foot = f"<p class='table-note'>{esc(note)}</p>" if note else ""
    return HTML(head + body + foot)


def methodology_markdown(r: Report) -> str:
    """How the numbers were made, with caveats computed from the data and the schema."""
    from ..data.schema import ATTRIBUTION_GRADES, COUNT_WORDS

    kd = r.dataset.key_dates.set_index("key_date_id")
    minusma = kd.loc["minusma-departure", "date"] if "minusma-departure" in kd.index else None
    grades = "; ".join(f"**{words(g)}**: {esc(plain_codes(d))}" for g, d in ATTRIBUTION_GRADES.items())
    count_words = ", ".join(f"“{esc(w)}” → {n:,}" for w, n in COUNT_WORDS.items())
    text = [
        "**What is counted.** Each incident is one event: one perpetrator group, one place, one day or short span, "
        "as ACLED codes them. An incident reported by several documents is one incident with several source statements.",
        "**Ranges.** Every figure is a range. The minimum is the lowest figure the sources support; the best estimate is the "
        "figure they state, or the minimum when they give only a lower bound; the maximum is the highest figure reported, or the "
        "best estimate when no source gives an upper bound. Totals are the sums of minimums, best estimates and maximums. "
        f"Where a source gives words instead of a number, its lowest figure is used (ACLED's convention): {count_words}. "
        "Incidents with no figure at all add nothing to the sums and are counted apart.",
        "**Attribution.** "
        + (
            "Each incident counts once, under its perpetrator group (the primary actor and those acting jointly with it). "
            if r.additive()
            else "Each incident counts under **every** actor involved, so figures by actor **do not add up** to the total. "
        )
        + f"Grades: {grades}.",
        _grouping_text(r),
        "**Period totals** reported by NGOs are kept apart and never added to incident counts: they overlap the incidents and each other.",
        *_episodes_text(r),
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
    if r.has_acled():
        text.append(
            "**ACLED's conventions.** Events from ACLED keep ACLED's rules: where reports disagree, ACLED records the lowest "
            "reported figure; a figure of 0 means no fatalities were reported (such an event counts as an event, never as an "
            "incident with killings); and deaths in battles between armed groups are not counted as civilian deaths, "
            "because ACLED does not say who the dead were. An actor ACLED names as associated with the perpetrator "
            "acted jointly with it when it is an armed force or group (Wagner Group beside the Malian army); an identity "
            "label (an ethnic group, pastoralists, civilians) describes the perpetrator and is never counted as one "
            "(the rules: src/analysis/data/associated_actor_rules.csv). The attribution grade of an ACLED event comes "
            "from its sources: two or more distinct named publishers in its source field make it corroborated (an "
            "undisclosed or local source names no publisher: src/analysis/data/source_labels.csv); words in its "
            "notes outrank that count: a hedge makes it alleged, a denial or a party's counter-claim (the army "
            "calling the dead terrorists) contested, a claim of responsibility acknowledged "
            "(src/analysis/data/attribution_rules.csv)."
        )
    return "\n\n".join(text)


def _episodes_text(r: Report) -> list[str]:
    """The episode rule in words (from its declaration, data/episode_rules.py), when the data has episodes."""
    from ..data.episode_rules import RULE

    inc = r.dataset.incidents
    episodes = int((inc["record_type"] == "episode").sum())
    if not episodes:
        return []
    members = int(inc["parent_incident_id"].isin(inc.loc[inc["record_type"] == "episode", "incident_id"]).sum())
    return [
        f"**Episodes.** {RULE.explanation()} In these data, {members:,} records form {episodes:,} episode"
        f"{'s' if episodes != 1 else ''}."
    ]


def _grouping_text(r: Report) -> str:
    """How perpetrators are grouped in the charts and tables, for the methodology."""
    from ..data.schema import ACTOR_FAMILIES

    if r.selection.group_by == "family":
        families = "; ".join(f"**{esc(label)}**: {esc(d.rstrip('.'))}" for label, d in ACTOR_FAMILIES.values())
        return (
            "**Perpetrator families.** Charts and tables group actors by family; an incident in which actors of two "
            "families took part counts under both together (for example “Malian state forces + Wagner Group / Africa "
            "Corps”), drawn in the first family's colour hatched in the second's. Actors that an import could not name "
            "are counted as unidentified. Page 1's last column gives, for each family, the civilians killed in every "
            "incident it took part in, alone or jointly: an incident of two families counts for both there, so that "
            f"column does not add up. Families: {families}."
        )
    if r.selection.group_by == "actor":
        return (
            "**Actors.** Charts and tables show each actor on its own: an incident in which two actors took part counts "
            "under both, so figures by actor **do not add up** to the total."
        )
    return "**Perpetrator groups.** Charts and tables show perpetrator groups as the sources name them."


def png(fig, alt: str = "") -> Image:
    """A figure as an embedded PNG (bare Figures are not shown by Jupyter; PNG keeps nbval stable).

    It is shown at its own size (96 CSS px per inch), so that printed it has style.DPI pixels per
    inch (the width rounded down), or more where the page is narrower than the figure. ``alt`` (else the figure's ``alt_text``,
    which the figure functions set, else its title) becomes the image's alternative text."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=style.DPI, bbox_inches="tight", metadata={"Software": None})
    data = buffer.getvalue()
    pixels_wide = int.from_bytes(data[16:20], "big")  # the PNG header's width field
    alt = alt or getattr(fig, "alt_text", "") or _figure_title(fig)
    return Image(data=data, format="png", width=pixels_wide * 96 // style.DPI, metadata={"alt": alt})


def _figure_title(fig) -> str:
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    return titles[0] if titles else "Chart"


def export_tables(r: Report, directory: str) -> None:
    """Write the report's tables as CSV files for spreadsheets (see ``analysis.export``)."""
    from .export import write_report_tables

    write_report_tables(r, Path(directory))
