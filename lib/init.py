"""Weight initialisers: ``f(fan_in, fan_out, rng) -> W`` with ``W.shape == (fan_in, fan_out)``.

All normal variants are plain (untruncated) normals. Keras draws from a normal truncated
at two standard deviations and rescales it so the variance still matches; the chapter on
initialisation explains the difference.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable

import numpy as np

from ._checks import check_int, check_positive, check_rng

Initializer = Callable[..., np.ndarray]


def _fans(fan_in: int, fan_out: int) -> tuple[int, int]:
    return check_int("fan_in", fan_in), check_int("fan_out", fan_out)


def zeros(fan_in: int, fan_out: int, rng: np.random.Generator | int | None = None,
          *, dtype: type = np.float64) -> np.ndarray:
    """All-zero weights, W = 0 (Implements {eq}`eq-init-zero` with c = 0; shows the symmetry problem).

    ``rng`` is not used; it is accepted (and checked when given) so that every initialiser
    has the same signature.
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    if rng is not None:
        check_rng("rng", rng)
    return np.zeros((fan_in, fan_out), dtype=dtype)


def constant(fan_in: int, fan_out: int, rng: np.random.Generator | int | None = None,
             *, value: float = 0.0, dtype: type = np.float64) -> np.ndarray:
    """Every weight equal to one constant, W_ij = c with c = ``value`` (Implements {eq}`eq-init-zero`).

    Any constant leaves all units of a layer identical, so they receive identical gradients
    and stay identical during training; ``zeros`` is the case c = 0.
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    if rng is not None:
        check_rng("rng", rng)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"value must be a real number, got {value!r} ({type(value).__name__})")
    if not np.isfinite(value):
        raise ValueError(f"value must be a finite number, got {value!r}")
    return np.full((fan_in, fan_out), float(value), dtype=dtype)


def normal(fan_in: int, fan_out: int, rng: np.random.Generator | int, *, std: float = 0.01,
           dtype: type = np.float64) -> np.ndarray:
    """W_ij ~ N(0, σ²) with a fixed σ = ``std`` (Implements {eq}`eq-init-normal`)."""
    fan_in, fan_out = _fans(fan_in, fan_out)
    return _normal(check_positive("std", std), fan_in, fan_out, rng, dtype)


def _uniform(limit: float, fan_in: int, fan_out: int, rng, dtype) -> np.ndarray:
    rng = check_rng("rng", rng)
    return rng.uniform(-limit, limit, size=(fan_in, fan_out)).astype(dtype, copy=False)


def _normal(std: float, fan_in: int, fan_out: int, rng, dtype) -> np.ndarray:
    rng = check_rng("rng", rng)
    return (std * rng.standard_normal((fan_in, fan_out))).astype(dtype, copy=False)


def glorot_uniform(fan_in: int, fan_out: int, rng: np.random.Generator | int, *,
                   dtype: type = np.float64) -> np.ndarray:
    """W_ij ~ U(−r, r), r = √(6 / (fan_in + fan_out)), so Var W = 2 / (fan_in + fan_out).

    Implements {eq}`eq-init-glorot` (Glorot & Bengio, 2010).
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    return _uniform(np.sqrt(6.0 / (fan_in + fan_out)), fan_in, fan_out, rng, dtype)


def glorot_normal(fan_in: int, fan_out: int, rng: np.random.Generator | int, *,
                  dtype: type = np.float64) -> np.ndarray:
    """W_ij ~ N(0, σ²), σ² = 2 / (fan_in + fan_out). Implements {eq}`eq-init-glorot`."""
    fan_in, fan_out = _fans(fan_in, fan_out)
    return _normal(np.sqrt(2.0 / (fan_in + fan_out)), fan_in, fan_out, rng, dtype)


def he_uniform(fan_in: int, fan_out: int, rng: np.random.Generator | int, *,
               dtype: type = np.float64) -> np.ndarray:
    """W_ij ~ U(−r, r), r = √(6 / fan_in), so Var W = 2 / fan_in.

    Implements {eq}`eq-init-he` (He et al., 2015).
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    return _uniform(np.sqrt(6.0 / fan_in), fan_in, fan_out, rng, dtype)


def he_normal(fan_in: int, fan_out: int, rng: np.random.Generator | int, *,
              dtype: type = np.float64) -> np.ndarray:
    """W_ij ~ N(0, σ²), σ² = 2 / fan_in. Implements {eq}`eq-init-he`."""
    fan_in, fan_out = _fans(fan_in, fan_out)
    return _normal(np.sqrt(2.0 / fan_in), fan_in, fan_out, rng, dtype)


def lecun_uniform(fan_in: int, fan_out: int, rng: np.random.Generator | int, *,
                  dtype: type = np.float64) -> np.ndarray:
    """W_ij ~ U(−r, r), r = √(3 / fan_in), so Var W = 1 / fan_in.

    Implements {eq}`eq-init-lecun` (LeCun et al., 1998).
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    return _uniform(np.sqrt(3.0 / fan_in), fan_in, fan_out, rng, dtype)


def lecun_normal(fan_in: int, fan_out: int, rng: np.random.Generator | int, *,
                 dtype: type = np.float64) -> np.ndarray:
    """W_ij ~ N(0, σ²), σ² = 1 / fan_in. Implements {eq}`eq-init-lecun`."""
    fan_in, fan_out = _fans(fan_in, fan_out)
    return _normal(np.sqrt(1.0 / fan_in), fan_in, fan_out, rng, dtype)


INITIALIZERS: dict[str, Initializer] = {
    f.__name__: f
    for f in (zeros, constant, normal, glorot_uniform, glorot_normal, he_uniform, he_normal,
              lecun_uniform, lecun_normal)
}


def get(init: str | Initializer) -> Initializer:
    """Look an initialiser up by name, or pass a callable through."""
    if callable(init):
        return init
    if init not in INITIALIZERS:
        raise ValueError(f"init must be one of {sorted(INITIALIZERS)} or a callable, got {init!r}")
    return INITIALIZERS[init]
