"""The comparison report's words: tables for reading, sentences and methodology, every data value escaped.

Dataset labels, actor, place and region names and incident ids come from imported data or parameters, so
whatever this module puts into Markdown passes through ``text.esc``; tables go through ``notebook.table``,
which escapes every cell.
"""

from __future__ import annotations

import pandas as pd

from ..measure.aggregate import ESTIMATE_COLUMN
from ..measure.compare import Comparison
from ..measure.coverage import is_whole_year
from ..measure.matching import COUNTS, NEAR_MISS_DAYS, PRECISE_LOCATIONS, Matches, actors_text
from .text import date_window_text, esc, fmt_range, percent, signed, span_text

NOT_COVERED = "not covered"
#: What each source's figures mean, keyed by the ``dataset`` column of its incidents.
DATASET_NOTES = {
    "curated": "Curated from news and NGO reports by hand: every figure is a range (lowest, best, highest) "
    "with the source's words; joint army and Wagner incidents are coded as one perpetrator group.",
    "acled": "ACLED's `fatalities` is the lowest figure reported, so it is the minimum and the best estimate and "
    "there is no upper bound; 0 can mean that no figure was reported. Deaths in battles are of unknown status, "
    "not civilians. Partner forces are coded as associated actors, so an army event with Wagner 'associated' "
    "counts under FAMa alone.",
    "ucdp": "UCDP GED counts events with at least one death and gives a best estimate with low and high "
    "alternatives; only deaths UCDP codes as civilian are counted here, and deaths in fighting between armed "
    "sides are of unknown status or combatants.",
}


def coverage_table(frame: pd.DataFrame) -> pd.DataFrame:
    """``coverage`` for reading."""
    out = frame.copy()
    for column in ("first_date", "last_date"):
        out[column] = out[column].map(lambda d: "–" if pd.isna(d) else f"{d:%d %b %Y}")
    return out.rename(
        columns={
            "source": "records from",
            "first_date": "first event",
            "last_date": "last event",
            "period_totals": "period totals (never counted)",
        }
    )


def side_by_side(table: pd.DataFrame) -> pd.DataFrame:
    """For reading: one row per group and year, each dataset's range and incidents, and the differences."""
    if table.empty:
        return pd.DataFrame()
    reference, estimate = table.attrs["reference"], table.attrs["estimate"]
    out = None
    for label in table.attrs["datasets"]:
        part = table[table["dataset"] == label].set_index(["actor", "year"])
        cells = pd.DataFrame(index=part.index)
        cells[label] = [_cell(r) for r in part.itertuples()]
        if label != reference:
            cells[f"{label} − {reference} ({estimate})"] = [_difference_text(r) for r in part.itertuples()]
        out = cells if out is None else out.join(cells)
    out = out.reset_index().rename(columns={"actor": "perpetrator group"})
    nothing = out.drop(columns=["perpetrator group", "year"]).isin(["–", "0", NOT_COVERED]).all(axis=1)
    return out[~nothing].reset_index(drop=True)


def _cell(r) -> str:
    if not r.covered:
        return NOT_COVERED
    if not r.incidents:
        return "–"
    if r.incidents == r.incidents_without_figure:
        text = "reported, no figure"
    else:
        text = fmt_range(r.count_min, r.count_best, r.count_max)
    return f"{text} ({r.incidents} {'incident' if r.incidents == 1 else 'incidents'})"


def _difference_text(r) -> str:
    if pd.isna(r.difference):
        return NOT_COVERED
    text = signed(r.difference) + ("" if pd.isna(r.relative_difference) else f" ({percent(r.relative_difference)})")
    if not is_whole_year(r.compared_from, r.compared_to):
        text += f"; {r.value:,} vs {r.reference_value:,}, {span_text(r.compared_from, r.compared_to)}"
    return text


def matching_rule(max_days: int, max_km: float) -> str:
    return (
        f"two events match when their date windows overlap or are at most {max_days} "
        f"{'day' if max_days == 1 else 'days'} apart, their places agree (within {max_km:g} km when both have "
        "coordinates of the place itself, otherwise the same region or the same pre-2016 region), and at least one "
        "perpetrator (primary, joint or associated, never the opposing side) is the same; each event is matched at "
        "most once, closest pairs first (fewest days apart, then nearest place, then most actors in common)"
    )


def _event_range(frame: pd.DataFrame, suffix: str = "") -> list[str]:
    return [
        "–" if pd.isna(low) else fmt_range(low, best, high)
        for low, best, high in zip(*(frame[f"{c}{suffix}"] for c in COUNTS), strict=True)
    ]


def matched_table(m: Matches, estimate: str = "best") -> pd.DataFrame:
    """For reading: each matched pair, both ids, dates, places and figures, and the difference."""
    p = m.pairs
    column = ESTIMATE_COLUMN[estimate].replace("count", "difference")
    out = pd.DataFrame(
        {
            f"{m.label_a}": p["incident_id_a"],
            f"{m.label_b}": p["incident_id_b"],
            "dates": [
                f"{date_window_text(s, e)} / {date_window_text(t, f)}"
                for s, e, t, f in zip(
                    p["start_date_a"], p["end_date_a"], p["start_date_b"], p["end_date_b"], strict=True
                )
            ],
            "place": [
                f"{_place(x, y)} / {_place(z, w)} ({how})"
                for x, y, z, w, how in zip(
                    p["location_name_a"], p["admin1_a"], p["location_name_b"], p["admin1_b"], p["place"], strict=True
                )
            ],
            "perpetrator in common": p["shared_actors"].map(", ".join),
            f"civilians killed, {m.label_a}": _event_range(p, "_a"),
            f"civilians killed, {m.label_b}": _event_range(p, "_b"),
            f"{m.label_b} − {m.label_a} ({estimate})": ["–" if pd.isna(d) else signed(d) for d in p[column]],
        }
    )
    return out


def unmatched_table(frame: pd.DataFrame) -> pd.DataFrame:
    """For reading: the events of one side with no counterpart, and their closest miss."""
    return pd.DataFrame(
        {
            "id": frame["incident_id"],
            "dates": [date_window_text(s, e) for s, e in zip(frame["start_date"], frame["end_date"], strict=True)],
            "place": [_place(x, y) for x, y in zip(frame["location_name"], frame["admin1"], strict=True)],
            "perpetrators": frame["actors"].map(actors_text),
            "civilians killed": _event_range(frame),
            "closest candidate and why it is not a match": frame["closest_miss"],
        }
    )


def _place(name, region) -> str:
    parts = [str(v) for v in (name, region) if isinstance(v, str) and v]
    return ", ".join(dict.fromkeys(parts)) or "place not established"


def difference_sentence(row, reference: str, estimate: str) -> str:
    """'acled records 6 more civilians killed by FAMa than curated in 2024: 19 against 13 (+46%, best estimates).'

    Markdown, with the dataset labels and the group's name escaped."""
    more = "more" if row.difference > 0 else "fewer"
    share = "" if pd.isna(row.relative_difference) else f"{percent(row.relative_difference)}, "
    when = (
        f"in {row.year}"
        if is_whole_year(row.compared_from, row.compared_to)
        else f"over {span_text(row.compared_from, row.compared_to)} (the part of {row.year} both cover)"
    )
    return (
        f"**{esc(row.dataset)}** records **{abs(int(row.difference)):,} {more}** civilians killed by "
        f"**{esc(row.actor)}** than {esc(reference)} {when}: {int(row.value):,} against "
        f"{int(row.reference_value):,} ({share}{esc(estimate)} estimates)."
    )


def event_sentence(row, reference: str, estimate: str) -> str:
    """One matched pair whose figures differ, as a Markdown sentence (names escaped)."""
    difference = int(row[ESTIMATE_COLUMN[estimate].replace("count", "difference")])
    column = ESTIMATE_COLUMN[estimate]
    place = _place(row["location_name_a"], row["admin1_a"])
    return (
        f"{date_window_text(row['start_date_a'], row['end_date_a'])}, {esc(place)}: "
        f"**{esc(row['dataset'])}** ({esc(row['incident_id_b'])}) records {int(row[f'{column}_b']):,} civilians "
        f"killed, {esc(reference)} ({esc(row['incident_id_a'])}) {int(row[f'{column}_a']):,}: {signed(difference)}."
    )


def methodology_markdown(c: Comparison) -> str:
    """How the comparison was made, with what each dataset's figures mean and counts from the data."""
    sources = dict.fromkeys(s for ds in c.datasets.values() for s in ds.incidents["dataset"].dropna().unique())
    notes = [f"**{esc(s)}**: {DATASET_NOTES[s]}" for s in sources if s in DATASET_NOTES]
    unknown = c.unknown_status_deaths()
    unknown_text = "; ".join(
        f"{esc(r.dataset)}: {r.killed:,} in {r.events} {'event' if r.events == 1 else 'events'}"
        for r in unknown.itertuples()
    )
    text = [
        "**What is counted.** Civilians killed (victim status `civilian`, all victims), in events only: totals "
        "reported for whole periods are never counted. Every dataset is counted by the same function as the main "
        "report, each incident once under its perpetrator group (the primary actor and those acting jointly with it); "
        "associated actors and the opposing side of a battle do not change the group.",
        "**Sources compared.** " + (" ".join(notes) if notes else "No notes for these sources."),
        f"**Deaths of unknown status** (mostly battle deaths) are not counted as civilians: {unknown_text}.",
        "**Periods.** A dataset covers the years between its first and last event; other years are shown as "
        "“not covered”, never as zero. Each difference is like for like: both datasets are counted over the part "
        "of the year that both cover. An event counts in the year and window of its first possible day.",
        f"**Matching events.** Between the reference ({esc(c.reference)}) and each other dataset, "
        f"{matching_rule(c.max_days, c.max_km)}. Coordinates are used only when they place the event itself "
        f"({', '.join(PRECISE_LOCATIONS)} precision); events with no region and no such coordinates are never matched. "
        f"For an event left unmatched, the closest candidate within {NEAR_MISS_DAYS} days that fails a single test "
        "is named with the test it fails.",
        f"**Ranges.** Figures are shown as best (min–max); differences are of the **{esc(c.estimate)}** estimate.",
    ]
    return "\n\n".join(text)
