"""What changed between two builds of a report: incidents added, withdrawn and revised, new sources, and
how the headline figures moved.

A build is summed up by a ``Snapshot``: the report's resolved parameters, its headline figures, one row
per counted incident (ids, dates, place, perpetrators, grade, civilians killed) and one row per source.
``compare`` takes two snapshots and returns tidy tables, built from whole columns (a merge on
``incident_id`` and one comparison per field), never one incident at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..data.dataset import Dataset
from .aggregate import REGION_NOT_ESTABLISHED, incident_facts, incident_figures
from .selection import Selection

#: What a snapshot keeps of each incident, in order. Counts are civilians killed (min, best, max), empty
#: where the sources give no figure.
INCIDENT_COLUMNS = [
    "incident_id",
    "title",
    "start_date",
    "end_date",
    "region",
    "place",
    "perpetrators",
    "grade",
    "killed_min",
    "killed_best",
    "killed_max",
]
SOURCE_COLUMNS = ["incident_id", "source"]
#: The fields whose change makes an incident "revised", in the order changes are listed.
REVISED_FIELDS = [c for c in INCIDENT_COLUMNS if c not in ("incident_id", "title")]
KILLED = ["killed_min", "killed_best", "killed_max"]
#: Headline figures a snapshot keeps (the report's tables.Headline fields of the same names).
HEADLINE_FIGURES = [
    "killed_min",
    "killed_best",
    "killed_max",
    "incidents",
    "incidents_with_killings",
    "incidents_without_figure",
    "actors",
    "regions",
    "period_totals",
]
#: Parameters that leave the selection as it was: how the report looks, and where its data is read (a newer
#: export of the same data is what a comparison is for). When only these differ, the two builds count the
#: same selection and their figures are compared like for like.
SAME_SELECTION_PARAMETERS = ("title", "period", "group_by", "estimate", "data_dir")
#: Parts of a headline figure's movement, in the order they are explained.
PARTS = ("added", "withdrawn", "raised", "lowered")


@dataclass(frozen=True)
class Snapshot:
    """What one build counted."""

    build: str
    parameters: dict
    headline: dict
    incidents: pd.DataFrame
    sources: pd.DataFrame


def selection_parameters(selection: Selection, **presentation) -> dict:
    """The selection as plain values (dates as ISO text, lists sorted), plus presentation parameters."""
    values = {
        "start_date": selection.start.date().isoformat() if selection.start is not None else "",
        "end_date": selection.end.date().isoformat() if selection.end is not None else "",
        "actors": sorted(selection.actors),
        "regions": sorted(selection.regions),
        "min_attribution": selection.min_attribution,
        "attribution": selection.attribution,
        "period": selection.period,
        "group_by": selection.group_by,
    }
    return {**values, **presentation}


def incident_snapshot(dataset: Dataset, selection: Selection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The selected incidents (INCIDENT_COLUMNS) and their sources (SOURCE_COLUMNS), sorted by id."""
    facts = incident_facts(dataset, selection)
    figures = incident_figures(dataset).drop_duplicates("incident_id").set_index("incident_id")
    incidents = pd.DataFrame(
        {
            "incident_id": facts["incident_id"],
            "title": facts["title"],
            "start_date": _iso(facts["start_date"]),
            "end_date": _iso(facts["end_date"]),
            "region": facts["region"].where(facts["region"] != REGION_NOT_ESTABLISHED),
            "place": facts["location_name"],
            "perpetrators": facts["perpetrator_group"],
            "grade": facts["grade"],
        }
    )
    for column, counts in zip(KILLED, ("count_min", "count_best", "count_max"), strict=True):
        incidents[column] = facts["incident_id"].map(figures[counts]).astype("Int64")
    incidents = incidents.astype({c: object for c in INCIDENT_COLUMNS if c not in KILLED})
    incidents = incidents.sort_values("incident_id", kind="stable").reset_index(drop=True)
    src = dataset.sources[dataset.sources["incident_id"].isin(incidents["incident_id"])]
    sources = pd.DataFrame(
        {"incident_id": src["incident_id"], "source": src["publisher"].fillna("") + ": " + src["title"].fillna("")}
    )
    sources = sources.drop_duplicates().sort_values(SOURCE_COLUMNS, kind="stable").reset_index(drop=True)
    return incidents.where(incidents.notna(), None), sources


def _iso(dates: pd.Series) -> pd.Series:
    return pd.to_datetime(dates).dt.strftime("%Y-%m-%d").astype(object).where(dates.notna(), None)


@dataclass
class Changes:
    """The changes from ``before`` to ``after``; every table is empty when there is nothing to compare."""

    before_build: str | None
    after_build: str
    comparable: bool
    parameters: pd.DataFrame  # parameter, before, after
    headline: pd.DataFrame  # figure, before, after, change
    explanation: pd.DataFrame  # figure, part (PARTS), incidents, change
    added: pd.DataFrame  # incident_id, title, killed_min, killed_best, killed_max
    withdrawn: pd.DataFrame  # the same
    revised: pd.DataFrame  # incident_id, title, field, before, after
    new_sources: pd.DataFrame  # incident_id, title, source
    counts: dict = field(default_factory=dict)

    @property
    def first_build(self) -> bool:
        return self.before_build is None

    @property
    def any(self) -> bool:
        """Whether anything at all differs between the two builds."""
        return not self.first_build and bool(
            len(self.parameters) or sum(len(t) for t in (self.added, self.withdrawn, self.revised, self.new_sources))
        )

    def digest(self) -> dict:
        """The changes as JSON-ready values (changes.json)."""
        tables = ("parameters", "headline", "explanation", "added", "withdrawn", "revised", "new_sources")
        return {
            "before": self.before_build,
            "after": self.after_build,
            "first_build": self.first_build,
            "comparable": self.comparable,
            "counts": self.counts,
            **{name: _records(getattr(self, name)) for name in tables},
        }


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts of plain Python values: numbers as int where whole, missing as None."""
    plain = frame.astype(object).where(frame.notna(), None)
    return [{k: _plain(v) for k, v in row.items()} for row in plain.to_dict("records")]


def _plain(value):
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def normalised(snapshot: Snapshot) -> Snapshot:
    """The snapshot with one set of column types whatever it was built or read from: every INCIDENT_COLUMNS
    and SOURCE_COLUMNS column present, counts as Int64 (text that is not a number is missing), everything else
    as object with None for missing, headline figures as int or None. Every comparison and every sentence
    about it can then rely on these types, even when a build has no incident, or no figure at all (an empty
    or all-missing column would otherwise keep whatever type the reader guessed for it)."""
    incidents = snapshot.incidents.reindex(columns=INCIDENT_COLUMNS)
    counts = {c: pd.to_numeric(incidents[c].astype(object), errors="coerce").astype("Float64") for c in KILLED}
    text = incidents[[c for c in INCIDENT_COLUMNS if c not in KILLED]].astype(object)
    incidents = text.where(text.notna(), None).assign(
        **{c: values.round().astype("Int64") for c, values in counts.items()}
    )[INCIDENT_COLUMNS]
    sources = snapshot.sources.reindex(columns=SOURCE_COLUMNS).astype(object).fillna("")
    headline = {f: _figure(snapshot.headline.get(f)) for f in HEADLINE_FIGURES}
    return Snapshot(snapshot.build, dict(snapshot.parameters), headline, incidents.reset_index(drop=True), sources)


def _figure(value) -> int | None:
    number = pd.to_numeric(pd.Series([value], dtype=object), errors="coerce").iloc[0]
    return None if pd.isna(number) else int(number)


def _no_incidents() -> pd.DataFrame:
    return pd.DataFrame(
        {c: pd.Series(dtype="Int64" if c in KILLED else object) for c in ["incident_id", "title", *KILLED]}
    )


def compare(before: Snapshot | None, after: Snapshot) -> Changes:
    """The changes from ``before`` (None: the first build) to ``after``; any two snapshots compare (see
    ``normalised``), whatever their tables hold."""
    after = normalised(after)
    if before is None:
        empty = pd.DataFrame()
        return Changes(None, after.build, False, empty, empty, empty, _no_incidents(), _no_incidents(), empty, empty)
    before = normalised(before)
    parameters = _parameter_changes(before.parameters, after.parameters)
    comparable = bool(parameters["parameter"].isin(SAME_SELECTION_PARAMETERS).all())
    headline = pd.DataFrame(
        {
            "figure": HEADLINE_FIGURES,
            "before": [before.headline.get(f) for f in HEADLINE_FIGURES],
            "after": [after.headline.get(f) for f in HEADLINE_FIGURES],
        }
    )
    headline = headline.astype({"before": "Int64", "after": "Int64"})
    headline["change"] = headline["after"] - headline["before"]
    if not comparable:  # another selection: its incidents differ by design, so they are not listed as changes
        empty = pd.DataFrame()
        return Changes(
            before.build,
            after.build,
            False,
            parameters,
            headline,
            empty,
            _no_incidents(),
            _no_incidents(),
            empty,
            empty,
        )
    old = before.incidents.set_index("incident_id")
    new = after.incidents.set_index("incident_id")
    added = after.incidents[~after.incidents["incident_id"].isin(old.index)]
    withdrawn = before.incidents[~before.incidents["incident_id"].isin(new.index)]
    common = new.index.intersection(old.index)
    revised = _revisions(old.loc[common], new.loc[common], new.loc[common, "title"])
    seen = before.sources.assign(seen=True)
    sources = after.sources[after.sources["incident_id"].isin(common)].merge(seen, how="left", on=SOURCE_COLUMNS)
    new_sources = sources[sources["seen"].isna()][SOURCE_COLUMNS]
    new_sources.insert(1, "title", new_sources["incident_id"].map(new["title"]))
    short = ["incident_id", "title", *KILLED]
    changes = Changes(
        before.build,
        after.build,
        True,
        parameters,
        headline,
        _explanation(added, withdrawn, revised),
        added[short].reset_index(drop=True),
        withdrawn[short].reset_index(drop=True),
        revised,
        new_sources.reset_index(drop=True),
    )
    changes.counts = {
        "added": len(changes.added),
        "withdrawn": len(changes.withdrawn),
        "revised": int(revised["incident_id"].nunique()),
        "new_sources": len(changes.new_sources),
        "parameters": len(parameters),
    }
    return changes


def _parameter_changes(before: dict, after: dict) -> pd.DataFrame:
    names = sorted(set(before) | set(after))
    frame = pd.DataFrame(
        {"parameter": names, "before": [before.get(n) for n in names], "after": [after.get(n) for n in names]}
    )
    return frame[frame["before"] != frame["after"]].reset_index(drop=True)


def _revisions(old: pd.DataFrame, new: pd.DataFrame, titles: pd.Series) -> pd.DataFrame:
    """One row per incident and field whose value differs (missing equals missing)."""
    a, b = old[REVISED_FIELDS].astype(object), new[REVISED_FIELDS].astype(object)
    differs = (a != b) & ~(a.isna() & b.isna())
    flags = differs.stack()
    index = flags.index[flags.to_numpy(dtype=bool)]
    revised = pd.DataFrame(
        {
            "incident_id": index.get_level_values(0),
            "title": titles.reindex(index.get_level_values(0)).to_numpy(),
            "field": index.get_level_values(1),
            "before": a.stack().reindex(index).to_numpy() if len(index) else [],
            "after": b.stack().reindex(index).to_numpy() if len(index) else [],
        }
    )
    order = {f: i for i, f in enumerate(REVISED_FIELDS)}
    revised = revised.assign(o=revised["field"].map(order)).sort_values(["incident_id", "o"], kind="stable")
    return revised.drop(columns="o").reset_index(drop=True)


def _explanation(added: pd.DataFrame, withdrawn: pd.DataFrame, revised: pd.DataFrame) -> pd.DataFrame:
    """How each count of civilians killed moved, part by part: new incidents, withdrawn ones, counts
    raised and counts lowered. The parts add up to the change of the headline figure."""
    counts = revised[revised["field"].isin(KILLED)]
    delta = counts["after"].fillna(0).astype("int64") - counts["before"].fillna(0).astype("int64")
    parts = [
        pd.DataFrame(
            {"figure": KILLED, "part": "added", "incidents": len(added), "change": added[KILLED].sum().to_numpy()}
        ),
        pd.DataFrame(
            {
                "figure": KILLED,
                "part": "withdrawn",
                "incidents": len(withdrawn),
                "change": -withdrawn[KILLED].sum().to_numpy(),
            }
        ),
    ]
    for part, chosen in (("raised", delta > 0), ("lowered", delta < 0)):
        grouped = delta[chosen].groupby(counts.loc[chosen, "field"])
        parts.append(
            pd.DataFrame({"incidents": grouped.size(), "change": grouped.sum()})
            .reindex(KILLED, fill_value=0)
            .rename_axis("figure")
            .reset_index()
            .assign(part=part)
        )
    explanation = pd.concat(parts, ignore_index=True)[["figure", "part", "incidents", "change"]]
    explanation = explanation[explanation["incidents"] > 0].astype({"incidents": "int64", "change": "int64"})
    order = {f: i for i, f in enumerate(KILLED)}
    explanation = explanation.assign(o=explanation["figure"].map(order)).sort_values(["o"], kind="stable")
    return explanation.drop(columns="o").reset_index(drop=True)
