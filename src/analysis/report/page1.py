"""Page 1 as an analyst writes it: what the data is, how much, the trend, who, and what is not known.

Every number is computed from the selected data; a line whose number would be 0, or whose comparison
is impossible, is left out rather than printed as filler."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from ..measure.aggregate import ESTIMATE_COLUMN, aggregate, incident_facts, partial_periods
from ..measure.episodes import episode_table
from ..measure.victims import victims_noun
from .text import date_text, esc, fmt_change, fmt_range

#: What each dataset's figures mean, said once on page 1. Keyed by the value of incidents.dataset
#: (an import named otherwise, e.g. "acled-2023", is matched by its first word). The name is how the
#: data is cited; the convention is what a reader must know before reading any figure from it.
DATASET_CONVENTIONS: dict[str, tuple[str, str]] = {
    "acled": (
        "ACLED",
        "each event's fatalities are the lowest figure reported, 0 means no fatalities were reported "
        "(not a confirmed zero), and deaths in battles are not counted as civilian",
    ),
    "ucdp": (
        "UCDP GED",
        "each event carries UCDP's best estimate with its low and high estimates, and only deaths in "
        "one-sided violence against civilians are counted as civilian",
    ),
    "curated": (
        "the project's curated incidents",
        "each taken from named reports (NGOs, the UN, the press) with the source's own words kept beside every figure",
    ),
}

#: How page 1 names the records it cites ("coded in 3 ACLED records"): the datasets' citation names; a
#: dataset without a convention (the curated data, an analyst's list) by its own name ("curated record").
RECORD_NAMES: dict[str, str] = {code: DATASET_CONVENTIONS[code][0] for code in ("acled", "ucdp")}

#: The actor families whose members are armed forces or armed groups (schema.ACTOR_FAMILIES).
#: "unidentified" is armed but names no actor; "other" holds civilians, protesters, rioters and
#: private security: neither is counted in "N armed forces and groups".
ARMED_FAMILIES: tuple[str, ...] = (
    "state_forces",
    "russian_forces",
    "jnim",
    "islamic_state",
    "northern_armed_groups",
    "militias",
    "foreign_forces",
)

_TIMES = {2: "twice", 3: "three times", 4: "four times", 5: "five times", 6: "six times", 7: "seven times"}
_TIMES.update({8: "eight times", 9: "nine times", 10: "ten times"})


def convention_of(dataset: str) -> tuple[str, str]:
    """A dataset's citation name and convention; an unknown dataset is named as recorded, without one."""
    key = str(dataset).lower()
    for code, value in DATASET_CONVENTIONS.items():
        if key == code or key.split("-")[0].split("_")[0] == code:
            return value
    return str(dataset), ""


def datasets_line(r) -> str:
    """'Data: ACLED (each event's fatalities are ...).' for the datasets of the selected incidents."""
    facts = incident_facts(r.dataset, r.selection)
    names = list(dict.fromkeys(facts["dataset"].dropna().astype(str)))
    if not names:
        return ""
    parts = []
    for name in names:
        label, convention = convention_of(name)
        parts.append(f"**{esc(label)}**" + (f" ({esc(convention)})" if convention else ""))
    return "Data: " + "; ".join(parts) + "."


def armed_actors(r) -> int:
    """How many distinct actors of an armed family (ARMED_FAMILIES) took part in the selected incidents."""
    facts = incident_facts(r.dataset, r.selection)
    involved = pd.Series([a for actors in facts["actors_involved"] for a in actors], dtype=object).unique()
    if "family" not in r.dataset.actors:
        return 0
    family = r.dataset.actors.drop_duplicates("actor").set_index("actor")["family"]
    return int(family.reindex(involved).isin(ARMED_FAMILIES).sum())


@dataclass(frozen=True)
class Trend:
    year: int  # the deadliest year
    killed: int
    previous: int | None  # the year before, None when the data does not cover it
    partial: dict[str, str]  # year label -> "partial: 3 Jan–31 Dec" for years covered in part


def yearly(r) -> pd.Series:
    """Civilians killed (the report's estimate) per calendar year of the data span, 0 for a year without any."""
    column = ESTIMATE_COLUMN[r.estimate]
    by_year = aggregate(r.dataset, ("period",), replace(r.selection, period="year"))
    return by_year.set_index("period")[column].astype(int)


def trend(r) -> Trend | None:
    """The deadliest year and the year before it, or None with fewer than two years of data."""
    values = yearly(r)
    values = values[values.index.astype(str).str.fullmatch(r"\d{4}")]
    if len(values) < 2 or values.max() <= 0:
        return None
    deadliest = values.idxmax()  # the first of equal years
    year = int(deadliest)
    previous = values.get(str(year - 1))
    return Trend(
        year, int(values[deadliest]), None if previous is None else int(previous), partial_periods(*r.span, "year")
    )


def ratio_text(current: int, previous: int) -> str:
    """'four times as many as', '23% more than', '12% fewer than', 'as many as'."""
    if previous == 0:
        return ""
    ratio = current / previous
    if ratio >= 1.95:
        times = round(ratio)
        return f"{_TIMES.get(times, f'{times:,} times')} as many as"
    share = round(abs(ratio - 1) * 100)
    if share == 0:
        return "as many as"
    return f"{share}% {'more' if ratio > 1 else 'fewer'} than"


def trend_markdown(r) -> str:
    """'**2022** was the deadliest year: 912 civilians killed (best estimate), four times as many as in 2021 (228).'"""
    t = trend(r)
    if t is None:
        return ""

    def covered(year: int) -> str:
        days = t.partial.get(str(year))
        return f"the data cover only {days.removeprefix('partial: ')}" if days else ""

    text = f"**{t.year}** was the deadliest year: **{t.killed:,}** civilians killed ({esc(r.estimate)} estimate"
    text += f"; {covered(t.year)})" if covered(t.year) else ")"
    if t.previous is not None:
        before = f"{t.previous:,}" + (f"; {covered(t.year - 1)}" if covered(t.year - 1) else "")
        if t.previous == 0:
            text += f", against none recorded in {t.year - 1}" + (
                f" ({covered(t.year - 1)})" if covered(t.year - 1) else ""
            )
        else:
            text += f", {ratio_text(t.killed, t.previous)} in {t.year - 1} ({before})"
    return text + "."


def headline_markdown(r) -> str:
    """Page 1's opening: the data and its conventions, the total with its range, the trend, who and where."""
    h = r.headline()
    if h.has_upper_bound:
        highest = f"highest figure reported {h.killed_max:,}"
    else:
        with_figure = h.incidents_with_killings - h.incidents_without_figure
        missing = (
            f"none of the {with_figure:,} incidents with a figure gives an"
            if h.incidents_without_upper_bound == with_figure
            else f"{h.incidents_without_upper_bound:,} of the {with_figure:,} incidents with a figure give no"
        )
        highest = f"no maximum can be stated: {missing} upper bound"
    without_figure = (
        f", {h.incidents_without_figure:,} of which give{'s' if h.incidents_without_figure == 1 else ''} no figure"
        if h.incidents_without_figure
        else ""
    )
    armed = armed_actors(r)
    who = (
        f"They involve **{armed:,} armed forces and groups**" if armed else "They involve no named armed force or group"
    )
    paragraphs = [
        f"# {esc(r.title)}",
        datasets_line(r),
        f"Between **{date_text(h.first_date)}** and **{date_text(h.last_date)}**, the **{h.incidents:,}** incidents "
        f"recorded here killed **at least {h.killed_min:,} {victims_noun(r.dataset)}** (best estimate "
        f"**{h.killed_best:,}**; {highest}), "
        f"in {h.incidents_with_killings:,} incidents with killings{without_figure}. "
        f"{who} in **{h.regions:,} region{'s' if h.regions != 1 else ''}**."
        + (
            f" A further {h.period_totals:,} totals reported by NGOs for whole periods are shown in their own table and "
            "never added to these counts."
            if h.period_totals
            else ""
        ),
        trend_markdown(r),
    ]
    return "\n\n".join(p for p in paragraphs if p)


def what_changed_markdown(r) -> str:
    """The change against the previous span of the same length, only when the data covers it; what is not known."""
    h = r.headline()
    c = h.change
    lines = []
    if c is not None and c.previous_start is not None and c.comparable:
        span = f"{date_text(c.previous_start)} to {date_text(c.previous_end)}"
        lines.append(
            f"**Change against the previous period of the same length** ({span}): {esc(fmt_change(c.previous, c.current))} "
            f"civilians killed ({esc(r.estimate)} estimate)."
        )
    unknown = []
    if round(h.share_unknown_perpetrator, 2):
        unknown.append(
            f"{h.share_unknown_perpetrator:.0%} of the civilians killed (best estimate) were killed by a perpetrator "
            "the sources do not identify"
        )
    if round(h.share_unknown_region, 2):
        unknown.append(f"{h.share_unknown_region:.0%} were killed in a region the sources do not establish")
    if unknown:
        lines.append("**What is not known.** " + "; ".join(unknown) + ".")
    return "\n\n".join(lines)


def deadliest_episodes_markdown(r, n: int = 3) -> str:
    """Page 1's deadliest attacks, one sentence each: the days, the place, who, the civilians killed as coded
    (summed over the records of an episode) and the range the sources state in the notes. Records of one
    attack that a dataset split are one attack here (data/episode_rules.py)."""
    table = episode_table(r.dataset, r.selection)
    rows = table[table["count_best"].fillna(0) > 0].sort_values(
        ["count_best", "count_max", "start_date", "episode_id"], ascending=[False, False, True, True]
    )
    if rows.empty:
        return ""
    lines = [f"**The {min(n, len(rows))} deadliest attacks**" if n > 1 else "**The deadliest attack**"]
    for number, row in enumerate(rows.head(n).itertuples(index=False), start=1):
        lines.append(f"{number}. {_episode_sentence(row)}")
    return "\n".join(lines)


def _episode_sentence(row) -> str:
    start, end = row.start_date, row.end_date
    if pd.isna(end) or start == end:
        days = date_text(start)
    elif (start.year, start.month) == (end.year, end.month):
        days = f"{start.day}–{end.day} {end:%B %Y}"
    else:
        days = f"{date_text(start)} – {date_text(end)}"
    parts = [v for v in (row.location_name, row.admin1) if isinstance(v, str) and v]
    place = ", ".join(dict.fromkeys(parts)) or "place not established"
    killed = fmt_range(row.count_min, row.count_best, row.count_max)
    if not row.has_upper_bound and row.count_min == row.count_best:
        killed = f"at least {row.count_min:,.0f}"
    dataset = RECORD_NAMES.get(row.dataset, row.dataset)
    ids = row.record_ids.split("; ")
    if len(ids) > 1:
        recorded = f"coded in {len(ids):,} {dataset} records, {', '.join(ids[:-1])} and {ids[-1]}"
    else:
        recorded = f"{dataset} record {ids[0]}"
    reported = ""
    if pd.notna(row.reported_min) and pd.notna(row.reported_max):
        reported = f"; the sources put the toll between {int(row.reported_min):,} and {int(row.reported_max):,}"
    elif pd.notna(row.reported_min):
        reported = f"; the sources report at least {int(row.reported_min):,}"
    return (
        f"**{esc(days)}, {esc(place)}**: {esc(row.perpetrator_group)} killed **{esc(killed)} civilians** "
        f"({esc(recorded)}{esc(reported)})."
    )
