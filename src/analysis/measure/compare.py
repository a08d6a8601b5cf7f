"""Two or more datasets side by side: civilians killed by actor group and year, and events matched across them.

Rules it keeps (see the comparison notebook's methodology):
- every count comes from ``aggregate.aggregate`` with attribution ``group`` (each incident once, under its
  perpetrator group), so a dataset is counted exactly as in its own report; period totals are never counted;
- a dataset covers the years between its first and last event; a year outside that span is "not covered",
  never a zero, and differences are only computed where both datasets cover the year;
- events are matched one to one, closest first, when their date windows overlap within ``max_days``, their
  places agree (within ``max_km`` when both have precise coordinates, else the same region or the same
  pre-2016 region) and at least one perpetrator (primary, joint or associated; never an opponent) is shared.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from html import escape
from pathlib import Path

import numpy as np
import pandas as pd

from .. import config
from ..data.dataset import Dataset, load_dataset
from ..data.reference import pre_2016_region
from ..report.text import fmt_range
from .aggregate import (
    ESTIMATE_COLUMN,
    ESTIMATES,
    GROUP_SEPARATOR,
    InvalidParameter,
    Selection,
    aggregate,
    incident_facts,
    incident_figures,
    period_labels,
    selection_from_parameters,
)

NOT_COVERED = "not covered"
#: No filter: every event of every dataset.
EVERYTHING = Selection()
#: Coordinates are used for matching only when they place the event itself, not a region's centre.
PRECISE_LOCATIONS = ("exact", "near")
#: How far beyond the tolerances an unmatched event's closest candidate is still reported as a near miss.
NEAR_MISS_DAYS = 30
EARTH_RADIUS_KM = 6371.0
COUNTS = ["count_min", "count_best", "count_max"]
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


# --- coverage -----------------------------------------------------------------------------------------------


def coverage(datasets: Mapping[str, Dataset]) -> pd.DataFrame:
    """Per dataset: where its records come from, its first and last event, and how many events and totals it has."""
    rows = []
    for label, ds in datasets.items():
        inc = ds.incidents
        events = inc[inc["record_type"] == "event"]
        rows.append(
            {
                "dataset": label,
                "source": ", ".join(sorted(inc["dataset"].dropna().unique())),
                "first_date": events["start_date"].min() if len(events) else pd.NaT,
                "last_date": events["end_date"].max() if len(events) else pd.NaT,
                "events": len(events),
                "period_totals": int((inc["record_type"] == "period_total").sum()),
            }
        )
    return pd.DataFrame(rows, columns=["dataset", "source", "first_date", "last_date", "events", "period_totals"])


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


def covered_years(first: pd.Timestamp, last: pd.Timestamp, selection: Selection) -> dict[int, bool]:
    """The years a dataset covers inside the selected dates, each with whether the whole year is covered."""
    if pd.isna(first) or pd.isna(last):
        return {}
    start = max(first, selection.start) if selection.start is not None else first
    end = min(last, selection.end) if selection.end is not None else last
    years = {}
    for year in range(start.year, end.year + 1):
        year_start = pd.Timestamp(year, 1, 1)
        year_end = pd.Timestamp(year, 12, 31)
        wanted_start = max(year_start, selection.start) if selection.start is not None else year_start
        wanted_end = min(year_end, selection.end) if selection.end is not None else year_end
        years[year] = first <= wanted_start and last >= wanted_end
    return years


# --- civilians killed by actor group and year ----------------------------------------------------------------


def killed_by_actor_year(
    datasets: Mapping[str, Dataset],
    selection: Selection = EVERYTHING,
    *,
    reference: str | None = None,
    estimate: str = "best",
) -> pd.DataFrame:
    """Civilians killed (min/best/max) and incidents by perpetrator group and year, one row per dataset.

    Long format: dataset, actor, year, covered (the year overlaps the dataset's span), whole_year, count_min,
    count_best, count_max, incidents, incidents_without_figure and incident_ids; counts are missing where the
    dataset does not cover the year. For every dataset but the reference, the difference is like for like:
    both are counted over the part of the year that both cover (compared_from, compared_to), giving value,
    reference_value, difference (value minus reference_value, of the ``estimate``) and relative_difference
    (as a share of reference_value; missing when that is 0). Where they share no dates these are missing.
    """
    if not datasets:
        raise InvalidParameter("no datasets to compare")
    reference = reference or next(iter(datasets))
    if reference not in datasets:
        raise InvalidParameter(f"reference {reference!r} is not one of the datasets: {', '.join(datasets)}")
    if estimate not in ESTIMATES:
        raise InvalidParameter(f"estimate {estimate!r} is not one of: {', '.join(ESTIMATES)}")
    column = ESTIMATE_COLUMN[estimate]
    yearly = dataclasses.replace(selection, period="year", attribution="group")
    order = _actor_order(datasets, reference)
    spans = coverage(datasets).set_index("dataset")
    counted = {label: _yearly(ds, yearly, order) for label, ds in datasets.items()}
    covered = {
        label: covered_years(spans.at[label, "first_date"], spans.at[label, "last_date"], yearly) for label in datasets
    }
    common = {}  # label -> (its counts, the reference's counts, first and last day both cover)
    for label, ds in datasets.items():
        if label == reference:
            continue
        first = max(
            d for d in (spans.at[label, "first_date"], spans.at[reference, "first_date"], yearly.start) if d is not None
        )
        last = min(
            d for d in (spans.at[label, "last_date"], spans.at[reference, "last_date"], yearly.end) if d is not None
        )
        if pd.notna(first) and pd.notna(last) and first <= last:
            clipped = dataclasses.replace(yearly, start=first, end=last)
            common[label] = (_yearly(ds, clipped, order), _yearly(datasets[reference], clipped, order), first, last)
    years = sorted({y for years in covered.values() for y in years})
    actors = list(dict.fromkeys(a for counts in counted.values() for a in counts.index.get_level_values("actor")))
    rows = []
    for label in datasets:
        for actor in actors:
            for year in years:
                row = {"dataset": label, "actor": actor, "year": year, "covered": year in covered[label]}
                row["whole_year"] = covered[label].get(year, False)
                if row["covered"]:
                    row.update(_cell_counts(counted[label], actor, year))
                if label in common:
                    mine, theirs, first, last = common[label]
                    if first.year <= year <= last.year:
                        row["compared_from"] = max(first, pd.Timestamp(year, 1, 1))
                        row["compared_to"] = min(last, pd.Timestamp(year, 12, 31))
                        row["value"] = _cell_counts(mine, actor, year)[column]
                        row["reference_value"] = _cell_counts(theirs, actor, year)[column]
                rows.append(row)
    counts = [*COUNTS, "incidents", "incidents_without_figure"]
    columns = ["dataset", "actor", "year", "covered", "whole_year", *counts, "incident_ids"]
    columns += ["compared_from", "compared_to", "value", "reference_value"]
    table = pd.DataFrame(rows, columns=columns)
    for name in [*counts, "value", "reference_value"]:
        table[name] = table[name].astype("Int64")
    for name in ("compared_from", "compared_to"):
        table[name] = pd.to_datetime(table[name])
    table["difference"] = table["value"] - table["reference_value"]
    relative = table["difference"].astype("Float64") / table["reference_value"].astype("Float64")
    table["relative_difference"] = relative.where(table["reference_value"] > 0)
    table.attrs.update(reference=reference, estimate=estimate, datasets=list(datasets))
    return table


def _yearly(ds: Dataset, selection: Selection, order: dict[str, int]) -> pd.DataFrame:
    """aggregate() by group and year, with group names in one order and the ids of the events behind each row."""
    counts = aggregate(ds, ("actor", "period"), selection, fill=False)
    counts["actor"] = counts["actor"].map(lambda g: _group_label(g, order))
    counts["year"] = counts["period"].astype(int)
    ids = _incident_ids(ds, selection)
    ids["actor"] = ids["actor"].map(lambda g: _group_label(g, order))
    return counts.merge(ids, on=["actor", "year"], how="left").set_index(["actor", "year"])


def _cell_counts(counts: pd.DataFrame, actor: str, year: int) -> dict:
    if (actor, year) not in counts.index:
        return {c: 0 for c in [*COUNTS, "incidents", "incidents_without_figure"]} | {"incident_ids": ()}
    found = counts.loc[(actor, year)]
    out = {c: int(found[c]) for c in [*COUNTS, "incidents", "incidents_without_figure"]}
    return out | {"incident_ids": tuple(found["incident_ids"])}


def _actor_order(datasets: Mapping[str, Dataset], reference: str) -> dict[str, int]:
    """One actor order for every dataset (the reference's table first), so that groups read the same."""
    names = list(datasets[reference].actors["actor"])
    for ds in datasets.values():
        names += [a for a in ds.actors["actor"] if a not in names]
    return {a: i for i, a in enumerate(names)}


def _group_label(group: str, order: dict[str, int]) -> str:
    parts = group.split(GROUP_SEPARATOR)
    return GROUP_SEPARATOR.join(sorted(parts, key=lambda a: order.get(a, len(order))))


def _incident_ids(ds: Dataset, selection: Selection) -> pd.DataFrame:
    """The events behind each group-year count: the same rows ``aggregate`` sums, with their ids."""
    facts = incident_facts(ds, selection)
    rows = facts.merge(incident_figures(ds)[["incident_id"]], on="incident_id")
    rows["year"] = period_labels(rows["start_date"], "year").astype(int) if len(rows) else pd.Series(dtype=int)
    rows["actor"] = rows["perpetrator_group"]
    ids = rows.groupby(["actor", "year"])["incident_id"].agg(lambda s: tuple(sorted(set(s))))
    return ids.rename("incident_ids").reset_index()


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


def is_whole_year(first: pd.Timestamp, last: pd.Timestamp) -> bool:
    return (first.month, first.day, last.month, last.day) == (1, 1, 12, 31)


def span_text(first: pd.Timestamp, last: pd.Timestamp) -> str:
    """'15 Mar – 10 Aug 2024'; the year is given once when both days fall in it."""
    if first.year == last.year:
        return f"{first:%d %b} – {last:%d %b %Y}"
    return f"{first:%d %b %Y} – {last:%d %b %Y}"


def signed(value: int) -> str:
    """'+5', '−5' (a true minus sign) or '0'."""
    return f"{int(value):+,}".replace("-", "−") if value else "0"


def percent(share: float) -> str:
    return f"{share:+.0%}".replace("-", "−") if round(share, 2) else "0%"


# --- matching events -----------------------------------------------------------------------------------------


@dataclass
class Matches:
    """Events of two datasets paired one to one, and those of each side left unmatched (with the closest miss)."""

    label_a: str
    label_b: str
    pairs: pd.DataFrame
    unmatched_a: pd.DataFrame
    unmatched_b: pd.DataFrame
    max_days: int
    max_km: float

    def rule(self) -> str:
        return matching_rule(self.max_days, self.max_km)

    @property
    def events_a(self) -> int:
        return len(self.pairs) + len(self.unmatched_a)

    @property
    def events_b(self) -> int:
        return len(self.pairs) + len(self.unmatched_b)


def matching_rule(max_days: int, max_km: float) -> str:
    return (
        f"two events match when their date windows overlap or are at most {max_days} "
        f"{'day' if max_days == 1 else 'days'} apart, their places agree (within {max_km:g} km when both have "
        "coordinates of the place itself, otherwise the same region or the same pre-2016 region), and at least one "
        "perpetrator (primary, joint or associated, never the opposing side) is the same; each event is matched at "
        "most once, closest pairs first (fewest days apart, then nearest place, then most actors in common)"
    )


def match_events(
    a: Dataset,
    b: Dataset,
    selection: Selection = EVERYTHING,
    *,
    max_days: int = 2,
    max_km: float = 25.0,
    labels: tuple[str, str] | None = None,
) -> Matches:
    """Pair events of ``a`` and ``b`` (see ``matching_rule``); figures are civilians killed, min/best/max."""
    if max_days < 0 or max_km <= 0:
        raise InvalidParameter(f"max_days ({max_days}) must be 0 or more and max_km ({max_km}) more than 0")
    label_a, label_b = labels or (_dataset_name(a, "a"), _dataset_name(b, "b"))
    ea, eb = _match_facts(a, selection), _match_facts(b, selection)
    parents = {**pre_2016_region(b.regions), **pre_2016_region(a.regions)}
    candidates = _candidates(ea, eb, max_days + NEAR_MISS_DAYS)
    candidates = _judge(candidates, ea, eb, parents, max_days, max_km, (label_a, label_b))
    good = candidates[candidates["failures"] == 0].sort_values(
        ["days_apart", "place_rank", "km_sort", "shared", "start_gap", "ia", "ib"],
        ascending=[True, True, True, False, True, True, True],
    )
    taken_a, taken_b, chosen = set(), set(), []
    for row in good.itertuples():
        if row.ia not in taken_a and row.ib not in taken_b:
            taken_a.add(row.ia)
            taken_b.add(row.ib)
            chosen.append(row.Index)
    pairs = _pairs_table(candidates.loc[chosen], ea, eb)
    unmatched_a = _unmatched(ea, eb, candidates, taken_a, taken_b, "ia", "ib", label_b)
    unmatched_b = _unmatched(eb, ea, candidates, taken_b, taken_a, "ib", "ia", label_a)
    return Matches(label_a, label_b, pairs, unmatched_a, unmatched_b, max_days, max_km)


def _dataset_name(ds: Dataset, fallback: str) -> str:
    names = ds.incidents["dataset"].dropna().unique()
    return names[0] if len(names) == 1 else fallback


def _match_facts(ds: Dataset, selection: Selection) -> pd.DataFrame:
    """One row per selected event: window, place, perpetrators and civilians killed (missing: not reported)."""
    facts = incident_facts(ds, selection)
    figures = incident_figures(ds).set_index("incident_id")
    other = pd.concat([incident_figures(ds, victim_status=s) for s in ("unknown", "combatant")])
    out = facts[["incident_id", "start_date", "end_date", "date_precision", "admin1", "location_name"]].copy()
    out["actors"] = facts["actors_involved"]
    precise = facts["location_precision"].isin(PRECISE_LOCATIONS)
    out["latitude"] = pd.to_numeric(facts["latitude"], errors="coerce").where(precise).astype(float)
    out["longitude"] = pd.to_numeric(facts["longitude"], errors="coerce").where(precise).astype(float)
    for column in COUNTS:
        out[column] = out["incident_id"].map(figures[column]).astype("Int64")
    out["has_figure"] = out["incident_id"].map(figures["has_figure"]).fillna(False).astype(bool)
    out["other_killed"] = out["incident_id"].map(other.groupby("incident_id")["count_best"].sum()).astype("Int64")
    return out.reset_index(drop=True)


def _months(start: pd.Series, end: pd.Series, days: int) -> pd.DataFrame:
    """Each row repeated once per calendar month its window (widened by ``days``) touches."""
    first = (start - pd.Timedelta(days=days)).dt.to_period("M").astype("int64")
    last = (end + pd.Timedelta(days=days)).dt.to_period("M").astype("int64")
    counts = (last - first + 1).to_numpy()
    rows = np.repeat(np.arange(len(start)), counts)
    offsets = np.arange(len(rows)) - np.repeat(np.cumsum(counts) - counts, counts)
    return pd.DataFrame({"row": rows, "month": np.repeat(first.to_numpy(), counts) + offsets})


def _candidates(ea: pd.DataFrame, eb: pd.DataFrame, days: int) -> pd.DataFrame:
    """Pairs whose windows are at most ``days`` apart (blocked by month so that large exports stay fast)."""
    if ea.empty or eb.empty:
        return pd.DataFrame({"ia": pd.Series(dtype=int), "ib": pd.Series(dtype=int)})
    ka = _months(ea["start_date"], ea["end_date"], days).rename(columns={"row": "ia"})
    kb = _months(eb["start_date"], eb["end_date"], 0).rename(columns={"row": "ib"})
    pairs = ka.merge(kb, on="month")[["ia", "ib"]].drop_duplicates().reset_index(drop=True)
    gap = _days_apart(ea, eb, pairs)
    return pairs[gap <= days].reset_index(drop=True)


def _days_apart(ea, eb, pairs) -> np.ndarray:
    sa, ea_end = ea["start_date"].to_numpy()[pairs["ia"]], ea["end_date"].to_numpy()[pairs["ia"]]
    sb, eb_end = eb["start_date"].to_numpy()[pairs["ib"]], eb["end_date"].to_numpy()[pairs["ib"]]
    gap = np.maximum(sb - ea_end, sa - eb_end) / np.timedelta64(1, "D")
    return np.maximum(gap, 0).astype(int)


def _judge(pairs, ea, eb, parents, max_days, max_km, labels) -> pd.DataFrame:
    """Each candidate pair's distance in days and km, whether place and actors agree, and why not."""
    out = pairs.copy()
    la, lb = labels
    ia, ib = out["ia"].to_numpy(), out["ib"].to_numpy()
    out["days_apart"] = _days_apart(ea, eb, out) if len(out) else pd.Series(dtype=int)
    out["start_gap"] = np.abs(
        (ea["start_date"].to_numpy()[ia] - eb["start_date"].to_numpy()[ib]) / np.timedelta64(1, "D")
    )
    km = _haversine(
        ea["latitude"].to_numpy()[ia],
        ea["longitude"].to_numpy()[ia],
        eb["latitude"].to_numpy()[ib],
        eb["longitude"].to_numpy()[ib],
    )
    region_a, region_b = ea["admin1"].to_numpy()[ia], eb["admin1"].to_numpy()[ib]
    parent_a = np.array([parents.get(r, r) if isinstance(r, str) else None for r in region_a], dtype=object)
    parent_b = np.array([parents.get(r, r) if isinstance(r, str) else None for r in region_b], dtype=object)
    has_km = ~np.isnan(km)
    known = pd.notna(region_a) & pd.notna(region_b)
    same = known & (region_a == region_b)
    same_parent = known & (parent_a == parent_b)
    out["km"] = km
    out["km_sort"] = np.where(has_km, km, max_km)
    out["place_rank"] = np.select([has_km & (km <= max_km), ~has_km & same, ~has_km & same_parent], [0, 1, 2], 3)
    out["place"] = np.select(
        [has_km, same, same_parent], [[f"{k:.0f} km apart" for k in km], "same region", "same pre-2016 region"], ""
    )
    place_miss = np.select(
        [has_km, known],
        [
            [f"{k:.0f} km apart (tolerance {max_km:g} km)" for k in km],
            [f"different regions ({la}: {x}; {lb}: {y})" for x, y in zip(region_a, region_b, strict=True)],
        ],
        "place not established",
    )
    actors_a, actors_b = ea["actors"].to_numpy()[ia], eb["actors"].to_numpy()[ib]
    shared = [tuple(x for x in p if x in set(q)) for p, q in zip(actors_a, actors_b, strict=True)]
    out["shared_actors"] = shared
    out["shared"] = [len(s) for s in shared]
    date_ok = out["days_apart"].to_numpy() <= max_days
    place_ok = out["place_rank"].to_numpy() < 3
    actor_ok = out["shared"].to_numpy() > 0
    out["failures"] = (~date_ok).astype(int) + (~place_ok).astype(int) + (~actor_ok).astype(int)
    out["miss"] = np.select(
        [~date_ok, ~place_ok, ~actor_ok],
        [
            [f"{d} days apart (tolerance {max_days})" for d in out["days_apart"]],
            place_miss,
            [
                f"no perpetrator in common ({la}: {_actors_text(x)}; {lb}: {_actors_text(y)})"
                for x, y in zip(actors_a, actors_b, strict=True)
            ],
        ],
        "",
    )
    return out


def _haversine(lat1, lon1, lat2, lon2) -> np.ndarray:
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(v, dtype=float)) for v in (lat1, lon1, lat2, lon2))
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h))


def _actors_text(actors) -> str:
    return ", ".join(actors) if len(actors) else "none named"


def _pairs_table(chosen: pd.DataFrame, ea: pd.DataFrame, eb: pd.DataFrame) -> pd.DataFrame:
    a = ea.iloc[chosen["ia"]].reset_index(drop=True).add_suffix("_a")
    b = eb.iloc[chosen["ib"]].reset_index(drop=True).add_suffix("_b")
    rule = chosen[["days_apart", "place", "shared_actors"]].reset_index(drop=True)
    pairs = pd.concat([a, b, rule], axis=1)
    for column in COUNTS:
        pairs[column.replace("count", "difference")] = (pairs[f"{column}_b"] - pairs[f"{column}_a"]).astype("Int64")
    columns = ["incident_id", "start_date", "end_date", "admin1", "location_name", "actors", *COUNTS, "has_figure"]
    columns += ["other_killed"]
    ordered = [f"{c}_{side}" for side in "ab" for c in columns]
    ordered += ["days_apart", "place", "shared_actors", "difference_min", "difference_best", "difference_max"]
    return pairs[ordered].sort_values(["start_date_a", "incident_id_a"]).reset_index(drop=True)


def _unmatched(mine, theirs, candidates, taken_mine, taken_theirs, my_key, their_key, their_label) -> pd.DataFrame:
    """Events of one side not matched, each with its closest candidate on the other side and why it is not a match."""
    left = mine[~mine.index.isin(list(taken_mine))].copy()
    near = candidates[candidates["failures"] <= 1].copy()
    near["taken"] = (near["failures"] == 0) & near[their_key].isin(list(taken_theirs))
    near = near.sort_values(["failures", "days_apart", "place_rank", "km_sort", "start_gap", their_key])
    best = near.drop_duplicates(my_key).set_index(my_key)
    ids = theirs["incident_id"].to_numpy()
    reasons = {}
    for row, found in best.iterrows():
        other = ids[found[their_key]]
        why = "already matched to a closer event" if found["taken"] else found["miss"]
        reasons[row] = f"{their_label} {other}: {why}"
    nothing = f"no {their_label} event within {NEAR_MISS_DAYS} days"
    left["closest_miss"] = [reasons.get(i, nothing) for i in left.index]
    return left.sort_values(["start_date", "incident_id"]).reset_index(drop=True)


def date_window_text(start: pd.Timestamp, end: pd.Timestamp) -> str:
    return f"{start:%d %b %Y}" if start == end else f"{start:%d %b %Y} – {end:%d %b %Y}"


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
            "perpetrators": frame["actors"].map(_actors_text),
            "civilians killed": _event_range(frame),
            "closest candidate and why it is not a match": frame["closest_miss"],
        }
    )


def _place(name, region) -> str:
    parts = [str(v) for v in (name, region) if isinstance(v, str) and v]
    return ", ".join(dict.fromkeys(parts)) or "place not established"


# --- the biggest differences, as data for the narrative -------------------------------------------------------


@dataclass
class Differences:
    reference: str
    estimate: str
    totals: pd.DataFrame  # per dataset: its total and the reference's over the dates both cover
    by_actor_year: pd.DataFrame  # like-for-like differences by group and year, largest first
    by_event: pd.DataFrame  # matched pairs, largest differences first, with the dataset compared


def biggest_differences(table: pd.DataFrame, matches: list[Matches], n: int = 5) -> Differences:
    """The largest differences by group and year (over the dates both datasets cover) and by matched event."""
    reference, estimate = table.attrs["reference"], table.attrs["estimate"]
    compared = table[(table["dataset"] != reference) & table["difference"].notna()]
    totals = []
    for label in table.attrs["datasets"]:
        mine = compared[compared["dataset"] == label]
        if label == reference or mine.empty:
            continue
        totals.append(
            {
                "dataset": label,
                "compared_from": mine["compared_from"].min(),
                "compared_to": mine["compared_to"].max(),
                "value": int(mine["value"].sum()),
                "reference_value": int(mine["reference_value"].sum()),
            }
        )
    totals = pd.DataFrame(totals, columns=["dataset", "compared_from", "compared_to", "value", "reference_value"])
    totals["difference"] = totals["value"] - totals["reference_value"]
    biggest = compared[compared["difference"] != 0].assign(size=lambda f: f["difference"].abs())
    biggest = biggest.sort_values(["size", "dataset", "actor", "year"], ascending=[False, True, True, True]).head(n)
    difference = ESTIMATE_COLUMN[estimate].replace("count", "difference")
    events = []
    for m in matches:
        p = m.pairs[m.pairs[difference].notna() & (m.pairs[difference] != 0)].copy()
        p.insert(0, "dataset", m.label_b)
        events.append(p.assign(size=p[difference].abs()))
    by_event = pd.concat(events, ignore_index=True) if events else pd.DataFrame(columns=["size", "incident_id_a"])
    by_event = by_event.sort_values(["size", "incident_id_a"], ascending=[False, True]).head(n)
    return Differences(reference, estimate, totals, biggest.reset_index(drop=True), by_event.reset_index(drop=True))


def difference_sentence(row, reference: str, estimate: str) -> str:
    """'acled records 6 more civilians killed by FAMa than curated in 2024: 19 against 13 (+46%, best estimates).'"""
    more = "more" if row.difference > 0 else "fewer"
    share = "" if pd.isna(row.relative_difference) else f"{percent(row.relative_difference)}, "
    when = (
        f"in {row.year}"
        if is_whole_year(row.compared_from, row.compared_to)
        else f"over {span_text(row.compared_from, row.compared_to)} (the part of {row.year} both cover)"
    )
    return (
        f"**{row.dataset}** records **{abs(int(row.difference)):,} {more}** civilians killed by **{row.actor}** "
        f"than {reference} {when}: {int(row.value):,} against {int(row.reference_value):,} "
        f"({share}{estimate} estimates)."
    )


def event_sentence(row, reference: str, estimate: str) -> str:
    """One matched pair whose figures differ, as a sentence."""
    difference = int(row[ESTIMATE_COLUMN[estimate].replace("count", "difference")])
    column = ESTIMATE_COLUMN[estimate]
    return (
        f"{date_window_text(row['start_date_a'], row['end_date_a'])}, {_place(row['location_name_a'], row['admin1_a'])}: "
        f"**{row['dataset']}** ({row['incident_id_b']}) records {int(row[f'{column}_b']):,} civilians killed, "
        f"{reference} ({row['incident_id_a']}) {int(row[f'{column}_a']):,}: {signed(difference)}."
    )


# --- what the notebook opens ------------------------------------------------------------------------------------


@dataclass
class Comparison:
    datasets: dict[str, Dataset]
    reference: str
    selection: Selection
    estimate: str
    max_days: int
    max_km: float
    title: str

    @property
    def others(self) -> list[str]:
        return [label for label in self.datasets if label != self.reference]

    @property
    def comparable(self) -> bool:
        return len(self.datasets) > 1

    def coverage(self) -> pd.DataFrame:
        return coverage(self.datasets)

    @cached_property
    def table(self) -> pd.DataFrame:
        return killed_by_actor_year(self.datasets, self.selection, reference=self.reference, estimate=self.estimate)

    @cached_property
    def matches(self) -> list[Matches]:
        ref = self.datasets[self.reference]
        return [
            match_events(
                ref,
                self.datasets[label],
                self.selection,
                max_days=self.max_days,
                max_km=self.max_km,
                labels=(self.reference, label),
            )
            for label in self.others
        ]

    @cached_property
    def differences(self) -> Differences:
        return biggest_differences(self.table, self.matches)

    def unknown_status_deaths(self) -> pd.DataFrame:
        """Per dataset: selected events whose dead are of unknown status (battles), and how many dead."""
        rows = []
        for label, ds in self.datasets.items():
            facts = incident_facts(ds, self.selection)
            unknown = incident_figures(ds, victim_status="unknown")
            unknown = unknown[unknown["incident_id"].isin(facts["incident_id"])]
            rows.append({"dataset": label, "events": len(unknown), "killed": int(unknown["count_best"].sum())})
        return pd.DataFrame(rows, columns=["dataset", "events", "killed"])


def open_comparison(
    data_dirs: Mapping[str, str] | None = None,
    reference: str = "",
    start_date: str = "",
    end_date: str = "",
    actors: list | tuple = (),
    regions: list | tuple = (),
    estimate: str = "best",
    max_days: int = 2,
    max_km: float = 25.0,
    title: str = "",
) -> Comparison:
    """Load and validate every data directory and check every parameter; an empty path is the embedded data/."""
    if not data_dirs:
        data_dirs = {"curated": ""}
    if not isinstance(data_dirs, Mapping):
        raise InvalidParameter(
            f"data_dirs must map a label to a data directory, e.g. {{curated: data}}; got {data_dirs!r}"
        )
    datasets = {str(label): load_dataset(Path(path) if path else config.DATA_DIR) for label, path in data_dirs.items()}
    reference = reference or next(iter(datasets))
    if reference not in datasets:
        raise InvalidParameter(f"reference {reference!r} is not one of the datasets: {', '.join(datasets)}")
    try:
        max_days, max_km = int(max_days), float(max_km)
    except (TypeError, ValueError):
        raise InvalidParameter(f"max_days ({max_days!r}) and max_km ({max_km!r}) must be numbers") from None
    if max_days < 0 or max_km <= 0:
        raise InvalidParameter(f"max_days ({max_days}) must be 0 or more and max_km ({max_km}) more than 0")
    parameters = {"start_date": start_date, "end_date": end_date, "actors": actors, "regions": regions}
    selection = selection_from_parameters(datasets[reference], {**parameters, "estimate": estimate})
    title = title or "Datasets compared: " + " vs ".join(datasets)
    return Comparison(datasets, reference, selection, estimate, max_days, max_km, title)


def methodology_markdown(c: Comparison) -> str:
    """How the comparison was made, with what each dataset's figures mean and counts from the data."""
    sources = dict.fromkeys(s for ds in c.datasets.values() for s in ds.incidents["dataset"].dropna().unique())
    notes = [f"**{escape(str(s))}**: {DATASET_NOTES[s]}" for s in sources if s in DATASET_NOTES]
    unknown = c.unknown_status_deaths()
    unknown_text = "; ".join(
        f"{escape(str(r.dataset))}: {r.killed:,} in {r.events} {'event' if r.events == 1 else 'events'}"
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
        f"**Matching events.** Between the reference ({escape(str(c.reference))}) and each other dataset, "
        f"{matching_rule(c.max_days, c.max_km)}. Coordinates are used only when they place the event itself "
        f"({', '.join(PRECISE_LOCATIONS)} precision); events with no region and no such coordinates are never matched. "
        f"For an event left unmatched, the closest candidate within {NEAR_MISS_DAYS} days that fails a single test "
        "is named with the test it fails.",
        f"**Ranges.** Figures are shown as best (min–max); differences are of the **{escape(str(c.estimate))}** estimate.",
    ]
    return "\n\n".join(text)
