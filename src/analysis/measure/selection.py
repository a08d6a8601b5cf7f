"""Which incidents a report counts: its parameters, checked once against the data's reference tables.

The report notebook, the comparison notebook and ``render-all`` all read their parameters through
``selection_from_parameters``, so a bad value gets the same message everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import config
from ..data.dataset import Dataset
from ..data.reference import actor_index, region_index
from ..data.schema import ATTRIBUTION_ORDER
from .parameters import InvalidParameter, as_list, file_problem, iso_date, open_data_dir

PERIODS = ("auto", "month", "quarter", "year", "named")
#: How perpetrators are grouped in charts and tables: by actor family (the default), by perpetrator
#: group as the sources name it ("FAMa + Wagner Group"), or by single actor.
GROUP_BY = ("family", "group", "actor")
#: ``period="auto"``: the longest span (in years) that each period length still shows readably.
AUTO_PERIODS = ((3, "month"), (8, "quarter"))
ESTIMATES = ("min", "best", "max")
POLICIES = ("group", "any")


@dataclass(frozen=True)
class Selection:
    """Which incidents to count. Empty actors/regions mean all."""

    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None
    actors: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    min_attribution: str = "contested"
    attribution: str = "group"
    period: str = "year"
    group_by: str = "group"


def make_selection(dataset: Dataset, **parameters) -> Selection:
    """``check_selection``'s selection, or InvalidParameter naming every bad value with the valid ones."""
    selection, problems = check_selection(dataset, **parameters)
    if problems:
        raise InvalidParameter(problems)
    return selection


def check_selection(
    dataset: Dataset | None,
    *,
    start_date=None,
    end_date=None,
    actors=(),
    regions=(),
    min_attribution: str = "contested",
    attribution: str = "group",
    period: str = "year",
    group_by: str = "group",
) -> tuple[Selection | None, list[str]]:
    """(the selection, []) or (None, every problem). Without a dataset (its directory is itself a problem),
    the values that need its reference tables (actors, regions) are not checked."""
    start, start_problem = iso_date(start_date, "start_date")
    end, end_problem = iso_date(end_date, "end_date", end=True)
    problems = [p for p in (start_problem, end_problem) if p]
    if start is not None and end is not None and end < start:
        problems.append(f"end_date {end.date()} is before start_date {start.date()}")
    for name, value, valid in (
        ("min_attribution", min_attribution, ATTRIBUTION_ORDER),
        ("attribution", attribution, POLICIES),
        ("period", period, PERIODS),
        ("group_by", group_by, GROUP_BY),
    ):
        if value not in valid:
            problems.append(f"{name} {value!r} is not one of: {', '.join(valid)}")
    if dataset is None:
        if as_list(actors) or as_list(regions):
            problems.append(
                "actors and regions are checked against the data's reference tables once its directory can be read"
            )
        return None, problems
    actors, actor_problems = _resolve(actors, actor_index(dataset.actors), "actor", list(dataset.actors["actor"]))
    regions, region_problems = _resolve(
        regions, region_index(dataset.regions), "region", list(dataset.regions["region"])
    )
    problems += actor_problems + region_problems
    if problems:
        return None, problems
    if period == "auto":
        period = auto_period(*data_span(dataset, start, end))
    selection = Selection(
        start=start,
        end=end,
        actors=actors,
        regions=regions,
        min_attribution=min_attribution,
        attribution=attribution,
        period=period,
        group_by=group_by,
    )
    return selection, []


def data_span(
    dataset: Dataset, start: pd.Timestamp | None = None, end: pd.Timestamp | None = None
) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """The days the data covers, within the selected dates: from the first event's first day (or the
    selected start, if later) to the last event's last day (or the selected end, if earlier).

    Whole-dataset dates, not those of the selected actors: a quiet year for one actor is not a gap in
    the data."""
    events = dataset.incidents[dataset.incidents["record_type"] == "event"]
    if events.empty:
        return start, end
    first, last = events["start_date"].min(), events["end_date"].fillna(events["start_date"]).max()
    return (max(first, start) if start is not None else first), (min(last, end) if end is not None else last)


def auto_period(first: pd.Timestamp | None, last: pd.Timestamp | None) -> str:
    """Month up to 3 years of span, quarter up to 8, year beyond."""
    if first is None or last is None:
        return "year"
    years = (last - first).days / 365.25
    for limit, period in AUTO_PERIODS:
        if years <= limit:
            return period
    return "year"


def selection_from_parameters(dataset: Dataset, parameters: Mapping) -> Selection:
    """The selection a report notebook's parameters ask for; every value checked, including ``estimate``."""
    selection, problems = check_parameters(dataset, parameters)
    if problems:
        raise InvalidParameter(problems)
    return selection


def check_report(
    data_dir, parameters: Mapping, boundaries="", base: Path = config.PROJECT_ROOT
) -> tuple[Dataset | None, Selection | None, list[str]]:
    """The report notebook's checks: its data directory (validated through the cache), its selection and its
    boundaries file, relative paths taken from ``base``; (dataset, selection, []) or (..., every problem)."""
    dataset, problems = open_data_dir(data_dir, "data_dir", base)
    selection, found = check_parameters(dataset, parameters)
    problems += found
    if boundaries:
        problems += [p for p in [file_problem(boundaries, "boundaries", base)] if p]
    return dataset, selection, problems


def check_parameters(dataset: Dataset | None, parameters: Mapping) -> tuple[Selection | None, list[str]]:
    """``check_selection`` for a notebook's parameters, with ``estimate``: (selection, []) or (None, problems)."""
    estimate = parameters.get("estimate", "best")
    problems = [] if estimate in ESTIMATES else [f"estimate {estimate!r} is not one of: {', '.join(ESTIMATES)}"]
    selection, more = check_selection(
        dataset,
        start_date=parameters.get("start_date") or None,
        end_date=parameters.get("end_date") or None,
        actors=parameters.get("actors"),
        regions=parameters.get("regions"),
        min_attribution=parameters.get("min_attribution", "contested"),
        attribution=parameters.get("attribution", "group"),
        period=parameters.get("period", "year"),
        group_by=parameters.get("group_by", "group"),
    )
    problems += more
    return (None if problems else selection), problems


def _resolve(names, index, kind, valid) -> tuple[tuple[str, ...], list[str]]:
    """Canonical names, and one problem naming every unknown name with the valid ones."""
    resolved, unknown = [], []
    for name in as_list(names):
        canonical = index.resolve(str(name))
        if canonical is None:
            unknown.append(name)
        else:
            resolved.append(canonical)
    if not unknown:
        return tuple(resolved), []
    named = ", ".join(repr(str(name)) for name in unknown)
    guesses = {str(name): guess for name in unknown if (guess := _closest(str(name), valid))}
    one = len(unknown) == 1 and guesses
    hint = f" (did you mean '{next(iter(guesses.values()))}'?)" if one else ""
    after = "" if one else "".join(f"; for '{name}' did you mean '{guess}'?" for name, guess in guesses.items())
    return (), [
        f"unknown {kind}{'s' if len(unknown) > 1 else ''} {named}{hint}; valid {kind}s (or their aliases): "
        f"{', '.join(valid)}{after}"
    ]


def _closest(name: str, valid: list[str]) -> str | None:
    """The valid name closest to a misspelt one, compared without regard to case (None: none is close)."""
    import difflib

    by_key = {word.casefold(): str(v) for v in valid for word in str(v).split() if len(word) >= 4}
    by_key.update({str(v).casefold(): str(v) for v in valid})  # a name's words too: 'Wagnr' is 'Wagner Group'

    close = difflib.get_close_matches(name.casefold(), list(by_key), n=1, cutoff=0.75)  # "Martians" is no "Malian"
    return by_key[close[0]] if close else None
