"""Schedule explorer: pick a schedule and its parameters, see η(t) and the training
run it gives.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from .. import schedules as S
from ..data import DataSplits
from ..losses import SoftmaxCrossEntropy
from ..model import Sequential
from ..optim import Optimizer
from ..train import fit
from .explorer import explorer

NAMES = (
    "constant",
    "power",
    "exponential",
    "piecewise_constant",
    "one_cycle",
    "cosine",
    "cosine_restarts",
    "plateau",
)


def make_schedule(
    name: str,
    lr: float,
    *,
    epochs: int,
    steps_per_epoch: int,
    s_epochs: float = 10.0,
    pct_start: float = 0.45,
    warmup_epochs: int = 0,
    patience: int = 2,
):
    """(schedule, schedule_per) for the schedule called ``name`` with peak rate ``lr``.

    Step schedules count t in mini-batch steps; ``s_epochs`` is the decay scale s of
    ``power`` and ``exponential`` in epochs, and ``piecewise_constant`` divides the rate
    by 10 at epochs s and 1.5·s; ``cosine_restarts`` restarts after s epochs, then
    cycles twice as long. ``plateau`` halves the rate after ``patience`` epochs in which
    the validation loss did not fall by more than 0.001, and is applied per epoch.
    """
    total, s = epochs * steps_per_epoch, s_epochs * steps_per_epoch
    if name == "plateau":
        return S.ReduceLROnPlateau(
            lr, factor=0.5, patience=patience, min_delta=1e-3
        ), "epoch"
    builders = {
        "constant": lambda: S.constant(lr),
        "power": lambda: S.power(lr, s),
        "exponential": lambda: S.exponential(lr, s),
        "piecewise_constant": lambda: S.piecewise_constant(
            [round(s), round(1.5 * s)], [lr, lr / 10, lr / 100]
        ),
        "one_cycle": lambda: S.one_cycle(total, lr, pct_start=pct_start),
        "cosine": lambda: S.cosine(lr, total, warmup=warmup_epochs * steps_per_epoch),
        "cosine_restarts": lambda: S.cosine_restarts(lr, max(1, round(s)), mult=2),
    }
    if name not in builders:
        raise ValueError(f"name must be one of {NAMES}, got {name!r}")
    return builders[name](), "step"


def schedule_run_figure(
    data: DataSplits,
    name: str,
    lr: float,
    *,
    model_fn: Callable[[int], Sequential],
    optimizer_fn: Callable[[float], Optimizer],
    epochs: int = 20,
    batch_size: int = 32,
    seed: int = 0,
    **schedule_kwargs,
) -> Figure:
    """Train ``model_fn(seed)`` with the schedule and with a constant rate ``lr``; draw
    η(t) and both losses.

    Left: the rate at every step (per-epoch steps for ``plateau``). Right: validation
    loss per epoch of the scheduled run and of the constant-rate run from the same seed.
    """
    spe = math.ceil(len(data.X_train) / batch_size)
    sched, per = make_schedule(
        name, lr, epochs=epochs, steps_per_epoch=spe, **schedule_kwargs
    )
    runs = {
        label: fit(
            model_fn(seed),
            SoftmaxCrossEntropy(),
            optimizer_fn(lr),
            data.X_train,
            data.y_train,
            epochs=epochs,
            batch_size=batch_size,
            rng=seed,
            validation=(data.X_val, data.y_val),
            schedule=sc,
            schedule_per=sp,
        )
        for label, sc, sp in ((name, sched, per), ("constant", S.constant(lr), "step"))
    }
    fig, (ax_lr, ax_loss) = plt.subplots(1, 2, figsize=(9, 3.3))
    if per == "step":
        t = np.arange(epochs * spe)
        ax_lr.plot(t / spe, [sched(int(k)) for k in t], color="C0")
    else:
        used = runs[name].lr  # the rate of each epoch, held over [epoch, epoch + 1)
        ax_lr.step(
            np.arange(len(used) + 1), [*used, used[-1]], where="post", color="C0"
        )
    ax_lr.set(
        xlabel="epoch", ylabel="learning rate", yscale="log", title=f"η(t): {name}"
    )
    for i, (label, h) in enumerate(runs.items()):
        style = "-" if i == 0 else "--"
        ax_loss.plot(
            np.arange(1, h.epochs + 1),
            h.val_loss,
            style,
            color=f"C{i}",
            label=f"{label}: final {h.val_loss[-1]:.3f}"
            if not h.diverged
            else f"{label}: diverged",
        )
    ax_loss.set(
        xlabel="epoch",
        ylabel="validation loss",
        yscale="log",
        title=f"training run (seed {seed})",
    )
    ax_loss.legend(fontsize="small")
    fig.tight_layout()
    return fig


def schedule_explorer(
    data: DataSplits,
    *,
    model_fn: Callable[[int], Sequential],
    optimizer_fn: Callable[[float], Optimizer],
    epochs: int = 20,
    batch_size: int = 32,
    name: str = "one_cycle",
    lr: float = 0.1,
) -> widgets.VBox:
    """Controls for ``schedule_run_figure``: schedule, peak rate, its parameters and the
    seed.

    Each redraw trains two small models (the schedule and a constant rate), well under a
    second on the digits MLP.
    """
    if name not in NAMES:
        raise ValueError(f"name must be one of {NAMES}, got {name!r}")
    style = {"description_width": "initial"}
    controls = {
        "name": widgets.Dropdown(options=NAMES, value=name, description="schedule"),
        "lr": widgets.FloatLogSlider(
            value=lr,
            base=10,
            min=-3,
            max=0,
            step=0.1,
            description="peak η",
            readout_format=".3f",
        ),
        "s_epochs": widgets.FloatSlider(
            value=10.0,
            min=0.5,
            max=float(epochs),
            step=0.5,
            description="s (epochs; power, exp., piecewise, restarts)",
            style=style,
        ),
        "pct_start": widgets.FloatSlider(
            value=0.45,
            min=0.1,
            max=0.5,
            step=0.05,
            description="pct_start (1cycle)",
            style=style,
        ),
        "warmup_epochs": widgets.IntSlider(
            value=0, min=0, max=epochs // 2, description="warm-up (cosine)", style=style
        ),
        "patience": widgets.IntSlider(
            value=2, min=0, max=10, description="patience (plateau)", style=style
        ),
        "seed": widgets.IntSlider(value=0, min=0, max=9, description="seed"),
    }

    def draw(name: str, lr: float, seed: int, **kwargs) -> None:
        schedule_run_figure(
            data,
            name,
            lr,
            model_fn=model_fn,
            optimizer_fn=optimizer_fn,
            epochs=epochs,
            batch_size=batch_size,
            seed=seed,
            **kwargs,
        )

    return explorer(draw, **controls)
