"""What the report says: families, group_by, period auto, partial periods, change against the previous
period, the headline's honest range, kinds of violence and deadliest incidents. Exact values on tiny data."""

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from analysis import config, load_dataset
from analysis.measure.aggregate import aggregate, change_against_previous, partial_periods
from analysis.measure.selection import InvalidParameter, auto_period, make_selection, selection_from_parameters
from analysis.report import figures, style, tables
from analysis.report.notebook import Report, headline_markdown, what_changed_markdown
from analysis.report.text import esc, fmt_change

from conftest import minimal_tables, write_tables

STATE = "Malian state forces"
RUSSIAN = "Wagner Group / Africa Corps"
JNIM = "JNIM and predecessors"
UNIDENTIFIED = "Unidentified armed groups"
JOINT = f"{STATE} + {RUSSIAN}"
LONG_NOTE = "Soldiers\nopened fire on the market. " + "Witnesses said many were shot. " * 20


def _actor(name, family, inter="2"):
    return {"actor": name, "actor_type": "unidentified", "family": family, "acled_inter": inter, "description": "x"}


def _killed(incident, low="", best="", high="", text="t"):
    return {
        "incident_id": incident,
        "harm": "killed",
        "victim_status": "civilian",
        "victim_group": "all",
        "count_min": low,
        "count_best": best,
        "count_max": high,
        "count_text": text,
    }


@pytest.fixture
def families(tmp_path):
    """a-1 FAMa + Wagner 2024-03-01 Tombouctou attack 5/7/10 (long summary);
    a-2 JNIM 2024-05-10 Taoudenit IED 3/-/- (no upper bound); a-3 Katiba Macina 2024-06-01 abduction, ACLED 0;
    a-4 unidentified 2023-10-15 no region attack 4/4/4; a-5 FAMa 2024-07-01 killed, no figure;
    a-6 FAMa 2023-01-15 Tombouctou attack 1/1/1."""
    t = minimal_tables()
    t["actors"] += [
        _actor("JNIM", "jnim"),
        _actor("Katiba Macina", "jnim"),
        _actor("Unidentified armed group", "unidentified", "3"),
    ]
    base = dict(t["incidents"][0])
    t["incidents"][0]["summary"] = LONG_NOTE
    t["incidents"] += [
        {
            **base,
            "incident_id": "a-2",
            "start_date": "2024-05-10",
            "end_date": "2024-05-10",
            "admin1": "Taoudeni",
            "event_type": "remote_explosive",
            "title": "IED on the road",
        },
        {
            **base,
            "incident_id": "a-3",
            "start_date": "2024-06-01",
            "end_date": "2024-06-01",
            "admin1": "",
            "latitude": "",
            "longitude": "",
            "event_type": "abduction_forced_disappearance",
            "dataset": "acled",
        },
        {
            **base,
            "incident_id": "a-4",
            "start_date": "2023-10-15",
            "end_date": "2023-10-15",
            "admin1": "",
            "latitude": "",
            "longitude": "",
        },
        {**base, "incident_id": "a-5", "start_date": "2024-07-01", "end_date": "2024-07-01"},
        {**base, "incident_id": "a-6", "start_date": "2023-01-15", "end_date": "2023-01-15"},
    ]
    primary = {"role": "primary", "attribution": "single_source", "attribution_basis": "b"}
    t["perpetrators"] += [
        {"incident_id": "a-2", "actor": "JNIM", **primary},
        {"incident_id": "a-3", "actor": "Katiba Macina", **primary},
        {"incident_id": "a-4", "actor": "Unidentified armed group", **primary},
        {"incident_id": "a-5", "actor": "FAMa", **primary},
        {"incident_id": "a-6", "actor": "FAMa", **primary},
    ]
    t["casualties"] += [
        _killed("a-2", "3", "", "", "at least 3"),
        _killed("a-3", "0", "0", "0", "0"),
        _killed("a-4", "4", "4", "4"),
        _killed("a-5", text="several"),
        _killed("a-6", "1", "1", "1"),
    ]
    t["sources"] += [
        {"incident_id": i, "publisher": "Z", "source_type": "media", "stance": "reports", "document": "b.txt"}
        for i in ("a-2", "a-3", "a-4", "a-5", "a-6")
    ]
    return load_dataset(write_tables(tmp_path / "data", t))


def by_label(frame):
    return {r.actor: (r.count_min, r.count_best, r.count_max, r.incidents) for r in frame.itertuples()}


def test_family_is_the_default_group_and_joint_families_stay_joint(families):
    selection = selection_from_parameters(families, {"group_by": "family"})
    assert by_label(aggregate(families, ("actor",), selection)) == {
        JOINT: (5, 7, 10, 1),
        JNIM: (3, 3, 3, 2),
        UNIDENTIFIED: (4, 4, 4, 1),
        STATE: (1, 1, 1, 2),
    }
    assert aggregate(families, ("actor",), selection).attrs["additive"] is True


def test_family_under_any_counts_each_family_once_per_incident(families):
    selection = make_selection(families, group_by="family", attribution="any")
    result = aggregate(families, ("actor",), selection)
    assert by_label(result) == {
        STATE: (6, 8, 11, 3),
        RUSSIAN: (5, 7, 10, 1),
        JNIM: (3, 3, 3, 2),
        UNIDENTIFIED: (4, 4, 4, 1),
    }
    assert result.attrs["additive"] is False


def test_group_by_group_keeps_perpetrator_groups_and_actor_splits_them(families):
    groups = aggregate(families, ("actor",), make_selection(families, group_by="group"))
    assert by_label(groups)["FAMa + Wagner Group"] == (5, 7, 10, 1)
    actors = aggregate(families, ("actor",), make_selection(families, group_by="actor"))
    assert by_label(actors) == {
        "FAMa": (6, 8, 11, 3),
        "Wagner Group": (5, 7, 10, 1),
        "JNIM": (3, 3, 3, 1),
        "Katiba Macina": (0, 0, 0, 1),
        "Unidentified armed group": (4, 4, 4, 1),
    }
    assert actors.attrs["additive"] is False


def test_bad_group_by_lists_valid_values(families):
    with pytest.raises(InvalidParameter, match="group_by 'region' is not one of: family, group, actor"):
        selection_from_parameters(families, {"group_by": "region"})


def test_period_auto_follows_the_span():
    day = pd.Timestamp("2020-01-01")
    assert auto_period(day, day + pd.Timedelta(days=1095)) == "month"
    assert auto_period(day, day + pd.Timedelta(days=1200)) == "quarter"
    assert auto_period(day, day + pd.Timedelta(days=2922)) == "quarter"
    assert auto_period(day, day + pd.Timedelta(days=3000)) == "year"
    assert auto_period(None, None) == "year"


def test_period_auto_resolves_against_the_data(families):
    assert make_selection(families, period="auto").period == "month"  # 15 Jan 2023 to 1 Jul 2024


def test_partial_periods_at_either_end():
    first, last = pd.Timestamp("2023-01-15"), pd.Timestamp("2024-07-01")
    assert partial_periods(first, last, "year") == {"2023": "partial: 15 Jan–31 Dec", "2024": "partial: 1 Jan–1 Jul"}
    assert partial_periods(first, last, "month") == {
        "2023-01": "partial: 15 Jan–31 Jan",
        "2024-07": "partial: 1 Jul–1 Jul",
    }
    assert partial_periods(pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31"), "year") == {}
    assert partial_periods(first, last, "named") == {}


def test_change_against_the_previous_period(families):
    year = make_selection(families, start_date="2024-01-01", end_date="2024-12-31")
    change = change_against_previous(families, year)
    # The data end on 1 Jul 2024: 183 days, against 2 Jul - 31 Dec 2023 (a-4, 4 killed).
    assert (change.current, change.previous) == (10, 4)
    assert (change.previous_start, change.previous_end) == (pd.Timestamp("2023-07-02"), pd.Timestamp("2023-12-31"))
    assert fmt_change(change.previous, change.current) == "+150% (from 4 to 10)"
    whole = change_against_previous(families, make_selection(families))
    assert whole.comparable is False and whole.current == 15


def test_fmt_change_signs():
    assert fmt_change(120, 148) == "+23% (from 120 to 148)"
    assert fmt_change(148, 120) == "−19% (from 148 to 120)"
    assert fmt_change(None, 5) == "not comparable"
    assert fmt_change(0, 5) == "from 0 to 5"


def test_headline_counts_only_real_killings_and_incidents_without_upper_bound(families):
    h = tables.headline(families, make_selection(families))
    assert (h.killed_min, h.killed_best, h.killed_max) == (13, 15, 18)
    assert h.incidents == 6
    assert h.incidents_with_killings == 5  # a-3's ACLED 0 is not a killing; a-5's death without a figure is
    assert h.incidents_without_figure == 1
    assert h.incidents_without_upper_bound == 1 and not h.has_upper_bound
    assert h.share_unknown_perpetrator == pytest.approx(4 / 15)
    assert h.share_unknown_region == pytest.approx(4 / 15)


def _report(dataset, **kwargs):
    return Report(dataset, make_selection(dataset, **kwargs), "best", "T", None)


def test_page_one_text_says_there_is_no_maximum(families):
    text = headline_markdown(_report(families))
    assert "at least 13 civilians** (best estimate **15**; no maximum can be stated: 1 of the 4 incidents" in text
    assert "highest figure reported" not in text
    only_lower_bounds = headline_markdown(_report(families, start_date="2024-05-01", end_date="2024-05-31"))
    assert "no maximum can be stated: none of the 1 incidents with a figure gives an upper bound" in only_lower_bounds
    whole = what_changed_markdown(_report(families))
    # The previous period is not covered: no "not comparable" filler line, the unknowns stay.
    assert "not comparable" not in whole and "Change against" not in whole
    assert (
        "27% of the civilians killed" in whole and "27% were killed in a region the sources do not establish" in whole
    )
    changed = what_changed_markdown(_report(families, start_date="2024-01-01", end_date="2024-12-31"))
    assert esc("+150% (from 4 to 10)") in changed


def test_family_table_and_main_actors(families):
    selection = make_selection(families)
    family_table = tables.family_table(families, selection)
    # Each incident once under its group; the last column: every incident each family took part in.
    assert family_table.values.tolist() == [
        [JOINT, "7 (5–10)", 1, ""],
        [UNIDENTIFIED, "4", 1, "4 in 1 incident"],
        [JNIM, "3", 2, "3 in 2 incidents"],
        [STATE, "1", 2, "8 (6–11) in 3 incidents"],
        [RUSSIAN, "–", 0, "7 (5–10) in 1 incident"],
    ]
    assert family_table.attrs["note"] == (
        "Counting every incident a family took part in, alone or with another: Malian state forces took part in "
        "incidents that killed 8 (6–11) civilians (3 incidents), against 1 in the incidents it carried out alone; "
        "Wagner Group / Africa Corps took part in incidents that killed 7 (5–10) civilians (1 incident), all of them "
        "with another family. An incident of two families counts for both in the last column, which therefore does "
        "not add up."
    )
    assert tables.family_actors_table(families, selection).values.tolist() == [
        [STATE, "FAMa", "8 (6–11)", 3],
        [RUSSIAN, "Wagner Group", "7 (5–10)", 1],
        [UNIDENTIFIED, "Unidentified armed group", "4", 1],
        [JNIM, "JNIM", "3", 1],
    ]


def test_event_type_table(families):
    out = tables.event_type_table(families, make_selection(families))
    assert list(out.columns) == ["kind of violence", "civilians killed", "incidents", JOINT, UNIDENTIFIED, JNIM, STATE]
    assert out.values.tolist() == [
        ["Attacks, shootings and executions", "12 (10–15)", 4, "7", "4", "–", "1"],
        ["Explosive devices and landmines", "3", 1, "–", "–", "3", "–"],
    ]


def test_deadliest_incidents(families):
    out = tables.deadliest_incidents(families, make_selection(families))
    assert out["id"].tolist() == ["t-1", "a-4", "a-2", "a-6"]  # a-3 (0) and a-5 (no figure) are not listed
    first = out.iloc[0]
    assert first["perpetrators"] == "FAMa (Malian state forces); Wagner Group"
    assert first["attribution"] == "contested"
    assert first["civilians killed"] == "7 (5–10)"
    assert first["date"] == "01 Mar 2024"
    assert first["what happened"].startswith("Soldiers opened fire on the market.")
    assert (
        first["what happened"].endswith(" …") and len(first["what happened"]) <= tables.DEADLIEST_SUMMARY_CHARACTERS + 2
    )
    assert out.iloc[2]["what happened"] == "IED on the road"  # no summary: the title
    assert out.iloc[1]["place"] == "not established"
    assert len(tables.deadliest_incidents(families, make_selection(families), count=2)) == 2


def test_family_colours_are_fixed_and_joint_families_hatched():
    assert style.bar_style(STATE)["facecolor"] == style.FAMILY_COLOURS["state_forces"]
    joint = style.bar_style(JOINT)
    assert joint["facecolor"] == style.FAMILY_COLOURS["state_forces"]
    assert joint["hatch"] == "///" and joint["edgecolor"] == style.FAMILY_COLOURS["russian_forces"]


# --- charts at any size ---------------------------------------------------------------------------


def _many_actors(n_actors=200, periods=36, seed=1):
    rng = np.random.default_rng(seed)
    months = [str(p) for p in pd.period_range("2021-01", periods=periods, freq="M")]
    actors = [f"Synthetic Communal Militia number {i} (Mali) and its long name" for i in range(n_actors)]
    rows = pd.DataFrame([(a, m) for a in actors for m in months], columns=["actor", "period"])
    rows["count_best"] = rng.integers(0, 30, len(rows))
    rows["count_min"] = rows["count_best"] // 2
    rows["count_max"] = rows["count_best"] * 2
    rows["incidents"] = 1
    rows["incidents_without_figure"] = 0
    rows.attrs["additive"] = True
    return rows


def _check_fits(fig):
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    width, height = fig.get_size_inches()
    assert width <= 8.5 and height <= 8, (width, height)
    # Everything drawn (tick labels, legends, notes) lies inside the figure: nothing is cut off.
    drawn = fig.get_tightbbox(renderer)
    assert drawn.x0 >= -0.01 and drawn.y0 >= -0.01, drawn
    assert drawn.x1 <= width + 0.01 and drawn.y1 <= height + 0.01, drawn
    figure_texts = [t for legend in fig.legends for t in legend.get_texts()] + list(fig.texts)
    figure_texts += [t for t in (fig._supxlabel,) if t is not None]
    for text in figure_texts:  # legends and notes (tick labels are inside the tight box above)
        extent = text.get_window_extent(renderer)
        assert fig.bbox.x0 - 1 <= extent.x0 and extent.x1 <= fig.bbox.x1 + 1, text.get_text()[:60]
        assert fig.bbox.y0 - 1 <= extent.y0 and extent.y1 <= fig.bbox.y1 + 1, text.get_text()[:60]
    for legend in fig.legends:
        assert len(legend.get_texts()) <= style.MAX_SERIES + 1


def test_over_time_chart_with_200_actors_fits():
    frame = _many_actors()
    key_dates = pd.DataFrame(
        {"date": pd.to_datetime(["2021-12-01", "2030-01-01"]), "label": ["Wagner arrives", "Later"]}
    )
    fig = figures.killed_over_time(
        frame,
        key_dates,
        period="month",
        partial={"2021-01": "partial: 15 Jan–31 Jan"},
        span=(pd.Timestamp("2021-01-15"), pd.Timestamp("2023-12-31")),
    )
    _check_fits(fig)
    assert len(fig.legends[0].get_texts()) == 10
    assert fig.legends[0].get_texts()[-1].get_text() == style.OTHER_SERIES
    note = fig._supxlabel.get_text()
    assert "Wagner arrives" in note and "Later" not in note  # a key date after the data's end is not drawn
    assert "* 2021-01: partial: 15 Jan–31 Jan" in note


def test_actor_chart_with_200_actors_fits():
    frame = _many_actors().groupby("actor", as_index=False)[["count_min", "count_best", "count_max", "incidents"]].sum()
    fig = figures.harm_by_actor(frame, title="t", xlabel="x")
    _check_fits(fig)
    assert len(fig.axes[0].get_yticklabels()) == 10


def test_kind_chart_with_200_actors_fits():
    frame = _many_actors(periods=3).rename(columns={"period": "how"})
    fig = figures.killed_by_kind(frame)
    _check_fits(fig)
    assert len(fig.legends[0].get_texts()) == 10


def test_top_series_keeps_totals():
    frame = _many_actors(periods=2)
    merged = figures.top_series(frame, "count_best")
    assert merged["actor"].nunique() == 10
    assert merged["count_best"].sum() == frame["count_best"].sum()


def test_codes_read_as_words():
    from analysis.report.text import plain_codes

    assert plain_codes("`single_source`: one source; between start_date and end_date") == (
        "single source: one source; between start date and end date"
    )
    assert plain_codes("see docs/data_dictionary.md") == "see docs/data_dictionary.md"
    fields = tables.methodology_fields()
    assert not fields["column"].str.contains("_").any()
    assert not fields["meaning"].str.contains("`").any()


def test_actor_region_table_largest_first_and_capped(families):
    out = tables.actor_region_table(families, make_selection(families, group_by="family"), rows=2)
    assert list(out.columns) == ["Tombouctou", "Region not established", "Taoudénit"]
    assert out.index.tolist() == [JOINT, UNIDENTIFIED, "and 2 more (in the tables for spreadsheets)"]
    assert out.loc[JOINT].tolist() == ["7 (5–10)", "–", "–"]


def test_methodology_states_acled_conventions_only_when_acled_data_is_selected(families):
    from analysis.report.notebook import methodology_markdown

    with_acled = methodology_markdown(_report(families))
    assert "ACLED's conventions" in with_acled and "lowest" in with_acled
    without = methodology_markdown(_report(families, start_date="2024-07-01"))  # a-3 (ACLED) is before
    assert "ACLED's conventions" not in without
    by_actor = methodology_markdown(_report(families, group_by="actor"))
    assert "do not add up" in by_actor


def test_region_table_says_a_killing_without_figure_was_reported_instead_of_printing_zero():
    from analysis import config
    from analysis.measure.selection import make_selection

    curated = load_dataset(config.DATA_DIR)
    table = tables.region_table(curated, make_selection(curated)).set_index("region")
    # Ségou's only incident (the wedding drone strike of 16 February 2024) has no figure.
    assert table.loc["Ségou", "civilians killed"] == "reported, no figure"
    assert table.loc["Koulikoro", "civilians killed"] == "25"


def test_page_one_mentions_ngo_period_totals_only_when_there_are_some(families):
    assert "totals reported by NGOs" not in headline_markdown(_report(families))  # none: not "A further 0 totals"
    curated = headline_markdown(_report(load_dataset(config.DATA_DIR)))
    assert "A further 4 totals reported by NGOs for whole periods are shown in their own table" in curated
