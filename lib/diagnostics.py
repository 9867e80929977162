"""Layer-by-layer diagnostics of deep stacks: activation statistics and gradient norms.

The initialisation and batch-normalisation chapters ask the same questions of a network:
how are the activations of each layer distributed, and how large is each layer's weight
gradient after one backward pass? This module answers them for any
:class:`lib.model.Sequential`, so the chapters only build networks and draw pictures.

Typical use::

    rng = np.random.default_rng(0)
    net = dense_stack(100, 100, depth=5, activation="tanh", init="glorot_normal",
                      rng=rng)
    acts = activations(net, rng.standard_normal((1000, 100)))  # {"1.Tanh": array, ...}
    stats = layer_stats(acts)                  # {"1.Tanh": LayerStats(...), ...}
    norms = weight_grad_norms(net_with_head, SoftmaxCrossEntropy(), X, y)
    # norms: {"0.W": float, ...}

``variance_propagation`` predicts the per-layer pre-activation variance of an infinitely
wide stack ({eq}`eq-init-variance`), to compare with what ``layer_stats`` measures.
``dense_stack(..., batch_norm=True)`` inserts a :class:`lib.layers.BatchNorm` between
each Dense layer and its activation, so the same calls compare stacks with and without
it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from . import init as _init
from ._checks import (
    MAX_DEPTH,
    MAX_SIZE,
    check_array,
    check_int,
    check_positive,
    check_rng,
    check_samples,
    check_size,
)
from .layers import (
    ELU,
    SELU,
    BatchNorm,
    Dense,
    Layer,
    LeakyReLU,
    ReLU,
    Residual,
    Sigmoid,
    Tanh,
)
from .losses import Loss
from .model import Sequential

ACTIVATIONS: dict[str, type[Layer]] = {
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "elu": ELU,
    "selu": SELU,
}
"""Activation layers by the names :func:`dense_stack` and
:func:`variance_propagation` accept."""

ACTIVATION_LAYERS: tuple[type[Layer], ...] = (Sigmoid, Tanh, ReLU, LeakyReLU, ELU)
"""Layer classes :func:`activations` collects (SELU is a subclass of ELU)."""

_PHI = {
    "linear": lambda z: z,
    "sigmoid": lambda z: 0.5 * (1.0 + np.tanh(0.5 * z)),
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "elu": lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0.0))),
    "selu": lambda z: SELU().forward(z),
}


def _check_activation(activation: str, names) -> str:
    if activation not in names:
        raise ValueError(
            f"activation must be one of {sorted(names)}, got {activation!r}"
        )
    return activation


def _fixed_std(std: float) -> _init.Initializer:
    """``lib.init.normal`` with σ fixed to ``std``, named for the layer's repr."""

    def f(fan_in: int, fan_out: int, rng: np.random.Generator | int) -> np.ndarray:
        return _init.normal(fan_in, fan_out, rng, std=std)

    f.__name__ = f"normal(std={std:g})"
    return f


def dense_stack(
    n_in: int,
    width: int,
    depth: int,
    activation: str,
    init: str | _init.Initializer | float,
    rng: np.random.Generator | int,
    *,
    n_out: int | None = None,
    batch_norm: bool = False,
    dtype: type = np.float64,
) -> Sequential:
    """A stack of ``depth`` blocks Dense(width) → [BatchNorm] → activation, optionally
    with a linear head.

    - ``activation``: a key of :data:`ACTIVATIONS` (``"sigmoid"``, ``"tanh"``,
      ``"relu"``, ``"leaky_relu"``, ``"elu"``, ``"selu"``).
    - ``init``: the name of a :mod:`lib.init` function, an initialiser callable, or a
      float σ meaning ``lib.init.normal`` with ``std=σ`` (the "std 1" and "std 0.01"
      baselines).
    - ``n_out``: if given, a final ``Dense(width, n_out)`` (same ``init``) without
      activation, producing logits for :class:`lib.losses.SoftmaxCrossEntropy`.
    - ``batch_norm``: insert ``BatchNorm(width)`` after every hidden Dense layer.
    - ``dtype``: of every parameter (``np.float32`` for fast experiments).

    Biases start at zero. Layer indices in the returned model's ``params`` are
    ``0, 2, 4, …`` for the Dense layers (``0, 3, 6, …`` with batch norm).
    """
    n_in = check_size("n_in", n_in, limit=MAX_SIZE // 2)
    width = check_size("width", width, limit=10**4)
    depth = check_size("depth", depth, limit=MAX_DEPTH, what="layers")
    _check_activation(activation, ACTIVATIONS)
    rng = check_rng("rng", rng)
    if isinstance(init, float | int) and not isinstance(init, bool):
        init = _fixed_std(check_positive("init", init))
    layers: list[Layer] = []
    fan_in = n_in
    for _ in range(depth):
        layers.append(Dense(fan_in, width, init, rng, dtype=dtype))
        if batch_norm:
            layers.append(BatchNorm(width, dtype=dtype))
        layers.append(ACTIVATIONS[activation]())
        fan_in = width
    if n_out is not None:
        layers.append(Dense(width, check_int("n_out", n_out), init, rng, dtype=dtype))
    return Sequential(layers)


def layer_outputs(
    model: Sequential,
    x: np.ndarray,
    *,
    training: bool = False,
    kinds: tuple[type[Layer], ...] | None = None,
) -> dict[str, np.ndarray]:
    """Run ``x`` through ``model`` once and return each layer's output, in order.

    Keys are ``"<layer index>.<class name>"`` (``"1.Tanh"``, ``"2.Dense"``); ``kinds``
    keeps only layers that are instances of those classes (``None`` keeps all). With
    ``training=True`` the layers run in training mode (batch statistics in BatchNorm).
    """
    if not isinstance(model, Sequential):
        raise TypeError(
            f"model must be a lib.model.Sequential, got {type(model).__name__}"
        )
    x = check_array("x", x, ndim=2)
    out: dict[str, np.ndarray] = {}
    for i, layer in enumerate(model.layers):
        x = layer.forward(x, training)
        if kinds is None or isinstance(layer, kinds):
            out[f"{i}.{type(layer).__name__}"] = x
    return out


def activations(
    model: Sequential, x: np.ndarray, *, training: bool = False
) -> dict[str, np.ndarray]:
    """The outputs of the activation layers of ``model`` on input ``x`` (see
    :func:`layer_outputs`).
    """
    return layer_outputs(model, x, training=training, kinds=ACTIVATION_LAYERS)


class LayerStats(NamedTuple):
    """Summary of one layer's outputs over all samples and units.

    ``zero_fraction`` is the share of outputs exactly 0 (inactive ReLU units);
    ``dead_fraction`` the share of units that output 0 for every sample in the batch.
    """

    mean: float
    std: float
    zero_fraction: float
    dead_fraction: float


def layer_stats(outputs: Mapping[str, np.ndarray]) -> dict[str, LayerStats]:
    """Mean, standard deviation, zero fraction and dead-unit fraction of each array
    in ``outputs``.
    """
    stats = {}
    for name, a in outputs.items():
        a = check_array(f"outputs[{name!r}]", a, ndim=2)
        if a.size == 0:
            raise ValueError(
                f"outputs[{name!r}] is empty (shape {a.shape}); statistics need at "
                "least one value"
            )
        zero = a == 0
        stats[name] = LayerStats(
            float(a.mean()),
            float(a.std()),
            float(zero.mean()),
            float(zero.all(axis=0).mean()),
        )
    return stats


def weight_grad_norms(
    model: Sequential,
    loss: Loss,
    x: np.ndarray,
    y: np.ndarray,
    *,
    training: bool = False,
) -> dict[str, float]:
    """Frobenius norm ‖∂L/∂W‖ of every weight matrix after one forward and backward pass
    on (x, y).

    Returns ``{"0.W": ‖∂L/∂W₀‖, "2.W": …}`` in layer order (first layer first). The
    gradients are those of {eq}`eq-dense-backward`, ∂L/∂W = xᵀδ; the call overwrites
    ``model.grads`` and changes no parameter. ``training=True`` runs the forward pass in
    training mode (batch statistics in BatchNorm, dropout active).
    """
    x, y = check_samples(check_array("x", x, ndim=2), y, ("x", "y"))
    out = model.forward(x, training)
    loss.forward(out, y)
    model.backward(loss.backward())
    return {k: float(np.linalg.norm(model.grads[k])) for k in model.weight_keys}


def gaussian_expectation(f, q: float = 1.0, *, n_grid: int = 4000) -> float:
    """E[f(z)] for z ~ N(0, q), by Simpson's rule on [−10√q, 10√q] with a grid point at
    z = 0.

    Putting a grid point at 0 keeps the kinks of ReLU-like activations on a panel
    boundary, so the rule stays accurate to about 1e-10 for them. ``f`` must be
    vectorised.
    """
    if not callable(f):
        raise TypeError(f"f must be a vectorised function of z, got {f!r}")
    q = check_positive("q", q)
    n_grid = check_size("n_grid", n_grid, minimum=2)
    n_grid += n_grid % 4  # an even number of Simpson panels on each side of 0
    u = np.linspace(-10.0, 10.0, n_grid + 1)
    w = np.ones(n_grid + 1)
    w[1:-1:2], w[2:-1:2] = 4.0, 2.0
    w *= (u[1] - u[0]) / 3.0 * np.exp(-0.5 * u * u) / np.sqrt(2.0 * np.pi)
    return float(w @ f(np.sqrt(q) * u))


def variance_propagation(
    depth: int, activation: str, gain: float, *, q0: float = 1.0
) -> np.ndarray:
    """Predicted pre-activation variances q_1 … q_depth of a deep stack at
    initialisation.

    Implements {eq}`eq-init-variance` iterated as {eq}`eq-init-variance-map`: with
    independent zero-mean weights of variance Var W = gain / fan_in and pre-activations
    z ~ N(0, q),

        q_l = n · Var W · E[φ(z_{l−1})²] = gain · E_{z~N(0, q_{l−1})}[φ(z)²],

    and the first layer sees inputs of second moment ``q0`` (q_1 = gain · q0). The
    Gaussian expectation is computed by :func:`gaussian_expectation`. ``activation`` is
    ``"linear"`` or a key of :data:`ACTIVATIONS`. ``gain`` is n·Var W, the *square* of
    the standard-deviation gain g of :func:`lib.init.calculate_gain` (He: gain 2 =
    (√2)²). For ReLU, E[φ(z)²] = q/2, so gain 2 keeps q constant; for ``"linear"`` gain
    1 does. The prediction is exact for infinitely wide layers; finite widths add
    fluctuations of relative size about 1/√width per layer.
    """
    depth = check_size("depth", depth, limit=MAX_DEPTH, what="layers")
    _check_activation(activation, _PHI)
    gain = check_positive("gain", gain)
    q0 = check_positive("q0", q0)
    phi = _PHI[activation]
    q = np.empty(depth)
    q[0] = gain * q0
    for layer in range(1, depth):
        q[layer] = gain * gaussian_expectation(lambda z: phi(z) ** 2, q[layer - 1])
    return q


def residual_stack(
    n_in: int,
    width: int,
    depth: int,
    rng: np.random.Generator | int,
    *,
    branch_scale: float = 1.0,
    n_out: int | None = None,
    dtype: type = np.float64,
) -> Sequential:
    """Dense(n_in, width) → ReLU, then ``depth`` residual blocks h ← h + α·f(h),
    optionally a linear head.

    Implements {eq}`eq-residual-branch`: each block is ``Residual(Dense, ReLU, Dense)``,
    f(h) = ReLU(h W₁ + b₁) W₂ + b₂ with W₁ He normal (Var 2/width, the ReLU layer's
    variance-preserving scale, {eq}`eq-init-he`) and W₂ LeCun normal (Var 1/width, the
    scale that preserves the second moment of a linear layer, {eq}`eq-init-lecun`)
    multiplied by α = ``branch_scale`` at initialisation. α = 1 is the plain residual
    block; α = 1/√depth keeps the growth {eq}`eq-residual-variance` bounded by e; α = 0
    starts every branch's last layer at zero, so each block starts as the identity (the
    zero-initialised last layer of Fixup, Zhang et al. 2019; SkipInit and ReZero instead
    multiply the branch by a learned scalar that starts at 0). α only scales the
    initial weights: it is not a parameter. Biases start at zero. ``n_out`` adds a
    Dense(width, n_out) head (LeCun normal) for logits. The stem Dense(n_in, width) is
    He normal.
    """
    n_in = check_size("n_in", n_in, limit=MAX_SIZE // 2)
    width = check_size("width", width, limit=10**4)
    depth = check_size("depth", depth, limit=MAX_DEPTH, what="layers")
    rng = check_rng("rng", rng)
    if (
        isinstance(branch_scale, bool)
        or not isinstance(branch_scale, int | float)
        or not np.isfinite(branch_scale)
        or branch_scale < 0
    ):
        raise ValueError(
            f"branch_scale must be a finite number >= 0, got {branch_scale!r}"
        )
    layers: list[Layer] = [Dense(n_in, width, "he_normal", rng, dtype=dtype), ReLU()]
    for _ in range(depth):
        last = Dense(width, width, "lecun_normal", rng, dtype=dtype)
        last.params["W"] *= branch_scale
        layers.append(
            Residual(Dense(width, width, "he_normal", rng, dtype=dtype), ReLU(), last)
        )
    if n_out is not None:
        layers.append(
            Dense(width, check_int("n_out", n_out), "lecun_normal", rng, dtype=dtype)
        )
    return Sequential(layers)


def residual_variance(
    depth: int, branch_scale: float, *, q0: float = 1.0
) -> np.ndarray:
    """Predicted second moment q_0 … q_depth of the blocks of :func:`residual_stack` at
    initialisation.

    Implements {eq}`eq-residual-variance`: the branch's output α·f(h) has second moment
    α²·q (He-normal W₁ keeps E[ReLU(z)²] = q, LeCun-normal W₂ keeps it through the
    linear layer) and is uncorrelated with h (W₂ has mean zero), so
    q_{l+1} = q_l + α² q_l = (1 + α²) q_l and q_l = (1 + α²)^l q_0: doubling per block
    for α = 1, at most e·q_0 after L blocks for α = 1/√L, constant for α = 0. Exact for
    infinitely wide layers, as :func:`variance_propagation`.
    """
    depth = check_size("depth", depth, minimum=0, limit=MAX_DEPTH, what="layers")
    q0 = check_positive("q0", q0)
    if (
        isinstance(branch_scale, bool)
        or not isinstance(branch_scale, int | float)
        or not np.isfinite(branch_scale)
        or branch_scale < 0
    ):
        raise ValueError(
            f"branch_scale must be a finite number >= 0, got {branch_scale!r}"
        )
    return q0 * (1.0 + float(branch_scale) ** 2) ** np.arange(depth + 1)


def variance_map(q: float, activation: str, gain: float) -> float:
    """One layer of the variance recursion: q ↦ gain · E_{z~N(0, q)}[φ(z)²].

    Implements {eq}`eq-init-variance-map` for a single layer (``gain`` = n·Var W = g²).
    """
    _check_activation(activation, _PHI)
    gain = check_positive("gain", gain)
    phi = _PHI[activation]
    return gain * gaussian_expectation(lambda z: phi(z) ** 2, q)


def variance_fixed_point(
    activation: str,
    gain: float,
    *,
    q0: float = 1.0,
    tol: float = 1e-12,
    max_iter: int = 10_000,
) -> float:
    """The variance q* = gain · E_{z~N(0, q*)}[φ(z)²] a deep stack settles at, by
    iterating the map.

    Implements {eq}`eq-init-fixed-point`. Starting from ``q0`` the recursion of
    :func:`variance_map` is iterated until successive values differ by less than ``tol``
    (relative); the limit is the *stable* fixed point reached from ``q0``. For tanh with
    gain ≤ 1 it is 0 (reached slowly, like 1/l for gain 1), for gain > 1 a unique
    positive q*. At tanh's gain 1 the approach to 0 is too slow (q_l shrinks like 1/l)
    and the call raises ValueError, as it does whenever ``max_iter`` iterations do not
    converge. For ReLU with gain 2 the map is the identity and q0 is returned at once.
    """
    q = check_positive("q0", q0)
    tol = check_positive("tol", tol)
    max_iter = check_int("max_iter", max_iter)
    for _ in range(max_iter):
        q_next = variance_map(q, activation, gain)
        if abs(q_next - q) <= tol * max(q, 1e-300):
            return float(q_next)
        if q_next < 1e-300:
            return 0.0
        q = q_next
    raise ValueError(
        f"the variance map of {activation!r} with gain {gain!r} did not converge in "
        f"{max_iter} iterations from q0={q0!r} (last q = {q:.6g})"
    )
