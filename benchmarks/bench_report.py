"""Benchmark (not a test): the default report at every data size, and its cost against fixed floors.

    .venv/bin/python benchmarks/bench_report.py [--sizes 1000,10000,50000] [--repeat 3] [--no-floor] [--no-batch]
        [--batch-only]
    .venv/bin/python benchmarks/bench_report.py --processes [--before OLD_CHECKOUT] [--repeat 5]

Sizes: synthetic ACLED exports (``tests/synthetic.py``, seeded) of each size are imported once with
``python -m analysis import acled`` into a temporary folder, outside the timings, and rendered in the same
run as the curated default report: each round renders the curated report, then every size, so that a burst
of load on the machine affects all of them. For each it prints the median per phase (execute, HTML, PDF),
the total, the PDF's page count and the ratio to the curated render of the same round (median).
Goal (issue 10): the 10,000-event report within 2 x the curated one, the PDF under 30 pages at every size.
Every render is printed as it finishes, so that a run stopped part-way still shows what it measured.

Floor (unless ``--no-floor``): the curated report against the same pipeline on a one-cell notebook, timed
alternately. Batch (unless ``--no-batch``): render-all of the shipped jobs on 2 workers, with warm kernels and
with a new kernel per job, against the same jobs rendered one by one, wall and CPU time (issue 14's goal:
under 0.35 x on 2 cores).

Processes (``--processes``, issue 12): ``python -m analysis render`` as the analyst runs it, each render a whole
process (interpreter start-up, imports, checks, kernel, HTML, PDF), the one-cell notebook and the default report
alternately. With ``--before DIR`` (an earlier checkout, e.g. ``git archive main | tar -x -C DIR``) that
version's command runs in the same rounds, side by side (``PYTHONPATH=DIR/src``). Goal: the default report
within 1.5 x the one-cell render.

The validated-dataset cache starts empty (a temporary MALI_CACHE_DIR); every dataset is loaded once before
the timings (shown as "first load"), as the first render on new data would.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
PHASES = ("execute", "html", "pdf")
GOAL_RATIO, GOAL_PAGES = 2.0, 30
GOAL_BATCH = 0.35  # issue 14: render-all of the 10 jobs against ten single renders, on 2 cores


def timed(action) -> tuple[float, dict[str, float], object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result.seconds, result


def phases(runs: list[tuple[float, dict[str, float], object]]) -> str:
    names = runs[0][1]
    return ", ".join(f"{name} {statistics.median(r[1][name] for r in runs):.2f}" for name in names)


def pdf_pages(result) -> int:
    from pypdf import PdfReader

    return len(PdfReader(result.files["pdf"]).pages)


def import_synthetic(n_events: int, folder: Path) -> tuple[Path, float]:
    """A seeded synthetic ACLED export of ``n_events`` imported with the command line; the seconds it took."""
    from synthetic import write_acled_analyst

    # as analysts meet it: joint operations, multi-source events, victim groups and a split massacre
    export = write_acled_analyst(folder / f"acled_{n_events}.csv", n_events, seed=1)
    out = folder / f"acled_{n_events}"
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "import", "acled", str(export), "--out", str(out)],
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.exit(f"import of {n_events} synthetic events failed:\n{done.stderr[-2000:]}")
    return out, time.perf_counter() - started


def floor_comparison(tmp: Path, repeat: int) -> None:
    from analysis.report.render import render

    trivial = tmp / "trivial.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('floor')")]), trivial)
    floors, reports = [], []
    for _ in range(repeat):
        floors.append(timed(lambda: render(trivial, out_dir=tmp / "floor", slug="floor")))
        reports.append(timed(lambda: render(out_dir=tmp / "report", slug="report")))
    floor = statistics.median(f[0] for f in floors)
    report = statistics.median(r[0] for r in reports)
    ratio = statistics.median(r[0] / f[0] for f, r in zip(floors, reports, strict=True))
    print(f"\nmedian of {repeat}, floor and curated report alternately:")
    print(f"one-cell notebook, papermill + HTML + PDF (floor): {floor:.2f} s  ({phases(floors)})")
    print(f"default report, same pipeline:                      {report:.2f} s  ({phases(reports)})")
    print(f"ratio, run by run (median):                         {ratio:.2f} x floor (goal: 1.5)", flush=True)


def sizes_comparison(tmp: Path, sizes: list[int], repeat: int) -> None:
    from analysis import config, load_dataset
    from analysis.report.render import render

    tmp.mkdir(parents=True, exist_ok=True)
    datasets: dict[str, Path | None] = {"curated": None}
    for n in sizes:
        data_dir, seconds = import_synthetic(n, tmp)
        datasets[f"{n:,} events"] = data_dir
        print(f"imported {n:,} synthetic ACLED events in {seconds:.1f} s (outside the timings)", flush=True)
    for label, data_dir in datasets.items():
        started = time.perf_counter()
        loaded = load_dataset(data_dir or config.DATA_DIR)
        print(
            f"first load (validation, cached after): {label}: {time.perf_counter() - started:.1f} s, "
            f"{len(loaded.incidents):,} incidents",
            flush=True,
        )

    runs: dict[str, list] = {label: [] for label in datasets}
    ratios: dict[str, list[float]] = {label: [] for label in datasets}
    for round_number in range(1, repeat + 1):
        for label, data_dir in datasets.items():
            parameters = {"data_dir": str(data_dir)} if data_dir else {}
            slug = "curated" if data_dir is None else f"size-{data_dir.name}".replace("_", "-")
            run = timed(lambda parameters=parameters, slug=slug: render(parameters=parameters, out_dir=tmp, slug=slug))
            runs[label].append(run)
            ratios[label].append(run[0] / runs["curated"][-1][0])
            detail = ", ".join(f"{p} {run[1].get(p, 0):.2f}" for p in PHASES)
            print(
                f"  round {round_number}: {label:>14}: {run[0]:6.1f} s ({detail}), {pdf_pages(run[2])} PDF pages",
                flush=True,
            )

    print(f"\nmedian of {repeat}, curated and synthetic datasets in the same rounds (seconds):")
    print(f"{'dataset':>14} | {'execute':>7} | {'HTML':>6} | {'PDF':>6} | {'total':>6} | pages | x curated")
    for label, done in runs.items():
        median = {p: statistics.median(r[1].get(p, 0) for r in done) for p in PHASES}
        total = statistics.median(r[0] for r in done)
        pages = pdf_pages(done[-1][2])
        ratio = statistics.median(ratios[label])
        print(
            f"{label:>14} | {median['execute']:7.2f} | {median['html']:6.2f} | {median['pdf']:6.2f} | "
            f"{total:6.2f} | {pages:5d} | {ratio:5.2f}"
            + ("" if pages < GOAL_PAGES else f"   (goal: under {GOAL_PAGES} pages)")
        )
    if "10,000 events" in ratios:
        ratio = statistics.median(ratios["10,000 events"])
        verdict = "met" if ratio <= GOAL_RATIO else "not met"
        print(f"10,000-event report: {ratio:.2f} x the curated report (goal: within {GOAL_RATIO:g} x): {verdict}")


def cpu_seconds() -> float:
    """CPU time of this process and of every child it has waited for (workers, and kernels via workers)."""
    import resource

    used = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return sum(u.ru_utime + u.ru_stime for u in used)


def batch_comparison(tmp: Path, repeat: int) -> None:
    """render-all of the shipped jobs (warm kernels, then a new kernel per job) against each job rendered alone.

    Each round renders every job alone in this process, then render-all warm, then render-all with a new
    kernel per job (``warm=False``, the behaviour before warm kernels), all forced. Wall time is what the goal
    is about; CPU time (this process and its children) is printed too, as it moves less on a busy machine."""
    from analysis.report.batch import load_jobs, render_all
    from analysis.report.render import render

    jobs = load_jobs()
    ratios: dict[str, list[tuple[float, float]]] = {"warm": [], "cold": []}
    phase_sums: dict[str, dict[str, float]] = {}
    for round_number in range(1, repeat + 1):
        cpu, started = cpu_seconds(), time.perf_counter()
        failed = 0
        for job in jobs:
            try:
                render(job.notebook, job.parameters, job.formats, tmp / "single", slug=job.slug)
            except Exception:  # counted, as render-all counts it
                failed += 1
        single = (time.perf_counter() - started, cpu_seconds() - cpu)
        phase_sums["single"] = manifest_phases(tmp / "single", jobs)
        print(
            f"  round {round_number}: {len(jobs)} single renders: {single[0]:.1f} s wall, {single[1]:.1f} s CPU"
            f" ({failed} failed)",
            flush=True,
        )
        for mode in ("warm", "cold"):
            cpu, started = cpu_seconds(), time.perf_counter()
            summary = render_all(jobs, tmp / mode, force=True, workers=2, progress=False, warm=mode == "warm")
            batch = (time.perf_counter() - started, cpu_seconds() - cpu)
            phase_sums[mode] = manifest_phases(tmp / mode, jobs)
            ratios[mode].append((batch[0] / single[0], batch[1] / single[1]))
            print(
                f"  round {round_number}: render-all {mode}: {batch[0]:.1f} s wall ({batch[0] / single[0]:.2f} x), "
                f"{batch[1]:.1f} s CPU ({batch[1] / single[1]:.2f} x); failed: {len(summary.failed)}",
                flush=True,
            )
    print(
        f"\nrender-all of {len(jobs)} jobs on 2 workers against the same jobs rendered one by one (median of {repeat}):"
    )
    for mode, label in (("warm", "warm kernels (render-all)"), ("cold", "a new kernel per job")):
        wall = statistics.median(r[0] for r in ratios[mode])
        cpu = statistics.median(r[1] for r in ratios[mode])
        print(f"{label:>26}: {wall:.2f} x wall, {cpu:.2f} x CPU")
    verdict = "met" if statistics.median(r[0] for r in ratios["warm"]) < GOAL_BATCH else "not met"
    print(f"goal: under {GOAL_BATCH} x wall on 2 cores: {verdict}")
    print("seconds summed over the jobs, last round, from the manifests (execute includes any kernel start):")
    for mode, sums in phase_sums.items():
        print(f"{mode:>26}: " + ", ".join(f"{p} {sums.get(p, 0):.1f}" for p in PHASES))


def manifest_phases(out_dir: Path, jobs) -> dict[str, float]:
    import json

    sums: dict[str, float] = {}
    for job in jobs:
        manifest = out_dir / job.slug / "manifest.json"
        if manifest.is_file():
            for phase, seconds in json.loads(manifest.read_text(encoding="utf-8"))["seconds"].items():
                sums[phase] = sums.get(phase, 0) + seconds
    return sums


def process_comparison(tmp: Path, repeat: int, before: Path | None) -> None:
    """Whole ``python -m analysis render`` processes: one-cell notebook and default report, per version."""
    trivial = tmp / "one_cell.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('floor')")]), trivial)
    versions = {"this checkout": None}
    if before is not None:
        versions = {f"before ({before})": before.resolve() / "src", **versions}

    def run(source: Path | None, arguments: list[str], out: Path) -> float:
        environment = dict(os.environ)
        if source is not None:
            environment["PYTHONPATH"] = str(source)
        command = [sys.executable, "-m", "analysis", "render", *arguments, "--out", str(out)]
        started = time.perf_counter()
        done = subprocess.run(command, env=environment, capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
        return time.perf_counter() - started

    cases = {"one-cell notebook": ["--notebook", str(trivial)], "default report": []}
    for source in versions.values():  # first loads and bytecode, outside the timings
        for arguments in cases.values():
            run(source, arguments, tmp / "warm")
    seconds: dict[tuple[str, str], list[float]] = {(v, c): [] for v in versions for c in cases}
    for round_number in range(1, repeat + 1):
        for label, source in versions.items():
            for case, arguments in cases.items():
                seconds[label, case].append(run(source, arguments, tmp / f"round-{round_number}"))
            one, report = seconds[label, "one-cell notebook"][-1], seconds[label, "default report"][-1]
            print(f"  round {round_number}: {label}: one-cell {one:.2f} s, default report {report:.2f} s", flush=True)
    print(f"\n`python -m analysis render` as whole processes, median of {repeat} (seconds):")
    print(f"{'version':>40} | one-cell | default report | ratio (goal: 1.5)")
    for label in versions:
        one, report = seconds[label, "one-cell notebook"], seconds[label, "default report"]
        ratio = statistics.median(r / o for o, r in zip(one, report, strict=True))
        print(f"{label:>40} | {statistics.median(one):8.2f} | {statistics.median(report):14.2f} | {ratio:5.2f}")


def load_average() -> str:
    """Other work on the machine slows every render: printed so that a run can be read with it."""
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} CPUs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,50000", help="synthetic event counts, comma separated")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-floor", action="store_true", help="skip the one-cell notebook floor")
    parser.add_argument("--no-batch", action="store_true", help="skip the render-all measurement")
    parser.add_argument("--batch-only", action="store_true", help="only the render-all measurement")
    parser.add_argument("--processes", action="store_true", help="only whole `python -m analysis render` processes")
    parser.add_argument("--before", type=Path, help="with --processes: an earlier checkout to run side by side")
    args = parser.parse_args()
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes takes whole numbers separated by commas, e.g. 1000,10000; got {args.sizes!r}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.environ["MALI_CACHE_DIR"] = str(tmp / "cache")  # before analysis reads its configuration
        if args.processes:
            print(f"start: {load_average()}", flush=True)
            process_comparison(tmp, args.repeat, args.before)
            print(f"end: {load_average()}")
            return

        from analysis.report.render import render

        trivial = tmp / "warm.ipynb"
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('warm')")]), trivial)
        render(trivial, out_dir=tmp / "warm", slug="warm")  # one-off imports, outside the timings
        print(f"start: {load_average()}", flush=True)
        if not args.batch_only:
            sizes_comparison(tmp / "sizes", sizes, args.repeat)
            print(f"after the sizes: {load_average()}", flush=True)
        if not args.no_floor and not args.batch_only:
            floor_comparison(tmp, args.repeat)
        if not args.no_batch:
            batch_comparison(tmp / "batch", args.repeat)
            print(f"after the batch: {load_average()}", flush=True)


if __name__ == "__main__":
    main()
