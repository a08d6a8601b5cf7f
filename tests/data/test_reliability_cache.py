"""The validation cache checks itself (issue 23): no pickle (a pickle runs code when loaded), each table in
Arrow IPC with its SHA-256 in meta.json, and an entry that does not match is not used: the data is validated
again from the CSV files."""

from __future__ import annotations

import io
import pickle

import pandas as pd

from analysis.data import dataset as dataset_module
from analysis.data.dataset import load_dataset


def test_an_edited_cache_entry_is_not_served_and_the_csvs_are_validated_again(tiny, _dataset_cache):
    fresh = load_dataset(tiny)
    entry = dataset_module._cache_path(dataset_module._cache_key(tiny))
    table = entry / "casualties.arrow"
    edited = pd.read_feather(table).assign(count_best=pd.array([999] * len(fresh.casualties), dtype="Int64"))
    buffer = io.BytesIO()
    edited.to_feather(buffer)
    table.write_bytes(buffer.getvalue())
    again = load_dataset(tiny)
    assert 999 not in set(again.casualties["count_best"].dropna())
    pd.testing.assert_frame_equal(again.casualties, fresh.casualties)
    assert (entry / "casualties.arrow").read_bytes() != buffer.getvalue(), "the entry is written again"


class _Payload:
    def __reduce__(self):
        return (exec, ("import pathlib; pathlib.Path(__import__('os').environ['MARK']).write_text('ran')",))


def test_a_crafted_pickle_in_the_cache_is_never_loaded(tiny, _dataset_cache, tmp_path, monkeypatch):
    mark = tmp_path / "mark"
    monkeypatch.setenv("MARK", str(mark))
    key = dataset_module._cache_key(tiny)
    folder = _dataset_cache / "datasets"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{key}.pickle").write_bytes(pickle.dumps(_Payload()))
    load_dataset(tiny)
    assert not mark.exists(), "the cache ran code"
