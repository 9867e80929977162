"""Argument checks shared by lib: every message names the argument, its value and
what was expected.
"""

from __future__ import annotations

import numbers

import numpy as np


def check_positive(name: str, value: float) -> float:
    """Return ``value`` as a float if it is a finite number > 0, else raise
    ValueError.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} must be a real number, got {value!r} ({type(value).__name__})"
        )
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def check_nonnegative(name: str, value: float) -> float:
    """Return ``value`` as a float if it is a finite number >= 0, else raise
    ValueError.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} must be a real number, got {value!r} ({type(value).__name__})"
        )
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return float(value)


def check_fraction(name: str, value: float, *, closed_left: bool = True) -> float:
    """Return ``value`` if it lies in [0, 1) (or (0, 1) when ``closed_left=False``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} must be a real number, got {value!r} ({type(value).__name__})"
        )
    low_ok = value >= 0 if closed_left else value > 0
    if not (low_ok and value < 1):
        interval = "[0, 1)" if closed_left else "(0, 1)"
        raise ValueError(f"{name} must lie in {interval}, got {value!r}")
    return float(value)


def check_int(name: str, value: int, *, minimum: int = 1) -> int:
    """Return ``value`` if it is an integer >= ``minimum``, else raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be an integer, got {value!r} ({type(value).__name__})"
        )
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def check_rng(name: str, rng: object) -> np.random.Generator:
    """Accept a ``numpy.random.Generator`` or an int seed; anything else is an error."""
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(
                f"{name} must be a seed >= 0 or a numpy.random.Generator, got {rng!r}"
            )
        return np.random.default_rng(int(rng))
    raise TypeError(
        f"{name} must be a numpy.random.Generator or an int seed, got {rng!r}; "
        "lib never uses global random state"
    )


def check_array(
    name: str, x: object, *, ndim: int | None = None, finite: bool = True
) -> np.ndarray:
    """Return ``x`` as a NumPy array, checking its number of dimensions and
    finiteness.
    """
    arr = np.asarray(x)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array, got shape {arr.shape}")
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be numeric, got dtype {arr.dtype}")
    if finite and arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or inf values")
    return arr


def check_features(name: str, x: np.ndarray, n_features: int) -> np.ndarray:
    """Check that ``x`` is a 2-D batch with ``n_features`` columns."""
    if x.ndim != 2 or x.shape[1] != n_features:
        raise ValueError(
            f"{name} must have shape (batch, {n_features}), got shape {x.shape}"
        )
    return x


def check_real(name: str, value: object, *, finite: bool = True) -> float:
    """Return ``value`` as a float if it is a real number (finite unless
    ``finite=False``), else raise.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} must be a real number, got {value!r} ({type(value).__name__})"
        )
    if finite and not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if np.isnan(value):
        raise ValueError(f"{name} must not be NaN, got {value!r}")
    return float(value)


def holds_labels(y: np.ndarray) -> bool:
    """True if ``y`` holds class labels: integers, booleans, strings, or floats with
    integer values.

    Floats with a fractional part (scores, probabilities, regression targets) are not
    labels.
    """
    if y.dtype.kind in "biuUSO":
        return True
    if y.dtype.kind != "f":
        return False
    return bool(np.all(np.isfinite(y)) and np.all(y == np.round(y)))


def check_labels(name: str, y: object, *, ndim: int | None = 1) -> np.ndarray:
    """Return ``y`` as a numeric array of class labels; scores or probabilities are
    refused.

    Integer-valued floats such as ``[0., 1., 2.]`` are accepted (as scikit-learn accepts
    them). A float array with fractional values gets a ValueError suggesting ``argmax``
    (for class probabilities) or a threshold (for scores).
    """
    arr = np.asarray(y)
    if ndim is not None and arr.ndim != ndim:
        hint = (
            "; for class probabilities of shape (N, K) pass their argmax(axis=1)"
            if arr.ndim == 2 and ndim == 1
            else ""
        )
        raise ValueError(
            f"{name} must be a {ndim}-D array of class labels, got shape "
            f"{arr.shape}{hint}"
        )
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numeric class labels, got dtype {arr.dtype}")
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} contains NaN or inf values")
        if not np.all(arr == np.round(arr)):
            frac = arr[arr != np.round(arr)][:3]
            raise ValueError(
                f"{name} must hold class labels, got non-integer values such as "
                f"{frac.tolist()}: these look "
                "like scores or probabilities; pass labels, e.g. "
                "probabilities.argmax(axis=1) or "
                f"(scores >= 0.5).astype(int)"
            )
    return arr


def check_float_dtype(name: str, dtype: object, *, half: bool = True) -> np.dtype:
    """``dtype`` as a NumPy real floating-point dtype, else a TypeError naming it.

    Integer, boolean and complex dtypes are refused: weights drawn in them are truncated
    (an int64 Glorot matrix is mostly zeros) or carry an imaginary part no layer
    handles.
    ``half=False`` also refuses float16, for arrays an optimizer must update (lib's
    optimizers step float32 and float64 parameters only).
    """
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(
            f"{name} must be a floating-point dtype such as np.float32, got {dtype!r}"
        ) from None
    allowed = "np.float32 or np.float64" if not half else "a real floating-point type"
    if dt.kind != "f" or (not half and dt.itemsize < 4):
        raise TypeError(f"{name} must be {allowed}, got {dt}")
    return dt


def check_finite(name: str, x: np.ndarray) -> None:
    """Raise ValueError if the float array ``x`` holds NaN or inf, saying how many.

    One fast pass: a finite dot product x·x proves every entry finite (its terms would
    otherwise be NaN or inf); only when it is not (or overflows) are the entries
    counted.
    """
    if x.dtype.kind != "f" or x.size == 0:
        return
    flat = x.reshape(-1)
    if np.isfinite(np.vdot(flat, flat)):
        return
    bad = int(flat.size - np.count_nonzero(np.isfinite(flat)))
    if bad:
        raise ValueError(f"{name} contains {bad} NaN or inf value(s) of {flat.size}")


MAX_SIZE = 10**8
"""Largest array size (entries) lib allocates from a size argument (800 MB, float64)."""
MAX_DEPTH = 10_000
"""Largest number of layers (or steps of a per-layer recursion) lib builds in a loop."""


def check_size(
    name: str,
    value: int,
    *,
    minimum: int = 1,
    limit: int = MAX_SIZE,
    what: str = "entries",
) -> int:
    """An integer size >= ``minimum`` and <= ``limit``, else an error naming ``name``.

    A size beyond the limit would allocate more memory than a machine has (NumPy then
    raises a MemoryError that names no argument) or loop for hours.
    """
    value = check_int(name, value, minimum=minimum)
    if value > limit:
        raise ValueError(
            f"{name} = {value} asks for more than lib's limit of {limit} "
            f"{what}; use a smaller {name}"
        )
    return value


def check_total(what: str, total: int, *, limit: int = MAX_SIZE) -> None:
    """Refuse an allocation of ``total`` entries (a product of sizes) beyond
    ``limit``.
    """
    if total > limit:
        raise ValueError(
            f"{what} would hold {total} entries ({8 * total / 1e9:.3g} GB of "
            f"float64), more than lib's limit of {limit}; use smaller "
            "sizes"
        )


def check_numeric(name: str, x: object) -> np.ndarray:
    """``x`` as an array of real numbers (bool, int or float), else a TypeError naming
    it.

    Refuses strings (which ``np.asarray(x, dtype=float)`` would silently parse),
    complex numbers (whose imaginary part a float conversion drops) and objects.
    """
    arr = np.asarray(x)
    if arr.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must hold real numbers, got dtype {arr.dtype} ({type(x).__name__})"
        )
    return arr


def check_samples(
    X: object,
    y: object,
    names: tuple[str, str] = ("X", "y"),
    *,
    min_samples: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """``X`` and ``y`` as arrays holding the same number (>= ``min_samples``) of
    samples (rows)."""
    X, y = np.asarray(X), np.asarray(y)
    a, b = names
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError(
            f"{a} and {b} must be arrays with one row per sample, got shapes "
            f"{X.shape} and {y.shape}"
        )
    if len(X) != len(y):
        raise ValueError(
            f"{a} and {b} must hold the same number of samples, got {len(X)} and "
            f"{len(y)}"
        )
    if len(X) < min_samples:
        raise ValueError(
            f"{a} and {b} must hold at least {min_samples} sample(s), got {len(X)}"
        )
    return X, y
