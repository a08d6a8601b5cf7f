"""Properties of loading and aggregation on generated datasets (hypothesis), checked against plain pandas.

- totals are conserved under every grouping (actor, period, region and their combinations);
- min <= best <= max in every aggregate row;
- the zero-filled grid is complete: every combination of the keys present, every period in the range;
- with ``group`` attribution the actor rows add up to the overall total, and with ``any`` each actor's
  figure is the plain sum over the incidents it is involved in.
"""

from __future__ import annotations

import datetime as dt
import itertools
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import load_dataset
from analysis.measure.aggregate import KEYS, PERPETRATOR_ROLES, aggregate, all_periods
from analysis.measure.selection import make_selection

from conftest import minimal_tables, write_tables

GROUPINGS = [combo for n in range(1, len(KEYS) + 1) for combo in itertools.combinations(KEYS, n)]
COUNTS = ["count_min", "count_best", "count_max"]
FIRST_DAY = dt.date(2022, 1, 1)
ACTORS = ["FAMa", "Military Forces of Mali (2021-)", "Wagner Group", "JNIM", "Islamic State Sahel"]
CANONICAL = {"Military Forces of Mali (2021-)": "FAMa"}  # an alias in minimal_tables' actors
REGIONS = ["Tombouctou", "Timbuktu", "Taoudénit", "Mopti", ""]  # names, aliases, and not established
SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@st.composite
def figures(draw) -> dict:
    """count_min <= count_best <= count_max, each possibly missing (count_min whenever another is given)."""
    low = draw(st.none() | st.integers(0, 60))
    if low is None:
        return {}
    best = draw(st.none() | st.integers(low, low + 40))
    high = draw(st.none() | st.integers(best if best is not None else low, low + 90))
    return {k: str(v) for k, v in zip(COUNTS, (low, best, high), strict=True) if v is not None}


@st.composite
def datasets(draw) -> dict[str, list[dict]]:
    tables = minimal_tables()
    tables["actors"] += [
        {
            "actor": "JNIM",
            "actor_type": "islamist_armed_group",
            "family": "jnim",
            "acled_inter": "2",
            "description": "x",
        },
        {
            "actor": "Islamic State Sahel",
            "actor_type": "islamist_armed_group",
            "family": "islamic_state",
            "acled_inter": "2",
            "description": "y",
        },
    ]
    tables["regions"].append(
        {
            "region": "Mopti",
            "region_scheme": "pre_2016",
            "capital": "Mopti",
            "centroid_latitude": "14.5",
            "centroid_longitude": "-4.2",
            "centroid_basis": "test",
        }
    )
    tables["incidents"], tables["perpetrators"], tables["casualties"], tables["sources"] = [], [], [], []
    for number in range(draw(st.integers(1, 7))):
        incident_id = f"i-{number}"
        start = FIRST_DAY + dt.timedelta(days=draw(st.integers(0, 3 * 365)))
        end = start + dt.timedelta(days=draw(st.integers(0, 40)))
        kind = draw(st.sampled_from(["event", "event", "event", "period_total"]))
        tables["incidents"].append(
            {
                "incident_id": incident_id,
                "record_type": kind,
                "title": f"incident {number}",
                "start_date": start.isoformat(),
                "end_date": end.isoformat(),
                "date_precision": "day",
                "country": "MLI",
                "admin1": draw(st.sampled_from(REGIONS)),
                "location_precision": "admin1",
                "event_type": "attack",
                "is_civilian_targeting": "true",
                "dataset": "curated",
            }
        )
        # Distinct actors (an alias and its name are the same actor), each with a role and a grade.
        chosen = draw(st.lists(st.sampled_from(ACTORS), max_size=3, unique_by=lambda a: CANONICAL.get(a, a)))
        for actor in chosen:
            tables["perpetrators"].append(
                {
                    "incident_id": incident_id,
                    "actor": actor,
                    "role": draw(st.sampled_from(["primary", "joint", "associated", "opponent"])),
                    "attribution": draw(st.sampled_from(["corroborated", "single_source", "alleged", "contested"])),
                    "attribution_basis": "b",
                }
            )
        for harm in draw(st.lists(st.sampled_from(["killed", "injured"]), max_size=2, unique=True)):
            tables["casualties"].append(
                {
                    "incident_id": incident_id,
                    "harm": harm,
                    "victim_status": draw(st.sampled_from(["civilian", "civilian", "combatant"])),
                    "victim_group": "all",
                    "count_text": "words",
                    **draw(figures()),
                }
            )
        tables["sources"].append(
            {"incident_id": incident_id, "publisher": "P", "source_type": "ngo", "stance": "reports", "document": "d"}
        )
    return tables


def load(tables):
    with tempfile.TemporaryDirectory() as tmp:
        return load_dataset(write_tables(Path(tmp) / "data", tables))


def expected_figures(ds) -> pd.DataFrame:
    """Per counted event: min/best/max as the methodology says, computed with plain pandas."""
    events = ds.incidents[ds.incidents["record_type"] == "event"]
    c = ds.casualties
    killed = c[(c["harm"] == "killed") & (c["victim_status"] == "civilian") & (c["victim_group"] == "all")]
    killed = killed[killed["incident_id"].isin(events["incident_id"])]
    best = killed["count_best"].fillna(killed["count_min"])
    return pd.DataFrame(
        {
            "incident_id": killed["incident_id"],
            "count_min": killed["count_min"].fillna(0).astype(int),
            "count_best": best.fillna(0).astype(int),
            "count_max": killed["count_max"].fillna(best).fillna(0).astype(int),
        }
    )


def sums(frame) -> list[int]:
    return [int(frame[c].sum()) for c in COUNTS]


def check_grid(result, by, ds, period) -> None:
    """min <= best <= max, no negative figure, and the zero-filled grid complete."""
    assert (result["count_min"] <= result["count_best"]).all(), by
    assert (result["count_best"] <= result["count_max"]).all(), by
    assert (result[COUNTS] >= 0).all().all(), by
    assert not result.duplicated(list(by)).any(), by
    levels = [list(dict.fromkeys(result[key])) for key in by]
    assert len(result) == len(list(itertools.product(*levels))), by  # every combination, zeros included
    events = ds.incidents[ds.incidents["incident_id"].isin(expected_figures(ds)["incident_id"])]
    if "period" in by and len(events) and period != "named":
        dates = events["start_date"]
        assert set(result["period"]) == set(all_periods(dates.min(), dates.max(), period)), by
    if "region" in by:
        assert set(result["region"]) == set(events["admin1"].astype(object).fillna("Region not established")), by


@SETTINGS
@given(tables=datasets(), period=st.sampled_from(["month", "quarter", "year", "named"]))
def test_aggregation_properties(tables, period):
    ds = load(tables)
    # The loader keeps every row and makes names canonical.
    for name in ("incidents", "perpetrators", "casualties", "sources"):
        assert len(getattr(ds, name)) == len(tables[name]), name
    assert set(ds.perpetrators["actor"]) <= set(ds.actors["actor"])
    assert set(ds.incidents["admin1"].dropna()) <= set(ds.regions["region"])
    assert ds.incidents["admin1"].isna().sum() == sum(1 for row in tables["incidents"] if not row["admin1"])

    expected = expected_figures(ds)
    total = aggregate(ds, ())
    assert sums(total) == sums(expected)
    assert int(total["incidents"].iloc[0]) == expected["incident_id"].nunique()

    # group attribution: every grouping adds up to the total, incidents included (actor alone: the
    # attribution totals equal the overall total).
    selection = make_selection(ds, period=period)
    for by in GROUPINGS:
        result = aggregate(ds, by, selection)
        assert result.attrs["additive"] is True
        assert sums(result) == sums(expected), by
        assert int(result["incidents"].sum()) == expected["incident_id"].nunique(), by
        check_grid(result, by, ds, period)

    # any attribution: each actor's figure is the plain sum over the incidents it is involved in.
    selection = make_selection(ds, period=period, attribution="any")
    perps = ds.perpetrators[ds.perpetrators["role"].isin(PERPETRATOR_ROLES)]
    involved = expected.merge(perps[["incident_id", "actor"]], on="incident_id", how="left")
    involved["actor"] = involved["actor"].astype(object).fillna("Perpetrator unknown")  # all-missing: float
    plain = involved.groupby("actor")[COUNTS].sum()
    by_actor = aggregate(ds, ("actor",), selection)
    assert by_actor.attrs["additive"] is False
    check_grid(by_actor, ("actor",), ds, period)
    got = by_actor.set_index("actor")
    assert set(got.index) == set(plain.index)
    for actor, row in plain.iterrows():
        assert [int(got.at[actor, c]) for c in COUNTS] == [int(row[c]) for c in COUNTS], actor
    assert all(a >= b for a, b in zip(sums(got), sums(expected), strict=True))
    by_actor_period = aggregate(ds, ("actor", "period"), selection)
    check_grid(by_actor_period, ("actor", "period"), ds, period)
    assert sums(by_actor_period) == sums(got)
