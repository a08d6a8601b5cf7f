"""Render a report: papermill executes the notebook, nbconvert makes offline HTML, WeasyPrint the PDF.

Publishing is atomic: everything is built in a staging folder, and ``reports/<slug>`` is a symlink
switched to the new build in one step. A failed render leaves the previous report in place, keeps
the executed notebook under ``reports/_failed/`` and raises RenderError naming the failing cell.

One writer per slug: a render holds the slug's lock (``<out>/.locks/<slug>.lock``, an fcntl lock the
system drops when the process ends, however it ends) from staging to publishing; a second render of the
slug waits for it. Publishing is the last step: the build's snapshot is kept in the history before the
link switches, so a kill at any moment leaves build and history agreeing (history.py), and nothing that
fails after the switch can remove the published build. docs/reliability.md lists these promises.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
import shutil
import time
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from .. import config
from ..atomic import held_lock, replace_symlink, write_failure
from ..data.dataset import data_fingerprint
from .execution import CellFailed
from .precheck import ParameterError, checked_parameters, declared_parameters, inside, slug_problem

DEFAULT_NOTEBOOK = config.NOTEBOOKS_DIR / "casualty_report.ipynb"
TEMPLATE_DIR = Path(__file__).parent / "templates"
FORMATS = ("html", "pdf")
BUILDS = ".builds"
FAILED = "_failed"
LOCKS = ".locks"
#: Seconds a render waits for another process rendering the same slug before it gives up (exit 1).
LOCK_WAIT = 900.0
#: The notebook parameter through which render asks for the report's tables as spreadsheet CSV files,
#: and the folder beside report.html that receives them.
TABLES_PARAMETER = "tables_dir"
TABLES_DIR = "tables"
#: The notebook parameters through which render asks for this build's snapshot and changes.json (written
#: into the build's folder) and names the previous build's snapshot of the same slug (see report.history).
BUILD_PARAMETER = "build_dir"
PREVIOUS_PARAMETER = "previous_snapshot"
PACKAGES = ("pandas", "pandera", "matplotlib", "papermill", "nbconvert", "weasyprint", "mali-civilian-harm")


class RenderError(RuntimeError):
    """A report could not be rendered; the message is one paragraph an analyst can act on."""


@dataclass
class RenderResult:
    slug: str
    directory: Path
    files: dict[str, Path]
    seconds: dict[str, float] = field(default_factory=dict)
    skipped: bool = False
    #: What the analyst should know about this build (a damaged snapshot set aside).
    notes: list[str] = field(default_factory=list)


def slugify(text: str) -> str:
    """'Ségou, 2024' -> 'segou-2024': accents dropped (NFKD splits 'é' into 'e' and a combining accent)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return slug[:80] or "report"


def default_slug(notebook: Path, parameters: dict) -> str:
    """Deterministic: the notebook's name, plus the parameters that differ from its defaults."""
    base = slugify(Path(notebook).stem)
    if not parameters:
        return base
    text = "-".join(
        f"{k}-{v if not isinstance(v, list) else '-'.join(map(str, v))}"
        for k, v in sorted(parameters.items())
        if k != "title"
    )
    slug = slugify(f"{base}-{text}") if text else base
    if len(slug) > 70:
        slug = slug[:60] + "-" + hashlib.sha256(slug.encode()).hexdigest()[:8]
    return slug


def file_hash(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def plain_parameters(parameters: dict | None) -> dict:
    """Parameter values as the notebook and the manifest take them: YAML dates become ISO text."""
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in (parameters or {}).items()}


def render_inputs(notebook: Path, parameters: dict, formats: tuple[str, ...]) -> dict:
    """Fingerprints of what a render depends on: data, notebook, parameters and formats.

    ``input_hash`` decides whether a render can be skipped; the rest goes into the manifest."""
    dirs = parameters.get("data_dirs")
    if isinstance(dirs, dict) and dirs:  # a comparison: every labelled directory ("" is the embedded data/)
        found = {str(k): config.PROJECT_ROOT / v if v else config.DATA_DIR for k, v in dirs.items()}
        digest = hashlib.sha256(json.dumps({k: data_fingerprint(v) for k, v in found.items()}, sort_keys=True).encode())
        inputs = {"data_dir": {k: str(v) for k, v in found.items()}, "data_sha256": digest.hexdigest()}
    else:
        data_dir = Path(parameters.get("data_dir") or config.DATA_DIR)
        inputs = {"data_dir": str(data_dir), "data_sha256": data_fingerprint(data_dir)}
    inputs["notebook_sha256"] = file_hash(notebook)
    payload = json.dumps(
        {
            "data": inputs["data_sha256"],
            "notebook": inputs["notebook_sha256"],
            "parameters": parameters,
            "formats": list(formats),
        },
        sort_keys=True,
        default=str,
    )
    inputs["input_hash"] = hashlib.sha256(payload.encode()).hexdigest()
    return inputs


def published_manifest(out_dir: Path, slug: str) -> dict | None:
    path = Path(out_dir) / slug / "manifest.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _versions() -> dict[str, str]:
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions


def _import_converters(formats) -> None:
    """Import papermill and what makes the HTML and the PDF: done while a render's own kernel starts."""
    import papermill  # noqa: F401

    if "html" in formats or "pdf" in formats:
        import nbconvert  # noqa: F401
    if "pdf" in formats:
        import weasyprint  # noqa: F401


def to_html(executed: Path) -> str:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(extra_template_basedirs=[str(TEMPLATE_DIR)], template_name="mali")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.anchor_link_text = ""
    import nbformat

    nb = nbformat.read(str(executed), as_version=4)
    title = report_title(nb)
    if title:
        nb.metadata["title"] = title  # the HTML <title>, and so the PDF's title metadata
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": Path(executed).stem}})
    return body


def report_title(nb) -> str:
    """The title the notebook displayed (an output's ``report_title`` metadata), or empty."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            title = output.get("metadata", {}).get("report_title")
            if title:
                return str(title)
    return ""


def to_pdf(html: str, target: Path) -> None:
    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    weasyprint.HTML(string=html, base_url=str(target.parent)).write_pdf(str(target))


def render(
    notebook: Path | str = DEFAULT_NOTEBOOK,
    parameters: dict | None = None,
    formats: tuple[str, ...] = FORMATS,
    out_dir: Path | str = config.REPORTS_DIR,
    slug: str | None = None,
    force: bool = True,
    base: Path | None = None,
    kernel=None,
) -> RenderResult:
    """Render ``notebook`` with ``parameters`` (checked first: see precheck; relative paths are taken from
    ``base``, by default the current folder) and publish ``out_dir/<slug>``. ``kernel``: a
    ``kernels.WarmKernel`` to execute the notebook in (render-all); by default a new kernel."""
    notebook = Path(notebook)
    # absolute: the kernel runs in another folder, and writes the build's tables and snapshot where it is told
    out_dir = Path(out_dir).absolute()
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise RenderError(f"unknown format(s) {unknown}; valid formats: {', '.join(FORMATS)}")
    if slug is not None and slug_problem(slug):  # before anything runs or is written
        raise ParameterError(notebook, [slug_problem(slug)])
    if not notebook.is_file():
        raise RenderError(f"notebook {notebook.resolve()} does not exist")
    slug = slug or default_slug(notebook, plain_parameters(parameters))  # from the parameters as written
    parameters = checked_parameters(notebook, parameters or {}, base)  # raises ParameterError: no kernel started
    from .kernels import sweep_kernel_folders

    sweep_kernel_folders()  # left by renders killed outright
    try:
        inputs = render_inputs(notebook, parameters, tuple(formats))
    except OSError as err:  # a table of the data that is there but cannot be read
        raise RenderError(
            f"Rendering '{slug}' failed: cannot read {err.filename or 'the data'} ({err.strerror or err}). "
            "Nothing was changed."
        ) from None
    try:
        with slug_lock(out_dir, slug):
            previous = published_manifest(out_dir, slug)
            if not force and previous and previous.get("input_hash") == inputs["input_hash"]:
                return RenderResult(slug, out_dir / slug, {}, skipped=True)
            return _build(notebook, parameters, formats, out_dir, slug, inputs, kernel)
    except OSError as err:
        raise RenderError(write_failure(err, f"Rendering '{slug}'", "previously published report")) from None


@contextmanager
def slug_lock(out_dir: Path, slug: str, wait: float | None = None):
    """Hold the lock of ``slug`` under ``out_dir``: waits up to ``wait`` seconds (LOCK_WAIT) for another
    process rendering the slug, then raises RenderError naming it. The system drops an fcntl lock when its
    process ends, so a killed render never leaves the slug locked."""
    wait = LOCK_WAIT if wait is None else wait
    locks = out_dir / LOCKS
    locks.mkdir(parents=True, exist_ok=True)
    path = locks / f"{slug}.lock"
    if not inside(out_dir, path):
        raise RenderError(f"{path}: expected the lock of '{slug}' under {out_dir}; it is not")
    with held_lock(
        path,
        wait,
        busy=lambda holder: RenderError(
            f"'{slug}' is being rendered by process {holder}; nothing was changed. Render it again "
            f"when that process has finished (the lock: {path})"
        ),
        waiting=lambda holder: f"waiting: '{slug}' is being rendered by process {holder}",
    ):
        yield path


def _build(notebook, parameters, formats, out_dir: Path, slug: str, inputs: dict, kernel) -> RenderResult:
    """Build the report in a staging folder and publish it: called holding the slug's lock. The steps:
    stage, prepare the parameters, execute (in ``_kernel_for``), convert (annex, HTML, PDF), record the manifest,
    publish."""
    from . import history  # here, not at the top: commands that only check parameters skip pandas

    staging, stamp = _stage(out_dir, slug)
    notes: list[str] = []
    published = False
    try:
        history.drop_unpublished(out_dir, slug)  # kept by a render killed before it published
        run_parameters, note = _prepare(notebook, parameters, out_dir, slug, staging)
        notes += [note] if note else []
        executed = staging / "report.ipynb"
        started = time.perf_counter()
        with _kernel_for(notebook, formats, kernel) as (running, own):
            try:
                running.execute(notebook, executed, run_parameters)
            except CellFailed as failure:
                raise _failed(failure, notebook, _keep_failed(out_dir, slug, stamp, executed), slug) from None
            if own:
                running.ask_to_end()  # it ends while the HTML and the PDF are made
            seconds = {"execute": time.perf_counter() - started}
            files, converted = _convert(executed, staging, formats)
        seconds.update(converted)
        files.update(_record(staging, slug, notebook, parameters, formats, inputs, seconds))
        # The history first (kept apart: the next publish removes this folder), and the switch of the link
        # last, so that a kill at any moment leaves build and history agreeing.
        history.keep_snapshot(out_dir, slug, staging)
        _publish(out_dir, slug, staging)
        published = True
        notes += _remove_replaced_or_note(out_dir, slug, staging)
    except BaseException:
        if not published:  # after the switch, the staging folder is the published report
            shutil.rmtree(staging, ignore_errors=True)
        raise
    target = out_dir / slug
    return RenderResult(slug, target, {k: target / v.name for k, v in files.items()}, seconds, notes=notes)


def _stage(out_dir: Path, slug: str) -> tuple[Path, str]:
    """A new staging folder for this build of ``slug``, and the build's time stamp."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    staging = out_dir / BUILDS / f"{slug}-{stamp}-{os.getpid()}"
    if not inside(out_dir, staging):
        raise RenderError(f"{staging}: expected the build of '{slug}' under {out_dir}; it is not")
    staging.mkdir(parents=True)
    return staging, stamp


def _prepare(notebook: Path, parameters: dict, out_dir: Path, slug: str, staging: Path) -> tuple[dict, str | None]:
    """The parameters the notebook runs with: the analyst's, and the build's folders for the notebook
    parameters that ask for them (tables, snapshot, the previous build's snapshot); and a note about the
    previous snapshot, if it could not be used."""
    from . import history

    run_parameters = dict(parameters)
    declared = declared_parameters(notebook)
    note = None
    if TABLES_PARAMETER in declared:
        run_parameters[TABLES_PARAMETER] = str(staging / TABLES_DIR)
    if BUILD_PARAMETER in declared:
        run_parameters[BUILD_PARAMETER] = str(staging)
        previous_snapshot, note = history.usable_snapshot(out_dir, slug)
        run_parameters[PREVIOUS_PARAMETER] = str(previous_snapshot or "")
    return run_parameters, note


@contextmanager
def _kernel_for(notebook: Path, formats, kernel):
    """The kernel to execute the notebook in, and whether it is this render's own: render-all's warm kernel
    if given, else a kernel of the render's own, shut down when the block ends."""
    if kernel is not None:
        yield kernel, False
        return
    # The checks have passed. A kernel of this render's own starts now and imports what the notebook imports
    # (for the report: pandas, matplotlib and the package), in its own process, on another core, while this
    # process imports papermill, nbconvert and WeasyPrint, instead of one after the other.
    from .kernels import WarmKernel, notebook_imports

    own_kernel = WarmKernel(imports=notebook_imports(notebook), graceful=True)
    try:
        own_kernel.start_in_background()
        _import_converters(formats)
        yield own_kernel, True
    finally:
        own_kernel.shutdown(now=False)


def _failed(failure: CellFailed, notebook: Path, kept: Path, slug: str) -> RenderError:
    return RenderError(
        f"Rendering '{slug}' failed in cell {failure.cell} of {notebook.name} ({failure.first_line[:60]!r}): "
        f"{failure.name}: {failure.value}. "
        f"The executed notebook is kept at {kept} for debugging; the previously published report "
        f"(if any) is unchanged."
    )


def _convert(executed: Path, staging: Path, formats) -> tuple[dict[str, Path], dict[str, float]]:
    """The build's files made from the executed notebook (the annex page, HTML, PDF), and the seconds each took."""
    from . import annex  # here, as papermill and WeasyPrint are: commands that do not render skip the import

    files = {"notebook": executed}
    seconds: dict[str, float] = {}
    if (staging / TABLES_DIR).is_dir():
        files["tables"] = staging / TABLES_DIR
    annex_data = staging / TABLES_DIR / annex.ANNEX_DATA
    if annex_data.is_file():  # the notebook wrote the full incident list: the annex page beside the report
        started = time.perf_counter()
        files["annex"] = annex.write_annex_html(annex_data, staging / annex.ANNEX_FILE)
        seconds["annex"] = time.perf_counter() - started
    html = None
    if "html" in formats or "pdf" in formats:
        started = time.perf_counter()
        html = to_html(executed)
        seconds["html"] = time.perf_counter() - started
    if "html" in formats:
        (staging / "report.html").write_text(html, encoding="utf-8")
        files["html"] = staging / "report.html"
    if "pdf" in formats:
        started = time.perf_counter()
        to_pdf(html, staging / "report.pdf")
        seconds["pdf"] = time.perf_counter() - started
        files["pdf"] = staging / "report.pdf"
    return files, seconds


def _record(staging: Path, slug: str, notebook: Path, parameters: dict, formats, inputs: dict, seconds: dict) -> dict:
    """Write the build's manifest (what it was made from, with which versions, how long each step took);
    the build's snapshot and changes, when the notebook wrote them."""
    from . import history

    manifest = {
        "slug": slug,
        "notebook": str(notebook.resolve().relative_to(config.PROJECT_ROOT))
        if notebook.resolve().is_relative_to(config.PROJECT_ROOT)
        else str(notebook),
        "parameters": parameters,
        "formats": list(formats),
        **inputs,
        "versions": _versions(),
        "rendered_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "seconds": {k: round(v, 2) for k, v in seconds.items()},
        "build": history.snapshot_build(staging),  # the snapshot this build serves (history.builds)
    }
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str) + "\n", encoding="utf-8")
    kept = {"snapshot": staging / "snapshot.json.gz", "changes": staging / "changes.json"}
    return {kind: path for kind, path in kept.items() if path.is_file()}


def _remove_replaced_or_note(out_dir: Path, slug: str, staging: Path) -> list[str]:
    """Remove the builds the published one replaced; a failure is a note, the report is published."""
    try:
        _remove_replaced(out_dir, slug, staging)
    except OSError as err:
        return [f"the builds this one replaced could not all be removed from {out_dir / BUILDS} ({err})"]
    return []


def _keep_failed(out_dir: Path, slug: str, stamp: str, executed: Path) -> Path:
    failed_dir = out_dir / FAILED
    failed_dir.mkdir(parents=True, exist_ok=True)
    kept = failed_dir / f"{slug}-{stamp}.ipynb"
    if executed.exists():
        shutil.move(str(executed), kept)
    return kept


def _publish(out_dir: Path, slug: str, staging: Path) -> None:
    """Point reports/<slug> at the new build in one rename."""
    target = out_dir / slug
    if not (inside(out_dir, target.parent) and inside(out_dir, staging)):
        raise RenderError(f"{target}: expected the report of '{slug}' under {out_dir}; it is not")
    if target.exists() and not target.is_symlink():
        # A real folder from elsewhere: move it aside so the link can take its place.
        legacy = out_dir / BUILDS / f"{slug}-legacy-{os.getpid()}"
        os.replace(target, legacy)
    replace_symlink(target, staging.relative_to(out_dir))


def _remove_replaced(out_dir: Path, slug: str, staging: Path) -> None:
    """Remove the builds of ``slug`` the new one replaced (the build published before, the staging folder
    of a render that was killed). Called holding the slug's lock: every process that writes a build of the
    slug holds it from staging to publishing, so none of these is being written. Builds of other slugs are
    never touched (``_same_slug``); a folder that cannot be removed stays, and the report is published."""
    for old in (out_dir / BUILDS).glob(f"{slug}-*"):
        if old.name != staging.name and old.is_dir() and not old.is_symlink() and _same_slug(old.name, slug):
            shutil.rmtree(old, ignore_errors=True)


def _same_slug(build_name: str, slug: str) -> bool:
    rest = build_name[len(slug) + 1 :]
    return bool(re.match(r"^(\d{8}T\d{6}\d*Z-\d+|legacy-\d+)$", rest))
