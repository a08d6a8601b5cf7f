"""Benchmark (not a test): the per-incident tables grow linearly with the data.

Synthetic ACLED exports (tests/synthetic.py) of 1,000, 10,000 and 50,000 events are imported and
loaded, then the incident list, the sources appendix and the annex's data are built for the whole
selection, ``repeat`` times each (median shown), with the time per 1,000 incidents: a flat last column
means linear growth (the per-incident filtering it replaced was quadratic: 0.15 s at 300 events, 2.1 s
at 2,814, 49 s at 19,700).

    .venv/bin/python benchmarks/bench_incident_tables.py [--sizes 1000 10000 50000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def median_seconds(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 50_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.environ["MALI_CACHE_DIR"] = str(tmp / "cache")  # before analysis reads its configuration
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
        import synthetic

        from analysis.data.dataset import load_dataset
        from analysis.importers.run import run_import
        from analysis.measure.aggregate import incident_facts
        from analysis.measure.selection import Selection
        from analysis.report import annex, evidence, tables

        selection = Selection()
        print(f"{'events':>7} {'incidents':>9} | {'list':>7} {'sources':>7} {'annex':>7} {'totals':>7} | per 1,000")
        for size in args.sizes:
            folder = tmp / str(size)
            folder.mkdir()
            path = synthetic.write_acled(folder / "acled.csv", size, "2023", seed=1)
            run_import("acled", path, folder / "data")
            dataset = load_dataset(folder / "data")
            incident_facts(dataset, selection)  # shared by every table of a report; not timed here
            incidents = evidence.incident_list(dataset, selection)
            seconds = {
                "list": median_seconds(lambda d=dataset: evidence.incident_list(d, selection), args.repeat),
                "sources": median_seconds(
                    lambda d=dataset, i=incidents: evidence.sources_appendix(d, i["id"]), args.repeat
                ),
                "annex": median_seconds(lambda i=incidents: annex.annex_json(i, "benchmark"), args.repeat),
                "totals": median_seconds(lambda d=dataset: tables.period_totals(d, selection), args.repeat),
            }
            total = sum(seconds.values())
            per_thousand = total / max(len(incidents), 1) * 1_000
            print(
                f"{size:>7,} {len(incidents):>9,} | "
                + " ".join(f"{seconds[k]:>6.2f}s" for k in ("list", "sources", "annex", "totals"))
                + f" | {per_thousand:.3f} s"
            )


if __name__ == "__main__":
    main()
