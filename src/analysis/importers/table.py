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
from ..data.columns import per_distinct
from ..data.names import normalise_name
from ..data.schema import FIELDS
from . import table_columns as columnwise
from .checks import RejectLedger, RowRejected
from .mapping import FieldSpec, Mapping, load_mapping
from .output import Resolver
from .reading import InputFileError, read_table_file
from .result import ImportResult
from .table_fields import FieldColumns, parse_date, perpetrator_names, read_fields

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
    corrected = _corrections(frame, columns, spec, raw.lines)
    derived, extra, warnings, notes = _column_wide(frame, columns, spec)
    notes = corrected + notes
    fields = read_fields(frame, columns, spec, derived, raw.lines, path, dataset, today or dt.date.today())
    extra = _text_statuses(extra, fields)
    notes += _status_rule_notes(spec, fields, extra)
    killed = extra[(extra["harm"] == "killed") & (extra["victim_group"] == "all")]
    extra_deaths = killed.groupby("row")["count_best"].sum().reindex(frame.index, fill_value=0)
    deaths = fields.deaths + pd.to_numeric(extra_deaths).fillna(0).astype("int64")
    ok, rejected = fields.ok, fields.reason.notna()
    ledger = RejectLedger()
    ledger.add(raw.lines[rejected.to_numpy()], fields.record_ids[rejected], fields.reason[rejected], deaths[rejected])
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
        perpetrators=_perpetrators_frame(perpetrators, resolver, path, spec),
        casualties=_casualties_frame(casualties, extra, written),
        sources=fields.sources[ok].reset_index(drop=True),
        rows_merged=int(fields.merged.sum()),
        deaths_read=int(deaths[~fields.merged].sum()),
    )
    ledger.add_unreadable(raw.unreadable)
    result.rejects = ledger.frame()
    result.deaths_rejected = ledger.deaths
    read_as = "an .xlsx workbook" if raw.encoding == "xlsx" else f"{raw.encoding}, delimiter {raw.delimiter!r}"
    result.notes.append(f"read as {read_as}; mapping {Path(mapping)}")
    result.notes += raw.detected
    result.notes += notes
    result.notes += _family_notes(spec, resolver)
    totals = incidents_frame["incident_id"][
        incidents_frame.get("record_type", pd.Series(dtype=object)).eq("period_total")
    ]
    if len(totals):
        in_totals = result.casualties[result.casualties["incident_id"].isin(totals)]
        killed = in_totals[in_totals["harm"].eq("killed") & in_totals["victim_group"].eq("all")]["count_best"]
        result.notes.append(
            f"period totals (record_type period_total): {len(totals):,} rows, {int(killed.fillna(0).sum()):,} of the "
            "deaths written; shown beside the incidents in the report, never added to them"
        )
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
    if spec.skip:
        chosen: list = []
        derived["skip"], skipped = columnwise.rule_values(frame, columns, FieldSpec(rules=spec.skip), chosen)
        notes.append(f"rows skipped by the mapping's skip rules: {int((chosen[0] >= 0).sum()):,} (in rejects.csv)")
        notes += [f"  {count:>7,}  {rule}" for rule, count in skipped.items()]
    for key, field in spec.fields.items():
        if field.rules:
            chosen = []
            derived[f"rule:{key}"], decided = columnwise.rule_values(frame, columns, field, chosen)
            derived[f"rule#:{key}"] = chosen[0]
            if key == "victim_status":  # said once the counts are read: what each rule changed
                continue
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
        starts = per_distinct(texts, lambda t: _start_or_none(t, spec.fields["date"]))
    cercles = pd.read_csv(config.REFERENCE_DIR / "cercles.csv", dtype=str, keep_default_na=False)
    placed = columnwise.places(frame, columns, spec, cercles, starts)
    if "rule:region" in derived:  # the region rules decide before the column and the place names
        placed["region_text"] = derived["rule:region"].where(derived["rule:region"].notna(), placed["region_text"])
    cercle_warnings = columnwise.unknown_cercle_warnings(placed["admin2"], placed.pop("cercle_unknown"))
    derived[list(placed.columns)] = placed
    count_columns = [columns[c.column] for c in spec.counts]
    for group in spec.groups:
        count_columns += [columns[count] for _, _, count in group.pairs()]
        count_columns += [columns[group.total]] if group.total else []
    extra, warnings = columnwise.group_casualties(frame, columns, spec)
    no_counts = frame.index[frame[count_columns].isna().all(axis=1)] if count_columns else frame.index
    parts = [extra]
    if spec.count_text:
        # the words are read for every harm the row's count columns leave empty: a list that fills only its
        # wounded column and writes "5 morts" in its text has 5 killed, not none
        with_text = frame.index[frame[columns[spec.count_text]].notna()]
        words = columnwise.text_casualties(frame, columns, spec.count_text, with_text, spec.status_words)
        given = _harms_given(frame, columns, spec)
        counted = pd.MultiIndex.from_arrays([words["row"], words["harm"]]).isin(given) if len(words) else []
        parts.append(words[~pd.Series(counted, index=words.index, dtype=bool)] if len(words) else words)
    if spec.deaths_reported:
        found_killed = pd.concat(parts)
        found_killed = found_killed.loc[found_killed["harm"] == "killed", "row"]
        silent = no_counts.difference(pd.Index(found_killed))
        parts.append(columnwise.deaths_without_figure(frame, columns, spec, silent))
    extra = pd.concat([p for p in parts if not p.empty] or [parts[0]], ignore_index=True)
    ids = frame[columns[spec.fields["id"].column]] if "id" in spec.fields else None
    slips = columnwise.slip_warnings(starts, ids, spec) if starts is not None else None
    warnings = pd.concat([w for w in (warnings, slips, cercle_warnings) if w is not None and not w.empty] or [warnings])
    disagreeing = int(warnings["warning"].str.startswith("total differs").sum()) if len(warnings) else 0
    if spec.groups:
        notes.append(f"rows where a total differs from its pairs: {disagreeing:,} (listed under warnings)")
    return derived.astype(object).where(derived.notna(), None), extra, warnings, notes


def _harms_given(frame: pd.DataFrame, columns: dict[str, str], spec: Mapping) -> pd.MultiIndex:
    """(row, harm) for every harm a row's count columns or pairs give a cell for."""
    pairs = [(columns[c.column], c.harm) for c in spec.counts]
    for group in spec.groups:
        pairs += [(columns[count], group.harm) for _, _, count in group.pairs()]
        pairs += [(columns[group.total], group.harm)] if group.total else []
    if not pairs:
        return pd.MultiIndex.from_arrays([[], []], names=["row", "harm"])
    long = pd.concat(
        [pd.DataFrame({"row": frame.index[frame[column].notna()], "harm": harm}) for column, harm in pairs]
    )
    return pd.MultiIndex.from_frame(long)


def _corrections(frame: pd.DataFrame, columns: dict[str, str], spec: Mapping, lines) -> list[str]:
    """The mapping's corrections written into ``frame`` (in place) before anything is read; a note for each,
    with the text it replaced, and for each that finds no row."""
    notes = []
    line_of = pd.Series(list(lines), index=frame.index)
    for c in spec.corrections:
        if c.line is not None:
            rows, where = frame.index[line_of.eq(c.line).to_numpy()], f"line {c.line}"
        else:
            ids = frame[columns[spec.fields["id"].column]] if "id" in spec.fields else pd.Series(dtype=object)
            rows, where = ids.index[ids.astype(str).str.strip().eq(c.id.strip())], f"id {c.id}"
        column = columns[c.column]
        if not len(rows):
            notes.append(f"correction NOT applied: no row with {where} ({c.column} -> {c.value!r}; {c.reason})")
            continue
        before = ", ".join(repr(v) for v in frame.loc[rows, column].drop_duplicates())
        frame.loc[rows, column] = c.value
        notes.append(f"corrected {where}, {c.column}: {before} -> {c.value!r} ({c.reason})")
    return notes


def _text_statuses(extra: pd.DataFrame, fields: FieldColumns) -> pd.DataFrame:
    """Counts read from words that name no status take what the mapping's victim_status (its rules or its
    column) says of the row, else stay unknown; ``status_rule`` says which rule decided (-1: none)."""
    extra = extra.copy()
    named = extra["victim_status"].notna()
    said = extra["row"].map(fields.row_status.where(fields.status_rule >= 0)) if len(extra) else extra["row"]
    by_column = extra["row"].map(fields.row_status) if len(extra) else extra["row"]
    rule = extra["row"].map(fields.status_rule) if len(extra) else extra["row"]
    status_spec = fields.spec.fields.get("victim_status")
    if status_spec is not None and status_spec.column is None and status_spec.value is None:
        by_column = pd.Series(None, index=extra.index, dtype=object)  # a default alone says nothing of words
    extra["status_rule"] = rule.where(~named & said.notna(), -1).fillna(-1).astype(int)
    chosen = said.where(said.notna(), by_column)
    extra["victim_status"] = extra["victim_status"].where(named, chosen).where(lambda s: s.notna(), "unknown")
    return extra


def _status_rule_notes(spec: Mapping, fields: FieldColumns, extra: pd.DataFrame) -> list[str]:
    """What each victim_status rule changed: the rows it matches, and the figures whose status it gave."""
    field = spec.fields.get("victim_status")
    if field is None or not field.rules:
        return []
    given = pd.concat([fields.casualties[["status_rule", "harm", "victim_group", "count_best"]], extra], sort=False)
    given = given[given["victim_group"].eq("all")]
    lines = ["victim_status decided by rules (first match wins): rows matched, and the figures whose status they gave"]
    for number, (_, value) in enumerate(field.rules):
        matched = int((fields.status_rule == number).sum())
        mine = given[given["status_rule"].eq(number)]
        killed = int(pd.to_numeric(mine.loc[mine["harm"].eq("killed"), "count_best"]).fillna(0).sum())
        lines.append(
            f"  rule {number + 1} ({value}): matches {matched:,} row{'' if matched == 1 else 's'}; gave the status of "
            f"{len(mine):,} figure{'' if len(mine) == 1 else 's'} ({killed:,} killed)"
            + ("" if len(mine) else ": changed nothing (their counts give their own status)")
        )
    return lines


def _family_notes(spec: Mapping, resolver: Resolver) -> list[str]:
    """The mapping's families for actors the tool does not know, and those it names but cannot apply."""
    notes = []
    for name, family in spec.families.items():
        row = resolver.new_actor_rows.get(name)
        if row is not None:
            continue
        if name in resolver.listed_families:
            notes.append(f"families: '{name}' is in actors.csv as {resolver.listed_families[name][0]}; not changed")
        else:
            notes.append(f"families: no actor '{name}' was written by this import ({family} not used)")
    return notes


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


def _perpetrators_frame(rows: pd.DataFrame, resolver: Resolver, path: Path, spec: Mapping) -> pd.DataFrame:
    columns = ["incident_id", "actor", "role", "attribution", "attribution_basis"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    frame = rows.reset_index(drop=True)
    frame["actor"] = resolver.actor_names(frame["name"], origin=path.name)
    declared = {normalise_name(name): family for name, family in spec.families.items()}
    for written, actor in frame[["name", "actor"]].drop_duplicates().itertuples(index=False):
        family = declared.get(normalise_name(written), declared.get(normalise_name(actor)))
        row = resolver.new_actor_rows.get(actor)
        if family and row is not None:  # an actor the tool does not know: the mapping gives its family
            row.update(family=family, family_basis=f"the mapping's families ({spec.path.name})")
    frame = frame.drop_duplicates(["incident_id", "actor"], keep="first")
    first = ~frame["incident_id"].duplicated()
    frame["role"] = first.map({True: "primary", False: "joint"}).where(
        first | ~frame["opponent"].astype(bool), "opponent"
    )
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
    # a 0 the list writes is a real zero, written as a 0 row for every harm alike (the report counts an
    # incident under a harm only where its figure is above 0 or not given)
    for column in ("count_min", "count_best", "count_max"):
        frame[column] = frame[column].astype("Int64")
    order = {incident_id: position for position, incident_id in written.items()}
    frame = frame.sort_values("incident_id", key=lambda ids: ids.map(order), kind="stable")
    return frame.reset_index(drop=True)
