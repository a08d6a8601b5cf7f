"""Events of two datasets matched one to one: the best assignment over the whole set, with score and reasons.

1. Units. The records of one episode (contract 2: members whose ``parent_incident_id`` is an ``episode`` row,
   or ``incident_facts``' ``episode_id``) are one unit, so ACLED's three Moura records meet UCDP's one event;
   any other event is a unit of its own. A unit's window runs from its first to its last day, its figures are
   the sums of its records' civilians killed (min/best/max), its families the union of theirs.
2. Candidates, found with an index and never by trying all pairs: units are put in buckets of days within a
   block (for two units with coordinates of the place itself a grid of ``max_km``-wide cells with its
   neighbours, otherwise the pre-2016 region), and only units sharing a bucket are compared.
3. A candidate is admissible when the windows are at most ``max_days`` apart, the places agree (within
   ``max_km`` when both have coordinates of the place itself; otherwise the same cercle or place name when both
   name a cercle, else the same pre-2016 region) and the perpetrator families are compatible (one in common,
   or one side's perpetrator unknown): "CMA: Coordination of Movements of the Azawad" and "CMA" are one family.
4. Score (0-100, ``SCORE_WEIGHTS``): closeness of dates, of place (same place name, distance, same cercle,
   same region), families in common, closeness of the civilians killed.
5. Assignment: the one-to-one set with the highest total score, pairs below ``MIN_SCORE`` never made, solved
   with ``scipy.optimize.linear_sum_assignment`` per connected component of the candidate graph (components too
   large for a dense matrix go to the sparse ``min_weight_full_bipartite_matching``).
6. Every pair carries its score and reasons; every unit left unmatched says why ("candidate X matched better
   to Y", "5 days apart (window 3)", "no candidate within 7 days in the same region or within 25 km").

The rule in words for the report is ``report.comparison.matching_rule``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..data.columns import per_distinct
from ..data.dataset import Dataset
from ..data.reference import pre_2016_region
from .aggregate import FAMILY_LABELS, GROUP_SEPARATOR, UNKNOWN_PERPETRATOR, incident_facts, incident_figures
from .coverage import EVERYTHING
from .selection import InvalidParameter, Selection

#: Coordinates are used for matching only when they place the event itself, not a region's centre.
PRECISE_LOCATIONS = ("exact", "near")
#: Beyond the date window, how many more days are searched to name an unmatched unit's closest miss.
NEAR_MISS_DAYS = 4
EARTH_RADIUS_KM = 6371.0
COUNTS = ["count_min", "count_best", "count_max"]
#: What a pair's score (0-100) is made of; each part is a closeness from 0 to 1.
SCORE_WEIGHTS = {"dates": 25, "place": 30, "families": 20, "figures": 25}
#: Place closeness by what the two places share (distance: 0.9 at 0 km down to 0 at max_km).
PLACE_SCORES = {"same place name": 1.0, "distance": 0.9, "same cercle": 0.6, "same region": 0.3}
#: Closeness given when one side has no figure, or no known perpetrator: neither for nor against.
NEUTRAL = 0.5
#: Pairs scoring less are never made, however few others there are.
MIN_SCORE = 50
#: Components with more units than this on a side go to the sparse solver instead of a dense matrix.
DENSE_LIMIT = 1500
#: Bucket entries joined at a time when looking for candidates (bounds the memory of the raw pairs).
JOIN_CHUNK = 5_000
#: Candidates judged at a time (the tests make a score of arrays per candidate; only the kept ones stay).
JUDGE_CHUNK = 250_000
#: Families that say nothing about who did it: compatible with any family.
UNKNOWN_FAMILIES = (UNKNOWN_PERPETRATOR, FAMILY_LABELS["unidentified"])
FAMILY_BITS = {label: 1 << i for i, label in enumerate(FAMILY_LABELS.values()) if label not in UNKNOWN_FAMILIES}
#: Words dropped from place names before comparing them ("Moura town" is "Moura").
PLACE_WORDS = re.compile(r"\b(town|village|area|city|region|cercle|commune|district|near|around|of|the)\b")
_DAY = np.timedelta64(1, "D")


@dataclass
class Matches:
    """Units of two datasets paired one to one, and those of each side left unmatched, with the reason."""

    label_a: str
    label_b: str
    pairs: pd.DataFrame
    unmatched_a: pd.DataFrame
    unmatched_b: pd.DataFrame
    max_days: int
    max_km: float
    units_a: pd.DataFrame
    units_b: pd.DataFrame
    candidates: int = 0  # candidate pairs compared (within the windows searched)

    @property
    def events_a(self) -> int:
        return len(self.units_a)

    @property
    def events_b(self) -> int:
        return len(self.units_b)


def match_events(
    a: Dataset,
    b: Dataset,
    selection: Selection = EVERYTHING,
    *,
    max_days: int = 3,
    max_km: float = 25.0,
    labels: tuple[str, str] | None = None,
) -> Matches:
    """Pair the units of ``a`` and ``b`` (see the module's rule); figures are civilians killed, min/best/max."""
    if max_days < 0 or max_km <= 0:
        raise InvalidParameter(f"max_days ({max_days}) must be 0 or more and max_km ({max_km}) more than 0")
    label_a, label_b = labels or (_dataset_name(a, "a"), _dataset_name(b, "b"))
    parents = {**pre_2016_region(b.regions), **pre_2016_region(a.regions)}
    ua, ub = match_units(a, selection, parents), match_units(b, selection, parents)
    found = _candidates(ua, ub, max_days + NEAR_MISS_DAYS, max_km)
    _place_codes(ua, ub)
    judged = pd.concat(
        [_judge(found.iloc[i : i + JUDGE_CHUNK], ua, ub, max_days, max_km) for i in range(0, len(found), JUDGE_CHUNK)]
        or [_judge(found, ua, ub, max_days, max_km)],
        ignore_index=True,
    )
    chosen = _assign(judged[judged["admissible"]], len(ua), len(ub))
    pairs = _pairs_table(judged.loc[chosen], ua, ub, (label_a, label_b))
    picked = judged.loc[chosen]
    # each side's matched units: the unit of the other side it is paired with, and the pair's score
    matched_a = picked.set_index("ia")[["ib", "score"]].rename(columns={"ib": "other"})
    matched_b = picked.set_index("ib")[["ia", "score"]].rename(columns={"ia": "other"})
    window = (max_days, max_km)
    unmatched_a = _unmatched(ua, ub, judged, matched_a, matched_b, ("ia", "ib"), (label_a, label_b), window)
    unmatched_b = _unmatched(ub, ua, judged, matched_b, matched_a, ("ib", "ia"), (label_b, label_a), window)
    return Matches(label_a, label_b, pairs, unmatched_a, unmatched_b, max_days, max_km, ua, ub, len(found))


def _dataset_name(ds: Dataset, fallback: str) -> str:
    names = ds.incidents["dataset"].dropna().unique()
    return names[0] if len(names) == 1 else fallback


# --- units ------------------------------------------------------------------------------------------------------


def unit_ids(ds: Dataset, facts: pd.DataFrame) -> pd.Series:
    """Each event's unit: ``episode_id`` where incident_facts gives it, else the parent when that is an
    ``episode`` row, else the event itself."""
    if "episode_id" in facts:
        return facts["episode_id"].astype(object).fillna(facts["incident_id"])
    incidents = ds.incidents
    if "parent_incident_id" not in incidents:
        return facts["incident_id"].copy()
    episodes = set(incidents.loc[incidents["record_type"] == "episode", "incident_id"])
    parent = facts["incident_id"].map(incidents.set_index("incident_id")["parent_incident_id"])
    return parent.where(parent.isin(episodes), facts["incident_id"]).astype(object)


def match_units(ds: Dataset, selection: Selection = EVERYTHING, parents: dict | None = None) -> pd.DataFrame:
    """One row per unit (an episode or a lone event) of the selected events: window, place, families, figures."""
    facts = incident_facts(ds, selection)
    parents = parents if parents is not None else pre_2016_region(ds.regions)
    figures = incident_figures(ds).set_index("incident_id")
    other = pd.concat([incident_figures(ds, victim_status=s) for s in ("unknown", "combatant")])
    rows = pd.DataFrame({"unit_id": unit_ids(ds, facts), "incident_id": facts["incident_id"]})
    for column in ("start_date", "end_date", "admin1", "admin2", "location_name", "family_group"):
        rows[column] = facts[column] if column in facts else pd.Series(pd.NA, index=facts.index, dtype=object)
    rows["actors"] = facts["actors_involved"]
    precise = facts["location_precision"].isin(PRECISE_LOCATIONS)
    rows["latitude"] = pd.to_numeric(facts["latitude"], errors="coerce").where(precise).astype(float)
    rows["longitude"] = pd.to_numeric(facts["longitude"], errors="coerce").where(precise).astype(float)
    for column in COUNTS:
        rows[column] = rows["incident_id"].map(figures[column]).astype("Int64")
    rows["has_figure"] = rows["incident_id"].map(figures["has_figure"]).astype("boolean").fillna(False).astype(bool)
    rows["other_killed"] = rows["incident_id"].map(other.groupby("incident_id")["count_best"].sum()).astype("Int64")
    rows["mask"] = _family_masks(rows["family_group"])
    rows = rows.sort_values(["unit_id", "start_date", "incident_id"], kind="stable")
    several = rows["unit_id"].duplicated(keep=False)
    units = pd.concat([_single_units(rows[~several]), _episode_units(rows[several])])
    units["family_group"] = units["mask"].map(_family_label)
    units["parent_region"] = units["admin1"].map(lambda r: parents.get(r, r) if isinstance(r, str) else None)
    units["place_key"] = _place_keys(units["location_name"])
    units["cercle_key"] = _place_keys(units["admin2"])
    units = units.reset_index().rename(columns={"unit_id": "incident_id"})
    return units.sort_values(["start_date", "incident_id"], kind="stable").reset_index(drop=True)


def _single_units(rows: pd.DataFrame) -> pd.DataFrame:
    """Units of one record: the record as it is (most units; no per-group work)."""
    units = rows.drop(columns=["incident_id"]).set_index("unit_id")
    units.insert(0, "incident_ids", rows["incident_id"].to_numpy())
    units.insert(1, "records", 1)
    return units


def _episode_units(rows: pd.DataFrame) -> pd.DataFrame:
    """Units of several records (episodes): first to last day, first place, figures summed, families joined."""
    g = rows.groupby("unit_id", sort=False)
    units = g.agg(
        incident_ids=("incident_id", "; ".join),
        records=("incident_id", "size"),
        start_date=("start_date", "min"),
        end_date=("end_date", "max"),
        admin1=("admin1", "first"),
        admin2=("admin2", "first"),
        location_name=("location_name", "first"),
        latitude=("latitude", "mean"),
        longitude=("longitude", "mean"),
        has_figure=("has_figure", "any"),
        mask=("mask", np.bitwise_or.reduce),
    )
    for column in [*COUNTS, "other_killed"]:
        units[column] = g[column].sum(min_count=1).astype("Int64")
    units["actors"] = g["actors"].agg(lambda s: tuple(dict.fromkeys(a for t in s for a in t)))
    return units


def _family_masks(groups: pd.Series) -> np.ndarray:
    """Each family group as bits (one per family; unknown and unidentified perpetrators have none)."""
    labels = groups.astype(object).fillna(UNKNOWN_PERPETRATOR).str.split(GROUP_SEPARATOR, regex=False).explode()
    bits = labels.map(FAMILY_BITS).fillna(0).astype(np.int64)
    # each family once per event, so that the sum of its bits is their union
    bits = bits[~pd.Series(list(zip(bits.index, bits, strict=True)), index=bits.index).duplicated()]
    return bits.groupby(level=0).sum().reindex(groups.index, fill_value=0).to_numpy()


def _family_label(mask: int) -> str:
    names = [label for label, bit in FAMILY_BITS.items() if mask & bit]
    return GROUP_SEPARATOR.join(names) if names else UNKNOWN_PERPETRATOR


def _place_keys(names: pd.Series) -> pd.Series:
    """``place_key`` of every name, computed once per distinct name."""
    return per_distinct(names, place_key)


def place_key(name) -> str | None:
    """A place name for comparing: no accents, case, punctuation or words like 'town' ('Mourà town' -> 'moura')."""
    if not isinstance(name, str) or not name.strip():
        return None
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    words = PLACE_WORDS.sub(" ", re.sub(r"[^a-z0-9]+", " ", plain))
    return " ".join(words.split()) or None


# --- candidates -------------------------------------------------------------------------------------------------


def _candidates(ua: pd.DataFrame, ub: pd.DataFrame, days: int, max_km: float) -> pd.DataFrame:
    """Pairs of units whose windows are at most ``days`` apart and that share a block (region or grid cell)."""
    empty = pd.DataFrame({"ia": pd.Series(dtype=np.int64), "ib": pd.Series(dtype=np.int64)})
    if ua.empty or ub.empty:
        return empty
    regions = pd.Index(pd.concat([ua["parent_region"], ub["parent_region"]]).dropna().unique())
    ka, kb = regions.get_indexer(ua["parent_region"]), regions.get_indexer(ub["parent_region"])
    placed_a, placed_b = ua["latitude"].notna().to_numpy(), ub["latitude"].notna().to_numpy()
    # By region only where one side has no coordinates; two placed units are compared through the grid,
    # which finds every pair within max_km (and near misses up to two cells away) without the far ones.
    found = [_window_join(ua, ub, np.where(placed_a, -1, ka), kb, days)]
    found.append(_window_join(ua, ub, np.where(placed_a, ka, -1), np.where(placed_b, -1, kb), days))
    cell = max(max_km, 1.0) / 100  # degrees: at Mali's latitudes a degree is at least 100 km
    ra, ca = _cells(ua, cell)
    rb, cb = _cells(ub, cell)
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            found.append(_window_join(ua, ub, _cell_key(ra + dr, ca + dc), _cell_key(rb, cb), days))
    codes = np.unique(np.concatenate([ia * len(ub) + ib for ia, ib in found]))
    if not len(codes):
        return empty
    return pd.DataFrame({"ia": codes // len(ub), "ib": codes % len(ub)})


def _cells(units: pd.DataFrame, size: float) -> tuple[np.ndarray, np.ndarray]:
    lat, lon = units["latitude"].to_numpy(), units["longitude"].to_numpy()
    known = ~(np.isnan(lat) | np.isnan(lon))
    rows = np.where(known, np.floor(np.nan_to_num(lat) / size), -(10**6)).astype(np.int64)
    cols = np.where(known, np.floor(np.nan_to_num(lon) / size), -(10**6)).astype(np.int64)
    return rows, cols


def _cell_key(rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """A block number per grid cell; -1 (no block) for units without coordinates."""
    return np.where(rows < -(10**5), -1, (rows + 10_000) * 100_000 + (cols + 50_000))


def _window_join(ua, ub, block_a, block_b, days: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs in the same block whose windows (a's widened by ``days``) share a bucket of days, then exactly."""
    width = max(2 * days + 1, 7)
    sa, ea = _day_numbers(ua["start_date"]) - days, _day_numbers(ua["end_date"]) + days
    sb, eb = _day_numbers(ub["start_date"]), _day_numbers(ub["end_date"])
    rows_a, keys_a = _bucketed(np.flatnonzero(block_a >= 0), block_a, sa, ea, width)
    rows_b, keys_b = _bucketed(np.flatnonzero(block_b >= 0), block_b, sb, eb, width)
    order = np.argsort(keys_b, kind="stable")
    keys_b, rows_b = keys_b[order], rows_b[order]
    found_a, found_b = [], []
    for first in range(0, len(keys_a), JOIN_CHUNK):  # in slices, so that the raw pairs never pile up
        chunk, rows = keys_a[first : first + JOIN_CHUNK], rows_a[first : first + JOIN_CHUNK]
        left = np.searchsorted(keys_b, chunk, "left")
        counts = np.searchsorted(keys_b, chunk, "right") - left
        ia = np.repeat(rows, counts)
        starts = np.repeat(left - (np.cumsum(counts) - counts), counts)
        ib = rows_b[starts + np.arange(counts.sum())]
        keep = (sb[ib] <= ea[ia]) & (eb[ib] >= sa[ia])
        found_a.append(ia[keep].astype(np.int64))
        found_b.append(ib[keep].astype(np.int64))
    if not found_a:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(found_a), np.concatenate(found_b)


def _day_numbers(dates: pd.Series) -> np.ndarray:
    return (dates.to_numpy(dtype="datetime64[D]") - np.datetime64("1900-01-01")) // _DAY


def _bucketed(rows, block, start, end, width):
    """Each row repeated once per bucket of ``width`` days its window touches, keyed by block and bucket."""
    first, last = start[rows] // width, end[rows] // width
    counts = (last - first + 1).astype(np.int64)
    repeated = np.repeat(rows, counts)
    buckets = np.repeat(first, counts) + np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return repeated, block[repeated].astype(np.int64) * 1_000_000 + buckets


# --- judging ----------------------------------------------------------------------------------------------------


def _place_codes(ua: pd.DataFrame, ub: pd.DataFrame) -> None:
    """Place name, cercle and region of both sides as shared integer codes (-1: not known), for fast tests."""
    for key, code in (("place_key", "place_code"), ("cercle_key", "cercle_code"), ("parent_region", "region_code")):
        values = pd.Index(pd.concat([ua[key], ub[key]]).dropna().unique())
        ua[code] = values.get_indexer(ua[key]).astype(np.int32)
        ub[code] = values.get_indexer(ub[key]).astype(np.int32)


def _judge(pairs: pd.DataFrame, ua: pd.DataFrame, ub: pd.DataFrame, max_days: int, max_km: float) -> pd.DataFrame:
    """Each candidate's distances, which tests it passes, and its score (0-100). Candidates failing two tests
    or more are dropped: they are neither pairs nor near misses worth naming."""
    ia, ib = pairs["ia"].to_numpy(), pairs["ib"].to_numpy()
    sa, ea = _day_numbers(ua["start_date"])[ia], _day_numbers(ua["end_date"])[ia]
    sb, eb = _day_numbers(ub["start_date"])[ib], _day_numbers(ub["end_date"])[ib]
    days_apart = np.maximum(np.maximum(sb - ea, sa - eb), 0)
    km = _haversine(
        ua["latitude"].to_numpy()[ia],
        ua["longitude"].to_numpy()[ia],
        ub["latitude"].to_numpy()[ib],
        ub["longitude"].to_numpy()[ib],
    )
    has_km = ~np.isnan(km)
    name_a, name_b = ua["place_code"].to_numpy()[ia], ub["place_code"].to_numpy()[ib]
    cercle_a, cercle_b = ua["cercle_code"].to_numpy()[ia], ub["cercle_code"].to_numpy()[ib]
    region_a, region_b = ua["region_code"].to_numpy()[ia], ub["region_code"].to_numpy()[ib]
    same_name = (name_a >= 0) & (name_a == name_b)
    both_cercles = (cercle_a >= 0) & (cercle_b >= 0)
    same_cercle = both_cercles & (cercle_a == cercle_b)
    same_region = (region_a >= 0) & (region_a == region_b)
    place_ok = np.where(
        has_km, np.nan_to_num(km, nan=np.inf) <= max_km, np.where(both_cercles, same_cercle | same_name, same_region)
    )
    mask_a, mask_b = ua["mask"].to_numpy()[ia], ub["mask"].to_numpy()[ib]
    family_ok = (mask_a == 0) | (mask_b == 0) | ((mask_a & mask_b) != 0)
    date_ok = days_apart <= max_days
    kept = (~date_ok).astype(np.int8) + (~place_ok).astype(np.int8) + (~family_ok).astype(np.int8) <= 1
    ia, ib, sa, sb, days_apart, km, has_km = (
        ia[kept],
        ib[kept],
        sa[kept],
        sb[kept],
        days_apart[kept],
        km[kept],
        has_km[kept],
    )
    same_name, same_cercle, same_region = same_name[kept], same_cercle[kept], same_region[kept]
    place_ok, family_ok, date_ok, mask_a, mask_b = (
        place_ok[kept],
        family_ok[kept],
        date_ok[kept],
        mask_a[kept],
        mask_b[kept],
    )
    start_gap = np.abs(sa - sb)
    shared = mask_a & mask_b
    unknown = (mask_a == 0) | (mask_b == 0)
    out = pd.DataFrame({"ia": ia, "ib": ib})

    span = 2 * (max_days + 1)
    date_score = 1 - np.minimum(days_apart + start_gap, span) / span
    place_score = np.select(
        [same_name & place_ok, has_km, same_cercle, same_region],
        [
            PLACE_SCORES["same place name"],
            PLACE_SCORES["distance"] * np.clip(1 - np.nan_to_num(km) / max_km, 0, 1),
            PLACE_SCORES["same cercle"],
            PLACE_SCORES["same region"],
        ],
        0.0,
    )
    union = _bit_count(mask_a | mask_b)
    family_score = np.where(unknown, NEUTRAL, _bit_count(shared) / np.maximum(union, 1))
    best_a = ua["count_best"].to_numpy(dtype=float, na_value=np.nan)[ia]
    best_b = ub["count_best"].to_numpy(dtype=float, na_value=np.nan)[ib]
    both = ~(np.isnan(best_a) | np.isnan(best_b))
    low, high = np.fmin(best_a, best_b), np.fmax(best_a, best_b)
    figure_score = np.where(both, (np.nan_to_num(low) + 1) / (np.nan_to_num(high) + 1), NEUTRAL)
    w = SCORE_WEIGHTS
    score = (
        w["dates"] * date_score + w["place"] * place_score + w["families"] * family_score + w["figures"] * figure_score
    )
    out["days_apart"], out["start_gap"], out["km"] = days_apart, start_gap, km
    out["same_name"], out["same_cercle"], out["same_region"] = same_name, same_cercle, same_region
    out["date_ok"], out["place_ok"], out["family_ok"] = date_ok, place_ok.astype(bool), family_ok
    out["admissible"] = date_ok & out["place_ok"].to_numpy() & family_ok
    out["score"] = np.round(score, 1)
    return out


def _bit_count(values: np.ndarray) -> np.ndarray:
    return np.bitwise_count(values.astype(np.uint64)).astype(float)


def _haversine(lat1, lon1, lat2, lon2) -> np.ndarray:
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(v, dtype=float)) for v in (lat1, lon1, lat2, lon2))
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h))


# --- assignment -------------------------------------------------------------------------------------------------


def _assign(edges: pd.DataFrame, na: int, nb: int) -> list:
    """The index labels of the chosen edges: the one-to-one set with the highest total score, none below
    MIN_SCORE. Each connected component of the candidate graph is solved on its own."""
    # scipy is imported here, by the comparison only: a report's kernel need not load it (nor its warning filters)
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    edges = edges[edges["score"] >= MIN_SCORE]
    if edges.empty:
        return []
    ia, ib = edges["ia"].to_numpy(), edges["ib"].to_numpy()
    graph = coo_matrix((np.ones(len(edges)), (ia, na + ib)), shape=(na + nb, na + nb))
    _, component = connected_components(graph, directed=False)
    comp = component[ia]
    frame = pd.DataFrame({"label": edges.index, "comp": comp, "ia": ia, "ib": ib, "score": edges["score"].to_numpy()})
    sizes = frame.groupby("comp").agg(a=("ia", "nunique"), b=("ib", "nunique"))
    star = sizes.index[(sizes["a"] == 1) | (sizes["b"] == 1)]
    # A component with a single unit on one side: its best edge (ties: the earliest unit of the other side).
    simple = frame[frame["comp"].isin(star)].sort_values(["comp", "score", "ia", "ib"], ascending=[1, 0, 1, 1])
    chosen = list(simple.drop_duplicates("comp")["label"])
    rest = frame[~frame["comp"].isin(star)].sort_values("comp", kind="stable")
    bounds = np.flatnonzero(np.diff(rest["comp"].to_numpy())) + 1
    columns = [rest[c].to_numpy() for c in ("label", "ia", "ib", "score")]
    for label, ia_part, ib_part, score in zip(*(np.split(c, bounds) for c in columns), strict=True):
        chosen += _solve(label, ia_part, ib_part, score.astype(float))
    return chosen


def _solve(label: np.ndarray, ia: np.ndarray, ib: np.ndarray, score: np.ndarray) -> list:
    """Best assignment in one component: each a-unit takes a b-unit or stays alone (worth MIN_SCORE)."""
    from scipy.optimize import linear_sum_assignment
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    rows, row = np.unique(ia, return_inverse=True)
    cols, col = np.unique(ib, return_inverse=True)
    n, m = len(rows), len(cols)
    if n <= DENSE_LIMIT and m <= DENSE_LIMIT:
        cost = np.full((n, m + n), 1e6)
        cost[row, col] = -score
        cost[np.arange(n), m + np.arange(n)] = -MIN_SCORE
        r, c = linear_sum_assignment(cost)
    else:  # sparse: costs kept positive (the sparse solver takes a stored zero for no edge)
        top = sum(SCORE_WEIGHTS.values()) + 1
        values = np.concatenate([top - score, np.full(n, top - MIN_SCORE)])
        matrix = coo_matrix(
            (values, (np.concatenate([row, np.arange(n)]), np.concatenate([col, m + np.arange(n)]))), shape=(n, m + n)
        ).tocsr()
        r, c = min_weight_full_bipartite_matching(matrix)
    real = c < m
    edge = {(x, y): k for k, (x, y) in enumerate(zip(row, col, strict=True))}
    return [label[edge[(x, y)]] for x, y in zip(r[real], c[real], strict=True)]


# --- tables -----------------------------------------------------------------------------------------------------

UNIT_COLUMNS = [
    "incident_id",
    "incident_ids",
    "records",
    "start_date",
    "end_date",
    "admin1",
    "admin2",
    "location_name",
    "family_group",
    "actors",
    *COUNTS,
    "has_figure",
    "other_killed",
]


def _pairs_table(chosen: pd.DataFrame, ua: pd.DataFrame, ub: pd.DataFrame, labels: tuple[str, str]) -> pd.DataFrame:
    a = ua.iloc[chosen["ia"]][UNIT_COLUMNS].reset_index(drop=True).add_suffix("_a")
    b = ub.iloc[chosen["ib"]][UNIT_COLUMNS].reset_index(drop=True).add_suffix("_b")
    rule = chosen[["days_apart", "km", "score"]].reset_index(drop=True)
    pairs = pd.concat([a, b, rule], axis=1)
    pairs["reasons"] = _reasons(chosen, ua, ub, labels)
    for column in COUNTS:
        pairs[column.replace("count", "difference")] = (pairs[f"{column}_b"] - pairs[f"{column}_a"]).astype("Int64")
    return pairs.sort_values(["start_date_a", "incident_id_a"]).reset_index(drop=True)


def _columns(units: pd.DataFrame, rows: np.ndarray) -> dict[str, np.ndarray]:
    """The units' columns that reasons quote, taken at ``rows`` (arrays: no per-row lookups)."""
    names = ("location_name", "admin1", "admin2", "parent_region", "cercle_key", "family_group", "mask", "records")
    out = {name: units[name].to_numpy()[rows] for name in names}
    out["count_best"] = units["count_best"].to_numpy(dtype=float, na_value=np.nan)[rows]
    return out


def _reasons(chosen: pd.DataFrame, ua: pd.DataFrame, ub: pd.DataFrame, labels: tuple[str, str]) -> list[str]:
    """Why each chosen pair is one incident, in words: dates, place, families, figures, records."""
    la, lb = labels
    a, b = _columns(ua, chosen["ia"].to_numpy()), _columns(ub, chosen["ib"].to_numpy())
    out = []
    for i, row in enumerate(chosen.itertuples()):  # only the chosen pairs: short strings from arrays
        parts = [_dates_reason(row.days_apart, row.start_gap)]
        if row.same_name:
            parts.append(f"same place name ({a['location_name'][i]})")
        if not np.isnan(row.km):
            parts.append(f"{row.km:.0f} km apart")
        elif row.same_cercle:
            parts.append(f"same cercle ({a['admin2'][i]})")
        elif not row.same_name:
            parts.append(f"same region ({a['parent_region'][i]})")
        shared = int(a["mask"][i]) & int(b["mask"][i])
        if shared:
            parts.append(f"same family ({_family_label(shared)})")
        else:
            parts.append(f"perpetrator unknown in {la if not a['mask'][i] else lb}")
        x, y = a["count_best"][i], b["count_best"][i]
        if np.isnan(x) or np.isnan(y):
            parts.append(f"no figure in {la if np.isnan(x) else lb}")
        else:
            close = "figures close" if _ratio(x, y) >= 0.5 else "figures differ"
            parts.append(f"{close} ({int(x):,} / {int(y):,})")
        for label, side in ((la, a), (lb, b)):
            if side["records"][i] > 1:
                parts.append(f"{label} episode of {side['records'][i]} records")
        out.append(f"score {row.score:.0f}: " + "; ".join(parts))
    return out


def _ratio(x, y) -> float:
    return (min(x, y) + 1) / (max(x, y) + 1)


def _dates_reason(days_apart: int, start_gap: int) -> str:
    if days_apart == 0:
        return "same dates" if start_gap == 0 else "overlapping dates"
    return f"{days_apart} {'day' if days_apart == 1 else 'days'} apart"


def _unmatched(mine, theirs, judged, my_matches, their_matches, keys, labels, window) -> pd.DataFrame:
    """Units of one side left unmatched, each with the reason it found no pair."""
    my_key, their_key = keys
    mine_label, their_label = labels
    max_days, max_km = window
    left = mine[~mine.index.isin(my_matches.index)].copy()
    seen = judged[judged[my_key].isin(left.index)]
    ids = theirs["incident_id"].to_numpy()
    own_ids = mine["incident_id"].to_numpy()
    reasons = {}
    # Admissible candidates that went elsewhere (or scored too low): the best one named.
    fit = seen[seen["admissible"]].sort_values([my_key, "score", their_key], ascending=[True, False, True])
    for row in fit.drop_duplicates(my_key).itertuples():
        mine_row, other = getattr(row, my_key), getattr(row, their_key)
        if other in their_matches.index:
            partner, rival = their_matches.at[other, "other"], their_matches.at[other, "score"]
            reasons[mine_row] = (
                f"candidate {their_label} {ids[other]} (score {row.score:.0f}) matched better to "
                f"{mine_label} {own_ids[partner]} (score {rival:.0f})"
            )
        else:
            reasons[mine_row] = f"best candidate {their_label} {ids[other]} scores {row.score:.0f} (below {MIN_SCORE})"
    # Otherwise the closest near miss, with the tests it fails.
    misses = seen[~seen["admissible"] & ~seen[my_key].isin(list(reasons))].copy()
    misses["fails"] = (~misses["date_ok"]).astype(int) + (~misses["place_ok"]).astype(int)
    misses["fails"] += (~misses["family_ok"]).astype(int)
    # only a candidate that fails a single test is a near miss worth naming
    misses = misses[misses["fails"] == 1].sort_values([my_key, "days_apart", "km", their_key])
    closest = misses.drop_duplicates(my_key)
    me, them = _columns(mine, closest[my_key].to_numpy()), _columns(theirs, closest[their_key].to_numpy())
    for i, row in enumerate(closest.itertuples()):
        mine_row, other = getattr(row, my_key), getattr(row, their_key)
        text = _miss_text(row, {k: v[i] for k, v in me.items()}, {k: v[i] for k, v in them.items()}, labels, window)
        reasons[mine_row] = f"closest {their_label} {ids[other]}: {text}"
    place_known = left["parent_region"].notna() | left["latitude"].notna()
    nothing = (
        f"no {their_label} event within {max_days} {'day' if max_days == 1 else 'days'} and {max_km:g} km (the same "
        f"cercle or region where coordinates are missing), and no near miss within {max_days + NEAR_MISS_DAYS} days"
    )
    left["reason"] = [
        reasons.get(i, nothing if known else "place not established (no region, no coordinates)")
        for i, known in zip(left.index, place_known, strict=True)
    ]
    return left[[*UNIT_COLUMNS, "reason"]].sort_values(["start_date", "incident_id"]).reset_index(drop=True)


def _miss_text(row, me: dict, them: dict, labels, window) -> str:
    max_days, max_km = window
    me_label, them_label = labels
    fails = []
    if not row.date_ok:
        fails.append(f"{row.days_apart} days apart (window {max_days})")
    if not row.place_ok:
        if not np.isnan(row.km):
            fails.append(f"{row.km:.0f} km apart (limit {max_km:g} km)")
        elif pd.notna(me["cercle_key"]) and pd.notna(them["cercle_key"]):
            fails.append(f"different cercles ({me_label}: {me['admin2']}; {them_label}: {them['admin2']})")
        else:
            fails.append(f"different regions ({me_label}: {me['admin1']}; {them_label}: {them['admin1']})")
    if not row.family_ok:
        fails.append(
            f"no perpetrator family in common ({me_label}: {me['family_group']}; {them_label}: {them['family_group']})"
        )
    return "; ".join(fails)
