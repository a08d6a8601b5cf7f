"""Report slugs: plain ASCII, accents transliterated rather than turned into separators."""

import pytest

from analysis.report.render import slugify


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Ségou", "segou"),
        ("Tombouctou / Ménaka, 2024", "tombouctou-menaka-2024"),
        ("Kidal – Tessalit", "kidal-tessalit"),
        ("Œuvre ŒA", "uvre-a"),  # no decomposition: dropped, never a crash
        ("Mopti", "mopti"),
        ("", "report"),
        ("ـــ", "report"),
    ],
)
def test_slugify(text, slug):
    assert slugify(text) == slug
