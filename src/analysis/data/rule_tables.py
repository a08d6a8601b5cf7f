"""The rule tables declared as CSV beside the code (actor families, associated actors, attribution wordings):
read the same way, each row with the place it came from, so that a refusal names the file and the line.

Each table's own loader says what its rows mean; this module only reads them and words the refusals.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator

import pandas as pd


class RuleTableError(ValueError):
    """A rules file is not as declared: a clear message naming the line and what is expected."""


def read_rules(path: str, columns: tuple[str, ...] | None, rule_of: Callable[[str, tuple], object]) -> tuple:
    """Each row of the rules file at ``path`` made a rule by ``rule_of(where, row)``."""
    return tuple(rule_of(where, row) for where, row in rule_rows(path, columns))


def rule_rows(path: str, columns: tuple[str, ...] | None = None) -> Iterator[tuple[str, tuple]]:
    """``(where, row)`` for each row of the rules file at ``path`` (every cell text, empty where blank):
    ``where`` is ``path:line``, the header being line 1. With ``columns``, a file whose header is not exactly
    those columns is refused."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    if columns is not None and list(table.columns) != list(columns):
        raise RuleTableError(f"{path}: expected the columns {', '.join(columns)}; found {', '.join(table.columns)}")
    lines = range(2, len(table) + 2)
    return ((f"{path}:{line}", row) for line, row in zip(lines, table.itertuples(index=False), strict=True))


def check_choice(where: str, column: str, value: str, allowed: Collection[str], expected: str = "") -> str:
    """``value`` when ``allowed`` holds it; else a refusal naming the line, the column and what is expected
    (by default: one of the allowed values)."""
    if value not in allowed:
        raise RuleTableError(f"{where}: {column} {value!r}: expected {expected or 'one of ' + ', '.join(allowed)}")
    return value
