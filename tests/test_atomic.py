"""The one atomic-replace helper: the target is the old one or the new one, never a half, and nothing is left."""

from __future__ import annotations

import pytest

from analysis.atomic import replace_directory, replace_symlink, write_file


def test_write_file_replaces_and_leaves_nothing_beside(tmp_path):
    target = tmp_path / "cache" / "a.bin"
    write_file(target, lambda f: f.write(b"old"))
    write_file(target, lambda f: f.write(b"new"))
    assert target.read_bytes() == b"new"
    assert [p.name for p in target.parent.iterdir()] == ["a.bin"]


def test_failed_write_or_check_keeps_the_old_file(tmp_path):
    target = tmp_path / "a.json"
    target.write_text("good")

    def broken(file):
        file.write(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_file(target, broken)

    def refuse(path):
        assert path.read_bytes() == b"bad" and path != target
        raise ValueError("not a FeatureCollection")

    with pytest.raises(ValueError, match="FeatureCollection"):
        write_file(target, lambda f: f.write(b"bad"), check=refuse)
    assert target.read_text() == "good"
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_replace_directory(tmp_path):
    target, staging = tmp_path / "out", tmp_path / ".out.staging"
    staging.mkdir()
    (staging / "new.csv").write_text("new")
    replace_directory(staging, target)  # nothing there yet
    assert [p.name for p in target.iterdir()] == ["new.csv"]
    staging.mkdir()
    (staging / "newer.csv").write_text("newer")
    replace_directory(staging, target)
    assert [p.name for p in target.iterdir()] == ["newer.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_replace_symlink(tmp_path):
    for name in ("build-1", "build-2"):
        (tmp_path / name).mkdir()
    target = tmp_path / "report"
    replace_symlink(target, "build-1")
    replace_symlink(target, "build-2")
    assert target.is_symlink() and target.resolve() == (tmp_path / "build-2").resolve()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build-1", "build-2", "report"]
