"""lib.stats: intervals equal scipy's, verdicts follow the interval, claims fail by name."""

import numpy as np
import pytest
import scipy.stats as ss
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lib import stats

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


@pytest.mark.parametrize("df", [1, 2, 3, 4, 9, 29, 200])
@pytest.mark.parametrize("q", [0.5, 0.6, 0.9, 0.95, 0.975, 0.995, 0.025])
def test_t_quantile_equals_scipy(df, q):
    assert stats.t_quantile(q, df) == pytest.approx(ss.t.ppf(q, df), rel=1e-10, abs=1e-12)


def test_mean_ci_by_hand():
    # x = (1, 2, 3): mean 2, s = 1, se = 1/√3, t_{0.975, 2} = 4.302652729749464
    mean, low, high = stats.mean_ci([1.0, 2.0, 3.0])
    half = 4.302652729749464 / np.sqrt(3)
    assert (mean, low, high) == pytest.approx((2.0, 2.0 - half, 2.0 + half), rel=1e-12)


@given(arrays(np.float64, st.integers(2, 12), elements=finite),
       st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_mean_ci_equals_scipy(x, level):
    mean, low, high = stats.mean_ci(x, level)
    assert mean == pytest.approx(x.mean(), abs=1e-9)
    if x.std(ddof=1) > 1e-9:
        lo, hi = ss.t.interval(level, len(x) - 1, loc=x.mean(), scale=ss.sem(x))
        assert (low, high) == pytest.approx((lo, hi), rel=1e-8, abs=1e-9)
    assert low <= mean <= high


@given(st.integers(2, 10).flatmap(lambda n: st.tuples(
    arrays(np.float64, n, elements=finite), arrays(np.float64, n, elements=finite))))
def test_paired_ci_equals_ttest_rel(ab):
    a, b = ab
    mean, low, high = stats.paired_ci(a, b)
    assert mean == pytest.approx((a - b).mean(), abs=1e-9)
    if (a - b).std(ddof=1) > 1e-9:
        ci = ss.ttest_rel(a, b).confidence_interval(0.95)
        assert (low, high) == pytest.approx((ci.low, ci.high), rel=1e-8, abs=1e-9)


def test_zero_spread_gives_a_point_interval():
    assert stats.mean_ci([0.5, 0.5, 0.5]) == (0.5, 0.5, 0.5)


def test_std_uses_ddof_1():
    assert stats.std([1.0, 2.0, 3.0]) == pytest.approx(1.0)


@pytest.mark.parametrize(("x", "error", "match"), [
    ([1.0], ValueError, "at least 2"),
    ([], ValueError, "at least 2"),
    ([1.0, np.nan], ValueError, "NaN"),
    ([1.0, np.inf], ValueError, "NaN or inf"),
    ("0.5", TypeError, "string"),
    ([[1.0, 2.0], [3.0, 4.0]], ValueError, "1-D"),
    (["a", "b"], TypeError, "real numbers"),
])
def test_mean_ci_refuses_bad_samples(x, error, match):
    with pytest.raises(error, match=match):
        stats.mean_ci(x)


@pytest.mark.parametrize("level", [0.0, 1.0, 1.5, -0.1])
def test_level_must_lie_in_open_unit_interval(level):
    with pytest.raises(ValueError, match="level"):
        stats.mean_ci([1.0, 2.0], level)


def test_paired_ci_needs_the_same_seeds():
    with pytest.raises(ValueError, match="same seeds"):
        stats.paired_ci([1.0, 2.0, 3.0], [1.0, 2.0])


def test_verdicts_follow_the_interval():
    a = np.array([0.80, 0.82, 0.81, 0.83, 0.80])
    better = stats.compare(a, a - 0.02 + np.array([0, 0.001, -0.001, 0.002, 0]), ("A", "B"),
                           scale=100, unit="points", fmt=".1f")
    assert better.verdict == "higher"
    assert better.sentence("test accuracy") == (
        "A is higher than B in test accuracy by 2.0 points (95 % CI 1.8 to 2.1, 5 paired seeds)")
    worse = stats.compare(a - 0.02 + np.array([0, 0.001, -0.001, 0.002, 0]), a, ("B", "A"))
    assert worse.verdict == "lower"
    noise = stats.compare(a, a[::-1], ("A", "B"), scale=100, unit="points", fmt=".1f")
    assert noise.verdict == "none"
    assert noise.sentence().startswith("no detectable difference between A and B: 0.0 points (95 % CI")


def test_claim_passes_and_fails_by_name():
    a = np.array([1.0, 1.1, 1.2, 1.3, 1.25])
    comp = stats.compare(a, a - 0.5, ("new", "old"))
    stats.claim("new beats old", comp, "higher")
    with pytest.raises(stats.ClaimError, match="'new is worse' expects verdict 'lower'"):
        stats.claim("new is worse", comp, "lower")
    stats.claim("all runs finished", holds=True)
    with pytest.raises(stats.ClaimError, match="all runs diverged"):
        stats.claim("all runs diverged", holds=False)


def test_claim_refuses_bad_arguments():
    comp = stats.compare([1.0, 2.0], [0.0, 1.5])
    with pytest.raises(ValueError, match="expected must be one of"):
        stats.claim("x", comp, "better")
    with pytest.raises(TypeError, match="holds must be a bool"):
        stats.claim("x", holds=1)
    with pytest.raises(TypeError, match="statement"):
        stats.claim("", holds=True)
    with pytest.raises(TypeError, match="names must be a pair"):
        stats.compare([1.0, 2.0], [0.0, 1.0], names="AB")
    with pytest.raises(ValueError, match="scale"):
        stats.compare([1.0, 2.0], [0.0, 1.0], scale=0)
