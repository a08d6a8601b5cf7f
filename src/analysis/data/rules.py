"""Rules that span rows or tables: keys that point somewhere, ranges that hold, denials that count."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from .problems import Problem
from .reference import NameIndex
from .schema import TABLES


def _problem(table: str, lines: dict[str, list[int]], row: int, column: str | None, value, expected: str) -> Problem:
    shown = None if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
    if isinstance(value, pd.Timestamp):
        shown = value.date().isoformat()
    return Problem(TABLES[table].path, lines[table][row], column, shown, expected)


def check_rules(
    frames: dict[str, pd.DataFrame],
    lines: dict[str, list[int]],
    actors: NameIndex,
    regions: NameIndex,
    today: dt.date | None = None,
) -> list[Problem]:
    problems: list[Problem] = []
    problems += _alias_collisions(actors, "actors") + _alias_collisions(regions, "regions")
    problems += _foreign_keys(frames, lines, {"actors": actors, "regions": regions})
    problems += _date_order(frames, lines, today or dt.date.today())
    problems += _count_ranges(frames, lines)
    problems += _groups_within_all(frames, lines)
    problems += _denials_make_contested(frames, lines)
    problems += _every_incident_sourced(frames, lines)
    problems += _parents_are_period_totals(frames, lines)
    return problems


def _alias_collisions(index: NameIndex, table: str) -> list[Problem]:
    return [
        Problem(
            TABLES[table].path, None, "aliases", alias, f"each alias to name one entry; it names both {a!r} and {b!r}"
        )
        for alias, a, b in index.collisions
    ]


def _foreign_keys(frames, lines, indexes: dict[str, NameIndex]) -> list[Problem]:
    problems = []
    for table in TABLES.values():
        if table.name not in frames:
            continue
        frame = frames[table.name]
        for fk in table.foreign_keys:
            (column,) = fk.columns
            (ref_column,) = fk.ref_columns
            if fk.via_alias:
                index = indexes[fk.table]
                values = frame[column]
                known = values.isna() | index.resolve_series(values).notna()
                expected = f"a name or alias listed in {TABLES[fk.table].path}"
            else:
                targets = frames[fk.table][ref_column].dropna()
                known = frame[column].isna() | frame[column].isin(targets)
                expected = f"an {ref_column} listed in {TABLES[fk.table].path}"
            for row in frame.index[~known.astype(bool)]:
                problems.append(_problem(table.name, lines, row, column, frame.at[row, column], expected))
    return problems


def _date_order(frames, lines, today: dt.date) -> list[Problem]:
    problems = []
    limit = pd.Timestamp(today)
    for table, first, last in (
        ("incidents", "start_date", "end_date"),
        ("key_dates", "date", "end_date"),
        ("actors", "active_from", "active_to"),
    ):
        frame = frames[table]
        reversed_rows = frame.index[(frame[last] < frame[first]).fillna(False)]
        for row in reversed_rows:
            expected = f"{last} on or after {first} ({frame.at[row, first].date().isoformat()})"
            problems.append(_problem(table, lines, row, last, frame.at[row, last], expected))
    for table, column in (("incidents", "start_date"), ("sources", "published_date")):
        frame = frames[table]
        for row in frame.index[(frame[column] > limit).fillna(False)]:
            expected = f"a date not after today ({today.isoformat()})"
            problems.append(_problem(table, lines, row, column, frame.at[row, column], expected))
    return problems


def _count_ranges(frames, lines) -> list[Problem]:
    problems = []
    c = frames["casualties"]
    for low, high in (("count_min", "count_best"), ("count_best", "count_max"), ("count_min", "count_max")):
        for row in c.index[(c[low] > c[high]).fillna(False)]:
            problems.append(
                _problem("casualties", lines, row, high, c.at[row, high], f"{high} >= {low} ({c.at[row, low]})")
            )
    needs_min = c["count_min"].isna() & (c["count_best"].notna() | c["count_max"].notna())
    for row in c.index[needs_min]:
        problems.append(
            _problem(
                "casualties",
                lines,
                row,
                "count_min",
                None,
                "a count_min whenever count_best or count_max is given (the lowest figure the sources support)",
            )
        )
    return problems


def _groups_within_all(frames, lines) -> list[Problem]:
    c = frames["casualties"]
    keys = ["incident_id", "harm", "victim_status"]
    columns = ["count_min", "count_best", "count_max"]
    parts = c[c["victim_group"] != "all"].assign(row=c.index[c["victim_group"] != "all"])
    wholes = c.loc[c["victim_group"] == "all", keys + columns].drop_duplicates(keys)
    paired = parts.merge(wholes, on=keys, how="inner", suffixes=("", "_all")).sort_values("row", kind="stable")
    found = []
    for order, column in enumerate(columns):
        part, whole = paired[column], paired[f"{column}_all"]
        over = part.notna() & whole.notna() & (pd.to_numeric(part) > pd.to_numeric(whole))
        found += [
            (row, order, column, p, w) for row, p, w in zip(paired["row"][over], part[over], whole[over], strict=True)
        ]
    return [
        _problem(
            "casualties",
            lines,
            row,
            column,
            value,
            f"at most the 'all' figure for the same incident, harm and status ({whole})",
        )
        for row, _, column, value, whole in sorted(found, key=lambda f: (f[0], f[1]))
    ]


def _denials_make_contested(frames, lines) -> list[Problem]:
    denied = set(frames["sources"].loc[frames["sources"]["stance"] == "denies", "incident_id"])
    p = frames["perpetrators"]
    wrong = p["incident_id"].isin(denied) & (p["attribution"] != "contested") & (p["role"] != "opponent")
    return [
        _problem(
            "perpetrators",
            lines,
            row,
            "attribution",
            p.at[row, "attribution"],
            "'contested': sources.csv has a 'denies' row for this incident",
        )
        for row in p.index[wrong]
    ]


def _every_incident_sourced(frames, lines) -> list[Problem]:
    sourced = set(frames["sources"]["incident_id"])
    i = frames["incidents"]
    return [
        _problem(
            "incidents",
            lines,
            row,
            "incident_id",
            i.at[row, "incident_id"],
            "at least one row in sources.csv for this incident",
        )
        for row in i.index[~i["incident_id"].isin(sourced)]
    ]


def _parents_are_period_totals(frames, lines) -> list[Problem]:
    """An event's parent is a period total it is also counted in, or the episode it is one record of; only
    events have parents (a period total or an episode is never part of another record)."""
    i = frames["incidents"]
    kinds = dict(zip(i["incident_id"], i["record_type"], strict=True))
    problems = []
    for row in i.index[i["parent_incident_id"].notna()]:
        parent = i.at[row, "parent_incident_id"]
        if parent in kinds and kinds[parent] not in PARENT_TYPES:
            problems.append(
                _problem(
                    "incidents", lines, row, "parent_incident_id", parent, "the id of a period_total or episode record"
                )
            )
        if i.at[row, "record_type"] != "event":
            problems.append(
                _problem(
                    "incidents",
                    lines,
                    row,
                    "parent_incident_id",
                    parent,
                    "empty: only events can be part of a period total or an episode",
                )
            )
    return problems


#: What an event's parent_incident_id may point at.
PARENT_TYPES = ("period_total", "episode")
