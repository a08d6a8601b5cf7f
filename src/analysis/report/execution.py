"""Run a notebook in a Jupyter kernel: what a single render and the warm kernels of ``render-all`` share.

``execute`` has papermill execute a notebook (in a new kernel, or through another engine such as the warm
kernels' ``mali-warm``, see kernels.py); a failing cell is raised as ``CellFailed``, numbered as the analyst
sees the notebook (``analyst_cell``). Kernels talk over Unix sockets in a private folder (``kernel_folder``,
``kernel_config``). This module imports nothing else of the report, so that render.py and kernels.py both
import it and neither imports the other at the top.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from .. import config

#: A kernel's private folder of sockets: the prefix names the process that made it, so that a folder left by
#: a process killed outright (kill -9 runs no clean-up) is found and removed by the next render
#: (kernels.sweep_kernel_folders).
FOLDER_PREFIX = "mali-kernel-"


def kernel_folder() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix=f"{FOLDER_PREFIX}{os.getpid()}-")


def execute(notebook: Path, output: Path, parameters: dict, **engine) -> None:
    """Papermill executes ``notebook`` into ``output``; ``engine``: another papermill engine and its arguments.

    A cell's printed text is written as one output per stream (nbclient's ``coalesce_streams``): the kernel
    sends ``print("x")`` as "x" and "\\n" or as "x\\n" depending on when it flushes, and the same notebook must
    be written the same way every time, by a new kernel or a warm one."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    logging.getLogger("papermill").setLevel(logging.WARNING)
    with kernel_folder() as sockets:
        try:
            pm.execute_notebook(
                str(notebook),
                str(output),
                parameters=parameters,
                kernel_name="python3",
                progress_bar=False,
                cwd=str(config.PROJECT_ROOT),
                log_output=False,
                config=kernel_config(Path(sockets)),
                coalesce_streams=True,
                **engine,
            )
        except PapermillExecutionError as err:
            raise CellFailed(*analyst_cell(output, err), err.ename, err.evalue) from None


def kernel_config(folder: Path):
    """The kernel talks to us over IPC (Unix sockets in ``folder``, a private temporary folder) rather than
    TCP: no port on the machine that another local user could connect to or listen on, and so no
    "Kernel is running over TCP without encryption" warning from ipykernel. Silencing that warning with the
    kernel's log level would leave the plain-text TCP channel it warns about, and hide the kernel's other
    warnings too."""
    from traitlets.config import Config

    return Config({"KernelManager": {"transport": "ipc", "ip": str(folder / "kernel")}})


def analyst_cell(executed: Path, error) -> tuple[int, str]:
    """The failing cell as the analyst sees the notebook: its number (1 for the first cell, counting every
    cell, code and text, but those papermill adds: the parameters it injects and its error notes) and its
    first line of code."""
    import nbformat
    from papermill.execute import ERROR_MARKER_TAG

    lines = [line.strip() for line in error.source.splitlines() if line.strip() and not line.startswith("#")]
    first_line = lines[0] if lines else ""
    try:
        cells = nbformat.read(str(executed), as_version=4).cells
    except (OSError, ValueError):  # papermill writes the executed notebook before it raises; in case it did not
        return error.exec_count, first_line
    ran = [cell for cell in cells if ERROR_MARKER_TAG not in cell.metadata.get("tags", [])]  # as executed
    added = sum("injected-parameters" in cell.metadata.get("tags", []) for cell in ran[: error.cell_index])
    return error.cell_index + 1 - added, first_line


class CellFailed(Exception):
    """A cell of the notebook raised: its number as the analyst sees it, first line, exception name and message."""

    def __init__(self, cell: int, first_line: str, name: str, value: str):
        self.cell, self.first_line, self.name, self.value = cell, first_line, name, value
        super().__init__(f"cell {cell}: {name}: {value}")
