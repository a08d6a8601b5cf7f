"""Command line: ``python -m analysis COMMAND``.

Exit codes: 0 success, 2 bad input (every problem listed), 1 an unexpected failure.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import contextmanager
from pathlib import Path

from . import config
from .data.dataset import check_dataset, summarise
from .data.schema import data_dictionary_markdown
from .hygiene import find_notebooks, notebook_problems

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2


class _Failed(Exception):
    """A command's failure, already said on stderr: ``main`` returns its exit code."""

    def __init__(self, exit_code: int):
        super().__init__(exit_code)
        self.exit_code = exit_code


@contextmanager
def _failures(*declared: tuple[type[Exception], int, str]):
    """The failures a command expects, each ``(kind, exit code, what follows the message)``: one met is said as
    ``error: ...`` on stderr and ends the command with its exit code. The first kind that fits decides."""
    try:
        yield
    except tuple(kind for kind, _, _ in declared) as err:
        exit_code, then = next((code, then) for kind, code, then in declared if isinstance(err, kind))
        print(f"error: {err}{then}", file=sys.stderr)
        raise _Failed(exit_code) from None


def _validate(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir)
    dataset, problems = check_dataset(data_dir)
    if problems:
        print(f"{data_dir}: {len(problems)} problem(s); nothing was changed.", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"{data_dir}: valid")
    for line in summarise(dataset):
        print(f"  {line}")
    return EXIT_OK


def _docs(args: argparse.Namespace) -> int:
    target = Path(args.out)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(data_dictionary_markdown(), encoding="utf-8")
    print(f"wrote {target}")
    from .importers.mapping_model import mapping_reference_markdown

    reference = target.parent / "mapping-reference.md"
    reference.write_text(mapping_reference_markdown(), encoding="utf-8")
    print(f"wrote {reference}")
    return EXIT_OK


def _check_notebooks(args: argparse.Namespace) -> int:
    notebooks = find_notebooks([Path(p) for p in (args.paths or [config.NOTEBOOKS_DIR])])
    if args.fix:
        from .hygiene import strip_notebook

        for notebook in notebooks:
            if strip_notebook(notebook):
                print(f"stripped outputs from {notebook}")
    problems = [problem for notebook in notebooks for problem in notebook_problems(notebook)]
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return EXIT_BAD_INPUT
    print(f"{len(notebooks)} notebook(s) without outputs")
    return EXIT_OK


def _parameters(pairs: list[list[str]]) -> dict:
    """-p NAME VALUE pairs; VALUE is read as YAML so lists and numbers work (-p actors '[FAMa, JNIM]')."""
    import yaml

    parameters = {}
    for name, value in pairs or []:
        try:
            parameters[name] = yaml.safe_load(value) if value.strip() else ""
        except yaml.YAMLError:
            parameters[name] = value
        if parameters[name] is None:
            parameters[name] = ""
    return parameters


def _render(args: argparse.Namespace) -> int:
    from .report.precheck import ParameterError
    from .report.render import RenderError, render

    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    try:
        result = render(
            notebook=Path(args.notebook),
            parameters=_parameters(args.p),
            formats=formats,
            out_dir=Path(args.out),
            slug=args.slug,
            base=Path.cwd(),
        )
    except ParameterError as err:
        print(parameter_problems_text(err.notebook, err.problems), file=sys.stderr)
        return EXIT_BAD_INPUT
    except RenderError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_FAILURE
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    for kind, path in result.files.items():
        print(f"{kind}: {path}")
    print("seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in result.seconds.items()))
    return EXIT_OK


def parameter_problems_text(notebook: Path, problems: list[str]) -> str:
    heading = f"error: {Path(notebook).name}: nothing was rendered (no kernel started); fix the parameters first:"
    return "\n".join([heading, *(f"  - {problem}" for problem in problems)])


def _render_all(args: argparse.Namespace) -> int:
    from .report.batch import ConfigError, load_jobs, render_all

    try:
        jobs = load_jobs(Path(args.config))
    except ConfigError as err:
        print(f"{args.config}: nothing was rendered; fix these first:\n{err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    summary = render_all(jobs, Path(args.out), force=args.force, workers=args.workers, progress=not args.quiet)
    if not args.quiet:
        for slug, line in sorted(summary.changes.items()):
            print(f"{slug}: {line}")
    counts = (
        f"{len(summary.rendered)} rendered, {len(summary.skipped)} unchanged (skipped), {len(summary.failed)} failed"
    )
    if summary.changed:  # said even with --quiet: what a nightly log is read for
        counts += (
            f"; {len(summary.changed)} differ from their previous build ({', '.join(sorted(summary.changed))}:"
            " python -m analysis changes SLUG)"
        )
    print(counts)
    for slug, message in summary.failed.items():
        print(f"FAILED {slug}: {message}", file=sys.stderr)
    return EXIT_FAILURE if summary.failed else EXIT_OK


def _changes(args: argparse.Namespace) -> int:
    from .report.changes import changes_text, compare_builds
    from .report.history import HistoryError, pick_builds

    with _failures((HistoryError, EXIT_BAD_INPUT, "")):
        before, after = pick_builds(Path(args.out), args.slug, args.builds)
        changes = compare_builds(before, after)
    for line in changes_text(changes):
        print(line)
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    from .importers.output import REPORT_TXT, ImportBug, OutputBusy
    from .importers.reading import InputFileError
    from .importers.run import run_import

    options = {"mapping": Path(args.mapping)} if args.kind == "table" else {}
    failures = (
        (InputFileError, EXIT_BAD_INPUT, "\nNothing was written."),
        (ImportBug, EXIT_FAILURE, "\nNothing was written. This is a bug in the importer; please report it."),
        (OutputBusy, EXIT_FAILURE, ""),
    )
    try:
        with _failures(*failures):
            result = run_import(args.kind, Path(args.file), Path(args.out), dataset=args.dataset, **options)
    except OSError as err:  # a full disk, a read-only folder: say where, and that the earlier import is kept
        from .atomic import write_failure

        print(f"error: {write_failure(err, f'Importing {args.file}', 'previous import')}", file=sys.stderr)
        return EXIT_FAILURE
    for line in result.report_lines():
        print(line)
    print(f"written to {Path(args.out)} (this report: {Path(args.out) / REPORT_TXT})")
    return EXIT_OK


def _date(text: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, not {text!r}") from None


def _fetch(args: argparse.Namespace) -> int:
    from .fetch.http import CredentialsError, FetchError, Http, RetryPolicy

    failures = (
        (CredentialsError, EXIT_BAD_INPUT, ""),
        (FetchError, EXIT_FAILURE, ""),
        (ValueError, EXIT_BAD_INPUT, ""),
    )
    with _failures(*failures), Http(RetryPolicy(max_total_wait=args.max_wait)) as http:
        if args.source == "acled":
            from .fetch.acled import fetch_acled

            outcome = fetch_acled(
                Path(args.out),
                args.country,
                args.start,
                args.end,
                http=http,
                full=args.full,
                progress=not args.quiet,
            )
        else:
            from .fetch.ucdp import fetch_ucdp

            outcome = fetch_ucdp(
                Path(args.out), args.country, args.version, args.candidate, args.start, args.end,
                http=http, progress=not args.quiet,
            )  # fmt: skip
    for line in outcome.lines():
        print(line)
    return EXIT_OK


def _update(args: argparse.Namespace) -> int:
    from .fetch.http import RetryPolicy
    from .update import run_update

    summary = run_update(
        Path(args.sources), policy=RetryPolicy(max_total_wait=args.max_wait), quiet=args.quiet, workers=args.workers
    )
    for source in summary.sources:
        if source.error:
            print(f"{source.name}: error: {source.error}", file=sys.stderr)
    for slug, message in summary.failed.items():
        print(f"FAILED {slug}: {message}", file=sys.stderr)
    print(summary.line())
    return summary.exit_code


#: What ``import`` and ``fetch`` take, each kind with the words of its help.
IMPORT_KINDS = {
    "acled": "an ACLED export (any of its CSV shapes)",
    "ucdp": "a UCDP GED or Candidate events CSV",
    "table": "your own CSV or XLSX, described by a mapping YAML",
}
FETCH_SOURCES = {
    "acled": "ACLED events (ACLED_API_EMAIL, ACLED_API_PASSWORD)",
    "ucdp": "UCDP GED events (UCDP_API_TOKEN)",
}


def _kinds(command: argparse.ArgumentParser, dest: str, verb: str, kinds: dict[str, str]) -> dict:
    """A sub-command of ``command`` per kind (``import acled``), its help ``verb`` and the kind's words."""
    chosen = command.add_subparsers(dest=dest, required=True)
    return {kind: chosen.add_parser(kind, help=f"{verb} {what}") for kind, what in kinds.items()}


def _add_max_wait(command: argparse.ArgumentParser) -> None:
    command.add_argument("--max-wait", type=float, default=300.0, help="seconds of retry waits per request, at most")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analysis", description="Mali civilian-harm data and reports.")
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="check a data directory against the schema")
    validate.add_argument("data_dir", nargs="?", default=str(config.DATA_DIR), help="default: the embedded data/")
    validate.set_defaults(run=_validate)
    docs = commands.add_parser(
        "docs", help="write the data dictionary and the mapping reference, generated from the schema and the models"
    )
    docs.add_argument("--out", default=str(config.DOCS_DIR / "data_dictionary.md"))
    docs.set_defaults(run=_docs)
    render = commands.add_parser("render", help="execute a report notebook and publish HTML and PDF")
    render.add_argument("--notebook", default=str(config.NOTEBOOKS_DIR / "casualty_report.ipynb"))
    render.add_argument(
        "-p", nargs=2, action="append", metavar=("NAME", "VALUE"), help="a notebook parameter (repeatable)"
    )
    render.add_argument("--formats", default="html,pdf", help="comma-separated: html, pdf")
    render.add_argument("--out", default=str(config.REPORTS_DIR), help="where reports/<slug>/ is written")
    render.add_argument("--slug", default=None, help="output folder name (default: from notebook and parameters)")
    render.set_defaults(run=_render)
    batch = commands.add_parser("render-all", help="render every report in config/reports.yml")
    batch.add_argument("--config", default=str(config.CONFIG_DIR / "reports.yml"))
    batch.add_argument("--out", default=str(config.REPORTS_DIR))
    batch.add_argument("--force", action="store_true", help="render even when inputs have not changed")
    batch.add_argument("--workers", type=int, default=2, help="parallel renders (default 2: one per core)")
    batch.add_argument("--quiet", action="store_true", help="no progress bar")
    batch.set_defaults(run=_render_all)
    changes = commands.add_parser("changes", help="what changed between the last two builds of a report (no rendering)")
    changes.add_argument("slug", help="the report's slug (its folder under --out)")
    changes.add_argument(
        "builds", nargs="*", help="two build ids (or their first digits) to compare; default: the last two"
    )
    changes.add_argument("--out", default=str(config.REPORTS_DIR), help="where reports/<slug>/ is written")
    changes.set_defaults(run=_changes)
    importing = commands.add_parser("import", help="import an ACLED or UCDP export, or your own table")
    for kind, sub in _kinds(importing, "kind", "import", IMPORT_KINDS).items():
        sub.add_argument("file", help="the file to import (never modified)")
        if kind == "table":
            sub.add_argument("--mapping", required=True, help="YAML naming the columns and how values map")
        sub.add_argument("--out", required=True, help="output data directory (created or replaced atomically)")
        sub.add_argument("--dataset", default=None, help="name recorded in the dataset column")
        sub.set_defaults(run=_import)
    fetch = commands.add_parser("fetch", help="download ACLED or UCDP data from their APIs (incremental for ACLED)")
    for api, sub in _kinds(fetch, "source", "fetch", FETCH_SOURCES).items():
        sub.add_argument("--country", default="Mali")
        sub.add_argument("--start", type=_date, default=None, help="first event date, YYYY-MM-DD")
        sub.add_argument("--end", type=_date, default=None, help="last event date, YYYY-MM-DD")
        sub.add_argument("--out", required=True, help="folder of the CSV and fetch.json (created)")
        _add_max_wait(sub)
        sub.add_argument("--quiet", action="store_true", help="no progress bar")
        if api == "acled":
            sub.add_argument("--full", action="store_true", help="download everything, not only what changed")
        else:
            sub.add_argument("--version", default=None, help="a release, e.g. 25.1 or 25.0.11 (default: the newest)")
            sub.add_argument("--candidate", action="store_true", help="the monthly Candidate release, not the GED")
        sub.set_defaults(run=_fetch)
    update = commands.add_parser("update", help="fetch, re-import and render what config/sources.yml declares")
    update.add_argument("--sources", default=str(config.CONFIG_DIR / "sources.yml"))
    update.add_argument("--quiet", action="store_true", help="one summary line (and errors)")
    update.add_argument("--workers", type=int, default=2, help="parallel renders")
    _add_max_wait(update)
    update.set_defaults(run=_update)
    hygiene = commands.add_parser("check-notebooks", help="fail if a notebook carries outputs")
    hygiene.add_argument("paths", nargs="*", help="notebooks or folders (default: notebooks/)")
    hygiene.add_argument("--fix", action="store_true", help="strip outputs and run metadata first (in place)")
    hygiene.set_defaults(run=_check_notebooks)
    return parser


def _terminated(signum, frame) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    import signal
    import threading

    args = build_parser().parse_args(argv)
    previous = None
    if args.command in ("render", "import") and threading.current_thread() is threading.main_thread():
        # SIGTERM (a scheduler's stop) unwinds as an exception: the kernel is stopped, its folder and the
        # staging folder removed, as on Ctrl-C. render-all keeps the default: its workers end with it.
        previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        return args.run(args)
    except _Failed as failed:
        return failed.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as err:  # a last resort: the analyst gets one line, not a traceback
        print(f"error: {type(err).__name__}: {err}", file=sys.stderr)
        return EXIT_FAILURE
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
