"""Losses: ``forward(output, target) -> float`` (mean over the batch),
``backward() -> d_output``.

A loss that is not finite is never returned: ``forward`` raises
:class:`NonFiniteLossError` (a ValueError) saying whether the output, the target or an
overflow of finite values is to blame. ``lib.train.fit`` catches it and reports the
run as diverged (``History.diverged``), as before.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from ._checks import check_numeric, check_real


def log_softmax(z: np.ndarray) -> np.ndarray:
    """log softmax(z)_k = z_k − log Σ_j e^{z_j}, with the log-sum-exp shift by max_j
    z_j.

    Implements {eq}`eq-softmax` in log form; finite for logits of any size.
    """
    z = check_numeric("z", z)
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(z: np.ndarray) -> np.ndarray:
    """softmax(z)_k = e^{z_k} / Σ_j e^{z_j}, shifted by max_j z_j (Implements
    {eq}`eq-softmax`).
    """
    return np.exp(log_softmax(z))


_EPS = {
    np.dtype(t): float(np.finfo(t).eps) for t in (np.float16, np.float32, np.float64)
}


def _as_float(x: object) -> np.ndarray:
    """``x`` as a float array: integers and booleans become float64, float16 becomes
    float32 (its largest value, 65504, overflows in a squared error or an exponent);
    float32 and float64 keep their dtype."""
    a = np.asarray(x)
    if a.dtype.kind == "f":
        return a if a.dtype.itemsize >= 4 else a.astype(np.float32)
    if a.dtype.kind not in "biu":
        raise TypeError(f"output must be a numeric array, got dtype {a.dtype}")
    return a.astype(np.float64)


class NonFiniteLossError(ValueError):
    """The loss came out NaN or inf; ``value`` holds it (``lib.train.fit`` reads it)."""

    def __init__(self, message: str, value: float) -> None:
        super().__init__(message)
        self.value = value

    def __reduce__(self) -> tuple:  # picklable: joblib workers send it to the parent
        return type(self), (str(self), self.value)


def _finite(value: float, output: np.ndarray, target: np.ndarray) -> float:
    """``value`` if it is finite, else NonFiniteLossError naming the argument to blame.

    Called on every forward, but only a scalar is tested unless the loss is not finite.
    """
    if math.isfinite(value):
        return value
    for name, a in (("output", output), ("target", target)):
        if a.dtype.kind == "f" and not np.all(np.isfinite(a)):
            bad = int(a.size - np.count_nonzero(np.isfinite(a)))
            raise NonFiniteLossError(
                f"{name} contains {bad} NaN or inf value(s), so the loss is {value}"
                + (" (a diverged model?)" if name == "output" else ""),
                value,
            )
    big = max(float(np.abs(output).max()), float(np.abs(target).max()))
    raise NonFiniteLossError(
        f"the loss overflowed to {value} although output and target are finite: their "
        f"largest magnitude, {big:.3g}, is too large for {output.dtype}; lower the "
        "learning rate or rescale the inputs or targets",
        value,
    )


def _check_batch(output: np.ndarray, target: np.ndarray) -> None:
    if output.ndim not in (1, 2) or output.shape[0] == 0:
        raise ValueError(
            f"output must be a non-empty 1-D or 2-D batch, got shape {output.shape}"
        )
    if target.ndim == 0:
        raise ValueError(
            f"target must hold one entry per sample of output {output.shape}, got the "
            f"scalar {target!r}"
        )
    if target.shape[0] != output.shape[0]:
        raise ValueError(
            f"target has {target.shape[0]} samples but output has {output.shape[0]} "
            f"(shapes {target.shape} and {output.shape})"
        )


@functools.lru_cache(maxsize=8)
def _identity(k: int, dtype: np.dtype) -> np.ndarray:
    """The K × K identity matrix, made once per (K, dtype), read-only."""
    eye = np.eye(k, dtype=dtype)
    eye.flags.writeable = False
    return eye


def _target_rows(z: np.ndarray, t: np.ndarray) -> np.ndarray:
    """The (N, K) target rows of SoftmaxCrossEntropy for logits z: one-hot rows for
    integer labels t of shape (N,), or t itself if its rows are probability vectors."""
    _check_batch(z, t)
    if z.ndim != 2:
        raise ValueError(f"output must be logits of shape (N, K), got shape {z.shape}")
    n, k = z.shape
    if t.ndim == 1:
        if t.dtype.kind not in "iu":
            hint = (
                "; round or cast labels with .astype(int)"
                if t.dtype.kind == "f"
                else ""
            )
            raise TypeError(
                f"integer labels expected in target, got dtype {t.dtype}{hint}"
            )
        lo, hi = t.min(), t.max()
        if lo < 0 or hi >= k:
            raise ValueError(
                f"labels in target must lie in [0, {k}) for {k} logits, got range "
                f"[{lo}, {hi}]"
            )
        # row y_n of the identity matrix is the one-hot row of y_n: taking rows of a
        # stored identity instead of writing 1s into zeros makes the loss's forward
        # 15-18 % faster on the book's MNIST-1D batches (bench/components.py)
        return _identity(k, z.dtype).take(t, axis=0)
    if t.shape != z.shape:
        raise ValueError(f"target must have shape ({n},) or {z.shape}, got {t.shape}")
    if t.dtype.kind not in "biuf":
        raise TypeError(f"target must be numeric, got dtype {t.dtype}")
    rows = t.astype(z.dtype, copy=False)
    lo, hi = rows.min(), rows.max()  # NaN fails both comparisons below
    if not (lo >= 0 and hi <= 1):
        raise ValueError(
            "target rows must be probability vectors with entries in [0, 1], got "
            f"entries in [{lo}, {hi}]"
        )
    sums = rows.sum(axis=1)
    # rounding of the row sums
    tol = max(1e-6, 10.0 * k**0.5 * _EPS.get(rows.dtype, 1e-3))
    if not (sums.min() >= 1 - tol and sums.max() <= 1 + tol):
        worst = float(sums[np.argmax(np.abs(sums - 1))])
        raise ValueError(
            "each target row must sum to 1 (one-hot or smoothed labels), got a row "
            f"summing to {worst!r}"
        )
    return rows


def _target_like(output: np.ndarray, target: object) -> np.ndarray:
    """``target`` as a numeric array of the output's shape and dtype, else an error
    naming it.
    """
    y = np.asarray(target)
    if y.dtype.kind not in "biuf":
        raise TypeError(f"target must be numeric, got dtype {y.dtype}")
    y = y.astype(output.dtype, copy=False)
    _check_batch(output, y)
    if y.shape != output.shape:
        raise ValueError(
            f"target must have the output's shape {output.shape}, got {y.shape}"
        )
    return y


def _check_probabilities(p: np.ndarray, y: np.ndarray) -> None:
    """BinaryCrossEntropy's inputs: targets and outputs in [0, 1] (one min and max
    each).
    """
    lo, hi = y.min(), y.max()  # NaN fails both comparisons
    if not (lo >= 0 and hi <= 1):
        raise ValueError(
            f"target must hold labels or probabilities in [0, 1], got values in [{lo}, "
            f"{hi}]"
        )
    lo, hi = p.min(), p.max()
    if lo < 0 or hi > 1:
        raise ValueError(
            f"output must hold probabilities in [0, 1] (put a Sigmoid layer last), "
            f"got values in [{lo}, {hi}]"
        )


class Loss:
    """Base class; subclasses remember what ``backward`` needs from the last
    ``forward``.
    """

    def __init__(self) -> None:
        self._cache: tuple | None = None

    def _cached(self) -> tuple:
        if self._cache is None:
            raise RuntimeError(f"{type(self).__name__}.backward called before forward")
        return self._cache

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class SoftmaxCrossEntropy(Loss):
    """L = −(1/N) Σ_n log softmax(z_n)_{y_n} on logits z (Implements
    {eq}`eq-cross-entropy`).

    ``target`` holds integer labels of shape (N,) or rows of shape (N, K) that are
    probability vectors (one-hot or smoothed: entries in [0, 1], each row summing to
    1, else p − t would not be the gradient of the loss computed); anything else is
    refused. Gradient: ∂L/∂z = (softmax(z) − onehot(y)) / N (Implements
    {eq}`eq-softmax-ce-grad`).
    A NaN or inf in the logits, or logits so large that the loss overflows, raise
    :class:`NonFiniteLossError`, which ``lib.train.fit`` reports as divergence.

    ``label_smoothing=ε`` trains on the target (1 − ε)·onehot + ε/K instead of the
    one-hot row (Implements {eq}`eq-label-smoothing`), PyTorch's
    ``CrossEntropyLoss(label_smoothing=ε)`` (torch ≥ 1.10: "a mixture of the original
    ground truth and a uniform distribution"); the gradient becomes (softmax(z) −
    target) / N.
    """

    def __init__(self, label_smoothing: float = 0.0) -> None:
        super().__init__()
        eps = label_smoothing
        if (
            isinstance(eps, bool)
            or not isinstance(eps, int | float | np.floating)
            or not 0.0 <= eps <= 1.0
        ):
            raise ValueError(
                f"label_smoothing must be a number in [0, 1], got {label_smoothing!r}"
            )
        self.label_smoothing = float(eps)

    def __repr__(self) -> str:
        eps = self.label_smoothing
        return (
            f"SoftmaxCrossEntropy(label_smoothing={eps:g})"
            if eps
            else "SoftmaxCrossEntropy()"
        )

    def forward(self, output: np.ndarray, target: np.ndarray) -> float:
        z = _as_float(output)
        onehot = _target_rows(z, np.asarray(target))
        n = z.shape[0]
        if self.label_smoothing > 0:
            onehot = (
                1.0 - self.label_smoothing
            ) * onehot + self.label_smoothing / z.shape[1]
        logp = log_softmax(z)
        self._cache = (np.exp(logp), onehot)
        return _finite(float(-(onehot * logp).sum() / n), z, onehot)

    def backward(self) -> np.ndarray:
        p, onehot = self._cached()
        grad = p - onehot
        grad /= p.shape[0]
        return grad


class MeanSquaredError(Loss):
    """L = (1/M) Σ_i (ŷ_i − y_i)², the mean over all M elements (Implements
    {eq}`eq-mse`).
    """

    def forward(self, output: np.ndarray, target: np.ndarray) -> float:
        # integer outputs are promoted: the mean of squares is a float
        y_hat = _as_float(output)
        y = _target_like(y_hat, target)
        diff = y_hat - y
        self._cache = (diff,)
        return _finite(float(np.mean(diff * diff)), y_hat, y)

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
        self.eps = check_real("eps", eps)
        if not 0 < self.eps < 0.5:
            raise ValueError(
                "eps must lie in (0, 0.5) (p is clipped to [eps, 1 − eps]), got "
                f"{eps!r}"
            )

    def forward(self, output: np.ndarray, target: np.ndarray) -> float:
        p = _as_float(output)
        y = _target_like(p, target)
        _check_probabilities(p, y)
        clipped = np.clip(p, self.eps, 1.0 - self.eps)
        self._cache = (clipped, y)
        value = float(-np.mean(y * np.log(clipped) + (1.0 - y) * np.log1p(-clipped)))
        return _finite(value, p, y)

    def backward(self) -> np.ndarray:
        p, y = self._cached()
        denom = 1.0 - p
        denom *= p
        denom *= p.size
        grad = p - y
        grad /= denom
        return grad
