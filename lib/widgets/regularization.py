"""Explorer of the regularization chapter: L2 strength and dropout rate against the
learning curves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from ..losses import SoftmaxCrossEntropy
from ..model import Sequential
from ..optim import Adam, Optimizer
from ..plots.curves import learning_curves
from ..regularizers import l2
from ..train import History, fit
from .explorer import explorer

DEFAULT_LAMBDAS = (0.0, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2)
DEFAULT_RATES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6)


def train_regularized(
    make_model: Callable[[float, int], Sequential],
    data: tuple,
    *,
    lam: float,
    rate: float,
    epochs: int,
    seed: int,
    batch_size: int = 32,
    make_optimizer: Callable[[], Optimizer] = lambda: Adam(1e-3),
) -> History:
    """Train ``make_model(rate, seed)`` on ``data = (X, y, X_val, y_val)`` with an
    ``l2(lam)`` penalty.
    """
    X, y, X_val, y_val = data
    return fit(
        make_model(rate, seed),
        SoftmaxCrossEntropy(),
        make_optimizer(),
        X,
        y,
        epochs=epochs,
        batch_size=batch_size,
        rng=np.random.default_rng(seed),
        validation=(X_val, y_val),
        regularizer=l2(lam) if lam > 0 else None,
    )


def plot_regularized_run(history: History, *, title: str = "") -> plt.Figure:
    """Loss and accuracy curves (train dashed, validation solid) of one run, side by
    side.
    """
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(9, 3.2))
    learning_curves(history, "loss", ax=ax_loss, log=True)
    learning_curves(history, "acc", ax=ax_acc)
    gap = history.train_acc[-1] - history.val_acc[-1]
    ax_acc.set_title(
        f"final val acc {history.val_acc[-1]:.3f}, gap {gap:.3f}", fontsize="small"
    )
    if title:
        ax_loss.set_title(title, fontsize="small")
    fig.tight_layout()
    return fig


def regularization_explorer(
    make_model: Callable[[float, int], Sequential],
    data: tuple,
    *,
    epochs: int = 150,
    seed: int = 0,
    lam: float = 1e-3,
    rate: float = 0.2,
    lambdas: Sequence[float] = DEFAULT_LAMBDAS,
    rates: Sequence[float] = DEFAULT_RATES,
    run: Callable[[float, float], History] | None = None,
) -> widgets.VBox:
    """Sliders for the L2 strength λ and the dropout rate; each change retrains and
    redraws the curves.

    ``make_model(rate, seed)`` builds the network (with dropout at ``rate``); ``data``
    is ``(X, y, X_val, y_val)``. Each redraw trains one network for ``epochs`` epochs.
    ``lam`` and ``rate`` are the starting values and must be among ``lambdas`` and
    ``rates``. ``run(lam, rate) -> History``, if given, replaces that training (for
    instance a cached :func:`train_regularized`, so that the static figure of the
    default view and the widget share one run, and revisiting a setting is instant).
    """
    if lam not in lambdas:
        raise ValueError(f"lam must be one of lambdas {tuple(lambdas)}, got {lam!r}")
    if rate not in rates:
        raise ValueError(f"rate must be one of rates {tuple(rates)}, got {rate!r}")
    if run is None:

        def run(lam: float, rate: float) -> History:
            return train_regularized(
                make_model, data, lam=lam, rate=rate, epochs=epochs, seed=seed
            )
    elif not callable(run):
        raise TypeError(
            "run must be a callable run(lam, rate) -> History or None, got "
            f"{type(run).__name__}"
        )

    def draw(lam: float, rate: float) -> None:
        plot_regularized_run(
            run(lam, rate), title=f"L2 λ = {lam:g}, dropout rate = {rate:g}"
        )

    lam_w = widgets.SelectionSlider(
        options=[(f"{v:g}", v) for v in lambdas],
        value=lam,
        description="L2 λ",
        continuous_update=False,
    )
    rate_w = widgets.SelectionSlider(
        options=[(f"{v:g}", v) for v in rates],
        value=rate,
        description="dropout",
        continuous_update=False,
    )
    return explorer(draw, lam=lam_w, rate=rate_w)
