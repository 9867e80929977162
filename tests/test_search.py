"""Tests of lib.search and lib.gp: spaces, grid/random search, successive halving, Hyperband, GP, EI, BO."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib import gp, search
from lib.search import Trial


def branin(params, budget=None):
    """Branin-Hoo; global minimum 0.397887 at (−π, 12.275), (π, 2.275), (9.42478, 2.475)."""
    x1, x2 = params["x1"], params["x2"]
    b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1**2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


BRANIN_SPACE = {"x1": search.uniform(-5, 10), "x2": search.uniform(0, 15)}
BRANIN_MIN = 0.397887


def ks_statistic(u: np.ndarray) -> float:
    """Kolmogorov–Smirnov distance between the empirical CDF of u and U(0, 1)."""
    u = np.sort(u)
    n = len(u)
    i = np.arange(1, n + 1)
    return float(max((i / n - u).max(), (u - (i - 1) / n).max()))


# ----------------------------------------------------------------------------- spaces
def test_log_uniform_is_uniform_in_log_space():
    x = search.log_uniform(1e-6, 1e-2).sample(np.random.default_rng(0), size=4000)
    assert x.min() >= 1e-6 and x.max() <= 1e-2
    u = (np.log10(x) + 6) / 4
    crit = 1.36 / math.sqrt(len(x))  # 5 % critical value of the KS test
    assert ks_statistic(u) < crit
    # the same statistic rejects plain uniform samples of the same range: the test has power
    y = search.uniform(1e-6, 1e-2).sample(np.random.default_rng(0), size=4000)
    assert ks_statistic((np.log10(y) + 6) / 4) > 10 * crit


def test_log_uniform_decades_equally_likely():
    x = search.log_uniform(1e-8, 1e-4).sample(np.random.default_rng(1), size=8000)
    counts = np.histogram(np.log10(x), bins=[-8, -7, -6, -5, -4])[0]
    assert np.all(np.abs(counts / len(x) - 0.25) < 0.02)


def test_int_uniform_includes_both_ends_equally():
    x = search.int_uniform(2, 5).sample(np.random.default_rng(2), size=4000)
    assert x.dtype.kind == "i"
    values, counts = np.unique(x, return_counts=True)
    assert values.tolist() == [2, 3, 4, 5]
    assert np.all(np.abs(counts / 4000 - 0.25) < 0.03)


def test_choice_and_scalar_samples():
    rng = np.random.default_rng(3)
    c = search.choice(["relu", "tanh", "elu"])
    draws = c.sample(rng, size=300)
    assert set(draws) == {"relu", "tanh", "elu"}
    assert c.sample(rng) in ("relu", "tanh", "elu")
    assert 0.0 <= search.uniform(0, 1).sample(rng) <= 1.0
    p = search.sample_space({"lr": search.log_uniform(1e-4, 1e-1), "units": search.int_uniform(8, 64)}, rng)
    assert isinstance(p["lr"], float) and isinstance(p["units"], int)


def test_same_seed_same_samples():
    space = {"a": search.uniform(-1, 1), "b": search.log_uniform(1e-3, 1)}
    t1 = search.random_search(lambda p, b: p["a"] ** 2, space, 5, np.random.default_rng(7))
    t2 = search.random_search(lambda p, b: p["a"] ** 2, space, 5, 7)
    assert [t.params for t in t1] == [t.params for t in t2]


@given(st.floats(0.0, 0.999999), st.floats(0.0, 0.999999))
def test_unit_cube_round_trip(u1, u2):
    space = {"lr": search.log_uniform(1e-5, 1.0), "w": search.uniform(-2.0, 3.0)}
    (p,) = search.from_unit(space, np.array([[u1, u2]]))
    np.testing.assert_allclose(search.to_unit(space, p), [u1, u2], atol=1e-9)


@given(st.integers(-5, 5), st.integers(1, 6))
def test_int_and_choice_encodings_are_bin_centres(low, width):
    d = search.int_uniform(low, low + width)
    for v in range(low, low + width + 1):
        assert d.decode(d.encode(v)) == v
    c = search.choice(list(range(width + 1)))
    for v in range(width + 1):
        assert c.decode(float(c.encode(v))) == v


# ----------------------------------------------------------------------------- grid and random
def test_grid_enumerates_the_product_in_order():
    seen = []
    trials = search.grid_search(lambda p, b: seen.append(p) or p["a"] * 10 + p["b"],
                                {"a": [1, 2, 3], "b": [0.5, 0.25]}, budget=4)
    assert len(trials) == 6
    assert [(t.params["a"], t.params["b"]) for t in trials] == [(a, b) for a in (1, 2, 3) for b in (0.5, 0.25)]
    assert [t.order for t in trials] == list(range(6))
    assert all(t.budget == 4 for t in trials)
    assert [t.score for t in trials] == [10.5, 10.25, 20.5, 20.25, 30.5, 30.25]
    assert search.best_trial(trials).params == {"a": 1, "b": 0.25}


def test_random_search_records_every_trial_and_best_so_far():
    trials = search.random_search(lambda p, b: abs(p["x"] - 0.3), {"x": search.uniform(0, 1)}, 20, 0, budget=2)
    assert len(trials) == 20 and all(isinstance(t, Trial) and t.budget == 2 for t in trials)
    bsf = search.best_so_far(trials)
    assert np.all(np.diff(bsf) <= 0)
    assert bsf[-1] == min(t.score for t in trials) == search.best_trial(trials).score


def test_nan_scores_rank_last():
    trials = search.grid_search(lambda p, b: float("nan") if p["x"] == 0 else p["x"], {"x": [0, 2, 1]})
    assert search.best_trial(trials).params == {"x": 1}
    assert search.best_so_far(trials)[0] == np.inf


def test_hit_probability_matches_simulation():
    assert search.hit_probability(60, 0.05) == pytest.approx(1 - 0.95**60)
    assert search.hit_probability(60, 0.05) > 0.95
    rng = np.random.default_rng(5)
    hits = (rng.random((20000, 10)) < 0.1).any(axis=1).mean()
    assert hits == pytest.approx(search.hit_probability(10, 0.1), abs=0.01)
    with pytest.raises(ValueError, match="fraction"):
        search.hit_probability(3, 0.0)


# ----------------------------------------------------------------------------- successive halving
def test_successive_halving_keeps_top_fraction_and_multiplies_budget():
    calls = []

    def objective(p, budget):
        calls.append((p["x"], budget))
        return p["x"] + 1.0 / budget  # the ranking at every budget is the ranking by x

    trials = search.successive_halving(objective, {"x": search.uniform(0, 1)}, 27, 1, 27, eta=3, rng=0)
    budgets = [t.budget for t in trials]
    assert [budgets.count(r) for r in (1, 3, 9, 27)] == [27, 9, 3, 1]
    assert [t.rung for t in trials] == [0] * 27 + [1] * 9 + [2] * 3 + [3]
    for rung in range(3):
        pool = sorted(t.params["x"] for t in trials if t.rung == rung)
        promoted = sorted(t.params["x"] for t in trials if t.rung == rung + 1)
        assert promoted == pool[: len(pool) // 3]
    assert trials[-1].params["x"] == min(t.params["x"] for t in trials)
    assert sum(budgets) == 4 * 27
    assert len(calls) == 40


def test_successive_halving_budget_never_exceeds_max():
    trials = search.successive_halving(lambda p, b: p["x"], {"x": search.uniform(0, 1)}, 10, 2, 20, eta=3, rng=1)
    assert sorted({t.budget for t in trials}) == [2, 6, 18]
    assert [sum(t.rung == i for t in trials) for i in range(3)] == [10, 3, 1]


# ----------------------------------------------------------------------------- hyperband
def test_hyperband_schedule_matches_li_et_al_table():
    # Li et al. (2018), Table 1: R = 81, eta = 3
    expected = [
        [(81, 1), (27, 3), (9, 9), (3, 27), (1, 81)],
        [(34, 3), (11, 9), (3, 27), (1, 81)],
        [(15, 9), (5, 27), (1, 81)],
        [(8, 27), (2, 81)],
        [(5, 81)],
    ]
    assert search.hyperband_schedule(81, eta=3) == expected


def test_hyperband_schedule_other_eta():
    # R = 16, eta = 2 worked out from Algorithm 1: s_max = 4, B = 80
    sched = search.hyperband_schedule(16, eta=2)
    assert [b[0] for b in sched] == [(16, 1), (10, 2), (7, 4), (5, 8), (5, 16)]
    assert all(b[-1][1] == 16 for b in sched)


def test_hyperband_runs_its_schedule():
    trials = search.hyperband(lambda p, b: p["x"] / b, {"x": search.uniform(0, 1)}, 9, eta=3, rng=0)
    sched = search.hyperband_schedule(9, 3)
    for s_index, rungs in enumerate(sched):
        s = len(sched) - 1 - s_index
        for i, (n_i, r_i) in enumerate(rungs):
            mine = [t for t in trials if t.bracket == s and t.rung == i]
            assert len(mine) == n_i and all(t.budget == r_i for t in mine)
    assert [t.order for t in trials] == list(range(len(trials)))


# ----------------------------------------------------------------------------- Gaussian process and EI
def test_matern_kernel_values():
    K = gp.matern52(np.array([[0.0], [1.0]]), np.array([[0.0]]), 0.5)
    r = 2.0
    expected = (1 + math.sqrt(5) * r + 5 * r**2 / 3) * math.exp(-math.sqrt(5) * r)
    np.testing.assert_allclose(K.ravel(), [1.0, expected])
    np.testing.assert_allclose(gp.rbf(np.zeros((1, 2)), np.ones((1, 2)), 1.0), [[math.exp(-1.0)]])


def test_gp_interpolates_noise_free_data():
    rng = np.random.default_rng(0)
    X = rng.random((8, 1))
    y = np.sin(6 * X[:, 0])
    model = gp.GaussianProcess(noise=0.0).fit(X, y)
    mean, std = model.predict(X)
    np.testing.assert_allclose(mean, y, atol=1e-5)
    assert np.all(std < 1e-4)
    _, std_far = model.predict(np.array([[0.5 * (X.min() + X.max())], [3.0]]))
    assert std_far[1] > 100 * std.max()


def test_gp_fitted_lengthscale_tracks_wiggliness():
    X = np.linspace(0, 1, 15)[:, None]
    slow = gp.GaussianProcess().fit(X, np.sin(2 * X[:, 0])).lengthscales_[0]
    fast = gp.GaussianProcess().fit(X, np.sin(14 * X[:, 0])).lengthscales_[0]
    assert fast < slow


def test_gp_ard_finds_irrelevant_dimension():
    rng = np.random.default_rng(4)
    X = rng.random((30, 2))
    model = gp.GaussianProcess().fit(X, np.sin(5 * X[:, 0]))
    ls = model.lengthscales_
    assert ls[1] > 3 * ls[0]


def test_expected_improvement_closed_form_and_limits():
    # mu = best: EI = sigma * phi(0)
    np.testing.assert_allclose(gp.expected_improvement(np.array([1.0]), np.array([2.0]), 1.0),
                               [2.0 / math.sqrt(2 * math.pi)])
    # certain and worse: zero; certain and better: the improvement itself
    ei = gp.expected_improvement(np.array([2.0, 0.5, 2.0]), np.array([0.0, 0.0, 1e-6]), 1.0)
    np.testing.assert_allclose(ei, [0.0, 0.5, 0.0], atol=1e-12)
    # more uncertainty, more EI at the same mean
    e = gp.expected_improvement(np.array([1.5, 1.5]), np.array([0.1, 1.0]), 1.0)
    assert e[1] > e[0] > 0


def test_ei_near_zero_at_observed_worse_points():
    X = np.array([[0.1], [0.4], [0.7], [0.9]])
    y = np.array([3.0, 1.0, 2.0, 4.0])
    model = gp.GaussianProcess(noise=0.0).fit(X, y)
    mean, std = model.predict(X)
    ei = gp.expected_improvement(mean, std, y.min())
    assert np.all(ei[[0, 2, 3]] < 1e-6)
    ei_between = gp.expected_improvement(*model.predict(np.array([[0.5]])), y.min())
    assert ei_between[0] > 1e-3


# ----------------------------------------------------------------------------- Bayesian optimisation
def test_bayes_opt_finds_branin_minimum_for_most_seeds():
    """Tolerance: within 0.02 of 0.397887 after 30 evaluations, for at least 4 of 5 seeds."""
    gaps = [search.best_trial(search.bayes_opt(branin, BRANIN_SPACE, 30, np.random.default_rng(s))).score
            - BRANIN_MIN for s in range(5)]
    assert min(gaps) >= -1e-6
    assert sum(g < 0.02 for g in gaps) >= 4


def test_bayes_opt_beats_random_on_branin():
    bo = search.best_trial(search.bayes_opt(branin, BRANIN_SPACE, 20, 0)).score
    rs = search.best_trial(search.random_search(branin, BRANIN_SPACE, 20, 0)).score
    assert bo < rs


def test_bayes_opt_log_int_and_choice_dimensions():
    space = {"lr": search.log_uniform(1e-5, 1.0), "units": search.int_uniform(1, 8),
             "act": search.choice(["a", "b"])}

    def objective(p, budget):
        assert budget == 3
        return (math.log10(p["lr"]) + 2) ** 2 + 0.1 * (p["units"] - 5) ** 2 + (p["act"] == "a")

    trials = search.bayes_opt(objective, space, 15, 0, n_init=4, budget=3)
    assert len(trials) == 15
    assert all(isinstance(t.params["units"], int) and 1 <= t.params["units"] <= 8 for t in trials)
    best = search.best_trial(trials)
    assert best.score < 0.3 and best.params["act"] == "b"


# ----------------------------------------------------------------------------- bad arguments
@pytest.mark.parametrize("make, exc", [
    (lambda: search.uniform(1, 1), ValueError),
    (lambda: search.uniform(0, float("nan")), TypeError),
    (lambda: search.log_uniform(0, 1), ValueError),
    (lambda: search.log_uniform(1e-2, 1e-3), ValueError),
    (lambda: search.int_uniform(3, 2), ValueError),
    (lambda: search.int_uniform(0.5, 2), TypeError),
    (lambda: search.choice([]), ValueError),
    (lambda: search.choice("abc"), ValueError),
    (lambda: search.uniform(0, 1).sample(None), TypeError),
    (lambda: search.grid_search(lambda p, b: 0.0, {}), ValueError),
    (lambda: search.grid_search(lambda p, b: 0.0, {"a": []}), ValueError),
    (lambda: search.grid_search("f", {"a": [1]}), TypeError),
    (lambda: search.random_search(lambda p, b: 0.0, {"a": [0, 1]}, 3, 0), TypeError),
    (lambda: search.random_search(lambda p, b: 0.0, {"a": search.uniform(0, 1)}, 0, 0), ValueError),
    (lambda: search.random_search(lambda p, b: 0.0, {"a": search.uniform(0, 1)}, 3), TypeError),
    (lambda: search.random_search(lambda p, b: "bad", {"a": search.uniform(0, 1)}, 3, 0), TypeError),
    (lambda: search.successive_halving(lambda p, b: 0.0, {"a": search.uniform(0, 1)}, 9, 9, 3, rng=0), ValueError),
    (lambda: search.successive_halving(lambda p, b: 0.0, {"a": search.uniform(0, 1)}, 9, 1, 9, eta=1, rng=0),
     ValueError),
    (lambda: search.hyperband(lambda p, b: 0.0, {"a": search.uniform(0, 1)}, -1, rng=0), ValueError),
    (lambda: search.bayes_opt(lambda p, b: 0.0, {"a": search.uniform(0, 1)}, 3, 0, n_init=5), ValueError),
    (lambda: gp.GaussianProcess("cubic"), ValueError),
    (lambda: gp.GaussianProcess().predict(np.zeros((1, 1))), RuntimeError),
    (lambda: gp.GaussianProcess().fit(np.zeros((3, 1)), np.zeros(2)), ValueError),
    (lambda: gp.expected_improvement(np.zeros(2), -np.ones(2), 0.0), ValueError),
])
def test_bad_arguments_raise(make, exc):
    with pytest.raises(exc):
        make()


def test_error_messages_name_argument_and_value():
    with pytest.raises(ValueError, match=r"low must be < high, got low=0.1, high=0.01"):
        search.log_uniform(0.1, 0.01)
    with pytest.raises(ValueError, match=r"n_init must be <= n_trials=3, got 5"):
        search.bayes_opt(lambda p, b: 0.0, {"a": search.uniform(0, 1)}, 3, 0, n_init=5)
