"""Benchmark (not a test): the default report end to end against the same pipeline on a one-cell notebook,
and render-all of the shipped jobs against N times one job.

    .venv/bin/python benchmarks/bench_report.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import nbformat

from analysis.batch import load_jobs, render_all
from analysis.render import render


def best_of(repeat: int, action) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        trivial = tmp / "trivial.ipynb"
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('floor')")]), trivial)
        render(trivial, out_dir=tmp / "warm", slug="warm")  # one-off imports, outside the timings
        floor = best_of(args.repeat, lambda: render(trivial, out_dir=tmp / "floor", slug="floor"))
        report = best_of(args.repeat, lambda: render(out_dir=tmp / "report", slug="report"))
        jobs = load_jobs()
        started = time.perf_counter()
        summary = render_all(jobs, tmp / "all", force=True, workers=2, progress=False)
        batch = time.perf_counter() - started
    print(f"one-cell notebook, papermill + HTML + PDF (floor): {floor:.2f} s")
    print(f"default report, same pipeline:                      {report:.2f} s  ({report / floor:.2f} x floor)")
    print(
        f"render-all, {len(jobs)} jobs on 2 workers:                  {batch:.1f} s  ({batch / (len(jobs) * report):.2f} x {len(jobs)} single renders); failed: {len(summary.failed)}"
    )


if __name__ == "__main__":
    main()
