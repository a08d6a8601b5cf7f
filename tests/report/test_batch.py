"""render-all: the jobs file is checked before anything runs; unchanged jobs are skipped; failures don't stop the rest."""

import shutil
import subprocess
import sys

import pytest

from analysis import config
from analysis.report.batch import ConfigError, load_jobs, render_all


def write(tmp_path, text):
    path = tmp_path / "reports.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_jobs_file_is_valid_and_covers_years_and_actors():
    slugs = [job.slug for job in load_jobs()]
    assert "whole-record" in slugs
    assert {"year-2023", "year-2024", "year-2025"} <= set(slugs)
    assert {"actor-fama", "actor-wagner-africa-corps", "actor-jnim", "actor-islamic-state-sahel"} <= set(slugs)


@pytest.mark.parametrize(
    "text, message",
    [
        ("jobs:\n  - slug: a\n    colour: red\n", "jobs[0]: unknown key 'colour'"),
        ("jobz: []\n", "unknown key 'jobz'"),
        (
            "jobs:\n  - slug: a\n    parameters: {actors: [Martians]}\n",
            "jobs[0]: unknown actor 'Martians'; valid actors",
        ),
        (
            "jobs:\n  - slug: a\n    parameters: {colour: red}\n",
            "jobs[0]: unknown parameter 'colour' (the notebook has: data_dir",
        ),
        ("jobs:\n  - slug: a\n  - slug: a\n", "jobs[1]: slug 'a' is used twice"),
        (
            "jobs:\n  - slug: a\n    parameters: {group_by: region}\n",
            "jobs[0]: group_by 'region' is not one of: family, group, actor",
        ),
        ("jobs:\n  - slug: a\n    formats: [docx]\n", "format 'docx' is not one of"),
        (
            "jobs:\n  - slug: a\n    parameters: {start_date: 2024-05-01, end_date: 2024-01-01}\n",
            "end_date 2024-01-01 is before start_date 2024-05-01",
        ),
    ],
)
def test_bad_jobs_file_fails_before_anything_runs(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace("[", r"\[")):
        load_jobs(write(tmp_path, text))


def test_cli_exits_2_on_a_bad_jobs_file_and_renders_nothing(tmp_path):
    out = tmp_path / "out"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis",
            "render-all",
            "--config",
            str(write(tmp_path, "jobs:\n  - slug: a\n    oops: 1\n")),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2 and "nothing was rendered" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


@pytest.mark.slow
def test_skip_unchanged_force_and_failure_paths(tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(config.DATA_DIR, broken)
    jobs = load_jobs(
        write(tmp_path, "defaults: {formats: [html]}\njobs:\n  - slug: one\n    parameters: {period: month}\n")
    )
    out = tmp_path / "out"
    first = render_all(jobs, out, workers=1, progress=False)
    assert (first.rendered, first.skipped, first.failed) == (["one"], [], {})
    assert first.changes == {"one": "first build, nothing to compare with"} and first.changed == []
    again = render_all(jobs, out, workers=1, progress=False)
    assert (again.rendered, again.skipped) == ([], ["one"])
    forced = render_all(jobs, out, force=True, workers=1, progress=False)
    assert forced.rendered == ["one"]
    assert forced.changes == {
        "one": "0 new, 0 withdrawn, 0 revised, 0 new sources; civilians killed (best) 0 (78 → 78)"
    }
    assert forced.changed == []  # rendered again on the same data: nothing for --quiet to report

    # A job whose data breaks after the jobs were checked fails alone; the others go on.
    (broken / "casualties.csv").write_text(
        (broken / "casualties.csv").read_text().replace(",9,9,", ",nine,9,"), encoding="utf-8"
    )
    jobs = load_jobs(write(tmp_path, "defaults: {formats: [html]}\njobs:\n  - slug: good\n  - slug: bad\n"))
    jobs[1].parameters["data_dir"] = str(broken)  # broken after the check, as when data change mid-schedule
    summary = render_all(jobs, out, workers=2, progress=False)
    assert summary.rendered == ["good"]
    # Caught by the check that every render makes before it starts a kernel (issue 12): no notebook is written.
    assert (
        list(summary.failed) == ["bad"]
        and f"data_dir {broken} does not validate" in summary.failed["bad"]
        and "casualties.csv" in summary.failed["bad"]
    )
    assert not (out / "bad").exists()
    assert not (out / "_failed").exists()
