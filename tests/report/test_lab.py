"""JupyterLab as the analyst's home: a failed parameters cell leaves nothing stale, unknown names in the
parameters cell are refused as render refuses them, outputs are stripped; and (slow) the report notebook in
a real JupyterLab, driven by Chromium."""

from __future__ import annotations

import inspect

import pytest

from analysis.measure.parameters import InvalidParameter
from analysis.report import lab
from analysis.report.notebook import RENDER_PARAMETERS, open_report
from analysis.report.precheck import declared_parameters

PARAMETERS_CELL = '# Parameters (papermill replaces this cell\'s values)\ndata_dir: str = ""\nregion = "Mopti"\n'


def test_unknown_names_in_the_parameters_cell_are_named_with_did_you_mean():
    problems = lab.unknown_parameter_names(["data_dir", "regions"], ["import x", PARAMETERS_CELL, "r = 1"])
    assert problems == [
        "unknown parameter 'region' in the parameters cell (the notebook has: data_dir, regions; did you mean "
        "'regions'?)"
    ]
    assert lab.unknown_parameter_names(["data_dir"], ["x = 1"]) == []  # no parameters cell run: nothing to say


def test_the_report_notebook_declares_only_what_open_report_knows():
    known = {*inspect.signature(open_report).parameters, *RENDER_PARAMETERS}
    assert set(declared_parameters("notebooks/casualty_report.ipynb")) <= known


def test_a_failed_open_leaves_the_previous_report_unusable():
    r = open_report()
    assert r.headline().incidents > 0
    with pytest.raises(InvalidParameter) as bad:
        open_report(actors=["Wagnr"])
    assert "unknown actor 'Wagnr' (did you mean 'Wagner Group'?); valid actors" in str(bad.value)
    with pytest.raises(lab.StaleReport) as err:
        r.headline()
    assert err.value._render_traceback_() == [str(err.value)]
    assert "Restart and Run All" in str(err.value)
    fresh = open_report()
    assert fresh.headline().incidents == r.__dict__["_headline"].incidents  # the new one works


def test_outputs_and_lab_metadata_are_stripped_and_committed_notebooks_are_unchanged(tmp_path):
    import json
    import subprocess
    import sys
    from pathlib import Path

    from analysis.cli import main
    from analysis.hygiene import notebook_problems, stripped_text

    for committed in Path("notebooks").glob("*.ipynb"):
        text = committed.read_text(encoding="utf-8")
        assert stripped_text(text) == text
    notebook = json.loads(Path("notebooks/casualty_report.ipynb").read_text(encoding="utf-8"))
    notebook["cells"][1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["old run\n"]}]
    notebook["cells"][1]["execution_count"] = 7
    notebook["cells"][1]["metadata"]["execution"] = {"iopub.status.busy": "2026-12-06T23:00:00Z"}
    notebook["metadata"]["language_info"]["version"] = "3.11.2"
    ran = tmp_path / "ran.ipynb"
    ran.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    assert main(["check-notebooks", str(ran)]) == 2
    assert main(["check-notebooks", "--fix", str(ran)]) == 0
    assert notebook_problems(ran) == []
    assert ran.read_text(encoding="utf-8") == Path("notebooks/casualty_report.ipynb").read_text(encoding="utf-8")
    # the git clean filter make env sets up: the same text on stdout
    ran.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    filtered = subprocess.run(
        [sys.executable, "-m", "analysis.hygiene"], input=ran.read_text(encoding="utf-8"), capture_output=True,
        text=True, check=True,
    )  # fmt: skip
    assert filtered.stdout == Path("notebooks/casualty_report.ipynb").read_text(encoding="utf-8")


def test_text_columns_are_left_aligned_in_lab_numbers_are_not():
    import pandas as pd

    from analysis.report.notebook import table

    html = table(pd.DataFrame({"title": ["Attack on a long named village"], "killed": [12]})).data
    assert '<td style="text-align: left">Attack on a long named village</td>' in html
    assert "<td>12</td>" in html


# --- the comparison notebook: the same as the report notebook -------------------------------------------------

COMPARISON_NOTEBOOK = "notebooks/dataset_comparison.ipynb"


def test_the_comparison_notebook_declares_what_its_open_comparison_knows():
    from analysis.report.comparison import notebook_parameters

    assert set(declared_parameters(COMPARISON_NOTEBOOK)) == set(notebook_parameters())


def test_a_failed_comparison_open_leaves_the_previous_comparison_unusable():
    from analysis.report.comparison import open_comparison

    c = open_comparison(data_dirs={"curated": ""})
    assert c.reference == "curated" and not c.comparable
    with pytest.raises(InvalidParameter) as bad:
        open_comparison(data_dirs={"curated": ""}, actors=["Wagnr"])
    assert "unknown actor 'Wagnr' (did you mean 'Wagner Group'?)" in str(bad.value)
    with pytest.raises(lab.StaleReport):
        _ = c.selection
    with pytest.raises(lab.StaleReport):
        c.coverage()
    assert open_comparison(data_dirs={"curated": ""}).reference == "curated"  # the new one works


def test_unknown_names_in_the_comparison_parameters_cell_are_refused(monkeypatch):
    from analysis.report.comparison import open_comparison

    cell = '# Parameters\ndata_dirs: dict = {"curated": ""}\nreferense = "curated"\n'
    monkeypatch.setattr(lab, "_kernel_inputs", lambda: [cell])
    with pytest.raises(InvalidParameter) as bad:
        open_comparison(data_dirs={"curated": ""})
    assert "unknown parameter 'referense' in the parameters cell" in str(bad.value)
    assert "did you mean 'reference'?" in str(bad.value)


@pytest.fixture
def shell():
    """An IPython shell in this process, as Lab's kernel runs cells (its input history is what lab reads)."""
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    InteractiveShell.clear_instance()
    yield InteractiveShell.instance(config=config)
    InteractiveShell.clear_instance()


def test_the_comparison_notebook_in_a_kernel_after_a_bad_parameter_shows_nothing_stale(shell):
    import json
    from pathlib import Path

    cells = json.loads(Path(COMPARISON_NOTEBOOK).read_text(encoding="utf-8"))["cells"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    parameters, opening, headline = code[0], code[1], code[2]
    for cell in (parameters, opening, headline):
        assert shell.run_cell(cell, store_history=True).success
    bad = shell.run_cell(parameters.replace("actors: list = []", 'actors: list = ["Wagnr"]'), store_history=True)
    assert bad.success
    failed = shell.run_cell(opening, store_history=True)
    assert isinstance(failed.error_in_exec, InvalidParameter)
    assert isinstance(shell.run_cell(headline, store_history=True).error_in_exec, lab.StaleReport)
    misspelt = shell.run_cell(parameters + '\nreferense = "curated"\n', store_history=True)
    assert misspelt.success
    refused = shell.run_cell(opening, store_history=True).error_in_exec
    assert isinstance(refused, InvalidParameter) and "did you mean 'reference'?" in str(refused)


def test_nbval_checks_the_headline_cells_by_tag_and_no_marker_shows():
    import json
    from pathlib import Path

    from nbval.plugin import find_comment_markers, find_metadata_tags

    for path in ("notebooks/casualty_report.ipynb", COMPARISON_NOTEBOOK):
        cells = [c for c in json.loads(Path(path).read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
        assert not any("NBVAL" in "".join(c["source"]) for c in cells), path
        checked = [
            i
            for i, c in enumerate(cells)
            if dict(find_metadata_tags(c["metadata"])).get("check")
            or dict(find_comment_markers("".join(c["source"]))).get("check")
        ]
        assert checked == [2], path  # the headline cell, after the parameters and the opening
