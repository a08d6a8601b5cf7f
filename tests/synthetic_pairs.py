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
