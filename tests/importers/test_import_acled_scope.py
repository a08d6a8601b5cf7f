"""ACLED: no death is out of scope, and ACLED's 0 is "no reported fatalities", never a killing."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.importers.acled import import_acled
from analysis.importers.output import Resolver, reference_tables
from analysis.importers.run import run_import

from conftest import table_rows as rows

HEADER_2023 = (
    "event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,"
    "assoc_actor_2,inter2,civilian_targeting,country,admin1,location,latitude,longitude,geo_precision,notes,fatalities"
)
HEADER_BEFORE_2019 = (
    "event_id_cnty,event_date,time_precision,event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,"
    "country,admin1,location,latitude,longitude,geo_precision,notes,fatalities"
)
PLACE = "Mali,Bamako,Bamako,12.6392,-8.0029,1"
EVENTS_2023 = [
    # security forces fire on demonstrators (the July 2020 Bamako demonstrations)
    f"MLI1,10 July 2020,1,Protests,Excessive force against protesters,Police Forces of Mali (2013-2020),,1,"
    f"Protesters (Mali),,6,,{PLACE},police fired live rounds,11",
    f"MLI2,11 July 2020,1,Riots,Mob violence,Rioters (Mali),,5,Civilians (Mali),,7,Civilian targeting,{PLACE},x,2",
    f"MLI3,12 July 2020,1,Riots,Mob violence,Rioters (Mali),,5,,,,,{PLACE},x,1",
    f"MLI4,13 July 2020,1,Protests,Peaceful protest,Protesters (Mali),,6,,,,,{PLACE},x,0",
    f"MLI5,14 July 2020,1,Violence against civilians,Abduction/forced disappearance,JNIM,,2,Civilians (Mali),,7,"
    f"Civilian targeting,{PLACE},x,0",
    f"MLI6,15 July 2020,1,Strategic developments,Looting/property destruction,JNIM,,2,Civilians (Mali),,7,"
    f"Civilian targeting,{PLACE},x,0",
    f"MLI7,16 July 2020,1,Strategic developments,Other,JNIM,,2,,,,,{PLACE},x,4",
    f"MLI8,17 July 2020,1,Battles,Armed clash,JNIM,,2,FAMa,,1,,{PLACE},x,0",
]
EVENTS_BEFORE_2019 = [
    f"MLI10,10 July 2018,1,Riots/Protests,Police Forces of Mali (2013-2020),,1,Protesters (Mali),,6,{PLACE},x,3",
    f"MLI11,11 July 2018,1,Riots/Protests,Rioters (Mali),,5,Civilians (Mali),,7,{PLACE},x,2",
    f"MLI12,12 July 2018,1,Riots/Protests,Protesters (Mali),,6,,,,{PLACE},x,0",
    f"MLI13,13 July 2018,1,Strategic development,JNIM,,2,,,,{PLACE},x,5",
]


def imported(tmp_path: Path, header: str, lines: list[str]):
    path = tmp_path / "export.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    return run_import("acled", path, out), out


CASUALTIES = ["incident_id", "harm", "victim_status", "count_best"]


def test_riots_and_protests_with_deaths_are_written_with_their_victim_status(tmp_path):
    result, out = imported(tmp_path, HEADER_2023, EVENTS_2023)
    assert rows(out, "casualties", CASUALTIES) == [
        ("acled-MLI1", "killed", "civilian", "11"),  # excessive force against protesters
        ("acled-MLI2", "killed", "civilian", "2"),  # mob violence ACLED codes as civilian targeting
        ("acled-MLI3", "killed", "unknown", "1"),  # mob violence, no civilian target coded
        ("acled-MLI7", "killed", "unknown", "4"),  # a strategic development with deaths
        ("acled-MLI5", "disappeared", "civilian", ""),
        ("acled-MLI6", "property_looted", "civilian", ""),
    ]
    assert rows(out, "incidents", ["incident_id", "event_type", "is_civilian_targeting"]) == [
        ("acled-MLI1", "attack", "true"),
        ("acled-MLI2", "other", "true"),
        ("acled-MLI3", "other", "false"),
        ("acled-MLI5", "abduction_forced_disappearance", "true"),
        ("acled-MLI6", "looting_property_destruction", "true"),
        ("acled-MLI7", "other", "false"),
        ("acled-MLI8", "armed_clash", "false"),
    ]
    perpetrators = rows(out, "perpetrators", ["incident_id", "actor", "role"])
    # "Rioters (Mali)" is an alias of the listed actor "Rioters" (family other).
    assert ("acled-MLI2", "Rioters", "primary") in perpetrators
    assert ("acled-MLI3", "Rioters", "primary") in perpetrators
    assert next(p for p in perpetrators if p[0] == "acled-MLI1")[2] == "primary"
    assert not [p for p in perpetrators if p[1] in ("Protesters (Mali)", "Civilians (Mali)")]
    assert rows(out, "rejects", ["record_id"]) == [("MLI4",)]  # a peaceful protest without deaths
    assert rows(out, "rejects", ["reason"])[0][0].startswith("out of scope: ACLED Protests / Peaceful protest with no")
    assert (result.deaths_read, result.deaths_written, result.deaths_rejected) == (18, 18, 0)
    report = (out / "import_report.txt").read_text()
    assert "3 event(s) with no reported fatalities (ACLED's 0)" in report
    assert "victim status of ACLED fatalities" in report


def test_no_killed_row_with_a_count_of_zero(tmp_path):
    _, out = imported(tmp_path, HEADER_2023, EVENTS_2023)
    casualties = pd.read_csv(out / "casualties.csv", dtype=str, keep_default_na=False)
    killed = casualties[casualties["harm"] == "killed"]
    assert (killed["count_best"].astype(int) > 0).all()
    assert "acled-MLI8" not in set(casualties["incident_id"])  # the battle without deaths: an event, no killing


def test_old_riots_protests_type_with_deaths(tmp_path):
    result, out = imported(tmp_path, HEADER_BEFORE_2019, EVENTS_BEFORE_2019)
    assert rows(out, "casualties", CASUALTIES) == [
        ("acled-MLI10", "killed", "unknown", "3"),  # no sub-event before 2019: protesters are not coded civilians
        ("acled-MLI11", "killed", "civilian", "2"),  # civilians coded as the other side
        ("acled-MLI13", "killed", "unknown", "5"),
    ]
    assert rows(out, "rejects", ["record_id"]) == [("MLI12",)]
    assert (result.deaths_read, result.deaths_written) == (10, 10)
    assert result.balanced()


def test_synthetic_exports_write_every_death(tmp_path):
    import synthetic

    for shape in ("2023", "before_2019", "per_actor"):
        path = synthetic.write_acled(tmp_path / f"{shape}.csv", 3000, shape, seed=1)
        result = import_acled(path, Resolver(reference_tables()), "acled")  # without publishing: faster
        assert result.balanced(), shape
        assert result.deaths_read == result.deaths_written == 7583, shape
        reasons = result.rejects["reason"]
        assert reasons.str.startswith("out of scope").all(), shape
        casualties = result.casualties
        assert not ((casualties["harm"] == "killed") & (casualties["count_best"] == 0)).any(), shape
