"""Quasi-random (Halton, Sobol') search and ASHA: hand-derived values, SciPy's Halton sequence, and
the promotion rule of Li et al. (2020, Algorithm 2) replayed on the trials."""

import numpy as np
import pytest
from scipy.stats import qmc

from lib import search


def test_radical_inverse_by_hand():
    # 1 = 1b -> .1b = 1/2, 2 = 10b -> .01b = 1/4, 3 = 11b -> 3/4, 6 = 110b -> .011b = 3/8
    assert np.allclose(search.radical_inverse(np.array([0, 1, 2, 3, 6]), 2), [0, 0.5, 0.25, 0.75, 0.375])
    # base 3: 1 -> 1/3, 2 -> 2/3, 3 = 10_3 -> 1/9, 5 = 12_3 -> 2/3 + 1/9
    assert np.allclose(search.radical_inverse(np.array([1, 2, 3, 5]), 3), [1 / 3, 2 / 3, 1 / 9, 2 / 3 + 1 / 9])


@pytest.mark.parametrize("d", [1, 2, 4, 7])
def test_unscrambled_halton_equals_scipy(d):
    ours = search.halton(64, d)
    theirs = qmc.Halton(d, scramble=False).random(64)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-15)
    # start= continues the same sequence (scipy's fast_forward)
    ref = qmc.Halton(d, scramble=False)
    ref.fast_forward(10)
    np.testing.assert_allclose(search.halton(5, d, start=10), ref.random(5), atol=1e-15)


def test_scrambled_halton_is_stratified_seeded_and_not_the_plain_sequence():
    a = search.halton(81, 3, rng=0, scramble=True)
    assert a.shape == (81, 3) and np.all((a >= 0) & (a < 1))
    for k, b in enumerate([2, 3, 5]):
        m = b ** (2 if b < 5 else 1)          # the first b^j points fill the b^j cells of each axis once
        cells = np.floor(a[:m, k] * m).astype(int)
        assert sorted(cells) == list(range(m))
    np.testing.assert_array_equal(a, search.halton(81, 3, rng=0, scramble=True))
    assert not np.allclose(a, search.halton(81, 3, rng=1, scramble=True))
    assert not np.allclose(a, search.halton(81, 3))


def test_halton_discrepancy_beats_random_points():
    h = search.halton(128, 4, rng=0, scramble=True)
    r = np.random.default_rng(0).random((128, 4))
    assert qmc.discrepancy(h) < qmc.discrepancy(r)


def test_halton_bad_input():
    with pytest.raises(ValueError, match="d"):
        search.halton(4, 0)
    with pytest.raises(TypeError, match="scramble"):
        search.halton(4, 2, scramble="yes")
    with pytest.raises(ValueError, match="method"):
        search.quasi_random_search(lambda p, b: 0.0, {"x": search.uniform(0, 1)}, 4, 0, method="lattice")


def test_quasi_random_search_maps_the_points_into_the_space():
    space = {"lr": search.log_uniform(1e-4, 1.0), "w": search.int_uniform(1, 4)}
    seen = []
    trials = search.quasi_random_search(lambda p, b: seen.append(p) or p["lr"], space, 8, scramble=False, budget=3)
    assert [t.budget for t in trials] == [3] * 8 and len(seen) == 8
    # unscrambled: Halton points 1..8; the lr column is the base-2 radical inverse, log-scaled
    u = search.radical_inverse(np.arange(1, 9), 2)
    np.testing.assert_allclose([t.params["lr"] for t in trials], 1e-4 * 1e4 ** u)
    assert {t.params["w"] for t in trials} <= {1, 2, 3, 4}
    a = search.quasi_random_search(lambda p, b: p["lr"], space, 5, 3)
    assert [t.params for t in a] == [t.params for t in search.quasi_random_search(lambda p, b: p["lr"], space, 5, 3)]


def _first_seen_objective():
    """Score 1/(1 + k) for the k-th new configuration: every newcomer beats all older ones,
    whatever the budget."""
    ids = {}

    def f(p, b):
        key = p["x"]
        ids.setdefault(key, len(ids))
        return 1.0 / (1 + ids[key])

    return f, ids


def test_asha_one_worker_follows_the_promotion_rule_by_hand():
    f, ids = _first_seen_objective()
    trials = search.asha(f, {"x": search.uniform(0, 1)}, 1, 9, total_budget=1 + 1 + 1 + 3 + 1 + 3 + 1 + 3 + 9,
                         eta=3, rng=0, n_workers=1)
    got = [(ids[t.params["x"]], t.rung) for t in trials]
    # c0, c1, c2 at rung 0; c2 is the top third of three -> rung 1; c3 starts; c3 tops rung 0's
    # four (top ⌊4/3⌋ = 1) -> rung 1; c4 starts and is promoted; rung 1 now has three, c4 is
    # its top third -> rung 2 (9 epochs), the budget is spent
    assert got == [(0, 0), (1, 0), (2, 0), (2, 1), (3, 0), (3, 1), (4, 0), (4, 1), (4, 2)]
    assert [t.budget for t in trials] == [1, 1, 1, 3, 1, 3, 1, 3, 9]


def _replay_promotions(trials, eta):
    """Each promotion to rung k + 1 must be, among the results of rung k known when the job
    started, in the top ⌊n_k/η⌋. With one worker a job starts right after the previous result."""
    known = {}
    for t in trials:
        if t.rung > 0:
            below = sorted(known.get(t.rung - 1, []))
            cut = below[len(below) // eta - 1][0] if len(below) >= eta else -np.inf
            assert len(below) >= eta and min(s for s, x in below if x == t.params["x"]) <= cut
        known.setdefault(t.rung, []).append((t.score, t.params["x"]))


def test_asha_promotes_only_top_fraction_and_respects_the_budget():
    rng = np.random.default_rng(5)
    table = {}

    def noisy(p, b):
        return table.setdefault((p["x"], b), (p["x"] - 0.3) ** 2 + 0.1 * rng.random() / b)

    trials = search.asha(noisy, {"x": search.uniform(0, 1)}, 1, 27, total_budget=200, eta=3, rng=1, n_workers=1)
    assert sum(t.budget for t in trials) <= 200
    assert max(t.rung for t in trials) == 3 and {t.budget for t in trials} == {1, 3, 9, 27}
    _replay_promotions(trials, 3)
    for x in {t.params["x"] for t in trials}:   # a configuration climbs the rungs one at a time
        rungs = [t.rung for t in trials if t.params["x"] == x]
        assert rungs == list(range(len(rungs)))


def test_asha_with_several_workers_starts_them_all_on_new_configurations():
    f, _ = _first_seen_objective()
    trials = search.asha(f, {"x": search.uniform(0, 1)}, 1, 9, total_budget=60, eta=3, rng=0, n_workers=4)
    assert [t.rung for t in trials[:4]] == [0, 0, 0, 0]
    assert sum(t.budget for t in trials) <= 60
    a = search.asha(f, {"x": search.uniform(0, 1)}, 1, 9, total_budget=60, eta=3, rng=0, n_workers=4)
    assert [(t.params, t.rung) for t in a] == [(t.params, t.rung) for t in trials]


def test_asha_bad_input():
    space = {"x": search.uniform(0, 1)}
    with pytest.raises(ValueError, match="max_budget"):
        search.asha(lambda p, b: 0.0, space, 9, 3, total_budget=10, rng=0)
    with pytest.raises(ValueError, match="n_workers"):
        search.asha(lambda p, b: 0.0, space, 1, 9, total_budget=10, rng=0, n_workers=0)
    with pytest.raises(TypeError, match="objective must return"):
        search.asha(lambda p, b: "bad", space, 1, 9, total_budget=10, rng=0)


# --------------------------------------------------------------------------------- Sobol'
def test_sobol_first_points_by_hand():
    # Gray-code order: x_1 = v_0, x_2 = x_1 ^ v_1, x_3 = x_2 ^ v_0, ... In dimension 1 every
    # m_k = 1 (van der Corput in Gray order); dimension 2 has m = 1, 3, 5, ... (Joe & Kuo)
    np.testing.assert_array_equal(search.sobol(8, 2)[:, 0], [0, 0.5, 0.75, 0.25, 0.375, 0.875, 0.625, 0.125])
    np.testing.assert_array_equal(search.sobol(8, 2)[:, 1], [0, 0.5, 0.25, 0.75, 0.375, 0.875, 0.125, 0.625])
    # direction integers of dimension 3 (s = 2, a = 1, m = 1, 3): m_3 = 2·m_2 ^ 4·m_1 ^ m_1 = 6 ^ 4 ^ 1 = 3
    V = search.sobol_direction_numbers(3, bits=3)
    np.testing.assert_array_equal(V[2], [1 << 2, 3 << 1, 3])


@pytest.mark.parametrize("d", [1, 2, 3, 5, 10])
def test_unscrambled_sobol_equals_scipy(d):
    np.testing.assert_array_equal(search.sobol(1024, d), qmc.Sobol(d, scramble=False).random(1024))
    ref = qmc.Sobol(d, scramble=False)
    ref.fast_forward(37)
    np.testing.assert_array_equal(search.sobol(9, d, start=37), ref.random(9))


def test_scrambled_sobol_is_a_net_seeded_and_not_the_plain_sequence():
    a = search.sobol(64, 4, rng=0, scramble=True)
    assert a.shape == (64, 4) and np.all((a >= 0) & (a < 1))
    for k in range(4):                       # every 1-D projection: one point per cell of 1/64
        assert sorted(np.floor(a[:, k] * 64).astype(int)) == list(range(64))
    # dimensions 1 and 2 form a (0, m, 2)-net: 16 points, one in each 4 x 4 box
    boxes = {(int(x * 4), int(y * 4)) for x, y in a[:16, :2]}
    assert len(boxes) == 16
    np.testing.assert_array_equal(a, search.sobol(64, 4, rng=0, scramble=True))
    assert not np.allclose(a, search.sobol(64, 4, rng=1, scramble=True))
    assert not np.allclose(a, search.sobol(64, 4))
    assert qmc.discrepancy(a) < qmc.discrepancy(np.random.default_rng(0).random((64, 4)))


def test_sobol_bad_input():
    with pytest.raises(ValueError, match="d"):
        search.sobol(4, 11)
    with pytest.raises(ValueError, match="d"):
        search.sobol(4, 0)
    with pytest.raises(TypeError, match="scramble"):
        search.sobol(4, 2, scramble=1)
    with pytest.raises(TypeError, match="rng"):
        search.sobol(4, 2, scramble=True)


def test_quasi_random_search_with_sobol():
    space = {"lr": search.log_uniform(1e-4, 1.0), "x": search.uniform(0, 1)}
    trials = search.quasi_random_search(lambda p, b: p["x"], space, 8, method="sobol", scramble=False)
    np.testing.assert_allclose([t.params["x"] for t in trials], search.sobol(8, 2, start=1)[:, 1])
    a = search.quasi_random_search(lambda p, b: p["x"], space, 8, 5, method="sobol")
    assert [t.params for t in a] == [t.params for t in search.quasi_random_search(
        lambda p, b: p["x"], space, 8, 5, method="sobol")]
