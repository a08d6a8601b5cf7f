"""One entry point for every importer: read, map, account for every row, validate, publish."""

from __future__ import annotations

import importlib
from pathlib import Path

import pandas as pd

from ..schema import MAX_CELL_CHARACTERS
from .output import Resolver, publish, reference_tables
from .reading import InputFileError
from .result import ImportResult, rejects_frame

#: kind -> (module, function, default dataset name)
IMPORTERS = {
    "acled": ("analysis.importers.acled", "import_acled", "acled"),
    "ucdp": ("analysis.importers.ucdp", "import_ucdp", "ucdp"),
    "table": ("analysis.importers.table", "import_table", None),
}


def run_import(
    kind: str,
    file: str | Path,
    out_dir: str | Path,
    dataset: str | None = None,
    reference_dir: Path | None = None,
    **options,
) -> ImportResult:
    """Import ``file`` into ``out_dir``. Raises InputFileError for a file that cannot be imported."""
    module_name, function_name, default_dataset = IMPORTERS[kind]
    importer = getattr(importlib.import_module(module_name), function_name)
    resolver = Resolver(reference_tables(reference_dir))
    result: ImportResult = importer(Path(file), resolver=resolver, dataset=dataset or default_dataset, **options)
    result.unmatched_actors = resolver.unmatched_actors
    result.unmatched_regions = resolver.unmatched_regions
    result.new_actors = resolver.new_actors()
    _reject_oversized(result)
    if result.rows_read == 0:
        raise InputFileError(f"{file}: expected records after the header; the file has only a header")
    if result.rows_written == 0:
        reasons = "\n".join(f"  {line}" for line in result.report_lines())
        raise InputFileError(
            f"{file}: expected at least one row that can be imported; every row was rejected:\n{reasons}"
        )
    publish(result, out_dir, reference_dir)
    return result


def _reject_oversized(result: ImportResult) -> None:
    """Apply the schema's cell limit to every importer: an incident with a longer text is rejected whole."""
    tables = ("incidents", "perpetrators", "casualties", "sources")
    too_long: set[str] = set()
    for name in tables:
        frame = getattr(result, name)
        for column in frame.columns:
            if frame[column].dtype.kind in "biufcmM":
                continue
            lengths = frame[column].astype(object).str.len().fillna(0)
            too_long.update(frame.loc[lengths > MAX_CELL_CHARACTERS, "incident_id"])
    if not too_long:
        return
    deaths_before = result.deaths_written
    for name in tables:
        frame = getattr(result, name)
        setattr(result, name, frame[~frame["incident_id"].isin(too_long)])
    result.deaths_rejected += deaths_before - result.deaths_written
    dropped = rejects_frame(
        [None] * len(too_long),
        sorted(too_long),
        [f"field too long: a cell holds more than {MAX_CELL_CHARACTERS:,} characters"] * len(too_long),
    )
    result.rejects = pd.concat([result.rejects, dropped], ignore_index=True)
