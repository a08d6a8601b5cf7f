"""Files as they arrive: trailing delimiters, rewritten date columns, UCDP figures that disagree."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.importers.output import Resolver, reference_tables
from analysis.importers.reading import InputFileError, RawFile, parse_date_column, read_table_file
from analysis.importers.run import run_import
from analysis.importers.ucdp import import_ucdp

from conftest import TESTS, run_cli
from conftest import table_rows as rows

CANDIDATE = TESTS / "fixtures" / "ucdp" / "candidate_49_columns.csv"


def raw_for(path="x.csv") -> RawFile:
    return RawFile(Path(path), pd.DataFrame(), None, "utf-8", ",")


def test_trailing_delimiter_on_every_record_is_dropped_and_named(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('a,b\n1,"x\ny",\n2,z,\n', encoding="utf-8")
    raw = read_table_file(path)
    assert list(raw.frame.columns) == ["a", "b"]
    assert raw.frame.values.tolist() == [["1", "x\ny"], ["2", "z"]]
    assert list(raw.lines) == [2, 4]
    assert raw.detected == [
        "trailing delimiter: every record ends with ',', an extra empty column without a name; it was dropped"
    ]
    assert raw.unreadable == []


def test_trailing_delimiter_on_the_header_too(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a;b;\n1;2;\n", encoding="utf-8")
    raw = read_table_file(path)
    assert raw.frame.values.tolist() == [["1", "2"]]
    assert raw.detected[0].startswith("trailing delimiter: the header and every record ends with ';'")


def test_a_real_extra_field_is_not_a_trailing_delimiter(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2,\n3,4,5\n", encoding="utf-8")
    raw = read_table_file(path)
    assert raw.detected == []
    assert [line for line, _ in raw.unreadable] == [2, 3]


@pytest.mark.parametrize(
    ("values", "dates", "name"),
    [
        (["03/25/2020 00:00:00", "04/01/2020 00:00:00"], ["2020-03-25", "2020-04-01"], "MM/DD/YYYY with a time"),
        (["25/03/2020", "01/04/2020"], ["2020-03-25", "2020-04-01"], "DD/MM/YYYY"),
        (["31 December 2020", "2021-01-02"], ["2020-12-31", "2021-01-02"], "YYYY-MM-DD and DD Month YYYY"),
        (["2020-01-02 00:00:00.000", "2020-02-30"], ["2020-01-02", None], "YYYY-MM-DD with a time"),
        (["05/05/2020", "31/02/2020", "13/01/2020"], ["2020-05-05", None, "2020-01-13"], "DD/MM/YYYY"),
    ],
)
def test_date_column_format_told_by_the_whole_column(values, dates, name):
    raw = raw_for()
    parsed, found = parse_date_column(raw, pd.Series(values, dtype="str"), "d")
    assert [None if pd.isna(d) else d.date().isoformat() for d in parsed] == dates
    assert found == name
    assert bool(raw.detected) == (name.split(" with")[0] != "YYYY-MM-DD")


def test_ambiguous_day_month_order_stops_and_names_the_formats_that_fit():
    with pytest.raises(InputFileError) as caught:
        parse_date_column(raw_for(), pd.Series(["01/02/2020", "03/04/2020", "05/05/2020"], dtype="str"), "date_start")
    assert "column 'date_start'" in str(caught.value)
    assert "fits both MM/DD/YYYY and DD/MM/YYYY" in str(caught.value)


def test_ambiguous_ged_file_exits_2(tmp_path):
    import synthetic

    path = synthetic.write_ucdp_ged_quirky(tmp_path / "ambiguous.csv", 60, seed=2, ambiguous=True)
    done = run_cli("import", "ucdp", str(path), "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert "MM/DD/YYYY and DD/MM/YYYY" in done.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("dd_mm", [False, True])
def test_quirky_ged_file_imports_with_every_death(tmp_path, dd_mm):
    import synthetic

    path = synthetic.write_ucdp_ged_quirky(tmp_path / "ged.csv", 500, seed=1, dd_mm=dd_mm)
    result = import_ucdp(path, Resolver(reference_tables()), "ucdp")  # without publishing: faster
    assert (result.rows_read, result.rows_written, result.rows_rejected) == (500, 500, 0)
    assert result.deaths_read == result.deaths_written == 2876
    assert result.balanced()
    report = "\n".join(result.report_lines())
    assert "trailing delimiter: every record ends with ','" in report
    order = "DD/MM/YYYY" if dd_mm else "MM/DD/YYYY"
    assert f"dates in column 'date_start' read as {order} with a time" in report
    assert "13 event(s) with inconsistent figures" in report
    assert "best_est" in result.shape


def test_ucdp_figures_that_disagree_are_kept_and_the_range_widened(tmp_path):
    frame = pd.read_csv(CANDIDATE, dtype=str, keep_default_na=False).iloc[[0, 0]]  # best 7 (all civilians)
    frame["id"] = ["1", "2"]
    frame["low"], frame["high"] = ["8", "5"], ["10", "6"]  # low above best; high below best
    path = tmp_path / "two.csv"
    frame.to_csv(path, index=False)
    result = import_ucdp(path, Resolver(reference_tables()), "ucdp")
    assert result.rows_rejected == 0 and result.deaths_written == 14 and result.balanced()
    casualties = result.casualties[["incident_id", "count_min", "count_best", "count_max"]]
    assert casualties.astype(str).values.tolist() == [["ucdp-1", "7", "7", "10"], ["ucdp-2", "5", "7", "7"]]
    assert "UCDP's own low 8, high 10" in result.casualties["count_text"].iloc[0]
    assert "2 event(s) with inconsistent figures" in "\n".join(result.notes)


def test_ucdp_best_that_is_not_the_sum_of_its_parts_is_kept(tmp_path):
    frame = pd.read_csv(CANDIDATE, dtype=str, keep_default_na=False).iloc[[0, 0]]  # best 7 (all civilians)
    frame["id"] = ["1", "2"]
    frame["best"], frame["low"], frame["high"] = ["9", "4"], ["9", "4"], ["12", "6"]  # parts: 7 civilians
    path = tmp_path / "two.csv"
    frame.to_csv(path, index=False)
    result = import_ucdp(path, Resolver(reference_tables()), "ucdp")
    assert result.rows_rejected == 0 and result.balanced()
    casualties = result.casualties[["incident_id", "victim_status", "count_min", "count_best", "count_max"]]
    assert casualties.astype(str).values.tolist() == [
        # best 9, parts 7: the 2 deaths no part accounts for are of unknown status
        ["ucdp-1", "civilian", "7", "7", "10"],
        ["ucdp-1", "unknown", "2", "2", "5"],
        # best 4, parts 7: the best is raised to the sum of its parts, and the range widened to include it
        ["ucdp-2", "civilian", "4", "7", "7"],
    ]
    assert result.deaths_written == 16
    texts = list(result.casualties["count_text"])
    assert "of which 2 not given by side or status" in texts[0]
    assert "raised from UCDP's own best 4" in texts[2]
    assert "2 event(s) whose best figure differs from the sum" in "\n".join(result.notes)


def test_older_acled_column_names(tmp_path):
    header = (
        "event_id_cnty,event_date,time_precision,event_type,actor1,ally_actor_1,inter1,actor2,ally_actor_2,inter2,"
        "country,admin1,location,latitude,longitude,geo_precision,fatalities"
    )
    line = "MLI1,12 January 2018,1,Violence against civilians,JNIM,Ansar Dine,2,Civilians (Mali),,7,Mali,Mopti,X,14.8,-5.2,1,3"
    path = tmp_path / "old.csv"
    path.write_text(f"{header}\n{line}\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_import("acled", path, out)
    assert [r[2] for r in rows(out, "perpetrators", ["incident_id", "actor", "role"])] == ["primary", "joint"]
    assert "older ACLED column name 'ally_actor_1' read as 'assoc_actor_1'" in result.notes


def test_quirky_ged_fixture_imports_with_every_death(tmp_path):
    """The committed fixture (tests/synthetic.py, 40 events, seed 3): old names, MM/DD/YYYY 00:00:00, trailing
    comma, line breaks, one event with high below best."""
    fixture = TESTS / "fixtures" / "ucdp" / "ged_quirky_mm_dd.csv"
    result = run_import("ucdp", fixture, tmp_path / "out")
    assert (result.rows_read, result.rows_written, result.deaths_read, result.deaths_written) == (40, 40, 195, 195)
    assert "1 event(s) with inconsistent figures" in "\n".join(result.notes)
