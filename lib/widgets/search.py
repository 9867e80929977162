"""Step through a one-dimensional Bayesian-optimisation run: the GP posterior and
expected improvement after each evaluation."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from ..plots.search import plot_gp_1d
from ..search import Distribution, Trial
from .explorer import explorer


def bo_stepper(
    trials: Sequence[Trial],
    space: Mapping[str, Distribution],
    *,
    f_true: Callable[[np.ndarray], np.ndarray] | None = None,
    start: int = 3,
) -> widgets.VBox:
    """A slider over the number of evaluations seen; each position redraws
    ``plot_gp_1d`` for the trials of a finished 1-D ``bayes_opt`` run (the red line is
    the trial chosen next)."""
    if len(trials) < 2:
        raise ValueError(
            "trials must hold at least 2 evaluations to step through, got "
            f"{len(trials)}"
        )
    if not 1 <= start <= len(trials):
        raise ValueError(f"start must be in [1, {len(trials)}], got {start}")

    def draw(n_seen: int) -> None:
        _, axes = plt.subplots(
            2, 1, figsize=(6, 4), sharex=True, gridspec_kw={"height_ratios": [2, 1]}
        )
        plot_gp_1d(trials, space, n_seen=n_seen, f_true=f_true, axes=axes)
        axes[0].legend(fontsize="x-small", loc="upper right")

    slider = widgets.IntSlider(
        value=start,
        min=1,
        max=len(trials),
        step=1,
        description="evaluations",
        continuous_update=False,
    )
    return explorer(draw, n_seen=slider)
