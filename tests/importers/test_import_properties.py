"""Property: whatever rows an ACLED export holds, the import accounts for every one and writes only
what the validator accepts (publish() re-validates; a failure there is an ImportBug, which fails this test)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import string

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from analysis.data.dataset import check_dataset
from analysis.importers.acled import EVENT_TYPE_MAP
from analysis.importers.reading import InputFileError
from analysis.importers.run import run_import

from conftest import TESTS

HEADER = (TESTS / "fixtures" / "acled" / "per_event_2023.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
TYPES = [*EVENT_TYPE_MAP, ("Protests", "Peaceful protest"), ("Strategic developments", "Agreement")]
ACTORS = [
    "Military Forces of Mali (2021-)",
    "Wagner Group",
    "JNIM: Group for Support of Islam and Muslims",
    "Civilians (Mali)",
]
text = st.text(alphabet=string.ascii_letters + " ,;\"'\n=<>é", max_size=30)

row = st.fixed_dictionaries(
    {
        "event_id_cnty": st.one_of(st.from_regex(r"MLI[0-9]{1,3}", fullmatch=True), text),
        "event_date": st.one_of(
            st.dates(min_value=dt.date(2010, 1, 1), max_value=dt.date(2026, 1, 1)).map(
                lambda d: d.strftime("%d %B %Y")
            ),
            st.sampled_from(["30 February 2024", "2099-01-01", "", "yesterday"]),
        ),
        "time_precision": st.sampled_from(["1", "2", "3", "4", ""]),
        "type": st.sampled_from(TYPES),
        "actor1": st.one_of(st.sampled_from(ACTORS), text),
        "assoc_actor_1": st.one_of(st.just(""), st.sampled_from(ACTORS), text),
        "inter1": st.sampled_from(["1", "2", "8", "Civilians", "State forces", "x", ""]),
        "actor2": st.one_of(st.just(""), st.sampled_from(ACTORS)),
        "inter2": st.sampled_from(["", "1", "7", "Civilians"]),
        "civilian_targeting": st.sampled_from(["", "Civilian targeting"]),
        "country": st.sampled_from(["Mali", "Mali", "Burkina Faso"]),
        "admin1": st.sampled_from(["Mopti", "Segou", "Timbuktu", "Menaka", "Atlantis", ""]),
        "latitude": st.one_of(st.floats(9, 26).map(lambda v: f"{v:.4f}"), st.just("abc")),
        "longitude": st.one_of(st.floats(-13, 5).map(lambda v: f"{v:.4f}"), st.just("")),
        "geo_precision": st.sampled_from(["1", "2", "3", "9"]),
        "notes": text,
        "fatalities": st.one_of(st.integers(0, 500).map(str), st.sampled_from(["-1", "dozens", "", "2.5"])),
    }
)


def export(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, HEADER, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for r in rows:
        event_type, sub = r["type"]
        writer.writerow(dict(r, event_type=event_type, sub_event_type=sub, location="Place", source="Synthetic"))
    return buffer.getvalue()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(row, min_size=1, max_size=12))
# Found by this test: a file whose every date is unreadable made the future-date check raise.
@example(
    rows=[
        {
            "event_id_cnty": "MLI1",
            "event_date": "30 February 2024",
            "time_precision": "1",
            "type": ("Battles", "Armed clash"),
            "actor1": "Military Forces of Mali (2021-)",
            "assoc_actor_1": "",
            "inter1": "1",
            "actor2": "",
            "inter2": "",
            "civilian_targeting": "",
            "country": "Mali",
            "admin1": "Mopti",
            "latitude": "14.0",
            "longitude": "-4.0",
            "geo_precision": "1",
            "notes": "",
            "fatalities": "0",
        }
    ]
)
def test_every_row_is_accounted_for_and_the_output_validates(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("prop")
    path = folder / "export.csv"
    path.write_text(export(rows), encoding="utf-8")
    try:
        result = run_import("acled", path, folder / "out")
    except InputFileError as err:
        assert "every row was rejected" in str(err)
        assert not (folder / "out").exists()
        return
    assert result.balanced()
    assert result.rows_read == len(rows)
    _, problems = check_dataset(folder / "out")
    assert problems == []
