"""ACLED exports -> tidy tables.

Reads the three shapes ACLED has exported (see ../shared/README.md): per event with actor2, before
2019 and since 2023, and per actor, where an event is repeated once per actor and is merged back
into one incident here. ACLED's conventions are kept visible rather than silently "fixed":
its single fatality figure is the lowest reported, so it becomes count_min and count_best with
no upper bound, and battle fatalities are victims of unknown status, never civilians.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from ..data.associates import ARMED_INTER, DESCRIPTION, JOINT, classify_associates
from ..data.attribution import grade_from_notes, grade_from_publishers
from ..data.columns import joined, repeated_ids
from ..data.schema import ACLED_EVENT_TYPES, ACLED_UNLISTED_EVENT_TYPE, ATTRIBUTION_ORDER
from .checks import MALI_EXTENT, Reasons, RejectLedger, after_today, inside_mali, swapped_coordinates, valid_ids
from .output import Resolver
from .reading import LONG_DATE, InputFileError, RawFile, parse_date_column, read_table_file
from .result import ImportResult
from .victim_groups import group_figures

REQUIRED = (
    "event_id_cnty",
    "event_date",
    "time_precision",
    "event_type",
    "actor1",
    "inter1",
    "country",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "fatalities",
)
OPTIONAL = (
    "sub_event_type",
    "assoc_actor_1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "civilian_targeting",
    "admin2",
    "notes",
    "source",
    "timestamp",
)

#: Column names of older ACLED exports -> today's name.
OLDER_NAMES = {"ally_actor_1": "assoc_actor_1", "ally_actor_2": "assoc_actor_2"}
#: (event_type, sub_event_type) -> our event type (declared once, in the schema, with the victim status).
EVENT_TYPE_MAP: dict[tuple[str, str], str] = {key: rule.event_type for key, rule in ACLED_EVENT_TYPES.items()}
#: Sub-events that harm people other than by killing; ACLED gives no count, so the row carries none.
_UNCOUNTED_HARM = {
    "abduction_forced_disappearance": ("disappeared", "ACLED records an abduction or disappearance; no count given"),
    "arrests": ("detained", "ACLED records arrests; no count given"),
    "looting_property_destruction": ("property_looted", "ACLED records looting or destruction; no count given"),
    "sexual_violence": ("sexual_violence", "ACLED records sexual violence; no count given"),
}
#: ACLED replaced its numeric inter codes with labels in 2024; both are read.
INTER_LABELS = {
    "state forces": 1,
    "rebel group": 2,
    "political militia": 3,
    "identity militia": 4,
    "rioters": 5,
    "protesters": 6,
    "civilians": 7,
    "external/other forces": 8,
}
_VICTIM_INTER = {5, 6, 7}  # rioters, protesters and civilians harmed on the other side are not perpetrators
_CIVILIANS_INTER = 7  # civilians are never a perpetrator, even as actor1; rioters coded as actor1 are
_TIME_PRECISION = {1: "day", 2: "week", 3: "month"}
_GEO_PRECISION = {1: "exact", 2: "near", 3: "admin1"}


def detect_shape(columns: list[str]) -> str:
    present = set(columns)
    if "actor2" not in present:
        return "ACLED per-actor export (one row per actor)"
    if "civilian_targeting" in present:
        return "ACLED per-event export (2023 columns)"
    if "sub_event_type" in present:
        return "ACLED per-event export (2019-2023 columns)"
    return "ACLED per-event export (before 2019)"


def import_acled(path: Path, resolver: Resolver, dataset: str, today: dt.date | None = None) -> ImportResult:
    raw = read_table_file(path)
    columns = {c.lower(): c for c in raw.frame.columns}
    renamed = []
    for old, current in OLDER_NAMES.items():
        if old in columns and current not in columns:
            columns[current] = columns.pop(old)
            renamed.append(f"older ACLED column name '{columns[current]}' read as '{current}'")
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise InputFileError(
            f"{path}: expected an ACLED export; missing column(s): {', '.join(missing)}. "
            f"An ACLED export has at least: {', '.join(REQUIRED)}"
        )
    frame = raw.frame.rename(columns={v: k for k, v in columns.items()})
    for column in OPTIONAL:
        if column not in frame.columns:
            frame[column] = pd.Series(pd.NA, index=frame.index, dtype="str")
    shape = detect_shape(list(columns))
    today = today or dt.date.today()
    rows = _parse_rows(frame, raw, today)
    per_actor = "actor2" not in columns
    # ACLED numbers every row (data_id): two copies of one record differ there and nowhere else.
    records = raw.frame.drop(columns=[columns["data_id"]] if "data_id" in columns else [])
    repeats, rows["reason"] = repeated_ids(
        _record_ids(rows, per_actor), records, rows["line"], rows["reason"], reject_other_values=not per_actor
    )
    rows["deaths"] = _deaths(rows, per_actor).where(~repeats, 0)
    if per_actor:
        events, merged, rejected, actor_rows = _merge_per_actor(rows[~repeats])
    else:
        events, merged, rejected, actor_rows = _events(rows[~repeats]), 0, _rejected(rows), None
    merged += int(repeats.sum())
    result = _build(events, raw.records, path, resolver, dataset, shape, actor_rows, today)
    ledger = RejectLedger()
    ledger.add(rejected["line"], rejected["event_id"], rejected["reason"], rejected["deaths"])
    ledger.add_unreadable(raw.unreadable)
    result.rejects = ledger.frame()
    result.rows_merged = merged
    result.deaths_read = int(rows["deaths"].sum())
    result.deaths_rejected = ledger.deaths
    result.notes[:0] = raw.detected + renamed
    if per_actor:
        result.notes.append(
            "per-actor export: the order of actor1 and actor2 is not recorded; an event's first non-civilian "
            "actor is taken as the primary actor"
        )
    return result


def _parse_rows(frame: pd.DataFrame, raw: RawFile, today: dt.date) -> pd.DataFrame:
    """One row per record, parsed, with the first reason (if any) it cannot be imported."""
    out = pd.DataFrame(index=frame.index)
    out["line"] = raw.lines
    out["event_id"] = frame["event_id_cnty"]
    out["date"], _ = parse_date_column(raw, frame["event_date"], "event_date", usual=LONG_DATE)
    out["time_precision"] = pd.to_numeric(frame["time_precision"], errors="coerce")
    out["geo_precision"] = pd.to_numeric(frame["geo_precision"], errors="coerce")
    out["fatalities"] = pd.to_numeric(frame["fatalities"], errors="coerce")
    out["latitude"] = pd.to_numeric(frame["latitude"], errors="coerce")
    out["longitude"] = pd.to_numeric(frame["longitude"], errors="coerce")
    out["inter1"] = _inter(frame["inter1"])
    out["inter2"] = _inter(frame["inter2"])
    for column in (
        "event_type",
        "sub_event_type",
        "actor1",
        "assoc_actor_1",
        "actor2",
        "assoc_actor_2",
        "country",
        "admin1",
        "admin2",
        "location",
        "notes",
        "source",
        "civilian_targeting",
    ):
        out[column] = frame[column]
    out["published"] = pd.to_datetime(pd.to_numeric(frame["timestamp"], errors="coerce"), unit="s", errors="coerce")
    type_key = out["event_type"].fillna("") + "|" + out["sub_event_type"].fillna("")
    # Each field of the rule looked up once per (event type, sub-event type), never per row.
    for column, field in (("our_type", "event_type"), ("victim_rule", "victim_status"), ("in_scope", "in_scope")):
        values = {f"{a}|{b}": getattr(rule, field) for (a, b), rule in ACLED_EVENT_TYPES.items()}
        out[column] = type_key.map(values).fillna(getattr(ACLED_UNLISTED_EVENT_TYPE, field))
    out["in_scope"] = out["in_scope"].astype(bool)

    inside = inside_mali(out["latitude"], out["longitude"])
    swapped = swapped_coordinates(out["latitude"], out["longitude"])
    reasons = Reasons(out)
    reasons.check(out["event_id"].isna(), "missing id: event_id_cnty is empty")
    reasons.check(~valid_ids(out["event_id"]), "invalid id: event_id_cnty {event_id!r}")
    reasons.check(out["country"].fillna("") != "Mali", "out of scope: country {country!r} (this tool covers Mali)")
    # An event with deaths is never out of scope; one without is when its type records no harm to people.
    reasons.check(
        ~out["in_scope"] & out["fatalities"].eq(0),
        lambda r: (
            "out of scope: ACLED "
            + " / ".join(t for t in (r["event_type"], r["sub_event_type"]) if t)
            + " with no reported fatalities records no violence against people or property by an armed actor"
        ),
    )
    reasons.check(out["date"].isna(), "invalid date: event_date is not a real date like '31 December 2020'")
    reasons.check(after_today(out["date"], today), "invalid date: {date:%Y-%m-%d} is in the future")
    reasons.check(~out["time_precision"].isin(list(_TIME_PRECISION)), "invalid precision: time_precision not 1-3")
    reasons.check(~out["geo_precision"].isin(list(_GEO_PRECISION)), "invalid precision: geo_precision not 1-3")
    reasons.check(
        out["fatalities"].isna() | (out["fatalities"] < 0) | (out["fatalities"] % 1 != 0),
        "invalid count: fatalities is not a whole number >= 0",
    )
    reasons.check(
        ~inside & swapped,
        "invalid coordinates: ({latitude}, {longitude}) look swapped (latitude, longitude)",
    )
    reasons.check(
        ~inside,
        "invalid coordinates: ({latitude}, {longitude}) are outside Mali or not numbers (expected " + MALI_EXTENT + ")",
    )
    reasons.check(out["actor1"].isna(), "missing actor: actor1 is empty")
    reason = reasons.reason
    out["reason"] = reason
    out["civilian_row"] = out["inter1"].eq(7)
    return out


def _inter(values: pd.Series) -> pd.Series:
    numeric = pd.to_numeric(values, errors="coerce")
    labels = values.str.strip().str.lower().map(INTER_LABELS)
    return numeric.fillna(labels).astype("Int64")


def _record_ids(rows: pd.DataFrame, per_actor: bool) -> pd.Series:
    """What identifies a record: its event, and in a per-actor export (one row per actor) the actor too."""
    ids = "acled-" + rows["event_id"]
    return ids + " (" + rows["actor1"] + ")" if per_actor else ids


def _deaths(rows: pd.DataFrame, per_actor: bool) -> pd.Series:
    """The deaths each row adds to the ledger: a per-actor export repeats its event's on every row, counted
    once, on the event's first row."""
    deaths = rows["fatalities"].fillna(0)
    if not per_actor:
        return deaths
    return deaths.where(~rows["event_id"].duplicated() | rows["event_id"].isna(), 0)


def _events(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows of a per-event export that are written: one event each."""
    events = rows[rows["reason"].isna()].copy()
    events["civilians_present"] = events["inter2"].eq(7).fillna(False)
    return events


def _rejected(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.loc[rows["reason"].notna(), ["line", "event_id", "reason", "deaths"]].sort_values("line")


_EVENT_LEVEL = ["date", "time_precision", "event_type", "sub_event_type", "fatalities", "location", "admin1"]


def _merge_per_actor(rows: pd.DataFrame) -> tuple[pd.DataFrame, int, pd.DataFrame, pd.DataFrame]:
    """Rows sharing an event_id_cnty become one event: its actors are the non-civilian rows' actor1,
    and a civilians' row marks civilians as the target. Rows that disagree on the event are rejected.
    Returns the events, the rows merged, the rejected rows and the actor rows in file order (``row``: the
    position of their event; actor, assoc, inter)."""
    rows = rows.copy()
    has_id = rows["event_id"].notna()
    bad_in_event = rows[has_id & rows["reason"].notna()]["event_id"].unique()
    spoilt = has_id & rows["event_id"].isin(bad_in_event) & rows["reason"].isna()
    rows.loc[spoilt, "reason"] = "inconsistent event: another row of this event was rejected"
    ok = rows[rows["reason"].isna()]
    disagreeing = ok.groupby("event_id", sort=False)[_EVENT_LEVEL].nunique(dropna=False).gt(1)
    split_ids = disagreeing.index[disagreeing.any(axis=1)]
    if len(split_ids):
        which = disagreeing.loc[split_ids].apply(lambda r: ", ".join(r.index[r]), axis=1)
        bad = ok["event_id"].isin(split_ids)
        rows.loc[ok.index[bad], "reason"] = [
            f"inconsistent event: its rows disagree on {which[i]}" for i in ok.loc[bad, "event_id"]
        ]
        ok = rows[rows["reason"].isna()]
    actors = ok[~ok["civilian_row"]]
    civilians = ok.groupby("event_id", sort=False)["civilian_row"].any()
    first = ok.drop_duplicates("event_id", keep="first").set_index("event_id", drop=False)
    events = first.copy()
    events["civilians_present"] = civilians.reindex(events.index).fillna(False).to_numpy()
    events = events.reset_index(drop=True)
    # The actor rows in file order; the first of an event is its primary actor, the others the other side.
    position = pd.Series(events.index, index=events["event_id"])
    actor_rows = pd.DataFrame(
        {
            "row": actors["event_id"].map(position).to_numpy(),
            "actor": actors["actor1"].to_numpy(),
            "assoc": actors["assoc_actor_1"].to_numpy(),
            "inter": actors["inter1"].to_numpy(),
        }
    )
    merged = len(ok) - len(events)
    rejected = rows.loc[rows["reason"].notna(), ["line", "event_id", "reason", "deaths"]]
    return events, merged, rejected, actor_rows


def _build(
    events: pd.DataFrame,
    rows_read: int,
    path: Path,
    resolver: Resolver,
    dataset: str,
    shape: str,
    actor_rows: pd.DataFrame | None,
    today: dt.date,
) -> ImportResult:
    ids = "acled-" + events["event_id"]
    # The victim-status rule is declared with ACLED's types in schema.ACLED_EVENT_TYPES.
    battle = events["victim_rule"].eq("unknown")
    targeting_flag = events["civilian_targeting"].fillna("").str.strip().str.lower().eq("civilian targeting")
    targeted = targeting_flag | events["civilians_present"].astype(bool)
    civilian_target = events["victim_rule"].eq("civilian") | (events["victim_rule"].eq("target") & targeted)
    start, end = _date_window(events["date"], events["time_precision"], today)
    exact_place = events["geo_precision"].isin([1, 2])
    region = resolver.region_names(events["admin1"])
    incidents = pd.DataFrame(
        {
            "incident_id": ids,
            "record_type": "event",
            "title": _titles(events),
            "summary": events["notes"],
            "start_date": start,
            "end_date": end,
            "date_precision": events["time_precision"].map(_TIME_PRECISION),
            "country": "MLI",
            "admin1": region,
            "admin2": events["admin2"],
            "location_name": events["location"],
            # ACLED's region-level points stand for the whole region: not a place to map as a dot.
            "latitude": events["latitude"].where(exact_place),
            "longitude": events["longitude"].where(exact_place),
            "location_precision": events["geo_precision"].map(_GEO_PRECISION),
            "event_type": events["our_type"],
            "is_civilian_targeting": civilian_target.map({True: "true", False: "false"}),
            "dataset": dataset,
            "external_id": events["event_id"],
            "verification_note": _unmatched_region_notes(events["admin1"], region),
        }
    )
    perpetrators = _perpetrators(events, ids, resolver, actor_rows)
    # Precedence (data.attribution): the publishers in `source` first, then the notes' words outrank them.
    perpetrators = grade_from_publishers(perpetrators, events["source"].set_axis(ids))
    perpetrators = grade_from_notes(
        perpetrators,
        events["notes"].set_axis(ids),
        resolver.family_of(),
        civilian_targeting=civilian_target.set_axis(ids),
    )
    casualties = _casualties(events, ids, battle, civilian_target)
    groups, too_large = _group_rows(events["notes"].set_axis(ids), casualties)
    casualties = pd.concat([casualties, groups], ignore_index=True)
    sources = pd.DataFrame(
        {
            "incident_id": ids,
            "publisher": "ACLED",
            "source_type": "dataset",
            "stance": "reports",
            "published_date": events["published"].dt.date.astype("str").where(events["published"].notna()),
            "title": "ACLED event " + events["event_id"],
            "document": path.name,
            "carried_by": events["source"],
        }
    )
    notes = _scope_notes(events, civilian_target) + _group_notes(groups, too_large) + _grade_notes(perpetrators)
    tables = {"incidents": incidents, "perpetrators": perpetrators, "casualties": casualties, "sources": sources}
    return ImportResult(source_file=path, dataset=dataset, shape=shape, rows_read=rows_read, notes=notes, **tables)


def _grade_notes(perpetrators: pd.DataFrame) -> list[str]:
    """How many primary perpetrators got each grade, and from what."""
    grades = perpetrators.loc[perpetrators["role"].eq("primary"), "attribution"].value_counts()
    if grades.empty:
        return []
    counts = ", ".join(f"{grade} {int(grades[grade]):,}" for grade in ATTRIBUTION_ORDER if grade in grades)
    return [
        f"attribution grades of the primary perpetrators: {counts} (two or more distinct named publishers in "
        "`source` corroborate; the notes' words then outrank them: data/attribution_rules.csv)"
    ]


def _group_rows(notes: pd.Series, casualties: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Rows of women and children killed, from the figures the notes give (importers.victim_groups): each
    a subset of its event's killed row (same status), never added to it. Only events with a killed row get
    them; a figure above the event's own is left out and counted (returned second)."""
    killed = casualties[casualties["harm"].eq("killed") & casualties["victim_group"].eq("all")]
    killed = killed.set_index("incident_id")
    found = group_figures(notes[notes.index.isin(killed.index)])
    if found.empty:
        return casualties.iloc[0:0], 0
    whole = killed.loc[found["row"]]
    fits = (found["figure"].to_numpy() <= whole["count_min"].to_numpy()).astype(bool)
    found, whole = found[fits], whole[fits]
    figure = pd.array(found["figure"], dtype="Int64")
    rows = pd.DataFrame(
        {
            "incident_id": found["row"].to_numpy(),
            "harm": "killed",
            "victim_status": whole["victim_status"].to_numpy(),
            "victim_group": found["victim_group"].to_numpy(),
            "count_min": figure,
            "count_best": figure,
            "count_max": pd.array([pd.NA] * len(found), dtype="Int64"),
            "count_text": ('ACLED notes: "' + found["words"] + '", among the dead').to_numpy(),
        }
    )
    return rows, int((~fits).sum())


def _group_notes(groups: pd.DataFrame, too_large: int) -> list[str]:
    if groups.empty and not too_large:
        return []
    counts = groups["victim_group"].value_counts()
    parts = [f"{int(counts.get(g, 0)):,} event(s) with a figure of {g} killed" for g in ("women", "children")]
    note = (
        "women and children among the dead, as the notes state them ('including three women and six children'): "
        + ", ".join(parts)
        + "; written as victim groups of the killed row, never added to it"
    )
    if too_large:
        note += f"; {too_large:,} figure(s) larger than the event's own fatalities left out"
    return [note]


VICTIM_STATUS_NOTE = (
    "victim status of ACLED fatalities (schema.ACLED_EVENT_TYPES): civilian for violence against civilians, "
    "excessive force against protesters, and any other event ACLED codes as civilian targeting (its "
    "civilian_targeting flag, or civilians as the other side); unknown otherwise (battles always; mob violence, "
    "riots, protests and strikes without civilians coded as the target)"
)


def _scope_notes(events: pd.DataFrame, civilian_target: pd.Series) -> list[str]:
    """What the report says about ACLED's 0 and about events imported only because they report deaths."""
    no_deaths = int(events["fatalities"].eq(0).sum())
    notes = [
        f"{no_deaths:,} event(s) with no reported fatalities (ACLED's 0): written as events with their other "
        "harms (abduction, arrests, looting), without a killed row",
        VICTIM_STATUS_NOTE,
    ]
    with_deaths = ~events["in_scope"].astype(bool) & events["fatalities"].gt(0)
    if with_deaths.any():
        kinds = (events["event_type"] + " / " + events["sub_event_type"].fillna("(no sub-event)"))[with_deaths]
        civilian = civilian_target[with_deaths]
        deaths = events.loc[with_deaths, "fatalities"]
        notes.append(
            f"{int(with_deaths.sum()):,} event(s) of types imported only when they report deaths "
            f"({', '.join(sorted(kinds.unique()))}): {int(deaths[civilian].sum()):,} civilian deaths in "
            f"{int(civilian.sum()):,} event(s), {int(deaths[~civilian].sum()):,} deaths of unknown status in "
            f"{int((~civilian).sum()):,}"
        )
    return notes


def _date_window(date: pd.Series, precision: pd.Series, today: dt.date) -> tuple[pd.Series, pd.Series]:
    """ACLED codes a week or month as one day inside it; the true date lies in this window."""
    week = precision.eq(2)
    month = precision.eq(3)
    start = date.mask(week, date - pd.Timedelta(days=6)).mask(month, date.dt.to_period("M").dt.start_time)
    end = date.mask(week, date + pd.Timedelta(days=6)).mask(month, date.dt.to_period("M").dt.end_time.dt.normalize())
    return start.astype("datetime64[us]"), end.clip(upper=pd.Timestamp(today)).astype("datetime64[us]")


def _titles(events: pd.DataFrame) -> pd.Series:
    kind = events["sub_event_type"].fillna(events["event_type"])
    return kind + ": " + events["actor1"].fillna("unknown actor") + " in " + events["location"].fillna("Mali")


def _unmatched_region_notes(names: pd.Series, resolved: pd.Series) -> pd.Series:
    unmatched = names.notna() & resolved.isna()
    return ("ACLED admin1 '" + names + "' is not in regions.csv; region left empty").where(unmatched)


def _perpetrators(
    events: pd.DataFrame, ids: pd.Series, resolver: Resolver, actor_rows: pd.DataFrame | None
) -> pd.DataFrame:
    """One row per event and actor. Each coded actor is a line (actor1 the primary, actor2 or a later
    per-actor row the other side); its associated actors are split on ";" and classified by the declared
    rules (data/associated_actor_rules.csv): an armed force or group acts with it (``joint`` beside the
    primary, ``opponent`` beside the other side), an identity label goes into its ``actor_description``."""
    columns = ["incident_id", "actor", "role", "attribution", "attribution_basis", "actor_description"]
    lines = _perpetrator_lines(_actor_lines(events, actor_rows))
    if lines.empty:
        return pd.DataFrame(columns=columns)
    armed_assoc, labels = _associates(lines)
    table = _ranked(lines, armed_assoc)
    table["actor"] = resolver.actor_names(table["name"], table["inter"].astype("str"), origin="ACLED")
    table["incident_id"] = ids.loc[table["row"]].to_numpy()
    table["attribution_basis"] = _coded_basis(table, lines)
    text = _descriptions(table, lines, labels, ids)
    table = table.sort_values(["row", "rank"], kind="stable").drop_duplicates(["incident_id", "actor"])
    keys = pd.MultiIndex.from_frame(table[["incident_id", "actor"]])
    return pd.DataFrame(
        {
            "incident_id": table["incident_id"],
            "actor": table["actor"],
            "role": table["role"],
            "attribution": "single_source",
            "attribution_basis": table["attribution_basis"],
            "actor_description": text.reindex(keys).to_numpy(),
        }
    ).reset_index(drop=True)


def _perpetrator_lines(lines: pd.DataFrame) -> pd.DataFrame:
    """The actor lines that can be perpetrators, numbered (``line``), with ``label`` where an identity label
    coded as an armed actor stands for an unnamed militia of that identity (``name`` is then the militia)."""
    lines = lines.astype({"name": object, "assoc": object})
    # Civilians, protesters and rioters harmed are not perpetrators, nor are their associated labels;
    # rioters or protesters coded as actor1 (mob violence) stay the primary actor: they are who did it.
    inter = lines["inter"].astype("Int64")
    victims = inter.isin(list(_VICTIM_INTER)).fillna(False) & ~(
        lines["side"].eq("primary") & inter.ne(_CIVILIANS_INTER)
    )
    lines = lines[~victims.fillna(False).to_numpy()].reset_index(drop=True)
    lines["line"] = lines.index
    lines["label"] = pd.Series(None, index=lines.index, dtype=object)
    if lines.empty:
        return lines
    own = classify_associates(lines["name"])
    armed = lines["inter"].astype("Int64").isin(list(ARMED_INTER)).fillna(False).to_numpy()
    stand_in = own["treat_as"].eq(DESCRIPTION).to_numpy() & own["acting_as"].notna().to_numpy() & armed
    lines.loc[stand_in, "label"] = lines.loc[stand_in, "name"]
    lines.loc[stand_in, "name"] = own.loc[stand_in, "acting_as"]
    return lines


def _associates(lines: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each line's associated actors, split on ";": the armed ones (acting with it), and the identity labels
    (``line``, ``label``) that describe it, a stand-in's own label first."""
    assoc = lines[["row", "line", "side", "assoc", "name"]].rename(columns={"name": "with"})
    assoc = assoc.assign(name=assoc["assoc"].str.split(";")).explode("name")
    assoc["name"] = assoc["name"].astype("str").str.strip()
    assoc = assoc[assoc["assoc"].notna() & assoc["name"].ne("")]
    kind = classify_associates(assoc["name"])
    labels = assoc[kind["treat_as"].eq(DESCRIPTION).to_numpy()]
    stand_in = lines["label"].notna()
    described = pd.concat(
        [lines.loc[stand_in, ["line", "label"]], labels[["line", "name"]].rename(columns={"name": "label"})]
    )
    return assoc[kind["treat_as"].eq(JOINT).to_numpy()], described


def _ranked(lines: pd.DataFrame, armed_assoc: pd.DataFrame) -> pd.DataFrame:
    """The coded actors (rank 0 primary, 2 the other side) and the armed actors associated with them (1 joint,
    3 opponent), with how ACLED codes each (``coded_as``)."""
    primary, assoc_primary = lines["side"].eq("primary"), armed_assoc["side"].eq("primary")
    coded = lines.assign(
        role=lines["side"],
        rank=np.where(primary, 0, 2),
        coded_as=np.where(primary, "actor1", "actor2, the other side"),
    )
    associated = armed_assoc.assign(
        inter=pd.NA,
        role=np.where(assoc_primary, "joint", "opponent"),
        rank=np.where(assoc_primary, 1, 3),
        coded_as=np.where(
            assoc_primary,
            "an actor associated with actor1 (" + armed_assoc["with"] + "): an armed force or group acting with it",
            "an actor associated with actor2, the other side",
        ),
    )
    return pd.concat([coded, associated], ignore_index=True)


def _coded_basis(table: pd.DataFrame, lines: pd.DataFrame) -> pd.Series:
    """How ACLED codes each actor, and for a stand-in the identity label it was coded as."""
    basis = "ACLED codes " + table["name"] + " as " + table["coded_as"]
    stood_in = table["line"].isin(lines.loc[lines["label"].notna(), "line"]) & table["rank"].isin([0, 2])
    basis[stood_in] = (
        "ACLED codes the identity label "
        + table.loc[stood_in, "line"].map(lines["label"])
        + " as "
        + table.loc[stood_in, "coded_as"]
        + " with an armed inter code ("
        + table.loc[stood_in, "inter"].astype("Int64").astype("str")
        + "): recorded as "
        + table.loc[stood_in, "name"]
        + ", the label kept as its description"
    )
    return basis


def _descriptions(table: pd.DataFrame, lines: pd.DataFrame, described: pd.DataFrame, ids: pd.Series) -> pd.Series:
    """Per (incident, actor), its identity labels joined. Labels go to the row their actor ends up on (an actor
    named twice in an event is one row)."""
    actor_of_line = table[table["rank"].isin([0, 2])].set_index("line")["actor"]
    described = described.assign(incident_id=ids.loc[lines.loc[described["line"], "row"]].to_numpy())
    described["actor"] = described["line"].map(actor_of_line)
    return joined(described[["incident_id", "actor"]], described["label"], distinct=True)


def _actor_lines(events: pd.DataFrame, actor_rows: pd.DataFrame | None) -> pd.DataFrame:
    """Each actor coded in an event, in order: ``row`` (the event's position), ``name``, ``inter``, ``side``
    (``primary`` for actor1 or an event's first per-actor row, ``opponent`` for the other side) and ``assoc``
    (its associated actors as ACLED writes them)."""
    if actor_rows is not None:
        # Event by event, each event's rows in file order: the first is the primary actor.
        flat = actor_rows.sort_values("row", kind="stable")
        first = flat.groupby("row").cumcount().eq(0)
        return pd.DataFrame(
            {
                "row": flat["row"].to_numpy(),
                "name": flat["actor"].to_numpy(),
                "inter": flat["inter"].to_numpy(),
                "side": np.where(first, "primary", "opponent"),
                "assoc": flat["assoc"].to_numpy(),
            }
        )
    # actor2 is the other side, unless it is the civilians (or protesters, rioters) who were harmed.
    side2 = events["actor2"].notna()
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "row": events.index,
                    "name": events["actor1"],
                    "inter": events["inter1"],
                    "side": "primary",
                    "assoc": events["assoc_actor_1"],
                }
            ),
            pd.DataFrame(
                {
                    "row": events.index[side2],
                    "name": events.loc[side2, "actor2"],
                    "inter": events.loc[side2, "inter2"],
                    "side": "opponent",
                    "assoc": events.loc[side2, "assoc_actor_2"],
                }
            ),
        ],
        ignore_index=True,
    )


def _casualties(events: pd.DataFrame, ids: pd.Series, battle: pd.Series, civilian_target: pd.Series) -> pd.DataFrame:
    # ACLED's 0 is "no reported fatalities", not a count of people killed: no killed row is written for it.
    deaths = events["fatalities"].astype("Int64") > 0
    fatalities = events.loc[deaths, "fatalities"].astype("Int64")
    status = np.where(civilian_target[deaths], "civilian", "unknown")
    words = "ACLED fatalities: " + fatalities.astype("str")
    words = words.where(~battle[deaths], words + " (battle: status of the dead not established)")
    killed = pd.DataFrame(
        {
            "incident_id": ids[deaths],
            "harm": "killed",
            "victim_status": status,
            "victim_group": "all",
            "count_min": fatalities,
            "count_best": fatalities,
            "count_max": pd.array([pd.NA] * int(deaths.sum()), dtype="Int64"),
            "count_text": words,
        }
    )
    other = []
    for event_type, (harm, text) in _UNCOUNTED_HARM.items():
        mask = events["our_type"].eq(event_type)
        if mask.any():
            other.append(
                pd.DataFrame(
                    {
                        "incident_id": ids[mask],
                        "harm": harm,
                        "victim_status": np.where(civilian_target[mask], "civilian", "unknown"),
                        "victim_group": "all",
                        "count_text": text,
                    }
                )
            )
    return pd.concat([killed, *other], ignore_index=True)
