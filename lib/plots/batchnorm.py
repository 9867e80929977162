"""Figures of the batch-normalisation chapter: the layer's computational graph, a grid
of learning curves over initial weight scales, and final accuracy against that scale."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..train import History

# Node positions of the forward graph of BatchNorm, left to right.
_NODES = {
    "x": (0.0, 0.45, "$x_i$"),
    "mu": (1.5, 0.95, r"$\mu_B = \frac{1}{N}\sum_j x_j$"),
    "var": (3.4, 0.95, r"$\sigma_B^2 = \frac{1}{N}\sum_j (x_j-\mu_B)^2$"),
    "xhat": (4.2, 0.45, r"$\hat x_i = \frac{x_i-\mu_B}{\sqrt{\sigma_B^2+\epsilon}}$"),
    "y": (5.9, 0.45, r"$y_i = \gamma \hat x_i + \beta$"),
    "gamma": (5.4, 0.0, r"$\gamma$"),
    "beta": (6.4, 0.0, r"$\beta$"),
    "L": (7.3, 0.45, "$L$"),
}
_EDGES = [
    ("x", "mu"),
    ("x", "var"),
    ("mu", "var"),
    ("x", "xhat"),
    ("mu", "xhat"),
    ("var", "xhat"),
    ("xhat", "y"),
    ("gamma", "y"),
    ("beta", "y"),
    ("y", "L"),
]


def computational_graph(ax: Axes | None = None) -> Axes:
    """Draw the forward computational graph of batch normalisation.

    Nodes are the quantities of {eq}`eq-bn-mean`, {eq}`eq-bn-var`, {eq}`eq-bn-normalize`
    and {eq}`eq-bn-affine`; an arrow a → b means b is computed from a, so the backward
    pass visits the arrows in reverse and sums the gradients that arrive at a node from
    several arrows (x feeds μ_B, σ²_B and x̂ directly).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(11, 3))
    boxes = {}
    for name, (px, py, text) in _NODES.items():
        color = "#fde2c8" if name in ("gamma", "beta") else "#dbe9f6"
        boxes[name] = ax.annotate(
            text,
            (px, py),
            ha="center",
            va="center",
            fontsize=11,
            bbox={"boxstyle": "round,pad=0.35", "fc": color, "ec": "0.3"},
        )
    ax.figure.canvas.draw()  # lay the boxes out so that arrows can end at their edges
    for a, b in _EDGES:
        ax.annotate(
            "",
            xy=(0.5, 0.5),
            xycoords=boxes[b],
            xytext=(0.5, 0.5),
            textcoords=boxes[a],
            arrowprops={
                "arrowstyle": "-|>",
                "color": "0.25",
                "shrinkA": 1,
                "shrinkB": 1,
                "patchA": boxes[a].get_bbox_patch(),
                "patchB": boxes[b].get_bbox_patch(),
            },
        )
    ax.set_xlim(-0.3, 7.6)
    ax.set_ylim(-0.15, 1.12)
    ax.axis("off")
    return ax


def _metric(h: History, metric: str) -> list[float]:
    if metric not in ("train_loss", "val_loss", "train_acc", "val_acc"):
        raise ValueError(
            "metric must be one of train_loss, val_loss, train_acc, val_acc; got "
            f"{metric!r}"
        )
    return getattr(h, metric)


def curve_grid(
    runs: Mapping[str, Sequence[History]],
    titles: Sequence[str],
    *,
    metric: str = "val_acc",
    ncols: int = 4,
    epochs: int | None = None,
    chance: float | None = None,
) -> Figure:
    """A grid of small panels, panel k showing ``runs[label][k]`` for every label.

    ``runs`` maps a label (``"with BN"``) to one History per panel; all lists must have
    ``len(titles)`` entries. A run that diverged (``History.diverged``) ends where its
    last finite epoch ended and is marked with × at the right edge. ``chance`` draws a
    dotted horizontal line (e.g. 0.1 for ten balanced classes).
    """
    n = len(titles)
    for label, hs in runs.items():
        if len(hs) != n:
            raise ValueError(
                f"runs[{label!r}] has {len(hs)} histories, expected one per title ({n})"
            )
    if n == 0:
        raise ValueError("titles must not be empty")
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(2.6 * ncols, 2.0 * nrows),
        sharex=True,
        sharey=True,
        squeeze=False,
    )
    for k, ax in enumerate(axes.flat):
        if k >= n:
            ax.axis("off")
            continue
        for i, (label, hs) in enumerate(runs.items()):
            values = _metric(hs[k], metric)
            ax.plot(np.arange(1, len(values) + 1), values, color=f"C{i}", label=label)
            if hs[k].diverged:
                ax.plot(
                    [epochs or max(len(values), 1)],
                    [chance or 0.0],
                    "x",
                    color=f"C{i}",
                    ms=8,
                    mew=2,
                )
        if chance is not None:
            ax.axhline(chance, color="0.6", ls=":", lw=1)
        ax.set_title(titles[k], fontsize=9)
    for ax in axes[-1]:
        ax.set_xlabel("epoch")
    for ax in axes[:, 0]:
        ax.set_ylabel(metric.replace("_", " "))
    axes.flat[0].legend(fontsize="small", loc="best")
    fig.tight_layout()
    return fig


def accuracy_vs_scale(
    scales: Sequence[float],
    accuracies: Mapping[str, np.ndarray],
    *,
    ax: Axes | None = None,
    chance: float | None = None,
) -> Axes:
    """Final accuracy against initial weight scale σ (log axis, large σ on the left).

    ``accuracies[label]`` has shape (len(scales),) or (len(scales), n_seeds); with seeds
    the mean is drawn as a line and each seed as a dot. NaN marks a diverged run: it is
    drawn as × on the ``chance`` line (or at 0).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    scales = np.asarray(scales, dtype=float)
    for i, (label, acc) in enumerate(accuracies.items()):
        acc = np.asarray(acc, dtype=float).reshape(len(scales), -1)
        shown = np.where(np.isnan(acc), chance or 0.0, acc)
        ax.plot(scales, shown.mean(axis=1), "-", color=f"C{i}", label=label)
        for j in range(acc.shape[1]):
            ok = ~np.isnan(acc[:, j])
            ax.plot(scales[ok], acc[ok, j], "o", color=f"C{i}", ms=3, alpha=0.7)
            ax.plot(scales[~ok], shown[~ok, j], "x", color=f"C{i}", ms=7, mew=2)
    if chance is not None:
        ax.axhline(chance, color="0.6", ls=":", lw=1, label="chance")
    ax.set_xscale("log")
    ax.invert_xaxis()
    ax.set_xlabel("initial weight std σ")
    ax.set_ylabel("final validation accuracy")
    ax.legend(fontsize="small")
    return ax
