"""Two or more datasets side by side: civilians killed by perpetrator group and year, like for like.

Rules it keeps (see the comparison notebook's methodology, ``report.comparison``):
- every count comes from ``aggregate.aggregate`` with attribution ``group`` (each incident once, under its
  perpetrator group), so a dataset is counted exactly as in its own report; period totals are never counted;
- a year outside a dataset's span (``coverage``) is "not covered", never a zero, and differences are only
  computed where both datasets cover the year, over the dates both cover;
- events are matched across datasets by ``matching.match_events`` (episodes as one unit); ``headline``,
  ``by_year``, ``by_family``, ``largest_differences``, ``deadliest_unmatched`` and ``merged_incidents`` read
  its pairs and unmatched units, so that every figure of the comparison comes from the same matches.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from .. import config
from ..data.dataset import Dataset
from .aggregate import ESTIMATE_COLUMN, GROUP_SEPARATOR, aggregate, incident_facts, incident_figures, period_labels
from .coverage import EVERYTHING, coverage, covered_years
from .matching import COUNTS, Matches, match_events
from .parameters import open_data_dir
from .selection import ESTIMATES, InvalidParameter, Selection, check_parameters


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


# --- what the matches say -----------------------------------------------------------------------------------------

#: How many matched pairs and one-sided events the PDF lists (all of them go to matches.html and tables/).
PDF_ROWS = 25


def _side_units(m: Matches, side: str) -> pd.DataFrame:
    """One side's units, each with whether it is matched."""
    units = m.units_a if side == "a" else m.units_b
    matched = set(m.pairs[f"incident_id_{side}"])
    return units.assign(matched=units["incident_id"].isin(matched))


def headline(m: Matches) -> pd.DataFrame:
    """Per dataset: events (units: an episode counts once), records, civilians killed (min/best/max) and how
    much of it is matched in the other dataset (units and civilians killed, best estimates)."""
    rows = []
    for side, label in (("a", m.label_a), ("b", m.label_b)):
        u = _side_units(m, side)
        killed = u["count_best"].fillna(0)
        rows.append(
            {
                "dataset": label,
                "events": len(u),
                "records": int(u["records"].sum()),
                "count_min": int(u["count_min"].fillna(0).sum()),
                "count_best": int(killed.sum()),
                "count_max": int(u["count_max"].fillna(0).sum()),
                "matched_events": int(u["matched"].sum()),
                "matched_share": u["matched"].mean() if len(u) else float("nan"),
                "killed_in_matched": int(killed[u["matched"]].sum()),
                "killed_matched_share": killed[u["matched"]].sum() / killed.sum() if killed.sum() else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def by_year(m: Matches) -> pd.DataFrame:
    """Per year of the first day and dataset: events, civilians killed (best) and the part matched in the other."""
    parts = []
    for side, label in (("a", m.label_a), ("b", m.label_b)):
        u = _side_units(m, side)
        killed = u["count_best"].fillna(0).astype(int)
        parts.append(
            pd.DataFrame(
                {
                    "dataset": label,
                    "year": u["start_date"].dt.year,
                    "events": 1,
                    "matched_events": u["matched"].astype(int),
                    "killed": killed,
                    "killed_in_matched": killed.where(u["matched"], 0),
                }
            )
        )
    rows = pd.concat(parts, ignore_index=True)
    table = rows.groupby(["dataset", "year"], sort=False).sum().reset_index()
    return table.sort_values(["year", "dataset"], key=_dataset_order(m)).reset_index(drop=True)


def _dataset_order(m: Matches):
    order = {m.label_a: 0, m.label_b: 1}
    return lambda column: column.map(order) if column.name == "dataset" else column


def by_family(m: Matches) -> pd.DataFrame:
    """Per perpetrator family group (each event once, under its group) and dataset: events, civilians killed
    (best) and the part matched; wide, one column per dataset and measure, deadliest groups first."""
    parts = []
    for side, label in (("a", m.label_a), ("b", m.label_b)):
        u = _side_units(m, side)
        killed = u["count_best"].fillna(0).astype(int)
        part = pd.DataFrame(
            {
                "family_group": u["family_group"],
                f"{label} events": 1,
                f"{label} matched": u["matched"].astype(int),
                f"{label} killed": killed,
                f"{label} killed in matched": killed.where(u["matched"], 0),
            }
        )
        parts.append(part.groupby("family_group").sum())
    table = pd.concat(parts, axis=1).fillna(0).astype(int)
    deadliest = table[[f"{m.label_a} killed", f"{m.label_b} killed"]].max(axis=1)
    return table.assign(_d=deadliest).sort_values("_d", ascending=False).drop(columns="_d").reset_index()


def largest_differences(m: Matches, n: int = PDF_ROWS, estimate: str = "best") -> pd.DataFrame:
    """The matched pairs whose civilians killed differ most (the ``estimate``), largest first."""
    column = ESTIMATE_COLUMN[estimate].replace("count", "difference")
    p = m.pairs[m.pairs[column].notna() & (m.pairs[column] != 0)]
    p = p.assign(size=p[column].abs()).sort_values(["size", "start_date_a"], ascending=[False, True])
    return p.head(n).drop(columns="size").reset_index(drop=True)


def unmatched(m: Matches) -> pd.DataFrame:
    """Both sides' unmatched units in one table, with the dataset each belongs to, deadliest first."""
    parts = [frame.assign(dataset=label) for label, frame in ((m.label_a, m.unmatched_a), (m.label_b, m.unmatched_b))]
    both = pd.concat(parts, ignore_index=True)
    both.insert(0, "dataset", both.pop("dataset"))
    order = both.assign(_k=both["count_best"].astype("Float64").fillna(-1))
    return order.sort_values(["_k", "start_date"], ascending=[False, True]).drop(columns="_k").reset_index(drop=True)


def deadliest_unmatched(m: Matches, n: int = PDF_ROWS) -> pd.DataFrame:
    """The deadliest events only one dataset has, with the reason each found no pair."""
    found = unmatched(m)
    return found[found["count_best"].fillna(0) > 0].head(n).reset_index(drop=True)


def merged_incidents(matches: list[Matches]) -> pd.DataFrame:
    """One row per real-world incident: each dataset's ids and figures side by side (missing where the dataset
    does not carry it), the range across the sources, and which sources carry it. The reference's units first
    (matched in any other dataset or not), then each other dataset's events the reference does not have."""
    if not matches:
        return pd.DataFrame()
    reference = matches[0].label_a
    ref = matches[0].units_a
    base = pd.DataFrame(
        {
            "start_date": ref["start_date"],
            "end_date": ref["end_date"],
            "admin1": ref["admin1"],
            "admin2": ref["admin2"],
            "location_name": ref["location_name"],
            "family_group": ref["family_group"],
            "_ref": ref["incident_id"],
        }
    )
    rows = [base]
    for m in matches:
        only = m.unmatched_b
        rows.append(
            pd.DataFrame(
                {
                    "start_date": only["start_date"],
                    "end_date": only["end_date"],
                    "admin1": only["admin1"],
                    "admin2": only["admin2"],
                    "location_name": only["location_name"],
                    "family_group": only["family_group"],
                    f"_{m.label_b}": only["incident_id"],
                }
            )
        )
    merged = pd.concat(rows, ignore_index=True)
    labels = [reference, *(m.label_b for m in matches)]
    sides = {reference: (ref.set_index("incident_id"), merged["_ref"])}
    for m in matches:
        partner = merged["_ref"].map(m.pairs.set_index("incident_id_a")["incident_id_b"])
        own = merged[f"_{m.label_b}"].combine_first(partner) if f"_{m.label_b}" in merged else partner
        sides[m.label_b] = (m.units_b.set_index("incident_id"), own)
    out = merged[["start_date", "end_date", "admin1", "admin2", "location_name", "family_group"]].copy()
    for label in labels:
        units, ids = sides[label]
        out[f"{label}_incident_ids"] = ids.map(units["incident_ids"])
        for column in COUNTS:
            out[f"{label}_{column}"] = ids.map(units[column]).astype("Int64")
    lows = out[[f"{label}_count_min" for label in labels]].astype("Float64")
    highs = out[[f"{label}_count_max" for label in labels]].astype("Float64")
    out["range_min"] = lows.min(axis=1).astype("Int64")
    out["range_max"] = highs.max(axis=1).astype("Int64")
    carried = pd.DataFrame({label: out[f"{label}_incident_ids"].notna() for label in labels})
    out["sources"] = carried.apply(lambda r: "; ".join(c for c in labels if r[c]), axis=1) if len(out) else ""
    out["source_count"] = carried.sum(axis=1)
    return out.sort_values(["start_date", "location_name"], kind="stable", na_position="last").reset_index(drop=True)


def open_comparison(data_dirs: Mapping[str, str] | None = None, **parameters) -> Comparison:
    """``check_comparison``'s comparison (the notebook's parameters by name), or InvalidParameter naming every
    bad value. An empty path is the embedded data/; a relative one is taken from the project root."""
    comparison, problems = check_comparison(data_dirs, **parameters)
    if problems:
        raise InvalidParameter(problems)
    return comparison


#: The comparison notebook's parameters besides ``data_dirs``, with their defaults: the one list that
#: check_comparison, the notebook's check of its parameters cell and the render's precheck read.
COMPARISON_PARAMETERS = {
    "reference": "",
    "start_date": "",
    "end_date": "",
    "actors": (),
    "regions": (),
    "estimate": "best",
    "max_days": 3,
    "max_km": 25.0,
    "title": "",
}


def check_comparison(
    data_dirs: Mapping[str, str] | None = None, base: Path = config.PROJECT_ROOT, **parameters
) -> tuple[Comparison | None, list[str]]:
    """(the comparison, []) or (None, every problem) for the notebook's parameters (COMPARISON_PARAMETERS, by
    name); relative data directories are taken from ``base``."""
    unknown = [name for name in parameters if name not in COMPARISON_PARAMETERS]
    if unknown:
        raise TypeError(f"check_comparison() got unexpected keyword arguments: {', '.join(unknown)}")
    values = {**COMPARISON_PARAMETERS, **parameters}
    if not data_dirs:
        data_dirs = {"curated": ""}
    if not isinstance(data_dirs, Mapping):
        example = "{curated: data, acled: imported/acled}"
        return None, [f"data_dirs must map a label to a data directory, e.g. {example}; got {data_dirs!r}"]
    problems: list[str] = []
    datasets = {}
    for label, path in data_dirs.items():
        dataset, found = open_data_dir(path, f"data_dirs[{label}]", base)
        datasets[str(label)], problems = dataset, problems + found
    reference = values["reference"] or next(iter(datasets))
    if reference not in datasets:
        problems.append(f"reference {reference!r} is not one of the datasets: {', '.join(datasets)}")
    max_days, max_km = values["max_days"], values["max_km"]
    try:
        max_days, max_km = int(max_days), float(max_km)
    except (TypeError, ValueError):
        problems.append(f"max_days ({max_days!r}) and max_km ({max_km!r}) must be numbers")
    else:
        if max_days < 0 or max_km <= 0:
            problems.append(f"max_days ({max_days}) must be 0 or more and max_km ({max_km}) more than 0")
    # the selection's own names (dates, actors, regions, estimate); check_parameters reads no others here
    selection, found = check_parameters(datasets.get(reference), values)
    problems += found
    if problems:
        return None, problems
    title = values["title"] or "Datasets compared: " + " vs ".join(datasets)
    return Comparison(datasets, reference, selection, values["estimate"], max_days, max_km, title), []
