"""Benchmark: importing synthetic ACLED exports (read, map, check in memory, write) against reading the
file with pyarrow alone.

    python benchmarks/bench_import.py [--sizes 10000,100000,1000000]

Each measurement runs in a fresh process so that its peak memory (max RSS) is its own; times are those of
the whole process (interpreter start and library imports included) and, in brackets, of the work alone.
The synthetic rows come from tests/synthetic.py (ACLED's 2023 per-event columns, hundreds of actor names,
messy notes); they are not ACLED data.
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import synthetic  # the seeded generator of messy synthetic exports (tests/synthetic.py)


def synthetic_acled(rows: int, path: Path, seed: int = 1) -> None:
    """A synthetic ACLED export in the 2023 per-event layout (not ACLED data)."""
    synthetic.write_acled(path, rows, "2023", seed)


def measure(what: str, path: str, out: str) -> dict:
    start = time.perf_counter()
    if what == "pyarrow":
        import pyarrow.csv as pcsv

        # Notes contain line breaks, as in real exports: the importer reads with the same option.
        rows = pcsv.read_csv(path, parse_options=pcsv.ParseOptions(newlines_in_values=True)).num_rows
    else:
        from analysis.importers.run import run_import

        rows = run_import("acled", path, out).rows_written
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"rows": rows, "seconds": seconds, "peak_mb": peak_mb}


def in_fresh_process(what: str, path: Path, out: Path) -> dict:
    code = f"import json,sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import bench_import as b; "
    code += f"print(json.dumps(b.measure({what!r}, {str(path)!r}, {str(out)!r})))"
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{what} of {path} failed:\n{done.stderr[-3000:]}")
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    return measured | {"process_seconds": time.perf_counter() - start}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    args = parser.parse_args()
    print(f"{'rows':>9} {'MB':>6} {'pyarrow read s':>15} {'import s':>15} {'ratio':>6} {'peak MB':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            path = Path(tmp) / f"acled_{size}.csv"
            synthetic_acled(size, path)
            floor = in_fresh_process("pyarrow", path, Path(tmp) / "unused")
            full = in_fresh_process("import", path, Path(tmp) / f"out_{size}")
            ratio = full["process_seconds"] / floor["process_seconds"]
            mb = path.stat().st_size / 1e6
            pyarrow_s = f"{floor['process_seconds']:.2f} ({floor['seconds']:.2f})"
            import_s = f"{full['process_seconds']:.2f} ({full['seconds']:.2f})"
            print(
                f"{size:>9,} {mb:>6.0f} {pyarrow_s:>15} {import_s:>15} {ratio:>6.1f} {full['peak_mb']:>8.0f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
