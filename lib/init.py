"""Weight initialisers: ``f(fan_in, fan_out, rng) -> W`` with
``W.shape == (fan_in, fan_out)``.

Every initialiser also takes ``shape=``: the variance still follows from fan_in and
fan_out, but W gets that shape — how a convolution kernel of shape
(out_channels, in_channels, k) is drawn, with :func:`kernel_fans` giving its fans
(fan_in = in_channels·k, fan_out = out_channels·k) and :func:`kernel` doing both.

All normal variants are plain (untruncated) normals. Keras draws from a normal truncated
at two standard deviations and rescales it so the variance still matches; the chapter on
initialisation explains the difference.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable

import numpy as np

from ._checks import (
    check_float_dtype,
    check_int,
    check_numeric,
    check_positive,
    check_rng,
    check_total,
)

Initializer = Callable[..., np.ndarray]


def _fans(fan_in: int, fan_out: int) -> tuple[int, int]:
    return check_int("fan_in", fan_in), check_int("fan_out", fan_out)


def _shape(fan_in: int, fan_out: int, shape: tuple[int, ...] | None) -> tuple[int, ...]:
    if shape is None:
        check_total(
            f"W of shape ({fan_in}, {fan_out}) (fan_in, fan_out)", fan_in * fan_out
        )
        return (fan_in, fan_out)
    if not isinstance(shape, tuple | list) or not shape:
        raise TypeError(f"shape must be a non-empty tuple of integers, got {shape!r}")
    size = tuple(check_int(f"shape[{i}]", d) for i, d in enumerate(shape))
    check_total(f"W of shape {size}", math.prod(size))
    return size


def zeros(
    fan_in: int,
    fan_out: int,
    rng: np.random.Generator | int | None = None,
    *,
    shape: tuple[int, ...] | None = None,
    dtype: type = np.float64,
) -> np.ndarray:
    """All-zero weights, W = 0 (Implements {eq}`eq-init-zero` with c = 0; shows the
    symmetry problem).

    ``rng`` is not used; it is accepted (and checked when given) so that every
    initialiser has the same signature.
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    if rng is not None:
        check_rng("rng", rng)
    dtype = check_float_dtype("dtype", dtype)
    return np.zeros(_shape(fan_in, fan_out, shape), dtype=dtype)


def constant(
    fan_in: int,
    fan_out: int,
    rng: np.random.Generator | int | None = None,
    *,
    value: float = 0.0,
    shape: tuple[int, ...] | None = None,
    dtype: type = np.float64,
) -> np.ndarray:
    """Every weight equal to one constant, W_ij = c with c = ``value`` (Implements
    {eq}`eq-init-zero`).

    Any constant leaves all units of a layer identical, so they receive identical
    gradients and stay identical during training; ``zeros`` is the case c = 0.
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    if rng is not None:
        check_rng("rng", rng)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"value must be a real number, got {value!r} ({type(value).__name__})"
        )
    if not np.isfinite(value):
        raise ValueError(f"value must be a finite number, got {value!r}")
    dtype = check_float_dtype("dtype", dtype)
    return np.full(_shape(fan_in, fan_out, shape), float(value), dtype=dtype)


def normal(
    fan_in: int,
    fan_out: int,
    rng: np.random.Generator | int,
    *,
    std: float = 0.01,
    shape: tuple[int, ...] | None = None,
    dtype: type = np.float64,
) -> np.ndarray:
    """W_ij ~ N(0, σ²) with a fixed σ = ``std`` (Implements {eq}`eq-init-normal`)."""
    fan_in, fan_out = _fans(fan_in, fan_out)
    return _normal(check_positive("std", std), fan_in, fan_out, rng, dtype, shape)


def _uniform(
    limit: float, fan_in: int, fan_out: int, rng, dtype, shape=None
) -> np.ndarray:
    size = _shape(fan_in, fan_out, shape)
    dtype = check_float_dtype("dtype", dtype)
    rng = check_rng("rng", rng)
    return rng.uniform(-limit, limit, size=size).astype(dtype, copy=False)


def _normal(
    std: float, fan_in: int, fan_out: int, rng, dtype, shape=None
) -> np.ndarray:
    size = _shape(fan_in, fan_out, shape)
    dtype = check_float_dtype("dtype", dtype)
    rng = check_rng("rng", rng)
    return (std * rng.standard_normal(size)).astype(dtype, copy=False)


def glorot_uniform(
    fan_in: int,
    fan_out: int,
    rng: np.random.Generator | int,
    *,
    shape: tuple[int, ...] | None = None,
    dtype: type = np.float64,
) -> np.ndarray:
    """W_ij ~ U(−r, r), r = √(6 / (fan_in + fan_out)), so Var W = 2 / (fan_in +
    fan_out).

    Implements {eq}`eq-init-glorot` (Glorot & Bengio, 2010).
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    return _uniform(
        np.sqrt(6.0 / (fan_in + fan_out)), fan_in, fan_out, rng, dtype, shape
    )


def glorot_normal(
    fan_in: int,
    fan_out: int,
    rng: np.random.Generator | int,
    *,
    shape: tuple[int, ...] | None = None,
    dtype: type = np.float64,
) -> np.ndarray:
    """W_ij ~ N(0, σ²), σ² = 2 / (fan_in + fan_out). Implements {eq}`eq-init-glorot`."""
    fan_in, fan_out = _fans(fan_in, fan_out)
    return _normal(
        np.sqrt(2.0 / (fan_in + fan_out)), fan_in, fan_out, rng, dtype, shape
    )


def he_uniform(
    fan_in: int,
    fan_out: int,
    rng: np.random.Generator | int,
    *,
    shape: tuple[int, ...] | None = None,
    dtype: type = np.float64,
) -> np.ndarray:
    """W_ij ~ U(−r, r), r = √(6 / fan_in), so Var W = 2 / fan_in.

    Implements {eq}`eq-init-he` (He et al., 2015).
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    return _uniform(np.sqrt(6.0 / fan_in), fan_in, fan_out, rng, dtype, shape)


def he_normal(
    fan_in: int,
    fan_out: int,
    rng: np.random.Generator | int,
    *,
    shape: tuple[int, ...] | None = None,
    dtype: type = np.float64,
) -> np.ndarray:
    """W_ij ~ N(0, σ²), σ² = 2 / fan_in. Implements {eq}`eq-init-he`."""
    fan_in, fan_out = _fans(fan_in, fan_out)
    return _normal(np.sqrt(2.0 / fan_in), fan_in, fan_out, rng, dtype, shape)


def lecun_uniform(
    fan_in: int,
    fan_out: int,
    rng: np.random.Generator | int,
    *,
    shape: tuple[int, ...] | None = None,
    dtype: type = np.float64,
) -> np.ndarray:
    """W_ij ~ U(−r, r), r = √(3 / fan_in), so Var W = 1 / fan_in.

    Implements {eq}`eq-init-lecun` (LeCun et al., 1998).
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    return _uniform(np.sqrt(3.0 / fan_in), fan_in, fan_out, rng, dtype, shape)


def lecun_normal(
    fan_in: int,
    fan_out: int,
    rng: np.random.Generator | int,
    *,
    shape: tuple[int, ...] | None = None,
    dtype: type = np.float64,
) -> np.ndarray:
    """W_ij ~ N(0, σ²), σ² = 1 / fan_in. Implements {eq}`eq-init-lecun`."""
    fan_in, fan_out = _fans(fan_in, fan_out)
    return _normal(np.sqrt(1.0 / fan_in), fan_in, fan_out, rng, dtype, shape)


_MODES = ("fan_in", "fan_out", "fan_avg")


def variance_scaling(
    fan_in: int,
    fan_out: int,
    rng: np.random.Generator | int,
    *,
    scale: float = 1.0,
    mode: str = "fan_in",
    distribution: str = "normal",
    shape: tuple[int, ...] | None = None,
    dtype: type = np.float64,
) -> np.ndarray:
    """Var W = scale / n with n = fan_in, fan_out or their mean (Implements
    {eq}`eq-init-modes`).

    The family every rule of the chapter belongs to, named and parametrised as Keras'
    ``VarianceScaling(scale, mode, distribution)`` (Keras 3 / tf.keras 2.x): LeCun is
    ``scale=1, mode="fan_in"``, He ``scale=2, mode="fan_in"``, Glorot
    ``scale=1, mode="fan_avg"``. ``mode="fan_out"`` preserves the variance of the
    backward signal instead of the forward one, as PyTorch's
    ``kaiming_normal_(mode="fan_out")`` (2.x), which with its default gain √2 is
    ``scale=2, mode="fan_out"`` here. ``distribution`` is ``"normal"`` (plain,
    untruncated: Keras' ``"untruncated_normal"``) or ``"uniform"`` (U(−r, r) with r =
    √(3·scale/n)).
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    scale = check_positive("scale", scale)
    if mode not in _MODES:
        raise ValueError(f"mode must be one of {list(_MODES)}, got {mode!r}")
    if distribution not in ("normal", "uniform"):
        raise ValueError(
            f"distribution must be 'normal' or 'uniform', got {distribution!r}"
        )
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    if distribution == "uniform":
        return _uniform(np.sqrt(3.0 * scale / n), fan_in, fan_out, rng, dtype, shape)
    return _normal(np.sqrt(scale / n), fan_in, fan_out, rng, dtype, shape)


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The standard-deviation gain g of PyTorch's ``torch.nn.init.calculate_gain``
    (2.x).

    Implements {eq}`eq-init-gain`: weights with std g/√fan_in (Var W = g²/fan_in).
    linear and sigmoid 1, tanh 5/3, relu √2, leaky_relu √(2/(1 + a²)) with slope
    ``param`` = a (default 0.01), selu 3/4. The ReLU and leaky-ReLU values follow from
    {eq}`eq-init-variance`; 5/3 for tanh is a rule of thumb (with it the tanh variance
    map settles at q* ≈ 1.18, {eq}`eq-init-fixed-point`); PyTorch's 3/4 for SELU was
    found empirically (pytorch/pytorch#50664) — Klambauer et al. use gain 1 (LeCun
    normal), as the chapter does.
    """
    if nonlinearity in ("linear", "identity", "sigmoid", "conv1d", "conv2d", "conv3d"):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3.0
    if nonlinearity == "relu":
        return float(np.sqrt(2.0))
    if nonlinearity == "selu":
        return 3.0 / 4.0
    if nonlinearity == "leaky_relu":
        a = 0.01 if param is None else param
        if isinstance(a, bool) or not isinstance(a, numbers.Real) or not np.isfinite(a):
            raise ValueError(
                f"param (the negative slope) must be a finite number, got {param!r}"
            )
        return float(np.sqrt(2.0 / (1.0 + a * a)))
    raise ValueError(
        f"nonlinearity must be one of linear, sigmoid, tanh, relu, leaky_relu, selu; "
        f"got {nonlinearity!r}"
    )


def orthogonal(
    fan_in: int,
    fan_out: int,
    rng: np.random.Generator | int,
    *,
    gain: float = 1.0,
    shape: tuple[int, ...] | None = None,
    dtype: type = np.float64,
) -> np.ndarray:
    """A (semi-)orthogonal W times ``gain`` (Implements {eq}`eq-init-orthogonal`; Saxe
    et al., 2014).

    W has orthonormal columns (WᵀW = I) when fan_in ≥ fan_out and orthonormal rows (WWᵀ
    = I) otherwise, times ``gain``. Drawn as PyTorch's ``torch.nn.init.orthogonal_``
    (2.x) does: the QR decomposition A = QR of a standard-normal matrix A with at least
    as many rows as columns, then each column of Q multiplied by the sign of R's
    diagonal entry, which makes Q uniformly (Haar) distributed rather than biased by the
    QR convention. With ``shape`` the matrix is (shape[0], product of the other axes)
    and is reshaped, as PyTorch flattens a kernel.
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    gain = check_positive("gain", gain)
    size = _shape(fan_in, fan_out, shape)
    rows, cols = size[0], int(np.prod(size[1:]))
    dtype = check_float_dtype("dtype", dtype)
    rng = check_rng("rng", rng)
    A = rng.standard_normal((max(rows, cols), min(rows, cols)))
    Q, R = np.linalg.qr(A)
    Q *= np.sign(np.diag(R))  # sign correction: Haar-uniform Q
    W = Q if rows >= cols else Q.T
    return (gain * W).reshape(size).astype(dtype, copy=False)


def prior_bias(priors, *, binary: bool = False) -> np.ndarray:
    """Output biases that make a classifier predict the class frequencies at the start.

    Implements {eq}`eq-init-output-bias`: b_k = log p_k for a softmax output (any
    constant could be added; this one makes Σ exp b_k = 1), or, with ``binary=True`` and
    ``priors = (1 − p, p)``, the single sigmoid bias b = log(p / (1 − p)). With small
    output weights the initial loss is then the entropy of the priors instead of log K.
    Karpathy's "A Recipe for Training Neural Networks" (2019): "set the bias on your
    logits such that your network predicts probability of 0.1 at initialization".
    """
    p = check_numeric("priors", priors).astype(np.float64)
    if p.ndim != 1 or p.size < 2:
        raise ValueError(
            f"priors must be a 1-D sequence of at least 2 class shares, got {priors!r}"
        )
    if not np.all(np.isfinite(p)) or np.any(p <= 0) or abs(p.sum() - 1) > 1e-6:
        raise ValueError(f"priors must be positive and sum to 1, got {priors!r}")
    if binary:
        if p.size != 2:
            raise ValueError(
                f"binary=True needs priors (1 - p, p), got {p.size} entries"
            )
        return np.array([np.log(p[1] / p[0])])
    return np.log(p)


INITIALIZERS: dict[str, Initializer] = {
    f.__name__: f
    for f in (
        zeros,
        constant,
        normal,
        glorot_uniform,
        glorot_normal,
        he_uniform,
        he_normal,
        lecun_uniform,
        lecun_normal,
        variance_scaling,
        orthogonal,
    )
}


def kernel_fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """(fan_in, fan_out) of a kernel of shape (out_channels, in_channels, k1, k2, …).

    fan_in = in_channels · r, fan_out = out_channels · r with r the product of the
    receptive-field sizes (k for a 1-D kernel): the number of inputs that feed one
    output and of outputs one input feeds. Same as PyTorch's
    ``torch.nn.init._calculate_fan_in_and_fan_out`` (2.x) for tensors with ≥ 3 axes. (A
    dense ``W`` of lib has shape (n_in, n_out): its fans are simply the two sizes.)
    """
    if not isinstance(shape, tuple | list) or len(shape) < 3:
        raise ValueError(
            "shape must be (out_channels, in_channels, k, ...) with at least 3 axes, "
            f"got {shape!r}"
        )
    dims = [check_int(f"shape[{i}]", d) for i, d in enumerate(shape)]
    r = int(np.prod(dims[2:]))
    return dims[1] * r, dims[0] * r


def kernel(
    init: str | Initializer,
    shape: tuple[int, ...],
    rng: np.random.Generator | int | None,
    *,
    dtype: type = np.float64,
) -> np.ndarray:
    """A convolution kernel of ``shape`` drawn by ``init`` with the fans of
    :func:`kernel_fans`.

    Calls ``f(fan_in, fan_out, rng, shape=shape, dtype=dtype)``; e.g. He normal gives
    W ~ N(0, 2/(in_channels·k)) (Implements {eq}`eq-init-he` with the kernel's fan-in).
    """
    f = get(init)
    fan_in, fan_out = kernel_fans(shape)
    dtype = check_float_dtype("dtype", dtype)
    W = np.asarray(
        f(fan_in, fan_out, rng, shape=tuple(shape), dtype=dtype), dtype=dtype
    )
    if W.shape != tuple(shape):
        raise ValueError(f"init returned shape {W.shape}, expected {tuple(shape)}")
    return W


def get(init: str | Initializer) -> Initializer:
    """Look an initialiser up by name, or pass a callable through."""
    if callable(init):
        return init
    if init not in INITIALIZERS:
        raise ValueError(
            f"init must be one of {sorted(INITIALIZERS)} or a callable, got {init!r}"
        )
    return INITIALIZERS[init]
