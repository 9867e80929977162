"""Pictures for chapter 2: contour plots with optimizer trajectories, and mean ± std
curves.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from ..functions import Function2D


def plot_contours(
    fn: Function2D, *, ax: Axes | None = None, n: int = 200, levels: int = 25
) -> Axes:
    """Draw ``fn``'s contours over ``fn.bounds`` (log-spaced levels for steep
    functions) and star its minima.
    """
    if not isinstance(fn, Function2D):
        raise TypeError(
            f"fn must be a lib.functions.Function2D, got {type(fn).__name__}"
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4))
    X, Y, Z = fn.grid(n)
    if fn.log_levels:
        lo = max(float(Z.min()), 1e-3)
        lv = np.geomspace(lo, float(Z.max()), levels)
    else:
        lv = np.linspace(float(Z.min()), float(Z.max()), levels)
    ax.contour(X, Y, Z, levels=lv, cmap="Greys_r", linewidths=0.6, alpha=0.8)
    ax.plot(
        fn.minima[:, 0],
        fn.minima[:, 1],
        "*",
        color="gold",
        markeredgecolor="k",
        markersize=13,
        zorder=5,
    )
    (x0, x1), (y0, y1) = fn.bounds
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    return ax


def plot_trajectories(
    fn: Function2D,
    paths: Mapping[str, np.ndarray],
    *,
    ax: Axes | None = None,
    title: str | None = None,
    markers: bool = True,
    legend: bool = True,
) -> Axes:
    """Contours of ``fn`` with one line per optimizer path
    (``label -> array (T, 2)``), start marked by a dot.
    """
    ax = plot_contours(fn, ax=ax)
    for i, (label, path) in enumerate(paths.items()):
        path = np.asarray(path)
        if path.ndim != 2 or path.shape[1] != 2:
            raise ValueError(
                f"paths[{label!r}] must have shape (T, 2), got {path.shape}"
            )
        ax.plot(
            path[:, 0],
            path[:, 1],
            "-",
            marker="o" if markers else None,
            markersize=2.5,
            linewidth=1.2,
            color=f"C{i}",
            label=label,
        )
    if paths:
        start = np.asarray(next(iter(paths.values())))[0]
        ax.plot(*start, "o", color="k", markersize=6, zorder=6)
    if title:
        ax.set_title(title)
    if legend and paths:
        ax.legend(fontsize="small", loc="best")
    return ax


def plot_mean_std(
    curves: Mapping[str, np.ndarray],
    *,
    ax: Axes | None = None,
    x: np.ndarray | None = None,
    log: bool = True,
    xlabel: str = "step",
    ylabel: str = "training loss",
) -> Axes:
    """For each ``label -> array (seeds, T)`` draw the mean over seeds with a ±1 std
    band.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    for i, (label, runs) in enumerate(curves.items()):
        runs = np.asarray(runs, dtype=float)
        if runs.ndim != 2:
            raise ValueError(
                f"curves[{label!r}] must have shape (seeds, T), got {runs.shape}"
            )
        xs = np.arange(1, runs.shape[1] + 1) if x is None else np.asarray(x)
        mean, std = runs.mean(axis=0), runs.std(axis=0)
        ax.plot(xs, mean, color=f"C{i}", label=label, linewidth=1.3)
        lower = np.maximum(mean - std, mean * 0.5) if log else mean - std
        ax.fill_between(xs, lower, mean + std, color=f"C{i}", alpha=0.15, linewidth=0)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize="small", ncol=2)
    return ax
