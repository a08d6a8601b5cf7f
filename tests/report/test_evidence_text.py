"""Figures as text in the incident list: ranges, and columns where a bound is missing throughout."""

import pandas as pd

from analysis.report.evidence import range_text

NAN = float("nan")


def test_range_text_agreeing_and_differing_figures():
    low, best, high = pd.Series([3.0, 2.0, 1200.0]), pd.Series([3.0, 4.0, 1500.0]), pd.Series([3.0, 5.0, 2000.0])
    assert range_text(low, best, high).tolist() == ["3", "4 (2–5)", "1,500 (1,200–2,000)"]


def test_range_text_when_no_incident_has_bounds():
    # Every low and high missing (the Tuareg armed groups' selection of the curated data): no crash, and the
    # range is as missing as its bounds, never '0'.
    low, best, high = pd.Series([NAN, NAN]), pd.Series([7.0, NAN]), pd.Series([NAN, NAN])
    text = range_text(low, best, high)
    assert text.isna().tolist() == [True, True]
