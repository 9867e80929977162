"""Optimizers: ``step(params, grads)`` updates ``params`` in place.

State (velocities, moment estimates) is created lazily per parameter key on the first
step, as in Saito's ``common/optimizer.py``; ``reset()`` forgets it. ``lr`` is a plain
attribute that schedules may change between steps (it is validated on every change).
"""

from __future__ import annotations

import numpy as np

from ._checks import check_positive


class Optimizer:
    """Base class: validates arguments, counts steps ``t`` and keeps per-key state."""

    def __init__(self, lr: float) -> None:
        self.lr = lr
        self.t = 0
        self.state: dict[str, dict[str, np.ndarray]] = {}

    @property
    def lr(self) -> float:
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = check_positive("lr", value)

    def reset(self) -> None:
        """Forget the step count and every state array."""
        self.t = 0
        self.state.clear()

    def _buffer(self, key: str, name: str, like: np.ndarray) -> np.ndarray:
        slot = self.state.setdefault(key, {})
        if name not in slot:
            slot[name] = np.zeros_like(like)
        return slot[name]

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        """Apply one update to every parameter in ``params`` (in place)."""
        if params.keys() != grads.keys():
            raise ValueError(f"params and grads must have the same keys, got {sorted(params)} and {sorted(grads)}")
        for k, g in grads.items():
            if g.shape != params[k].shape:
                raise ValueError(f"grads[{k!r}] has shape {g.shape}, but params[{k!r}] has {params[k].shape}")
            if not np.all(np.isfinite(g)):
                raise ValueError(f"grads[{k!r}] contains NaN or inf (training diverged? try a smaller lr)")
        self.t += 1
        for k, p in params.items():
            self._update(k, p, grads[k])

    def _update(self, key: str, p: np.ndarray, g: np.ndarray) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(lr={self.lr:g})"


class SGD(Optimizer):
    """θ ← θ − η g (Implements {eq}`eq-sgd`)."""

    def _update(self, key: str, p: np.ndarray, g: np.ndarray) -> None:
        p -= self.lr * g
