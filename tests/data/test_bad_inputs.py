"""The bad-input corpus (tests/bad_inputs/): `validate` answers each case with exit 2 and a message
naming file, line, column and what was expected; never a traceback, a hang, or a file left behind.

The cases run in this process through the command line's ``main`` (what ``python -m analysis`` calls), with
its output captured: 31 interpreter start-ups cost a minute. One case also runs as a real process, so that
the exit code and the streams an analyst sees are still checked end to end."""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import check_dataset
from analysis.cli import main

from conftest import TESTS, minimal_tables, write_tables

CORPUS = TESTS / "bad_inputs"
CASES: dict[str, dict] = yaml.safe_load((CORPUS / "cases.yml").read_text(encoding="utf-8"))
TIMEOUT = 60  # seconds: a case that takes longer is a hang


def case_dataset(directory: Path, case: str) -> Path:
    """The minimal valid dataset with the case's file dropped in."""
    data = write_tables(directory / "data", minimal_tables())
    shutil.copyfile(CORPUS / case / CASES[case]["file"], data / CASES[case]["file"])
    return data


def snapshot(directory: Path) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in directory.rglob("*")
        if p.is_file()
    }


def validate_in_process(data: Path) -> subprocess.CompletedProcess:
    """``validate DATA`` through the command line's ``main``, its output captured as a process's would be."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(["validate", str(data)])
        except BaseException:  # what would reach the analyst as a traceback
            import traceback

            traceback.print_exc(file=err)
            code = 1
    return subprocess.CompletedProcess(["validate", str(data)], code, out.getvalue(), err.getvalue())


def validate_in_subprocess(data: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analysis", "validate", str(data)], capture_output=True, text=True, timeout=TIMEOUT
    )


def run_case(case: str, directory: Path, validate=validate_in_process) -> dict:
    data = case_dataset(directory, case)
    before = snapshot(directory)
    result = validate(data)
    return {"result": result, "unchanged": snapshot(directory) == before}


@pytest.fixture(scope="module")
def answers(tmp_path_factory) -> dict[str, dict]:
    """Every case validated once, one after the other in this process (the output streams are global);
    on a worker thread so that a case that hangs fails its test instead of stalling the suite."""
    found: dict[str, dict] = {}
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        for case in CASES:
            future = pool.submit(run_case, case, tmp_path_factory.mktemp(case))
            try:
                found[case] = future.result(timeout=TIMEOUT)
            except FutureTimeout:
                pytest.fail(f"validate took more than {TIMEOUT} s on {case}: a hang")
    finally:
        pool.shutdown(wait=False)  # a hung case must not hold the suite
    return found


def test_every_case_has_its_file_and_every_folder_a_case():
    folders = {p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))}
    assert folders == set(CASES)
    for case, spec in CASES.items():
        assert (CORPUS / case / spec["file"]).is_file(), case
        assert spec["exit"] in (0, 2), case
        assert spec["exit"] == 0 or spec["problems"], case


def test_corpus_matches_its_builder(tmp_path):
    sys.path.insert(0, str(CORPUS))
    try:
        import build
    finally:
        sys.path.remove(str(CORPUS))
    build.build(tmp_path)
    for case, spec in CASES.items():
        assert (tmp_path / case / spec["file"]).read_bytes() == (CORPUS / case / spec["file"]).read_bytes(), case


@pytest.mark.parametrize("case", list(CASES))
def test_validate_answers_each_case(answers, case):
    check_answer(case, answers[case])


def test_validate_answers_a_case_the_same_as_a_process(tmp_path):
    """The smoke test: one case end to end, as ``python -m analysis validate`` in a fresh process."""
    check_answer("encoding_latin1", run_case("encoding_latin1", tmp_path, validate=validate_in_subprocess))


def check_answer(case: str, answer: dict) -> None:
    spec = CASES[case]
    result, unchanged = answer["result"], answer["unchanged"]
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output[-2000:]
    assert unchanged, "validate changed or left files in the data directory"
    assert result.returncode == spec["exit"], output[-2000:]
    if spec["exit"] == 0:
        assert "valid" in result.stdout
        return
    reported = [line.strip() for line in result.stderr.splitlines()[1:] if line.strip()]
    count = re.match(r".*: (\d+) problem\(s\); nothing was changed\.$", result.stderr.splitlines()[0])
    assert count and int(count.group(1)) == len(reported) == len(spec["problems"]), result.stderr
    for expected in spec["problems"]:
        prefix = f"{spec['file']}:{expected['line']}" + (
            f", column '{expected['column']}'" if "column" in expected else ""
        )
        # the prefix, then the value or the expectation (so that line 2 does not match line 20)
        matching = [line for line in reported if re.match(re.escape(prefix) + r"(, value |: expected )", line)]
        assert matching, f"no problem starting {prefix!r} in:\n{result.stderr}"
        assert any(all(word in line.split("expected ", 1)[1] for word in expected["words"]) for line in matching), (
            f"{expected['words']} not all in {matching}"
        )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cut=st.integers(min_value=0, max_value=2000),
    insert=st.binary(max_size=40)
    | st.text(alphabet=st.sampled_from(list(',;"\t\r\n\x00\xe9x1-')), max_size=40).map(str.encode),
    where=st.integers(min_value=0, max_value=2000),
)
def test_mangled_incidents_never_raise(tmp_path, cut, insert, where):
    """Any bytes inserted anywhere, any cut: problems or a dataset, never an exception."""
    data = write_tables(tmp_path / "fuzz", minimal_tables())
    original = (data / "incidents.csv").read_bytes()
    mangled = original[:where] + insert + original[where:]
    mangled = mangled[: len(mangled) - cut % (len(mangled) + 1)]
    (data / "incidents.csv").write_bytes(mangled)
    dataset, problems = check_dataset(data)
    assert (dataset is None) == bool(problems)
    for problem in problems:
        assert problem.file and problem.expected
        str(problem)
