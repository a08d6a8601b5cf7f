"""The region map: a choropleth of civilians killed on admin-1 boundaries, with precise incidents as points.

Boundaries come from a GeoJSON file the user points to (``MALI_BOUNDARIES`` or a report parameter), a
copy cached under ``data/boundaries/`` after one download from geoBoundaries, or else the copy shipped
with the package: Natural Earth's nine pre-2023 regions (public domain), simplified by ``geo/build.py``.
"""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
import shapely.ops
from matplotlib import colormaps
from matplotlib import patheffects as pe
from matplotlib.cm import ScalarMappable
from matplotlib.collections import PathCollection
from matplotlib.colors import BoundaryNorm, ListedColormap, to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.path import Path as DrawPath

from .. import config
from ..atomic import write_file
from ..data.reference import pre_2016_region, region_index
from ..measure.aggregate import ESTIMATE_COLUMN, REGION_NOT_ESTABLISHED
from . import style
from .places import PRECISE_LOCATIONS

#: geoBoundaries' API answers with metadata whose ``gjDownloadURL`` is the GeoJSON itself.
GEOBOUNDARIES_API = "https://www.geoboundaries.org/api/current/gbOpen/MLI/ADM1/"
BOUNDARIES_CACHE = config.DATA_DIR / "boundaries" / "mali_admin1.geojson"
#: Shipped with the package: Natural Earth admin-1 (public domain), simplified by geo/build.py.
PACKAGED_BOUNDARIES = Path(__file__).resolve().parent / "geo" / "mali_admin1.geojson"
NAME_PROPERTIES = ("name", "shapeName", "NAME_1", "admin1Name", "ADM1_FR", "ADM1_EN")


class BoundaryError(RuntimeError):
    """Boundaries could not be loaded or downloaded; the message says why."""


def read_boundaries(path: str | Path) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise BoundaryError(f"cannot read boundaries from {path}: {err}") from None
    if data.get("type") != "FeatureCollection" or not data.get("features"):
        raise BoundaryError(f"{path} is not a GeoJSON FeatureCollection with features")
    return data


def download_boundaries(
    cache_path: Path = BOUNDARIES_CACHE, api_url: str = GEOBOUNDARIES_API, timeout: float = 30
) -> Path:
    """Fetch Mali's admin-1 boundaries once and cache them; the cache is written only when complete."""
    import urllib.request  # only here: it costs every report kernel a few hundredths of a second

    try:
        with urllib.request.urlopen(api_url, timeout=timeout) as response:
            meta = json.loads(response.read().decode("utf-8"))
        url = meta.get("gjDownloadURL") or meta.get("simplifiedGeometryGeoJSON")
        if not url:
            raise BoundaryError(f"{api_url} gave no GeoJSON address (gjDownloadURL)")
        with urllib.request.urlopen(url, timeout=timeout) as response:
            payload = response.read()
    except BoundaryError:
        raise
    except (OSError, ValueError) as err:
        raise BoundaryError(f"could not download boundaries from {api_url}: {err}") from None
    # Checked before it replaces the cache: a bad download never hides a good file.
    return write_file(cache_path, lambda file: file.write(payload), suffix=".part", check=read_boundaries)


def find_boundaries(
    path: str | Path | None = None, *, download: bool = False, cache_path: Path = BOUNDARIES_CACHE
) -> dict:
    """Boundaries from ``path``, ``MALI_BOUNDARIES``, the cache, (if ``download``) geoBoundaries, else the packaged copy."""
    chosen = path or os.environ.get("MALI_BOUNDARIES")
    if chosen:
        return read_boundaries(chosen)
    if Path(cache_path).is_file():
        return read_boundaries(cache_path)
    if download:
        try:
            return read_boundaries(download_boundaries(cache_path))
        except BoundaryError:
            pass  # offline: the packaged boundaries serve
    return packaged_boundaries()


def packaged_boundaries() -> dict:
    """Natural Earth's nine pre-2023 regions, shipped with the package: no network needed."""
    return read_boundaries(PACKAGED_BOUNDARIES)


def _feature_name(feature: dict) -> str | None:
    props = feature.get("properties") or {}
    for key in NAME_PROPERTIES:
        if props.get(key):
            return str(props[key])
    return None


def boundary_totals(by_region: pd.DataFrame, regions: pd.DataFrame, boundaries: dict, column: str) -> pd.DataFrame:
    """One row per boundary feature: the data regions summed into it (itself, or newer regions it contains).

    Columns: feature, region (canonical name), value (``column`` summed), incidents,
    incidents_without_figure, recorded (any data region falls in it), rolled_up (the newer regions
    counted in it). ``result.attrs['unplaced']`` lists the data regions with a value that fit no feature."""
    index = region_index(regions)
    parents = pre_2016_region(regions)
    names = [_feature_name(f) for f in boundaries["features"]]
    features = pd.DataFrame({"feature": names, "region": [index.resolve(n) if n else None for n in names]})
    feature_of = {r: f for f, r in zip(features["feature"], features["region"], strict=True) if r}
    data = by_region.assign(
        feature=by_region["region"].map(feature_of).fillna(by_region["region"].map(parents).map(feature_of))
    )
    for missing in ("incidents", "incidents_without_figure"):
        if missing not in data:
            data[missing] = 0
    placed = data[data["feature"].notna()]
    sums = placed.groupby("feature")[[column, "incidents", "incidents_without_figure"]].sum()
    newer = placed[placed["region"].map(feature_of).isna()]
    rolled = newer.groupby("feature")["region"].agg(lambda s: sorted(set(s)))
    result = features.join(sums, on="feature").join(rolled.rename("rolled_up"), on="feature")
    result["recorded"] = result["feature"].isin(placed["feature"])
    result = result.rename(columns={column: "value"})
    for col in ("value", "incidents", "incidents_without_figure"):
        result[col] = result[col].fillna(0).astype("int64")
    result["rolled_up"] = result["rolled_up"].map(lambda v: v if isinstance(v, list) else [])
    unplaced = data[data["feature"].isna() & (data[column] != 0)]["region"]
    result.attrs["unplaced"] = list(dict.fromkeys(unplaced))
    return result


def region_values_for_boundaries(
    by_region: pd.DataFrame, regions: pd.DataFrame, boundaries: dict, column: str
) -> tuple[dict, list[str]]:
    """Sum each data region into the boundary that holds it (itself, or its pre-2016 parent).

    Returns {feature name: value} and the data regions that could not be placed."""
    totals = boundary_totals(by_region, regions, boundaries, column)
    named = totals[totals["region"].notna()]
    return dict(zip(named["feature"], named["value"].astype(int), strict=True)), totals.attrs["unplaced"]


def _polygon_path(geometry) -> DrawPath:
    """A (multi)polygon with its holes as one matplotlib path."""
    polygons = getattr(geometry, "geoms", [geometry])
    rings = [ring for polygon in polygons for ring in (polygon.exterior, *polygon.interiors)]
    return DrawPath.make_compound_path(*(DrawPath(np.asarray(ring.coords)[:, :2], closed=True) for ring in rings))


def _nice(value: float) -> int:
    """``value`` rounded to one significant figure (1, 2, 5, 10, 20, 50...)."""
    if value < 1:
        return 1
    exponent = 10 ** int(np.floor(np.log10(value)))
    return int(min((1, 2, 5, 10), key=lambda m: abs(m * exponent - value)) * exponent)


def precise_points(places: pd.DataFrame, column: str) -> pd.DataFrame:
    """Incidents located exactly or near a named place, with coordinates and deaths, summed per place.

    Incidents at the same point (to about 1 km) are one circle: one row per place, whatever the data size."""
    precise = (
        places["location_precision"].isin(PRECISE_LOCATIONS)
        & places["longitude"].notna()
        & places["latitude"].notna()
        & (places[column] > 0)
    )
    named = "location_name" in places
    keep = ["longitude", "latitude", column, "incident_id"] + (["location_name"] if named else [])
    rows = places.loc[precise, keep]
    rows = rows.assign(
        longitude=rows["longitude"].astype(float).round(2), latitude=rows["latitude"].astype(float).round(2)
    )
    if not named:
        rows = rows.assign(location_name=None)
    # The place's name is that of its deadliest incident (names of one point differ in spelling).
    rows = rows.sort_values(column, ascending=False, kind="stable")
    points = rows.groupby(["longitude", "latitude"], as_index=False, sort=False).agg(
        deaths=(column, "sum"), incidents=("incident_id", "nunique"), name=("location_name", "first")
    )
    return points.sort_values("deaths", ascending=False, ignore_index=True)  # big circles under small ones


def map_note(
    totals: pd.DataFrame,
    by_region: pd.DataFrame,
    places: pd.DataFrame | None,
    points: pd.DataFrame | None,
    column: str,
    estimate: str,
) -> str:
    """What the map shows and what it leaves out, with the numbers."""
    all_deaths = int(by_region[column].sum())
    in_colours = int(totals["value"].sum())
    not_established = int(by_region.loc[by_region["region"] == REGION_NOT_ESTABLISHED, column].sum())
    unplaced = [r for r in totals.attrs["unplaced"] if r != REGION_NOT_ESTABLISHED]
    unplaced_deaths = int(by_region.loc[by_region["region"].isin(unplaced), column].sum())
    parts = [f"Colours: {in_colours:,} of the {all_deaths:,} civilians killed ({estimate} estimate) by region."]
    if not_established:
        parts.append(
            f"Not in any region: {not_established:,} killed in incidents whose region the sources do not establish."
        )
    if unplaced:
        parts.append(
            f"Not on the map: {unplaced_deaths:,} killed in regions the boundaries do not show ({', '.join(unplaced)})."
        )
    nothing = totals.loc[~totals["recorded"] & totals["region"].notna(), "region"].tolist()
    if nothing:
        parts.append(
            f"Hatched grey: no killing of civilians recorded in this selection ({', '.join(nothing)}); shown apart, not as 0."
        )
    rolled = [f"{', '.join(r['rolled_up'])} in {r['region']}" for _, r in totals.iterrows() if r["rolled_up"]]
    parts.append(
        "Newer regions (2016, 2023) that the boundaries do not have are counted in the older region that contains "
        "them" + (f": {'; '.join(rolled)}." if rolled else ".")
    )
    if places is not None and points is not None:
        shown = int(points["deaths"].sum())
        precise = places["location_precision"].isin(PRECISE_LOCATIONS)
        located = places["longitude"].notna() & places["latitude"].notna()
        imprecise = int(places.loc[~precise, column].sum())
        no_coordinates = int(places.loc[precise & ~located, column].sum())
        if points.empty:
            text = "No death is recorded in an incident located exactly or near a named place with coordinates: no circles are drawn. "
        else:
            text = (
                f"Circles: {shown:,} killed in {int(points['incidents'].sum()):,} incidents located exactly or near a named "
                "place, one circle per place, its area proportional to the deaths. "
            )
            # Drawn where the coordinates are, but never given a region the sources do not give.
            no_region = int(places.loc[precise & located & (places["region"] == REGION_NOT_ESTABLISHED), column].sum())
            if no_region:
                text += (
                    f"Of these, {no_region:,} killed have coordinates but no region recorded: "
                    "they are circles, not counted in any region's colour. "
                )
        text += f"Not drawn as circles: {imprecise:,} killed in incidents located only to a cercle, a region, several places or the country"
        text += (
            f", and {no_coordinates:,} in precisely located incidents without coordinates." if no_coordinates else "."
        )
        parts.append(text)
    source = totals.attrs.get("source")
    if source:
        parts.append(f"Boundaries: {source}.")
    return " ".join(parts)


#: Regions too small to hold their label: it goes outside, joined by a line (offset in points).
LABEL_OUTSIDE_BELOW_AREA = 1.0  # square degrees
LABEL_OFFSET = (-46, -26)
#: Labels moved off their polygon's pole of inaccessibility (degrees east, north) so neighbours do not collide.
LABEL_NUDGE = {"Koulikoro": (-0.5, 0.6)}


#: Colour classes of the region map, and how many of the deadliest places are named on it.
MAP_CLASSES = 5
HOTSPOTS = 5
HALOED = 2_000


def class_bounds(values: np.ndarray, classes: int = MAP_CLASSES) -> list[int]:
    """Whole-number class edges at the quantiles of ``values``: class i holds low <= v < next low, the last
    edge is the maximum + 1 (so the deadliest region is in the last class). Fewer classes when the values
    have fewer distinct figures."""
    values = np.asarray(values, dtype=float)
    if values.size == 0:
        return [0, 1]
    distinct = np.unique(values)
    if len(distinct) <= classes:
        edges = list(distinct)
    else:
        edges = list(np.unique(np.floor(np.quantile(values, np.linspace(0, 1, classes + 1)[:-1]))))
    return [int(e) for e in edges] + [int(values.max()) + 1]


def _class_centres(bounds: list[int]) -> list[float]:
    return [(low + high) / 2 for low, high in itertools.pairwise(bounds)]


def _class_label(low: int, high: int) -> str:
    """'12–40' for the class low <= v < high; '25' for a class of one figure."""
    return f"{low:,}" if high - 1 == low else f"{low:,}–{high - 1:,}"


#: A hotspot closer than this (in degrees) to a region's name is not named: the two labels would overlap.
HOTSPOT_CLEARANCE = (1.6, 0.7)  # longitude, latitude: labels are wider than tall


def _name_hotspots(ax, points: pd.DataFrame, region_labels: list[tuple[float, float]], n: int = HOTSPOTS) -> None:
    """The names of the ``n`` places with the most deaths beside their circles, skipping those whose name
    would be written over a region's label."""
    halo = [pe.withStroke(linewidth=2.2, foreground="white")]
    labels = np.array(region_labels or [(np.inf, np.inf)])
    named = 0
    for row in points.itertuples():
        if named == n:
            break
        if not isinstance(row.name, str) or not row.name:
            continue
        near = (np.abs(labels[:, 0] - row.longitude) < HOTSPOT_CLEARANCE[0]) & (
            np.abs(labels[:, 1] - row.latitude) < HOTSPOT_CLEARANCE[1]
        )
        if near.any():
            continue
        named += 1
        ax.annotate(
            f"{row.name} ({int(row.deaths):,})",
            (row.longitude, row.latitude),
            xytext=(6, 5),
            textcoords="offset points",
            fontsize=6.5,
            fontstyle="italic",
            color="#1b1b3a",
            path_effects=halo,
            zorder=5,
        )


def region_map(
    by_region: pd.DataFrame,
    regions: pd.DataFrame,
    boundaries: dict | None = None,
    *,
    places: pd.DataFrame | None = None,
    estimate: str = "best",
    title: str = "Civilians killed by region",
) -> Figure:
    """Choropleth of civilians killed by region, and (given ``places``) precisely located incidents as circles.

    ``by_region``: aggregate(dataset, ("region",)); ``places``: places.incident_places (one row per
    incident). Without ``boundaries`` the packaged Natural Earth regions are drawn. The figure's
    ``map_note`` says what is not on the map and why."""
    style.apply()
    column = ESTIMATE_COLUMN[estimate]
    boundaries = boundaries or packaged_boundaries()
    totals = boundary_totals(by_region, regions, boundaries, column)
    totals.attrs["source"] = boundaries.get("source")
    shapes = [shapely.geometry.shape(f["geometry"]) for f in boundaries["features"]]
    kinds = region_kinds(totals)
    points = None if places is None else precise_points(places, column)

    fig = Figure(figsize=(7, 6.6))
    ax = _blank_map_axes(fig)
    cmap, norm, bounds = _draw_regions(ax, shapes, totals, kinds)
    size_handles = _draw_points(ax, points) if points is not None and len(points) else []
    region_labels = _label_regions(ax, shapes, totals, kinds)
    if points is not None and len(points):
        _name_hotspots(ax, points, region_labels)
    _add_legends(ax, size_handles, kinds)
    ax.autoscale_view()
    _add_class_colorbar(fig, ax, cmap, norm, bounds, estimate)
    ax.set_title(title)
    fig.alt_text = map_alt_text(totals, kinds, points, estimate)
    fig.map_note = map_note(totals, by_region, places, points, column, estimate)  # the notebook prints it under the map
    return fig


def region_kinds(totals: pd.DataFrame) -> dict[str, np.ndarray]:
    """Masks over the boundary features: ``coloured`` (a figure to colour by), ``no_figure`` (killings
    reported without a figure) and ``nothing`` (no killing recorded): the last two are hatched, not 0."""
    coloured = (totals["recorded"] & (totals["incidents"] > totals["incidents_without_figure"])).to_numpy()
    return {
        "coloured": coloured,
        "no_figure": (totals["recorded"] & ~coloured).to_numpy(),
        "nothing": ~totals["recorded"].to_numpy(),
    }


def _blank_map_axes(fig: Figure):
    """Axes with equal scales and no grid, ticks or frame: a map, not a chart."""
    ax = fig.subplots()
    ax.set_aspect("equal")
    ax.grid(False)
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)
    return ax


def _draw_regions(
    ax, shapes: list, totals: pd.DataFrame, kinds: dict[str, np.ndarray]
) -> tuple[ListedColormap, BoundaryNorm, list[int]]:
    """The regions filled by class of deaths (or hatched), and the country's outline; returns the colour
    map, its norm and the class bounds for the colour bar."""
    paths = [_polygon_path(shape) for shape in shapes]
    coloured = kinds["coloured"]
    values = totals["value"].to_numpy()
    bounds = class_bounds(values[coloured])
    # Quantile classes: a linear ramp made most regions the same pale yellow beside one dark region.
    cmap = ListedColormap(colormaps[style.MAP_COLORMAP](np.linspace(0.12, 0.85, len(bounds) - 1)))
    norm = BoundaryNorm(bounds, cmap.N)
    ax.add_collection(
        PathCollection(
            [p for p, c in zip(paths, coloured, strict=True) if c],
            facecolor=cmap(norm(values[coloured])),
            edgecolor="#666666",
            linewidth=0.5,
        )
    )
    for mask, look in ((kinds["nothing"], style.MAP_NOTHING_RECORDED), (kinds["no_figure"], style.MAP_NO_FIGURE)):
        if mask.any():
            ax.add_collection(PathCollection([p for p, m in zip(paths, mask, strict=True) if m], linewidth=0.5, **look))
    outline = shapely.union_all(shapes).boundary
    for line in getattr(outline, "geoms", [outline]):
        xy = np.asarray(line.coords)
        ax.plot(xy[:, 0], xy[:, 1], color="#222222", linewidth=1.1)
    return cmap, norm, bounds


def _draw_points(ax, points: pd.DataFrame) -> list[Line2D]:
    """One ring per place, its area proportional to the deaths; returns the legend's sample rings."""
    biggest = int(points["deaths"].max())
    scale = 320 / biggest  # area in points squared per death: the biggest circle about 20 pt across
    sizes_drawn = np.maximum(points["deaths"].to_numpy() * scale, 5)
    # Rings with a white halo under them: visible on the palest and on the darkest region. Only the
    # HALOED largest get one (points come largest first): tens of thousands of halos doubled the
    # drawing time, and the smallest rings read as dots anyway.
    halo = slice(0, HALOED)
    ax.scatter(
        points["longitude"].iloc[halo],
        points["latitude"].iloc[halo],
        s=sizes_drawn[halo],
        facecolor="none",
        edgecolor="white",
        linewidth=1.5,
        zorder=3,
    )
    ax.scatter(
        points["longitude"],
        points["latitude"],
        s=sizes_drawn,
        facecolor="none",
        edgecolor=to_rgba(style.MAP_POINT, 0.85),
        linewidth=0.6,
        zorder=3,
    )
    sizes = sorted({_nice(biggest), _nice(biggest / 6), _nice(biggest / 30)})
    return [
        Line2D(
            [],
            [],
            linestyle="",
            marker="o",
            markersize=np.sqrt(max(d * scale, 5)),
            markerfacecolor="none",
            markeredgecolor=style.MAP_POINT,
            label=f"{d:,} killed",
        )
        for d in sizes
        if d <= biggest
    ]


def _label_regions(ax, shapes: list, totals: pd.DataFrame, kinds: dict[str, np.ndarray]) -> list[tuple[float, float]]:
    """Each region's name and figure, outside with a leader line when the region is too small to hold it;
    returns where the labels inside regions are written (hotspot names keep clear of them)."""
    halo = [pe.withStroke(linewidth=2.4, foreground="white")]
    # Hatched regions carry their name only: the legend says what the hatching means.
    figure_texts = np.where(
        kinds["coloured"], "\n" + totals["value"].map("{:,}".format), np.where(kinds["nothing"], "", "\nno figure")
    )
    region_labels = []
    for shape, row, figure_text in zip(shapes, totals.itertuples(), figure_texts, strict=True):
        name = row.region if isinstance(row.region, str) else row.feature
        if row.rolled_up:
            name += f"\n(with {', '.join(row.rolled_up)})"
        largest = max(getattr(shape, "geoms", [shape]), key=lambda g: g.area)
        anchor = shapely.ops.polylabel(largest, tolerance=0.05)
        nudge = LABEL_NUDGE.get(row.region, (0, 0))
        anchor = shapely.Point(anchor.x + nudge[0], anchor.y + nudge[1])
        label = f"{name}{figure_text}"
        if largest.area < LABEL_OUTSIDE_BELOW_AREA:
            ax.annotate(
                label,
                (anchor.x, anchor.y),
                xytext=LABEL_OFFSET,
                textcoords="offset points",
                ha="center",
                va="center",
                fontsize=7,
                path_effects=halo,
                arrowprops={"arrowstyle": "-", "color": "#444444", "linewidth": 0.6},
                zorder=4,
            )
        else:
            ax.text(anchor.x, anchor.y, label, ha="center", va="center", fontsize=7, path_effects=halo, zorder=4)
            region_labels.append((anchor.x, anchor.y))
    return region_labels


def _add_legends(ax, size_handles: list[Line2D], kinds: dict[str, np.ndarray]) -> None:
    """The ring sizes top left and the hatchings top right: the corners of Mauritania and Algeria,
    empty on a map of Mali."""
    categories = []
    if kinds["nothing"].any():
        categories.append(Patch(label="no killing recorded", linewidth=0.5, **style.MAP_NOTHING_RECORDED))
    if kinds["no_figure"].any():
        categories.append(Patch(label="killings reported, no figure", linewidth=0.5, **style.MAP_NO_FIGURE))
    legend_style = {"fontsize": 7.5, "borderpad": 0.8, "title_fontsize": 7.5, "alignment": "left"}
    if size_handles:
        sizes_legend = ax.legend(
            handles=size_handles,
            loc="upper left",
            labelspacing=1.1,
            title="precisely located incidents",
            **legend_style,
        )
        ax.add_artist(sizes_legend)
    if categories:
        ax.legend(handles=categories, loc="upper right", title="regions", **legend_style)


def _add_class_colorbar(fig: Figure, ax, cmap: ListedColormap, norm: BoundaryNorm, bounds: list[int], estimate: str):
    """The colour classes under the map, each labelled with its range of deaths."""
    bar = fig.colorbar(
        ScalarMappable(norm=norm, cmap=cmap),
        ax=ax,
        orientation="horizontal",
        shrink=0.7,
        pad=0.02,
        aspect=35,
        spacing="uniform",
        label=f"civilians killed in the region ({estimate} estimate), in classes of about as many regions each",
    )
    bar.set_ticks(
        _class_centres(bounds),
        labels=[_class_label(low, high) for low, high in itertools.pairwise(bounds)],
    )
    bar.ax.tick_params(labelsize=7, length=0)


def map_alt_text(totals: pd.DataFrame, kinds: dict[str, np.ndarray], points: pd.DataFrame | None, estimate: str) -> str:
    """The map in words: each coloured region's deaths, largest first, and the deadliest places."""
    named = [] if points is None else [n for n in points["name"].head(HOTSPOTS) if isinstance(n, str)]
    return (
        f"Map of Mali's regions shaded by civilians killed ({estimate} estimate): "
        + "; ".join(
            f"{r.region if isinstance(r.region, str) else r.feature} {int(r.value):,}"
            for r in totals[kinds["coloured"]].sort_values("value", ascending=False).itertuples()
        )
        + ". Circles mark precisely located incidents"
        + (f"; the most deaths at {', '.join(named)}." if named else ".")
    )
