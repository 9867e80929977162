"""Learning-rate schedules: each factory returns ``schedule(t) -> lr`` for a step or
epoch t.

The factories are closures in the style of Géron's ``exponential_decay(lr0, s)``: they
validate their arguments once and return a plain function of ``t``.
``ReduceLROnPlateau`` is the one stateful schedule: it is fed a metric instead of a step
count. ``lr_range_test`` is Smith's learning-rate finder.
"""

from __future__ import annotations

import copy
import math
import numbers
from collections.abc import Callable, Sequence

import numpy as np

from ._checks import (
    MAX_SIZE,
    check_array,
    check_fraction,
    check_int,
    check_nonnegative,
    check_positive,
    check_rng,
)
from .data import minibatches
from .losses import NonFiniteLossError

Schedule = Callable[[int], float]


def _check_t(t: int, total_steps: int | None = None) -> None:
    if isinstance(t, bool) or not isinstance(t, numbers.Real):
        raise TypeError(
            f"t must be a step or epoch number (a real number >= 0), got {t!r} "
            f"({type(t).__name__})"
        )
    if not math.isfinite(t):
        raise ValueError(f"t must be a finite number >= 0, got {t!r}")
    if t < 0:
        raise ValueError(f"t must be >= 0, got {t!r}")
    if total_steps is not None and t >= total_steps:
        raise ValueError(f"t must be < total_steps = {total_steps}, got {t!r}")


def constant(lr: float) -> Schedule:
    """η(t) = η (Implements {eq}`eq-constant-lr`)."""
    lr = check_positive("lr", lr)

    def schedule(t: int) -> float:
        _check_t(t)
        return lr

    return schedule


def power(lr0: float, s: float, c: float = 1.0) -> Schedule:
    """η(t) = η₀ / (1 + t/s)^c (Implements {eq}`eq-power-schedule`).

    With c = 1 this is the t₀ / (t + t₁) schedule of the foundations chapter,
    {eq}`eq-learning-schedule` (η₀ = t₀/t₁, s = t₁): the rate halves after s steps and
    falls like 1/t after that.
    """
    lr0 = check_positive("lr0", lr0)
    s = check_positive("s", s)
    c = check_positive("c", c)

    def schedule(t: int) -> float:
        _check_t(t)
        return lr0 / (1.0 + t / s) ** c

    return schedule


def exponential(lr0: float, s: float) -> Schedule:
    """η(t) = η₀ · 0.1^(t/s): the rate falls tenfold every s steps (Implements
    {eq}`eq-exponential-schedule`).
    """
    lr0 = check_positive("lr0", lr0)
    s = check_positive("s", s)

    def schedule(t: int) -> float:
        _check_t(t)
        return lr0 * 0.1 ** (t / s)

    return schedule


def piecewise_constant(
    boundaries: Sequence[float], values: Sequence[float]
) -> Schedule:
    """η(t) = values[i] for boundaries[i−1] ≤ t < boundaries[i] (Implements
    {eq}`eq-piecewise-schedule`).

    ``values[0]`` applies for t < boundaries[0] and ``values[-1]`` from the last
    boundary on, so ``values`` has one entry more than ``boundaries``, which must be
    positive and strictly increasing.
    """
    b = check_array("boundaries", boundaries, ndim=1).astype(np.float64)
    v = check_array("values", values, ndim=1).astype(np.float64)
    if len(v) != len(b) + 1:
        raise ValueError(
            f"values must have len(boundaries) + 1 = {len(b) + 1} entries, got {len(v)}"
        )
    if len(b) and (b[0] <= 0 or np.any(np.diff(b) <= 0)):
        raise ValueError(
            "boundaries must be positive and strictly increasing, got "
            f"{list(boundaries)!r}"
        )
    if np.any(v <= 0):
        raise ValueError(
            f"values must all be > 0 (they are learning rates), got {list(values)!r}"
        )

    def schedule(t: int) -> float:
        _check_t(t)
        return float(v[np.searchsorted(b, t, side="right")])

    return schedule


def one_cycle(
    total_steps: int,
    max_lr: float,
    div_factor: float = 25.0,
    final_div_factor: float = 1e4,
    pct_start: float = 0.45,
) -> Schedule:
    """Smith's 1cycle in three linear phases (Implements {eq}`eq-one-cycle`).

    With η_lo = max_lr / div_factor, η_min = η_lo / final_div_factor and phase ends
    t₁ = p·T − 1, t₂ = 2p·T − 2, t₃ = T − 1 (p = pct_start, T = total_steps), the rate
    rises linearly from η_lo at t = 0 to max_lr at t₁, falls back to η_lo at t₂ and is
    annealed to η_min at t₃. These are the values of PyTorch's
    ``OneCycleLR(three_phase=True, anneal_strategy="linear")``; t must lie in 0 … T − 1.
    """
    total_steps = check_int("total_steps", total_steps)
    max_lr = check_positive("max_lr", max_lr)
    div_factor = check_positive("div_factor", div_factor)
    final_div_factor = check_positive("final_div_factor", final_div_factor)
    pct_start = check_fraction("pct_start", pct_start, closed_left=False)
    if pct_start > 0.5:
        raise ValueError(
            "pct_start must be <= 0.5 (warm-up and cool-down share 2·pct_start), got "
            f"{pct_start!r}"
        )
    if pct_start * total_steps <= 1:
        raise ValueError(
            f"pct_start * total_steps must exceed 1 so that each phase has length > 0, "
            f"got {pct_start!r} * {total_steps} = {pct_start * total_steps!r}"
        )
    lo = max_lr / div_factor
    phases = [  # (end step, start rate, end rate)
        (pct_start * total_steps - 1, lo, max_lr),
        (2 * pct_start * total_steps - 2, max_lr, lo),
        (total_steps - 1, lo, lo / final_div_factor),
    ]

    def schedule(t: int) -> float:
        _check_t(t, total_steps)
        start = 0.0
        for end, lr_a, lr_b in phases[:-1]:
            if t <= end:
                return lr_a + (lr_b - lr_a) * (t - start) / (end - start)
            start = end
        end, lr_a, lr_b = phases[-1]
        return lr_a + (lr_b - lr_a) * (t - start) / (end - start)

    return schedule


def cosine(lr0: float, total_steps: int, warmup: int = 0) -> Schedule:
    """Cosine annealing with optional linear warm-up (Implements
    {eq}`eq-cosine-schedule`).

    η(t) = η₀ (t + 1)/w for t < w, then η(t) = η₀ · ½ (1 + cos(π (t − w)/(T − w))) for w
    ≤ t < T (w = warmup, T = total_steps). The rate would reach 0 at t = T, one step
    after the last, so every rate the schedule hands out is positive.
    """
    lr0 = check_positive("lr0", lr0)
    total_steps = check_int("total_steps", total_steps)
    warmup = check_int("warmup", warmup, minimum=0)
    if warmup >= total_steps:
        raise ValueError(
            f"warmup must be < total_steps = {total_steps}, got {warmup!r}"
        )

    def schedule(t: int) -> float:
        _check_t(t, total_steps)
        if t < warmup:
            return lr0 * (t + 1) / warmup
        return (
            lr0
            * 0.5
            * (1.0 + math.cos(math.pi * (t - warmup) / (total_steps - warmup)))
        )

    return schedule


def cosine_restarts(
    lr0: float, period: int, mult: int = 1, min_lr: float = 0.0
) -> Schedule:
    """Cosine annealing with warm restarts, SGDR (Implements {eq}`eq-cosine-restarts`).

    Cycle i lasts T_i = period · mult^i steps; inside it, with τ steps since its start,
    η(t) = η_min + ½ (η₀ − η_min)(1 + cos(π τ / T_i)), so every cycle starts again at η₀
    (Loshchilov & Hutter, 2017). With ``mult=1`` and ``min_lr=0`` it is
    ``cosine(lr0, period)`` applied to t mod period. These are the values of PyTorch's
    ``CosineAnnealingWarmRestarts(T_0=period, T_mult=mult, eta_min=min_lr)`` (PyTorch
    2.x) stepped once per step.
    """
    lr0 = check_positive("lr0", lr0)
    period = check_int("period", period)
    mult = check_int("mult", mult)
    min_lr = check_nonnegative("min_lr", min_lr)
    if min_lr >= lr0:
        raise ValueError(f"min_lr must be < lr0 = {lr0!r}, got {min_lr!r}")

    def schedule(t: int) -> float:
        _check_t(t)
        tau, length = t % period, period
        if mult > 1:  # cycles of period, period·mult, period·mult², ...: find t's
            tau, length = t, period
            while tau >= length:
                tau, length = tau - length, length * mult
        return min_lr + 0.5 * (lr0 - min_lr) * (1.0 + math.cos(math.pi * tau / length))

    return schedule


class ReduceLROnPlateau:
    """Performance scheduling: cut the rate when a monitored metric stops improving.

    ``step(metric)`` is called once per epoch with the metric to minimise (a validation
    loss) and returns the rate to use next (Implements {eq}`eq-plateau`). A metric
    improves when it is below ``best − min_delta``; after ``patience`` consecutive steps
    without improvement the rate becomes max(factor · η, min_lr) and the count restarts
    from zero (Keras' reading; ``patience=0`` cuts on every step that does not improve).
    ``best`` is kept across cuts. ``lr`` always holds the current rate.
    """

    def __init__(
        self,
        lr: float,
        factor: float = 0.5,
        patience: int = 5,
        min_delta: float = 0.0,
        min_lr: float = 0.0,
    ) -> None:
        self.lr = check_positive("lr", lr)
        self.factor = check_fraction("factor", factor, closed_left=False)
        self.patience = check_int("patience", patience, minimum=0)
        self.min_delta = check_nonnegative("min_delta", min_delta)
        self.min_lr = check_nonnegative("min_lr", min_lr)
        if self.min_lr > self.lr:
            raise ValueError(
                f"min_lr must be <= lr = {self.lr!r} (the rate is only ever cut), got "
                f"{min_lr!r}"
            )
        self.best = math.inf
        self.wait = 0
        self.n_cuts = 0

    def step(self, metric: float) -> float:
        """Record one value of the monitored metric and return the rate for the next
        epoch.
        """
        if isinstance(metric, bool) or not isinstance(metric, numbers.Real):
            raise TypeError(
                f"metric must be a real number, got {metric!r} "
                f"({type(metric).__name__})"
            )
        if math.isnan(metric):
            raise ValueError(f"metric must not be NaN, got {metric!r}")
        if metric < self.best - self.min_delta:
            self.best = float(metric)
            self.wait = 0
            return self.lr
        self.wait += 1
        if self.wait >= self.patience:
            new_lr = max(self.lr * self.factor, self.min_lr)
            if new_lr < self.lr:
                self.n_cuts += 1
            self.lr = new_lr
            self.wait = 0
        return self.lr

    def __repr__(self) -> str:
        return (
            f"ReduceLROnPlateau(lr={self.lr:g}, factor={self.factor:g}, "
            f"patience={self.patience}, "
            f"min_delta={self.min_delta:g})"
        )


def lr_range_test(
    model,
    loss,
    optimizer,
    X: np.ndarray,
    y: np.ndarray,
    *,
    lr_min: float = 1e-5,
    lr_max: float = 10.0,
    batch_size: int = 32,
    rng: np.random.Generator | int,
    epochs: int = 1,
    smoothing: float = 0.0,
    stop_factor: float | None = 4.0,
    drop_last: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Smith's learning-rate range test (Implements {eq}`eq-lr-range-test`).

    Trains for ``epochs`` epochs of mini-batches (one by default), multiplying the rate
    by a constant factor each step so that it sweeps exponentially from ``lr_min`` to
    ``lr_max``: η_k = η_min · (η_max/η_min)^(k/(K−1)) for step k of K. Returns the rates
    and the mini-batch loss measured at each (before that step's update).

    - ``smoothing`` = β in [0, 1) replaces the losses by their bias-corrected
      exponential moving average (fastai uses β = 0.98); 0 returns the raw losses.
    - The sweep stops early when a (smoothed) loss exceeds ``stop_factor`` times the
      best seen so far (that loss is returned), or when a loss or gradient is no longer
      finite (not returned); ``stop_factor=None`` never stops on the ratio.
    - The model's parameters and buffers and the optimizer (rate and state) are restored
      afterwards, so the test leaves no trace; ``rng`` does advance.
    - ``drop_last=True`` skips each epoch's final batch when it is smaller than
      ``batch_size`` (as in ``lib.train.fit``; batch normalisation cannot train on one
      sample).
    """
    lr_min = check_positive("lr_min", lr_min)
    lr_max = check_positive("lr_max", lr_max)
    if lr_max <= lr_min:
        raise ValueError(f"lr_max must be > lr_min = {lr_min!r}, got {lr_max!r}")
    batch_size = check_int("batch_size", batch_size)
    rng = check_rng("rng", rng)
    epochs = check_int("epochs", epochs)
    smoothing = check_fraction("smoothing", smoothing)
    if stop_factor is not None and check_positive("stop_factor", stop_factor) <= 1:
        raise ValueError(f"stop_factor must be > 1 or None, got {stop_factor!r}")
    # NaN in X would end the sweep at once and look like divergence
    X = check_array("X", X)
    y = np.asarray(y)
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError(
            f"X and y must be arrays with one row per sample, got shapes {X.shape} and "
            f"{y.shape}"
        )
    if len(X) != len(y):
        raise ValueError(
            f"X and y must have the same number of samples, got {len(X)} and {len(y)}"
        )
    per_epoch = len(X) // batch_size if drop_last else math.ceil(len(X) / batch_size)
    n_steps = epochs * per_epoch
    if n_steps > MAX_SIZE:
        raise ValueError(
            f"epochs={epochs} of {per_epoch} steps would sweep {n_steps} rates, "
            f"more than lib's limit of {MAX_SIZE}; lower epochs"
        )
    if n_steps < 2:
        raise ValueError(
            f"the sweep needs at least 2 steps, got {n_steps} (lower batch_size or "
            "raise epochs)"
        )
    sweep = lr_min * (lr_max / lr_min) ** (np.arange(n_steps) / (n_steps - 1))
    if not np.all(np.isfinite(sweep)):
        raise ValueError(
            f"lr_max / lr_min = {lr_max:g} / {lr_min:g} overflows the sweep; "
            "use a smaller lr_max"
        )
    saved_model, saved_opt = model.state_dict(), copy.deepcopy(optimizer.__dict__)
    rates, losses = [], []
    avg, best = 0.0, math.inf
    try:
        batches = (
            b
            for _ in range(epochs)
            for b in minibatches(X, y, batch_size, rng, drop_last=drop_last)
        )
        for k, (Xb, yb) in enumerate(batches):
            try:
                value = loss.forward(model.forward(Xb, training=True), yb)
            except NonFiniteLossError:  # a NaN or inf loss ends the sweep
                break
            if smoothing:
                avg = smoothing * avg + (1.0 - smoothing) * value
                value = avg / (1.0 - smoothing ** (k + 1))
            rates.append(float(sweep[k]))
            losses.append(float(value))
            if stop_factor is not None and value > stop_factor * best:
                break
            best = min(best, value)
            model.backward(loss.backward())
            if not all(np.all(np.isfinite(g)) for g in model.grads.values()):
                break
            optimizer.lr = sweep[k]
            optimizer.step(model.params, model.grads)
    finally:
        model.load_state_dict(saved_model)
        optimizer.__dict__.clear()
        optimizer.__dict__.update(saved_opt)
    return np.array(rates), np.array(losses)


def suggest_lr(rates: np.ndarray, losses: np.ndarray, rule: str = "min/10") -> float:
    """Read a rate off a range test (see {eq}`eq-lr-range-test`).

    ``rule="min/10"``: one tenth of the rate with the lowest loss (fastai's ``minimum``,
    Géron's advice). ``rule="steepest"``: the rate where the loss falls fastest per unit
    of log-rate, the middle of the descending stretch.
    """
    rates = check_array("rates", rates, ndim=1).astype(np.float64)
    losses = check_array("losses", losses, ndim=1).astype(np.float64)
    if np.any(rates <= 0):
        raise ValueError("rates must all be > 0 (learning rates, read on a log scale)")
    if rule not in ("min/10", "steepest"):
        raise ValueError(f"rule must be 'min/10' or 'steepest', got {rule!r}")
    if len(rates) != len(losses) or len(rates) < 2:
        raise ValueError(
            f"rates and losses must have the same length >= 2, got {len(rates)} and "
            f"{len(losses)}"
        )
    if rule == "min/10":
        return float(rates[np.argmin(losses)] / 10.0)
    if rule == "steepest":
        return float(rates[np.argmin(np.gradient(losses, np.log(rates)))])
    raise ValueError(f"rule must be 'min/10' or 'steepest', got {rule!r}")
