from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from analysis import config
from analysis.data.schema import TABLES

#: The tests folder (fixtures, the bad-input corpus, the shared generators) and the project's root: test files
#: sit in folders that mirror src/analysis/, and name these rather than counting parents of their own path.
TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
PROJECT_DATA = config.DATA_DIR
SEEDS_DIR = config.SEEDS_DIR


def minimal_tables() -> dict[str, list[dict]]:
    """The smallest dataset that is valid: one joint FAMa + Wagner incident with a range and a denial."""
    return {
        "actors": [
            {
                "actor": "FAMa",
                "actor_type": "state_forces",
                "family": "state_forces",
                "acled_inter": "1",
                "aliases": "Military Forces of Mali (2021-)|Government of Mali",
                "description": "army",
            },
            {
                "actor": "Wagner Group",
                "actor_type": "private_military_company",
                "family": "russian_forces",
                "acled_inter": "8",
                "active_from": "2021-12-01",
                "active_to": "2025-06-06",
                "successor": "Africa Corps",
                "description": "pmc",
            },
            {
                "actor": "Africa Corps",
                "actor_type": "foreign_state_forces",
                "family": "russian_forces",
                "acled_inter": "8",
                "active_from": "2025-06-06",
                "description": "successor",
            },
        ],
        "regions": [
            {
                "region": "Tombouctou",
                "region_scheme": "pre_2016",
                "capital": "Tombouctou",
                "aliases": "Timbuktu",
                "centroid_latitude": "20.0",
                "centroid_longitude": "-3.6",
                "centroid_basis": "test",
            },
            {
                "region": "Taoudénit",
                "region_scheme": "2016",
                "parent_region": "Tombouctou",
                "capital": "Taoudenni",
                "aliases": "Taoudeni",
                "centroid_latitude": "22.7",
                "centroid_longitude": "-4.0",
                "centroid_basis": "test",
            },
        ],
        "key_dates": [
            {
                "key_date_id": "minusma-departure",
                "date": "2023-12-31",
                "date_precision": "day",
                "label": "MINUSMA gone",
                "description": "d",
                "source_publisher": "UN",
            },
        ],
        "incidents": [
            {
                "incident_id": "t-1",
                "record_type": "event",
                "title": "Joint raid",
                "start_date": "2024-03-01",
                "end_date": "2024-03-01",
                "date_precision": "day",
                "country": "MLI",
                "admin1": "Timbuktu",
                "location_precision": "admin1",
                "event_type": "attack",
                "is_civilian_targeting": "true",
                "dataset": "curated",
                "latitude": "16.77",
                "longitude": "-3.0",
            },
        ],
        "perpetrators": [
            {
                "incident_id": "t-1",
                "actor": "Military Forces of Mali (2021-)",
                "role": "primary",
                "attribution": "contested",
                "attribution_basis": "alleged by X, denied by Y",
            },
            {
                "incident_id": "t-1",
                "actor": "Wagner Group",
                "role": "joint",
                "attribution": "contested",
                "attribution_basis": "alleged by X",
            },
        ],
        "casualties": [
            {
                "incident_id": "t-1",
                "harm": "killed",
                "victim_status": "civilian",
                "victim_group": "all",
                "count_min": "5",
                "count_best": "7",
                "count_max": "10",
                "count_text": "between 5 and 10",
            },
            {
                "incident_id": "t-1",
                "harm": "killed",
                "victim_status": "civilian",
                "victim_group": "children",
                "count_min": "2",
                "count_best": "2",
                "count_text": "two children",
            },
        ],
        "sources": [
            {
                "incident_id": "t-1",
                "publisher": "X",
                "source_type": "ngo",
                "stance": "alleges",
                "quote": "q",
                "document": "a.txt",
            },
            {
                "incident_id": "t-1",
                "publisher": "Y",
                "source_type": "government",
                "stance": "denies",
                "quote": "q",
                "document": "a.txt",
            },
        ],
    }


def write_tables(directory: Path, tables: dict[str, list[dict]]) -> Path:
    for name, rows in tables.items():
        table = TABLES[name]
        path = directory / table.path
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(table.columns), lineterminator="\n")
            writer.writeheader()
            for row in rows:
                writer.writerow({c: row.get(c, "") for c in table.columns})
    return directory


@pytest.fixture
def tiny(tmp_path) -> Path:
    return write_tables(tmp_path / "data", minimal_tables())


def pytest_collection_modifyitems(config, items):
    """The files that hold end-to-end tests (marked slow) run first, each file's tests together (their
    module-scoped renders are built once): the long ones start early, and the workers of `make test`
    (pytest-xdist) finish with short tests at about the same time, instead of one waiting on another's render."""
    heavy = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in heavy)


@pytest.fixture
def data_copy(tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(PROJECT_DATA, target)
    return target


@pytest.fixture(autouse=True, scope="session")
def _dataset_cache(tmp_path_factory):
    """Tests (and the kernels they start) cache validated datasets in a temporary folder, not the project's."""
    folder = tmp_path_factory.mktemp("cache")
    saved = os.environ.get("MALI_CACHE_DIR"), config.CACHE_DIR
    os.environ["MALI_CACHE_DIR"], config.CACHE_DIR = str(folder), folder
    yield folder
    if saved[0] is None:
        os.environ.pop("MALI_CACHE_DIR", None)
    else:
        os.environ["MALI_CACHE_DIR"] = saved[0]
    config.CACHE_DIR = saved[1]


@pytest.fixture(autouse=True, scope="session")
def _renders_share_a_warm_kernel(_dataset_cache):
    """Renders in this test process run in one warm kernel (started by the first, reset before each), as
    render-all's renders do, instead of starting a kernel each: half a render's CPU. That a warm kernel
    publishes the report a new kernel publishes is tested in report/test_kernels.py, which, like every test
    marked ``own_kernel``, renders in kernels of its own (``_own_kernel_when_marked``). Renders run as
    processes (the command line) always start their own."""
    from analysis.report import render as render_module
    from analysis.report.kernels import WarmKernel

    shared = WarmKernel()
    own = render_module._kernel_for

    @contextmanager
    def kernel_for(notebook, formats, kernel):
        if kernel is not None:
            with own(notebook, formats, kernel) as given:
                yield given
            return
        render_module._import_converters(formats)
        yield shared, False

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render_module, "_kernel_for", kernel_for)
        yield SimpleNamespace(kernel=shared, own_kernel_for=own)
    shared.shutdown()


@pytest.fixture(autouse=True)
def _own_kernel_when_marked(request, monkeypatch, _renders_share_a_warm_kernel):
    if request.node.get_closest_marker("own_kernel"):
        from analysis.report import render as render_module

        monkeypatch.setattr(render_module, "_kernel_for", _renders_share_a_warm_kernel.own_kernel_for)


@pytest.fixture(scope="session")
def default_report(tmp_path_factory):
    """The default report (curated data, HTML and PDF), rendered once for every test file that reads it."""
    from analysis.report.render import render

    return render(out_dir=tmp_path_factory.mktemp("default-report"))


def run_cli(*args, cwd=None) -> subprocess.CompletedProcess:
    """``python -m analysis ARGS`` as an analyst runs it, in this process: ``cli.main``, the code the command
    runs, with its output captured and its exit code (a process would cost a second of imports).
    ``run_process`` runs it in a fresh process, for what only a process shows."""
    import contextlib
    import io

    from analysis.cli import main

    out, err, here = io.StringIO(), io.StringIO(), os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main([str(arg) for arg in args])
            except SystemExit as exit:  # argparse refusing the command line
                code = exit.code if isinstance(exit.code, int) else 0 if exit.code is None else 2
    finally:
        os.chdir(here)
    return subprocess.CompletedProcess(
        ["python", "-m", "analysis", *map(str, args)], code, out.getvalue(), err.getvalue()
    )


def run_process(*args, cwd=None) -> subprocess.CompletedProcess:
    """``python -m analysis ARGS`` in a fresh process, as an analyst runs it."""
    return subprocess.run(
        [sys.executable, "-m", "analysis", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=180,
        check=False,
    )


def table_rows(out: Path, name: str, columns: list[str]) -> list[tuple[str, ...]]:
    """Some columns of an output table, as text exactly as written (empty cells as '')."""
    frame = pd.read_csv(Path(out) / f"{name}.csv", dtype=str, keep_default_na=False)
    return [tuple(r) for r in frame[columns].itertuples(index=False)]
