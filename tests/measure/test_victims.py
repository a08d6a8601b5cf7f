"""Page 1 names the victim group when a dataset counts only one ("aid workers (civilians)")."""

from types import SimpleNamespace

import pandas as pd

from analysis.measure.victims import only_group, victims_noun


def dataset(*rows):
    columns = ["incident_id", "harm", "victim_status", "victim_group", "count_best"]
    return SimpleNamespace(casualties=pd.DataFrame(list(rows), columns=columns).astype({"count_best": "Int64"}))


def test_a_list_of_aid_workers_only_is_named_so():
    aid = dataset(
        ("a", "killed", "civilian", "all", 2),
        ("a", "killed", "civilian", "aid_workers", 2),
        ("b", "killed", "civilian", "all", 0),
        ("b", "killed", "civilian", "aid_workers", 0),
    )
    assert only_group(aid) == "aid_workers"
    assert victims_noun(aid) == "aid workers (civilians)"


def test_civilians_when_the_group_is_a_part_or_there_are_several():
    part = dataset(("a", "killed", "civilian", "all", 5), ("a", "killed", "civilian", "children", 2))
    assert only_group(part) is None
    missing = dataset(
        ("a", "killed", "civilian", "all", 2),
        ("a", "killed", "civilian", "aid_workers", 2),
        ("b", "killed", "civilian", "all", 4),
    )
    assert victims_noun(missing) == "civilians"
    assert only_group(dataset(("a", "killed", "civilian", "all", 5))) is None
