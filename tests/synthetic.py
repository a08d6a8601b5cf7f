"""Deterministic, realistic and deliberately messy synthetic conflict-data exports for tests and benchmarks.

Nothing here is ACLED or UCDP data: actor names follow ACLED's and UCDP's naming conventions, places are
real Malian towns and cercles, but every event, figure and note is drawn from a seeded numpy generator and
every sentence of the notes is written for this module.

    acled_events(n_events, seed=0) -> DataFrame           ACLED's per-event layout since 2023
    acled_export(n_events, shape, seed=0) -> DataFrame    shape: "2023", "before_2019" or "per_actor"
    write_acled(path, n_events, shape="2023", seed=0)
    with_sources_and_victim_groups(events, seed=0)      unnamed and repeated publishers, women/children, counter-claims
    write_acled_with_sources(path, n_events, seed=0)
    ucdp_ged_quirky(n_events, seed=0, dd_mm=False, ambiguous=False) -> str
    write_ucdp_ged_quirky(path, n_events=..., seed=0, dd_mm=False, ambiguous=False)

Command line:

    python tests/synthetic.py acled --events 10000 --shape 2023 --seed 1 OUT.csv
    python tests/synthetic.py ucdp OUT.csv [--events N] [--seed S] [--dd-mm] [--ambiguous]

Generation is vectorised (numpy); the only per-row Python work is string formatting in list
comprehensions. 50,000 ACLED events take well under ten seconds.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd


def _split(text: str, separator: str = ",") -> list[str]:
    return text.split(separator)


# --------------------------------------------------------------------------------------------------
# Export headers (exactly as in ../shared/README.md)
# --------------------------------------------------------------------------------------------------
HEADER_2023 = _split(
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,"
    "inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,"
    "location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp"
)
HEADER_BEFORE_2019 = _split(
    "data_id,iso,event_id_cnty,event_id_no_cnty,event_date,year,time_precision,event_type,actor1,assoc_actor_1,"
    "inter1,actor2,assoc_actor_2,inter2,interaction,region,country,admin1,admin2,admin3,location,latitude,"
    "longitude,geo_precision,source,source_scale,notes,fatalities,timestamp,iso3"
)
HEADER_PER_ACTOR = _split(
    "data_id,iso,event_id_cnty,event_id_no_cnty,event_date,year,time_precision,event_type,sub_event_type,actor1,"
    "assoc_actor_1,inter1,interaction,region,country,admin1,admin2,admin3,location,latitude,longitude,"
    "geo_precision,source,source_scale,notes,fatalities,timestamp,iso3"
)
SHAPES = {"2023": HEADER_2023, "before_2019": HEADER_BEFORE_2019, "per_actor": HEADER_PER_ACTOR}

#: UCDP GED's 49 columns (Candidate 26.0.7 order) with the names older releases used for the estimates.
UCDP_OLD_HEADER = _split(
    "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,conflict_name,"
    "dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,side_b_dset_id,side_b_new_id,side_b,"
    "number_of_sources,source_article,source_office,source_date,source_headline,source_original,where_prec,"
    "where_coordinates,where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,"
    "region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,"
    "best_est,high_est,low_est,gwnoa,gwnob"
)

FIRST_DAY = np.datetime64("2012-01-01")
LAST_DAY = np.datetime64("2026-10-31")
MONTHS = _split("January February March April May June July August September October November December", " ")

# --------------------------------------------------------------------------------------------------
# Actors: (name, inter, category, short description for notes, active from, active to, weight)
# --------------------------------------------------------------------------------------------------
_ALWAYS = ("2012-01-01", "2026-12-31")


def _a(name, inter, cat, short, start=None, end=None, weight=1.0):
    return (name, inter, cat, short, start or _ALWAYS[0], end or _ALWAYS[1], float(weight))


_CORE_ACTORS = [
    # Malian state forces, named by regime as ACLED does
    _a("Military Forces of Mali (2002-2012)", 1, "mali", "Malian soldiers", end="2012-03-22", weight=900),
    _a("Military Forces of Mali (2012-2013)", 1, "mali", "Malian soldiers", "2012-03-22", "2013-09-04", 900),
    _a("Military Forces of Mali (2013-2020)", 1, "mali", "FAMa soldiers", "2013-09-04", "2020-08-18", 900),
    _a("Military Forces of Mali (2020-2021)", 1, "mali", "FAMa soldiers", "2020-08-18", "2021-05-24", 900),
    _a("Military Forces of Mali (2021-)", 1, "mali", "FAMa soldiers", "2021-05-24", None, 900),
    _a("Mutiny of Military Forces of Mali (2012-2013)", 3, "mali", "mutinous soldiers", "2012-03-21", "2012-05-31", 8),
    _a("Police Forces of Mali (2012-2013)", 1, "police", "police officers", "2012-03-22", "2013-09-04", 40),
    _a("Police Forces of Mali (2013-2020)", 1, "police", "police officers", "2013-09-04", "2020-08-18", 40),
    _a("Police Forces of Mali (2013-2020) Gendarmerie", 1, "police", "gendarmes", "2013-09-04", "2020-08-18", 15),
    _a("Police Forces of Mali (2020-2021)", 1, "police", "police officers", "2020-08-18", "2021-05-24", 40),
    _a("Police Forces of Mali (2021-)", 1, "police", "police officers", "2021-05-24", None, 35),
    _a("Police Forces of Mali (2021-) Gendarmerie", 1, "police", "gendarmes", "2021-05-24", None, 20),
    _a("Police Forces of Mali (2021-) National Guard", 1, "police", "National Guard members", "2021-05-24", None, 12),
    _a("Government of Mali (2021-)", 1, "police", "local authorities", "2021-05-24", None, 3),
    _a("Former Military Forces of Mali", 3, "private", "former soldiers", weight=2),
    # Russian forces
    _a("Wagner Group", 8, "wagner", "Wagner Group personnel", "2021-12-01", "2025-06-06", 320),
    _a("Africa Corps", 8, "wagner", "Africa Corps personnel", "2025-06-06", None, 320),
    # Foreign and multinational forces
    _a("Military Forces of France (2012-2017)", 8, "foreign", "French troops", "2013-01-11", "2017-05-14", 60),
    _a("Military Forces of France (2017-2022)", 8, "foreign", "Barkhane troops", "2017-05-14", "2022-08-15", 60),
    _a(
        "MINUSMA: United Nations Multidimensional Integrated Stabilization Mission in Mali (2013-2023)",
        8,
        "foreign",
        "MINUSMA peacekeepers",
        "2013-07-01",
        "2023-12-31",
        45,
    ),
    _a("G5 Sahel Joint Force", 8, "foreign", "G5 Sahel troops", "2017-07-02", "2022-05-15", 8),
    _a("Takuba Task Force", 8, "foreign", "Takuba special forces", "2020-07-15", "2022-06-30", 4),
    _a("EUTM: European Union Training Mission", 8, "foreign", "EUTM personnel", "2013-02-18", "2024-05-18", 2),
    _a(
        "Military Forces of Burkina Faso (2015-2022)", 8, "foreign", "Burkinabe soldiers", "2015-12-29", "2022-01-24", 4
    ),
    _a("Military Forces of Burkina Faso (2022-)", 8, "foreign", "Burkinabe soldiers", "2022-09-30", None, 6),
    _a("Military Forces of Niger (2021-2023)", 8, "foreign", "Nigerien soldiers", "2021-04-02", "2023-07-26", 3),
    _a("Military Forces of Niger (2023-)", 8, "foreign", "Nigerien soldiers", "2023-07-26", None, 4),
    _a("Military Forces of Mauritania (2019-)", 8, "foreign", "Mauritanian soldiers", "2019-08-01", None, 2),
    _a("Military Forces of Algeria (2019-)", 8, "foreign", "Algerian soldiers", "2019-12-19", None, 1),
    _a("Military Forces of the United States", 8, "foreign", "US personnel", "2013-01-01", "2020-12-31", 1),
    _a("Private Security Forces (Mali)", 8, "private", "private security guards", weight=6),
    # Jihadist groups
    _a("JNIM: Group for Support of Islam and Muslims", 2, "jnim", "JNIM militants", "2017-03-02", None, 1000),
    _a("Katiba Macina", 2, "jnim", "Katiba Macina fighters", "2015-01-01", None, 70),
    _a("Katiba Serma", 2, "jnim", "Katiba Serma fighters", "2017-06-01", None, 18),
    _a("Katiba Gourma", 2, "jnim", "Katiba Gourma fighters", "2018-01-01", None, 6),
    _a("Katiba Khalid Ibn Walid", 2, "jnim", "Katiba Khalid Ibn Walid fighters", "2016-01-01", None, 4),
    _a("Ansar Dine", 2, "jihad_old", "Ansar Dine fighters", end="2017-03-02", weight=90),
    _a("AQIM: Al Qaeda in the Islamic Maghreb", 2, "jihad_old", "AQIM fighters", weight=50),
    _a(
        "MUJAO: Movement for Unity and Jihad in West Africa",
        2,
        "jihad_old",
        "MUJAO fighters",
        end="2013-08-22",
        weight=80,
    ),
    _a("Al Mourabitoune", 2, "jihad_old", "Al Mourabitoune fighters", "2013-08-22", "2017-03-02", 40),
    _a("Ansarul Islam", 2, "jnim", "Ansarul Islam fighters", "2016-12-01", None, 8),
    _a("Islamic State (Greater Sahara)", 2, "is", "ISGS militants", "2015-05-15", "2019-03-01", 250),
    _a(
        "Islamic State (West Africa) - Greater Sahara Faction",
        2,
        "is",
        "ISWAP-GS militants",
        "2019-03-01",
        "2022-03-21",
        320,
    ),
    _a("Islamic State (Sahel)", 2, "is", "IS Sahel militants", "2022-03-21", None, 380),
    _a(
        "JNIM: Group for Support of Islam and Muslims and/or Islamic State (Sahel)",
        2,
        "jnim",
        "jihadist militants",
        "2022-03-21",
        None,
        25,
    ),
    # Northern armed groups
    _a(
        "MNLA: National Movement for the Liberation of Azawad", 2, "rebel", "MNLA fighters", end="2017-12-31", weight=70
    ),
    _a("CMA: Coordination of Azawad Movements", 2, "rebel", "CMA fighters", "2014-06-09", "2024-05-02", 60),
    _a("HCUA: High Council for the Unity of Azawad", 2, "rebel", "HCUA fighters", "2013-05-02", "2024-05-02", 25),
    _a("MAA: Arab Movement of Azawad", 2, "rebel", "MAA fighters", weight=22),
    _a("CPA: Coalition of the People of Azawad", 2, "rebel", "CPA fighters", "2014-03-18", "2021-12-31", 4),
    _a("CJA: Congress for Justice in Azawad", 2, "rebel", "CJA fighters", "2016-10-01", "2021-12-31", 3),
    _a(
        "CSP-DPA: Permanent Strategic Framework for the Defense of the People of Azawad",
        2,
        "rebel",
        "CSP-DPA fighters",
        "2024-05-02",
        "2024-11-30",
        30,
    ),
    _a("FLA: Azawad Liberation Front", 2, "rebel", "FLA fighters", "2024-11-30", None, 45),
    _a("GATIA: Imghad Tuareg Self-Defense Group and Allies", 3, "progov", "GATIA fighters", "2014-08-14", None, 35),
    _a("MSA: Movement for the Salvation of Azawad", 3, "progov", "MSA fighters", "2016-09-02", None, 30),
    _a("Platform", 3, "progov", "Platform fighters", "2014-06-14", "2024-05-02", 18),
    _a("Ganda Izo", 3, "progov", "Ganda Izo militiamen", weight=5),
    _a("Ganda Koy", 3, "progov", "Ganda Koy militiamen", weight=3),
    # Identity militias
    _a("Dan Na Ambassagou", 4, "militia", "Dan Na Ambassagou militiamen", "2016-12-01", None, 130),
    _a("Dozo Communal Militia (Mali)", 4, "militia", "Dozo hunters", weight=150),
    _a("Fulani Ethnic Militia (Mali)", 4, "militia", "Fulani militiamen", weight=80),
    _a("Dogon Ethnic Militia (Mali)", 4, "militia", "Dogon militiamen", weight=60),
    _a("Bambara Ethnic Militia (Mali)", 4, "militia", "Bambara militiamen", weight=25),
    _a("Tuareg Ethnic Militia (Mali)", 4, "militia", "Tuareg militiamen", weight=15),
    _a("Arab Ethnic Militia (Mali)", 4, "militia", "Arab militiamen", weight=10),
    _a("Songhai Ethnic Militia (Mali)", 4, "militia", "Songhai militiamen", weight=6),
    _a("Bozo Ethnic Militia (Mali)", 4, "militia", "Bozo militiamen", weight=4),
    _a("Daoussahak Ethnic Militia (Mali)", 4, "militia", "Daoussahak militiamen", weight=8),
    _a("Imghad Tuareg Ethnic Militia (Mali)", 4, "militia", "Imghad militiamen", weight=4),
    _a("Fulani Ethnic Militia (Burkina Faso)", 4, "militia", "Fulani militiamen from Burkina Faso", weight=2),
    _a("Fulani Ethnic Group (Mali)", 4, "militia", "armed Fulani herders", weight=3),
    _a("Unidentified Communal Militia (Mali)", 4, "militia", "communal militiamen", weight=95),
    _a("Unidentified Armed Group (Mali)", 3, "unidentified", "unidentified gunmen", weight=750),
    # People
    _a("Civilians (Mali)", 7, "civilians", "civilians", weight=0),
    _a("Protesters (Mali)", 6, "protesters", "demonstrators", weight=0),
    _a("Rioters (Mali)", 5, "rioters", "rioters", weight=0),
]

#: Real Malian towns (accent-free, as ACLED spells them) that name communal militias.
MILITIA_TOWNS = _split(
    "Djenne Bandiagara Koro Bankass Niono Macina Tenenkou Youwarou Douentza Menaka Ansongo Bourem Gourma-Rharous "
    "Nara Nioro Diema Kita Kati San Tominian Bla Segou Baroueli Mopti Sofara Boni Hombori Gossi Tessit Labbezanga "
    "Konna Dioura Diafarabe Diabaly Dogofry Sokolo Kolongo Ke-Macina Monimpebougou Sansanding Markala Dialloube "
    "Sevare Fatoma Sokoura Ouenkoro Dinangourou Mondoro Boulkessi Diallassagou Ogossagou Sobane-Da Madougou Yoro "
    "Dioungani Ndaki Gathi-Loumo Ouatagouna Talataye Inekar Anderamboukane Tidermene Ber Goundam Dire Niafunke Lere "
    "Tonka Soumpi Dianke Nampala Farabougou Dogo Toguere-Koumbe Mourdiah Banamba Kolokani Koutiala Yorosso "
    "Sikasso Bougouni Kadiolo Kayes Yelimane Kenieba Bafoulabe Dire-Tindirma Tinzaouaten",
    " ",
)

_VICTIM_GROUPS = [
    ("Fulani Ethnic Group (Mali)", 60),
    ("Dogon Ethnic Group (Mali)", 18),
    ("Bambara Ethnic Group (Mali)", 10),
    ("Tuareg Ethnic Group (Mali)", 12),
    ("Arab Ethnic Group (Mali)", 5),
    ("Songhai Ethnic Group (Mali)", 5),
    ("Bozo Ethnic Group (Mali)", 4),
    ("Daoussahak Ethnic Group (Mali)", 6),
    ("Imghad Tuareg Ethnic Group (Mali)", 2),
    ("Mossi Ethnic Group (Mali)", 2),
    ("Dafing Ethnic Group (Mali)", 1),
    ("Women (Mali)", 12),
    ("Children (Mali)", 5),
    ("Farmers (Mali)", 7),
    ("Pastoralists (Mali)", 6),
    ("Traders (Mali)", 5),
    ("Miners (Mali)", 4),
    ("Transport Workers (Mali)", 4),
    ("Teachers (Mali)", 2),
    ("Health Workers (Mali)", 2),
    ("Aid Workers (Mali)", 2),
    ("Aid Workers (International)", 1),
    ("Journalists (Mali)", 1),
    ("Muslim Group (Mali)", 3),
    ("Christian Group (Mali)", 1),
    ("Refugees/IDPs (Mali)", 3),
    ("Prisoners (Mali)", 1),
    ("Government of Mali (2021-)", 2),
    ("Labor Group (Mali)", 1),
]
_PROTEST_GROUPS = [
    ("Labor Group (Mali)", 15),
    ("Students (Mali)", 12),
    ("Teachers (Mali)", 10),
    ("Women (Mali)", 8),
    ("Traders (Mali)", 6),
    ("Health Workers (Mali)", 4),
    ("Lawyers (Mali)", 2),
    ("Judges (Mali)", 1),
    ("Refugees/IDPs (Mali)", 3),
    ("Fulani Ethnic Group (Mali)", 4),
    ("Journalists (Mali)", 2),
    ("Muslim Group (Mali)", 4),
    ("Miners (Mali)", 2),
    ("M5-RFP: June 5th Movement - Rally of Patriotic Forces", 10),
    ("Yerewolo Debout sur les Remparts", 6),
    ("RPM: Rally for Mali", 4),
    ("URD: Union for the Republic and Democracy", 3),
    ("ADEMA-PASJ: Alliance for Democracy in Mali - African Party for Solidarity and Justice", 2),
    ("CNID: National Congress for Democratic Initiative", 1),
    ("SADI: African Solidarity for Democracy and Independence", 1),
]


def _catalogue():
    actors = list(_CORE_ACTORS)
    # Zipf-like tail: the k-th communal militia weighs 40 / k**0.8.
    for rank, town in enumerate(MILITIA_TOWNS, start=1):
        actors.append(
            _a(f"{town} Communal Militia (Mali)", 4, "communal", f"militiamen from {town}", weight=40 / rank**0.8)
        )
    seen = {a[0] for a in actors}
    for name, _weight in _VICTIM_GROUPS + _PROTEST_GROUPS:
        if name not in seen:
            seen.add(name)
            actors.append(_a(name, 7, "group", name.split(" (")[0].lower(), weight=0))
    return actors


_ACTORS = _catalogue()
NAMES = np.array([a[0] for a in _ACTORS], dtype=object)
INTER = np.array([a[1] for a in _ACTORS])
CATEGORY = np.array([a[2] for a in _ACTORS], dtype=object)
SHORT = np.array([a[3] for a in _ACTORS], dtype=object)
ACTIVE_FROM = np.array([a[4] for a in _ACTORS], dtype="datetime64[D]")
ACTIVE_TO = np.array([a[5] for a in _ACTORS], dtype="datetime64[D]")
WEIGHT = np.array([a[6] for a in _ACTORS])
CODE = {name: i for i, name in enumerate(NAMES)}
CIV, PROT, RIOT = CODE["Civilians (Mali)"], CODE["Protesters (Mali)"], CODE["Rioters (Mali)"]
NONE = -1


def _slip_variants() -> np.ndarray:
    """One typing slip per actor name (a doubled letter, a missing space, trailing spaces, another case)."""
    rng = np.random.default_rng(20240601)
    out = []
    for name in NAMES:
        if name in ("Civilians (Mali)", "Protesters (Mali)", "Rioters (Mali)"):
            out.append(name)
            continue
        kind = rng.integers(0, 5)
        letters = [i for i, c in enumerate(name) if c.isalpha()]
        spaces = [i for i, c in enumerate(name) if c == " "]
        if kind == 0 and letters:
            i = letters[rng.integers(0, len(letters))]
            out.append(name[: i + 1] + name[i] + name[i + 1 :])
        elif kind == 1 and spaces:
            i = spaces[rng.integers(0, len(spaces))]
            out.append(name[:i] + name[i + 1 :])
        elif kind == 2:
            out.append(name + " " * int(rng.integers(1, 3)))
        elif kind == 3:
            out.append(name.upper() if rng.random() < 0.3 else name.lower())
        else:
            out.append(" " + name if rng.random() < 0.3 else name.replace(": ", ":  ", 1).replace(" (", "(", 1))
    return np.array(out, dtype=object)


SLIPS = _slip_variants()

#: Actor pools, by category, with a weight multiplier.
POOLS: dict[str, dict[str, float]] = {
    "state": {"mali": 1.0, "police": 0.3, "wagner": 1.0, "foreign": 1.0},
    "mali": {"mali": 1.0, "foreign": 0.4},
    "police": {"police": 1.0, "mali": 0.01},
    "nonstate": {
        "jnim": 1.0,
        "is": 1.0,
        "jihad_old": 1.0,
        "rebel": 1.0,
        "progov": 1.0,
        "militia": 1.0,
        "communal": 1.0,
        "unidentified": 0.6,
        "private": 0.3,
    },
    "jihad": {"jnim": 1.0, "is": 1.0, "jihad_old": 1.0, "unidentified": 0.5},
    "armed": {
        "mali": 1.0,
        "police": 0.3,
        "wagner": 1.0,
        "foreign": 0.6,
        "jnim": 1.0,
        "is": 1.0,
        "jihad_old": 1.0,
        "rebel": 1.0,
        "progov": 1.0,
        "militia": 1.0,
        "communal": 1.0,
        "unidentified": 1.0,
        "private": 0.3,
    },
    # associates
    "assoc_state": {"wagner": 1.0, "police": 0.3, "foreign": 0.3},
    "assoc_mali": {"mali": 1.0},
    "assoc_jihad": {"jnim": 1.0, "jihad_old": 1.0, "militia": 0.1},
    "assoc_rebel": {"rebel": 1.0, "progov": 1.0, "militia": 0.1},
    "assoc_militia": {"militia": 1.0, "communal": 1.0},
}
_EXTRA_POOLS = {"victims": _VICTIM_GROUPS, "protest_groups": _PROTEST_GROUPS}
POOL_IDS = {name: i for i, name in enumerate([*POOLS, *_EXTRA_POOLS])}


def _pool_weights(pool: str) -> np.ndarray:
    if pool in _EXTRA_POOLS:
        weights = np.zeros(len(NAMES))
        for name, weight in _EXTRA_POOLS[pool]:
            weights[CODE[name]] = weight
        return weights
    multiplier = np.array([POOLS[pool].get(c, 0.0) for c in CATEGORY])
    return WEIGHT * multiplier


_POOL_WEIGHTS = np.stack([_pool_weights(p) for p in POOL_IDS])
_BREAKS = np.unique(np.concatenate([ACTIVE_FROM, ACTIVE_TO, [FIRST_DAY, LAST_DAY + 1]]))


def _sample_actors(rng, pool_id: np.ndarray, days: np.ndarray) -> np.ndarray:
    """An actor code for each row from its pool, restricted to the actors active on its date; -1 where pool_id < 0."""
    out = np.full(len(pool_id), NONE)
    segment = np.searchsorted(_BREAKS, days, side="right") - 1
    for pool in np.unique(pool_id[pool_id >= 0]):
        in_pool = pool_id == pool
        for seg in np.unique(segment[in_pool]):
            rows = np.flatnonzero(in_pool & (segment == seg))
            day = _BREAKS[seg]
            weights = _POOL_WEIGHTS[pool] * ((day >= ACTIVE_FROM) & (day < ACTIVE_TO))
            if weights.sum() == 0:
                weights = _POOL_WEIGHTS[pool]
            out[rows] = rng.choice(len(NAMES), size=len(rows), p=weights / weights.sum())
    return out


# --------------------------------------------------------------------------------------------------
# Places: (admin1, admin2, location, latitude, longitude, weight)
# --------------------------------------------------------------------------------------------------
_PLACES = [
    ("Mopti", "Mopti", "Mopti", 14.4843, -4.1827, 20),
    ("Mopti", "Mopti", "Sevare", 14.5283, -4.0935, 10),
    ("Mopti", "Mopti", "Konna", 14.9410, -3.8930, 12),
    ("Mopti", "Mopti", "Sokoura", 14.4210, -3.9960, 5),
    ("Mopti", "Djenne", "Djenne", 13.9061, -4.5532, 14),
    ("Mopti", "Djenne", "Sofara", 14.0167, -4.2500, 8),
    ("Mopti", "Djenne", "Moura", 14.1300, -4.5100, 4),
    ("Mopti", "Bandiagara", "Bandiagara", 14.3500, -3.6100, 18),
    ("Mopti", "Bandiagara", "Dourou", 14.2920, -3.4240, 4),
    ("Mopti", "Bankass", "Bankass", 14.0756, -3.5172, 16),
    ("Mopti", "Bankass", "Ogossagou", 14.2670, -3.4330, 4),
    ("Mopti", "Bankass", "Diallassagou", 13.9830, -3.6660, 4),
    ("Mopti", "Koro", "Koro", 14.0680, -3.0820, 18),
    ("Mopti", "Koro", "Dinangourou", 14.4380, -2.3420, 6),
    ("Mopti", "Koro", "Madougou", 14.2290, -2.8320, 4),
    ("Mopti", "Douentza", "Douentza", 15.0030, -2.9510, 16),
    ("Mopti", "Douentza", "Boni", 15.0680, -2.2230, 10),
    ("Mopti", "Douentza", "Hombori", 15.2820, -1.6980, 8),
    ("Mopti", "Douentza", "Mondoro", 14.6790, -1.9590, 6),
    ("Mopti", "Douentza", "Boulkessi", 14.7020, -1.6270, 5),
    ("Mopti", "Tenenkou", "Tenenkou", 14.4580, -4.9160, 10),
    ("Mopti", "Tenenkou", "Dioura", 14.8500, -5.2500, 8),
    ("Mopti", "Tenenkou", "Toguere-Koumbe", 14.5020, -4.6580, 5),
    ("Mopti", "Youwarou", "Youwarou", 15.3730, -4.2610, 8),
    ("Segou", "Segou", "Segou", 13.4317, -6.2157, 12),
    ("Segou", "Segou", "Dioro", 13.4500, -5.7200, 3),
    ("Segou", "Niono", "Niono", 14.2526, -5.9930, 14),
    ("Segou", "Niono", "Diabaly", 14.6800, -6.0200, 8),
    ("Segou", "Niono", "Farabougou", 14.2630, -6.1500, 6),
    ("Segou", "Niono", "Dogofry", 14.7000, -5.4600, 5),
    ("Segou", "Niono", "Sokolo", 14.7330, -6.1230, 4),
    ("Segou", "Macina", "Macina", 13.9560, -5.3580, 10),
    ("Segou", "Macina", "Diafarabe", 14.1500, -4.9800, 4),
    ("Segou", "Macina", "Kolongo", 13.8670, -5.6000, 3),
    ("Segou", "San", "San", 13.3035, -4.8956, 8),
    ("Segou", "Tominian", "Tominian", 13.2830, -4.3900, 6),
    ("Segou", "Bla", "Bla", 12.9500, -5.7600, 4),
    ("Segou", "Baroueli", "Baroueli", 13.0750, -6.5720, 3),
    ("Timbuktu", "Timbuktu", "Timbuktu", 16.7735, -3.0074, 14),
    ("Timbuktu", "Timbuktu", "Ber", 16.8600, -2.5500, 6),
    ("Timbuktu", "Goundam", "Goundam", 16.4145, -3.6708, 8),
    ("Timbuktu", "Goundam", "Tonka", 16.0980, -3.9930, 4),
    ("Timbuktu", "Dire", "Dire", 16.2800, -3.3840, 6),
    ("Timbuktu", "Niafunke", "Niafunke", 15.9320, -3.9906, 7),
    ("Timbuktu", "Niafunke", "Lere", 15.7180, -4.9130, 6),
    ("Timbuktu", "Gourma-Rharous", "Gourma-Rharous", 16.8780, -1.9300, 6),
    ("Timbuktu", "Gourma-Rharous", "Gossi", 15.8200, -1.3000, 8),
    ("Timbuktu", "Gourma-Rharous", "Inadiatafane", 15.4500, -1.7800, 3),
    ("Gao", "Gao", "Gao", 16.2717, -0.0447, 16),
    ("Gao", "Gao", "Soni Ali Ber", 16.2200, -0.1000, 3),
    ("Gao", "Ansongo", "Ansongo", 15.6597, 0.5022, 10),
    ("Gao", "Ansongo", "Labbezanga", 14.9530, 0.6950, 5),
    ("Gao", "Ansongo", "Tessit", 15.1330, 0.2670, 7),
    ("Gao", "Ansongo", "Ouatagouna", 15.1800, 0.7200, 5),
    ("Gao", "Ansongo", "Talataye", 15.3800, 0.8700, 4),
    ("Gao", "Bourem", "Bourem", 16.9533, -0.3497, 8),
    ("Gao", "Bourem", "Tarkint", 17.4000, 0.2500, 4),
    ("Menaka", "Menaka", "Menaka", 15.9182, 2.4022, 14),
    ("Menaka", "Menaka", "Inekar", 15.9330, 3.1500, 5),
    ("Menaka", "Menaka", "Anderamboukane", 15.4200, 3.0300, 6),
    ("Menaka", "Tidermene", "Tidermene", 16.1300, 1.9800, 4),
    ("Kidal", "Kidal", "Kidal", 18.4411, 1.4078, 10),
    ("Kidal", "Kidal", "Anefis", 18.0500, 0.6000, 5),
    ("Kidal", "Tessalit", "Tessalit", 20.2017, 1.0112, 5),
    ("Kidal", "Tessalit", "Aguelhok", 19.4610, 0.8580, 6),
    ("Kidal", "Tin-Essako", "Tinzaouaten", 19.9550, 2.9650, 4),
    ("Kidal", "Abeibara", "Abeibara", 19.1170, 1.7500, 2),
    ("Koulikoro", "Kati", "Kati", 12.7441, -8.0726, 8),
    ("Koulikoro", "Koulikoro", "Koulikoro", 12.8627, -7.5599, 4),
    ("Koulikoro", "Nara", "Nara", 15.1681, -7.2863, 6),
    ("Koulikoro", "Nara", "Mourdiah", 14.4700, -7.4700, 3),
    ("Koulikoro", "Banamba", "Banamba", 13.5470, -7.4480, 3),
    ("Koulikoro", "Kolokani", "Kolokani", 13.5730, -8.0330, 3),
    ("Koulikoro", "Dioila", "Dioila", 12.4950, -6.7930, 2),
    ("Sikasso", "Sikasso", "Sikasso", 11.3176, -5.6665, 4),
    ("Sikasso", "Bougouni", "Bougouni", 11.4170, -7.4830, 4),
    ("Sikasso", "Koutiala", "Koutiala", 12.3917, -5.4642, 4),
    ("Sikasso", "Yorosso", "Yorosso", 12.3560, -4.7760, 2),
    ("Sikasso", "Kadiolo", "Kadiolo", 10.5560, -5.7630, 2),
    ("Kayes", "Kayes", "Kayes", 14.4469, -11.4445, 4),
    ("Kayes", "Nioro", "Nioro du Sahel", 15.2300, -9.5900, 3),
    ("Kayes", "Diema", "Diema", 14.5400, -9.1800, 3),
    ("Kayes", "Kita", "Kita", 13.0350, -9.4900, 3),
    ("Kayes", "Kenieba", "Kenieba", 12.8400, -11.2400, 2),
    ("Kayes", "Yelimane", "Yelimane", 15.1200, -10.5700, 1),
    ("Bamako", "Bamako", "Bamako", 12.6392, -8.0029, 10),
    ("Bamako", "Bamako", "Bamako-Commune IV", 12.6500, -8.0500, 2),
    ("Bamako", "Bamako", "Bamako-Commune VI", 12.5800, -7.9500, 2),
]
P_ADMIN1 = np.array([p[0] for p in _PLACES], dtype=object)
P_ADMIN2 = np.array([p[1] for p in _PLACES], dtype=object)
P_LOC = np.array([p[2] for p in _PLACES], dtype=object)
P_LAT = np.array([p[3] for p in _PLACES])
P_LON = np.array([p[4] for p in _PLACES])
P_WEIGHT = np.array([p[5] for p in _PLACES], dtype=float)
BAMAKO = np.flatnonzero(P_ADMIN1 == "Bamako")
REGION_CENTROID = {
    "Mopti": (14.60, -3.80),
    "Segou": (13.80, -5.90),
    "Timbuktu": (17.50, -3.50),
    "Gao": (16.50, 0.20),
    "Menaka": (15.80, 2.70),
    "Kidal": (19.30, 1.40),
    "Koulikoro": (13.60, -7.60),
    "Sikasso": (11.70, -6.20),
    "Kayes": (14.00, -10.40),
    "Bamako": (12.63, -8.00),
}
#: French or accented spellings that real exports and notes mix in.
ACCENTED = {
    "Segou": "Ségou",
    "Timbuktu": "Tombouctou",
    "Menaka": "Ménaka",
    "Djenne": "Djenné",
    "Tenenkou": "Ténenkou",
    "Niafunke": "Niafunké",
    "Dire": "Diré",
    "Diema": "Diéma",
    "Kenieba": "Kéniéba",
    "Lere": "Léré",
    "Sevare": "Sévaré",
    "Yelimane": "Yélimané",
    "Baroueli": "Barouéli",
    "Toguere-Koumbe": "Toguéré-Koumbé",
    "Inekar": "Inékar",
    "Tidermene": "Tidermène",
    "Anefis": "Anéfis",
}

# --------------------------------------------------------------------------------------------------
# Event kinds
# --------------------------------------------------------------------------------------------------
# (event_type, sub_event_type, disorder_type, weight, actor1 options, actor2 options,
#  P(fatalities > 0), lognormal mu, sigma, P(50-200 killed), old event type)
# Actor options: (pool or "CIV"/"PROT"/"RIOT"/"NONE", probability).
PV, DEM, SD = "Political violence", "Demonstrations", "Strategic developments"
KINDS = [
    ("Battles", "Armed clash", PV, 26.0, [("armed", 1)], [("battle", 1)], 0.62, 1.1, 1.0, 0.012, "Battle-No change of territory"),
    ("Battles", "Government regains territory", PV, 0.8, [("state", 1)], [("nonstate", 1)], 0.5, 1.0, 1.0, 0.01, "Battle-Government regains territory"),
    ("Battles", "Non-state actor overtakes territory", PV, 0.8, [("nonstate", 1)], [("armed", 1)], 0.55, 1.2, 1.0, 0.02, "Battle-Non-state actor overtakes territory"),
    ("Violence against civilians", "Attack", PV, 24.0, [("armed", 1)], [("CIV", 1)], 0.76, 0.6, 0.9, 0.01, "Violence against civilians"),
    ("Violence against civilians", "Abduction/forced disappearance", PV, 7.0, [("armed", 1)], [("CIV", 1)], 0.05, 0.2, 0.6, 0.0, "Violence against civilians"),
    ("Violence against civilians", "Sexual violence", PV, 0.8, [("armed", 1)], [("CIV", 1)], 0.1, 0.1, 0.5, 0.0, "Violence against civilians"),
    ("Explosions/Remote violence", "Air/drone strike", PV, 4.0, [("mali", 1)], [("jihad", 0.55), ("CIV", 0.45)], 0.65, 1.3, 1.0, 0.015, "Remote violence"),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED", PV, 8.5, [("jihad", 1)], [("state", 0.55), ("CIV", 0.4), ("NONE", 0.05)], 0.45, 0.9, 0.9, 0.003, "Remote violence"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", PV, 2.0, [("jihad", 0.85), ("state", 0.15)], [("state", 0.75), ("CIV", 0.2), ("NONE", 0.05)], 0.3, 0.5, 0.8, 0.0, "Remote violence"),
    ("Strategic developments", "Looting/property destruction", SD, 5.5, [("armed", 1)], [("CIV", 0.9), ("NONE", 0.1)], 0.04, 0.2, 0.5, 0.0, "Strategic development"),
    ("Strategic developments", "Arrests", SD, 3.0, [("state", 1)], [("CIV", 0.7), ("jihad", 0.3)], 0.02, 0.1, 0.5, 0.0, "Strategic development"),
    ("Strategic developments", "Change to group/activity", SD, 1.5, [("armed", 1)], [("NONE", 0.8), ("CIV", 0.2)], 0.0, 0.0, 0.1, 0.0, "Strategic development"),
    ("Strategic developments", "Disrupted weapons use", SD, 1.2, [("state", 1)], [("jihad", 0.5), ("NONE", 0.5)], 0.03, 0.2, 0.5, 0.0, "Strategic development"),
    ("Strategic developments", "Headquarters or base established", SD, 0.4, [("armed", 1)], [("NONE", 1)], 0.0, 0.0, 0.1, 0.0, "Headquarters or base established"),
    ("Strategic developments", "Non-violent transfer of territory", SD, 0.3, [("armed", 1)], [("NONE", 0.6), ("armed", 0.4)], 0.0, 0.0, 0.1, 0.0, "Non-violent transfer of territory"),
    ("Strategic developments", "Agreement", SD, 0.3, [("armed", 1)], [("armed", 1)], 0.0, 0.0, 0.1, 0.0, "Strategic development"),
    ("Strategic developments", "Other", SD, 0.4, [("armed", 1)], [("NONE", 0.7), ("CIV", 0.3)], 0.02, 0.1, 0.5, 0.0, "Strategic development"),
    ("Protests", "Peaceful protest", DEM, 6.0, [("PROT", 1)], [("NONE", 1)], 0.0, 0.0, 0.1, 0.0, "Riots/Protests"),
    ("Protests", "Protest with intervention", DEM, 0.7, [("PROT", 1)], [("police", 1)], 0.03, 0.1, 0.5, 0.0, "Riots/Protests"),
    ("Protests", "Excessive force against protesters", "Political violence; Demonstrations", 0.35, [("police", 1)], [("PROT", 1)], 0.6, 0.8, 0.8, 0.0, "Riots/Protests"),
    ("Riots", "Violent demonstration", DEM, 1.6, [("RIOT", 1)], [("NONE", 0.5), ("police", 0.5)], 0.08, 0.2, 0.6, 0.0, "Riots/Protests"),
    ("Riots", "Mob violence", PV, 1.4, [("RIOT", 1)], [("CIV", 0.7), ("RIOT", 0.1), ("NONE", 0.2)], 0.35, 0.2, 0.6, 0.0, "Riots/Protests"),
]  # fmt: skip
K_EVENT = np.array([k[0] for k in KINDS], dtype=object)
K_SUB = np.array([k[1] for k in KINDS], dtype=object)
K_DISORDER = np.array([k[2] for k in KINDS], dtype=object)
K_WEIGHT = np.array([k[3] for k in KINDS])
K_P_FATAL = np.array([k[6] for k in KINDS])
K_MU = np.array([k[7] for k in KINDS])
K_SIGMA = np.array([k[8] for k in KINDS])
K_P_LARGE = np.array([k[9] for k in KINDS])
K_OLD = np.array([k[10] for k in KINDS], dtype=object)
SUB = {k[1]: i for i, k in enumerate(KINDS)}
_SPECIAL = {"CIV": CIV, "PROT": PROT, "RIOT": RIOT, "NONE": NONE}

YEAR_WEIGHTS = {
    2012: 4,
    2013: 4,
    2014: 2,
    2015: 3,
    2016: 3,
    2017: 4,
    2018: 7,
    2019: 9,
    2020: 10,
    2021: 10,
    2022: 13,
    2023: 12,
    2024: 12,
    2025: 11,
    2026: 9,
}

SOURCES = [
    ("Studio Tamani", 30),
    ("RFI", 25),
    ("AFP", 18),
    ("Le Republicain (Mali)", 10),
    ("Malijet", 14),
    ("Maliweb", 10),
    ("Kibaru", 6),
    ("Twitter", 16),
    ("Facebook", 8),
    ("Menastream", 12),
    ("Al Zallaqa", 9),
    ("Amaq", 6),
    ("FAMa", 15),
    ("MINUSMA", 6),
    ("Human Rights Watch", 3),
    ("Amnesty International", 2),
    ("Reuters", 8),
    ("Jeune Afrique", 5),
    ("Le Monde", 3),
    ("Xinhua", 4),
    ("Local Source", 14),
    ("Kal Akal", 5),
    ("Sahelien", 4),
    ("L'Essor", 4),
    ("Aljazeera", 2),
    ("OCHA", 2),
    ("Mali Actu", 3),
    ("Wamaps", 4),
    ("Radio Kledu", 2),
    ("WhatsApp", 3),
]
SCALES = [
    ("National", 30),
    ("Local partner-National", 12),
    ("Subnational", 10),
    ("New media", 12),
    ("National-International", 10),
    ("International", 8),
    ("Local partner-Other", 4),
    ("New media-National", 8),
    ("Other-National", 3),
    ("Subnational-National", 3),
]


def _choice(rng, options, size):
    labels = np.array([o[0] for o in options], dtype=object)
    weights = np.array([o[1] for o in options], dtype=float)
    return labels[rng.choice(len(labels), size=size, p=weights / weights.sum())]


def _pick(rng, n: int, items):
    return np.asarray(items, dtype=object)[rng.integers(0, len(items), n)]


# --------------------------------------------------------------------------------------------------
# Notes
# --------------------------------------------------------------------------------------------------
_OPENINGS = {
    "Armed clash": [
        "{when}, {a1} clashed with {a2} near {loc} ({cercle}, {region}).",
        "{when}, {a1} and {a2} exchanged fire for several hours around {loc}, in the {cercle} cercle.",
        "{when}, fighting broke out between {a1} and {a2} on the road from {loc} to {other}.",
        "{when}, {a1} ambushed a patrol of {a2} about 20 km from {loc} ({region}).",
        "{when}, {a1} attacked a position held by {a2} in {loc}, and the fighting lasted until the evening.",
    ],
    "Government regains territory": [
        "{when}, {a1} took back control of {loc} ({cercle}) from {a2} after a brief fight.",
        "{when}, {a1} re-entered {loc}, which {a2} had held for several weeks.",
    ],
    "Non-state actor overtakes territory": [
        "{when}, {a1} seized {loc} ({region}) after {a2} withdrew from its camp.",
        "{when}, {a1} overran the military camp of {loc} and raised its flag over the town.",
    ],
    "Attack": [
        "{when}, {a1} attacked the village of {loc} ({cercle}, {region}), shooting at residents and burning granaries.",
        "{when}, {a1} killed villagers near {loc} and set fire to several huts.",
        "{when}, {a1} stopped a bus travelling between {loc} and {other} and shot some of its passengers.",
        "{when}, {a1} raided a weekly market in {loc}, firing on traders and herders.",
        "{when}, {a1} executed residents of {loc} whom they accused of informing for the other side.",
        "{when}, {a1} opened fire on a wedding party on the outskirts of {loc}.",
    ],
    "Abduction/forced disappearance": [
        "{when}, {a1} abducted {k} civilians, including a village chief, near {loc} ({cercle}).",
        "{when}, {a1} took away {k} men from the market of {loc}; their families have had no news since.",
        "{when}, {a1} kidnapped a teacher and {k} other people on the road between {loc} and {other}.",
    ],
    "Sexual violence": [
        "{when}, {a1} subjected women collecting firewood near {loc} to sexual violence.",
        "{when}, {a1} assaulted {k} women during a raid on {loc} ({cercle}).",
    ],
    "Air/drone strike": [
        "{when}, a drone strike by {a1} hit {a2} near {loc} ({cercle}, {region}).",
        "{when}, {a1} carried out air strikes on a gathering of {a2} close to {loc}.",
        "{when}, an armed drone operated by {a1} struck a vehicle carrying {a2} on a track west of {loc}.",
    ],
    "Remote explosive/landmine/IED": [
        "{when}, a vehicle of {a2} struck an improvised explosive device between {loc} and {other}.",
        "{when}, a mine attributed to {a1} exploded under a truck carrying {a2} near {loc} ({region}).",
        "{when}, an IED planted by {a1} went off as {a2} passed near {loc}.",
    ],
    "Shelling/artillery/missile attack": [
        "{when}, {a1} fired mortar rounds at the camp of {a2} in {loc}.",
        "{when}, shells fired by {a1} landed inside {loc} ({cercle}), close to the position of {a2}.",
    ],
    "Looting/property destruction": [
        "{when}, {a1} looted shops and took livestock from herders in {loc} ({cercle}).",
        "{when}, {a1} burned houses and granaries in {loc} and drove away cattle.",
        "{when}, {a1} destroyed a telephone mast and stole motorbikes in {loc}.",
    ],
    "Arrests": [
        "{when}, {a1} arrested {k} people in {loc} ({region}) on suspicion of links with armed groups.",
        "{when}, {a1} detained a local official in {loc} and took him to an unknown location.",
    ],
    "Change to group/activity": [
        "{when}, {a1} imposed a blockade on {loc} and ordered residents not to travel to {other}.",
        "{when}, {a1} announced new rules in {loc}, forbidding music at weddings.",
    ],
    "Disrupted weapons use": [
        "{when}, {a1} defused an explosive device found on the road near {loc}.",
        "{when}, {a1} foiled an attempted attack on {loc} and seized weapons and motorbikes.",
    ],
    "Headquarters or base established": [
        "{when}, {a1} set up a new base in {loc} ({cercle}).",
    ],
    "Non-violent transfer of territory": [
        "{when}, {a1} withdrew from its camp at {loc}, which was handed over without fighting.",
    ],
    "Agreement": [
        "{when}, {a1} and {a2} agreed on a local truce in {loc}, brokered by religious leaders.",
    ],
    "Other": [
        "{when}, {a1} held a meeting with residents of {loc} and collected zakat.",
    ],
    "Peaceful protest": [
        "{when}, about {k}0 residents of {loc} marched to denounce insecurity on the road to {other}.",
        "{when}, {a1} gathered in {loc} ({region}) to demand the payment of salary arrears.",
        "{when}, {a1} held a sit-in in front of the governor's office in {loc}, calling for better protection.",
        "{when}, hundreds of {a1} rallied in {loc} in support of the transitional authorities.",
    ],
    "Protest with intervention": [
        "{when}, {a2} dispersed a march of {a1} in {loc} with tear gas.",
        "{when}, {a2} broke up a sit-in in {loc} and briefly detained several demonstrators.",
    ],
    "Excessive force against protesters": [
        "{when}, {a1} fired live rounds at {a2} in {loc} who were demanding the resignation of the government.",
        "{when}, {a1} shot at {a2} who had blocked a road in {loc} after the arrest of a religious leader.",
    ],
    "Violent demonstration": [
        "{when}, youths in {loc} burned tyres and threw stones at the gendarmerie after a killing in the area.",
        "{when}, {a1} ransacked the town hall of {loc} over a land dispute.",
    ],
    "Mob violence": [
        "{when}, a crowd in {loc} beat a man accused of stealing a motorbike.",
        "{when}, residents of {loc} attacked {a2} they accused of witchcraft.",
    ],
}
_FATALITIES = [
    ("No casualties were reported.", "There was no report of deaths.", "Nobody was hurt, according to local sources."),
    ("The toll is unknown.", "The number of victims was not reported.", "Sources did not give a toll."),
    (
        "One person was killed, according to local sources.",
        "At least one person was killed.",
        "One death was reported by a local official.",
        "Sources reported one death, while others said several people had died.",
    ),
    (
        "{n} people were killed, according to local sources.",
        "At least {n} were killed, among them {role}.",
        "The toll was {n} dead, according to a local official.",
        "Sources put the death toll at {n}, while others gave a higher figure.",
    ),
]
_HEDGE_SUBJECT = [
    "suspected {a1}",
    "presumed {a1}",
    "gunmen allegedly belonging to {a1}",
    "men reportedly from {a1}",
]
_HEDGE_TAIL = [
    " {A1} claimed responsibility for the attack.",
    " {A1} claimed responsibility the next day in a statement.",
    " {A1} denied any involvement.",
    " The army denied that civilians had been killed.",
    " The group did not claim the attack.",
    " No group has claimed responsibility.",
    " Residents blamed {other_actor}, but this could not be confirmed.",
    " The victims were not suspected of any link with armed groups, according to their relatives.",
    " Those arrested were not suspected of anything, a relative said.",
    " It is unclear whether {other_actor} were also involved.",
    " Reportedly, the attackers came on motorbikes from the direction of {other}.",
]
_QUOTES = [
    ' A witness described the scene as "a massacre".',
    ' A statement called the operation "a complete success".',
    ' A local leader said "everyone has fled, the village is empty".',
    ' Residents said the men shouted "nobody moves" before opening fire.',
]
_FRENCH = [
    " Un habitant cité par une radio locale a déclaré : « ils sont venus à moto, très nombreux ».",
    " Selon une source sécuritaire, « la situation est sous contrôle ».",
    " Les habitants de {fr_loc} parlent d'une « journée noire ».",
    " The mayor of {fr_loc} spoke of « une situation très préoccupante ».",
    " Des sources locales à {fr_loc} évoquent des pertes « importantes ».",
]
_ROLES = ("soldiers", "fighters from both sides", "several civilians", "militants", "a child")


def _notes(rng, n, kind, a1, a2, dates, precision, place, locations, cercles, regions, fatalities):
    """English notes with a controlled share of hedges, quotes, French and line breaks."""
    sub = K_SUB[kind]
    template_ix = rng.integers(0, 1000, n)
    # Hedges only where attribution is in question: violence and looting, not demonstrations.
    violent = np.isin(K_EVENT[kind], ["Battles", "Violence against civilians", "Explosions/Remote violence"])
    violent |= sub == "Looting/property destruction"
    lethal = K_P_FATAL[kind] > 0.3
    hedge_subject = np.where(violent & (rng.random(n) < 0.22), rng.integers(0, len(_HEDGE_SUBJECT), n), -1)
    hedge_tail = np.where(violent & (rng.random(n) < 0.28), rng.integers(0, len(_HEDGE_TAIL), n), -1)
    quote = np.where(rng.random(n) < 0.08, rng.integers(0, len(_QUOTES), n), -1)
    french = np.where(rng.random(n) < 0.07, rng.integers(0, len(_FRENCH), n), -1)
    newline = rng.random(n) < 0.04
    fat_ix = rng.integers(0, 4, n)
    k = rng.integers(2, 15, n)
    # another place of the same region: the places are listed region by region
    other = P_LOC[(place + rng.choice([-2, -1, 1, 2], size=n)) % len(P_LOC)]
    other_actor = SHORT[
        rng.choice(len(NAMES), size=n, p=_POOL_WEIGHTS[POOL_IDS["armed"]] / _POOL_WEIGHTS[POOL_IDS["armed"]].sum())
    ]
    roles = _pick(rng, n, _ROLES)
    short1 = np.where(a1 >= 0, SHORT[np.maximum(a1, 0)], "unidentified men")
    short2 = np.where(a2 >= 0, SHORT[np.maximum(a2, 0)], "local people")
    day = dates.astype("datetime64[D]").astype(object)
    whens = [
        f"On {d.day} {MONTHS[d.month - 1]} {d.year}"
        if p == 1
        else (f"Around {d.day} {MONTHS[d.month - 1]} {d.year}" if p == 2 else f"In {MONTHS[d.month - 1]} {d.year}")
        for d, p in zip(day, precision, strict=True)
    ]
    out = []
    for i in range(n):
        s1 = short1[i]
        if hedge_subject[i] >= 0:
            s1 = _HEDGE_SUBJECT[hedge_subject[i]].format(a1=s1)
        options = _OPENINGS[sub[i]]
        text = options[template_ix[i] % len(options)].format(
            when=whens[i],
            a1=s1,
            a2=short2[i],
            loc=locations[i],
            cercle=cercles[i],
            region=regions[i],
            other=other[i],
            k=k[i],
        )
        f = fatalities[i]
        if f == 0:
            text += " " + _FATALITIES[1 if lethal[i] else 0][fat_ix[i] % 3]
        else:
            text += " " + _FATALITIES[2 if f == 1 else 3][fat_ix[i]].format(n=f, role=roles[i])
        if hedge_tail[i] >= 0:
            short = short1[i]
            text += _HEDGE_TAIL[hedge_tail[i]].format(
                A1=short[:1].upper() + short[1:], other_actor=other_actor[i], other=other[i]
            )
        if quote[i] >= 0:
            text += _QUOTES[quote[i]]
        if french[i] >= 0:
            text += _FRENCH[french[i]].format(fr_loc=ACCENTED.get(locations[i], locations[i]))
        if newline[i]:
            text = text.replace(". ", ".\n" if template_ix[i] % 2 else ".\n\n", 1)
        out.append(text)
    return out


# --------------------------------------------------------------------------------------------------
# ACLED
# --------------------------------------------------------------------------------------------------
def _dates(rng, n: int) -> np.ndarray:
    years = np.array(list(YEAR_WEIGHTS))
    weights = np.array(list(YEAR_WEIGHTS.values()), dtype=float)
    year = rng.choice(years, size=n, p=weights / weights.sum())
    start = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    length = np.where(year == 2026, (LAST_DAY - np.datetime64("2026-01-01")).astype(int) + 1, 365 + (year % 4 == 0))
    return start + (rng.random(n) * length).astype(int)


def _assoc(rng, actor: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Associated actors, as ACLED writes them (several separated by '; '), as codes; -1 for none."""
    n = len(actor)
    cat = np.where(actor >= 0, CATEGORY[np.maximum(actor, 0)], "")
    pool = np.full(n, -1)
    p = rng.random(n)
    rules = [  # category, pool, probability
        ("mali", "assoc_state", 0.22),
        ("police", "assoc_mali", 0.15),
        ("wagner", "assoc_mali", 0.35),
        ("foreign", "assoc_mali", 0.30),
        ("jnim", "assoc_jihad", 0.15),
        ("jihad_old", "assoc_jihad", 0.20),
        ("is", "assoc_militia", 0.06),
        ("rebel", "assoc_rebel", 0.30),
        ("progov", "assoc_rebel", 0.35),
        ("militia", "assoc_militia", 0.20),
        ("communal", "assoc_militia", 0.25),
        ("civilians", "victims", 0.55),
        ("protesters", "protest_groups", 0.55),
        ("rioters", "protest_groups", 0.15),
    ]
    for category, pool_name, prob in rules:
        pool[(cat == category) & (p < prob)] = POOL_IDS[pool_name]
    first = _sample_actors(rng, pool, days)
    second = _sample_actors(rng, np.where(rng.random(n) < 0.18, pool, -1), days)
    first[first == actor] = NONE
    second[(second == first) | (second == actor)] = NONE
    return np.stack([first, second], axis=1)


def _names(rng, codes: np.ndarray, slip_rate: float = 0.03) -> np.ndarray:
    names = np.where(rng.random(codes.shape) < slip_rate, SLIPS[np.maximum(codes, 0)], NAMES[np.maximum(codes, 0)])
    return np.where(codes >= 0, names, "")


def _join_assoc(names: np.ndarray) -> list[str]:
    return [f"{a}; {b}" if a and b else a or b for a, b in names]


def _interaction(i1: np.ndarray, i2: np.ndarray) -> np.ndarray:
    lo = np.where(i2 > 0, np.minimum(i1, i2), i1)
    hi = np.where(i2 > 0, np.maximum(i1, i2), 0)
    return lo * 10 + hi


def acled_events(n_events: int, seed: int = 0) -> pd.DataFrame:
    """``n_events`` synthetic Mali events in ACLED's per-event layout since 2023 (columns ``HEADER_2023``).

    All values are strings except none: every column is text, formatted as ACLED writes it, so that the
    frame can be written with ``to_csv`` unchanged. Sorted like an ACLED export (newest first).
    """
    rng = np.random.default_rng(seed)
    n = int(n_events)
    kind = rng.choice(len(KINDS), size=n, p=K_WEIGHT / K_WEIGHT.sum())
    days = np.sort(_dates(rng, n))[::-1]

    # actors -------------------------------------------------------------------------------------
    def side(options_index: int) -> np.ndarray:
        pool = np.full(n, -1)
        special = np.full(n, NONE)
        p = rng.random(n)
        for k, spec in enumerate(KINDS):
            options = spec[options_index]
            cumulative = np.cumsum([o[1] for o in options]) / sum(o[1] for o in options)
            rows = kind == k
            choice = np.searchsorted(cumulative, p[rows], side="right").clip(0, len(options) - 1)
            labels = np.array([o[0] for o in options], dtype=object)[choice]
            pool[np.flatnonzero(rows)] = [POOL_IDS.get(label, -1) if label != "battle" else -2 for label in labels]
            special[np.flatnonzero(rows)] = [_SPECIAL.get(label, NONE) for label in labels]
        return pool, special

    pool1, special1 = side(4)
    a1 = np.where(pool1 >= 0, _sample_actors(rng, pool1, days), special1)
    pool2, special2 = side(5)
    # Battles: the state fights non-state groups; non-state groups fight the state or each other.
    battle = pool2 == -2
    a1_state = np.isin(CATEGORY[np.maximum(a1, 0)], ["mali", "police", "wagner", "foreign"])
    pool2[battle] = np.where(
        a1_state[battle] | (rng.random(battle.sum()) < 0.45), POOL_IDS["nonstate"], POOL_IDS["state"]
    )
    a2 = np.where(pool2 >= 0, _sample_actors(rng, pool2, days), special2)
    for _ in range(3):  # the two sides are never the same actor
        same = (a2 == a1) & (a1 >= 0)
        if not same.any():
            break
        a2[same] = _sample_actors(rng, pool2[same], days[same])
    same = (a2 == a1) & (a1 >= 0)
    a2[same & (a1 != CODE["Unidentified Armed Group (Mali)"])] = CODE["Unidentified Armed Group (Mali)"]
    a2[same & (a1 == CODE["Unidentified Armed Group (Mali)"])] = CODE["Dozo Communal Militia (Mali)"]
    assoc1 = _assoc(rng, a1, days)
    assoc2 = _assoc(rng, a2, days)

    # fatalities ---------------------------------------------------------------------------------
    nonzero = rng.random(n) < K_P_FATAL[kind]
    fatal = np.floor(rng.lognormal(K_MU[kind], K_SIGMA[kind])).astype(int) + 1
    large = rng.random(n) < K_P_LARGE[kind]
    fatal = np.where(large, rng.integers(50, 201, n), np.minimum(fatal, 49))
    fatal = np.where(nonzero | large, fatal, 0)

    # places -------------------------------------------------------------------------------------
    protest = np.isin(K_EVENT[kind], ["Protests", "Riots"])
    place = rng.choice(len(_PLACES), size=n, p=P_WEIGHT / P_WEIGHT.sum())
    in_bamako = protest & (rng.random(n) < np.where(K_SUB[kind] == "Excessive force against protesters", 0.7, 0.4))
    place[in_bamako] = BAMAKO[rng.integers(0, len(BAMAKO), in_bamako.sum())]
    geo_precision = rng.choice([1, 2, 3], size=n, p=[0.66, 0.27, 0.07])
    time_precision = rng.choice([1, 2, 3], size=n, p=[0.80, 0.14, 0.06])
    admin1 = P_ADMIN1[place]
    centroid = np.array([REGION_CENTROID[a] for a in admin1]).reshape(n, 2)
    jitter = np.where(geo_precision == 2, 0.08, 0.0)
    lat = np.where(geo_precision == 3, centroid[:, 0], P_LAT[place] + rng.normal(0, 1, n) * jitter)
    lon = np.where(geo_precision == 3, centroid[:, 1], P_LON[place] + rng.normal(0, 1, n) * jitter)
    location = np.where(geo_precision == 3, admin1, P_LOC[place])
    # A share of exports spells regions and cercles in French or with accents.
    accent = rng.random(n) < 0.08
    admin1_text = np.array([ACCENTED.get(a, a) if f else a for a, f in zip(admin1, accent, strict=True)], dtype=object)
    admin2_text = np.array(
        [ACCENTED.get(a, a) if f else a for a, f in zip(P_ADMIN2[place], accent, strict=True)], dtype=object
    )
    admin3 = np.where(rng.random(n) < 0.7, P_LOC[place], "")

    # text ---------------------------------------------------------------------------------------
    notes = _notes(
        rng,
        n,
        kind,
        a1,
        a2,
        days,
        time_precision,
        place,
        list(location),
        list(admin2_text),
        list(admin1_text),
        fatal,
    )
    n_sources = rng.choice([1, 2, 3], size=n, p=[0.6, 0.3, 0.1])
    src = [_choice(rng, SOURCES, n) for _ in range(3)]
    source = ["; ".join(dict.fromkeys(s[:k])) for s, k in zip(zip(*src, strict=True), n_sources, strict=True)]
    tags = np.where(
        protest,
        _choice(rng, [("crowd size=no report", 6), ("crowd size=around 100", 2), ("crowd size=hundreds", 2)], n),
        np.where(rng.random(n) < 0.02, "local administrators", ""),
    )

    i1 = np.where(a1 >= 0, INTER[np.maximum(a1, 0)], 0)
    i2 = np.where(a2 >= 0, INTER[np.maximum(a2, 0)], 0)
    sub = K_SUB[kind]
    civ_target = (
        (K_EVENT[kind] == "Violence against civilians")
        | (
            np.isin(sub, ["Air/drone strike", "Remote explosive/landmine/IED", "Shelling/artillery/missile attack"])
            & (a2 == CIV)
        )
        | (sub == "Excessive force against protesters")
        | ((sub == "Mob violence") & (a2 == CIV))
    )
    numbers = np.arange(n, 0, -1) * 3 + rng.integers(0, 3, n) + 1000  # newest has the largest id, with gaps
    date_obj = days.astype(object)
    frame = pd.DataFrame(
        {
            "event_id_cnty": [f"MLI{k}" for k in numbers],
            "event_date": [f"{d.day:02d} {MONTHS[d.month - 1]} {d.year}" for d in date_obj],
            "year": [str(d.year) for d in date_obj],
            "time_precision": time_precision.astype(str),
            "disorder_type": K_DISORDER[kind],
            "event_type": K_EVENT[kind],
            "sub_event_type": sub,
            "actor1": _names(rng, a1),
            "assoc_actor_1": _join_assoc(_names(rng, assoc1)),
            "inter1": i1.astype(str),
            "actor2": _names(rng, a2),
            "assoc_actor_2": _join_assoc(_names(rng, assoc2)),
            "inter2": np.where(i2 > 0, i2.astype(str), ""),
            "interaction": _interaction(i1, i2).astype(str),
            "civilian_targeting": np.where(civ_target, "Civilian targeting", ""),
            "iso": "466",
            "region": "Western Africa",
            "country": "Mali",
            "admin1": admin1_text,
            "admin2": np.where(geo_precision == 3, "", admin2_text),
            "admin3": np.where(geo_precision == 3, "", admin3),
            "location": location,
            "latitude": [f"{x:.4f}" for x in lat],
            "longitude": [f"{x:.4f}" for x in lon],
            "geo_precision": geo_precision.astype(str),
            "source": source,
            "source_scale": _choice(rng, SCALES, n),
            "notes": notes,
            "fatalities": fatal.astype(str),
            "tags": tags,
            "timestamp": (
                np.minimum(
                    (days - np.datetime64("1970-01-01")).astype(int) * 86400 + rng.integers(7, 120, n) * 86400,
                    (LAST_DAY - np.datetime64("1970-01-01")).astype(int) * 86400 + 20 * 86400,
                )
                + rng.integers(0, 86400, n)
            ).astype(str),
        }
    )
    return frame[HEADER_2023]


def acled_export(n_events: int, shape: str = "2023", seed: int = 0) -> pd.DataFrame:
    """The events of ``acled_events(n_events, seed)`` in one of ACLED's export shapes (``SHAPES``)."""
    if shape not in SHAPES:
        raise ValueError(f"shape must be one of {sorted(SHAPES)}, not {shape!r}")
    return acled_export_from_events(acled_events(n_events, seed), shape)


def acled_export_from_events(events: pd.DataFrame, shape: str = "2023") -> pd.DataFrame:
    """Events in the 2023 per-event layout (``HEADER_2023`` columns, as text) in one of ACLED's export shapes."""
    if shape not in SHAPES:
        raise ValueError(f"shape must be one of {sorted(SHAPES)}, not {shape!r}")
    if shape == "2023":
        return events[HEADER_2023]
    frame = events.copy()
    frame["event_id_no_cnty"] = frame["event_id_cnty"].str[3:]
    frame["iso3"] = "MLI"
    if shape == "before_2019":
        frame["event_type"] = K_OLD[frame["sub_event_type"].map(SUB).to_numpy()]
        frame["data_id"] = [str(i) for i in range(1, len(frame) + 1)]
        return frame[HEADER_BEFORE_2019]
    # per actor: one row for actor1 and one for actor2 (when there is one), same event_id_cnty
    first = frame.copy()
    second = frame[frame["actor2"] != ""].copy()
    second["actor1"] = second["actor2"]
    second["assoc_actor_1"] = second["assoc_actor_2"]
    second["inter1"] = second["inter2"]
    first["_order"] = np.arange(len(first)) * 2
    second["_order"] = np.flatnonzero(frame["actor2"].to_numpy() != "") * 2 + 1
    rows = pd.concat([first, second]).sort_values("_order", kind="stable")
    rows["data_id"] = [str(i) for i in range(1, len(rows) + 1)]
    return rows[HEADER_PER_ACTOR].reset_index(drop=True)


#: Joint operations as ACLED codes them: (share of the actor1's events, associated actors written).
FAMA_2021 = "Military Forces of Mali (2021-)"
JNIM = "JNIM: Group for Support of Islam and Muslims"
WAGNER_ARRIVAL, AFRICA_CORPS_FROM = np.datetime64("2021-12-01"), np.datetime64("2025-06-06")


def acled_joint_events(n_events: int, seed: int = 0) -> pd.DataFrame:
    """``acled_events(n_events, seed)`` with joint operations coded as ACLED codes them: the Malian army as
    actor1 with Wagner Group (Africa Corps from June 2025) as associated actor in 45% of its events since
    Wagner's arrival, with a Dozo militia in 10% (a few with both); JNIM with identity labels as associated
    actors ("Fulani Ethnic Group (Mali)", "Pastoralists (Mali)") in 30% of its events."""
    events = acled_events(n_events, seed).copy()
    rng = np.random.default_rng(seed + 18)
    n = len(events)
    days = pd.to_datetime(events["event_date"], format="%d %B %Y").to_numpy().astype("datetime64[D]")
    draw = rng.random(n)
    actor1 = events["actor1"].str.strip()
    fama = actor1.eq(FAMA_2021).to_numpy() & (days >= WAGNER_ARRIVAL)
    russians = np.where(days >= AFRICA_CORPS_FROM, "Africa Corps", "Wagner Group")
    dozo = "Dozo Communal Militia (Mali)"
    assoc = events["assoc_actor_1"].to_numpy(dtype=object).copy()
    with_russians = fama & (draw < 0.45)
    both = fama & (draw >= 0.45) & (draw < 0.48)
    with_dozo = fama & (draw >= 0.48) & (draw < 0.58)
    assoc[with_russians] = russians[with_russians]
    assoc[both] = np.char.add(russians[both].astype(str), "; " + dozo)
    assoc[with_dozo] = dozo
    jnim = actor1.eq(JNIM).to_numpy()
    labels = np.where(
        rng.random(n) < 0.5, "Fulani Ethnic Group (Mali)", "Fulani Ethnic Group (Mali); Pastoralists (Mali)"
    )
    with_labels = jnim & (rng.random(n) < 0.30)
    assoc[with_labels] = labels[with_labels]
    events["assoc_actor_1"] = assoc
    return events


def write_acled_joint(path: str | Path, n_events: int, shape: str = "2023", seed: int = 0) -> Path:
    """Write ``acled_joint_events(n_events, seed)`` in one of ACLED's export shapes as UTF-8 CSV."""
    path = Path(path)
    frame = acled_export_from_events(acled_joint_events(n_events, seed), shape)
    path.write_text(_csv_text(frame), encoding="utf-8", newline="")
    return path


def _csv_text(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n")


def write_acled(path: str | Path, n_events: int, shape: str = "2023", seed: int = 0) -> Path:
    """Write ``acled_export(n_events, shape, seed)`` as UTF-8 CSV (LF line ends) and return the path."""
    path = Path(path)
    path.write_text(_csv_text(acled_export(n_events, shape, seed)), encoding="utf-8", newline="")
    return path


#: A massacre split over three records, as ACLED codes a multi-day attack (invented ids and words, shaped
#: like the Moura records): one perpetrator group, one place, days two apart, a note declaring the split and
#: stating the range across sources.
SPLIT_MASSACRE_NOTE = (
    "Between 27 and 31 March 2022, FAMa soldiers with foreign military personnel killed between 150-600 "
    "civilians in Moura (Djenne, Mopti), including about sixty militants, according to several sources. "
    "388 fatalities coded, split between 3 events."
)
SPLIT_MASSACRE = (("MLI996453", "27 March 2022", "130"), ("MLI996454", "29 March 2022", "129"),
                  ("MLI996455", "31 March 2022", "129"))  # fmt: skip


def split_massacre_rows(note: str = SPLIT_MASSACRE_NOTE, records=SPLIT_MASSACRE) -> pd.DataFrame:
    """The records of one massacre that ACLED split over several events (2023 columns, ``HEADER_2023``)."""
    rows = []
    for event_id, date, fatalities in records:
        row = dict.fromkeys(HEADER_2023, "")
        row.update(
            event_id_cnty=event_id,
            event_date=date,
            year=date[-4:],
            time_precision="1",
            disorder_type="Political violence",
            event_type="Violence against civilians",
            sub_event_type="Attack",
            actor1="Military Forces of Mali (2021-)",
            assoc_actor_1="Wagner Group",
            inter1="1",
            actor2="Civilians (Mali)",
            inter2="7",
            interaction="17",
            civilian_targeting="Civilian targeting",
            iso="466",
            region="Western Africa",
            country="Mali",
            admin1="Mopti",
            admin2="Djenne",
            admin3="Dialloube",
            location="Moura",
            latitude="14.1300",
            longitude="-4.5100",
            geo_precision="1",
            source="Human Rights Watch; United Nations; RFI",
            source_scale="International",
            notes=note,
            fatalities=fatalities,
            timestamp="1650000000",
        )
        rows.append(row)
    return pd.DataFrame(rows, columns=HEADER_2023)


def acled_export_with_split_massacre(n_events: int, seed: int = 0) -> pd.DataFrame:
    """``acled_export(n_events, "2023", seed)`` with the split massacre's records added (``split_massacre_rows``)."""
    return pd.concat([split_massacre_rows(), acled_export(n_events, "2023", seed)], ignore_index=True)


# --------------------------------------------------------------------------------------------------
# ACLED: sources and harms as analysts meet them (grades and victim groups)
# --------------------------------------------------------------------------------------------------
#: Labels ACLED writes in `source` that name no publisher (the importer's source_labels.csv says the same).
UNNAMED_SOURCES = ("Undisclosed Source", "Local Source")
_GROUP_SENTENCES = (
    " {n} civilians were killed, including {w} and {c}.",
    " Among the dead were {w} and {c}.",
    " Les victimes sont {n} civils tués, dont {w} et {c}.",
)
_WOUNDED_CHILDREN = " {c} children were wounded and taken to the health centre."
_COUNTER_CLAIM = ' The Malian army said it had killed {n} "terrorists" in the operation.'
_NUMBER_NAMES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def with_sources_and_victim_groups(events: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """``events`` (``acled_events``) with what grades and victim groups are read from, drawn from its own
    seeded generator so that the events themselves do not change:

    - ``source``: about 12% of events gain an unnamed label ("Undisclosed Source"), 5% repeat a publisher
      with another case or spacing ("RFI; rfi "), 3% name six to fifteen publishers;
    - ``notes`` of violence against civilians with three or more dead: 8% say how many women and children
      died (figures within the event's fatalities, in one of ``_GROUP_SENTENCES``), 4% that children were
      wounded (no killed children), and for state forces 10% carry the army's counter-claim ("terrorists").
    """
    rng = np.random.default_rng(seed + 7_001)
    out = events.copy()
    n = len(out)
    names = np.array([name for name, _ in SOURCES], dtype=object)
    source = out["source"].to_numpy(dtype=object).copy()
    unnamed = rng.random(n) < 0.12
    label = np.array(UNNAMED_SOURCES, dtype=object)[rng.integers(0, len(UNNAMED_SOURCES), n)]
    front = rng.random(n) < 0.5
    source[unnamed & front] = label[unnamed & front] + "; " + source[unnamed & front]
    source[unnamed & ~front] = source[unnamed & ~front] + "; " + label[unnamed & ~front]
    repeat = rng.random(n) < 0.05
    first = np.array([s.split(";")[0].strip() for s in source], dtype=object)
    source[repeat] = source[repeat] + "; " + np.char.lower(first[repeat].astype(str)).astype(object) + " "
    many = rng.random(n) < 0.03
    for i in np.flatnonzero(many):
        source[i] = "; ".join(rng.choice(names, size=int(rng.integers(6, 16)), replace=False))
    out["source"] = source

    notes = out["notes"].to_numpy(dtype=object).copy()
    fatalities = out["fatalities"].astype(int).to_numpy()
    vac = (out["event_type"].eq("Violence against civilians") & out["sub_event_type"].eq("Attack")).to_numpy()
    lethal = vac & (fatalities >= 3)
    women = rng.integers(0, 4, n).clip(max=np.maximum(fatalities // 3, 0))
    children = rng.integers(1, 11, n).clip(max=np.maximum(fatalities - women, 1))
    groups = lethal & (rng.random(n) < 0.08) & (women >= 1)
    form = rng.integers(0, len(_GROUP_SENTENCES), n)
    for i in np.flatnonzero(groups):
        w, c, french = int(women[i]), int(children[i]), form[i] == 2
        if french:
            w_text = "une femme" if w == 1 else f"{w} femmes"
            c_text = "un enfant" if c == 1 else f"{c} enfants"
        else:
            w_text = "a woman" if w == 1 else f"{_NUMBER_NAMES[w]} women"
            c_text = "a child" if c == 1 else (f"{_NUMBER_NAMES[c]} children" if c <= 10 else f"{c} children")
        notes[i] += _GROUP_SENTENCES[form[i]].format(n=fatalities[i], w=w_text, c=c_text)
    wounded = lethal & ~groups & (rng.random(n) < 0.04)
    for i in np.flatnonzero(wounded):
        notes[i] += _WOUNDED_CHILDREN.format(c=int(children[i]))
    state = out["actor1"].str.contains("Military Forces of Mali", regex=False).to_numpy()
    claim = vac & state & (fatalities >= 1) & (rng.random(n) < 0.10)
    for i in np.flatnonzero(claim):
        notes[i] += _COUNTER_CLAIM.format(n=fatalities[i])
    out["notes"] = notes
    return out


def write_acled_with_sources(path: str | Path, n_events: int, seed: int = 0) -> Path:
    """``with_sources_and_victim_groups(acled_events(n_events, seed), seed)`` as a 2023-layout CSV."""
    path = Path(path)
    frame = with_sources_and_victim_groups(acled_events(n_events, seed), seed)
    path.write_text(_csv_text(frame), encoding="utf-8", newline="")
    return path


def acled_analyst_export(n_events: int, seed: int = 0) -> pd.DataFrame:
    """The export as an analyst meets it, every shape at once (2023 layout): joint operations
    (``acled_joint_events``), multi-source events, women and children in the notes and counter-claims
    (``with_sources_and_victim_groups``), and the massacre ACLED split over three records
    (``split_massacre_rows``)."""
    events = with_sources_and_victim_groups(acled_joint_events(n_events, seed), seed)
    frame = acled_export_from_events(events, "2023")
    return pd.concat([split_massacre_rows(), frame], ignore_index=True)


def write_acled_analyst(path: str | Path, n_events: int, seed: int = 0) -> Path:
    """Write ``acled_analyst_export(n_events, seed)`` as UTF-8 CSV."""
    path = Path(path)
    path.write_text(_csv_text(acled_analyst_export(n_events, seed)), encoding="utf-8", newline="")
    return path


# --------------------------------------------------------------------------------------------------
# UCDP GED, as a researcher saved it through Excel/R
# --------------------------------------------------------------------------------------------------
# (type, conflict_dset_id, conflict_new_id, conflict_name, dyad_new_id, dyad_name, side_a_new_id, side_a,
#  side_b_new_id, side_b, gwnoa, active from, active to, weight)
_GOV = "Government of Mali"
_GOV_RU = "Government of Mali, Government of Russia (Soviet Union)"
_DYADS = [
    (1, "", "281", "Mali: Azawad", "652", f"{_GOV} - MNLA", "72", _GOV, "1174", "MNLA", "432", "2012-01-01", "2014-12-31", 5),
    (1, "", "281", "Mali: Azawad", "660", f"{_GOV} - AQIM", "72", _GOV, "1020", "AQIM", "432", "2012-01-01", "2017-03-01", 4),
    (1, "", "11347", "Mali: Government", "15108", f"{_GOV} - JNIM", "72", _GOV, "6716", "JNIM", "432", "2017-03-02", "2026-12-31", 40),
    (1, "", "11347", "Mali: Government", "15109", f"{_GOV_RU} - JNIM", "72", _GOV_RU, "6716", "JNIM", "432, 365", "2022-01-01", "2026-12-31", 10),
    (1, "", "11348", "Mali: Islamic State", "15110", f"{_GOV} - IS", "72", _GOV, "234", "IS", "432", "2015-05-15", "2026-12-31", 10),
    (1, "", "16038", "Mali: Government/Azawad", "17666", f"{_GOV} - FLA", "72", _GOV, "8822", "FLA", "432", "2024-11-30", "2026-12-31", 6),
    (1, "", "16038", "Mali: Government/Azawad", "17660", f"{_GOV} - CSP-DPA", "72", _GOV, "8820", "CSP-DPA", "432", "2023-08-15", "2024-11-30", 3),
    (2, "15162", "13988", "Dozos (Mali) - JNIM", "15162", "Dozos (Mali) - JNIM", "6769", "Dozos (Mali)", "6716", "JNIM", "", "2018-01-01", "2026-12-31", 5),
    (2, "9249", "14622", "Dan na Ambassagou - JNIM", "15914", "Dan na Ambassagou - JNIM", "9249", "Dan na Ambassagou", "6716", "JNIM", "", "2018-01-01", "2026-12-31", 4),
    (2, "16207", "14864", "IS - JNIM", "16207", "IS - JNIM", "234", "IS", "6716", "JNIM", "", "2020-01-01", "2026-12-31", 4),
    (2, "", "5480", "CMA - GATIA", "5481", "CMA - GATIA", "5482", "CMA", "5483", "GATIA", "", "2015-01-01", "2018-12-31", 2),
    (3, "72", "454", f"{_GOV} - Civilians", "921", f"{_GOV} - Civilians", "72", _GOV, "1", "Civilians", "432", "2012-01-01", "2026-12-31", 8),
    (3, "", "16369", f"{_GOV_RU} - Civilians", "18152", f"{_GOV_RU} - Civilians", "72", _GOV_RU, "1", "Civilians", "432, 365", "2022-01-01", "2026-12-31", 4),
    (3, "6716", "13987", "JNIM - Civilians", "15161", "JNIM - Civilians", "6716", "JNIM", "1", "Civilians", "", "2017-03-02", "2026-12-31", 7),
    (3, "234", "13968", "IS - Civilians", "15136", "IS - Civilians", "234", "IS", "1", "Civilians", "", "2015-05-15", "2026-12-31", 6),
    (3, "6769", "13989", "Dozos (Mali) - Civilians", "15163", "Dozos (Mali) - Civilians", "6769", "Dozos (Mali)", "1", "Civilians", "", "2018-01-01", "2026-12-31", 3),
]  # fmt: skip
_UCDP_ADM1 = {
    "Mopti": "Mopti region",
    "Segou": "Segou region",
    "Timbuktu": "Tombouctou region",
    "Gao": "Gao region",
    "Menaka": "Menaka region",
    "Kidal": "Kidal region",
    "Koulikoro": "Koulikoro region",
    "Sikasso": "Sikasso region",
    "Kayes": "Kayes region",
    "Bamako": "Bamako district",
}
_OFFICES = [
    ("AFP", "Malian army says it killed militants near {loc}"),
    ("RFI", "Mali : une attaque fait plusieurs morts près de {loc}"),
    ("Reuters", "Gunmen attack village in central Mali"),
    ("FAMA", "FLASH INFO"),
    ("Studio Tamani", "Insécurité : des civils tués à {loc}"),
    ("Kal Akal", "Monthly report on violations in Azawad"),
    ("BBC Monitoring News Alert", "Mali: clashes reported near {loc}"),
    ("Al Zallaqa", "Statement on operations in {loc}"),
    ("Menastream", "Mali: attack on {loc}"),
    ("HRW", "Mali: Killings of civilians around {loc}"),
]


def ucdp_ged_quirky(n_events: int = 500, seed: int = 0, dd_mm: bool = False, ambiguous: bool = False) -> str:
    """A UCDP GED Mali file as a researcher saved it, as CSV text.

    Old estimate names (``best_est``, ``high_est``, ``low_est``) in UCDP's 49-column layout; dates rewritten
    as ``MM/DD/YYYY 00:00:00`` (``dd_mm``: ``DD/MM/YYYY 00:00:00``; ``ambiguous``: every day <= 12, so the
    order cannot be decided from the values); a trailing comma on every data row (one extra empty field);
    line breaks inside source text; about 3% of events with ``high_est < best_est`` or ``low_est > best_est``.
    """
    rng = np.random.default_rng(seed)
    n = int(n_events)
    dyad_w = np.array([d[-1] for d in _DYADS], dtype=float)
    dyad = rng.choice(len(_DYADS), size=n, p=dyad_w / dyad_w.sum())
    lo = np.array([d[-3] for d in _DYADS], dtype="datetime64[D]")[dyad]
    hi = np.minimum(np.array([d[-2] for d in _DYADS], dtype="datetime64[D]")[dyad], LAST_DAY)
    start = lo + (rng.random(n) * ((hi - lo).astype(int) + 1)).astype(int)
    date_prec = rng.choice([1, 2, 3, 4, 5], size=n, p=[0.6, 0.27, 0.05, 0.06, 0.02])
    span = np.select(
        [date_prec == 1, date_prec == 2, date_prec == 3],
        [0, rng.integers(1, 7, n), rng.integers(7, 25, n)],
        rng.integers(25, 60, n),
    )
    if ambiguous:
        # every day of the month <= 12: start on day 1..6 and end within 6 days of it
        month_start = start.astype("datetime64[M]").astype("datetime64[D]")
        start = month_start + rng.integers(0, 6, n)
        span = np.minimum(span, 6)
    end = np.minimum(start + span, LAST_DAY)
    if not ambiguous:
        # make sure the day-month order can be decided from the file
        m = start[0].astype("datetime64[M]").astype("datetime64[D]")
        start[0] = m + 19
        end[0] = max(end[0], start[0])
    tov = np.array([d[0] for d in _DYADS])[dyad]

    # deaths
    size = np.floor(rng.lognormal(0.9, 1.0, n)).astype(int) + 1
    size = np.where(rng.random(n) < 0.01, rng.integers(50, 150, n), np.minimum(size, 60))
    share = rng.dirichlet([2.0, 1.0, 0.4, 0.3], n)
    parts = np.floor(share * size[:, None]).astype(int)
    parts[:, 0] += size - parts.sum(axis=1)
    deaths_a, deaths_b, deaths_civ, deaths_unk = parts.T
    one_sided = tov == 3
    deaths_civ = np.where(one_sided, size, deaths_civ)
    deaths_a = np.where(one_sided, 0, deaths_a)
    deaths_b = np.where(one_sided, 0, deaths_b)
    deaths_unk = np.where(one_sided, 0, deaths_unk)
    best = deaths_a + deaths_b + deaths_civ + deaths_unk
    low = np.maximum(best - rng.poisson(0.4 * best), 0)
    low = np.where(rng.random(n) < 0.6, best, low)
    high = best + np.where(rng.random(n) < 0.5, 0, rng.poisson(0.5 * best + 1))
    broken = rng.random(n) < 0.03
    broken_high = broken & (rng.random(n) < 0.5) & (best > 1)
    broken_low = broken & ~broken_high
    high = np.where(broken_high, best - 1 - rng.integers(0, np.maximum(best - 1, 1)), high).clip(0)
    low = np.where(broken_low, best + 1 + rng.integers(0, 3, n), low)

    # places
    place = rng.choice(len(_PLACES), size=n, p=P_WEIGHT / P_WEIGHT.sum())
    where_prec = rng.choice([1, 2, 3, 4, 5, 6], size=n, p=[0.35, 0.35, 0.05, 0.12, 0.12, 0.01])
    jitter = np.where(where_prec >= 2, 0.15, 0.01)
    lat = P_LAT[place] + rng.normal(0, 1, n) * jitter
    lon = P_LON[place] + rng.normal(0, 1, n) * jitter
    adm1 = np.array([_UCDP_ADM1[a] for a in P_ADMIN1[place]], dtype=object)
    adm2 = np.where(where_prec <= 3, [f"{c} cercle" for c in P_ADMIN2[place]], "")
    locs = P_LOC[place]
    other = P_LOC[(place + rng.choice([-2, -1, 1, 2], size=n)) % len(P_LOC)]
    where_coord = np.select(
        [where_prec == 1, where_prec == 2, where_prec == 3],
        [[f"{x} town" for x in locs], [f"Between {x} and {y}" for x, y in zip(locs, other, strict=True)], adm2],
        [f"{a}" for a in adm1],
    )
    where_desc = [
        f"{ACCENTED.get(x, x)} area" if w != 2 else f"the road between {x} and {y}"
        for x, y, w in zip(locs, other, where_prec, strict=True)
    ]
    row = np.floor((lat + 90) * 2).astype(int)
    col = np.floor((lon + 180) * 2).astype(int)
    priogrid = row * 720 + col + 1

    # sources, with line breaks inside the text
    n_src = rng.choice([1, 2, 3], size=n, p=[0.55, 0.3, 0.15])
    office_ix = rng.integers(0, len(_OFFICES), (n, 3))
    pub_day = start[:, None] + rng.integers(0, 20, (n, 3))
    linebreak = rng.random(n) < 0.2
    articles, offices, src_dates, headlines = [], [], [], []
    for i in range(n):
        k = n_src[i]
        offs = [_OFFICES[j][0] for j in office_ix[i, :k]]
        heads = [_OFFICES[j][1].format(loc=locs[i]) for j in office_ix[i, :k]]
        dts = [str(d) for d in pub_day[i, :k]]
        sep = ";\n" if linebreak[i] else ";"
        heads_text = [h.replace(": ", ":\n", 1) if linebreak[i] else h for h in heads]
        articles.append(sep.join(f'"{o},{d},{h}"' for o, d, h in zip(offs, dts, heads_text, strict=True)))
        offices.append(";".join(offs))
        src_dates.append(";".join(dts))
        headlines.append(sep.join(heads_text))
    originals = _pick(
        rng, n, ["Local sources", "FAMa", "JNIM", "Residents", "Africa Corps", "Kal Akal", "", "Witnesses"]
    )

    def fmt(days: np.ndarray) -> list[str]:
        objs = days.astype(object)
        if dd_mm:
            return [f"{d.day:02d}/{d.month:02d}/{d.year} 00:00:00" for d in objs]
        return [f"{d.month:02d}/{d.day:02d}/{d.year} 00:00:00" for d in objs]

    d = _DYADS
    col_of = lambda j: np.array([x[j] for x in d], dtype=object)[dyad]  # noqa: E731
    year = start.astype("datetime64[Y]").astype(int) + 1970
    ids = rng.choice(np.arange(100000, 999999), size=n, replace=False)
    seq = rng.integers(1, 400, n)
    frame = pd.DataFrame(
        {
            "id": ids.astype(str),
            "relid": [f"MLI-{y}-{t}-{dy}-{s}" for y, t, dy, s in zip(year, tov, col_of(4), seq, strict=True)],
            "year": year.astype(str),
            "active_year": np.where(rng.random(n) < 0.95, "TRUE", "FALSE"),
            "code_status": _choice(
                rng, [("Clear", 6), ("Check deaths", 3), ("Check dyad", 1), ("Check vague or biased source", 1)], n
            ),
            "type_of_violence": tov.astype(str),
            "conflict_dset_id": col_of(1),
            "conflict_new_id": col_of(2),
            "conflict_name": col_of(3),
            "dyad_dset_id": col_of(4),
            "dyad_new_id": col_of(4),
            "dyad_name": col_of(5),
            "side_a_dset_id": col_of(6),
            "side_a_new_id": col_of(6),
            "side_a": col_of(7),
            "side_b_dset_id": np.where(col_of(9) == "Civilians", "9999", col_of(8)),
            "side_b_new_id": col_of(8),
            "side_b": col_of(9),
            "number_of_sources": n_src.astype(str),
            "source_article": articles,
            "source_office": offices,
            "source_date": src_dates,
            "source_headline": headlines,
            "source_original": originals,
            "where_prec": where_prec.astype(str),
            "where_coordinates": where_coord,
            "where_description": where_desc,
            "adm_1": adm1,
            "adm_2": adm2,
            "latitude": [f"{x:.6f}" for x in lat],
            "longitude": [f"{x:.6f}" for x in lon],
            "geom_wkt": [f"POINT ({x:.6f} {y:.6f})" for x, y in zip(lon, lat, strict=True)],
            "priogrid_gid": priogrid.astype(str),
            "country": "Mali",
            "country_id": "432",
            "region": "Africa",
            "event_clarity": np.where(rng.random(n) < 0.95, "1", "2"),
            "date_prec": date_prec.astype(str),
            "date_start": fmt(start),
            "date_end": fmt(end),
            "deaths_a": deaths_a.astype(str),
            "deaths_b": deaths_b.astype(str),
            "deaths_civilians": deaths_civ.astype(str),
            "deaths_unknown": deaths_unk.astype(str),
            "best_est": best.astype(str),
            "high_est": high.astype(str),
            "low_est": low.astype(str),
            "gwnoa": col_of(10),
            "gwnob": "",
        }
    )[UCDP_OLD_HEADER]
    frame["_trailing"] = ""  # the extra empty field every data row ends with
    body = frame.to_csv(index=False, header=False, lineterminator="\n")
    return ",".join(UCDP_OLD_HEADER) + "\n" + body


def write_ucdp_ged_quirky(
    path: str | Path, n_events: int = 500, seed: int = 0, dd_mm: bool = False, ambiguous: bool = False
) -> Path:
    path = Path(path)
    path.write_text(ucdp_ged_quirky(n_events, seed, dd_mm=dd_mm, ambiguous=ambiguous), encoding="utf-8", newline="")
    return path


# --------------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write synthetic (not ACLED, not UCDP) conflict-data exports.")
    sub = parser.add_subparsers(dest="what", required=True)
    acled = sub.add_parser("acled", help="a synthetic ACLED export")
    acled.add_argument("out", type=Path)
    acled.add_argument("--events", type=int, default=10_000)
    acled.add_argument("--shape", choices=sorted(SHAPES), default="2023")
    acled.add_argument("--seed", type=int, default=0)
    acled.add_argument(
        "--analyst",
        action="store_true",
        help="every shape at once: joint operations, multi-source events, victim groups, a split massacre",
    )
    ucdp = sub.add_parser("ucdp", help="a UCDP GED Mali file with the quirks of a re-saved spreadsheet")
    ucdp.add_argument("out", type=Path)
    ucdp.add_argument("--events", type=int, default=500)
    ucdp.add_argument("--seed", type=int, default=0)
    ucdp.add_argument("--dd-mm", action="store_true", help="dates as DD/MM/YYYY instead of MM/DD/YYYY")
    ucdp.add_argument("--ambiguous", action="store_true", help="every day <= 12 (day-month order undecidable)")
    args = parser.parse_args(argv)
    if args.what == "acled" and args.analyst:
        write_acled_analyst(args.out, args.events, args.seed)
    elif args.what == "acled":
        write_acled(args.out, args.events, args.shape, args.seed)
    else:
        write_ucdp_ged_quirky(args.out, args.events, args.seed, dd_mm=args.dd_mm, ambiguous=args.ambiguous)
    print(args.out, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
