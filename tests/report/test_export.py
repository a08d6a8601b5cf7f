"""Spreadsheet exports neutralise formula injection and keep numbers as numbers."""

import csv

import pandas as pd

from analysis.report.export import neutralise, spreadsheet_safe, write_spreadsheet_csv


def test_text_starting_like_a_formula_gets_an_apostrophe():
    for text in ("=1+1", '=HYPERLINK("http://x","y")', "+33 6", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(text) == "'" + text
    for text in ("FAMa", "a=b", " =x", "", "2024-03-01"):
        assert neutralise(text) == text
    assert neutralise(-3) == -3 and neutralise(None) is None


def test_numbers_stay_numbers_and_text_is_neutralised(tmp_path):
    frame = pd.DataFrame(
        {
            "actor": ['=HYPERLINK("http://evil.example","x")', "FAMa", "@cmd"],
            "count_min": pd.array([-5, 0, 7], dtype="Int64"),
            "share": [-0.5, 1.25, None],
            "=bad column": ["-1", "+2", "ok"],
        }
    )
    safe = spreadsheet_safe(frame)
    assert safe["actor"].tolist() == ['\'=HYPERLINK("http://evil.example","x")', "FAMa", "'@cmd"]
    assert safe["count_min"].tolist() == [-5, 0, 7]
    assert list(safe.columns)[-1] == "'=bad column"
    assert safe["'=bad column"].tolist() == ["'-1", "'+2", "ok"]
    assert frame["actor"].iloc[1] == "FAMa" and frame["actor"].iloc[0].startswith("=")  # the input is not changed

    path = write_spreadsheet_csv(frame, tmp_path / "t" / "table.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(path.open(encoding="utf-8-sig", newline="")))
    assert rows[0] == ["actor", "count_min", "share", "'=bad column"]
    assert rows[1] == ['\'=HYPERLINK("http://evil.example","x")', "-5", "-0.5", "'-1"]
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row)


def test_index_labels_are_neutralised():
    frame = pd.DataFrame({"Kidal": [1]}, index=pd.Index(["=cmd"], name="actor"))
    assert spreadsheet_safe(frame).index.tolist() == ["'=cmd"]
