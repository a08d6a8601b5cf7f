"""Writes the bad-input corpus: one folder per case, each holding the one broken table file.

Every file is the minimal valid dataset's table (tests/conftest.py ``minimal_tables``) with one
thing broken, so dropping it into that dataset breaks exactly one thing. ``cases.yml`` says, per
case, which file it replaces and what ``python -m analysis validate`` must answer.

Run it again after changing a case (the output is deterministic):

    PYTHONPATH=src:tests python tests/bad_inputs/build.py
"""

from __future__ import annotations

import copy
import csv
import io
import random
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from analysis.data.schema import TABLES  # noqa: E402

from conftest import minimal_tables  # noqa: E402

#: How long the "huge field" summary is: 1 MiB of text.
HUGE = 1024 * 1024


def table_text(name: str, rows: list[dict] | None = None, columns: list[str] | None = None, sep: str = ",") -> str:
    """A table as CSV text with "\\n" line ends, from the minimal dataset unless rows are given."""
    columns = columns or list(TABLES[name].columns)
    rows = minimal_tables()[name] if rows is None else rows
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return buffer.getvalue()


def with_row(name: str, index: int = 0, **changes) -> str:
    rows = copy.deepcopy(minimal_tables()[name])
    rows[index].update(changes)
    return table_text(name, rows)


def accented_incidents() -> str:
    return with_row("incidents", title="Raid à Niono", location_name="Ségou")


def duplicated_id() -> str:
    rows = copy.deepcopy(minimal_tables()["incidents"])
    rows.append({**rows[0], "title": "Same id, second row"})
    return table_text("incidents", rows)


def renamed_column(old: str, new: str) -> str:
    columns = [new if c == old else c for c in TABLES["incidents"].columns]
    rows = [{(new if k == old else k): v for k, v in r.items()} for r in minimal_tables()["incidents"]]
    return table_text("incidents", rows, columns)


def missing_column() -> str:
    return table_text("incidents", columns=[c for c in TABLES["incidents"].columns if c != "summary"])


def extra_column() -> str:
    rows = [{**r, "notes": "checked twice"} for r in minimal_tables()["incidents"]]
    return table_text("incidents", rows, [*TABLES["incidents"].columns, "notes"])


def duplicated_column() -> str:
    columns = list(TABLES["incidents"].columns)
    return table_text("incidents", columns=[*columns[:4], "title", *columns[4:]])


def truncated_in_quotes() -> str:
    """The last record cut off inside a quoted summary, as a copy interrupted mid-file leaves it."""
    rows = copy.deepcopy(minimal_tables()["incidents"])
    rows.append({**rows[0], "incident_id": "t-2", "summary": "Soldiers arrived at dawn, witnesses said"})
    text = table_text("incidents", rows)
    cut = text.index("witnesses said")
    return text[:cut]


def truncated_fields() -> str:
    """The last line cut off after a few fields, without a line end."""
    rows = copy.deepcopy(minimal_tables()["incidents"])
    rows.append({**rows[0], "incident_id": "t-2"})
    text = table_text("incidents", rows)
    return text[: text.index("t-2") + len("t-2,event,Joint raid,,2024-0")]


def binary_garbage() -> bytes:
    rng = random.Random(20240301)
    return bytes(rng.randrange(256) for _ in range(4096))


def xlsx_renamed() -> bytes:
    """The start of a ZIP archive: an Excel workbook saved under the .csv name."""
    return b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + bytes(range(256)) * 4


def utf16_no_bom() -> bytes:
    return accented_incidents().encode("utf-16-le")


#: case -> (file it replaces, relative to the data directory; its bytes)
CASES: dict[str, tuple[str, Callable[[], bytes | str]]] = {
    "encoding_latin1": ("incidents.csv", lambda: accented_incidents().encode("latin-1")),
    "encoding_utf16": ("incidents.csv", lambda: accented_incidents().encode("utf-16")),
    "encoding_utf16_no_bom": ("incidents.csv", utf16_no_bom),
    "encoding_utf8_bom": ("incidents.csv", lambda: accented_incidents().encode("utf-8-sig")),
    "delimiter_semicolon": ("incidents.csv", lambda: table_text("incidents", sep=";")),
    "delimiter_tab": ("reference/actors.csv", lambda: table_text("actors", sep="\t")),
    "line_ends_crlf": ("casualties.csv", lambda: table_text("casualties").replace("\n", "\r\n")),
    "empty_file": ("perpetrators.csv", lambda: b""),
    "header_only": ("incidents.csv", lambda: table_text("incidents", rows=[])),
    "column_missing": ("incidents.csv", missing_column),
    "column_extra": ("incidents.csv", extra_column),
    "column_duplicated": ("incidents.csv", duplicated_column),
    "column_renamed": ("incidents.csv", lambda: renamed_column("summary", "narrative")),
    "column_renamed_spelling": ("incidents.csv", lambda: renamed_column("start_date", "Start Date")),
    "duplicate_ids": ("incidents.csv", duplicated_id),
    "count_as_words": ("casualties.csv", lambda: with_row("casualties", count_min="dozens")),
    "count_negative": ("casualties.csv", lambda: with_row("casualties", 1, count_min="-2")),
    "count_min_above_max": ("casualties.csv", lambda: with_row("casualties", count_min="12")),
    "date_impossible": ("incidents.csv", lambda: with_row("incidents", end_date="2024-02-30")),
    "date_in_future": ("incidents.csv", lambda: with_row("incidents", start_date="2999-01-01", end_date="2999-01-01")),
    "date_end_before_start": ("incidents.csv", lambda: with_row("incidents", end_date="2024-02-01")),
    "coordinates_outside_mali": ("incidents.csv", lambda: with_row("incidents", latitude="48.85", longitude="2.35")),
    "coordinates_swapped": ("incidents.csv", lambda: with_row("incidents", latitude="-3.0", longitude="16.77")),
    "unknown_actor": ("perpetrators.csv", lambda: with_row("perpetrators", 1, actor="Mystery Brigade")),
    "unknown_region": ("incidents.csv", lambda: with_row("incidents", admin1="Atlantis")),
    "orphan_row": ("casualties.csv", lambda: with_row("casualties", 1, incident_id="nowhere")),
    "huge_field": ("incidents.csv", lambda: with_row("incidents", summary="x" * HUGE)),
    "truncated_in_quotes": ("incidents.csv", truncated_in_quotes),
    "truncated_fields": ("incidents.csv", truncated_fields),
    "binary_garbage": ("incidents.csv", binary_garbage),
    "xlsx_renamed": ("sources.csv", xlsx_renamed),
}


def build(target: Path = HERE) -> None:
    for case, (relative, make) in CASES.items():
        folder = target / case
        shutil.rmtree(folder, ignore_errors=True)
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        content = make()
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)


if __name__ == "__main__":
    build()
    print(f"wrote {len(CASES)} cases under {HERE}")
