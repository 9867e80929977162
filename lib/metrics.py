"""Metrics that compare predictions with labels."""

from __future__ import annotations

import numpy as np

from ._checks import check_array


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Fraction of predictions equal to the label: (1/N) Σ 1[ŷ_n = y_n] (Implements {eq}`eq-accuracy`)."""
    y_true = check_array("y_true", y_true, ndim=1)
    y_pred = check_array("y_pred", y_pred, ndim=1)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must have the same shape, got {y_true.shape} and {y_pred.shape}")
    if y_true.size == 0:
        raise ValueError("y_true is empty; accuracy needs at least one sample")
    return float(np.mean(y_true == y_pred))
