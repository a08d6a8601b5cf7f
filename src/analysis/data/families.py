"""Actor families for names nobody listed: ordered rules declared in ``actor_family_rules.csv``.

Each rule is a regular expression on a name's *matching key* and/or an ACLED inter code; the first rule
that matches decides the family, and its name is recorded as the family's basis (``rule: ...``).
The matching key forgives the typing slips seen in real exports: case, accents, punctuation, missing
or extra spaces and doubled letters (``Millitary  Forces of Mali(2021-)`` is ``military forces of mali 2021``).
Spaces in a rule's pattern match an optional space, and its doubled letters are folded like the names'.

A name joining several actors with ``and/or`` (ACLED's ``JNIM: ... and/or Islamic State (Sahel)``) is
not forced into one family: each part is classified, and when the parts disagree the actor is
``unidentified`` with the basis naming the candidate families (``ambiguous: jnim or islamic_state``).

Work is per distinct name and per rule (one vectorised regex pass each), never per row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .rule_tables import RuleTableError, check_choice, read_rules
from .schema import ACTOR_FAMILIES

RULES_FILE = Path(__file__).with_name("actor_family_rules.csv")
#: The family of a rule that splits a name on "and/or" and classifies each part.
SPLIT = "split"
AMBIGUOUS_PREFIX = "ambiguous: "
NOT_CLASSIFIED = "not classified: no rule matched"

_DOUBLED = re.compile(r"([a-z])\1+")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_AND_OR = " and or "
_CAPTURING = re.compile(r"(?<!\\)\((?!\?)")
#: ACLED's inter codes, as a rules file writes them.
_INTER_CODES = frozenset(str(code) for code in range(1, 9))


@dataclass(frozen=True)
class FamilyRule:
    rule: str
    family: str
    pattern: str | None  # on the matching key; None = any name
    inter: int | None  # ACLED inter code the name must carry; None = any

    @property
    def basis(self) -> str:
        return f"rule: {self.rule}"


def matching_key(names: pd.Series) -> pd.Series:
    """The forgiving key of each name (vectorised): accents, case, punctuation, spacing and doubled letters folded."""
    text = names.astype("str").str.normalize("NFKD").str.encode("ascii", "ignore").str.decode("ascii")
    text = text.str.lower().str.replace(_NON_ALNUM, " ", regex=True)
    return text.str.replace(_DOUBLED, r"\1", regex=True).str.strip()


def compact_key(names: pd.Series) -> pd.Series:
    """The matching key without spaces, to look names up: ``MilitaryForces of Mali`` finds the listed name."""
    return matching_key(names).str.replace(" ", "", regex=False)


def _compile_pattern(pattern: str) -> str:
    """A rule pattern in the key's form: doubled letters folded, each space optional (slips drop spaces)."""
    folded = _DOUBLED.sub(r"\1", pattern.lower()).replace(" ", " ?")
    return _CAPTURING.sub("(?:", folded)  # groups only group: pandas warns on capturing ones


def key_pattern(where: str, written: str) -> str | None:
    """A rule's pattern as written, in the matching key's form (None when the rule has none); a pattern that
    is not a valid regular expression is refused, naming ``where`` it was written."""
    if not written:
        return None
    pattern = _compile_pattern(written)
    try:
        re.compile(pattern)
    except re.error as invalid:
        raise RuleTableError(f"{where}: pattern {written!r} is not a valid regular expression: {invalid}") from None
    return pattern


@lru_cache(maxsize=4)
def load_rules(path: Path = RULES_FILE) -> tuple[FamilyRule, ...]:
    rules = read_rules(str(path), ("rule", "family", "pattern", "inter", "example"), _family_rule)
    if len({r.rule for r in rules}) != len(rules):
        raise RuleTableError(f"{path}: two rules have the same name; each rule's name must be unique")
    return rules


def _family_rule(where: str, row) -> FamilyRule:
    families = (*ACTOR_FAMILIES, SPLIT)
    check_choice(where, "family", row.family, families, f"one of {', '.join(ACTOR_FAMILIES)} or {SPLIT!r}")
    if not row.pattern and not row.inter:
        raise RuleTableError(f"{where}: rule {row.rule!r} has neither a pattern nor an inter code")
    if row.inter:
        check_choice(where, "inter", row.inter, _INTER_CODES, "an ACLED inter code 1 to 8")
    pattern = key_pattern(where, row.pattern)
    return FamilyRule(row.rule, row.family, pattern, int(row.inter) if row.inter else None)


def classify_keys(
    keys: pd.Series,
    inter: pd.Series | None = None,
    known: dict[str, str] | None = None,
    rules: tuple[FamilyRule, ...] | None = None,
) -> pd.DataFrame:
    """Family and basis for each distinct matching key (index kept). ``inter``: the ACLED inter code
    per key (Int64, may be missing); ``known``: compact key -> family of listed actors, used for the
    parts of an and/or name."""
    rules = rules if rules is not None else load_rules()
    inter = inter if inter is not None else pd.Series(pd.NA, index=keys.index, dtype="Int64")
    family = pd.Series(None, index=keys.index, dtype=object)
    basis = pd.Series(None, index=keys.index, dtype=object)
    for rule in rules:
        todo = family.isna()
        if not todo.any():
            break
        hit = todo.copy()
        if rule.pattern is not None:
            hit &= keys.str.contains(rule.pattern, regex=True)
        if rule.inter is not None:
            hit &= inter.eq(rule.inter).fillna(False).astype(bool)
        if not hit.any():
            continue
        if rule.family == SPLIT:
            family[hit], basis[hit] = _split_families(keys[hit], known or {}, rules, rule)
        else:
            family[hit], basis[hit] = rule.family, rule.basis
    family = family.fillna("unidentified")
    basis = basis.fillna(NOT_CLASSIFIED)
    return pd.DataFrame({"family": family, "family_basis": basis})


def _split_families(keys: pd.Series, known: dict[str, str], rules, split_rule: FamilyRule):
    """An and/or name: one family when every part agrees, else unidentified naming the candidates."""
    parts = keys.str.split(_AND_OR).explode().str.strip()
    parts = parts[parts != ""]
    distinct = pd.Series(parts.unique())
    listed = distinct.str.replace(" ", "", regex=False).map(known)
    others = [r for r in rules if r.family != SPLIT]
    guessed = classify_keys(distinct[listed.isna()], rules=tuple(others))["family"] if listed.isna().any() else None
    families = listed if guessed is None else listed.fillna(guessed)
    part_family = parts.map(dict(zip(distinct, families, strict=True)))
    # Candidates in the order the name gives them, without repeats.
    candidates = part_family.groupby(level=0, sort=False).agg(lambda f: list(dict.fromkeys(f)))
    candidates = candidates.reindex(keys.index)
    single = candidates.str.len() == 1
    family = candidates.str[0].where(single, "unidentified")
    basis = (f"{split_rule.basis}, every part " + candidates.str[0]).where(
        single, AMBIGUOUS_PREFIX + candidates.str.join(" or ")
    )
    return family.to_numpy(), basis.to_numpy()
