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
_HARM = "|".join(f"(?P<{h}>{p})" for h, p in _HARMS.items())
#: Between two clauses of one list ("27 morts et 1 blessé (civils)"): a bracket closing the list speaks for
#: every clause of it that names no status of its own.
_JOINED = re.compile(r"^\s*(?:,|;|et|and|ainsi que)?\s*$")


class _Grammar:
    """The clause patterns for one set of status words: the built-in ones, then the mapping's (``status_words``
    and the groups' values, as normalised words), which win where both know a word."""

    def __init__(self, extra: tuple[tuple[str, tuple[str, str | None]], ...]):
        self.words = [(re.escape(w) + r"(?:s|x)?", found) for w, found in extra]
        self.words += list(_STATUS_WORDS.items())
        status = "|".join(f"(?:{p})" for p, _ in self.words)
        self.status = status
        self.clause = re.compile(
            rf"(?:(?:au moins|au minimum|at least|plus de|more than|environ|about)\s+)?"
            rf"\b(?P<number>\d+|{_NUMBER})\s+(?:(?:de\s+)?(?P<before>{status})\s+)?(?:{_HARM})\b"
            rf"(?:\s+(?P<after>{status})\b)?(?:\s*\((?P<paren>[^)]*)\))?"
        )
        self.part = re.compile(rf"\b(?P<number>\d+|{_NUMBER})\s+(?:de\s+)?(?P<word>{status})\b")
        self.inner = re.compile(rf"\b(?:{status})\b")

    def of(self, word: str | None) -> tuple[str, str | None] | None:
        if not word:
            return None
        for pattern, found in self.words:
            if re.fullmatch(pattern, word.strip()):
                return found
        return None


def _grammar(status_words: dict[str, tuple[str, str | None]] | None) -> _Grammar:
    key = tuple(sorted((status_words or {}).items(), key=lambda item: (-len(item[0]), item[0])))
    if key not in _GRAMMARS:
        _GRAMMARS[key] = _Grammar(key)
    return _GRAMMARS[key]


_GRAMMARS: dict[tuple, _Grammar] = {}


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def _figure(number: str) -> int:
    return int(number) if number.isdigit() else _NUMBER_WORDS[number]


def read_clauses(text: str, status_words: dict | None = None) -> list[tuple[str, str | None, str, int]]:
    """(harm, victim_status or None where the text names none, victim_group, figure) for each figure of
    ``text``. Each figure takes the status of its own words or bracket; a bracket that closes a list of
    figures ("27 morts et 1 blessé (civils)") speaks for the figures of the list that name none; a bracket of
    figures ("8 morts (7 soldats et 1 civil)") splits its figure by status, and what the bracket does not
    account for stays without a status. The first clause wins for a repeated key, so that "5 morts, dont 5 ..."
    is never added twice."""
    grammar = _grammar(status_words)
    plain = _plain(text)
    clauses: list[list] = []  # [harm, status pair or None, figure, parts]
    pending: list[list] = []  # clauses of the current list that name no status yet
    last_end = None
    for match in grammar.clause.finditer(plain):
        if last_end is not None and not _JOINED.match(plain[last_end : match.start()]):
            pending = []
        last_end = match.end()
        harm = next(h for h in _HARMS if match.group(h))
        status = grammar.of(match.group("before")) or grammar.of(match.group("after"))
        parts = []
        paren = match.group("paren")
        if paren and status is None:
            parts = [(_figure(m.group("number")), grammar.of(m.group("word"))) for m in grammar.part.finditer(paren)]
            if not parts:
                inner = grammar.inner.search(paren)
                status = grammar.of(inner.group(0)) if inner else None
        clause = [harm, status, _figure(match.group("number")), parts]
        clauses.append(clause)
        if status is not None and paren and not parts:
            for earlier in pending:
                earlier[1] = status
            pending = []
        elif status is None and not paren:
            pending.append(clause)
        else:
            pending = []
    found: dict[tuple[str, str | None, str], int] = {}
    for harm, status, figure, parts in clauses:
        if parts:
            rows: dict[tuple, int] = {}
            for n, (part_status, group) in ((n, p) for n, p in parts if p):
                rows[(harm, part_status, "all")] = rows.get((harm, part_status, "all"), 0) + n
                if group:
                    rows[(harm, part_status, group)] = rows.get((harm, part_status, group), 0) + n
            rest = figure - sum(n for n, p in parts if p)
            if rest > 0:
                rows[(harm, None, "all")] = rest
            for key, n in rows.items():
                found.setdefault(key, n)
            continue
        victim_status, group = status or (None, None)
        found.setdefault((harm, victim_status, "all"), figure)
        if group:  # a group is a subset of all: its clause also gives the all row
            found.setdefault((harm, victim_status, group), figure)
    return [(*key, figure) for key, figure in found.items()]


def read_counts(text: str, status_words: dict | None = None) -> list[tuple[str, str, str, int]]:
    """As ``read_clauses``, a status the text does not give written ``unknown``."""
    return [(h, s or "unknown", g, n) for h, s, g, n in read_clauses(text, status_words)]


# -- one count cell -----------------------------------------------------------------------------------------

_NUM = r"(\d{1,3}(?:[ .]\d{3})+|\d+)"
_TAIL = r"(?:\s+[a-z][a-z' ]*)?"  # "13 civils", "10-15 morts": trailing words without figures
_RANGE = re.compile(rf"^(?:entre |between |de |from )?{_NUM}\s*(?:-|–|—|a|to|et|and)\s*{_NUM}{_TAIL}$")
_AT_LEAST = r"(?:au moins|au minimum|pas moins de|at least|a minimum of|no fewer than|not less than)"
_ABOUT = r"(?:environ|env\.?|about|around|approximately|approx\.?|ca\.|c\.|some|~)"
#: "10+", "3 (2 children)": a figure, a plus sign (at least), and a bracket kept in count_text only
_SINGLE = re.compile(rf"^(?:(?:{_AT_LEAST}|{_ABOUT})\s*)?{_NUM}\s*\+?{_TAIL}(?:\s*\([^)]*\))?$")
#: Cells that say the figure is not known: no figure, as an empty cell (never 0, never a rejected row)
NOT_KNOWN = frozenset({"unknown", "inconnu", "inconnue", "nd", "n/a", "na", "?", "non connu", "non determine"})
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
    if plain in NOT_KNOWN:
        return None, None, None
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
