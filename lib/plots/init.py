"""Per-layer pictures of a deep stack: activation histograms and per-layer profiles
(gradient norms, std).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure


def _as_list(
    outputs: Mapping[str, np.ndarray] | Sequence[np.ndarray],
) -> list[np.ndarray]:
    arrays = list(outputs.values()) if isinstance(outputs, Mapping) else list(outputs)
    if not arrays:
        raise ValueError("outputs must hold at least one layer's activations, got none")
    return [np.asarray(a) for a in arrays]


def activation_histograms(
    outputs: Mapping[str, np.ndarray] | Sequence[np.ndarray],
    *,
    axes: Sequence[Axes] | None = None,
    bins: int = 30,
    range: tuple[float, float] | None = None,
    color: str = "C0",
    label_std: bool = True,
) -> list[Axes]:
    """One histogram per layer of the activations in ``outputs`` (first layer leftmost).

    ``outputs`` is a list of arrays or a mapping such as
    :func:`lib.diagnostics.activations` returns. ``range`` fixes the x-range of every
    panel (``None``: each panel's own min–max); values outside it are not drawn. Each
    panel is titled ``layer k`` and, with ``label_std``, states the standard deviation
    (std) of its values, which carries the scale a histogram's axis labels make easy to
    miss.
    """
    arrays = _as_list(outputs)
    if axes is None:
        _, axes = plt.subplots(
            1, len(arrays), figsize=(2.2 * len(arrays), 2.2), squeeze=False
        )
        axes = list(axes[0])
    if len(axes) < len(arrays):
        raise ValueError(
            f"axes must hold at least {len(arrays)} axes (one per layer), got "
            f"{len(axes)}"
        )
    for k, (ax, a) in enumerate(zip(axes, arrays, strict=False)):
        values = a.ravel()
        ax.hist(
            values,
            bins=bins,
            range=range,
            color=color,
            density=False,
            weights=np.full(values.size, 1.0 / values.size),
        )
        ax.set_title(f"layer {k + 1}", fontsize="small")
        ax.tick_params(labelsize="x-small")
        if label_std:
            ax.text(
                0.97,
                0.93,
                f"std={values.std():.2g}",
                transform=ax.transAxes,
                ha="right",
                va="top",
                fontsize="x-small",
                bbox={"facecolor": "white", "alpha": 0.7, "linewidth": 0},
            )
    return list(axes)


def activation_histogram_grid(
    rows: Mapping[str, Mapping[str, np.ndarray] | Sequence[np.ndarray]],
    *,
    bins: int = 30,
    range: tuple[float, float] | None = None,
    title: str | None = None,
) -> Figure:
    """A grid of :func:`activation_histograms`: one row per configuration, one column
    per layer.

    ``rows`` maps a row label (e.g. ``"Xavier"``) to that configuration's per-layer
    outputs. Bar heights are the fraction of values in each bin, so rows with different
    numbers of samples compare directly.
    """
    if not rows:
        raise ValueError("rows must hold at least one configuration, got none")
    lists = {label: _as_list(outs) for label, outs in rows.items()}
    n_cols = max(len(v) for v in lists.values())
    fig, axes = plt.subplots(
        len(lists), n_cols, figsize=(2.0 * n_cols, 1.7 * len(lists)), squeeze=False
    )
    for r, (label, arrays) in enumerate(lists.items()):
        activation_histograms(
            arrays, axes=axes[r], bins=bins, range=range, color=f"C{r}"
        )
        axes[r][0].set_ylabel(label, fontsize="small")
        for ax in axes[r][len(arrays) :]:
            ax.set_visible(False)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def layer_profile(
    values: Mapping[str, Sequence[float]],
    *,
    ax: Axes | None = None,
    ylabel: str = "",
    log: bool = False,
    marker: str = "o",
) -> Axes:
    """One line per configuration of a per-layer quantity against the layer number (1 =
    first layer).

    ``values`` maps a label to the quantity for layers 1, 2, …; a dict of floats (such
    as :func:`lib.diagnostics.weight_grad_norms` returns) can be passed as
    ``list(d.values())``.
    """
    if not values:
        raise ValueError("values must hold at least one configuration, got none")
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.2))
    for label, v in values.items():
        v = np.asarray(v, dtype=float)
        ax.plot(np.arange(1, v.size + 1), v, marker=marker, ms=3, label=label)
    ax.set_xlabel("layer")
    ax.set_ylabel(ylabel)
    if log:
        ax.set_yscale("log")
    ax.legend(fontsize="small")
    return ax


def gradient_norm_profile(
    norms: Mapping[str, Sequence[float] | Mapping[str, float]],
    *,
    ax: Axes | None = None,
) -> Axes:
    """Per-layer weight-gradient norms ‖∂L/∂W‖ on a log scale, one line per
    configuration.

    ``norms`` maps a label to a sequence of norms or to the dict that
    :func:`lib.diagnostics.weight_grad_norms` returns.
    """
    lists = {
        label: list(v.values()) if isinstance(v, Mapping) else list(v)
        for label, v in norms.items()
    }
    return layer_profile(lists, ax=ax, ylabel="‖∂L/∂W‖", log=True)
