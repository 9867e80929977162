"""Numerical gradients by central differences, to check analytic backward passes."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._checks import check_array, check_positive, check_real, check_rng, check_samples
from .layers import AlphaDropout, Dropout, Layer


def numerical_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-5
) -> np.ndarray:
    """∂f/∂x_i ≈ (f(x + h e_i) − f(x − h e_i)) / 2h for every entry (Implements
    {eq}`eq-central-diff`).

    ``x`` is perturbed in place and restored, so ``f`` may close over it (as it does
    over a layer's parameters). The error of the central difference is O(h²).
    """
    h = check_positive("h", h)
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise TypeError(
            f"x must be a floating-point numpy array, got {type(x).__name__}"
        )
    if x.size == 0:
        raise ValueError(f"x must hold at least one entry, got shape {x.shape}")
    check_array("x", x)  # NaN or inf: every difference quotient would be NaN
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


GRAD_FLOOR = 1e-4
"""The absolute floor of the denominator used by :func:`check_layer` and
:func:`check_model`.

A central difference with h = 1e-5 on a loss of order 1 carries round-off of about
ε·|L|/h ≈ 1e-11 per entry, so a true gradient of exactly 0 (a bias feeding batch
normalisation) comes back as noise of that size; without a floor its relative error is
1. With ‖a‖ + ‖b‖ floored at 1e-4 such noise scores about 1e-7 (measured: 1.9e-7 for a
bias of 128 units before batch norm), while a wrong gradient of norm ≥ 1e-4 still scores
≥ 0.5 and one of norm 1e-6 about 1e-2."""


def relative_error(a: np.ndarray, b: np.ndarray, *, floor: float = 0.0) -> float:
    """‖a − b‖ / max(‖a‖ + ‖b‖, floor), 0 when both are zero (Implements
    {eq}`eq-rel-error`).

    ``floor`` = 0 (the default) gives the scale-invariant relative error; a positive
    floor turns it into an absolute error for gradients smaller than the floor, so that
    a true gradient of 0 and its numerical estimate (round-off noise) compare as a small
    error. NaN or inf in either array gives NaN: a broken gradient never looks accurate.
    """
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        raise ValueError(
            f"a and b must have the same shape, got {a.shape} and {b.shape}"
        )
    if (
        isinstance(floor, bool)
        or not isinstance(floor, int | float)
        or not 0 <= floor < np.inf
    ):
        raise ValueError(f"floor must be a finite number >= 0, got {floor!r}")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return float("nan")
    denom = max(float(np.linalg.norm(a) + np.linalg.norm(b)), floor)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def _worst(errors: dict[str, float]) -> float:
    """The largest error, NaN if any is NaN (Python's max would skip a NaN after the
    first entry).
    """
    return float(np.max(list(errors.values())))


def error_order(err: float, rounding: float = 1e-6) -> str:
    """A relative error {eq}`eq-rel-error` for printing: its value when it is large
    enough to signal a bug, only its order of magnitude ("< 1e-09") when it is at
    rounding level.

    The digits of a rounding-level error change with the CPU and the BLAS build; its
    order of magnitude is what a reader (and a stored notebook output) should compare.
    """
    err = check_real("err", err)
    rounding = check_positive("rounding", rounding)
    if err < 0:
        raise ValueError(f"err must be a finite number >= 0, got {err!r}")
    if err == 0:
        return "0"
    if err >= rounding:
        return f"{err:.2g}"
    return f"< 1e{int(np.floor(np.log10(err))) + 1:03d}"


def check_layer(
    layer: Layer,
    x: np.ndarray,
    *,
    training: bool = False,
    h: float = 1e-5,
    rng: np.random.Generator | int = 0,
    floor: float = GRAD_FLOOR,
) -> float:
    """Max relative error between ``layer.backward`` and numerical gradients.

    Uses the scalar L = Σ (forward(x) ⊙ R) with a fixed random R, so ∂L/∂out = R, and
    compares ∂L/∂x and every ∂L/∂param, each by :func:`relative_error` with
    ``floor`` (default :data:`GRAD_FLOOR`). Layers that draw random masks in training
    mode (dropout) have no fixed function to differentiate: with ``training=True`` a
    forward that differs between two calls on the same x is a ValueError (check them
    with ``training=False``, rate 0, or a layer with a fixed mask). Returns NaN if any
    gradient holds NaN or inf.
    """
    if not isinstance(layer, Layer):
        raise TypeError(f"layer must be a lib.layers.Layer, got {type(layer).__name__}")
    rng = check_rng("rng", rng)
    x = np.array(check_array("x", x), dtype=np.float64)
    if x.size == 0:
        raise ValueError(f"x must hold at least one sample, got shape {x.shape}")
    first = np.array(layer.forward(x, training), copy=True)
    R = rng.standard_normal(first.shape)

    def scalar(_: np.ndarray) -> float:
        return float(np.sum(layer.forward(x, training) * R))

    again = layer.forward(x, training)
    if training and not np.array_equal(first, again, equal_nan=True):
        raise ValueError(_random_forward(layer))
    dx = layer.backward(R)
    analytic = {"x": dx, **{k: g.copy() for k, g in layer.grads.items()}}
    numeric = {"x": numerical_gradient(scalar, x, h)}
    for k, p in layer.params.items():
        numeric[k] = numerical_gradient(scalar, p, h)
    return _worst(
        {k: relative_error(analytic[k], numeric[k], floor=floor) for k in analytic}
    )


def _random_forward(what: object) -> str:
    return (
        f"{what!r} computes a different output on every call in training mode (a "
        "dropout layer draws a new mask each time), so its numerical gradient is "
        "meaningless; pass training=False, or use rate 0 or a layer with a fixed "
        "mask"
    )


def _random_layers(layers: list) -> list:
    """The dropout layers with rate > 0 among ``layers`` (inner layers included)."""
    found = []
    for layer in layers:
        if isinstance(layer, Dropout | AlphaDropout) and layer.rate > 0:
            found.append(layer)
        found += _random_layers(getattr(layer, "layers", None) or [])
    return found


def check_model(
    model,
    loss,
    x: np.ndarray,
    y: np.ndarray,
    *,
    training: bool = False,
    h: float = 1e-5,
    floor: float = GRAD_FLOOR,
) -> float:
    """Max relative error between backpropagated and numerical ∂loss/∂θ over all
    parameters.

    Each parameter is compared by :func:`relative_error` with ``floor`` (default
    :data:`GRAD_FLOOR`), so a
    correct gradient of exactly 0 scores near 0, not 1; NaN or inf anywhere gives NaN.
    """
    h = check_positive("h", h)
    x, y = check_samples(check_array("x", x), y, ("x", "y"))
    random = _random_layers(getattr(model, "layers", []))
    if training and random:
        raise ValueError(_random_forward(random[0]))

    def objective(_: np.ndarray) -> float:
        return loss.forward(model.forward(x, training), y)

    objective(None)
    model.backward(loss.backward())
    analytic = {k: g.copy() for k, g in model.grads.items()}
    if not analytic:
        raise ValueError("model has no parameters to check")
    return _worst(
        {
            k: relative_error(
                analytic[k], numerical_gradient(objective, p, h), floor=floor
            )
            for k, p in model.params.items()
        }
    )
