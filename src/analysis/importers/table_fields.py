"""The cell-by-cell fields of ``import table`` over whole columns: ids, dates in one column, coordinates,
values chosen through the mapping, the count columns, perpetrators and the source; and the first reason each
row cannot be written.

Checks run in a fixed order and a row keeps the first reason that fails it (id, dates, coordinates, event
type, counts, civilian targeting, location precision, attribution, victim status, url, then duplicate ids),
so a row is refused for the same reason whatever else is wrong with it. Grammars and lookups are applied
once per distinct text, everything else is column-wide.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd

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


def _read_distinct(texts: pd.Series, read) -> tuple[dict, pd.Series]:
    """``read(text)`` once per distinct text: {text: value} and the reason per row (a RowRejected's message)."""
    values, reasons = {}, {}
    for text in texts.dropna().unique():
        try:
            values[text] = read(text)
        except RowRejected as rejected:
            reasons[text] = str(rejected)
    return values, texts.astype(object).map(reasons).astype(object)


def _per_distinct(texts: pd.Series, read) -> tuple[pd.Series, pd.Series]:
    """(value, reason) per row, ``read`` applied once per distinct text."""
    values, reasons = _read_distinct(texts, read)
    return texts.astype(object).map(values).astype(object), reasons


def _per_distinct_parts(texts: pd.Series, read, parts: int) -> tuple[list[pd.Series], pd.Series]:
    """As ``_per_distinct`` for a ``read`` that gives a tuple: one Series per element of the tuple."""
    values, reasons = _read_distinct(texts, read)
    as_object = texts.astype(object)
    return [as_object.map({t: v[i] for t, v in values.items()}).astype(object) for i in range(parts)], reasons


class FieldColumns:
    """What the mapping's cell-by-cell fields give for every row of the file, and why rows are rejected."""

    def __init__(
        self,
        frame: pd.DataFrame,
        header: dict[str, str],
        spec: Mapping,
        derived: pd.DataFrame,
        lines: np.ndarray,
        path: Path,
        dataset: str,
        today: dt.date,
    ):
        self.frame, self.header, self.spec, self.derived = frame, header, spec, derived
        self.lines = pd.Series(np.asarray(lines, dtype="int64"), index=frame.index)
        self.path, self.dataset, self.today = path, dataset, today
        self.reason = pd.Series(None, index=frame.index, dtype=object)
        if "skip" in derived:  # the mapping's skip rules come first: such a row is not an incident at all
            self._reject(derived["skip"].notna(), "skipped: " + derived["skip"].astype(object).fillna(""))
        self.incidents = self._incidents()
        self.deaths = self._deaths()
        self.perpetrators = self._perpetrators()
        self.casualties = self._count_rows()
        self.sources = self._sources()
        self._duplicates()

    # -- helpers ----------------------------------------------------------------------------------------------
    def _none(self) -> pd.Series:
        return pd.Series(None, index=self.frame.index, dtype=object)

    def cells(self, column: str | None) -> pd.Series:
        return self.frame[self.header[column]].astype(object) if column else self._none()

    def field(self, key: str) -> FieldSpec | None:
        return self.spec.fields.get(key)

    def _reject(self, failed: pd.Series, reasons) -> None:
        """``reasons`` (text or a Series) for the rows that fail and have no reason yet."""
        todo = self.reason.isna() & failed.fillna(False).astype(bool)
        if todo.any():
            self.reason[todo] = reasons[todo] if isinstance(reasons, pd.Series) else reasons

    @property
    def ok(self) -> pd.Series:
        return self.reason.isna()

    def record_ids(self) -> pd.Series:
        spec = self.field("id")
        return self.cells(spec.column) if spec else self._none()

    # -- one field each ---------------------------------------------------------------------------------------
    def choice(self, key: str, label: str, fallback, rows: pd.Series | None = None) -> pd.Series:
        """Our value of ``key`` for each row: a rule's, else the column's through ``values`` (or our own value
        written in the file), else the default; rows in ``rows`` whose text is unknown are rejected."""
        spec = self.field(key)
        if spec is None:
            return pd.Series([fallback] * len(self.frame), index=self.frame.index, dtype=object)
        ruled = self.derived[f"rule:{key}"] if f"rule:{key}" in self.derived else self._none()
        if spec.column is None:
            constant = spec.value if spec.value is not None else spec.default if spec.default is not None else fallback
            chosen = pd.Series([constant] * len(self.frame), index=self.frame.index, dtype=object)
            return chosen.where(ruled.isna(), ruled)
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

        text = self.cells(spec.column)
        values, reasons = _per_distinct(text, read)
        try:
            values = values.where(text.notna(), _empty(spec, key))
        except RowRejected as rejected:
            reasons = reasons.where(text.notna(), str(rejected))
        decided = ruled.notna()
        wanted = ~decided if rows is None else rows & ~decided
        self._reject(wanted & reasons.notna(), reasons)
        return values.astype(object).where(~decided, ruled)

    def _ids(self) -> tuple[pd.Series, pd.Series]:
        spec = self.field("id")
        if spec is None:  # the line number makes the id
            return f"{self.dataset}-" + self.lines.astype(str), self._none()
        text = self.cells(spec.column)
        self._reject(text.isna(), f"missing id: column '{spec.column}' is empty")
        prefix = spec.prefix if spec.prefix is not None else f"{self.dataset}-"
        incident_id = prefix + id_text(text.fillna(""), strip="-._:")
        invalid = "invalid id: '" + text + f"' (expected letters or digits, in column '{spec.column}')"
        self._reject(text.notna() & ~valid_ids(incident_id), invalid)
        return incident_id, text

    def _dates(self) -> tuple[pd.Series, pd.Series, pd.Series]:
        """Start and end (ISO text) and precision."""
        spec = self.field("date")
        today = pd.Timestamp(self.today)
        if spec.pieces:
            self._reject(self.derived["date_problem"].notna(), self.derived["date_problem"])
            start, end = self.derived["start"], self.derived["end"]
            future = pd.to_datetime(start, errors="coerce") > today
            self._reject(future, "future date: '" + start + f"' is after today ({self.today.isoformat()})")
            return start, end, self.derived["precision"]
        text = self.cells(spec.column)
        self._reject(text.isna(), f"missing date: column '{spec.column}' is empty")
        (start, start_end, precision), problem = _read_dates(text, spec, "date")
        self._reject(problem.notna(), problem)
        end = start_end
        end_spec = self.field("end_date")
        end_text = self.cells(end_spec.column if end_spec else None)
        if end_text.notna().any():
            (_, given_end, _), end_problem = _read_dates(end_text, end_spec, "end date")
            self._reject(end_problem.notna(), end_problem)
            end = given_end.where(end_text.notna(), start_end)
            before = pd.to_datetime(end) < pd.to_datetime(start)
            self._reject(before, "end before start: end date '" + end_text + "' is before the date '" + text + "'")
        late_start = pd.to_datetime(start) > today
        late_end = end_text.notna() & (pd.to_datetime(end) > today)
        shown = text.where(late_start, end_text)
        self._reject(late_start | late_end, "future date: '" + shown + f"' is after today ({self.today.isoformat()})")
        chosen = self.choice("date_precision", "date precision", fallback=None)
        return start, end, chosen.where(chosen.notna(), precision)

    def _coordinates(self) -> tuple[pd.Series, pd.Series]:
        found = {}
        for key in ("latitude", "longitude"):
            spec = self.field(key)
            text = self.cells(spec.column if spec else None)
            cleaned = text.str.replace(" ", "", regex=False).str.replace("\u00a0", "", regex=False)
            if spec is not None and spec.decimal == ",":
                cleaned = cleaned.str.replace(",", ".", regex=False)
            found[key] = pd.to_numeric(cleaned, errors="coerce").astype("float64")
            invalid = f"invalid coordinates: {key} '" + text + "' is not a decimal number"
            self._reject(text.notna() & found[key].isna(), invalid)
        lat, lon = found["latitude"], found["longitude"]
        alone = lat.isna() != lon.isna()
        given = pd.Series("longitude", index=lat.index).where(lat.isna(), "latitude")
        self._reject(alone, "invalid coordinates: " + given + " given without the other")
        outside = lat.notna() & lon.notna() & ~inside_mali(lat, lon)
        where = "coordinates outside Mali: latitude " + lat.astype(str) + ", longitude " + lon.astype(str)
        self._reject(outside, where + f" (expected {MALI_EXTENT})")
        return lat, lon

    def _incidents(self) -> pd.DataFrame:
        incident_id, external_id = self._ids()
        incident_id = incident_id.where(incident_id.notna(), f"{self.dataset}-" + self.lines.astype(str))
        start, end, precision = self._dates()
        latitude, longitude = self._coordinates()
        event_type = self.choice("event_type", "event type", fallback="other")
        self.event_type = event_type
        self._parsed_counts()
        targeting = self.choice("civilian_targeting", "civilian targeting", fallback=None)
        by_type = {t: kind == ACLED_VIOLENCE_AGAINST_CIVILIANS for t, (kind, *_) in EVENT_TYPES.items()}
        targeting = targeting.where(targeting.notna(), event_type.map(by_type))
        place, cercle, region = (self.derived[k] for k in ("location_name", "admin2", "region_text"))
        self.publisher = self._publisher()
        location_precision = self.derived["location_precision"]
        chosen = self.choice("location_precision", "location precision", None, rows=location_precision.isna())
        return pd.DataFrame(
            {
                "incident_id": incident_id,
                "record_type": self.choice("record_type", "record type", fallback="event"),
                "title": self._titles(event_type, place, cercle, region, start),
                "summary": self._cell("summary"),
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
                "dataset": self.dataset,
                "external_id": external_id,
            },
            columns=INCIDENT_COLUMNS,
        )

    def _cell(self, key: str) -> pd.Series:
        """The column's text, else the mapping's default text."""
        spec = self.field(key)
        if spec is None:
            return self._none()
        text = self.cells(spec.column)
        return text.where(text.notna(), spec.default) if isinstance(spec.default, str) else text

    def _titles(self, event_type, place, cercle, region, start) -> pd.Series:
        spec = self.field("event_type")
        what = self.cells(spec.column if spec else None)
        label = event_type.str.replace("_", " ", regex=False).where(event_type != "other", "incident")
        what = what.where(what.notna(), label)
        where = place.where(place.notna(), cercle)
        where = where.where(where.notna(), region).fillna("Mali")
        written = self._cell("title")
        return written.where(written.notna(), what + ", " + where + ", " + start.fillna(""))

    def _publisher(self) -> pd.Series:
        spec = self.field("source")
        if spec is None:
            return pd.Series(self.path.name, index=self.frame.index, dtype=object)
        text = self.cells(spec.column)
        constant = spec.value if isinstance(spec.value, str) else self.path.name
        return text.where(text.notna(), constant)

    # -- counts -----------------------------------------------------------------------------------------------
    def _parsed_counts(self) -> None:
        """Each count column read (min, best, max, text); unreadable counts and parts over their total rejected."""
        self.parsed = []
        words = self.spec.count_words
        for count in self.spec.counts:
            text = self.cells(count.column)
            figures, reasons = _per_distinct_parts(text, lambda t, c=count: parse_count(t, words, c.column), 3)
            self._reject(reasons.notna(), reasons)
            low, best, high = (figure.where(figure.notna(), None) for figure in figures)
            self.parsed.append((count, low, best, high, text.where(best.notna())))
        wholes: dict[tuple, list] = {}
        for count, low, best, high, text in self.parsed:
            if count.victim_group != "all":
                continue
            key = (count.harm, count.victim_status)
            # several total columns for one key: a row's last one with a figure is its total
            previous = wholes.get(key) or [self._none()] * 5
            given = text.notna()
            wholes[key] = [
                new.where(given, old)
                for new, old in zip(
                    (low, best, high, pd.Series(count.column, index=text.index, dtype=object), text),
                    previous,
                    strict=True,
                )
            ]
        for count, low, best, high, text in self.parsed:
            whole = wholes.get((count.harm, count.victim_status))
            if count.victim_group == "all" or whole is None:
                continue
            w_low, w_best, w_high, w_column, w_text = whole
            over = pd.Series(False, index=text.index)
            for part, total in ((low, w_low), (best, w_best), (high, w_high)):
                known = part.notna() & total.notna()
                over |= known & (pd.to_numeric(part.where(known)) > pd.to_numeric(total.where(known)))
            reason = (
                f"invalid count: '{count.column}' "
                + text.map(repr, na_action="ignore").astype(object)
                + " is more than '"
                + w_column
                + "' "
                + w_text.map(repr, na_action="ignore").astype(object)
            )
            self._reject(over, reason)

    def _deaths(self) -> pd.Series:
        """The deaths each row reports in its count columns (best figures, killed, all victims) for the ledger;
        a count that cannot be read adds nothing."""
        deaths = pd.Series(0, index=self.frame.index, dtype="int64")
        for count, _low, best, _high, _text in self.parsed:
            if count.harm == "killed" and count.victim_group == "all":
                deaths += pd.to_numeric(best).fillna(0).astype("int64")
        return deaths

    def _count_rows(self) -> pd.DataFrame:
        needs_status = pd.Series(False, index=self.frame.index)
        for count, _low, best, _high, _text in self.parsed:
            if count.victim_status is None:
                needs_status |= best.notna()
        status = self.choice("victim_status", "victim status", fallback=None, rows=needs_status)
        #: what the mapping's victim_status says of each row (None: nothing), and which rule said it (-1: none);
        #: counts read from words use them too where the words name no status
        self.row_status = status
        rule = self.derived.get("rule#:victim_status")
        self.status_rule = (
            pd.Series(-1, index=self.frame.index) if rule is None else pd.to_numeric(rule).fillna(-1).astype(int)
        )
        status = status.where(status.notna(), "civilian")
        parts = []
        for count, low, best, high, text in self.parsed:
            read = best.notna()
            parts.append(
                pd.DataFrame(
                    {
                        "row": self.frame.index[read],
                        "incident_id": self.incidents["incident_id"][read],
                        "harm": count.harm,
                        "victim_status": count.victim_status or status[read],
                        "victim_group": count.victim_group,
                        "count_min": low[read],
                        "count_best": best[read],
                        "count_max": high[read],
                        "count_text": text[read],
                        "status_rule": -1 if count.victim_status else self.status_rule[read],
                    },
                    columns=[*COUNT_ROW_COLUMNS, "status_rule"],
                )
            )
        empty = pd.DataFrame(columns=[*COUNT_ROW_COLUMNS, "status_rule"])
        return pd.concat(parts, ignore_index=True) if parts else empty

    # -- perpetrators and sources -----------------------------------------------------------------------------
    def _perpetrators(self) -> pd.DataFrame:
        columns = ["row", "incident_id", "name", "order", "attribution", "basis", "opponent"]
        spec = self.field("perpetrator")
        if spec is None:
            return pd.DataFrame(columns=columns)
        text = self.cells(spec.column)
        if len(spec.values):
            silent = text.map({t: spec.lookup(t) == NO_VALUE for t in text.dropna().unique()})
            text = text.where(~silent.fillna(False).astype(bool))
        names_of = {t: perpetrator_sides(t, spec) for t in text.dropna().unique()}
        default = [(name, 0) for name in spec.default or []]
        names = text.fillna(_NO_TEXT).map({**names_of, _NO_TEXT: default})
        basis = (self.publisher + ": '" + text + f"' (column '{spec.column}' of {self.path.name})").where(
            text.notna(), self.publisher + "; no perpetrator named (the mapping's default)"
        )
        ruled = self.derived.get("rule:perpetrator")
        if ruled is not None:  # a rule decides before the column
            by_rule = ruled.notna()
            rule_number = pd.to_numeric(self.derived["rule#:perpetrator"]).fillna(-1).astype(int) + 1
            names = names.where(~by_rule, ruled.map(lambda found: [(n, 0) for n in found or []], na_action="ignore"))
            basis = basis.where(
                ~by_rule, self.publisher + "; perpetrator.rules " + rule_number.astype(str) + " of the mapping"
            )
        attribution = self.choice("attribution", "attribution", fallback=None)
        attribution = attribution.where(attribution.astype(bool), "alleged")
        table = pd.DataFrame(
            {
                "row": self.frame.index,
                "incident_id": self.incidents["incident_id"],
                "name": names,
                "attribution": attribution,
                "basis": basis,
                # the other side of a clash, not a joint perpetrator (only in armed clashes)
                "opponent": bool(spec.opponent) & (self.event_type == "armed_clash"),
            }
        ).explode("name")
        table = table.dropna(subset=["name"])
        side = table["name"].map(lambda pair: pair[1])
        table["name"] = table["name"].map(lambda pair: pair[0])
        # an actor after a sides separator is the other side whatever the event; without sides, `opponent`
        # makes every actor after the first the other side of an armed clash
        table["opponent"] = (side > 0) | (table["opponent"].astype(bool) & ~bool(spec.sides))
        table["order"] = table.groupby(level=0).cumcount()
        return table[columns].reset_index(drop=True)

    def _sources(self) -> pd.DataFrame:
        spec = self.field("source")
        url = self.cells(spec.url if spec else None)
        self._reject(url.notna() & ~url.str.match(_URL).fillna(False).astype(bool), _bad_url(url))
        return pd.DataFrame(
            {
                "incident_id": self.incidents["incident_id"],
                "publisher": self.publisher,
                "source_type": spec.source_type if spec else "dataset",
                "stance": spec.stance if spec else "reports",
                "url": url,
                "document": self.path.name,
            }
        )

    def _duplicates(self) -> None:
        """A second row with an id already written is rejected, naming the first one's line."""
        ids = self.incidents["incident_id"][self.ok]
        repeated = ids.duplicated(keep="first")
        if repeated.any():
            first_line = self.lines[ids.index[~repeated]].set_axis(ids[~repeated])
            again = ids[repeated]
            reason = "duplicate id: '" + again + "' is already used on line " + again.map(first_line).astype(str)
            self.reason[again.index] = reason


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
