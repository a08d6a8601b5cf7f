"""Benchmark (not a test): the default report end to end against the same pipeline on a one-cell notebook,
and render-all of the shipped jobs against N times one job.

    .venv/bin/python benchmarks/bench_report.py [--repeat 5] [--no-batch]

Floor and report are timed alternately, ``repeat`` times each, and the medians compared, so that a
burst of load on the machine affects both. The validated-dataset cache starts empty (a temporary
MALI_CACHE_DIR): the first report render validates the data and is shown apart ("cold"); the
repeats find the cache, as every render after the first one on the same data does.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import nbformat


def timed(action) -> tuple[float, dict[str, float]]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result.seconds


def phases(runs: list[tuple[float, dict[str, float]]]) -> str:
    names = runs[0][1]
    return ", ".join(f"{name} {statistics.median(r[1][name] for r in runs):.2f}" for name in names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-batch", action="store_true", help="skip the render-all measurement")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.environ["MALI_CACHE_DIR"] = str(tmp / "cache")  # before analysis reads its configuration

        from analysis.report.batch import load_jobs, render_all
        from analysis.report.render import render

        trivial = tmp / "trivial.ipynb"
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('floor')")]), trivial)
        render(trivial, out_dir=tmp / "warm", slug="warm")  # one-off imports, outside the timings
        cold = timed(lambda: render(out_dir=tmp / "report", slug="report"))
        floors, reports = [], []
        for _ in range(args.repeat):
            floors.append(timed(lambda: render(trivial, out_dir=tmp / "floor", slug="floor")))
            reports.append(timed(lambda: render(out_dir=tmp / "report", slug="report")))
        floor = statistics.median(f[0] for f in floors)
        report = statistics.median(r[0] for r in reports)
        ratio = statistics.median(r[0] / f[0] for f, r in zip(floors, reports, strict=True))
        print(f"median of {args.repeat}, floor and report alternately:")
        print(f"one-cell notebook, papermill + HTML + PDF (floor): {floor:.2f} s  ({phases(floors)})")
        print(f"default report, same pipeline:                      {report:.2f} s  ({phases(reports)})")
        print(f"ratio, run by run (median):                         {ratio:.2f} x floor (goal: 1.5)")
        print(f"first report render, dataset not yet cached:        {cold[0]:.2f} s  ({phases([cold])})")
        if not args.no_batch:
            jobs = load_jobs()
            started = time.perf_counter()
            summary = render_all(jobs, tmp / "all", force=True, workers=2, progress=False)
            batch = time.perf_counter() - started
            print(
                f"render-all, {len(jobs)} jobs on 2 workers:                  {batch:.1f} s  ({batch / (len(jobs) * report):.2f} x {len(jobs)} single renders); failed: {len(summary.failed)}"
            )


if __name__ == "__main__":
    main()
