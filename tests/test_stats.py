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


# --- spreads and paired tests of two models (chapter "Evaluation") ---------------------------

@pytest.mark.parametrize("df", [1, 2, 5, 19, 29, 100])
@pytest.mark.parametrize("q", [0.025, 0.05, 0.5, 0.95, 0.975])
def test_chi2_quantile_equals_scipy(df, q):
    assert stats.chi2_quantile(q, df) == pytest.approx(ss.chi2.ppf(q, df), rel=1e-9)


@given(arrays(np.float64, st.integers(3, 40), elements=finite), st.sampled_from([0.8, 0.9, 0.95]))
def test_std_ci_equals_the_chi_square_interval_of_scipy(x, level):
    s, low, high = stats.std_ci(x, level)
    assert s == pytest.approx(x.std(ddof=1), rel=1e-12, abs=1e-12)
    df = x.size - 1
    lo = np.sqrt(df * s**2 / ss.chi2.ppf(0.5 + level / 2, df))
    hi = np.sqrt(df * s**2 / ss.chi2.ppf(0.5 - level / 2, df))
    assert (low, high) == pytest.approx((lo, hi), rel=1e-8, abs=1e-12)
    assert low <= s <= high


def test_std_ci_by_hand_and_coverage():
    # n = 2, s = 1/√2·|x1 − x2|; interval [s/√χ²_{0.975,1}, s/√χ²_{0.025,1}]
    s, low, _ = stats.std_ci([0.0, 1.0])
    assert s == pytest.approx(np.sqrt(0.5))
    assert low == pytest.approx(np.sqrt(0.5) / np.sqrt(5.023886187314888), rel=1e-9)
    rng = np.random.default_rng(0)
    covered = [lo <= 2.0 <= hi for lo, hi in
               (stats.std_ci(rng.normal(0, 2.0, 10))[1:] for _ in range(2000))]
    assert 0.93 < np.mean(covered) < 0.97


def _pairs(b, c, both_right=5, both_wrong=3):
    """Labels and predictions with b samples where only a is right and c where only b is."""
    y = np.zeros(b + c + both_right + both_wrong, dtype=int)
    a = np.r_[np.zeros(b), np.ones(c), np.zeros(both_right), np.ones(both_wrong)].astype(int)
    p = np.r_[np.ones(b), np.zeros(c), np.zeros(both_right), np.ones(both_wrong)].astype(int)
    return y, a, p


@pytest.mark.parametrize(("b", "c"), [(0, 0), (1, 0), (3, 9), (10, 10), (70, 59), (2, 25), (121, 59)])
def test_mcnemar_exact_equals_binomtest(b, c):
    stat, p = stats.mcnemar(*_pairs(b, c))
    assert stat == min(b, c)
    expected = 1.0 if b + c == 0 else ss.binomtest(b, b + c, 0.5).pvalue
    assert p == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize(("b", "c", "expected"), [
    # statsmodels' own test values (statsmodels/stats/tests/test_nonparametric.py,
    # test_mcnemar_chisquare: tables [[101, 121], [59, 33]] etc., exact=False, correction=True)
    (121, 59, (20.67222, 5.450095e-06)), (70, 59, (0.7751938, 0.3786151)), (80, 59, (2.87769784, 0.08981434))])
def test_mcnemar_chi_square_equals_statsmodels_values(b, c, expected):
    stat, p = stats.mcnemar(*_pairs(b, c), exact=False)
    assert (stat, p) == pytest.approx(expected, rel=1e-6)
    assert p == pytest.approx(ss.chi2.sf((abs(b - c) - 1) ** 2 / (b + c), 1), rel=1e-10)


def test_mcnemar_ignores_samples_both_get_right_or_wrong_and_is_symmetric():
    y, a, p = _pairs(4, 11, both_right=0, both_wrong=0)
    y2, a2, p2 = _pairs(4, 11, both_right=500, both_wrong=80)
    assert stats.mcnemar(y, a, p) == stats.mcnemar(y2, a2, p2)
    assert stats.mcnemar(y, a, p) == stats.mcnemar(y, p, a)


def test_bootstrap_diff_ci_matches_scipy_percentile_bootstrap():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 3, 400)
    a = np.where(rng.uniform(size=400) < 0.8, y, (y + 1) % 3)
    b = np.where(rng.uniform(size=400) < 0.7, y, (y + 1) % 3)
    diff, low, high = stats.bootstrap_diff_ci(y, a, b, n_boot=20000, rng=2)
    assert diff == pytest.approx(np.mean(a == y) - np.mean(b == y))
    ref = ss.bootstrap(((a == y).astype(float), (b == y).astype(float)),
                       lambda u, v, axis=-1: u.mean(axis=axis) - v.mean(axis=axis),
                       paired=True, n_resamples=20000, method="percentile", rng=3).confidence_interval
    # two Monte Carlo estimates of the same quantiles: equal to within their resampling noise
    assert (low, high) == pytest.approx((ref.low, ref.high), abs=0.006)
    assert low < diff < high


def test_bootstrap_diff_ci_is_reproducible_and_zero_for_identical_models():
    y = np.arange(50) % 2
    a = np.r_[y[:40], 1 - y[40:]]
    assert stats.bootstrap_diff_ci(y, a, y, rng=5) == stats.bootstrap_diff_ci(y, a, y, rng=5)
    assert stats.bootstrap_diff_ci(y, a, a, rng=0) == (0.0, 0.0, 0.0)


@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda: stats.mcnemar([0, 1], [0, 1, 1], [0, 1]), ValueError, "one entry per test sample"),
    (lambda: stats.mcnemar([[0, 1]], [0, 1], [0, 1]), ValueError, "1-D"),
    (lambda: stats.bootstrap_diff_ci([0, 1], [0, 1], [1, 1], n_boot=5), ValueError, "n_boot"),
    (lambda: stats.bootstrap_diff_ci([0, 1], [0, 1], [1, 1], rng="x"), TypeError, "rng"),
    (lambda: stats.bootstrap_diff_ci([0, 1], [0, 1], [1, 1], level=1.0), ValueError, "level"),
    (lambda: stats.std_ci([1.0]), ValueError, "at least 2"),
    (lambda: stats.chi2_quantile(0.5, 0), ValueError, "df"),
])
def test_paired_tests_refuse_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --- borderline verdicts -------------------------------------------------------------

def _comparison(low: float, high: float) -> stats.Comparison:
    return stats.Comparison("A", "B", (low + high) / 2, low, high, n=5, unit="points")


@pytest.mark.parametrize(
    ("low", "high", "borderline"),
    [
        (-0.6, 10.5, True),  # chapter 5's case: end 0.6 from 0, 0.25 * 5.55 = 1.39
        (1.5, 10.5, False),  # 1.5 > 0.25 * 4.5 = 1.125
        (1.0, 9.0, True),  # 1.0 <= 0.25 * 4.0 = 1.0: the edge counts
        (-10.0, -0.5, True),  # the same below 0
        (-3.0, 3.0, False),  # a clear "none"
        (-0.1, 0.1, False),  # a tight "none": each end a full half-width from 0
        (-0.04, 0.36, True),  # a "none" whose lower end is next to 0
    ],
)
def test_borderline_is_the_nearest_end_within_a_quarter_half_width(low, high, borderline):
    assert stats.BORDERLINE == 0.25
    assert _comparison(low, high).borderline is borderline


def test_hedged_drops_the_verdict_only_when_borderline():
    clear = _comparison(2.0, 10.0)
    assert clear.hedged("test accuracy") == clear.sentence("test accuracy")
    assert clear.hedged().startswith("A is higher than B by 6.0 points")
    edge = _comparison(-0.6, 10.5)
    assert edge.hedged("test accuracy") == (
        "A minus B in test accuracy, 5.0 points (95 % CI -0.6 to 10.5, 5 paired seeds; "
        "the interval ends next to zero, so no verdict)"
    )
    assert clear.without_verdict("loss", "not tested") == (
        "A minus B in loss, 6.0 points (95 % CI 2.0 to 10.0, 5 paired seeds; not tested)"
    )


def test_claim_refuses_a_borderline_verdict_either_way():
    for low, high, verdict in ((0.5, 10.5, "higher"), (-0.5, 9.5, "none")):
        comp = _comparison(low, high)
        assert comp.verdict == verdict
        with pytest.raises(stats.ClaimError, match="borderline interval: 'x'"):
            stats.claim("x", comp, verdict)
    stats.claim("clear", _comparison(3.0, 10.0), "higher")
