"""What an import produced, and the ledger that accounts for every row it read."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..data.columns import REPEATED_ID_RULE

REJECT_COLUMNS = ["line", "record_id", "reason"]
WARNING_COLUMNS = ["line", "record_id", "warning"]


@dataclass
class ImportResult:
    """Tables in the project's schema (only the columns an importer knows; the rest are filled empty),
    plus what was merged, rejected or not matched on the way."""

    source_file: Path
    dataset: str
    shape: str
    rows_read: int
    incidents: pd.DataFrame
    perpetrators: pd.DataFrame
    casualties: pd.DataFrame
    sources: pd.DataFrame
    rows_merged: int = 0
    rejects: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REJECT_COLUMNS))
    unmatched_actors: Counter = field(default_factory=Counter)
    unmatched_regions: Counter = field(default_factory=Counter)
    #: Actors not in the reference table, added to the output's actors.csv under their own name.
    new_actors: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: Every actor the import can name, with its family and family_basis (listed or the rule that gave it).
    actor_families: pd.DataFrame = field(default_factory=pd.DataFrame)
    deaths_read: int = 0
    deaths_rejected: int = 0
    notes: list[str] = field(default_factory=list)
    #: Against the earlier import in the same output directory, if any (importers.diff.ImportDiff).
    import_diff: object | None = None
    #: Values kept as written that look like slips (line, record_id, warning): never silently fixed.
    warnings: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=WARNING_COLUMNS))
    #: What the episode grouping did (importers.episodes.EpisodeSummary), once it has run.
    episodes: object | None = None

    @property
    def rows_written(self) -> int:
        # Episode rows group records already written: they are not rows of the file.
        if "record_type" not in self.incidents:
            return len(self.incidents)
        return int(self.incidents["record_type"].ne("episode").sum())

    @property
    def rows_rejected(self) -> int:
        return len(self.rejects)

    @property
    def deaths_written(self) -> int:
        killed = self.casualties[(self.casualties["harm"] == "killed") & (self.casualties["victim_group"] == "all")]
        return int(pd.to_numeric(killed["count_best"], errors="coerce").fillna(0).sum())

    def balanced(self) -> bool:
        rows_ok = self.rows_read == self.rows_written + self.rows_merged + self.rows_rejected
        return rows_ok and self.deaths_read == self.deaths_written + self.deaths_rejected

    def report_lines(self) -> list[str]:
        lines = [
            f"import of {self.source_file.name} ({self.shape}) as dataset '{self.dataset}'",
            f"rows read:          {self.rows_read:>9,}",
            f"incidents written:  {self.rows_written:>9,}",
            f"rows merged:        {self.rows_merged:>9,}  (exact repeats of a record, further rows of an event)",
            f"repeated ids:       {REPEATED_ID_RULE}",
            f"rows rejected:      {self.rows_rejected:>9,}  (each with its reason in rejects.csv)",
            f"balance:            {'ok' if self.balanced() else 'NOT BALANCED'}"
            f"  (read = written + merged + rejected: {self.rows_read:,} = {self.rows_written:,} + "
            f"{self.rows_merged:,} + {self.rows_rejected:,})",
            f"deaths in the file: {self.deaths_read:>9,}  (each event counted once)",
            f"deaths written:     {self.deaths_written:>9,}",
            f"deaths rejected:    {self.deaths_rejected:>9,}",
        ]
        if self.episodes is not None:
            lines += self.episodes.lines()
        if self.rows_rejected:
            lines.append("rejections by reason:")
            reasons = self.rejects["reason"].map(lambda r: r.split(":")[0]).value_counts()
            lines += [f"  {count:>7,}  {reason}" for reason, count in reasons.items()]
        for counter, what in (
            (self.unmatched_actors, "actors not in the reference table (kept under their own name; rows):"),
            (self.unmatched_regions, "regions not in the reference table (region left empty, place kept; rows):"),
        ):
            if counter:
                lines.append(what)
                lines += [f"  {count:>7,}  {name}" for name, count in counter.most_common()]
        lines += family_report_lines(self.family_table())
        if len(self.warnings):
            lines.append(f"warnings ({len(self.warnings):,} rows kept as written; check them):")
            lines += [
                f"  line {w.line}: {w.warning}" + (f" [id {w.record_id}]" if isinstance(w.record_id, str) else "")
                for w in self.warnings.itertuples()
            ]
        lines += self.notes
        if self.import_diff is not None:
            lines += self.import_diff.lines()
        return lines

    def family_table(self) -> pd.DataFrame:
        """Per actor named in the perpetrators: family, basis, rows, and the incidents and deaths where it is primary."""
        return family_table(self.perpetrators, self.casualties, self.actor_families)

    def report_json(self) -> str:
        return json.dumps(
            {
                "source_file": str(self.source_file),
                "dataset": self.dataset,
                "shape": self.shape,
                "rows_read": self.rows_read,
                "incidents_written": self.rows_written,
                "rows_merged": self.rows_merged,
                "rows_rejected": self.rows_rejected,
                "balanced": self.balanced(),
                "deaths_read": self.deaths_read,
                "deaths_written": self.deaths_written,
                "deaths_rejected": self.deaths_rejected,
                "episodes": self.episodes.as_json() if self.episodes is not None else None,
                "unmatched_actors": dict(self.unmatched_actors.most_common()),
                "unmatched_regions": dict(self.unmatched_regions.most_common()),
                "families": family_report_json(self.family_table()),
                "notes": self.notes,
                "compared_with_earlier_import": self.import_diff.as_json() if self.import_diff is not None else None,
                "warnings": self.warnings.astype(object).where(self.warnings.notna(), None).to_dict("records"),
            },
            indent=2,
            ensure_ascii=False,
        )


FAMILY_COLUMNS = ["actor", "family", "family_basis", "rows", "incidents", "deaths", "civilian_deaths"]
_ACTORS_SHOWN = 12


def family_table(perpetrators: pd.DataFrame, casualties: pd.DataFrame, families: pd.DataFrame) -> pd.DataFrame:
    """Grouped once: perpetrator rows per actor, and the deaths (best figure) of the incidents it is primary in."""
    if perpetrators.empty or families.empty:
        return pd.DataFrame(columns=FAMILY_COLUMNS)
    killed = casualties[(casualties["harm"] == "killed") & (casualties["victim_group"] == "all")]
    best = pd.to_numeric(killed["count_best"], errors="coerce").fillna(0)
    per_incident = pd.DataFrame(
        {
            "deaths": best.groupby(killed["incident_id"]).sum(),
            "civilian_deaths": best.where(killed["victim_status"] == "civilian", 0)
            .groupby(killed["incident_id"])
            .sum(),
        }
    )
    primary = perpetrators[perpetrators["role"] == "primary"].join(per_incident, on="incident_id")
    table = pd.DataFrame({"rows": perpetrators.groupby("actor").size()})
    table["incidents"] = primary.groupby("actor")["incident_id"].nunique()
    table[["deaths", "civilian_deaths"]] = primary.groupby("actor")[["deaths", "civilian_deaths"]].sum()
    table = table.fillna(0).astype("int64").reset_index()
    kinds = families.drop_duplicates("actor").set_index("actor")[["family", "family_basis"]]
    table = table.join(kinds, on="actor")
    table["family"] = table["family"].fillna("unidentified")
    table["family_basis"] = table["family_basis"].fillna("not classified")
    return table.sort_values(["family", "rows"], ascending=[True, False])[FAMILY_COLUMNS].reset_index(drop=True)


def _ambiguous(table: pd.DataFrame) -> pd.Series:
    return table["family_basis"].fillna("").str.startswith("ambiguous: ")


def family_report_lines(table: pd.DataFrame) -> list[str]:
    if table.empty:
        return []
    from ..data.schema import ACTOR_FAMILIES

    lines = [
        "actor families (perpetrator rows; incidents and deaths where the actor is the primary perpetrator):",
    ]
    ambiguous = _ambiguous(table)
    groups = [
        (code, label, table[(table["family"] == code) & ~ambiguous]) for code, (label, _) in ACTOR_FAMILIES.items()
    ]
    groups.append(("ambiguous", "names joining several families with and/or, counted apart", table[ambiguous]))
    for code, label, part in groups:
        if part.empty:
            continue
        lines.append(
            f"  {code} ({label}): {len(part):,} actor(s), {part['rows'].sum():,} rows, "
            f"{part['incidents'].sum():,} incidents, {part['deaths'].sum():,} deaths "
            f"({part['civilian_deaths'].sum():,} civilians)"
        )
        for row in part.head(_ACTORS_SHOWN).itertuples():
            lines.append(f"    {row.rows:>7,} rows {row.deaths:>7,} deaths  {row.actor}  [{row.family_basis}]")
        if len(part) > _ACTORS_SHOWN:
            lines.append(f"    ... and {len(part) - _ACTORS_SHOWN:,} more (import_report.json lists them all)")
    return lines


def family_report_json(table: pd.DataFrame) -> dict:
    ambiguous = _ambiguous(table)
    out: dict = {}
    for code, part in [*table[~ambiguous].groupby("family", sort=False), ("ambiguous", table[ambiguous])]:
        if part.empty:
            continue
        out[code] = {
            "actors": len(part),
            "rows": int(part["rows"].sum()),
            "incidents": int(part["incidents"].sum()),
            "deaths": int(part["deaths"].sum()),
            "civilian_deaths": int(part["civilian_deaths"].sum()),
            "actor_list": part.drop(columns="family").to_dict("records"),
        }
    return out


def rejects_frame(lines, record_ids, reasons) -> pd.DataFrame:
    return pd.DataFrame({"line": list(lines), "record_id": list(record_ids), "reason": list(reasons)})
