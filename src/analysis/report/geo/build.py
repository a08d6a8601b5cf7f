"""Rebuild ``mali_admin1.geojson`` (shipped with the package) from Natural Earth's admin-1 polygons.

    .venv/bin/python src/analysis/report/geo/build.py [SOURCE] [--tolerance 0.01] [--digits 3]

SOURCE defaults to ``../shared/geo/mali_admin1_naturalearth.geojson`` (Natural Earth 1:10m admin-1
states and provinces, Mali, public domain: "Made with Natural Earth", naturalearthdata.com).

How it is simplified:
- ``shapely.coverage_simplify`` (Visvalingam-Whyatt on the coverage as a whole), so that the border two
  regions share is simplified once and stays shared: no gaps or overlaps appear between regions, which
  simplifying each polygon on its own would create. The tolerance is in degrees (0.03 degree is about
  3 km; Mali is about 17 degrees wide, so on a 7-inch map printed at 150 pixels per inch one pixel is
  0.016 degree: the detail removed is one or two pixels). 1,470 points become 881, 36 KB become 15 KB;
- coordinates rounded to ``digits`` decimals (3 decimals: about 110 m);
- only the region name is kept as a property; the result is checked: valid polygons, and still a
  coverage (the regions' areas add up to the area of their union: no overlaps; no holes between them).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import shapely

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = HERE.parents[3].parent / "shared" / "geo" / "mali_admin1_naturalearth.geojson"
OUTPUT = HERE / "mali_admin1.geojson"
TOLERANCE = 0.03
DIGITS = 3


def build(source: Path, output: Path = OUTPUT, tolerance: float = TOLERANCE, digits: int = DIGITS) -> dict:
    data = json.loads(Path(source).read_text(encoding="utf-8"))
    names = [feature["properties"]["name"] for feature in data["features"]]
    shapes = [shapely.geometry.shape(feature["geometry"]) for feature in data["features"]]
    simplified = shapely.coverage_simplify(shapes, tolerance)
    rounded = shapely.set_precision(simplified, 10**-digits)
    invalid = [n for n, g in zip(names, rounded, strict=True) if not g.is_valid or g.is_empty]
    if invalid:
        raise SystemExit(f"simplified polygons are invalid for {invalid}: try a smaller --tolerance")
    union = shapely.union_all(rounded)
    overlap = sum(g.area for g in rounded) - union.area
    holes = sum(len(p.interiors) for p in getattr(union, "geoms", [union]))
    if abs(overlap) > 1e-6 or holes:
        raise SystemExit(f"simplified regions overlap ({overlap:.6f} sq. degree) or leave {holes} gaps")
    collection = {
        "type": "FeatureCollection",
        "source": "made with Natural Earth (public domain), 1:10m admin-1: the nine regions before 2016, simplified",
        "simplification": f"shapely.coverage_simplify tolerance {tolerance} degree, coordinates rounded to {digits} decimals",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": name},
                "geometry": json.loads(shapely.to_geojson(geometry, indent=None)),
            }
            for name, geometry in zip(names, rounded, strict=True)
        ],
    }
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    Path(output).write_text(text + "\n", encoding="utf-8")
    before = sum(shapely.get_num_coordinates(shapes))
    after = sum(shapely.get_num_coordinates(rounded))
    print(f"{output}: {len(names)} regions, {before} -> {after} points, {len(text.encode()) / 1024:.1f} KB")
    return collection


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--tolerance", type=float, default=TOLERANCE)
    parser.add_argument("--digits", type=int, default=DIGITS)
    args = parser.parse_args(argv)
    build(args.source, args.output, args.tolerance, args.digits)


if __name__ == "__main__":
    main()
