"""Benchmark: `import table` of a large, messy French incident list (tests/synthetic_table.py; not real data),
read with examples/mappings/liste_incidents_fr.yml.

    python benchmarks/bench_import_table.py [--sizes 5000,50000]

Each measurement runs in a fresh process so that its peak memory (max RSS) is its own.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
import synthetic_table  # noqa: E402 (the seeded generator of messy French lists, in tests/)

MAPPING = ROOT / "examples" / "mappings" / "liste_incidents_fr.yml"


def measure(path: str, out: str) -> dict:
    """The importer alone (reading and converting, nothing written), then the whole command (import, validate,
    write); peak memory is the process's."""
    from analysis.importers.output import Resolver, reference_tables
    from analysis.importers.run import run_import
    from analysis.importers.table import import_table

    start = time.perf_counter()
    import_table(Path(path), Resolver(reference_tables(None)), None, MAPPING)
    importer = time.perf_counter() - start
    start = time.perf_counter()
    result = run_import("table", Path(path), Path(out), mapping=MAPPING)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "rows": result.rows_read,
        "importer_seconds": round(importer, 2),
        "import_validate_write_seconds": round(seconds, 2),
        "peak_mb": round(peak),
        "balanced": result.balanced(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="5000,50000")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(*args.child)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            path = Path(tmp) / f"liste_{size}.csv"
            synthetic_table.write_messy_list(path, size)
            done = subprocess.run(
                [sys.executable, __file__, "--child", str(path), str(Path(tmp) / f"out_{size}")],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            print(f"{size:>9,} rows: {done.stdout.strip()}")


if __name__ == "__main__":
    main()
