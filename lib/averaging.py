"""Weight averaging: the mean of the iterates is often a better model than the last one.

Two averages of the parameters θ_1, θ_2, … that an optimizer visits, each a callback for
``lib.train.fit`` (updated after every optimizer step from step ``start`` on, every
``every`` steps) and usable by hand with ``update(params)``:

- :class:`PolyakAverage`: the uniform mean θ̄_n = (1/n) Σ θ_i (Polyak & Juditsky, 1992;
  from a ``start`` step on it is stochastic weight averaging, Izmailov et al., 2018);
- :class:`EMA`: the exponential moving average θ̄ ← α θ̄ + (1 − α) θ.

Both follow ``torch.optim.swa_utils.AveragedModel`` (PyTorch 2.x): the first update
copies the parameters, later updates average into that copy, and buffers (batch-norm
running statistics) are not averaged: after ``copy_to`` recompute them with a pass over
the training data in training mode (PyTorch's ``update_bn``).
"""

from __future__ import annotations

import numpy as np

from ._checks import check_finite, check_fraction, check_int
from .model import Sequential
from .train import Callback


class WeightAverage(Callback):
    """Base class: keeps ``average`` (a dict like the params it was given) and the
    count ``n``.
    """

    def __init__(self, start: int = 0, every: int = 1) -> None:
        self.start = check_int("start", start, minimum=0)
        self.every = check_int("every", every)
        self.n = 0
        self.average: dict[str, np.ndarray] | None = None
        self._steps = 0
        self._layout: list[tuple[str, tuple[int, ...]]] = []

    def update(self, params: dict[str, np.ndarray]) -> None:
        """Fold the current ``params`` into the average (the first call copies them).

        ``params`` is a dict of floating-point NumPy arrays; NaN or inf in it is refused
        before anything is folded (one NaN would spoil the average for good).
        """
        if not isinstance(params, dict):
            raise TypeError(
                f"params must be a dict name -> NumPy array "
                f"(model.params), got {type(params).__name__}"
            )
        for k, v in params.items():
            if not isinstance(v, np.ndarray) or v.dtype.kind != "f":
                is_array = isinstance(v, np.ndarray)
                what = f"dtype {v.dtype}" if is_array else type(v).__name__
                raise TypeError(
                    f"params[{k!r}] must be a floating-point NumPy array "
                    f"(an average of integers is truncated), got {what}"
                )
            check_finite(f"params[{k!r}]", v)
        if self.average is None:
            self.average = {k: np.array(v, copy=True) for k, v in params.items()}
        else:
            if params.keys() != self.average.keys():
                raise ValueError(
                    f"params keys {sorted(params)} differ from the averaged "
                    f"{sorted(self.average)}"
                )
            for k, avg in self.average.items():
                self._fold(avg, params[k])
        self.n += 1

    def _fold(self, avg: np.ndarray, theta: np.ndarray) -> None:
        raise NotImplementedError

    def on_train_begin(self, model: Sequential) -> None:
        self._steps = 0
        self._layout = [(k, v.shape) for k, v in model.params.items()]

    def on_batch_end(self, model: Sequential) -> None:
        self._steps += 1
        if (
            self._steps > self.start
            and (self._steps - self.start - 1) % self.every == 0
        ):
            # the whole model as one array: one NumPy call per update
            self.update(model.flat()[0])

    @property
    def params(self) -> dict[str, np.ndarray]:
        """The average keyed like ``model.params`` (``"0.W"``, …); views into
        ``average``.
        """
        if self.average is None:
            raise RuntimeError(
                f"{type(self).__name__} has averaged nothing yet (no update or "
                "training step)"
            )
        if self.average.keys() != {"model"} or not self._layout:
            return self.average
        flat, out, start = self.average["model"], {}, 0
        for k, shape in self._layout:
            size = int(np.prod(shape))
            out[k] = flat[start : start + size].reshape(shape)
            start += size
        return out

    def copy_to(self, target: Sequential | dict[str, np.ndarray]) -> None:
        """Write the average into a model (or a params dict with the averaged keys),
        in place.
        """
        avg = self.params
        if isinstance(target, Sequential):
            target = target.params
        if target.keys() != avg.keys():
            raise ValueError(
                f"target keys {sorted(target)} differ from the averaged {sorted(avg)}"
            )
        for k, v in avg.items():
            if target[k].shape != v.shape:
                raise ValueError(
                    f"target[{k!r}] has shape {target[k].shape}, the average {v.shape}"
                )
        for k, v in avg.items():
            target[k][...] = v


class PolyakAverage(WeightAverage):
    """Uniform average of the iterates, θ̄_n = θ̄_{n−1} + (θ_n − θ̄_{n−1}) / n
    (Implements {eq}`eq-polyak`).

    The incremental form of θ̄_n = (1/n) Σ_{i≤n} θ_i. ``start`` skips the first steps
    (stochastic weight averaging averages only once training has settled), ``every``
    averages one step in ``every`` (SWA averages once per epoch or cycle); PyTorch's
    ``AveragedModel`` with its default ``avg_fn`` computes the same mean.
    """

    def _fold(self, avg: np.ndarray, theta: np.ndarray) -> None:
        avg += (theta - avg) / (self.n + 1)

    def __repr__(self) -> str:
        return f"PolyakAverage(start={self.start}, every={self.every})"


class EMA(WeightAverage):
    """Exponential moving average of the iterates, θ̄ ← α θ̄ + (1 − α) θ (Implements
    {eq}`eq-ema`).

    α = ``decay``; the average starts at the first averaged iterate, as PyTorch's
    ``AveragedModel(multi_avg_fn=get_ema_multi_avg_fn(decay))``. It forgets old iterates
    with a time constant of about 1/(1 − α) steps.
    """

    def __init__(self, decay: float = 0.999, start: int = 0, every: int = 1) -> None:
        super().__init__(start, every)
        self.decay = check_fraction("decay", decay)

    def _fold(self, avg: np.ndarray, theta: np.ndarray) -> None:
        avg[...] = self.decay * avg + (1 - self.decay) * theta

    def __repr__(self) -> str:
        return f"EMA(decay={self.decay}, start={self.start}, every={self.every})"
