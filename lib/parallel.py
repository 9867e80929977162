"""Independent runs (seeds, configurations) in worker processes, one BLAS thread each.

``run(fn, args_list)`` is ``[fn(*args) for args in args_list]`` computed by a pool of
joblib (loky) worker processes: the results come back in input order and are identical
for any number of workers, because every call runs the same code on one BLAS thread
(so every matrix product reduces in the same order) and draws its randomness only from
its own arguments (pass a seed, never share a Generator). loky pickles the function with
cloudpickle, so functions and lambdas defined in a notebook work.

The default number of workers does not oversubscribe the machine: it is ``LIB_N_JOBS``
if that environment variable is set, else 1 inside a pytest-xdist worker (the test
runner already keeps every core busy; ``PYTEST_XDIST_WORKER`` is set there), else the
number of cores this process may run on.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from threadpoolctl import threadpool_limits

from ._checks import check_int


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def default_n_jobs() -> int:
    """``LIB_N_JOBS`` if set; 1 under pytest-xdist (``PYTEST_XDIST_WORKER``); else
    :func:`usable_cores`.
    """
    env = os.environ.get("LIB_N_JOBS", "").strip()
    if env:
        try:
            return check_int("LIB_N_JOBS", int(env))
        except ValueError as exc:
            raise ValueError(
                "the environment variable LIB_N_JOBS must be an integer >= 1, got "
                f"{env!r}"
            ) from exc
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return 1
    return usable_cores()


def _one_thread(fn: Callable[..., Any], args: tuple) -> Any:
    with threadpool_limits(limits=1, user_api="blas"):
        return fn(*args)


def run(
    fn: Callable[..., Any],
    args_list: Iterable[Sequence[Any]],
    n_jobs: int | None = None,
) -> list[Any]:
    """``[fn(*args) for args in args_list]``, in worker processes; results in input
    order.

    ``n_jobs=None`` takes :func:`default_n_jobs`; ``n_jobs=1`` runs in this process with
    no pool (the same numbers, and tracebacks that point at ``fn``). Each element of
    ``args_list`` is a tuple of positional arguments: ``run(train, [(0,), (1,)])``.
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {fn!r}")
    args_list = list(args_list)
    bad = [a for a in args_list if not isinstance(a, tuple | list)]
    if bad:
        raise TypeError(
            f"each element of args_list must be a tuple of arguments, got {bad[0]!r}; "
            "write [(seed,) for seed in seeds], or use map_seeds"
        )
    jobs = [tuple(a) for a in args_list]
    n_jobs = default_n_jobs() if n_jobs is None else check_int("n_jobs", n_jobs)
    n_jobs = min(n_jobs, max(1, len(jobs)))
    if n_jobs == 1:
        return [_one_thread(fn, a) for a in jobs]
    from joblib import Parallel, delayed  # imported when a pool is needed

    return list(
        Parallel(n_jobs=n_jobs, backend="loky")(
            delayed(_one_thread)(fn, a) for a in jobs
        )
    )


def map_seeds(
    fn: Callable[..., Any],
    seeds: Iterable[int],
    n_jobs: int | None = None,
    **kwargs: Any,
) -> list[Any]:
    """``[fn(seed, **kwargs) for seed in seeds]`` via :func:`run`: one run per seed,
    in seed order.
    """
    seeds = list(seeds)
    if kwargs:
        return run(_with_kwargs, [(fn, s, kwargs) for s in seeds], n_jobs)
    return run(fn, [(s,) for s in seeds], n_jobs)


def _with_kwargs(fn: Callable[..., Any], seed: int, kwargs: dict[str, Any]) -> Any:
    return fn(seed, **kwargs)
