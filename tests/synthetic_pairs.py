"""Two synthetic datasets of the same incidents, as ACLED and UCDP would code them, with the true pairs known.

Hand-made cases that a matcher gets wrong when it only looks at the nearest date and place:
- Ogossagou-like: neighbouring villages hit the same day with very different tolls; the UCDP point is placed
  nearer the small village and ACLED dates the massacre a day later;
- Moura-like: a massacre split by ACLED over three records (one episode, contract 2) and one UCDP event,
  with a small event in the next cercle the same days;
- renamed groups: "CMA: Coordination of Movements of the Azawad" against "CMA", with an event of another
  family the same day in the same region;
- events only one dataset has;
and a background of ordinary events, each in both datasets with jittered dates, places and figures, or in one
only. Built in memory (the episode record type comes with the episodes branch; the tables here need no
validation to test matching).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.data.dataset import Dataset

ACTORS = [
    ("Military Forces of Mali (2021-)", "state_forces"),
    ("Government of Mali", "state_forces"),
    ("Wagner Group", "russian_forces"),
    ("Dan Na Ambassagou", "militias"),
    ("Dozo Militia", "militias"),
    ("JNIM: Group for Support of Islam and Muslims", "jnim"),
    ("JNIM", "jnim"),
    ("Islamic State Sahel", "islamic_state"),
    ("IS", "islamic_state"),
    ("CMA: Coordination of Movements of the Azawad", "northern_armed_groups"),
    ("CMA", "northern_armed_groups"),
]
REGIONS = ["Mopti", "Segou", "Gao", "Kidal", "Tombouctou", "Menaka"]
#: The hand-made true pairs (ACLED unit, UCDP unit) and the massacre cases among them.
MASSACRE_PAIRS = {("A-ogo", "U-ogo"), ("E-moura", "U-moura")}
HAND_PAIRS = MASSACRE_PAIRS | {("A-cma", "U-cma"), ("A-koro", "U-koro")}


class _Builder:
    def __init__(self, dataset: str):
        self.dataset = dataset
        self.incidents, self.perpetrators, self.casualties = [], [], []

    def event(self, iid, start, place, admin2, admin1, lat, lon, actors, killed, end=None, parent=None, **extra):
        precise = lat is not None
        self.incidents.append(
            {
                "incident_id": iid,
                "record_type": extra.get("record_type", "event"),
                "title": f"{place}",
                "start_date": pd.Timestamp(start),
                "end_date": pd.Timestamp(end or start),
                "date_precision": "day",
                "country": "MLI",
                "admin1": admin1,
                "admin2": admin2,
                "location_name": place,
                "location_precision": "exact" if precise else ("admin2" if admin2 else "admin1"),
                "latitude": lat,
                "longitude": lon,
                "event_type": "attack",
                "is_civilian_targeting": True,
                "dataset": self.dataset,
                "parent_incident_id": parent,
            }
        )
        if extra.get("record_type") == "episode":
            return
        for i, actor in enumerate(actors):
            role = "primary" if i == 0 else "joint"
            self.perpetrators.append({"incident_id": iid, "actor": actor, "role": role, "attribution": "single_source"})
        if killed is not None:
            self.casualties.append(
                {
                    "incident_id": iid,
                    "harm": "killed",
                    "victim_status": "civilian",
                    "victim_group": "all",
                    "count_min": killed,
                    "count_best": killed,
                    "count_max": killed,
                }
            )

    def dataset_(self) -> Dataset:
        incidents = pd.DataFrame(self.incidents)
        for column in ("latitude", "longitude"):
            incidents[column] = incidents[column].astype(float)
        casualties = pd.DataFrame(self.casualties)
        for column in ("count_min", "count_best", "count_max"):
            casualties[column] = casualties[column].astype("Int64")
        actors = pd.DataFrame(ACTORS, columns=["actor", "family"])
        regions = pd.DataFrame({"region": REGIONS, "parent_region": [None] * len(REGIONS)})
        return Dataset(
            data_dir=None,
            incidents=incidents,
            perpetrators=pd.DataFrame(self.perpetrators),
            casualties=casualties,
            sources=pd.DataFrame(columns=["incident_id", "publisher"]),
            actors=actors,
            regions=regions,
            key_dates=pd.DataFrame(columns=["date", "label"]),
        )


def hand_cases(acled: _Builder, ucdp: _Builder) -> None:
    fama, wagner, dna = "Military Forces of Mali (2021-)", "Wagner Group", "Dan Na Ambassagou"
    # Ogossagou (23 March 2019): ACLED dates it a day later; UCDP's point lies nearer Welingara.
    acled.event("A-ogo", "2019-03-24", "Ogossagou", "Bankass", "Mopti", 14.270, -3.420, [dna], 157)
    acled.event("A-wel", "2019-03-23", "Welingara", "Bankass", "Mopti", 14.300, -3.400, [dna], 5)
    ucdp.event("U-ogo", "2019-03-23", "Ogossagou town", "Bankass", "Mopti", 14.295, -3.405, ["Dozo Militia"], 145)
    # Moura (27-31 March 2022): one ACLED episode of three records, one UCDP event; a small event in Koro.
    acled.event("E-moura", "2022-03-27", "Moura", "Djenne", "Mopti", None, None, [], None, record_type="episode")
    for iid, start, end, killed in (
        ("A-m1", "2022-03-27", "2022-03-27", 130),
        ("A-m2", "2022-03-28", "2022-03-29", 129),
        ("A-m3", "2022-03-30", "2022-03-31", 129),
    ):
        acled.event(iid, start, "Moura", "Djenne", "Mopti", 14.200, -4.450, [fama, wagner], killed, end, "E-moura")
    acled.event("A-koro", "2022-03-29", "Dinangourou", "Koro", "Mopti", 14.450, -2.370, [fama], 3)
    ucdp.event("U-moura", "2022-03-27", "Moura town", "Djenne", "Mopti", 14.205, -4.440, ["Government of Mali"], 243,
               end="2022-03-31")  # fmt: skip
    ucdp.event("U-koro", "2022-03-28", "Koro cercle", "Koro", "Mopti", None, None, ["Government of Mali"], 2)
    # Renamed groups (21 July 2016, Kidal): "CMA: ..." and "CMA" are one family; JNIM the same day is not.
    acled.event("A-cma", "2016-07-21", "Kidal", "Kidal", "Kidal", None, None,
                ["CMA: Coordination of Movements of the Azawad"], 8)  # fmt: skip
    ucdp.event("U-cma", "2016-07-22", "Kidal town", "Kidal", "Kidal", None, None, ["CMA"], 6)
    ucdp.event("U-jnim", "2016-07-21", "Kidal region", None, "Kidal", None, None, ["JNIM"], 7)
    # Only one dataset has them.
    acled.event("A-only", "2020-05-01", "Dioura", "Tenenkou", "Mopti", 14.870, -5.250, ["JNIM"], 12)
    ucdp.event("U-only", "2018-06-10", "Ansongo", "Ansongo", "Gao", 15.660, 0.500, ["IS"], 20)


def truth_pair(background: int = 300, seed: int = 0) -> tuple[Dataset, Dataset, set[tuple[str, str]]]:
    """ACLED-like and UCDP-like datasets and the set of true (ACLED unit, UCDP unit) pairs."""
    rng = np.random.default_rng(seed)
    acled, ucdp = _Builder("acled"), _Builder("ucdp")
    hand_cases(acled, ucdp)
    truth = set(HAND_PAIRS)
    # Background: villages on a 0.1-degree lattice of the central regions, busy days (several events a day).
    days = pd.date_range("2019-01-01", "2019-03-31")
    families = [("JNIM: Group for Support of Islam and Muslims", "JNIM"), ("Dozo Militia", "Dan Na Ambassagou"),
                ("Islamic State Sahel", "IS"), ("Military Forces of Mali (2021-)", "Government of Mali")]  # fmt: skip
    for k in range(background):
        lat, lon = 13.0 + 0.1 * rng.integers(0, 15), -5.0 + 0.1 * rng.integers(0, 20)
        day = days[rng.integers(0, len(days))]
        place = f"Village {int((lat - 13) * 10)}-{int((lon + 5) * 10)}"
        admin2 = f"Cercle {int((lat - 13) * 2)}-{int((lon + 5) * 2)}"
        actor_a, actor_b = families[rng.integers(0, len(families))]
        killed = int(rng.integers(0, 40))
        where = rng.random()
        if where < 0.8:
            acled.event(f"A-bg{k}", day, place, admin2, "Mopti", lat, lon, [actor_a], killed)
        if where >= 0.15:
            shift = pd.Timedelta(days=int(rng.integers(0, 2)))
            jitter = rng.normal(0, 0.02, 2)
            other = max(0, round(killed * rng.uniform(0.8, 1.2)))
            name = f"{place} town" if rng.random() < 0.5 else f"{place} area"
            ucdp.event(f"U-bg{k}", day + shift, name, admin2, "Mopti", lat + jitter[0], lon + jitter[1], [actor_b],
                       other)  # fmt: skip
        if 0.15 <= where < 0.8:
            truth.add((f"A-bg{k}", f"U-bg{k}"))
    return acled.dataset_(), ucdp.dataset_(), truth


def precision_recall(found: set, truth: set) -> tuple[float, float]:
    right = len(found & truth)
    return (right / len(found) if found else 1.0), (right / len(truth) if truth else 1.0)


# --- a UCDP file that codes a share of an ACLED export's events again ----------------------------------------

#: Which UCDP one-sided dyad (row of synthetic._DYADS, by side A) codes an ACLED civilian-targeting event, by
#: the ACLED actor1 pattern; events of other actors are left to ACLED alone.
_SIDE_OF_ACTOR = [
    (r"^Military Forces of Mali", "Government of Mali"),
    (r"^JNIM", "JNIM"),
    (r"^Islamic State", "IS"),
    (r"Communal Militia|Dozo|Dan Na", "Dozos (Mali)"),
]


def ucdp_from_acled(acled_csv, n_events: int, seed: int = 0, share: float = 0.7) -> tuple[str, pd.DataFrame]:
    """UCDP GED text (the quirky layout of ``synthetic.ucdp_ged_quirky``) of ``n_events`` events: ``share`` of the
    ACLED export's deadly civilian-targeting events coded again, as UCDP would (a day off at times, the point
    moved, the toll revised, the place named '<place> town' or only its cercle), the rest UCDP's own events.
    Also returns the truth: each coded-again UCDP id with the ACLED event it codes."""
    import io

    import synthetic

    rng = np.random.default_rng(seed)
    acled = pd.read_csv(acled_csv, dtype=str, keep_default_na=False)
    fatalities = pd.to_numeric(acled["fatalities"], errors="coerce").fillna(0)
    side = pd.Series("", index=acled.index)
    for pattern, name in reversed(_SIDE_OF_ACTOR):
        side = side.mask(acled["actor1"].str.contains(pattern, regex=True), name)
    wagner = acled["assoc_actor_1"].str.contains("Wagner|Africa Corps", regex=True)
    side = side.mask((side == "Government of Mali") & wagner, synthetic._GOV_RU)
    chosen = acled[(acled["civilian_targeting"] != "") & (fatalities > 0) & (side != "")]
    chosen = chosen[rng.random(len(chosen)) < share].head(n_events)
    k = len(chosen)
    own = synthetic.ucdp_ged_quirky(max(n_events - k, 1), seed=seed)
    lines = own.split("\n", 1)  # the header has one field fewer than the rows (their trailing comma)
    frame = pd.read_csv(io.StringIO(lines[0] + ",_trailing\n" + lines[1]), dtype=str, keep_default_na=False)
    frame = frame[synthetic.UCDP_OLD_HEADER].head(n_events - k)
    dyads = {d[7]: d for d in synthetic._DYADS if d[0] == 3}
    rows = []
    for i, (_, e) in enumerate(chosen.iterrows()):  # a test fixture, a few thousand rows
        d = dyads[side[e.name]]
        day = pd.Timestamp(e["event_date"]) + pd.Timedelta(days=int(rng.choice([0, 0, 0, 1, -1])))
        killed = max(1, round(float(fatalities[e.name]) * rng.uniform(0.6, 1.5)))
        precise = rng.random() < 0.7
        lat = float(e["latitude"]) + (rng.normal(0, 0.02) if precise else 0)
        lon = float(e["longitude"]) + (rng.normal(0, 0.02) if precise else 0)
        date = f"{day.month:02d}/{day.day:02d}/{day.year} 00:00:00"
        rows.append(
            {
                "id": str(2_000_000 + i),
                "relid": f"MLI-{day.year}-3-{d[4]}-{i}",
                "year": str(day.year),
                "active_year": "TRUE",
                "code_status": "Clear",
                "type_of_violence": "3",
                "conflict_dset_id": d[1],
                "conflict_new_id": d[2],
                "conflict_name": d[3],
                "dyad_dset_id": d[4],
                "dyad_new_id": d[4],
                "dyad_name": d[5],
                "side_a_dset_id": d[6],
                "side_a_new_id": d[6],
                "side_a": d[7],
                "side_b_dset_id": "9999",
                "side_b_new_id": d[8],
                "side_b": d[9],
                "number_of_sources": "1",
                "source_article": f'"AFP,{day.date()},Civilians killed near {e["location"]}"',
                "source_office": "AFP",
                "source_date": str(day.date()),
                "source_headline": f"Civilians killed near {e['location']}",
                "source_original": "Local sources",
                "where_prec": "1" if precise else "3",
                "where_coordinates": f"{e['location']} town" if precise else f"{e['admin2']} cercle",
                "where_description": f"{e['location']} area",
                "adm_1": synthetic._UCDP_ADM1.get(e["admin1"], f"{e['admin1']} region"),
                "adm_2": f"{e['admin2']} cercle",
                "latitude": f"{lat:.6f}",
                "longitude": f"{lon:.6f}",
                "geom_wkt": f"POINT ({lon:.6f} {lat:.6f})",
                "priogrid_gid": str(int((lat + 90) * 2) * 720 + int((lon + 180) * 2) + 1),
                "country": "Mali",
                "country_id": "432",
                "region": "Africa",
                "event_clarity": "1",
                "date_prec": "1",
                "date_start": date,
                "date_end": date,
                "deaths_a": "0",
                "deaths_b": "0",
                "deaths_civilians": str(killed),
                "deaths_unknown": "0",
                "best_est": str(killed),
                "high_est": str(killed + int(rng.poisson(0.3 * killed))),
                "low_est": str(killed),
                "gwnoa": d[10],
                "gwnob": "",
            }
        )
    both = pd.concat([frame, pd.DataFrame(rows, columns=synthetic.UCDP_OLD_HEADER)], ignore_index=True)
    both = both.sample(frac=1, random_state=seed).reset_index(drop=True)
    both["_trailing"] = ""
    body = both.to_csv(index=False, header=False, lineterminator="\n")
    truth = pd.DataFrame({"ucdp_id": [r["id"] for r in rows], "acled_id": chosen["event_id_cnty"].to_numpy()})
    return ",".join(synthetic.UCDP_OLD_HEADER) + "\n" + body, truth


def write_ucdp_from_acled(acled_csv, path, n_events: int, seed: int = 0) -> Path:
    """The UCDP file, and beside it ``<name>.truth.csv``: which ACLED event each coded-again UCDP event is."""
    path = Path(path)
    text, truth = ucdp_from_acled(acled_csv, n_events, seed)
    path.write_text(text, encoding="utf-8", newline="")
    truth.to_csv(path.with_suffix(".truth.csv"), index=False)
    return path
