"""Bad input through the import commands: a clear exit 2 for a file that cannot be imported, a rejected
row with its line and reason for a row that cannot, and never a traceback, a hang or a partial output.

Each case is built from a good fixture by breaking one thing, so the corpus stays small and each
file's fault is obvious from its name.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main
from analysis.data.dataset import load_dataset

from conftest import ROOT, TESTS

ACLED = TESTS / "fixtures" / "acled" / "per_event_2023.csv"
TABLE = TESTS / "fixtures" / "table" / "incidents_fr_latin1.csv"
MAPPING = ROOT / "examples" / "mappings" / "liste_simple_fr.yml"


def acled_records() -> tuple[list[str], list[dict]]:
    with ACLED.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def acled_text(records=None, header=None, delimiter=",", newline="\n") -> str:
    default_header, default_records = acled_records()
    header = header or default_header
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, header, delimiter=delimiter, lineterminator=newline, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(default_records if records is None else records)
    return buffer.getvalue()


def good_rows() -> list[dict]:
    """The fixture's four valid Mali events, each once."""
    return [r for r in acled_records()[1] if r["event_id_cnty"] in ("MLI9001", "MLI9002", "MLI9003", "MLI9004")][:4]


def run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def import_acled(path: Path, out: Path, capsys):
    return run(["import", "acled", str(path), "--out", str(out)], capsys)


# ---- files that cannot be imported: exit 2, a message saying what was expected, nothing written ----


def _xlsx_with_merged_header(path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    header, _records = acled_records()
    sheet.append(header)
    sheet.merge_cells(start_row=1, start_column=2, end_row=1, end_column=3)
    for record in good_rows():
        sheet.append([record[h] for h in header])
    book.save(path)


FILE_CASES = {
    "empty_file": (lambda p: p.write_bytes(b""), ["the file is empty"]),
    "header_only": (lambda p: p.write_text(acled_text([]), encoding="utf-8"), ["only a header"]),
    "binary_garbage": (
        lambda p: p.write_bytes(bytes(range(256)) * 40),
        ["expected a text table", "binary data"],
    ),
    "column_missing": (
        lambda p: p.write_text(
            acled_text(good_rows(), header=[h for h in acled_records()[0] if h != "event_date"]), encoding="utf-8"
        ),
        ["expected an ACLED export", "missing column(s): event_date"],
    ),
    "column_renamed": (
        lambda p: p.write_text(acled_text(good_rows()).replace(",fatalities,", ",deaths,", 1), encoding="utf-8"),
        ["missing column(s): fatalities"],
    ),
    "column_duplicated": (
        lambda p: p.write_text(acled_text(good_rows()).replace(",admin2,", ",admin1,", 1), encoding="utf-8"),
        ["line 1, column 'admin1'", "each column once"],
    ),
    "xlsx_merged_header": (_xlsx_with_merged_header, ["line 1", "a name for every column", "merged"]),
    "every_row_out_of_scope": (
        lambda p: p.write_text(
            acled_text([r for r in acled_records()[1] if r["event_type"] == "Protests"]), encoding="utf-8"
        ),
        ["every row was rejected", "out of scope"],
    ),
}


@pytest.mark.parametrize("case", sorted(FILE_CASES))
def test_file_that_cannot_be_imported(case, tmp_path, capsys):
    build, words = FILE_CASES[case]
    path = tmp_path / (f"{case}.xlsx" if case.startswith("xlsx") else f"{case}.csv")
    build(path)
    out = tmp_path / "out"
    code, _, err = import_acled(path, out, capsys)
    assert code == 2, err
    assert str(path) in err
    for word in words:
        assert word in err
    assert "Traceback" not in err
    assert not out.exists(), "nothing is written"
    assert not list(tmp_path.glob(".out.*")), "no staging folder is left behind"


# ---- files read despite their form: encodings, delimiters, line ends, extra columns, huge fields ----


def _accented(records: list[dict]) -> list[dict]:
    records = [dict(r) for r in records]
    records[0]["location"] = "Sofara, près de Djenné"
    return records


ACCEPTED_CASES = {
    "encoding_latin1": lambda p: p.write_bytes(acled_text(_accented(good_rows())).encode("cp1252")),
    "encoding_utf16": lambda p: p.write_bytes(acled_text(_accented(good_rows())).encode("utf-16")),
    "encoding_utf8_bom": lambda p: p.write_bytes(acled_text(_accented(good_rows())).encode("utf-8-sig")),
    "delimiter_semicolon": lambda p: p.write_text(acled_text(_accented(good_rows()), delimiter=";"), encoding="utf-8"),
    "delimiter_tab": lambda p: p.write_text(acled_text(_accented(good_rows()), delimiter="\t"), encoding="utf-8"),
    "line_ends_crlf": lambda p: p.write_bytes(acled_text(_accented(good_rows()), newline="\r\n").encode("utf-8")),
    "column_extra": lambda p: p.write_text(
        acled_text(
            [dict(r, analyst_note="checked") for r in _accented(good_rows())],
            header=[*acled_records()[0], "analyst_note"],
        ),
        encoding="utf-8",
    ),
}


@pytest.mark.parametrize("case", sorted(ACCEPTED_CASES))
def test_file_read_despite_its_form(case, tmp_path, capsys):
    path = tmp_path / f"{case}.csv"
    ACCEPTED_CASES[case](path)
    out = tmp_path / "out"
    code, stdout, err = import_acled(path, out, capsys)
    assert code == 0, err
    assert "balance:            ok" in stdout
    dataset = load_dataset(out)
    assert len(dataset.incidents) == 4
    assert "Sofara, près de Djenné" in set(dataset.incidents["location_name"])


def test_one_megabyte_text_field_rejects_that_row_only(tmp_path, capsys):
    """The schema's cell limit (MAX_CELL_CHARACTERS) holds for imports too: the row is rejected, not cut."""
    records = good_rows()
    records[1]["notes"] = "SYNTHETIC. " + "x" * 1_000_000
    path = tmp_path / "huge_field.csv"
    path.write_text(acled_text(records), encoding="utf-8")
    code, stdout, err = import_acled(path, tmp_path / "out", capsys)
    assert code == 0, err
    rejects = pd.read_csv(tmp_path / "out" / "rejects.csv")
    assert list(rejects["line"]) == [4] and rejects["reason"].iloc[0].startswith("field too long")
    assert len(load_dataset(tmp_path / "out").incidents) == 3
    assert "balance:            ok" in stdout


# ---- rows that cannot be imported: rejected with line and reason; the rest imported; the ledger holds ----


def _with(index: int, **changes) -> list[dict]:
    records = good_rows()
    records[index] = dict(records[index], **changes)
    return records


ROW_CASES = {
    # case: (records, line of the bad record, words in its reason)
    "count_as_words": (_with(1, fatalities="dozens"), 4, "invalid count"),
    "count_negative": (_with(1, fatalities="-3"), 4, "invalid count"),
    "date_impossible": (_with(2, event_date="30 February 2024"), 5, "invalid date"),
    "date_in_future": (_with(2, event_date="1 January 2099"), 5, "in the future"),
    "coordinates_outside_mali": (_with(3, latitude="48.85", longitude="2.35"), 6, "outside Mali"),
    "coordinates_swapped": (_with(3, latitude="-4.25", longitude="14.02"), 6, "look swapped"),
    "duplicate_id": ([*good_rows(), dict(good_rows()[1], fatalities="10")], 7, "duplicate id"),
}


@pytest.mark.parametrize("case", sorted(ROW_CASES))
def test_bad_row_is_rejected_with_its_line_and_reason(case, tmp_path, capsys):
    records, line, words = ROW_CASES[case]
    path = tmp_path / f"{case}.csv"
    path.write_text(acled_text(records), encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, err = import_acled(path, out, capsys)
    assert code == 0, err
    rejects = pd.read_csv(out / "rejects.csv")
    assert list(rejects["line"]) == [line]
    assert words in rejects["reason"].iloc[0]
    assert "balance:            ok" in stdout
    load_dataset(out)


def test_truncated_last_line_rejects_only_that_record(tmp_path, capsys):
    text = acled_text(good_rows())
    cut = text[: text.rindex("SYNTHETIC") + 12]  # ends inside the last record's quoted notes
    path = tmp_path / "truncated.csv"
    path.write_text(cut, encoding="utf-8")
    code, stdout, err = import_acled(path, tmp_path / "out", capsys)
    assert code == 0, err
    rejects = pd.read_csv(tmp_path / "out" / "rejects.csv")
    assert list(rejects["line"]) == [6]
    assert rejects["reason"].iloc[0].startswith("unreadable")
    assert "rows read:                  4" in stdout and "balance:            ok" in stdout


def test_unknown_actor_and_region_are_kept_and_listed(tmp_path, capsys):
    path = tmp_path / "unknown.csv"
    path.write_text(acled_text(_with(0, actor1="Brigade Fantôme (Mali)", admin1="Nowhere")), encoding="utf-8")
    code, stdout, err = import_acled(path, tmp_path / "out", capsys)
    assert code == 0, err
    assert "Brigade Fantôme (Mali)" in stdout and "Nowhere" in stdout
    dataset = load_dataset(tmp_path / "out")
    assert "Brigade Fantôme (Mali)" in set(dataset.perpetrators["actor"])


# ---- the same guarantees for the other importers ----


@pytest.mark.parametrize(
    ("content", "words"),
    [(b"", "the file is empty"), (bytes(range(256)) * 40, "binary data")],
    ids=["empty_file", "binary_garbage"],
)
def test_own_table_import_of_a_bad_file(content, words, tmp_path, capsys):
    path = tmp_path / "liste.csv"
    path.write_bytes(content)
    code, _, err = run(["import", "table", str(path), "--mapping", str(MAPPING), "--out", str(tmp_path / "o")], capsys)
    assert code == 2 and words in err
    assert not (tmp_path / "o").exists()


def test_own_table_header_only(tmp_path, capsys):
    path = tmp_path / "liste.csv"
    path.write_bytes(TABLE.read_bytes().splitlines(keepends=True)[0])
    code, _, err = run(["import", "table", str(path), "--mapping", str(MAPPING), "--out", str(tmp_path / "o")], capsys)
    assert code == 2 and "only a header" in err


def test_no_traceback_in_a_real_process(tmp_path):
    path = tmp_path / "garbage.csv"
    path.write_bytes(bytes(range(256)) * 40)
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "import", "acled", str(path), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr + done.stdout


def test_own_table_with_a_one_megabyte_summary(tmp_path, capsys):
    frame = pd.read_csv(TABLE, sep=";", encoding="cp1252", dtype=str)
    frame.loc[0, "Description"] = "Exemple fictif. " + "x" * 1_000_000
    path = tmp_path / "liste.csv"
    frame.to_csv(path, sep=";", index=False, encoding="cp1252")
    code, stdout, err = run(
        ["import", "table", str(path), "--mapping", str(MAPPING), "--out", str(tmp_path / "o")], capsys
    )
    assert code == 0, err
    assert "field too long" in stdout and "balance:            ok" in stdout
    load_dataset(tmp_path / "o")
