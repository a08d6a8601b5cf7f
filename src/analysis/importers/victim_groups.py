"""Figures of women and children killed, read from free-text notes by a small declared grammar.

ACLED gives one fatality figure per event; its notes often say who was among the dead: "killing 12
civilians, including three women and six children", "a woman and seven children were killed", "15 civils
tués, dont deux femmes et trois enfants". Those figures become ``victim_group`` rows of the event's
``killed`` harm: subsets of ``all``, never added to it.

The grammar (declared below, English and French, read on accent-free lower-case text):

- a LIST is one or more ITEMs joined by "," / "and" / "et"; an ITEM is an exact NUMBER (digits or a
  number word of ``count_grammar``; vague words such as "several" or "dozens" give no figure) followed
  by a GROUP word (``GROUP_WORDS``);
- a LIST is about the dead only when the sentence ties it to a killing word (``KILLED_WORDS``), in one
  of the forms in ``FORMS``: after "including" / "dont" / "among them" following a killing word with no
  wounding word between them; before a killing word ("... were killed"); after "among the dead were"
  / "parmi les morts"; or right after a killing verb ("killing three women"). "Wounding 8, including
  three children" gives nothing.

A group figure larger than the event's own figure is not written (the caller reports how many); the
first figure a note gives for a group is kept. Work is one vectorised pass per form over the notes that
hold a group word, never a loop over rows.
"""

from __future__ import annotations

import re

import pandas as pd

from .count_grammar import _NUMBER_WORDS, _plain

#: victim_group -> the words that name it (accent-free, lower case).
GROUP_WORDS = {
    "women": r"women|woman|femmes?",
    "children": r"children|child|enfants?|minors?|mineurs?",
}
#: Number words that are not an exact figure: a group they describe gets no figure from them.
VAGUE_NUMBER_WORDS = frozenset(
    w for w in _NUMBER_WORDS if re.search(r"aine$|dozen|plusieurs|several|quelques|^des ", w)
)
_EXACT = sorted((w for w in _NUMBER_WORDS if w not in VAGUE_NUMBER_WORDS), key=len, reverse=True)
NUMBER = r"(?:\d{1,4}|" + "|".join(re.escape(w) for w in _EXACT) + r")"
KILLED_WORDS = (
    r"killed|killing|kills|dead|deaths?|died|executed|executing|massacred|murdered|shot\s+dead|"
    r"tues?|tuees?|tuant|morts?|decedes?|executes?|executees?|massacres?|assassines?"
)
WOUNDED_WORDS = r"wounded|wounding|injured|injuring|hurt|blesses?|blessees?|blessant"
_GROUP = "|".join(f"(?:{p})" for p in GROUP_WORDS.values())
_ITEM = rf"\b{NUMBER}\s+(?:{_GROUP})\b(?!['’]s\b)"  # not "a child's father"
LIST = rf"{_ITEM}(?:\s*(?:,|\band\b|\bet\b)\s*{_ITEM})*"
_INCLUDING = (
    r"including|among\s+them|among\s+whom|of\s+whom|amongst\s+them|dont|parmi\s+(?:eux|elles|lesquels|lesquelles)"
)
_AUXILIARY = r"(?:(?:were|was|have\s+been|had\s+been|has\s+been|ont\s+ete|a\s+ete|sont|est|all|reportedly)\s+)*"
#: The forms that tie a LIST to a killing (the list is the ``list`` group).
FORMS = {
    "including": re.compile(
        rf"\b(?:{KILLED_WORDS})\b(?:(?!\b(?:{WOUNDED_WORDS})\b)[^.;!?]){{0,120}}?\b(?:{_INCLUDING})\s+"
        rf"(?P<list>{LIST})"
    ),
    "before": re.compile(rf"(?P<list>{LIST})\s*,?\s+{_AUXILIARY}(?:{KILLED_WORDS})\b"),
    "among the dead": re.compile(
        r"\b(?:among|parmi)\s+(?:the\s+|les\s+)?(?:dead|killed|those\s+killed|fatalities|morts|tues|personnes\s+tuees)"
        rf"\s*,?\s+(?:were|are|was|is|figurent|se\s+trouvent|on\s+compte|il\s+y\s+a)?\s*(?P<list>{LIST})"
    ),
    "after": re.compile(
        rf"\b(?:killing|killed|executing|executed|tuant|tue|tues|ont\s+tue|a\s+tue)\s+(?P<list>{LIST})"
    ),
}
_ITEM_PARTS = re.compile(rf"\b(?P<number>{NUMBER})\s+(?P<group>{_GROUP})\b(?!['’]s\b)")
_ANY_GROUP = re.compile(rf"\b(?:{_GROUP})\b")


def group_figures(notes: pd.Series) -> pd.DataFrame:
    """Figures of killed women and children in ``notes``: one row per (index of ``notes``, victim_group),
    with ``figure`` (int) and ``words`` (the list as written, accent-free). Empty when no note gives any."""
    columns = ["row", "victim_group", "figure", "words"]
    text = notes.dropna().astype("str")
    plain = text[text.str.contains(r"(?i)wom[ae]n|child|enfant|femme|minor|mineur", regex=True)].map(_plain)
    plain = plain[plain.str.contains(_ANY_GROUP)]
    found = []
    for order, form in enumerate(FORMS.values()):
        lists = plain.str.extractall(form)
        if lists.empty:
            continue
        lists = lists.reset_index(level="match").rename(columns={"match": "position"})
        lists["order"] = order
        found.append(lists.rename_axis("row").reset_index())
    if not found:
        return pd.DataFrame(columns=columns)
    lists = pd.concat(found, ignore_index=True)
    items = lists["list"].str.extractall(_ITEM_PARTS).reset_index(level="match", drop=True)
    items = items.join(lists[["row", "list", "order", "position"]])
    for group, words in GROUP_WORDS.items():
        items.loc[items["group"].str.fullmatch(words), "victim_group"] = group
    number = items["number"]
    digits = number.str.fullmatch(r"\d+")
    items["figure"] = pd.to_numeric(number.where(digits), errors="coerce").fillna(number.map(_NUMBER_WORDS))
    items = items.sort_values(["row", "order", "position"], kind="stable")
    # The first figure a note gives for a group decides (a note repeating "three children" is not six).
    items = items.drop_duplicates(["row", "victim_group"])
    out = pd.DataFrame(
        {
            "row": items["row"].to_numpy(),
            "victim_group": items["victim_group"].to_numpy(),
            "figure": items["figure"].astype("int64").to_numpy(),
            "words": items["list"].to_numpy(),
        }
    )
    return out[columns]
