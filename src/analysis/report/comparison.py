"""The comparison report's words: tables for reading, sentences and methodology, every data value escaped.

Dataset labels, actor, place and region names and incident ids come from imported data or parameters, so
whatever this module puts into Markdown passes through ``text.esc``; tables go through ``notebook.table``,
which escapes every cell.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pandas as pd

from ..measure import cross_dataset, matching
from ..measure.aggregate import ESTIMATE_COLUMN, GROUP_SEPARATOR
from ..measure.coverage import is_whole_year
from ..measure.cross_dataset import Comparison
from ..measure.matching import COUNTS, NEAR_MISS_DAYS, PRECISE_LOCATIONS, Matches
from ..measure.parameters import InvalidParameter
from . import lab
from .text import date_window_text, esc, fmt_range, percent, signed, span_text

NOT_COVERED = "not covered"
#: The page beside the comparison report with every pair and every unmatched event (search, filters, sorting).
MATCHES_FILE = "matches.html"
#: What each source's figures mean, keyed by the ``dataset`` column of its incidents.
DATASET_NOTES = {
    "curated": "Curated from news and NGO reports by hand: every figure is a range (lowest, best, highest) "
    "with the source's words; joint army and Wagner incidents are coded as one perpetrator group.",
    "acled": "ACLED's `fatalities` is the lowest figure reported, so it is the minimum and the best estimate and "
    "there is no upper bound; 0 can mean that no figure was reported. Deaths in battles are of unknown status, "
    "not civilians. ACLED codes partner forces (Wagner Group / Africa Corps) as associated actors; they count "
    "with the army as the import's rule for joint perpetrators says.",
    "ucdp": "UCDP GED counts events with at least one death and gives a best estimate with low and high "
    "alternatives; only deaths UCDP codes as civilian are counted here, and deaths in fighting between armed "
    "sides are of unknown status or combatants.",
}


# --- what the notebook opens: the measure layer's comparison, as JupyterLab needs it (report/lab.py) ---------

#: Parameters of the comparison notebook that render fills and open_comparison does not take.
RENDER_PARAMETERS = ("tables_dir",)


class LabComparison(Comparison):
    """A Comparison that refuses to be used once a later run of the parameters cell failed: the cells below
    would otherwise show the previous selection's tables and figures (lab.StaleReport, one short message)."""

    def __getattribute__(self, name: str):
        if not name.startswith("__"):
            lab.check_not_stale(self)
        return object.__getattribute__(self, name)


def notebook_parameters() -> list[str]:
    """The names the comparison notebook's parameters cell may assign."""
    return ["data_dirs", *cross_dataset.COMPARISON_PARAMETERS, *RENDER_PARAMETERS]


def open_comparison(data_dirs=None, **parameters) -> LabComparison:
    """What the comparison notebook calls: ``cross_dataset.check_comparison``'s comparison, or InvalidParameter naming
    every bad value and every name in the parameters cell the notebook does not declare (with "did you mean").
    The comparison of an earlier run is retired first, so nothing stale is shown after a failure."""
    lab.retire_previous()
    problems = lab.unknown_parameter_names(notebook_parameters())
    checked, found = cross_dataset.check_comparison(data_dirs, **parameters)
    problems += found
    if problems:
        raise InvalidParameter(problems)
    opened = LabComparison(**{f.name: getattr(checked, f.name) for f in dataclasses.fields(checked)})
    lab.register(opened)
    return opened


def coverage_table(frame: pd.DataFrame) -> pd.DataFrame:
    """``coverage`` for reading."""
    out = frame.copy()
    for column in ("first_date", "last_date"):
        out[column] = out[column].map(lambda d: "–" if pd.isna(d) else f"{d:%d %b %Y}")
    for column in ("events", "period_totals"):
        if column in out:
            out[column] = out[column].map(lambda n: f"{n:,}")
    return out.rename(
        columns={
            "source": "records from",
            "first_date": "first event",
            "last_date": "last event",
            "period_totals": "period totals (never counted)",
        }
    )


def side_by_side(table: pd.DataFrame) -> pd.DataFrame:
    """For reading: one row per group and year, each dataset's range and incidents, and the differences."""
    if table.empty:
        return pd.DataFrame()
    reference, estimate = table.attrs["reference"], table.attrs["estimate"]
    out = None
    for label in table.attrs["datasets"]:
        part = table[table["dataset"] == label].set_index(["actor", "year"])
        cells = pd.DataFrame(index=part.index)
        cells[label] = [_cell(r) for r in part.itertuples()]
        if label != reference:
            cells[f"{label} − {reference} ({estimate})"] = [_difference_text(r) for r in part.itertuples()]
        out = cells if out is None else out.join(cells)
    out = out.reset_index().rename(columns={"actor": "perpetrator group"})
    nothing = out.drop(columns=["perpetrator group", "year"]).isin(["–", "0", NOT_COVERED]).all(axis=1)
    return out[~nothing].reset_index(drop=True)


def _cell(r) -> str:
    if not r.covered:
        return NOT_COVERED
    if not r.incidents:
        return "–"
    if r.incidents == r.incidents_without_figure:
        text = "reported, no figure"
    else:
        text = fmt_range(r.count_min, r.count_best, r.count_max)
    return f"{text} ({r.incidents} {'incident' if r.incidents == 1 else 'incidents'})"


def _difference_text(r) -> str:
    if pd.isna(r.difference):
        return NOT_COVERED
    text = signed(r.difference) + ("" if pd.isna(r.relative_difference) else f" ({percent(r.relative_difference)})")
    if not is_whole_year(r.compared_from, r.compared_to):
        text += f"; {r.value:,} vs {r.reference_value:,}, {span_text(r.compared_from, r.compared_to)}"
    return text


def matching_rule(max_days: int, max_km: float) -> str:
    """The matching rule in words (``measure.matching``)."""
    days = f"{max_days} {'day' if max_days == 1 else 'days'}"
    w = matching.SCORE_WEIGHTS
    return (
        f"the records of one episode are matched as one event; two events can be the same when their dates are at "
        f"most {days} apart, their places agree (within {max_km:g} km when both have coordinates of the place "
        "itself, otherwise the same cercle or place name, else the same region) and their perpetrator families are "
        "compatible (one family in common, or the perpetrator unknown on one side); each such pair is scored out "
        f"of 100 on the closeness of the dates ({w['dates']}), the place ({w['place']}: same place name, distance, "
        f"same cercle, same region), the families ({w['families']}) and the civilians killed ({w['figures']}), "
        "and the set of one-to-one pairs with the highest total score is chosen over all events at once (an optimal "
        f"assignment, not the closest pair first); pairs scoring under {matching.MIN_SCORE} are not made"
    )


def _event_range(frame: pd.DataFrame, suffix: str = "") -> list[str]:
    return [
        "–" if pd.isna(low) else fmt_range(low, best, high)
        for low, best, high in zip(*(frame[f"{c}{suffix}"] for c in COUNTS), strict=True)
    ]


def _dates(frame: pd.DataFrame, suffix: str = "") -> list[str]:
    return [
        date_window_text(s, e) for s, e in zip(frame[f"start_date{suffix}"], frame[f"end_date{suffix}"], strict=True)
    ]


def _places(frame: pd.DataFrame, suffix: str = "") -> list[str]:
    columns = [frame[f"{c}{suffix}"] for c in ("location_name", "admin2", "admin1")]
    return [_place(*values) for values in zip(*columns, strict=True)]


def _place(*names) -> str:
    parts = [str(v) for v in names if isinstance(v, str) and v]
    return ", ".join(dict.fromkeys(parts)) or "place not established"


def headline_table(m: Matches) -> pd.DataFrame:
    """For reading: each dataset's events, civilians killed and how much of it the other dataset also has."""
    h = cross_dataset.headline(m)
    return pd.DataFrame(
        {
            "dataset": h["dataset"],
            "events (an episode once)": [
                f"{e:,}" + (f" ({r:,} records)" if r != e else "")
                for e, r in zip(h["events"], h["records"], strict=True)
            ],
            "civilians killed": [
                fmt_range(*v) for v in zip(h["count_min"], h["count_best"], h["count_max"], strict=True)
            ],
            "events matched in the other": [
                f"{n:,} ({_share(s)})" for n, s in zip(h["matched_events"], h["matched_share"], strict=True)
            ],
            "civilians killed in matched events": [
                f"{n:,} ({_share(s)})" for n, s in zip(h["killed_in_matched"], h["killed_matched_share"], strict=True)
            ],
        }
    )


def _share(value) -> str:
    return "–" if pd.isna(value) else f"{value:.0%}"


def headline_markdown(m: Matches) -> str:
    """One paragraph: what each dataset records and how much of it the other has (names escaped)."""
    h = cross_dataset.headline(m).set_index("dataset")
    a, b = (h.loc[label].to_dict() for label in (m.label_a, m.label_b))
    for side in (a, b):  # a row of mixed columns comes back as floats
        side.update({k: int(side[k]) for k in ("events", "records", "count_best")})
    return (
        f"**{esc(m.label_a)}** records **{a['events']:,} events** ({a['records']:,} records) with **{a['count_best']:,} "
        f"civilians killed**; **{esc(m.label_b)}** records **{b['events']:,} events** ({b['records']:,} records) with "
        f"**{b['count_best']:,}** (best estimates). **{len(m.pairs):,}** events are the same in both: "
        f"{_share(a['matched_share'])} of {esc(m.label_a)}'s events and {_share(b['matched_share'])} of "
        f"{esc(m.label_b)}'s; they hold {_share(a['killed_matched_share'])} of the civilians killed in "
        f"{esc(m.label_a)} and {_share(b['killed_matched_share'])} in {esc(m.label_b)}."
    )


def family_table(m: Matches, n: int = 12) -> pd.DataFrame:
    """For reading: civilians killed and events by perpetrator family group in each dataset, and the share
    matched in the other (the deadliest ``n`` groups; the rest in tables/)."""
    f = cross_dataset.by_family(m).head(n)
    out = pd.DataFrame({"perpetrator family": f["family_group"]})
    for label in (m.label_a, m.label_b):
        killed, matched = f[f"{label} killed"], f[f"{label} killed in matched"]
        events, events_matched = f[f"{label} events"], f[f"{label} matched"]
        out[f"{label}: civilians killed (matched)"] = [
            f"{k:,} ({_share(x / k) if k else '–'})" for k, x in zip(killed, matched, strict=True)
        ]
        out[f"{label}: events (matched)"] = [
            f"{e:,} ({_share(x / e) if e else '–'})" for e, x in zip(events, events_matched, strict=True)
        ]
    return out


def differences_table(m: Matches, estimate: str = "best", n: int = cross_dataset.PDF_ROWS) -> pd.DataFrame:
    """For reading: the matched events whose civilians killed differ most, with both records and the reasons."""
    p = cross_dataset.largest_differences(m, n, estimate)
    difference = ESTIMATE_COLUMN[estimate].replace("count", "difference")
    return pd.DataFrame(
        {
            "dates": [x if x == y else f"{x} / {y}" for x, y in zip(_dates(p, "_a"), _dates(p, "_b"), strict=True)],
            "place": [x if x == y else f"{x} / {y}" for x, y in zip(_places(p, "_a"), _places(p, "_b"), strict=True)],
            "perpetrators": [
                x if x == y else f"{x} / {y}" for x, y in zip(p["family_group_a"], p["family_group_b"], strict=True)
            ],
            f"{m.label_a}": [f"{k} ({i})" for k, i in zip(_event_range(p, "_a"), p["incident_ids_a"], strict=True)],
            f"{m.label_b}": [f"{k} ({i})" for k, i in zip(_event_range(p, "_b"), p["incident_ids_b"], strict=True)],
            f"{m.label_b} − {m.label_a}": [signed(d) for d in p[difference]],
            "why they are one event": p["reasons"],
        }
    )


def only_one_table(m: Matches, n: int = cross_dataset.PDF_ROWS) -> pd.DataFrame:
    """For reading: the deadliest events only one dataset has, and why each found no pair."""
    u = cross_dataset.deadliest_unmatched(m, n)
    return pd.DataFrame(
        {
            "only in": u["dataset"],
            "dates": _dates(u),
            "place": _places(u),
            "perpetrators": u["family_group"],
            "civilians killed": _event_range(u),
            "id": u["incident_ids"],
            "why no pair": u["reason"],
        }
    )


def difference_sentence(row, reference: str, estimate: str) -> str:
    """'acled records 6 more civilians killed by FAMa than curated in 2024: 19 against 13 (+46%, best estimates).'

    Markdown, with the dataset labels and the group's name escaped."""
    more = "more" if row.difference > 0 else "fewer"
    share = "" if pd.isna(row.relative_difference) else f"{percent(row.relative_difference)}, "
    when = (
        f"in {row.year}"
        if is_whole_year(row.compared_from, row.compared_to)
        else f"over {span_text(row.compared_from, row.compared_to)} (the part of {row.year} both cover)"
    )
    return (
        f"**{esc(row.dataset)}** records **{abs(int(row.difference)):,} {more}** civilians killed by "
        f"**{esc(row.actor)}** than {esc(reference)} {when}: {int(row.value):,} against "
        f"{int(row.reference_value):,} ({share}{esc(estimate)} estimates)."
    )


def methodology_markdown(c: Comparison) -> str:
    """How the comparison was made, with what each dataset's figures mean and counts from the data."""
    sources = dict.fromkeys(s for ds in c.datasets.values() for s in ds.incidents["dataset"].dropna().unique())
    notes = [f"**{esc(s)}**: {DATASET_NOTES[s]}" for s in sources if s in DATASET_NOTES]
    unknown = c.unknown_status_deaths()
    unknown_text = "; ".join(
        f"{esc(r.dataset)}: {r.killed:,} in {r.events} {'event' if r.events == 1 else 'events'}"
        for r in unknown.itertuples()
    )
    text = [
        "**What is counted.** Civilians killed (victim status `civilian`, all victims), in events only: totals "
        "reported for whole periods are never counted. Every dataset is counted by the same function as the main "
        "report, each incident once under its perpetrator group (the primary actor and those acting jointly with it); "
        "associated actors and the opposing side of a battle do not change the group.",
        "**Sources compared.** " + (" ".join(notes) if notes else "No notes for these sources."),
        f"**Deaths of unknown status** (mostly battle deaths) are not counted as civilians: {unknown_text}.",
        "**Periods.** A dataset covers the years between its first and last event; other years are shown as "
        "“not covered”, never as zero. Each difference is like for like: both datasets are counted over the part "
        "of the year that both cover. An event counts in the year and window of its first possible day.",
        f"**Matching events.** Between the reference ({esc(c.reference)}) and each other dataset, "
        f"{matching_rule(c.max_days, c.max_km)}. Coordinates are used only when they place the event itself "
        f"({', '.join(PRECISE_LOCATIONS)} precision); events with no region and no such coordinates are never matched. "
        "Candidates are found through an index of days within each region and a grid of places, never by comparing "
        "all pairs. Every pair carries its score and the reasons it is one event; every event left unmatched says "
        "why: the candidate that matched better to another event, or the closest event within "
        f"{c.max_days + NEAR_MISS_DAYS} days in the same region and the tests it fails, or that there is none.",
        f"**Ranges.** Figures are shown as best (min–max); differences are of the **{esc(c.estimate)}** estimate.",
    ]
    return "\n\n".join(text)


# --- the full lists: tables/ and matches.html ------------------------------------------------------------------


def _text_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Tuples of actors as text, so that the CSV reads back as it reads."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object and any(isinstance(v, tuple) for v in out[column]):
            out[column] = out[column].map(lambda v: "; ".join(v) if isinstance(v, tuple) else v)
    return out


def comparison_frames(c: Comparison) -> dict[str, pd.DataFrame]:
    """Every table of the comparison for spreadsheets: figures as numbers, one file each."""
    pairs, unmatched = [], []
    for m in c.matches:
        p = m.pairs.drop(columns=["actors_a", "actors_b"])
        p.insert(0, "dataset_b", m.label_b)
        p.insert(0, "dataset_a", m.label_a)
        pairs.append(p)
        u = cross_dataset.unmatched(m).drop(columns=["actors"])
        u.insert(1, "compared_with", [m.label_b if d == m.label_a else m.label_a for d in u["dataset"]])
        unmatched.append(u)
    frames = {
        "matches": pd.concat(pairs, ignore_index=True) if pairs else pd.DataFrame(),
        "unmatched": pd.concat(unmatched, ignore_index=True) if unmatched else pd.DataFrame(),
        "merged_incidents": cross_dataset.merged_incidents(c.matches),
        "killed_by_actor_year": c.table,
    }
    for m in c.matches:
        suffix = "" if len(c.matches) == 1 else f"_{m.label_b}"
        frames[f"comparison_headline{suffix}"] = cross_dataset.headline(m)
        frames[f"comparison_by_year{suffix}"] = cross_dataset.by_year(m)
        frames[f"comparison_by_family{suffix}"] = cross_dataset.by_family(m)
    return {name: _text_columns(frame) for name, frame in frames.items()}


def write_comparison_tables(c: Comparison, directory: str | Path) -> list[Path]:
    """tables/*.csv (spreadsheet-safe) and matches.html beside the tables folder."""
    from .export import write_spreadsheet_csv

    directory = Path(directory)
    written = [write_spreadsheet_csv(f, directory / f"{name}.csv") for name, f in comparison_frames(c).items()]
    written.append(write_matches_html(c, directory.parent / MATCHES_FILE))
    return written


#: matches.html's columns, in the order of each row of its JSON data (the page's script reads them by name).
MATCHES_COLUMNS = [
    "kind",
    "start",
    "date",
    "year",
    "place",
    "region",
    "family",
    "ids_a",
    "ids_b",
    "killed_a",
    "killed_b",
    "best_a",
    "best_b",
    "difference",
    "score",
    "why",
    "a",
    "b",
]


def _iso(dates: pd.Series) -> pd.Series:
    return pd.to_datetime(dates).dt.strftime("%Y-%m-%d")


def matches_rows(m: Matches) -> pd.DataFrame:
    """One row per matched pair and per unmatched event of one comparison, as matches.html shows them."""
    p = m.pairs
    pairs = pd.DataFrame(
        {
            "kind": "both",
            "start": _iso(p["start_date_a"]),
            "date": [x if x == y else f"{x} / {y}" for x, y in zip(_dates(p, "_a"), _dates(p, "_b"), strict=True)],
            "year": p["start_date_a"].dt.year,
            "place": [x if x == y else f"{x} / {y}" for x, y in zip(_places(p, "_a"), _places(p, "_b"), strict=True)],
            "region": p["admin1_a"],
            "family": [
                x if x == y else f"{x} / {y}" for x, y in zip(p["family_group_a"], p["family_group_b"], strict=True)
            ],
            "ids_a": p["incident_ids_a"],
            "ids_b": p["incident_ids_b"],
            "killed_a": _event_range(p, "_a"),
            "killed_b": _event_range(p, "_b"),
            "best_a": p["count_best_a"],
            "best_b": p["count_best_b"],
            "difference": p["difference_best"],
            "score": p["score"].round(0),
            "why": p["reasons"],
        }
    )
    parts = [pairs]
    for side, frame in (("a", m.unmatched_a), ("b", m.unmatched_b)):
        other = "b" if side == "a" else "a"
        parts.append(
            pd.DataFrame(
                {
                    "kind": side,
                    "start": _iso(frame["start_date"]),
                    "date": _dates(frame),
                    "year": frame["start_date"].dt.year,
                    "place": _places(frame),
                    "region": frame["admin1"],
                    "family": frame["family_group"],
                    f"ids_{side}": frame["incident_ids"],
                    f"ids_{other}": None,
                    f"killed_{side}": _event_range(frame),
                    f"killed_{other}": None,
                    f"best_{side}": frame["count_best"],
                    f"best_{other}": pd.NA,
                    "difference": pd.NA,
                    "score": pd.NA,
                    "why": frame["reason"],
                }
            )
        )
    rows = pd.concat(parts, ignore_index=True)
    rows["a"], rows["b"] = m.label_a, m.label_b
    return rows[MATCHES_COLUMNS]


def matches_json(c: Comparison) -> str:
    """matches.html's data: its title and note, then one array per row (MATCHES_COLUMNS)."""
    rows = pd.concat([matches_rows(m) for m in c.matches], ignore_index=True) if c.matches else None
    families = sorted({f for m in c.matches for u in (m.units_a, m.units_b) for f in u["family_group"]})
    meta = {
        "title": c.title,
        "note": "Every event of the comparison: the pairs found by the matching rule, with their score and reasons, "
        "and the events only one dataset has, with the reason each found no pair. Civilians killed: best estimate "
        "(lowest–highest); “–” where the dataset gives no figure.",
        "columns": MATCHES_COLUMNS,
        "comparisons": [[m.label_a, m.label_b] for m in c.matches],
        "families": [f for f in families if GROUP_SEPARATOR not in f],
        "rows": None,  # last, so that the placeholder is the text's last null
    }
    body = rows.to_json(orient="values", force_ascii=False) if rows is not None and len(rows) else "[]"
    head, _, tail = json.dumps(meta, ensure_ascii=False).rpartition("null")
    return head + body + tail


def matches_html(data_json: str, title: str) -> str:
    """The self-contained matches.html for its data (JSON text), made safe as the incident annex is."""
    from .annex import ListPage, self_contained_page

    page = ListPage(Path(__file__).parent / "templates" / "matches.html", "Matches", "matches-data", "save")
    return self_contained_page(page, data_json, title)


def write_matches_html(c: Comparison, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(matches_html(matches_json(c), f"Matches: {c.title}"), encoding="utf-8")
    return path
