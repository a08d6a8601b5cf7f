"""Actor families: the listed aliases, the declared rules for unknown names, and the import report."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.data.families import classify_keys, load_rules, matching_key
from analysis.data.rule_tables import RuleTableError
from analysis.data.schema import ACTOR_FAMILIES
from analysis.importers.output import Resolver, reference_tables
from analysis.importers.run import run_import

sys.path.insert(0, str(Path(__file__).parent))
import synthetic

FIXTURE = Path(__file__).parent / "fixtures" / "acled_actor_families.csv"


def families_through_resolver(names: list[str], inter: list | None = None) -> pd.DataFrame:
    resolver = Resolver(reference_tables())
    series = pd.Series(names, dtype=object)
    codes = None if inter is None else pd.Series(inter, dtype=object)
    actors = resolver.actor_names(series, codes, origin="test")
    family_of = resolver.family_of()
    table = resolver.actor_families().drop_duplicates("actor").set_index("actor")
    return pd.DataFrame(
        {
            "name": names,
            "actor": actors,
            "family": actors.map(family_of),
            "family_basis": actors.map(table["family_basis"]),
        }
    )


# --- real ACLED names ----------------------------------------------------------------------------------


def test_fixture_lists_over_100_distinct_real_names():
    fixture = pd.read_csv(FIXTURE, dtype=str, keep_default_na=False)
    assert len(fixture) >= 100
    assert fixture["name"].is_unique
    assert set(fixture["family"]) <= set(ACTOR_FAMILIES)
    assert (fixture["note"] != "").all()


def test_every_real_acled_name_lands_in_its_family():
    fixture = pd.read_csv(FIXTURE, dtype=str, keep_default_na=False)
    got = families_through_resolver(list(fixture["name"]))
    wrong = got[got["family"].to_numpy() != fixture["family"].to_numpy()]
    assert wrong.empty, "\n" + wrong.assign(expected=fixture.loc[wrong.index, "family"]).to_string()
    assert not got["family_basis"].str.startswith("not classified").any()


def test_ambiguous_and_or_names_are_kept_apart_with_their_candidates():
    got = families_through_resolver(
        [
            "JNIM: Group for Support of Islam and Muslims and/or Islamic State (Sahel)",
            "Islamic State (Greater Sahara) and/or Ansaroul Islam",
            "Fulani Ethnic Militia (Mali) and/or Dogon Ethnic Militia (Mali)",
        ]
    )
    assert list(got["family"]) == ["unidentified", "unidentified", "militias"]
    assert list(got["family_basis"]) == [
        "ambiguous: jnim or islamic_state",
        "ambiguous: islamic_state or jnim",
        "rule: name joining several actors with and/or, every part militias",
    ]
    # Each stays its own actor, never merged into JNIM or Islamic State Sahel.
    assert list(got["actor"][:2]) == list(got["name"][:2])


def test_listed_names_resolve_to_the_listed_actor():
    got = families_through_resolver(
        [
            "Police Forces of Mali (2021-) Gendarmerie",
            "Islamic State (Greater Sahara)",
            "Al Mourabitoune Battalion",
            "MINUSMA: United Nations Multidimensional Integrated Stabilization Mission in Mali (2013-)",
            "GATIA: Imghad Tuareg and Allies Self-Defense Group",
        ]
    )
    assert list(got["actor"]) == ["Malian gendarmerie", "Islamic State Sahel", "Al Mourabitoune", "MINUSMA", "GATIA"]
    assert (got["family_basis"] == "listed").all()


# --- typing slips --------------------------------------------------------------------------------------


def test_matching_key_folds_case_spaces_accents_and_doubled_letters():
    keys = matching_key(
        pd.Series(["Millitary Forces of Mali (2021-)", "MILITARY FORCES OF MALI (2021-)  ", " Forces armées maliennes"])
    )
    # Doubled letters are folded everywhere, in names and aliases alike: "maliennes" -> "malienes".
    assert list(keys) == ["military forces of mali 2021", "military forces of mali 2021", "forces armes malienes"]


def test_slips_still_find_the_listed_actor():
    got = families_through_resolver(
        [
            "Millitary Forces of Mali (2021-)",
            "MilitaryForces of Mali (2013-2020)",
            "  katiba macina",
            "Islamic State(Greater Sahara)",
            "AnsarDine",
        ]
    )
    assert list(got["actor"]) == ["FAMa", "FAMa", "Katiba Macina", "Islamic State Sahel", "Ansar Dine"]


def test_slips_of_an_unknown_name_are_one_actor_under_the_first_spelling():
    got = families_through_resolver(
        ["Djenne Communal Militia (Mali)", "Djenne Comunal Militia (Mali)", "DJENNE COMMUNAL MILITIA (MALI) "]
    )
    assert set(got["actor"]) == {"Djenne Communal Militia (Mali)"}
    assert set(got["family_basis"]) == {"rule: ethnic or communal militia suffix"}


# --- rules and inter codes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "inter", "family", "basis"),
    [
        ("Sikasso Communal Militia (Mali)", None, "militias", "rule: ethnic or communal militia suffix"),
        ("Military Forces of Mali (2026-)", None, "state_forces", "rule: Malian forces (ACLED regime dates and suffixes)"),
        ("Police Forces of Mali (2026-) National Guard", None, "state_forces", "rule: Malian forces (ACLED regime dates and suffixes)"),
        ("Katiba Hanifa", None, "jnim", "rule: JNIM components and predecessors"),
        ("Military Forces of Senegal (2012-)", None, "foreign_forces", "rule: other countries' forces"),
        ("Somebody (Mali)", "1", "state_forces", "rule: ACLED inter code 1 (state forces of Mali)"),
        ("Somebody Else", "1", "foreign_forces", "rule: ACLED inter code 1 (state forces of another country)"),
        ("Somebody Else", "4", "militias", "rule: ACLED inter code 4 (identity militia)"),
        ("Somebody Else", "7", "other", "rule: ACLED inter code 7 (civilians)"),
        ("Somebody Else", "8", "foreign_forces", "rule: ACLED inter code 8 (external or other forces)"),
        ("Somebody Else", None, "unidentified", "not classified: no rule matched"),
        ("Fulani Ethnic Group (Mali)", "4", "militias", "rule: ethnic group coded as an identity militia"),
        ("Fulani Ethnic Group (Mali)", "7", "other", "rule: ethnic or religious group (not a militia)"),
    ],
)  # fmt: skip
def test_rule_for_an_unknown_name(name, inter, family, basis):
    got = families_through_resolver([name], [inter])
    assert (got.loc[0, "family"], got.loc[0, "family_basis"]) == (family, basis)


def test_name_rules_win_over_the_inter_code():
    got = families_through_resolver(["Sikasso Communal Militia (Mali)"], ["8"])
    assert got.loc[0, "family"] == "militias"


def test_the_most_common_inter_code_of_a_name_is_used():
    got = families_through_resolver(["Somebody Else"] * 3, ["8", "4", "4"])
    assert got.loc[0, "family"] == "militias"


def test_classify_keys_is_one_pass_per_rule_over_distinct_keys():
    keys = matching_key(pd.Series(["Katiba Macina", "Unknown Thing", "Dogon Ethnic Militia (Mali)"]))
    out = classify_keys(keys)
    assert list(out["family"]) == ["jnim", "unidentified", "militias"]


def test_every_rule_family_is_a_known_family_or_split():
    for rule in load_rules():
        assert rule.family in ACTOR_FAMILIES or rule.family == "split"


def test_a_bad_rules_file_is_refused_with_its_line(tmp_path):
    bad = tmp_path / "rules.csv"
    bad.write_text("rule,family,pattern,inter,example\nx,not_a_family,^x,,x\n", encoding="utf-8")
    with pytest.raises(RuleTableError, match=r"rules.csv:2: family 'not_a_family'"):
        load_rules(bad)
    bad.write_text("rule,family,pattern,inter,example\nx,militias,,,x\n", encoding="utf-8")
    with pytest.raises(RuleTableError, match="neither a pattern nor an inter code"):
        load_rules(bad)


def test_every_listed_actor_has_a_family():
    actors = reference_tables()["actors"]
    assert actors["family"].isin(list(ACTOR_FAMILIES)).all()


# --- imports -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def synthetic_import(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("families")
    path = synthetic.write_acled(tmp / "export.csv", 10_000, "2023", seed=1)
    result = run_import("acled", path, tmp / "out")
    return result, tmp / "out"


def test_synthetic_export_every_actor_in_a_family(synthetic_import):
    _, out = synthetic_import
    actors = pd.read_csv(out / "reference" / "actors.csv", dtype=str, keep_default_na=False)
    perpetrators = pd.read_csv(out / "perpetrators.csv", dtype=str, keep_default_na=False)
    used = actors[actors["actor"].isin(perpetrators["actor"])]
    assert set(perpetrators["actor"]) <= set(actors["actor"])
    assert used["family"].isin(list(ACTOR_FAMILIES)).all()
    assert not used["family_basis"].str.startswith("not classified").any()
    unmatched = actors[actors["actor_type"] == "unmatched"]
    assert unmatched["family_basis"].str.match(r"^(rule|ambiguous): ").all()


def test_report_family_counts_recount_with_plain_pandas(synthetic_import):
    _, out = synthetic_import
    report = json.loads((out / "import_report.json").read_text(encoding="utf-8"))["families"]
    perpetrators = pd.read_csv(out / "perpetrators.csv", dtype=str)
    casualties = pd.read_csv(out / "casualties.csv", dtype=str)
    actors = pd.read_csv(out / "reference" / "actors.csv", dtype=str, keep_default_na=False).set_index("actor")
    ambiguous = actors["family_basis"].str.startswith("ambiguous: ")
    group = actors["family"].where(~ambiguous, "ambiguous")
    perpetrators["group"] = perpetrators["actor"].map(group)
    rows = perpetrators.groupby("group").size()
    killed = casualties[(casualties["harm"] == "killed") & (casualties["victim_group"] == "all")]
    deaths = pd.to_numeric(killed["count_best"]).groupby(killed["incident_id"]).sum()
    primary = perpetrators[perpetrators["role"] == "primary"]
    by_group = primary["incident_id"].map(deaths).fillna(0).groupby(primary["group"]).sum()
    for group_name, entry in report.items():
        assert entry["rows"] == rows[group_name], group_name
        assert entry["deaths"] == by_group.get(group_name, 0), group_name
    assert "ambiguous" in report
    assert sum(entry["rows"] for entry in report.values()) == len(perpetrators)
    text = (out / "import_report.txt").read_text(encoding="utf-8")
    assert "actor families" in text and "ambiguous (names joining several families" in text


def test_ucdp_sample_sides_get_families(tmp_path):
    sample = Path(__file__).parents[2] / "shared" / "samples" / "ucdp_ged_candidate_v26_0_7_mali.csv"
    if not sample.is_file():
        pytest.skip("the UCDP sample is not beside the project")
    result = run_import("ucdp", sample, tmp_path / "out")
    table = result.family_table().set_index("actor")
    assert table.loc["FAMa", "family"] == "state_forces"
    assert table.loc["JNIM", "family"] == "jnim"
    assert table.loc["Dozo militias", "family"] == "militias"
    assert not result.unmatched_actors
