"""Rendering every report listed in config/reports.yml: checked first, then rendered with a progress bar."""

from __future__ import annotations

import json
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .. import config
from .jobs_model import shape_problems, usable_parts
from .precheck import ParameterError, checked_parameters
from .render import RenderError, render


class ConfigError(ValueError):
    """The jobs file is wrong; the message lists every problem."""


@dataclass
class Job:
    slug: str
    notebook: Path
    parameters: dict
    formats: tuple[str, ...]


@dataclass
class Summary:
    rendered: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    #: Per rendered job, one line of what changed since its previous build.
    changes: dict[str, str] = field(default_factory=dict)
    #: The rendered jobs whose build differs from their previous one.
    changed: list[str] = field(default_factory=list)


def load_jobs(path: Path = config.CONFIG_DIR / "reports.yml") -> list[Job]:
    """Read and check the jobs file; raise ConfigError listing every problem before anything runs."""
    from ..boundedyaml import YamlLimitError, load_bounded

    try:
        raw = load_bounded(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, YamlLimitError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: cannot read it as YAML ({err})") from None
    parsed, problems = shape_problems(raw)
    problems = [f"{path}: {problem}" for problem in problems]
    defaults, entries = (parsed.defaults, list(enumerate(parsed.jobs))) if parsed else usable_parts(raw)
    jobs = []
    for number, entry in entries:
        where = f"{path}: jobs[{number}]"
        notebook = config.PROJECT_ROOT / (entry.notebook or defaults.notebook)
        parameters = entry.parameters
        if not notebook.is_file():
            problems.append(f"{where}: notebook {notebook} does not exist")
        else:
            try:  # the same check as `render`: relative paths in the jobs file are taken from the project root
                parameters = checked_parameters(notebook, parameters, base=config.PROJECT_ROOT)
            except ParameterError as err:
                problems += [f"{where}: {p}" for p in err.problems]
        jobs.append(Job(entry.slug, notebook, parameters, tuple(entry.formats or defaults.formats)))
    if problems:
        raise ConfigError("\n".join(problems))
    return jobs


def _render_job(job: Job, out_dir: Path, force: bool, warm: bool) -> tuple[str, str, str, bool]:
    """(slug, status, message: the failure or what changed, whether the build differs from its previous one)."""
    try:
        kernel = None
        if warm:
            from .kernels import worker_kernel

            kernel = worker_kernel()
        result = render(job.notebook, job.parameters, job.formats, out_dir, slug=job.slug, force=force, kernel=kernel)
        changed, line = build_changes(result.files.get("changes"))
    except (RenderError, ParameterError) as err:
        return job.slug, "failed", str(err), False
    except Exception as err:  # one job's crash must not stop the others
        return job.slug, "failed", f"{type(err).__name__}: {err}", False
    line = "; ".join([*result.notes, line] if line else result.notes)
    return job.slug, "skipped" if result.skipped else "rendered", line, changed


def build_changes(path: Path | None) -> tuple[bool, str]:
    """Whether the build differs from its previous one, and what changed in one line (empty when the
    notebook keeps no snapshot)."""
    if path is None:
        return False, ""
    from .changes import has_changes, summary_line

    digest = json.loads(Path(path).read_text(encoding="utf-8"))
    return has_changes(digest), summary_line(digest)


def render_all(
    jobs: list[Job],
    out_dir: Path = config.REPORTS_DIR,
    force: bool = False,
    workers: int = 2,
    progress: bool = True,
    warm: bool = True,
) -> Summary:
    """Render every job, going on past failures; reuse worker processes across jobs.

    ``warm``: each worker executes its jobs' notebooks in one warm kernel, reset between jobs
    (``kernels.py``); False starts a new kernel for every job, as a single render does."""
    from tqdm import tqdm

    from .kernels import die_with_parent, sweep_kernel_folders

    sweep_kernel_folders()  # left by runs killed outright
    summary = Summary()
    bar = tqdm(total=len(jobs), desc="reports", unit="report", disable=not progress, file=sys.stderr)
    # Each worker (and the kernel it starts) is sent SIGTERM when this process ends, however it ends: a
    # killed render-all leaves no worker publishing reports and no kernel running.
    with ProcessPoolExecutor(max_workers=max(1, workers), initializer=die_with_parent) as pool:
        futures = {pool.submit(_render_job, job, Path(out_dir), force, warm): job for job in jobs}
        for future in as_completed(futures):
            try:
                slug, status, message, changed = future.result()
            except Exception as err:  # a worker that died: the job is reported, the others go on
                slug, status, message, changed = futures[future].slug, "failed", f"{type(err).__name__}: {err}", False
            if status == "failed":
                summary.failed[slug] = message
            else:
                getattr(summary, status).append(slug)
                if changed:
                    summary.changed.append(slug)
                if message:
                    summary.changes[slug] = message
            bar.set_postfix_str(f"{slug}: {status}")
            bar.update()
    bar.close()
    return summary
