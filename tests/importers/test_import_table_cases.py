"""A realistic list of each case a monitor's own list holds, in French and in English, imported with every
figure where the list puts it: counts in words with their own brackets and the mapping's status words, status
rules for words, UN period summaries, rows that are not incidents (an accident, a row in Burkina Faso), allies
in a clash, actors the tool does not know, perpetrators and regions by rule, a corrected date, a cercle not in
the reference table, zeros, and a column feeding a victim group and (implied) its all row. Not real data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.importers.mapping import load_mapping
from analysis.importers.reading import InputFileError
from analysis.importers.run import run_import

FRENCH_ROWS = """\
id,Date,Lieu,Cercle,Type,Auteurs,Type acteur,Bilan,Morts,Blessés,Victimes,Note
1,12/03/2021,Dioura,Ténenkou,Attaque,JNIM,,27 morts et 1 blessé (civils),,,,
2,05/06/2022,Tessit,Ansongo,Embuscade,EIGS,,8 morts (7 soldats et 1 civil),,,,
3,20/01/2023,Kidal,Kidal,Attaque,JNIM,,3 morts (2 casques bleus et 1 terroriste),,,,
4,02/02/2023,Bandiagara,Bandiagara,Affrontement,Dan Na Ambassagou contre JNIM,,4 miliciens tués,,,,
5,14/04/2024,Ogossagou,Bankass,Attaque,Hommes armés,,5 morts,,,Civils peuls,
6,30/06/2023,,,Bilan ONU,,,,67,,,période avril-juin
7,09/09/2021,Tarkint,Bourem,Accident,,,hélicoptère écrasé: 3 morts,,,,
8,11/11/2022,Djibo,,Attaque,JNIM,,,12,,,Burkina Faso
9,12/03/2201,Boni,Douentza,Affrontement,GATIA et MSA contre EIGS,,,6,2,,
10,01/08/2024,Léré,Niafounke,Attaque,,Armée,,2,0,,
11,15/09/2024,,,Attaque,Katiba Hanifa,,,1,,,village près de Nampala (cercle de Niono; région de Ségou)
12,03/03/2012,Aguelhok,Tessalit,Attaque,MUJAO,,,0,0,,
"""

FRENCH_MAPPING = """\
dataset: ong_cas
id: {column: id, prefix: "cas-"}
date: {column: Date, format: "%d/%m/%Y"}
place: Lieu
cercle: Cercle
region:
  rules:
    - when: {Note: {contains: "region de Segou"}}
      value: Ségou
event_type:
  column: Type
  values: {Attaque: attack, Embuscade: attack, Affrontement: armed_clash, Bilan ONU: other, Accident: other}
record_type:
  rules:
    - when: {Type: Bilan ONU}
      value: period_total
skip:
  - when: {Type: Accident}
    reason: an accident, not an attack
  - when: {Note: {contains: Burkina Faso}}
    reason: outside Mali
corrections:
  - {id: 9, column: Date, value: 12/03/2021, reason: "year typed 2201 in the list"}
perpetrator:
  column: Auteurs
  split: [" et "]
  sides: [" contre "]
  values:
    Hommes armés: Unidentified armed group
    EIGS: Islamic State Sahel
  rules:
    - when: {Type acteur: Armée}
      value: FAMa
families:
  Katiba Hanifa: jnim
  Dan Na Ambassagou: militias
counts:
  Morts: {harm: killed}
  Blessés: {harm: injured}
count_text: Bilan
status_words: {milicien: combatant}
victim_status:
  rules:
    - when: {Victimes: {contains: civils}}
      value: civilian
    - when: {Victimes: {contains: militaires}}
      value: combatant
  default: civilian
source: {value: ONG Cas, source_type: ngo}
"""


def table(out: Path, name: str, columns: list[str]) -> list[list]:
    frame = pd.read_csv(out / f"{name}.csv", dtype=str, keep_default_na=False)
    return frame[columns].values.tolist()


@pytest.fixture(scope="module")
def french(tmp_path_factory):
    root = tmp_path_factory.mktemp("cas")
    (root / "liste.csv").write_text(FRENCH_ROWS, encoding="utf-8")
    (root / "m.yml").write_text(FRENCH_MAPPING, encoding="utf-8")
    result = run_import("table", root / "liste.csv", root / "out", mapping=root / "m.yml")
    return result, root / "out"


def test_every_figure_of_the_french_list_where_the_list_puts_it(french):
    _, out = french
    assert table(out, "casualties", ["incident_id", "harm", "victim_status", "victim_group", "count_best"]) == [
        ["cas-1", "killed", "civilian", "all", "27"],
        ["cas-1", "injured", "civilian", "all", "1"],
        ["cas-2", "killed", "combatant", "all", "7"],
        ["cas-2", "killed", "civilian", "all", "1"],
        ["cas-3", "killed", "combatant", "all", "3"],
        ["cas-3", "killed", "combatant", "peacekeepers", "2"],
        ["cas-4", "killed", "combatant", "all", "4"],
        ["cas-5", "killed", "civilian", "all", "5"],  # the words name no status: the rule on Victimes does
        ["cas-6", "killed", "civilian", "all", "67"],
        ["cas-9", "killed", "civilian", "all", "6"],
        ["cas-9", "injured", "civilian", "all", "2"],
        ["cas-10", "killed", "civilian", "all", "2"],
        ["cas-10", "injured", "civilian", "all", "0"],  # a real zero: a 0 row
        ["cas-11", "killed", "civilian", "all", "1"],
        ["cas-12", "killed", "civilian", "all", "0"],  # killed 0 written like injured 0
        ["cas-12", "injured", "civilian", "all", "0"],
    ]


def test_period_totals_skipped_rows_and_corrections(french):
    result, out = french
    records = dict(table(out, "incidents", ["incident_id", "record_type"]))
    assert records["cas-6"] == "period_total" and records["cas-1"] == "event"
    assert table(out, "rejects", ["line", "record_id", "reason"]) == [
        ["8", "7", "skipped: an accident, not an attack"],
        ["9", "8", "skipped: outside Mali"],
    ]
    assert (result.deaths_read, result.deaths_written, result.deaths_rejected) == (138, 123, 15)
    assert dict(table(out, "incidents", ["incident_id", "start_date"]))["cas-9"] == "2021-03-12"
    notes = "\n".join(result.report_lines())
    assert "corrected id 9, Date: '12/03/2201' -> '12/03/2021' (year typed 2201 in the list)" in notes
    assert "rows skipped by the mapping's skip rules: 2 (in rejects.csv)" in notes
    assert "      1  rule 1 (an accident, not an attack)" in notes
    assert "rule 1 (civilian): matches 1 row; gave the status of 1 figure (5 killed)" in notes
    assert "rule 2 (combatant): matches 0 rows; gave the status of 0 figures (0 killed): changed nothing" in notes


def test_allies_rules_families_regions_and_cercles(french):
    result, out = french
    assert [r for r in table(out, "perpetrators", ["incident_id", "actor", "role"]) if r[0] in ("cas-4", "cas-9")] == [
        ["cas-4", "Dan Na Ambassagou", "primary"],
        ["cas-4", "JNIM", "opponent"],
        ["cas-9", "GATIA", "primary"],
        ["cas-9", "MSA", "joint"],
        ["cas-9", "Islamic State Sahel", "opponent"],
    ]
    perpetrators = dict(table(out, "perpetrators", ["incident_id", "actor"]))
    assert perpetrators["cas-10"] == "FAMa"  # by the rule on Type acteur, the Auteurs cell being empty
    assert perpetrators["cas-12"] == "MUJAO"
    families = dict(table(out / "reference", "actors", ["actor", "family"]))
    assert (families["Katiba Hanifa"], families["Dan Na Ambassagou"]) == ("jnim", "militias")
    regions = dict(table(out, "incidents", ["incident_id", "admin1"]))
    assert regions["cas-11"] == "Ségou"  # by the region rule over the note
    warnings = result.warnings[["line", "warning"]].values.tolist()
    assert [11, "cercle 'Niafounke' is not in data/reference/cercles.csv: kept as written, no region from it "
            "(correct it in the mapping's corrections, or add it there as an alias)"] in warnings  # fmt: skip
    far = [line for line, w in warnings if "far from the rest" in w]
    assert far == [13]  # 2012 in a list of 2021-2024: the only date outside the file's own span


def test_far_dates_are_measured_from_the_file_s_own_span():
    from analysis.importers.table_columns import far_date_fences

    years = pd.Series(pd.to_datetime([f"{y}-06-01" for y in range(2007, 2026) for _ in range(3)]))
    low, high = far_date_fences(years)
    assert not ((years < low) | (years > high)).any()  # a list spanning 2007-2025 warns for none of its rows
    slipped = pd.concat([pd.Series(pd.to_datetime(["2024-01-01"] * 20)), pd.Series(pd.to_datetime(["2204-01-01"]))])
    low, high = far_date_fences(slipped)
    assert (low.date().isoformat(), high.date().isoformat()) == ("2022-12-31", "2025-01-01")


ENGLISH_ROWS = """\
Incident ID,Year,Month,Day,Country,Region,Total killed,Total wounded,Total kidnapped,Actor type,Details
1001,2019,3,4,Mali,Mopti,2,0,0,Unknown,Two drivers of an NGO killed on the road
1002,2020,7,,Mali,Gao,0,3,0,Non-state armed group: Regional,
1003,2021,,,Mali,Kidal,0,0,4,Non-state armed group: Regional,
1004,2022,1,15,Mali,Ménaka,1,1,0,Unknown,
1005,2022,2,1,Niger,Tillabéri,5,0,0,Unknown,
"""

ENGLISH_MAPPING = """\
dataset: awsd_cases
id: {column: Incident ID, prefix: "awsd-"}
date: {year: Year, month: Month, day: Day}
region: Region
event_type: {value: attack}
skip:
  - when: {Country: {is: [Niger, Burkina Faso]}}
    reason: not in Mali
perpetrator:
  column: Actor type
  values: {Unknown: no actor, "Non-state armed group: Regional": Unidentified armed group}
counts:
  Total killed: {harm: killed, victim_group: aid_workers}
  Total wounded: [{harm: injured}, {harm: injured, victim_group: aid_workers}]
  Total kidnapped: {harm: disappeared, victim_group: aid_workers}
victim_status: {default: civilian}
"""


def test_an_aid_worker_list_writes_the_group_and_its_all_row(tmp_path):
    (tmp_path / "awsd.csv").write_text(ENGLISH_ROWS, encoding="utf-8")
    (tmp_path / "m.yml").write_text(ENGLISH_MAPPING, encoding="utf-8")
    result = run_import("table", tmp_path / "awsd.csv", tmp_path / "out", mapping=tmp_path / "m.yml")
    rows = table(tmp_path / "out", "casualties", ["incident_id", "harm", "victim_group", "count_best"])
    assert rows == [
        ["awsd-1001", "killed", "aid_workers", "2"],
        ["awsd-1001", "injured", "all", "0"],
        ["awsd-1001", "injured", "aid_workers", "0"],
        ["awsd-1001", "disappeared", "aid_workers", "0"],
        ["awsd-1001", "killed", "all", "2"],
        ["awsd-1001", "disappeared", "all", "0"],
        ["awsd-1002", "killed", "aid_workers", "0"],
        ["awsd-1002", "injured", "all", "3"],
        ["awsd-1002", "injured", "aid_workers", "3"],
        ["awsd-1002", "disappeared", "aid_workers", "0"],
        ["awsd-1002", "killed", "all", "0"],
        ["awsd-1002", "disappeared", "all", "0"],
        ["awsd-1003", "killed", "aid_workers", "0"],
        ["awsd-1003", "injured", "all", "0"],
        ["awsd-1003", "injured", "aid_workers", "0"],
        ["awsd-1003", "disappeared", "aid_workers", "4"],
        ["awsd-1003", "killed", "all", "0"],
        ["awsd-1003", "disappeared", "all", "4"],
        ["awsd-1004", "killed", "aid_workers", "1"],
        ["awsd-1004", "injured", "all", "1"],
        ["awsd-1004", "injured", "aid_workers", "1"],
        ["awsd-1004", "disappeared", "aid_workers", "0"],
        ["awsd-1004", "killed", "all", "1"],
        ["awsd-1004", "disappeared", "all", "0"],
    ]
    assert (result.deaths_read, result.deaths_written, result.deaths_rejected) == (8, 3, 5)
    assert "deaths written:             3" in "\n".join(result.report_lines())
    from analysis.data.dataset import load_dataset
    from analysis.measure.aggregate import aggregate
    from analysis.measure.selection import Selection

    wounded = aggregate(load_dataset(tmp_path / "out"), (), Selection(), harm="injured")
    # the two incidents with nobody wounded (0 rows) are not incidents of that harm
    assert wounded[["count_best", "incidents"]].values.tolist() == [[4, 2]]


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        (
            "date: D\nperpetrator: {column: A, values: {AMA/Barkhane: FAMa, 'AMA / Barkhane': FAMa}}\n",
            "key 'perpetrator.values': 'AMA/Barkhane' and 'AMA / Barkhane' are the same text once case, accents "
            "and punctuation are ignored; keep one of them",
        ),
        (
            "date: D\ncounts: {A: {harm: killed, victim_group: aid_workers}, B: {harm: killed, victim_group: "
            "journalists}}\n",
            "key 'counts': 'A' and 'B' both count a group of the victims killed and no column counts them all",
        ),
        ("date: D\nskip: [{when: {T: x}}]\n", "key 'skip.0.reason': required"),
        ("date: D\ncorrections: [{column: D, value: x, reason: y}]\n", "expected either line or id"),
        ("date: D\nfamilies: {X: rebels}\n", "key 'families.X': expected one of state_forces"),
    ],
)
def test_mapping_mistakes_are_refused_by_name(tmp_path, yaml_text, expected):
    (tmp_path / "m.yml").write_text(yaml_text, encoding="utf-8")
    with pytest.raises(InputFileError) as err:
        load_mapping(tmp_path / "m.yml")
    assert expected in str(err.value)


def test_victim_status_default_alone_is_accepted(tmp_path):
    (tmp_path / "m.yml").write_text("date: D\nvictim_status: {default: unknown}\n", encoding="utf-8")
    assert load_mapping(tmp_path / "m.yml").fields["victim_status"].default == "unknown"


@pytest.mark.slow
def test_the_list_renders_twice_under_one_slug_with_changes_in_between(tmp_path):
    """Import, render; the list gains a row and corrects a count; import again, render again under one slug."""
    import json

    from analysis.report.render import render

    (tmp_path / "m.yml").write_text(FRENCH_MAPPING, encoding="utf-8")
    (tmp_path / "liste.csv").write_text(FRENCH_ROWS, encoding="utf-8")
    run_import("table", tmp_path / "liste.csv", tmp_path / "data", mapping=tmp_path / "m.yml")
    first = render(
        parameters={"data_dir": str(tmp_path / "data")}, out_dir=tmp_path / "reports", slug="cas", formats=()
    )
    assert json.loads(first.files["changes"].read_text())["first_build"] is True
    edited = FRENCH_ROWS.replace("5 morts,,,Civils peuls", "6 morts,,,Civils peuls")
    edited += "13,20/10/2024,Mopti,Mopti,Attaque,JNIM,,2 civils tués,,,,\n"
    (tmp_path / "liste.csv").write_text(edited, encoding="utf-8")
    run_import("table", tmp_path / "liste.csv", tmp_path / "data", mapping=tmp_path / "m.yml")
    second = render(
        parameters={"data_dir": str(tmp_path / "data")}, out_dir=tmp_path / "reports", slug="cas", formats=()
    )
    digest = json.loads(second.files["changes"].read_text())
    assert digest["counts"]["added"] == 1 and digest["counts"]["revised"] == 1
    killed = {row["figure"]: row for row in digest["headline"]}["killed_best"]
    assert killed["change"] == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("approx. 15", (15, 15, None)),
        ("c. 40", (40, 40, None)),
        ("10+", (10, 10, None)),
        ("3 (2 children)", (3, 3, None)),
        ("unknown", (None, None, None)),
        ("ND", (None, None, None)),
    ],
)
def test_count_cells_as_english_and_french_lists_write_them(text, expected):
    from analysis.importers.count_grammar import parse_count

    assert parse_count(text, {}, "Fatalities") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("27 morts et 1 blessé (civils)", [("killed", "civilian", "all", 27), ("injured", "civilian", "all", 1)]),
        ("8 morts (7 soldats et 1 civil)", [("killed", "combatant", "all", 7), ("killed", "civilian", "all", 1)]),
        (
            "3 morts (2 casques bleus et 1 terroriste)",
            [("killed", "combatant", "all", 3), ("killed", "combatant", "peacekeepers", 2)],
        ),
        ("4 miliciens tués", [("killed", "combatant", "all", 4)]),
        ("10 morts (6 civils)", [("killed", "civilian", "all", 6), ("killed", "unknown", "all", 4)]),
        (
            "2 morts (dont 1 enfant) et 3 blessés (civils)",
            [("killed", "unknown", "all", 2), ("injured", "civilian", "all", 3)],
        ),
        ("Two killed. 3 wounded (soldiers)", [("killed", "unknown", "all", 2), ("injured", "combatant", "all", 3)]),
    ],
)
def test_each_figure_reads_its_own_bracket_and_the_mapping_s_status_words(text, expected):
    from analysis.importers.count_grammar import read_counts

    assert read_counts(text, {"milicien": ("combatant", None)}) == expected


@pytest.mark.parametrize(
    ("cell", "values", "expected"),
    [
        ("Unknown", {}, []),
        ("INCONNU", {}, []),
        ("n/a", {}, []),
        ("ND", {}, []),
        ("Non identifié", {}, []),
        ("non identifie", {}, []),
        ("JNIM et inconnu", {}, [("JNIM", 0)]),  # the part that names no one adds no actor
        ("Unknown", {"unknown": ["Unidentified armed group"]}, [("Unidentified armed group", 0)]),  # listed: kept
        ("Inconnu Group", {}, [("Inconnu Group", 0)]),  # a name containing the word is a name
    ],
)
def test_a_perpetrator_cell_that_names_no_one_is_no_actor_unless_listed(cell, values, expected):
    from analysis.importers.mapping import FieldSpec
    from analysis.importers.table_fields import perpetrator_sides

    spec = FieldSpec(column="Auteurs", split=[" et "], values=values)
    assert perpetrator_sides(cell, spec) == expected


def test_an_unknown_perpetrator_writes_no_actor_row(tmp_path):
    (tmp_path / "l.csv").write_text(
        "id,date,auteur,morts\nu-1,2024-03-01,Unknown,2\nu-2,2024-03-02,Inconnu,1\nu-3,2024-03-03,JNIM,4\n",
        encoding="utf-8",
    )
    (tmp_path / "m.yml").write_text(
        "dataset: liste\nid: id\ndate: date\nevent_type: {default: attack}\n"
        "perpetrator: {column: auteur}\ncounts: {morts: {harm: killed, victim_status: civilian}}\n",
        encoding="utf-8",
    )
    run_import("table", tmp_path / "l.csv", tmp_path / "out", mapping=tmp_path / "m.yml")
    assert table(tmp_path / "out", "perpetrators", ["incident_id", "actor"]) == [["liste-u-3", "JNIM"]]
    assert len(table(tmp_path / "out", "incidents", ["incident_id"])) == 3
