"""Normalisation layers: over the batch (BatchNorm), over the features (LayerNorm), over
groups of channels (GroupNorm). Each has a per-feature scale γ and shift β.

The statistics are computed from deviations from a reference sample (the first one), so
a constant feature gives exactly x − μ = 0 (and x̂ = 0) in float32 too, at any
magnitude; the variance is the mean of squared deviations, never E[x²] − E[x]².
"""

from __future__ import annotations

import numpy as np

from .._checks import (
    check_float_dtype,
    check_fraction,
    check_int,
    check_positive,
    check_size,
)
from .base import Layer


def centered_moments(
    x: np.ndarray, axes: tuple[int, ...]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x − μ, σ², μ) over ``axes`` (kept as length-1 axes), biased variance.

    μ = r + mean(x − r) with r the entry at index 0 of ``axes`` (a shifted mean: exact
    for a constant), σ² = mean((x − μ)²).
    """
    ref = x[tuple(slice(0, 1) if a in axes else slice(None) for a in range(x.ndim))]
    with np.errstate(invalid="ignore"):  # inf − inf: the caller sees the NaN statistics
        d = x - ref
        shift = d.mean(axis=axes, keepdims=True)
        d -= shift
        var = np.mean(np.square(d), axis=axes, keepdims=True)
    return d, var, ref + shift


def _normalized_backward(
    dx_hat: np.ndarray, x_hat: np.ndarray, inv_std: np.ndarray, axes: tuple[int, ...]
) -> np.ndarray:
    """∂L/∂x = (1/(m√(σ² + ε))) (m ∂L/∂x̂ − Σ ∂L/∂x̂ − x̂ Σ(∂L/∂x̂ ⊙ x̂)), sums over
    ``axes`` (m terms).
    """
    # a Python int keeps float32 float32
    m = int(np.prod([dx_hat.shape[a] for a in axes]))
    return (inv_std / m) * (
        m * dx_hat
        - dx_hat.sum(axis=axes, keepdims=True)
        - x_hat * (dx_hat * x_hat).sum(axis=axes, keepdims=True)
    )


def _check_finite_stats(layer: Layer, *stats: np.ndarray) -> None:
    for s in stats:
        if not np.all(np.isfinite(s)):
            raise ValueError(
                f"x contains NaN or inf values (training batch of {layer!r}); "
                "the running statistics were left unchanged"
            )


class BatchNorm(Layer):
    """Batch normalisation over the batch axis (Ioffe & Szegedy, 2015).

    Training: μ_B = mean of the batch, σ²_B = biased batch variance, x̂ = (x −
    μ_B)/√(σ²_B + ε), y = γ x̂ + β (Implements {eq}`eq-bn-mean`, {eq}`eq-bn-var`,
    {eq}`eq-bn-normalize`, {eq}`eq-bn-affine`); running statistics follow running =
    momentum·running + (1 − momentum)·batch (Implements {eq}`eq-bn-running`). Inference
    uses the running statistics, y = γ (x − running_mean)/√(running_var + ε) + β
    (Implements {eq}`eq-bn-inference`). Backward: ∂L/∂β = Σδ, ∂L/∂γ = Σ δ ⊙ x̂, ∂L/∂x̂ =
    γ δ (Implements {eq}`eq-bn-grad-affine`); the gradients through σ²_B and μ_B
    (Implements {eq}`eq-bn-grad-stats`) collapse to the closed form ∂L/∂x = (1 /
    (N√(σ²_B + ε))) (N ∂L/∂x̂ − Σ ∂L/∂x̂ − x̂ Σ(∂L/∂x̂ ⊙ x̂)) with ∂L/∂x̂ = γ δ
    (Implements {eq}`eq-bn-backward`), evaluated for the whole batch at once.

    Input (batch, n_features), or (batch, channels, length) with n_features = channels:
    then every channel is normalised over the batch and the length together (N = batch ·
    length terms), as ``torch.nn.BatchNorm1d`` on 3-D input. The running variance is the
    biased batch variance (the book's convention); PyTorch (2.x) stores the unbiased
    one, σ²_B · N/(N − 1), in ``running_var`` (its ``momentum=0.1`` is our 1 −
    momentum). Works in float64 (default) and float32 (``dtype=np.float32``, with
    float32 inputs). A training batch with a single value per feature has no variance to
    normalise with and raises ValueError; a constant feature (σ²_B = 0) maps to x̂ = 0
    exactly, kept finite by ε. A training batch containing NaN or inf raises ValueError
    before the running statistics are touched.
    """

    def __init__(
        self,
        n_features: int,
        momentum: float = 0.9,
        eps: float = 1e-5,
        *,
        dtype: type = np.float64,
    ) -> None:
        super().__init__()
        self.n_features = check_size("n_features", n_features)
        self.momentum = check_fraction("momentum", momentum)
        self.eps = check_positive("eps", eps)
        dtype = check_float_dtype("dtype", dtype, half=False)
        self.params = {
            "gamma": np.ones(n_features, dtype=dtype),
            "beta": np.zeros(n_features, dtype=dtype),
        }
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.buffers = {
            "running_mean": np.zeros(n_features, dtype=dtype),
            "running_var": np.ones(n_features, dtype=dtype),
        }

    def _check(self, x: np.ndarray, training: bool) -> None:
        c = self.n_features
        if x.ndim not in (2, 3) or x.shape[1] != c:
            raise ValueError(
                f"x must have shape (batch, {c}) or (batch, {c}, length) for {self!r}, "
                f"got {x.shape}"
            )
        n = x.shape[0] if x.ndim == 2 else x.shape[0] * x.shape[2]
        if training and n < 2:
            what = (
                "at least 2 samples in training mode (BatchNorm normalises with the "
                "batch statistics), "
                f"got batch size {x.shape[0]}"
                if x.ndim == 2
                else "at least 2 values per channel in training mode "
                f"(batch · length ≥ 2), got shape {x.shape}"
            )
            raise ValueError(
                f"x must hold {what}; with lib.train.fit, pass drop_last=True when the "
                "last "
                "mini-batch would hold a single sample"
            )

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        x = self._input(x)
        self._check(x, training)
        c = self.n_features
        axes = (0,) if x.ndim == 2 else (0, 2)  # per channel: over batch (and length)
        shape = (1, c) if x.ndim == 2 else (1, c, 1)  # broadcasts a per-channel vector
        if training:
            xc, var, mu = centered_moments(x, axes)
            _check_finite_stats(self, mu, var)
            m = self.momentum
            self.buffers["running_mean"] *= m
            self.buffers["running_mean"] += (1.0 - m) * mu.reshape(c)
            self.buffers["running_var"] *= m
            self.buffers["running_var"] += (1.0 - m) * var.reshape(c)
        else:
            mu = self.buffers["running_mean"].reshape(shape)
            var = self.buffers["running_var"].reshape(shape)
            xc = x - mu
        inv_std = 1.0 / np.sqrt(var + self.eps)
        x_hat = xc * inv_std
        self._cache = (x_hat, inv_std, training, axes)
        out = x_hat * self.params["gamma"].reshape(shape)
        out += self.params["beta"].reshape(shape)
        return self._output(out)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        dout = self._dout(dout)
        x_hat, inv_std, training, axes = self._cached()
        shape = inv_std.shape  # (1, C) or (1, C, 1), in both modes
        self.grads["beta"][...] = dout.sum(axis=axes)
        self.grads["gamma"][...] = (dout * x_hat).sum(axis=axes)
        dx_hat = dout * self.params["gamma"].reshape(shape)
        if not training:  # fixed running statistics: an affine map
            return dx_hat * inv_std
        return _normalized_backward(dx_hat, x_hat, inv_std, axes)

    def __repr__(self) -> str:
        return f"BatchNorm({self.n_features}, momentum={self.momentum}, eps={self.eps})"


class LayerNorm(Layer):
    """Layer normalisation over the last axis (Ba, Kiros & Hinton, 2016) (Implements
    {eq}`eq-layernorm`).

    For every sample (and every position of a 3-D input) separately: μ = mean of the F
    entries of the last axis, σ² = their biased variance, x̂ = (x − μ)/√(σ² + ε), y = γ
    ⊙ x̂ + β with γ, β of shape (F,), F = ``n_features``. Nothing depends on the other
    samples, so training and inference compute the same thing and there are no running
    statistics. Backward: the batch-norm closed form with the sums taken over the last
    axis instead of the batch (m = F terms). Same as ``torch.nn.LayerNorm(n_features,
    eps=eps)`` (PyTorch 2.x) on (batch, F) or (batch, C, F) inputs.
    """

    def __init__(
        self, n_features: int, eps: float = 1e-5, *, dtype: type = np.float64
    ) -> None:
        super().__init__()
        self.n_features = check_size("n_features", n_features)
        self.eps = check_positive("eps", eps)
        dtype = check_float_dtype("dtype", dtype, half=False)
        self.params = {
            "gamma": np.ones(n_features, dtype=dtype),
            "beta": np.zeros(n_features, dtype=dtype),
        }
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}

    def _check(self, x: np.ndarray) -> None:
        if x.ndim < 2 or x.shape[-1] != self.n_features:
            raise ValueError(
                f"x must have shape (batch, ..., {self.n_features}) (last axis "
                "normalised) "
                f"for {self!r}, got {x.shape}"
            )

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        x = self._input(x)
        self._check(x)
        xc, var, _ = centered_moments(x, (x.ndim - 1,))
        inv_std = 1.0 / np.sqrt(var + self.eps)
        x_hat = xc * inv_std
        self._cache = (x_hat, inv_std)
        return self._output(x_hat * self.params["gamma"] + self.params["beta"])

    def backward(self, dout: np.ndarray) -> np.ndarray:
        dout = self._dout(dout)
        x_hat, inv_std = self._cached()
        others = tuple(range(dout.ndim - 1))
        self.grads["beta"][...] = dout.sum(axis=others)
        self.grads["gamma"][...] = (dout * x_hat).sum(axis=others)
        dx_hat = dout * self.params["gamma"]
        return _normalized_backward(dx_hat, x_hat, inv_std, (dout.ndim - 1,))

    def __repr__(self) -> str:
        return f"LayerNorm({self.n_features}, eps={self.eps})"


class GroupNorm(Layer):
    """Group normalisation (Wu & He, 2018) (Implements {eq}`eq-groupnorm`).

    The C = ``n_channels`` channels are split into G = ``n_groups`` consecutive groups
    of C/G; for every sample and group, μ and σ² (biased) are taken over the group's
    channels and the whole length (m = (C/G)·L terms), x̂ = (x − μ)/√(σ² + ε), and y_c =
    γ_c x̂_c + β_c with a scale and shift per channel. G = 1 normalises each sample over
    all its channels and positions; G = C is instance normalisation. Input (batch, C,
    length), or (batch, C) read as length 1. Backward: the batch-norm closed form within
    each (sample, group). Same as ``torch.nn.GroupNorm(n_groups, n_channels, eps=eps)``
    (PyTorch 2.x).
    """

    def __init__(
        self,
        n_groups: int,
        n_channels: int,
        eps: float = 1e-5,
        *,
        dtype: type = np.float64,
    ) -> None:
        super().__init__()
        self.n_groups = check_int("n_groups", n_groups)
        self.n_channels = check_size("n_channels", n_channels)
        if self.n_channels % self.n_groups:
            raise ValueError(
                f"n_groups must divide n_channels, got n_groups={n_groups} and "
                f"n_channels={n_channels} ({n_channels} % {n_groups} = "
                f"{n_channels % n_groups})"
            )
        self.eps = check_positive("eps", eps)
        dtype = check_float_dtype("dtype", dtype, half=False)
        self.params = {
            "gamma": np.ones(n_channels, dtype=dtype),
            "beta": np.zeros(n_channels, dtype=dtype),
        }
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}

    def _check(self, x: np.ndarray) -> None:
        c = self.n_channels
        if x.ndim not in (2, 3) or x.shape[1] != c or (x.ndim == 3 and x.shape[2] == 0):
            raise ValueError(
                f"x must have shape (batch, {c}, length) with length >= 1, or (batch, "
                f"{c}), "
                f"for {self!r}, got {x.shape}"
            )

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        x = self._input(x)
        self._check(x)
        n, c, g = len(x), self.n_channels, self.n_groups
        length = x.shape[2] if x.ndim == 3 else 1
        xg = x.reshape(n, g, c // g * length)  # (batch, G, C/G · L)
        xc, var, _ = centered_moments(xg, (2,))
        inv_std = 1.0 / np.sqrt(var + self.eps)
        x_hat = (xc * inv_std).reshape(n, c, length)
        self._cache = (x_hat, inv_std)
        out = x_hat * self.params["gamma"][:, None] + self.params["beta"][:, None]
        return self._output(out.reshape(x.shape))

    def backward(self, dout: np.ndarray) -> np.ndarray:
        dout = self._dout(dout)
        x_hat, inv_std = self._cached()
        n, c, length = x_hat.shape
        g = self.n_groups
        d3 = dout.reshape(n, c, length)
        self.grads["beta"][...] = d3.sum(axis=(0, 2))
        self.grads["gamma"][...] = (d3 * x_hat).sum(axis=(0, 2))
        dx_hat = (d3 * self.params["gamma"][:, None]).reshape(n, g, c // g * length)
        x_hat = x_hat.reshape(dx_hat.shape)
        dx = _normalized_backward(dx_hat, x_hat, inv_std, (2,))
        return dx.reshape(dout.shape)

    def __repr__(self) -> str:
        return f"GroupNorm({self.n_groups}, {self.n_channels}, eps={self.eps})"
