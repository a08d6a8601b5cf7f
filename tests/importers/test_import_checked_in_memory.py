"""An import checks the tables it is about to write in memory; ``validate`` reads the written folder.
Both apply the same rules: on the same tables they find the same problems, on the same lines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from analysis.data.dataset import check_dataset
from analysis.importers.acled import import_acled
from analysis.importers.output import Resolver, problems_in_memory, reference_tables, tables_as_text, write_tables

from conftest import TESTS

FIXTURES = TESTS / "fixtures"


@pytest.fixture(scope="module")
def tables():
    reference = reference_tables()
    resolver = Resolver(reference)
    result = import_acled(FIXTURES / "acled" / "per_event_2023.csv", resolver, "acled", today=dt.date(2026, 1, 1))
    result.new_actors = resolver.new_actors()
    return tables_as_text(result, reference)


def both_checks(tables: dict, folder: Path) -> tuple[list[str], list[str]]:
    write_tables(tables, folder)
    _, on_disk = check_dataset(folder, today=dt.date(2026, 1, 1))
    return [str(p) for p in problems_in_memory(tables)], [str(p) for p in on_disk]


def test_a_clean_import_passes_both_checks(tables, tmp_path):
    assert both_checks(tables, tmp_path) == ([], [])


def test_broken_tables_get_the_same_problems_from_both_checks(tables, tmp_path):
    broken = {name: text.copy() for name, text in tables.items()}
    incidents, casualties = broken["incidents"], broken["casualties"]
    incidents.loc[0, "event_type"] = "massacre"  # not an allowed value
    incidents.loc[1, "start_date"] = "2024-02-30"  # not a real date
    incidents.loc[2, "summary"] = "two\nlines"  # moves the lines of the records below it
    incidents.loc[3, "incident_id"] = incidents.loc[4, "incident_id"]  # a repeated key
    incidents.loc[4, "title"] = "   "  # blank: read back as missing, and the title is required
    casualties.loc[0, "count_best"] = "3.5"  # not a whole number
    in_memory, on_disk = both_checks(broken, tmp_path)
    assert in_memory == on_disk
    found = "\n".join(in_memory)
    for expected in ("'event_type', value 'massacre'", "'start_date', value '2024-02-30'", "'incident_id'", "'title'"):
        assert expected in found
    assert "'count_best', value '3.5'" in found
