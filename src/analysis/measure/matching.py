"""Events matched across two datasets, one to one, and the closest miss of every event left unmatched.

Events are matched one to one, closest first, when their date windows overlap within ``max_days``, their
places agree (within ``max_km`` when both have precise coordinates, else the same region or the same
pre-2016 region) and at least one perpetrator (primary, joint or associated; never an opponent) is shared.
The rule in words is ``report.comparison.matching_rule``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..data.dataset import Dataset
from ..data.reference import pre_2016_region
from .aggregate import incident_facts, incident_figures
from .coverage import EVERYTHING
from .selection import InvalidParameter, Selection

#: Coordinates are used for matching only when they place the event itself, not a region's centre.
PRECISE_LOCATIONS = ("exact", "near")
#: How far beyond the tolerances an unmatched event's closest candidate is still reported as a near miss.
NEAR_MISS_DAYS = 30
EARTH_RADIUS_KM = 6371.0
COUNTS = ["count_min", "count_best", "count_max"]


@dataclass
class Matches:
    """Events of two datasets paired one to one, and those of each side left unmatched (with the closest miss)."""

    label_a: str
    label_b: str
    pairs: pd.DataFrame
    unmatched_a: pd.DataFrame
    unmatched_b: pd.DataFrame
    max_days: int
    max_km: float

    @property
    def events_a(self) -> int:
        return len(self.pairs) + len(self.unmatched_a)

    @property
    def events_b(self) -> int:
        return len(self.pairs) + len(self.unmatched_b)


def match_events(
    a: Dataset,
    b: Dataset,
    selection: Selection = EVERYTHING,
    *,
    max_days: int = 2,
    max_km: float = 25.0,
    labels: tuple[str, str] | None = None,
) -> Matches:
    """Pair events of ``a`` and ``b`` (see ``matching_rule``); figures are civilians killed, min/best/max."""
    if max_days < 0 or max_km <= 0:
        raise InvalidParameter(f"max_days ({max_days}) must be 0 or more and max_km ({max_km}) more than 0")
    label_a, label_b = labels or (_dataset_name(a, "a"), _dataset_name(b, "b"))
    ea, eb = _match_facts(a, selection), _match_facts(b, selection)
    parents = {**pre_2016_region(b.regions), **pre_2016_region(a.regions)}
    candidates = _candidates(ea, eb, max_days + NEAR_MISS_DAYS)
    candidates = _judge(candidates, ea, eb, parents, max_days, max_km, (label_a, label_b))
    good = candidates[candidates["failures"] == 0].sort_values(
        ["days_apart", "place_rank", "km_sort", "shared", "start_gap", "ia", "ib"],
        ascending=[True, True, True, False, True, True, True],
    )
    taken_a, taken_b, chosen = set(), set(), []
    for row in good.itertuples():
        if row.ia not in taken_a and row.ib not in taken_b:
            taken_a.add(row.ia)
            taken_b.add(row.ib)
            chosen.append(row.Index)
    pairs = _pairs_table(candidates.loc[chosen], ea, eb)
    unmatched_a = _unmatched(ea, eb, candidates, taken_a, taken_b, "ia", "ib", label_b)
    unmatched_b = _unmatched(eb, ea, candidates, taken_b, taken_a, "ib", "ia", label_a)
    return Matches(label_a, label_b, pairs, unmatched_a, unmatched_b, max_days, max_km)


def _dataset_name(ds: Dataset, fallback: str) -> str:
    names = ds.incidents["dataset"].dropna().unique()
    return names[0] if len(names) == 1 else fallback


def _match_facts(ds: Dataset, selection: Selection) -> pd.DataFrame:
    """One row per selected event: window, place, perpetrators and civilians killed (missing: not reported)."""
    facts = incident_facts(ds, selection)
    figures = incident_figures(ds).set_index("incident_id")
    other = pd.concat([incident_figures(ds, victim_status=s) for s in ("unknown", "combatant")])
    out = facts[["incident_id", "start_date", "end_date", "date_precision", "admin1", "location_name"]].copy()
    out["actors"] = facts["actors_involved"]
    precise = facts["location_precision"].isin(PRECISE_LOCATIONS)
    out["latitude"] = pd.to_numeric(facts["latitude"], errors="coerce").where(precise).astype(float)
    out["longitude"] = pd.to_numeric(facts["longitude"], errors="coerce").where(precise).astype(float)
    for column in COUNTS:
        out[column] = out["incident_id"].map(figures[column]).astype("Int64")
    out["has_figure"] = out["incident_id"].map(figures["has_figure"]).fillna(False).astype(bool)
    out["other_killed"] = out["incident_id"].map(other.groupby("incident_id")["count_best"].sum()).astype("Int64")
    return out.reset_index(drop=True)


def _months(start: pd.Series, end: pd.Series, days: int) -> pd.DataFrame:
    """Each row repeated once per calendar month its window (widened by ``days``) touches."""
    first = (start - pd.Timedelta(days=days)).dt.to_period("M").astype("int64")
    last = (end + pd.Timedelta(days=days)).dt.to_period("M").astype("int64")
    counts = (last - first + 1).to_numpy()
    rows = np.repeat(np.arange(len(start)), counts)
    offsets = np.arange(len(rows)) - np.repeat(np.cumsum(counts) - counts, counts)
    return pd.DataFrame({"row": rows, "month": np.repeat(first.to_numpy(), counts) + offsets})


def _candidates(ea: pd.DataFrame, eb: pd.DataFrame, days: int) -> pd.DataFrame:
    """Pairs whose windows are at most ``days`` apart (blocked by month so that large exports stay fast)."""
    if ea.empty or eb.empty:
        return pd.DataFrame({"ia": pd.Series(dtype=int), "ib": pd.Series(dtype=int)})
    ka = _months(ea["start_date"], ea["end_date"], days).rename(columns={"row": "ia"})
    kb = _months(eb["start_date"], eb["end_date"], 0).rename(columns={"row": "ib"})
    pairs = ka.merge(kb, on="month")[["ia", "ib"]].drop_duplicates().reset_index(drop=True)
    gap = _days_apart(ea, eb, pairs)
    return pairs[gap <= days].reset_index(drop=True)


def _days_apart(ea, eb, pairs) -> np.ndarray:
    sa, ea_end = ea["start_date"].to_numpy()[pairs["ia"]], ea["end_date"].to_numpy()[pairs["ia"]]
    sb, eb_end = eb["start_date"].to_numpy()[pairs["ib"]], eb["end_date"].to_numpy()[pairs["ib"]]
    gap = np.maximum(sb - ea_end, sa - eb_end) / np.timedelta64(1, "D")
    return np.maximum(gap, 0).astype(int)


def _judge(pairs, ea, eb, parents, max_days, max_km, labels) -> pd.DataFrame:
    """Each candidate pair's distance in days and km, whether place and actors agree, and why not."""
    out = pairs.copy()
    la, lb = labels
    ia, ib = out["ia"].to_numpy(), out["ib"].to_numpy()
    out["days_apart"] = _days_apart(ea, eb, out) if len(out) else pd.Series(dtype=int)
    out["start_gap"] = np.abs(
        (ea["start_date"].to_numpy()[ia] - eb["start_date"].to_numpy()[ib]) / np.timedelta64(1, "D")
    )
    km = _haversine(
        ea["latitude"].to_numpy()[ia],
        ea["longitude"].to_numpy()[ia],
        eb["latitude"].to_numpy()[ib],
        eb["longitude"].to_numpy()[ib],
    )
    region_a, region_b = ea["admin1"].to_numpy()[ia], eb["admin1"].to_numpy()[ib]
    parent_a = np.array([parents.get(r, r) if isinstance(r, str) else None for r in region_a], dtype=object)
    parent_b = np.array([parents.get(r, r) if isinstance(r, str) else None for r in region_b], dtype=object)
    has_km = ~np.isnan(km)
    known = pd.notna(region_a) & pd.notna(region_b)
    same = known & (region_a == region_b)
    same_parent = known & (parent_a == parent_b)
    out["km"] = km
    out["km_sort"] = np.where(has_km, km, max_km)
    out["place_rank"] = np.select([has_km & (km <= max_km), ~has_km & same, ~has_km & same_parent], [0, 1, 2], 3)
    out["place"] = np.select(
        [has_km, same, same_parent], [[f"{k:.0f} km apart" for k in km], "same region", "same pre-2016 region"], ""
    )
    place_miss = np.select(
        [has_km, known],
        [
            [f"{k:.0f} km apart (tolerance {max_km:g} km)" for k in km],
            [f"different regions ({la}: {x}; {lb}: {y})" for x, y in zip(region_a, region_b, strict=True)],
        ],
        "place not established",
    )
    actors_a, actors_b = ea["actors"].to_numpy()[ia], eb["actors"].to_numpy()[ib]
    shared = [tuple(x for x in p if x in set(q)) for p, q in zip(actors_a, actors_b, strict=True)]
    out["shared_actors"] = shared
    out["shared"] = [len(s) for s in shared]
    date_ok = out["days_apart"].to_numpy() <= max_days
    place_ok = out["place_rank"].to_numpy() < 3
    actor_ok = out["shared"].to_numpy() > 0
    out["failures"] = (~date_ok).astype(int) + (~place_ok).astype(int) + (~actor_ok).astype(int)
    out["miss"] = np.select(
        [~date_ok, ~place_ok, ~actor_ok],
        [
            [f"{d} days apart (tolerance {max_days})" for d in out["days_apart"]],
            place_miss,
            [
                f"no perpetrator in common ({la}: {actors_text(x)}; {lb}: {actors_text(y)})"
                for x, y in zip(actors_a, actors_b, strict=True)
            ],
        ],
        "",
    )
    return out


def _haversine(lat1, lon1, lat2, lon2) -> np.ndarray:
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(v, dtype=float)) for v in (lat1, lon1, lat2, lon2))
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h))


def actors_text(actors) -> str:
    return ", ".join(actors) if len(actors) else "none named"


def _pairs_table(chosen: pd.DataFrame, ea: pd.DataFrame, eb: pd.DataFrame) -> pd.DataFrame:
    a = ea.iloc[chosen["ia"]].reset_index(drop=True).add_suffix("_a")
    b = eb.iloc[chosen["ib"]].reset_index(drop=True).add_suffix("_b")
    rule = chosen[["days_apart", "place", "shared_actors"]].reset_index(drop=True)
    pairs = pd.concat([a, b, rule], axis=1)
    for column in COUNTS:
        pairs[column.replace("count", "difference")] = (pairs[f"{column}_b"] - pairs[f"{column}_a"]).astype("Int64")
    columns = ["incident_id", "start_date", "end_date", "admin1", "location_name", "actors", *COUNTS, "has_figure"]
    columns += ["other_killed"]
    ordered = [f"{c}_{side}" for side in "ab" for c in columns]
    ordered += ["days_apart", "place", "shared_actors", "difference_min", "difference_best", "difference_max"]
    return pairs[ordered].sort_values(["start_date_a", "incident_id_a"]).reset_index(drop=True)


def _unmatched(mine, theirs, candidates, taken_mine, taken_theirs, my_key, their_key, their_label) -> pd.DataFrame:
    """Events of one side not matched, each with its closest candidate on the other side and why it is not a match."""
    left = mine[~mine.index.isin(list(taken_mine))].copy()
    near = candidates[candidates["failures"] <= 1].copy()
    near["taken"] = (near["failures"] == 0) & near[their_key].isin(list(taken_theirs))
    near = near.sort_values(["failures", "days_apart", "place_rank", "km_sort", "start_gap", their_key])
    best = near.drop_duplicates(my_key).set_index(my_key)
    ids = theirs["incident_id"].to_numpy()
    reasons = {}
    for row, found in best.iterrows():
        other = ids[found[their_key]]
        why = "already matched to a closer event" if found["taken"] else found["miss"]
        reasons[row] = f"{their_label} {other}: {why}"
    nothing = f"no {their_label} event within {NEAR_MISS_DAYS} days"
    left["closest_miss"] = [reasons.get(i, nothing) for i in left.index]
    return left.sort_values(["start_date", "incident_id"]).reset_index(drop=True)
