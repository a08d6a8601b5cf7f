"""Where civilians were killed, incident by incident: the places behind the map and the cercle table.

One row per event that reports civilians killed, each incident once whatever the attribution mode
(the map and the cercle table count places, not actors), built with one merge and one group-by.
"""

from __future__ import annotations

import pandas as pd

from ..data.dataset import Dataset
from ..measure.aggregate import (
    COUNT_COLUMNS,
    ESTIMATE_COLUMN,
    REGION_NOT_ESTABLISHED,
    facts_with_figures,
)
from ..measure.selection import Selection
from .text import fmt_range

#: Location precisions precise enough to draw an incident as a point (schema: location_precision).
PRECISE_LOCATIONS = ("exact", "near")
PLACE_COLUMNS = [
    "incident_id",
    "region",
    "admin2",
    "location_name",
    "longitude",
    "latitude",
    "location_precision",
    *COUNT_COLUMNS,
    "has_figure",
]


def incident_places(
    dataset: Dataset, selection: Selection = Selection(), *, harm: str = "killed", victim_status: str = "civilian"
) -> pd.DataFrame:
    """Per selected event with civilians killed: region, cercle, coordinates, location precision, min/best/max."""
    rows = facts_with_figures(dataset, selection, harm, victim_status, "all")
    rows["has_figure"] = rows["has_figure"].astype(bool)
    for column in COUNT_COLUMNS:
        rows[column] = rows[column].fillna(0).astype("int64")
    return rows[PLACE_COLUMNS].reset_index(drop=True)


def cercle_table(places: pd.DataFrame, *, estimate: str = "best", n: int = 15) -> pd.DataFrame:
    """The ``n`` cercles (admin2) with the most civilians killed, with their region.

    ``result.attrs['caption']`` says what the table covers and how many deaths have no cercle recorded."""
    column = ESTIMATE_COLUMN[estimate]
    known = places["admin2"].notna() & (places["admin2"].astype(str).str.strip() != "")
    with_cercle = places[known].assign(cercle=places.loc[known, "admin2"].astype(str).str.strip())
    grouped = with_cercle.groupby(["cercle", "region"], sort=False)
    totals = grouped[COUNT_COLUMNS].sum()
    totals["incidents"] = grouped["incident_id"].nunique()
    totals = totals[totals["count_max"] > 0].reset_index()
    # Most killed first under the chosen estimate; ties by the others, then alphabetically.
    others = [c for c in ("count_best", "count_max", "count_min") if c != column]
    totals = totals.sort_values([column, *others, "cercle", "region"], ascending=[False, False, False, True, True])
    top = totals.head(n)
    table = pd.DataFrame(
        {
            "cercle": top["cercle"],
            "region": top["region"],
            "civilians killed: best (min–max)": [
                fmt_range(*r) for r in top[COUNT_COLUMNS].itertuples(index=False, name=None)
            ],
            "incidents": top["incidents"],
        }
    ).reset_index(drop=True)

    no_cercle = places[~known]
    without = (
        f"{fmt_range(*no_cercle[COUNT_COLUMNS].sum())} civilians killed in {len(no_cercle):,} incidents "
        "have no cercle recorded"
    )
    if top.empty:
        caption = f"No cercle is recorded for an incident with civilians killed: {without}."
    else:
        shown = f"The {len(top)} cercles" if len(totals) > len(top) else f"All {len(top)} cercles"
        caption = (
            f"{shown} (of {len(totals):,} with civilians killed) ranked by the {estimate} estimate: "
            f"civilians killed best (min–max). {without} and are not in this table."
        )
    if (top["region"] == REGION_NOT_ESTABLISHED).any():
        caption += f" “{REGION_NOT_ESTABLISHED}”: the cercle is recorded but not its region."
    table.attrs["caption"] = caption
    return table
