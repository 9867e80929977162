"""BLAS threading. The book's matrices are small (at most a few hundred columns), and
for them a multi-threaded BLAS is slower than one thread — dramatically so when other
processes share the cores (measured: 30 digits epochs of a 64-400-10 MLP take 0.4 s on
one thread and 24 s on two threads of a loaded two-core machine). One thread also makes
every matrix product reduce in the same order on every run."""

from __future__ import annotations

from threadpoolctl import threadpool_limits

_limiter = None


def set_blas_threads(n: int | None) -> None:
    """Limit the BLAS behind NumPy to ``n`` threads (``None`` restores its default)."""
    global _limiter
    if _limiter is not None:
        _limiter.restore_original_limits()
        _limiter = None
    if n is not None:
        if not isinstance(n, int) or n < 1:
            raise ValueError(f"n must be a positive integer or None, got {n!r}")
        _limiter = threadpool_limits(limits=n, user_api="blas")
