from analysis import config

from conftest import run_cli as run
from conftest import run_process


def test_validate_embedded_data_exits_0():
    result = run_process("validate", str(config.DATA_DIR))
    assert result.returncode == 0, result.stderr
    assert "valid" in result.stdout
    assert "7 events and 4 period totals, 2022-12-01 to 2025-02-17" in result.stdout


def test_validate_bad_copy_exits_2_naming_file_line_and_column(data_copy):
    path = data_copy / "casualties.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    target = next(
        i for i, line in enumerate(lines) if line.startswith("fla-2025-01-02-niono-vehicle,killed,civilian,all,")
    )
    lines[target] = lines[target].replace(",8,9,9,", ",nine,9,9,", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("validate", str(data_copy))
    assert result.returncode == 2
    assert f"casualties.csv:{target + 1}, column 'count_min', value 'nine'" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_validate_missing_directory_exits_2(tmp_path):
    result = run("validate", str(tmp_path / "nope"))
    assert result.returncode == 2
    assert "expected a data directory" in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_directory_without_tables_lists_each_missing_file(tmp_path):
    result = run("validate", str(tmp_path))
    assert result.returncode == 2
    for name in ("incidents.csv", "perpetrators.csv", "casualties.csv", "sources.csv", "reference/actors.csv"):
        assert name in result.stderr


def test_import_into_a_folder_of_earlier_imports_is_refused_suggesting_a_folder_of_its_own(tmp_path):
    ucdp = config.PROJECT_ROOT / "tests" / "fixtures" / "ucdp" / "candidate_49_columns.csv"
    assert run("import", "ucdp", ucdp, "--out", "imported/ucdp", cwd=tmp_path).returncode == 0
    result = run("import", "ucdp", ucdp, "--out", "imported/", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"{tmp_path / 'imported'}: expected an empty directory or an earlier import's output" in result.stderr
    assert "(ucdp/)" in result.stderr
    assert f"Give each import its own folder, e.g. --out {tmp_path / 'imported' / 'mine'}" in result.stderr
