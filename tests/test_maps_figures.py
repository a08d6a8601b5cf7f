"""Figures return Figures; maps match region names through the reference table; downloads work offline."""

import http.server
import json
import threading
from typing import ClassVar

import pytest
from matplotlib.figure import Figure

from analysis import config, load_dataset
from analysis.measure.aggregate import aggregate
from analysis.measure.selection import make_selection
from analysis.report import png
from analysis.report.figures import harm_by_actor, killed_over_time
from analysis.report.maps import (
    BoundaryError,
    download_boundaries,
    find_boundaries,
    region_map,
    region_values_for_boundaries,
)
from analysis.report.style import ACTOR_COLOURS, bar_style

NATURAL_EARTH = config.SHARED_DIR / "geo" / "mali_admin1_naturalearth.geojson"


@pytest.fixture(scope="module")
def ds():
    return load_dataset(config.DATA_DIR)


def test_figure_functions_return_figures(ds):
    sel = make_selection(ds, period="quarter")
    assert isinstance(killed_over_time(aggregate(ds, ("period", "actor"), sel), ds.key_dates, period="quarter"), Figure)
    assert isinstance(harm_by_actor(aggregate(ds, ("actor",)), title="t", xlabel="x"), Figure)
    assert isinstance(region_map(aggregate(ds, ("region",)), ds.regions), Figure)
    empty = aggregate(ds, ("period", "actor"), make_selection(ds, start_date="2030-01-01", end_date="2030-12-31"))
    assert isinstance(killed_over_time(empty), Figure)


def test_figures_print_at_150_pixels_per_inch_or_more(ds):
    """Shown at ``width`` CSS px (96 per inch), at most the A4 text width: at least 150 px per inch."""
    page_inches = (210 - 24) / 25.4
    for fig in (
        killed_over_time(aggregate(ds, ("period", "actor")), ds.key_dates),
        harm_by_actor(aggregate(ds, ("actor",)), title="t", xlabel="x"),
        region_map(aggregate(ds, ("region",)), ds.regions),
    ):
        image = png(fig)
        pixels_wide = int.from_bytes(image.data[16:20], "big")
        assert pixels_wide / min(image.width / 96, page_inches) >= 150


def test_each_actor_keeps_its_colour_and_joint_groups_are_hatched():
    assert bar_style("FAMa")["facecolor"] == ACTOR_COLOURS["FAMa"]
    joint = bar_style("FAMa + Wagner Group")
    assert (
        joint["facecolor"] == ACTOR_COLOURS["FAMa"]
        and joint["edgecolor"] == ACTOR_COLOURS["Wagner Group"]
        and joint["hatch"]
    )
    assert len(set(ACTOR_COLOURS.values())) == len(ACTOR_COLOURS)
    assert bar_style("Some new militia")["facecolor"] == bar_style("Some new militia")["facecolor"]


def geojson(*names):
    square = [[[-5, 14], [-4, 14], [-4, 15], [-5, 15], [-5, 14]]]
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"name": n}, "geometry": {"type": "Polygon", "coordinates": square}}
            for n in names
        ],
    }


def test_region_names_match_through_aliases_and_parents(ds):
    import pandas as pd

    by_region = pd.DataFrame(
        {"region": ["Tombouctou", "Taoudénit", "Ménaka", "Region not established"], "count_best": [5, 2, 3, 9]}
    )
    values, unplaced = region_values_for_boundaries(by_region, ds.regions, geojson("Timbuktu", "Gao"), "count_best")
    assert values == {"Timbuktu": 7, "Gao": 3}
    assert unplaced == ["Region not established"]


@pytest.mark.skipif(not NATURAL_EARTH.is_file(), reason="../shared/geo is not beside the project")
def test_choropleth_on_natural_earth(ds):
    boundaries = find_boundaries(NATURAL_EARTH)
    values, unplaced = region_values_for_boundaries(aggregate(ds, ("region",)), ds.regions, boundaries, "count_best")
    # Amasrakad (Gao); the Niono vehicle, found near Dioura (Mopti); Welingara, Nara cercle (Koulikoro)
    assert values["Gao"] == 13 and values["Mopti"] == 9 and values["Koulikoro"] == 25
    assert unplaced == ["Region not established"]
    fig = region_map(aggregate(ds, ("region",)), ds.regions, boundaries)
    assert "older region" in fig.map_note


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: ClassVar[dict] = {}

    def do_GET(self):
        body = self.routes.get(self.path)
        self.send_response(200 if body is not None else 404)
        self.end_headers()
        if body is not None:
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", _Handler.routes
    httpd.shutdown()
    _Handler.routes.clear()


def test_download_caches_boundaries_from_loopback(server, tmp_path):
    base, routes = server
    routes["/api"] = json.dumps({"gjDownloadURL": f"{base}/mali.geojson"}).encode()
    routes["/mali.geojson"] = json.dumps(geojson("Mopti")).encode()
    cache = tmp_path / "boundaries" / "mali.geojson"
    assert download_boundaries(cache, api_url=f"{base}/api", timeout=5) == cache
    assert json.loads(cache.read_text())["features"][0]["properties"]["name"] == "Mopti"
    assert find_boundaries(cache_path=cache)["type"] == "FeatureCollection"


def test_bad_download_leaves_no_cache(server, tmp_path):
    base, routes = server
    routes["/api"] = json.dumps({"gjDownloadURL": f"{base}/broken"}).encode()
    routes["/broken"] = b"<html>not geojson</html>"
    cache = tmp_path / "mali.geojson"
    with pytest.raises(BoundaryError):
        download_boundaries(cache, api_url=f"{base}/api", timeout=5)
    assert not cache.exists() and list(tmp_path.iterdir()) == []
    with pytest.raises(BoundaryError, match="could not download"):
        download_boundaries(cache, api_url=f"{base}/missing", timeout=5)


def test_dollar_signs_in_names_print_as_text(ds):
    """Names come from data; matplotlib would read '$...$' as mathtext, and a bad one fails the render."""
    by_actor = aggregate(ds, ("actor",)).copy()
    by_actor["actor"] = [r"$\notacommand{x}$ group", *by_actor["actor"].iloc[1:]]
    by_actor.loc[0, "count_best"] = max(1, by_actor.loc[0, "count_best"])
    by_actor.loc[0, "count_min"] = min(by_actor.loc[0, "count_min"], by_actor.loc[0, "count_best"])
    by_actor.loc[0, "count_max"] = max(by_actor.loc[0, "count_max"], by_actor.loc[0, "count_best"])
    png(harm_by_actor(by_actor, title="Price: $5 $x$", xlabel="x"))
