"""Threshold explorer: move the decision threshold of a scorer and watch its errors
trade off.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..plots.evaluation import threshold_view
from .explorer import explorer


def threshold_explorer(
    y_true: np.ndarray, y_score: np.ndarray, threshold: float = 0.5, step: float = 0.01
) -> widgets.VBox:
    """A slider for the threshold t (predict positive when score ≥ t) redrawing
    ``threshold_view``.

    The confusion matrix, precision and recall, and the operating point on the ROC and
    PR curves follow the slider. Its default view is ``threshold_view(y_true, y_score,
    threshold)``.
    """
    y_score = np.asarray(y_score, dtype=np.float64)
    if y_score.ndim != 1 or y_score.size == 0:
        raise ValueError(
            f"y_score must be a non-empty 1-D array, got shape {y_score.shape}"
        )
    low, high = float(y_score.min()), float(y_score.max())
    if not low <= threshold <= high:
        raise ValueError(
            f"threshold must lie within the scores' range [{low:.3g}, {high:.3g}], got "
            f"{threshold!r}"
        )
    slider = widgets.FloatSlider(
        value=threshold,
        min=low,
        max=high,
        step=step,
        description="threshold",
        continuous_update=False,
        readout_format=".2f",
    )
    return explorer(
        lambda threshold: threshold_view(y_true, y_score, threshold), threshold=slider
    )
