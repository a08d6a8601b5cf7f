"""Joint perpetrators: an armed associated actor fights beside the actor (role ``joint``), an identity
label only describes it (perpetrators.actor_description), in every ACLED layout and in UCDP."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.data.associates import classify_associates, load_rules
from analysis.data.dataset import load_dataset
from analysis.data.rule_tables import RuleTableError
from analysis.importers.run import run_import
from analysis.measure.aggregate import incident_facts

sys.path.insert(0, str(Path(__file__).parent))
import synthetic

UCDP_FIXTURE = Path(__file__).parent / "fixtures" / "ucdp" / "candidate_49_columns.csv"
PERPS = ["incident_id", "actor", "role", "actor_description"]

#: One ACLED event in the 2023 layout; each test changes the actor columns.
BASE = {
    "event_id_cnty": "MLI7000",
    "event_date": "27 March 2022",
    "year": "2022",
    "time_precision": "1",
    "disorder_type": "Political violence",
    "event_type": "Violence against civilians",
    "sub_event_type": "Attack",
    "actor1": "Military Forces of Mali (2021-)",
    "assoc_actor_1": "",
    "inter1": "1",
    "actor2": "Civilians (Mali)",
    "assoc_actor_2": "",
    "inter2": "7",
    "interaction": "17",
    "civilian_targeting": "Civilian targeting",
    "iso": "466",
    "region": "Western Africa",
    "country": "Mali",
    "admin1": "Mopti",
    "admin2": "Djenne",
    "admin3": "",
    "location": "Moura",
    "latitude": "14.1300",
    "longitude": "-4.5100",
    "geo_precision": "1",
    "source": "HRW",
    "source_scale": "International",
    "notes": "SYNTHETIC test row, not ACLED data.",
    "fatalities": "30",
    "tags": "",
    "timestamp": "1650000000",
}


def import_rows(tmp_path: Path, *changes: dict, shape: str = "2023") -> tuple[pd.DataFrame, Path]:
    """Import events (BASE with each dict's changes, ids MLI7000, MLI7001 ...) and return perpetrators."""
    events = pd.DataFrame([{**BASE, "event_id_cnty": f"MLI{7000 + i}", **c} for i, c in enumerate(changes)])
    path = tmp_path / "acled.csv"
    synthetic.acled_export_from_events(events, shape).to_csv(path, index=False)
    out = tmp_path / "out"
    run_import("acled", path, out)
    perps = pd.read_csv(out / "perpetrators.csv", dtype=str, keep_default_na=False)
    return perps[PERPS], out


def as_rows(frame: pd.DataFrame) -> list[tuple[str, ...]]:
    return [tuple(r) for r in frame.itertuples(index=False)]


# --- the declared rules -----------------------------------------------------------------------------------


def test_rules_classify_armed_actors_as_joint_and_identity_labels_as_descriptions():
    names = pd.Series(
        [
            "Wagner Group",
            "Military Forces of Mali (2021-)",
            "Dozo Communal Militia (Mali)",
            "Katiba Macina",
            "Fulani Ethnic Group (Mali)",
            "Pastoralists (Mali)",
            "Civilians (Mali)",
            "Muslim Group (Mali)",
            "Refugees/IDPs (Mali)",
        ]
    )
    assert list(classify_associates(names)["treat_as"]) == ["joint"] * 4 + ["description"] * 5


def test_rules_file_must_end_with_a_rule_for_every_other_name(tmp_path):
    bad = tmp_path / "rules.csv"
    bad.write_text("rule,treat_as,pattern,acting_as,example\nlabels,description,^civilians\\b,,Civilians\n")
    with pytest.raises(RuleTableError, match="last rule must have no pattern"):
        load_rules(bad)
    bad.write_text("rule,treat_as,pattern,acting_as,example\nall,ally,,,x\n")
    with pytest.raises(RuleTableError, match="treat_as 'ally'"):
        load_rules(bad)


# --- ACLED, per event (2023 layout) -----------------------------------------------------------------------


def test_armed_associated_actor_is_joint(tmp_path):
    perps, _ = import_rows(tmp_path, {"assoc_actor_1": "Wagner Group"})
    assert as_rows(perps) == [
        ("acled-MLI7000", "FAMa", "primary", ""),
        ("acled-MLI7000", "Wagner Group", "joint", ""),
    ]


def test_identity_labels_describe_the_actor_and_are_never_perpetrators(tmp_path):
    perps, out = import_rows(
        tmp_path,
        {
            "actor1": "JNIM: Group for Support of Islam and Muslims",
            "inter1": "2",
            "assoc_actor_1": "Fulani Ethnic Group (Mali); Pastoralists (Mali)",
        },
    )
    assert as_rows(perps) == [
        ("acled-MLI7000", "JNIM", "primary", "Fulani Ethnic Group (Mali); Pastoralists (Mali)"),
    ]
    actors = pd.read_csv(out / "reference" / "actors.csv", dtype=str)
    assert not actors["actor"].str.contains("Pastoralists|Ethnic Group").any()


def test_several_associated_actors_separated_by_semicolons(tmp_path):
    perps, _ = import_rows(
        tmp_path,
        {"assoc_actor_1": "Wagner Group; Dozo Communal Militia (Mali); Bambara Ethnic Group (Mali)"},
    )
    assert as_rows(perps) == [
        ("acled-MLI7000", "FAMa", "primary", "Bambara Ethnic Group (Mali)"),
        ("acled-MLI7000", "Wagner Group", "joint", ""),
        ("acled-MLI7000", "Dozo militias", "joint", ""),
    ]


def test_assoc_actor_2_stays_the_other_side(tmp_path):
    perps, _ = import_rows(
        tmp_path,
        {
            "event_type": "Battles",
            "sub_event_type": "Armed clash",
            "civilian_targeting": "",
            "actor1": "JNIM: Group for Support of Islam and Muslims",
            "inter1": "2",
            "actor2": "Military Forces of Mali (2021-)",
            "inter2": "1",
            "assoc_actor_2": "Wagner Group; Dogon Ethnic Group (Mali)",
        },
    )
    assert as_rows(perps) == [
        ("acled-MLI7000", "JNIM", "primary", ""),
        ("acled-MLI7000", "FAMa", "opponent", "Dogon Ethnic Group (Mali)"),
        ("acled-MLI7000", "Wagner Group", "opponent", ""),
    ]


def test_identity_label_coded_as_an_armed_actor_is_an_unnamed_militia_of_that_identity(tmp_path):
    perps, out = import_rows(tmp_path, {"actor1": "Pastoralists (Mali)", "inter1": "4"})
    assert as_rows(perps) == [
        ("acled-MLI7000", "Unidentified Communal Militia (Mali)", "primary", "Pastoralists (Mali)"),
    ]
    facts = incident_facts(load_dataset(out))
    assert list(facts["family_group"]) == ["Militias"]


def test_civilians_as_actor1_stay_victims_with_their_labels(tmp_path):
    perps, _ = import_rows(
        tmp_path,
        {
            "actor1": "Civilians (Mali)",
            "inter1": "7",
            "assoc_actor_1": "Fulani Ethnic Group (Mali)",
            "actor2": "Unidentified Armed Group (Mali)",
            "inter2": "3",
        },
    )
    assert as_rows(perps) == [("acled-MLI7000", "Unidentified armed group", "opponent", "")]


def test_joint_operation_is_one_incident_under_the_joint_family_group(tmp_path):
    _, out = import_rows(tmp_path, {"assoc_actor_1": "Wagner Group"}, {"assoc_actor_1": "Fulani Ethnic Group (Mali)"})
    facts = incident_facts(load_dataset(out)).set_index("incident_id")
    assert facts.loc["acled-MLI7000", "family_group"] == "Malian state forces + Wagner Group / Africa Corps"
    assert facts.loc["acled-MLI7001", "family_group"] == "Malian state forces"


# --- the other ACLED layouts and UCDP ---------------------------------------------------------------------


@pytest.mark.parametrize("shape", ["before_2019", "per_actor"])
def test_other_acled_layouts_give_the_same_roles(tmp_path, shape):
    perps, _ = import_rows(
        tmp_path,
        {"assoc_actor_1": "Wagner Group; Fulani Ethnic Group (Mali)"},
        {
            "event_type": "Battles",
            "sub_event_type": "Armed clash",
            "civilian_targeting": "",
            "actor1": "JNIM: Group for Support of Islam and Muslims",
            "inter1": "2",
            "actor2": "Military Forces of Mali (2021-)",
            "inter2": "1",
            "assoc_actor_2": "Wagner Group",
        },
        shape=shape,
    )
    assert as_rows(perps) == [
        ("acled-MLI7000", "FAMa", "primary", "Fulani Ethnic Group (Mali)"),
        ("acled-MLI7000", "Wagner Group", "joint", ""),
        ("acled-MLI7001", "JNIM", "primary", ""),
        ("acled-MLI7001", "FAMa", "opponent", ""),
        ("acled-MLI7001", "Wagner Group", "opponent", ""),
    ]


def test_ucdp_government_of_mali_and_russia_is_one_joint_group(tmp_path):
    out = tmp_path / "ucdp"
    run_import("ucdp", UCDP_FIXTURE, out)
    perps = pd.read_csv(out / "perpetrators.csv", dtype=str, keep_default_na=False).set_index("incident_id")
    assert as_rows(perps.loc[["ucdp-900001"], ["actor", "role"]]) == [("FAMa", "primary"), ("Wagner Group", "joint")]
    facts = incident_facts(load_dataset(out)).set_index("incident_id")
    assert facts.loc["ucdp-900001", "family_group"] == "Malian state forces + Wagner Group / Africa Corps"


def test_an_event_with_no_perpetrator_at_all_imports(tmp_path):
    perps, _ = import_rows(
        tmp_path, {"actor1": "Civilians (Mali)", "inter1": "7", "assoc_actor_1": "Pastoralists (Mali)", "actor2": ""}
    )
    assert perps.empty


def test_the_incident_list_shows_the_identity_labels_of_an_actor(tmp_path):
    from analysis.measure.selection import Selection
    from analysis.report.evidence import incident_list

    _, out = import_rows(
        tmp_path,
        {
            "actor1": "JNIM: Group for Support of Islam and Muslims",
            "inter1": "2",
            "assoc_actor_1": "Fulani Ethnic Group (Mali); Pastoralists (Mali)",
        },
    )
    listed = incident_list(load_dataset(out), Selection())
    assert listed["perpetrators (attribution)"].tolist() == [
        "JNIM (perpetrator, single source; described as Fulani Ethnic Group (Mali), Pastoralists (Mali))"
    ]
