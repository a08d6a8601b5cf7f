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
