"""Nothing lost, nobody let in (issue 23), for reports: slugs are names, one writer per slug, publishing
last, a damaged snapshot set aside, workers that end with render-all. docs/reliability.md names these tests.

The renders here use a notebook that runs in a second (tests/reliability_notebook.py); the few that start
kernels are marked slow."""

from __future__ import annotations

import errno
import fcntl
import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from reliability_notebook import write_notebook

from analysis import config
from analysis.cli import main
from analysis.report import batch, history
from analysis.report import render as render_module
from analysis.report.batch import ConfigError, Job, load_jobs
from analysis.report.kernels import sweep_kernel_folders
from analysis.report.precheck import ParameterError
from analysis.report.render import RenderError, render, slug_lock

from conftest import ROOT

HOSTILE_SLUGS = ["../escaped", "../../etc", ".history", "_failed", ".builds", ".locks", "A-Report", "a/b", "", "-x"]


def _run(args, capsys) -> tuple[int, str, str]:
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


# ---- slugs are names -------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", HOSTILE_SLUGS)
def test_a_slug_that_is_not_a_name_is_refused_before_anything_runs(slug, tmp_path, capsys):
    out = tmp_path / "reports"
    code, _, err = _run(["render", "--out", str(out), f"--slug={slug}", "--formats", "html"], capsys)
    assert code == 2
    assert "lower-case letters, digits and dashes" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("slug", ["../escaped", ".history"])
def test_changes_refuses_a_slug_that_is_not_a_name(slug, tmp_path, capsys):
    code, _, err = _run(["changes", slug, "--out", str(tmp_path)], capsys)
    assert code == 2 and "lower-case letters" in err


def test_the_jobs_file_refuses_a_slug_the_tool_uses(tmp_path):
    path = tmp_path / "reports.yml"
    path.write_text("jobs:\n  - slug: .history\n  - slug: ../up\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_jobs(path)
    assert "jobs[0]: slug '.history'" in str(caught.value) and "jobs[1]: slug '../up'" in str(caught.value)


def test_render_refuses_a_hostile_slug_in_process_too(tmp_path):
    with pytest.raises(ParameterError, match="lower-case"):
        render(out_dir=tmp_path, slug="../decoy")
    assert list(tmp_path.iterdir()) == []


# ---- one writer per slug -----------------------------------------------------------------------------------


def test_a_second_render_of_a_slug_being_rendered_waits_then_names_the_process(tmp_path, monkeypatch, capsys):
    locks = tmp_path / ".locks"
    locks.mkdir()
    with open(locks / "r.lock", "a+", encoding="utf-8") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write("4242\n")
        held.flush()
        monkeypatch.setattr(render_module, "LOCK_WAIT", 0.5)
        notebook = write_notebook(tmp_path / "n.ipynb")
        code, _, err = _run(
            ["render", "--notebook", str(notebook), "--out", str(tmp_path), "--slug", "r", "--formats", "html"], capsys
        )
    assert code == 1
    assert "'r' is being rendered by process 4242" in err
    assert not (tmp_path / ".builds").exists(), "nothing was staged"


def test_the_lock_is_free_again_once_its_holder_is_done(tmp_path):
    with slug_lock(tmp_path, "r", wait=0):
        pass
    with slug_lock(tmp_path, "r", wait=0) as path:
        assert path.read_text().strip() == str(os.getpid())


def test_a_read_only_out_folder_exits_1_naming_the_path_and_keeping_the_report(tmp_path, monkeypatch, capsys):
    # As root a chmod does not stop writes: the read-only file system is simulated at the first write, the lock.
    build = tmp_path / ".builds" / "r-1"
    build.mkdir(parents=True)
    (build / "manifest.json").write_text("{}", encoding="utf-8")
    (tmp_path / "r").symlink_to(Path(".builds") / "r-1")
    lock = tmp_path / ".locks" / "r.lock"

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(lock))

    monkeypatch.setattr(render_module, "held_lock", read_only)
    notebook = write_notebook(tmp_path / "n.ipynb")
    code, _, err = _run(["render", "--notebook", str(notebook), "--out", str(tmp_path), "--slug", "r"], capsys)
    assert code == 1, err
    assert f"cannot write {lock} (the file system is read-only)" in err
    assert "previously published report (if any) is kept unchanged" in err and "Traceback" not in err
    assert (tmp_path / "r").resolve() == build.resolve() and list((tmp_path / ".builds").iterdir()) == [build]


def test_render_all_reports_a_job_whose_changes_cannot_be_read(tmp_path, monkeypatch):
    bad = tmp_path / "changes.json"
    bad.write_text("{not json", encoding="utf-8")

    def rendered(*args, **kwargs):
        return render_module.RenderResult("a", tmp_path, {"changes": bad})

    monkeypatch.setattr(batch, "render", rendered)
    slug, status, message, _ = batch._render_job(Job("a", tmp_path / "n.ipynb", {}, ("html",)), tmp_path, True, False)
    assert (slug, status) == ("a", "failed") and "JSONDecodeError" in message


# ---- history: publish last, a damaged snapshot set aside ------------------------------------------------------


def killed(*args):
    raise KeyboardInterrupt  # as a kill at this moment: the code after it never runs


def _snapshot(path: Path, build: str) -> Path:
    payload = {"format": 1, "build": build, "parameters": {}, "headline": {}}
    payload |= {"incidents": {"columns": [], "rows": []}, "sources": {"columns": [], "rows": []}}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(json.dumps(payload).encode()))
    return path


def _published(out: Path, slug: str, build: str) -> None:
    folder = out / ".builds" / f"{slug}-x"
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({"build": build}), encoding="utf-8")
    (out / slug).symlink_to(Path(".builds") / f"{slug}-x")


def test_a_snapshot_kept_by_a_render_killed_before_it_published_is_not_a_build(tmp_path):
    kept = tmp_path / ".history" / "r"
    for build in ("20250101T000000000000Z", "20250201T000000000000Z", "20250301T000000000000Z"):
        _snapshot(kept / f"{build}.json.gz", build)
    _published(tmp_path, "r", "20250201T000000000000Z")  # the March render was killed before its switch
    assert [p.name[:8] for p in history.builds(tmp_path, "r")] == ["20250101", "20250201"]
    assert history.pick_builds(tmp_path, "r", [])[1].name.startswith("20250201")
    assert [p.name[:8] for p in history.drop_unpublished(tmp_path, "r")] == ["20250301"]
    assert sorted(p.name[:8] for p in kept.iterdir()) == ["20250101", "20250201"]


@pytest.mark.parametrize(
    "content",
    [b"not gzip at all", gzip.compress(b'{"incidents": [1, 2], "sources": 3}'), gzip.compress(b"[]")],
    ids=["garbage", "shape_damage", "a_list"],
)
def test_a_damaged_snapshot_is_set_aside_named_and_the_build_goes_on_as_a_first(tmp_path, content):
    path = tmp_path / ".history" / "r" / "20250101T000000000000Z.json.gz"
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    with pytest.raises(history.HistoryError, match="cannot read it as a build snapshot"):
        history.read_snapshot(path)
    found, note = history.usable_snapshot(tmp_path, "r")
    assert found is None
    assert "set aside as" in note and str(path) + ".corrupt" in note
    assert not path.exists() and (path.parent / (path.name + ".corrupt")).read_bytes() == content
    assert history.usable_snapshot(tmp_path, "r") == (None, None)


def test_kernel_folders_of_ended_processes_are_swept(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    gone = tmp_path / f"mali-kernel-{dead.stdout.strip()}-abc"
    mine = tmp_path / f"mali-kernel-{os.getpid()}-def"
    gone.mkdir(), mine.mkdir()
    assert sweep_kernel_folders(tmp_path) == [gone]
    assert mine.is_dir() and not gone.exists()


@pytest.mark.slow
def test_publishing_is_the_last_step_and_a_failure_after_it_keeps_the_report(tmp_path, monkeypatch):
    notebook = write_notebook(tmp_path / "n.ipynb")
    out = tmp_path / "reports"
    render(notebook, out_dir=out, slug="r", formats=())
    served = (out / "r").resolve()

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(out / ".history" / "r" / "x.json.gz"))

    # The history cannot be written (disk full): nothing is published, the message says what to do.
    with monkeypatch.context() as patched:
        patched.setattr(history, "keep_snapshot", full)
        with pytest.raises(RenderError) as caught:
            render(notebook, out_dir=out, slug="r", formats=(), parameters={"label": "b"})
    message = str(caught.value)
    assert "x.json.gz (the disk is full)" in message and "previously published report (if any) is kept" in message
    assert (out / "r").resolve() == served and len(history.builds(out, "r")) == 1

    # Killed between keeping the snapshot and switching the link: the report and history still agree.
    with monkeypatch.context() as patched:
        patched.setattr(render_module, "_publish", killed)
        with pytest.raises(KeyboardInterrupt):
            render(notebook, out_dir=out, slug="r", formats=(), parameters={"label": "c"})
    assert (out / "r").resolve() == served
    assert [p.name for p in history.builds(out, "r")] == [f"{history.published_build(out, 'r')}.json.gz"]

    # Killed right after the switch: the new build stays published, whole, with its history.
    with monkeypatch.context() as patched:
        patched.setattr(render_module, "_remove_replaced", killed)
        with pytest.raises(KeyboardInterrupt):
            render(notebook, out_dir=out, slug="r", formats=(), parameters={"label": "d"})
    assert (out / "r" / "manifest.json").is_file() and (out / "r").resolve() != served
    latest = history.builds(out, "r")
    assert len(latest) == 2 and latest[-1].name == f"{history.published_build(out, 'r')}.json.gz"
    changes = json.loads((out / "r" / "changes.json").read_text(encoding="utf-8"))
    assert changes["before"] == latest[0].name.removesuffix(".json.gz")  # not the killed render's snapshot


# ---- concurrent writers, as processes -------------------------------------------------------------------------


def _whole(out: Path, slug: str) -> None:
    """The report is served whole: the link resolves to a build with its manifest, notebook and snapshot,
    and the history's latest build is the one served."""
    link = out / slug
    assert link.is_symlink() and link.resolve().is_dir(), f"{slug} is not a whole report"
    for name in ("manifest.json", "report.ipynb", "snapshot.json.gz", "changes.json"):
        assert (link / name).is_file(), f"{slug}: {name} missing"
    assert history.builds(out, slug)[-1].name == f"{history.published_build(out, slug)}.json.gz"


def _cli(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "analysis", *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


@pytest.mark.slow
def test_two_concurrent_renders_of_one_slug_and_two_concurrent_render_alls_leave_every_report_whole(tmp_path):
    notebook = write_notebook(tmp_path / "n.ipynb")
    out = tmp_path / "reports"
    same = [
        _cli(
            "render",
            "--notebook",
            str(notebook),
            "--out",
            str(out),
            "--slug",
            "r",
            "--formats",
            "html",
            "-p",
            "seconds",
            "1",
        )
        for _ in range(2)
    ]
    jobs = tmp_path / "jobs.yml"
    jobs.write_text(
        f"defaults: {{notebook: {notebook}, formats: []}}\njobs:\n"
        + "".join(f"  - {{slug: job-{i}, parameters: {{label: j{i}}}}}\n" for i in range(3)),
        encoding="utf-8",
    )
    batches = [_cli("render-all", "--config", str(jobs), "--out", str(out), "--force", "--quiet") for _ in range(2)]
    for process in same + batches:
        output, _ = process.communicate(timeout=600)
        assert process.returncode == 0, output
    for slug in ("r", "job-0", "job-1", "job-2"):
        _whole(out, slug)
        assert len(history.builds(out, slug)) == 2, slug
    builds = sorted(p.name.rsplit("-", 2)[0] for p in (out / ".builds").iterdir())
    assert builds == ["job-0", "job-1", "job-2", "r"], "one build per slug: the replaced ones removed"


@pytest.mark.slow
def test_a_killed_render_all_takes_its_workers_and_kernels_with_it(tmp_path):
    notebook = write_notebook(tmp_path / "n.ipynb")
    jobs = tmp_path / "jobs.yml"
    jobs.write_text(
        f"defaults: {{notebook: {notebook}, formats: []}}\njobs:\n"
        + "".join(f"  - {{slug: job-{i}, parameters: {{seconds: 30.0}}}}\n" for i in range(4)),
        encoding="utf-8",
    )
    parent = _cli("render-all", "--config", str(jobs), "--out", str(tmp_path / "out"), "--quiet", "--workers", "2")
    deadline = time.monotonic() + 120
    family: list[psutil.Process] = []
    while time.monotonic() < deadline:
        family = psutil.Process(parent.pid).children(recursive=True)
        if sum("ipykernel" in " ".join(p.cmdline()) for p in family if p.is_running()) >= 2:
            break
        time.sleep(0.5)
    else:
        pytest.fail("the workers' kernels never started")
    parent.kill()
    parent.wait(timeout=30)
    _, alive = psutil.wait_procs(family, timeout=20)
    for process in alive:  # never leave them running, even when the test fails
        process.kill()
    assert alive == [], f"still running after render-all was killed: {[p.cmdline() for p in alive]}"


@pytest.mark.slow
def test_a_render_stopped_by_sigterm_removes_its_kernel_folder_staging_and_kernel(tmp_path):
    import tempfile

    notebook = write_notebook(tmp_path / "n.ipynb")
    out = tmp_path / "reports"
    process = _cli("render", "--notebook", str(notebook), "--out", str(out), "--slug", "r", "-p", "seconds", "60")
    folders = lambda: list(Path(tempfile.gettempdir()).glob(f"mali-kernel-{process.pid}-*"))  # noqa: E731
    deadline = time.monotonic() + 120
    kernels: list[psutil.Process] = []
    while time.monotonic() < deadline and process.poll() is None:
        kernels = [p for p in psutil.Process(process.pid).children() if "ipykernel" in " ".join(p.cmdline())]
        if kernels and folders() and (out / ".builds").is_dir():
            break
        time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("the render's kernel never started")
    try:
        time.sleep(3)  # the notebook is running
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
    finally:  # never leave them running, even when the test fails
        process.kill()
        _, alive = psutil.wait_procs(kernels, timeout=20)
        for kernel in alive:
            kernel.kill()
    assert process.returncode == 128 + signal.SIGTERM, output
    assert alive == [] and folders() == []
    assert list((out / ".builds").iterdir()) == [] and not (out / "r").exists()


@pytest.mark.slow
def test_a_relative_out_folder_gets_the_whole_build_not_the_kernel_s_folder(tmp_path, monkeypatch):
    """The kernel's working folder is not the command's: a relative --out once sent the build's snapshot and
    tables to a folder of that name under the project root, and the report was published without them."""
    notebook = write_notebook(tmp_path / "n.ipynb")
    monkeypatch.chdir(tmp_path)
    render(notebook, out_dir="relative-out", slug="r", formats=())
    assert (tmp_path / "relative-out" / "r" / "snapshot.json.gz").is_file()
    assert not (config.PROJECT_ROOT / "relative-out").exists()


def test_a_table_that_cannot_be_read_is_named_and_nothing_is_written(data_copy, tmp_path, monkeypatch):
    table = data_copy / "incidents.csv"

    def unreadable(data_dir):  # as for a table its owner made unreadable (root reads any file, so it is faked)
        raise PermissionError(errno.EACCES, "Permission denied", str(table))

    monkeypatch.setattr(render_module, "data_fingerprint", unreadable)
    with pytest.raises(RenderError) as caught:
        render(parameters={"data_dir": str(data_copy)}, out_dir=tmp_path / "out", slug="r", formats=())
    assert f"cannot read {table} (Permission denied)" in str(caught.value)
    assert "Nothing was changed" in str(caught.value) and not (tmp_path / "out" / ".builds").exists()
