"""Hyperparameter search: spaces, grid, random and quasi-random (Halton, Sobol') search,
successive halving, Hyperband, ASHA and Bayesian optimisation.

A *space* is a dict ``name -> distribution``. Every search **minimises**
``objective(params: dict, budget) -> float`` (return a validation loss or error, not an
accuracy) and returns the list of every ``Trial`` in evaluation order.

Budget semantics: the budget is the resource one evaluation may spend, in the
objective's own unit (this book uses training epochs). ``grid_search``,
``random_search`` and ``bayes_opt`` pass the same ``budget`` to every call;
``successive_halving`` and ``hyperband`` pass the growing budgets of their rungs. Each
call is a fresh evaluation: nothing is resumed, so the cost of a search is the sum of
its trials' budgets. A score that is NaN or +inf (a diverged or failed run) counts as a
failed trial (``Trial.failed``): it ranks as the worst, and :func:`best_trial` refuses a
set of trials that all failed. A score of −inf is refused (it would win every search).
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._checks import (
    check_int,
    check_nonnegative,
    check_numeric,
    check_positive,
    check_rng,
    check_size,
)
from .gp import GaussianProcess, expected_improvement

Objective = Callable[[dict, Any], float]


# ---------------------------------------------------------------------------------
# spaces
class Distribution:
    """A one-dimensional search range. ``decode`` maps u ∈ [0, 1) to a value so that u ~
    U(0, 1) gives the distribution; ``encode`` maps a value back into the unit interval
    (the coordinates Bayesian optimisation works in)."""

    def sample(self, rng: np.random.Generator | int, size: int | None = None):
        """One value (``size=None``) or an array of ``size`` values."""
        rng = check_rng("rng", rng)
        if size is not None:
            size = check_size("size", size, minimum=0)
        u = rng.random(size)
        return self.decode(u)

    def decode(self, u):
        raise NotImplementedError

    def encode(self, x) -> np.ndarray:
        raise NotImplementedError


def _unit(u: object) -> np.ndarray:
    """``u`` as floats in [0, 1] (``decode``'s argument), else an error naming it."""
    arr = check_numeric("u", u).astype(float, copy=False)
    if arr.size and not (arr.min() >= 0 and arr.max() <= 1):  # NaN fails both
        raise ValueError(
            f"u must lie in the unit interval [0, 1], got values in "
            f"[{arr.min()}, {arr.max()}]"
        )
    return arr


def _real(name: str, value: object) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not np.isfinite(value)
    ):
        raise TypeError(f"{name} must be a finite real number, got {value!r}")
    return float(value)


def _check_order(low: float, high: float) -> None:
    if not low < high:
        raise ValueError(f"low must be < high, got low={low!r}, high={high!r}")


class Uniform(Distribution):
    """x ~ U(low, high)."""

    def __init__(self, low: float, high: float) -> None:
        self.low, self.high = _real("low", low), _real("high", high)
        _check_order(self.low, self.high)

    def decode(self, u):
        return self.low + (self.high - self.low) * _unit(u)[()]

    def encode(self, x) -> np.ndarray:
        return (np.asarray(x, dtype=float) - self.low) / (self.high - self.low)

    def __repr__(self) -> str:
        return f"uniform({self.low:g}, {self.high:g})"


class LogUniform(Distribution):
    """log x ~ U(log low, log high), density p(x) = 1 / (x ln(high/low)) on [low, high].

    Implements {eq}`eq-log-uniform`: every decade of the range gets the same share of
    samples.
    """

    def __init__(self, low: float, high: float) -> None:
        self.low, self.high = check_positive("low", low), check_positive("high", high)
        _check_order(self.low, self.high)

    def decode(self, u):
        lo, hi = math.log(self.low), math.log(self.high)
        return np.exp(lo + (hi - lo) * _unit(u))[()]

    def encode(self, x) -> np.ndarray:
        lo, hi = math.log(self.low), math.log(self.high)
        return (np.log(np.asarray(x, dtype=float)) - lo) / (hi - lo)

    def __repr__(self) -> str:
        return f"log_uniform({self.low:g}, {self.high:g})"


class IntUniform(Distribution):
    """An integer drawn uniformly from low, low + 1, …, high (both ends included).

    In the unit interval each integer owns a bin of width 1/(high − low + 1); ``encode``
    returns the bin's centre.
    """

    def __init__(self, low: int, high: int) -> None:
        self.low, self.high = (
            check_int("low", low, minimum=-(2**62)),
            check_int("high", high, minimum=-(2**62)),
        )
        _check_order(self.low, self.high)
        self.n = self.high - self.low + 1

    def decode(self, u):
        idx = np.minimum(np.floor(_unit(u) * self.n), self.n - 1).astype(np.int64)
        return (self.low + idx)[()]

    def encode(self, x) -> np.ndarray:
        return (np.asarray(x, dtype=float) - self.low + 0.5) / self.n

    def __repr__(self) -> str:
        return f"int_uniform({self.low}, {self.high})"


class Choice(Distribution):
    """One of ``options``, each with probability 1/K. In the unit interval option i owns
    the bin [i/K, (i+1)/K): Bayesian optimisation therefore treats the options as
    ordered, a crude but documented approximation (put related options next to each
    other)."""

    def __init__(self, options: Sequence) -> None:
        if (
            isinstance(options, str | bytes)
            or not isinstance(options, Sequence)
            or len(options) == 0
        ):
            raise ValueError(
                f"options must be a non-empty list or tuple, got {options!r}"
            )
        self.options = list(options)
        self.n = len(self.options)

    def decode(self, u):
        idx = np.minimum(np.floor(_unit(u) * self.n), self.n - 1).astype(np.int64)
        if idx.ndim == 0:
            return self.options[int(idx)]
        return [self.options[i] for i in idx]

    def _index(self, value) -> int:
        for i, opt in enumerate(self.options):
            if opt is value or opt == value:
                return i
        raise ValueError(f"value {value!r} is not one of the options {self.options!r}")

    def encode(self, x) -> np.ndarray:
        if isinstance(x, list | tuple | np.ndarray):
            return np.array([(self._index(v) + 0.5) / self.n for v in x])
        return np.asarray((self._index(x) + 0.5) / self.n)

    def __repr__(self) -> str:
        return f"choice({self.options!r})"


def uniform(low: float, high: float) -> Uniform:
    """A real hyperparameter uniform on [low, high]."""
    return Uniform(low, high)


def log_uniform(low: float, high: float) -> LogUniform:
    """A positive hyperparameter whose logarithm is uniform (Implements
    {eq}`eq-log-uniform`).
    """
    return LogUniform(low, high)


def int_uniform(low: int, high: int) -> IntUniform:
    """An integer hyperparameter uniform on {low, …, high}, both ends included."""
    return IntUniform(low, high)


def choice(options: Sequence) -> Choice:
    """A categorical hyperparameter, each option equally likely."""
    return Choice(options)


def _check_space(space: object) -> dict[str, Distribution]:
    if not isinstance(space, Mapping) or not space:
        raise ValueError(
            f"space must be a non-empty dict name -> distribution, got {space!r}"
        )
    for name, dist in space.items():
        if not isinstance(dist, Distribution):
            raise TypeError(
                f"space[{name!r}] must be a distribution (uniform, log_uniform, "
                "int_uniform, choice), "
                f"got {dist!r}"
            )
    return dict(space)


def sample_space(
    space: Mapping[str, Distribution], rng: np.random.Generator | int
) -> dict:
    """One configuration: a value drawn from each distribution of ``space``."""
    space = _check_space(space)
    rng = check_rng("rng", rng)
    return {name: _plain(dist.sample(rng)) for name, dist in space.items()}


def to_unit(
    space: Mapping[str, Distribution], params: dict | Sequence[dict]
) -> np.ndarray:
    """Map a configuration (or a list of them) to the unit cube, one column per
    hyperparameter in the order of ``space`` (log-scaled for ``log_uniform``)."""
    space = _check_space(space)
    single = isinstance(params, Mapping)
    if not single and (
        isinstance(params, str | bytes) or not hasattr(params, "__iter__")
    ):
        raise TypeError(f"params must be a dict or a list of dicts, got {params!r}")
    rows = [params] if single else list(params)
    for i, p in enumerate(rows):
        if not isinstance(p, Mapping):
            raise TypeError(
                f"params must be a dict or a list of dicts, got {type(p).__name__} at "
                f"position {i}"
            )
        missing = [k for k in space if k not in p]
        if missing:
            raise ValueError(
                f"params lacks the hyperparameters {missing} of the space (got keys "
                f"{sorted(p)})"
            )
    U = np.array([[float(space[k].encode(p[k])) for k in space] for p in rows]).reshape(
        len(rows), len(space)
    )
    outside = ~((U >= 0) & (U <= 1))  # NaN (log of a value <= 0) is outside too
    if outside.any():
        i, j = np.argwhere(outside)[0]
        k = list(space)[j]
        raise ValueError(
            f"params[{k!r}] = {rows[i][k]!r} (configuration {i}) lies "
            f"outside the range of {space[k]!r}"
        )
    return U[0] if single else U


def from_unit(space: Mapping[str, Distribution], U: np.ndarray) -> list[dict]:
    """Configurations for the rows of ``U`` (n, d) in the unit cube (inverse of
    ``to_unit``).
    """
    space = _check_space(space)
    U = np.atleast_2d(check_numeric("U", U).astype(float))
    if not np.all(np.isfinite(U)):
        raise ValueError(
            "U contains NaN or inf values; it must hold points of the unit cube"
        )
    if U.ndim != 2 or U.shape[1] != len(space):
        raise ValueError(
            f"U must have {len(space)} columns (one per hyperparameter), got shape "
            f"{U.shape}"
        )
    if U.size and not (U.min() >= 0 and U.max() <= 1):
        raise ValueError(
            f"U must hold points of the unit cube [0, 1]^{len(space)}, "
            f"got values in [{U.min():g}, {U.max():g}]"
        )
    U = np.clip(U, 0.0, 1.0 - 1e-12)  # u = 1 (a range's top) decodes as 1 − 1e-12
    cols = {k: dist.decode(U[:, j]) for j, (k, dist) in enumerate(space.items())}
    return [{k: _plain(cols[k][i]) for k in space} for i in range(len(U))]


def _plain(v):
    """NumPy scalars become Python numbers, so trials print and compare plainly."""
    return v.item() if isinstance(v, np.generic) else v


# ---------------------------------------------------------------------------------
# trials
@dataclass
class Trial:
    """One evaluation: the configuration, its score (lower is better), the budget it was
    given, its position ``order`` in the search, and for the bandit searches the
    ``bracket`` and ``rung``."""

    params: dict
    score: float
    budget: Any
    order: int
    bracket: int = 0
    rung: int = 0

    def __post_init__(self) -> None:
        self.score = _check_score(self.score, self.params)

    @property
    def failed(self) -> bool:
        """True for a NaN or +inf score (a diverged or failed run), ranked worst."""
        return not math.isfinite(self.score)


def _check_score(score: object, params: dict) -> float:
    """The objective's return value as a float: a real number, NaN/+inf for "failed"."""
    if isinstance(score, bool) or not isinstance(score, numbers.Real):
        raise TypeError(
            f"objective must return a real number (a score to minimise), "
            f"got {score!r} for params {params!r}"
        )
    if score == -math.inf:
        raise ValueError(
            f"objective returned -inf for params {params!r}; a score to "
            "minimise must be finite (NaN or +inf mark a failed run)"
        )
    return float(score)


def _evaluate(
    objective: Objective, params: dict, budget, trials: list[Trial], **where
) -> Trial:
    score = _check_score(objective(params, budget), params)
    trial = Trial(dict(params), score, budget, len(trials), **where)
    trials.append(trial)
    return trial


def _rank_key(t: Trial) -> tuple[float, int]:
    return (math.inf if math.isnan(t.score) else t.score, t.order)


def best_trial(trials: Sequence[Trial], budget=None) -> Trial:
    """The trial with the lowest score (NaN counts as worst; ties go to the earlier
    trial), among those run with ``budget`` if given (e.g. only full-budget trials of
    Hyperband)."""
    pool = [t for t in trials if budget is None or t.budget == budget]
    if not pool:
        raise ValueError(
            f"no trial has budget {budget!r}"
            if budget is not None
            else "trials is empty"
        )
    if all(t.failed for t in pool):
        at = "" if budget is None else f" at budget {budget!r}"
        raise ValueError(
            f"all {len(pool)} trials{at} failed (the objective returned "
            "NaN or inf for each); there is no best trial"
        )
    return min(pool, key=_rank_key)


def best_so_far(trials: Sequence[Trial]) -> np.ndarray:
    """Running minimum of the scores in evaluation order (NaN treated as +inf)."""
    scores = np.array([_rank_key(t)[0] for t in trials])
    return np.minimum.accumulate(scores)


def _check_objective(objective: object) -> None:
    if not callable(objective):
        raise TypeError(
            "objective must be callable as objective(params, budget), got "
            f"{objective!r}"
        )


# ---------------------------------------------------------------------------------
# searches
MAX_TRIALS = 100_000
"""Default cap on the number of evaluations a bandit search may plan (see
:func:`hyperband`)."""


def _check_work(
    what: str,
    n_evaluations: int,
    n_configs: int,
    max_trials: int,
    advice: str = "lower max_budget/min_budget or raise eta",
) -> None:
    if n_evaluations > max_trials:
        raise ValueError(
            f"{what} would sample {n_configs} configurations and run {n_evaluations} "
            "evaluations, more than "
            f"max_trials={max_trials}; {advice}, or pass a larger max_trials"
        )


def grid_search(
    objective: Objective,
    grid: Mapping[str, Sequence],
    *,
    budget=None,
    max_trials: int = MAX_TRIALS,
) -> list[Trial]:
    """Evaluate every combination of the values in ``grid`` (name -> list of values),
    the last name varying fastest (as ``itertools.product``).

    Implements {eq}`eq-hpo` by exhaustive enumeration of a finite set of configurations.
    A grid of more than ``max_trials`` combinations is refused (ValueError stating its
    size).
    """
    _check_objective(objective)
    if not isinstance(grid, Mapping) or not grid:
        raise ValueError(
            f"grid must be a non-empty dict name -> list of values, got {grid!r}"
        )
    for name, values in grid.items():
        if (
            isinstance(values, str | bytes)
            or not isinstance(values, Sequence | np.ndarray)
            or len(values) == 0
        ):
            raise ValueError(
                f"grid[{name!r}] must be a non-empty list of values, got {values!r}"
            )
    max_trials = check_int("max_trials", max_trials)
    n_combos = math.prod(len(v) for v in grid.values())
    _check_work(
        "grid_search",
        n_combos,
        n_combos,
        max_trials,
        "use fewer values per hyperparameter",
    )
    trials: list[Trial] = []
    names = list(grid)
    for combo in itertools.product(*(grid[k] for k in names)):
        _evaluate(
            objective,
            {k: _plain(v) for k, v in zip(names, combo, strict=True)},
            budget,
            trials,
        )
    return trials


def random_search(
    objective: Objective,
    space: Mapping[str, Distribution],
    n_trials: int,
    rng: np.random.Generator | int | None = None,
    *,
    budget=None,
    max_trials: int = MAX_TRIALS,
) -> list[Trial]:
    """Evaluate ``n_trials`` configurations drawn independently from ``space``.

    Implements {eq}`eq-hpo` with λ drawn at random (Bergstra and Bengio, 2012).
    More than ``max_trials`` trials are refused (ValueError stating the number).
    """
    _check_objective(objective)
    space = _check_space(space)
    n_trials = check_int("n_trials", n_trials)
    max_trials = check_int("max_trials", max_trials)
    _check_work("random_search", n_trials, n_trials, max_trials, "lower n_trials")
    rng = check_rng("rng", rng)
    trials: list[Trial] = []
    for _ in range(n_trials):
        _evaluate(objective, sample_space(space, rng), budget, trials)
    return trials


def hit_probability(n_trials: int, fraction: float) -> float:
    """Chance that at least one of ``n_trials`` independent random configurations lands
    in the best ``fraction`` of the space: 1 − (1 − q)^n. Implements
    {eq}`eq-random-hit`."""
    n_trials = check_int("n_trials", n_trials)
    if (
        isinstance(fraction, bool)
        or not isinstance(fraction, numbers.Real)
        or not 0 < fraction <= 1
    ):
        raise ValueError(f"fraction must lie in (0, 1], got {fraction!r}")
    return 1.0 - (1.0 - float(fraction)) ** n_trials


def _nice(budget: float):
    """Budgets that are whole numbers are passed as ints (e.g. epochs)."""
    r = round(budget)
    return int(r) if abs(budget - r) < 1e-9 * max(1.0, abs(budget)) else budget


def _halving(
    objective: Objective,
    configs: list[dict],
    rungs: Sequence[tuple[int, float]],
    eta: int,
    trials: list[Trial],
    bracket: int,
) -> None:
    """Run successive halving over ``rungs`` [(n_i, r_i), ...], keeping the best
    ⌊n_i/η⌋ (at least 1).
    """
    survivors = configs
    for i, (_, budget) in enumerate(rungs):
        results = [
            _evaluate(objective, p, budget, trials, bracket=bracket, rung=i)
            for p in survivors
        ]
        if i + 1 < len(rungs):
            keep = max(1, len(results) // eta)
            survivors = [t.params for t in sorted(results, key=_rank_key)[:keep]]


def successive_halving(
    objective: Objective,
    space: Mapping[str, Distribution],
    n_trials: int,
    min_budget: float,
    max_budget: float,
    eta: int = 3,
    rng: np.random.Generator | int | None = None,
    *,
    max_trials: int = MAX_TRIALS,
) -> list[Trial]:
    """Successive halving (Jamieson and Talwalkar, 2016): start ``n_trials`` random
    configurations on ``min_budget``, keep the best ⌊n/η⌋, multiply the budget by η,
    repeat.

    Rung i gives n_i = ⌊n η^{-i}⌋ configurations (at least one) the budget r_i =
    min_budget · η^i, for i = 0 … s with s = ⌊log_η(max_budget/min_budget)⌋, so the last
    rung's budget is the largest that does not exceed ``max_budget``. Implements
    {eq}`eq-successive-halving`. A plan of more than ``max_trials`` evaluations is
    refused (ValueError stating its size).
    """
    _check_objective(objective)
    space = _check_space(space)
    n_trials = check_int("n_trials", n_trials)
    min_budget = check_positive("min_budget", min_budget)
    max_budget = check_positive("max_budget", max_budget)
    eta = check_int("eta", eta, minimum=2)
    rng = check_rng("rng", rng)
    if max_budget < min_budget:
        raise ValueError(
            f"max_budget must be >= min_budget={min_budget:g}, got {max_budget:g}"
        )
    s = math.floor(math.log(max_budget / min_budget) / math.log(eta) + 1e-9)
    max_trials = check_int("max_trials", max_trials)
    rungs = [
        (max(1, n_trials // eta**i), _nice(min_budget * eta**i)) for i in range(s + 1)
    ]
    _check_work(
        "successive_halving",
        sum(n for n, _ in rungs),
        n_trials,
        max_trials,
        "lower n_trials",
    )
    trials: list[Trial] = []
    configs = [sample_space(space, rng) for _ in range(n_trials)]
    _halving(objective, configs, rungs, eta, trials, bracket=0)
    return trials


def hyperband_schedule(
    max_budget: float, eta: int = 3, min_budget: float = 1
) -> list[list[tuple[int, float]]]:
    """The brackets of Hyperband (Li et al., 2018, Algorithm 1) as lists of (n_i, r_i).

    With R = max_budget/min_budget, s_max = ⌊log_η R⌋ and B = (s_max + 1) R, bracket s =
    s_max … 0 starts n = ⌈B/R · η^s/(s + 1)⌉ configurations on r = max_budget · η^{-s}
    and runs successive halving: n_i = ⌊n η^{-i}⌋, r_i = r η^i, i = 0 … s. Implements
    {eq}`eq-hyperband`.
    """
    max_budget = check_positive("max_budget", max_budget)
    min_budget = check_positive("min_budget", min_budget)
    eta = check_int("eta", eta, minimum=2)
    if max_budget < min_budget:
        raise ValueError(
            f"max_budget must be >= min_budget={min_budget:g}, got {max_budget:g}"
        )
    R = max_budget / min_budget
    if not math.isfinite(R):
        raise ValueError(
            f"max_budget / min_budget must be finite, got {max_budget:g} / "
            f"{min_budget:g}"
        )
    s_max = math.floor(math.log(R) / math.log(eta) + 1e-9)
    if s_max > 64:
        raise ValueError(
            f"max_budget / min_budget = {R:g} gives s_max = {s_max} brackets with up "
            "to "
            f"{eta}^{s_max} configurations each; use a ratio below "
            f"{eta}^65"
        )
    brackets = []
    for s in range(s_max, -1, -1):
        n = math.ceil((s_max + 1) / (s + 1) * eta**s - 1e-9)
        brackets.append(
            [(n // eta**i, _nice(max_budget * eta ** (i - s))) for i in range(s + 1)]
        )
    return brackets


def hyperband(
    objective: Objective,
    space: Mapping[str, Distribution],
    max_budget: float,
    eta: int = 3,
    rng: np.random.Generator | int | None = None,
    *,
    min_budget: float = 1,
    max_trials: int = MAX_TRIALS,
) -> list[Trial]:
    """Hyperband: successive halving run over every bracket of ``hyperband_schedule``,
    from the most aggressive (many configurations, tiny budgets) to plain random search
    at full budget.

    Trials carry their ``bracket`` (the s of Li et al.) and ``rung``. Implements
    {eq}`eq-hyperband`. The number of configurations grows like η^{s_max} with R =
    max_budget/min_budget, so the plan is counted first: a search that would run more
    than ``max_trials`` evaluations is refused with a ValueError that states how many it
    would have run.
    """
    _check_objective(objective)
    space = _check_space(space)
    rng = check_rng("rng", rng)
    max_trials = check_int("max_trials", max_trials)
    schedule = hyperband_schedule(max_budget, eta, min_budget)
    _check_work(
        "hyperband",
        sum(n for rungs in schedule for n, _ in rungs),
        sum(rungs[0][0] for rungs in schedule),
        max_trials,
    )
    s_max = len(schedule) - 1
    trials: list[Trial] = []
    for k, rungs in enumerate(schedule):
        configs = [sample_space(space, rng) for _ in range(rungs[0][0])]
        _halving(objective, configs, rungs, eta, trials, bracket=s_max - k)
    return trials


MAX_BO_TRIALS = 2_000
"""Default cap on ``bayes_opt``'s trials: each refits a GP, O(n³) in the trials."""
MAX_CANDIDATES = 1_000_000
"""Cap on ``bayes_opt``'s ``n_candidates`` (each step holds them all in memory)."""


def bayes_opt(
    objective: Objective,
    space: Mapping[str, Distribution],
    n_trials: int,
    rng: np.random.Generator | int | None = None,
    n_init: int = 5,
    *,
    budget=None,
    kernel: str = "matern52",
    n_candidates: int = 2000,
    xi: float = 0.0,
    max_trials: int = MAX_BO_TRIALS,
) -> list[Trial]:
    """Bayesian optimisation with a Gaussian-process surrogate and expected improvement.

    The first ``n_init`` configurations are random. Then, each step fits a
    ``lib.gp.GaussianProcess`` to all scores so far, in the unit-cube coordinates of
    ``to_unit`` (log-scaled for ``log_uniform``), with hyperparameters chosen by maximum
    marginal likelihood, and evaluates the candidate with the largest expected
    improvement (Implements {eq}`eq-ei`). EI is maximised over ``n_candidates`` points:
    half uniform in the cube, half Gaussian perturbations of the five best
    configurations (σ = 0.05, then clipped), so both exploration and local refinement
    are offered. Candidates are snapped to values the space can produce (integers
    rounded into their bin, a ``choice`` to one of its options) before EI is computed,
    so the surrogate only sees configurations that can be evaluated. Failed trials (NaN
    or +inf) are given the worst finite score for fitting; while all scores so far are
    equal (a GP would fit a zero amplitude and claim certainty) the next configuration
    is drawn at random. More than ``max_trials`` trials (each refits the GP) or
    ``MAX_CANDIDATES`` candidates are refused. Implements {eq}`eq-hpo` with a
    model-based choice of the next λ.
    """
    _check_objective(objective)
    space = _check_space(space)
    n_trials = check_int("n_trials", n_trials)
    max_trials = check_int("max_trials", max_trials)
    _check_work(
        "bayes_opt",
        n_trials,
        n_trials,
        max_trials,
        "lower n_trials (each trial refits a Gaussian process, O(n³))",
    )
    n_init = check_int("n_init", n_init)
    n_candidates = check_int("n_candidates", n_candidates, minimum=2)
    if n_candidates > MAX_CANDIDATES:
        raise ValueError(
            f"n_candidates must be <= {MAX_CANDIDATES}, got {n_candidates}"
        )
    check_nonnegative("xi", xi)
    rng = check_rng("rng", rng)
    if n_init > n_trials:
        raise ValueError(f"n_init must be <= n_trials={n_trials}, got {n_init}")
    gp = GaussianProcess(kernel)
    trials: list[Trial] = []
    for _ in range(n_init):
        _evaluate(objective, sample_space(space, rng), budget, trials)
    d = len(space)
    while len(trials) < n_trials:
        X = to_unit(space, [t.params for t in trials])
        y = np.array([t.score for t in trials])
        finite = np.isfinite(y)
        if not finite.any():
            raise ValueError(
                "objective returned NaN or inf for every configuration so far; cannot "
                "fit a surrogate"
            )
        y = np.where(finite, y, y[finite].max())
        if y.min() == y.max():  # nothing to learn from: a GP would claim certainty
            _evaluate(objective, sample_space(space, rng), budget, trials)
            continue
        gp.fit(X, y)
        top = X[np.argsort(y, kind="stable")[:5]]
        n_local = n_candidates // 2
        local = top[rng.integers(len(top), size=n_local)] + 0.05 * rng.standard_normal(
            (n_local, d)
        )
        cand = np.vstack(
            [rng.random((n_candidates - n_local, d)), np.clip(local, 0.0, 1.0 - 1e-12)]
        )
        configs = from_unit(space, cand)
        cand = to_unit(space, configs)
        mean, std = gp.predict(cand)
        ei = expected_improvement(mean, std, float(y.min()), xi)
        _evaluate(objective, configs[int(np.argmax(ei))], budget, trials)
    return trials


# ---------------------------------------------------------------------------------
# quasi-random
def _primes(n: int) -> list[int]:
    """The first ``n`` primes (trial division; n is a number of dimensions, so
    small).
    """
    out: list[int] = []
    k = 2
    while len(out) < n:
        if all(k % p for p in out if p * p <= k):
            out.append(k)
        k += 1
    return out


def radical_inverse(
    i: np.ndarray, base: int, perms: np.ndarray | None = None
) -> np.ndarray:
    """φ_b(i) = Σ_j d_j b^{−(j+1)} for i = Σ_j d_j b^j: the digits of i mirrored about
    the radix point. With ``perms`` (one permutation of 0 … b−1 per digit position,
    shape (n_digits, b)) every digit d_j is replaced by perms[j, d_j] first, trailing
    zeros included (random permutation scrambling). Implements {eq}`eq-halton`."""
    base = check_int("base", base, minimum=2)
    arr = np.asarray(i)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"i must hold integer indices, got dtype {arr.dtype}")
    if arr.size and arr.min() < 0:
        raise ValueError(
            f"i must hold indices >= 0 (the radical inverse mirrors the "
            f"digits of a natural number), got {arr.min()}"
        )
    if perms is not None:
        perms = np.asarray(perms)
        if perms.ndim != 2 or perms.shape[1] != base or perms.shape[0] < 1:
            raise ValueError(
                f"perms must have shape (n_digits, {base}), one "
                f"permutation of 0 … {base - 1} per digit, got shape "
                f"{perms.shape}"
            )
        if not np.all(np.sort(perms, axis=1) == np.arange(base)):
            raise ValueError(
                f"each row of perms must be a permutation of 0 … {base - 1}"
            )
    i = arr.astype(np.int64)
    n_digits = (
        perms.shape[0]
        if perms is not None
        else math.ceil(63 * math.log(2) / math.log(base))
    )
    out = np.zeros(i.shape)
    scale = 1.0 / base
    for j in range(n_digits):
        d = i % base
        out += scale * (d if perms is None else perms[j][d])
        i //= base
        scale /= base
        if perms is None and not i.any():
            break
    return out


MAX_HALTON_DIM = 1_000
"""Largest number of dimensions :func:`halton` accepts."""
MAX_HALTON_SIZE = 10**8
"""Largest number of coordinates n·d :func:`halton` computes (800 MB of float64)."""


def halton(
    n: int,
    d: int,
    rng: np.random.Generator | int | None = None,
    *,
    scramble: bool = False,
    start: int = 0,
) -> np.ndarray:
    """The Halton points i = start … start + n − 1 in [0, 1)^d: coordinate k is the
    radical inverse of i in the k-th prime base (2, 3, 5, …), Implements
    {eq}`eq-halton`.

    Unscrambled, the points equal ``scipy.stats.qmc.Halton(d,
    scramble=False).random(n)`` (SciPy 1.17; the first point is the origin).
    ``scramble=True`` permutes the digits of each base at each position with
    permutations drawn from ``rng`` (a random but still low-discrepancy set: different
    seeds give different point sets)."""
    n = check_int("n", n, minimum=0)
    d = check_int("d", d, minimum=1)
    start = check_int("start", start, minimum=0)
    if d > MAX_HALTON_DIM:
        raise ValueError(
            f"d must be <= {MAX_HALTON_DIM} (Halton coordinates in the "
            "large prime bases of high dimensions are correlated), "
            f"got {d}"
        )
    if n * d > MAX_HALTON_SIZE:
        raise ValueError(
            f"halton(n={n}, d={d}) would compute {n * d} coordinates, "
            f"more than {MAX_HALTON_SIZE} ({8 * n * d / 1e9:.3g} GB); "
            "ask for fewer points"
        )
    if start + n > 2**62:
        raise ValueError(f"start + n must be <= 2**62 (int64 indices), got {start + n}")
    if not isinstance(scramble, bool | np.bool_):
        raise TypeError(f"scramble must be True or False, got {scramble!r}")
    if scramble:
        rng = check_rng("rng", rng)
    idx = np.arange(start, start + n, dtype=np.int64)
    cols = []
    for b in _primes(d):
        perms = None
        if scramble:
            n_digits = math.ceil(53 * math.log(2) / math.log(b))
            perms = np.array([rng.permutation(b) for _ in range(n_digits)])
        cols.append(radical_inverse(idx, b, perms))
    return np.stack(cols, axis=1) if n else np.zeros((0, d))


# Joe and Kuo (2008), file new-joe-kuo-6.21201, dimensions 2 … 10: (s, a, m_1 … m_s),
# the degree s and coefficients a of a primitive polynomial over GF(2) and the initial
# direction integers. Dimension 1 is the van der Corput sequence (every m_k = 1).
_JOE_KUO = [
    (1, 0, (1,)),
    (2, 1, (1, 3)),
    (3, 1, (1, 3, 1)),
    (3, 2, (1, 1, 1)),
    (4, 1, (1, 1, 3, 3)),
    (4, 4, (1, 3, 5, 13)),
    (5, 2, (1, 1, 5, 5, 17)),
    (5, 4, (1, 1, 5, 5, 5)),
    (5, 7, (1, 1, 7, 11, 19)),
]
SOBOL_BITS = 30
SOBOL_MAX_DIM = len(_JOE_KUO) + 1
MAX_SOBOL_POINTS = 10**6


def sobol_direction_numbers(d: int, bits: int = SOBOL_BITS) -> np.ndarray:
    """The direction integers V[j, k] = m_k 2^{bits−k} (k = 1 … bits) of the first ``d``
    Sobol' dimensions, with Joe and Kuo's (2008) initial m_1 … m_s and the recurrence

        m_k = 2a_1 m_{k−1} ⊕ 2²a_2 m_{k−2} ⊕ … ⊕ 2^{s−1}a_{s−1} m_{k−s+1}
              ⊕ 2^s m_{k−s} ⊕ m_{k−s}   (k > s),

    ⊕ the bitwise exclusive or (Bratley and Fox 1988). Implements {eq}`eq-sobol`."""
    d = check_int("d", d, minimum=1)
    if d > SOBOL_MAX_DIM:
        raise ValueError(
            f"d must be <= {SOBOL_MAX_DIM} (the direction numbers stored in lib), got "
            f"{d}"
        )
    V = np.zeros((d, bits), dtype=np.int64)
    V[0] = [1 << (bits - k) for k in range(1, bits + 1)]
    for j, (s, a, m0) in enumerate(_JOE_KUO[: d - 1], start=1):
        m = list(m0)
        for k in range(s, bits):
            new = m[k - s] ^ (m[k - s] << s)
            for i in range(1, s):
                if (a >> (s - 1 - i)) & 1:
                    new ^= m[k - i] << i
            m.append(new)
        V[j] = [m[k] << (bits - 1 - k) for k in range(bits)]
    return V


def _lms(V: np.ndarray, rng: np.random.Generator, bits: int) -> np.ndarray:
    """Linear matrix scrambling: multiply every direction integer (a column of bits,
    most significant first) by a random lower-triangular binary matrix with unit
    diagonal, one matrix per dimension (Matoušek 1998)."""
    out = np.zeros_like(V)
    for j in range(V.shape[0]):
        L = np.tril(rng.integers(0, 2, size=(bits, bits)), -1) + np.eye(
            bits, dtype=np.int64
        )
        col = (V[j][None, :] >> (bits - 1 - np.arange(bits))[:, None]) & 1  # (bit, k)
        scrambled = (L @ col) % 2
        out[j] = (scrambled << (bits - 1 - np.arange(bits))[:, None]).sum(axis=0)
    return out


def sobol(
    n: int,
    d: int,
    rng: np.random.Generator | int | None = None,
    *,
    scramble: bool = False,
    start: int = 0,
) -> np.ndarray:
    """The Sobol' points i = start … start + n − 1 in [0, 1)^d, in Gray-code order:
    x_i = x_{i−1} ⊕ V_{c(i−1)}, where c(i) is the index of the lowest zero bit of i and
    V the direction integers, scaled by 2^{−30}. Implements {eq}`eq-sobol`.

    Unscrambled (the first point is the origin), the points equal
    ``scipy.stats.qmc.Sobol(d, scramble=False).random(n)`` (SciPy 1.17, which uses the
    same Joe–Kuo direction numbers and 30 bits) for d ≤ 10. ``scramble=True`` applies a
    linear matrix scramble and a random digital shift drawn from ``rng`` (the kind of
    scrambling SciPy's default uses, with other random numbers): every seed gives
    another point set with the same stratification. Use n a power of two to keep the
    balance of the net."""
    n = check_int("n", n, minimum=0)
    d = check_int("d", d, minimum=1)
    start = check_int("start", start, minimum=0)
    if not isinstance(scramble, bool | np.bool_):
        raise TypeError(f"scramble must be True or False, got {scramble!r}")
    if n > MAX_SOBOL_POINTS:
        raise ValueError(
            f"n must be <= {MAX_SOBOL_POINTS} (sobol steps through the "
            f"points one by one in Python), got {n}"
        )
    bits = SOBOL_BITS
    if start + n > 2**bits:
        raise ValueError(f"start + n must be <= 2**{bits}, got {start + n}")
    V = sobol_direction_numbers(d, bits)
    shift = np.zeros(d, dtype=np.int64)
    if scramble:
        rng = check_rng("rng", rng)
        V = _lms(V, rng, bits)
        shift = rng.integers(0, 2**bits, size=d, dtype=np.int64)
    # x_start directly: the Gray code g = i ⊕ (i >> 1) selects the direction integers
    g, x, k = start ^ (start >> 1), np.zeros(d, dtype=np.int64), 0
    while g:
        if g & 1:
            x ^= V[:, k]
        g >>= 1
        k += 1
    out = np.empty((n, d), dtype=np.int64)
    for row, i in enumerate(range(start, start + n)):
        out[row] = x
        c = (~i & (i + 1)).bit_length() - 1  # lowest zero bit of i
        x = x ^ V[:, c] if c < bits else x
    return ((out ^ shift) / 2.0**bits) if n else np.zeros((0, d))


def quasi_random_search(
    objective: Objective,
    space: Mapping[str, Distribution],
    n_trials: int,
    rng: np.random.Generator | int | None = None,
    *,
    method: str = "halton",
    scramble: bool = True,
    budget=None,
    max_trials: int = MAX_TRIALS,
) -> list[Trial]:
    """Evaluate ``n_trials`` configurations at the points of a low-discrepancy sequence,
    mapped into ``space`` by ``from_unit`` (so log-uniform ranges stay log-scaled).

    Quasi-random search keeps what random search is good at (every trial tries a new
    value of every hyperparameter) and spreads the points more evenly, with no clumps or
    gaps (Implements {eq}`eq-halton` and {eq}`eq-sobol`; Bergstra and Bengio 2012; the
    Tuning Playbook recommends it for exploration). ``method`` is ``"halton"`` or
    ``"sobol"``; scrambled with ``rng`` unless ``scramble=False`` (then the points start
    at index 1, skipping the origin). More than ``max_trials`` trials are refused
    (ValueError stating the number).
    """
    _check_objective(objective)
    space = _check_space(space)
    n_trials = check_int("n_trials", n_trials)
    max_trials = check_int("max_trials", max_trials)
    _check_work("quasi_random_search", n_trials, n_trials, max_trials, "lower n_trials")
    generators = {"halton": halton, "sobol": sobol}
    if method not in generators:
        raise ValueError(f"method must be 'halton' or 'sobol', got {method!r}")
    U = generators[method](
        n_trials, len(space), rng, scramble=scramble, start=0 if scramble else 1
    )
    trials: list[Trial] = []
    for params in from_unit(space, U) if n_trials else []:
        _evaluate(objective, params, budget, trials)
    return trials


# --------------------------------------------------------------------------------- ASHA
def asha(
    objective: Objective,
    space: Mapping[str, Distribution],
    min_budget: float,
    max_budget: float,
    total_budget: float,
    eta: int = 3,
    rng: np.random.Generator | int | None = None,
    *,
    n_workers: int = 4,
    max_trials: int = MAX_TRIALS,
) -> list[Trial]:
    """Asynchronous successive halving (Li et al., 2020, Algorithm 2), simulated with
    ``n_workers`` workers on one process.

    Rung k trains at r_k = min_budget · η^k, k = 0 … K with K = ⌊log_η(max/min)⌋.
    Whenever a worker is free it asks for a job: from the highest rung down, a
    configuration among the top ⌊|rung k|/η⌋ of rung k that has not been promoted yet is
    promoted to rung k + 1; if there is none, a new random configuration starts at rung
    0. Nobody waits for a rung to fill (Implements {eq}`eq-asha`). A job takes as long
    as its budget, and its score is known only when it ends: the workers are an event
    queue in simulated time, so the run is deterministic. A job that would push the
    budget spent over ``total_budget`` is not started and that worker stops. Trials are
    returned in the order their results came in, with ``rung`` set; as everywhere in
    this module a promotion is a fresh run at the larger budget (nothing is resumed).
    """
    _check_objective(objective)
    space = _check_space(space)
    min_budget = check_positive("min_budget", min_budget)
    max_budget = check_positive("max_budget", max_budget)
    total_budget = check_positive("total_budget", total_budget)
    eta = check_int("eta", eta, minimum=2)
    n_workers = check_int("n_workers", n_workers)
    max_trials = check_int("max_trials", max_trials)
    rng = check_rng("rng", rng)
    if max_budget < min_budget:
        raise ValueError(
            f"max_budget must be >= min_budget={min_budget:g}, got {max_budget:g}"
        )
    top = math.floor(math.log(max_budget / min_budget) / math.log(eta) + 1e-9)
    budgets = [_nice(min_budget * eta**k) for k in range(top + 1)]
    _check_work(
        "asha",
        math.ceil(total_budget / min_budget),
        math.ceil(total_budget / min_budget),
        max_trials,
        "lower total_budget or raise min_budget",
    )
    # (trial, configuration id)
    rungs: list[list[tuple[Trial, int]]] = [[] for _ in budgets]
    # ids of the configurations promoted from rung k
    promoted: list[set[int]] = [set() for _ in budgets]
    configs: list[dict] = []
    trials: list[Trial] = []
    spent = 0.0

    def get_job() -> tuple[int, int]:
        for k in range(top - 1, -1, -1):
            ranked = sorted(rungs[k], key=lambda tc: _rank_key(tc[0]))
            for _, cid in ranked[: len(ranked) // eta]:
                if cid not in promoted[k]:
                    return cid, k + 1
        configs.append(sample_space(space, rng))
        return len(configs) - 1, 0

    # (end time, worker, config id, rung, score)
    running: list[tuple[float, int, int, int, float]] = []
    free = [(0.0, w) for w in range(n_workers)]
    while True:
        while free:
            now, w = free.pop(0)
            cid, k = get_job()
            if spent + budgets[k] > total_budget:
                if k == 0:
                    configs.pop()
                continue  # this worker stops
            if k > 0:
                promoted[k - 1].add(cid)
            spent += budgets[k]
            score = objective(dict(configs[cid]), budgets[k])
            score = _check_score(score, configs[cid])
            running.append((now + budgets[k], w, cid, k, score))
        if not running:
            return trials
        running.sort(key=lambda job: (job[0], job[1]))
        # the next result to come in
        end, w, cid, k, score = running.pop(0)
        trial = Trial(dict(configs[cid]), score, budgets[k], len(trials), rung=k)
        trials.append(trial)
        rungs[k].append((trial, cid))
        free.append((end, w))
