"""End to end: render the default report once, then check what an analyst would read in it."""

import json
import re
import subprocess
import sys

import nbformat
import pandas as pd
import pytest
from pypdf import PdfReader

from analysis import config
from analysis.report.render import RenderError, render


@pytest.fixture
def rendered(default_report):
    return default_report


def independent_totals():
    """Civilians killed in events, recomputed with plain pandas straight from the CSV files."""
    inc = pd.read_csv(config.DATA_DIR / "incidents.csv")
    cas = pd.read_csv(config.DATA_DIR / "casualties.csv")
    events = set(inc.loc[inc["record_type"] == "event", "incident_id"])
    killed = cas[
        (cas["harm"] == "killed")
        & (cas["victim_status"] == "civilian")
        & (cas["victim_group"] == "all")
        & cas["incident_id"].isin(events)
    ]
    low = int(killed["count_min"].sum())
    best = int(killed["count_best"].fillna(killed["count_min"]).sum())
    return len(events), low, best


def headline_numbers(text: str):
    text = re.sub(r"\s+", " ", text)
    match = re.search(
        r"the (\d+) incidents recorded here killed at least ([\d,]+) civilians \(best estimate ([\d,]+)", text
    )
    assert match, text[:600]
    return int(match.group(1)), int(match.group(2).replace(",", "")), int(match.group(3).replace(",", ""))


def pdf_text(path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.mark.slow
def test_html_headline_matches_independent_totals(rendered):
    plain = re.sub(r"<[^>]+>", "", rendered.files["html"].read_text(encoding="utf-8"))
    assert headline_numbers(plain) == independent_totals()


@pytest.mark.slow
def test_pdf_headline_matches_independent_totals(rendered):
    assert headline_numbers(pdf_text(rendered.files["pdf"])) == independent_totals()


@pytest.mark.slow
def test_pdf_has_every_section(rendered):
    text = pdf_text(rendered.files["pdf"])
    for heading in (
        "Civilians killed over time",
        "Where: civilians killed by region",
        "How: kinds of violence",
        "Deadliest incidents",
        "Children and women",
        "Harm other than killing",
        "Totals reported by NGOs",
        "Incidents",
        "Methodology",
        "Sources",
    ):
        assert heading in text, heading


@pytest.mark.slow
def test_title_render_date_data_version_and_selection(rendered):
    html = rendered.files["html"].read_text(encoding="utf-8")
    assert "<title>Civilian harm in Mali</title>" in html
    reader = PdfReader(rendered.files["pdf"])
    assert reader.metadata.title == "Civilian harm in Mali"
    manifest = json.loads((rendered.directory / "manifest.json").read_text(encoding="utf-8"))
    version = manifest["data_sha256"][:12]
    first, last = reader.pages[0].extract_text(), reader.pages[-1].extract_text()
    for page in (first, last):  # on page 1, and in the footer of every page
        assert f"data version {version}" in page
        assert "rendered " in page and "attribution: contested or firmer" in page
    text = pdf_text(rendered.files["pdf"])
    assert "single_source" not in text


@pytest.mark.slow
def test_html_is_offline_and_has_no_code(rendered):
    html = rendered.files["html"].read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=[\"']https?:", html)
    assert not re.search(r"<link[^>]+href=[\"']https?:", html)
    assert "@import url(http" not in html
    for script in re.findall(r"<script[^>]*>(.*?)</script>", html, flags=re.S):
        assert "http" not in script, script[:200]  # e.g. Mermaid imported from a CDN inside a module script
    for css in re.findall(r"<style[^>]*>(.*?)</style>", html, flags=re.S):
        assert "url(http" not in css and "@import" not in css
    assert "open_report(" not in html  # code cells are not shown
    assert len(re.findall(r"<img[^>]+src=\"data:image/png;base64", html)) == 4  # the four figures, embedded


@pytest.mark.slow
def test_manifest(rendered):
    manifest = json.loads((rendered.directory / "manifest.json").read_text())
    assert manifest["parameters"] == {}
    assert len(manifest["data_sha256"]) == 64 and len(manifest["input_hash"]) == 64
    assert manifest["versions"]["pandas"] == pd.__version__
    assert manifest["formats"] == ["html", "pdf"]
    assert (rendered.directory / "report.ipynb").is_file()


@pytest.mark.slow
def test_nbval_on_the_executed_notebook(rendered):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--nbval-lax",
            "--nbval-current-env",
            str(rendered.files["notebook"]),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=str(config.PROJECT_ROOT),
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "passed" in result.stdout


def failing_notebook(path):
    """A parameters cell, a text cell, then a cell that fails when asked to: cell 3 as the analyst sees it."""
    cells = [
        nbformat.v4.new_code_cell("fail: bool = False", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_markdown_cell("Some text."),
        nbformat.v4.new_code_cell('# a comment first\nif fail:\n    raise ValueError("asked to fail")\nprint("fine")'),
    ]
    kernel = {"name": "python3", "language": "python", "display_name": "Python 3"}
    nbformat.write(nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": kernel}), path)
    return path


@pytest.mark.slow
def test_failed_render_keeps_previous_report_and_names_the_cell(tmp_path):
    # Issue 12: the cell is numbered as in the analyst's notebook, without papermill's injected cell (which
    # would make it cell 4), and a bad parameter is caught before the kernel (see test_precheck.py), so a
    # failure in a cell is what this pins.
    notebook = failing_notebook(tmp_path / "failing.ipynb")
    good = render(notebook, out_dir=tmp_path, slug="r", formats=("html",))
    before = good.files["html"].read_text(encoding="utf-8")
    with pytest.raises(
        RenderError,
        match=r"failed in cell 3 of failing.ipynb \('if fail:'\): ValueError: asked to fail",
    ):
        render(notebook, out_dir=tmp_path, slug="r", parameters={"fail": True}, formats=("html",))
    assert (tmp_path / "r" / "report.html").read_text(encoding="utf-8") == before
    assert len(list((tmp_path / "_failed").glob("r-*.ipynb"))) == 1
    assert [p.name for p in (tmp_path / ".builds").iterdir()] == [good.directory.resolve().name]


@pytest.mark.slow
def test_empty_selection_renders_a_no_incidents_report(tmp_path):
    result = render(
        out_dir=tmp_path, parameters={"start_date": "2030-01-01", "end_date": "2030-12-31"}, formats=("html",)
    )
    assert "No incidents match this selection" in result.files["html"].read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_missing_import_fails_in_the_notebooks_cell_not_while_the_kernel_starts(tmp_path):
    # A single render's kernel imports what the notebook imports while it starts (kernels.notebook_imports);
    # an import that fails there is left for the notebook's own cell, which names it as the analyst sees it.
    cells = [
        nbformat.v4.new_code_cell("x: int = 1", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("import json\nfrom no_such_module_here import thing"),
    ]
    kernel = {"name": "python3", "language": "python", "display_name": "Python 3"}
    notebook = tmp_path / "imports.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": kernel}), notebook)
    with pytest.raises(RenderError, match=r"failed in cell 2 of imports.ipynb .*ModuleNotFoundError: No module named"):
        render(notebook, out_dir=tmp_path, slug="r", formats=("html",))


def test_notebook_imports_are_the_top_level_imports_of_its_code_cells(tmp_path):
    from analysis.report.kernels import notebook_imports

    cells = [
        nbformat.v4.new_code_cell("import os, json as j\nfrom analysis.report import esc, md\nfrom . import local"),
        nbformat.v4.new_markdown_cell("import not_code"),
        nbformat.v4.new_code_cell("from analysis.report import tables, esc\nif True:\n    import inside_a_block"),
        nbformat.v4.new_code_cell("%time import after_a_magic"),  # not Python: the kernel meets it as it runs
        nbformat.v4.new_code_cell("from IPython.display import display"),
    ]
    path = tmp_path / "n.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    assert notebook_imports(path) == (
        ("os", ()),
        ("json", ()),
        ("analysis.report", ("esc", "md", "tables")),
        ("IPython.display", ("display",)),
    )


def test_the_checks_before_the_kernel_do_not_import_matplotlib():
    # analysis.report loads its notebook API (and with it matplotlib and the figures) on first use only.
    code = "import sys, analysis.report.precheck, analysis.report.render; print('matplotlib' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=str(config.PROJECT_ROOT))
    assert done.stdout.strip() == "False", done.stderr
