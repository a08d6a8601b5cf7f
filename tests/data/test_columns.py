"""data/columns.py: a function once per distinct value, texts joined per key, and the one rule for repeated ids."""

import numpy as np
import pandas as pd

from analysis.data.columns import REPEATED_ID_RULE, joined, per_distinct, repeated_ids


def test_per_distinct_calls_once_per_value_and_keeps_missing():
    calls = []

    def upper(text):
        calls.append(text)
        return text.upper()

    values = pd.Series(["a", None, "b", "a", "a"], dtype=object)
    assert per_distinct(values, upper).tolist() == ["A", np.nan, "B", "A", "A"]
    assert sorted(calls) == ["a", "b"]
    first, second = per_distinct(values, lambda t: (t, len(t)), parts=2)
    assert first.tolist()[2] == "b" and second.tolist()[0] == 1


def test_joined_in_row_order_without_missing_and_distinct_on_request():
    keys = pd.Series(["k1", "k2", "k1", "k3", "k1"])
    values = pd.Series(["x", None, "y", "z", "x"], dtype=object)
    assert joined(keys, values).to_dict() == {"k1": "x; y; x", "k3": "z"}
    assert joined(keys, values, " and ", distinct=True).to_dict() == {"k1": "x and y", "k3": "z"}
    both = joined(pd.DataFrame({"a": keys, "b": ["p", "p", "q", "p", "p"]}), values)
    assert both.to_dict() == {("k1", "p"): "x; x", ("k1", "q"): "y", ("k3", "p"): "z"}
    assert joined(keys.iloc[:0], values.iloc[:0]).empty


def test_repeated_ids_merges_exact_repeats_and_rejects_other_values():
    records = pd.DataFrame({"id": ["1", "1", "1", "2", "2", "3", "3"], "n": ["5", "5", "6", "1", "1", "0", "1"]})
    ids = "x-" + records["id"]
    reasons = pd.Series([None, None, None, "invalid date", None, None, "own reason"], dtype=object)
    merged, said = repeated_ids(ids, records, np.arange(2, 9), reasons)
    assert merged.tolist() == [False, True, False, False, False, False, False]
    assert said.tolist() == [
        None,
        None,
        "duplicate id: x-1 also on line 2, with other values",
        "invalid date",
        "invalid date (a repeat of line 5)",
        None,
        "own reason",
    ]
    assert "merged" in REPEATED_ID_RULE and "rejected" in REPEATED_ID_RULE


def test_repeated_ids_without_repeats_changes_nothing():
    records = pd.DataFrame({"id": ["1", "2", None, None]})
    reasons = pd.Series([None, None, "missing id", "missing id"], dtype=object)
    merged, said = repeated_ids(records["id"], records, [2, 3, 4, 5], reasons)
    assert not merged.any() and said is reasons
