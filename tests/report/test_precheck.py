"""Issue 12: every render's parameters and data are checked before a kernel starts (render and render-all
through the same code); a bad value exits 2 naming every problem, and no notebook is written."""

import datetime as dt
import shutil
import subprocess
import sys

import nbformat
import pandas as pd
import pytest

from analysis import config
from analysis.measure.cross_dataset import open_comparison
from analysis.measure.parameters import InvalidParameter, as_list, iso_date
from analysis.report import kernels as kernels_module
from analysis.report.batch import ConfigError, load_jobs
from analysis.report.kernels import WarmKernel
from analysis.report.notebook import open_report
from analysis.report.precheck import ParameterError, checked_parameters, declared_parameters
from analysis.report.render import render

from conftest import run_cli, run_process

REPORT = config.NOTEBOOKS_DIR / "casualty_report.ipynb"
COMPARISON = config.NOTEBOOKS_DIR / "dataset_comparison.ipynb"


@pytest.fixture
def no_kernel(monkeypatch):
    """Fail the test if a render gets as far as starting a kernel."""

    def execute(*args, **kwargs):
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(kernels_module, "execute", execute)  # what WarmKernel.execute calls
    # A single render starts its kernel through kernels.WarmKernel (on a thread, once the checks have passed).
    monkeypatch.setattr(WarmKernel, "start", execute)
    monkeypatch.setattr(WarmKernel, "start_in_background", execute)


def problems_of(notebook, parameters, base=None) -> list[str]:
    with pytest.raises(ParameterError) as caught:
        checked_parameters(notebook, parameters, base)
    return caught.value.problems


# --- the parameters cell -------------------------------------------------------------------------------


def test_declared_parameters_read_names_type_hints_and_defaults():
    declared = declared_parameters(REPORT)
    assert list(declared)[:5] == ["data_dir", "start_date", "end_date", "period", "actors"]
    assert (declared["actors"].kind, declared["actors"].default) == ("list", [])
    assert (declared["period"].kind, declared["period"].default) == ("str", "auto")
    assert declared["min_attribution"].default == "contested"  # a default written over several lines
    assert declared_parameters(COMPARISON)["max_km"].kind == "float"


# --- a single text is one item, everywhere ---------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [("FAMa", ["FAMa"]), ("", []), (None, []), (["FAMa", "JNIM"], ["FAMa", "JNIM"]), (("Mopti",), ["Mopti"])],
)
def test_as_list(value, expected):
    assert as_list(value) == expected


def test_render_takes_a_single_actor_as_one_item():
    assert checked_parameters(REPORT, {"actors": "FAMa", "regions": "Mopti"}) == {
        "actors": ["FAMa"],
        "regions": ["Mopti"],
    }


def test_notebook_takes_a_single_actor_as_one_item():
    # as in JupyterLab, with `actors = "FAMa"` in the parameters cell
    assert open_report(actors="FAMa", regions="Mopti").selection.actors == ("FAMa",)


def test_comparison_takes_a_single_actor_as_one_item():
    assert open_comparison(actors="FAMa").selection.actors == ("FAMa",)


def test_jobs_file_takes_a_single_actor_as_one_item(tmp_path):
    path = tmp_path / "reports.yml"
    path.write_text("jobs:\n  - slug: a\n    parameters: {actors: FAMa}\n", encoding="utf-8")
    assert load_jobs(path)[0].parameters["actors"] == ["FAMa"]


# --- names, types, values: every problem at once ---------------------------------------------------------


def test_a_misspelt_parameter_is_refused_with_the_valid_names():
    (problem,) = problems_of(REPORT, {"actor": "FAMa"})
    assert problem.startswith("unknown parameter 'actor' (the notebook has: data_dir, start_date")
    assert "did you mean 'actors'?" in problem


def test_every_bad_value_is_named_with_the_valid_ones():
    problems = problems_of(
        REPORT,
        {
            "actor": "x",
            "actors": ["FAMa", "Martians", "Nobody"],
            "regions": "Atlantis",
            "period": "weekly",
            "estimate": "most",
            "max_km": 3,
        },
    )
    text = "\n".join(problems)
    assert len(problems) == 6, text
    assert "unknown parameter 'actor'" in text and "unknown parameter 'max_km'" in text
    assert "unknown actors 'Martians', 'Nobody'; valid actors (or their aliases): FAMa" in text
    assert "unknown region 'Atlantis'; valid regions" in text
    assert "period 'weekly' is not one of: auto, month, quarter, year, named" in text
    assert "estimate 'most' is not one of: min, best, max" in text


def test_wrong_types_are_refused():
    problems = problems_of(COMPARISON, {"title": ["a", "b"], "max_days": "two", "data_dirs": "data"})
    text = "\n".join(problems)
    assert "title must be a single text; got ['a', 'b']" in text
    assert "max_days must be a whole number; got 'two'" in text
    assert "data_dirs must map labels to values" in text


def test_numbers_and_dates_from_yaml_are_read_as_the_text_written():
    # `-p start_date 2024` and `-p start_date 2024-05-02` reach render as an int and a date
    assert checked_parameters(REPORT, {"start_date": 2024, "end_date": dt.date(2024, 5, 2)}) == {
        "start_date": "2024",
        "end_date": "2024-05-02",
    }


# --- dates ---------------------------------------------------------------------------------------------


def test_a_day_month_date_is_refused_as_ambiguous_saying_why():
    _, problem = iso_date("02/05/2024", "start_date")
    assert problem.startswith("start_date '02/05/2024' is ambiguous: 2 May 2024 (day first) or 5 February 2024")
    assert "Write 2024-05-02 or 2024-02-05" in problem


def test_an_unambiguous_day_month_date_is_refused_with_its_iso_form():
    _, problem = iso_date("13/05/2024", "start_date")
    assert problem.startswith("start_date '13/05/2024' is not an ISO date: write 2024-05-13.")
    assert "02/05/2024 is 2 May in one country and 5 February in another" in problem


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("2024-05-02", "2024-05-02", "2024-05-02"),
        ("2024-02", "2024-02-01", "2024-02-29"),
        ("2024", "2024-01-01", "2024-12-31"),
    ],
)
def test_iso_dates_months_and_years(text, start, end):
    assert iso_date(text, "d") == (pd.Timestamp(start), None)
    assert iso_date(text, "d", end=True) == (pd.Timestamp(end), None)


@pytest.mark.parametrize(
    "text, message",
    [
        ("2024-02-30", "is not a real date"),
        ("yesterday", "is not a date written YYYY-MM-DD"),
        ("2024-5-1", "not a date"),
    ],
)
def test_other_bad_dates(text, message):
    assert message in iso_date(text, "start_date")[1]


def test_a_whole_year_as_end_date_includes_december():
    selection = open_report(start_date="2024", end_date="2024").selection
    assert (selection.start, selection.end) == (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31"))


# --- paths and data directories ----------------------------------------------------------------------------


def test_relative_paths_are_taken_from_the_base_folder(tmp_path):
    shutil.copytree(config.DATA_DIR, tmp_path / "mine")
    checked = checked_parameters(REPORT, {"data_dir": "mine"}, base=tmp_path)
    assert checked == {"data_dir": str(tmp_path / "mine")}  # absolute: the kernel runs in the project root


def test_data_dir_that_does_not_exist_is_named_with_its_absolute_path(tmp_path):
    (problem,) = problems_of(REPORT, {"data_dir": "nope"}, base=tmp_path)
    assert problem == f"data_dir {tmp_path / 'nope'} does not exist"


def test_folder_without_tables_is_not_a_data_directory(tmp_path):
    (tmp_path / "empty").mkdir()
    (problem,) = problems_of(REPORT, {"data_dir": str(tmp_path / "empty")})
    assert problem.startswith(f"data_dir {tmp_path / 'empty'} is not a data directory: it has none of the tables")


def test_data_that_does_not_validate_is_named_with_its_problems(data_copy):
    path = data_copy / "casualties.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",9,9,", ",nine,9,", 1), encoding="utf-8")
    (problem,) = problems_of(REPORT, {"data_dir": str(data_copy)})
    assert problem.startswith(f"data_dir {data_copy} does not validate (1 problem(s): casualties.csv:")
    assert "value 'nine'" in problem and f"python -m analysis validate {data_copy}" in problem


def test_comparison_names_each_bad_directory_by_its_label(tmp_path):
    problems = problems_of(COMPARISON, {"data_dirs": {"curated": "", "acled": "imported/acled"}}, base=tmp_path)
    assert problems == [f"data_dirs[acled] {tmp_path / 'imported' / 'acled'} does not exist"]


def test_notebook_in_jupyterlab_takes_relative_paths_from_the_project_root(monkeypatch):
    monkeypatch.chdir(config.NOTEBOOKS_DIR)  # where JupyterLab runs the notebook
    assert open_report(data_dir="data").dataset.data_dir == config.DATA_DIR
    with pytest.raises(InvalidParameter, match=f"data_dir {config.PROJECT_ROOT / 'imported' / 'none'} does not exist"):
        open_report(data_dir="imported/none")


# --- in JupyterLab: one short message, no traceback ----------------------------------------------------------


def test_bad_parameters_in_jupyterlab_show_one_short_message_naming_every_value(capsys):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.run_cell(
        "from analysis import report\n"
        "report.open_report(actors='Martians', start_date='02/05/2024', period='weekly', data_dir='')\n"
    )
    shown = capsys.readouterr()
    text = shown.out + shown.err
    assert text.startswith("3 report parameters cannot be used:"), text
    for value in ("'Martians'", "'02/05/2024'", "'weekly'"):
        assert value in text
    assert "Traceback" not in text and "File " not in text and len(text.splitlines()) == 4


# --- before the kernel: render, render-all and the command line -------------------------------------------------


def test_render_refuses_before_starting_a_kernel(tmp_path, no_kernel):
    with pytest.raises(ParameterError, match="unknown actor 'Nobody'"):
        render(out_dir=tmp_path, parameters={"actors": "Nobody"})
    assert not tmp_path.joinpath(".builds").exists() and not tmp_path.joinpath("_failed").exists()


def test_render_all_checks_every_job_with_the_same_code(tmp_path):
    path = tmp_path / "reports.yml"
    path.write_text(
        "jobs:\n"
        "  - slug: a\n    parameters: {actor: FAMa}\n"
        "  - slug: b\n    parameters: {start_date: 02/05/2024, data_dir: imported/none}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_jobs(path)
    text = str(caught.value)
    assert "jobs[0]: unknown parameter 'actor'" in text and "did you mean 'actors'?" in text
    assert "jobs[1]: start_date '02/05/2024' is ambiguous" in text
    assert f"jobs[1]: data_dir {config.PROJECT_ROOT / 'imported' / 'none'} does not exist" in text  # from the root


def test_cli_exits_2_naming_every_problem_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    result = run_cli(
        "render",
        *("-p", "actor", "FAMa"),
        *("-p", "actors", "FAMa"),  # one actor, valid: not split into letters
        *("-p", "regions", "Atlantis"),
        *("-p", "start_date", "02/05/2024"),
        *("-p", "end_date", "13/05/2024"),
        *("--out", out),
    )
    assert result.returncode == 2, result.stderr
    assert "nothing was rendered (no kernel started)" in result.stderr
    for named in (
        "unknown parameter 'actor'",
        "unknown region 'Atlantis'",
        "'02/05/2024' is ambiguous",
        "write 2024-05-13",
    ):
        assert named in result.stderr
    assert "'F'" not in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


def test_cli_takes_relative_paths_from_the_folder_it_runs_in(tmp_path):
    shutil.copytree(config.DATA_DIR, tmp_path / "mine")
    out = tmp_path / "out"
    # A valid data_dir relative to the working folder, and a bad region to stop before rendering.
    result = run_cli("render", "-p", "data_dir", "mine", "-p", "regions", "Atlantis", "--out", out, cwd=tmp_path)
    assert result.returncode == 2 and "unknown region 'Atlantis'" in result.stderr
    assert "data_dir" not in result.stderr
    result = run_cli("render", "-p", "data_dir", "other", "--out", out, cwd=tmp_path)
    assert result.returncode == 2 and f"data_dir {tmp_path / 'other'} does not exist" in result.stderr
    assert not out.exists()


# --- quiet and clean -----------------------------------------------------------------------------------------


def one_cell_notebook(path, source="print('hello')"):
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)]), path)
    return path


@pytest.mark.slow
def test_render_all_quiet_prints_only_failures_and_the_summary_and_no_tcp_warning(tmp_path):
    good = one_cell_notebook(tmp_path / "good.ipynb")
    bad = one_cell_notebook(tmp_path / "bad.ipynb", "raise RuntimeError('broken on purpose')")
    jobs = tmp_path / "reports.yml"
    jobs.write_text(
        f"defaults: {{formats: [html]}}\njobs:\n  - slug: good\n    notebook: {good}\n  - slug: bad\n    notebook: {bad}\n",
        encoding="utf-8",
    )
    result = run_process("render-all", "--config", jobs, "--out", tmp_path / "out", "--quiet", "--workers", "1")
    assert result.returncode == 1
    assert result.stdout == "1 rendered, 0 unchanged (skipped), 1 failed\n"
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("FAILED bad: Rendering 'bad' failed in cell 1 of bad.ipynb"), (
        result.stderr
    )
    assert "RuntimeError: broken on purpose" in lines[0]
    assert "without encryption" not in result.stdout + result.stderr


@pytest.mark.slow
def test_render_prints_no_kernel_transport_warning(tmp_path):
    notebook = one_cell_notebook(tmp_path / "one.ipynb")
    result = run_process("render", "--notebook", notebook, "--formats", "html", "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # in particular, no "Kernel is running over TCP without encryption"


# --- start-up ------------------------------------------------------------------------------------------------


def test_rfc3987_syntax_is_not_loaded_until_an_iri_is_checked():
    code = (
        "import sys, analysis, nbformat, papermill, jsonschema\n"
        "print('rfc3987_syntax.syntax_helpers' in sys.modules)\n"
        "print(jsonschema.FormatChecker().conforms('http://example.org/a', 'iri'),"
        " jsonschema.FormatChecker().conforms('not an iri', 'iri'))\n"
        "print('rfc3987_syntax.syntax_helpers' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stdout.split() == ["False", "True", "False", "True"], result.stderr
