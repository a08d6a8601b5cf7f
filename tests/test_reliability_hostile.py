"""Bounded work on hostile input (issue 23): each file below once took minutes and gigabytes, or crashed.
Each is now refused with exit 2 in a process held to 1 GB of address space and 60 s of CPU, within seconds."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from analysis.boundedyaml import YamlLimitError, load_bounded
from analysis.report.precheck import ParameterError, checked_parameters

ROOT = Path(__file__).resolve().parents[1]
MAPPING = ROOT / "examples" / "mappings" / "liste_simple_fr.yml"
TABLE = Path(__file__).parent / "fixtures" / "table" / "incidents_fr_latin1.csv"
LIMITED = """\
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
resource.setrlimit(resource.RLIMIT_CPU, (60, 60))
from analysis.cli import main
sys.exit(main(sys.argv[1:]))
"""


def limited(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", LIMITED, *map(str, args)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def _bomb(levels: int = 9) -> str:
    """A billion laughs: nine aliases of nine make 9**9 values once expanded."""
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(lines)


def test_a_mapping_with_an_alias_bomb_under_a_valid_key_is_refused(tmp_path):
    mapping = tmp_path / "bomb.yml"
    bomb = _bomb().replace("\n", "\n  ")
    mapping.write_text(MAPPING.read_text(encoding="utf-8") + f"\nnotes:\n  {bomb}\n", encoding="utf-8")
    done = limited("import", "table", TABLE, "--mapping", mapping, "--out", tmp_path / "out")
    assert done.returncode == 2, done.stderr[-2000:]
    assert "at most 200,000 values, every alias (*name) expanded" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr) < 2000 and not (tmp_path / "out").exists()


def test_a_mapping_nested_ten_thousand_deep_is_refused(tmp_path):
    mapping = tmp_path / "deep.yml"
    mapping.write_text("date: " + "[" * 10_000 + "]" * 10_000 + "\n", encoding="utf-8")
    done = limited("import", "table", TABLE, "--mapping", mapping, "--out", tmp_path / "out")
    assert done.returncode == 2 and "levels of nesting" in done.stderr, done.stderr[-2000:]


def test_a_header_of_a_million_columns_is_refused_before_reading(tmp_path):
    wide = tmp_path / "wide.csv"
    wide.write_text(";".join(f"c{i}" for i in range(1_000_000)) + "\n" + "1;" * 10 + "\n", encoding="utf-8")
    done = limited("import", "table", wide, "--mapping", MAPPING, "--out", tmp_path / "out")
    assert done.returncode == 2 and "expected at most 1,000 columns" in done.stderr, done.stderr[-2000:]
    assert len(done.stderr) < 2000


def test_validate_refuses_a_header_of_a_million_columns_without_echoing_it(data_copy):
    header = ",".join(f"c{i}" for i in range(1_000_000))
    (data_copy / "incidents.csv").write_text(header + "\n" + "1," * 10 + "\n", encoding="utf-8")
    done = limited("validate", data_copy)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "incidents.csv:1: expected a header of at most 1,000 columns" in done.stderr
    assert "this one has 1,000,000" in done.stderr and "c999" not in done.stderr
    assert len(done.stderr) + len(done.stdout) < 2000


def test_a_sheet_declaring_twenty_million_rows_is_refused_before_reading(tmp_path):
    small = tmp_path / "small.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["Date", "Localité"])
    book.active.append(["12/03/2024", "Dioura"])
    book.save(small)
    big = tmp_path / "big.xlsx"
    with zipfile.ZipFile(small) as source, zipfile.ZipFile(big, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="A1:B2"', b'<dimension ref="A1:B20000000"')
            target.writestr(item, data)
    done = limited("import", "table", big, "--mapping", MAPPING, "--out", tmp_path / "out")
    assert done.returncode == 2, done.stderr[-2000:]
    assert "declares 20,000,000 rows" in done.stderr


def test_a_100_kb_title_is_refused_before_a_kernel_starts(tmp_path):
    done = limited(
        "render", "--out", tmp_path, "--slug", "t", "-p", "title", "x" * 100_000
    )  # an argument is at most 128 KiB
    assert done.returncode == 2, done.stderr[-2000:]
    assert "title is 100,000 characters long; at most 1,000" in done.stderr and len(done.stderr) < 2000
    assert not (tmp_path / ".builds").exists()


def test_a_1_mb_title_in_a_jobs_file_is_refused_before_a_kernel_starts(tmp_path):
    # A command-line argument holds at most 128 KiB; a jobs file (at most 1 MiB of YAML) can hold 1 MB.
    jobs = tmp_path / "reports.yml"
    jobs.write_text("jobs:\n  - slug: big\n    parameters:\n      title: " + "x" * 1_000_000 + "\n", encoding="utf-8")
    done = limited("render-all", "--config", jobs, "--out", tmp_path / "out")
    assert done.returncode == 2, done.stderr[-2000:]
    assert "jobs[0]: title is 1,000,000 characters long; at most 1,000" in done.stderr and len(done.stderr) < 2000
    assert not (tmp_path / "out").exists()


def test_a_1_mb_title_is_refused_by_the_parameter_check(tmp_path):
    notebook = shutil.copy(ROOT / "notebooks" / "casualty_report.ipynb", tmp_path / "n.ipynb")
    with pytest.raises(ParameterError, match="title is 1,000,000 characters long; at most 1,000"):
        checked_parameters(Path(notebook), {"title": "x" * 1_000_000})


def test_a_jobs_file_with_aliases_is_refused(tmp_path):
    jobs = tmp_path / "reports.yml"
    jobs.write_text(_bomb() + "\njobs:\n  - slug: a\n    parameters: {actors: *l8}\n", encoding="utf-8")
    done = limited("render-all", "--config", jobs, "--out", tmp_path / "out")
    assert done.returncode == 2 and "every alias (*name) expanded" in done.stderr, done.stderr[-2000:]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (_bomb(7), "at most 200,000 values"),
        ("a: " + "[" * 40 + "]" * 40, "levels of nesting"),
        ("a: &x [[[[1]]]]\nb: " + "[" * 30 + "*x" + "]" * 30, "levels of nesting"),
        ("x" * 2_000_000, "bytes"),
    ],
)
def test_load_bounded_refuses(text, words):
    with pytest.raises(YamlLimitError, match=words):
        load_bounded(text)


def test_load_bounded_accepts_an_alias_that_repeats_a_list():
    assert load_bounded("a: &s {x: 1, y: 2}\nb: *s\n") == {"a": {"x": 1, "y": 2}, "b": {"x": 1, "y": 2}}


def test_a_long_list_parameter_is_refused(tmp_path):
    notebook = shutil.copy(ROOT / "notebooks" / "casualty_report.ipynb", tmp_path / "n.ipynb")
    with pytest.raises(ParameterError, match="actors holds 5,000 items; at most 1,000"):
        checked_parameters(Path(notebook), {"actors": ["FAMa"] * 5000})
