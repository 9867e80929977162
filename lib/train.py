"""Mini-batch training: ``fit`` runs the loop, ``evaluate`` scores a model on a data
set.
"""

from __future__ import annotations

import math
import numbers
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ._checks import check_int, check_rng, check_size
from .data import minibatches
from .losses import BinaryCrossEntropy, Loss, NonFiniteLossError, SoftmaxCrossEntropy
from .model import Sequential
from .optim import Optimizer, clip_grad_norm, clip_grad_value

MAX_EPOCHS = 1_000_000
"""Largest ``epochs`` :func:`fit` accepts (a million passes over the data)."""


@dataclass
class History:
    """Per-epoch records of a ``fit`` run (one entry per completed epoch).

    ``lr`` holds the rate used in the epoch's last step; ``batch_loss`` holds every
    mini-batch loss in order; ``diverged`` is set when a loss became NaN or inf, and
    ``stopped_epoch`` when a callback stopped training early.
    """

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    val_acc: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    batch_loss: list[float] = field(default_factory=list)
    diverged: bool = False
    stopped_epoch: int | None = None

    @property
    def epochs(self) -> int:
        return len(self.train_loss)


class Callback:
    """Hooks ``fit`` calls; subclasses override what they need.

    ``on_epoch_end`` returns True to stop training (early stopping); ``on_batch_end``
    runs after every optimizer step (weight constraints such as max-norm).
    """

    def on_train_begin(self, model: Sequential) -> None:
        """Called once before the first epoch."""

    def on_batch_end(self, model: Sequential) -> None:
        """Called after every optimizer step."""

    def on_epoch_end(self, epoch: int, history: History, model: Sequential) -> bool:
        """Called after each epoch's metrics are recorded; return True to stop."""
        return False

    def on_train_end(self, model: Sequential) -> None:
        """Called once after the last epoch."""


class RecordParams(Callback):
    """Record a copy of selected parameters after every step, to draw optimisation
    paths.

    ``trace[key]`` becomes an array of shape ``(steps + 1, *param.shape)``, starting
    with the parameters before training.
    """

    def __init__(self, keys: Sequence[str]) -> None:
        if (
            isinstance(keys, str)
            or not isinstance(keys, Sequence)
            or not all(isinstance(k, str) for k in keys)
        ):
            raise TypeError(
                f"keys must be a list of parameter names such as ['0.W'], got {keys!r}"
            )
        self.keys = list(keys)
        self.trace: dict[str, np.ndarray] = {}
        self._steps: dict[str, list[np.ndarray]] = {}

    def on_train_begin(self, model: Sequential) -> None:
        missing = [k for k in self.keys if k not in model.params]
        if missing:
            raise ValueError(
                f"keys {missing} are not parameters of the model; it has "
                f"{sorted(model.params)}"
            )
        self._steps = {k: [model.params[k].copy()] for k in self.keys}

    def on_batch_end(self, model: Sequential) -> None:
        for k in self.keys:
            self._steps[k].append(model.params[k].copy())

    def on_train_end(self, model: Sequential) -> None:
        self.trace = {k: np.array(v) for k, v in self._steps.items()}


def predicted_labels(output: np.ndarray) -> np.ndarray:
    """Class predictions from a network's output: argmax over classes, or p ≥ 0.5 for
    one column.

    An output row holding NaN has no prediction (argmax would return the NaN's
    position): it is a ValueError, as is an output that is not a numeric array of one
    row per sample.
    """
    out = np.asarray(output)
    if out.dtype.kind not in "biuf" or out.ndim not in (1, 2):
        raise TypeError(
            f"output must be a numeric 1-D or 2-D array (one row per "
            f"sample), got dtype {out.dtype}, shape {out.shape}"
        )
    if out.dtype.kind == "f" and np.isnan(out).any():
        rows = np.flatnonzero(np.isnan(out.reshape(len(out), -1)).any(axis=1))
        raise ValueError(
            f"output has NaN in {rows.size} row(s) (first: row "
            f"{rows[0]}); a NaN row has no predicted class"
        )
    return _predicted(out)


def _predicted(output: np.ndarray) -> np.ndarray:
    """:func:`predicted_labels` unchecked (``fit``'s running accuracy, every batch)."""
    if output.ndim == 2 and output.shape[1] > 1:
        return output.argmax(axis=1)
    return (output.reshape(len(output)) >= 0.5).astype(np.int64)


def _labels(target: np.ndarray) -> np.ndarray:
    if target.ndim == 2 and target.shape[1] > 1:
        return target.argmax(axis=1)
    return target.reshape(len(target)).astype(np.int64, copy=False)


def _batch_accuracy(loss: Loss, output: np.ndarray, target: np.ndarray) -> float:
    if not isinstance(loss, SoftmaxCrossEntropy | BinaryCrossEntropy):
        return float("nan")
    # lib.metrics.accuracy's value, (1/N) Σ 1[ŷ_n = y_n]; its input checks are for a
    # user's arrays, and would cost a few percent of an epoch here, once per batch, on
    # arrays made just above np.mean of the booleans sums them exactly in float64 and
    # divides by N: count / N is the same number without np.mean's Python layers, 60 %
    # faster (bench/components.py)
    correct = _labels(target) == _predicted(output)
    return np.count_nonzero(correct) / correct.size


def evaluate(
    model: Sequential, loss: Loss, X: np.ndarray, y: np.ndarray
) -> tuple[float, float]:
    """(loss, accuracy) of ``model`` on (X, y) in inference mode.

    Accuracy is NaN for losses that are not classification losses (e.g. mean squared
    error).
    NaN or inf in X or y is refused (ValueError naming it). A diverged model (NaN or
    inf outputs) scores a NaN or inf loss, as ``fit`` records it: the value of the
    :class:`lib.losses.NonFiniteLossError` the loss raised.
    """
    X, y = _check_data("X", X), _check_data("y", y)
    if len(X) != len(y) or len(X) == 0:
        raise ValueError(
            f"X and y must hold the same number of samples, at least one, "
            f"got {len(X)} and {len(y)}"
        )
    return _evaluate(model, loss, X, y)


def _evaluate(
    model: Sequential, loss: Loss, X: np.ndarray, y: np.ndarray
) -> tuple[float, float]:
    """:func:`evaluate` without its data checks (``fit`` checked the data once); a loss
    that is not finite is returned (a diverged model's NaN), not raised."""
    out = model.forward(X, training=False)
    try:
        value = loss.forward(out, y)
    except NonFiniteLossError as e:
        value = e.value
    return value, _batch_accuracy(loss, out, y)


def fit(
    model: Sequential,
    loss: Loss,
    optimizer: Optimizer,
    X: np.ndarray,
    y: np.ndarray,
    *,
    epochs: int,
    batch_size: int,
    rng: np.random.Generator | int,
    validation: tuple[np.ndarray, np.ndarray] | None = None,
    schedule: Callable[[int], float] | None = None,
    schedule_per: str = "epoch",
    regularizer=None,
    callbacks: Sequence[Callback] = (),
    progress: bool = False,
    train_metrics: str = "eval",
    drop_last: bool = False,
    penalize_biases: bool = False,
    clip_norm: float | None = None,
    clip_value: float | None = None,
) -> History:
    """Train ``model`` by mini-batch gradient descent on ``loss`` (Implements
    {eq}`eq-minibatch-sgd`).

    Each epoch visits every sample once in a fresh random order drawn from ``rng``.

    - ``schedule``: a function t -> lr applied at the start of every epoch
      (``schedule_per="epoch"``, t = epoch index) or every step
      (``schedule_per="step"``, t = global step count); or a stateful object with
      ``step(metric) -> lr`` (such as ``ReduceLROnPlateau``) that is fed the validation
      loss (training loss without validation data) after each epoch.
    - ``regularizer``: an object with ``penalty(W)`` and ``grad(W)``; its gradient is
      added to every weight matrix (not biases, unless ``penalize_biases=True``) before
      each step. Recorded losses are the data loss alone, so that training and
      validation curves compare like with like.
    - ``train_metrics="eval"`` re-evaluates the whole training set in inference mode
      after each epoch (dropout off, batch-norm running statistics); ``"running"``
      reports the mean over the epoch's mini-batches, as Keras does.
    - ``drop_last=True`` skips each epoch's final batch when it is smaller than
      ``batch_size`` (needed with batch normalisation when it would hold one sample).
    - ``clip_value`` clips every gradient entry to [−c, c] ({eq}`eq-clip-value`), then
      ``clip_norm`` rescales all gradients jointly to a global norm of at most c
      ({eq}`eq-clip-norm`), after the regularizer's gradient and before the step.
    - Weight averages (:class:`lib.averaging.EMA`, :class:`lib.averaging.PolyakAverage`)
      are callbacks: ``callbacks=[ema]``, then ``ema.copy_to(model)``.
    - ``progress=True`` shows a tqdm bar (``tqdm.auto``: a widget in a notebook, text on
      stderr in a terminal); the chapters keep it off so their output is deterministic.
    - A NaN or inf loss stops training and sets ``History.diverged``; NaN or inf in the
      data is refused before training.

    The optimizer steps all parameters at once, over the model's flat parameter buffer
    (``model.flat()``): the same numbers as stepping ``model.params`` key by key.
    """
    _check_types(model, loss, optimizer, schedule, regularizer, callbacks)
    epochs = check_size("epochs", epochs, limit=MAX_EPOCHS, what="epochs")
    batch_size = check_int("batch_size", batch_size)
    rng = check_rng("rng", rng)
    if schedule_per not in ("epoch", "step"):
        raise ValueError(
            f"schedule_per must be 'epoch' or 'step', got {schedule_per!r}"
        )
    if train_metrics not in ("eval", "running"):
        raise ValueError(
            f"train_metrics must be 'eval' or 'running', got {train_metrics!r}"
        )
    X, y = _check_data("X", X), _check_data("y", y)
    if len(X) != len(y):
        raise ValueError(
            f"X and y must have the same number of samples, got {len(X)} and {len(y)}"
        )
    if len(X) == 0:
        raise ValueError(f"X must hold at least one sample, got shape {X.shape}")
    if drop_last and len(X) < batch_size:
        raise ValueError(
            f"drop_last=True with {len(X)} samples and batch_size={batch_size} would "
            "train on no "
            "batch at all; use a batch_size <= the number of samples, or "
            "drop_last=False"
        )
    if validation is not None:
        if not isinstance(validation, tuple | list) or len(validation) != 2:
            raise TypeError(
                "validation must be a pair (X_val, y_val), got "
                f"{type(validation).__name__}"
            )
        validation = (
            _check_data("validation[0]", validation[0]),
            _check_data("validation[1]", validation[1]),
        )
    for name, c in (("clip_norm", clip_norm), ("clip_value", clip_value)):
        if c is not None and (
            isinstance(c, bool)
            or not isinstance(c, numbers.Real)
            or not 0 < c < math.inf
        ):
            raise ValueError(f"{name} must be None or a finite number > 0, got {c!r}")
    plateau = schedule is not None and hasattr(schedule, "step")
    if plateau:
        optimizer.lr = schedule.lr
    history = History()
    step = 0
    flat_params, flat_grads = model.flat()
    bar = _progress_bar(epochs) if progress else None
    for cb in callbacks:
        cb.on_train_begin(model)
    for epoch in range(epochs):
        if schedule is not None and not plateau and schedule_per == "epoch":
            optimizer.lr = schedule(epoch)
        losses, accs, sizes = [], [], []
        for Xb, yb in minibatches(X, y, batch_size, rng, drop_last=drop_last):
            if schedule is not None and not plateau and schedule_per == "step":
                optimizer.lr = schedule(step)
            out = model.forward(Xb, training=True)
            try:
                batch_loss = loss.forward(out, yb)
            except NonFiniteLossError as e:  # NaN or inf: the run diverged
                batch_loss = e.value
            history.batch_loss.append(batch_loss)
            if not math.isfinite(batch_loss):
                history.diverged = True
                break
            model.backward(loss.backward())
            if regularizer is not None:
                model.add_penalty_grad(regularizer, include_biases=penalize_biases)
            if clip_value is not None:
                clip_grad_value(flat_grads, clip_value)
            if clip_norm is not None:
                clip_grad_norm(flat_grads, clip_norm)
            optimizer.step(flat_params, flat_grads)
            for cb in callbacks:
                cb.on_batch_end(model)
            step += 1
            if train_metrics == "running":
                losses.append(batch_loss)
                accs.append(_batch_accuracy(loss, out, yb))
                sizes.append(len(Xb))
        if history.diverged:
            break
        if train_metrics == "eval":
            tr_loss, tr_acc = _evaluate(model, loss, X, y)
        else:
            tr_loss, tr_acc = (
                np.average(losses, weights=sizes),
                np.average(accs, weights=sizes),
            )
        history.train_loss.append(float(tr_loss))
        history.train_acc.append(float(tr_acc))
        history.lr.append(optimizer.lr)
        if validation is not None:
            va_loss, va_acc = _evaluate(model, loss, *validation)
            history.val_loss.append(va_loss)
            history.val_acc.append(va_acc)
        if plateau:
            optimizer.lr = schedule.step(
                history.val_loss[-1] if validation is not None else tr_loss
            )
        if bar is not None:
            _show_progress(bar, history)
        if any([cb.on_epoch_end(epoch, history, model) for cb in callbacks]):
            history.stopped_epoch = epoch
            break
    for cb in callbacks:
        cb.on_train_end(model)
    if bar is not None:
        bar.close()
    return history


def _check_types(model, loss, optimizer, schedule, regularizer, callbacks) -> None:
    """TypeErrors that name the argument, instead of an AttributeError deep in the
    loop.
    """
    if not isinstance(model, Sequential):
        raise TypeError(
            f"model must be a lib.model.Sequential, got {type(model).__name__}"
        )
    if not isinstance(loss, Loss):
        raise TypeError(
            "loss must be a lib.losses.Loss instance such as SoftmaxCrossEntropy(), "
            f"got {loss!r}"
        )
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            "optimizer must be a lib.optim.Optimizer instance such as SGD(0.1), got "
            f"{optimizer!r}"
        )
    if schedule is not None and not (callable(schedule) or hasattr(schedule, "step")):
        raise TypeError(
            "schedule must be a function t -> lr or an object with step(metric), got "
            f"{schedule!r}"
        )
    if regularizer is not None and not (
        hasattr(regularizer, "penalty") and hasattr(regularizer, "grad")
    ):
        raise TypeError(
            "regularizer must have penalty(W) and grad(W) (e.g. lib.regularizers.l2), "
            f"got {regularizer!r}"
        )
    if isinstance(callbacks, Callback) or not all(
        isinstance(cb, Callback) for cb in callbacks
    ):
        raise TypeError(
            "callbacks must be a sequence of lib.train.Callback objects, got "
            f"{callbacks!r}"
        )


def _check_data(name: str, a: object) -> np.ndarray:
    """A numeric array without NaN or inf (one pass over the data, once per ``fit``)."""
    arr = np.asarray(a)
    if arr.dtype.kind not in "biuf" or arr.ndim == 0:
        raise TypeError(
            f"{name} must be a numeric array with one row per sample, got dtype "
            f"{arr.dtype}, "
            f"shape {arr.shape}"
        )
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(
            f"{name} contains {bad} NaN or inf value(s); remove or impute them before "
            "training"
        )
    return arr


def _progress_bar(epochs: int):
    # imported only when asked: the numeric core needs NumPy only
    from tqdm.auto import tqdm

    return tqdm(total=epochs, desc="epoch", unit="epoch", file=sys.stderr, leave=True)


def _show_progress(bar, h: History) -> None:
    stats = {"loss": f"{h.train_loss[-1]:.4f}"}
    if h.val_loss:
        stats.update(val_loss=f"{h.val_loss[-1]:.4f}", val_acc=f"{h.val_acc[-1]:.3f}")
    bar.set_postfix(stats, refresh=False)
    bar.update(1)
