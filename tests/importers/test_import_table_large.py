"""`import table` on a large, messy French list (tests/synthetic_table.py): every death the file supports is
written or rejected, by status exactly as a plain groupby of the generator's truth recounts it (issue 11)."""

import pandas as pd
import pytest
from synthetic_table import HEADER, messy_list, write_messy_list

from analysis.importers.run import run_import

from conftest import ROOT

MAPPING = ROOT / "examples" / "mappings" / "liste_incidents_fr.yml"
ROWS = 4_000


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("large")
    truth = write_messy_list(folder / "liste.csv", ROWS)
    return run_import("table", folder / "liste.csv", folder / "out", mapping=MAPPING), truth


def test_the_list_is_as_messy_as_real_ones():
    records, _ = messy_list(ROWS)
    table = pd.DataFrame(records, columns=HEADER)
    words = pd.concat([table[f"stat_morts_{k}"] for k in (1, 2, 3)])
    assert words[words != ""].nunique() >= 200
    assert table["auteurs"].nunique() >= 200
    assert table["description"].str.contains("\n").any() and table["description"].str.contains('"').any()


def test_deaths_in_equal_deaths_written_plus_rejected(imported):
    result, truth = imported
    killed = truth[truth["harm"] == "killed"]
    assert result.deaths_read == int(killed["figure"].sum())
    assert result.deaths_read == result.deaths_written + result.deaths_rejected
    assert result.rows_read == ROWS and result.balanced()


def test_deaths_by_status_recount_with_a_plain_groupby(imported):
    result, truth = imported
    rejected = set(result.rejects["record_id"].astype(int) - 1000)
    assert rejected and set(result.rejects["reason"].str.split(":").str[0]) == {"invalid date"}
    truth = truth.assign(written=~truth["record"].isin(rejected))
    expected = truth[truth["written"]].groupby(["harm", "victim_status"])["figure"].sum()
    casualties = result.casualties[result.casualties["victim_group"] == "all"]
    got = casualties.groupby(["harm", "victim_status"])["count_best"].sum()
    assert got.astype("int64").to_dict() == expected.astype("int64").to_dict()
    assert result.deaths_rejected == int(truth[~truth["written"] & (truth["harm"] == "killed")]["figure"].sum())
    # row by row too: each (incident, harm, status) has the truth's figure, or none where no cell gives one
    keys = ["record", "harm", "victim_status"]
    per_row = truth[truth["written"]].groupby(keys)["figure"].sum(min_count=1)
    written = casualties.assign(record=casualties["incident_id"].str.removeprefix("liste-fr-").astype(int) - 1000)
    written = written.set_index(keys)["count_best"].sort_index()
    assert written.index.equals(per_row.index)
    assert written.astype("Float64").fillna(-1).tolist() == per_row.astype("Float64").fillna(-1).tolist()
    assert written.isna().sum() > 0  # victims reported with no figure stay rows of their own (never 0)


def test_every_slip_is_listed_with_its_line(imported):
    result, _ = imported
    kinds = (
        result.warnings["warning"]
        .str.extract(
            r"^(status word|count '[^']*' in \w+ is not a plain|count '[^']*' "
            r"in \w+ cannot|total differs)"
        )[0]
        .str.split(" ")
        .str[0]
    )
    assert set(kinds.dropna()) == {"status", "count", "total"}
    assert result.warnings["line"].notna().all() and (result.warnings["line"] >= 2).all()
