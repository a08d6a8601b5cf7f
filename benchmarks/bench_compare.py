"""Benchmark (not a test): the comparison report against the single-dataset report on the same data.

    .venv/bin/python benchmarks/bench_compare.py [--sizes 10000,50000] [--repeat 1] [--paired]

For each size, a seeded synthetic ACLED export and a UCDP GED file of that many events (``tests/synthetic.py``;
with ``--paired`` the UCDP file codes a share of the ACLED events again, as UCDP would, see
``tests/synthetic_pairs.py``) are imported with ``python -m analysis import`` (outside the timings). Then, in
alternate rounds, ``python -m analysis render`` of the default report on the ACLED import and of the comparison
notebook on both imports, each a whole process: wall time and peak memory (the largest resident set of the
render and its kernel, from ``/usr/bin/time``), and the comparison's PDF page count.
Goals (issue 19): the comparison within 2 x the single-dataset report's time, under 1 GB, PDF under 40 pages.
The machine may be shared: the ratio of the same round is what to read.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
GOAL_RATIO, GOAL_MB, GOAL_PAGES = 2.0, 1024, 40


def run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        sys.exit(f"{' '.join(command[:4])} ... failed:\n{done.stderr[-3000:]}")


def imported(n: int, folder: Path, paired: bool) -> tuple[Path, Path]:
    from synthetic import write_acled, write_ucdp_ged_quirky

    acled_csv = write_acled(folder / f"acled_{n}.csv", n, shape="2023", seed=1)
    ucdp_csv = folder / f"ucdp_{n}.csv"
    if paired:
        from synthetic_pairs import write_ucdp_from_acled

        write_ucdp_from_acled(acled_csv, ucdp_csv, n, seed=2)
    else:
        write_ucdp_ged_quirky(ucdp_csv, n, seed=2)
    out = folder / f"acled_{n}", folder / f"ucdp_{n}"
    run([sys.executable, "-m", "analysis", "import", "acled", str(acled_csv), "--out", str(out[0])])
    run([sys.executable, "-m", "analysis", "import", "ucdp", str(ucdp_csv), "--out", str(out[1])])
    return out


def timed_render(arguments: list[str], out: Path, slug: str) -> tuple[float, float]:
    """Seconds and peak megabytes of one ``python -m analysis render`` (kernel included)."""
    command = ["/usr/bin/time", "-f", "%e %M", sys.executable, "-m", "analysis", "render", *arguments]
    command += ["--out", str(out), "--slug", slug]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        sys.exit(f"render {slug} failed:\n{done.stderr[-3000:]}")
    seconds, kilobytes = done.stderr.strip().splitlines()[-1].split()
    return float(seconds), int(kilobytes) / 1024


def pages(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--paired", action="store_true", help="UCDP codes a share of the ACLED events again")
    parser.add_argument("--imported", nargs=2, metavar=("ACLED_DIR", "UCDP_DIR"), help="use these imports (one size)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n in (int(s) for s in args.sizes.split(",")):
            acled, ucdp = map(Path, args.imported) if args.imported else imported(n, folder, args.paired)
            single, compared = [], []
            for round_ in range(args.repeat):
                single.append(timed_render(["-p", "data_dir", str(acled)], folder / "out", f"single-{n}"))
                dirs = f"{{acled: {acled}, ucdp: {ucdp}}}"
                compared.append(
                    timed_render(
                        ["--notebook", "notebooks/dataset_comparison.ipynb", "-p", "data_dirs", dirs],
                        folder / "out",
                        f"compare-{n}",
                    )
                )
                print(
                    f"{n:,} a side, round {round_ + 1}: single report {single[-1][0]:.1f} s, {single[-1][1]:,.0f} MB; "
                    f"comparison {compared[-1][0]:.1f} s, {compared[-1][1]:,.0f} MB",
                    flush=True,
                )
            s_time = statistics.median(t for t, _ in single)
            c_time = statistics.median(t for t, _ in compared)
            c_mb = max(mb for _, mb in compared)
            n_pages = pages(folder / "out" / f"compare-{n}" / "report.pdf")
            ratio = c_time / s_time
            print(
                f"{n:,} events a side: comparison {c_time:.1f} s against {s_time:.1f} s for the single report "
                f"({ratio:.2f} x, goal {GOAL_RATIO:g} x: {'met' if ratio <= GOAL_RATIO else 'NOT met'}); "
                f"peak {c_mb:,.0f} MB (goal {GOAL_MB:,} MB: {'met' if c_mb <= GOAL_MB else 'NOT met'}); "
                f"{n_pages} pages (goal under {GOAL_PAGES}: {'met' if n_pages < GOAL_PAGES else 'NOT met'})",
                flush=True,
            )


if __name__ == "__main__":
    main()
