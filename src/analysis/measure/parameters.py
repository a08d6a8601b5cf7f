"""Report parameters as people write them, read the same way from the command line, config/reports.yml and
a notebook opened in JupyterLab. Every check returns its problems instead of raising on the first, so that
one message names every bad value.

- A single text where a list is expected is one item: ``actors: FAMa`` is ``[FAMa]``, never F, A, M, a.
- Dates are ISO only (YYYY-MM-DD; YYYY-MM and YYYY for a whole month or year): ``02/05/2024`` is 2 May in
  Bamako and 5 February in an American export, so a date that does not say its order is refused.
- A relative path is resolved from a base folder that the caller names: the command line passes the
  folder it runs in, the notebooks the project root (JupyterLab runs them in notebooks/).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from .. import config
from ..data.dataset import Dataset, load_dataset
from ..data.problems import DataValidationError
from ..data.schema import TABLES

ISO_FORMS = "YYYY-MM-DD, YYYY-MM or YYYY"  # a month or a year is the whole month or year
_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_DAY_MONTH_OR_MONTH_DAY = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
#: How many of a data directory's validation problems a parameter message quotes; ``validate`` lists all.
DATA_PROBLEMS_QUOTED = 5


class InvalidParameter(ValueError):
    """Report parameters that cannot be used; ``problems`` names every bad value, with the valid ones.

    In JupyterLab it shows as its message alone: IPython prints what ``_render_traceback_`` returns instead
    of a traceback, as the fault is in the parameters cell, not in the code behind it."""

    def __init__(self, problems: str | Iterable[str]):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))

    def _render_traceback_(self) -> list[str]:
        count = len(self.problems)
        heading = "A report parameter cannot be used:" if count == 1 else f"{count} report parameters cannot be used:"
        return [heading, *(f"  - {problem}" for problem in self.problems)]


def as_list(value) -> list:
    """A list parameter as given: a single text (or number) is one item; empty text or None is no item."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return []
    if isinstance(value, list | tuple | set):
        return list(value)
    return [value]


def iso_date(value, name: str, *, end: bool = False) -> tuple[pd.Timestamp | None, str | None]:
    """(the day, None) or (None, the problem). Empty is no date. A month or year is its first day, or its last
    when ``end``, so that ``end_date 2024`` includes the whole of 2024."""
    if value is None or value == "":
        return None, None
    if isinstance(value, dt.date):  # YAML reads an unquoted 2024-05-02 as a date
        return pd.Timestamp(value.isoformat()[:10]), None
    text = str(value).strip()
    match = _ISO.match(text)
    if not match:
        return None, _not_iso(text, name)
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        first = dt.date(year, month or 1, day or 1)
    except ValueError:
        return None, f"{name} {text!r} is not a real date"
    if not end or day is not None:
        return pd.Timestamp(first), None
    last = pd.Timestamp(first) + (pd.offsets.MonthEnd(0) if month is not None else pd.offsets.YearEnd(0))
    return last, None


def _not_iso(text: str, name: str) -> str:
    match = _DAY_MONTH_OR_MONTH_DAY.match(text)
    readings = []
    if match:
        first, second, year = (int(part) for part in match.groups())
        for day, month, order in ((first, second, "day first"), (second, first, "month first")):
            try:
                readings.append((dt.date(year, month, day), order))
            except ValueError:
                continue
    if len(readings) == 2 and readings[0][0] != readings[1][0]:
        (a, a_order), (b, b_order) = readings
        return (
            f"{name} {text!r} is ambiguous: {a:%-d %B %Y} ({a_order}) or {b:%-d %B %Y} ({b_order})? "
            f"Write {a.isoformat()} or {b.isoformat()}: only {ISO_FORMS} are accepted, as they read the same everywhere"
        )
    if readings:
        return (
            f"{name} {text!r} is not an ISO date: write {readings[0][0].isoformat()}. Only {ISO_FORMS} are "
            "accepted: 02/05/2024 is 2 May in one country and 5 February in another"
        )
    return f"{name} {text!r} is not a date written {ISO_FORMS}"


def resolve_path(value: str | Path, base: Path = config.PROJECT_ROOT) -> Path:
    """An absolute path: a relative one is taken from ``base``; ``~`` is the home folder."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else (Path(base) / path).resolve()


def data_dir_problem(path: Path, name: str = "data_dir") -> str | None:
    """Whether ``path`` (absolute) can be a data directory, in the analyst's words; None when it can."""
    if not path.exists():
        return f"{name} {path} does not exist"
    if not path.is_dir():
        return f"{name} {path} is a file, not a data directory"
    missing = [table.path for table in TABLES.values() if not (path / table.path).is_file()]
    if len(missing) == len(TABLES):
        expected = ", ".join(table.path for table in TABLES.values())
        return f"{name} {path} is not a data directory: it has none of the tables ({expected})"
    if missing:
        return f"{name} {path} is not a complete data directory: it lacks {', '.join(missing)}"
    return None


def file_problem(value, name: str, base: Path = config.PROJECT_ROOT) -> str | None:
    """Whether a file parameter names a file, with its absolute path; None when it does."""
    if not isinstance(value, str | Path):
        return f"{name} must be the path of a file; got {value!r}"
    path = resolve_path(value, base)
    if not path.exists():
        return f"{name} {path} does not exist"
    return None if path.is_file() else f"{name} {path} is a folder, not a file"


def open_data_dir(value, name: str = "data_dir", base: Path = config.PROJECT_ROOT) -> tuple[Dataset | None, list[str]]:
    """The validated dataset a data-directory parameter names (empty: the embedded data/), through the cache;
    or None and the problems."""
    if value is not None and not isinstance(value, str | Path):
        return None, [f"{name} must be the path of a data directory; got {value!r}"]
    path = resolve_path(value, base) if value else config.DATA_DIR
    problem = data_dir_problem(path, name)
    if problem:
        return None, [problem]
    try:
        return load_dataset(path), []
    except DataValidationError as err:
        quoted = "; ".join(map(str, err.problems[:DATA_PROBLEMS_QUOTED]))
        more = len(err.problems) - DATA_PROBLEMS_QUOTED
        rest = f"; and {more} more" if more > 0 else ""
        return None, [
            f"{name} {path} does not validate ({len(err.problems)} problem(s): {quoted}{rest}); "
            f"`python -m analysis validate {path}` lists them all"
        ]
