"""Layers with ``forward(x, training=False)`` and ``backward(dout) -> dx``.

A layer keeps its trainable arrays in ``params`` and their gradients, with the same keys
and shapes, in ``grads``; ``backward`` overwrites ``grads`` in place so that the flat
dictionaries of :class:`lib.model.Sequential` stay valid. Non-trainable state (batch-norm
running statistics) lives in ``buffers``. Every layer works on a batch: ``x`` has shape
(batch, features) and nothing loops over samples.
"""

from __future__ import annotations

import numpy as np

from . import init as _init
from ._checks import check_fraction, check_int, check_nonnegative, check_positive, check_rng

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_LAMBDA = 1.0507009873554804934193349852946


def sigmoid(x: np.ndarray) -> np.ndarray:
    """σ(x) = 1 / (1 + e^(−x)), computed without overflow for any x (Implements {eq}`eq-sigmoid`)."""
    x = np.asarray(x)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


class Layer:
    """Base class: no parameters, identity ``repr`` of the constructor arguments."""

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.buffers: dict[str, np.ndarray] = {}
        self._cache: tuple | None = None

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dout: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _cached(self) -> tuple:
        if self._cache is None:
            raise RuntimeError(f"{type(self).__name__}.backward called before forward")
        return self._cache

    def rebind(self, key: str, param: np.ndarray, grad: np.ndarray) -> None:
        """Use ``param`` and ``grad`` as the arrays of parameter ``key`` from now on.

        :class:`lib.model.Sequential` calls this with views into its flat buffers, after
        copying the current values in; a container layer overrides it to route
        ``"i.name"`` keys to its inner layers.
        """
        self.params[key] = param
        self.grads[key] = grad

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Dense(Layer):
    """Fully connected layer y = xW + b with W of shape (n_in, n_out) (Implements {eq}`eq-dense`).

    Backward: ∂L/∂W = xᵀ δ, ∂L/∂b = Σ_batch δ, ∂L/∂x = δ Wᵀ (Implements {eq}`eq-dense-backward`).
    ``init`` is the name of a function in :mod:`lib.init` or a callable
    ``f(fan_in, fan_out, rng) -> W``; the bias starts at zero.
    """

    def __init__(self, n_in: int, n_out: int, init: str | _init.Initializer = "glorot_uniform",
                 rng: np.random.Generator | int | None = None, *, dtype: type = np.float64) -> None:
        super().__init__()
        self.n_in = check_int("n_in", n_in)
        self.n_out = check_int("n_out", n_out)
        f = _init.get(init)
        self.init_name = getattr(f, "__name__", repr(f))
        if rng is None and f is not _init.zeros:
            raise TypeError(f"Dense(init={self.init_name!r}) needs rng= (a numpy Generator or seed)")
        W = np.asarray(f(self.n_in, self.n_out, rng), dtype=dtype)
        if W.shape != (self.n_in, self.n_out):
            raise ValueError(f"init returned shape {W.shape}, expected {(self.n_in, self.n_out)}")
        self.params = {"W": W, "b": np.zeros(self.n_out, dtype=dtype)}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        if x.ndim != 2 or x.shape[1] != self.n_in:
            raise ValueError(f"x must have shape (batch, {self.n_in}) for {self!r}, got {x.shape}")
        self._cache = (x,)
        out = x @ self.params["W"]
        out += self.params["b"]  # in place: no second (batch, n_out) array
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        (x,) = self._cached()
        np.matmul(x.T, dout, out=self.grads["W"])
        np.sum(dout, axis=0, out=self.grads["b"])
        return dout @ self.params["W"].T

    def __repr__(self) -> str:
        return f"Dense({self.n_in}, {self.n_out}, init={self.init_name!r})"


class ReLU(Layer):
    """ReLU(x) = max(0, x); derivative 1 for x > 0, else 0 (Implements {eq}`eq-relu`)."""

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        mask = x > 0
        self._cache = (mask,)
        return x * mask

    def backward(self, dout: np.ndarray) -> np.ndarray:
        (mask,) = self._cached()
        return dout * mask


class LeakyReLU(Layer):
    """LeakyReLU(x) = x for x > 0, αx otherwise (Implements {eq}`eq-leaky-relu`)."""

    def __init__(self, alpha: float = 0.01) -> None:
        super().__init__()
        self.alpha = check_nonnegative("alpha", alpha)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        slope = np.where(x > 0, 1.0, self.alpha).astype(x.dtype, copy=False)
        self._cache = (slope,)
        return x * slope

    def backward(self, dout: np.ndarray) -> np.ndarray:
        (slope,) = self._cached()
        return dout * slope

    def __repr__(self) -> str:
        return f"LeakyReLU(alpha={self.alpha})"


class ELU(Layer):
    """ELU(x) = x for x > 0, α(eˣ − 1) otherwise (Implements {eq}`eq-elu`)."""

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = check_nonnegative("alpha", alpha)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        neg = np.expm1(np.minimum(x, 0.0))
        neg *= self.alpha
        pos = x > 0
        self._cache = (pos, neg)
        return np.where(pos, x, neg)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        pos, neg = self._cached()
        return dout * np.where(pos, 1.0, neg + self.alpha)

    def __repr__(self) -> str:
        return f"ELU(alpha={self.alpha})"


class SELU(ELU):
    """SELU(x) = λ·ELU_α(x) with λ ≈ 1.0507, α ≈ 1.6733 (Implements {eq}`eq-selu`).

    With LeCun-normal weights the activations of a deep stack keep mean 0 and variance 1
    (Klambauer et al., 2017).
    """

    def __init__(self) -> None:
        super().__init__(alpha=SELU_ALPHA)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        return SELU_LAMBDA * super().forward(x, training)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return super().backward(SELU_LAMBDA * dout)

    def __repr__(self) -> str:
        return "SELU()"


class Sigmoid(Layer):
    """y = σ(x) = 1 / (1 + e^(−x)); dy/dx = y(1 − y) (Implements {eq}`eq-sigmoid`)."""

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        y = sigmoid(x)
        self._cache = (y,)
        return y

    def backward(self, dout: np.ndarray) -> np.ndarray:
        (y,) = self._cached()
        dx = dout * y
        dx *= 1.0 - y
        return dx


class Tanh(Layer):
    """y = tanh(x); dy/dx = 1 − y² (Implements {eq}`eq-tanh`)."""

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        y = np.tanh(x)
        self._cache = (y,)
        return y

    def backward(self, dout: np.ndarray) -> np.ndarray:
        (y,) = self._cached()
        slope = y * y
        np.subtract(1.0, slope, out=slope)
        return dout * slope


class Dropout(Layer):
    """Inverted dropout: y = x ⊙ m / (1 − p), m_i ~ Bernoulli(1 − p) (Implements {eq}`eq-dropout`).

    Only ``training=True`` drops; inference is the identity, and E[y] = x in both modes.
    """

    def __init__(self, rate: float, rng: np.random.Generator | int) -> None:
        super().__init__()
        self.rate = check_fraction("rate", rate)
        self.rng = check_rng("rng", rng)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        if not training or self.rate == 0.0:
            self._cache = (None,)
            return x
        scaled_mask = (self.rng.random(x.shape) >= self.rate) * (1.0 / (1.0 - self.rate))
        scaled_mask = scaled_mask.astype(x.dtype, copy=False)
        self._cache = (scaled_mask,)
        return x * scaled_mask

    def backward(self, dout: np.ndarray) -> np.ndarray:
        (scaled_mask,) = self._cached()
        return dout if scaled_mask is None else dout * scaled_mask

    def __repr__(self) -> str:
        return f"Dropout(rate={self.rate})"


class AlphaDropout(Layer):
    """Alpha dropout for SELU networks (Implements {eq}`eq-alpha-dropout`).

    Dropped units are set to α' = −λα (SELU's negative saturation value) instead of 0, then
    y = a·(x ⊙ m + α'(1 − m)) + b with a = (q + α'²q(1 − q))^(−1/2), b = −a α'(1 − q),
    q = 1 − p, so that standard-normal inputs keep mean 0 and variance 1.
    """

    def __init__(self, rate: float, rng: np.random.Generator | int) -> None:
        super().__init__()
        self.rate = check_fraction("rate", rate)
        self.rng = check_rng("rng", rng)
        q = 1.0 - self.rate
        alpha_p = -SELU_LAMBDA * SELU_ALPHA
        self.alpha_p = alpha_p
        self.a = (q + alpha_p**2 * q * (1.0 - q)) ** -0.5
        self.b = -self.a * alpha_p * (1.0 - q)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        if not training or self.rate == 0.0:
            self._cache = (None,)
            return x
        keep = self.rng.random(x.shape) >= self.rate
        self._cache = (keep,)
        return self.a * np.where(keep, x, self.alpha_p) + self.b

    def backward(self, dout: np.ndarray) -> np.ndarray:
        (keep,) = self._cached()
        return dout if keep is None else dout * keep * self.a  # stays in dout's dtype

    def __repr__(self) -> str:
        return f"AlphaDropout(rate={self.rate})"


class BatchNorm(Layer):
    """Batch normalisation over the batch axis (Ioffe & Szegedy, 2015).

    Training: μ_B = mean of the batch, σ²_B = biased batch variance, x̂ = (x − μ_B)/√(σ²_B + ε),
    y = γ x̂ + β (Implements {eq}`eq-bn-mean`, {eq}`eq-bn-var`, {eq}`eq-bn-normalize`,
    {eq}`eq-bn-affine`); running statistics follow
    running = momentum·running + (1 − momentum)·batch (Implements {eq}`eq-bn-running`).
    Inference uses the running statistics, y = γ (x − running_mean)/√(running_var + ε) + β
    (Implements {eq}`eq-bn-inference`). Backward: ∂L/∂β = Σδ, ∂L/∂γ = Σ δ ⊙ x̂, ∂L/∂x̂ = γ δ
    (Implements {eq}`eq-bn-grad-affine`); the gradients through σ²_B and μ_B
    (Implements {eq}`eq-bn-grad-stats`) collapse to the closed form
    ∂L/∂x = (1 / (N√(σ²_B + ε))) (N ∂L/∂x̂ − Σ ∂L/∂x̂ − x̂ Σ(∂L/∂x̂ ⊙ x̂)) with ∂L/∂x̂ = γ δ
    (Implements {eq}`eq-bn-backward`), evaluated for the whole batch at once.
    Works in float64 (default) and float32 (``dtype=np.float32``, with float32 inputs).
    A training batch of one sample has no variance to normalise with and raises ValueError;
    a constant feature (σ²_B = 0) maps to x̂ = 0, kept finite by ε.
    """

    def __init__(self, n_features: int, momentum: float = 0.9, eps: float = 1e-5, *,
                 dtype: type = np.float64) -> None:
        super().__init__()
        self.n_features = check_int("n_features", n_features)
        self.momentum = check_fraction("momentum", momentum)
        self.eps = check_positive("eps", eps)
        self.params = {"gamma": np.ones(n_features, dtype=dtype),
                       "beta": np.zeros(n_features, dtype=dtype)}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.buffers = {"running_mean": np.zeros(n_features, dtype=dtype),
                        "running_var": np.ones(n_features, dtype=dtype)}

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        if x.ndim != 2 or x.shape[1] != self.n_features:
            raise ValueError(f"x must have shape (batch, {self.n_features}) for {self!r}, got {x.shape}")
        if training:
            if x.shape[0] < 2:
                raise ValueError(
                    f"x must hold at least 2 samples in training mode (BatchNorm normalises with the "
                    f"batch statistics), got batch size {x.shape[0]}; with lib.train.fit, pass drop_last=True "
                    "when the last mini-batch would hold a single sample"
                )
            mu = x.mean(axis=0)
            var = x.var(axis=0)
            m = self.momentum
            self.buffers["running_mean"] *= m
            self.buffers["running_mean"] += (1.0 - m) * mu
            self.buffers["running_var"] *= m
            self.buffers["running_var"] += (1.0 - m) * var
        else:
            mu, var = self.buffers["running_mean"], self.buffers["running_var"]
        inv_std = 1.0 / np.sqrt(var + self.eps)
        x_hat = (x - mu) * inv_std
        self._cache = (x_hat, inv_std, training)
        return self.params["gamma"] * x_hat + self.params["beta"]

    def backward(self, dout: np.ndarray) -> np.ndarray:
        x_hat, inv_std, training = self._cached()
        n = dout.shape[0]
        np.sum(dout, axis=0, out=self.grads["beta"])
        np.sum(dout * x_hat, axis=0, out=self.grads["gamma"])
        dx_hat = dout * self.params["gamma"]
        if not training:  # fixed running statistics: an affine map
            return dx_hat * inv_std
        return (inv_std / n) * (n * dx_hat - dx_hat.sum(axis=0)
                                - x_hat * (dx_hat * x_hat).sum(axis=0))

    def __repr__(self) -> str:
        return f"BatchNorm({self.n_features}, momentum={self.momentum}, eps={self.eps})"
