"""Table builders for the report: each returns a DataFrame ready to show, computed from the data."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..data.dataset import Dataset
from ..data.schema import FIELDS, HARMS, TABLES
from ..measure.aggregate import Selection, aggregate, incident_facts, incident_figures
from .evidence import incident_list, sources_appendix  # noqa: F401  (the notebook calls them from here)
from .text import fmt_range

OTHER_HARMS = (
    "injured",
    "disappeared",
    "detained",
    "sexual_violence",
    "homes_destroyed",
    "livestock_looted",
    "displaced",
)


def figure_text(row) -> str:
    """An aggregate row as text: its range, or that the harm was reported without any figure."""
    if row.incidents and row.incidents == row.incidents_without_figure:
        return "reported, no figure"
    return fmt_range(row.count_min, row.count_best, row.count_max)


@dataclass(frozen=True)
class Headline:
    killed_min: int
    killed_best: int
    killed_max: int
    incidents: int
    incidents_with_killings: int
    incidents_without_figure: int
    actors: int
    regions: int
    first_date: pd.Timestamp | None
    last_date: pd.Timestamp | None
    period_totals: int


def headline(dataset: Dataset, selection: Selection) -> Headline:
    facts = incident_facts(dataset, selection)
    killed = aggregate(dataset, (), selection)
    totals = period_totals(dataset, selection)
    involved = {a for actors in facts["actors_involved"] for a in actors}
    return Headline(
        killed_min=int(killed["count_min"].iloc[0]),
        killed_best=int(killed["count_best"].iloc[0]),
        killed_max=int(killed["count_max"].iloc[0]),
        incidents=len(facts),
        incidents_with_killings=int(killed["incidents"].iloc[0]),
        incidents_without_figure=int(killed["incidents_without_figure"].iloc[0]),
        actors=len(involved),
        regions=int(facts.loc[facts["admin1"].notna(), "admin1"].nunique()),
        first_date=facts["start_date"].min() if len(facts) else None,
        last_date=facts["end_date"].max() if len(facts) else None,
        period_totals=len(totals["record"].unique()) if len(totals) else 0,
    )


def with_ranges(frame: pd.DataFrame, label: str = "civilians killed") -> pd.DataFrame:
    out = frame.drop(columns=["count_min", "count_best", "count_max"]).copy()
    out.insert(
        len(out.columns) - 2,
        label,
        [fmt_range(*r) for r in frame[["count_min", "count_best", "count_max"]].itertuples(index=False)],
    )
    return out


def region_table(dataset: Dataset, selection: Selection) -> pd.DataFrame:
    result = aggregate(dataset, ("region",), selection).sort_values("count_best", ascending=False)
    return with_ranges(result).rename(columns={"incidents_without_figure": "without a figure"})


def actor_region_table(dataset: Dataset, selection: Selection) -> pd.DataFrame:
    """Best estimate (min-max) of civilians killed, actor groups down, regions across."""
    result = aggregate(dataset, ("actor", "region"), selection)
    if result.empty:
        return pd.DataFrame()
    result["cell"] = [
        fmt_range(*r) if r[1] or r[2] else "–"
        for r in result[["count_min", "count_best", "count_max"]].itertuples(index=False)
    ]
    return result.pivot(index="actor", columns="region", values="cell").fillna("–")


def group_table(dataset: Dataset, selection: Selection) -> pd.DataFrame:
    """Children and women killed, by perpetrator group, beside all civilians killed."""
    columns = {}
    for group in ("all", "children", "women"):
        result = aggregate(dataset, ("actor",), selection, victim_group=group, fill=False).set_index("actor")
        columns[group] = result
    actors = columns["all"].index
    out = pd.DataFrame(index=actors)
    for group, frame in columns.items():
        frame = frame.reindex(actors)
        out[f"{group} killed"] = ["–" if pd.isna(r.count_min) else figure_text(r) for r in frame.itertuples()]
    return out.reset_index()


def other_harms_table(dataset: Dataset, selection: Selection) -> pd.DataFrame:
    """Harm other than killing, by perpetrator group, with units."""
    rows = []
    for harm in OTHER_HARMS:
        result = aggregate(dataset, ("actor",), selection, harm=harm, fill=False)
        for r in result.itertuples():
            rows.append(
                {"harm": HARMS[harm], "perpetrator group": r.actor, "count": figure_text(r), "incidents": r.incidents}
            )
    return pd.DataFrame(rows, columns=["harm", "perpetrator group", "count", "incidents"])


def period_totals(dataset: Dataset, selection: Selection) -> pd.DataFrame:
    """NGO period totals overlapping the selected dates, one row per figure, in the source's words."""
    inc = dataset.incidents[dataset.incidents["record_type"] == "period_total"]
    if selection.start is not None:
        inc = inc[inc["end_date"] >= selection.start]
    if selection.end is not None:
        inc = inc[inc["start_date"] <= selection.end]
    if selection.actors:
        keep = dataset.perpetrators[dataset.perpetrators["actor"].isin(selection.actors)]["incident_id"]
        inc = inc[inc["incident_id"].isin(keep)]
    if selection.regions:
        inc = inc[inc["admin1"].isna() | inc["admin1"].isin(selection.regions)]
    # Only the period totals' own perpetrators: grouping every incident's took seconds on large imports.
    perps = dataset.perpetrators[dataset.perpetrators["incident_id"].isin(inc["incident_id"])]
    perps = perps.groupby("incident_id").apply(
        lambda g: "; ".join(
            f"{a} ({grade.replace('_', ' ')})" for a, grade in zip(g["actor"], g["attribution"], strict=True)
        ),
        include_groups=False,
    )
    publishers = (
        dataset.sources[dataset.sources["incident_id"].isin(inc["incident_id"])]
        .groupby("incident_id")["publisher"]
        .agg(lambda s: ", ".join(dict.fromkeys(s)))
    )
    rows = []
    for r in inc.itertuples():
        for c in dataset.casualties[dataset.casualties["incident_id"] == r.incident_id].itertuples():
            rows.append(
                {
                    "record": r.incident_id,
                    "reported by": publishers.get(r.incident_id, ""),
                    "period": f"{r.start_date:%b %Y} – {r.end_date:%d %b %Y}",
                    "attributed to": perps.get(r.incident_id, ""),
                    "harm": HARMS[c.harm],
                    "figure": c.count_text,
                    "lowest figure": "" if pd.isna(c.count_min) else f"{int(c.count_min):,}",
                }
            )
    return pd.DataFrame(
        rows, columns=["record", "reported by", "period", "attributed to", "harm", "figure", "lowest figure"]
    )


def methodology_fields() -> pd.DataFrame:
    """The columns that carry the report's numbers, described from the schema itself."""
    rows = []
    for table_name, columns in {
        "incidents": (
            "record_type",
            "date_precision",
            "location_precision",
            "event_type",
            "is_civilian_targeting",
            "parent_incident_id",
        ),
        "perpetrators": ("role", "attribution"),
        "casualties": ("harm", "victim_status", "victim_group", "count_min", "count_best", "count_max", "count_text"),
        "sources": ("stance",),
    }.items():
        for column in columns:
            rows.append({"table": TABLES[table_name].path, "column": column, "meaning": FIELDS[column].description})
    return pd.DataFrame(rows)


def coverage(dataset: Dataset, selection: Selection) -> dict[str, pd.Series]:
    """How precise and complete the selected events are."""
    facts = incident_facts(dataset, selection)
    # The same civilian-killed figures as the headline and every chart, not a second filter of casualties.
    figures = incident_figures(dataset)
    figures = figures[figures["incident_id"].isin(facts["incident_id"])]
    return {
        "date precision": facts["date_precision"].value_counts(),
        "location precision": facts["location_precision"].value_counts(),
        "killings": pd.Series(
            {
                "events reporting civilians killed": len(figures),
                "of which with no figure": int((~figures["has_figure"]).sum()),
                "of which with no upper bound": int((~figures["has_upper_bound"]).sum()),
                "events with no region": int(facts["admin1"].isna().sum()),
            }
        ),
        "attribution": facts["grade"].value_counts(),
    }
