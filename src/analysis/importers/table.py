"""An analyst's own incident list (CSV or XLSX), described by a mapping YAML (``mapping.py``).

One row of the file is one incident. A row whose values would break the schema (a date that does
not exist or lies in the future, an end before the start, coordinates outside Mali, a count that
cannot be read, an event type the mapping does not cover) is rejected with its reason; every other
row is written. Actors and regions that are not in the reference tables are kept and listed.

Counts: the source's words always stay in ``count_text``; how a count cell is read is in
``count_grammar.parse_count``. An empty cell is a missing count: no casualty row, never 0.
The cell-by-cell fields are read column-wide in ``table_fields.py``, the steps over several columns
in ``table_columns.py``.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd

from .. import config
from ..data.names import normalise_name
from ..data.schema import FIELDS
from . import table_columns as columnwise
from .checks import RejectLedger, RowRejected
from .mapping import FieldSpec, Mapping, load_mapping
from .output import Resolver
from .reading import InputFileError, read_table_file
from .result import ImportResult
from .table_fields import FieldColumns, parse_date, perpetrator_names

_DATASET = re.compile(FIELDS["dataset"].pattern or r"^[a-z0-9_]+$")

__all__ = ["import_table", "perpetrator_names"]


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
    fields = FieldColumns(frame, columns, spec, derived, raw.lines, path, dataset, today or dt.date.today())
    killed = extra[(extra["harm"] == "killed") & (extra["victim_group"] == "all")]
    extra_deaths = killed.groupby("row")["count_best"].sum().reindex(frame.index, fill_value=0)
    deaths = fields.deaths + pd.to_numeric(extra_deaths).fillna(0).astype("int64")
    ok = fields.ok
    ledger = RejectLedger()
    ledger.add(raw.lines[~ok.to_numpy()], fields.record_ids()[~ok], fields.reason[~ok], deaths[~ok])
    written = fields.incidents["incident_id"][ok].to_dict()
    perpetrators = fields.perpetrators[fields.perpetrators["row"].map(ok).astype(bool)]
    casualties = fields.casualties[fields.casualties["row"].map(ok).astype(bool)]
    incidents_frame = _incidents_frame(fields.incidents[ok], resolver)
    result = ImportResult(
        source_file=path,
        dataset=dataset,
        shape=f"own table, mapping {Path(mapping).name}",
        rows_read=raw.records,
        incidents=incidents_frame,
        perpetrators=_perpetrators_frame(perpetrators, resolver, path),
        casualties=_casualties_frame(casualties, extra, written),
        sources=fields.sources[ok].reset_index(drop=True),
        deaths_read=int(deaths.sum()),
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
        return parse_date(text, spec, "date")[0].isoformat()
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


def _perpetrators_frame(rows: pd.DataFrame, resolver: Resolver, path: Path) -> pd.DataFrame:
    columns = ["incident_id", "actor", "role", "attribution", "attribution_basis"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    frame = rows.reset_index(drop=True)
    frame["actor"] = resolver.actor_names(frame["name"], origin=path.name)
    frame = frame.drop_duplicates(["incident_id", "actor"], keep="first")
    first = ~frame["incident_id"].duplicated()
    frame["role"] = first.map({True: "primary", False: "joint"}).where(first | ~frame["opponent"], "opponent")
    frame = frame.rename(columns={"basis": "attribution_basis"})
    return frame[columns].reset_index(drop=True)


def _casualties_frame(rows: pd.DataFrame, extra: pd.DataFrame, written: dict[int, str]) -> pd.DataFrame:
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
