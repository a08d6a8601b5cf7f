"""The shipped boundaries, what the map leaves out and why, regions with nothing recorded, the cercle table."""

import time

import numpy as np
import pandas as pd
import pytest

from analysis import config, load_dataset
from analysis.data.reference import region_index
from analysis.measure.aggregate import REGION_NOT_ESTABLISHED
from analysis.report import png
from analysis.report.maps import (
    PACKAGED_BOUNDARIES,
    boundary_totals,
    find_boundaries,
    packaged_boundaries,
    precise_points,
    region_map,
)
from analysis.report.places import cercle_table, incident_places
from analysis.report.style import MAP_NO_FIGURE, MAP_NOTHING_RECORDED

PRE_2016 = {"Kayes", "Koulikoro", "Sikasso", "Ségou", "Mopti", "Tombouctou", "Gao", "Kidal", "Bamako"}


@pytest.fixture(scope="module")
def regions():
    return load_dataset(config.DATA_DIR).regions


def test_packaged_boundaries_are_the_nine_regions_and_small(regions):
    boundaries = packaged_boundaries()
    index = region_index(regions)
    names = [index.resolve(f["properties"]["name"]) for f in boundaries["features"]]
    assert sorted(names) == sorted(PRE_2016)
    assert PACKAGED_BOUNDARIES.stat().st_size < 40_000
    assert "Natural Earth" in boundaries["source"]


def test_without_a_file_the_packaged_boundaries_serve_offline(tmp_path, monkeypatch):
    monkeypatch.delenv("MALI_BOUNDARIES", raising=False)
    # download=False: no network; the cache path does not exist.
    assert find_boundaries(cache_path=tmp_path / "none.geojson") == packaged_boundaries()


def test_a_users_file_still_overrides(tmp_path, monkeypatch):
    monkeypatch.delenv("MALI_BOUNDARIES", raising=False)
    own = tmp_path / "own.geojson"
    own.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "Mopti"}, '
        '"geometry": {"type": "Polygon", "coordinates": [[[-5, 14], [-4, 14], [-4, 15], [-5, 14]]]}}]}'
    )
    assert [f["properties"]["name"] for f in find_boundaries(own)["features"]] == ["Mopti"]


def places_frame(rows):
    columns = ["incident_id", "region", "admin2", "longitude", "latitude", "location_precision"]
    columns += ["count_min", "count_best", "count_max", "has_figure"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["longitude"] = frame["longitude"].astype("Float64")
    frame["latitude"] = frame["latitude"].astype("Float64")
    return frame


#: Ten incidents, 57 killed (best): 25 as circles, 29 imprecise, 3 precise without coordinates;
#: 26 with no region (6 of them with coordinates, drawn as a circle); Ménaka's 4 drawn in Gao; Kidal reports killings with no figure; Sikasso a real 0.
TINY = places_frame(
    [
        ("a", "Mopti", "Douentza", -2.95, 15.0, "exact", 8, 10, 12, True),
        ("b", "Mopti", "Bandiagara", -3.61, 14.35, "near", 5, 5, 5, True),
        ("c", "Ségou", "Niono", None, None, "admin1", 7, 7, 9, True),
        ("d", "Gao", None, None, None, "exact", 3, 3, 3, True),
        ("e", REGION_NOT_ESTABLISHED, None, None, None, "country", 20, 20, 30, True),
        ("f", "Ménaka", "Ménaka", 2.4, 15.9, "exact", 4, 4, 4, True),
        ("g", "Kidal", "Tessalit", 1.0, 20.0, "near", 0, 0, 0, False),
        ("h", "Sikasso", "Koutiala", -5.46, 12.39, "exact", 0, 0, 0, True),
        ("i", "Mopti", "Douentza", -2.5, 15.2, "admin2", 1, 2, 2, True),
        ("j", REGION_NOT_ESTABLISHED, None, -1.0, 16.0, "exact", 6, 6, 6, True),
    ]
)


def by_region_of(places):
    grouped = places.groupby("region", sort=False)
    result = grouped[["count_min", "count_best", "count_max"]].sum()
    result["incidents"] = grouped["incident_id"].nunique()
    result["incidents_without_figure"] = grouped["has_figure"].agg(lambda s: int((~s).sum()))
    return result.reset_index()


def test_the_note_counts_every_death_not_on_the_map(regions):
    fig = region_map(by_region_of(TINY), regions, places=TINY)
    note = fig.map_note
    assert "Colours: 31 of the 57 civilians killed (best estimate) by region." in note
    assert "Not in any region: 26 killed in incidents whose region the sources do not establish." in note
    assert "Circles: 25 killed in 4 incidents located exactly or near a named place" in note
    assert "Not drawn as circles: 29 killed in incidents located only to a cercle, a region" in note
    assert "Of these, 6 killed have coordinates but no region recorded" in note
    assert "and 3 in precisely located incidents without coordinates." in note
    assert "Ménaka in Gao" in note and "Natural Earth" in note
    # Recounted with plain filters; the three parts make up every death.
    precise = TINY["location_precision"].isin(["exact", "near"])
    located = TINY["longitude"].notna()
    parts = [TINY.loc[m, "count_best"].sum() for m in (precise & located, ~precise, precise & ~located)]
    assert parts == [25, 29, 3] and sum(parts) == TINY["count_best"].sum()


def test_points_are_summed_per_place_and_skip_imprecise_and_zero():
    twice = pd.concat([TINY, TINY.assign(incident_id=TINY["incident_id"] + "2")], ignore_index=True)
    points = precise_points(twice, "count_best")
    assert points[["longitude", "latitude", "deaths", "incidents"]].values.tolist() == [
        [-2.95, 15.0, 20, 2],
        [-1.0, 16.0, 12, 2],
        [-3.61, 14.35, 10, 2],
        [2.4, 15.9, 8, 2],
    ]


def test_regions_with_nothing_recorded_are_not_coloured_as_zero(regions):
    totals = boundary_totals(by_region_of(TINY), regions, packaged_boundaries(), "count_best").set_index("region")
    assert totals.loc["Gao", "value"] == 7 and totals.loc["Gao", "rolled_up"] == ["Ménaka"]
    assert totals.loc["Sikasso", "recorded"] and totals.loc["Sikasso", "value"] == 0  # a real zero
    assert not totals.loc[["Kayes", "Koulikoro", "Tombouctou", "Bamako"], "recorded"].any()

    fig = region_map(by_region_of(TINY), regions, places=TINY)
    ax = fig.axes[0]
    by_hatch = {c.get_hatch(): len(c.get_paths()) for c in ax.collections if c.get_hatch()}
    assert by_hatch == {MAP_NOTHING_RECORDED["hatch"]: 4, MAP_NO_FIGURE["hatch"]: 1}  # Kidal: no figure
    coloured = next(c for c in ax.collections if not c.get_hatch() and len(c.get_paths()) > 1)
    assert len(coloured.get_paths()) == 4  # Mopti, Ségou, Gao, Sikasso (0, the lightest colour)
    assert "no killing of civilians recorded in this selection (Kayes, Tombouctou, Koulikoro, Bamako)" in fig.map_note


def test_cercle_table_exact_values():
    table = cercle_table(TINY, n=3)
    assert table.to_dict("list") == {
        "cercle": ["Douentza", "Niono", "Bandiagara"],
        "region": ["Mopti", "Ségou", "Mopti"],
        "civilians killed: best (min–max)": ["12 (9–14)", "7 (7–9)", "5"],
        "incidents": [2, 1, 1],
    }
    assert table.attrs["caption"] == (
        "The 3 cercles (of 4 with civilians killed) ranked by the best estimate: civilians killed best (min–max). "
        "29 (29–39) civilians killed in 3 incidents have no cercle recorded and are not in this table."
    )
    # Tessalit and Koutiala have no death and are not ranked.
    assert cercle_table(TINY)["cercle"].tolist() == ["Douentza", "Niono", "Bandiagara", "Ménaka"]


def test_cercle_table_ranks_by_the_chosen_estimate():
    assert cercle_table(TINY, estimate="max")["cercle"].tolist()[:2] == ["Douentza", "Niono"]
    assert cercle_table(TINY.iloc[[3, 4, 9]])["cercle"].tolist() == []
    assert cercle_table(TINY.iloc[[3, 4, 9]]).attrs["caption"].startswith("No cercle is recorded")


def test_curated_places_match_the_region_aggregate():
    from analysis.measure.aggregate import aggregate

    ds = load_dataset(config.DATA_DIR)
    places = incident_places(ds)
    recount = places.groupby("region")["count_best"].sum().sort_index()
    by_region = aggregate(ds, ("region",)).set_index("region")["count_best"].sort_index()
    assert recount.to_dict() == by_region.to_dict()


def test_fifty_thousand_incidents_draw_fast(regions):
    rng = np.random.default_rng(1)
    n = 50_000
    names = sorted(PRE_2016 | {"Ménaka", REGION_NOT_ESTABLISHED})
    best = rng.poisson(2, n)
    places = places_frame(
        {
            "incident_id": [f"e{i}" for i in range(n)],
            "region": rng.choice(names, n),
            "admin2": rng.choice(["Douentza", "Bankass", None], n),
            "longitude": rng.uniform(-11, 3, n).round(3),
            "latitude": rng.uniform(11, 20, n).round(3),
            "location_precision": rng.choice(["exact", "near", "admin2", "admin1", "country"], n),
            "count_min": best,
            "count_best": best,
            "count_max": best + rng.poisson(1, n),
            "has_figure": True,
        }
    )
    by_region = by_region_of(places)
    start = time.perf_counter()
    image = png(region_map(by_region, regions, places=places))
    seconds = time.perf_counter() - start
    print(f"map of 50,000 incidents drawn and saved in {seconds:.2f} s")
    assert image.data[:4] == b"\x89PNG"
    assert seconds < 5
