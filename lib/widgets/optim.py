"""Chapter 2's explorer: pick a function, an optimizer, η and β, and watch the
trajectory.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets
import matplotlib.pyplot as plt
from matplotlib.axes import Axes

from .. import functions, optim
from ..plots.optim import plot_trajectories
from .explorer import explorer

FUNCTIONS: dict[str, Callable[[], functions.Function2D]] = {
    "Quadratic": functions.Quadratic,
    "Rosenbrock": functions.Rosenbrock,
    "Beale": functions.Beale,
    "Saddle": functions.Saddle,
    "Himmelblau": functions.Himmelblau,
}

# β is the momentum coefficient for Momentum/Nesterov, ρ for RMSProp and β1 for the Adam
# family.
OPTIMIZERS: dict[str, Callable[[float, float], optim.Optimizer]] = {
    "SGD": lambda lr, beta: optim.SGD(lr),
    "Momentum": lambda lr, beta: optim.Momentum(lr, beta=beta),
    "Nesterov": lambda lr, beta: optim.Nesterov(lr, beta=beta),
    "AdaGrad": lambda lr, beta: optim.AdaGrad(lr),
    "RMSProp": lambda lr, beta: optim.RMSProp(lr, rho=beta),
    "Adam": lambda lr, beta: optim.Adam(lr, beta1=beta),
    "AdaMax": lambda lr, beta: optim.AdaMax(lr, beta1=beta),
    "Nadam": lambda lr, beta: optim.Nadam(lr, beta1=beta),
    "AdamW": lambda lr, beta: optim.AdamW(lr, beta1=beta),
}


def make_optimizer(name: str, lr: float, beta: float = 0.9) -> optim.Optimizer:
    """Build optimizer ``name`` with rate ``lr``; ``beta`` is its momentum-like
    coefficient (β, ρ or β1).
    """
    if name not in OPTIMIZERS:
        raise ValueError(f"name must be one of {list(OPTIMIZERS)}, got {name!r}")
    return OPTIMIZERS[name](lr, beta)


def draw_optimizer(
    function: str = "Quadratic",
    optimizer: str = "Momentum",
    lr: float = 0.1,
    beta: float = 0.9,
    steps: int = 60,
    *,
    compare_sgd: bool = True,
    ax: Axes | None = None,
) -> Axes:
    """Draw the path of ``optimizer`` on ``function`` from the function's start (with
    plain SGD for reference).
    """
    if function not in FUNCTIONS:
        raise ValueError(f"function must be one of {list(FUNCTIONS)}, got {function!r}")
    fn = FUNCTIONS[function]()
    paths = {
        f"{optimizer} (η={lr:.3g})": functions.trajectory(
            fn, make_optimizer(optimizer, lr, beta), steps=steps
        )
    }
    if compare_sgd and optimizer != "SGD":
        paths[f"SGD (η={lr:.3g})"] = functions.trajectory(
            fn, optim.SGD(lr), steps=steps
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4.5))
    end = paths[next(iter(paths))][-1]
    plot_trajectories(
        fn,
        paths,
        ax=ax,
        title=f"{function}: {optimizer} ends at f = {float(fn(end)):.3g}",
    )
    return ax


def optimizer_explorer(
    function: str = "Quadratic",
    optimizer: str = "Momentum",
    lr: float = 0.1,
    beta: float = 0.9,
    steps: int = 60,
) -> widgets.VBox:
    """Controls for :func:`draw_optimizer`; the figure is redrawn on every change."""

    def draw(**kw: object) -> None:
        draw_optimizer(**kw)

    return explorer(
        draw,
        function=widgets.Dropdown(
            options=list(FUNCTIONS), value=function, description="function"
        ),
        optimizer=widgets.Dropdown(
            options=list(OPTIMIZERS), value=optimizer, description="optimizer"
        ),
        lr=widgets.FloatLogSlider(
            value=lr, base=10, min=-4, max=0.5, step=0.05, description="η"
        ),
        beta=widgets.FloatSlider(
            value=beta, min=0.0, max=0.99, step=0.01, description="β / ρ / β1"
        ),
        steps=widgets.IntSlider(
            value=steps, min=5, max=500, step=5, description="steps"
        ),
    )
