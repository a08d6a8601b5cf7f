"""The synthetic export generator: deterministic, exact headers, realistic mess, fast."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))
import synthetic

# Copied from ../shared/README.md, so that a change in the generator cannot move both sides at once.
README_HEADERS = {
    "before_2019": "data_id,iso,event_id_cnty,event_id_no_cnty,event_date,year,time_precision,event_type,actor1,"
    "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,region,country,admin1,admin2,admin3,location,"
    "latitude,longitude,geo_precision,source,source_scale,notes,fatalities,timestamp,iso3",
    "per_actor": "data_id,iso,event_id_cnty,event_id_no_cnty,event_date,year,time_precision,event_type,"
    "sub_event_type,actor1,assoc_actor_1,inter1,interaction,region,country,admin1,admin2,admin3,location,latitude,"
    "longitude,geo_precision,source,source_scale,notes,fatalities,timestamp,iso3",
    "2023": "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
    "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,"
    "admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp",
}
UCDP_SAMPLE = Path(__file__).resolve().parents[1] / ".." / "shared" / "samples" / "ucdp_ged_candidate_v26_0_7_mali.csv"


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return synthetic.acled_events(10_000, seed=3)


def read(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def actor_names(frame: pd.DataFrame) -> set[str]:
    names = set(frame["actor1"]) | set(frame.get("actor2", pd.Series(dtype=str)))
    for column in ("assoc_actor_1", "assoc_actor_2"):
        if column in frame:
            names |= {name for cell in frame[column] for name in cell.split("; ")}
    return names - {""}


@pytest.mark.parametrize("shape", ["2023", "before_2019", "per_actor"])
def test_same_seed_same_bytes_and_exact_header(tmp_path, shape):
    first = synthetic.write_acled(tmp_path / "a.csv", 500, shape, seed=7).read_bytes()
    second = synthetic.write_acled(tmp_path / "b.csv", 500, shape, seed=7).read_bytes()
    other = synthetic.write_acled(tmp_path / "c.csv", 500, shape, seed=8).read_bytes()
    assert first == second
    assert first != other
    assert first.decode("utf-8").split("\n", 1)[0] == README_HEADERS[shape]
    assert len(read(first.decode("utf-8"))) >= 500


def test_round_trip_through_csv_keeps_every_value(tmp_path, events):
    path = synthetic.write_acled(tmp_path / "e.csv", 2_000, "2023", seed=3)
    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(back, synthetic.acled_events(2_000, seed=3).reset_index(drop=True))


def test_about_half_of_the_events_have_no_fatalities_and_some_are_large(events):
    fatalities = events["fatalities"].astype(int)
    assert 0.4 <= (fatalities == 0).mean() <= 0.6
    assert ((fatalities >= 50) & (fatalities <= 200)).sum() >= 20
    assert fatalities.max() <= 200


def test_many_actors_with_a_long_tail_and_slips(events):
    names = actor_names(events)
    assert len(names) >= 200
    counts = pd.concat([events["actor1"], events["actor2"]]).value_counts().drop("", errors="ignore")
    assert counts.iloc[0] > 50 * counts.iloc[-1]  # long-tailed
    canonical = set(synthetic.NAMES)
    slipped = names - canonical
    assert slipped, "some names carry typing slips"
    assert any(n != n.strip() for n in slipped)
    for required in (
        "Military Forces of Mali (2013-2020)",
        "Military Forces of Mali (2021-)",
        "Wagner Group",
        "JNIM: Group for Support of Islam and Muslims",
        "Islamic State (Sahel)",
        "Unidentified Armed Group (Mali)",
        "Dan Na Ambassagou",
    ):
        assert required in names


def test_regime_names_follow_the_date(events):
    year = events["year"].astype(int)
    assert not ((events["actor1"] == "Military Forces of Mali (2021-)") & (year < 2021)).any()
    assert not ((events["actor1"] == "Military Forces of Mali (2013-2020)") & (year > 2020)).any()
    assert not ((events["actor1"] == "Wagner Group") & (year < 2021)).any()
    assert not ((events["actor1"] == "Africa Corps") & (year < 2025)).any()


def test_inter_codes_and_civilian_targeting(events):
    civilians = events["actor2"] == "Civilians (Mali)"
    assert (events.loc[civilians, "inter2"] == "7").all()
    assert (events.loc[events["actor1"] == "Protesters (Mali)", "inter1"] == "6").all()
    assert (events.loc[events["actor1"] == "Wagner Group", "inter1"] == "8").all()
    vac = events["event_type"] == "Violence against civilians"
    assert (events.loc[vac, "civilian_targeting"] == "Civilian targeting").all()
    assert (events.loc[events["event_type"] == "Battles", "civilian_targeting"] == "").all()
    assert set(events["inter1"]) <= set("12345678")


def test_event_types_and_deadly_demonstrations(events):
    shares = events["event_type"].value_counts(normalize=True)
    assert 0.2 < shares["Battles"] < 0.4
    assert 0.25 < shares["Violence against civilians"] < 0.45
    subs = set(events["sub_event_type"])
    assert {"Attack", "Abduction/forced disappearance", "Sexual violence", "Air/drone strike"} <= subs
    assert {"Remote explosive/landmine/IED", "Looting/property destruction", "Arrests", "Mob violence"} <= subs
    demos = events[events["event_type"].isin(["Protests", "Riots"])]
    assert (demos["fatalities"] == "0").mean() > 0.8
    force = events[events["sub_event_type"] == "Excessive force against protesters"]
    assert (force["fatalities"].astype(int) > 0).any()
    assert (force["actor2"] == "Protesters (Mali)").all()
    assert force["actor1"].str.startswith("Police Forces of Mali").mean() > 0.5
    assert (force["location"].str.startswith("Bamako")).mean() > 0.4


def test_notes_are_messy_but_start_plainly(events):
    notes = events["notes"]
    assert notes.str.match(r"(On|Around|In) \d{0,2} ?[A-Z][a-z]+ \d{4}, ").all()
    assert notes.str.contains("\n").mean() > 0.01
    assert notes.str.contains('"').mean() > 0.03
    assert notes.str.contains("«").mean() > 0.02
    lower = notes.str.lower()
    for hedge in ("suspected", "presumed", "allegedly", "reportedly", "claimed responsibility", "denied"):
        assert 0.01 < lower.str.contains(hedge).mean() < 0.2, hedge
    for phrase in ("did not claim", "no group has claimed", "not suspected"):
        assert lower.str.contains(phrase).any(), phrase


def test_places_dates_and_precisions(events):
    lat, lon = events["latitude"].astype(float), events["longitude"].astype(float)
    assert lat.between(10, 25).all() and lon.between(-12.5, 4.5).all()
    mopti = events["admin1"] == "Mopti"
    assert lat[mopti].between(13, 16).all()
    assert {"Ségou", "Segou", "Timbuktu", "Tombouctou"} <= set(events["admin1"])
    assert set(events["time_precision"]) == {"1", "2", "3"}
    assert set(events["geo_precision"]) == {"1", "2", "3"}
    dates = pd.to_datetime(events["event_date"], format="%d %B %Y")
    assert dates.min() >= pd.Timestamp("2012-01-01") and dates.max() <= pd.Timestamp("2026-10-31")
    assert (dates.dt.year.astype(str) == events["year"]).all()
    assert events["event_id_cnty"].is_unique


def test_per_actor_shape_has_a_row_per_actor():
    events = synthetic.acled_events(3_000, seed=5)
    per_actor = synthetic.acled_export(3_000, "per_actor", seed=5)
    rows = per_actor.groupby("event_id_cnty").size()
    with_actor2 = events.loc[events["actor2"] != "", "event_id_cnty"]
    assert (rows[with_actor2] >= 2).all()
    assert len(per_actor) == len(events) + len(with_actor2)
    civilians = per_actor[per_actor["actor1"] == "Civilians (Mali)"]
    assert len(civilians) and (civilians["inter1"] == "7").all()
    same = per_actor.groupby("event_id_cnty")[["event_date", "fatalities", "notes"]].nunique()
    assert (same == 1).all().all()


def test_before_2019_shape_uses_old_event_types():
    old = synthetic.acled_export(2_000, "before_2019", seed=5)
    assert "Battle-No change of territory" in set(old["event_type"])
    assert "Remote violence" in set(old["event_type"])
    assert (old["iso3"] == "MLI").all()
    assert (old["event_id_cnty"].str[3:] == old["event_id_no_cnty"]).all()


def test_quirky_ucdp_file():
    text = synthetic.ucdp_ged_quirky(400, seed=2)
    assert text == synthetic.ucdp_ged_quirky(400, seed=2)
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    assert len(header) == 49
    assert {"best_est", "low_est", "high_est"} <= set(header)
    assert not {"best", "low", "high"} & set(header)
    assert all(len(row) == 50 and row[-1] == "" for row in rows[1:])
    frame = pd.DataFrame([row[:49] for row in rows[1:]], columns=header)
    assert frame["source_article"].str.contains("\n").any()
    assert frame["date_start"].str.fullmatch(r"\d\d/\d\d/\d{4} 00:00:00").all()
    assert (frame["date_start"].str[3:5].astype(int) > 12).any()  # MM/DD: the day decides the order
    best, low, high = (frame[c].astype(int) for c in ("best_est", "low_est", "high_est"))
    deaths = frame[["deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown"]].astype(int).sum(axis=1)
    assert (best == deaths).all()
    assert ((high < best) | (low > best)).sum() >= 3
    assert (high < best).any() and (low > best).any()


def test_quirky_ucdp_date_variants():
    dd_mm = pd.read_csv(io.StringIO(synthetic.ucdp_ged_quirky(300, seed=1, dd_mm=True)), dtype=str, index_col=False)
    assert (dd_mm["date_start"].str[:2].astype(int) > 12).any()
    assert (dd_mm["date_start"].str[3:5].astype(int) <= 12).all()
    for flag in (False, True):
        text = synthetic.ucdp_ged_quirky(300, seed=1, dd_mm=flag, ambiguous=True)
        frame = pd.read_csv(io.StringIO(text), dtype=str, index_col=False)
        for column in ("date_start", "date_end"):
            assert (frame[column].str[:2].astype(int) <= 12).all()
            assert (frame[column].str[3:5].astype(int) <= 12).all()


@pytest.mark.skipif(not UCDP_SAMPLE.exists(), reason="../shared/samples is absent")
def test_quirky_ucdp_mirrors_the_real_layout_with_old_names():
    real = UCDP_SAMPLE.read_text(encoding="utf-8").split("\n", 1)[0].split(",")
    renamed = [{"best": "best_est", "low": "low_est", "high": "high_est"}.get(c, c) for c in real]
    assert renamed == synthetic.UCDP_OLD_HEADER


def test_fifty_thousand_events_in_a_few_seconds():
    start = time.perf_counter()
    frame = synthetic.acled_events(50_000, seed=11)
    assert time.perf_counter() - start < 10
    assert len(frame) == 50_000


def test_cli(tmp_path):
    script = Path(synthetic.__file__)
    acled = tmp_path / "acled.csv"
    ucdp = tmp_path / "ucdp.csv"
    subprocess.run(
        [sys.executable, str(script), "acled", "--events", "300", "--shape", "per_actor", "--seed", "1", str(acled)],
        check=True,
        capture_output=True,
    )
    subprocess.run([sys.executable, str(script), "ucdp", str(ucdp), "--events", "50", "--dd-mm"], check=True)
    assert acled.read_bytes() == synthetic._csv_text(synthetic.acled_export(300, "per_actor", 1)).encode("utf-8")
    assert ucdp.read_text(encoding="utf-8") == synthetic.ucdp_ged_quirky(50, 0, dd_mm=True)
    assert np.isclose(len(read(acled.read_text(encoding="utf-8"))), len(synthetic.acled_export(300, "per_actor", 1)))
