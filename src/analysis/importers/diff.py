"""What a re-import changed: events added, removed and revised, by id, against the earlier import in the same
output directory, so that an event the source withdrew is visible in the import report, not silently gone.

Both imports are compared as the CSV text they write (so a value compares equal exactly when it would be
written the same): incidents field by field after a merge on ``incident_id``; casualties, perpetrators and
sources row by row (an incident whose rows differ, in any order, is revised in that table).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..data.schema import TABLES

#: What each incident is compared on: its own row, then its rows in the casualties, perpetrators and sources.
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


def import_diff(earlier: Path, current: dict[str, pd.DataFrame], earlier_file: str) -> ImportDiff:
    """Compare the earlier import's output directory with the tables about to be written, each cell as the
    text its CSV file holds (``output.tables_as_text``): nothing just written is read back."""
    old_tables = _read(earlier)
    new_tables = {name: _comparable(name, current[name].fillna("").astype("str")) for name in PARTS}
    old, new = _per_incident(old_tables), _per_incident(new_tables)
    added = new.loc[new.index.difference(old.index)]
    removed = old.loc[old.index.difference(new.index)]
    common = new.index.intersection(old.index)
    compared = [c for c in new.columns if c != "deaths"]
    differs = old.loc[common, compared].ne(new.loc[common, compared])
    for name in PARTS[1:]:
        differs[name] = common.isin(_changed_incidents(old_tables[name], new_tables[name]))
    changed = differs.any(axis=1).to_numpy()
    ids = common[changed]
    # the names of the differing fields and tables, one column at a time: "event_date, casualties"
    names = pd.Series("", index=ids)
    for column in differs.columns:
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


def _read(directory: Path) -> dict[str, pd.DataFrame]:
    """The output's tables as the text it wrote, without the columns that are not compared."""
    return {
        name: _comparable(name, pd.read_csv(Path(directory) / TABLES[name].path, dtype=str, keep_default_na=False))
        for name in PARTS
    }


def _comparable(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=list(NOT_COMPARED.get(name, ())), errors="ignore")


def _changed_incidents(old: pd.DataFrame, new: pd.DataFrame) -> pd.Index:
    """Incidents with a row in one table and not in the other (a hashed merge on every column, no per-incident work)."""
    rows = old.drop_duplicates().merge(new.drop_duplicates(), how="outer", indicator=True)
    return pd.Index(rows.loc[rows["_merge"] != "both", "incident_id"].unique())


def _per_incident(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per incident: its incidents.csv fields and its deaths (killed, best figure, every status)."""
    frame = tables["incidents"].set_index("incident_id").drop(columns=["dataset"], errors="ignore")
    casualties = tables["casualties"]
    killed = casualties[(casualties["harm"] == "killed") & (casualties["victim_group"] == "all")]
    best = pd.to_numeric(killed["count_best"], errors="coerce")
    frame["deaths"] = best.groupby(killed["incident_id"]).sum(min_count=1).reindex(frame.index).round().astype("Int64")
    return frame
