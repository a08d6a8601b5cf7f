"""Inside a warm kernel: the imports done once, and the state put back before every job.

``render-all`` runs many notebooks in one kernel (``kernels.py``). This module runs *in* that kernel:
``warm_up`` imports pandas, matplotlib and the package and records the kernel's state as a baseline;
``restore`` puts the kernel back to that baseline before each job, so that no job sees what an earlier
one left: its variables, history and output cache (IPython's reset, which also restarts the execution
count at 1), open figures, matplotlib rcParams, pandas options, warnings filters, logging handlers,
environment variables, working directory, ``sys.path`` and the random generators' seeds. Imported
modules stay imported (that is the point); a notebook that changes a module's globals is not undone,
which is one more reason notebooks only call the package.
"""

from __future__ import annotations

import importlib
import logging
import os
import random
import sys
import warnings

#: Imported once per kernel: what every report notebook imports or loads on its first call.
WARM_MODULES = (
    "numpy",
    "pandas",
    "pyarrow",
    "matplotlib.pyplot",
    "IPython.display",
    "analysis.report.notebook",
    "analysis.report.changes",
    "analysis.report.annex",
    "analysis.report.comparison",
    "analysis.report.export",
    "analysis.report.maps",
)

_baseline: dict | None = None


def warm_up(imports: tuple[tuple[str, tuple[str, ...]], ...] | None = None) -> None:
    """Import the warm modules, or ``imports`` (a single render's: what its notebook imports, as pairs of a
    module and the names taken from it), and record the state every job will start from."""
    global _baseline
    if imports is None:
        for name in WARM_MODULES:
            importlib.import_module(name)
    for module, names in imports or ():
        _import_quietly(module, names)
    mpl = sys.modules.get("matplotlib")
    _baseline = {
        "rc": mpl.rcParams.copy() if mpl is not None else None,
        "warnings": list(warnings.filters),
        "logging": (logging.root.level, list(logging.root.handlers)),
        "environ": dict(os.environ),
        "cwd": os.getcwd(),
        "path": list(sys.path),
    }


def _import_quietly(module: str, names: tuple[str, ...]) -> None:
    """``from module import names`` without binding anything; what fails to import is left for the notebook's
    own cell to report."""
    try:
        loaded = importlib.import_module(module)
        for name in names:
            if not hasattr(loaded, name):  # a submodule, as the import statement would load it
                importlib.import_module(f"{module}.{name}")
    except Exception:  # the notebook's cell raises it where the analyst sees it
        pass


def restore() -> None:
    """Put the kernel back to the state ``warm_up`` recorded."""
    if _baseline is None or _baseline["rc"] is None:
        raise RuntimeError("kernel_state.restore() before warm_up() with the warm modules")
    import matplotlib as mpl
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd
    from IPython import get_ipython

    get_ipython().reset(new_session=True)
    plt.close("all")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a deprecated rcParam or pandas option warns when set back
        mpl.rcParams.update(_baseline["rc"])
        pd.reset_option("all")
    # resetwarnings() tells the warnings module its filters changed; the baseline's are put back after it.
    warnings.resetwarnings()
    warnings.filters[:] = _baseline["warnings"]
    logging.root.setLevel(_baseline["logging"][0])
    logging.root.handlers[:] = _baseline["logging"][1]
    os.environ.clear()
    os.environ.update(_baseline["environ"])
    os.chdir(_baseline["cwd"])
    sys.path[:] = _baseline["path"]
    random.seed()
    np.random.seed()
