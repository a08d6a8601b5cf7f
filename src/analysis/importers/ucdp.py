"""UCDP Georeferenced Event Dataset (GED) and Candidate events: one row per event with at least one death.

How UCDP's codes become our tables (the choices are UCDP's meaning, not ours, wherever it has one):

- ``best`` = deaths_a + deaths_b + deaths_civilians + deaths_unknown, with ``low`` and ``high`` around it.
  Each event gets one ``killed`` row per victim status that has deaths: civilian (deaths_civilians),
  combatant (deaths_a + deaths_b), unknown (deaths_unknown); an event with no deaths gets no killed row
  (a count of 0 is not a killing) unless UCDP's high is above 0, when one row carries that range. When all deaths are of one status that row takes UCDP's low
  and high; when they are split, each status gets the bounds that hold whatever the split of the
  uncertainty: ``max(0, deaths - (best - low))`` and ``deaths + (high - best)``.
- ``type_of_violence`` 3 (one-sided violence) is an attack on civilians by side A; 1 (state-based) and
  2 (non-state) are battles, where side A is recorded as primary and side B as the opponent, because
  UCDP does not attribute the deaths of a battle to one side.
- Side A "Government of Mali, Government of Russia (Soviet Union)" is FAMa with Russian forces: the
  Wagner Group for events that start before the day the reference actors table gives for Africa Corps'
  takeover (6 June 2025), Africa Corps from then on.
- A row outside Mali, with an impossible date, a date after today, or figures that do not add up is
  rejected with its reason; nothing is dropped without a line in the rejects file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from ..data.attribution import grade_from_source_count
from ..data.columns import joined, per_distinct, repeated_ids
from ..data.names import normalise_name
from .checks import MALI_EXTENT, Reasons, RejectLedger, after_today, id_text, inside_mali
from .output import Resolver
from .reading import InputFileError, RawFile, parse_date_column, read_table_file
from .result import ImportResult

#: Our name for a column -> the names UCDP has used for it (current first); found case-insensitively.
REQUIRED: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "type_of_violence": ("type_of_violence",),
    "side_a": ("side_a",),
    "side_b": ("side_b",),
    "country": ("country",),
    "date_start": ("date_start",),
    "date_end": ("date_end",),
    "date_prec": ("date_prec",),
    "where_prec": ("where_prec",),
    "deaths_a": ("deaths_a",),
    "deaths_b": ("deaths_b",),
    "deaths_civilians": ("deaths_civilians", "deaths_civilian"),
    "deaths_unknown": ("deaths_unknown",),
    "best": ("best", "best_est", "best_estimate"),
    "low": ("low", "low_est", "low_estimate"),
    "high": ("high", "high_est", "high_estimate"),
}
OPTIONAL: dict[str, tuple[str, ...]] = {
    "relid": ("relid",),
    "dyad_name": ("dyad_name",),
    "adm_1": ("adm_1",),
    "adm_2": ("adm_2",),
    "latitude": ("latitude",),
    "longitude": ("longitude",),
    "where_coordinates": ("where_coordinates",),
    "where_description": ("where_description",),
    "source_headline": ("source_headline",),
    "source_office": ("source_office",),
    "source_original": ("source_original",),
    "event_clarity": ("event_clarity",),
    "number_of_sources": ("number_of_sources",),
    "code_status": ("code_status",),
}
DEATH_COLUMNS = ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "low", "high")

COUNTRIES = {"mali": "MLI"}
RUSSIA = "government of russia soviet union"

DATE_PRECISION = {1: "day", 2: "week", 3: "week", 4: "month", 5: "year"}
_PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3}
LOCATION_PRECISION = {1: "exact", 2: "near", 3: "admin2", 4: "admin1", 5: "country", 6: "country", 7: "country"}
#: where_prec from which UCDP's coordinates are only the centroid of a region or the country.
CENTROID_FROM = 4
VIOLENCE = {1: "state-based conflict", 2: "non-state conflict", 3: "one-sided violence"}

QUOTE_CHARS = 300
SUMMARY_CHARS = 600


def import_ucdp(path: Path, resolver: Resolver, dataset: str, today: dt.date | None = None) -> ImportResult:
    raw = read_table_file(path)
    columns, renamed = _find_columns(path, list(raw.frame.columns))
    frame = pd.DataFrame(
        {
            key: raw.frame[name].astype("str") if name else pd.Series(None, index=raw.frame.index, dtype="str")
            for key, name in columns.items()
        }
    )
    today = today or dt.date.today()
    values, date_formats = _parse(frame, raw)
    reconciled = _reconcile_parts(values)
    widened = _widen_to_best(values)
    reasons = _reasons(frame, values, today, date_formats)
    merged, reasons = repeated_ids(values["incident_id"], raw.frame, raw.lines, reasons)
    kept = reasons.isna() & ~merged

    best = values["best"].fillna(0).astype("int64")
    rejected = reasons.notna()
    ledger = RejectLedger()
    ledger.add(raw.lines[rejected.to_numpy()], frame.loc[rejected, "id"], reasons[rejected], best[rejected])
    ledger.add_unreadable(raw.unreadable)

    rows = frame[kept]
    v = values[kept]
    switch = russian_forces_switch(resolver.reference)
    perpetrators, names = _perpetrators(rows, v, resolver, switch)
    by_id = {c: rows[c].set_axis(v["incident_id"]) for c in ("number_of_sources", "event_clarity", "source_office")}
    perpetrators = grade_from_source_count(
        perpetrators, by_id["number_of_sources"], by_id["event_clarity"], offices=by_id["source_office"]
    )
    incidents = _incidents(rows, v, resolver, dataset, names)
    result = ImportResult(
        source_file=path,
        dataset=dataset,
        shape=_shape(len(raw.frame.columns), renamed),
        rows_read=raw.records,
        incidents=incidents,
        perpetrators=perpetrators,
        casualties=_casualties(v),
        sources=_sources(rows, v, path.name),
        rows_merged=int(merged.sum()),
        rejects=ledger.frame(by_line=True),
        deaths_read=int(best[~merged].sum()),
        deaths_rejected=ledger.deaths,
    )
    result.notes += raw.detected + _notes(rows, v, switch)
    if reconciled[kept].any():
        result.notes.append(
            f"{int(reconciled[kept].sum())} event(s) whose best figure differs from the sum of deaths by side and "
            "status, kept: deaths no part accounts for are counted as of unknown status, and parts adding up to "
            "more than the best raise it to their sum (UCDP's own best is kept in the figure's words)"
        )
    if widened[kept].any():
        result.notes.append(
            f"{int(widened[kept].sum())} event(s) with inconsistent figures (UCDP's low above its best, or high "
            "below it), range widened: kept with their best figure, low = min(low, best), high = max(high, best)"
        )
    return result


def russian_forces_switch(reference: dict[str, pd.DataFrame]) -> pd.Timestamp:
    """The day Africa Corps took over from the Wagner Group, as the reference actors table records it
    (Wagner Group's active_to, Africa Corps' active_from; key_dates.csv 'wagner-exit' says the same)."""
    actors = reference["actors"].set_index("actor")
    try:
        ended, began = actors.at["Wagner Group", "active_to"], actors.at["Africa Corps", "active_from"]
    except KeyError:
        raise InputFileError(
            "reference/actors.csv: expected the actors 'Wagner Group' and 'Africa Corps' (UCDP's Government of "
            "Russia is one or the other, by date)"
        ) from None
    if not ended or ended != began:
        raise InputFileError(
            "reference/actors.csv: expected Wagner Group's active_to to be Africa Corps' active_from "
            f"(found {ended!r} and {began!r})"
        )
    return pd.Timestamp(ended)


def _reconcile_parts(values: pd.DataFrame) -> pd.Series:
    """UCDP's best should equal deaths_a + deaths_b + deaths_civilians + deaths_unknown. Where it does
    not, the event is kept (a source's inconsistency never drops its deaths): deaths in the best figure
    that no part accounts for are counted as of unknown status; parts adding up to more than the best
    raise the best to their sum (the range is then widened to include it). UCDP's own best stays in
    best_reported for count_text. Returns where the figures were reconciled."""
    parts = values[["deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown"]].sum(axis=1, min_count=4)
    values["best_reported"], values["parts_reported"] = values["best"], parts
    short = (parts < values["best"]).fillna(False).astype(bool)
    over = (parts > values["best"]).fillna(False).astype(bool)
    values.loc[short, "deaths_unknown"] = values.loc[short, "deaths_unknown"] + (values["best"] - parts)[short]
    values.loc[over, "best"] = parts[over]
    values["reconciled"] = short | over
    return values["reconciled"]


def _widen_to_best(values: pd.DataFrame) -> pd.Series:
    """UCDP's low above its best or high below it: the event is kept with its best figure and the range
    widened to include it (a source's inconsistency is never a reason to drop its deaths). UCDP's own
    figures stay in low_reported/high_reported for count_text. Returns where the range was widened."""
    values["low_reported"], values["high_reported"] = values["low"], values["high"]
    widened = ((values["low"] > values["best"]) | (values["high"] < values["best"])).fillna(False).astype(bool)
    values["low"] = values["low"].where(~widened, values[["low", "best"]].min(axis=1))
    values["high"] = values["high"].where(~widened, values[["high", "best"]].max(axis=1))
    values["widened"] = widened
    return widened


def _find_columns(path: Path, header: list[str]) -> tuple[dict[str, str | None], list[str]]:
    by_lower = {name.strip().lower(): name for name in header}
    found: dict[str, str | None] = {}
    missing: list[str] = []
    renamed: list[str] = []
    for table, required in ((REQUIRED, True), (OPTIONAL, False)):
        for key, names in table.items():
            name = next((by_lower[n] for n in names if n in by_lower), None)
            if name is None and required:
                missing.append(" or ".join(names))
            elif name is not None and name.strip().lower() != key:
                renamed.append(name)
            found[key] = name
    if missing:
        hint = ""
        if "event_id_cnty" in by_lower or "fatalities" in by_lower:
            hint = " This looks like an ACLED export: use `python -m analysis import acled`."
        raise InputFileError(
            f"{path}: expected a UCDP GED or Candidate events file (one row per event, columns such as "
            f"{', '.join(REQUIRED)}); missing column(s): {', '.join(missing)}.{hint}"
        )
    return found, renamed


def _shape(width: int, renamed: list[str]) -> str:
    if renamed:
        return f"UCDP GED, older layout with {', '.join(renamed)} ({width} columns)"
    return f"UCDP GED or Candidate ({width} columns)"


# --- parsing and checks ---------------------------------------------------------------------------------


def _parse(frame: pd.DataFrame, raw: RawFile) -> tuple[pd.DataFrame, dict[str, str]]:
    """Typed values beside the text: numbers (NaN when not a whole number >= 0), dates (NaT), codes."""
    out = pd.DataFrame(index=frame.index)
    out["incident_id"] = "ucdp-" + id_text(frame["id"])
    for column in DEATH_COLUMNS:
        number = pd.to_numeric(frame[column], errors="coerce")
        out[column] = number.where((number >= 0) & (number % 1 == 0)).astype("Int64")
    for column in ("type_of_violence", "date_prec", "where_prec"):
        number = pd.to_numeric(frame[column], errors="coerce")
        out[column] = number.where(number % 1 == 0).astype("Int64")
    formats = {}
    for column in ("date_start", "date_end"):
        out[column], formats[column] = parse_date_column(raw, frame[column], column)
    out["country"] = per_distinct(frame["country"], lambda c: COUNTRIES.get(normalise_name(c)))
    for column in ("latitude", "longitude"):
        out[column] = pd.to_numeric(frame[column], errors="coerce")
    return out, formats


def _reasons(frame: pd.DataFrame, v: pd.DataFrame, today: dt.date, date_formats: dict[str, str]) -> pd.Series:
    """The first reason each row cannot be imported, or missing when it can. A reason is a template
    filled with the row's own text (only for the rows it applies to, which are few)."""
    reasons = Reasons(frame)
    check = reasons.check

    check(frame["id"].isna(), "missing value: id is empty")
    check(frame["country"].isna(), "missing value: country is empty")
    check(v["country"].isna(), "out of scope: country {country}")
    check(
        ~v["type_of_violence"].isin(VIOLENCE),
        "invalid code: type_of_violence '{type_of_violence}' (expected 1, 2 or 3)",
    )
    check(frame["side_a"].isna(), "missing value: side_a is empty")
    check(frame["side_b"].isna() & (v["type_of_violence"] != 3), "missing value: side_b is empty")
    for column in ("date_start", "date_end"):
        check(frame[column].isna(), f"invalid date: {column} is empty")
        expected = date_formats[column].removesuffix(" with a time")
        check(v[column].isna(), f"invalid date: {column} '{{{column}}}' (expected a real date, {expected})")
    check(v["date_end"] < v["date_start"], "invalid date: date_end '{date_end}' is before date_start '{date_start}'")
    for column in ("date_start", "date_end"):
        after = f"is after today ({today.isoformat()})"
        check(after_today(v[column], today), f"future date: {column} '{{{column}}}' {after}")
    check(~v["date_prec"].isin(DATE_PRECISION), "invalid code: date_prec '{date_prec}' (expected 1 to 5)")
    check(~v["where_prec"].isin(LOCATION_PRECISION), "invalid code: where_prec '{where_prec}' (expected 1 to 7)")
    for column in DEATH_COLUMNS:
        check(v[column].isna(), f"invalid number: {column} '{{{column}}}' (expected a whole number, 0 or more)")
    has_point = (v["where_prec"] < CENTROID_FROM) & (frame["latitude"].notna() | frame["longitude"].notna())
    check(
        has_point & ~inside_mali(v["latitude"], v["longitude"]),
        "invalid coordinates: latitude '{latitude}', longitude '{longitude}' (expected a point in Mali: "
        + MALI_EXTENT
        + ")",
    )
    return reasons.reason


# --- tables -----------------------------------------------------------------------------------------------


def _split_side(name: str) -> list[str]:
    """UCDP joins governments fighting together with ', ' ("Government of Mali, Government of Russia
    (Soviet Union)"); other names may contain commas and stay whole."""
    parts = [p.strip() for p in name.split(", ")]
    if len(parts) > 1 and all(p.lower().startswith("government of ") for p in parts):
        return parts
    return [name]


def _perpetrators(
    rows: pd.DataFrame, v: pd.DataFrame, resolver: Resolver, switch: pd.Timestamp
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The perpetrators table, and per incident the canonical names of each side (for titles)."""
    violence = v["type_of_violence"].astype("int64")
    dyad = rows["dyad_name"].fillna(rows["side_a"] + " - " + rows["side_b"].fillna("Civilians"))
    sides = []
    for side, role_first, role_rest in (("side_a", "primary", "joint"), ("side_b", "opponent", "opponent")):
        keep = violence != 3 if side == "side_b" else violence > 0
        names = rows.loc[keep, side]
        long = per_distinct(names, _split_side).explode().rename("ucdp_name").to_frame()
        long["position"] = long.groupby(level=0).cumcount()
        long["side"] = side
        long["role"] = np.where(long["position"] == 0, role_first, role_rest)
        sides.append(long)
    long = pd.concat(sides)
    long["row"] = long.index
    long = long.reset_index(drop=True)
    is_russia = per_distinct(long["ucdp_name"], lambda n: normalise_name(n) == RUSSIA)
    before = (v.loc[long["row"], "date_start"] < switch).to_numpy()
    russian = np.where(before, "Wagner Group", "Africa Corps")
    long["name"] = long["ucdp_name"].where(~is_russia, russian)
    long["actor"] = resolver.actor_names(long["name"], origin="UCDP")

    side_names = rows.loc[long["row"], ["side_a", "side_b"]].reset_index(drop=True)
    row_dyad = dyad[long["row"]].reset_index(drop=True)
    kind = violence[long["row"]].map(VIOLENCE).reset_index(drop=True)
    on_a = long["side"] == "side_a"
    basis = pd.Series(
        np.where(
            violence[long["row"]].to_numpy() == 3,
            "UCDP codes "
            + side_names["side_a"]
            + " as side A of one-sided violence against civilians (dyad "
            + row_dyad
            + ")",
            np.where(
                on_a,
                "UCDP codes "
                + side_names["side_a"]
                + " as side A of a "
                + kind
                + " event (dyad "
                + row_dyad
                + "); UCDP does not attribute a battle's deaths to one side",
                "UCDP codes "
                + side_names["side_b"]
                + " as side B of a "
                + kind
                + " event (dyad "
                + row_dyad
                + "); the other side of a battle, not the perpetrator of the harm counted",
            ),
        )
    )
    basis = basis.where(
        ~is_russia,
        basis + f"; Russian forces with the Malian army were the Wagner Group until {_day(switch)} and Africa Corps "
        "from then on, and this event starts "
        + v.loc[long["row"], "date_start"].dt.strftime("%Y-%m-%d").reset_index(drop=True),
    )
    long["incident_id"] = v.loc[long["row"], "incident_id"].to_numpy()
    long["attribution"] = "single_source"
    long["attribution_basis"] = basis
    rank = long["role"].map({"primary": 0, "joint": 1, "opponent": 2})
    long = long.assign(rank=rank).sort_values(["row", "rank", "position"], kind="stable")
    long = long.drop_duplicates(["incident_id", "actor"])
    table = long[["incident_id", "actor", "role", "attribution", "attribution_basis"]].reset_index(drop=True)

    on_side = {side: long[long["side"] == side] for side in ("side_a", "side_b")}
    attackers, opponents = (joined(on["row"], on["actor"], " and ") for on in on_side.values())
    names = pd.DataFrame({"attackers": attackers, "opponents": opponents}).reindex(rows.index)
    return table, names


def _incidents(rows: pd.DataFrame, v: pd.DataFrame, resolver: Resolver, dataset: str, names) -> pd.DataFrame:
    violence = v["type_of_violence"].astype("int64")
    where_prec = v["where_prec"].astype("int64")
    admin1 = resolver.region_names(rows["adm_1"])
    place = admin1.fillna(rows["adm_1"].str.replace(r"(?i)\s+region$", "", regex=True)).fillna("Mali")
    victims = names["opponents"].where(violence != 3, "civilians").fillna(rows["side_b"]).fillna("civilians")
    point = where_prec < CENTROID_FROM
    return pd.DataFrame(
        {
            "incident_id": v["incident_id"],
            "record_type": "event",
            "title": names["attackers"].fillna(rows["side_a"]) + " against " + victims + " in " + place,
            "summary": _summary(rows),
            "start_date": v["date_start"].dt.strftime("%Y-%m-%d"),
            "end_date": v["date_end"].dt.strftime("%Y-%m-%d"),
            "date_precision": _date_precision(v),
            "country": v["country"],
            "admin1": admin1,
            "admin2": rows["adm_2"].str.replace(r"(?i)\s+cercle$", "", regex=True),
            "location_name": rows["where_coordinates"].fillna(rows["where_description"]),
            "latitude": rows["latitude"].where(point),
            "longitude": rows["longitude"].where(point),
            "location_precision": where_prec.map(LOCATION_PRECISION),
            "event_type": np.where(violence == 3, "attack", "armed_clash"),
            "is_civilian_targeting": np.where(violence == 3, "true", "false"),
            "dataset": dataset,
            "external_id": rows["id"],
            "verification_note": _verification_note(rows, point),
        }
    ).reset_index(drop=True)


def _date_precision(v: pd.DataFrame) -> pd.Series:
    """UCDP's date_prec, made coarser when the span from date_start to date_end needs it."""
    coded = v["date_prec"].astype("int64").map(DATE_PRECISION)
    days = (v["date_end"] - v["date_start"]).dt.days
    spanned = pd.Series(np.select([days == 0, days < 7, days <= 31], ["day", "week", "month"], "year"), index=v.index)
    coarser = spanned.map(_PRECISION_RANK) > coded.map(_PRECISION_RANK)
    return coded.where(~coarser, spanned)


def _distinct(values: pd.Series, separator: str = ";") -> pd.Series:
    """'#Mali;#Mali' -> '#Mali': UCDP lists one entry per source article, often repeated."""
    return per_distinct(values, lambda text: "; ".join(_entries(text, separator))).replace("", None)


def _entries(text: str, separator: str) -> dict[str, None]:
    return dict.fromkeys(p.strip() for p in text.split(separator) if p.strip())


def _shorten(values: pd.Series, limit: int) -> pd.Series:
    long = values.str.len() > limit
    return values.where(~long.fillna(False), values.str[: limit - 1].str.rstrip() + "…")


def _summary(rows: pd.DataFrame) -> pd.Series:
    headlines = _distinct(rows["source_headline"])
    where = rows["where_description"]
    stop = pd.Series(np.where(where.str.contains(r"[.!?]$", na=False), "", "."), index=where.index)
    text = ("Place: " + where + stop).where(where.notna(), "")
    sourced = ("Sources' headlines: " + headlines).where(headlines.notna(), "")
    joined = (text + " " + sourced).str.strip().replace("", None)
    return _shorten(joined, SUMMARY_CHARS)


def _verification_note(rows: pd.DataFrame, point: pd.Series) -> pd.Series:
    status = rows["code_status"]
    notes = [
        ("UCDP Candidate code_status '" + status + "': UCDP has not yet cleared this event.").where(
            status.notna() & (status.str.lower() != "clear"), ""
        ),
        pd.Series(
            np.where(
                rows["event_clarity"] == "2",
                "UCDP event_clarity 2: the figures are an aggregate the source gives for a wider area or period.",
                "",
            ),
            index=rows.index,
        ),
        pd.Series(
            np.where(
                ~point & (rows["latitude"].notna() | rows["longitude"].notna()),
                "UCDP's coordinates are only a centroid at this precision and are left out.",
                "",
            ),
            index=rows.index,
        ),
    ]
    joined = notes[0]
    for part in notes[1:]:
        joined = joined + " " + part
    return joined.str.strip().str.replace(r"\s{2,}", " ", regex=True).replace("", None)


def _casualties(v: pd.DataFrame) -> pd.DataFrame:
    a, b, c, u = (v[col].astype("int64") for col in ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown"))
    best, low, high = (v[col].astype("int64") for col in ("best", "low", "high"))
    statuses = {"civilian": c, "combatant": a + b, "unknown": u}
    nonzero = sum((deaths > 0).astype("int64") for deaths in statuses.values())
    zero_status = pd.Series(np.where(v["type_of_violence"] == 3, "civilian", "unknown"), index=v.index)
    frames = []
    for status, deaths in statuses.items():
        # An event of no deaths whose high is above 0 keeps one row for that range; one of 0, 0, 0 has no
        # killed row (a count of 0 is not a killing), and stays an event.
        keep = (deaths > 0) | ((nonzero == 0) & (high > 0) & (zero_status == status))
        single = nonzero[keep] <= 1
        d, bst, lo, hi = deaths[keep], best[keep], low[keep], high[keep]
        figure = "UCDP best " + bst.astype(str) + " (low " + lo.astype(str) + ", high " + hi.astype(str) + ")"
        reported = v.loc[keep, ["low_reported", "high_reported"]].astype("int64").astype(str)
        reported_best, parts = (v.loc[keep, c].astype("int64") for c in ("best_reported", "parts_reported"))
        figure = figure.where(
            ~(v.loc[keep, "reconciled"] & (parts < reported_best)),
            figure + ", of which " + (reported_best - parts).astype(str) + " not given by side or status",
        )
        figure = figure.where(
            ~(v.loc[keep, "reconciled"] & (parts > reported_best)),
            figure + ", raised from UCDP's own best " + reported_best.astype(str) + " to its deaths by side and status",
        )
        figure = figure.where(
            ~v.loc[keep, "widened"],
            figure
            + " widened from UCDP's own low "
            + reported["low_reported"]
            + ", high "
            + reported["high_reported"]
            + ", which do not include its best",
        )
        part = {
            "civilian": "civilians " + d.astype(str),
            "combatant": "combatants "
            + d.astype(str)
            + " (side A "
            + a[keep].astype(str)
            + ", side B "
            + b[keep].astype(str)
            + ")",
            "unknown": "status unknown " + d.astype(str),
        }[status]
        whole = {"civilian": "all civilians", "combatant": "all combatants", "unknown": "all of unknown status"}[status]
        text = figure + np.where(single, np.where(d > 0, "; " + whole, ""), "; " + part + " of " + bst.astype(str))
        frames.append(
            pd.DataFrame(
                {
                    "incident_id": v.loc[keep, "incident_id"],
                    "harm": "killed",
                    "victim_status": status,
                    "victim_group": "all",
                    "count_min": lo.where(single, (d - (bst - lo)).clip(lower=0)),
                    "count_best": d,
                    "count_max": hi.where(single, d + (hi - bst)),
                    "count_text": text,
                    "order": np.flatnonzero(keep.to_numpy()),
                }
            )
        )
    table = pd.concat(frames, ignore_index=True).sort_values("order", kind="stable")
    return table.drop(columns="order").reset_index(drop=True)


def _sources(rows: pd.DataFrame, v: pd.DataFrame, document: str) -> pd.DataFrame:
    office = _distinct(rows["source_office"])
    original = _distinct(rows["source_original"])
    carried = office.where(original.isna(), office.fillna("") + " (original sources: " + original + ")")
    carried = carried.str.replace(r"^ \(", "(", regex=True)
    return pd.DataFrame(
        {
            "incident_id": v["incident_id"],
            "publisher": "UCDP",
            "source_type": "dataset",
            "stance": "reports",
            "title": "UCDP event " + rows["id"],
            "quote": _shorten(_distinct(rows["source_headline"]), QUOTE_CHARS),
            "document": document,
            "carried_by": carried,
        }
    ).reset_index(drop=True)


def _day(date: pd.Timestamp) -> str:
    return f"{date.day} {date:%B %Y}"


def _notes(rows: pd.DataFrame, v: pd.DataFrame, switch: pd.Timestamp) -> list[str]:
    notes = []
    russia = per_distinct(rows["side_a"], lambda n: any(normalise_name(p) == RUSSIA for p in _split_side(n)))
    if russia.any():
        before = int((russia & (v["date_start"] < switch)).sum())
        notes.append(
            f"side A with the Government of Russia: {before} event(s) before {_day(switch)} recorded as FAMa + "
            f"Wagner Group, {int(russia.sum()) - before} from then on as FAMa + Africa Corps"
        )
    centroid = int(((v["where_prec"] >= CENTROID_FROM) & rows["latitude"].notna()).sum())
    if centroid:
        notes.append(f"coordinates left out for {centroid} event(s) where UCDP gives only a region or country centroid")
    return notes
