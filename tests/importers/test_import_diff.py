"""Re-importing a newer export over an earlier import: the import report says which events were added,
removed and revised, by id (two versions of the ACLED fixture: MLI9002 withdrawn, MLI9001's fatalities
raised from 12 to 15, MLI9100 new)."""

from __future__ import annotations

import json

from analysis.importers.run import run_import

from conftest import TESTS, run_cli

FIXTURES = TESTS / "fixtures" / "acled"


def test_reimport_reports_added_removed_and_revised_events(tmp_path):
    out = tmp_path / "acled"
    first = run_import("acled", FIXTURES / "per_event_2023.csv", out)
    assert first.import_diff is None  # nothing earlier to compare with
    assert json.loads((out / "import_report.json").read_text())["compared_with_earlier_import"] is None
    done = run_cli("import", "acled", str(FIXTURES / "per_event_2023_revised.csv"), "--out", str(out))
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "import_report.json").read_text(encoding="utf-8"))["compared_with_earlier_import"]
    assert report == {
        "earlier_file": "per_event_2023.csv",
        "added": [{"incident_id": "acled-MLI9100", "external_id": "MLI9100", "deaths_after": 4}],
        "removed": [{"incident_id": "acled-MLI9002", "external_id": "MLI9002", "deaths_before": 9}],
        "revised": [
            {
                "incident_id": "acled-MLI9001",
                "external_id": "MLI9001",
                "changed": "summary, casualties",
                "deaths_before": 12,
                "deaths_after": 15,
            }
        ],
    }
    text = (out / "import_report.txt").read_text(encoding="utf-8")
    assert "events added 1, removed 1, revised 1" in text
    assert "acled-MLI9002 (MLI9002): 9 deaths" in text  # the withdrawn event is visible, not silently gone
    assert "acled-MLI9001 (MLI9001): summary, casualties; deaths 12 -> 15" in done.stdout


def test_the_same_file_again_changes_nothing(tmp_path):
    run_import("acled", FIXTURES / "per_event_2023.csv", tmp_path / "a")
    diff = run_import("acled", FIXTURES / "per_event_2023.csv", tmp_path / "a").import_diff
    assert diff.added.empty and diff.removed.empty and diff.revised.empty
