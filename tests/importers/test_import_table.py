"""`import table`: an analyst's own CSV or XLSX described by a mapping YAML."""

import csv
import datetime
import io
from pathlib import Path

import pandas as pd
import pytest

from analysis.importers.checks import RowRejected
from analysis.importers.count_grammar import parse_count
from analysis.importers.mapping import load_mapping
from analysis.importers.reading import InputFileError
from analysis.importers.run import run_import

from conftest import ROOT, TESTS, run_cli

FIXTURE = TESTS / "fixtures" / "table" / "incidents_fr_latin1.csv"
EXAMPLE_MAPPING = ROOT / "examples" / "mappings" / "liste_simple_fr.yml"

EXPECTED_INCIDENTS = """\
incident_id,title,start_date,end_date,date_precision,admin1,admin2,location_name,latitude,longitude,location_precision,event_type,is_civilian_targeting,dataset,external_id,verification_note
liste-fr-1,"Attaque, Dioura, 2024-03-12",2024-03-12,2024-03-12,day,Mopti,Ténenkou,Dioura,14.85,-5.24,exact,attack,true,liste_incidents_fr,1,
liste-fr-2,"Frappe de drone, Niono, 2024-04-05",2024-04-05,2024-04-06,day,Ségou,Niono,Niono,14.25,-5.99,exact,air_drone_strike,true,liste_incidents_fr,2,
liste-fr-3,"Engin explosif, Ansongo, 2024-05-20",2024-05-20,2024-05-20,day,Gao,Ansongo,Ansongo,15.66,0.5,exact,remote_explosive,true,liste_incidents_fr,3,
liste-fr-4,"Enlèvement, Goundam, 2024-06-02",2024-06-02,2024-06-02,day,Tombouctou,Goundam,Goundam,16.41,-3.67,exact,abduction_forced_disappearance,true,liste_incidents_fr,4,
liste-fr-6,"Attaque, Koro, 2024-07-14",2024-07-14,2024-07-14,day,,,Koro,,,exact,attack,true,liste_incidents_fr,6,The file's region 'Bankass' is not in data/reference/regions.csv; admin1 left empty.
liste-fr-7,"Pillage, Léré, 2024-08-03",2024-08-03,2024-08-03,day,Tombouctou,Niafunké,Léré,15.71,-4.91,exact,looting_property_destruction,true,liste_incidents_fr,7,
"""

_BASIS = "(column 'Auteur présumé' of incidents_fr_latin1.csv)"
EXPECTED_PERPETRATORS = f"""\
incident_id,actor,role,attribution,attribution_basis
liste-fr-1,FAMa,primary,alleged,Association Exemple: 'Armée malienne et Wagner' {_BASIS}
liste-fr-1,Wagner Group,joint,alleged,Association Exemple: 'Armée malienne et Wagner' {_BASIS}
liste-fr-2,FAMa,primary,alleged,Association Exemple: 'Armée' {_BASIS}
liste-fr-3,Unidentified armed group,primary,alleged,Radio Exemple: 'Hommes armés non identifiés' {_BASIS}
liste-fr-4,Islamic State Sahel,primary,alleged,Association Exemple: 'EIGS' {_BASIS}
liste-fr-6,Groupe armé X (fictif),primary,alleged,Association Exemple: 'Groupe armé X (fictif)' {_BASIS}
liste-fr-7,JNIM,primary,alleged,Radio Exemple: 'GSIM et JNIM' {_BASIS}
"""

EXPECTED_CASUALTIES = """\
incident_id,harm,victim_status,victim_group,count_min,count_best,count_max,count_text
liste-fr-1,killed,civilian,all,10,10,15,10-15
liste-fr-1,killed,civilian,children,3,3,,3
liste-fr-2,killed,civilian,all,13,13,,au moins 13
liste-fr-2,injured,civilian,all,4,4,,4
liste-fr-3,killed,civilian,all,3,3,,plusieurs
liste-fr-3,injured,civilian,all,2,2,,2
liste-fr-4,disappeared,civilian,all,7,7,,7
liste-fr-6,killed,civilian,all,10,10,,une dizaine
liste-fr-6,injured,civilian,all,1,1,,1
liste-fr-7,killed,civilian,all,2,2,,2
"""

EXPECTED_SOURCES = """\
incident_id,publisher,source_type,stance,document
liste-fr-1,Association Exemple,ngo,reports,incidents_fr_latin1.csv
liste-fr-2,Association Exemple,ngo,reports,incidents_fr_latin1.csv
liste-fr-3,Radio Exemple,ngo,reports,incidents_fr_latin1.csv
liste-fr-4,Association Exemple,ngo,reports,incidents_fr_latin1.csv
liste-fr-6,Association Exemple,ngo,reports,incidents_fr_latin1.csv
liste-fr-7,Radio Exemple,ngo,reports,incidents_fr_latin1.csv
"""

EXPECTED_REJECTS = """\
line,record_id,reason
6,5,invalid date: date '30/02/2024' (column 'Date'; expected a real date written %d/%m/%Y)
9,8,"invalid count: 'Civils tués' 'beaucoup' (expected a number, a range such as 10-15, 'au moins 13', \
or words listed under count_words in the mapping)"
"""


def table_text(path: Path, columns: list[str] | None = None) -> str:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return frame[columns or list(frame.columns)].to_csv(index=False, lineterminator="\n")


def columns_of(expected: str) -> list[str]:
    return expected.splitlines()[0].split(",")


@pytest.fixture(scope="module")
def fixture_import(tmp_path_factory):
    out = tmp_path_factory.mktemp("table") / "out"
    result = run_import("table", FIXTURE, out, mapping=EXAMPLE_MAPPING)
    return result, out


def test_fixture_is_latin1_semicolon():
    raw = FIXTURE.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert raw.decode("cp1252").splitlines()[0].count(";") == 15


def test_french_latin1_fixture_gives_exact_tables(fixture_import):
    _, out = fixture_import
    assert table_text(out / "incidents.csv", columns_of(EXPECTED_INCIDENTS)) == EXPECTED_INCIDENTS
    assert table_text(out / "perpetrators.csv", columns_of(EXPECTED_PERPETRATORS)) == EXPECTED_PERPETRATORS
    assert table_text(out / "casualties.csv") == EXPECTED_CASUALTIES
    assert table_text(out / "sources.csv", columns_of(EXPECTED_SOURCES)) == EXPECTED_SOURCES
    assert table_text(out / "rejects.csv") == EXPECTED_REJECTS
    incidents = pd.read_csv(out / "incidents.csv", dtype=str, keep_default_na=False)
    assert set(incidents["record_type"]) == {"event"} and set(incidents["country"]) == {"MLI"}
    assert incidents["summary"].str.startswith("Exemple fictif: ").all()


def test_fixture_ledger_and_unmatched_names(fixture_import):
    result, out = fixture_import
    assert (result.rows_read, result.rows_written, result.rows_merged, result.rows_rejected) == (8, 6, 0, 2)
    assert (result.deaths_read, result.deaths_written, result.deaths_rejected) == (43, 38, 5)
    assert result.balanced()
    assert dict(result.unmatched_actors) == {"Groupe armé X (fictif)": 1}
    assert dict(result.unmatched_regions) == {"Bankass": 1}
    actors = pd.read_csv(out / "reference" / "actors.csv", dtype=str, keep_default_na=False)
    added = actors[actors["actor"] == "Groupe armé X (fictif)"]
    assert list(added["actor_type"]) == ["unmatched"]
    report = (out / "import_report.txt").read_text(encoding="utf-8")
    assert "read as cp1252, delimiter ';'" in report
    assert "Groupe armé X (fictif)" in report and "Bankass" in report


def _fixture_rows() -> list[list[str]]:
    return list(csv.reader(io.StringIO(FIXTURE.read_bytes().decode("cp1252")), delimiter=";"))


def _tables_without_document(out: Path) -> dict[str, str]:
    tables = {name: table_text(out / f"{name}.csv") for name in ("incidents", "perpetrators", "casualties")}
    sources = pd.read_csv(out / "sources.csv", dtype=str, keep_default_na=False).drop(columns="document")
    tables["sources"] = sources.to_csv(index=False)
    tables["rejects"] = table_text(out / "rejects.csv")
    return tables


def test_same_data_as_xlsx_and_as_utf8_bom_comma_csv(fixture_import, tmp_path):
    """Detection works: the same rows as a workbook (numbers as numbers, a date cell) and as UTF-8 with a BOM and
    commas give the same tables. Only the perpetrators' basis and the document name the other file."""
    from openpyxl import Workbook

    header, *records = _fixture_rows()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for record in records:
        cells = []
        for name, value in zip(header, record, strict=True):
            if name == "Date" and value == "12/03/2024":
                cells.append(datetime.datetime(2024, 3, 12))  # a real date cell
            elif value and name in ("N°", "Civils tués", "Blessés", "Enfants tués") and value.isdigit():
                cells.append(int(value))
            elif value and name in ("Latitude", "Longitude"):
                cells.append(float(value.replace(",", ".")))
            else:
                cells.append(value or None)
        sheet.append(cells)
    xlsx = tmp_path / "incidents_fr.xlsx"
    workbook.save(xlsx)

    bom = tmp_path / "incidents_fr_bom.csv"
    with bom.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *records])

    _, expected_out = fixture_import
    expected = _tables_without_document(expected_out)
    for path in (xlsx, bom):
        result = run_import("table", path, tmp_path / path.stem, mapping=EXAMPLE_MAPPING)
        assert (result.rows_read, result.rows_written, result.rows_rejected) == (8, 6, 2)
        got = _tables_without_document(tmp_path / path.stem)
        got["perpetrators"] = got["perpetrators"].replace(path.name, FIXTURE.name)
        assert got == expected, path.name
    assert "utf-8-sig, delimiter ','" in (tmp_path / bom.stem / "import_report.txt").read_text(encoding="utf-8")


# -- rejections, one reason per row ---------------------------------------------------------------

SMALL_MAPPING = """\
dataset: petit
id: Id
date: {column: Start, format: "%d/%m/%Y"}
end_date: {column: End, format: "%d/%m/%Y"}
latitude: Lat
longitude: Lon
region: Region
event_type: {column: Type, values: {Attaque: attack}}
perpetrator: {column: Who, split: " et ", values: {"Armée et Wagner": [FAMa, Wagner Group]}}
counts:
  Killed: {harm: killed}
  Children: {harm: killed, victim_group: children}
source: {value: Analyst notebook, source_type: civil_society}
"""

SMALL_ROWS = [
    # id, start, end, lat, lon, region, type, who, killed, children
    ("ok1", "01/03/2024", "", "14.5", "-4.2", "Segou", "Attaque", "Armée et Wagner", "4", "1"),
    ("ok2", "02/03/2024", "", "", "", "", "attack", "Wagner et Groupe Wagner et FAMa", "", ""),
    ("bad-date", "2024-13-01", "", "", "", "", "Attaque", "FAMa", "2", ""),
    ("negative", "01/03/2024", "", "", "", "", "Attaque", "FAMa", "-3", ""),
    ("paris", "01/03/2024", "", "48.85", "2.35", "", "Attaque", "FAMa", "1", ""),
    ("reversed", "05/03/2024", "01/03/2024", "", "", "", "Attaque", "FAMa", "1", ""),
    ("future", "01/01/2999", "", "", "", "", "Attaque", "FAMa", "1", ""),
    ("min-max", "01/03/2024", "", "", "", "", "Attaque", "FAMa", "15-10", ""),
    ("type", "01/03/2024", "", "", "", "", "Embuscade", "FAMa", "6", ""),
    ("children", "01/03/2024", "", "", "", "", "Attaque", "FAMa", "2", "5"),
    ("ok1", "01/03/2024", "", "", "", "", "Attaque", "FAMa", "", ""),
    ("no-date", "", "", "", "", "", "Attaque", "FAMa", "", ""),
    ("lat-only", "01/03/2024", "", "14.5", "", "", "Attaque", "FAMa", "", ""),
]

EXPECTED_SMALL_REJECTS = {
    "bad-date": "invalid date",
    "negative": "invalid count",
    "paris": "coordinates outside Mali",
    "reversed": "end before start",
    "future": "future date",
    "min-max": "invalid count",
    "type": "unknown event type",
    "children": "invalid count",
    "ok1": "duplicate id",
    "no-date": "missing date",
    "lat-only": "invalid coordinates",
}


@pytest.fixture
def small(tmp_path):
    mapping = tmp_path / "small.yml"
    mapping.write_text(SMALL_MAPPING, encoding="utf-8")
    data = tmp_path / "small.csv"
    with data.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["Id", "Start", "End", "Lat", "Lon", "Region", "Type", "Who", "Killed", "Children"])
        writer.writerows(SMALL_ROWS)
    return data, mapping


def test_rows_that_break_the_schema_are_rejected_with_their_reason(small, tmp_path):
    data, mapping = small
    result = run_import("table", data, tmp_path / "out", mapping=mapping)  # publish() validated the output
    rejects = pd.read_csv(tmp_path / "out" / "rejects.csv", dtype=str, keep_default_na=False)
    categories = dict(zip(rejects["record_id"], rejects["reason"].str.split(": ").str[0], strict=True))
    assert categories == EXPECTED_SMALL_REJECTS
    assert list(rejects["line"]) == [str(i + 2) for i, row in enumerate(SMALL_ROWS) if i >= 2]
    assert "'2999-01-01'" not in rejects["reason"].str.cat() and "'01/01/2999'" in rejects["reason"].str.cat()
    assert (result.rows_read, result.rows_written, result.rows_rejected) == (13, 2, 11)
    # deaths: 4 written; the rejected rows give 2 + 1 + 1 + 1 + 6 + 2 = 13 (-3 and 15-10 cannot be read)
    assert (result.deaths_read, result.deaths_written, result.deaths_rejected) == (17, 4, 13)
    assert result.balanced()


def test_several_perpetrators_one_row_per_actor_first_primary(small, tmp_path):
    data, mapping = small
    run_import("table", data, tmp_path / "out", mapping=mapping)
    perpetrators = pd.read_csv(tmp_path / "out" / "perpetrators.csv", dtype=str, keep_default_na=False)
    assert perpetrators[["incident_id", "actor", "role"]].values.tolist() == [
        ["petit-ok1", "FAMa", "primary"],
        ["petit-ok1", "Wagner Group", "joint"],
        ["petit-ok2", "Wagner Group", "primary"],
        ["petit-ok2", "FAMa", "joint"],
    ]
    incidents = pd.read_csv(tmp_path / "out" / "incidents.csv", dtype=str, keep_default_na=False)
    assert incidents[["incident_id", "admin1", "location_precision", "is_civilian_targeting"]].values.tolist() == [
        ["petit-ok1", "Ségou", "exact", "true"],
        ["petit-ok2", "", "country", "true"],
    ]
    sources = pd.read_csv(tmp_path / "out" / "sources.csv", dtype=str, keep_default_na=False)
    assert set(sources["publisher"]) == {"Analyst notebook"} and set(sources["source_type"]) == {"civil_society"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", (12, 12, None)),
        ("0", (0, 0, None)),
        ("1 200", (1200, 1200, None)),
        ("10-15", (10, 10, 15)),
        ("10 à 15", (10, 10, 15)),
        ("entre 10 et 15 morts", (10, 10, 15)),
        ("au moins 13", (13, 13, None)),
        ("Au moins 13 civils.", (13, 13, None)),
        ("at least 7", (7, 7, None)),
        ("environ 20", (20, 20, None)),
        ("env. 20", (20, 20, None)),
        ("plusieurs dizaines", (12, 12, None)),
        ("Plusieurs dizaines de civils", (12, 12, None)),
        ("au moins une dizaine", (10, 10, None)),
        ("several dozen", (12, 12, None)),  # schema.COUNT_WORDS
        ("hundreds", (100, 100, None)),
    ],
)
def test_counts_as_people_write_them(text, expected):
    words = load_mapping(EXAMPLE_MAPPING).count_words
    assert parse_count(text, words, "c") == expected


@pytest.mark.parametrize("text", ["beaucoup", "-3", "15-10", "12 dont 3 enfants", "10 ou 15"])
def test_unreadable_counts_are_rejected(text):
    with pytest.raises(RowRejected, match=r"^invalid count: "):
        parse_count(text, load_mapping(EXAMPLE_MAPPING).count_words, "c")


# -- the mapping is checked before any data is read -------------------------------------------------


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("date: Date\nplace: Lieu\nlieu: X\n", "key 'lieu': not a mapping key; expected one of dataset, sheet, id"),
        ("date: {column: Date, fromat: '%d'}\n", "key 'date.fromat': not allowed here; expected one of column, format"),
        ("date: Date\nevent_type: {column: T, values: {Attaque: massacre}}\n", "expected one of attack,"),
        ("date: Date\ncounts: {Morts: {harm: dead}}\n", "key 'counts.Morts.harm': expected one of killed,"),
        ("date: Date\nattribution: {value: probable}\n", "expected one of acknowledged, corroborated"),
        ("date: Date\ndataset: Mon Fichier\n", "key 'dataset': expected lowercase letters"),
        ("place: Lieu\n", "key 'date': required"),
        ("- date\n", "expected a YAML mapping of keys"),
    ],
)
def test_bad_mappings_name_the_key_and_what_is_allowed(tmp_path, yaml_text, expected):
    mapping = tmp_path / "m.yml"
    mapping.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(InputFileError) as err:
        load_mapping(mapping)
    assert expected in str(err.value)


def test_example_mapping_loads():
    mapping = load_mapping(EXAMPLE_MAPPING)
    assert mapping.dataset == "liste_incidents_fr"
    assert [c.column for c in mapping.counts] == ["Civils tués", "Enfants tués", "Blessés", "Personnes enlevées"]


# -- the command ---------------------------------------------------------------------------------------


def test_command_imports_the_fixture_and_the_output_validates(tmp_path):
    out = tmp_path / "out"
    result = run_cli("import", "table", FIXTURE, "--mapping", EXAMPLE_MAPPING, "--out", out)
    assert result.returncode == 0, result.stderr
    assert "rows read:                  8" in result.stdout
    assert "incidents written:          6" in result.stdout
    assert "rows rejected:              2" in result.stdout
    assert "invalid date" in result.stdout and "Groupe armé X (fictif)" in result.stdout
    assert (out / "rejects.csv").is_file()
    validated = run_cli("validate", out)
    assert validated.returncode == 0, validated.stderr


def test_command_missing_mapped_column_exits_2_naming_it(tmp_path):
    data = tmp_path / "liste.csv"
    text = FIXTURE.read_bytes().decode("cp1252").replace("Civils tués", "Morts", 1)
    data.write_bytes(text.encode("cp1252"))
    result = run_cli("import", "table", data, "--mapping", EXAMPLE_MAPPING, "--out", tmp_path / "out")
    assert result.returncode == 2
    assert "expected the column(s) 'Civils tués' (mapping key counts)" in result.stderr
    assert "'Morts'" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_command_bad_mapping_key_exits_2(tmp_path):
    mapping = tmp_path / "m.yml"
    mapping.write_text(EXAMPLE_MAPPING.read_text(encoding="utf-8") + "\nauteur: X\n", encoding="utf-8")
    result = run_cli("import", "table", FIXTURE, "--mapping", mapping, "--out", tmp_path / "out")
    assert result.returncode == 2
    assert "key 'auteur': not a mapping key; expected one of" in result.stderr
    assert "Traceback" not in result.stderr


def test_zero_killed_is_a_zero_row_and_no_killing(small, tmp_path):
    data, mapping = small
    with data.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            ["zero", "02/03/2024", "", "", "", "", "Attaque", "FAMa", "0", ""]
        )
    result = run_import("table", data, tmp_path / "out", mapping=mapping)
    assert "petit-zero" in set(result.incidents["incident_id"])  # the incident stays
    zero = result.casualties[result.casualties["incident_id"] == "petit-zero"]
    # the list's 0 is a real zero: a 0 row, as for every other harm (the report counts no killing for it)
    assert zero[["harm", "victim_status", "count_best"]].values.tolist() == [["killed", "civilian", 0]]
    assert result.balanced()


def test_an_exact_repeat_is_merged_and_the_rule_is_in_the_report(tmp_path):
    """One rule for repeated ids in every importer (data.columns.repeated_ids): an own table merges a row repeated
    exactly, like ACLED and UCDP, counts it under rows merged and its deaths once; a row with the id of a rejected
    row and other values is rejected as a duplicate, not written in its place."""
    mapping = tmp_path / "small.yml"
    mapping.write_text(SMALL_MAPPING, encoding="utf-8")
    data = tmp_path / "repeated.csv"
    first, bad_date = SMALL_ROWS[0], SMALL_ROWS[2]
    other_values = (bad_date[0], "01/03/2024", *bad_date[2:])
    with data.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["Id", "Start", "End", "Lat", "Lon", "Region", "Type", "Who", "Killed", "Children"])
        writer.writerows([first, first, bad_date, other_values])
    result = run_import("table", data, tmp_path / "out", mapping=mapping)
    assert (result.rows_read, result.rows_written, result.rows_merged, result.rows_rejected) == (4, 1, 1, 2)
    assert (result.deaths_read, result.deaths_written, result.deaths_rejected) == (8, 4, 4)
    assert result.balanced()
    assert list(result.rejects["reason"].str.split(":").str[0]) == ["invalid date", "duplicate id"]
    assert result.rejects["reason"].iloc[1] == "duplicate id: petit-bad-date also on line 4, with other values"
    report = (tmp_path / "out" / "import_report.txt").read_text(encoding="utf-8")
    assert "repeated ids:       a record repeated exactly" in report
