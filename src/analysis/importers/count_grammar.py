"""How counts are written: a count cell ("12", "10-15", "au moins 13", "plusieurs dizaines") read by
``parse_count``, and counts written in words in a free-text column: "2 morts", "trois tués", "7 blessés (casques bleus)",
"au moins 12 civils tués", "a dozen killed". A small French and English grammar, applied once per distinct text.

Each clause gives (harm, victim_status, victim_group, count_min, count_best). A status not written is
``unknown``; "au moins 12" is 12 (the lowest figure the text supports, as ACLED does). Text the grammar
cannot read gives nothing: never a 0.
"""

from __future__ import annotations

import re
import unicodedata

from ..data.names import normalise_name
from .checks import RowRejected

_NUMBER_WORDS = {
    "un": 1, "une": 1, "one": 1, "a": 1, "an": 1,
    "deux": 2, "two": 2, "trois": 3, "three": 3, "quatre": 4, "four": 4, "cinq": 5, "five": 5,
    "six": 6, "sept": 7, "seven": 7, "huit": 8, "eight": 8, "neuf": 9, "nine": 9, "dix": 10, "ten": 10,
    "onze": 11, "eleven": 11, "douze": 12, "twelve": 12, "quinze": 15, "fifteen": 15,
    "vingt": 20, "twenty": 20, "trente": 30, "thirty": 30,
    "une dizaine": 10, "a dozen": 12, "une douzaine": 12, "une quinzaine": 15, "une vingtaine": 20,
    "une trentaine": 30, "dozens": 12, "des dizaines": 12, "plusieurs": 3, "several": 3, "quelques": 3,
}  # fmt: skip
_HARMS = {
    "killed": r"morts?|tues?|tuees?|deces|killed|dead|deaths?",
    "injured": r"blesses?|blessees?|wounded|injured",
    "disappeared": r"enleves?|enlevees?|kidnapped|abducted|disparus?",
}
_STATUS_WORDS = {
    "civils?|civiles?|civilians?|villageois|bergers?": ("civilian", None),
    "casques? bleus?|peacekeepers?": ("combatant", "peacekeepers"),
    "soldats?|militaires?|gendarmes?|soldiers?|assaillants?|terroristes?|djihadistes?|jihadistes?|"
    "combattants?|fighters?|rebelles?|attackers?": ("combatant", None),
    "travailleurs? humanitaires?|humanitaires?|aid workers?": ("civilian", "aid_workers"),
    "journalistes?|journalists?": ("civilian", "journalists"),
}
_NUMBER = "|".join(sorted((re.escape(w) for w in _NUMBER_WORDS), key=len, reverse=True))
_STATUS = "|".join(f"(?:{p})" for p in _STATUS_WORDS)
_HARM = "|".join(f"(?P<{h}>{p})" for h, p in _HARMS.items())
_CLAUSE = re.compile(
    rf"(?:(?:au moins|au minimum|at least|plus de|more than|environ|about)\s+)?"
    rf"\b(?P<number>\d+|{_NUMBER})\s+(?:(?:de\s+)?(?P<before>{_STATUS})\s+)?(?:{_HARM})\b"
    rf"(?:\s+(?P<after>{_STATUS})\b)?(?:\s*\((?P<paren>[^)]*)\))?"
)


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def _status(word: str | None) -> tuple[str, str | None] | None:
    if not word:
        return None
    for pattern, found in _STATUS_WORDS.items():
        if re.fullmatch(pattern, word.strip()):
            return found
    return None


def read_counts(text: str) -> list[tuple[str, str, str, int]]:
    """(harm, victim_status, victim_group, figure) for each clause of ``text``; the first clause wins
    for a repeated (harm, status, group), so that "5 morts, dont 5 ..." is never added twice."""
    found: dict[tuple[str, str, str], int] = {}
    for match in _CLAUSE.finditer(_plain(text)):
        number = match.group("number")
        figure = int(number) if number.isdigit() else _NUMBER_WORDS[number]
        harm = next(h for h in _HARMS if match.group(h))
        status = _status(match.group("before")) or _status(match.group("after")) or _paren_status(match)
        victim_status, group = status or ("unknown", None)
        found.setdefault((harm, victim_status, "all"), figure)
        if group:  # a group is a subset of all: its clause also gives the all row
            found.setdefault((harm, victim_status, group), figure)
    return [(*key, figure) for key, figure in found.items()]


def _paren_status(match: re.Match) -> tuple[str, str | None] | None:
    paren = match.group("paren")
    if not paren:
        return None
    inner = re.search(_STATUS, paren)
    return _status(inner.group(0)) if inner else None


# -- one count cell -----------------------------------------------------------------------------------------

_NUM = r"(\d{1,3}(?:[ .]\d{3})+|\d+)"
_TAIL = r"(?:\s+[a-z][a-z' ]*)?"  # "13 civils", "10-15 morts": trailing words without figures
_RANGE = re.compile(rf"^(?:entre |between |de |from )?{_NUM}\s*(?:-|–|—|a|to|et|and)\s*{_NUM}{_TAIL}$")
_AT_LEAST = r"(?:au moins|au minimum|pas moins de|at least|a minimum of|no fewer than|not less than)"
_ABOUT = r"(?:environ|env\.?|about|around|approximately|some|~)"
_SINGLE = re.compile(rf"^(?:(?:{_AT_LEAST}|{_ABOUT})\s*)?{_NUM}{_TAIL}$")
_WORDS_PREFIX = re.compile(rf"^{_AT_LEAST}\s+")


def _cell_text(text: str) -> str:
    return _plain(text).rstrip(".")  # NFKD makes no-break spaces plain spaces


def _number(text: str) -> int:
    return int(re.sub(r"[ .]", "", text))


def parse_count(text: str, words: dict[str, int], column: str) -> tuple[int, int, int | None]:
    """(count_min, count_best, count_max) for a count cell; RowRejected when it cannot be read.

    A number gives min = best = the number; "au moins 13" / "at least 13" the same; a range "10-15",
    "10 à 15" or "entre 10 et 15" gives min = best = 10 and max = 15 (the lowest figure the source
    supports, as ACLED does); words ("plusieurs dizaines") give min = best = their figure in ``words``."""
    plain = _cell_text(text)
    if re.match(r"^-\s*\d", plain):
        raise RowRejected(f"invalid count: '{column}' {text!r} is negative")
    match = _RANGE.match(plain)
    if match:
        low, high = _number(match.group(1)), _number(match.group(2))
        if low > high:
            raise RowRejected(f"invalid count: '{column}' {text!r} is a range whose first figure is the higher")
        return low, low, high
    match = _SINGLE.match(plain)
    if match:
        figure = _number(match.group(1))
        return figure, figure, None
    key = normalise_name(_WORDS_PREFIX.sub("", plain))
    candidates = [w for w in words if key == w or key.startswith(w + " ")]
    if candidates:
        figure = words[max(candidates, key=len)]
        return figure, figure, None
    raise RowRejected(
        f"invalid count: '{column}' {text!r} (expected a number, a range such as 10-15, 'au moins 13', "
        "or words listed under count_words in the mapping)"
    )
