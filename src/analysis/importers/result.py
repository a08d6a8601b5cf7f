"""What an import produced, and the ledger that accounts for every row it read."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

REJECT_COLUMNS = ["line", "record_id", "reason"]


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
    deaths_read: int = 0
    deaths_rejected: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def rows_written(self) -> int:
        return len(self.incidents)

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
            f"rows merged:        {self.rows_merged:>9,}  (further rows of an event already written)",
            f"rows rejected:      {self.rows_rejected:>9,}  (each with its reason in rejects.csv)",
            f"balance:            {'ok' if self.balanced() else 'NOT BALANCED'}"
            f"  (read = written + merged + rejected: {self.rows_read:,} = {self.rows_written:,} + "
            f"{self.rows_merged:,} + {self.rows_rejected:,})",
            f"deaths in the file: {self.deaths_read:>9,}  (each event counted once)",
            f"deaths written:     {self.deaths_written:>9,}",
            f"deaths rejected:    {self.deaths_rejected:>9,}",
        ]
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
        lines += self.notes
        return lines

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
                "unmatched_actors": dict(self.unmatched_actors.most_common()),
                "unmatched_regions": dict(self.unmatched_regions.most_common()),
                "notes": self.notes,
            },
            indent=2,
            ensure_ascii=False,
        )


def rejects_frame(lines, record_ids, reasons) -> pd.DataFrame:
    return pd.DataFrame({"line": list(lines), "record_id": list(record_ids), "reason": list(reasons)})
