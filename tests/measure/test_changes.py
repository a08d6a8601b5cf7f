"""What changed between two builds: the comparison on tiny snapshots (exact digest), the wording, the snapshot
file, and end to end: two renders over two versions of the data, the section read back out of HTML and PDF."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys

import pandas as pd
import pytest
from data_versions import ADDED, RAISED, REMOVED, edited_copy
from pypdf import PdfReader

from analysis import config
from analysis.measure.build_diff import INCIDENT_COLUMNS, Snapshot, compare
from analysis.report.batch import build_changes
from analysis.report.changes import changes_markdown, changes_table, has_changes, movement_sentence, summary_line
from analysis.report.history import read_snapshot, write_build_files
from analysis.report.render import render

PARAMETERS = {"start_date": "", "end_date": "", "actors": [], "regions": [], "min_attribution": "contested"}


def incidents(*rows) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=INCIDENT_COLUMNS).astype(
        {"killed_min": "Int64", "killed_best": "Int64", "killed_max": "Int64"}
    )
    return frame.astype({c: object for c in INCIDENT_COLUMNS if not c.startswith("killed")})


def snapshot(build, rows, sources, headline, **parameters) -> Snapshot:
    return Snapshot(
        build,
        {**PARAMETERS, "title": "T", **parameters},
        headline,
        incidents(*rows),
        pd.DataFrame(sources, columns=["incident_id", "source"]),
    )


A = ["a", "Village A attacked", "2024-01-01", "2024-01-01", "Mopti", "A", "FAMa", "single_source", 4, 4, 4]
B = ["b", "Drone strike on B", "2024-02-01", "2024-02-01", "Gao", "B", "FAMa", "alleged", 10, 12, None]
C = ["c", "Convoy C", "2024-03-01", "2024-03-02", None, None, "JNIM", "corroborated", 5, 5, 5]
D = ["d", "New incident D", "2024-04-01", "2024-04-01", "Mopti", "D", "JNIM", "single_source", 3, 3, 3]
HEAD_1 = {"killed_min": 19, "killed_best": 21, "killed_max": 21, "incidents": 3}
HEAD_2 = {"killed_min": 17, "killed_best": 22, "killed_max": 22, "incidents": 3}


def two_builds(**after_parameters):
    before = snapshot("b1", [A, B, C], [("a", "HRW: A"), ("b", "RFI: B"), ("c", "ACLED: C")], HEAD_1)
    a_raised = [*A[:7], "corroborated", 4, 7, 7]  # count raised from 4 to 7, grade firmer
    after = snapshot(
        "b2",
        [a_raised, B, D],  # C withdrawn, D added
        [("a", "HRW: A"), ("b", "RFI: B"), ("b", "Amnesty: B"), ("d", "UN: D")],  # a new source for B
        HEAD_2,
        **after_parameters,
    )
    return before, after


def test_every_kind_of_change_gives_the_exact_digest():
    before, after = two_builds(title="T, revised")
    digest = compare(before, after).digest()
    figures = ["killed_min", "killed_best", "killed_max", "incidents"]
    assert digest["headline"][:4] == [
        {"figure": "killed_min", "before": 19, "after": 17, "change": -2},
        {"figure": "killed_best", "before": 21, "after": 22, "change": 1},
        {"figure": "killed_max", "before": 21, "after": 22, "change": 1},
        {"figure": "incidents", "before": 3, "after": 3, "change": 0},
    ]
    assert all(row["before"] is None for row in digest["headline"] if row["figure"] not in figures)
    del digest["headline"]
    assert digest == {
        "before": "b1",
        "after": "b2",
        "first_build": False,
        "comparable": True,
        "counts": {"added": 1, "withdrawn": 1, "revised": 1, "new_sources": 1, "parameters": 1},
        "parameters": [{"parameter": "title", "before": "T", "after": "T, revised"}],
        "explanation": [
            {"figure": "killed_min", "part": "added", "incidents": 1, "change": 3},
            {"figure": "killed_min", "part": "withdrawn", "incidents": 1, "change": -5},
            {"figure": "killed_best", "part": "added", "incidents": 1, "change": 3},
            {"figure": "killed_best", "part": "withdrawn", "incidents": 1, "change": -5},
            {"figure": "killed_best", "part": "raised", "incidents": 1, "change": 3},
            {"figure": "killed_max", "part": "added", "incidents": 1, "change": 3},
            {"figure": "killed_max", "part": "withdrawn", "incidents": 1, "change": -5},
            {"figure": "killed_max", "part": "raised", "incidents": 1, "change": 3},
        ],
        "added": [{"incident_id": "d", "title": "New incident D", "killed_min": 3, "killed_best": 3, "killed_max": 3}],
        "withdrawn": [{"incident_id": "c", "title": "Convoy C", "killed_min": 5, "killed_best": 5, "killed_max": 5}],
        "revised": [
            {
                "incident_id": "a",
                "title": "Village A attacked",
                "field": "grade",
                "before": "single_source",
                "after": "corroborated",
            },
            {"incident_id": "a", "title": "Village A attacked", "field": "killed_best", "before": 4, "after": 7},
            {"incident_id": "a", "title": "Village A attacked", "field": "killed_max", "before": 4, "after": 7},
        ],
        "new_sources": [{"incident_id": "b", "title": "Drone strike on B", "source": "Amnesty: B"}],
    }


def test_the_parts_add_up_to_the_headline_change_and_are_worded():
    changes = compare(*two_builds())
    explained = changes.explanation.groupby("figure")["change"].sum()
    assert explained["killed_best"] == 22 - 21 and explained["killed_min"] == 17 - 19
    assert movement_sentence(changes) == (
        "+1 civilians killed (best estimate), from 21 to 22: 1 new incident (+3), 1 incident withdrawn (−5), "
        "1 count raised from 4 to 7 (+3)"
    )
    listed = changes_table(changes)
    assert list(listed["change"]) == ["new", "withdrawn", "revised", "revised", "new source"]
    assert list(listed["detail"])[2:4] == ["attribution: single source → corroborated", "civilians killed, best: 4 → 7"]


def test_another_selection_is_not_compared_like_for_like():
    changes = compare(*two_builds(start_date="2024-02-01"))
    assert not changes.comparable
    assert changes.digest()["parameters"] == [{"parameter": "start_date", "before": "", "after": "2024-02-01"}]
    assert changes.added.empty and changes.withdrawn.empty and changes.revised.empty
    text = changes_markdown(changes)
    assert "not compared like for like" in text and "start date" in text
    assert summary_line(changes.digest()) == "1 parameter changed; another selection: not compared like for like"


def test_first_build_and_no_change():
    before, _ = two_builds()
    first = compare(None, before)
    assert first.first_build and "first build" in changes_markdown(first)
    assert summary_line(first.digest()) == "first build, nothing to compare with"
    same = compare(before, before)
    assert not same.any and "Nothing changed" in changes_markdown(same)
    assert [has_changes(c.digest()) for c in (first, same, compare(*two_builds()))] == [False, False, True]


def test_snapshot_file_reads_back_the_same(tmp_path):
    _, after = two_builds()
    write_build_files(after, compare(None, after), tmp_path)
    path = tmp_path / "snapshot.json.gz"
    again = read_snapshot(path)
    pd.testing.assert_frame_equal(again.incidents, after.incidents)
    pd.testing.assert_frame_equal(again.sources, after.sources)
    assert (again.build, again.parameters, again.headline) == (after.build, after.parameters, after.headline)
    assert compare(again, after).any is False


# ---------------------------------------------------------------------------------------------------------
# End to end: render, edit the data (one new incident, one count raised, one incident removed), render again
# ---------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def two_renders(tmp_path_factory):
    root = tmp_path_factory.mktemp("changes")
    data, out = root / "data", root / "reports"
    edited_copy(config.DATA_DIR, root / "edited", regrade=False, new_source=False)
    shutil.copytree(config.DATA_DIR, data)
    first = render(parameters={"data_dir": str(data)}, out_dir=out, slug="edits", formats=())
    shutil.rmtree(data)
    shutil.copytree(root / "edited", data)
    second = render(parameters={"data_dir": str(data)}, out_dir=out, slug="edits")
    return first, second, out


def plain(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.slow
def test_first_render_has_nothing_to_compare(two_renders):
    first, _, _ = two_renders
    assert first.files["changes"].name == "changes.json"
    # the first build's folder was replaced by the second's: its changes are in the history's first snapshot


@pytest.mark.slow
def test_second_render_lists_the_three_changes_in_changes_json(two_renders):
    _, second, out = two_renders
    digest = json.loads(second.files["changes"].read_text(encoding="utf-8"))
    assert digest["counts"] == {"added": 1, "withdrawn": 1, "revised": 1, "new_sources": 0, "parameters": 0}
    assert [r["incident_id"] for r in digest["added"]] == [ADDED]
    assert [r["incident_id"] for r in digest["withdrawn"]] == [REMOVED]
    assert {(r["incident_id"], r["field"], r["before"], r["after"]) for r in digest["revised"]} >= {
        (RAISED, "killed_best", 7, 9)
    }
    assert len(list((out / ".history" / "edits").glob("*.json.gz"))) == 2
    assert build_changes(second.files["changes"]) == (
        True,
        "1 new, 1 withdrawn, 1 revised, 0 new sources; civilians killed (best) −3 (78 → 75)",
    )


@pytest.mark.parametrize("kind", ["html", "pdf"])
@pytest.mark.slow
def test_the_section_reads_back_out_of_html_and_pdf(two_renders, kind):
    _, second, _ = two_renders
    if kind == "pdf":
        text = plain(" ".join(page.extract_text() for page in PdfReader(second.files["pdf"]).pages[:2]))
    else:
        text = plain(html.unescape(re.sub(r"<[^>]+>", " ", second.files["html"].read_text(encoding="utf-8"))))
    section = text[text.index("What changed since the last report") :]
    match = re.search(r"([−+]\d+) civilians killed \(best estimate\), from (\d+) to (\d+): (.*?)\.", section)
    assert match, section[:800]
    change, before, after = int(match.group(1).replace("−", "-")), int(match.group(2)), int(match.group(3))
    assert (change, before, after) == (-3, 78, 75)
    assert match.group(4) == "1 new incident (+4), 1 incident withdrawn (−9), 1 count raised from 7 to 9 (+2)"
    squeezed = section.replace(" ", "")  # table cells may break ids across lines
    assert all(incident in squeezed for incident in (ADDED, REMOVED, RAISED))
    assert text.index("What changed since the last report") < text.index("Civilians killed over time")


@pytest.mark.slow
def test_changes_command_prints_the_last_two_builds(two_renders):
    _, _, out = two_renders
    run = subprocess.run(
        [sys.executable, "-m", "analysis", "changes", "edits", "--out", str(out)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert "1 new, 1 withdrawn, 1 revised" in run.stdout and REMOVED in run.stdout
    missing = subprocess.run(
        [sys.executable, "-m", "analysis", "changes", "edits", "nope", "nada", "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 2 and "no build of 'edits' start with 'nope'" in missing.stderr
