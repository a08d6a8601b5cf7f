"""Page 1 as an analyst writes it, and the report's readability rules: exact values on tiny data.

The dataset line and its conventions, the trend (deadliest year against the year before), armed actors
counted without civilians, rioters or unidentified groups, no filler lines, alt text on every chart,
no bar for a sliver of a period outside the data, classes that separate the map's regions, generated
titles as sentences, sections left out when they have nothing to show, and the deadliest list once."""

import re

import pandas as pd
import pytest

from analysis import config, load_dataset
from analysis.measure.aggregate import aggregate
from analysis.measure.selection import make_selection
from analysis.report import annex, figures, maps, page1
from analysis.report.notebook import Report, headline_markdown, png, what_changed_markdown
from analysis.report.sections import has_figures
from analysis.report.text import event_title_words

from conftest import minimal_tables, write_tables


def _actor(name, family, actor_type="unidentified"):
    return {"actor": name, "actor_type": actor_type, "family": family, "acled_inter": "3", "description": "x"}


def _killed(incident, best):
    return {
        "incident_id": incident,
        "harm": "killed",
        "victim_status": "civilian",
        "victim_group": "all",
        "count_min": str(best),
        "count_best": str(best),
        "count_max": "",
        "count_text": str(best),
    }


@pytest.fixture
def years(tmp_path):
    """ACLED-like events: 2021 FAMa 5 killed (rioters opposite); 2022 JNIM 12 (civilians associated) and
    FAMa + Wagner 8; 2023 an unidentified group 3. Deadliest year 2022: 20, four times 2021's 5."""
    t = minimal_tables()
    t["actors"] += [
        _actor("JNIM", "jnim", "islamist_armed_group"),
        _actor("Rioters (Mali)", "other", "civilian_group"),
        _actor("Civilians (Mali)", "other", "civilian_group"),
        _actor("Unidentified armed group", "unidentified"),
    ]
    base = {**t["incidents"][0], "dataset": "acled", "title": "Attack: Military Forces of Mali (2021-) in Moura"}
    dates = {"e-1": "2021-06-01", "e-2": "2022-03-27", "e-3": "2022-08-01", "e-4": "2023-02-01"}
    t["incidents"] = [{**base, "incident_id": i, "start_date": d, "end_date": d} for i, d in dates.items()]
    role = {"attribution": "single_source", "attribution_basis": "b"}
    t["perpetrators"] = [
        {"incident_id": "e-1", "actor": "FAMa", "role": "primary", **role},
        {"incident_id": "e-1", "actor": "Rioters (Mali)", "role": "opponent", **role},
        {"incident_id": "e-2", "actor": "JNIM", "role": "primary", **role},
        {"incident_id": "e-2", "actor": "Civilians (Mali)", "role": "associated", **role},
        {"incident_id": "e-3", "actor": "FAMa", "role": "primary", **role},
        {"incident_id": "e-3", "actor": "Wagner Group", "role": "joint", **role},
        {"incident_id": "e-4", "actor": "Unidentified armed group", "role": "primary", **role},
    ]
    t["casualties"] = [_killed("e-1", 5), _killed("e-2", 12), _killed("e-3", 8), _killed("e-4", 3)]
    t["sources"] = [
        {"incident_id": i, "publisher": "ACLED", "source_type": "dataset", "stance": "reports", "document": "a.csv"}
        for i in dates
    ]
    return load_dataset(write_tables(tmp_path / "data", t))


def _report(dataset, **kwargs):
    return Report(dataset, make_selection(dataset, **kwargs), "best", "T", None)


def plain(markdown: str) -> str:
    return re.sub(r"\*\*", "", markdown)


def test_page_one_names_the_dataset_with_its_conventions(years):
    text = plain(headline_markdown(_report(years)))
    assert "Data: ACLED (each event&#39;s fatalities are the lowest figure reported, 0 means no fatalities" in text
    assert "not a confirmed zero" in text
    curated = plain(headline_markdown(_report(load_dataset(config.DATA_DIR))))
    assert "Data: the project&#39;s curated incidents (each taken from named reports" in curated
    assert page1.convention_of("acled-2023")[0] == "ACLED" and page1.convention_of("mine") == ("mine", "")


def test_trend_states_the_deadliest_year_against_the_year_before(years):
    text = plain(headline_markdown(_report(years)))
    # 2022: 12 + 8 = 20 against 2021's 5.
    assert (
        "2022 was the deadliest year: 20 civilians killed (best estimate), four times as many as in 2021 "
        "(5; the data cover only 1 Jun–31 Dec)." in text
    )
    assert page1.ratio_text(20, 5) == "four times as many as"
    assert page1.ratio_text(148, 120) == "23% more than"
    assert page1.ratio_text(90, 120) == "25% fewer than"
    assert page1.ratio_text(23, 1) == "23 times as many as"
    # One year of data: no trend line at all.
    assert "deadliest year" not in headline_markdown(_report(years, start_date="2022", end_date="2022"))


def test_only_armed_forces_and_groups_count_as_armed_actors(years):
    # FAMa, Wagner Group, JNIM; not Rioters, Civilians (family "other") nor the unidentified group.
    assert page1.armed_actors(_report(years)) == 3
    assert "They involve 3 armed forces and groups in 1 region." in plain(headline_markdown(_report(years)))


def test_no_filler_lines(years):
    text = headline_markdown(_report(years)) + what_changed_markdown(_report(years))
    assert "of which give no figure" not in text  # every incident here has a figure
    assert "not comparable" not in text and "Change against" not in text  # nothing before 2021
    assert "totals reported by NGOs" not in text
    curated = headline_markdown(_report(load_dataset(config.DATA_DIR)))
    assert "6 incidents with killings, 1 of which gives no figure" in curated


def test_every_chart_carries_a_description_as_alt_text(years):
    r = _report(years, group_by="family")
    over_time = png(r.over_time_figure())
    assert over_time.metadata["alt"].startswith("Stacked bar chart: civilians killed each year, by perpetrator family")
    assert "2021 to 2023" in over_time.metadata["alt"]
    assert "The most civilians were killed in 2022 (20)." in over_time.metadata["alt"]
    assert "Map of Mali" in png(r.map_figure()).metadata["alt"]
    assert png(r.by_actor_figure()).metadata["alt"].startswith("Bar chart: civilians killed by perpetrator family")
    assert "No description" not in png(r.kind_figure()).metadata["alt"]


def test_the_two_perpetrator_charts_have_different_titles(years):
    r = _report(years, group_by="family")
    assert r.over_time_figure().axes[0].get_title() != r.by_actor_figure().axes[0].get_title()


def test_no_bar_for_a_sliver_of_a_period_before_the_data(years):
    frame = aggregate(years, ("period", "actor"), make_selection(years, period="year"))
    span = (pd.Timestamp("2020-12-28"), pd.Timestamp("2023-02-01"))
    frame = pd.concat([frame.iloc[:1].assign(period="2020", count_min=3, count_best=3, count_max=3), frame])
    partial = {"2020": "partial: 28 Dec–31 Dec", "2023": "partial: 1 Jan–1 Feb"}
    fig = figures.killed_over_time(frame, period="year", partial=partial, span=span)
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert "2020*" not in labels and "2020" not in labels and "2023*" in labels  # a month of 2023 is drawn
    assert "2020: 3 civilians killed in incidents whose date window begins in the 28 Dec–31 Dec of 2020" in (
        fig._supxlabel.get_text().replace("\n", " ")
    )


def test_map_classes_separate_the_regions():
    values = [2478, 1304, 1038, 709, 603, 349, 348, 322, 254]
    bounds = maps.class_bounds(values)
    assert len(bounds) == 6 and bounds[0] == 254 and bounds[-1] == 2479
    classes = pd.cut(values, bounds, right=False, labels=False)
    assert pd.Series(classes).value_counts().max() <= 2  # a linear scale put 8 of the 9 in its palest fifth
    assert maps.class_bounds([5, 5, 9]) == [5, 9, 10]


def test_generated_titles_read_as_sentences():
    titles = pd.Series(
        [
            "Attack: Military Forces of Mali (2021-) in Moura",
            "Remote explosive/landmine/IED: Unidentified Armed Group (Mali) in Boni",
            "Attack: JNIM: Group for Support of Islam and Muslims in Diallassagou",
            "25 people arrested in a raid on Welingara",
        ]
    )
    assert list(event_title_words(titles)) == [
        "Malian forces attacked civilians in Moura",
        "An unidentified armed group set off an explosive device in Boni",
        "JNIM attacked civilians in Diallassagou",
        "25 people arrested in a raid on Welingara",
    ]


def test_sections_with_nothing_to_show():
    assert not has_figures(pd.DataFrame(columns=["a"]))
    dashes = pd.DataFrame({"perpetrators": ["A"], "all killed": ["5"], "children killed": ["–"], "women killed": ["–"]})
    assert not has_figures(dashes, ["children killed", "women killed"])
    assert has_figures(dashes.assign(**{"women killed": ["2"]}), ["children killed", "women killed"])


def test_the_pdf_annex_does_not_list_the_deadliest_a_second_time():
    n = annex.PDF_ALL_UP_TO + 20
    incidents = pd.DataFrame(
        {
            "id": [f"i-{k:03d}" for k in range(n)],
            "killed_best": list(range(n, 0, -1)),
            "killed_max": list(range(n, 0, -1)),
            "start_date": pd.Timestamp("2024-01-01"),
            "grade": "single_source",
        }
    )
    listed = incidents["id"].head(15)
    shown, counts = annex.pdf_selection(incidents, listed)
    assert not shown["id"].isin(listed).any()
    assert list(shown["id"]) == [f"i-{k:03d}" for k in range(15, annex.PDF_DEADLIEST)]
    assert counts["listed"] == 15
    note = annex.incidents_note(incidents, rendered=True, listed=listed)
    assert f"**15 next deadliest** (after the 15 listed under “Deadliest incidents”) of the **{n:,}**" in note
    assert f"The other **{n - annex.PDF_DEADLIEST:,}** are left out here" in note
