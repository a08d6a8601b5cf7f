"""Resolving actor and region names through the reference tables' aliases."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from .names import normalise_name, normalise_region_name, split_aliases


class NameIndex:
    """Maps every canonical name and alias (normalised) to its canonical name."""

    def __init__(self, reference: pd.DataFrame, name_column: str, normaliser: Callable[[str], str]):
        self.normaliser = normaliser
        self.canonical: list[str] = list(reference[name_column])
        self.lookup: dict[str, str] = {}
        self.collisions: list[tuple[str, str, str]] = []  # (alias, first canonical, second canonical)
        for _, row in reference.iterrows():
            canonical = row[name_column]
            for name in [canonical, *split_aliases(row.get("aliases"))]:
                key = normaliser(name)
                previous = self.lookup.setdefault(key, canonical)
                if previous != canonical:
                    self.collisions.append((name, previous, canonical))

    def resolve(self, name: str | None) -> str | None:
        """The canonical name, or None when the name is unknown."""
        if name is None or name != name:
            return None
        return self.lookup.get(self.normaliser(name))

    def resolve_series(self, names: pd.Series) -> pd.Series:
        """``resolve`` for a whole column, normalising each distinct name once (imports have millions)."""
        mapping = {name: self.resolve(name) for name in names.dropna().unique()}
        return names.map(mapping)


def actor_index(actors: pd.DataFrame) -> NameIndex:
    return NameIndex(actors, "actor", normalise_name)


def region_index(regions: pd.DataFrame) -> NameIndex:
    return NameIndex(regions, "region", normalise_region_name)


def pre_2016_region(regions: pd.DataFrame) -> dict[str, str]:
    """Each region's pre-2016 parent (itself for the pre-2016 regions), for maps on older boundaries."""
    parents = regions.set_index("region")["parent_region"]
    return {region: (parent if isinstance(parent, str) else region) for region, parent in parents.items()}
