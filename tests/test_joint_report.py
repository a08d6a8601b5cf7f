"""Joint operations on a real-shape ACLED export: imported as joint groups, counted once under the group on
page 1, and credited to every force that took part ("took part in incidents that killed ..."), in the
HTML, in tables/killed_by_family.csv and in the incident annex's data."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.data.dataset import load_dataset
from analysis.importers.run import run_import
from analysis.measure.aggregate import aggregate
from analysis.measure.selection import make_selection
from analysis.report import tables

sys.path.insert(0, str(Path(__file__).parent))
import synthetic

EVENTS = 2000
WAGNER = "Wagner Group / Africa Corps"
JOINT = "Malian state forces + Wagner Group / Africa Corps"


@pytest.fixture(scope="module")
def joint_import(tmp_path_factory):
    folder = tmp_path_factory.mktemp("joint")
    raw = synthetic.write_acled_joint(folder / "acled.csv", EVENTS, seed=3)
    run_import("acled", raw, folder / "data")
    return raw, folder / "data"


def plain_recount(raw: Path, pattern: str = "wagner|africacorps") -> tuple[int, int]:
    """Civilians killed, and events with any, in the raw file's civilian-targeting events (ACLED's flag, or
    civilians as actor2) that name the force as actor or associated actor, with plain pandas."""
    source = pd.read_csv(raw, dtype=str, keep_default_na=False)
    civilian = source["civilian_targeting"].eq("Civilian targeting") | source["inter2"].eq("7")
    civilian &= ~source["event_type"].isin(["Protests"])
    # The export's typing slips (case, spaces, doubled letters) folded away, as the importer folds them.
    keys = [
        source[c].str.lower().str.replace(r"[^a-z]", "", regex=True).str.replace(r"([a-z])\1+", r"\1", regex=True)
        for c in ("actor1", "assoc_actor_1", "actor2", "assoc_actor_2")
    ]
    named = pd.concat([k.str.contains(pattern) for k in keys], axis=1).any(axis=1)
    deaths = pd.to_numeric(source.loc[civilian & named, "fatalities"])
    return int(deaths.sum()), int((deaths > 0).sum())


def test_took_part_in_equals_a_plain_recount_of_the_raw_file(joint_import):
    raw, data = joint_import
    d = load_dataset(data)
    figures = tables.family_figures(d, make_selection(d)).set_index(["counted", "perpetrators"])
    took_part = figures.loc[(tables.COUNTED_TOOK_PART, WAGNER)]
    assert (took_part["count_best"], took_part["incidents"]) == plain_recount(raw)
    # Most of the force's deaths are in joint operations, which the group rows count under the joint group.
    alone = figures.loc[(tables.COUNTED_GROUP, WAGNER), "count_best"]
    joint = figures.loc[(tables.COUNTED_GROUP, JOINT), "count_best"]
    assert alone < joint < took_part["count_best"]
    # The group rows count each incident once: they add up to the total.
    groups = figures.loc[tables.COUNTED_GROUP]
    assert groups["count_best"].sum() == aggregate(d, (), make_selection(d))["count_best"].iloc[0]


def test_identity_labels_are_descriptions_not_perpetrators(joint_import):
    _, data = joint_import
    d = load_dataset(data)
    assert not d.actors["actor"].str.contains("Pastoralists|Ethnic Group").any()
    described = d.perpetrators.dropna(subset=["actor_description"])
    assert described["actor_description"].str.contains("Fulani Ethnic Group (Mali)", regex=False).any()
    assert set(described.loc[described["role"] == "primary", "actor"]) >= {"JNIM"}


@pytest.mark.slow
def test_rendered_report_credits_joint_operations_to_both_forces(joint_import, tmp_path):
    from analysis.report.render import render

    raw, data = joint_import
    killed, incidents = plain_recount(raw)
    result = render(out_dir=tmp_path, parameters={"data_dir": str(data)}, formats=("html",), slug="joint")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", result.files["html"].read_text(encoding="utf-8")))
    assert f"{WAGNER} took part in incidents that killed {killed:,} civilians ({incidents:,} incidents)" in text
    assert JOINT in text

    family = pd.read_csv(result.directory / "tables" / "killed_by_family.csv", encoding="utf-8-sig")
    assert list(family.columns[:5]) == ["counted", "perpetrators", "count_min", "count_best", "count_max"]
    assert set(family["counted"]) == {tables.COUNTED_GROUP, tables.COUNTED_TOOK_PART}
    rows = family.set_index(["counted", "perpetrators"])
    assert rows.loc[(tables.COUNTED_TOOK_PART, WAGNER), "count_best"] == killed
    assert rows.loc[(tables.COUNTED_GROUP, JOINT), "count_best"] > 0
    assert pd.api.types.is_integer_dtype(family["count_best"])

    # Every exported table carries its figures as numbers.
    for path in (result.directory / "tables").glob("killed_*.csv"):
        frame = pd.read_csv(path, encoding="utf-8-sig")
        assert all(pd.api.types.is_numeric_dtype(frame[c]) for c in ("count_min", "count_best", "count_max")), path

    # The annex's family filter finds a joint operation under both families.
    annex = json.loads((result.directory / "tables" / "incidents.json").read_text(encoding="utf-8"))
    column = annex["columns"].index("families")
    families = [set(str(row[column]).split("; ")) for row in annex["rows"]]
    assert sum({"state_forces", "russian_forces"} <= f for f in families) >= incidents // 2
