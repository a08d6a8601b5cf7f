"""Attribution grades from the words of imported notes and from UCDP's source counts.

Every note here is written for these tests (never ACLED's text): the wordings ACLED analysts use,
with negations and mentions of another actor.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.data.attribution import (
    grade_from_notes,
    grade_from_source_count,
    load_rules,
    note_matches,
)
from analysis.data.rule_tables import RuleTableError
from analysis.importers.run import run_import

sys.path.insert(0, str(Path(__file__).parent))
import synthetic

FAMILY_OF = {
    "JNIM": "jnim",
    "Katiba Macina": "jnim",
    "Islamic State Sahel": "islamic_state",
    "FAMa": "state_forces",
    "Wagner Group": "russian_forces",
    "Dozo militias": "militias",
    "Dan Na Ambassagou": "militias",
    "French armed forces": "foreign_forces",
    "Unidentified armed group": "unidentified",
}


def graded(note: str, actor: str = "JNIM", role: str = "primary", others=()) -> pd.DataFrame:
    """The grade of ``actor`` (and of ``others``, (actor, role) pairs) on one event with ``note``."""
    rows = [(actor, role), *others]
    perpetrators = pd.DataFrame(
        {
            "incident_id": "e1",
            "actor": [a for a, _ in rows],
            "role": [r for _, r in rows],
            "attribution": "single_source",
            "attribution_basis": "ACLED codes it",
        }
    )
    out = grade_from_notes(perpetrators, pd.Series({"e1": note}), FAMILY_OF)
    return out.set_index("actor")


def grade(note: str, actor: str = "JNIM", role: str = "primary", others=()) -> str:
    return graded(note, actor, role, others).loc[actor, "attribution"]


# --- each rule ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("note", "actor", "expected"),
    [
        # hedges -> alleged
        ("On 2 March, suspected JNIM fighters set fire to granaries in a hamlet.", "JNIM", "alleged"),
        ("Presumed Katiba Macina elements stopped a lorry and killed its driver.", "Katiba Macina", "alleged"),
        ("Alleged Islamic State Sahel militants executed two herders.", "Islamic State Sahel", "alleged"),
        ("Armed men allegedly belonging to Dan Na Ambassagou burned a Fulani hamlet.", "Dan Na Ambassagou", "alleged"),
        ("Gunmen reportedly from JNIM took over the weekly market.", "JNIM", "alleged"),
        ("The attackers were believed to be Wagner mercenaries.", "Wagner Group", "alleged"),
        ("Wagner personnel allegedly tortured three detainees at the camp.", "Wagner Group", "alleged"),
        ("Relatives blamed Dozo hunters for the killing of the shepherd.", "Dozo militias", "alleged"),
        ("It remains unclear whether Wagner instructors took part in the raid.", "Wagner Group", "alleged"),
        ("Des présumés jihadistes du JNIM ont incendié des greniers.", "JNIM", "alleged"),
        # an unnamed hedge falls on the primary actor
        ("Suspected jihadists shot a village chief at dawn.", "JNIM", "alleged"),
        # claims -> acknowledged
        ("JNIM claimed responsibility for the ambush on the convoy.", "JNIM", "acknowledged"),
        ("Katiba Macina fighters claimed the attack in an audio message.", "Katiba Macina", "acknowledged"),
        ("The raid was claimed by Islamic State Sahel two days later.", "Islamic State Sahel", "acknowledged"),
        ("Le JNIM a revendiqué l'embuscade dans un communiqué.", "JNIM", "acknowledged"),
        ("L'attaque a été revendiquée par l'EIGS.", "Islamic State Sahel", "acknowledged"),
        # denials -> contested
        ("Soldiers killed nine villagers. The army denied that civilians were among the dead.", "FAMa", "contested"),
        ("The Malian army rejected the accusations in a statement.", "FAMa", "contested"),
        ("Dan Na Ambassagou denied any part in the massacre.", "Dan Na Ambassagou", "contested"),
        ("L'armée a démenti toute exécution sommaire.", "FAMa", "contested"),
        ("Des accusations démenties par l'armée malienne.", "FAMa", "contested"),
    ],
)  # fmt: skip
def test_each_rule(note, actor, expected):
    assert grade(note, actor) == expected


def test_the_deciding_words_are_kept_in_the_basis():
    out = graded("On 2 March, suspected JNIM fighters set fire to granaries.")
    assert out.loc["JNIM", "attribution_basis"] == (
        'ACLED codes it; ACLED notes: "suspected JNIM fighters set" (suspected or presumed)'
    )
    out = graded("Katiba Macina fighters claimed responsibility the next day.", "Katiba Macina")
    assert out.loc["Katiba Macina", "attribution_basis"].endswith(
        '"Katiba Macina fighters claimed responsibility" (claimed responsibility)'
    )


# --- negations ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "note",
    [
        "Gunmen killed a trader on the road. No group claimed responsibility.",
        "Gunmen killed a trader on the road. No group has claimed the attack so far.",
        "Gunmen killed a trader. The group did not claim the attack.",
        "Gunmen killed a trader. JNIM has not claimed responsibility.",
        "Gunmen killed a trader. JNIM never claimed the killing.",
        "Soldiers detained six men, who were not suspected of any link with armed groups.",
        "Those arrested were suspected of supplying fuel to militants.",
        "Aucun groupe n'a revendiqué l'attaque.",
        "The army did not deny the killings.",
        "Reportedly, the attackers came from the direction of the river on motorbikes.",
    ],
)
def test_negations_and_hedges_about_something_else_leave_the_grade(note):
    assert grade(note, "JNIM") == "single_source"
    assert grade(note, "FAMa") == "single_source"


# --- another actor -----------------------------------------------------------------------------------------


def test_a_claim_by_another_group_does_not_grade_this_one():
    note = "Gunmen attacked a military post. JNIM claimed responsibility for the attack."
    out = graded(note, "Islamic State Sahel", others=[("FAMa", "opponent")])
    assert out.loc["Islamic State Sahel", "attribution"] == "single_source"
    assert out.loc["FAMa", "attribution"] == "single_source"


def test_a_claim_grades_the_associated_actor_it_names():
    note = "Gunmen attacked a military post. JNIM claimed responsibility for the attack."
    out = graded(note, "Katiba Macina", others=[("JNIM", "associated")])
    # Katiba Macina is a JNIM component: the same family, so the claim covers it too.
    assert out.loc["JNIM", "attribution"] == "acknowledged"
    assert out.loc["Katiba Macina", "attribution"] == "acknowledged"


def test_a_hedge_about_the_victims_side_does_not_grade_the_perpetrator():
    note = "FAMa soldiers arrested four suspected JNIM members near the market."
    out = graded(note, "FAMa", others=[("JNIM", "opponent")])
    assert out.loc["FAMa", "attribution"] == "single_source"
    assert out.loc["JNIM", "attribution"] == "alleged"


def test_french_soldiers_are_not_the_malian_army():
    note = "Suspected French soldiers fired on a vehicle."
    out = graded(note, "FAMa", others=[("French armed forces", "joint")])
    assert out.loc["FAMa", "attribution"] == "single_source"
    assert out.loc["French armed forces", "attribution"] == "alleged"


def test_residents_blaming_another_group_leave_the_unidentified_primary():
    note = "Unidentified gunmen killed two men. Residents blamed Dozo hunters, but this could not be confirmed."
    out = graded(note, "Unidentified armed group", others=[("Dozo militias", "associated")])
    assert out.loc["Unidentified armed group", "attribution"] == "single_source"
    assert out.loc["Dozo militias", "attribution"] == "alleged"


def test_a_denial_outranks_a_hedge_on_the_same_actor():
    note = "Suspected Wagner mercenaries killed 20 men. Wagner denied the accusations."
    assert grade(note, "Wagner Group") == "contested"


def test_a_claim_outranks_a_hedge_on_the_same_actor():
    note = "Suspected JNIM fighters ambushed a patrol. JNIM claimed responsibility the next day."
    assert grade(note, "JNIM") == "acknowledged"


def test_notes_with_line_breaks_and_missing_notes():
    perpetrators = pd.DataFrame(
        {
            "incident_id": ["a", "b"],
            "actor": ["JNIM", "JNIM"],
            "role": "primary",
            "attribution": "single_source",
            "attribution_basis": "x",
        }
    )
    notes = pd.Series({"a": "Gunmen attacked.\nJNIM claimed\nresponsibility.", "b": None})
    out = grade_from_notes(perpetrators, notes, FAMILY_OF)
    assert list(out["attribution"]) == ["acknowledged", "single_source"]


def test_rules_file_is_complete_and_ordered_by_precedence():
    rules = load_rules()
    grades = [r.grade for r in rules]
    assert grades == sorted(grades, key=["contested", "acknowledged", "alleged"].index)
    assert {"contested", "acknowledged", "alleged"} == set(grades)


def test_a_rule_without_a_subject_group_is_refused(tmp_path):
    bad = tmp_path / "rules.csv"
    bad.write_text(
        "rule,grade,subject,trigger,pattern,example\nx,alleged,after,suspected,suspected,x\n", encoding="utf-8"
    )
    with pytest.raises(RuleTableError, match="no \\(\\?P<subject>"):
        load_rules(str(bad))


def test_note_matches_are_one_row_per_match():
    matches = note_matches(pd.Series({"e1": "Suspected JNIM men came. JNIM claimed responsibility."}))
    assert sorted(matches["rule"]) == ["claimed responsibility", "suspected or presumed"]


# --- UCDP ------------------------------------------------------------------------------------------------


def test_ucdp_source_count_and_clarity():
    perpetrators = pd.DataFrame(
        {
            "incident_id": ["u1", "u1", "u2", "u3"],
            "actor": ["FAMa", "JNIM", "JNIM", "JNIM"],
            "role": ["primary", "opponent", "primary", "primary"],
            "attribution": "single_source",
            "attribution_basis": "UCDP codes it",
        }
    )
    sources = pd.Series({"u1": "3", "u2": "1", "u3": ""})
    clarity = pd.Series({"u1": "1", "u2": "2", "u3": "1"})
    out = grade_from_source_count(perpetrators, sources, clarity)
    assert list(out["attribution"]) == ["corroborated", "corroborated", "single_source", "single_source"]
    assert out.loc[2, "attribution_basis"] == (
        "UCDP codes it; UCDP number_of_sources 1; UCDP event_clarity 2: the source gives an aggregate figure, "
        "not this event alone"
    )
    assert out.loc[3, "attribution_basis"] == "UCDP codes it"


def test_ucdp_counts_distinct_publishers_when_the_offices_name_them():
    perpetrators = pd.DataFrame(
        {
            "incident_id": ["u1", "u2", "u3"],
            "actor": "FAMa",
            "role": "primary",
            "attribution": "single_source",
            "attribution_basis": "UCDP codes it",
        }
    )
    sources = pd.Series({"u1": "2", "u2": "3", "u3": "2", "u4": "1"})
    offices = pd.Series({"u1": "@account;@account", "u2": "RFI;Kal Akal;RFI", "u3": None, "u4": "FAMa;@someone"})
    out = grade_from_source_count(
        pd.concat([perpetrators, perpetrators.head(1).assign(incident_id="u4")]), sources, offices=offices
    )
    # u4: UCDP counts one source; the offices never raise its count
    assert list(out["attribution"]) == ["single_source", "corroborated", "corroborated", "single_source"]
    assert list(out["attribution_basis"]) == [
        "UCDP codes it; UCDP number_of_sources 2, but one publisher in source_office (@account)",
        "UCDP codes it; UCDP number_of_sources 3, but 2 distinct publishers in source_office (RFI; Kal Akal)",
        "UCDP codes it; UCDP number_of_sources 2",
        "UCDP codes it; UCDP number_of_sources 1",
    ]


def test_ucdp_sample_grades_recount(tmp_path):
    sample = Path(__file__).parents[2] / "shared" / "samples" / "ucdp_ged_candidate_v26_0_7_mali.csv"
    if not sample.is_file():
        pytest.skip("the UCDP sample is not beside the project")
    run_import("ucdp", sample, tmp_path / "out")
    raw = pd.read_csv(sample, dtype=str)
    perpetrators = pd.read_csv(tmp_path / "out" / "perpetrators.csv", dtype=str)
    # Distinct publishers in source_office (the same account twice is one), else number_of_sources.
    offices = raw.set_index("ucdp-" + raw["id"])["source_office"].str.split(";").explode().str.strip().str.lower()
    distinct = offices[offices.notna() & offices.ne("")].groupby(level=0).nunique()
    sources = pd.to_numeric(raw.set_index("ucdp-" + raw["id"])["number_of_sources"])
    count = distinct.reindex(sources.index).clip(upper=sources).fillna(sources)
    expected = perpetrators["incident_id"].map(count).ge(2).map({True: "corroborated", False: "single_source"})
    assert (perpetrators["attribution"] == expected).all()


# --- on a realistic export ---------------------------------------------------------------------------------


def test_synthetic_export_gets_grades_from_its_notes(tmp_path):
    path = synthetic.write_acled(tmp_path / "export.csv", 2_000, "2023", seed=3)
    run_import("acled", path, tmp_path / "out")
    perpetrators = pd.read_csv(tmp_path / "out" / "perpetrators.csv", dtype=str)
    counts = perpetrators["attribution"].value_counts()
    assert {"alleged", "acknowledged", "contested", "single_source"} <= set(counts.index)
    graded_rows = perpetrators[perpetrators["attribution"] != "single_source"]
    # Graded by the notes' words, or corroborated by the publishers in `source`.
    by_notes = graded_rows["attribution_basis"].str.contains('ACLED notes: "')
    by_publishers = graded_rows["attribution"].eq("corroborated") & graded_rows["attribution_basis"].str.contains(
        "ACLED source: [0-9]+ distinct named publishers", regex=True
    )
    assert (by_notes | by_publishers).all()


def test_only_notes_that_may_hold_a_deciding_word_are_read_and_none_is_missed():
    from analysis.data.attribution import _may_hold_a_trigger, load_rules

    notes = pd.Series(
        [
            "Nothing decides here.",
            "JNIM DENIED any role.",
            # A non-breaking space between the two words of a trigger: Python's \s matches it, so must the filter.
            "It is unclear\u00a0whether JNIM fighters were involved.",
            "Fighters clashed.",
        ],
        dtype="str",
    )
    assert _may_hold_a_trigger(notes, load_rules()).tolist() == [False, True, True, False]
    assert note_matches(notes)[["row", "rule"]].values.tolist() == [[1, "denied"], [2, "unclear whether"]]
