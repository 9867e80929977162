"""Figures of the schedules chapter: rate curves η(t), the range test, and curves
over seeds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes


def plot_schedules(
    schedules: Mapping[str, Callable[[int], float]],
    total_steps: int,
    *,
    ax: Axes | None = None,
    steps_per_epoch: int = 1,
    log: bool = False,
) -> Axes:
    """Plot η(t) for t = 0 … total_steps − 1 of each ``label -> schedule``.

    With ``steps_per_epoch`` > 1 the x axis is in epochs (t / steps_per_epoch).
    """
    if total_steps < 1 or steps_per_epoch < 1:
        raise ValueError(
            f"total_steps and steps_per_epoch must be >= 1, got {total_steps} and "
            f"{steps_per_epoch}"
        )
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


def plot_lr_finder(
    rates: np.ndarray,
    losses: np.ndarray,
    *,
    ax: Axes | None = None,
    marks: Mapping[str, float] | None = None,
    raw: np.ndarray | None = None,
) -> Axes:
    """Loss against learning rate (log axis) from ``lr_range_test``; ``marks`` draws
    labelled vertical lines.

    ``raw`` (the unsmoothed losses of the same sweep) is drawn faintly behind
    ``losses``.
    """
    rates, losses = np.asarray(rates), np.asarray(losses)
    if rates.shape != losses.shape:
        raise ValueError(
            f"rates and losses must have the same shape, got {rates.shape} and "
            f"{losses.shape}"
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    if raw is not None:
        ax.plot(rates, raw, color="0.7", lw=0.8, label="mini-batch loss")
    ax.plot(
        rates, losses, color="C0", label="smoothed loss" if raw is not None else "loss"
    )
    for i, (label, lr) in enumerate((marks or {}).items()):
        ax.axvline(lr, color=f"C{i + 1}", ls="--", label=f"{label}: {lr:.3g}")
    ax.set_xscale("log")
    ax.set_xlabel("learning rate")
    ax.set_ylabel("training loss")
    ax.legend(fontsize="small")
    return ax


def plot_seed_bands(
    curves: Mapping[str, np.ndarray],
    *,
    ax: Axes | None = None,
    log: bool = False,
    ylabel: str = "validation loss",
    target: float | None = None,
) -> Axes:
    """Mean (line) ± one standard deviation (band) over seeds of per-epoch curves.

    ``curves`` maps a label to an array of shape (n_seeds, n_epochs); ``target`` draws a
    dotted horizontal line.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    for i, (label, c) in enumerate(curves.items()):
        c = np.asarray(c, dtype=np.float64)
        if c.ndim != 2:
            raise ValueError(
                f"curves[{label!r}] must have shape (n_seeds, n_epochs), got {c.shape}"
            )
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


def plot_schedule_grid(
    schedules: Mapping[str, Callable[[int], float]],
    total_steps: int,
    *,
    steps_per_epoch: int = 1,
    ncols: int = 4,
    log: bool = True,
    panel_size: tuple[float, float] = (2.6, 1.9),
) -> plt.Figure:
    """Small multiples of η(t): one panel per ``label -> schedule``, shared axes.

    Eight curves on one axis hide each other; one panel each, on the same scales, lets
    the reader compare shapes (x in epochs when ``steps_per_epoch`` > 1).
    """
    if not schedules:
        raise ValueError("schedules must hold at least one schedule, got none")
    if total_steps < 1 or steps_per_epoch < 1 or ncols < 1:
        raise ValueError(
            f"total_steps, steps_per_epoch and ncols must be >= 1, got {total_steps}, "
            f"{steps_per_epoch} and {ncols}"
        )
    n = len(schedules)
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(panel_size[0] * ncols, panel_size[1] * nrows),
        sharex=True,
        sharey=True,
        squeeze=False,
    )
    t = np.arange(total_steps)
    for ax, (label, sched) in zip(axes.flat, schedules.items(), strict=False):
        ax.plot(t / steps_per_epoch, [sched(int(k)) for k in t], color="C0")
        ax.set_title(label, fontsize="medium")
        if log:
            ax.set_yscale("log")
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel("epoch" if steps_per_epoch > 1 else "step t")
    for ax in axes[:, 0]:
        ax.set_ylabel("η(t)")
    fig.tight_layout()
    return fig


def plot_budget_race(
    budgets: list[int],
    results: Mapping[str, Mapping[str, np.ndarray]],
    *,
    ax: Axes | None = None,
    ylabel: str = "test accuracy",
) -> Axes:
    """Mean with its 95 % interval against the training budget, one line per method.

    ``results[method]`` holds ``"mean"``, ``"low"`` and ``"high"``, arrays with one
    entry per budget (e.g. from ``lib.stats.mean_ci`` over test seeds). Methods are
    offset slightly along x so that their intervals do not hide each other.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.8))
    x = np.asarray(budgets, dtype=np.float64)
    offsets = (
        np.linspace(-0.04, 0.04, len(results)) if len(results) > 1 else np.zeros(1)
    )
    for i, (label, r) in enumerate(results.items()):
        mean, low, high = (
            np.asarray(r[k], dtype=np.float64) for k in ("mean", "low", "high")
        )
        if not mean.shape == low.shape == high.shape == x.shape:
            raise ValueError(
                f"results[{label!r}] must hold one mean, low and high per budget "
                f"({len(x)}), "
                f"got shapes {mean.shape}, {low.shape}, {high.shape}"
            )
        xs = x * (1 + offsets[i])
        ax.errorbar(
            xs,
            mean,
            yerr=[mean - low, high - mean],
            marker="o",
            ms=4,
            capsize=3,
            color=f"C{i}",
            label=label,
        )
    ax.set_xscale("log")
    ax.set_xticks(x, [f"{b:g}" for b in x])
    ax.minorticks_off()
    ax.set_xlabel("budget (epochs)")
    ax.set_ylabel(ylabel)
    ax.legend(fontsize="small")
    return ax


def plot_tuning_curves(
    methods: Mapping[str, object],
    *,
    ax: Axes | None = None,
    metric: str = "val_loss",
    by: str = "lr",
    line: str | None = "s",
) -> Axes:
    """Mean validation score of each candidate against its peak rate, one line per
    method.

    ``methods`` maps a name to a :class:`lib.experiments.MethodResult`; candidates that
    differ in ``line`` (the decay scale s of power and exponential) get one dashed line
    each. The chosen candidate is ringed.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.8))
    for i, (name, m) in enumerate(methods.items()):
        scores = m.tuning_scores(metric)
        keys = (
            sorted({c.get(line) for c in m.candidates}, key=lambda v: (v is None, v))
            if line
            else [None]
        )
        for j, key in enumerate(keys):
            idx = [
                k
                for k, c in enumerate(m.candidates)
                if line is None or c.get(line) == key
            ]
            lab = name if key is None else f"{name}, {line} = {key:.2g}·T"
            ax.plot(
                [m.candidates[k][by] for k in idx],
                scores[idx],
                marker="o",
                ms=4,
                color=f"C{i}",
                ls="-" if j == 0 else "--",
                label=lab,
            )
        best = m.candidates.index(m.chosen)
        ax.plot(m.chosen[by], scores[best], "o", ms=11, mfc="none", color=f"C{i}")
    ax.set_xscale("log")
    ax.set_xlabel("peak learning rate η")
    ax.set_ylabel(f"{metric.replace('_', ' ')} (mean of tuning seeds)")
    ax.legend(fontsize="x-small")
    return ax
