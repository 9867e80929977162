"""Starting notebook kernels safely when the tests run in parallel.

With ``pytest -n 2``, two workers may start a Jupyter kernel at the same moment.
jupyter_client picks the kernel's five ports by asking the system for free ones and
releasing them before the kernel binds them, so two kernels started together can pick
the same port; one of them then never answers and nbval reports "Kernel didn't respond
in 60 seconds" for every cell of its notebook (jupyter/jupyter_client#487). This module
wraps nbval's ``start_new_kernel`` so that

* kernels start one at a time across all test processes (a file lock held until the
  new kernel has answered), and
* a kernel that fails to start is shut down and started again, up to ``ATTEMPTS`` times,
  before the error reaches the test report.

Nothing about how cells run or are compared changes.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ATTEMPTS = 3
LOCK_PATH = Path(tempfile.gettempdir()) / "nbval-kernel-start.lock"


@contextlib.contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (shared by every process on this machine)."""
    try:
        import fcntl
    except ImportError:  # Windows: no cross-process lock; the retries still apply
        yield
        return
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def robust(start: Callable, attempts: int = ATTEMPTS, lock_path: Path = LOCK_PATH):
    """``start`` (nbval's ``start_new_kernel``) serialised by a lock and retried."""

    def start_new_kernel(*args, **kwargs):
        for attempt in range(1, attempts + 1):
            try:
                with _exclusive(lock_path):
                    return start(*args, **kwargs)
            except RuntimeError:
                if attempt == attempts:
                    raise
                time.sleep(1.0)
        raise AssertionError("unreachable")

    start_new_kernel.__wrapped__ = start
    return start_new_kernel


def install() -> None:
    """Replace ``nbval.kernel.start_new_kernel`` by its robust form (once)."""
    try:
        import nbval.kernel as kernel
    except ImportError:  # nbval not installed: nothing to wrap
        return
    if not hasattr(kernel.start_new_kernel, "__wrapped__"):
        kernel.start_new_kernel = robust(kernel.start_new_kernel)
