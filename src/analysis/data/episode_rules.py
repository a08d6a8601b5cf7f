"""The rule that groups the records of one attack into one episode, declared once.

Datasets split one attack over several records: ACLED codes one event per actors x place x day, so a
massacre over five days (Moura, 27-31 March 2022) is three records, and says so in the notes ("388
fatalities coded, split between 3 events"). Counting them is right (only events are summed, and each
death is in one record); listing them as three incidents is wrong. An episode groups them for the
lists, the deadliest table and page 1, and keeps the range that the notes report for the whole attack.

Everything the grouping decides on is here: the thresholds, the words that declare a split, and the
words of a reported range. ``analysis.importers.episodes`` applies it to any dataset's tables; the
methodology appendix and the import report describe it from this declaration.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Words that declare that a record's fatalities are one part of an attack's total.
#: (name, regex, example); matched case-insensitively anywhere in the record's summary (ACLED notes).
SPLIT_NOTE_PATTERNS: tuple[tuple[str, str, str], ...] = (
    (
        "split between N events",
        r"\bsplit\s+(?:between|across|over|into|among)\s+(?:the\s+)?(?P<n>\d+|two|three|four|five|six|seven|eight|"
        r"nine|ten)\s+(?:separate\s+)?(?:events|records|entries)\b",
        "388 fatalities coded, split between 3 events",
    ),
    (
        "fatalities split / divided",
        r"\bfatalit(?:y|ies)\s+(?:(?:are|were|have\s+been|has\s+been|was)\s+)?(?:split|divided|distributed|spread)\b",
        "fatalities split evenly across the events of these days",
    ),
    (
        "coded across N events",
        r"\bcoded\s+(?:across|over)\s+(?P<n>\d+|two|three|four|five|six|seven|eight|nine|ten)\s+events\b",
        "fatalities coded across 2 events",
    ),
    (
        "répartis entre N événements (French)",
        r"\br[ée]parti(?:e|s|es)?\s+(?:entre|sur)\s+(?:les\s+)?(?P<n>\d+|deux|trois|quatre|cinq|six|sept|huit|neuf|"
        r"dix)\s+(?:[ée]v[ée]nements|incidents|entr[ée]es)\b",
        "bilan réparti entre 3 événements",
    ),
    (
        "bilan réparti (French)",
        r"\b(?:bilan|victimes|morts|d[ée]c[èe]s)\s+(?:(?:est|sont|a\s+[ée]t[ée]|ont\s+[ée]t[ée])\s+)?r[ée]parti(?:e|s|es)?\b",
        "le bilan est réparti sur plusieurs événements",
    ),
)

#: Number words in split notes, for the number of records a note declares.
NUMBER_WORDS: dict[str, int] = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8, "neuf": 9, "dix": 10,
}  # fmt: skip

#: The word after a reported range says who the figure counts: victim status by word (English and French).
RANGE_VICTIM_WORDS: dict[str, str] = {
    "civilians": "civilian",
    "civilian": "civilian",
    "villagers": "civilian",
    "civils": "civilian",
    "civiles": "civilian",
    "villageois": "civilian",
    "habitants": "civilian",
    "militants": "combatant",
    "fighters": "combatant",
    "combatants": "combatant",
    "jihadists": "combatant",
    "combattants": "combatant",
    "djihadistes": "combatant",
    "jihadistes": "combatant",
    "soldiers": "combatant",
    "soldats": "combatant",
    "people": "unknown",
    "persons": "unknown",
    "personnes": "unknown",
    "individuals": "unknown",
    "men": "unknown",
    "hommes": "unknown",
    "victims": "unknown",
    "victimes": "unknown",
}

_NUMBER = r"\d{1,3}(?:[,\u202f\u00a0 ]\d{3})*|\d+"
_WHO = "|".join(sorted(RANGE_VICTIM_WORDS, key=len, reverse=True))
#: A range of people stated in the notes: "between 150-600 civilians", "between 150 and 600 people",
#: "entre 150 et 600 civils". At most one word (an adjective: "unarmed") between the figures and the
#: victim word, so that dates ("between 27 and 31 March") are never read as a range of people.
RANGE_PATTERNS: tuple[tuple[str, str, str], ...] = (
    (
        "between A-B / A and B (English)",
        rf"\bbetween\s+(?P<low>{_NUMBER})\s*(?:-|–|—|and|to)\s*(?P<high>{_NUMBER})\s+(?:[a-z]+\s+)?(?P<who>{_WHO})\b",
        "between 150-600 civilians",
    ),
    (
        "entre A et B (French)",
        rf"\bentre\s+(?P<low>{_NUMBER})\s*(?:-|–|—|et|à)\s*(?P<high>{_NUMBER})\s+(?:[a-zé]+\s+)?(?P<who>{_WHO})\b",
        "entre 150 et 600 civils",
    ),
)


@dataclass(frozen=True)
class EpisodeRule:
    """When records are one attack. Records group only when they share the dataset and the perpetrator
    group (the primary and joint actors, exactly); records of different perpetrators never group."""

    #: Records whose days are at most this far apart (0: overlapping; 1: consecutive) are one episode.
    max_gap_days: int = 1
    #: When the notes declare the split, the records of one attack may skip days (ACLED spreads a five-day
    #: massacre over records two days apart): up to this many days apart.
    max_gap_days_split_note: int = 3
    #: Without a note declaring a split, records group only at the same named place, with the same kind of
    #: violence, each dated to the day: neighbouring villages on the same day stay apart.
    same_place_requires_day_precision: bool = True
    same_place_requires_same_event_type: bool = True
    #: ... and the same civilian-targeting flag: a dataset that codes one record as aimed at civilians and the
    #: next as not has told two different events.
    same_place_requires_same_targeting: bool = True
    #: ... a place known this precisely (a region-level point is no place), with the same actors on every
    #: side (two battles of one army against two groups are two battles) ...
    same_place_precisions: tuple[str, ...] = ("exact", "near")
    #: ... and named perpetrators: attacks by unidentified gunmen at one place are not known to be one attack.
    unidentified_actor_pattern: str = r"unidentified|unknown|non identifi|inconnu"
    #: With a note declaring a split, records group across the places of one cercle (admin2; the place
    #: when no cercle is recorded), whatever their kind and date precision.
    split_note_groups_within_cercle: bool = True
    #: Records already counted in a period total keep that parent: never made members of an episode.
    skip_records_with_parent: bool = True

    def explanation(self) -> str:
        """The rule in words, for the methodology appendix and the import report."""
        gap = {0: "overlapping days", 1: "consecutive or overlapping days"}.get(
            self.max_gap_days, f"days at most {self.max_gap_days} apart"
        )
        split_words = "; ".join(f"“{example}”" for _, _, example in SPLIT_NOTE_PATTERNS)
        return (
            "Records of one attack are grouped into one **episode** when they have the same perpetrators "
            f"(the same primary and joint actors) and {gap}, and either (a) the same named place (known to the "
            "village or nearby), the same kind of violence and civilian-targeting flag, the same actors on every side, named perpetrators (not "
            "an unidentified group) and a date known to the day, or (b) notes saying that the fatalities are split "
            f"between records ({split_words}), in which case the records may be at different places of one cercle "
            f"and up to {self.max_gap_days_split_note} days apart. "
            "Records of different perpetrators are never grouped. An episode is listed once (its days, its "
            "records' ids, the coded figures summed over its records); its records are still the ones counted, "
            "so grouping never changes a total. A range the notes state for the whole attack (“between 150-600 "
            "civilians”, “entre 150 et 600 civils”) is shown beside the coded figures and never added."
        )


RULE = EpisodeRule()
