"""Region maps: a choropleth on admin-1 boundaries when we have them, else bubbles at region centroids.

Boundaries come from a GeoJSON file the user points to (``MALI_BOUNDARIES`` or a report parameter),
or from a copy cached under ``data/boundaries/`` after one download from geoBoundaries.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.collections import PatchCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Polygon

from .. import config
from ..atomic import write_file
from ..data.reference import pre_2016_region, region_index
from ..measure.aggregate import ESTIMATE_COLUMN
from . import style

#: geoBoundaries' API answers with metadata whose ``gjDownloadURL`` is the GeoJSON itself.
GEOBOUNDARIES_API = "https://www.geoboundaries.org/api/current/gbOpen/MLI/ADM1/"
BOUNDARIES_CACHE = config.DATA_DIR / "boundaries" / "mali_admin1.geojson"
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
) -> dict | None:
    """Boundaries from ``path``, ``MALI_BOUNDARIES``, the cache, or (if ``download``) geoBoundaries; else None."""
    chosen = path or os.environ.get("MALI_BOUNDARIES")
    if chosen:
        return read_boundaries(chosen)
    if Path(cache_path).is_file():
        return read_boundaries(cache_path)
    if download:
        try:
            return read_boundaries(download_boundaries(cache_path))
        except BoundaryError:
            return None  # offline: the report falls back to the bubble map and says so
    return None


def _feature_name(feature: dict) -> str | None:
    props = feature.get("properties") or {}
    for key in NAME_PROPERTIES:
        if props.get(key):
            return str(props[key])
    return None


def region_values_for_boundaries(
    by_region: pd.DataFrame, regions: pd.DataFrame, boundaries: dict, column: str
) -> tuple[dict, list[str]]:
    """Sum each data region into the boundary that holds it (itself, or its pre-2016 parent).

    Returns {feature name: value} and the data regions that could not be placed."""
    index = region_index(regions)
    parents = pre_2016_region(regions)
    features = {}
    for feature in boundaries["features"]:
        name = _feature_name(feature)
        canonical = index.resolve(name) if name else None
        if canonical:
            features[canonical] = name
    values = dict.fromkeys(features.values(), 0)
    unplaced = []
    for region, value in zip(by_region["region"], by_region[column], strict=True):
        target = region if region in features else parents.get(region)
        if target in features:
            values[features[target]] += int(value)
        elif value:
            unplaced.append(region)
    return values, unplaced


def _rings(geometry: dict):
    if geometry["type"] == "Polygon":
        yield geometry["coordinates"][0]
    elif geometry["type"] == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield polygon[0]


def region_map(
    by_region: pd.DataFrame,
    regions: pd.DataFrame,
    boundaries: dict | None = None,
    *,
    estimate: str = "best",
    title: str = "Civilians killed by region",
) -> Figure:
    """Choropleth when boundaries are given, otherwise bubbles at the regions' centroids."""
    style.apply()
    column = ESTIMATE_COLUMN[estimate]
    fig = Figure(figsize=(7, 5.6))
    ax = fig.subplots()
    ax.set_aspect("equal")
    ax.grid(False)
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    if boundaries:
        values, unplaced = region_values_for_boundaries(by_region, regions, boundaries, column)
        norm = Normalize(vmin=0, vmax=max([*values.values(), 1]))
        cmap = colormaps["YlOrRd"]
        patches, colours = [], []
        for feature in boundaries["features"]:
            name = _feature_name(feature)
            for ring in _rings(feature["geometry"]):
                patches.append(Polygon(np.asarray(ring)[:, :2], closed=True))
                colours.append(cmap(norm(values.get(name, 0))))
            xy = np.vstack([np.asarray(r)[:, :2] for r in _rings(feature["geometry"])])
            shade = norm(values.get(name, 0))
            ax.text(
                xy[:, 0].mean(),
                xy[:, 1].mean(),
                f"{name}\n{values.get(name, 0)}",
                ha="center",
                va="center",
                fontsize=7,
                color="white" if shade > 0.6 else "#222222",  # readable on the darkest fills
            )
        ax.add_collection(PatchCollection(patches, facecolor=colours, edgecolor="#555555", linewidth=0.5))
        ax.autoscale_view()
        fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.6, label=f"civilians killed ({estimate})")
        note = "Newer regions are counted in the older region that contains them."
        if unplaced:
            note += f" Not on the map: {', '.join(sorted(set(unplaced)))}."
    else:
        centroids = regions.set_index("region")[["centroid_longitude", "centroid_latitude"]]
        placed = by_region[by_region["region"].isin(centroids.index)]
        ax.scatter(centroids["centroid_longitude"], centroids["centroid_latitude"], s=6, color="#bbbbbb")
        sizes = placed[column].to_numpy(dtype=float)
        xy = centroids.loc[placed["region"]].to_numpy(dtype=float)
        if len(xy):
            ax.scatter(
                xy[:, 0],
                xy[:, 1],
                s=40 + 900 * sizes / max(sizes.max(), 1),
                color="#D55E00",
                alpha=0.6,
                edgecolor="#333333",
            )
            for (x, y), region, value in zip(xy, placed["region"], sizes, strict=True):
                ax.annotate(f"{region}: {int(value)}", (x, y), xytext=(6, 6), textcoords="offset points", fontsize=8)
        ax.set_xlim(-12.5, 4.5)
        ax.set_ylim(10, 25.3)
        unplaced = [
            r for r, v in zip(by_region["region"], by_region[column], strict=True) if v and r not in centroids.index
        ]
        note = "Bubble map at region centroids: no boundary file was available."
        if unplaced:
            note += f" Not on the map: {', '.join(sorted(set(unplaced)))}."
    ax.set_title(title)
    fig.tight_layout()
    fig.map_note = note  # the notebook repeats it under the map
    return fig
