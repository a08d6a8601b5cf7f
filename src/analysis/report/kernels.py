"""Warm kernels for batch renders: one Jupyter kernel per worker, reused by every job it renders.

A single render starts a kernel and imports pandas, matplotlib and the package in it, about 2 s of
a 5 s render. ``render-all`` instead gives each worker process a ``WarmKernel``: started once, warmed
by ``kernel_state.warm_up`` (the imports, then a record of the kernel's state), and put back to that
state by ``kernel_state.restore`` before every job, so that no job sees another's variables, figures or
settings. Papermill still injects the parameters and executes the notebook (through the ``mali-warm``
engine below, which hands it the running kernel), so the executed notebook is the one a single render
writes. A job that fails, or a kernel that died or cannot be put back, gets a new kernel.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from .. import config
from .render import execute, kernel_config

ENGINE = "mali-warm"
START_TIMEOUT = 60
#: Seconds allowed for the warm-up imports and for putting the kernel back between jobs.
SETUP_TIMEOUT = 120
#: Calls a ``kernel_state`` function in the kernel without binding a name in the notebook's namespace.
IN_KERNEL = "__import__('analysis.report.kernel_state').report.kernel_state.{}()"


class KernelSetupError(RuntimeError):
    """The warm kernel could not be started, warmed or reset."""


class WarmKernel:
    """A running kernel with the report's modules imported, reset before each notebook it executes."""

    def __init__(self, cwd: Path = config.PROJECT_ROOT):
        self.cwd = Path(cwd)
        self.manager = None
        self.client = None
        self.sockets = None

    def start(self) -> None:
        from jupyter_client.manager import KernelManager

        # Over IPC in a private folder, as a single render's kernel (render.kernel_config says why).
        self.sockets = tempfile.TemporaryDirectory(prefix="mali-kernel-")
        self.manager = KernelManager(kernel_name="python3", config=kernel_config(Path(self.sockets.name)))
        self.manager.start_kernel(cwd=str(self.cwd))
        self.client = self.manager.client()
        self.client.start_channels()
        try:
            self.client.wait_for_ready(timeout=START_TIMEOUT)
        except RuntimeError:
            self.shutdown()
            raise
        self.client.allow_stdin = False
        self._run(IN_KERNEL.format("warm_up"))

    def shutdown(self) -> None:
        if self.client is not None:
            self.client.stop_channels()
        if self.manager is not None and self.manager.has_kernel:
            self.manager.shutdown_kernel(now=True)
        if self.sockets is not None:
            self.sockets.cleanup()
        self.manager = self.client = self.sockets = None

    def execute(self, notebook: Path, output: Path, parameters: dict) -> None:
        """Execute ``notebook`` with ``parameters`` into ``output`` as ``render.execute`` does, in this kernel."""
        self._ready()
        try:
            execute(notebook, output, parameters, engine_name=ENGINE, warm_kernel=self)
        except BaseException:
            self.shutdown()  # whatever a failed cell left half-done goes with its kernel
            raise

    def _ready(self) -> None:
        """The running kernel put back to its baseline, or a new kernel (at its baseline) if it cannot be."""
        if self.manager is not None and self.manager.is_alive():
            try:
                self._run(IN_KERNEL.format("restore"))
                return
            except (KernelSetupError, TimeoutError):
                pass  # a kernel that cannot be put back is replaced, never reused as it is
        self.shutdown()
        self.start()

    def _run(self, code: str) -> None:
        """Run set-up code silently; a failure is the kernel's, not a job's."""
        reply = self.client.execute_interactive(
            code, silent=True, store_history=False, timeout=SETUP_TIMEOUT, output_hook=lambda message: None
        )
        if reply["content"]["status"] != "ok":
            content = reply["content"]
            raise KernelSetupError(f"warm kernel set-up failed: {content.get('ename')}: {content.get('evalue')}")


_worker_kernel: WarmKernel | None = None


def worker_kernel() -> WarmKernel:
    """This worker process's warm kernel: started by its first job, shut down when the process ends."""
    global _worker_kernel
    if _worker_kernel is None:
        from multiprocessing.util import Finalize

        _worker_kernel = WarmKernel()
        # A pool's worker process ends without running atexit handlers, but it runs these finalizers.
        Finalize(_worker_kernel, _worker_kernel.shutdown, exitpriority=10)
    return _worker_kernel


def _register_engine() -> None:
    """Papermill's nbclient engine, given the warm kernel's manager and client instead of starting its own."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    class WarmEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, warm_kernel: WarmKernel, **kwargs):
            client = PapermillNotebookClient(
                nb_man, km=warm_kernel.manager, kernel_name=kernel_name, log=logging.getLogger("papermill")
            )
            client.kc = warm_kernel.client  # not owned by papermill: kept open for the next job
            # Papermill rewrites the whole output notebook as each cell starts and ends (~0.3 s of CPU a
            # report); here it is written once, when the notebook completes or fails, with the same content.
            output_path, nb_man.output_path = nb_man.output_path, None
            try:
                return client.execute()
            finally:
                nb_man.output_path = output_path

    papermill_engines.register(ENGINE, WarmEngine)


_register_engine()
