"""What a fetch changed in the file it replaces: the events added, revised and removed, named by their ids.

ACLED's and UCDP's fetches compare what arrived with the file on disk the same way: an event is revised when
one of its values differs (compared column against column, never row by row).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class Changes:
    added: list[str] = field(default_factory=list)
    revised: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.added or self.revised or self.removed)

    def counts(self) -> str:
        return f"{len(self.added):,} new, {len(self.revised):,} revised, {len(self.removed):,} deleted"

    def as_record(self) -> dict:
        """The ids of each kind, for fetch.json."""
        return {"added": self.added, "revised": self.revised, "removed": self.removed}


def revised_ids(old: pd.DataFrame, new: pd.DataFrame, id_column: str, columns: list[str]) -> list[str]:
    """The ids of ``new`` that ``old`` has too, with a value in ``columns`` that differs; in ``new``'s order."""
    before = old.set_index(id_column, drop=False)
    resent = new[new[id_column].isin(before.index)].set_index(id_column, drop=False)
    differs = (resent[columns] != before.loc[resent.index, columns]).any(axis=1)
    return resent.index[differs.to_numpy()].tolist()


def changes_between(old: pd.DataFrame, new: pd.DataFrame, id_column: str, columns: list[str] | None) -> Changes:
    """From ``old`` to ``new``: the ids added and removed (sorted), and those revised (``revised_ids``, in
    ``new``'s order; none without ``columns`` to compare)."""
    old_ids, new_ids = set(old[id_column]), set(new[id_column])
    revised = revised_ids(old, new, id_column, columns) if columns is not None else []
    return Changes(added=sorted(new_ids - old_ids), revised=revised, removed=sorted(old_ids - new_ids))
