"""The train/validation/test holdout split, shared by ``lib.data`` and
``lib.validation``.

It lives here so that neither of those modules imports the other: ``lib.data`` uses it
for ``digits_splits`` and ``lib.validation`` exports it as ``holdout_split``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._checks import check_fraction, check_rng, check_samples, holds_labels


class DataSplits(NamedTuple):
    """Train, validation and test arrays of one data set."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def holdout_split(
    X: np.ndarray,
    y: np.ndarray,
    *,
    val_size: float = 0.2,
    test_size: float = 0.2,
    stratify: bool | None = None,
    rng: np.random.Generator | int,
) -> DataSplits:
    """Split (X, y) once into train, validation and test sets.

    With stratification each class is split in the same proportions (so class
    frequencies match across the three sets up to rounding); otherwise one random
    permutation is cut. ``stratify=None`` (the default) stratifies when ``y`` is a 1-D
    array of class labels (integers, booleans, or floats with integer values) and cuts
    one permutation for anything else, e.g. the float targets of a regression;
    ``stratify=True`` with such targets is refused, since every distinct float would
    become its own class.
    """
    X, y = check_samples(X, y, min_samples=0)
    if len(X) == 0:
        raise ValueError("X is empty; holdout_split needs at least one sample")
    if y.dtype.kind == "f" and not np.all(np.isfinite(y)):
        raise ValueError(
            "y contains NaN or inf values; drop or impute those samples first"
        )
    val_size = check_fraction("val_size", val_size)
    test_size = check_fraction("test_size", test_size)
    if val_size + test_size >= 1:
        raise ValueError(
            f"val_size + test_size must be < 1, got {val_size} + {test_size}"
        )
    rng = check_rng("rng", rng)
    is_labels = y.ndim == 1 and holds_labels(y)
    if stratify is None:
        stratify = is_labels
    elif not isinstance(stratify, bool | np.bool_):
        raise TypeError(f"stratify must be True, False or None, got {stratify!r}")
    elif stratify and not is_labels:
        raise ValueError(
            "stratify=True needs y to be a 1-D array of class labels, got shape "
            f"{y.shape} and dtype {y.dtype} "
            "with non-integer values (every distinct float would be its own class); "
            "pass stratify=False "
            "for regression targets"
        )
    groups = (
        [np.flatnonzero(y == c) for c in np.unique(y)]
        if stratify
        else [np.arange(len(y))]
    )
    parts: list[list[np.ndarray]] = [[], [], []]
    for idx in groups:
        idx = rng.permutation(idx)
        n_test = round(test_size * len(idx))
        n_val = round(val_size * len(idx))
        parts[2].append(idx[:n_test])
        parts[1].append(idx[n_test : n_test + n_val])
        parts[0].append(idx[n_test + n_val :])
    tr, va, te = (rng.permutation(np.concatenate(p)) for p in parts)
    if len(tr) == 0:
        raise ValueError(
            "the training set is empty; lower val_size/test_size or give more samples"
        )
    for name, size, part in (("val_size", val_size, va), ("test_size", test_size, te)):
        if size > 0 and len(part) == 0:
            per = " per class (stratified)" if stratify else ""
            raise ValueError(
                f"{name}={size} of {len(y)} samples rounds to an empty set{per}; "
                f"give more samples, a larger {name}, or {name}=0 to ask for no such "
                "set"
            )
    return DataSplits(X[tr], y[tr], X[va], y[va], X[te], y[te])


# DESIGN.md lists holdout_split under lib.validation: the API reference documents it
# there. (DataSplits keeps its true module, so inspect.getsource still finds its
# definition; it is re-exported as lib.data.DataSplits.)
holdout_split.__module__ = "lib.validation"
