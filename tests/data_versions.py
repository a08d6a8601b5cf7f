"""A second version of a data directory with one change of each kind, for the tests of what changed
between two builds: one new incident, one count raised, one incident removed, one grade changed, one new source."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

#: The incidents each change touches, in the project's curated data (data/).
RAISED = "hrw-2024-drone-strike-seven-killed"  # civilians killed 7 -> 9
REMOVED = "fla-2025-01-02-niono-vehicle"  # 8-9 civilians killed, withdrawn
REGRADED = "hrw-2024-drone-strike-seven-killed"
NEW_SOURCE = "amnesty-2024-03-17-amasrakad-drone-strikes"
ADDED = "test-2025-03-01-new-incident"  # 4 civilians killed, a copy of RAISED's shape


def _read(directory: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(directory / f"{name}.csv", dtype=str, keep_default_na=False)


def _write(frame: pd.DataFrame, directory: Path, name: str) -> None:
    frame.to_csv(directory / f"{name}.csv", index=False, lineterminator="\n")


def edited_copy(source: Path, target: Path, regrade: bool = True, new_source: bool = True) -> Path:
    """Copy ``source`` to ``target`` and make the changes named above."""
    shutil.copytree(source, target)
    incidents, casualties = _read(target, "incidents"), _read(target, "casualties")
    perpetrators, sources = _read(target, "perpetrators"), _read(target, "sources")
    tables = {"incidents": incidents, "casualties": casualties, "perpetrators": perpetrators, "sources": sources}
    tables = {name: frame[frame["incident_id"] != REMOVED] for name, frame in tables.items()}
    new = {name: frame[frame["incident_id"] == RAISED].assign(incident_id=ADDED) for name, frame in tables.items()}
    new["incidents"] = new["incidents"].assign(
        title="Test: four civilians killed in a new incident", start_date="2025-03-01", end_date="2025-03-01"
    )
    new["casualties"] = new["casualties"].assign(count_min="4", count_best="4", count_max="4")
    new["sources"] = new["sources"].assign(title="Test report of a new incident")
    tables = {name: pd.concat([frame, new[name]], ignore_index=True) for name, frame in tables.items()}
    c = tables["casualties"]
    raised = (c["incident_id"] == RAISED) & (c["harm"] == "killed") & (c["victim_group"] == "all")
    c.loc[raised, ["count_min", "count_best"]] = "9"
    if c.loc[raised, "count_max"].ne("").any():
        c.loc[raised, "count_max"] = "9"
    if regrade:
        p = tables["perpetrators"]
        p.loc[p["incident_id"] == REGRADED, "attribution"] = "corroborated"
    if new_source:
        s = tables["sources"]
        extra = s[s["incident_id"] == NEW_SOURCE].head(1).assign(publisher="Test Monitor", title="A second account")
        tables["sources"] = pd.concat([s, extra], ignore_index=True)
    for name, frame in tables.items():
        _write(frame, target, name)
    return target
