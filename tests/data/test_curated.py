"""The curated dataset holds every incident and period total of the seed reports, with their figures."""

import re

import pandas as pd
import pytest

from analysis import config, load_dataset

SEEDS = [
    "000_f1a1c8c045dc5a20.txt",
    "001_ccffc11e1ef8bb3a.txt",
    "002_1c35d26562c91e6f.txt",
    "003_331ff8499f7e4797.txt",
    "004_10bc73c673736ae5.txt",
]
SEED_NAME = r"\d{3}_[0-9a-f]{16}\.txt"
NA = None

# incident_id, harm, victim_status, victim_group, count_min, count_best, count_max
EXPECTED_FIGURES = [
    ("hrw-2023-07-central-mali", "killed_or_disappeared", "civilian", "all", 12, NA, NA),
    ("hrw-2023-07-central-mali", "property_looted", "civilian", "all", NA, NA, NA),
    ("hrw-2024-01-detainees-killed", "killed", "civilian", "all", 25, 25, 25),
    ("hrw-2024-01-detainees-killed", "detained", "civilian", "all", 25, 25, 25),
    ("hrw-2024-02-16-wedding-drone-strike", "killed", "civilian", "all", NA, NA, NA),
    ("amnesty-2024-03-17-amasrakad-drone-strikes", "killed", "civilian", "all", 13, 13, NA),
    ("amnesty-2024-03-17-amasrakad-drone-strikes", "killed", "civilian", "children", 7, 7, NA),
    ("amnesty-2024-03-17-amasrakad-drone-strikes", "injured", "civilian", "all", 1, 1, NA),
    ("amnesty-2024-03-17-amasrakad-drone-strikes", "injured", "civilian", "women", 1, 1, NA),
    ("hrw-2024-12-army-wagner-since-may", "killed", "civilian", "all", 32, 32, NA),
    ("hrw-2024-12-army-wagner-since-may", "disappeared", "civilian", "all", 4, 4, NA),
    ("hrw-2024-12-army-wagner-since-may", "homes_destroyed", "civilian", "all", 100, 100, NA),
    ("hrw-2024-drone-strike-seven-killed", "killed", "civilian", "all", 7, 7, NA),
    ("hrw-2024-12-islamists-since-june", "killed", "civilian", "all", 47, 47, NA),
    ("hrw-2024-12-islamists-since-june", "displaced", "civilian", "all", 1000, NA, NA),
    ("hrw-2024-12-jnim-homes-livestock", "homes_destroyed", "civilian", "all", 1000, NA, NA),
    ("hrw-2024-12-jnim-homes-livestock", "livestock_looted", "civilian", "all", 1000, NA, NA),
    ("fla-2025-01-02-niono-vehicle", "killed", "civilian", "all", 8, 9, 9),  # AFP: at least 8; FLA, RFI: 9
    ("fla-2025-01-02-niono-vehicle", "killed", "civilian", "children", NA, NA, NA),
    ("fla-2025-01-02-niono-vehicle", "killed", "civilian", "women", NA, NA, NA),
    ("fla-2025-02-anefis-clashes", "killed", "combatant", "all", 7, 14, 14),  # army: 7; FLA: 8 + 6
    ("fla-2025-02-17-convoy-gao-algeria", "killed", "civilian", "all", 20, 24, NA),  # AFP: about 20; FLA: 24
    ("fla-2025-02-17-convoy-gao-algeria", "killed", "civilian", "children", NA, NA, NA),
    ("fla-2025-02-17-convoy-gao-algeria", "killed", "civilian", "women", NA, NA, NA),
]


@pytest.fixture(scope="module")
def ds():
    return load_dataset(config.DATA_DIR)


def test_every_seed_figure_is_present_exactly(ds):
    got = [
        tuple(None if pd.isna(v) else (v if isinstance(v, str) else int(v)) for v in row)
        for row in ds.casualties[
            ["incident_id", "harm", "victim_status", "victim_group", "count_min", "count_best", "count_max"]
        ].itertuples(index=False)
    ]
    assert sorted(got, key=str) == sorted(EXPECTED_FIGURES, key=str)


def test_dates_places_and_types(ds):
    inc = ds.incidents.set_index("incident_id")
    day = lambda i: (inc.at[i, "start_date"].date().isoformat(), inc.at[i, "end_date"].date().isoformat())  # noqa: E731
    assert day("amnesty-2024-03-17-amasrakad-drone-strikes") == ("2024-03-17", "2024-03-17")
    assert inc.at["amnesty-2024-03-17-amasrakad-drone-strikes", "admin1"] == "Gao"
    assert day("fla-2025-01-02-niono-vehicle") == ("2025-01-02", "2025-01-02")
    assert (
        inc.at["fla-2025-01-02-niono-vehicle", "admin1"] == "Mopti"
    )  # near Dioura (RFI); the seed's "Segou region" is Niono's
    assert day("fla-2025-02-anefis-clashes") == ("2025-02-16", "2025-02-16")  # Sunday late afternoon (RFI)
    assert day("fla-2025-02-17-convoy-gao-algeria") == ("2025-02-17", "2025-02-17")
    assert pd.isna(inc.at["fla-2025-02-17-convoy-gao-algeria", "admin1"])  # region not established
    assert inc.at["fla-2025-02-anefis-clashes", "admin1"] == "Kidal"  # the seed's "Gao region" is wrong
    # the seed's "January raid near a military base": Welingara, Nara cercle, 26 January 2024 (RFI; HRW per RFI)
    assert day("hrw-2024-01-detainees-killed") == ("2024-01-26", "2024-01-26")
    assert inc.at["hrw-2024-01-detainees-killed", "date_precision"] == "day"
    assert inc.at["hrw-2024-01-detainees-killed", "admin1"] == "Koulikoro"
    assert inc.at["hrw-2024-01-detainees-killed", "admin2"] == "Nara"
    assert day("hrw-2024-02-16-wedding-drone-strike") == ("2024-02-16", "2024-02-16")
    assert inc.at["hrw-2024-02-16-wedding-drone-strike", "location_name"] == "Konokassi"  # HRW, per RFI
    assert inc.at["hrw-2024-02-16-wedding-drone-strike", "admin1"] == "Ségou"
    assert sorted(inc.index[inc["record_type"] == "period_total"]) == [
        "hrw-2023-07-central-mali",
        "hrw-2024-12-army-wagner-since-may",
        "hrw-2024-12-islamists-since-june",
        "hrw-2024-12-jnim-homes-livestock",
    ]
    assert inc.at["hrw-2024-drone-strike-seven-killed", "parent_incident_id"] == "hrw-2024-12-army-wagner-since-may"


def test_perpetrators_and_grades(ds):
    p = ds.perpetrators
    by_incident = {
        i: sorted(zip(g["actor"], g["role"], g["attribution"], strict=True)) for i, g in p.groupby("incident_id")
    }
    assert by_incident["fla-2025-01-02-niono-vehicle"] == [
        ("FAMa", "primary", "contested"),
        ("Wagner Group", "joint", "contested"),
    ]
    assert by_incident["fla-2025-02-17-convoy-gao-algeria"] == [
        ("FAMa", "primary", "contested"),
        ("Wagner Group", "joint", "contested"),
    ]
    assert by_incident["hrw-2024-01-detainees-killed"] == [
        ("FAMa", "primary", "corroborated"),
        ("Wagner Group", "joint", "single_source"),
    ]
    # the army says its strikes hit "terrorists" (Amnesty, AFP): a denial of the civilian toll
    assert by_incident["amnesty-2024-03-17-amasrakad-drone-strikes"] == [("FAMa", "primary", "contested")]
    assert by_incident["hrw-2024-12-islamists-since-june"] == [
        ("Islamic State Sahel", "joint", "single_source"),
        ("JNIM", "joint", "single_source"),
    ]
    assert by_incident["hrw-2023-07-central-mali"] == [
        ("FAMa", "primary", "single_source"),
        ("Wagner Group", "joint", "alleged"),
    ]
    assert set(ds.incidents["incident_id"]) == set(p["incident_id"])


def test_one_ngo_report_cited_twice_is_one_record_with_two_source_rows(ds):
    s = ds.sources
    rows = s[s["incident_id"] == "hrw-2024-12-army-wagner-since-may"]
    assert sorted(rows["document"]) == [SEEDS[1], SEEDS[2]]
    assert set(rows["publisher"]) == {"Human Rights Watch"}
    assert (ds.incidents["title"].str.contains("at least 32")).sum() == 1


def test_denials_are_recorded(ds):
    denies = ds.sources[ds.sources["stance"] == "denies"]
    assert sorted(denies["incident_id"]) == [
        "amnesty-2024-03-17-amasrakad-drone-strikes",
        "fla-2025-01-02-niono-vehicle",
        "fla-2025-02-17-convoy-gao-algeria",
    ]


def test_unknown_counts_are_empty_never_zero(ds):
    for column in ("count_min", "count_best", "count_max"):
        assert not (ds.casualties[column] == 0).any()


def _seed_rows(sources: pd.DataFrame) -> pd.DataFrame:
    """Statements carried by a seed article; the others cite a public report by its address or title."""
    return sources[sources["document"].str.fullmatch(SEED_NAME)]


def test_every_seed_is_cited(ds):
    assert sorted(_seed_rows(ds.sources)["document"].unique()) == SEEDS


def test_public_reports_are_named_by_address_or_title(ds):
    public = ds.sources[~ds.sources["document"].str.fullmatch(SEED_NAME)]
    assert (public["document"].eq(public["url"]) | public["document"].eq(public["title"])).all()


def _squash(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.skipif(not config.SEEDS_DIR.is_dir(), reason="../shared/seeds is not beside the project")
def test_every_quote_is_verbatim_in_its_seed(ds):
    for row in _seed_rows(ds.sources).itertuples():
        seed = _squash((config.SEEDS_DIR / row.document).read_text(encoding="utf-8"))
        assert _squash(row.quote) in seed, (row.incident_id, row.document, row.quote)
