"""ACLED grades from the publishers in ``source`` and the notes' words, sexual violence as a harm, and women
and children killed as victim groups (issue 18, items 3 and 4).

Every event and note here is written for these tests (never ACLED's text).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import synthetic

from analysis.data.attribution import grade_from_publishers, named_publishers
from analysis.data.dataset import load_dataset
from analysis.data.schema import TABLES
from analysis.importers.run import run_import
from analysis.importers.victim_groups import group_figures
from analysis.measure.aggregate import aggregate, incident_figures
from analysis.measure.selection import Selection
from analysis.report import annex, evidence

# --- a tiny ACLED export -----------------------------------------------------------------------------------

_DEFAULTS = {
    "event_date": "15 March 2022",
    "time_precision": "1",
    "event_type": "Violence against civilians",
    "sub_event_type": "Attack",
    "actor1": "Military Forces of Mali (2021-)",
    "assoc_actor_1": "",
    "inter1": "1",
    "actor2": "Civilians (Mali)",
    "assoc_actor_2": "",
    "inter2": "7",
    "civilian_targeting": "Civilian targeting",
    "country": "Mali",
    "admin1": "Mopti",
    "admin2": "Djenne",
    "location": "Moura",
    "latitude": "14.1",
    "longitude": "-4.6",
    "geo_precision": "1",
    "source": "RFI",
    "notes": "Soldiers attacked the village.",
    "fatalities": "0",
    "timestamp": "1650000000",
}


def import_events(tmp_path: Path, events: list[dict]):
    """Import ``events`` (each a dict overriding ``_DEFAULTS``; ids MLI1, MLI2, ... in order)."""
    frame = pd.DataFrame([{**_DEFAULTS, "event_id_cnty": f"MLI{i}", **e} for i, e in enumerate(events, 1)])
    path = tmp_path / "export.csv"
    frame.to_csv(path, index=False)
    out = tmp_path / "out"
    result = run_import("acled", path, out)
    tables = {
        name: pd.read_csv(out / f"{name}.csv", dtype=str, keep_default_na=False)
        for name in ("perpetrators", "casualties")
    }
    return result, tables


def grades(tmp_path: Path, events: list[dict]) -> dict[str, str]:
    """incident id -> the primary perpetrator's grade."""
    _, tables = import_events(tmp_path, events)
    p = tables["perpetrators"]
    primary = p[p["role"].eq("primary")]
    return dict(zip(primary["incident_id"], primary["attribution"], strict=True))


# --- publishers --------------------------------------------------------------------------------------------


def test_publishers_are_counted_once_each_and_unnamed_labels_not_at_all():
    sources = pd.Series(
        {
            "two": "Human Rights Watch; Le Monde",
            "same twice": "Le Monde; le  monde ",
            "undisclosed": "Undisclosed Source; RFI",
            "only undisclosed": "Undisclosed Source",
            "many": "A; B; C; D; E; F",
            "empty": None,
        }
    )
    found = named_publishers(sources)
    assert found["publishers"].to_dict() == {
        "two": 2,
        "same twice": 1,
        "undisclosed": 1,
        "only undisclosed": 0,
        "many": 6,
    }
    assert found.loc["many", "names"] == "A; B; C; D and 2 more"
    assert found.loc["undisclosed", "unnamed"] == 1


def test_grade_from_publishers_and_its_basis():
    perpetrators = pd.DataFrame(
        {
            "incident_id": ["a", "b", "c", "d"],
            "actor": "FAMa",
            "role": "primary",
            "attribution": "single_source",
            "attribution_basis": "ACLED codes it",
        }
    )
    sources = pd.Series({"a": "Human Rights Watch; Le Monde", "b": "RFI; RFI", "c": "Undisclosed Source; RFI"})
    out = grade_from_publishers(perpetrators, sources)
    assert list(out["attribution"]) == ["corroborated", "single_source", "single_source", "single_source"]
    assert list(out["attribution_basis"]) == [
        "ACLED codes it; ACLED source: 2 distinct named publishers (Human Rights Watch; Le Monde)",
        "ACLED codes it; ACLED source: one named publisher (RFI)",
        "ACLED codes it; ACLED source: one named publisher (RFI), 1 unnamed source(s) not counted",
        "ACLED codes it",
    ]


def test_each_grade_and_its_precedence_on_an_import(tmp_path):
    got = grades(
        tmp_path,
        [
            {"source": "Human Rights Watch; Le Monde"},  # two publishers
            {"source": "RFI; RFI"},  # the same publisher twice
            {"source": "Undisclosed Source; RFI"},  # an unnamed label is not a publisher
            {"source": "RFI", "notes": "Suspected soldiers shot two herders."},  # a hedge, one publisher
            {"source": "RFI; AFP", "notes": "Presumed soldiers shot two herders."},  # a hedge outranks two publishers
            # the army's counter-claim outranks two publishers and a hedge
            {
                "source": "RFI; AFP; Human Rights Watch",
                "notes": 'Suspected soldiers shot 20 men. The Malian army said it had killed 20 "terrorists".',
            },
            {"source": "RFI; AFP", "notes": "L'armée a annoncé avoir neutralisé 20 terroristes."},
            {"source": "RFI; AFP", "notes": "Soldiers shot two men. The army denied it."},
            {"source": "RFI; AFP", "notes": "Soldiers shot two men. Le gouvernement dément."},
        ],
    )
    assert got == {
        "acled-MLI1": "corroborated",
        "acled-MLI2": "single_source",
        "acled-MLI3": "single_source",
        "acled-MLI4": "alleged",
        "acled-MLI5": "alleged",
        "acled-MLI6": "contested",
        "acled-MLI7": "contested",
        "acled-MLI8": "contested",
        "acled-MLI9": "contested",
    }


FAMILY_OF = {"FAMa": "state_forces", "JNIM": "jnim"}


def _graded(notes: dict[str, str], actor: str = "FAMa", targeting: bool = True) -> dict[str, str]:
    from analysis.data.attribution import grade_from_notes

    ids = list(notes)
    perpetrators = pd.DataFrame(
        {"incident_id": ids, "actor": actor, "role": "primary", "attribution": "single_source", "attribution_basis": ""}
    )
    out = grade_from_notes(
        perpetrators, pd.Series(notes), FAMILY_OF, civilian_targeting=pd.Series(targeting, index=ids)
    )
    return dict(zip(out["incident_id"], out["attribution"], strict=True))


@pytest.mark.parametrize(
    "note",
    [
        'Soldiers killed 20 men. The Malian army said it had killed 20 "terrorists".',
        "Soldiers killed 20 men. A government statement said the dead were terrorists.",
        "Soldiers killed 20 men. According to the army, the dead were terrorists.",
        'Soldiers killed 20 men. The army said "no civilians" died, only terrorists.',  # a negation does not cancel it
        "Des soldats ont tué 20 hommes. L'armée a annoncé avoir neutralisé 20 terroristes.",
        "Des soldats ont tué 20 hommes. Selon l'armée, les victimes étaient des terroristes.",
    ],
)
def test_the_armys_counter_claim_contests_the_army(note):
    assert _graded({"e": note}) == {"e": "contested"}
    # ... not another perpetrator, nor an event not coded as targeting civilians
    assert _graded({"e": note}, actor="JNIM") == {"e": "single_source"}
    assert _graded({"e": note}, targeting=False) == {"e": "single_source"}


def test_words_about_terrorists_that_are_no_counter_claim():
    notes = {
        "residents": "Soldiers killed 20 men. According to residents, the victims were not terrorists.",
        "radio": "Studio Tamani reported that terrorists killed 5 civilians.",
    }
    assert _graded(notes) == {"residents": "single_source", "radio": "single_source"}


def test_the_counter_claim_contests_only_civilian_targeting(tmp_path):
    battle = {
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "actor2": "JNIM: Group for Support of Islam and Muslims",
        "inter2": "2",
        "civilian_targeting": "",
        "source": "RFI; AFP",
        "notes": 'The army said it had killed 20 "terrorists" in the clash.',
    }
    assert grades(tmp_path, [battle]) == {"acled-MLI1": "corroborated"}


def test_the_basis_names_the_publishers_and_the_words(tmp_path):
    _, tables = import_events(
        tmp_path,
        [
            {
                "assoc_actor_1": "Wagner Group",
                "source": "Human Rights Watch; Undisclosed Source; Le Monde",
                "notes": 'Soldiers killed 30 men. The Malian army said it had killed 30 "terrorists".',
                "fatalities": "30",
            }
        ],
    )
    basis = tables["perpetrators"].set_index("actor")["attribution_basis"]
    assert basis["FAMa"] == (
        "ACLED codes Military Forces of Mali (2021-) as actor1; ACLED source: 2 distinct named publishers "
        "(Human Rights Watch; Le Monde), 1 unnamed source(s) not counted; "
        'ACLED notes: "The Malian army said it had killed 30 "terrorists" (counter-claim: terrorists)'
    )
    # The army's counter-claim is about the army: Wagner keeps the grade its publishers give.
    assert tables["perpetrators"].set_index("actor")["attribution"].to_dict() == {
        "FAMa": "contested",
        "Wagner Group": "corroborated",
    }


# --- harms -------------------------------------------------------------------------------------------------

CASUALTY = list(TABLES["casualties"].columns)


def test_sexual_violence_is_a_harm_reported_with_no_figure(tmp_path):
    sexual = {"sub_event_type": "Sexual violence", "notes": "Gunmen assaulted women fetching water."}
    _, tables = import_events(tmp_path, [sexual, {**sexual, "fatalities": "2"}])
    assert tables["casualties"][CASUALTY].values.tolist() == [
        ["acled-MLI2", "killed", "civilian", "all", "2", "2", "", "ACLED fatalities: 2"],
        [
            "acled-MLI1",
            "sexual_violence",
            "civilian",
            "all",
            "",
            "",
            "",
            "ACLED records sexual violence; no count given",
        ],
        [
            "acled-MLI2",
            "sexual_violence",
            "civilian",
            "all",
            "",
            "",
            "",
            "ACLED records sexual violence; no count given",
        ],
    ]


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("Gunmen killed 12 civilians, including three women and six children.", {"women": 3, "children": 6}),
        ("A woman and seven children were killed when the cart hit a mine.", {"women": 1, "children": 7}),
        ("Des hommes armés ont tué 12 civils, dont deux femmes et trois enfants.", {"women": 2, "children": 3}),
        ("Among the dead were 2 women and 4 children.", {"women": 2, "children": 4}),
        ("Soldiers executed 9 men, killing a child.", {"children": 1}),
        # about the wounded, not the dead
        ("Gunmen killed 4 men and wounded 8, including three children.", {}),
        ("Gunmen killed 4 men. Six children were wounded.", {}),
        ("Des hommes armés ont tué 4 hommes et blessé 8 personnes, dont trois enfants.", {}),
        # no exact figure, or not a group of victims
        ("Gunmen killed 10 people, including several children.", {}),
        ("Gunmen killed a child's father.", {}),
        ("Three women were abducted; four men were killed.", {}),
    ],
)
def test_women_and_children_figures_from_the_notes(note, expected):
    found = group_figures(pd.Series({"e": note}))
    assert dict(zip(found["victim_group"], found["figure"], strict=True)) == expected


def test_group_rows_are_subsets_of_the_killed_row_and_never_added(tmp_path):
    result, tables = import_events(
        tmp_path,
        [
            {"fatalities": "12", "notes": "Gunmen killed 12 civilians, including three women and six children."},
            {"fatalities": "5", "notes": "Soldiers killed 5 men and wounded 8, including three children."},
            {"fatalities": "2", "notes": "Soldiers killed 2 people. Among the dead were 4 children."},  # 4 > 2
            {
                "fatalities": "0",
                "notes": "A woman and seven children were killed, a witness said.",
            },  # no figure: no rows
        ],
    )
    casualties = tables["casualties"]
    assert casualties[CASUALTY].values.tolist() == [
        ["acled-MLI1", "killed", "civilian", "all", "12", "12", "", "ACLED fatalities: 12"],
        ["acled-MLI2", "killed", "civilian", "all", "5", "5", "", "ACLED fatalities: 5"],
        ["acled-MLI3", "killed", "civilian", "all", "2", "2", "", "ACLED fatalities: 2"],
        ["acled-MLI1", "killed", "civilian", "women", "3", "3", "", 'ACLED notes: "three women and six children", among the dead'],
        ["acled-MLI1", "killed", "civilian", "children", "6", "6", "", 'ACLED notes: "three women and six children", among the dead'],
    ]  # fmt: skip
    assert any("1 figure(s) larger than the event's own fatalities left out" in n for n in result.notes)
    dataset = load_dataset(tmp_path / "out")
    everyone = aggregate(dataset, ("actor",), Selection(), fill=False)
    assert int(everyone["count_best"].sum()) == 19  # 12 + 5 + 2: the 3 women and 6 children are not added
    assert incident_figures(dataset, victim_group="children")["count_best"].tolist() == [6]


# --- the sources appendix ----------------------------------------------------------------------------------


def test_sources_appendix_counts_publishers_not_combinations(tmp_path):
    sources = ["HRW; Le Monde", "Le Monde; HRW", "RFI; HRW", "AFP", "Undisclosed Source; AFP", "le monde"]
    import_events(tmp_path, [{"source": s} for s in sources])
    table = evidence.sources_appendix(load_dataset(tmp_path / "out"))
    # six combinations of five publishers ("le monde" is Le Monde; the unnamed label shown as ACLED writes
    # it): the three most cited named, two more
    assert table["carried by"].tolist() == ["HRW, Le Monde, AFP and 2 more"]
    assert "counted by publisher, never by combination" in annex.sources_note(table)


# --- a larger synthetic export: a plain pandas recount -----------------------------------------------------


@pytest.fixture(scope="module")
def synthetic_import(tmp_path_factory):
    folder = tmp_path_factory.mktemp("graded")
    path = synthetic.write_acled_with_sources(folder / "export.csv", 3_000, seed=5)
    run_import("acled", path, folder / "out")
    return pd.read_csv(path, dtype=str, keep_default_na=False), folder / "out"


def test_grades_recount_against_plain_pandas(synthetic_import):
    raw, out = synthetic_import
    perpetrators = pd.read_csv(out / "perpetrators.csv", dtype=str)
    incidents = pd.read_csv(out / "incidents.csv", dtype=str)
    # Plain recount: distinct publishers per event, case and spaces ignored, unnamed labels dropped.
    parts = raw.set_index("event_id_cnty")["source"].str.split(";").explode().str.strip().str.lower()
    parts = parts[parts.ne("") & ~parts.isin([s.lower() for s in synthetic.UNNAMED_SOURCES])]
    distinct = parts.groupby(level=0).nunique()
    several = set("acled-" + distinct.index[distinct >= 2])
    several &= set(incidents["incident_id"])
    assert len(several) > 500
    by_event = perpetrators.groupby("incident_id")["attribution"]
    graded = by_event.apply(lambda g: g.ne("single_source").all())
    # Every perpetrator of an event with two or more publishers is graded above single_source ...
    assert graded[list(several)].all()
    # ... and no event with fewer is corroborated.
    corroborated = set(perpetrators.loc[perpetrators["attribution"].eq("corroborated"), "incident_id"])
    assert corroborated <= several
    # The events with >= 2 publishers graded corroborated, alleged, acknowledged or contested: the recount.
    primary = perpetrators[perpetrators["role"].eq("primary")].set_index("incident_id")["attribution"]
    above = primary[primary.index.isin(several)]
    assert above.isin(["corroborated", "alleged", "acknowledged", "contested"]).sum() == len(several)


def test_synthetic_victim_groups_recount(synthetic_import):
    raw, out = synthetic_import
    casualties = pd.read_csv(out / "casualties.csv", dtype=str, keep_default_na=False)
    # The generator's sentences stating women and children among the dead, recounted with a plain regex.
    stated = raw["notes"].str.extract(
        r"(?:including|Among the dead were|dont) (a woman|une femme|\w+ women|\d+ femmes) (?:and|et)", expand=False
    )
    expected = int(stated.notna().sum())
    women = casualties[casualties["victim_group"].eq("women")]
    assert expected > 5 and len(women) == expected
    wounded = raw["notes"].str.contains("children were wounded") & ~raw["notes"].str.contains("among them a child")
    wounded_only = raw.loc[wounded, "event_id_cnty"]
    assert len(wounded_only) > 3
    killed_children = casualties.loc[casualties["victim_group"].eq("children"), "incident_id"]
    assert not set("acled-" + wounded_only) & set(killed_children)
    killed_all = casualties[casualties["harm"].eq("killed") & casualties["victim_group"].eq("all")]
    whole = killed_all.set_index("incident_id")["count_best"].astype(int)
    groups = casualties[casualties["victim_group"].isin(["women", "children"])]
    assert (groups["count_best"].astype(int).to_numpy() <= whole[groups["incident_id"]].to_numpy()).all()
    sexual = raw["sub_event_type"].eq("Sexual violence").sum()
    assert casualties["harm"].eq("sexual_violence").sum() == sexual > 0


# --- end to end --------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_report_shows_sexual_violence_and_children_and_women(synthetic_import, tmp_path):
    from analysis.report.render import render

    _, out = synthetic_import
    result = render(parameters={"data_dir": str(out)}, out_dir=tmp_path, slug="graded", formats=("html",))
    page = (result.directory / "report.html").read_text(encoding="utf-8")
    harm = page[page.index("Harm other than killing") :]
    assert "victims of sexual violence" in harm[:20_000]
    groups = page[page.index(">Children and women<") :][:20_000]
    table = groups[groups.index("<table") : groups.index("</table>")]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", table)
    assert any(re.fullmatch(r"\d[\d,]*", c.strip()) for c in cells[2::4] + cells[3::4])
