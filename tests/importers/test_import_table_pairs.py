"""`import table` on a list as analysts keep it: victims by status in column pairs, unknown perpetrators,
places by code, name or journey, dates in pieces, counts in words, slips warned about (issue 11)."""

from pathlib import Path

import pandas as pd
import pytest

from analysis.data.dataset import load_dataset
from analysis.importers.count_grammar import read_counts
from analysis.importers.mapping import load_mapping
from analysis.importers.reading import InputFileError
from analysis.importers.run import run_import
from analysis.measure.aggregate import incident_figures

from conftest import ROOT, TESTS

FIXTURE = TESTS / "fixtures" / "table" / "liste_incidents_fr.csv"
MAPPING = ROOT / "examples" / "mappings" / "liste_incidents_fr.yml"

EXPECTED_INCIDENTS = """\
incident_id,start_date,end_date,date_precision,admin1,admin2,location_name,location_precision,event_type,is_civilian_targeting
liste-fr-101,2024-01-05,2024-01-05,day,Mopti,Ténenkou,Dioura,exact,attack,true
liste-fr-102,2024-01-12,2024-01-12,day,Mopti,Douentza,Boni,exact,armed_clash,false
liste-fr-103,2024-01-20,2024-01-20,day,Mopti,Bankass,Ogossagou,exact,attack,true
liste-fr-104,2024-02-02,2024-02-02,day,Kidal,,Kidal -> Aguelhok,multiple,remote_explosive,false
liste-fr-105,2024-02-14,2024-02-14,day,Tombouctou,,Tombouctou,exact,attack,true
liste-fr-106,2024-02-25,2024-02-25,day,Tombouctou,Niafunké,Léré,exact,abduction_forced_disappearance,true
liste-fr-107,2024-03-03,2024-03-03,day,Gao,Ansongo,Talataye,exact,armed_clash,false
liste-fr-108,2024-03-09,2024-03-09,day,Gao,Gao,Amasrakad,exact,air_drone_strike,true
liste-fr-109,2024-03-18,2024-03-18,day,Kidal,,Anéfis,exact,armed_clash,false
liste-fr-110,2024-04-01,2024-04-01,day,Ménaka,Ménaka,Tidermène,exact,attack,true
liste-fr-111,2024-04-08,2024-04-08,day,Mopti,Mopti,Sévaré,exact,remote_explosive,true
liste-fr-112,2024-04-15,2024-04-15,day,Kidal,,Tessalit,exact,armed_clash,false
liste-fr-113,2024-04-22,2024-04-22,day,Mopti,Djenné,Kouakourou,exact,attack,true
liste-fr-114,2024-05-02,2024-05-02,day,Ségou,,Niono,exact,attack,true
liste-fr-115,2024-05-10,2024-05-10,day,Mopti,Douentza,Hombori,exact,attack,true
liste-fr-116,2024-05-19,2024-05-19,day,Ségou,,Niono -> Diabaly,multiple,armed_clash,false
liste-fr-117,2024-06-01,2024-06-01,day,Ségou,Macina,Kalala,exact,attack,true
liste-fr-118,2024-06-12,2024-06-12,day,Mopti,Koro,Dinangourou,exact,attack,true
liste-fr-119,2024-06-20,2024-06-20,day,Bandiagara,,Bandiagara,exact,abduction_forced_disappearance,true
liste-fr-120,2024-07-04,2024-07-04,day,Ménaka,Ménaka,Andéramboukane,exact,attack,true
liste-fr-121,2019-07-15,2019-07-15,day,Mopti,Douentza,Mondoro,exact,attack,true
liste-fr-99999,2024-07-28,2024-07-28,day,Tombouctou,Goundam,Tonka,exact,attack,true
liste-fr-123,2024-08-01,2024-08-31,month,Kidal,,Tinzaouatène,exact,air_drone_strike,true
liste-fr-124,2024-01-01,2024-12-31,year,Koulikoro,Kati,,admin2,attack,true
liste-fr-125,2024-09-01,2024-09-01,day,Bamako,Bamako,Bamako,exact,armed_clash,false
liste-fr-126,2024-09-10,2024-09-10,day,Mopti,Ténenkou,Diafarabé,exact,attack,true
liste-fr-127,2024-09-21,2024-09-21,day,Ségou,,Ségou,exact,looting_property_destruction,true
liste-fr-128,2024-10-02,2024-10-02,day,Gao,,Ansongo,exact,attack,true
liste-fr-129,2024-10-15,2024-10-15,day,Nara,Nara,Nara,exact,attack,true
liste-fr-130,2024-11-03,2024-11-03,day,Kidal,,Kidal,exact,attack,true
liste-fr-131,2024-11-20,2024-11-20,day,Gao,,Gao -> Ansongo,multiple,attack,true
liste-fr-132,2024-12-05,2024-12-05,day,Sikasso,,Koutiala,exact,attack,true
"""

EXPECTED_PERPETRATORS = """\
incident_id,actor,role
liste-fr-101,JNIM,primary
liste-fr-102,JNIM,primary
liste-fr-106,JNIM,primary
liste-fr-107,MSA,primary
liste-fr-107,GATIA,opponent
liste-fr-108,FAMa,primary
liste-fr-109,CSP-DPA,primary
liste-fr-109,GATIA,opponent
liste-fr-110,Islamic State Sahel,primary
liste-fr-112,JNIM,primary
liste-fr-113,Dozo militias,primary
liste-fr-115,FAMa,primary
liste-fr-115,Wagner Group,joint
liste-fr-116,JNIM,primary
liste-fr-117,JNIM,primary
liste-fr-120,Islamic State Sahel,primary
liste-fr-121,JNIM,primary
liste-fr-123,FAMa,primary
liste-fr-125,JNIM,primary
liste-fr-127,JNIM,primary
liste-fr-129,FAMa,primary
liste-fr-132,JNIM,primary
"""

EXPECTED_CASUALTIES = """\
incident_id,harm,victim_status,victim_group,count_min,count_best,count_max,count_text
liste-fr-101,killed,civilian,all,3,3,,count_morts_1=3 (civil)
liste-fr-101,killed,combatant,all,2,2,,count_morts_2=2 (soldat)
liste-fr-102,killed,combatant,all,10,10,,count_morts_1=4 (militaire); count_morts_2=6 (djihadiste)
liste-fr-102,injured,combatant,all,3,3,,count_blesses_1=3 (militaire)
liste-fr-103,killed,civilian,all,12,12,,count_morts_1=12 (civil)
liste-fr-103,killed,unknown,all,5,5,,count_morts_2=2 (ND); nbr_morts=17 less 14 in pairs
liste-fr-104,killed,combatant,all,2,2,,count_morts_1=2 (casque bleu)
liste-fr-104,killed,combatant,peacekeepers,2,2,,count_morts_1=2 (casque bleu)
liste-fr-104,injured,combatant,all,4,4,,count_blesses_1=4 (casque bleu)
liste-fr-104,injured,combatant,peacekeepers,4,4,,count_blesses_1=4 (casque bleu)
liste-fr-105,killed,civilian,all,1,1,,count_morts_1=1 (civil)
liste-fr-106,disappeared,civilian,all,3,3,,trois civils enlevés
liste-fr-107,killed,combatant,all,7,7,,count_morts_1=4 (combattant (MSA)); count_morts_2=3 (GATIA)
liste-fr-108,killed,civilian,all,8,8,,count_morts_1=8 (civil)
liste-fr-108,killed,combatant,all,2,2,,count_morts_2=2 (terroriste)
liste-fr-108,injured,civilian,all,5,5,,count_blesses_1=5 (civil)
liste-fr-109,killed,civilian,all,2,2,,count_morts_1=2 (civil)
liste-fr-109,killed,combatant,all,4,4,,count_morts_2=3 (rebelle); count_morts_3=1 (GATIA)
liste-fr-110,killed,civilian,all,15,15,,count_morts_1=15 (civil)
liste-fr-111,killed,unknown,all,2,2,,2 morts (dont le maire)
liste-fr-112,injured,combatant,all,7,7,,7 blessés (casques bleus)
liste-fr-112,injured,combatant,peacekeepers,7,7,,7 blessés (casques bleus)
liste-fr-113,killed,civilian,all,12,12,,au moins 12 civils tués
liste-fr-114,killed,unknown,all,3,3,,trois tués
liste-fr-115,killed,unknown,all,,,,deces: oui
liste-fr-116,killed,combatant,all,13,13,,count_morts_1=5 (soldat); count_morts_2=8 (assaillant)
liste-fr-116,injured,combatant,all,2,2,,count_blesses_1=2 (soldat)
liste-fr-117,killed,civilian,all,6,6,,count_morts_1=4 (civil); count_morts_2=2 (prisonnier (civil))
liste-fr-117,killed,civilian,detainees,2,2,,count_morts_2=2 (prisonnier (civil))
liste-fr-118,killed,civilian,all,9,9,,count_morts_1=9 (civil)
liste-fr-119,disappeared,unknown,all,5,5,,5 enlevés
liste-fr-120,killed,civilian,all,25,25,,count_morts_1=20 (civil); count_morts_2=5 (civil)
liste-fr-121,killed,civilian,all,6,6,,count_morts_1=6 (civil)
liste-fr-99999,killed,civilian,all,2,2,,count_morts_1=2 (civil)
liste-fr-123,killed,civilian,all,21,21,,count_morts_1=21 (civil)
liste-fr-124,killed,civilian,all,1,1,,count_morts_1=1 (civil)
liste-fr-125,killed,combatant,all,10,10,,count_morts_1=7 (gendarme); count_morts_2=3 (assaillant)
liste-fr-126,killed,unknown,all,12,12,,a dozen killed
liste-fr-128,killed,unknown,all,4,4,,nbr_morts=4 less 0 in pairs
liste-fr-129,killed,civilian,all,3,3,,count_morts_1=3 (civil)
liste-fr-130,killed,civilian,all,3,3,,count_morts_1=2 (civil); count_morts_2=1 (prisonnier (civil))
liste-fr-130,killed,civilian,detainees,1,1,,count_morts_2=1 (prisonnier (civil))
liste-fr-130,injured,civilian,all,1,1,,count_blesses_1=1 (civil)
liste-fr-131,killed,civilian,all,3,3,,count_morts_1=3 (civil)
liste-fr-132,killed,unknown,all,2,2,,"2 morts, 3 blessés"
liste-fr-132,injured,unknown,all,3,3,,"2 morts, 3 blessés"
"""

EXPECTED_REJECTS = """\
line,record_id,reason
34,133,invalid date: '2024-2-30' (year-month-day columns; expected a real date)
"""


def table_text(path: Path, columns: list[str]) -> str:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return frame[columns].to_csv(index=False, lineterminator="\n")


def columns_of(expected: str) -> list[str]:
    return expected.splitlines()[0].split(",")


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    out = tmp_path_factory.mktemp("pairs") / "out"
    return run_import("table", FIXTURE, out, mapping=MAPPING), out


def test_fixture_gives_exact_tables(imported):
    _, out = imported
    for name, expected in (
        ("incidents", EXPECTED_INCIDENTS),
        ("perpetrators", EXPECTED_PERPETRATORS),
        ("casualties", EXPECTED_CASUALTIES),
        ("rejects", EXPECTED_REJECTS),
    ):
        assert table_text(out / f"{name}.csv", columns_of(expected)) == expected, name


def test_ledger_rows_and_deaths_by_status(imported):
    result, _out = imported
    assert (result.rows_read, result.rows_written, result.rows_rejected) == (33, 32, 1)
    assert (result.deaths_read, result.deaths_written, result.deaths_rejected) == (212, 210, 2)
    assert result.balanced()
    casualties = result.casualties
    killed = casualties[(casualties["harm"] == "killed") & (casualties["victim_group"] == "all")]
    by_status = killed.groupby("victim_status")["count_best"].sum().to_dict()
    assert by_status == {"civilian": 132, "combatant": 50, "unknown": 28}
    # groups are subsets of all: never added to it
    assert casualties[casualties["victim_group"] != "all"]["victim_group"].unique().tolist() == [
        "peacekeepers",
        "detainees",
    ]


def test_every_incident_in_a_region_and_unknown_perpetrators_unknown(imported):
    result, out = imported
    incidents = pd.read_csv(out / "incidents.csv", dtype=str, keep_default_na=False)
    assert (incidents["admin1"] != "").all()
    perpetrators = pd.read_csv(out / "perpetrators.csv", dtype=str, keep_default_na=False)
    assert "Unidentified armed group" not in set(perpetrators["actor"])
    assert "liste-fr-103" not in set(perpetrators["incident_id"])  # ND: no actor invented
    assert not result.unmatched_actors and not result.unmatched_regions


def test_slips_and_disagreements_are_listed_with_their_line(imported):
    result, out = imported
    warnings = result.warnings
    assert warnings["line"].tolist() == [4, 19, 22, 23]
    assert warnings["warning"].str.split(":").str[0].tolist() == [
        "total differs from its pairs",
        "total differs from its pairs",
        "date far from the rest of the file",
        "id looks like a placeholder",
    ]
    report = (out / "import_report.txt").read_text(encoding="utf-8")
    assert "line 22: date far from the rest of the file: 2019-07-15" in report
    assert "rows where a total differs from its pairs: 2" in report
    assert "      20  rule 5 (attack)" in report


def test_the_report_counts_the_civilian_toll_of_the_pairs(imported):
    _, out = imported
    figures = incident_figures(load_dataset(out))
    assert int(figures["count_best"].sum()) == 132


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2 morts (dont le maire)", [("killed", "unknown", "all", 2)]),
        ("trois tués", [("killed", "unknown", "all", 3)]),
        (
            "7 blessés (casques bleus)",
            [("injured", "combatant", "all", 7), ("injured", "combatant", "peacekeepers", 7)],
        ),
        ("au moins 12 civils tués", [("killed", "civilian", "all", 12)]),
        ("a dozen killed", [("killed", "unknown", "all", 12)]),
        ("2 morts, 3 blessés", [("killed", "unknown", "all", 2), ("injured", "unknown", "all", 3)]),
        ("situation tendue", []),
    ],
)
def test_counts_in_words(text, expected):
    assert read_counts(text) == expected


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("date: {year: Y}\ngroups: [{harm: killed, status: s, count: 'c{k}', k: 1..2, values: {a: civilian}}]\n",
         "key 'groups.0': expected {k} in both status and count"),
        ("date: {year: Y}\ngroups: [{harm: killed, status: 's{k}', count: 'c{k}', k: [1], values: {a: civil}}]\n",
         "key 'groups.0.values.a.victim_status': expected one of civilian, combatant, unknown; got 'civil'"),
        ("date: {year: Y}\nevent_type: {rules: [{when: {T: {begins: x}}, value: attack}]}\n",
         "key 'event_type.rules.0.when.T.begins': not allowed here; expected one of is, contains, starts_with, empty"),
        ("date: {column: D, year: Y}\n", "key 'date': expected either column or year/month/day, not both"),
    ],
)  # fmt: skip
def test_new_keys_are_checked(tmp_path, yaml_text, expected):
    mapping = tmp_path / "m.yml"
    mapping.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(InputFileError) as err:
        load_mapping(mapping)
    assert expected in str(err.value)


def test_mapping_reference_is_generated_from_the_models():
    from analysis.importers.mapping_model import mapping_reference_markdown

    docs = ROOT / "docs" / "mapping-reference.md"
    assert docs.read_text(encoding="utf-8") == mapping_reference_markdown()
    assert "whole words" in docs.read_text(encoding="utf-8")


# -- status words and counts the mapping cannot read: warned about, never dropped -----------------------------

MESSY_MAPPING = """\
dataset: messy
id: id
date: {year: y}
event_type: {value: attack}
groups:
  - harm: killed
    status: "s{k}"
    count: "c{k}"
    k: 1..2
    total: total
    values: {civil: civilian, soldat: combatant, ND: unknown}
"""

MESSY_ROWS = """\
id,y,s1,c1,s2,c2,total
1,2024,civil,ND,soldat,2,
2,2024,civils,3,,,3
3,2024,civil,3?,civil,env. 10,
4,2024,Civil,au moins 4,soldat,?,ND
5,2024,,5,civil,,5
"""


def test_unlisted_status_words_and_unreadable_counts_are_warned_and_kept(tmp_path):
    mapping, data = tmp_path / "m.yml", tmp_path / "messy.csv"
    mapping.write_text(MESSY_MAPPING, encoding="utf-8")
    data.write_text(MESSY_ROWS, encoding="utf-8")
    result = run_import("table", data, tmp_path / "out", mapping=mapping)
    assert table_text(
        tmp_path / "out" / "casualties.csv", ["incident_id", "victim_status", "count_best", "count_text"]
    ) == (
        "incident_id,victim_status,count_best,count_text\n"
        "messy-1,civilian,,c1=ND (civil)\n"
        "messy-1,combatant,2,c2=2 (soldat)\n"
        "messy-2,unknown,3,c1=3 (civils)\n"
        "messy-3,civilian,13,c1=3? (civil); c2=env. 10 (civil)\n"
        "messy-4,civilian,4,c1=au moins 4 (Civil)\n"
        "messy-4,combatant,,c2=? (soldat)\n"
        "messy-5,unknown,5,c1=5 (no status)\n"
    )
    assert result.warnings[["line", "warning"]].values.tolist() == [
        [2, "count 'ND' in c1 cannot be read as a figure: written as victims reported with no figure"],
        [3, "status word 'civils' in s1 is not listed under groups.0.values: written as status unknown"],
        [4, "count '3?' in c1 is not a plain number: read as 3 (the question mark is kept in count_text)"],
        [4, "count 'env. 10' in c2 is not a plain number: read as 10"],
        [5, "count 'au moins 4' in c1 is not a plain number: read as 4"],
        [5, "count '?' in c2 cannot be read as a figure: written as victims reported with no figure"],
        [5, "count 'ND' in total cannot be read as a figure: the pairs are not checked against it"],
    ]
    assert (result.deaths_read, result.deaths_written, result.deaths_rejected) == (27, 27, 0)
