"""Figures of hyperparameter searches: trials over a plane, best-so-far curves,
successive-halving ladders, and the Gaussian-process posterior with expected improvement
of a 1-D Bayesian optimisation."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from ..gp import GaussianProcess, expected_improvement
from ..search import Distribution, LogUniform, Trial, best_so_far, to_unit


def plot_trials_2d(
    trials: Sequence[Trial],
    x: str,
    y: str,
    *,
    ax: Axes | None = None,
    logx: bool = False,
    logy: bool = False,
    vmin: float | None = None,
    vmax: float | None = None,
    colorbar: bool = True,
    marker: str = "o",
    label: str | None = None,
) -> Axes:
    """Scatter the trials over the plane of hyperparameters ``x`` and ``y``, coloured by
    score (darker is better); the best trial gets a red star."""
    if not trials:
        raise ValueError("trials is empty: nothing to plot")
    for name in (x, y):
        if name not in trials[0].params:
            raise ValueError(
                f"{name!r} is not a hyperparameter of these trials; they have "
                f"{sorted(trials[0].params)}"
            )
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 3.8))
    xs = np.array([t.params[x] for t in trials], dtype=float)
    ys = np.array([t.params[y] for t in trials], dtype=float)
    scores = np.array([t.score for t in trials], dtype=float)
    sc = ax.scatter(
        xs,
        ys,
        c=scores,
        cmap="viridis",
        vmin=vmin,
        vmax=vmax,
        s=28,
        marker=marker,
        edgecolors="k",
        linewidths=0.3,
        label=label,
    )
    i = int(np.nanargmin(scores))
    ax.plot(xs[i], ys[i], "*", color="red", markersize=14, markeredgecolor="k")
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    if colorbar:
        ax.figure.colorbar(sc, ax=ax, label="score (lower is better)")
    return ax


def plot_best_so_far(
    runs: Mapping[str, Sequence[Sequence[Trial]]],
    *,
    ax: Axes | None = None,
    cost: str = "budget",
    logy: bool = False,
) -> Axes:
    """Running best score against the cumulative cost of each search.

    ``runs`` maps a label to a list of searches (one per seed, each a list of trials);
    ``cost="budget"`` puts the summed budgets on the x-axis (e.g. epochs spent),
    ``cost="trials"`` the number of evaluations. One thin line per seed, one colour per
    label.
    """
    if cost not in ("budget", "trials"):
        raise ValueError(f"cost must be 'budget' or 'trials', got {cost!r}")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    for k, (label, searches) in enumerate(runs.items()):
        for j, trials in enumerate(searches):
            spent = (
                np.cumsum([float(t.budget) for t in trials])
                if cost == "budget"
                else np.arange(1, len(trials) + 1)
            )
            ax.step(
                spent,
                best_so_far(trials),
                where="post",
                color=f"C{k}",
                alpha=0.8,
                lw=1.2,
                label=label if j == 0 else None,
            )
    ax.set_xlabel("cumulative budget" if cost == "budget" else "trials")
    ax.set_ylabel("best score so far")
    if logy:
        ax.set_yscale("log")
    ax.legend(fontsize="small")
    return ax


def plot_halving(
    trials: Sequence[Trial], *, ax: Axes | None = None, logx: bool = True
) -> Axes:
    """Each configuration's score against the budget it was given, a line joining the
    rungs it survived; one colour per bracket (successive halving has a single bracket).
    """
    if not trials:
        raise ValueError("trials is empty: nothing to plot")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    brackets = sorted({t.bracket for t in trials}, reverse=True)
    for k, s in enumerate(brackets):
        paths: dict[tuple, list[Trial]] = {}
        for t in trials:
            if t.bracket == s:
                paths.setdefault(tuple(sorted(t.params.items())), []).append(t)
        for j, path in enumerate(paths.values()):
            ax.plot(
                [t.budget for t in path],
                [t.score for t in path],
                "o-",
                color=f"C{k}",
                ms=3,
                lw=0.8,
                alpha=0.7,
                label=(f"bracket s={s}" if len(brackets) > 1 else "configuration")
                if j == 0
                else None,
            )
    if logx:
        ax.set_xscale("log")
    ax.set_xlabel("budget")
    ax.set_ylabel("score")
    ax.legend(fontsize="small")
    return ax


def plot_gp_1d(
    trials: Sequence[Trial],
    space: Mapping[str, Distribution],
    *,
    n_seen: int | None = None,
    f_true: Callable[[np.ndarray], np.ndarray] | None = None,
    axes: Sequence[Axes] | None = None,
    kernel: str = "matern52",
    resolution: int = 400,
) -> Sequence[Axes]:
    """The GP posterior (mean ± 2σ) fitted to the first ``n_seen`` trials of a
    one-dimensional search, above the expected improvement it implies; the trial
    evaluated next is marked red.

    ``f_true`` (optional) draws the objective itself as a dashed line.
    """
    if len(space) != 1:
        raise ValueError(
            f"plot_gp_1d needs a one-dimensional space, got {len(space)} dimensions"
        )
    ((name, dist),) = space.items()
    n_seen = len(trials) if n_seen is None else n_seen
    if not 1 <= n_seen <= len(trials):
        raise ValueError(f"n_seen must be in [1, {len(trials)}], got {n_seen}")
    if axes is None:
        _, axes = plt.subplots(
            2, 1, figsize=(6, 4), sharex=True, gridspec_kw={"height_ratios": [2, 1]}
        )
    ax_f, ax_ei = axes
    seen = trials[:n_seen]
    X = to_unit(space, [t.params for t in seen])
    y = np.array([t.score for t in seen])
    model = GaussianProcess(kernel).fit(X, y)
    u = np.linspace(0, 1, resolution)
    xs = np.array([dist.decode(v) for v in np.minimum(u, 1 - 1e-12)], dtype=float)
    mean, std = model.predict(u[:, None])
    ei = expected_improvement(mean, std, float(y.min()))
    if f_true is not None:
        ax_f.plot(xs, f_true(xs), "k--", lw=1, label="objective")
    ax_f.plot(xs, mean, color="C0", label="posterior mean")
    ax_f.fill_between(
        xs, mean - 2 * std, mean + 2 * std, color="C0", alpha=0.2, label="±2σ"
    )
    ax_f.plot([t.params[name] for t in seen], y, "ko", ms=4, label="evaluated")
    ax_ei.plot(xs, ei, color="C2")
    ax_ei.fill_between(xs, 0, ei, color="C2", alpha=0.3)
    if n_seen < len(trials):
        nxt = trials[n_seen]
        ax_f.axvline(nxt.params[name], color="red", lw=1, alpha=0.7)
        ax_ei.axvline(
            nxt.params[name], color="red", lw=1, alpha=0.7, label="next trial"
        )
        ax_ei.legend(fontsize="x-small", loc="upper left")
    for ax in axes:
        if isinstance(dist, LogUniform):
            ax.set_xscale("log")
    ax_f.set_ylabel("score")
    ax_ei.set_ylabel("EI")
    ax_ei.set_xlabel(name)
    ax_f.set_title(f"after {n_seen} evaluations", fontsize="small")
    return axes
