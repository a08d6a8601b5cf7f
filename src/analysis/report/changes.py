"""What changed since the last build of a report, in words: the report's section, the one line ``render-all``
prints per job, and the text of ``python -m analysis changes``.

The changes themselves are measured in ``analysis.measure.build_diff``; this module only words them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from ..measure.build_diff import (
    HEADLINE_FIGURES,
    KILLED,
    Changes,
    Snapshot,
    compare,
    incident_snapshot,
    selection_parameters,
)
from .history import new_build_id, read_snapshot, write_build_files
from .text import esc, signed, words

#: At most this many changes are listed in the report; changes.json lists them all.
LISTED = 25
#: How each headline figure and each revised field reads.
FIGURE_WORDS = {
    "killed_min": "civilians killed (lowest figure)",
    "killed_best": "civilians killed (best estimate)",
    "killed_max": "civilians killed (highest figure)",
    "incidents": "incidents",
    "incidents_with_killings": "incidents with killings",
    "incidents_without_figure": "incidents with killings but no figure",
    "actors": "armed actors",
    "regions": "regions",
    "period_totals": "NGO period totals",
}
FIELD_WORDS = {
    "start_date": "first day",
    "end_date": "last day",
    "region": "region",
    "place": "place",
    "perpetrators": "perpetrators",
    "grade": "attribution",
    "killed_min": "civilians killed, lowest",
    "killed_best": "civilians killed, best",
    "killed_max": "civilians killed, highest",
}
PART_WORDS = {
    "added": "new incident",
    "withdrawn": "incident withdrawn",
    "raised": "count raised",
    "lowered": "count lowered",
}
KIND_WORDS = {"added": "new", "withdrawn": "withdrawn", "revised": "revised", "new_sources": "new source"}


def since_last_build(report, previous_snapshot: str = "", build_dir: str = "") -> Changes:
    """The report's snapshot compared with the previous build's; both files are written into ``build_dir``."""
    incidents, sources = incident_snapshot(report.dataset, report.selection)
    headline = report.headline()
    parameters = selection_parameters(
        report.selection, title=report.title, estimate=report.estimate, data_dir=str(report.data_dir or "")
    )
    snapshot = Snapshot(
        build=new_build_id(),
        parameters=parameters,
        headline={f: int(getattr(headline, f)) for f in HEADLINE_FIGURES},
        incidents=incidents,
        sources=sources,
    )
    changes = compare(read_snapshot(previous_snapshot) if previous_snapshot else None, snapshot)
    if build_dir:
        write_build_files(snapshot, changes, build_dir)
    return changes


def build_date(build: str | None) -> str:
    """'20250701T020000123456Z' -> '01 July 2025, 02:00 UTC'."""
    try:
        when = dt.datetime.strptime(str(build)[:15], "%Y%m%dT%H%M%S")
    except ValueError:
        return str(build)
    return f"{when:%d %B %Y, %H:%M} UTC"


def _value(value, missing: str = "not given") -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return missing
    return f"{int(value):,}" if isinstance(value, (int, float)) or hasattr(value, "item") else words(value)


def movement_sentence(changes: Changes, figure: str = "killed_best") -> str:
    """'+14 civilians killed (best estimate), from 120 to 134: 3 new incidents (+11), 1 count raised from 4 to 7 (+3)'."""
    row = changes.headline.set_index("figure").loc[figure]
    before, after = int(row["before"]), int(row["after"])
    label = FIGURE_WORDS[figure]
    if before == after and not len(changes.explanation[changes.explanation["figure"] == figure]):
        return f"{label}: unchanged at {after:,}"
    parts = []
    for part in changes.explanation[changes.explanation["figure"] == figure].itertuples():
        n = part.incidents
        if part.part in ("raised", "lowered") and n == 1:
            count = changes.revised[changes.revised["field"] == figure]
            count = count[(count["after"].fillna(0) > count["before"].fillna(0)) == (part.part == "raised")].iloc[0]
            old, new = _killed(count["before"]), _killed(count["after"])
            parts.append(f"1 count {part.part} from {old} to {new} ({signed(part.change)})")
        else:
            noun = PART_WORDS[part.part]
            plural = noun.replace("incident", "incidents") if "incident" in noun else noun.replace("count", "counts")
            parts.append(f"{n:,} {noun if n == 1 else plural} ({signed(part.change)})")
    because = f": {', '.join(parts)}" if parts else ""
    return f"{signed(after - before)} {label}, from {before:,} to {after:,}{because}"


def changes_markdown(changes: Changes) -> str:
    """The report's "What changed since the last report" section, before its table of changes."""
    heading = "## What changed since the last report\n\n"
    if changes.first_build:
        return heading + "This is the first build of this report: there is no earlier build to compare it with."
    since = f"Compared with the previous build of {build_date(changes.before_build)}."
    lines = [since]
    if len(changes.parameters):
        stated = "; ".join(
            f"{esc(words(p.parameter))}: {esc(_parameter(p.before))} → {esc(_parameter(p.after))}"
            for p in changes.parameters.itertuples()
        )
        lines.append(f"**Parameters changed.** {stated}.")
    if not changes.comparable:
        counted = changes.headline.set_index("figure")
        lines.append(
            "**The selection is not the same**, so the figures are not compared like for like and incidents are not "
            f"listed as added or withdrawn: the previous build counted {int(counted.at['killed_best', 'before']):,} "
            f"civilians killed (best estimate) in {int(counted.at['incidents', 'before']):,} incidents, this one "
            f"{int(counted.at['killed_best', 'after']):,} in {int(counted.at['incidents', 'after']):,}."
        )
        return heading + "\n\n".join(lines)
    if not changes.any:
        lines.append("Nothing changed: the same incidents, with the same figures, attributions and sources.")
        return heading + "\n\n".join(lines)
    c = changes.counts
    lines.append(
        f"**{_count(c['added'], 'new incident')}, {c['withdrawn']:,} withdrawn, {c['revised']:,} revised; "
        f"{_count(c['new_sources'], 'new source')} for incidents already counted.**"
    )
    lines.append(f"**{esc(movement_sentence(changes))}.**")
    others = changes.headline[(changes.headline["change"] != 0) & (changes.headline["figure"] != "killed_best")]
    if len(others):
        moved = "; ".join(
            f"{esc(FIGURE_WORDS[r.figure])} {int(r.before):,} → {int(r.after):,}" for r in others.itertuples()
        )
        lines.append(f"Other figures: {moved}.")
    return heading + "\n\n".join(lines)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _killed(value) -> str:
    return _value(value, "no figure")


def _parameter(value) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "all"
    return str(value) if value not in ("", None) else "(default)"


def _phrases(prefix: str, frame: pd.DataFrame, column: str) -> pd.Series:
    """``prefix`` and each row's count in words, as text whatever the column's type: built as a list, because
    ``Series.map`` keeps an empty or all-missing Int64 column Int64, and text cannot be added to it."""
    values = frame[column] if column in frame else pd.Series(None, index=frame.index, dtype=object)
    return pd.Series([prefix + _killed(v) for v in values], index=frame.index, dtype=object)


def _change_rows(change: str, frame: pd.DataFrame, detail: pd.Series) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame()
    return pd.DataFrame({"change": change, "id": frame["incident_id"], "incident": frame["title"], "detail": detail})


def changes_table(changes: Changes, listed: int = LISTED) -> pd.DataFrame:
    """One row per change (new, withdrawn, revised field, new source), naming the incident by id and title;
    at most ``listed`` rows, ``attrs['caption']`` says how many there are and where the rest are."""
    rows = [
        _change_rows("new", changes.added, _phrases("civilians killed ", changes.added, "killed_best")),
        _change_rows(
            "withdrawn",
            changes.withdrawn,
            _phrases("was counted with civilians killed ", changes.withdrawn, "killed_best"),
        ),
    ]
    if len(changes.revised):
        r = changes.revised
        # the lowest and highest figures are listed only where the best estimate stayed as it was
        best_moved = r.loc[r["field"] == "killed_best", "incident_id"]
        r = r[~(r["field"].isin(["killed_min", "killed_max"]) & r["incident_id"].isin(best_moved))].reset_index(
            drop=True
        )
        missing = r["field"].isin(KILLED).map({True: "no figure", False: "not given"})
        before = [_value(v, m) for v, m in zip(r["before"], missing, strict=True)]
        after = [_value(v, m) for v, m in zip(r["after"], missing, strict=True)]
        rows.append(
            _change_rows(
                "revised", r, r["field"].map(FIELD_WORDS) + ": " + pd.Series(before) + " → " + pd.Series(after)
            )
        )
    rows.append(_change_rows("new source", changes.new_sources, changes.new_sources.get("source", pd.Series())))
    rows = [frame for frame in rows if len(frame)]
    table = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["change", "id", "incident", "detail"])
    total = len(table)
    shown = table.head(listed)
    caption = (
        f"The {total:,} changes"
        if total <= listed
        else f"The first {listed:,} of {total:,} changes (changes.json beside the report lists them all)"
    )
    shown.attrs["caption"] = caption + ": each incident by its id and title"
    return shown


def has_changes(digest: dict) -> bool:
    """Whether a build differs from its previous one (a first build has nothing to differ from)."""
    if digest.get("first_build"):
        return False
    moved = any(row.get("change") for row in digest.get("headline", []))
    return bool(digest.get("parameters")) or moved or any(digest.get("counts", {}).values())


def summary_line(digest: dict) -> str:
    """One line for ``render-all``: counts of changes and how civilians killed moved."""
    if digest.get("first_build"):
        return "first build, nothing to compare with"
    headline = {row["figure"]: row for row in digest.get("headline", [])}
    changed = [_count(len(digest["parameters"]), "parameter") + " changed"] if digest.get("parameters") else []
    if not digest.get("comparable"):
        return "; ".join([*changed, "another selection: not compared like for like"])
    c = digest.get("counts", {})
    killed = headline.get("killed_best", {})
    move = killed.get("change") or 0
    return "; ".join(
        [
            *changed,
            f"{c.get('added', 0)} new, {c.get('withdrawn', 0)} withdrawn, {c.get('revised', 0)} revised, "
            f"{_count(c.get('new_sources', 0), 'new source')}",
            f"civilians killed (best) {signed(move)} ({killed.get('before', 0):,} → {killed.get('after', 0):,})",
        ]
    )


def changes_text(changes: Changes) -> list[str]:
    """Plain text for the terminal (``python -m analysis changes SLUG``)."""
    if changes.first_build:
        return [f"build {changes.after_build}: the first build, nothing to compare with"]
    lines = [
        f"from build {changes.before_build} ({build_date(changes.before_build)}) to {changes.after_build} ({build_date(changes.after_build)})"
    ]
    lines += [
        f"parameter {p.parameter}: {_parameter(p.before)} -> {_parameter(p.after)}"
        for p in changes.parameters.itertuples()
    ]
    lines.append(summary_line(changes.digest()))
    if changes.comparable and changes.any:
        lines.append(movement_sentence(changes))
        table = changes_table(
            changes,
            listed=len(changes.revised) + len(changes.added) + len(changes.withdrawn) + len(changes.new_sources),
        )
        lines += [f"  {r.change:<10} {r.id}  {r.incident}: {r.detail}" for r in table.itertuples()]
    return lines


def compare_builds(before: Path | None, after: Path) -> Changes:
    return compare(read_snapshot(before) if before else None, read_snapshot(after))
