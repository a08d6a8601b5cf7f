"""Attribution grades of imported perpetrators, from the evidence the export carries.

ACLED, in this order of precedence (each step overrides the one before it for the rows it decides):

1. every perpetrator starts as ``single_source``;
2. the publishers in ACLED's ``source`` field (``grade_from_publishers``): two or more distinct named
   publishers -> ``corroborated``. Labels that name no publisher ("Undisclosed Source") are declared in
   ``source_labels.csv`` and not counted; the same publisher twice counts once;
3. the notes' words (``grade_from_notes``), by the rules declared in ``attribution_rules.csv`` (one row per wording, in
order of precedence: the first rule that applies to a perpetrator decides its grade):
denials -> ``contested``, claims of responsibility -> ``acknowledged``, hedges ("suspected",
"allegedly", "présumés", ...) -> ``alleged``. A rule applies to a perpetrator only when the words it
matched are about that perpetrator: the matched subject names the perpetrator's family (words in
``actor_mentions.csv``), or names no actor at all and the perpetrator is the primary one. A negation
("no group claimed", "did not claim", "not suspected") cancels the match. The matched words are kept in
``attribution_basis``. Perpetrators no rule applies to keep the grade the publishers gave. A rule whose
``applies_to`` is ``civilian_targeting`` applies only to events coded as targeting civilians: "the army
said it killed 20 terrorists" counter-claims ACLED's civilians there, but is the army's own account of a
battle elsewhere. A rule whose ``negation`` is ``ignored`` is not cancelled by a negation in its words
('the army said "no civilians" died, only terrorists' is still a counter-claim).

The basis names the publishers counted and the words that decided: a reader sees why each grade is what it is.

UCDP: ``number_of_sources`` >= 2 -> ``corroborated``, else ``single_source``, and, as for ACLED, only
when ``source_office`` names two or more distinct publishers (where it names any); ``event_clarity`` 2 (figures
aggregated in the source) is said in the basis.

Work is one vectorised regex pass per rule over the notes, then joins: never a loop over rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .rule_tables import RuleTableError, check_choice, read_rules
from .schema import ACTOR_FAMILIES, ATTRIBUTION_GRADES

RULES_FILE = Path(__file__).with_name("attribution_rules.csv")
SOURCE_LABELS_FILE = Path(__file__).with_name("source_labels.csv")
MENTIONS_FILE = Path(__file__).with_name("actor_mentions.csv")
_NEGATION = re.compile(r"\b(?:no|not|never|nobody|none|neither|nor|pas|aucun|aucune|jamais|personne)\b|n't", re.I)
#: Up to two words just before the rule's words, in the same clause, for negations ("were not suspected").
#: Starts only at the beginning of a word, so that the regex is not tried inside every word.
_LEAD = r"(?<![^\s.;:!?,])(?P<lead>(?:[^\s.;:!?,]+\s+){0,2})"
_WORDS_SHOWN = 120
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class AttributionRule:
    rule: str
    grade: str
    subject: str  # "before" or "after" the words that decide: where the actor is named
    trigger: re.Pattern  # the deciding word alone: a cheap test that picks the notes worth matching
    regex: re.Pattern
    applies_to: str = "any"  # "any" event, or only events coded "civilian_targeting"
    negation: str = "cancels"  # "cancels": a negation in the words drops the match; "ignored": it does not


#: Allowed values of the rules file's optional columns (an absent column takes the first value).
RULE_OPTIONS = {"applies_to": ("any", "civilian_targeting"), "negation": ("cancels", "ignored")}


@lru_cache(maxsize=2)
def load_rules(path: str = str(RULES_FILE)) -> tuple[AttributionRule, ...]:
    return read_rules(path, None, _attribution_rule)


def _attribution_rule(where: str, row) -> AttributionRule:
    check_choice(where, "grade", row.grade, ATTRIBUTION_GRADES)
    check_choice(where, "subject", row.subject, ("before", "after"), "'before' or 'after'")
    try:
        trigger = re.compile(row.trigger.lower())  # tried on lower-cased text: faster than re.I
        regex = re.compile(_LEAD + "(?P<words>" + row.pattern + ")", re.I)
    except re.error as error:
        raise RuleTableError(f"{where}: pattern is not a valid regular expression: {error}") from None
    if "subject" not in regex.groupindex:
        raise RuleTableError(f"{where}: pattern has no (?P<subject>...) group naming the actor")
    options = {
        column: check_choice(where, column, getattr(row, column, "") or allowed[0], allowed)
        for column, allowed in RULE_OPTIONS.items()
    }
    return AttributionRule(row.rule, row.grade, row.subject, trigger, regex, **options)


@lru_cache(maxsize=2)
def load_mentions(path: str = str(MENTIONS_FILE)) -> pd.DataFrame:
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    bad = table[~table["family"].isin(list(ACTOR_FAMILIES)) | ~table["strength"].isin(["specific", "generic"])]
    if len(bad):
        raise RuleTableError(f"{path}: row {bad.index[0] + 2}: expected a family code and specific|generic")
    table["regex"] = [re.compile(p, re.I) for p in table["pattern"]]
    return table


#: One bit per family, so that the families a subject names are one integer (vectorised membership tests).
FAMILY_BIT = {family: 1 << i for i, family in enumerate(ACTOR_FAMILIES)}


def _mentioned_families(subjects: pd.Series) -> pd.Series:
    """The families each subject names, as a bit mask; generic words (army, soldiers) count only when
    no specific name is there ("French soldiers" is France, not the Malian army)."""
    mentions = load_mentions()
    masks = {}
    for strength in ("specific", "generic"):
        mask = pd.Series(0, index=subjects.index, dtype="int64")
        for family, regex in mentions.loc[mentions["strength"] == strength, ["family", "regex"]].itertuples(
            index=False
        ):
            mask |= subjects.str.contains(regex, regex=True).astype("int64") * FAMILY_BIT[family]
        masks[strength] = mask
    return masks["specific"].where(masks["specific"] != 0, masks["generic"])


#: Python's white space (str.isspace) in RE2: ASCII, Unicode separators, and the few control characters.
_RE2_SPACE = r"[\s\p{Z}\x0b\x1c-\x1f\x85]"


def _may_hold_a_trigger(notes: pd.Series, rules: tuple[AttributionRule, ...]) -> np.ndarray:
    """Where a note may hold a rule's deciding word: one pass in Arrow (RE2) over every note, so that only
    those are split into sentences and matched with Python's regular expressions. The RE2 pattern finds
    more than the triggers (no word boundaries, any case), never fewer; a trigger it cannot translate
    faithfully turns the filter off."""
    translated = []
    for rule in rules:
        pattern = rule.trigger.pattern.replace(r"\b", "")
        if "[" in pattern or re.search(r"\\[^s]|\(\?<|\(\?=|\(\?!", pattern):
            return np.ones(len(notes), dtype=bool)
        translated.append("(?:" + pattern.replace(r"\s", _RE2_SPACE) + ")")
    try:
        found = pc.match_substring_regex(pa.array(notes.array), "|".join(translated), ignore_case=True)
    except pa.ArrowInvalid:
        return np.ones(len(notes), dtype=bool)
    return found.to_numpy(zero_copy_only=False)


def note_matches(notes: pd.Series) -> pd.DataFrame:
    """Every rule's matches in the notes: one row per match with the note's index (``row``), the rule,
    its grade, precedence, the words and the families its subject names; negated matches dropped."""
    rules = load_rules()
    # Sentences that hold a deciding word, found in one pass; the rules then run on these few short
    # sentences only (a rule's words never cross a sentence).
    notes = notes.dropna().astype("str")
    text = notes[_may_hold_a_trigger(notes, rules)].str.replace(r"\s+", " ", regex=True)
    sentences = text.str.split(_SENTENCE_END).explode()
    any_trigger = re.compile("|".join(f"(?:{rule.trigger.pattern})" for rule in rules))
    lowered = sentences.str.lower()
    holds = lowered.str.contains(any_trigger, na=False)
    sentences, lowered = sentences[holds], lowered[holds]
    owner = sentences.index.to_numpy()
    sentences, lowered = sentences.reset_index(drop=True), lowered.reset_index(drop=True)
    found = []
    for order, rule in enumerate(rules):
        worth = sentences[lowered.str.contains(rule.trigger)]
        if worth.empty:
            continue
        matches = worth.str.extractall(rule.regex)
        if matches.empty:
            continue
        matches = matches.reset_index(level="match", drop=True)
        if rule.negation == "cancels":
            negated = (matches["lead"].fillna("") + " " + matches["words"]).str.contains(_NEGATION)
            matches = matches[~negated]
        # The actor is named after the deciding words ("suspected JNIM militants") or before them, where
        # the two words of lead may belong to its name ("Katiba Macina fighters claimed ...").
        before = rule.subject == "before"
        subject = matches["lead"].fillna("") + matches["subject"] if before else matches["subject"]
        words = matches["lead"].fillna("") + matches["words"] if before else matches["words"]
        found.append(
            pd.DataFrame(
                {
                    "row": owner[matches.index.to_numpy()],
                    "order": order,
                    "rule": rule.rule,
                    "grade": rule.grade,
                    "applies_to": rule.applies_to,
                    "words": words,
                }
            ).assign(subject=subject.to_numpy())
        )
    if not found:
        return pd.DataFrame(columns=["row", "order", "rule", "grade", "applies_to", "words", "subject", "families"])
    table = pd.concat(found, ignore_index=True)
    table["families"] = _mentioned_families(table["subject"])
    return table


def grade_from_notes(
    perpetrators: pd.DataFrame,
    notes: pd.Series,
    family_of: dict[str, str],
    source: str = "ACLED notes",
    civilian_targeting: pd.Series | None = None,
) -> pd.DataFrame:
    """``perpetrators`` (incident_id, actor, role, attribution, attribution_basis) with grades from
    ``notes`` (indexed by incident_id). ``civilian_targeting`` (bool, indexed by incident_id) says where
    the rules that apply to civilian targeting only may apply (nowhere when it is not given). Rows no rule
    applies to are returned unchanged."""
    out = perpetrators.copy()
    matches = note_matches(notes)
    if not matches.empty:
        targeting = civilian_targeting if civilian_targeting is not None else pd.Series(dtype=bool)
        targeted = matches["row"].isin(targeting.index[targeting.fillna(False).astype(bool).to_numpy()])
        matches = matches[matches["applies_to"].eq("any") | targeted]
    if matches.empty:
        return out
    candidates = out.reset_index(names="perp_row")[["perp_row", "incident_id", "actor", "role"]]
    candidates = candidates.merge(matches.rename(columns={"row": "incident_id"}), on="incident_id")
    family_bit = candidates["actor"].map(family_of).map(FAMILY_BIT).fillna(0).astype("int64")
    names_it = (candidates["families"] & family_bit) != 0
    unnamed_primary = candidates["families"].eq(0) & candidates["role"].eq("primary")
    applies = candidates[names_it | unnamed_primary]
    if applies.empty:
        return out
    decided = applies.sort_values(["perp_row", "order"], kind="stable").drop_duplicates("perp_row")
    words = decided["words"].str.strip().str.slice(0, _WORDS_SHOWN)
    basis = f'; {source}: "' + words + '" (' + decided["rule"] + ")"
    out.loc[decided["perp_row"], "attribution"] = decided["grade"].to_numpy()
    out.loc[decided["perp_row"], "attribution_basis"] = (
        out.loc[decided["perp_row"], "attribution_basis"].fillna("").to_numpy() + basis.to_numpy()
    )
    return out


@lru_cache(maxsize=2)
def unnamed_labels(path: str = str(SOURCE_LABELS_FILE)) -> frozenset[str]:
    """The ``source`` labels that name no publisher, case-folded."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    bad = table[~table["counts_as_publisher"].isin(["yes", "no"])]
    if len(bad):
        raise RuleTableError(f"{path}: row {bad.index[0] + 2}: counts_as_publisher must be yes or no")
    return frozenset(table.loc[table["counts_as_publisher"].eq("no"), "label"].str.casefold())


#: ACLED joins an event's publishers with "; ".
PUBLISHER_SEPARATOR = ";"
_OUTSIDE_BRACKETS = re.compile(PUBLISHER_SEPARATOR + r"(?![^()]*\))")
#: How many publishers the basis names before "and N more".
_PUBLISHERS_SHOWN = 4


def split_publishers(sources: pd.Series) -> pd.Series:
    """One row per publisher named in each ``source`` value (same index, repeated), spaces tidied, in the
    order written; empty parts dropped. Used for grades and for counting the publishers of a dataset."""
    # Never inside brackets: UCDP's "RFI (original sources: A; B)" is one outlet with its remark (the slower
    # split only where there are brackets).
    text = sources.dropna().astype("str")
    bracket = text.str.contains("(", regex=False)
    names = pd.concat(
        [text[~bracket].str.split(PUBLISHER_SEPARATOR, regex=False), text[bracket].str.split(_OUTSIDE_BRACKETS)]
    ).explode()
    names = names.str.replace(r"\s+", " ", regex=True).str.strip()
    return names[names.ne("") & names.notna()]


def named_publishers(sources: pd.Series) -> pd.DataFrame:
    """Per index value of ``sources`` (ACLED's ``source`` text): ``publishers``, the number of distinct named
    publishers (case-insensitive; labels that name none not counted), ``names`` (the first few, "; "
    joined, then "and N more") and ``unnamed`` (how many parts named no publisher). Index values with no
    named publisher are absent."""
    names = split_publishers(sources)
    key = names.str.casefold()
    unnamed = key.isin(unnamed_labels())
    parts = pd.DataFrame(
        {"row": names.index, "name": names.to_numpy(), "key": key.to_numpy(), "unnamed": unnamed.to_numpy()}
    )
    rows = parts.groupby("row", sort=False)["unnamed"].agg(["size", "sum"])
    named = parts[~parts["unnamed"]].drop_duplicates(["row", "key"])
    rank = named.groupby("row", sort=False).cumcount()
    count = named.groupby("row", sort=False).size().reindex(rows.index, fill_value=0)
    # The first few names side by side, one column per rank, joined column by column (no call per event).
    first = named.assign(rank=rank)[rank < _PUBLISHERS_SHOWN]
    wide = first.pivot(index="row", columns="rank", values="name").reindex(rows.index)
    shown = pd.Series("", index=rows.index, dtype="object")
    for position in wide.columns:
        separator = "" if position == 0 else "; "
        shown = shown + (separator + wide[position].astype("object")).fillna("")
    more = (count - _PUBLISHERS_SHOWN).clip(lower=0)
    text = shown.where(more.eq(0), shown + " and " + more.astype(str) + " more")
    return pd.DataFrame({"publishers": count, "names": text, "unnamed": rows["sum"].astype(int)})


def grade_from_publishers(perpetrators: pd.DataFrame, sources: pd.Series, label: str = "ACLED source") -> pd.DataFrame:
    """``perpetrators`` with grades from ``sources`` (ACLED's ``source`` text indexed by incident_id): two or
    more distinct named publishers -> ``corroborated``; one, or none named, keeps the grade (``single_source``).
    Every row whose event names a publisher gets them in its basis. Run before ``grade_from_notes``, whose
    words outrank the count."""
    out = perpetrators.copy()
    found = named_publishers(sources)
    if found.empty:
        return out
    count = out["incident_id"].map(found["publishers"])
    known = count.notna().to_numpy()
    several = (count >= 2).to_numpy()
    out.loc[several, "attribution"] = "corroborated"
    counted = count[known].astype(int)
    names = " (" + out.loc[known, "incident_id"].map(found["names"]) + ")"
    words = np.select(
        [counted >= 2, counted == 1],
        [counted.astype(str) + " distinct named publishers" + names, "one named publisher" + names],
        "no named publisher",
    )
    unnamed = out.loc[known, "incident_id"].map(found["unnamed"]).astype(int)
    not_counted = np.where(unnamed > 0, ", " + unnamed.astype(str) + " unnamed source(s) not counted", "")
    out.loc[known, "attribution_basis"] = (
        out.loc[known, "attribution_basis"].fillna("") + f"; {label}: " + words + not_counted
    )
    return out


def grade_from_source_count(
    perpetrators: pd.DataFrame,
    sources: pd.Series,
    clarity: pd.Series | None = None,
    offices: pd.Series | None = None,
) -> pd.DataFrame:
    """UCDP: ``sources`` (number_of_sources), ``clarity`` and ``offices`` (source_office, the publishers,
    ";"-separated) indexed by incident_id. Two or more sources corroborate the attribution, one is a
    single source; an unreadable count leaves the grade as it is. Where ``offices`` names the publishers,
    the rule is ACLED's: two or more *distinct* publishers (two articles of one Twitter account are one
    publisher, so the count is the lower of the two), and the basis names them."""
    out = perpetrators.copy()
    count = pd.to_numeric(out["incident_id"].map(sources), errors="coerce")
    known = count.notna() & (count >= 1)
    basis = "; UCDP number_of_sources " + count[known].astype(int).astype(str)
    found = named_publishers(offices) if offices is not None else pd.DataFrame()
    if not found.empty:
        distinct = out["incident_id"].map(found["publishers"])
        # The distinct publishers can only lower UCDP's own count (one account twice is one), never raise it;
        # where they lower it, the basis says so and names them.
        lowered = known & distinct.notna() & distinct.ge(1) & (distinct < count)
        count = count.where(~lowered, distinct)
        names = out.loc[lowered, "incident_id"].map(found["names"])
        several = distinct[lowered].ge(2)
        described = np.where(
            several, "but " + distinct[lowered].astype(int).astype(str) + " distinct publishers", "but one publisher"
        )
        basis[lowered] = basis[lowered] + ", " + described + " in source_office (" + names + ")"
    out.loc[known, "attribution"] = np.where(count[known] >= 2, "corroborated", "single_source")
    out.loc[known, "attribution_basis"] = out.loc[known, "attribution_basis"].fillna("") + basis
    if clarity is not None:
        aggregated = out["incident_id"].map(clarity).astype("str").str.strip().eq("2")
        out.loc[aggregated, "attribution_basis"] = (
            out.loc[aggregated, "attribution_basis"].fillna("")
            + "; UCDP event_clarity 2: the source gives an aggregate figure, not this event alone"
        )
    return out
