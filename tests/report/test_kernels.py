"""Warm kernels (render-all): two jobs in a row in one kernel cannot see each other's state.

The probe notebook prints, as JSON, everything a previous job could have left behind. Run after a job
that changes all of it, in the same warm kernel, it must print exactly what it prints in a new kernel.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re

import nbformat
import pytest

from analysis.report.execution import CellFailed, execute
from analysis.report.kernels import WarmKernel
from analysis.report.render import render

#: Every test here runs notebooks in real kernels: end to end, deselected by `make test-fast`.
pytestmark = [pytest.mark.slow, pytest.mark.own_kernel]

PARAMETERS = 'marker = "default"'

#: Changes every kind of state a kernel keeps between cells.
LEAKY = """
import logging, os, random, sys, warnings
import matplotlib as mpl, matplotlib.pyplot as plt, numpy as np, pandas as pd
leaked_variable = marker
mpl.rcParams["font.size"] = 33
plt.figure()
pd.set_option("display.max_rows", 3)
warnings.simplefilter("error")
logging.root.addHandler(logging.NullHandler())
logging.root.setLevel(logging.DEBUG)
os.environ["MALI_LEAKED"] = marker
os.chdir("/")
sys.path.append("/leaked")
random.seed(1)
np.random.seed(1)
"""

PROBE = """
import json, logging, os, random, sys, warnings
import matplotlib as mpl, matplotlib.pyplot as plt, numpy as np, pandas as pd
print(json.dumps({
    "marker": marker,
    "names": sorted(n for n in globals() if not n.startswith("_") and n not in {"In", "Out", "exit", "quit", "get_ipython", "open"}),
    "font_size": mpl.rcParams["font.size"],
    "rc_changed": sorted(k for k, v in mpl.rcParams.items() if k != "backend" and mpl.rcParamsDefault[k] != v),
    "figures": plt.get_fignums(),
    "max_rows": pd.get_option("display.max_rows"),
    "warning_filters": len(warnings.filters),
    "log": [logging.root.level, len(logging.root.handlers)],
    "env": os.environ.get("MALI_LEAKED"),
    "cwd": os.getcwd(),
    "leaked_path": "/leaked" in sys.path,
    "random_seeded": random.random() == random.Random(1).random(),
    "numpy_seeded": np.random.random() == np.random.RandomState(1).random(),
    "execution_count": get_ipython().execution_count,
}, sort_keys=True))
"""


def notebook(path, *sources):
    cells = [nbformat.v4.new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]})]
    cells += [nbformat.v4.new_code_cell(source) for source in sources]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def printed(executed) -> dict:
    nb = nbformat.read(executed, as_version=4)
    return json.loads(nb.cells[-1].outputs[0]["text"])


@pytest.fixture
def kernel():
    warm = WarmKernel()
    yield warm
    warm.shutdown()


def test_a_job_sees_nothing_an_earlier_job_left_in_the_same_kernel(tmp_path, kernel):
    leaky = notebook(tmp_path / "leaky.ipynb", LEAKY)
    probe = notebook(tmp_path / "probe.ipynb", PROBE)
    execute(probe, tmp_path / "fresh.ipynb", {})  # a new kernel, as a single render runs it
    fresh = printed(tmp_path / "fresh.ipynb")

    kernel.execute(leaky, tmp_path / "first.ipynb", {"marker": "first job"})
    kernel.execute(probe, tmp_path / "second.ipynb", {})
    after = printed(tmp_path / "second.ipynb")

    assert after["marker"] == "default"  # parameters injected fresh: the first job's value is gone
    assert after["names"] == fresh["names"] and "leaked_variable" not in after["names"]
    assert after["font_size"] != 33 and after["figures"] == []
    assert (after["env"], after["leaked_path"], after["random_seeded"], after["numpy_seeded"]) == (
        None,
        False,
        False,
        False,
    )
    assert after["cwd"] == os.getcwd() == fresh["cwd"]
    assert after == fresh


def test_the_warm_kernel_writes_the_notebook_a_new_kernel_writes(tmp_path, kernel):
    probe = notebook(tmp_path / "probe.ipynb", "print(marker)\nmarker * 2", PROBE)
    execute(probe, tmp_path / "fresh.ipynb", {"marker": "x"})
    kernel.execute(probe, tmp_path / "warm-1.ipynb", {"marker": "x"})
    kernel.execute(probe, tmp_path / "warm-2.ipynb", {"marker": "x"})

    def cells(path):
        nb = nbformat.read(path, as_version=4)
        return [(c.source, c.get("execution_count"), c.get("outputs")) for c in nb.cells]

    assert cells(tmp_path / "warm-1.ipynb") == cells(tmp_path / "fresh.ipynb")
    assert cells(tmp_path / "warm-2.ipynb") == cells(tmp_path / "fresh.ipynb")


def test_text_printed_in_pieces_is_one_output_in_both_kernels(tmp_path, kernel):
    """A kernel sends printed text in as many messages as it happens to flush: the notebook is written the same
    way whatever the timing (the CI once saw "x" and "\\n" where a new kernel wrote "x\\n")."""
    pieces = notebook(
        tmp_path / "pieces.ipynb",
        "import sys\nsys.stdout.write('a'); sys.stdout.flush()\nsys.stdout.write('b'); sys.stdout.flush()\nprint('c')",
    )
    execute(pieces, tmp_path / "fresh.ipynb", {})
    kernel.execute(pieces, tmp_path / "warm.ipynb", {})
    for written in ("fresh.ipynb", "warm.ipynb"):
        outputs = nbformat.read(tmp_path / written, as_version=4).cells[-1].outputs
        assert [(o["output_type"], o["name"], o["text"]) for o in outputs] == [("stream", "stdout", "abc\n")]


def test_a_failed_job_gets_its_kernel_replaced_and_the_next_job_runs(tmp_path, kernel):
    failing = notebook(tmp_path / "failing.ipynb", "leaked_variable = 1\nraise ValueError('boom')")
    probe = notebook(tmp_path / "probe.ipynb", PROBE)
    with pytest.raises(CellFailed, match="ValueError: boom"):
        kernel.execute(failing, tmp_path / "failed.ipynb", {})
    failed_cell = nbformat.read(tmp_path / "failed.ipynb", as_version=4).cells[-1]
    assert [(o["output_type"], o["ename"]) for o in failed_cell.outputs] == [("error", "ValueError")]  # kept to debug
    assert kernel.manager is None  # the kernel the failure ran in is gone
    kernel.execute(probe, tmp_path / "after.ipynb", {})
    assert "leaked_variable" not in printed(tmp_path / "after.ipynb")["names"]


def test_render_in_a_warm_kernel_publishes_the_same_report(tmp_path, kernel):
    cold = render(out_dir=tmp_path / "cold", slug="r", formats=("html",))
    warm = render(out_dir=tmp_path / "warm", slug="r", formats=("html",), kernel=kernel)
    assert sorted(p.name for p in warm.directory.iterdir()) == sorted(p.name for p in cold.directory.iterdir())
    assert sorted(p.name for p in (warm.directory / "tables").iterdir()) == sorted(
        p.name for p in (cold.directory / "tables").iterdir()
    )
    for name in ("incidents.csv", "incidents.json"):
        assert (warm.directory / "tables" / name).read_bytes() == (cold.directory / "tables" / name).read_bytes()

    def outputs(result):
        # The first cell is the injected parameters, which name each build's own tables folder; the render
        # date is masked in case the two renders straddle midnight.
        cells = nbformat.read(result.files["notebook"], as_version=4).cells[1:]
        return re.sub(r"\d{2} [A-Z][a-z]+ \d{4}", "DATE", json.dumps([c.get("outputs") for c in cells]))

    assert outputs(warm) == outputs(cold)


def _start_and_exit(pid_file):
    from analysis.report.kernels import worker_kernel

    kernel = worker_kernel()
    kernel.start()
    pid_file.write_text(str(kernel.manager.provisioner.pid))


def test_a_worker_process_shuts_its_kernel_down_when_it_ends(tmp_path):
    pid_file = tmp_path / "kernel.pid"
    worker = multiprocessing.get_context("fork").Process(target=_start_and_exit, args=(pid_file,))
    worker.start()
    worker.join(timeout=120)
    assert worker.exitcode == 0
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)


def test_a_kernel_that_died_or_cannot_be_put_back_is_replaced(tmp_path, kernel):
    probe = notebook(tmp_path / "probe.ipynb", PROBE)
    breaks_reset = notebook(tmp_path / "breaks.ipynb", "import analysis.report.kernel_state as k\nk._baseline = None")
    kernel.execute(breaks_reset, tmp_path / "breaks-out.ipynb", {})
    first = kernel.manager.provisioner.pid
    kernel.execute(probe, tmp_path / "after-reset.ipynb", {})
    assert kernel.manager.provisioner.pid != first and printed(tmp_path / "after-reset.ipynb")["marker"] == "default"

    kernel.manager.shutdown_kernel(now=True)  # as when the kernel is killed between jobs
    kernel.execute(probe, tmp_path / "after-death.ipynb", {})
    assert printed(tmp_path / "after-death.ipynb")["marker"] == "default"


def test_the_warm_engine_is_registered_when_asked_not_on_import():
    """Importing kernels imports neither render nor papermill and registers nothing (issue 21); register_engine
    puts the engine in papermill's registry."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import analysis.report.kernels as kernels\n"
        "assert 'analysis.report.render' not in sys.modules and 'papermill' not in sys.modules\n"
        "from papermill.engines import papermill_engines\n"
        "from papermill.exceptions import PapermillException\n"
        "try:\n"
        "    papermill_engines.get_engine(kernels.ENGINE)\n"
        "except PapermillException:\n"
        "    pass\n"
        "else:\n"
        "    raise SystemExit('registered on import')\n"
        "assert kernels.register_engine() == kernels.ENGINE\n"
        "assert papermill_engines.get_engine(kernels.ENGINE).__name__ == 'WarmEngine'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr + done.stdout
