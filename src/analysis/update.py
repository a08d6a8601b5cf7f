"""``python -m analysis update``: what ``config/sources.yml`` declares, end to end.

For each source, in order: fetch (ACLED incrementally, UCDP whole), import over the earlier import when the
download changed (``importers.output`` compares the two: events added, removed, revised), and then one
``render-all`` (``report.batch.render_all``, in this process) of the report jobs whose source's import changed.

A source that fails keeps its earlier download, import and reports (each is replaced only when complete) and
the others go on. Exit code: 2 when a credential or the configuration is wrong, else 1 when anything failed,
else 0.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import config
from .fetch.acled import fetch_acled
from .fetch.http import CredentialsError, FetchError, Http, RetryPolicy
from .fetch.sources_model import Source, SourcesError, SourcesFile, load_sources
from .fetch.ucdp import fetch_ucdp

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2


@dataclass
class SourceOutcome:
    name: str
    fetched: str = ""  # what the fetch changed, in a few words
    imported: str = ""  # what the re-import changed
    data_changed: bool = False
    error: str = ""
    exit_code: int = EXIT_OK
    lines: list[str] = field(default_factory=list)


@dataclass
class UpdateSummary:
    sources: list[SourceOutcome] = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    changed_reports: list[str] = field(default_factory=list)
    exit_code: int = EXIT_OK

    def line(self) -> str:
        """One line for a nightly log, naming what changed."""
        parts = []
        for s in self.sources:
            if s.error:
                parts.append(f"{s.name} FAILED ({s.error.splitlines()[0]})")
            elif s.data_changed:
                parts.append(f"{s.name}: {s.fetched}; import {s.imported}")
            else:
                parts.append(f"{s.name}: no change")
        reports = f"{len(self.rendered)} report(s) rendered"
        if self.rendered:
            reports += f" ({', '.join(sorted(self.rendered))})"
        if self.skipped:
            reports += f", {len(self.skipped)} unchanged"
        if self.failed:
            reports += f", {len(self.failed)} FAILED ({', '.join(sorted(self.failed))})"
        if self.changed_reports:
            reports += (
                f"; {len(self.changed_reports)} differ from their previous build (python -m analysis changes SLUG)"
            )
        return "update: " + "; ".join(parts) + "; " + reports


@contextlib.contextmanager
def _one_at_a_time(path: Path):
    """An exclusive lock for the run (flock, released when the process ends, even killed): yields whether this
    run holds it, so that a nightly run that overlaps the previous one does nothing instead of racing it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _path(text: str) -> Path:
    path = Path(text).expanduser()
    return path if path.is_absolute() else config.PROJECT_ROOT / path


def _check_reports(sources: SourcesFile, jobs_path: Path) -> list[str]:
    """The jobs file's shape, and that every slug a source names is one of its jobs."""
    from .report.jobs_model import shape_problems

    wanted = {slug for s in sources.sources for slug in s.reports}
    if not wanted:
        return []
    try:
        raw = yaml.safe_load(jobs_path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        return [f"{jobs_path}: cannot read it as YAML ({err})"]
    parsed, problems = shape_problems(raw)
    if parsed is None:
        return [f"{jobs_path}: {p}" for p in problems]
    slugs = {job.slug for job in parsed.jobs}
    return [
        f"sources[{n}] ({s.name}): report {slug!r} is not a job of {jobs_path} (its jobs: {sorted(slugs)})"
        for n, s in enumerate(sources.sources)
        for slug in s.reports
        if slug not in slugs
    ]


def _fetch(source: Source, http: Http, environ, progress: bool):
    if source.api == "acled":
        return fetch_acled(
            _path(source.download_to), source.country, source.start_date, source.end_date,
            http=http, environ=environ, progress=progress,
        )  # fmt: skip
    return fetch_ucdp(
        _path(source.download_to), source.country, source.version, source.candidate, source.start_date,
        source.end_date, http=http, environ=environ, progress=progress,
    )  # fmt: skip


def _fetch_words(outcome) -> str:
    changes = outcome.changes
    if getattr(outcome, "first", False) or getattr(outcome, "mode", "") == "full":
        return f"{outcome.rows:,} rows downloaded"
    return changes.counts()


def _imported_after(report: Path, download: Path) -> bool:
    """Whether the import was made from this download (after it was written): a download whose import failed
    is imported again on the next run even when nothing new was fetched."""
    return report.is_file() and report.stat().st_mtime_ns >= download.stat().st_mtime_ns


def update_source(source: Source, http: Http, environ, progress: bool) -> SourceOutcome:
    from .importers.output import REPORT_JSON, ImportBug, OutputBusy
    from .importers.reading import InputFileError
    from .importers.run import run_import

    result = SourceOutcome(source.name)
    try:
        outcome = _fetch(source, http, environ, progress)
    except CredentialsError as err:
        result.error, result.exit_code = str(err), EXIT_BAD_INPUT
        return result
    except ValueError as err:  # a country UCDP's filter does not know
        result.error, result.exit_code = str(err), EXIT_BAD_INPUT
        return result
    except FetchError as err:
        result.error, result.exit_code = str(err), EXIT_FAILURE
        return result
    result.lines += outcome.lines()
    result.fetched = _fetch_words(outcome)
    import_to = _path(source.import_to)
    if not outcome.changed and _imported_after(import_to / REPORT_JSON, outcome.file):
        return result  # nothing new, and the import is of this download: it and its reports stand
    try:
        imported = run_import(source.api, outcome.file, import_to)
    except (InputFileError, ImportBug, OutputBusy) as err:
        result.error, result.exit_code = f"import: {err}", EXIT_FAILURE
        return result
    diff = imported.import_diff
    if diff is None:
        result.imported = f"{imported.rows_written:,} incidents (first import)"
        result.data_changed = True
    else:
        result.imported = f"+{len(diff.added):,} -{len(diff.removed):,} ~{len(diff.revised):,} incidents"
        result.data_changed = bool(len(diff.added) or len(diff.removed) or len(diff.revised))
        result.lines += diff.lines()
    result.lines.append(f"imported into {import_to}: {imported.rows_written:,} incidents")
    return result


def _jobs(jobs_path: Path, slugs: set[str]):
    """The named jobs of the jobs file, checked as ``render-all`` checks them (now that their data exists)."""
    from .report.batch import Job
    from .report.jobs_model import shape_problems
    from .report.precheck import ParameterError, checked_parameters

    parsed, _ = shape_problems(yaml.safe_load(jobs_path.read_text(encoding="utf-8")))
    jobs, problems = [], []
    for number, entry in enumerate(parsed.jobs):
        if entry.slug not in slugs:
            continue
        notebook = config.PROJECT_ROOT / (entry.notebook or parsed.defaults.notebook)
        try:
            parameters = checked_parameters(notebook, entry.parameters, base=config.PROJECT_ROOT)
        except ParameterError as err:
            problems += [f"{jobs_path}: jobs[{number}]: {p}" for p in err.problems]
            continue
        jobs.append(Job(entry.slug, notebook, parameters, tuple(entry.formats or parsed.defaults.formats)))
    return jobs, problems


def run_update(
    sources_path: Path,
    *,
    environ=os.environ,
    policy: RetryPolicy | None = None,
    quiet: bool = False,
    workers: int = 2,
    out=sys.stdout,
) -> UpdateSummary:
    """Fetch, import and render as ``sources_path`` declares; print progress lines unless ``quiet``."""
    summary = UpdateSummary()

    def say(line: str) -> None:
        if not quiet:
            print(line, file=out)

    try:
        sources = load_sources(sources_path)
    except SourcesError as err:
        summary.exit_code = EXIT_BAD_INPUT
        summary.sources.append(SourceOutcome("config", error=f"{err}", exit_code=EXIT_BAD_INPUT))
        return summary
    jobs_path = _path(sources.reports_file)
    problems = _check_reports(sources, jobs_path)
    if problems:
        summary.exit_code = EXIT_BAD_INPUT
        summary.sources.append(SourceOutcome("config", error="\n".join(problems), exit_code=EXIT_BAD_INPUT))
        return summary
    lock = config.CACHE_DIR / "update.lock"
    with _one_at_a_time(lock) as alone:
        if not alone:
            message = f"another update is running (it holds {lock}); nothing was done"
            summary.sources.append(SourceOutcome("update", error=message, exit_code=EXIT_FAILURE))
            summary.exit_code = EXIT_FAILURE
            return summary
        return _fetch_import_render(sources, jobs_path, summary, environ, policy, quiet, workers, say)


def _fetch_import_render(sources, jobs_path, summary, environ, policy, quiet, workers, say) -> UpdateSummary:
    with Http(policy) as http:
        for source in sources.sources:
            outcome = update_source(source, http, environ, progress=not quiet)
            summary.sources.append(outcome)
            for line in outcome.lines:
                say(line)
    # the jobs whose data changed, and any that never rendered (a first render that failed is tried again)
    out_dir = _path(sources.reports_out)
    to_render = {
        slug
        for s, o in zip(sources.sources, summary.sources, strict=True)
        if not o.error and _path(s.import_to).is_dir()
        for slug in s.reports
        if o.data_changed or not (out_dir / slug).exists()
    }
    if to_render:
        jobs, problems = _jobs(jobs_path, to_render)
        for problem in problems:
            summary.failed.setdefault("config", problem)
        if jobs:
            from .report.batch import render_all

            rendered = render_all(jobs, out_dir, workers=workers, progress=not quiet)
            summary.rendered, summary.skipped = rendered.rendered, rendered.skipped
            summary.failed |= rendered.failed
            summary.changed_reports = rendered.changed
            for slug, line in sorted(rendered.changes.items()):
                say(f"{slug}: {line}")
    codes = [o.exit_code for o in summary.sources] + ([EXIT_FAILURE] if summary.failed else [])
    summary.exit_code = max(codes, default=EXIT_OK)
    return summary
