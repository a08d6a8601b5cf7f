"""Matching against known truth: the right pair wins where the nearest date or place would be wrong."""

import dataclasses

import pandas as pd
from synthetic_pairs import MASSACRE_PAIRS, precision_recall, truth_pair

from analysis.measure import matching


def _match(background=300, **kw):
    acled, ucdp, truth = truth_pair(background)
    m = matching.match_events(acled, ucdp, labels=("acled", "ucdp"), **kw)
    found = set(zip(m.pairs["incident_id_a"], m.pairs["incident_id_b"], strict=True))
    return m, found, truth


def test_precision_and_recall_against_truth():
    _, found, truth = _match()
    precision, recall = precision_recall(found, truth)
    massacre_found = {
        p for p in found if p[0] in {a for a, _ in MASSACRE_PAIRS} or p[1] in {b for _, b in MASSACRE_PAIRS}
    }
    m_precision, m_recall = precision_recall(massacre_found, MASSACRE_PAIRS)
    print(f"all pairs: precision {precision:.3f}, recall {recall:.3f} ({len(found)} found, {len(truth)} true)")
    print(f"massacre cases: precision {m_precision:.3f}, recall {m_recall:.3f}")
    assert m_precision >= 0.95 and m_recall >= 0.95
    assert precision >= 0.9 and recall >= 0.9


def test_ogossagou_pairs_with_ogossagou_not_the_nearer_village():
    m, found, _ = _match(background=0)
    assert ("A-ogo", "U-ogo") in found
    left = m.unmatched_a.set_index("incident_id")["reason"]
    assert left["A-wel"] == "candidate ucdp U-ogo (score 72) matched better to acled A-ogo (score 92)"
    pair = m.pairs.set_index("incident_id_a").loc["A-ogo"]
    assert pair["reasons"] == (
        "score 92: 1 day apart; same place name (Ogossagou); 3 km apart; same family (Militias); "
        "figures close (157 / 145)"
    )


def test_split_massacre_meets_one_event_as_an_episode():
    m, found, _ = _match(background=0)
    assert ("E-moura", "U-moura") in found and ("A-koro", "U-koro") in found
    pair = m.pairs.set_index("incident_id_a").loc["E-moura"]
    assert pair["incident_ids_a"] == "A-m1; A-m2; A-m3"
    assert (pair["count_best_a"], pair["count_best_b"], pair["difference_best"]) == (388, 243, -145)
    assert pair["reasons"].endswith("acled episode of 3 records")


def test_renamed_groups_are_one_family():
    m, found, _ = _match(background=0)
    assert ("A-cma", "U-cma") in found
    left = m.unmatched_b.set_index("incident_id")["reason"]
    assert left["U-jnim"] == (
        "closest acled A-cma: no perpetrator family in common "
        "(ucdp: JNIM and predecessors; acled: Tuareg and Arab armed groups)"
    )


def test_events_only_one_dataset_has_say_why():
    m, _, _ = _match(background=0)
    assert m.unmatched_a.set_index("incident_id").at["A-only", "reason"] == (
        "no ucdp event within 3 days and 25 km (the same cercle or region where coordinates are missing), "
        "and no near miss within 7 days"
    )
    assert m.unmatched_b.set_index("incident_id").at["U-only", "reason"] == (
        "no acled event within 3 days and 25 km (the same cercle or region where coordinates are missing), "
        "and no near miss within 7 days"
    )


def test_without_episodes_the_records_match_one_by_one():
    acled, ucdp, _ = truth_pair(0)
    plain = dataclasses.replace(acled, incidents=acled.incidents.assign(parent_incident_id=pd.NA))
    m = matching.match_events(plain, ucdp, labels=("acled", "ucdp"))
    moura = m.pairs[m.pairs["incident_id_b"] == "U-moura"]
    assert moura["incident_id_a"].tolist() == ["A-m1"]  # the first record, the same first day


def test_candidates_use_an_index_not_all_pairs():
    acled, ucdp, _ = truth_pair(300)
    m = matching.match_events(acled, ucdp)
    assert m.candidates < m.events_a * m.events_b / 4


def test_sparse_solver_gives_the_same_assignment(monkeypatch):
    _, found, _ = _match()
    monkeypatch.setattr(matching, "DENSE_LIMIT", 0)  # every component to min_weight_full_bipartite_matching
    _, sparse_found, _ = _match()
    assert sparse_found == found and len(found) > 150
