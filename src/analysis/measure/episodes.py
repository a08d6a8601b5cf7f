"""One row per attack: an episode (records of one attack a dataset split, see data/episode_rules.py) or a
standalone incident, with the coded figures summed over its records and the range its notes state.

The sums are of events only (the records), exactly as every total of the report; the range stated in the
notes is the episode's own casualties rows, shown beside the coded figures and never added to anything.
"""

from __future__ import annotations

import pandas as pd

from ..data.columns import joined
from ..data.dataset import Dataset
from ..data.schema import ATTRIBUTION_ORDER
from .aggregate import incident_facts, incident_figures
from .selection import Selection

COLUMNS = [
    "episode_id",
    "is_episode",
    "title",
    "summary",
    "start_date",
    "end_date",
    "date_precision",
    "records",
    "record_ids",
    "incident_ids",
    "location_name",
    "admin1",
    "admin2",
    "dataset",
    "perpetrator_group",
    "family_group",
    "grade",
    "count_min",
    "count_best",
    "count_max",
    "has_figure",
    "has_upper_bound",
    "reported_min",
    "reported_max",
    "reported_text",
]


def episode_table(
    dataset: Dataset,
    selection: Selection = Selection(),
    harm: str = "killed",
    victim_status: str = "civilian",
) -> pd.DataFrame:
    """One row per episode or standalone incident among the selected events (computed once per dataset and
    arguments; each caller gets a copy)."""
    return dataset.once(
        ("episode_table", selection, harm, victim_status),
        lambda: _episode_table(dataset, selection, harm, victim_status),
    )


def _joined_text(keys: pd.Series, values: pd.Series, several: pd.Series) -> pd.Series:
    """Per key, the distinct values in row order joined with '; ' (only keys with several rows are grouped)."""
    values = values[several].astype(object)
    return joined(keys[several], values.mask(values.astype(str).eq("")), distinct=True)


def _episode_table(dataset: Dataset, selection: Selection, harm: str, victim_status: str) -> pd.DataFrame:
    facts = incident_facts(dataset, selection).sort_values(["start_date", "incident_id"], kind="stable")
    if facts.empty:
        return pd.DataFrame(columns=COLUMNS)
    figures = incident_figures(dataset, harm, victim_status).drop_duplicates("incident_id")
    rows = facts.merge(figures, on="incident_id", how="left")
    rows["has_figure"] = rows["has_figure"].astype("boolean").fillna(False).astype(bool)
    # An incident with a figure but no upper bound leaves its episode without one.
    rows["no_upper"] = rows["has_figure"] & ~rows["has_upper_bound"].astype("boolean").fillna(False).astype(bool)
    record = rows["external_id"].astype(object).where(rows["external_id"].notna(), rows["incident_id"])
    rows["record"] = record.astype(str)
    rank = {g: i for i, g in enumerate(ATTRIBUTION_ORDER)}
    rows["grade_rank"] = rows["grade"].map(rank)

    key = rows["episode_id"]
    several = key.duplicated(keep=False)
    by = rows.groupby(key, sort=False)
    out = by.agg(
        start_date=("start_date", "min"),
        end_date=("end_date", "max"),
        records=("incident_id", "size"),
        summary=("summary", "first"),
        title=("title", "first"),
        date_precision=("date_precision", "first"),
        location_name=("location_name", "first"),
        admin1=("admin1", "first"),
        admin2=("admin2", "first"),
        dataset=("dataset", "first"),
        perpetrator_group=("perpetrator_group", "first"),
        family_group=("family_group", "first"),
        grade_rank=("grade_rank", "min"),
        count_min=("count_min", "sum"),
        count_best=("count_best", "sum"),
        count_max=("count_max", "sum"),
        has_figure=("has_figure", "any"),
        no_upper=("no_upper", "any"),
    )
    out["grade"] = out["grade_rank"].map(dict(enumerate(ATTRIBUTION_ORDER)))
    out["has_upper_bound"] = out["has_figure"] & ~out["no_upper"]
    out["record_ids"] = _joined_text(key, rows["record"], several).reindex(out.index)
    out["record_ids"] = out["record_ids"].fillna(by["record"].first())
    out["incident_ids"] = _joined_text(key, rows["incident_id"], several).reindex(out.index)
    out["incident_ids"] = out["incident_ids"].fillna(by["incident_id"].first())
    places = _joined_text(key, rows["location_name"], several).reindex(out.index)
    out["location_name"] = places.fillna(out["location_name"])
    groups = _joined_text(key, rows["perpetrator_group"], several).reindex(out.index)
    out["perpetrator_group"] = groups.fillna(out["perpetrator_group"])
    families = _joined_text(key, rows["family_group"], several).reindex(out.index)
    out["family_group"] = families.fillna(out["family_group"])

    episodes = dataset.incidents[dataset.incidents["record_type"] == "episode"].set_index("incident_id")
    out["is_episode"] = out.index.isin(episodes.index)
    out["title"] = episodes["title"].reindex(out.index).fillna(out["title"])
    c = dataset.casualties
    reported = c[
        c["incident_id"].isin(episodes.index)
        & (c["harm"] == harm)
        & (c["victim_status"] == victim_status)
        & (c["victim_group"] == "all")
    ].drop_duplicates("incident_id")
    reported = reported.set_index("incident_id").reindex(out.index)
    out["reported_min"] = reported["count_min"]
    out["reported_max"] = reported["count_max"]
    out["reported_text"] = reported["count_text"]
    for column in ("count_min", "count_best", "count_max"):
        out[column] = out[column].where(out["has_figure"])
    return out.rename_axis("episode_id").reset_index()[COLUMNS]
