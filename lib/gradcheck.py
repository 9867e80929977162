"""Numerical gradients by central differences, to check analytic backward passes."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._checks import check_positive, check_rng
from .layers import Layer


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """∂f/∂x_i ≈ (f(x + h e_i) − f(x − h e_i)) / 2h for every entry (Implements {eq}`eq-central-diff`).

    ``x`` is perturbed in place and restored, so ``f`` may close over it (as it does over a
    layer's parameters). The error of the central difference is O(h²).
    """
    h = check_positive("h", h)
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise TypeError(f"x must be a floating-point numpy array, got {type(x).__name__}")
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2.0 * h)
    return grad


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """‖a − b‖ / (‖a‖ + ‖b‖), 0 when both are zero (Implements {eq}`eq-rel-error`)."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def error_order(err: float, rounding: float = 1e-6) -> str:
    """A relative error {eq}`eq-rel-error` for printing: its value when it is large enough to
    signal a bug, only its order of magnitude ("< 1e-09") when it is at rounding level.

    The digits of a rounding-level error change with the CPU and the BLAS build; its order
    of magnitude is what a reader (and a stored notebook output) should compare.
    """
    if not np.isfinite(err) or err < 0:
        raise ValueError(f"err must be a finite number >= 0, got {err!r}")
    if err == 0:
        return "0"
    if err >= rounding:
        return f"{err:.2g}"
    return f"< 1e{int(np.floor(np.log10(err))) + 1:03d}"


def check_layer(layer: Layer, x: np.ndarray, *, training: bool = False, h: float = 1e-5,
                rng: np.random.Generator | int = 0) -> float:
    """Max relative error between ``layer.backward`` and numerical gradients.

    Uses the scalar L = Σ (forward(x) ⊙ R) with a fixed random R, so ∂L/∂out = R, and
    compares ∂L/∂x and every ∂L/∂param. Layers that draw random masks in training mode
    (dropout) must be checked with ``training=False`` or rate 0.
    """
    rng = check_rng("rng", rng)
    x = np.array(x, dtype=np.float64)
    R = rng.standard_normal(layer.forward(x, training).shape)

    def scalar(_: np.ndarray) -> float:
        return float(np.sum(layer.forward(x, training) * R))

    layer.forward(x, training)
    dx = layer.backward(R)
    analytic = {"x": dx, **{k: g.copy() for k, g in layer.grads.items()}}
    numeric = {"x": numerical_gradient(scalar, x, h)}
    for k, p in layer.params.items():
        numeric[k] = numerical_gradient(scalar, p, h)
    return max(relative_error(analytic[k], numeric[k]) for k in analytic)


def check_model(model, loss, x: np.ndarray, y: np.ndarray, *, training: bool = False,
                h: float = 1e-5) -> float:
    """Max relative error between backpropagated and numerical ∂loss/∂θ over all parameters."""

    def objective(_: np.ndarray) -> float:
        return loss.forward(model.forward(x, training), y)

    objective(None)
    model.backward(loss.backward())
    analytic = {k: g.copy() for k, g in model.grads.items()}
    return max(relative_error(analytic[k], numerical_gradient(objective, p, h))
               for k, p in model.params.items())
