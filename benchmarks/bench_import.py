"""Benchmark: import + validation of synthetic ACLED exports against reading the file with pyarrow alone.

    python benchmarks/bench_import.py [--sizes 10000,100000,1000000]

Each measurement runs in a fresh process so that its peak memory (max RSS) is its own.
The synthetic rows follow ACLED's 2023 per-event columns; they are not ACLED data.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

#: ACLED's per-event columns since 2023, as in the test fixture of that shape.
HEADER = (
    (Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "acled" / "per_event_2023.csv")
    .read_text(encoding="utf-8")
    .splitlines()[0]
    .split(",")
)
KINDS = [  # event_type, sub_event_type, actor1, inter1, actor2, inter2, civilian_targeting
    (
        "Violence against civilians",
        "Attack",
        "Military Forces of Mali (2021-)",
        "1",
        "Civilians (Mali)",
        "7",
        "Civilian targeting",
    ),
    (
        "Violence against civilians",
        "Attack",
        "JNIM: Group for Support of Islam and Muslims",
        "2",
        "Civilians (Mali)",
        "7",
        "Civilian targeting",
    ),
    (
        "Battles",
        "Armed clash",
        "JNIM: Group for Support of Islam and Muslims",
        "2",
        "Military Forces of Mali (2021-)",
        "1",
        "",
    ),
    (
        "Explosions/Remote violence",
        "Air/drone strike",
        "Military Forces of Mali (2021-)",
        "1",
        "Civilians (Mali)",
        "7",
        "Civilian targeting",
    ),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED", "Islamic State (Sahel)", "2", "", "", ""),
    ("Protests", "Peaceful protest", "Protesters (Mali)", "6", "", "", ""),
]
REGIONS = ["Mopti", "Segou", "Timbuktu", "Gao", "Kidal", "Menaka", "Koulikoro", "Sikasso", "Kayes", "Bamako"]


def synthetic_acled(rows: int, path: Path, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    kind = rng.integers(0, len(KINDS), rows)
    k = list(zip(*KINDS, strict=True))
    days = rng.integers(0, 365 * 6, rows)
    dates = pd.Timestamp("2019-01-01") + pd.to_timedelta(days, unit="D")
    frame = pd.DataFrame(
        {
            "event_id_cnty": [f"MLI{i}" for i in range(1, rows + 1)],
            "event_date": dates.strftime("%d %B %Y"),
            "year": dates.year,
            "time_precision": rng.choice([1, 1, 1, 2, 3], rows),
            "disorder_type": "Political violence",
            "event_type": np.array(k[0])[kind],
            "sub_event_type": np.array(k[1])[kind],
            "actor1": np.array(k[2])[kind],
            "assoc_actor_1": np.where(rng.random(rows) < 0.2, "Wagner Group", ""),
            "inter1": np.array(k[3])[kind],
            "actor2": np.array(k[4])[kind],
            "assoc_actor_2": "",
            "inter2": np.array(k[5])[kind],
            "interaction": "",
            "civilian_targeting": np.array(k[6])[kind],
            "iso": 466,
            "region": "Western Africa",
            "country": "Mali",
            "admin1": np.array(REGIONS)[rng.integers(0, len(REGIONS), rows)],
            "admin2": "",
            "admin3": "",
            "location": "Synthetic place",
            "latitude": np.round(rng.uniform(11, 24, rows), 4),
            "longitude": np.round(rng.uniform(-11, 4, rows), 4),
            "geo_precision": rng.choice([1, 2, 3], rows),
            "source": "Synthetic source; Other source",
            "source_scale": "National",
            "notes": "SYNTHETIC benchmark row, not ACLED data: armed men attacked a village, "
            "burned houses and took livestock; sources disagree on the toll.",
            "fatalities": rng.poisson(3, rows),
            "tags": "",
            "timestamp": 1700000000,
        }
    )
    frame[HEADER].to_csv(path, index=False)


def measure(what: str, path: str, out: str) -> dict:
    start = time.perf_counter()
    if what == "pyarrow":
        import pyarrow.csv as pcsv

        rows = pcsv.read_csv(path).num_rows
    else:
        from analysis.importers.run import run_import

        rows = run_import("acled", path, out).rows_written
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"rows": rows, "seconds": seconds, "peak_mb": peak_mb}


def in_fresh_process(what: str, path: Path, out: Path) -> dict:
    code = f"import json,sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import bench_import as b; "
    code += f"print(json.dumps(b.measure({what!r}, {str(path)!r}, {str(out)!r})))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    args = parser.parse_args()
    print(f"{'rows':>9} {'MB':>6} {'pyarrow s':>9} {'import+validate s':>17} {'ratio':>6} {'peak MB':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            path = Path(tmp) / f"acled_{size}.csv"
            synthetic_acled(size, path)
            floor = in_fresh_process("pyarrow", path, Path(tmp) / "unused")
            full = in_fresh_process("import", path, Path(tmp) / f"out_{size}")
            ratio = full["seconds"] / floor["seconds"]
            mb = path.stat().st_size / 1e6
            print(
                f"{size:>9,} {mb:>6.0f} {floor['seconds']:>9.2f} {full['seconds']:>17.2f} {ratio:>6.1f} "
                f"{full['peak_mb']:>8.0f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
