"""Losses: ``forward(output, target) -> float`` (mean over the batch), ``backward() -> d_output``."""

from __future__ import annotations

import numpy as np

from ._checks import check_fraction


def log_softmax(z: np.ndarray) -> np.ndarray:
    """log softmax(z)_k = z_k − log Σ_j e^{z_j}, with the log-sum-exp shift by max_j z_j.

    Implements {eq}`eq-softmax` in log form; finite for logits of any size.
    """
    z = np.asarray(z)
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(z: np.ndarray) -> np.ndarray:
    """softmax(z)_k = e^{z_k} / Σ_j e^{z_j}, shifted by max_j z_j (Implements {eq}`eq-softmax`)."""
    return np.exp(log_softmax(z))


def _check_batch(output: np.ndarray, target: np.ndarray) -> None:
    if output.ndim not in (1, 2) or output.shape[0] == 0:
        raise ValueError(f"output must be a non-empty 1-D or 2-D batch, got shape {output.shape}")
    if target.ndim == 0:
        raise ValueError(f"target must hold one entry per sample of output {output.shape}, got the scalar {target!r}")
    if target.shape[0] != output.shape[0]:
        raise ValueError(
            f"target has {target.shape[0]} samples but output has {output.shape[0]} "
            f"(shapes {target.shape} and {output.shape})"
        )


class Loss:
    """Base class; subclasses remember what ``backward`` needs from the last ``forward``."""

    def __init__(self) -> None:
        self._cache: tuple | None = None

    def _cached(self) -> tuple:
        if self._cache is None:
            raise RuntimeError(f"{type(self).__name__}.backward called before forward")
        return self._cache

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class SoftmaxCrossEntropy(Loss):
    """L = −(1/N) Σ_n log softmax(z_n)_{y_n} on logits z (Implements {eq}`eq-cross-entropy`).

    ``target`` holds integer labels of shape (N,) or one-hot rows of shape (N, K).
    Gradient: ∂L/∂z = (softmax(z) − onehot(y)) / N (Implements {eq}`eq-softmax-ce-grad`).

    ``label_smoothing=ε`` trains on the target (1 − ε)·onehot + ε/K instead of the one-hot
    row (Implements {eq}`eq-label-smoothing`), PyTorch's ``CrossEntropyLoss(label_smoothing=ε)``
    (torch ≥ 1.10: "a mixture of the original ground truth and a uniform distribution");
    the gradient becomes (softmax(z) − target) / N.
    """

    def __init__(self, label_smoothing: float = 0.0) -> None:
        super().__init__()
        eps = label_smoothing
        if isinstance(eps, bool) or not isinstance(eps, int | float | np.floating) or not 0.0 <= eps <= 1.0:
            raise ValueError(f"label_smoothing must be a number in [0, 1], got {label_smoothing!r}")
        self.label_smoothing = float(eps)

    def __repr__(self) -> str:
        eps = self.label_smoothing
        return f"SoftmaxCrossEntropy(label_smoothing={eps:g})" if eps else "SoftmaxCrossEntropy()"

    def forward(self, output: np.ndarray, target: np.ndarray) -> float:
        z = np.asarray(output)
        t = np.asarray(target)
        _check_batch(z, t)
        if z.ndim != 2:
            raise ValueError(f"output must be logits of shape (N, K), got shape {z.shape}")
        n, k = z.shape
        if t.ndim == 1:
            if t.dtype.kind not in "iu":
                raise TypeError(f"integer labels expected in target, got dtype {t.dtype}")
            if t.min() < 0 or t.max() >= k:
                raise ValueError(f"labels in target must lie in [0, {k}), got range [{t.min()}, {t.max()}]")
            onehot = np.zeros_like(z)
            onehot[np.arange(n), t] = 1.0
        elif t.shape == z.shape:
            onehot = t.astype(z.dtype, copy=False)
        else:
            raise ValueError(f"target must have shape ({n},) or {z.shape}, got {t.shape}")
        if self.label_smoothing > 0:
            onehot = (1.0 - self.label_smoothing) * onehot + self.label_smoothing / k
        logp = log_softmax(z)
        self._cache = (np.exp(logp), onehot)
        return float(-(onehot * logp).sum() / n)

    def backward(self) -> np.ndarray:
        p, onehot = self._cached()
        grad = p - onehot
        grad /= p.shape[0]
        return grad


class MeanSquaredError(Loss):
    """L = (1/M) Σ_i (ŷ_i − y_i)², the mean over all M elements (Implements {eq}`eq-mse`)."""

    def forward(self, output: np.ndarray, target: np.ndarray) -> float:
        y_hat = np.asarray(output)
        y = np.asarray(target, dtype=y_hat.dtype)
        _check_batch(y_hat, y)
        if y.shape != y_hat.shape:
            raise ValueError(f"target must have the output's shape {y_hat.shape}, got {y.shape}")
        diff = y_hat - y
        self._cache = (diff,)
        return float(np.mean(diff * diff))

    def backward(self) -> np.ndarray:
        (diff,) = self._cached()
        grad = 2.0 * diff
        grad /= diff.size
        return grad


class BinaryCrossEntropy(Loss):
    """L = −(1/M) Σ_i [y_i log p_i + (1 − y_i) log(1 − p_i)] on probabilities p.

    Implements {eq}`eq-bce`. p is clipped to [eps, 1 − eps] so the logs stay finite;
    the gradient is (p − y) / (p(1 − p) M) at the clipped p.
    """

    def __init__(self, eps: float = 1e-7) -> None:
        super().__init__()
        self.eps = check_fraction("eps", eps, closed_left=False)

    def forward(self, output: np.ndarray, target: np.ndarray) -> float:
        p = np.asarray(output)
        y = np.asarray(target, dtype=p.dtype)
        _check_batch(p, y)
        if y.shape != p.shape:
            raise ValueError(f"target must have the output's shape {p.shape}, got {y.shape}")
        if np.any((p < 0) | (p > 1)):
            raise ValueError("output must hold probabilities in [0, 1] (put a Sigmoid layer last)")
        p = np.clip(p, self.eps, 1.0 - self.eps)
        self._cache = (p, y)
        return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log1p(-p)))

    def backward(self) -> np.ndarray:
        p, y = self._cached()
        denom = 1.0 - p
        denom *= p
        denom *= p.size
        grad = p - y
        grad /= denom
        return grad
