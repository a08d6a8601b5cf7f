"""What the comparison exports and shows: tables that read back, merged incidents, matches.html, year axes."""

import json
import re

import pandas as pd
from synthetic_pairs import truth_pair

from analysis.measure import cross_dataset, matching
from analysis.measure.coverage import EVERYTHING
from analysis.measure.cross_dataset import Comparison
from analysis.report import comparison, comparison_figures


def _comparison():
    acled, ucdp, _ = truth_pair(0)
    c = Comparison({"acled": acled, "ucdp": ucdp}, "acled", EVERYTHING, "best", 3, 25.0, "ACLED vs UCDP")
    m = matching.match_events(acled, ucdp, labels=("acled", "ucdp"))
    c.__dict__["matches"] = [m]  # the cached property, without a coverage table the in-memory data lacks
    return c, m


def test_headline_counts_episodes_once():
    _, m = _comparison()
    h = cross_dataset.headline(m).set_index("dataset")
    # acled: Ogossagou, Welingara, the Moura episode (3 records), Koro, CMA, only-acled
    assert h.loc["acled", ["events", "records", "count_best", "matched_events"]].tolist() == [6, 8, 573, 4]
    assert h.loc["ucdp", ["events", "records", "count_best", "matched_events"]].tolist() == [6, 6, 423, 4]
    assert h.loc["acled", "killed_in_matched"] == 157 + 388 + 3 + 8


def test_merged_incidents_side_by_side():
    _, m = _comparison()
    merged = cross_dataset.merged_incidents([m])
    moura = merged[merged["acled_incident_ids"] == "A-m1; A-m2; A-m3"].iloc[0]
    assert (moura["acled_count_best"], moura["ucdp_count_best"]) == (388, 243)
    assert (moura["range_min"], moura["range_max"], moura["sources"], moura["source_count"]) == (
        243,
        388,
        "acled; ucdp",
        2,
    )
    only = merged[merged["ucdp_incident_ids"] == "U-only"].iloc[0]
    assert pd.isna(only["acled_count_best"]) and only["sources"] == "ucdp"
    assert len(merged) == len(m.units_a) + len(m.unmatched_b)  # one row per real-world incident


def test_tables_read_back(tmp_path):
    c, m = _comparison()
    comparison.write_comparison_tables(c, tmp_path / "tables")
    pairs = pd.read_csv(tmp_path / "tables" / "matches.csv", encoding="utf-8-sig")
    assert len(pairs) == len(m.pairs)
    row = pairs[pairs["incident_id_a"] == "E-moura"].iloc[0]
    assert (row["dataset_a"], row["dataset_b"], row["incident_ids_b"]) == ("acled", "ucdp", "U-moura")
    assert (row["count_best_a"], row["count_best_b"], row["difference_best"]) == (388, 243, -145)
    assert row["reasons"].startswith("score ")
    unmatched = pd.read_csv(tmp_path / "tables" / "unmatched.csv", encoding="utf-8-sig")
    assert set(unmatched["incident_id"]) == {"A-wel", "A-only", "U-jnim", "U-only"}
    assert unmatched["reason"].notna().all()
    merged = pd.read_csv(tmp_path / "tables" / "merged_incidents.csv", encoding="utf-8-sig")
    assert {"acled_count_best", "ucdp_count_best", "range_min", "range_max", "sources"} <= set(merged.columns)
    assert (tmp_path / "matches.html").is_file()


def test_matches_html_is_self_contained_and_safe(tmp_path):
    c, _ = _comparison()
    c.matches[0].pairs.loc[0, "reasons"] = "</script><script>alert(1)</script>"
    page = comparison.matches_html(comparison.matches_json(c), "t")
    assert "</script><script>alert(1)" not in page
    data = re.search(r'<script type="application/json" id="matches-data">(.*?)</script>', page, re.S).group(1)
    parsed = json.loads(data)
    assert parsed["columns"] == comparison.MATCHES_COLUMNS
    kinds = [r[0] for r in parsed["rows"]]
    assert (kinds.count("both"), kinds.count("a"), kinds.count("b")) == (4, 2, 2)
    assert not re.search(r"(src|href)=\"https?:", page)


def test_year_axis_legible_at_35_years_and_no_value_labels():
    years = list(range(1990, 2024))
    rows = [
        {"dataset": d, "year": y, "events": 3, "matched_events": 1, "killed": 5 if y % 3 else 0, "killed_in_matched": 0}
        for d in ("acled", "ucdp")
        for y in years
    ]
    fig = comparison_figures.by_year(pd.DataFrame(rows), ["acled", "ucdp"])
    fig.canvas.draw()
    for ax in fig.axes:
        labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
        assert set(labels) <= {"1985", "1990", "1995", "2000", "2005", "2010", "2015", "2020", "2025"}
        assert not ax.texts  # no figure printed on the bars, so no "0" labels
