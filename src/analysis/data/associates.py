"""Which associated actors fought beside an actor, and which only describe it: rules declared in
``associated_actor_rules.csv``, beside the actor families.

ACLED names, next to each actor, its associated actors (``assoc_actor_1``, several separated by "; "). Two
kinds of names share that column:
- an armed force or group fighting beside the actor ("Wagner Group" beside "Military Forces of Mali"):
  a perpetrator in its own right, recorded with role ``joint`` (the other side's: ``opponent``);
- an identity or communal label ("Fulani Ethnic Group (Mali)", "Pastoralists (Mali)", "Civilians (Mali)"):
  who the actor's members are, not another perpetrator and not a family. It is kept as the actor's
  description (perpetrators.actor_description).

The first rule whose pattern matches a name's matching key (analysis.data.families.matching_key) decides.
When ACLED codes an identity label itself as an armed actor (actor1 with an armed inter code), the
perpetrator recorded is the rule's ``acting_as`` actor (an unnamed communal militia) and the label its
description, so that a label never becomes a perpetrator or a family of its own.

Work is per distinct name and per rule (one vectorised regex pass each), never per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .families import key_pattern, matching_key
from .rule_tables import RuleTableError, check_choice, read_rules

RULES_FILE = Path(__file__).with_name("associated_actor_rules.csv")
JOINT, DESCRIPTION = "joint", "description"
TREATMENTS = (JOINT, DESCRIPTION)
#: ACLED inter codes of armed actors: state forces, rebels, political and identity militias, external forces.
ARMED_INTER = (1, 2, 3, 4, 8)


@dataclass(frozen=True)
class AssociateRule:
    rule: str
    treat_as: str
    pattern: str | None  # on the matching key; None = any name
    acting_as: str | None


@lru_cache(maxsize=4)
def load_rules(path: Path = RULES_FILE) -> tuple[AssociateRule, ...]:
    columns = ("rule", "treat_as", "pattern", "acting_as", "example")
    rules = read_rules(str(path), columns, _associate_rule)
    if not rules or rules[-1].pattern is not None:
        raise RuleTableError(f"{path}: the last rule must have no pattern (it decides for every other name)")
    return rules


def _associate_rule(where: str, row) -> AssociateRule:
    check_choice(where, "treat_as", row.treat_as, TREATMENTS)
    if row.acting_as and row.treat_as != DESCRIPTION:
        raise RuleTableError(f"{where}: acting_as is only for rules that treat a name as a description")
    pattern = key_pattern(where, row.pattern)
    return AssociateRule(row.rule, row.treat_as, pattern, row.acting_as or None)


def classify_associates(names: pd.Series, rules: tuple[AssociateRule, ...] | None = None) -> pd.DataFrame:
    """For each name (index kept): ``treat_as`` (joint or description), the ``rule`` that decided and the
    rule's ``acting_as`` actor. Each distinct name is classified once."""
    rules = rules if rules is not None else load_rules()
    distinct = pd.Series(names.dropna().unique(), dtype=object)
    keys = matching_key(distinct) if len(distinct) else distinct
    decided = pd.DataFrame({"treat_as": None, "rule": None, "acting_as": None}, index=distinct.index, dtype=object)
    for rule in rules:
        todo = decided["treat_as"].isna()
        if not todo.any():
            break
        hit = todo & (keys.str.contains(rule.pattern, regex=True) if rule.pattern is not None else True)
        decided.loc[hit, ["treat_as", "rule", "acting_as"]] = [rule.treat_as, rule.rule, rule.acting_as]
    decided.index = distinct
    return decided.reindex(names).set_axis(names.index)
