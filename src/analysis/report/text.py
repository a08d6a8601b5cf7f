"""Every piece of text the reports print from data: escaping and formatting, written once.

Data and parameters are untrusted text (an imported dataset can name an actor anything), so whatever
goes into HTML or Markdown passes through ``esc`` first.
"""

from __future__ import annotations

import re

import pandas as pd

# HTML's special characters, and every character Markdown gives a meaning to (links, images, emphasis,
# headings, lists, tables, autolinked URLs), as numeric character references: they show as themselves in
# HTML and in Markdown, and never become markup. Line breaks become spaces so data cannot start a block.
_SAFE = {ord(c): f"&#{ord(c)};" for c in "&<>\"'\\`*_{}[]()#+-.!|:~"}
_SAFE.update({ord("\n"): " ", ord("\r"): " "})


def esc(value) -> str:
    """Text from data or parameters, made safe to place in HTML or in Markdown that nbconvert renders."""
    return str(value).translate(_SAFE)


def date_text(value: pd.Timestamp | None) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:%d %B %Y}"


def fmt_range(low: int, best: int, high: int) -> str:
    """'32' when all three agree, else 'best (low-high)'."""
    low, best, high = int(low), int(best), int(high)
    if low == best == high:
        return f"{best:,}"
    return f"{best:,} ({low:,}–{high:,})"


def signed(value: int) -> str:
    """'+5', '−5' (a true minus sign) or '0'."""
    return f"{int(value):+,}".replace("-", "−") if value else "0"


def percent(share: float) -> str:
    """'+23%', '−4%' or '0%' (a share rounded to the whole percent)."""
    return f"{share:+.0%}".replace("-", "−") if round(share, 2) else "0%"


def change_text(value: int, previous: int) -> str:
    """'+23% (from 120 to 148)'; 'from 0 to 5' when there is no base to divide by."""
    value, previous = int(value), int(previous)
    numbers = f"from {previous:,} to {value:,}"
    if not previous:
        return numbers if value else "no change (0)"
    return f"{percent((value - previous) / previous)} ({numbers})"


def span_text(first: pd.Timestamp, last: pd.Timestamp) -> str:
    """'15 Mar – 10 Aug 2024'; the year is given once when both days fall in it."""
    if first.year == last.year:
        return f"{first:%d %b} – {last:%d %b %Y}"
    return f"{first:%d %b %Y} – {last:%d %b %Y}"


def date_window_text(start: pd.Timestamp, end: pd.Timestamp) -> str:
    """'01 Mar 2024', or '01 Mar 2024 – 03 Mar 2024' for a window of days."""
    if end is None or pd.isna(end) or start == end:
        return f"{start:%d %b %Y}"
    return f"{start:%d %b %Y} – {end:%d %b %Y}"


def fmt_change(previous: int | None, current: int) -> str:
    """``change_text`` for a comparison that may be impossible: 'not comparable' without a previous figure."""
    return "not comparable" if previous is None else change_text(current, previous)


def words(code: str) -> str:
    """An internal code as words: 'single_source' -> 'single source'."""
    return str(code).replace("_", " ")


_SNAKE_CASE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b(?!\.\w)")


def plain_codes(text: str) -> str:
    """Schema text for readers: codes become words (`single_source`, start_date -> single source, start date);
    file names (data_dictionary.md) are left alone."""
    text = re.sub(r"`([^`]*)`", lambda m: words(m.group(1)), str(text))
    return _SNAKE_CASE.sub(lambda m: words(m.group(0)), text)


#: An imported event's generated title ("Attack: Military Forces of Mali (2021-) in Moura", ACLED's
#: sub-event type, first actor and place) as words: what each kind of event says the actor did.
#: A kind not listed keeps its title as it is.
EVENT_KIND_VERBS: dict[str, str] = {
    "Attack": "attacked civilians",
    "Abduction/forced disappearance": "abducted or disappeared people",
    "Sexual violence": "committed sexual violence",
    "Air/drone strike": "carried out an air or drone strike",
    "Remote explosive/landmine/IED": "set off an explosive device",
    "Shelling/artillery/missile attack": "fired shells, artillery or missiles",
    "Grenade": "threw a grenade",
    "Suicide bomb": "carried out a suicide bombing",
    "Armed clash": "fought an armed clash",
    "Government regains territory": "regained territory",
    "Non-state actor overtakes territory": "took territory",
    "Looting/property destruction": "looted or destroyed property",
    "Arrests": "made arrests",
    "Excessive force against protesters": "used excessive force against protesters",
    "Mob violence": "took part in mob violence",
    "Violent demonstration": "took part in a violent demonstration",
    "Protest with intervention": "protested and were dispersed",
    "Peaceful protest": "protested",
}
#: State forces as ACLED names them ("Military Forces of Mali (2021-)"), as a reader says them.
FORCES_OF = {"Military": "forces", "Police": "police"}
DEMONYMS = {
    "Mali": "Malian",
    "France": "French",
    "Burkina Faso": "Burkinabe",
    "Niger": "Nigerien",
    "Mauritania": "Mauritanian",
    "Algeria": "Algerian",
    "Chad": "Chadian",
    "Russia": "Russian",
}

_EVENT_TITLE = re.compile(r"^(?P<kind>[^:]+): (?P<actor>.+) in (?P<place>[^:]+)$")


def event_title_words(titles: pd.Series) -> pd.Series:
    """Generated event titles as sentences: 'Attack: Military Forces of Mali (2021-) in Moura' ->
    'Malian forces attacked civilians in Moura'. Other titles (curated ones) are returned unchanged."""
    titles = titles.astype(object)
    parts = titles.where(titles.notna(), "").astype(str).str.extract(_EVENT_TITLE)
    verb = parts["kind"].map(EVENT_KIND_VERBS)
    actor = parts["actor"].str.replace(r"\s*\((?:\d{4}-(?:\d{4})?|[A-Z][^)]*)\)\s*$", "", regex=True)
    actor = actor.str.replace(r"^([^:]{2,12}): .*$", r"\1", regex=True)  # "JNIM: Group for Support ..." -> JNIM
    forces = actor.str.extract(r"^(?P<arm>Military|Police) Forces of (?P<country>.+)$")
    demonym = forces["country"].map(DEMONYMS)
    actor = actor.where(demonym.isna(), demonym + " " + forces["arm"].map(FORCES_OF))
    actor = actor.where(
        ~actor.str.startswith("Unidentified", na=False), "an unidentified " + actor.str[13:].str.lower()
    )
    sentence = actor + " " + verb + " in " + parts["place"]
    sentence = sentence.str[:1].str.upper() + sentence.str[1:]
    return sentence.where(verb.notna() & sentence.notna(), titles)
