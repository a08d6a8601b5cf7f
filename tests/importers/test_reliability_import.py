"""Every row or a refusal (issue 23): an import reads every record of the file, or refuses the file with
exit 2 naming the line and writes nothing. A cell larger than the readers' blocks once made an import stop
there, silently, and publish what it had read over a good earlier import."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from synthetic import acled_export

from analysis.cli import main
from analysis.importers import reading
from analysis.importers.reading import InputFileError, read_table_file

from conftest import ROOT, TESTS

TABLE = TESTS / "fixtures" / "table" / "incidents_fr_latin1.csv"
MAPPING = ROOT / "examples" / "mappings" / "liste_simple_fr.yml"
BIG = 20_000_000  # characters: more than pyarrow's block (1 MiB) and the csv module's old limit (16 MiB)


def _export(path: Path, n: int = 120, big_at: int | None = None) -> Path:
    frame = acled_export(n, "2023", seed=3)
    if big_at is not None:
        frame.loc[big_at, "notes"] = "x" * BIG
    path.write_text(frame.to_csv(index=False, lineterminator="\n"), encoding="utf-8", newline="")
    return path


def _import(args, capsys) -> tuple[int, str, str]:
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.slow
def test_a_20_mb_cell_mid_export_is_one_rejected_record_and_every_other_record_is_read(tmp_path, capsys):
    path = _export(tmp_path / "acled.csv", big_at=60)
    code, stdout, err = _import(["import", "acled", str(path), "--out", str(tmp_path / "out")], capsys)
    assert code == 0, err
    assert "rows read:                120" in stdout
    assert "balance:            ok" in stdout
    rejects = pd.read_csv(tmp_path / "out" / "rejects.csv")
    too_long = rejects[rejects["reason"].str.startswith("field too long")]
    text = path.read_text(encoding="utf-8")
    line = text[: text.index("x" * 100)].count("\n") + 1  # notes with line breaks push records down
    assert list(too_long["line"]) == [line]
    assert "20,000,000 characters" in too_long["reason"].iloc[0]


def test_the_slow_reader_reads_past_a_20_mb_cell_too(tmp_path):
    # A record with a field too many sends the file to the csv module (which knows each record's line).
    header = "a,b,c\n"
    text = header + "1,2,3\n" + f'4,"{"y" * BIG}",6\n' + "7,8,9,10\n" + "11,12,13\n"
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    raw = read_table_file(path)
    assert list(raw.frame["a"]) == ["1", "11"]
    assert [line for line, _ in raw.unreadable] == [4, 3]  # the extra field, then the long cell
    assert raw.records == 4


@pytest.mark.slow
def test_own_table_with_a_20_mb_cell_reads_every_record(tmp_path, capsys):
    lines = TABLE.read_bytes().decode("latin-1").splitlines()
    body = lines[1:]
    first = body[0].split(";")
    first[-1] = "z" * BIG
    path = tmp_path / "liste.csv"
    path.write_bytes("\n".join([lines[0], *body[1:2], ";".join(first), *body[2:]]).encode("latin-1") + b"\n")
    args = ["import", "table", str(path), "--mapping", str(MAPPING), "--out", str(tmp_path / "out")]
    code, stdout, err = _import(args, capsys)
    assert code == 0, err
    assert f"rows read:          {len(body):>9,}" in stdout
    assert "field too long" in (tmp_path / "out" / "rejects.csv").read_text()


def test_a_quote_never_closed_mid_file_refuses_the_file_and_keeps_the_earlier_import(tmp_path, capsys):
    good = _export(tmp_path / "good.csv")
    out = tmp_path / "out"
    assert _import(["import", "acled", str(good), "--out", str(out)], capsys)[0] == 0
    before = (out / "incidents.csv").read_bytes()
    lines = good.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[30] = lines[30].replace(",", ',"', 1)  # a field opened with a quote that never closes
    bad = tmp_path / "bad.csv"
    bad.write_text("".join(lines), encoding="utf-8")
    code, _, err = _import(["import", "acled", str(bad), "--out", str(out)], capsys)
    assert code == 2
    assert "line 31" in err and "Nothing was written" in err
    assert (out / "incidents.csv").read_bytes() == before


def test_a_reader_that_returns_fewer_records_than_the_file_holds_is_refused(tmp_path, monkeypatch):
    path = _export(tmp_path / "acled.csv", n=20)
    real = reading._read_with_pyarrow

    def short(*args, **kwargs):
        raw = real(*args, **kwargs)
        raw.frame, raw.lines = raw.frame.iloc[:12], raw.lines[:12]
        return raw

    monkeypatch.setattr(reading, "_read_with_pyarrow", short)
    with pytest.raises(InputFileError, match=r"holds 20 records and only 12 could be read"):
        read_table_file(path)


def test_a_full_disk_during_an_import_names_the_path_and_keeps_the_earlier_import(tmp_path, capsys, monkeypatch):
    import errno

    from analysis.importers import output

    good = _export(tmp_path / "good.csv", n=20)
    out = tmp_path / "out"
    assert _import(["import", "acled", str(good), "--out", str(out)], capsys)[0] == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def full(result, tables, staging, earlier):
        raise OSError(errno.ENOSPC, "No space left on device", str(staging / "incidents.csv"))

    monkeypatch.setattr(output, "_write", full)
    code, _, err = _import(["import", "acled", str(good), "--out", str(out)], capsys)
    assert code == 1
    assert "incidents.csv (the disk is full)" in err and "previous import (if any) is kept unchanged" in err
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [".out.lock"]  # the lock is kept


def test_an_import_into_an_output_another_import_is_writing_waits_then_names_the_process(tmp_path, capsys, monkeypatch):
    from analysis.importers import output

    out = tmp_path / "out"
    assert _import(["import", "acled", str(_export(tmp_path / "a.csv", n=20)), "--out", str(out)], capsys)[0] == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    other = _export(tmp_path / "b.csv", n=30)

    # Another import holds the output's lock (this process, through a second open file): the import waits,
    # then gives up with exit 1 naming that process, and the earlier import is whole.
    monkeypatch.setattr(output, "LOCK_WAIT", 0.5)
    with output.output_lock(out.resolve()):
        code, _, err = _import(["import", "acled", str(other), "--out", str(out)], capsys)
    assert code == 1, err
    assert f"waiting: {out} is being written by an import in process {os.getpid()}" in err
    assert f"is being written by an import in process {os.getpid()}; nothing was changed" in err
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before

    # Released while the import waits: it goes on and publishes. The lock is held until the import says it
    # waits (however long the import takes to get there on a busy machine), then a moment more.
    monkeypatch.setattr(output, "LOCK_WAIT", 60.0)
    held, import_waits = threading.Event(), threading.Event()
    plain_lock = output.held_lock

    def lock_noting_the_wait(path, wait, busy, waiting):
        def said(holder):
            import_waits.set()
            return waiting(holder)

        return plain_lock(path, wait, busy, said)

    monkeypatch.setattr(output, "held_lock", lock_noting_the_wait)

    def hold_until_the_import_waits():
        with output.output_lock(out.resolve()):
            held.set()
            import_waits.wait(timeout=60)
            time.sleep(0.3)

    holder = threading.Thread(target=hold_until_the_import_waits)
    holder.start()
    held.wait()
    code, stdout, err = _import(["import", "acled", str(other), "--out", str(out)], capsys)
    holder.join()
    assert code == 0 and "waiting:" in err, err
    assert "rows read:                 30\n" in stdout


def test_a_table_linked_to_a_file_outside_the_data_directory_is_not_read_or_echoed(data_copy, tmp_path, capsys):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (data_copy / "incidents.csv").unlink()
    (data_copy / "incidents.csv").symlink_to(secret)
    code, _, err = _import(["validate", str(data_copy)], capsys)
    assert code == 2
    assert "a link to a file outside it" in err and "root:x" not in err
