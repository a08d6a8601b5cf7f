"""Who the counted civilians are, when a dataset counts only one group of them (an aid-worker security list
counts aid workers): page 1 then names the group instead of saying "civilians" alone."""

from __future__ import annotations

import pandas as pd

from ..data.dataset import Dataset


def only_group(dataset: Dataset, harm: str = "killed", victim_status: str = "civilian") -> str | None:
    """The one victim group every counted figure belongs to, or None: a dataset counts only one group when
    every incident with an ``all`` figure for ``harm`` and ``victim_status`` has that group's figure, equal to
    it, and no other group is counted."""
    c = dataset.casualties
    rows = c[(c["harm"] == harm) & (c["victim_status"] == victim_status)]
    whole = rows[rows["victim_group"] == "all"].set_index("incident_id")["count_best"]
    parts = rows[rows["victim_group"] != "all"]
    groups = parts["victim_group"].dropna().unique()
    if len(whole) == 0 or len(groups) != 1:
        return None
    group = parts.set_index("incident_id")["count_best"]
    if group.index.has_duplicates or not whole.index.isin(group.index).all():
        return None
    same = pd.to_numeric(group.reindex(whole.index)).fillna(-1).eq(pd.to_numeric(whole).fillna(-1))
    return str(groups[0]) if bool(same.all()) else None


def victims_noun(dataset: Dataset) -> str:
    """'civilians', or 'aid workers (civilians)' for a dataset that counts only aid workers."""
    group = only_group(dataset)
    return "civilians" if group is None else f"{group.replace('_', ' ')} (civilians)"
