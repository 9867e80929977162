"""Learning curves and decision regions."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from ..train import History, predicted_labels


def learning_curves(
    histories: History | Mapping[str, History],
    metric: str = "loss",
    *,
    ax: Axes | None = None,
    train: bool = True,
    val: bool = True,
    log: bool = False,
) -> Axes:
    """Plot training (dashed) and validation (solid) ``metric`` per epoch for one or
    more runs.

    ``histories`` is a History or a mapping label -> History; ``metric`` is ``"loss"``
    or ``"acc"``.
    """
    if metric not in ("loss", "acc"):
        raise ValueError(f"metric must be 'loss' or 'acc', got {metric!r}")
    if isinstance(histories, History):
        histories = {"": histories}
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    for i, (label, h) in enumerate(histories.items()):
        color = f"C{i}"
        epochs = np.arange(1, h.epochs + 1)
        sep = " " if label else ""
        if train:
            ax.plot(
                epochs,
                getattr(h, f"train_{metric}"),
                "--",
                color=color,
                label=f"{label}{sep}train",
            )
        if val and getattr(h, f"val_{metric}"):
            ax.plot(
                epochs,
                getattr(h, f"val_{metric}"),
                "-",
                color=color,
                label=f"{label}{sep}validation",
            )
    ax.set_xlabel("epoch")
    ax.set_ylabel({"loss": "loss", "acc": "accuracy"}[metric])
    if log:
        ax.set_yscale("log")
    ax.legend(fontsize="small")
    return ax


def plot_decision_regions(
    model,
    X: np.ndarray,
    y: np.ndarray,
    *,
    ax: Axes | None = None,
    resolution: int = 200,
) -> Axes:
    """Colour the plane by the class ``model`` predicts and scatter the 2-D points
    (X, y) on top.
    """
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(
            f"X must have shape (n, 2) to draw decision regions, got {X.shape}"
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 4))
    pad = 0.3
    xs = np.linspace(X[:, 0].min() - pad, X[:, 0].max() + pad, resolution)
    ys = np.linspace(X[:, 1].min() - pad, X[:, 1].max() + pad, resolution)
    gx, gy = np.meshgrid(xs, ys)
    labels = predicted_labels(model.predict(np.column_stack([gx.ravel(), gy.ravel()])))
    ax.contourf(
        gx,
        gy,
        labels.reshape(gx.shape),
        alpha=0.25,
        cmap="tab10",
        levels=np.arange(labels.max() + 2) - 0.5,
        vmin=0,
        vmax=9,
    )
    ax.scatter(
        X[:, 0],
        X[:, 1],
        c=y,
        cmap="tab10",
        vmin=0,
        vmax=9,
        s=10,
        edgecolors="k",
        linewidths=0.3,
    )
    ax.set_aspect("equal")
    return ax
