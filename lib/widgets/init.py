"""Explorer for the initialisation chapter: depth, activation and weight scale →
per-layer histograms.
"""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from ..diagnostics import ACTIVATIONS, activations, dense_stack
from ..plots.init import activation_histograms, layer_profile
from .explorer import explorer

_RANGES = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}


def draw_activation_view(
    depth: int = 5,
    activation: str = "tanh",
    gain: float = 1.0,
    *,
    width: int = 100,
    n_samples: int = 1000,
    seed: int = 0,
    max_panels: int = 5,
) -> Figure:
    """Histograms of a random stack's activations plus their standard deviation per
    layer.

    The stack has ``depth`` layers of ``width`` units, weights W ~ N(0, σ²) with σ =
    ``gain``/√width (gain 1 is LeCun/Xavier for square layers, gain √2 is He), zero
    biases and standard-normal inputs. At most ``max_panels`` evenly spaced layers get a
    histogram; the right-hand panel shows the std of every layer's activations on a log
    scale.
    """
    rng = np.random.default_rng(seed)
    net = dense_stack(width, width, depth, activation, gain / np.sqrt(width), rng)
    acts = list(activations(net, rng.standard_normal((n_samples, width))).values())
    shown = np.unique(
        np.linspace(0, depth - 1, min(max_panels, depth)).round().astype(int)
    )
    fig, axes = plt.subplots(
        1,
        len(shown) + 1,
        figsize=(2.1 * (len(shown) + 1) + 1, 2.4),
        gridspec_kw={"width_ratios": [1] * len(shown) + [1.6]},
    )
    activation_histograms(
        [acts[k] for k in shown], axes=axes[:-1], range=_RANGES.get(activation)
    )
    for ax, k in zip(axes[:-1], shown, strict=True):
        ax.set_title(f"layer {k + 1}", fontsize="small")
    layer_profile(
        {"std of activations": [a.std() for a in acts]}, ax=axes[-1], log=True
    )
    fig.suptitle(
        f"{activation}, depth {depth}, σ_W = {gain:.3g}/√{width}", fontsize="medium"
    )
    fig.tight_layout()
    return fig


def activation_explorer(
    *, width: int = 100, n_samples: int = 1000, seed: int = 0
) -> widgets.VBox:
    """Sliders for depth and weight gain and a menu of activations, redrawing
    :func:`draw_activation_view`.

    The default view (depth 5, tanh, gain 1) is what ``draw_activation_view()`` draws.
    """
    controls = {
        "depth": widgets.IntSlider(value=5, min=1, max=30, description="depth"),
        "activation": widgets.Dropdown(
            options=sorted(ACTIVATIONS), value="tanh", description="activation"
        ),
        "gain": widgets.FloatLogSlider(
            value=1.0, base=10, min=-2, max=1, step=0.05, description="gain"
        ),
    }

    def draw(depth: int, activation: str, gain: float) -> None:
        draw_activation_view(
            depth, activation, gain, width=width, n_samples=n_samples, seed=seed
        )

    return explorer(draw, **controls)
