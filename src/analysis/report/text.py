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


def fmt_change(previous: int | None, current: int) -> str:
    """'+23 % (from 120 to 148)'; 'not comparable' when there is no previous figure."""
    if previous is None:
        return "not comparable"
    if previous == 0:
        return f"from 0 to {current:,}" if current else "no change (0 in both)"
    percent = round(100 * (current - previous) / previous)
    return f"{percent:+d} % (from {previous:,} to {current:,})"


def words(code: str) -> str:
    """An internal code as words: 'single_source' -> 'single source'."""
    return str(code).replace("_", " ")


_SNAKE_CASE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b(?!\.\w)")


def plain_codes(text: str) -> str:
    """Schema text for readers: codes become words (`single_source`, start_date -> single source, start date);
    file names (data_dictionary.md) are left alone."""
    text = re.sub(r"`([^`]*)`", lambda m: words(m.group(1)), str(text))
    return _SNAKE_CASE.sub(lambda m: words(m.group(0)), text)
