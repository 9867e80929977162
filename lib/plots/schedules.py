"""Figures of the schedules chapter: rate curves η(t), the range test, and curves over seeds."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes


def plot_schedules(schedules: Mapping[str, Callable[[int], float]], total_steps: int, *, ax: Axes | None = None,
                   steps_per_epoch: int = 1, log: bool = False) -> Axes:
    """Plot η(t) for t = 0 … total_steps − 1 of each ``label -> schedule``.

    With ``steps_per_epoch`` > 1 the x axis is in epochs (t / steps_per_epoch).
    """
    if total_steps < 1 or steps_per_epoch < 1:
        raise ValueError(f"total_steps and steps_per_epoch must be >= 1, got {total_steps} and {steps_per_epoch}")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    t = np.arange(total_steps)
    for label, sched in schedules.items():
        ax.plot(t / steps_per_epoch, [sched(int(k)) for k in t], label=label)
    ax.set_xlabel("epoch" if steps_per_epoch > 1 else "step t")
    ax.set_ylabel("learning rate η(t)")
    if log:
        ax.set_yscale("log")
    ax.legend(fontsize="small")
    return ax


def plot_lr_finder(rates: np.ndarray, losses: np.ndarray, *, ax: Axes | None = None,
                   marks: Mapping[str, float] | None = None, raw: np.ndarray | None = None) -> Axes:
    """Loss against learning rate (log axis) from ``lr_range_test``; ``marks`` draws labelled vertical lines.

    ``raw`` (the unsmoothed losses of the same sweep) is drawn faintly behind ``losses``.
    """
    rates, losses = np.asarray(rates), np.asarray(losses)
    if rates.shape != losses.shape:
        raise ValueError(f"rates and losses must have the same shape, got {rates.shape} and {losses.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    if raw is not None:
        ax.plot(rates, raw, color="0.7", lw=0.8, label="mini-batch loss")
    ax.plot(rates, losses, color="C0", label="smoothed loss" if raw is not None else "loss")
    for i, (label, lr) in enumerate((marks or {}).items()):
        ax.axvline(lr, color=f"C{i + 1}", ls="--", label=f"{label}: {lr:.3g}")
    ax.set_xscale("log")
    ax.set_xlabel("learning rate")
    ax.set_ylabel("training loss")
    ax.legend(fontsize="small")
    return ax


def plot_seed_bands(curves: Mapping[str, np.ndarray], *, ax: Axes | None = None, log: bool = False,
                    ylabel: str = "validation loss", target: float | None = None) -> Axes:
    """Mean (line) ± one standard deviation (band) over seeds of per-epoch curves.

    ``curves`` maps a label to an array of shape (n_seeds, n_epochs); ``target`` draws a
    dotted horizontal line.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    for i, (label, c) in enumerate(curves.items()):
        c = np.asarray(c, dtype=np.float64)
        if c.ndim != 2:
            raise ValueError(f"curves[{label!r}] must have shape (n_seeds, n_epochs), got {c.shape}")
        epochs = np.arange(1, c.shape[1] + 1)
        mean, std = c.mean(axis=0), c.std(axis=0)
        ax.plot(epochs, mean, color=f"C{i}", label=label)
        ax.fill_between(epochs, mean - std, mean + std, color=f"C{i}", alpha=0.15, lw=0)
    if target is not None:
        ax.axhline(target, color="k", ls=":", lw=1, label=f"target {target:g}")
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    if log:
        ax.set_yscale("log")
    ax.legend(fontsize="small", ncol=2)
    return ax
