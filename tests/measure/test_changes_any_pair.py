"""What changed between any two builds: builds with no incident, with incidents but no figure at all, and with
figures, in every order, in memory and read back from their snapshot files; and two real renders under one
slug going from no civilian killed to some (the second build used to crash with a UFuncTypeError: text added
to an empty Int64 column)."""

from __future__ import annotations

import itertools
import json
import shutil

import pandas as pd
import pytest
from test_changes import A, B, C, snapshot

from analysis import config
from analysis.measure.build_diff import compare
from analysis.report.changes import changes_markdown, changes_table, changes_text, movement_sentence, summary_line
from analysis.report.history import read_snapshot, write_build_files

NOTHING = snapshot("b0", [], [], {"killed_min": 0, "killed_best": 0, "killed_max": 0, "incidents": 0})
NO_FIGURE = snapshot(
    "b1",
    [[*A[:8], None, None, None], [*C[:8], None, None, None]],
    [("a", "HRW: A")],
    {"killed_min": 0, "killed_best": 0, "killed_max": 0, "incidents": 2},
)
SOME = snapshot(
    "b2",
    [A, B, C],
    [("a", "HRW: A"), ("b", "RFI: B")],
    {"killed_min": 19, "killed_best": 21, "killed_max": 21, "incidents": 3},
)
BUILDS = {"nothing": NOTHING, "no figure": NO_FIGURE, "some": SOME}


def read_back(build, tmp_path):
    folder = tmp_path / build.build
    write_build_files(build, compare(None, build), folder)
    return read_snapshot(folder / "snapshot.json.gz")


@pytest.mark.parametrize("names", list(itertools.product(BUILDS, repeat=2)), ids="->".join)
@pytest.mark.parametrize("from_file", [False, True], ids=["in memory", "read back"])
def test_any_pair_of_builds_compares_and_is_worded(names, from_file, tmp_path):
    before, after = (BUILDS[n] for n in names)
    if from_file:
        before, after = read_back(before, tmp_path / "1"), read_back(after, tmp_path / "2")
    changes = compare(before, after)
    table = changes_table(changes)
    assert changes_markdown(changes).startswith("## What changed")
    assert "civilians killed (best estimate)" in movement_sentence(changes)
    assert summary_line(json.loads(json.dumps(changes.digest())))
    assert changes_text(changes)
    assert table["detail"].map(type).eq(str).all()


def test_from_nothing_to_something_and_back_gives_exact_changes():
    up = compare(NOTHING, SOME)
    assert up.counts == {"added": 3, "withdrawn": 0, "revised": 0, "new_sources": 0, "parameters": 0}
    assert changes_table(up)["detail"].tolist() == ["civilians killed 4", "civilians killed 12", "civilians killed 5"]
    assert movement_sentence(up) == "+21 civilians killed (best estimate), from 0 to 21: 3 new incidents (+21)"
    down = compare(SOME, NOTHING)
    assert down.counts["withdrawn"] == 3
    assert movement_sentence(down) == "−21 civilians killed (best estimate), from 21 to 0: 3 incidents withdrawn (−21)"
    figures = compare(NO_FIGURE, SOME)
    assert figures.counts == {"added": 1, "withdrawn": 0, "revised": 2, "new_sources": 0, "parameters": 0}
    assert changes_table(figures)["detail"].tolist() == [
        "civilians killed 12",
        "civilians killed, best: no figure → 4",
        "civilians killed, best: no figure → 5",
    ]
    lost = compare(SOME, NO_FIGURE)
    assert changes_table(lost)["detail"].tolist()[:2] == [
        "was counted with civilians killed 12",
        "civilians killed, best: 4 → no figure",
    ]


def test_a_snapshot_missing_figures_or_columns_still_compares():
    old = snapshot("b0", [A], [], {"incidents": 1})  # an older snapshot without the killed figures
    old = type(old)(old.build, old.parameters, old.headline, old.incidents.drop(columns=["grade"]), old.sources)
    changes = compare(old, SOME)
    head = changes.headline.set_index("figure")
    assert head.loc["incidents"].tolist() == [1, 3, 2]
    assert pd.isna(head.loc["killed_best", "change"])
    assert changes.counts["added"] == 2
    assert changes_table(changes)["detail"].tolist()[2] == "attribution: not given → single source"


def _without_civilians_killed(target):
    shutil.copytree(config.DATA_DIR, target)
    casualties = pd.read_csv(target / "casualties.csv", dtype=str, keep_default_na=False)
    kept = casualties[~((casualties["harm"] == "killed") & (casualties["victim_group"] == "all"))]
    kept.to_csv(target / "casualties.csv", index=False, lineterminator="\n")
    return target


@pytest.mark.slow
def test_two_renders_under_one_slug_from_no_civilian_killed_to_some(tmp_path):
    from analysis.report.render import render

    data, out = tmp_path / "data", tmp_path / "reports"
    _without_civilians_killed(data)
    first = render(parameters={"data_dir": str(data)}, out_dir=out, slug="empty-first", formats=())
    assert json.loads(first.files["changes"].read_text())["first_build"] is True
    shutil.rmtree(data)
    shutil.copytree(config.DATA_DIR, data)
    second = render(parameters={"data_dir": str(data)}, out_dir=out, slug="empty-first", formats=())
    digest = json.loads(second.files["changes"].read_text())
    assert digest["first_build"] is False
    assert digest["counts"]["added"] == 0 and digest["counts"]["revised"] > 0
    killed = {row["figure"]: row for row in digest["headline"]}["killed_best"]
    assert killed["before"] == 0 and killed["after"] > 0
