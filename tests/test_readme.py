"""Every command block in the README runs as written on a fresh clone (issue 12).

The ``sh`` blocks marked ``<!-- readme: runs -->`` run in order, each as one bash script that stops at the
first failing command, in a copy of the repository's tracked files (a fresh clone, with this environment
as its ``.venv``). Every other ``sh`` block must say which tests cover it, and those tests must exist.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import config

README = config.PROJECT_ROOT / "README.md"
BLOCK = re.compile(r"(?:<!-- readme: (?P<marker>[^>]*?) -->\n)?```(?P<language>[a-z]*)\n(?P<body>.*?)```", re.S)
COVERED = re.compile(r"^covered by (?P<tests>.+)$")


def blocks() -> list[tuple[str, str, str]]:
    """(language, marker, body) of every fenced block, in order."""
    text = README.read_text(encoding="utf-8")
    return [(m["language"], (m["marker"] or "").strip(), m["body"]) for m in BLOCK.finditer(text)]


def test_every_block_says_what_it_is_and_every_command_block_how_it_is_tested():
    for language, marker, body in blocks():
        assert language, f"a README block without a language (sh, text, ini, crontab):\n{body}"
        if language != "sh":
            continue
        assert marker == "runs" or COVERED.match(marker), f"an sh block without '<!-- readme: ... -->':\n{body}"


def test_the_tests_named_as_covering_a_block_exist():
    named = [
        test.strip()
        for _, marker, _ in blocks()
        if (found := COVERED.match(marker))
        for test in found["tests"].split(",")
    ]
    assert named
    for test in named:
        path, _, function = test.partition("::")
        source = (config.PROJECT_ROOT / path).read_text(encoding="utf-8")
        assert re.search(rf"^def {re.escape(function)}\(", source, flags=re.M), test


def fresh_clone(target: Path) -> Path:
    """The repository's tracked files as they are on disk, with this environment as ``.venv``."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=config.PROJECT_ROOT, capture_output=True, text=True, check=False
    )
    if listed.returncode:
        pytest.skip("not a git checkout: no list of tracked files to copy")
    for name in filter(None, listed.stdout.split("\0")):
        source = config.PROJECT_ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    (target / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    return target


@pytest.mark.slow
def test_the_readme_command_blocks_run_as_written(tmp_path):
    clone = fresh_clone(tmp_path / "clone")
    environment = {k: v for k, v in os.environ.items() if k not in ("MALI_DATA_DIR", "MALI_REPORTS_DIR")}
    environment["PYTHONPATH"] = str(clone / "src")  # the copy's package, not the one installed in .venv
    runs = [body for language, marker, body in blocks() if language == "sh" and marker == "runs"]
    assert len(runs) >= 5
    for body in runs:
        done = subprocess.run(
            ["bash", "-e", "-c", body], cwd=clone, env=environment, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, f"{body}\nexit {done.returncode}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
        assert "Traceback" not in done.stderr
    # What the blocks promise: each import in its own folder under imported/, the reports they name.
    # (beside each, the lock that serialises imports into it: .acled.lock)
    imported = sorted(p.name for p in (clone / "imported").iterdir() if not p.name.endswith(".lock"))
    assert imported == ["acled", "liste", "liste-paires", "ucdp"]
    # The list kept in column pairs: the report gives the civilian toll its pairs and words say (issue 11).
    page = (clone / "reports" / "liste-paires" / "report.html").read_text(encoding="utf-8")
    assert re.search(r"killed\s+<strong>at least 132\s+civilians</strong>", page), "civilian toll of the pairs"
    for slug in ("casualty-report", "ucdp-report"):
        assert (clone / "reports" / slug / "report.pdf").is_file()
    assert (tmp_path / "my-reports" / "my-report" / "report.html").is_file()
    ignored = subprocess.run(["git", "check-ignore", "-q", "imported/acled"], cwd=config.PROJECT_ROOT, check=False)
    assert ignored.returncode == 0, "imported/ is not in .gitignore"
