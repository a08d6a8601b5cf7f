"""The report notebook in a real JupyterLab, driven by headless Chromium through Playwright: after a good run,
a bad parameter and Run All show the short message and no chart of the previous run; a misspelt parameter
name is refused with the name it resembles. A temporary copy of the notebook is opened, never the project's."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
NOTEBOOK = ROOT / "notebooks" / "casualty_report.ipynb"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.is_file(), reason="no /usr/bin/chromium (apt-get install chromium)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 with a token, serving a temporary folder with a copy of the notebook."""
    root = tmp_path_factory.mktemp("lab")
    shutil.copy(NOTEBOOK, root / NOTEBOOK.name)
    # every cell in the page, not only those in view (Lab 4 detaches cells out of view by default)
    settings = root / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}', encoding="utf-8")
    port, token = _free_port(), secrets.token_hex(16)
    jupyter = Path(sys.executable).parent / "jupyter"
    server = subprocess.Popen(
        [str(jupyter), "lab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--allow-root",
         f"--LabApp.user_settings_dir={root / 'settings'}", f"--LabApp.workspaces_dir={root / 'workspaces'}"],
        stdout=subprocess.DEVNULL, stderr=(root / "server.log").open("w"), cwd=root,
        env={**os.environ, "JUPYTER_RUNTIME_DIR": str(root / "runtime")},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        server.terminate()
        pytest.fail(f"JupyterLab did not start: {(root / 'server.log').read_text()[-2000:]}")
    yield url, token, root
    server.terminate()
    server.wait(timeout=30)


@pytest.fixture(scope="module")
def page(lab):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the dev extras: make env")
    url, token, _ = lab
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu", "--headless"]
        )
        tab = browser.new_page(viewport={"width": 1400, "height": 1000})
        tab.goto(f"{url}/lab/tree/{NOTEBOOK.name}?token={token}")
        tab.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
        tab.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)
        yield tab
        browser.close()


def _run_all(tab) -> None:
    first_cell = tab.locator(".jp-CodeCell").first  # Run All runs it whatever fails after it

    def click_run_all():
        tab.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        tab.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()

    _ran(tab, first_cell, click_run_all)


def _ran(tab, cell, action) -> None:
    """Do ``action`` and wait until ``cell`` has run again (its prompt's number changed) and the kernel is
    idle: on a busy machine Lab can take more than a second to start, and idle before the start is no answer."""
    before = cell.locator(".jp-InputPrompt").inner_text()
    action()
    deadline = time.time() + 120
    while cell.locator(".jp-InputPrompt").inner_text() in (before, "[*]:"):
        if time.time() > deadline:
            pytest.fail(f"the cell did not run in 120 s (its prompt stayed {before!r})")
        time.sleep(0.2)
    _wait_idle(tab)


def _wait_idle(tab) -> None:
    deadline = time.time() + 300
    while time.time() < deadline:
        busy = tab.locator(".jp-InputPrompt", has_text="[*]").count()
        status = tab.locator(".jp-Notebook-ExecutionIndicator").get_attribute("data-status")
        if not busy and status == "idle":
            return
        time.sleep(1)
    pytest.fail("Run All did not finish in 300 s")


def _set_parameters(tab, text: str) -> None:
    """Replace the parameters cell's text (the first code cell) as an analyst types it."""
    editor = tab.locator(".jp-CodeCell").first.locator(".cm-content")
    editor.click()
    tab.keyboard.press("Control+a")
    tab.keyboard.press("Delete")
    tab.keyboard.insert_text(text)
    tab.keyboard.press("Escape")


def _below_parameters(tab):
    """The outputs of the cells after the one that opens the report."""
    cells = tab.locator(".jp-CodeCell")
    return [cells.nth(i) for i in range(2, cells.count())]


def _parameters_cell() -> str:
    import json

    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    cell = next(c for c in cells if "parameters" in c.get("metadata", {}).get("tags", []))
    return "".join(cell["source"])


def _with(line: str, replacing: str = "") -> str:
    """The notebook's parameters cell with one line replaced (or added)."""
    lines = _parameters_cell().splitlines()
    if replacing:
        lines = [line if text.startswith(replacing) else text for text in lines]
    else:
        lines.append(line)
    return "\n".join(lines) + "\n"


def test_a_bad_parameter_leaves_no_chart_of_the_previous_run(page):
    _set_parameters(page, _with("actors: list = []", replacing="actors"))
    _run_all(page)
    charts = sum(cell.locator(".jp-OutputArea-output img").count() for cell in _below_parameters(page))
    assert charts >= 3  # a good run draws its charts and map
    _set_parameters(page, _with('actors: list = ["Wagnr"]', replacing="actors"))
    _run_all(page)
    opening = page.locator(".jp-CodeCell").nth(1).locator(".jp-OutputArea").inner_text()
    assert "unknown actor 'Wagnr' (did you mean 'Wagner Group'?)" in opening
    charts = sum(cell.locator(".jp-OutputArea-output img").count() for cell in _below_parameters(page))
    assert charts == 0  # nothing of the previous run is shown
    # Lab stops Run All at the error; an analyst who then runs a chart's cell alone gets the message, not the
    # previous selection's chart (the report from the good run is still in the kernel)
    chart_cell = page.locator(".jp-CodeCell", has_text="over_time_figure").first
    chart_cell.locator(".cm-content").click()
    _ran(page, chart_cell, lambda: page.keyboard.press("Shift+Enter"))
    assert chart_cell.locator(".jp-OutputArea-output img").count() == 0
    assert "the parameters cell above failed" in chart_cell.locator(".jp-OutputArea").inner_text()


def test_a_misspelt_parameter_name_is_refused_with_the_name_it_resembles(page):
    _set_parameters(page, _with('region = "Mopti"'))
    _run_all(page)
    opening = page.locator(".jp-CodeCell").nth(1).locator(".jp-OutputArea").inner_text()
    assert "unknown parameter 'region' in the parameters cell" in opening
    assert "did you mean 'regions'?" in opening
