"""Figures of the going-deeper chapter: per-layer statistics of deep stacks at
initialisation, the growth of a residual stack's scale, and a metric against the
training batch size."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..diagnostics import layer_outputs, residual_variance
from ..layers import ReLU, Residual
from ..model import Sequential


def plot_depth_stats(
    measured: Mapping[str, Sequence[Mapping[str, np.ndarray]]],
    alphas: Mapping[str, float | None],
    depth: int,
) -> Figure:
    """Two panels: each layer's root-mean-square output √q (left) and weight-gradient
    norm (right), one line per network and seed, and the prediction of
    {eq}`eq-residual-variance` for the residual stacks.

    ``measured[name]`` is a list over seeds of dicts with arrays ``"rms"`` (per layer)
    and ``"grad"`` (per weight matrix, first layer first); ``alphas[name]`` is the
    branch scale α of a residual stack, or None for a plain stack (no prediction drawn).
    """
    fig, (ax_s, ax_g) = plt.subplots(1, 2, figsize=(12, 4))
    for i, (name, runs) in enumerate(measured.items()):
        color = f"C{i}"
        for k, r in enumerate(runs):
            label = name if k == 0 else None
            ax_s.semilogy(
                np.arange(len(r["rms"])),
                r["rms"],
                color=color,
                lw=1,
                alpha=0.6,
                label=label,
            )
            ax_g.semilogy(
                np.arange(1, len(r["grad"]) + 1),
                r["grad"],
                color=color,
                lw=1,
                alpha=0.6,
                label=label,
            )
        alpha = alphas.get(name)
        if alpha is not None:
            q0 = np.mean([r["rms"][0] ** 2 for r in runs])  # the stem's output
            pred = np.sqrt(residual_variance(depth, alpha, q0=q0))
            ax_s.semilogy(np.arange(depth + 1), pred, color=color, ls=":", lw=2)
    ax_s.set_xlabel("layer (plain: ReLU output; residual: stem, then block output)")
    ax_s.set_ylabel("root mean square of the output")
    ax_s.set_title("activations at initialisation (dotted: eq. prediction)")
    ax_g.set_xlabel("weight matrix (first to last hidden)")
    ax_g.set_ylabel("‖∂L/∂W‖")
    ax_g.set_title("weight-gradient norms after one backward pass")
    ax_s.legend(fontsize="small")
    fig.tight_layout()
    return fig


def plot_residual_growth(
    net: Sequential, x: np.ndarray, alpha: float, *, ylim=(0.3, 1e5)
) -> Figure:
    """One frame of the residual-scale slider: root mean square √q of each block's
    output of ``net`` (a :func:`lib.diagnostics.residual_stack` with branch scale
    ``alpha``) on ``x``, measured (dots) and predicted by {eq}`eq-residual-variance`
    (line), on fixed axes."""
    outs = list(layer_outputs(net, x, kinds=(ReLU, Residual)).values())
    rms = np.array([np.sqrt(np.mean(o**2)) for o in outs])
    depth = len(rms) - 1
    pred = np.sqrt(residual_variance(depth, alpha, q0=rms[0] ** 2))
    fig, ax = plt.subplots(figsize=(6, 3.6), dpi=80)
    ax.semilogy(
        np.arange(depth + 1), pred, "-", color="0.5", label="predicted, eq. (1 + α²)^l"
    )
    ax.semilogy(
        np.arange(depth + 1), rms, "o", ms=4, color="C1", label="measured (seed 0)"
    )
    ax.set_ylim(*ylim)
    ax.set_xlabel("block l (0 = stem)")
    ax.set_ylabel("root mean square of the output")
    ax.set_title(f"{depth} residual blocks, α = {alpha:g}")
    ax.legend(fontsize="small", loc="upper left")
    fig.tight_layout()
    return fig


def plot_batch_size(
    results: Mapping[str, Mapping[int, tuple[float, float, float]]],
    *,
    ylabel: str = "test accuracy",
    ax: Axes | None = None,
) -> Axes:
    """A metric against the training batch size, one line per method with its 95 %
    interval as error bars: ``results[method][batch_size] = (mean, low, high)``."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.6))
    for i, (name, by_size) in enumerate(results.items()):
        sizes = sorted(by_size)
        mean = np.array([by_size[b][0] for b in sizes])
        low = np.array([by_size[b][1] for b in sizes])
        high = np.array([by_size[b][2] for b in sizes])
        shift = 1 + 0.04 * (i - (len(results) - 1) / 2)  # side by side on the log axis
        ax.errorbar(
            np.array(sizes) * shift,
            mean,
            yerr=[mean - low, high - mean],
            fmt="o-",
            capsize=3,
            color=f"C{i}",
            label=name,
        )
    ax.set_xscale("log", base=2)
    ax.set_xlabel("training batch size")
    ax.set_ylabel(ylabel)
    ax.legend(fontsize="small")
    return ax
