"""Regularization: weight penalties, decoupled weight decay, max-norm, early stopping,
MC dropout.

Penalties follow Keras' convention: ``l2(lam)`` adds λ·ΣW² to the loss, so its gradient
is 2λW; ``l2(lam, half=True)`` is Saito's ½·λ·ΣW² with gradient λW. ``lib.train.fit``
adds ``grad(W)`` to every weight matrix (keys ending in ``.W``) before each optimizer
step and records the data loss alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._checks import (
    check_array,
    check_finite,
    check_int,
    check_nonnegative,
    check_positive,
    check_rng,
    check_size,
)
from .layers import AlphaDropout, Dropout, sigmoid
from .losses import softmax
from .model import Sequential
from .optim import check_decay_factor
from .train import Callback, History


class L1L2:
    """The elastic-net penalty Ω(W) = λ₁Σ|W| + λ₂ΣW² and its (sub)gradient.

    Implements {eq}`eq-l1` (λ₂ = 0), {eq}`eq-l2` (λ₁ = 0) and their sum {eq}`eq-l1-l2`.
    Read as a MAP estimate, λ₂ΣW² is the negative log of a Gaussian prior and λ₁Σ|W| of
    a Laplace prior on the weights ({eq}`eq-map-priors`). The gradient is λ₁·sign(W) +
    2λ₂W; at W = 0 the L1 part uses sign(0) = 0, the subgradient that Keras and PyTorch
    use too.
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0) -> None:
        self.l1 = check_nonnegative("l1", l1)
        self.l2 = check_nonnegative("l2", l2)

    def penalty(self, W: np.ndarray) -> float:
        """Ω(W) = λ₁Σ|W| + λ₂ΣW², a float."""
        W = check_array("W", W)
        return float(self.l1 * np.abs(W).sum() + self.l2 * np.square(W).sum())

    def grad(self, W: np.ndarray) -> np.ndarray:
        """∂Ω/∂W = λ₁·sign(W) + 2λ₂W, an array shaped like W."""
        W = check_array("W", W)
        # pure L2 (or no penalty): skip the sign pass, the common case in fit's inner
        # loop
        if self.l1 == 0.0:
            return (2.0 * self.l2) * W
        g = self.l1 * np.sign(W)
        if self.l2 != 0.0:
            g += (2.0 * self.l2) * W
        return g

    __call__ = penalty

    def __repr__(self) -> str:
        return f"L1L2(l1={self.l1:g}, l2={self.l2:g})"


def l1(lam: float) -> L1L2:
    """L1 penalty λΣ|W|, gradient λ·sign(W) (Implements {eq}`eq-l1`)."""
    return L1L2(l1=check_nonnegative("lam", lam))


def l2(lam: float, *, half: bool = False) -> L1L2:
    """L2 penalty λΣW² (Keras), gradient 2λW (Implements {eq}`eq-l2`).

    ``half=True`` gives Saito's ½λΣW² with gradient λW instead (Implements
    {eq}`eq-l2-half`): it is the Keras penalty with λ/2, so ``l2(lam, half=True)``
    equals ``l2(lam / 2)``.
    """
    lam = check_nonnegative("lam", lam)
    return L1L2(l2=lam / 2.0 if half else lam)


def l1_l2(l1: float = 0.01, l2: float = 0.01) -> L1L2:
    """Elastic net λ₁Σ|W| + λ₂ΣW² (Implements {eq}`eq-l1-l2`); defaults as Keras'
    ``l1_l2``.
    """
    return L1L2(l1=l1, l2=l2)


def weight_decay(
    params: dict[str, np.ndarray],
    lr: float,
    decay: float,
    keys: list[str] | None = None,
) -> None:
    """Decoupled weight decay θ ← (1 − ηλ_wd)θ, in place (Implements
    {eq}`eq-weight-decay`).

    Applied before a plain SGD step on the data gradient it reproduces SGD on the loss
    plus ``l2(decay / 2)`` exactly; before an Adam step it is what ``lib.optim.AdamW``
    does. ``keys`` selects the parameters to shrink (all of them by default).
    """
    lr = check_positive("lr", lr)
    decay = check_nonnegative("decay", decay)
    check_decay_factor(lr, decay, "decay")
    keys = list(params) if keys is None else keys
    if isinstance(keys, str):
        raise TypeError(
            f"keys must be a list of parameter names, got the string {keys!r}; wrap it "
            "in a list"
        )
    for k in keys:
        if k not in params:
            raise ValueError(
                f"keys contains {k!r}, which is not in params (keys {sorted(params)})"
            )
        if not isinstance(params[k], np.ndarray) or params[k].dtype.kind != "f":
            raise TypeError(
                f"params[{k!r}] must be a floating-point NumPy array (it "
                f"shrinks in place), got {type(params[k]).__name__}"
            )
    for k in keys:
        params[k] *= 1.0 - lr * decay


def max_norm(W: np.ndarray, r: float, axis: int = 0) -> np.ndarray:
    """Rescale W in place so every slice along ``axis`` has L2 norm ≤ r (Implements
    {eq}`eq-max-norm`).

    With ``W`` of shape (n_in, n_out), ``axis=0`` bounds the incoming weight vector of
    each unit, as Keras' ``MaxNorm`` and Srivastava et al. (2014) do. Slices already
    inside the ball are left untouched. Returns ``W`` for convenience.
    """
    r = check_positive("r", r)
    if not isinstance(W, np.ndarray) or W.dtype.kind != "f":
        raise TypeError(
            "W must be a floating-point numpy array (it is changed in place), got "
            f"{type(W).__name__}"
        )
    if isinstance(axis, bool) or not isinstance(axis, int | np.integer):
        raise TypeError(f"axis must be an integer, got {axis!r}")
    if not -W.ndim <= axis < W.ndim:
        raise ValueError(
            f"axis must be in [{-W.ndim}, {W.ndim}) for W of shape {W.shape}, got "
            f"{axis!r}"
        )
    check_finite("W", W)
    norms = np.sqrt(np.sum(W * W, axis=axis, keepdims=True))
    W *= np.minimum(1.0, r / np.maximum(norms, np.finfo(W.dtype).tiny))
    return W


class MaxNorm(Callback):
    """A ``fit`` callback applying :func:`max_norm` to every weight matrix after each
    step.

    Implements the projection of {eq}`eq-max-norm` as a constraint on the model's ``.W``
    parameters (biases are not constrained).
    """

    def __init__(self, r: float, axis: int = 0) -> None:
        self.r = check_positive("r", r)
        self.axis = check_int("axis", axis, minimum=-(2**31))

    def on_batch_end(self, model: Sequential) -> None:
        for k in model.weight_keys:
            max_norm(model.params[k], self.r, self.axis)

    def __repr__(self) -> str:
        return f"MaxNorm(r={self.r:g}, axis={self.axis})"


class EarlyStopping(Callback):
    """Stop ``fit`` when the monitored metric has not improved for ``patience`` epochs.

    Implements {eq}`eq-early-stopping`. An epoch improves when the metric beats the
    value of the last improving epoch by more than ``min_delta`` (lower for losses,
    higher for accuracies), as in Keras, so several small gains below ``min_delta``
    never add up; training stops at the end of the ``patience``-th consecutive epoch
    without improvement. With ``restore_best=True`` the weights (and buffers) of the
    best epoch are loaded back when training ends, whether it stopped early or ran out
    of epochs, as Keras 3's ``restore_best_weights=True`` does (older Keras 2 releases
    restored them only when training actually stopped early). ``patience=0`` stops at
    the first epoch without improvement, as in Keras.

    After training, ``best_epoch`` (0-based), ``best`` and ``stopped_epoch`` (None if it
    never stopped) describe the run.
    """

    def __init__(
        self,
        patience: int,
        min_delta: float = 0.0,
        restore_best: bool = True,
        monitor: str = "val_loss",
    ) -> None:
        self.patience = check_int("patience", patience, minimum=0)
        self.min_delta = check_nonnegative("min_delta", min_delta)
        self.restore_best = bool(restore_best)
        if monitor not in ("val_loss", "val_acc", "train_loss", "train_acc"):
            raise ValueError(
                "monitor must be 'val_loss', 'val_acc', 'train_loss' or 'train_acc', "
                f"got {monitor!r}"
            )
        self.monitor = monitor
        self._sign = -1.0 if monitor.endswith("acc") else 1.0  # minimise sign * metric
        self.on_train_begin(None)

    def on_train_begin(self, model: Sequential | None) -> None:
        self.best = np.inf * self._sign
        self.best_epoch: int | None = None
        self.stopped_epoch: int | None = None
        self.wait = 0
        self._best_state: dict[str, np.ndarray] | None = None

    def on_epoch_end(self, epoch: int, history: History, model: Sequential) -> bool:
        values = getattr(history, self.monitor)
        if not values:
            raise ValueError(
                f"EarlyStopping monitors {self.monitor!r}, but fit recorded none "
                "(pass validation=(X_val, y_val) to fit)"
            )
        current = float(values[-1])
        if self._sign * current < self._sign * self.best - self.min_delta:
            self.best, self.best_epoch, self.wait = current, epoch, 0
            if self.restore_best:
                self._best_state = model.state_dict()
            return False
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            return True
        return False

    def on_train_end(self, model: Sequential) -> None:
        if self.restore_best and self._best_state is not None:
            model.load_state_dict(self._best_state)

    def __repr__(self) -> str:
        return (
            f"EarlyStopping(patience={self.patience}, min_delta={self.min_delta:g}, "
            f"restore_best={self.restore_best}, monitor={self.monitor!r})"
        )


def mc_dropout_predict(
    model: Sequential,
    x: np.ndarray,
    n_samples: int,
    rng: np.random.Generator | int,
    *,
    output: str = "logits",
) -> tuple[np.ndarray, np.ndarray]:
    """Monte Carlo dropout: mean and std of the class probabilities over ``n_samples``
    passes.

    Implements {eq}`eq-mc-dropout`. Each pass runs Dropout and AlphaDropout layers in
    training mode (fresh masks) and every other layer in inference mode, so batch-norm
    uses its running statistics and none of them are updated.

    Dropout layers own their generators. Here each dropout layer gets, for the duration
    of the call, its own child generator spawned from ``rng``, and its original
    generator is put back afterwards: the same ``rng`` seed gives the same prediction,
    and the layers' own streams (hence any later training) are left exactly as they
    were.

    ``output="logits"`` applies a softmax to the network's output (one column: a
    sigmoid, giving the two probabilities 1 − p, p); ``output="probabilities"`` uses it
    as it is. Returns ``(mean, std)``, each of shape (batch, classes); ``std`` is the
    population standard deviation over the passes (0 when no dropout layer is active).
    """
    n_samples = check_size("n_samples", n_samples, limit=10**5, what="samples")
    rng = check_rng("rng", rng)
    if output not in ("logits", "probabilities"):
        raise ValueError(f"output must be 'logits' or 'probabilities', got {output!r}")
    x = check_array("x", x, ndim=2)
    droppers = [
        layer for layer in model.layers if isinstance(layer, Dropout | AlphaDropout)
    ]
    saved = [layer.rng for layer in droppers]
    for layer, child in zip(droppers, rng.spawn(len(droppers)), strict=True):
        layer.rng = child
    try:
        probs = np.stack(
            [
                _probabilities(_forward_dropout_on(model, x), output)
                for _ in range(n_samples)
            ]
        )
    finally:
        for layer, own in zip(droppers, saved, strict=True):
            layer.rng = own
    # shifted by one pass: exactly 0 when every pass agrees, and no cancellation
    dev = probs - probs[0]
    shift = dev.mean(axis=0)
    return probs[0] + shift, np.sqrt(
        np.maximum(np.mean(dev * dev, axis=0) - shift * shift, 0.0)
    )


def _forward_dropout_on(model: Sequential, x: np.ndarray) -> np.ndarray:
    for layer in model.layers:
        x = layer.forward(x, training=isinstance(layer, Dropout | AlphaDropout))
    return x


def _probabilities(out: np.ndarray, output: str) -> np.ndarray:
    if out.ndim == 1:
        out = out[:, None]
    if out.shape[1] == 1:
        p = out[:, 0] if output == "probabilities" else sigmoid(out[:, 0])
        return np.column_stack([1.0 - p, p])
    return softmax(out) if output == "logits" else out


def accuracy_by_uncertainty(
    uncertainty: np.ndarray, correct: np.ndarray, n_bins: int = 5
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sort predictions by ``uncertainty`` into ``n_bins`` equally populated bins.

    Returns ``(centers, accuracy, counts)``: the mean uncertainty, the fraction of
    ``correct`` predictions and the number of predictions in each bin, from the most to
    the least certain. Ties are broken by the original order, so the bins are
    reproducible.
    """
    n_bins = check_int("n_bins", n_bins)
    u = check_array("uncertainty", uncertainty, ndim=1)
    c = np.asarray(correct)
    if c.shape != u.shape:
        raise ValueError(
            f"correct must have the shape of uncertainty {u.shape}, got {c.shape}"
        )
    if c.dtype.kind not in "biuf" or not np.all((c == 0) | (c == 1)):
        raise ValueError(
            "correct must hold booleans (or 0/1), one per prediction, e.g. y_pred == "
            "y_true"
        )
    if n_bins > len(u):
        raise ValueError(
            f"n_bins must be <= the number of predictions ({len(u)}), got {n_bins}"
        )
    order = np.argsort(u, kind="stable")
    groups = np.array_split(order, n_bins)
    centers = np.array([u[g].mean() for g in groups])
    acc = np.array([c[g].astype(float).mean() for g in groups])
    return centers, acc, np.array([len(g) for g in groups])


def fraction_near_zero(model: Sequential, tol: float = 1e-2) -> float:
    """Fraction of weight-matrix entries with |w| < ``tol`` (biases excluded): L1's
    sparsity.
    """
    tol = check_positive("tol", tol)
    w = np.concatenate([model.params[k].ravel() for k in model.weight_keys])
    return float(np.mean(np.abs(w) < tol))


def l2_shrinkage(eigenvalues: np.ndarray, alpha: float) -> np.ndarray:
    """Factor λ_i / (λ_i + α) by which L2 shrinks the optimum along each Hessian
    eigenvector.

    Implements {eq}`eq-l2-eigen` (Goodfellow et al., §7.1.1): near the unregularized
    optimum w* with Hessian H = Q diag(λ) Qᵀ, the minimiser of the quadratic loss plus
    ½·α·‖w‖² (Saito's convention; Keras' λ·‖w‖² is α = 2λ) is w̃ = Q diag(λ/(λ+α)) Qᵀ
    w*: directions of high curvature (λ_i ≫ α) keep their component, flat ones (λ_i ≪ α)
    are shrunk to zero.
    """
    lam = check_array("eigenvalues", eigenvalues)
    if np.any(lam < 0):
        raise ValueError(
            f"eigenvalues must be >= 0 (a Hessian at a minimum), got min {lam.min()!r}"
        )
    alpha = check_positive("alpha", alpha)
    return lam / (lam + alpha)


def ensemble_predict(models: Sequence[Sequential], x: np.ndarray) -> np.ndarray:
    """Mean of the members' softmax probabilities, p̄(x) = (1/M) Σ_m softmax(f_m(x)).

    Implements {eq}`eq-ensemble`. Each member runs in inference mode (dropout off).
    """
    models = list(models)
    if not models or not all(isinstance(m, Sequential) for m in models):
        raise TypeError(
            f"models must be a non-empty sequence of Sequential models, got {models!r}"
        )
    x = check_array("x", x)
    return np.mean([softmax(m.predict(x)) for m in models], axis=0)
