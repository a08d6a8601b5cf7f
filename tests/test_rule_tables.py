"""The rules files (actor families, associated actors, attribution wordings) are read by one reader: each row
with its file and line, and a refusal naming them."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.data.rule_tables import RuleTableError, check_choice, read_rules, rule_rows
from analysis.fetch.revisions import changes_between


def test_each_row_comes_with_its_file_and_line(tmp_path):
    rules = tmp_path / "rules.csv"
    rules.write_text("rule,grade\nfirst,alleged\nsecond,\n")
    rows = list(rule_rows(str(rules), ("rule", "grade")))
    assert [where for where, _ in rows] == [f"{rules}:2", f"{rules}:3"]
    assert [(row.rule, row.grade) for _, row in rows] == [("first", "alleged"), ("second", "")]


def test_a_header_other_than_the_declared_one_is_refused(tmp_path):
    rules = tmp_path / "rules.csv"
    rules.write_text("rule,grade\nfirst,alleged\n")
    with pytest.raises(RuleTableError, match="expected the columns rule, family; found rule, grade"):
        read_rules(str(rules), ("rule", "family"), lambda where, row: row)


def test_a_value_not_allowed_is_refused_naming_the_line_and_column():
    assert check_choice("rules.csv:4", "grade", "alleged", ("alleged", "contested")) == "alleged"
    with pytest.raises(RuleTableError, match=r"rules.csv:4: grade 'sure': expected one of alleged, contested"):
        check_choice("rules.csv:4", "grade", "sure", ("alleged", "contested"))
    with pytest.raises(RuleTableError, match=r"rules.csv:4: subject 'x': expected 'before' or 'after'"):
        check_choice("rules.csv:4", "subject", "x", ("before", "after"), "'before' or 'after'")


def test_a_fetch_names_what_it_added_revised_and_removed():
    old = pd.DataFrame({"id": ["1", "2", "3", "5"], "value": ["a", "b", "c", "e"]})
    new = pd.DataFrame({"id": ["4", "3", "2", "5"], "value": ["d", "C", "B", "e"]})
    changes = changes_between(old, new, "id", ["value"])
    assert (changes.added, changes.revised, changes.removed) == (["4"], ["3", "2"], ["1"])
    assert changes_between(old, new, "id", None).revised == []
