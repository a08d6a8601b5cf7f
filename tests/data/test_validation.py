"""The schema rejects bad data with messages that name file, line, column and what was expected."""

import csv
import hashlib
import subprocess
import sys

import pandas as pd
import pytest

from analysis import DataValidationError, check_dataset, load_dataset

from conftest import minimal_tables, write_tables


def problems_for(tmp_path, mutate):
    tables = minimal_tables()
    mutate(tables)
    dataset, problems = check_dataset(write_tables(tmp_path / "data", tables))
    assert dataset is None
    return [str(p) for p in problems]


def test_minimal_dataset_is_valid_and_names_are_made_canonical(tiny):
    ds = load_dataset(tiny)
    assert list(ds.perpetrators["actor"]) == ["FAMa", "Wagner Group"]
    assert list(ds.incidents["admin1"]) == ["Tombouctou"]
    assert ds.casualties["count_best"].tolist() == [7, 2]
    assert str(ds.casualties["count_max"].dtype) == "Int64"
    assert ds.casualties["count_max"].isna().tolist() == [False, True]


def test_missing_column(tmp_path):
    directory = write_tables(tmp_path / "data", minimal_tables())
    path = directory / "incidents.csv"
    rows = list(csv.reader(path.open(encoding="utf-8")))
    drop = rows[0].index("summary")
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([r[:drop] + r[drop + 1 :] for r in rows])
    dataset, problems = check_dataset(directory)
    assert dataset is None
    assert [str(p) for p in problems] == [
        "incidents.csv:1, column 'summary': expected this column in the header (it is missing)"
    ]


def test_bad_type(tmp_path):
    problems = problems_for(tmp_path, lambda t: t["casualties"][0].update(count_min="dozens"))
    assert problems == [
        "casualties.csv:2, column 'count_min', value 'dozens': expected a whole number written in digits "
        "(leave empty if unknown; keep the source's words in count_text)"
    ]


def test_impossible_date(tmp_path):
    problems = problems_for(tmp_path, lambda t: t["incidents"][0].update(end_date="2024-02-30"))
    assert problems == [
        "incidents.csv:2, column 'end_date', value '2024-02-30': expected a real date written YYYY-MM-DD"
    ]


def test_duplicate_key(tmp_path):
    problems = problems_for(tmp_path, lambda t: t["perpetrators"].append(dict(t["perpetrators"][1])))
    assert len(problems) == 2
    assert all("perpetrators.csv:" in p and "repeated" in p for p in problems)


def test_orphan_row(tmp_path):
    problems = problems_for(tmp_path, lambda t: t["casualties"][1].update(incident_id="nowhere"))
    assert problems == [
        "casualties.csv:3, column 'incident_id', value 'nowhere': expected an incident_id listed in incidents.csv"
    ]


def test_unknown_actor(tmp_path):
    problems = problems_for(tmp_path, lambda t: t["perpetrators"][1].update(actor="Mystery Brigade"))
    assert problems == [
        "perpetrators.csv:3, column 'actor', value 'Mystery Brigade': expected a name or alias listed in reference/actors.csv"
    ]


def test_unknown_region(tmp_path):
    problems = problems_for(tmp_path, lambda t: t["incidents"][0].update(admin1="Atlantis"))
    assert problems == [
        "incidents.csv:2, column 'admin1', value 'Atlantis': expected a name or alias listed in reference/regions.csv"
    ]


def test_count_min_greater_than_count_max(tmp_path):
    problems = problems_for(tmp_path, lambda t: t["casualties"][0].update(count_min="12"))
    assert "casualties.csv:2, column 'count_best', value '7': expected count_best >= count_min (12)" in problems
    assert "casualties.csv:2, column 'count_max', value '10': expected count_max >= count_min (12)" in problems


def test_negative_count(tmp_path):
    problems = problems_for(tmp_path, lambda t: t["casualties"][1].update(count_min="-2"))
    assert problems == [
        "casualties.csv:3, column 'count_min', value '-2': expected a number of at least 0 (a count cannot be negative)"
    ]


def test_end_before_start(tmp_path):
    problems = problems_for(tmp_path, lambda t: t["incidents"][0].update(end_date="2024-02-01"))
    assert problems == [
        "incidents.csv:2, column 'end_date', value '2024-02-01': expected end_date on or after start_date (2024-03-01)"
    ]


def test_group_exceeding_all(tmp_path):
    problems = problems_for(tmp_path, lambda t: t["casualties"][1].update(count_min="6", count_best="8"))
    assert problems == [
        "casualties.csv:3, column 'count_best', value '8': expected at most the 'all' figure for the same incident, harm and status (7)",
        "casualties.csv:3, column 'count_min', value '6': expected at most the 'all' figure for the same incident, harm and status (5)",
    ]


def test_denial_requires_contested(tmp_path):
    problems = problems_for(tmp_path, lambda t: t["perpetrators"][0].update(attribution="corroborated"))
    assert problems == [
        "perpetrators.csv:2, column 'attribution', value 'corroborated': expected 'contested': sources.csv has a 'denies' row for this incident"
    ]


def test_coordinates_outside_mali(tmp_path):
    problems = problems_for(tmp_path, lambda t: t["incidents"][0].update(latitude="-3.0", longitude="16.77"))
    assert len(problems) == 2 and all("inside Mali" in p for p in problems)


def test_incident_without_source(tmp_path):
    problems = problems_for(tmp_path, lambda t: [s.update(incident_id="t-2") for s in t["sources"]] and None)
    assert (
        "incidents.csv:2, column 'incident_id', value 't-1': expected at least one row in sources.csv for this incident"
        in problems
    )


def test_future_date(tmp_path):
    problems = problems_for(
        tmp_path, lambda t: t["incidents"][0].update(start_date="2999-01-01", end_date="2999-01-01")
    )
    assert len(problems) == 1 and "not after today" in problems[0]


def test_unknown_allowed_value(tmp_path):
    problems = problems_for(tmp_path, lambda t: t["casualties"][0].update(harm="maimed"))
    assert len(problems) == 1 and problems[0].startswith(
        "casualties.csv:2, column 'harm', value 'maimed': expected one of: killed, injured"
    )


def test_counts_given_without_minimum(tmp_path):
    problems = problems_for(tmp_path, lambda t: t["casualties"][1].update(count_min=""))
    assert problems == [
        "casualties.csv:3, column 'count_min': expected a count_min whenever count_best or count_max is given (the lowest figure the sources support)"
    ]


def test_lines_count_physical_lines_with_multiline_text(tmp_path):
    def mutate(t):
        t["incidents"][0]["summary"] = "first line\nsecond line\nthird"
        t["casualties"][0]["count_text"] = "a\nb"
        t["casualties"][1]["harm"] = "maimed"

    problems = problems_for(tmp_path, mutate)
    assert problems[0].startswith("casualties.csv:4, column 'harm'")  # the row after a 2-line record starts on line 4


def test_load_dataset_raises_with_every_problem(tmp_path):
    tables = minimal_tables()
    tables["casualties"][0]["count_min"] = "x"
    tables["perpetrators"][1]["actor"] = "Nobody"
    with pytest.raises(DataValidationError) as caught:
        load_dataset(write_tables(tmp_path / "data", tables))
    assert len(caught.value.problems) == 2


def test_validation_never_modifies_input(data_copy):
    def digest():
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(data_copy.rglob("*.csv"))}

    before = digest()
    load_dataset(data_copy)
    assert digest() == before


def test_cached_dataset_equals_validated_and_any_change_revalidates(tiny, _dataset_cache):
    fresh, _ = check_dataset(tiny)
    first, second = load_dataset(tiny), load_dataset(tiny)  # the second comes from the cache
    assert len(list((_dataset_cache / "datasets").glob("*/meta.json"))) >= 1
    for name, frame in fresh.tables().items():
        pd.testing.assert_frame_equal(getattr(second, name), frame)
        pd.testing.assert_frame_equal(getattr(first, name), frame)
    assert second.data_dir == tiny
    casualties = tiny / "casualties.csv"
    casualties.write_text(casualties.read_text(encoding="utf-8").replace(",7,", ",x,", 1), encoding="utf-8")
    with pytest.raises(DataValidationError):
        load_dataset(tiny)


def test_cache_hit_skips_pandera(tiny):
    load_dataset(tiny)
    code = "import sys; from analysis import load_dataset; load_dataset(sys.argv[1]); print('pandera' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code, str(tiny)], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
