"""What a re-import changed: events added, removed and revised, by id, against the earlier import in the same
output directory, so that an event the source withdrew is visible in the import report, not silently gone.

Both imports are compared as the CSV text they wrote (so a value compares equal exactly when it would be
written the same), each table grouped once per incident, then merged on ``incident_id``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..data.schema import TABLES

#: What each incident is compared on: its own row, then its casualties, perpetrators and sources, each as
#: one text per incident (rows sorted, so that their order in the file does not count as a change).
PARTS = ("incidents", "casualties", "perpetrators", "sources")
#: Columns that name the imported file rather than the event: a re-import of a newer file changes them all.
NOT_COMPARED = {"sources": ("document",)}
#: How many events of each kind the text report lists (import_report.json lists them all).
LISTED = 20


@dataclass
class ImportDiff:
    earlier_file: str
    added: pd.DataFrame  # incident_id, external_id, deaths_after
    removed: pd.DataFrame  # incident_id, external_id, deaths_before
    revised: pd.DataFrame  # incident_id, external_id, changed (parts and fields), deaths_before, deaths_after

    def lines(self) -> list[str]:
        lines = [
            f"compared with the earlier import in this directory (of {self.earlier_file}): "
            f"events added {len(self.added):,}, removed {len(self.removed):,}, revised {len(self.revised):,}"
        ]
        for name, frame, detail in (
            ("removed (in the earlier import, not in this one)", self.removed, _removed_text),
            ("revised", self.revised, _revised_text),
            ("added", self.added, _added_text),
        ):
            if len(frame):
                lines.append(f"events {name}:")
                lines += [f"  {text}" for text in detail(frame.head(LISTED))]
                if len(frame) > LISTED:
                    lines.append(f"  ... and {len(frame) - LISTED:,} more (import_report.json lists them all)")
        return lines

    def as_json(self) -> dict:
        def records(frame: pd.DataFrame) -> list[dict]:
            return frame.astype(object).where(frame.notna(), None).to_dict("records")

        return {
            "earlier_file": self.earlier_file,
            "added": records(self.added),
            "removed": records(self.removed),
            "revised": records(self.revised),
        }


def _deaths(value) -> str:
    return "no figure" if value is None or pd.isna(value) else f"{int(value):,}"


def _removed_text(frame: pd.DataFrame) -> list[str]:
    return [
        f"{i} ({e}): {_deaths(d)} deaths"
        for i, e, d in frame[["incident_id", "external_id", "deaths_before"]].itertuples(index=False)
    ]


def _added_text(frame: pd.DataFrame) -> list[str]:
    return [
        f"{i} ({e}): {_deaths(d)} deaths"
        for i, e, d in frame[["incident_id", "external_id", "deaths_after"]].itertuples(index=False)
    ]


def _revised_text(frame: pd.DataFrame) -> list[str]:
    columns = ["incident_id", "external_id", "changed", "deaths_before", "deaths_after"]
    return [
        f"{i} ({e}): {c}; deaths {_deaths(b)} -> {_deaths(a)}"
        for i, e, c, b, a in frame[columns].itertuples(index=False)
    ]


def import_diff(earlier: Path, current: Path, earlier_file: str) -> ImportDiff:
    """Compare the tables of two import outputs (directories of CSV files)."""
    old, new = _per_incident(earlier), _per_incident(current)
    added = new.loc[new.index.difference(old.index)]
    removed = old.loc[old.index.difference(new.index)]
    common = new.index.intersection(old.index)
    compared = [c for c in new.columns if c != "deaths"]
    a, b = old.loc[common, compared], new.loc[common, compared]
    differs = a.ne(b)
    changed = differs.any(axis=1).to_numpy()
    ids = common[changed]
    # the names of the differing fields, one column at a time: "casualties, event_date"
    names = pd.Series("", index=ids)
    for column in compared:
        names = names + differs.loc[ids, column].map({True: column + ", ", False: ""})
    revised = pd.DataFrame(
        {
            "incident_id": list(ids),
            "external_id": new.loc[ids, "external_id"].to_numpy(),
            "changed": names.str.removesuffix(", ").to_numpy(),
            "deaths_before": old.loc[ids, "deaths"].reset_index(drop=True),
            "deaths_after": new.loc[ids, "deaths"].reset_index(drop=True),
        }
    )
    return ImportDiff(
        earlier_file=earlier_file,
        added=added[["external_id", "deaths"]].rename(columns={"deaths": "deaths_after"}).reset_index(),
        removed=removed[["external_id", "deaths"]].rename(columns={"deaths": "deaths_before"}).reset_index(),
        revised=revised,
    )


def _per_incident(directory: Path) -> pd.DataFrame:
    """One row per incident: its incidents.csv fields, one text per other table, and deaths (killed, best)."""
    tables = {
        name: pd.read_csv(Path(directory) / TABLES[name].path, dtype=str, keep_default_na=False) for name in PARTS
    }
    incidents = tables["incidents"].set_index("incident_id")
    frame = incidents.drop(columns=["dataset"], errors="ignore")
    for name in PARTS[1:]:
        rows = tables[name]
        columns = [c for c in rows.columns if c != "incident_id" and c not in NOT_COMPARED.get(name, ())]
        text = rows[columns[0]].str.cat(rows[columns[1:]], sep="|")
        ordered = pd.DataFrame({"incident_id": rows["incident_id"], "text": text}).sort_values(["incident_id", "text"])
        joined = ordered.groupby("incident_id", sort=False)["text"].agg("\n".join)
        frame[name] = joined.reindex(frame.index).fillna("")
    casualties = tables["casualties"]
    killed = casualties[(casualties["harm"] == "killed") & (casualties["victim_group"] == "all")]
    best = pd.to_numeric(killed["count_best"], errors="coerce")
    frame["deaths"] = best.groupby(killed["incident_id"]).sum(min_count=1).reindex(frame.index).round().astype("Int64")
    return frame
