"""Which incidents a report counts: its parameters, checked once against the data's reference tables.

The report notebook, the comparison notebook and ``render-all`` all read their parameters through
``selection_from_parameters``, so a bad value gets the same message everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from ..data.dataset import Dataset
from ..data.reference import actor_index, region_index
from ..data.schema import ATTRIBUTION_ORDER

PERIODS = ("auto", "month", "quarter", "year", "named")
#: How perpetrators are grouped in charts and tables: by actor family (the default), by perpetrator
#: group as the sources name it ("FAMa + Wagner Group"), or by single actor.
GROUP_BY = ("family", "group", "actor")
#: ``period="auto"``: the longest span (in years) that each period length still shows readably.
AUTO_PERIODS = ((3, "month"), (8, "quarter"))
ESTIMATES = ("min", "best", "max")
POLICIES = ("group", "any")


class InvalidParameter(ValueError):
    """A report parameter with a value that cannot be used; the message lists the valid values."""


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


def make_selection(
    dataset: Dataset,
    *,
    start_date: str | None = None,
    end_date: str | None = None,
    actors: list[str] | tuple[str, ...] = (),
    regions: list[str] | tuple[str, ...] = (),
    min_attribution: str = "contested",
    attribution: str = "group",
    period: str = "year",
    group_by: str = "group",
) -> Selection:
    """Check report parameters against the data's reference tables; raise InvalidParameter listing valid values."""
    start = _date(start_date, "start_date")
    end = _date(end_date, "end_date")
    if start is not None and end is not None and end < start:
        raise InvalidParameter(f"end_date {end.date()} is before start_date {start.date()}")
    if min_attribution not in ATTRIBUTION_ORDER:
        raise InvalidParameter(f"min_attribution {min_attribution!r} is not one of: {', '.join(ATTRIBUTION_ORDER)}")
    if attribution not in POLICIES:
        raise InvalidParameter(f"attribution {attribution!r} is not one of: {', '.join(POLICIES)}")
    if period not in PERIODS:
        raise InvalidParameter(f"period {period!r} is not one of: {', '.join(PERIODS)}")
    if group_by not in GROUP_BY:
        raise InvalidParameter(f"group_by {group_by!r} is not one of: {', '.join(GROUP_BY)}")
    if period == "auto":
        period = auto_period(*data_span(dataset, start, end))
    return Selection(
        start=start,
        end=end,
        actors=_resolve(actors, actor_index(dataset.actors), "actor", list(dataset.actors["actor"])),
        regions=_resolve(regions, region_index(dataset.regions), "region", list(dataset.regions["region"])),
        min_attribution=min_attribution,
        attribution=attribution,
        period=period,
        group_by=group_by,
    )


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
    estimate = parameters.get("estimate", "best")
    if estimate not in ESTIMATES:
        raise InvalidParameter(f"estimate {estimate!r} is not one of: {', '.join(ESTIMATES)}")
    return make_selection(
        dataset,
        start_date=parameters.get("start_date") or None,
        end_date=parameters.get("end_date") or None,
        actors=list(parameters.get("actors") or ()),
        regions=list(parameters.get("regions") or ()),
        min_attribution=parameters.get("min_attribution", "contested"),
        attribution=parameters.get("attribution", "group"),
        period=parameters.get("period", "year"),
        group_by=parameters.get("group_by", "group"),
    )


def _date(value, name) -> pd.Timestamp | None:
    if value in (None, ""):
        return None
    try:
        return pd.Timestamp(value)
    except (ValueError, TypeError):
        raise InvalidParameter(f"{name} {value!r} is not a date written YYYY-MM-DD") from None


def _resolve(names, index, kind, valid) -> tuple[str, ...]:
    if isinstance(names, str):
        names = [names] if names else []
    resolved = []
    for name in names:
        canonical = index.resolve(name)
        if canonical is None:
            raise InvalidParameter(f"unknown {kind} {name!r}; valid {kind}s (or their aliases): {', '.join(valid)}")
        resolved.append(canonical)
    return tuple(resolved)
