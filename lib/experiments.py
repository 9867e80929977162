"""The book's comparison protocol: tune on validation, then test on fresh seeds.

Every comparison of training methods in the book follows the evidence standard:

1. each method gets the same tuning budget: its candidate settings (a grid of equal size
   for every method) are each trained on the same *tuning seeds* and scored on the
   validation set;
2. the setting with the best mean validation score is chosen;
3. the chosen setting is re-trained on fresh *test seeds* (disjoint from the tuning
   seeds) and reported on the test set, as a mean with its 95 % interval
   ({eq}`eq-mean-ci`);
4. two methods are compared by their paired differences over the same test seeds
   ({eq}`eq-paired-ci`, :func:`lib.stats.compare`).

A seed fixes both the initial weights and the mini-batch order of one run: a run
function ``run(setting, seed) -> dict`` draws everything random from
``np.random.default_rng(seed)`` and returns its metrics (``val_loss``, ``val_acc``,
``test_loss``, ``test_acc``, …). Runs are independent, so they are spread over worker
processes (``n_jobs``) with results identical for any number of workers.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from . import parallel, stats
from ._checks import check_int

Run = Callable[[dict, int], Mapping[str, float]]


def grid(**axes: Sequence) -> list[dict]:
    """Every combination of the given axes, in order: ``grid(lr=[0.1, 1], beta=[0.9])``
    → ``[{"lr": 0.1, "beta": 0.9}, {"lr": 1, "beta": 0.9}]``."""
    for name, values in axes.items():
        if (
            isinstance(values, str)
            or not isinstance(values, Sequence)
            or len(values) == 0
        ):
            raise ValueError(
                f"grid axis {name!r} must be a non-empty list of values, got {values!r}"
            )
    names = list(axes)
    return [
        dict(zip(names, combo, strict=True))
        for combo in itertools.product(*axes.values())
    ]


def _seeds(name: str, seeds: Sequence[int]) -> list[int]:
    seeds = list(seeds)
    if not seeds:
        raise ValueError(f"{name} must hold at least one seed, got an empty list")
    for s in seeds:
        check_int(name, s, minimum=0)
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"{name} must not repeat a seed, got {seeds}")
    return seeds


def _map(run: Run, jobs: list[tuple[dict, int]], n_jobs: int | None) -> list[dict]:
    return parallel.run(
        _call, [(run, setting, seed) for setting, seed in jobs], n_jobs=n_jobs
    )


def _call(run: Run, setting: dict, seed: int) -> dict:
    out = run(dict(setting), int(seed))
    if not isinstance(out, Mapping):
        raise TypeError(
            "run(setting, seed) must return a dict of metrics, got "
            f"{type(out).__name__}"
        )
    return {k: float(v) for k, v in out.items()}


@dataclass
class MethodResult:
    """One method's tuning and test runs."""

    name: str
    candidates: list[dict]
    tuning: list[list[dict]]  # tuning[i][j]: metrics of candidate i on tuning seed j
    chosen: dict
    # metrics of the chosen setting per test seed
    test: list[dict] = field(default_factory=list)

    def tuning_scores(self, metric: str) -> np.ndarray:
        """Mean validation ``metric`` of every candidate over the tuning seeds."""
        return np.array([np.mean([r[metric] for r in runs]) for runs in self.tuning])

    def values(self, metric: str) -> np.ndarray:
        """``metric`` of the chosen setting on each test seed, in seed order."""
        return np.array([r[metric] for r in self.test])

    def ci(self, metric: str, scale: float = 1.0) -> tuple[float, float, float]:
        """Mean and 95 % interval of ``metric`` over the test seeds, times ``scale``."""
        m, lo, hi = stats.mean_ci(self.values(metric))
        return m * scale, lo * scale, hi * scale


@dataclass
class Study:
    """The result of :func:`tune_and_test`: every method's runs, and the seeds used."""

    methods: dict[str, MethodResult]
    tune_seeds: list[int]
    test_seeds: list[int]
    select: str
    minimize: bool

    def __getitem__(self, name: str) -> MethodResult:
        return self.methods[name]

    def compare(self, a: str, b: str, metric: str, **kwargs) -> stats.Comparison:
        """Paired comparison of methods ``a`` and ``b`` on ``metric`` over the test
        seeds.
        """
        return stats.compare(
            self[a].values(metric), self[b].values(metric), (a, b), **kwargs
        )

    def rows(self, metrics: Sequence[str], scale: float = 1.0) -> list[list]:
        """One row per method: name, chosen setting, then mean, low, high of each
        metric.
        """
        out = []
        for name, m in self.methods.items():
            row: list = [
                name,
                ", ".join(
                    f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
                    for k, v in m.chosen.items()
                ),
            ]
            for metric in metrics:
                row.extend(m.ci(metric, scale))
            out.append(row)
        return out


def tune_and_test(
    run: Run,
    methods: Mapping[str, Sequence[dict]],
    *,
    tune_seeds: Sequence[int],
    test_seeds: Sequence[int],
    select: str = "val_loss",
    minimize: bool | None = None,
    n_jobs: int | None = None,
    equal_budget: bool = True,
) -> Study:
    """Tune every method on validation with the same budget, then re-run the choice on
    test seeds.

    ``methods`` maps a method's name to its candidate settings (dicts passed to ``run``,
    e.g. from :func:`grid`); ``run(setting, seed)`` trains once and returns metrics.
    Each candidate runs on every tuning seed; the candidate with the best mean
    ``select`` (lowest if ``minimize``) is re-run on every test seed. ``minimize=None``
    reads the direction off the metric's name: a name with "loss" or "error" is
    minimised, one with "acc" maximised; any other name needs ``minimize`` given
    explicitly. With ``equal_budget`` (the evidence standard) every method must have the
    same number of candidates. A candidate whose ``select`` is NaN on any seed (a
    diverged run) is never chosen.
    """
    if not methods:
        raise ValueError("methods must name at least one method, got none")
    minimize = _direction(select, minimize)
    tune_seeds, test_seeds = (
        _seeds("tune_seeds", tune_seeds),
        _seeds("test_seeds", test_seeds),
    )
    if set(tune_seeds) & set(test_seeds):
        raise ValueError(
            f"test_seeds must be fresh: {sorted(set(tune_seeds) & set(test_seeds))} "
            "are also tuning seeds"
        )
    sizes = {name: len(c) for name, c in methods.items()}
    if any(n == 0 for n in sizes.values()):
        raise ValueError(
            f"every method needs at least one candidate setting, got {sizes}"
        )
    if equal_budget and len(set(sizes.values())) > 1:
        raise ValueError(
            "methods must get equal tuning budgets (candidates per method), got "
            f"{sizes}; "
            "pass equal_budget=False to compare them anyway"
        )
    jobs = [
        (dict(c), s) for cands in methods.values() for c in cands for s in tune_seeds
    ]
    done = iter(_map(run, jobs, n_jobs))
    results: dict[str, MethodResult] = {}
    for name, cands in methods.items():
        tuning = [[next(done) for _ in tune_seeds] for _ in cands]
        scores = np.array(
            [
                np.mean([r[select] for r in runs])
                if all(select in r for r in runs)
                else np.nan
                for runs in tuning
            ]
        )
        if np.all(np.isnan(scores)):
            raise ValueError(
                f"every candidate of method {name!r} has a NaN or missing {select!r} "
                "(diverged runs, or run() does not return it)"
            )
        best = int(np.nanargmin(scores) if minimize else np.nanargmax(scores))
        results[name] = MethodResult(
            name, [dict(c) for c in cands], tuning, dict(cands[best])
        )
    test_jobs = [(results[name].chosen, s) for name in methods for s in test_seeds]
    done = iter(_map(run, test_jobs, n_jobs))
    for name in methods:
        results[name].test = [next(done) for _ in test_seeds]
    return Study(results, tune_seeds, test_seeds, select, minimize)


def _direction(select: str, minimize: bool | None) -> bool:
    """Whether ``select`` is minimised: given, or read off its name."""
    if minimize is not None:
        if not isinstance(minimize, bool):
            raise TypeError(f"minimize must be True, False or None, got {minimize!r}")
        return minimize
    name = str(select).lower()
    if "loss" in name or "error" in name:
        return True
    if "acc" in name:
        return False
    raise ValueError(
        f"select={select!r} does not say whether lower or higher is better; "
        "pass minimize=True or minimize=False"
    )


def repeat(
    run: Run,
    settings: Mapping[str, dict],
    seeds: Sequence[int],
    *,
    n_jobs: int | None = None,
) -> dict[str, list[dict]]:
    """Run each named setting on every seed (no tuning):
    ``{name: [metrics per seed]}``.
    """
    seeds = _seeds("seeds", seeds)
    jobs = [(dict(s), seed) for s in settings.values() for seed in seeds]
    done = iter(_map(run, jobs, n_jobs))
    return {name: [next(done) for _ in seeds] for name in settings}
