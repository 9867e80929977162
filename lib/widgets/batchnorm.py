"""Explorer of the batch-normalisation chapter: initial weight scale, learning rate and
with/without batch norm → learning curves."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from .._checks import check_positive
from ..plots.curves import learning_curves
from ..train import History
from .explorer import explorer

MODES = {"both": (False, True), "with BN": (True,), "without BN": (False,)}
"""Which networks the explorer trains: the keys are the choices of its ``networks``
menu."""

Run = Callable[[float, float, bool], History]


def draw_bn_view(run: Run, scale: float, lr: float, networks: str = "both") -> Figure:
    """Train with ``run(scale, lr, batch_norm)`` and draw loss and accuracy curves side
    by side.

    ``networks`` is a key of :data:`MODES`. This is the explorer's picture; call it
    directly for the static figure of a view.
    """
    check_positive("scale", scale)
    check_positive("lr", lr)
    if networks not in MODES:
        raise ValueError(f"networks must be one of {sorted(MODES)}, got {networks!r}")
    histories = {
        ("with BN" if bn else "without BN"): run(scale, lr, bn)
        for bn in MODES[networks]
    }
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.4))
    finite = {k: h for k, h in histories.items() if h.epochs}
    if finite:
        learning_curves(finite, "loss", ax=ax_loss, log=True)
        learning_curves(finite, "acc", ax=ax_acc)
    ax_acc.set_ylim(0, 1.02)
    notes = [
        f"{k}: diverged after {h.epochs} epochs"
        for k, h in histories.items()
        if h.diverged
    ]
    title = f"initial std σ = {scale:.2g}, learning rate η = {lr:.2g}"
    fig.suptitle(
        title + ("   (" + "; ".join(notes) + ")" if notes else ""), fontsize=10
    )
    fig.tight_layout()
    return fig


def bn_explorer(
    run: Run, *, scale: float = 0.01, lr: float = 0.05, networks: str = "both"
) -> widgets.VBox:
    """Sliders for the initial weight std σ (1e-4 … 1) and the learning rate (1e-3 …
    10), and a menu of networks (``"both"``, ``"with BN"``, ``"without BN"``); each
    change re-runs :func:`draw_bn_view` with ``run``.
    """
    check_positive("scale", scale)
    check_positive("lr", lr)
    return explorer(
        lambda scale, lr, networks: draw_bn_view(run, scale, lr, networks),
        scale=widgets.FloatLogSlider(
            value=scale,
            base=10,
            min=-4,
            max=0,
            step=0.25,
            description="σ",
            continuous_update=False,
        ),
        lr=widgets.FloatLogSlider(
            value=lr,
            base=10,
            min=-3,
            max=1,
            step=0.25,
            description="η",
            continuous_update=False,
        ),
        networks=widgets.Dropdown(
            options=list(MODES), value=networks, description="networks"
        ),
    )


__all__ = ["MODES", "bn_explorer", "draw_bn_view"]
