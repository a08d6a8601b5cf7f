"""One aggregation function for every table and chart: counts by actor, period and region.

Rules it keeps (see the methodology appendix):
- only events are counted; NGO period totals are reported apart and never added;
- a range is carried through: sums of minimums, of best estimates and of maximums. Where a source
  gives only a lower bound the best estimate is that bound, and where no upper bound is given the
  maximum is the best estimate; incidents with no figure at all add nothing and are counted apart;
- attribution ``group`` counts each incident once, under its perpetrator group ("FAMa + Wagner Group");
  ``any`` counts it under every actor involved, so those columns do not add up.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

import pandas as pd

from ..data.dataset import Dataset
from ..data.schema import ACTOR_FAMILIES, ATTRIBUTION_ORDER
from .selection import PERIODS, InvalidParameter, Selection, data_span

#: Grouping keys. ``actor`` is the perpetrator series (a family, a perpetrator group or an actor, as the
#: selection's ``group_by`` says); ``how`` is the kind of violence (EVENT_CATEGORIES).
KEYS = ("actor", "period", "region", "how")
ESTIMATE_COLUMN = {"min": "count_min", "best": "count_best", "max": "count_max"}
REGION_NOT_ESTABLISHED = "Region not established"
UNKNOWN_PERPETRATOR = "Perpetrator unknown"
PERPETRATOR_ROLES = ("primary", "joint", "associated")
COUNT_COLUMNS = ["count_min", "count_best", "count_max"]

#: Joins the actors of a joint perpetrator group ("FAMa + Wagner Group").
GROUP_SEPARATOR = " + "
#: Each family's label, as the reader sees it.
FAMILY_LABELS: dict[str, str] = {code: label for code, (label, _) in ACTOR_FAMILIES.items()}

#: Readable kinds of violence for the report, from the event types of data.schema.EVENT_TYPES.
EVENT_CATEGORIES: dict[str, str] = {
    "attack": "Attacks, shootings and executions",
    "air_drone_strike": "Drone and air strikes",
    "shelling_artillery_missile": "Shelling, artillery and missiles",
    "remote_explosive": "Explosive devices and landmines",
    "suicide_bomb": "Suicide bombings",
    "abduction_forced_disappearance": "Abductions and disappearances",
    "sexual_violence": "Sexual violence",
    "armed_clash": "Caught in fighting",
    "territory_change": "Caught in fighting",
    "looting_property_destruction": "Looting and destruction",
    "arrests": "Arrests and detention",
    "other": "Other or several kinds",
    "multiple": "Other or several kinds",
}
EVENT_CATEGORY_UNKNOWN = "Kind not recorded"


def incident_facts(dataset: Dataset, selection: Selection = Selection()) -> pd.DataFrame:
    """One row per event: its date, region, perpetrator group and attribution grade, after filtering.

    Computed once per dataset and selection (every table and chart of a report starts from it); each
    caller gets its own copy."""
    return dataset.once(("incident_facts", selection), lambda: _incident_facts(dataset, selection))


def _incident_facts(dataset: Dataset, selection: Selection) -> pd.DataFrame:
    inc = dataset.incidents[dataset.incidents["record_type"] == "event"].copy()
    actor_order = {a: i for i, a in enumerate(dataset.actors["actor"])}
    family_labels = actor_family_labels(dataset)

    perps = dataset.perpetrators[dataset.perpetrators["role"].isin(PERPETRATOR_ROLES)]
    perps = perps.assign(order=perps["actor"].map(actor_order).fillna(len(actor_order)))
    perps = perps.sort_values(["incident_id", "order", "actor"], kind="stable")
    leading = perps[perps["role"].isin(("primary", "joint"))]
    groups = _joined(leading.drop_duplicates(["incident_id", "actor"]), "actor", GROUP_SEPARATOR.join)
    rank = {g: i for i, g in enumerate(ATTRIBUTION_ORDER)}
    best_grade = leading.assign(r=leading["attribution"].map(rank)).groupby("incident_id")["r"].min()
    involved = _joined(perps.drop_duplicates(["incident_id", "actor"]), "actor", tuple)
    families = leading.assign(family=leading["actor"].map(family_labels))
    families = families.assign(order=families["family"].map(_FAMILY_ORDER)).sort_values(["incident_id", "order"])
    family_groups = _joined(families.drop_duplicates(["incident_id", "family"]), "family", GROUP_SEPARATOR.join)

    # object first: with no primary or joint actor at all the mapped column is float, and a text fill fails.
    inc["perpetrator_group"] = inc["incident_id"].map(groups).astype(object).fillna(UNKNOWN_PERPETRATOR)
    grade_codes = inc["incident_id"].map(best_grade)
    inc["grade"] = grade_codes.map(dict(enumerate(ATTRIBUTION_ORDER))).astype(object).fillna("single_source")
    inc["actors_involved"] = inc["incident_id"].map(involved).map(lambda v: v if isinstance(v, tuple) else ())
    inc["region"] = inc["admin1"].astype(object).fillna(REGION_NOT_ESTABLISHED)
    inc["family_group"] = inc["incident_id"].map(family_groups).astype(object).fillna(UNKNOWN_PERPETRATOR)
    inc["how"] = inc["event_type"].map(EVENT_CATEGORIES).astype(object).fillna(EVENT_CATEGORY_UNKNOWN)
    inc["episode_id"] = episode_ids(dataset.incidents, inc)

    keep = inc["grade"].map(rank) <= rank[selection.min_attribution]
    if selection.start is not None:
        keep &= inc["start_date"] >= selection.start
    if selection.end is not None:
        keep &= inc["start_date"] <= selection.end
    if selection.actors:
        keep &= inc["actors_involved"].map(lambda a: bool(set(a) & set(selection.actors)))
    if selection.regions:
        keep &= inc["region"].isin(selection.regions)
    return inc[keep].reset_index(drop=True)


def episode_ids(incidents: pd.DataFrame, events: pd.DataFrame) -> pd.Series:
    """Per event of ``events``: the id of the episode it is one record of (its parent, when the parent is an
    episode), else its own id: one attack is one id, whether the dataset recorded it once or split it."""
    episodes = incidents.loc[incidents["record_type"] == "episode", "incident_id"]
    parent = events["parent_incident_id"]
    return parent.where(parent.isin(episodes), events["incident_id"]).astype(object)


def _joined(rows: pd.DataFrame, column: str, join) -> pd.Series:
    """``join`` of ``column`` per incident, in the rows' order. Most incidents have one row: those are
    taken as they are, and only the others go through a per-group join (34,000 groups cost seconds)."""
    several = rows["incident_id"].duplicated(keep=False)
    single = rows.loc[~several].set_index("incident_id")[column]
    single = single.map(lambda v: join([v]))
    multiple = rows.loc[several].groupby("incident_id", sort=False)[column].agg(join)
    return pd.concat([single, multiple])


_FAMILY_ORDER = {label: i for i, label in enumerate(FAMILY_LABELS.values())}


def actor_family_labels(dataset: Dataset) -> dict[str, str]:
    """Each actor's family label (an actor the reference does not list counts as unidentified)."""
    families = dataset.actors.set_index("actor")["family"] if "family" in dataset.actors else pd.Series(dtype=object)
    labels = families.map(FAMILY_LABELS).fillna(FAMILY_LABELS["unidentified"])
    return _DefaultDict(labels.to_dict(), FAMILY_LABELS["unidentified"])


class _DefaultDict(dict):
    def __init__(self, values, default):
        super().__init__(values)
        self.default = default

    def __missing__(self, key):
        return self.default


def period_labels(dates: pd.Series, period: str, key_dates: pd.DataFrame | None = None) -> pd.Series:
    """The period each date falls in, as sortable text."""
    if period == "month":
        return dates.dt.to_period("M").astype(str)
    if period == "quarter":
        return dates.dt.to_period("Q").astype(str)
    if period == "year":
        return dates.dt.year.astype(str)
    if period == "named":
        bounds = named_periods(key_dates)
        return dates.map(lambda d: _named_period(d, bounds))
    raise InvalidParameter(f"period {period!r} is not one of: {', '.join(PERIODS)}")


def named_periods(key_dates: pd.DataFrame) -> list[tuple[pd.Timestamp, str]]:
    """Periods between key dates, each named after the date that opens it (the first: 'Before ...')."""
    kd = key_dates.sort_values("date")
    first = kd.iloc[0]
    periods = [(pd.Timestamp.min, f"0 Before {first['label']}")]
    for number, row in enumerate(kd.itertuples(), start=1):
        periods.append((row.date, f"{number} After {row.label} ({row.date:%b %Y})"))
    return periods


def _named_period(date: pd.Timestamp, bounds) -> str:
    label = bounds[0][1]
    for start, name in bounds:
        if date >= start:
            label = name
    return label


def all_periods(
    first: pd.Timestamp, last: pd.Timestamp, period: str, key_dates: pd.DataFrame | None = None
) -> list[str]:
    """Every period from first to last, so that empty periods show as zeros."""
    if period == "named":
        bounds = named_periods(key_dates)
        names = [name for _, name in bounds]
        return names[names.index(_named_period(first, bounds)) : names.index(_named_period(last, bounds)) + 1]
    freq = {"month": "M", "quarter": "Q", "year": "Y"}[period]
    spans = pd.period_range(first.to_period(freq), last.to_period(freq), freq=freq)
    return [str(p.year) if period == "year" else str(p) for p in spans]


def incident_figures(dataset: Dataset, harm="killed", victim_status="civilian", victim_group="all") -> pd.DataFrame:
    """Per incident: effective min/best/max for one harm, status and group, and whether any figure exists.

    Computed once per dataset and arguments; each caller gets its own copy."""
    return dataset.once(
        ("incident_figures", harm, victim_status, victim_group),
        lambda: _incident_figures(dataset, harm, victim_status, victim_group),
    )


def _incident_figures(dataset: Dataset, harm: str, victim_status: str, victim_group: str) -> pd.DataFrame:
    c = dataset.casualties
    rows = c[(c["harm"] == harm) & (c["victim_status"] == victim_status) & (c["victim_group"] == victim_group)]
    figures = pd.DataFrame({"incident_id": rows["incident_id"]})
    figures["count_min"] = rows["count_min"]
    figures["count_best"] = rows["count_best"].fillna(rows["count_min"])
    figures["count_max"] = rows["count_max"].fillna(figures["count_best"])
    figures["has_figure"] = rows["count_min"].notna()
    figures["has_upper_bound"] = rows["count_max"].notna()
    return figures.reset_index(drop=True)


def aggregate(
    dataset: Dataset,
    by: tuple[str, ...] | list[str] = ("actor",),
    selection: Selection = Selection(),
    *,
    harm: str = "killed",
    victim_status: str = "civilian",
    victim_group: str = "all",
    fill: bool = True,
) -> pd.DataFrame:
    """Sum min/best/max for one harm by any combination of actor, period and region.

    Returns one row per combination of keys (every combination in the selected range when ``fill``),
    with count_min, count_best, count_max, incidents (events reporting this harm) and
    incidents_without_figure. ``result.attrs['additive']`` is False when actors are counted under
    every actor involved (``attribution='any'``) and the rows cannot be added up.
    """
    by = tuple(by)
    unknown = [k for k in by if k not in KEYS]
    if unknown:
        raise InvalidParameter(f"cannot group by {unknown}; valid keys: {', '.join(KEYS)}")
    # A report asks for the same sums from several tables, charts and the export: computed once per
    # dataset and arguments, and each caller gets its own copy.
    return dataset.once(
        ("aggregate", by, selection, harm, victim_status, victim_group, fill),
        lambda: _aggregate(dataset, by, selection, harm, victim_status, victim_group, fill),
    )


def _aggregate(
    dataset: Dataset,
    by: tuple[str, ...],
    selection: Selection,
    harm: str,
    victim_status: str,
    victim_group: str,
    fill: bool,
) -> pd.DataFrame:
    rows = _harm_rows(dataset, selection, harm, victim_status, victim_group)
    if "actor" in by:
        # Only a breakdown by perpetrator may count an incident under several labels ("any");
        # totals by period or region count each incident once whatever the attribution policy.
        rows = _perpetrator_series(rows, dataset, selection)

    # an incident reports a harm other than killing when its figure is above 0 or not given: a list's written 0
    # ("nobody wounded") is kept as a 0 row but is not an incident of that harm (the other-harms table). Killing
    # tables keep counting every incident with a row, as they always have (their 0s are counted apart).
    reported = rows["without_figure"].astype(bool) | (rows["count_max"].fillna(rows["count_best"]).fillna(0) > 0)
    reported |= harm == "killed"
    rows = rows.assign(reporting=rows["incident_id"].where(reported))
    if by:
        groups = rows.groupby(list(by), dropna=False)
        result = groups[[*COUNT_COLUMNS, "without_figure"]].sum()
        result.insert(len(COUNT_COLUMNS), "incidents", groups["reporting"].nunique())
        result = result.rename(columns={"without_figure": "incidents_without_figure"})
        if fill:
            result = result.reindex(_grid(by, rows, dataset, selection), fill_value=0)
        result = result.reset_index()
    else:
        result = pd.DataFrame(
            {
                "count_min": [rows["count_min"].sum()],
                "count_best": [rows["count_best"].sum()],
                "count_max": [rows["count_max"].sum()],
                "incidents": [rows["reporting"].nunique()],
                "incidents_without_figure": [int(rows.drop_duplicates("incident_id")["without_figure"].sum())],
            }
        )
    for column in [*COUNT_COLUMNS, "incidents", "incidents_without_figure"]:
        result[column] = result[column].fillna(0).astype("int64")
    result.attrs["additive"] = is_additive(selection) or "actor" not in by
    return result


def _harm_rows(
    dataset: Dataset, selection: Selection, harm: str, victim_status: str, victim_group: str
) -> pd.DataFrame:
    """The selected events with their figures for one harm, status and group, and their period: what every
    breakdown of that harm starts from (computed once per dataset and arguments; each caller gets a copy)."""
    return dataset.once(
        ("harm_rows", selection, harm, victim_status, victim_group),
        lambda: _new_harm_rows(dataset, selection, harm, victim_status, victim_group),
    )


def facts_with_figures(
    dataset: Dataset,
    selection: Selection = Selection(),
    harm: str = "killed",
    victim_status: str = "civilian",
    victim_group: str = "all",
) -> pd.DataFrame:
    """The selected events that report one harm, status and group: each event's facts (``incident_facts``)
    beside its figures (``incident_figures``: min/best/max, has_figure, has_upper_bound). Events without
    such a row are left out. What every count of that harm starts from: the breakdowns here, and the
    report's headline, coverage and map (computed once per dataset and arguments; each caller gets a copy)."""
    return dataset.once(
        ("facts_with_figures", selection, harm, victim_status, victim_group),
        lambda: incident_facts(dataset, selection).merge(
            incident_figures(dataset, harm, victim_status, victim_group), on="incident_id", how="inner"
        ),
    )


def _new_harm_rows(
    dataset: Dataset, selection: Selection, harm: str, victim_status: str, victim_group: str
) -> pd.DataFrame:
    rows = facts_with_figures(dataset, selection, harm, victim_status, victim_group)
    rows["period"] = (
        period_labels(rows["start_date"], selection.period, dataset.key_dates) if len(rows) else pd.Series(dtype=str)
    )
    rows["without_figure"] = ~rows["has_figure"].astype(bool)
    return rows


def is_additive(selection: Selection) -> bool:
    """Whether figures by perpetrator add up to the total: each incident counted under one label only."""
    return selection.attribution == "group" and selection.group_by != "actor"


def _perpetrator_series(rows: pd.DataFrame, dataset: Dataset, selection: Selection) -> pd.DataFrame:
    """The ``actor`` column: the label each incident is counted under, as ``group_by`` and the
    attribution policy ask. Under ``any`` an incident counts once under each family (or actor) involved."""
    if selection.attribution == "group" and selection.group_by != "actor":
        rows["actor"] = rows["family_group" if selection.group_by == "family" else "perpetrator_group"]
        return rows
    # Single actors, or attribution "any": each incident under every family (or actor) involved.
    rows = rows.explode("actors_involved").rename(columns={"actors_involved": "actor"})
    if selection.actors:
        rows = rows[rows["actor"].isin(selection.actors) | rows["actor"].isna()]
    if selection.group_by == "family":
        rows["actor"] = rows["actor"].map(actor_family_labels(dataset), na_action="ignore")
        rows = rows.drop_duplicates(["incident_id", "actor"])
    rows["actor"] = rows["actor"].astype(object).fillna(UNKNOWN_PERPETRATOR)
    return rows


def _grid(by, rows, dataset, selection) -> pd.MultiIndex | pd.Index:
    levels = []
    for key in by:
        if key == "period":
            dates = rows["start_date"]
            first = selection.start if selection.start is not None else (dates.min() if len(dates) else None)
            last = selection.end if selection.end is not None else (dates.max() if len(dates) else None)
            levels.append(all_periods(first, last, selection.period, dataset.key_dates) if first is not None else [])
        elif key == "actor":
            present = list(dict.fromkeys(rows["actor"]))
            requested = [a for a in selection.actors if selection.attribution == "any" and a not in present]
            levels.append(present + requested)
        elif key == "how":
            levels.append(list(dict.fromkeys(rows["how"])))
        else:
            present = list(dict.fromkeys(rows["region"]))
            levels.append(present + [r for r in selection.regions if r not in present])
    if len(by) == 1:
        return pd.Index(levels[0], name=by[0])
    return pd.MultiIndex.from_tuples(list(itertools.product(*levels)), names=list(by))


def partial_periods(first: pd.Timestamp | None, last: pd.Timestamp | None, period: str) -> dict[str, str]:
    """The periods at either end that the data covers only in part, with the days it covers
    ("partial: 1 Jan–17 Feb"), so that a 7-week bar is never read beside a full year."""
    if first is None or last is None or period not in ("month", "quarter", "year"):
        return {}
    freq = {"month": "M", "quarter": "Q", "year": "Y"}[period]
    marks = {}
    for p in {first.to_period(freq), last.to_period(freq)}:
        start, end = max(p.start_time.normalize(), first.normalize()), min(p.end_time.normalize(), last.normalize())
        if start > p.start_time.normalize() or end < p.end_time.normalize():
            label = str(p.year) if period == "year" else str(p)
            marks[label] = f"partial: {start.day} {start:%b}–{end.day} {end:%b}"
    return marks


@dataclass(frozen=True)
class Change:
    """Civilians killed in the selected span against the span of the same length just before it."""

    current: int
    previous: int | None  # None: the data does not cover the previous span
    previous_start: pd.Timestamp | None
    previous_end: pd.Timestamp | None

    @property
    def comparable(self) -> bool:
        return self.previous is not None


def change_against_previous(dataset: Dataset, selection: Selection, estimate: str = "best") -> Change:
    """The selected span's total against the previous span of the same length (same filters).

    Not comparable when the data starts after the previous span's first day: a smaller figure there
    would be missing data, not less harm."""
    column = ESTIMATE_COLUMN[estimate]
    current = int(aggregate(dataset, (), selection)[column].iloc[0])
    first, last = data_span(dataset, selection.start, selection.end)
    if first is None or last is None:
        return Change(current, None, None, None)
    length = last.normalize() - first.normalize() + pd.Timedelta(days=1)
    previous_end = first.normalize() - pd.Timedelta(days=1)
    previous_start = previous_end - length + pd.Timedelta(days=1)
    events = dataset.incidents[dataset.incidents["record_type"] == "event"]
    if events.empty or events["start_date"].min() > previous_start:
        return Change(current, None, previous_start, previous_end)
    before = replace(selection, start=previous_start, end=previous_end)
    return Change(current, int(aggregate(dataset, (), before)[column].iloc[0]), previous_start, previous_end)
