"""Aggregation: exact values on tiny data, both attribution policies, zero-fill, and independent recounts."""

import pandas as pd
import pytest

from analysis import config, load_dataset
from analysis.measure.aggregate import aggregate
from analysis.measure.selection import InvalidParameter, make_selection

from conftest import minimal_tables, write_tables


@pytest.fixture
def small(tmp_path):
    """t-1: FAMa + Wagner, 2024, Tombouctou, killed 5/7/10 (children 2).
    t-2: JNIM, 2022, Taoudénit, killed 3/-/- (best and max fall back to 3).
    t-3: FAMa, 2022, no region, killed but no figure.
    p-1: period total, 100 killed, never counted."""
    t = minimal_tables()
    t["actors"].append(
        {
            "actor": "JNIM",
            "actor_type": "islamist_armed_group",
            "family": "jnim",
            "acled_inter": "2",
            "description": "x",
        }
    )
    base = dict(t["incidents"][0])
    t["incidents"] += [
        {**base, "incident_id": "t-2", "start_date": "2022-05-01", "end_date": "2022-05-01", "admin1": "Taoudeni"},
        {
            **base,
            "incident_id": "t-3",
            "start_date": "2022-07-01",
            "end_date": "2022-07-01",
            "admin1": "",
            "latitude": "",
            "longitude": "",
        },
        {
            **base,
            "incident_id": "p-1",
            "record_type": "period_total",
            "start_date": "2022-01-01",
            "end_date": "2024-12-31",
        },
    ]
    t["perpetrators"] += [
        {"incident_id": "t-2", "actor": "JNIM", "role": "primary", "attribution": "alleged", "attribution_basis": "b"},
        {
            "incident_id": "t-3",
            "actor": "FAMa",
            "role": "primary",
            "attribution": "corroborated",
            "attribution_basis": "b",
        },
        {
            "incident_id": "p-1",
            "actor": "FAMa",
            "role": "primary",
            "attribution": "single_source",
            "attribution_basis": "b",
        },
    ]
    t["casualties"] += [
        {
            "incident_id": "t-2",
            "harm": "killed",
            "victim_status": "civilian",
            "victim_group": "all",
            "count_min": "3",
            "count_text": "at least 3",
        },
        {
            "incident_id": "t-3",
            "harm": "killed",
            "victim_status": "civilian",
            "victim_group": "all",
            "count_text": "some",
        },
        {
            "incident_id": "p-1",
            "harm": "killed",
            "victim_status": "civilian",
            "victim_group": "all",
            "count_min": "100",
            "count_best": "100",
            "count_text": "100",
        },
    ]
    t["sources"] += [
        {"incident_id": i, "publisher": "Z", "source_type": "media", "stance": "reports", "document": "b.txt"}
        for i in ("t-2", "t-3", "p-1")
    ]
    return load_dataset(write_tables(tmp_path / "data", t))


def rows(frame, keys):
    return {
        tuple(getattr(r, k) for k in keys): (r.count_min, r.count_best, r.count_max, r.incidents)
        for r in frame.itertuples()
    }


def test_group_policy_counts_each_incident_once(small):
    result = aggregate(small, ("actor",))
    assert rows(result, ["actor"]) == {
        ("FAMa + Wagner Group",): (5, 7, 10, 1),
        ("JNIM",): (3, 3, 3, 1),
        ("FAMa",): (0, 0, 0, 1),
    }
    assert result.attrs["additive"] is True
    assert result["count_best"].sum() == aggregate(small, ())["count_best"].iloc[0] == 10


def test_any_policy_counts_under_every_actor_and_says_it_is_not_additive(small):
    result = aggregate(small, ("actor",), make_selection(small, attribution="any"))
    assert rows(result, ["actor"]) == {
        ("FAMa",): (5, 7, 10, 2),
        ("Wagner Group",): (5, 7, 10, 1),
        ("JNIM",): (3, 3, 3, 1),
    }
    assert result.attrs["additive"] is False


def test_totals_without_a_perpetrator_key_count_each_incident_once_under_any_policy(small):
    every_actor = make_selection(small, attribution="any")
    for keys in [(), ("region",), ("period",), ("period", "region")]:
        assert rows(aggregate(small, keys, every_actor), list(keys)) == rows(aggregate(small, keys), list(keys))
    assert aggregate(small, (), every_actor)["count_best"].iloc[0] == 10


def test_period_totals_are_never_counted(small):
    total = aggregate(small, ())
    assert total[["count_min", "count_best", "count_max", "incidents", "incidents_without_figure"]].iloc[
        0
    ].tolist() == [8, 10, 13, 3, 1]


def test_zero_fill_by_year_and_region(small):
    result = aggregate(small, ("period", "region"), make_selection(small, period="year"))
    assert len(result) == 3 * 3  # 2022, 2023, 2024 x three regions (one "not established")
    got = rows(result, ["period", "region"])
    assert got[("2023", "Tombouctou")] == (0, 0, 0, 0)
    assert got[("2024", "Tombouctou")] == (5, 7, 10, 1)
    assert got[("2022", "Taoudénit")] == (3, 3, 3, 1)
    assert got[("2022", "Region not established")] == (0, 0, 0, 1)


def test_month_grid_is_complete(small):
    result = aggregate(
        small, ("period",), make_selection(small, period="month", start_date="2022-01-01", end_date="2022-12-31")
    )
    assert list(result["period"]) == [f"2022-{m:02d}" for m in range(1, 13)]
    assert result.set_index("period").at["2022-05", "count_min"] == 3


def test_filters(small):
    sel = make_selection(small, actors=["wagner group"], start_date="2024-01-01")
    assert rows(aggregate(small, ("actor",), sel), ["actor"]) == {("FAMa + Wagner Group",): (5, 7, 10, 1)}
    sel = make_selection(small, min_attribution="corroborated")
    assert rows(aggregate(small, ("actor",), sel), ["actor"]) == {("FAMa",): (0, 0, 0, 1)}
    sel = make_selection(small, regions=["Taoudeni"])
    assert rows(aggregate(small, ("region",), sel), ["region"]) == {("Taoudénit",): (3, 3, 3, 1)}


def test_children_subset(small):
    result = aggregate(small, (), victim_group="children")
    assert result[["count_min", "count_best", "count_max"]].iloc[0].tolist() == [2, 2, 2]


def test_empty_selection_gives_empty_frame_not_an_error(small):
    result = aggregate(
        small, ("actor", "period"), make_selection(small, start_date="2030-01-01", end_date="2030-12-31", period="year")
    )
    assert result["count_best"].sum() == 0


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"actors": ["Martians"]}, "unknown actor 'Martians'; valid actors (or their aliases): FAMa, Wagner Group"),
        ({"regions": ["Atlantis"]}, "unknown region 'Atlantis'"),
        ({"start_date": "2024-05-01", "end_date": "2024-01-01"}, "end_date 2024-01-01 is before start_date 2024-05-01"),
        ({"period": "decade"}, "period 'decade' is not one of: auto, month, quarter, year, named"),
        ({"min_attribution": "rumour"}, "min_attribution 'rumour' is not one of"),
    ],
)
def test_bad_parameters_list_valid_values(small, kwargs, message):
    with pytest.raises(InvalidParameter, match=message.replace("(", r"\(").replace(")", r"\)")):
        make_selection(small, **kwargs)


def test_recount_against_plain_groupby_on_embedded_data():
    ds = load_dataset(config.DATA_DIR)
    events = ds.incidents.loc[ds.incidents["record_type"] == "event", ["incident_id", "start_date", "admin1"]]
    killed = ds.casualties.query("harm == 'killed' and victim_status == 'civilian' and victim_group == 'all'")
    merged = killed.merge(events, on="incident_id")
    expected = merged.groupby(merged["start_date"].dt.year.astype(str))["count_min"].sum().to_dict()
    result = aggregate(ds, ("period",), make_selection(ds, period="year")).set_index("period")["count_min"]
    assert {k: v for k, v in result.items() if v} == {k: v for k, v in expected.items() if v}
    # and by region: events without a region are "Region not established"
    by_region = (
        merged.assign(r=merged["admin1"].fillna("Region not established")).groupby("r")["count_min"].sum().to_dict()
    )
    result = aggregate(ds, ("region",)).set_index("region")["count_min"].to_dict()
    assert result == by_region


@pytest.mark.parametrize(
    "keys",
    [
        ("actor",),
        ("period",),
        ("region",),
        ("actor", "period"),
        ("actor", "region"),
        ("period", "region"),
        ("actor", "period", "region"),
    ],
)
def test_group_totals_are_conserved_under_every_grouping(keys):
    ds = load_dataset(config.DATA_DIR)
    total = aggregate(ds, ())
    result = aggregate(ds, keys, make_selection(ds, period="quarter"))
    for column in ("count_min", "count_best", "count_max"):
        assert result[column].sum() == total[column].iloc[0]
    assert (result["count_min"] <= result["count_best"]).all() and (result["count_best"] <= result["count_max"]).all()
    assert pd.Series(result.index).is_unique


def test_coverage_counts_the_same_killings_as_the_headline():
    from analysis.report.tables import coverage, headline

    ds = load_dataset(config.DATA_DIR)
    sel = make_selection(ds)
    killings = coverage(ds, sel)["killings"]
    h = headline(ds, sel)
    assert (
        killings["events reporting civilians killed"] == h.incidents_with_killings == 6
    )  # the Anefis battle killed combatants
    assert killings["of which with no figure"] == h.incidents_without_figure == 1


def test_a_frame_computed_once_is_handed_out_as_a_copy(small):
    # aggregate() is computed once per dataset and arguments (Dataset.once): changing what one caller got
    # must not change what the next one gets.
    first = aggregate(small, ("actor",), make_selection(small))
    expected = first.copy()
    first.loc[:, "count_best"] = -1
    first.attrs["additive"] = "changed"
    again = aggregate(small, ("actor",), make_selection(small))
    pd.testing.assert_frame_equal(again, expected)
    assert again.attrs["additive"] is True
