"""A notebook that renders in a second and keeps a snapshot as the report does (``build_dir`` and
``previous_snapshot``), for the publishing tests: what it checks is the publishing, not the report."""

from __future__ import annotations

from pathlib import Path

import nbformat

PARAMETERS = 'build_dir: str = ""\nprevious_snapshot: str = ""\nlabel: str = "a"\nseconds: float = 0.0'
BODY = """\
import time

import pandas as pd

from analysis.measure.build_diff import HEADLINE_FIGURES, INCIDENT_COLUMNS, SOURCE_COLUMNS, Snapshot, compare
from analysis.report.history import new_build_id, read_snapshot, write_build_files

time.sleep(seconds)
previous = read_snapshot(previous_snapshot) if previous_snapshot else None
snapshot = Snapshot(
    build=new_build_id(),
    parameters={"label": label},
    headline={figure: 1 for figure in HEADLINE_FIGURES},
    incidents=pd.DataFrame(columns=INCIDENT_COLUMNS),
    sources=pd.DataFrame(columns=SOURCE_COLUMNS),
)
if build_dir:
    write_build_files(snapshot, compare(previous, snapshot), build_dir)
print("previous build:", previous.build if previous else "none")
"""


def write_notebook(path: Path) -> Path:
    cells = [
        nbformat.v4.new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(BODY),
    ]
    kernel = {"name": "python3", "language": "python", "display_name": "Python 3"}
    nbformat.write(nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": kernel}), path)
    return path
