"""Data the book trains on: offline real sets, synthetic generators, and batching
helpers.

Nothing here downloads: the 8×8 digits ship inside scikit-learn, MNIST-1D is generated
by the ``mnist1d`` package from its fixed seed, and the synthetic sets come from an rng.
"""

from __future__ import annotations

import functools
import numbers
import random
from collections.abc import Iterator

import numpy as np

from ._checks import (
    check_array,
    check_fraction,
    check_int,
    check_nonnegative,
    check_real,
    check_rng,
    check_samples,
    check_size,
    check_total,
)
from ._split import DataSplits
from ._split import holdout_split as _holdout_split


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """The 1797 8×8 handwritten digits bundled with scikit-learn (no download).

    Returns X of shape (1797, 64) with pixel intensities scaled from 0–16 to [0, 1], and
    integer labels y in 0–9.
    """
    from sklearn.datasets import load_digits as _sk_load_digits

    bunch = _sk_load_digits()
    return bunch.data.astype(np.float64) / 16.0, bunch.target.astype(np.int64)


def digits_splits(
    seed: int = 0,
    *,
    val_size: float = 0.2,
    test_size: float = 0.2,
    dtype: type = np.float64,
) -> DataSplits:
    """The digits split into stratified train/validation/test sets, standardised.

    Every chapter uses this split (60/20/20 by default), so results are comparable
    across the book. Standardisation (Implements {eq}`eq-standardize`) uses the training
    set's mean and standard deviation only, so nothing leaks from validation or test
    data. ``dtype=np.float32`` returns float32 inputs (standardised in float64, then
    rounded), to feed a float32 model without upcasting its forward pass to float64.
    """
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise TypeError(
            f"seed must be an integer >= 0 (the book's splits are "
            f"reproducible: chapters pass the same seed), got {seed!r}"
        )
    X, y = load_digits()
    s = _holdout_split(
        X,
        y,
        val_size=val_size,
        test_size=test_size,
        stratify=True,
        rng=np.random.default_rng(seed),
    )
    if np.dtype(dtype).kind != "f":
        raise TypeError(
            f"dtype must be a floating-point type such as np.float32, got {dtype!r}"
        )
    X_train, mean, std = standardize(s.X_train)
    X_val, X_test = (
        standardize(s.X_val, mean, std)[0],
        standardize(s.X_test, mean, std)[0],
    )
    return DataSplits(
        X_train.astype(dtype, copy=False),
        s.y_train,
        X_val.astype(dtype, copy=False),
        s.y_val,
        X_test.astype(dtype, copy=False),
        s.y_test,
    )


@functools.lru_cache(maxsize=1)
def _mnist1d_raw() -> dict:
    from mnist1d.data import get_dataset_args, make_dataset

    np_state, py_state = np.random.get_state(), random.getstate()  # noqa: NPY002
    try:  # mnist1d reseeds the global generators; leave the caller's untouched
        return make_dataset(get_dataset_args())
    finally:
        np.random.set_state(np_state)  # noqa: NPY002
        random.setstate(py_state)


def load_mnist1d(val_size: int = 1000, *, channels: bool = False) -> DataSplits:
    """MNIST-1D (Greydanus, 2020), generated offline with the package's default
    arguments.

    The published split has 4000 training and 1000 test sequences of length 40; the last
    ``val_size`` training sequences become the validation set. A logistic regression
    reaches about 32 % test accuracy and an MLP about 68 %, so optimisers,
    initialisations and normalisation visibly differ on it. The inputs have shape (n,
    40); with ``channels=True`` they have shape (n, 1, 40), the (batch, channels,
    length) layout of :class:`lib.layers.Conv1D` (a view of the same numbers, one
    channel).
    """
    val_size = check_int("val_size", val_size, minimum=0)
    if not isinstance(channels, bool | np.bool_):
        raise TypeError(f"channels must be True or False, got {channels!r}")
    d = _mnist1d_raw()
    X, y = d["x"].astype(np.float64), d["y"].astype(np.int64)
    X_test = d["x_test"].astype(np.float64)
    if val_size >= len(X):
        raise ValueError(
            f"val_size must be < {len(X)} (the training set's size), got {val_size}"
        )
    if channels:
        X, X_test = X[:, None, :], X_test[:, None, :]
    cut = len(X) - val_size
    return DataSplits(
        X[:cut], y[:cut], X[cut:], y[cut:], X_test, d["y_test"].astype(np.int64)
    )


def spirals(
    n_per_class: int = 100,
    n_classes: int = 3,
    noise: float = 0.2,
    *,
    rng: np.random.Generator | int,
) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved 2-D spirals, one arm per class (not linearly separable)."""
    n = check_size("n_per_class", n_per_class)
    k = check_size("n_classes", n_classes, minimum=2)
    noise = check_nonnegative("noise", noise)
    rng = check_rng("rng", rng)
    r = np.tile(np.linspace(0.0, 1.0, n), k)
    cls = np.repeat(np.arange(k), n)
    theta = cls * 2 * np.pi / k + 4.0 * r + noise * rng.standard_normal(n * k)
    X = np.column_stack([r * np.sin(theta), r * np.cos(theta)])
    return X, cls.astype(np.int64)


def moons(
    n: int = 200, noise: float = 0.1, *, rng: np.random.Generator | int
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (scikit-learn's ``make_moons`` layout), labels
    0/1.
    """
    n = check_size("n", n, minimum=2)
    noise = check_nonnegative("noise", noise)
    rng = check_rng("rng", rng)
    n0 = n // 2
    t0 = np.linspace(0, np.pi, n0)
    t1 = np.linspace(0, np.pi, n - n0)
    X = np.vstack(
        [
            np.column_stack([np.cos(t0), np.sin(t0)]),
            np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)]),
        ]
    )
    X += noise * rng.standard_normal(X.shape)
    y = np.repeat([0, 1], [n0, n - n0]).astype(np.int64)
    perm = rng.permutation(n)
    return X[perm], y[perm]


def noisy_sine(
    n: int = 100, noise: float = 0.1, *, rng: np.random.Generator | int
) -> tuple[np.ndarray, np.ndarray]:
    """x ~ U(0, 1), y = sin(2πx) + N(0, noise²); both of shape (n, 1), for
    regression.
    """
    n = check_size("n", n)
    noise = check_nonnegative("noise", noise)
    rng = check_rng("rng", rng)
    x = rng.uniform(0.0, 1.0, size=(n, 1))
    return x, np.sin(2 * np.pi * x) + noise * rng.standard_normal((n, 1))


def noisy_line(
    n: int = 100,
    slope: float = 3.0,
    intercept: float = 4.0,
    noise: float = 1.0,
    *,
    rng: np.random.Generator | int,
) -> tuple[np.ndarray, np.ndarray]:
    """x ~ U(0, 2), y = intercept + slope·x + N(0, noise²); shapes (n, 1), for linear
    regression.
    """
    n = check_size("n", n)
    slope, intercept = check_real("slope", slope), check_real("intercept", intercept)
    noise = check_nonnegative("noise", noise)
    rng = check_rng("rng", rng)
    x = rng.uniform(0.0, 2.0, size=(n, 1))
    return x, intercept + slope * x + noise * rng.standard_normal((n, 1))


def imbalanced_blobs(
    n: int = 1000,
    minority: float = 0.05,
    separation: float = 2.0,
    n_features: int = 2,
    *,
    rng: np.random.Generator | int,
) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian blobs, a fraction ``minority`` of the samples in class 1, the
    rest in class 0.
    """
    n = check_size("n", n, minimum=2)
    minority = check_fraction("minority", minority, closed_left=False)
    separation = check_real("separation", separation)
    d = check_size("n_features", n_features)
    rng = check_rng("rng", rng)
    n1 = max(1, round(minority * n))
    y = np.zeros(n, dtype=np.int64)
    y[:n1] = 1
    X = rng.standard_normal((n, d))
    X[:n1, 0] += separation
    perm = rng.permutation(n)
    return X[perm], y[perm]


def standardize(
    X: np.ndarray, mean: np.ndarray | None = None, std: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """z = (x − μ) / σ per feature (Implements {eq}`eq-standardize`); returns (z, μ, σ).

    μ and σ are computed from ``X`` unless given (pass the training set's to transform
    validation and test data). Constant features have σ = 0; they are divided by 1
    instead, so they map to 0 rather than NaN. NaN or inf in ``X``, ``mean`` or ``std``
    is refused, and so is data whose magnitude overflows the arithmetic (|x| near
    1e308); integer data are standardised in float64, float16 data in float32 and
    returned as float16.
    """
    # NaN or inf in X is refused: it would spread to the whole column
    X = check_array("X", X, ndim=2)
    half = X.dtype == np.float16
    if X.dtype.kind != "f":
        X = X.astype(np.float64)
    elif half:  # its range (65504) overflows in the variance
        X = X.astype(np.float32)
    for name, given in (("mean", mean), ("std", std)):
        if given is not None and np.shape(given) not in (
            (),
            (X.shape[1],),
            (1, X.shape[1]),
        ):
            raise ValueError(
                f"{name} must have one entry per feature ({X.shape[1]}), got shape "
                f"{np.shape(given)}"
            )
    if mean is not None:
        mean = check_array("mean", mean)
    if std is not None:
        std = check_array("std", std)
    if mean is None or std is None:
        if len(X) == 0:
            raise ValueError(
                "X needs at least one sample to compute mean and std from, got shape "
                f"{X.shape}"
            )
    # overflow is detected below and refused
    with np.errstate(over="ignore", invalid="ignore"):
        if mean is None or std is None:
            # detected exactly: their float mean and std may be off by an ulp
            constant = np.ptp(X, axis=0) == 0
        if mean is None:
            mean = np.where(constant, X[0], X.mean(axis=0))
        if std is None:
            std = X.std(axis=0)
            # std == 0 also when a tiny spread underflows
            std = np.where(constant | (std == 0), 1.0, std)
        if np.any(np.asarray(std) <= 0):
            raise ValueError("std must be > 0 for every feature")
        z = (X - mean) / std
    if not (
        np.all(np.isfinite(mean))
        and np.all(np.isfinite(std))
        and np.all(np.isfinite(z))
    ):
        raise ValueError(
            f"X's magnitude (max |x| = {np.abs(X).max():g}) overflows {X.dtype} while "
            "standardising; "
            "rescale X first"
        )
    return (z.astype(np.float16) if half else z), mean, std


def one_hot(y: np.ndarray, n_classes: int | None = None) -> np.ndarray:
    """Rows e_{y_n} of the K×K identity, shape (N, K)."""
    y = check_array("y", y, ndim=1)
    if y.dtype.kind not in "iu":
        raise TypeError(f"y must hold integer labels, got dtype {y.dtype}")
    if n_classes is None and y.size == 0:
        raise ValueError(
            "y is empty; pass n_classes to say how many columns the result has"
        )
    k = int(y.max()) + 1 if n_classes is None else check_size("n_classes", n_classes)
    check_total(f"one_hot of {y.size} labels and {k} classes", y.size * k)
    if y.size and (y.min() < 0 or y.max() >= k):
        raise ValueError(
            f"labels in y must lie in [0, {k}), got range [{y.min()}, {y.max()}]"
        )
    out = np.zeros((y.size, k))
    out[np.arange(y.size), y] = 1.0
    return out


def minibatches(
    X: np.ndarray,
    y: np.ndarray,
    batch_size: int,
    rng: np.random.Generator | int | None = None,
    *,
    drop_last: bool = False,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield (X_b, y_b) batches covering every sample once (the last batch may be
    smaller).

    With ``rng`` the order is a fresh permutation (sampling without replacement);
    without it the data are taken in order. ``drop_last=True`` skips a final batch
    smaller than ``batch_size`` (batch normalisation cannot train on a batch of one
    sample).
    """
    batch_size = check_int("batch_size", batch_size)
    X, y = check_samples(X, y, min_samples=0)
    n = len(X)
    stop = n - n % batch_size if drop_last else n
    order = None if rng is None else check_rng("rng", rng).permutation(n)
    for start in range(0, stop, batch_size):
        if order is None:
            yield X[start : start + batch_size], y[start : start + batch_size]
        else:
            idx = order[start : start + batch_size]
            yield X[idx], y[idx]


def random_shift(
    X: np.ndarray, max_shift: int, rng: np.random.Generator | int
) -> np.ndarray:
    """Shift every signal along its last axis by a random whole number of steps.

    Implements {eq}`eq-random-shift`: sample i is moved by s_i, drawn uniformly from
    {−max_shift, …, max_shift}, x̃_i[t] = x_i[clip(t − s_i, 0, L − 1)]; the samples at
    the edge are repeated into the gap (edge padding), so no value is invented. Works on
    (n, L) and (n, channels, L) arrays; returns a new array of X's dtype.
    """
    X = check_array("X", X)
    if X.ndim not in (2, 3):
        raise ValueError(f"X must have shape (n, L) or (n, channels, L), got {X.shape}")
    max_shift = check_int("max_shift", max_shift, minimum=0)
    if max_shift >= X.shape[-1]:
        raise ValueError(
            f"max_shift must be < the signal length {X.shape[-1]}, got {max_shift}"
        )
    rng = check_rng("rng", rng)
    n, length = X.shape[0], X.shape[-1]
    s = rng.integers(-max_shift, max_shift + 1, size=n)
    idx = np.clip(np.arange(length)[None, :] - s[:, None], 0, length - 1)  # (n, L)
    if X.ndim == 3:
        idx = np.broadcast_to(idx[:, None, :], X.shape)
    return np.take_along_axis(X, idx, axis=-1)
