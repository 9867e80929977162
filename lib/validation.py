"""Splitting data for honest estimates of generalisation."""

from __future__ import annotations

import numpy as np

from ._checks import check_rng
from .data import DataSplits


def holdout_split(X: np.ndarray, y: np.ndarray, *, val_size: float = 0.2, test_size: float = 0.2,
                  stratify: bool = True, rng: np.random.Generator | int) -> DataSplits:
    """Split (X, y) once into train, validation and test sets.

    With ``stratify`` each class is split in the same proportions (so class frequencies
    match across the three sets up to rounding); otherwise one random permutation is cut.
    """
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same number of samples, got {len(X)} and {len(y)}")
    for name, frac in (("val_size", val_size), ("test_size", test_size)):
        if not 0 <= frac < 1:
            raise ValueError(f"{name} must lie in [0, 1), got {frac!r}")
    if val_size + test_size >= 1:
        raise ValueError(f"val_size + test_size must be < 1, got {val_size} + {test_size}")
    rng = check_rng("rng", rng)
    groups = [np.flatnonzero(y == c) for c in np.unique(y)] if stratify else [np.arange(len(y))]
    parts: list[list[np.ndarray]] = [[], [], []]
    for idx in groups:
        idx = rng.permutation(idx)
        n_test = round(test_size * len(idx))
        n_val = round(val_size * len(idx))
        parts[2].append(idx[:n_test])
        parts[1].append(idx[n_test:n_test + n_val])
        parts[0].append(idx[n_test + n_val:])
    tr, va, te = (rng.permutation(np.concatenate(p)) for p in parts)
    if len(tr) == 0:
        raise ValueError("the training set is empty; lower val_size/test_size or give more samples")
    return DataSplits(X[tr], y[tr], X[va], y[va], X[te], y[te])
