"""Warm kernels for batch renders: one Jupyter kernel per worker, reused by every job it renders.

A single render starts a kernel and imports pandas, matplotlib and the package in it, about 2 s of
a 5 s render. ``render-all`` instead gives each worker process a ``WarmKernel``: started once, warmed
by ``kernel_state.warm_up`` (the imports, then a record of the kernel's state), and put back to that
state by ``kernel_state.restore`` before every job, so that no job sees another's variables, figures or
settings. Papermill still injects the parameters and executes the notebook (through the ``mali-warm``
engine, registered by ``register_engine``, which hands it the running kernel), so the executed notebook is
the one a single render writes. A job that fails, or a kernel that died or cannot be put back, gets a new kernel.

A single render runs its notebook the same way, in a ``WarmKernel`` of its own that warms with what the
notebook imports (``notebook_imports``) and starts on a thread (``start_in_background``) once the checks
have passed, so that the kernel's start and imports overlap the command's own imports.
"""

from __future__ import annotations

import ctypes
import functools
import logging
import os
import shutil
import signal
import tempfile
import threading
from pathlib import Path

from .. import config
from .execution import FOLDER_PREFIX, execute, kernel_config, kernel_folder

ENGINE = "mali-warm"
START_TIMEOUT = 60
#: Seconds allowed for the warm-up imports and for putting the kernel back between jobs.
SETUP_TIMEOUT = 120
#: Calls a ``kernel_state`` function in the kernel without binding a name in the notebook's namespace.
IN_KERNEL = "__import__('analysis.report.kernel_state').report.kernel_state.{}({})"


_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def sweep_kernel_folders(root: Path | None = None) -> list[Path]:
    """Remove the kernel folders of processes that no longer run (``mali-kernel-<pid>-*``)."""
    removed = []
    for folder in Path(root or tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*-*"):
        pid = folder.name.removeprefix(FOLDER_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not process_alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def die_with_parent(sig: int = signal.SIGTERM) -> None:
    """Ask Linux to send this process ``sig`` when the thread that started it ends (prctl PR_SET_PDEATHSIG):
    render-all's workers, and their kernels, end with render-all however it ends, kill -9 included. Does
    nothing where prctl is missing."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before the request took effect
        os.kill(os.getpid(), sig)


class KernelSetupError(RuntimeError):
    """The warm kernel could not be started, warmed or reset."""


class WarmKernel:
    """A running kernel with the report's modules imported, reset before each notebook it executes."""

    def __init__(
        self,
        cwd: Path = config.PROJECT_ROOT,
        imports: tuple | None = None,
        graceful: bool = False,
        tied: bool = False,
    ):
        """``imports``: what to import while warming (``notebook_imports``); by default the warm modules.
        ``graceful``: after a failed job, ask the kernel to end rather than kill it (a single render's kernel,
        ended as papermill ends the kernels it starts; killed, it may print "KeyboardInterrupt caught").
        ``tied``: the kernel is sent SIGTERM when the thread that starts it ends (``die_with_parent``): for a
        worker's kernel, started on the worker's main thread, never for one started in the background."""
        self.cwd = Path(cwd)
        self.imports = imports
        self.graceful = graceful
        self.tied = tied
        self.manager = None
        self.client = None
        self.sockets = None
        self._starting: threading.Thread | None = None
        self._at_baseline = False
        self._ending = False

    def start_in_background(self) -> None:
        """Start and warm the kernel on a thread, while the caller goes on with its own work (a single render
        imports papermill, nbconvert and WeasyPrint meanwhile); ``execute`` and ``shutdown`` wait for it. A
        kernel that fails to start here is started again by ``execute``, which then raises the error."""
        self._starting = threading.Thread(target=self._start_or_leave, name="mali-kernel-start", daemon=True)
        self._starting.start()

    def _start_or_leave(self) -> None:
        try:
            self.start()
        except Exception:  # execute starts a kernel again in the caller's thread and raises there
            self.shutdown()

    def _started(self) -> None:
        """Wait for a start begun by ``start_in_background``."""
        if self._starting is not None:
            self._starting.join()
            self._starting = None

    def start(self) -> None:
        from jupyter_client.manager import KernelManager

        # Over IPC in a private folder (execution.kernel_config says why).
        self.sockets = kernel_folder()
        self.manager = KernelManager(kernel_name="python3", config=kernel_config(Path(self.sockets.name)))
        tied = {"preexec_fn": die_with_parent} if self.tied else {}
        self.manager.start_kernel(cwd=str(self.cwd), **tied)
        self.client = self.manager.client()
        self.client.start_channels()
        try:
            self.client.wait_for_ready(timeout=START_TIMEOUT)
        except RuntimeError:
            self.shutdown()
            raise
        self.client.allow_stdin = False
        self._run(IN_KERNEL.format("warm_up", repr(self.imports)))
        self._at_baseline = True  # just warmed: the first job needs no restore

    def ask_to_end(self) -> None:
        """Ask the kernel to end (as papermill ends a kernel it started), without waiting: ``shutdown`` later
        finds it gone. A kernel killed at once may print "KeyboardInterrupt caught in kernel"."""
        if self.manager is not None and self.manager.has_kernel:
            self.manager.request_shutdown()
            self._ending = True
        if self.client is not None:
            self.client.stop_channels()
            self.client = None

    def shutdown(self, now: bool = True) -> None:
        """Stop the kernel: at once (``now``), by asking it to end and waiting, or by waiting for the end
        ``ask_to_end`` asked for."""
        if self._starting is not threading.current_thread():
            self._started()
        if self.client is not None:
            self.client.stop_channels()
        if self.manager is not None and self.manager.has_kernel:
            if self._ending:
                self.manager.finish_shutdown()
                self.manager.cleanup_resources()
            else:
                self.manager.shutdown_kernel(now=now)
        if self.sockets is not None:
            self.sockets.cleanup()
        self.manager = self.client = self.sockets = None
        self._at_baseline = self._ending = False

    def execute(self, notebook: Path, output: Path, parameters: dict) -> None:
        """Execute ``notebook`` with ``parameters`` into ``output`` as ``execution.execute`` does, in this kernel."""
        self._ready()
        try:
            execute(
                notebook,
                output,
                parameters,
                engine_name=register_engine(),
                warm_kernel=self,
                request_save_on_cell_execute=False,  # written once, at the end (register_engine says why)
            )
        except BaseException:
            self.shutdown(now=not self.graceful)  # whatever a failed cell left half-done goes with its kernel
            raise

    def _ready(self) -> None:
        """The running kernel put back to its baseline (a kernel just warmed is at it already), or a new kernel
        (at its baseline) if it cannot be. The job about to run leaves the kernel off its baseline."""
        self._started()
        if not self._put_back():
            self.shutdown()
            self.start()
        self._at_baseline = False

    def _put_back(self) -> bool:
        if self.manager is None or not self.manager.is_alive():
            return False
        if self._at_baseline:
            return True
        try:
            self._run(IN_KERNEL.format("restore", ""))
        except (KernelSetupError, TimeoutError):
            return False  # a kernel that cannot be put back is replaced, never reused as it is
        return True

    def _run(self, code: str) -> None:
        """Run set-up code silently; a failure is the kernel's, not a job's."""
        reply = self.client.execute_interactive(
            code, silent=True, store_history=False, timeout=SETUP_TIMEOUT, output_hook=lambda message: None
        )
        if reply["content"]["status"] != "ok":
            content = reply["content"]
            raise KernelSetupError(f"warm kernel set-up failed: {content.get('ename')}: {content.get('evalue')}")


def notebook_imports(notebook: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The absolute imports at the top level of the notebook's code cells, as (module, names) pairs: what a
    single render's kernel imports while it starts, so that it imports no more than the notebook itself."""
    import ast

    import nbformat

    found: dict[str, list[str]] = {}
    for cell in nbformat.read(str(notebook), as_version=4).cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:  # IPython magics and the like: the kernel meets them as the notebook runs
            continue
        for node in tree.body:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    found.setdefault(alias.name, [])
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = found.setdefault(node.module, [])
                names += [alias.name for alias in node.names if alias.name != "*" and alias.name not in names]
    return tuple((module, tuple(names)) for module, names in found.items())


_worker_kernel: WarmKernel | None = None


def worker_kernel() -> WarmKernel:
    """This worker process's warm kernel: started by its first job, shut down when the process ends."""
    global _worker_kernel
    if _worker_kernel is None:
        from multiprocessing.util import Finalize

        _worker_kernel = WarmKernel(tied=True)
        # A pool's worker process ends without running atexit handlers, but it runs these finalizers.
        Finalize(_worker_kernel, _worker_kernel.shutdown, exitpriority=10)
    return _worker_kernel


@functools.cache
def register_engine() -> str:
    """Register the ``mali-warm`` engine in papermill's engine registry (``papermill_engines.register``) and
    return its name: called by ``WarmKernel.execute`` before its first notebook, not when this module is
    imported (importing papermill takes a while; commands that do not render never need the engine).

    The engine is papermill's nbclient engine, given the warm kernel's manager and client instead of starting
    its own. Papermill would rewrite the whole output notebook as each cell starts and ends (~0.3 s of CPU a
    report); ``WarmKernel.execute`` asks papermill not to (``request_save_on_cell_execute=False``, papermill's
    own option), so the notebook is written once, when it completes or fails, with the same content."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    class WarmEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, warm_kernel: WarmKernel, **kwargs):
            client = PapermillNotebookClient(
                nb_man,
                km=warm_kernel.manager,
                kernel_name=kernel_name,
                log=logging.getLogger("papermill"),
                coalesce_streams=kwargs.get("coalesce_streams", False),
            )
            client.kc = warm_kernel.client  # not owned by papermill: kept open for the next job
            return client.execute()

    papermill_engines.register(ENGINE, WarmEngine)
    return ENGINE
