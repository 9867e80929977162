"""Learning-rate schedules: each factory returns ``schedule(t) -> lr`` for a step or epoch t."""

from __future__ import annotations

from collections.abc import Callable

from ._checks import check_positive

Schedule = Callable[[int], float]


def _check_t(t: int) -> None:
    if t < 0:
        raise ValueError(f"t must be >= 0, got {t!r}")


def constant(lr: float) -> Schedule:
    """η(t) = η (Implements {eq}`eq-constant-lr`)."""
    lr = check_positive("lr", lr)

    def schedule(t: int) -> float:
        _check_t(t)
        return lr

    return schedule


def power(lr0: float, s: float, c: float = 1.0) -> Schedule:
    """η(t) = η₀ / (1 + t/s)^c (Implements {eq}`eq-power-schedule`).

    With c = 1 this is the t₀ / (t + t₁) schedule of the foundations chapter
    (η₀ = t₀/t₁, s = t₁): the rate halves after s steps and falls like 1/t after that.
    """
    lr0 = check_positive("lr0", lr0)
    s = check_positive("s", s)
    c = check_positive("c", c)

    def schedule(t: int) -> float:
        _check_t(t)
        return lr0 / (1.0 + t / s) ** c

    return schedule
