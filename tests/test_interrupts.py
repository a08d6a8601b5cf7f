"""A run killed part-way leaves the previous outputs as they were, and the next run cleans up after it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from analysis.data.dataset import load_dataset
from analysis.importers.run import run_import

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "acled"


def big_acled(path: Path, copies: int) -> None:
    """The fixture's valid events repeated under new ids: enough rows for an import that lasts seconds."""
    one = pd.read_csv(FIXTURES / "per_event_2023.csv", dtype=str).iloc[:4]
    frames = []
    for i in range(copies):
        frames.append(one.assign(event_id_cnty=[f"MLI{i}x{j}" for j in range(len(one))]))
    pd.concat(frames).to_csv(path, index=False)


def kill_when(process: subprocess.Popen, ready, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        assert process.poll() is None, "the run finished before it could be interrupted"
        assert time.monotonic() < deadline, "the run never reached the point to interrupt"
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def test_killed_import_keeps_previous_output(tmp_path):
    out = tmp_path / "acled"
    run_import("acled", FIXTURES / "per_actor.csv", out)
    before = {p.name: p.read_bytes() for p in out.glob("*.csv")}
    big = tmp_path / "big.csv"
    big_acled(big, 5_000)
    process = subprocess.Popen(
        [sys.executable, "-m", "analysis", "import", "acled", str(big), "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Kill once the new tables are being written beside the old ones.
    kill_when(process, lambda: any(p.glob("incidents.csv") for p in tmp_path.glob(".acled.importing-*")))
    assert {p.name: p.read_bytes() for p in out.glob("*.csv")} == before
    assert len(load_dataset(out).incidents) == 3
    run_import("acled", FIXTURES / "per_event_before_2019.csv", out)
    left = [p.name for p in tmp_path.glob(".acled.*")]
    assert left == [".acled.lock"], "the next import removes what the killed one left (the lock is kept)"


@pytest.mark.slow
def test_killed_render_keeps_previous_report(tmp_path):
    from analysis.report.render import render

    render(out_dir=tmp_path, slug="r", formats=("html",))
    report = tmp_path / "r" / "report.html"
    before = report.read_bytes()
    process = subprocess.Popen(
        [sys.executable, "-m", "analysis", "render", "--out", str(tmp_path), "--slug", "r", "--formats", "html,pdf"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    builds = tmp_path / ".builds"
    kill_when(process, lambda: len(list(builds.iterdir())) > 1)
    assert report.read_bytes() == before
    assert (tmp_path / "r" / "manifest.json").is_file()
