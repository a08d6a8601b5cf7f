"""An analyst's own incident list (CSV or XLSX), described by a mapping YAML (``mapping.py``).

One row of the file is one incident. A row whose values would break the schema (a date that does
not exist or lies in the future, an end before the start, coordinates outside Mali, a count that
cannot be read, an event type the mapping does not cover) is rejected with its reason; every other
row is written. Actors and regions that are not in the reference tables are kept and listed.

Counts: the source's words always stay in ``count_text``. A number gives min = best = the number;
"au moins 13" / "at least 13" the same; a range "10-15", "10 à 15" or "entre 10 et 15" gives
min = best = 10 and max = 15 (the lowest figure the source supports, as ACLED does); words
("plusieurs dizaines") give min = best = the figure in the mapping's ``count_words`` or, failing
that, in ``schema.COUNT_WORDS``. An empty cell is a missing count: no casualty row, never 0.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import re
import unicodedata
from pathlib import Path

import pandas as pd

from .. import config
from ..data.names import normalise_name
from ..data.schema import ACLED_VIOLENCE_AGAINST_CIVILIANS, EVENT_TYPES, FIELDS
from . import table_columns as columnwise
from .checks import MALI_EXTENT, RejectLedger, after_today, id_text, inside_mali, is_id
from .mapping import CHOICES, NO_VALUE, CountSpec, FieldSpec, Mapping, load_mapping
from .output import Resolver
from .reading import InputFileError, read_table_file
from .result import ImportResult

_DATASET = re.compile(FIELDS["dataset"].pattern or r"^[a-z0-9_]+$")
_URL = re.compile(FIELDS["url"].pattern or r"^https?://\S+$")
#: Spreadsheet date cells arrive as ISO text; these are always accepted besides the mapping's formats.
_ISO_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S")

_NUM = r"(\d{1,3}(?:[ .]\d{3})+|\d+)"
_TAIL = r"(?:\s+[a-z][a-z' ]*)?"  # "13 civils", "10-15 morts": trailing words without figures
_RANGE = re.compile(rf"^(?:entre |between |de |from )?{_NUM}\s*(?:-|–|—|a|to|et|and)\s*{_NUM}{_TAIL}$")
_AT_LEAST = r"(?:au moins|au minimum|pas moins de|at least|a minimum of|no fewer than|not less than)"
_ABOUT = r"(?:environ|about|around|approximately|some|~)"
_SINGLE = re.compile(rf"^(?:(?:{_AT_LEAST}|{_ABOUT})\s*)?{_NUM}{_TAIL}$")
_WORDS_PREFIX = re.compile(rf"^{_AT_LEAST}\s+")


class RowRejected(Exception):
    """A row that cannot be written; the message is '<category>: <detail>'."""


def import_table(
    path: Path, resolver: Resolver, dataset: str | None, mapping: Path, today: dt.date | None = None
) -> ImportResult:
    spec = load_mapping(mapping)
    dataset = dataset or spec.dataset or "table"
    if not _DATASET.match(dataset):
        raise InputFileError(f"dataset name '{dataset}': expected lowercase letters, digits and _ (e.g. ong_exemple)")
    raw = read_table_file(path, sheet=spec.sheet)
    columns = _match_columns(raw.frame.columns, spec, path)
    frame = raw.frame.reset_index(drop=True)
    derived, extra, warnings, notes = _column_wide(frame, columns, spec)
    converter = _RowConverter(spec, columns, path, dataset, today or dt.date.today())
    killed = extra[(extra["harm"] == "killed") & (extra["victim_group"] == "all")]
    extra_deaths = killed.groupby("row")["count_best"].sum().to_dict()

    incidents, perpetrator_rows, casualties, sources = [], [], [], []
    ledger = RejectLedger()
    deaths_read = 0
    seen_ids: dict[str, int] = {}
    written: dict[int, str] = {}
    rows = zip(raw.lines, frame.itertuples(index=False, name=None), derived.to_dict("records"), strict=True)
    for position, (line, row, found) in enumerate(rows):
        cells = {c: v if isinstance(v, str) else None for c, v in zip(frame.columns, row, strict=True)}
        deaths = converter.deaths(cells) + int(extra_deaths.get(position, 0))
        deaths_read += deaths
        try:
            record = converter.convert(cells, int(line), found)
            incident_id = record["incident"]["incident_id"]
            if incident_id in seen_ids:
                raise RowRejected(f"duplicate id: '{incident_id}' is already used on line {seen_ids[incident_id]}")
        except RowRejected as rejected:
            ledger.add([int(line)], [converter.record_id(cells)], [str(rejected)], deaths)
            continue
        seen_ids[incident_id] = int(line)
        written[position] = incident_id
        incidents.append(record["incident"])
        perpetrator_rows += record["perpetrators"]
        casualties += record["casualties"]
        sources.append(record["source"])

    incidents_frame = _incidents_frame(incidents, resolver)
    result = ImportResult(
        source_file=path,
        dataset=dataset,
        shape=f"own table, mapping {Path(mapping).name}",
        rows_read=raw.records,
        incidents=incidents_frame,
        perpetrators=_perpetrators_frame(perpetrator_rows, resolver, path),
        casualties=_casualties_frame(casualties, extra, written),
        sources=pd.DataFrame(sources, columns=["incident_id", "publisher", "source_type", "stance", "url", "document"]),
        deaths_read=deaths_read,
    )
    ledger.add_unreadable(raw.unreadable)
    result.rejects = ledger.frame()
    result.deaths_rejected = ledger.deaths
    read_as = "an .xlsx workbook" if raw.encoding == "xlsx" else f"{raw.encoding}, delimiter {raw.delimiter!r}"
    result.notes.append(f"read as {read_as}; mapping {Path(mapping)}")
    result.notes += raw.detected
    result.notes += notes
    lines = pd.Series(list(raw.lines), dtype="int64")
    ids = frame[columns[spec.fields["id"].column]] if "id" in spec.fields else pd.Series(None, index=frame.index)
    result.warnings = pd.DataFrame(
        {
            "line": lines[warnings["row"]].to_numpy(),
            "record_id": ids[warnings["row"]].to_numpy(),
            "warning": warnings["warning"].to_numpy(),
        }
    ).sort_values("line", kind="stable", ignore_index=True)
    return result


def _column_wide(frame: pd.DataFrame, columns: dict[str, str], spec: Mapping):
    """What the mapping decides over whole columns: rule values, dates in pieces, places, casualties from
    pairs, words and yes/no columns, and warnings for slips; one row of ``derived`` per row of the file."""
    derived = pd.DataFrame(index=frame.index)
    notes: list[str] = []
    for key, field in spec.fields.items():
        if field.rules:
            derived[f"rule:{key}"], decided = columnwise.rule_values(frame, columns, field)
            undecided = len(frame) - sum(decided.values())
            notes.append(f"{key} decided by rules (first match wins), rows per rule:")
            notes += [f"  {count:>7,}  {rule}" for rule, count in decided.items()]
            notes.append(f"  {undecided:>7,}  no rule applied ({key}'s column or default)")
    starts = None
    if spec.fields["date"].pieces:
        pieces = columnwise.date_pieces(frame, columns, spec.fields["date"])
        derived[["start", "end", "precision", "date_problem"]] = pieces.to_numpy()
        starts = pieces["start"]
    elif spec.fields["date"].column:
        texts = frame[columns[spec.fields["date"].column]]
        starts = texts.map({t: _start_or_none(t, spec.fields["date"]) for t in texts.dropna().unique()})
    cercles = pd.read_csv(config.REFERENCE_DIR / "cercles.csv", dtype=str, keep_default_na=False)
    placed = columnwise.places(frame, columns, spec, cercles, starts)
    derived[list(placed.columns)] = placed
    count_columns = [columns[c.column] for c in spec.counts]
    for group in spec.groups:
        count_columns += [columns[count] for _, _, count in group.pairs()]
        count_columns += [columns[group.total]] if group.total else []
    extra, warnings = columnwise.group_casualties(frame, columns, spec)
    no_counts = frame.index[frame[count_columns].isna().all(axis=1)] if count_columns else frame.index
    parts = [extra]
    if spec.count_text:
        parts.append(columnwise.text_casualties(frame, columns, spec.count_text, no_counts))
    if spec.deaths_reported:
        found_killed = pd.concat(parts)
        found_killed = found_killed.loc[found_killed["harm"] == "killed", "row"]
        silent = no_counts.difference(pd.Index(found_killed))
        parts.append(columnwise.deaths_without_figure(frame, columns, spec, silent))
    extra = pd.concat([p for p in parts if not p.empty] or [parts[0]], ignore_index=True)
    ids = frame[columns[spec.fields["id"].column]] if "id" in spec.fields else None
    slips = columnwise.slip_warnings(starts, ids, spec) if starts is not None else None
    warnings = pd.concat([w for w in (warnings, slips) if w is not None and not w.empty] or [warnings])
    disagreeing = int(warnings["warning"].str.startswith("total differs").sum()) if len(warnings) else 0
    if spec.groups:
        notes.append(f"rows where a total differs from its pairs: {disagreeing:,} (listed under warnings)")
    return derived.astype(object).where(derived.notna(), None), extra, warnings, notes


def _start_or_none(text, spec: FieldSpec) -> str | None:
    if not isinstance(text, str):
        return None
    try:
        return _parse_date(text, spec, "date")[0].isoformat()
    except RowRejected:
        return None


def _match_columns(header, spec: Mapping, path: Path) -> dict[str, str]:
    """The file's column for each column the mapping names: exact, else ignoring case and accents."""
    header = [str(h) for h in header]
    by_key: dict[str, list[str]] = {}
    for name in header:
        by_key.setdefault(normalise_name(name), []).append(name)
    found, missing = {}, []
    for column, key in spec.columns().items():
        if column in header:
            found[column] = column
        elif len(by_key.get(normalise_name(column), [])) == 1:
            found[column] = by_key[normalise_name(column)][0]
        else:
            missing.append(f"'{column}' (mapping key {key})")
    if missing:
        raise InputFileError(
            f"{path}: expected the column(s) {', '.join(missing)} named in {spec.path.name}; "
            f"the file's columns are: {', '.join(repr(h) for h in header)}"
        )
    return found


class _RowConverter:
    """Turns one row's cells into an incident with its perpetrators, casualties and source."""

    def __init__(self, spec: Mapping, columns: dict[str, str], path: Path, dataset: str, today: dt.date):
        self.spec, self.columns, self.path, self.dataset, self.today = spec, columns, path, dataset, today

    # -- cells -------------------------------------------------------------------------------
    def field(self, key: str) -> FieldSpec | None:
        return self.spec.fields.get(key)

    def cell(self, cells: dict, key: str) -> str | None:
        spec = self.field(key)
        if spec is None:
            return None
        value = cells.get(self.columns[spec.column]) if spec.column else None
        if value is None and isinstance(spec.default, str):
            return spec.default
        return value

    def record_id(self, cells: dict) -> str | None:
        spec = self.field("id")
        return cells.get(self.columns[spec.column]) if spec else None

    # -- one row -----------------------------------------------------------------------------
    def convert(self, cells: dict, line: int, found: dict) -> dict:
        """``found``: what the column-wide steps decided for this row (rule values, dates, places)."""
        self.found = found
        incident_id, external_id = self._id(cells)
        incident_id = incident_id or f"{self.dataset}-{line}"
        start, end, precision = self._dates(cells)
        latitude, longitude = self._coordinates(cells)
        event_type = self._choice(cells, "event_type", "event type", fallback="other")
        counts = self._counts(cells)
        place, cercle, region = found["location_name"], found["admin2"], found["region_text"]
        targeting = self._choice(cells, "civilian_targeting", "civilian targeting", fallback=None)
        if targeting is None:
            targeting = EVENT_TYPES[event_type][0] == ACLED_VIOLENCE_AGAINST_CIVILIANS
        publisher = self._publisher(cells)
        incident = {
            "incident_id": incident_id,
            "record_type": "event",
            "title": self.cell(cells, "title") or self._title(cells, event_type, place, cercle, region, start),
            "summary": self.cell(cells, "summary"),
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
            "date_precision": precision,
            "country": "MLI",
            "region_text": region,
            "admin2": cercle,
            "location_name": place,
            "latitude": latitude,
            "longitude": longitude,
            "location_precision": found["location_precision"]
            or self._choice(cells, "location_precision", "location precision", fallback=None),
            "has_coordinates": latitude is not None,
            "event_type": event_type,
            "is_civilian_targeting": "true" if targeting else "false",
            "dataset": self.dataset,
            "external_id": external_id,
        }
        return {
            "incident": incident,
            "perpetrators": self._perpetrators(cells, incident_id, publisher, event_type),
            "casualties": [
                {
                    "incident_id": incident_id,
                    "harm": c.harm,
                    "victim_status": c.victim_status
                    or self._choice(cells, "victim_status", "victim status", fallback="civilian"),
                    "victim_group": c.victim_group,
                    "count_min": low,
                    "count_best": best,
                    "count_max": high,
                    "count_text": text,
                }
                for c, (low, best, high, text) in counts
            ],
            "source": {
                "incident_id": incident_id,
                "publisher": publisher,
                "source_type": self.field("source").source_type if self.field("source") else "dataset",
                "stance": self.field("source").stance if self.field("source") else "reports",
                "url": self._url(cells),
                "document": self.path.name,
            },
        }

    def _id(self, cells: dict) -> tuple[str, str | None]:
        spec = self.field("id")
        if spec is None:
            return None, None  # filled with the line number by the caller
        text = cells.get(self.columns[spec.column])
        if text is None:
            raise RowRejected(f"missing id: column '{spec.column}' is empty")
        prefix = spec.prefix if spec.prefix is not None else f"{self.dataset}-"
        incident_id = prefix + id_text(text, strip="-._:")
        if not is_id(incident_id):
            raise RowRejected(f"invalid id: '{text}' (expected letters or digits, in column '{spec.column}')")
        return incident_id, text

    def _dates(self, cells: dict) -> tuple[dt.date, dt.date, str]:
        start_spec = self.field("date")
        if start_spec.pieces:
            if self.found["date_problem"]:
                raise RowRejected(self.found["date_problem"])
            start, end = (dt.date.fromisoformat(self.found[k]) for k in ("start", "end"))
            if after_today(start, self.today):
                raise RowRejected(f"future date: '{start.isoformat()}' is after today ({self.today.isoformat()})")
            return start, end, self.found["precision"]
        text = cells.get(self.columns[start_spec.column]) if start_spec.column else None
        if text is None:
            raise RowRejected(f"missing date: column '{start_spec.column}' is empty")
        start, precision = _parse_date(text, start_spec, "date")
        end = _period_end(start, precision)
        end_spec = self.field("end_date")
        end_text = cells.get(self.columns[end_spec.column]) if end_spec and end_spec.column else None
        if end_text is not None:
            end_start, end_precision = _parse_date(end_text, end_spec, "end date")
            end = _period_end(end_start, end_precision)
            if end < start:
                raise RowRejected(f"end before start: end date '{end_text}' is before the date '{text}'")
        if after_today(start, self.today) or (end_text is not None and after_today(end, self.today)):
            shown = text if after_today(start, self.today) else end_text
            raise RowRejected(f"future date: '{shown}' is after today ({self.today.isoformat()})")
        chosen = self._choice(cells, "date_precision", "date precision", fallback=None)
        return start, end, chosen or precision

    def _coordinates(self, cells: dict) -> tuple[float | None, float | None]:
        found = {}
        for key in ("latitude", "longitude"):
            spec = self.field(key)
            text = cells.get(self.columns[spec.column]) if spec and spec.column else None
            if text is None:
                found[key] = None
                continue
            cleaned = text.replace(" ", "").replace("\u00a0", "")
            if spec.decimal == ",":
                cleaned = cleaned.replace(",", ".")
            try:
                found[key] = float(cleaned)
            except ValueError:
                raise RowRejected(f"invalid coordinates: {key} '{text}' is not a decimal number") from None
        lat, lon = found["latitude"], found["longitude"]
        if (lat is None) != (lon is None):
            given = "latitude" if lat is not None else "longitude"
            raise RowRejected(f"invalid coordinates: {given} given without the other")
        if lat is not None and not inside_mali(lat, lon):
            raise RowRejected(f"coordinates outside Mali: latitude {lat}, longitude {lon} (expected {MALI_EXTENT})")
        return lat, lon

    def _choice(self, cells: dict, key: str, label: str, fallback):
        spec = self.field(key)
        if spec is None:
            return fallback
        if self.found.get(f"rule:{key}") is not None:
            return self.found[f"rule:{key}"]
        if spec.column is None:
            return spec.value if spec.value is not None else spec.default if spec.default is not None else fallback
        text = cells.get(self.columns[spec.column])
        if text is not None and spec.lookup(text) == NO_VALUE:
            text = None
        if text is None:
            if spec.default is None and key == "event_type":
                raise RowRejected(f"missing event type: column '{spec.column}' is empty (or give {key}.default)")
            return spec.default
        mapped = spec.lookup(text)
        if mapped is not None:
            return mapped
        direct = {str(option).lower(): option for option in CHOICES[key]}
        if text.strip().lower() in direct:  # our own value written in the file
            return direct[text.strip().lower()]
        if spec.default is not None:
            return spec.default
        raise RowRejected(
            f"unknown {label}: '{text}' (add it under {key}.values in the mapping, or give {key}.default)"
        )

    def _counts(self, cells: dict) -> list[tuple[CountSpec, tuple]]:
        parsed = []
        for count in self.spec.counts:
            text = cells.get(self.columns[count.column])
            if text is None:
                continue
            low, best, high = parse_count(text, self.spec.count_words, count.column)
            parsed.append((count, (low, best, high, text)))
        totals = {(c.harm, c.victim_status): (c, v) for c, v in parsed if c.victim_group == "all"}
        for count, (low, best, high, text) in parsed:
            whole = totals.get((count.harm, count.victim_status))
            if count.victim_group == "all" or whole is None:
                continue
            whole_count, (w_low, w_best, w_high, w_text) = whole
            for part, total in ((low, w_low), (best, w_best), (high, w_high)):
                if part is not None and total is not None and part > total:
                    raise RowRejected(
                        f"invalid count: '{count.column}' {text!r} is more than '{whole_count.column}' {w_text!r}"
                    )
        return parsed

    def deaths(self, cells: dict) -> int:
        """The deaths this row reports (best figures of people killed, all victims), for the ledger;
        a count that cannot be read adds nothing."""
        total = 0
        for count in self.spec.counts:
            if count.harm != "killed" or count.victim_group != "all":
                continue
            text = cells.get(self.columns[count.column])
            if text is None:
                continue
            with contextlib.suppress(RowRejected):
                total += parse_count(text, self.spec.count_words, count.column)[1] or 0
        return total

    def _publisher(self, cells: dict) -> str:
        spec = self.field("source")
        if spec is None:
            return self.path.name
        text = cells.get(self.columns[spec.column]) if spec.column else None
        return text or (spec.value if isinstance(spec.value, str) else None) or self.path.name

    def _url(self, cells: dict) -> str | None:
        spec = self.field("source")
        text = cells.get(self.columns[spec.url]) if spec and spec.url else None
        if text is not None and not _URL.match(text):
            raise RowRejected(f"invalid url: '{text}' (expected an address starting with http:// or https://)")
        return text

    def _perpetrators(self, cells: dict, incident_id: str, publisher: str, event_type: str) -> list[dict]:
        spec = self.field("perpetrator")
        if spec is None:
            return []
        text = cells.get(self.columns[spec.column]) if spec.column else None
        if text is not None and spec.lookup(text) == NO_VALUE:
            text = None
        if text is None:
            names = spec.default or []
            basis = f"{publisher}; no perpetrator named (the mapping's default)"
        else:
            names = perpetrator_names(text, spec)
            basis = f"{publisher}: '{text}' (column '{spec.column}' of {self.path.name})"
        attribution = self._choice(cells, "attribution", "attribution", fallback=None) or "alleged"
        return [
            {
                "incident_id": incident_id,
                "name": name,
                "order": i,
                "attribution": attribution,
                "basis": basis,
                # the other side of a clash, not a joint perpetrator (only in armed clashes)
                "opponent": spec.opponent and event_type == "armed_clash",
            }
            for i, name in enumerate(names)
        ]

    def _title(self, cells: dict, event_type: str, place, cercle, region, start: dt.date) -> str:
        spec = self.field("event_type")
        what = (cells.get(self.columns[spec.column]) if spec and spec.column else None) or (
            event_type.replace("_", " ") if event_type != "other" else "incident"
        )
        where = place or cercle or region or "Mali"
        return f"{what}, {where}, {start.isoformat()}"


def _parse_date(text: str, spec: FieldSpec, label: str) -> tuple[dt.date, str]:
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


def _period_end(day: dt.date, precision: str) -> dt.date:
    if precision == "month":
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if precision == "year":
        return day.replace(month=12, day=31)
    return day


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    plain = plain.replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", plain).strip().rstrip(".")


def _number(text: str) -> int:
    return int(re.sub(r"[ .]", "", text))


def parse_count(text: str, words: dict[str, int], column: str) -> tuple[int, int, int | None]:
    """(count_min, count_best, count_max) for a count cell; RowRejected when it cannot be read."""
    plain = _plain(text)
    if re.match(r"^-\s*\d", plain):
        raise RowRejected(f"invalid count: '{column}' {text!r} is negative")
    match = _RANGE.match(plain)
    if match:
        low, high = _number(match.group(1)), _number(match.group(2))
        if low > high:
            raise RowRejected(f"invalid count: '{column}' {text!r} is a range whose first figure is the higher")
        return low, low, high
    match = _SINGLE.match(plain)
    if match:
        figure = _number(match.group(1))
        return figure, figure, None
    key = normalise_name(_WORDS_PREFIX.sub("", plain))
    candidates = [w for w in words if key == w or key.startswith(w + " ")]
    if candidates:
        figure = words[max(candidates, key=len)]
        return figure, figure, None
    raise RowRejected(
        f"invalid count: '{column}' {text!r} (expected a number, a range such as 10-15, 'au moins 13', "
        "or words listed under count_words in the mapping)"
    )


def perpetrator_names(text: str, spec: FieldSpec) -> list[str]:
    """The actor names in a perpetrator cell: the whole cell through ``values``, else each part."""
    whole = spec.lookup(text)
    if whole == NO_VALUE:
        return []
    if whole is not None:
        return list(whole)
    parts = [text]
    if spec.split:
        pattern = "|".join(re.escape(s) for s in sorted(spec.split, key=len, reverse=True))
        parts = re.split(pattern, text, flags=re.IGNORECASE)
    names: list[str] = []
    for part in (p.strip() for p in parts):
        found = spec.lookup(part) if part else None
        if found == NO_VALUE:
            continue
        if part:
            names += found if found is not None else [part]  # [] is "no actor": the perpetrator is unknown
    return names


def _incidents_frame(incidents: list[dict], resolver: Resolver) -> pd.DataFrame:
    frame = pd.DataFrame(incidents)
    if frame.empty:
        return pd.DataFrame(columns=["incident_id"])
    regions = frame.pop("region_text")
    frame["admin1"] = resolver.region_names(regions)
    unknown = regions.notna() & frame["admin1"].isna()
    frame["verification_note"] = None
    frame.loc[unknown, "verification_note"] = regions[unknown].map(
        lambda r: f"The file's region '{r}' is not in data/reference/regions.csv; admin1 left empty."
    )
    automatic = pd.Series("country", index=frame.index)
    automatic[frame["admin1"].notna()] = "admin1"
    automatic[frame["admin2"].notna()] = "admin2"
    automatic[frame["location_name"].notna() | frame.pop("has_coordinates")] = "exact"
    frame["location_precision"] = frame["location_precision"].fillna(automatic)
    for column in ("latitude", "longitude"):
        frame[column] = frame[column].astype("Float64")
    return frame


def _perpetrators_frame(rows: list[dict], resolver: Resolver, path: Path) -> pd.DataFrame:
    columns = ["incident_id", "actor", "role", "attribution", "attribution_basis"]
    if not rows:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(rows)
    frame["actor"] = resolver.actor_names(frame["name"], origin=path.name)
    frame = frame.drop_duplicates(["incident_id", "actor"], keep="first")
    first = ~frame["incident_id"].duplicated()
    frame["role"] = first.map({True: "primary", False: "joint"}).where(first | ~frame["opponent"], "opponent")
    frame = frame.rename(columns={"basis": "attribution_basis"})
    return frame[columns].reset_index(drop=True)


def _casualties_frame(rows: list[dict], extra: pd.DataFrame, written: dict[int, str]) -> pd.DataFrame:
    """The count columns' rows, then the column-wide ones (pairs, words, yes/no) of the rows written;
    a key already counted is never counted again."""
    columns = ["incident_id", "harm", "victim_status", "victim_group", "count_min", "count_best", "count_max"]
    frame = pd.DataFrame(rows, columns=[*columns, "count_text"])
    extra = extra.assign(incident_id=extra["row"].map(written)).dropna(subset=["incident_id"])
    frame = pd.concat([frame, extra[[*columns, "count_text"]]], ignore_index=True)
    frame = frame.drop_duplicates(columns[:4], keep="first")
    # "0 killed" is no killing: no killed row with a count of 0 (the row stays an incident)
    zero = frame["harm"].eq("killed") & frame["count_best"].eq(0) & frame["count_max"].fillna(0).eq(0)
    frame = frame[~zero.fillna(False).astype(bool)]
    for column in ("count_min", "count_best", "count_max"):
        frame[column] = frame[column].astype("Int64")
    order = {incident_id: position for position, incident_id in written.items()}
    frame = frame.sort_values("incident_id", key=lambda ids: ids.map(order), kind="stable")
    return frame.reset_index(drop=True)
