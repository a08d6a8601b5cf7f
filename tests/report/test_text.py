"""The one text module: ranges, signed changes, dates, and escaping of names from data."""

import html

import pandas as pd

from analysis.report import text

T = pd.Timestamp


def test_numbers():
    assert text.fmt_range(3, 3, 3) == "3"
    assert text.fmt_range(1200, 1500, 2000) == "1,500 (1,200–2,000)"
    assert [text.signed(v) for v in (5, -1234, 0)] == ["+5", "−1,234", "0"]
    assert [text.percent(v) for v in (0.23, -0.5, 0.004, 1.0)] == ["+23%", "−50%", "0%", "+100%"]


def test_change_against_a_previous_period():
    assert text.change_text(148, 120) == "+23% (from 120 to 148)"
    assert text.change_text(60, 120) == "−50% (from 120 to 60)"
    assert text.change_text(5, 0) == "from 0 to 5"  # no base: no percentage
    assert text.change_text(0, 0) == "no change (0)"


def test_dates():
    assert text.date_text(T("2024-03-01")) == "01 March 2024"
    assert text.date_text(pd.NaT) == "—"
    assert text.span_text(T("2024-03-15"), T("2024-08-10")) == "15 Mar – 10 Aug 2024"
    assert text.span_text(T("2023-12-15"), T("2024-01-10")) == "15 Dec 2023 – 10 Jan 2024"
    assert text.date_window_text(T("2024-03-01"), T("2024-03-01")) == "01 Mar 2024"
    assert text.date_window_text(T("2024-03-01"), T("2024-03-03")) == "01 Mar 2024 – 03 Mar 2024"


def test_esc_leaves_no_markup():
    hostile = "[x](javascript:alert(1)) <img src=x onerror=alert(1)>\n# *bold*"
    out = text.esc(hostile)
    assert not any(c in out for c in "<>[]()*\n")
    assert html.unescape(out) == hostile.replace("\n", " ")  # shown as itself, on one line
