"""Table builders for the report: each returns a DataFrame ready to show, computed from the data."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from ..data.dataset import Dataset
from ..data.schema import FIELDS, HARMS, TABLES
from ..measure.aggregate import (
    ESTIMATE_COLUMN,
    FAMILY_LABELS,
    REGION_NOT_ESTABLISHED,
    UNKNOWN_PERPETRATOR,
    Change,
    actor_family_labels,
    aggregate,
    change_against_previous,
    facts_with_figures,
    incident_facts,
)
from ..measure.episodes import episode_table
from ..measure.selection import Selection
from .evidence import incident_list, sources_appendix  # noqa: F401  (the notebook calls them from here)
from .text import date_window_text, fmt_range, plain_codes, words

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
    #: Incidents with a figure for civilians killed but no upper bound: their maximum is not known.
    incidents_without_upper_bound: int = 0
    #: Share (0-1) of the best estimate whose perpetrator is unknown or an unidentified armed group,
    #: and whose region is not established.
    share_unknown_perpetrator: float = 0.0
    share_unknown_region: float = 0.0
    change: Change | None = None

    @property
    def has_upper_bound(self) -> bool:
        """Whether ``killed_max`` is a real maximum (every incident with a figure gives an upper bound)."""
        return self.incidents_without_upper_bound == 0


def headline(dataset: Dataset, selection: Selection, estimate: str = "best") -> Headline:
    facts = incident_facts(dataset, selection)
    killed = aggregate(dataset, (), selection)
    totals = period_totals(dataset, selection)
    involved = {a for actors in facts["actors_involved"] for a in actors}
    rows = facts_with_figures(dataset, selection)
    # A figure of 0 is "no reported fatalities" (ACLED), never a killing; a death reported without a figure is one.
    killing = (rows["count_best"].fillna(0) > 0) | ~rows["has_figure"].astype(bool)
    unknown_perpetrator = rows["family_group"].isin([UNKNOWN_PERPETRATOR, FAMILY_LABELS["unidentified"]])
    best = rows["count_best"].fillna(0)
    total = best.sum()
    return Headline(
        killed_min=int(killed["count_min"].iloc[0]),
        killed_best=int(killed["count_best"].iloc[0]),
        killed_max=int(killed["count_max"].iloc[0]),
        incidents=len(facts),
        incidents_with_killings=int(rows.loc[killing, "incident_id"].nunique()),
        incidents_without_figure=int(killed["incidents_without_figure"].iloc[0]),
        actors=len(involved),
        regions=int(facts.loc[facts["admin1"].notna(), "admin1"].nunique()),
        first_date=facts["start_date"].min() if len(facts) else None,
        last_date=facts["end_date"].max() if len(facts) else None,
        period_totals=len(totals["record"].unique()) if len(totals) else 0,
        incidents_without_upper_bound=int(
            rows.loc[
                killing & rows["has_figure"].astype(bool) & ~rows["has_upper_bound"].astype(bool), "incident_id"
            ].nunique()
        ),
        share_unknown_perpetrator=float(best[unknown_perpetrator].sum() / total) if total else 0.0,
        share_unknown_region=float(best[rows["region"] == REGION_NOT_ESTABLISHED].sum() / total) if total else 0.0,
        change=change_against_previous(dataset, selection, estimate),
    )


#: How each row of the family figures is counted (the ``counted`` column of tables/killed_by_family.csv).
COUNTED_GROUP = "each incident once, under its group"
COUNTED_TOOK_PART = "every incident the family took part in (does not add up)"
TOOK_PART_COLUMN = "took part in incidents that killed"


def family_figures(dataset: Dataset, selection: Selection) -> pd.DataFrame:
    """Civilians killed by perpetrator family, counted two ways, one row each (``counted``):
    each incident once under its group (joint families together: "Malian state forces + Wagner Group /
    Africa Corps"), which adds up to the total; and, for each family, every incident it took part in, alone
    or jointly, which does not add up. Figures as numbers (count_min, count_best, count_max), largest first."""
    family = replace(selection, group_by="family")
    parts = []
    for counted, attribution in ((COUNTED_GROUP, "group"), (COUNTED_TOOK_PART, "any")):
        result = aggregate(dataset, ("actor",), replace(family, attribution=attribution), fill=False)
        result = result[(result["count_max"] > 0) | (result["incidents_without_figure"] > 0)]
        result = result.sort_values(["count_best", "count_max"], ascending=False, kind="stable")
        parts.append(result.rename(columns={"actor": "perpetrators"}).assign(counted=counted))
    out = pd.concat(parts, ignore_index=True)
    return out[
        ["counted", "perpetrators", "count_min", "count_best", "count_max", "incidents", "incidents_without_figure"]
    ]


def family_table(dataset: Dataset, selection: Selection) -> pd.DataFrame:
    """Page 1's table: civilians killed by perpetrator family, each incident once under its group (joint
    families on their own row), largest first; the last column gives each family the civilians killed in
    every incident it took part in, alone or jointly (a family that acted only jointly gets a row of its own
    there). ``attrs['note']`` says it in a sentence for the families that took part in joint incidents."""
    figures = family_figures(dataset, selection)
    groups = figures[figures["counted"] == COUNTED_GROUP]
    took_part = figures[figures["counted"] == COUNTED_TOOK_PART].set_index("perpetrators")
    only_jointly = took_part.index.difference(groups["perpetrators"], sort=False)
    rows = pd.concat([groups, pd.DataFrame({"perpetrators": only_jointly, "incidents": 0})], ignore_index=True)

    def took_part_text(family: str) -> str:
        if family not in took_part.index:
            return ""  # a joint group: its families are on their own rows
        r = took_part.loc[family]
        return f"{figure_text(r)} in {r.incidents:,} incident{'s' if r.incidents != 1 else ''}"

    out = pd.DataFrame(
        {
            "perpetrators": rows["perpetrators"],
            "civilians killed": ["–" if pd.isna(r.count_min) else figure_text(r) for r in rows.itertuples()],
            "incidents": rows["incidents"].astype("int64"),
            TOOK_PART_COLUMN: rows["perpetrators"].map(took_part_text),
        }
    ).reset_index(drop=True)
    out.attrs["note"] = took_part_sentence(groups, took_part)
    return out


#: A family is named in the sentence under page 1's table when its joint incidents add at least this share
#: to the civilians killed (best estimate) in the incidents it carried out alone; the column lists them all.
TOOK_PART_NOTABLE = 0.25


def took_part_sentence(groups: pd.DataFrame, took_part: pd.DataFrame) -> str:
    """For each family whose figure grows notably when its joint incidents are counted: "Wagner Group /
    Africa Corps took part in incidents that killed 639 civilians (157 incidents), against 119 in the
    incidents it carried out alone"."""
    alone = groups.set_index("perpetrators")
    parts = []
    for family, r in took_part.iterrows():
        own = alone["count_best"].get(family)
        if own is not None and r["count_best"] < own * (1 + TOOK_PART_NOTABLE):
            continue
        incidents = f"{r['incidents']:,} incident{'s' if r['incidents'] != 1 else ''}"
        against = (
            "all of them with another family"
            if own is None
            else f"against {figure_text(alone.loc[family])} in the incidents it carried out alone"
        )
        parts.append(f"{family} took part in incidents that killed {figure_text(r)} civilians ({incidents}), {against}")
    if not parts:
        return ""
    return (
        "Counting every incident a family took part in, alone or with another: "
        + "; ".join(parts)
        + ". An incident of two families counts for both in the last column, which therefore does not add up."
    )


def family_actors_table(dataset: Dataset, selection: Selection, top: int = 5) -> pd.DataFrame:
    """The main actors inside each family: the ``top`` actors by civilians killed in the incidents each
    took part in (an incident with two actors counts for both, so rows do not add up to the family)."""
    by_actor = aggregate(dataset, ("actor",), replace(selection, group_by="actor"), fill=False)
    by_actor = by_actor[by_actor["count_max"] > 0]
    if by_actor.empty:
        return pd.DataFrame(columns=["family", "actor", "civilians killed", "incidents"])
    labels = actor_family_labels(dataset)
    by_actor["family"] = by_actor["actor"].map(lambda a: labels[a] if a != UNKNOWN_PERPETRATOR else UNKNOWN_PERPETRATOR)
    family_total = by_actor.groupby("family")["count_best"].transform("sum")
    by_actor = by_actor.assign(family_total=family_total).sort_values(
        ["family_total", "family", "count_best", "count_max", "actor"], ascending=[False, True, False, False, True]
    )
    shown = by_actor.groupby("family", sort=False).head(top)
    hidden = by_actor.groupby("family", sort=False).size() - shown.groupby("family", sort=False).size()
    out = pd.DataFrame(
        {
            "family": shown["family"],
            "actor": shown["actor"],
            "civilians killed": [
                fmt_range(*r) for r in shown[["count_min", "count_best", "count_max"]].itertuples(index=False)
            ],
            "incidents": shown["incidents"],
        }
    ).reset_index(drop=True)
    more = hidden[hidden > 0]
    if len(more):
        extra = pd.DataFrame(
            {
                "family": more.index,
                "actor": [f"and {n:,} more actor{'s' if n > 1 else ''}" for n in more],
                "civilians killed": "",
                "incidents": "",
            }
        )
        out = pd.concat([out, extra]).reset_index(drop=True)
        order = {f: i for i, f in enumerate(dict.fromkeys(shown["family"]))}
        out = out.sort_values("family", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
    # The family is written once, on its first row.
    out.loc[out["family"].duplicated(), "family"] = ""
    return out


def event_type_table(dataset: Dataset, selection: Selection, estimate: str = "best") -> pd.DataFrame:
    """Civilians killed by kind of violence, largest first, with a column per perpetrator family."""
    frame = event_type_frame(dataset, selection)
    if frame.empty:
        return pd.DataFrame()
    totals = aggregate(dataset, ("how",), selection, fill=False).set_index("how")
    totals = totals[(totals["count_max"] > 0) | (totals["incidents_without_figure"] > 0)]
    totals = totals.sort_values(["count_best", "count_max"], ascending=False)
    column = ESTIMATE_COLUMN[estimate]
    cells = frame.pivot_table(index="how", columns="actor", values=column, aggfunc="sum").reindex(totals.index)
    family_order = frame.groupby("actor")[column].sum().sort_values(ascending=False)
    family_order = [f for f in family_order.index if family_order[f] > 0]
    out = pd.DataFrame(index=totals.index)
    out["civilians killed"] = [figure_text(r) for r in totals.itertuples()]
    out["incidents"] = totals["incidents"]
    for family in family_order:
        out[family] = cells[family].map(lambda v: "–" if pd.isna(v) or v == 0 else f"{int(v):,}")
    return out.rename_axis("kind of violence").reset_index()


def event_type_frame(dataset: Dataset, selection: Selection) -> pd.DataFrame:
    """The frame behind the event-type chart: civilians killed by kind of violence and family."""
    return aggregate(dataset, ("how", "actor"), replace(selection, group_by="family"), fill=False)


DEADLIEST_SUMMARY_CHARACTERS = 280


def deadliest_incidents(dataset: Dataset, selection: Selection, count: int = 15) -> pd.DataFrame:
    """The ``count`` incidents with the highest best estimate of civilians killed, with what the
    sources say happened (for ACLED events, their notes), shortened at a word boundary. Built once per
    dataset and arguments (the report and its spreadsheet export both show it)."""
    return dataset.once(
        ("deadliest_incidents", selection, count), lambda: _deadliest_incidents(dataset, selection, count)
    )


def _deadliest_incidents(dataset: Dataset, selection: Selection, count: int) -> pd.DataFrame:
    # One row per attack: the records of an episode (one attack a dataset split) are listed once, with their
    # days, their ids and the coded figures summed; the range their notes state is shown beside, never added.
    table = episode_table(dataset, selection)
    rows = table[table["count_best"].fillna(0) > 0]
    rows = rows.sort_values(
        ["count_best", "count_max", "start_date", "episode_id"], ascending=[False, False, True, True]
    )
    rows = rows.head(count)
    columns = ["date", "place", "perpetrators", "attribution", "civilians killed", "what happened", "id"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    labels = actor_family_labels(dataset)
    facts = incident_facts(dataset, selection)
    episode_of = facts.loc[facts["episode_id"].isin(rows["episode_id"])].set_index("incident_id")["episode_id"]
    perps = dataset.perpetrators[dataset.perpetrators["incident_id"].isin(episode_of.index)]
    perps = perps[perps["role"].isin(("primary", "joint", "associated"))]
    family = perps["actor"].map(labels)
    # "Wagner Group (Wagner Group / Africa Corps)" says nothing more: the family only where it adds.
    redundant = pd.Series([a in f for a, f in zip(perps["actor"], family, strict=True)], index=perps.index)
    named = (
        perps["actor"]
        .where(redundant, perps["actor"] + " (" + family + ")")
        .groupby(perps["incident_id"].map(episode_of))
        .agg(lambda s: "; ".join(dict.fromkeys(s)))
    )
    summary = rows["summary"].where(rows["summary"].notna() & (rows["summary"].astype(str) != ""), rows["title"])
    out = pd.DataFrame(
        {
            "date": [date_window_text(a, b) for a, b in zip(rows["start_date"], rows["end_date"], strict=True)],
            "place": [
                ", ".join(str(v) for v in (loc, region) if isinstance(v, str) and v) or "not established"
                for loc, region in zip(rows["location_name"], rows["admin1"], strict=True)
            ],
            "perpetrators": rows["episode_id"].map(named).fillna("not identified"),
            "attribution": rows["grade"].map(words),
            "civilians killed": [episode_killed_text(r) for r in rows.itertuples(index=False)],
            "what happened": summary.fillna("").map(shorten),
            "id": [episode_ids_text(r) for r in rows.itertuples(index=False)],
        }
    )
    return out.reset_index(drop=True)


def episode_killed_text(row) -> str:
    """An episode_table row's civilians killed: the coded range, over how many records, and the range the
    notes state for the whole attack ('388 in 3 records; the notes say 150–600')."""
    text = fmt_range(row.count_min, row.count_best, row.count_max)
    if row.records > 1:
        text += f" in {row.records:,} records"
    if pd.notna(row.reported_min):
        high = "" if pd.isna(row.reported_max) else f"–{int(row.reported_max):,}"
        text += f"; the notes say {int(row.reported_min):,}{high}"
    return text


def episode_ids_text(row) -> str:
    """An episode_table row's id: the incident's, or the episode's with its records' ids."""
    if not row.is_episode:
        return row.episode_id
    return f"{row.episode_id} (records {row.record_ids.replace('; ', ', ')})"


def shorten(text: str, limit: int = DEADLIEST_SUMMARY_CHARACTERS) -> str:
    """Text cut at the last word boundary before ``limit`` characters, with an ellipsis; line breaks as spaces."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + " …"


def with_ranges(frame: pd.DataFrame, label: str = "civilians killed") -> pd.DataFrame:
    out = frame.drop(columns=["count_min", "count_best", "count_max"]).copy()
    out.insert(
        len(out.columns) - 2,
        label,
        # Missing is never zero: a row whose incidents all lack a figure says so instead of printing 0.
        [figure_text(r) for r in frame.itertuples(index=False)]
        if "incidents_without_figure" in frame
        else [fmt_range(*r) for r in frame[["count_min", "count_best", "count_max"]].itertuples(index=False)],
    )
    return out


def region_table(dataset: Dataset, selection: Selection) -> pd.DataFrame:
    result = aggregate(dataset, ("region",), selection).sort_values("count_best", ascending=False)
    return with_ranges(result).rename(columns={"incidents_without_figure": "without a figure"})


ACTOR_REGION_ROWS = 15


def actor_region_table(dataset: Dataset, selection: Selection, rows: int = ACTOR_REGION_ROWS) -> pd.DataFrame:
    """Best estimate (min-max) of civilians killed, perpetrators down (the ``rows`` largest, most
    killings first), regions across (most killings first)."""
    result = aggregate(dataset, ("actor", "region"), selection, fill=False)
    if result.empty:
        return pd.DataFrame()
    result["cell"] = [
        fmt_range(*r) if r[1] or r[2] else "–"
        for r in result[["count_min", "count_best", "count_max"]].itertuples(index=False)
    ]
    by_actor = (
        result.groupby("actor")[["count_best", "count_max"]]
        .sum()
        .sort_values(["count_best", "count_max"], ascending=False)
    )
    by_region = result.groupby("region")["count_best"].sum().sort_values(ascending=False, kind="stable")
    table = (
        result.pivot(index="actor", columns="region", values="cell")
        .reindex(index=by_actor.index[:rows], columns=by_region.index)
        .fillna("–")
        .rename_axis(index="perpetrators", columns=None)
    )
    hidden = len(by_actor) - rows
    if hidden > 0:
        table.loc[f"and {hidden:,} more (in the tables for spreadsheets)"] = ""
    return table


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
    return out.rename_axis("perpetrators").reset_index()


def other_harms_table(dataset: Dataset, selection: Selection) -> pd.DataFrame:
    """Harm other than killing, by perpetrator group, with units."""
    rows = []
    for harm in OTHER_HARMS:
        result = aggregate(dataset, ("actor",), selection, harm=harm, fill=False)
        for r in result.itertuples():
            rows.append(
                {"harm": HARMS[harm], "perpetrators": r.actor, "count": figure_text(r), "incidents": r.incidents}
            )
    return pd.DataFrame(rows, columns=["harm", "perpetrators", "count", "incidents"])


def period_totals(dataset: Dataset, selection: Selection) -> pd.DataFrame:
    """NGO period totals overlapping the selected dates, one row per figure, in the source's words. Built
    once per dataset and selection (the headline, the report and its export all use it)."""
    return dataset.once(("period_totals", selection), lambda: _period_totals(dataset, selection))


def _period_totals(dataset: Dataset, selection: Selection) -> pd.DataFrame:
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
    # Only the period totals' own rows, each table grouped once (large imports hold few or no period totals).
    p = dataset.perpetrators[dataset.perpetrators["incident_id"].isin(inc["incident_id"])]
    perps = (p["actor"] + " (" + p["attribution"].map(words) + ")").groupby(p["incident_id"]).agg("; ".join)
    publishers = (
        dataset.sources[dataset.sources["incident_id"].isin(inc["incident_id"])]
        .groupby("incident_id")["publisher"]
        .agg(lambda s: ", ".join(dict.fromkeys(s)))
    )
    figures = inc.merge(dataset.casualties, on="incident_id", how="inner")
    columns = ["record", "reported by", "period", "attributed to", "harm", "figure", "lowest figure"]
    if figures.empty:
        return pd.DataFrame(columns=columns)
    return pd.DataFrame(
        {
            "record": figures["incident_id"],
            "reported by": figures["incident_id"].map(publishers).fillna(""),
            "period": figures["start_date"].dt.strftime("%b %Y") + " – " + figures["end_date"].dt.strftime("%d %b %Y"),
            "attributed to": figures["incident_id"].map(perps).fillna(""),
            "harm": figures["harm"].map(HARMS),
            "figure": figures["count_text"],
            "lowest figure": figures["count_min"].map(lambda n: "" if pd.isna(n) else f"{int(n):,}"),
        },
        columns=columns,
    ).reset_index(drop=True)


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
            rows.append(
                {
                    "table": TABLES[table_name].path,
                    "column": words(column),
                    "meaning": plain_codes(FIELDS[column].description),
                }
            )
    return pd.DataFrame(rows)


def coverage(dataset: Dataset, selection: Selection) -> dict[str, pd.Series]:
    """How precise and complete the selected events are."""
    facts = incident_facts(dataset, selection)
    # The same civilian-killed figures as the headline and every chart, not a second filter of casualties.
    figures = facts_with_figures(dataset, selection)
    return {
        "date precision": facts["date_precision"].map(words).value_counts(),
        "location precision": facts["location_precision"].map(words).value_counts(),
        "killings": pd.Series(
            {
                "events reporting civilians killed": len(figures),
                "of which with no figure": int((~figures["has_figure"]).sum()),
                "of which with no upper bound": int((~figures["has_upper_bound"]).sum()),
                "events with no region": int(facts["admin1"].isna().sum()),
            }
        ),
        "attribution": facts["grade"].map(words).value_counts(),
    }
