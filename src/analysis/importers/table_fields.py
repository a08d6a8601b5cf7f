"""The cell-by-cell fields of ``import table`` over whole columns: ids, dates in one column, coordinates,
values chosen through the mapping, the count columns, perpetrators and the source; and the first reason each
row cannot be written.

Checks run in a fixed order and a row keeps the first reason that fails it (id, dates, coordinates, event
type, counts, civilian targeting, location precision, attribution, victim status, url, then repeated ids by
the one rule of ``data.columns.repeated_ids``),
so a row is refused for the same reason whatever else is wrong with it. Grammars and lookups are applied
once per distinct text, everything else is column-wide.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..data.columns import per_distinct, repeated_ids
from ..data.names import normalise_name
from ..data.schema import ACLED_VIOLENCE_AGAINST_CIVILIANS, EVENT_TYPES, FIELDS
from .checks import MALI_EXTENT, RowRejected, id_text, inside_mali, valid_ids
from .count_grammar import parse_count
from .mapping import CHOICES, NO_VALUE, FieldSpec, Mapping
from .mapping_model import UNIDENTIFIED_PERPETRATOR_WORDS

_URL = FIELDS["url"].pattern or r"^https?://\S+$"
#: Spreadsheet date cells arrive as ISO text; these are always accepted besides the mapping's formats.
_ISO_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S")
INCIDENT_COLUMNS = [
    "incident_id", "record_type", "title", "summary", "start_date", "end_date", "date_precision", "country",
    "region_text", "admin2", "location_name", "latitude", "longitude", "location_precision", "has_coordinates",
    "event_type", "is_civilian_targeting", "dataset", "external_id",
]  # fmt: skip
_NO_TEXT = "\0"  # an empty cell, as a key
COUNT_ROW_COLUMNS = [
    "row", "incident_id", "harm", "victim_status", "victim_group", "count_min", "count_best", "count_max",
    "count_text",
]  # fmt: skip


def _attempt(read):
    """``read`` as a function giving (value, reason): a RowRejected's message is the reason, the value then missing."""

    def attempt(text: str):
        try:
            return read(text), np.nan
        except RowRejected as rejected:
            return np.nan, str(rejected)

    return attempt


def _per_distinct(texts: pd.Series, read) -> tuple[pd.Series, pd.Series]:
    """(value, reason) per row, ``read`` applied once per distinct text."""
    values, reasons = per_distinct(texts.astype(object), _attempt(read), parts=2)
    return values.astype(object), reasons.astype(object)


def _per_distinct_parts(texts: pd.Series, read, parts: int) -> tuple[list[pd.Series], pd.Series]:
    """As ``_per_distinct`` for a ``read`` that gives a tuple: one Series per element of the tuple."""

    def flat(text: str):
        value, reason = _attempt(read)(text)
        return (*(value if not isinstance(reason, str) else (np.nan,) * parts), reason)

    *values, reasons = per_distinct(texts.astype(object), flat, parts=parts + 1)
    return [value.astype(object) for value in values], reasons.astype(object)


@dataclass(frozen=True)
class _File:
    """What every step reads: the file as text (None for an empty cell), the mapping, and what the column-wide
    steps derived (``table._column_wide``)."""

    frame: pd.DataFrame
    header: dict[str, str]
    spec: Mapping
    derived: pd.DataFrame
    lines: pd.Series
    path: Path
    dataset: str
    today: dt.date

    def none(self) -> pd.Series:
        return pd.Series(None, index=self.frame.index, dtype=object)

    def cells(self, column: str | None) -> pd.Series:
        return self.frame[self.header[column]].astype(object) if column else self.none()

    def field(self, key: str) -> FieldSpec | None:
        return self.spec.fields.get(key)


@dataclass(frozen=True)
class FieldColumns:
    """What the mapping's cell-by-cell fields give for every row of the file, and why rows are rejected
    (``read_fields`` makes it)."""

    spec: Mapping
    incidents: pd.DataFrame
    #: The deaths each row reports in its count columns, for the ledger.
    deaths: pd.Series
    perpetrators: pd.DataFrame
    casualties: pd.DataFrame
    sources: pd.DataFrame
    #: What the mapping's victim_status says of each row (None: nothing), and which rule said it (-1: none);
    #: counts read from words use them too where the words name no status.
    row_status: pd.Series
    status_rule: pd.Series
    #: The id column's text (None without one).
    record_ids: pd.Series
    #: The first reason each row cannot be written (None: it can).
    reason: pd.Series
    #: Rows merged into an earlier exact repeat (data.columns.repeated_ids).
    merged: pd.Series

    @property
    def ok(self) -> pd.Series:
        """The rows written."""
        return self.reason.isna() & ~self.merged


def read_fields(
    frame: pd.DataFrame,
    header: dict[str, str],
    spec: Mapping,
    derived: pd.DataFrame,
    lines: np.ndarray,
    path: Path,
    dataset: str,
    today: dt.date,
) -> FieldColumns:
    """Every cell-by-cell field of the file, checked in the order of the module's docstring."""
    lines = pd.Series(np.asarray(lines, dtype="int64"), index=frame.index)
    file = _File(frame, header, spec, derived, lines, path, dataset, today)
    incidents, parsed, incident_reasons = _incidents(file)
    publisher = _publisher(file)
    perpetrators, attribution_reasons = _perpetrators(file, incidents, publisher)
    casualties, row_status, status_rule, status_reasons = _count_rows(file, parsed, incidents["incident_id"])
    sources, url_reasons = _sources(file, incidents["incident_id"], publisher)
    reason = _first_of(_skipped(file), incident_reasons, attribution_reasons, status_reasons, url_reasons)
    ids = (
        incidents["incident_id"]
        if spec.fields.get("id") is None
        else incidents["incident_id"].where(incidents["external_id"].notna())
    )
    merged, reason = repeated_ids(ids, frame, lines, reason)
    return FieldColumns(
        spec=spec,
        incidents=incidents,
        deaths=_deaths(parsed, frame.index),
        perpetrators=perpetrators,
        casualties=casualties,
        sources=sources,
        row_status=row_status,
        status_rule=status_rule,
        record_ids=incidents["external_id"],
        reason=reason,
        merged=merged,
    )


# -- reasons ----------------------------------------------------------------------------------------------------


def first_reason(index: pd.Index, *checks) -> pd.Series:
    """The first reason that applies to each row (None: none), ``checks`` in order: (failed, reason) pairs,
    the reason a text or a Series."""
    reason = pd.Series(None, index=index, dtype=object)
    for failed, why in checks:
        todo = reason.isna() & failed.fillna(False).astype(bool)
        if todo.any():
            reason[todo] = why[todo] if isinstance(why, pd.Series) else why
    return reason


def _first_of(*reasons: pd.Series) -> pd.Series:
    """Per row, the first of several steps' reasons."""
    return first_reason(reasons[0].index, *((r.notna(), r) for r in reasons))


def _skipped(file: _File) -> pd.Series:
    """The mapping's skip rules come first: such a row is not an incident at all."""
    if "skip" not in file.derived:
        return file.none()
    skip = file.derived["skip"]
    return first_reason(skip.index, (skip.notna(), "skipped: " + skip.astype(object).fillna("")))


# -- one field each ---------------------------------------------------------------------------------------------


def choice(file: _File, key: str, label: str, fallback, rows: pd.Series | None = None) -> tuple[pd.Series, pd.Series]:
    """Our value of ``key`` for each row: a rule's, else the column's through ``values`` (or our own value
    written in the file), else the default; rows in ``rows`` whose text is unknown get a reason."""
    spec = file.field(key)
    if spec is None:
        return pd.Series([fallback] * len(file.frame), index=file.frame.index, dtype=object), file.none()
    ruled = file.derived[f"rule:{key}"] if f"rule:{key}" in file.derived else file.none()
    if spec.column is None:
        constant = spec.value if spec.value is not None else spec.default if spec.default is not None else fallback
        chosen = pd.Series([constant] * len(file.frame), index=file.frame.index, dtype=object)
        return chosen.where(ruled.isna(), ruled), file.none()
    text = file.cells(spec.column)
    values, reasons = _per_distinct(text, _choice_reader(spec, key, label))
    try:
        values = values.where(text.notna(), _empty(spec, key))
    except RowRejected as rejected:
        reasons = reasons.where(text.notna(), str(rejected))
    decided = ruled.notna()
    wanted = ~decided if rows is None else rows & ~decided
    return values.astype(object).where(~decided, ruled), first_reason(text.index, (wanted & reasons.notna(), reasons))


def _choice_reader(spec: FieldSpec, key: str, label: str):
    """How one cell of ``key``'s column is read: through ``values``, our own value, the default, else rejected."""
    direct = {str(option).lower(): option for option in CHOICES[key]}

    def read(text: str):
        mapped = spec.lookup(text)
        if mapped == NO_VALUE:
            return _empty(spec, key)
        if mapped is not None:
            return mapped
        if text.strip().lower() in direct:  # our own value written in the file
            return direct[text.strip().lower()]
        if spec.default is not None:
            return spec.default
        raise RowRejected(
            f"unknown {label}: '{text}' (add it under {key}.values in the mapping, or give {key}.default)"
        )

    return read


def _ids(file: _File) -> tuple[pd.Series, pd.Series, pd.Series]:
    """The incident id (the line number makes it without an id column), the id as written, and the reasons."""
    spec = file.field("id")
    if spec is None:
        return f"{file.dataset}-" + file.lines.astype(str), file.none(), file.none()
    text = file.cells(spec.column)
    prefix = spec.prefix if spec.prefix is not None else f"{file.dataset}-"
    incident_id = prefix + id_text(text.fillna(""), strip="-._:")
    invalid = "invalid id: '" + text + f"' (expected letters or digits, in column '{spec.column}')"
    reasons = first_reason(
        text.index,
        (text.isna(), f"missing id: column '{spec.column}' is empty"),
        (text.notna() & ~valid_ids(incident_id), invalid),
    )
    return incident_id, text, reasons


def _dates(file: _File) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """Start and end (ISO text), precision, and the reasons."""
    spec = file.field("date")
    today = pd.Timestamp(file.today)
    after_today = f"is after today ({file.today.isoformat()})"
    if spec.pieces:
        start, end = file.derived["start"], file.derived["end"]
        future = pd.to_datetime(start, errors="coerce") > today
        reasons = first_reason(
            start.index,
            (file.derived["date_problem"].notna(), file.derived["date_problem"]),
            (future, "future date: '" + start + "' " + after_today),
        )
        return start, end, file.derived["precision"], reasons
    text = file.cells(spec.column)
    (start, start_end, precision), problem = _read_dates(text, spec, "date")
    checks = [(text.isna(), f"missing date: column '{spec.column}' is empty"), (problem.notna(), problem)]
    end = start_end
    end_spec = file.field("end_date")
    end_text = file.cells(end_spec.column if end_spec else None)
    if end_text.notna().any():
        (_, given_end, _), end_problem = _read_dates(end_text, end_spec, "end date")
        end = given_end.where(end_text.notna(), start_end)
        before = pd.to_datetime(end) < pd.to_datetime(start)
        checks += [
            (end_problem.notna(), end_problem),
            (before, "end before start: end date '" + end_text + "' is before the date '" + text + "'"),
        ]
    late_start = pd.to_datetime(start) > today
    late_end = end_text.notna() & (pd.to_datetime(end) > today)
    shown = text.where(late_start, end_text)
    checks.append((late_start | late_end, "future date: '" + shown + "' " + after_today))
    chosen, precision_reasons = choice(file, "date_precision", "date precision", fallback=None)
    checks.append((precision_reasons.notna(), precision_reasons))
    return start, end, chosen.where(chosen.notna(), precision), first_reason(text.index, *checks)


def _coordinates(file: _File) -> tuple[pd.Series, pd.Series, pd.Series]:
    found, checks = {}, []
    for key in ("latitude", "longitude"):
        spec = file.field(key)
        text = file.cells(spec.column if spec else None)
        cleaned = text.str.replace(" ", "", regex=False).str.replace("\u00a0", "", regex=False)
        if spec is not None and spec.decimal == ",":
            cleaned = cleaned.str.replace(",", ".", regex=False)
        found[key] = pd.to_numeric(cleaned, errors="coerce").astype("float64")
        checks.append(
            (text.notna() & found[key].isna(), f"invalid coordinates: {key} '" + text + "' is not a decimal number")
        )
    lat, lon = found["latitude"], found["longitude"]
    alone = lat.isna() != lon.isna()
    given = pd.Series("longitude", index=lat.index).where(lat.isna(), "latitude")
    outside = lat.notna() & lon.notna() & ~inside_mali(lat, lon)
    where = "coordinates outside Mali: latitude " + lat.astype(str) + ", longitude " + lon.astype(str)
    checks += [
        (alone, "invalid coordinates: " + given + " given without the other"),
        (outside, where + f" (expected {MALI_EXTENT})"),
    ]
    return lat, lon, first_reason(lat.index, *checks)


def _incidents(file: _File) -> tuple[pd.DataFrame, list, pd.Series]:
    """The incidents table's columns, the count columns read (for the casualties), and the first reason of
    the checks on them, in the module's order."""
    incident_id, external_id, id_reasons = _ids(file)
    incident_id = incident_id.where(incident_id.notna(), f"{file.dataset}-" + file.lines.astype(str))
    start, end, precision, date_reasons = _dates(file)
    latitude, longitude, coordinate_reasons = _coordinates(file)
    event_type, type_reasons = choice(file, "event_type", "event type", fallback="other")
    parsed, count_reasons = _parsed_counts(file)
    targeting, targeting_reasons = choice(file, "civilian_targeting", "civilian targeting", fallback=None)
    by_type = {t: kind == ACLED_VIOLENCE_AGAINST_CIVILIANS for t, (kind, *_) in EVENT_TYPES.items()}
    targeting = targeting.where(targeting.notna(), event_type.map(by_type))
    place, cercle, region = (file.derived[k] for k in ("location_name", "admin2", "region_text"))
    location_precision = file.derived["location_precision"]
    chosen, location_reasons = choice(
        file, "location_precision", "location precision", None, rows=location_precision.isna()
    )
    record_type, record_type_reasons = choice(file, "record_type", "record type", fallback="event")
    incidents = pd.DataFrame(
        {
            "incident_id": incident_id,
            "record_type": record_type,
            "title": _titles(file, event_type, place, cercle, region, start),
            "summary": _cell(file, "summary"),
            "start_date": start,
            "end_date": end,
            "date_precision": precision,
            "country": "MLI",
            "region_text": region,
            "admin2": cercle,
            "location_name": place,
            "latitude": latitude.astype(object).where(latitude.notna(), None),
            "longitude": longitude.astype(object).where(longitude.notna(), None),
            "location_precision": location_precision.where(location_precision.notna(), chosen),
            "has_coordinates": latitude.notna(),
            "event_type": event_type,
            "is_civilian_targeting": np.where(targeting.astype(bool), "true", "false"),
            "dataset": file.dataset,
            "external_id": external_id,
        },
        columns=INCIDENT_COLUMNS,
    )
    reasons = _first_of(
        id_reasons,
        date_reasons,
        coordinate_reasons,
        type_reasons,
        count_reasons,
        targeting_reasons,
        location_reasons,
        record_type_reasons,
    )
    return incidents, parsed, reasons


def _cell(file: _File, key: str) -> pd.Series:
    """The column's text, else the mapping's default text."""
    spec = file.field(key)
    if spec is None:
        return file.none()
    text = file.cells(spec.column)
    return text.where(text.notna(), spec.default) if isinstance(spec.default, str) else text


def _titles(file: _File, event_type, place, cercle, region, start) -> pd.Series:
    spec = file.field("event_type")
    what = file.cells(spec.column if spec else None)
    label = event_type.str.replace("_", " ", regex=False).where(event_type != "other", "incident")
    what = what.where(what.notna(), label)
    where = place.where(place.notna(), cercle)
    where = where.where(where.notna(), region).fillna("Mali")
    written = _cell(file, "title")
    return written.where(written.notna(), what + ", " + where + ", " + start.fillna(""))


def _publisher(file: _File) -> pd.Series:
    spec = file.field("source")
    if spec is None:
        return pd.Series(file.path.name, index=file.frame.index, dtype=object)
    text = file.cells(spec.column)
    constant = spec.value if isinstance(spec.value, str) else file.path.name
    return text.where(text.notna(), constant)


# -- counts -----------------------------------------------------------------------------------------------------


def _parsed_counts(file: _File) -> tuple[list, pd.Series]:
    """Each count column read (count, min, best, max, text), and the reasons: unreadable counts, then parts
    over their total."""
    parsed, checks = [], []
    words = file.spec.count_words
    for count in file.spec.counts:
        text = file.cells(count.column)
        figures, reasons = _per_distinct_parts(text, lambda t, c=count: parse_count(t, words, c.column), 3)
        checks.append((reasons.notna(), reasons))
        low, best, high = (figure.where(figure.notna(), None) for figure in figures)
        parsed.append((count, low, best, high, text.where(best.notna())))
    wholes = _wholes(file, parsed)
    for count, low, best, high, text in parsed:
        whole = wholes.get((count.harm, count.victim_status))
        if count.victim_group == "all" or whole is None:
            continue
        checks.append(_over_total(count, (low, best, high, text), whole))
    return parsed, first_reason(file.frame.index, *checks)


def _wholes(file: _File, parsed: list) -> dict[tuple, list]:
    """Per (harm, victim status): the figures of all victims (low, best, high, column, text) a part is checked
    against; with several total columns for one key, a row's last one with a figure is its total."""
    wholes: dict[tuple, list] = {}
    for count, low, best, high, text in parsed:
        if count.victim_group != "all":
            continue
        key = (count.harm, count.victim_status)
        previous = wholes.get(key) or [file.none()] * 5
        given = text.notna()
        column = pd.Series(count.column, index=text.index, dtype=object)
        wholes[key] = [
            new.where(given, old) for new, old in zip((low, best, high, column, text), previous, strict=True)
        ]
    return wholes


def _over_total(count, part: tuple, whole: list) -> tuple[pd.Series, pd.Series]:
    """(failed, reason) for a group's count above its total."""
    low, best, high, text = part
    w_low, w_best, w_high, w_column, w_text = whole
    over = pd.Series(False, index=text.index)
    for figure, total in ((low, w_low), (best, w_best), (high, w_high)):
        known = figure.notna() & total.notna()
        over |= known & (pd.to_numeric(figure.where(known)) > pd.to_numeric(total.where(known)))
    reason = (
        f"invalid count: '{count.column}' "
        + text.map(repr, na_action="ignore").astype(object)
        + " is more than '"
        + w_column
        + "' "
        + w_text.map(repr, na_action="ignore").astype(object)
    )
    return over, reason


def _deaths(parsed: list, index: pd.Index) -> pd.Series:
    """The deaths each row reports in its count columns (best figures, killed, all victims) for the ledger;
    a count that cannot be read adds nothing."""
    deaths = pd.Series(0, index=index, dtype="int64")
    for count, _low, best, _high, _text in parsed:
        if count.harm == "killed" and count.victim_group == "all":
            deaths += pd.to_numeric(best).fillna(0).astype("int64")
    return deaths


def _count_rows(
    file: _File, parsed: list, incident_id: pd.Series
) -> tuple[pd.DataFrame, pd.Series, pd.Series, pd.Series]:
    """The casualty rows of the count columns, what the mapping's victim_status says of each row and which rule
    said it (-1: none), and the reasons (a victim status that cannot be read, where a count needs one)."""
    needs_status = pd.Series(False, index=file.frame.index)
    for count, _low, best, _high, _text in parsed:
        if count.victim_status is None:
            needs_status |= best.notna()
    row_status, reasons = choice(file, "victim_status", "victim status", fallback=None, rows=needs_status)
    rule = file.derived.get("rule#:victim_status")
    status_rule = pd.Series(-1, index=file.frame.index) if rule is None else pd.to_numeric(rule).fillna(-1).astype(int)
    status = row_status.where(row_status.notna(), "civilian")
    parts = []
    for count, low, best, high, text in parsed:
        read = best.notna()
        parts.append(
            pd.DataFrame(
                {
                    "row": file.frame.index[read],
                    "incident_id": incident_id[read],
                    "harm": count.harm,
                    "victim_status": count.victim_status or status[read],
                    "victim_group": count.victim_group,
                    "count_min": low[read],
                    "count_best": best[read],
                    "count_max": high[read],
                    "count_text": text[read],
                    "status_rule": -1 if count.victim_status else status_rule[read],
                },
                columns=[*COUNT_ROW_COLUMNS, "status_rule"],
            )
        )
    empty = pd.DataFrame(columns=[*COUNT_ROW_COLUMNS, "status_rule"])
    return (pd.concat(parts, ignore_index=True) if parts else empty), row_status, status_rule, reasons


# -- perpetrators and sources -----------------------------------------------------------------------------------


def _perpetrators(file: _File, incidents: pd.DataFrame, publisher: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    """One row per row of the file and actor named, and the reasons (an attribution that cannot be read)."""
    columns = ["row", "incident_id", "name", "order", "attribution", "basis", "opponent"]
    spec = file.field("perpetrator")
    if spec is None:
        return pd.DataFrame(columns=columns), file.none()
    names, basis = _perpetrator_names(file, spec, publisher)
    attribution, reasons = choice(file, "attribution", "attribution", fallback=None)
    attribution = attribution.where(attribution.astype(bool), "alleged")
    table = pd.DataFrame(
        {
            "row": file.frame.index,
            "incident_id": incidents["incident_id"],
            "name": names,
            "attribution": attribution,
            "basis": basis,
            # the other side of a clash, not a joint perpetrator (only in armed clashes)
            "opponent": bool(spec.opponent) & (incidents["event_type"] == "armed_clash"),
        }
    ).explode("name")
    table = table.dropna(subset=["name"])
    side = table["name"].map(lambda pair: pair[1])
    table["name"] = table["name"].map(lambda pair: pair[0])
    # an actor after a sides separator is the other side whatever the event; without sides, `opponent`
    # makes every actor after the first the other side of an armed clash
    table["opponent"] = (side > 0) | (table["opponent"].astype(bool) & ~bool(spec.sides))
    table["order"] = table.groupby(level=0).cumcount()
    return table[columns].reset_index(drop=True), reasons


def _perpetrator_names(file: _File, spec: FieldSpec, publisher: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Per row, the (actor, side) pairs named (by a rule, else the column, else the default) and the basis."""
    text = file.cells(spec.column)
    if len(spec.values):
        silent = per_distinct(text, lambda t: spec.lookup(t) == NO_VALUE)
        text = text.where(~silent.fillna(False).astype(bool))
    default = [(name, 0) for name in spec.default or []]
    names = per_distinct(text.fillna(_NO_TEXT), lambda t: default if t == _NO_TEXT else perpetrator_sides(t, spec))
    basis = (publisher + ": '" + text + f"' (column '{spec.column}' of {file.path.name})").where(
        text.notna(), publisher + "; no perpetrator named (the mapping's default)"
    )
    ruled = file.derived.get("rule:perpetrator")
    if ruled is None:
        return names, basis
    # a rule decides before the column
    by_rule = ruled.notna()
    rule_number = pd.to_numeric(file.derived["rule#:perpetrator"]).fillna(-1).astype(int) + 1
    names = names.where(~by_rule, ruled.map(lambda found: [(n, 0) for n in found or []], na_action="ignore"))
    basis = basis.where(~by_rule, publisher + "; perpetrator.rules " + rule_number.astype(str) + " of the mapping")
    return names, basis


def _sources(file: _File, incident_id: pd.Series, publisher: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    spec = file.field("source")
    url = file.cells(spec.url if spec else None)
    bad = url.notna() & ~url.str.match(_URL).fillna(False).astype(bool)
    sources = pd.DataFrame(
        {
            "incident_id": incident_id,
            "publisher": publisher,
            "source_type": spec.source_type if spec else "dataset",
            "stance": spec.stance if spec else "reports",
            "url": url,
            "document": file.path.name,
        }
    )
    return sources, first_reason(url.index, (bad, _bad_url(url)))


def _bad_url(url: pd.Series) -> pd.Series:
    return "invalid url: '" + url + "' (expected an address starting with http:// or https://)"


def _empty(spec: FieldSpec, key: str):
    """The value for an empty cell: the default; an event type must have one."""
    if spec.default is None and key == "event_type":
        raise RowRejected(f"missing event type: column '{spec.column}' is empty (or give {key}.default)")
    return spec.default


def _read_dates(texts: pd.Series, spec: FieldSpec, label: str) -> tuple[tuple[pd.Series, ...], pd.Series]:
    """(start, end of the period, precision) per row, and the reason where the text is not a date."""

    def read(text: str) -> tuple[str, str, str]:
        start, precision = parse_date(text, spec, label)
        return start.isoformat(), period_end(start, precision).isoformat(), precision

    parts, problems = _per_distinct_parts(texts, read, 3)
    return tuple(parts), problems


def parse_date(text: str, spec: FieldSpec, label: str) -> tuple[dt.date, str]:
    formats = [*spec.formats, *(f for f in _ISO_FORMATS if f not in spec.formats)]
    for fmt in formats:
        try:
            parsed = dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
        precision = (
            "day"
            if ("%d" in fmt or "%j" in fmt)
            else "month"
            if ("%m" in fmt or "%b" in fmt or "%B" in fmt)
            else "year"
        )
        return parsed, precision
    expected = " or ".join(spec.formats or _ISO_FORMATS[:1])
    raise RowRejected(
        f"invalid date: {label} '{text}' (column '{spec.column}'; expected a real date written {expected})"
    )


def period_end(day: dt.date, precision: str) -> dt.date:
    if precision == "month":
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if precision == "year":
        return day.replace(month=12, day=31)
    return day


def perpetrator_names(text: str, spec: FieldSpec) -> list[str]:
    """The actor names in a perpetrator cell: the whole cell through ``values``, else each part."""
    return [name for name, _ in perpetrator_sides(text, spec)]


def _split(text: str, separators: list[str]) -> list[str]:
    if not separators:
        return [text]
    pattern = "|".join(re.escape(s) for s in sorted(separators, key=len, reverse=True))
    return re.split(pattern, text, flags=re.IGNORECASE)


_UNIDENTIFIED = frozenset(normalise_name(w) for w in UNIDENTIFIED_PERPETRATOR_WORDS)


def _looked_up(text: str, spec: FieldSpec):
    """``spec.lookup``, with the words that name no one ("Unknown", "Inconnu", "ND") as no actor ([])
    unless the mapping lists them."""
    found = spec.lookup(text)
    if found is None and normalise_name(text) in _UNIDENTIFIED:
        return []
    return found


def perpetrator_sides(text: str, spec: FieldSpec) -> list[tuple[str, int]]:
    """(actor, side) for a perpetrator cell: side 0 the perpetrators (allies split by ``split``), 1 the actors
    after a ``sides`` separator ("GATIA et MSA contre JNIM"). A whole cell or a whole side found in ``values``
    gives its actors; otherwise each part is looked up, an unlisted part kept as written. A cell or part that
    names no one (UNIDENTIFIED_PERPETRATOR_WORDS) gives no actor."""
    whole = _looked_up(text, spec)
    if whole == NO_VALUE:
        return []
    if whole is not None:
        return [(name, 0) for name in whole]
    found_names: list[tuple[str, int]] = []
    for side, side_text in enumerate(_split(text, spec.sides)):
        side_text = side_text.strip()
        listed = spec.lookup(side_text) if side_text else None
        parts = [side_text] if listed is not None else _split(side_text, spec.split)
        for part in (p.strip() for p in parts):
            found = _looked_up(part, spec) if part else None
            if found == NO_VALUE or not part:
                continue
            # [] is "no actor": the perpetrator is unknown
            found_names += [(name, min(side, 1)) for name in (found if found is not None else [part])]
    return found_names
