"""Two-dimensional objectives with analytic gradients, for pictures of optimizers.

Each function takes points ``p`` with the coordinates on the last axis (shape
``(..., 2)``) and returns values of shape ``p.shape[:-1]``, so a whole contour grid
evaluates in one call: ``f(np.stack([X, Y], axis=-1))``. ``grad(p)`` has the shape of
``p``. ``minima`` is an array of shape ``(k, 2)`` of the global (for Saddle: all)
minimisers; ``bounds`` and ``start`` give the window and the starting point the
chapter's figures use.
"""

from __future__ import annotations

import numpy as np

from ._checks import check_int, check_numeric, check_positive, check_real, check_size
from .optim import Optimizer


def _points(p: object) -> tuple[np.ndarray, np.ndarray]:
    try:
        arr = check_numeric("p", p).astype(float, copy=False)
    except (TypeError, ValueError):
        raise TypeError(f"p must be numbers of shape (..., 2), got {p!r}") from None
    if arr.ndim == 0 or arr.shape[-1] != 2:
        raise ValueError(
            "p must have shape (..., 2) (x and y on the last axis), got shape "
            f"{arr.shape}"
        )
    return arr[..., 0], arr[..., 1]


class Function2D:
    """Base class of the 2-D objectives: subclasses define ``value(x, y)`` and
    ``gradient(x, y)``.
    """

    minima: np.ndarray
    bounds: tuple[tuple[float, float], tuple[float, float]] = ((-2.0, 2.0), (-2.0, 2.0))
    start: tuple[float, float] = (-1.5, 1.5)
    log_levels: bool = False

    def __call__(self, p: object) -> np.ndarray:
        x, y = _points(p)
        return self.value(x, y)

    def grad(self, p: object) -> np.ndarray:
        x, y = _points(p)
        gx, gy = self.gradient(x, y)
        return np.stack(np.broadcast_arrays(gx, gy), axis=-1)

    def value(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def gradient(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def grid(self, n: int = 200) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(X, Y, Z) on an ``n × n`` grid over ``bounds``, evaluated in one
        vectorised call.
        """
        n = check_size("n", n, minimum=2, limit=10_000, what="points per axis")
        (x0, x1), (y0, y1) = self.bounds
        X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
        return X, Y, self(np.stack([X, Y], axis=-1))

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Quadratic(Function2D):
    """f(x, y) = a x² + b y²; Saito's elongated bowl x²/20 + y² by default.

    The Hessian is diag(2a, 2b), so the condition number is max(a, b)/min(a, b)
    (20 for the default). The single minimum is the origin.
    """

    def __init__(self, a: float = 0.05, b: float = 1.0) -> None:
        self.a = check_positive("a", a)
        self.b = check_positive("b", b)
        self.minima = np.zeros((1, 2))
        self.bounds = ((-10.0, 10.0), (-5.0, 5.0))
        self.start = (-7.0, 2.0)

    @property
    def kappa(self) -> float:
        """Condition number of the Hessian, max(a, b) / min(a, b)."""
        return max(self.a, self.b) / min(self.a, self.b)

    def value(self, x, y):
        return self.a * x**2 + self.b * y**2

    def gradient(self, x, y):
        return 2.0 * self.a * x, 2.0 * self.b * y

    def __repr__(self) -> str:
        return f"Quadratic(a={self.a:g}, b={self.b:g})"


class Rosenbrock(Function2D):
    """f(x, y) = (a − x)² + b (y − x²)², minimum at (a, a²): a long, curved, nearly
    flat valley.
    """

    log_levels = True

    def __init__(self, a: float = 1.0, b: float = 100.0) -> None:
        self.a = check_real("a", a)
        self.b = check_positive("b", b)
        self.minima = np.array([[self.a, self.a**2]])
        self.bounds = ((-2.0, 2.0), (-1.0, 3.0))
        self.start = (-1.5, 2.0)

    def value(self, x, y):
        return (self.a - x) ** 2 + self.b * (y - x**2) ** 2

    def gradient(self, x, y):
        r = y - x**2
        return -2.0 * (self.a - x) - 4.0 * self.b * x * r, 2.0 * self.b * r

    def __repr__(self) -> str:
        return f"Rosenbrock(a={self.a:g}, b={self.b:g})"


class Beale(Function2D):
    """f(x, y) = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)², minimum 0
    at (3, 0.5).
    """

    log_levels = True
    _c = (1.5, 2.25, 2.625)

    def __init__(self) -> None:
        self.minima = np.array([[3.0, 0.5]])
        self.bounds = ((-4.5, 4.5), (-4.5, 4.5))
        self.start = (1.0, 1.5)

    def value(self, x, y):
        return sum((c - x + x * y ** (i + 1)) ** 2 for i, c in enumerate(self._c))

    def gradient(self, x, y):
        gx, gy = 0.0, 0.0
        for i, c in enumerate(self._c):
            k = i + 1
            r = c - x + x * y**k
            gx = gx + 2.0 * r * (y**k - 1.0)
            gy = gy + 2.0 * r * k * x * y ** (k - 1)
        return gx, gy


class Saddle(Function2D):
    """f(x, y) = x² − y² + y⁴/4: a saddle point at the origin, minima −1 at (0, ±√2).

    Near the origin the surface is the classic saddle x² − y²; the quartic term bounds
    it below, so an optimizer that escapes the saddle has somewhere to go. ``saddles``
    lists the saddle point.
    """

    def __init__(self) -> None:
        self.minima = np.array([[0.0, -np.sqrt(2.0)], [0.0, np.sqrt(2.0)]])
        self.saddles = np.zeros((1, 2))
        self.bounds = ((-2.0, 2.0), (-2.0, 2.0))
        self.start = (-1.8, 1e-3)

    def value(self, x, y):
        return x**2 - y**2 + 0.25 * y**4

    def gradient(self, x, y):
        return 2.0 * x, -2.0 * y + y**3


class Himmelblau(Function2D):
    """f(x, y) = (x² + y − 11)² + (x + y² − 7)², four minima with value 0."""

    log_levels = True

    def __init__(self) -> None:
        self.minima = np.array(
            [
                [3.0, 2.0],
                [-2.805118086952745, 3.131312518250573],
                [-3.779310253377747, -3.283185991286170],
                [3.584428340330492, -1.848126526964404],
            ]
        )
        self.bounds = ((-5.0, 5.0), (-5.0, 5.0))
        self.start = (-0.5, -0.5)

    def value(self, x, y):
        return (x**2 + y - 11.0) ** 2 + (x + y**2 - 7.0) ** 2

    def gradient(self, x, y):
        r1, r2 = x**2 + y - 11.0, x + y**2 - 7.0
        return 4.0 * x * r1 + 2.0 * r2, 2.0 * r1 + 4.0 * y * r2


MAX_STEPS = 1_000_000
"""Largest number of steps :func:`trajectory` runs (some seconds of optimizer steps)."""


def trajectory(
    fn: Function2D,
    optimizer: Optimizer,
    start: object | None = None,
    steps: int = 100,
    *,
    escape: float = 1e6,
) -> np.ndarray:
    """Run ``optimizer`` on ``fn`` from ``start`` and return the visited points, shape
    (≤ steps + 1, 2).

    The optimizer is ``reset()`` first. The run stops early, keeping the points so far,
    if an iterate leaves the ball of radius ``escape`` (a diverging learning rate).
    """
    if not isinstance(fn, Function2D):
        raise TypeError(
            f"fn must be a lib.functions.Function2D, got {type(fn).__name__}"
        )
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"optimizer must be a lib.optim.Optimizer, got {type(optimizer).__name__}"
        )
    steps = check_int("steps", steps, minimum=0)
    if steps > MAX_STEPS:
        raise ValueError(
            f"steps must be <= {MAX_STEPS} (a path of {steps} points "
            f"would take hours to compute), got {steps}"
        )
    escape = check_positive("escape", escape)
    try:
        p = check_numeric("start", fn.start if start is None else start).astype(float)
    except (TypeError, ValueError):
        raise TypeError(
            f"start must be a point (x, y) of two numbers, got {start!r}"
        ) from None
    if p.shape != (2,):
        raise ValueError(f"start must be a point (x, y), got shape {p.shape}")
    if not np.all(np.isfinite(p)):
        raise ValueError(f"start must be a finite point, got {p.tolist()}")
    optimizer.reset()
    params = {"p": p}
    path = [p.copy()]
    for _ in range(steps):
        optimizer.step(params, {"p": fn.grad(p)})
        if not np.all(np.abs(p) < escape):
            break
        path.append(p.copy())
    return np.array(path)
