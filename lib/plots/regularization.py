"""Figures of the regularization chapter: weight histograms, uncertainty vs accuracy,
layer statistics.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from ..model import Sequential


def weight_histograms(
    models: Mapping[str, Sequential],
    *,
    ax: Axes | None = None,
    bins: int = 80,
    limit: float | None = None,
) -> Axes:
    """Overlaid histograms (log counts) of all weight-matrix entries of each labelled
    model.

    ``limit`` fixes the x range to [−limit, limit] (default: the largest |w| of all
    models).
    """
    if not models:
        raise ValueError("models must contain at least one labelled model, got none")
    values = {
        label: np.concatenate([m.params[k].ravel() for k in m.weight_keys])
        for label, m in models.items()
    }
    if limit is None:
        limit = max(float(np.abs(v).max()) for v in values.values())
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    edges = np.linspace(-limit, limit, bins + 1)
    for i, (label, v) in enumerate(values.items()):
        ax.hist(
            np.clip(v, -limit, limit),
            bins=edges,
            histtype="step",
            color=f"C{i}",
            lw=1.5,
            label=label,
        )
    ax.set_yscale("log")
    ax.set_xlabel("weight value")
    ax.set_ylabel("count")
    ax.legend(fontsize="small")
    return ax


def accuracy_vs_uncertainty(
    centers: np.ndarray,
    acc: np.ndarray,
    *,
    ax: Axes | None = None,
    label: str | None = None,
    xlabel: str = "predicted std (bin mean)",
) -> Axes:
    """Accuracy in each uncertainty bin (from
    :func:`lib.regularizers.accuracy_by_uncertainty`).
    """
    centers, acc = np.asarray(centers), np.asarray(acc)
    if centers.shape != acc.shape:
        raise ValueError(
            f"centers and acc must have the same shape, got {centers.shape} and "
            f"{acc.shape}"
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.5))
    ax.plot(centers, acc, "o-", label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("accuracy in bin")
    ax.set_ylim(0, 1.02)
    if label is not None:
        ax.legend(fontsize="small")
    return ax


def layer_statistics(
    stats: Mapping[str, np.ndarray],
    *,
    ax: Axes | None = None,
    ylabel: str = "std",
    reference: float | None = None,
) -> Axes:
    """One line per label of a statistic (mean, std, ...) against layer depth 1, 2, ...

    ``reference`` draws a dotted horizontal line (e.g. 1 for a unit standard deviation).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.5))
    for i, (label, s) in enumerate(stats.items()):
        s = np.asarray(s)
        ax.plot(np.arange(1, len(s) + 1), s, "o-", ms=3, color=f"C{i}", label=label)
    if reference is not None:
        ax.axhline(reference, color="k", ls=":", lw=1)
    ax.set_xlabel("layer")
    ax.set_ylabel(ylabel)
    ax.legend(fontsize="small")
    return ax
