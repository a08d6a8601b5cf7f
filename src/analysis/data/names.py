"""Matching names the way people write them: accents, case, punctuation and 'region' suffixes vary."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_REGION_WORDS = re.compile(r"^(region de |region of |district de )|( region| district)$")


def normalise_name(name: str) -> str:
    """'Ségou' -> 'segou'; 'Military Forces of Mali (2021-)' -> 'military forces of mali 2021'."""
    decomposed = unicodedata.normalize("NFKD", str(name))
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_ALNUM.sub(" ", ascii_only.lower()).strip()


def normalise_region_name(name: str) -> str:
    """'Tombouctou region', 'Région de Tombouctou' and 'tombouctou' all become 'tombouctou'."""
    return _REGION_WORDS.sub("", normalise_name(name)).strip()


def split_aliases(aliases: str | None) -> list[str]:
    if aliases is None or aliases != aliases:  # None or NaN
        return []
    return [a.strip() for a in str(aliases).split("|") if a.strip()]
