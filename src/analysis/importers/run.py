"""One entry point for every importer: read, map, account for every row, validate, publish."""

from __future__ import annotations

import importlib
from pathlib import Path

from .episodes import apply_episodes
from .output import Resolver, publish, reference_tables
from .reading import InputFileError
from .result import ImportResult

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
    result.actor_families = resolver.actor_families()
    if result.rows_read == 0:
        raise InputFileError(f"{file}: expected records after the header; the file has only a header")
    if result.rows_written == 0:
        reasons = "\n".join(f"  {line}" for line in result.report_lines())
        raise InputFileError(
            f"{file}: expected at least one row that can be imported; every row was rejected:\n{reasons}"
        )
    # Records of one attack (ACLED's split records, for one) grouped into episodes: the same rule for every dataset.
    apply_episodes(result)
    publish(result, out_dir, reference_dir)
    return result
