"""Whole-column helpers every layer uses: a function applied once per distinct value, the texts of each key
joined, and the one rule for records that repeat an id.

Files repeat a few texts many times (a region, an actor, a count written in words), so a function of a cell is
called once per distinct value and mapped back; texts are joined per key by one grouped sum over the column
(summing text concatenates it; a Python join per group is twenty times slower).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd


def per_distinct(values: pd.Series, function: Callable, parts: int | None = None):
    """``values.map(function)``, calling ``function`` once per distinct value; missing values stay missing.
    With ``parts``, ``function`` gives a tuple and the answer is one Series per element of it."""
    distinct = values.dropna().unique()
    results = list(map(function, distinct))
    if parts is None:
        return values.map(dict(zip(distinct, results, strict=True)))
    return [values.map(dict(zip(distinct, (r[i] for r in results), strict=True))) for i in range(parts)]


def joined(
    keys: pd.Series | pd.DataFrame, values: pd.Series, separator: str = "; ", distinct: bool = False
) -> pd.Series:
    """Per key (one column, or several as a DataFrame), its values in row order joined with ``separator``, keys in
    the order they first appear; missing values are left out, and with ``distinct`` a value repeated under one key
    is kept once. A key with no value is absent from the answer."""
    key_columns = keys if isinstance(keys, pd.DataFrame) else keys.to_frame()
    names = list(range(key_columns.shape[1]))
    frame = pd.DataFrame({i: key_columns.iloc[:, i].to_numpy() for i in names})
    frame["value"] = np.asarray(values.astype(object))
    frame = frame[frame["value"].notna()]
    if distinct:
        frame = frame.drop_duplicates()
    by = [frame[i].to_numpy() for i in names] if len(names) > 1 else frame[0].to_numpy()
    text = frame["value"].astype(str).astype(object)
    summed = (text + separator).groupby(by, sort=False).sum().rename(values.name)
    if summed.empty:
        return summed.astype(object)
    return summed.str.slice(stop=-len(separator)) if separator else summed


#: The rule below in words, for every import report.
REPEATED_ID_RULE = (
    "a record repeated exactly (the same text in every column) is merged into its first occurrence and shares its "
    "fate; a record with the id of an earlier one and other values is rejected (duplicate id)"
)


def repeated_ids(
    ids: pd.Series, records: pd.DataFrame, lines, reasons: pd.Series, reject_other_values: bool = True
) -> tuple[pd.Series, pd.Series]:
    """The one rule for records that repeat an id, in every importer (REPEATED_ID_RULE): a record whose id an
    earlier record has is merged into it when the two are the same text in every column of ``records`` (and is
    rejected with the earlier one's reason when that one is rejected); with other values it is rejected, naming
    the earlier one's line. A record's own reason comes first. Returns where a record is merged, and ``reasons``
    with these added. ``reject_other_values=False``: a repeat with other values is left to the importer, for
    a format whose rows legitimately share an id (an ACLED per-actor export names an actor once per side, so
    the same actor can fill two rows of one event; the event's rows are merged, or refused together, there)."""
    merged = pd.Series(False, index=ids.index)
    repeated = (ids.notna() & ids.duplicated(keep="first")).to_numpy()
    if not repeated.any():
        return merged, reasons
    order = pd.Series(np.arange(len(ids)), index=ids.index)
    first = order.groupby(ids.to_numpy()).transform("first").to_numpy()[repeated].astype("int64")
    at = np.flatnonzero(repeated)
    row_hash = pd.util.hash_pandas_object(records, index=False).to_numpy()
    same = row_hash[at] == row_hash[first]
    own = reasons.to_numpy(dtype=object)
    undecided = pd.isna(own[at])
    first_reason = pd.Series(own[first], dtype=object)
    conflict, shared = undecided & ~same, undecided & same & first_reason.notna().to_numpy()
    conflict &= reject_other_values
    first_line = pd.Series(np.asarray(lines)[first]).astype(str).astype(object)
    text = pd.Series(ids.to_numpy(dtype=object)[at]).astype(str).astype(object)
    reasons = reasons.astype(object).copy()
    said = "duplicate id: " + text[conflict] + " also on line " + first_line[conflict] + ", with other values"
    reasons.iloc[at[conflict]] = said.to_numpy()
    reasons.iloc[at[shared]] = (first_reason[shared] + " (a repeat of line " + first_line[shared] + ")").to_numpy()
    merged.iloc[at[undecided & same & ~shared]] = True
    return merged, reasons
