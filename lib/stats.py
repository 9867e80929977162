"""The statistics behind every comparison in the book.

A result is a mean over seeds with a 95 % Student-t interval ({eq}`eq-mean-ci`), and two
methods run on the same seeds are compared by the interval of their paired differences
({eq}`eq-paired-ci`). :func:`compare` turns such a comparison into the sentence a
chapter glues, and :func:`claim` checks that the sentence a chapter states still follows
from the numbers, so that a claim that stops holding fails the notebook tests by name.

The verdict follows the interval: "A is higher" only when the whole interval lies above
zero, "lower" when it lies below, otherwise "no detectable difference", reported with
the interval (which says how large a difference the experiment could have missed).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._checks import check_fraction, check_labels, check_real, check_rng

VERDICTS = ("higher", "lower", "none")
# A verdict whose interval ends within this fraction of its half-width of 0 is
# borderline (Comparison.borderline). Chapter 5's LeCun + SELU against He interval
# (-0.6 to 10.5 points, its end 0.11 half-widths from 0) excluded 0 on the
# Sandybridge OpenBLAS kernel; 0.25 leaves a margin over that.
BORDERLINE = 0.25


def _betainc(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b), by its continued fraction
    (Lentz's method, as in Numerical Recipes §6.4)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    # the fraction converges fast only below this point
    if x > (a + 1.0) / (a + b + 2.0):
        return 1.0 - _betainc(b, a, 1.0 - x)
    log_front = (
        math.lgamma(a + b)
        - math.lgamma(a)
        - math.lgamma(b)
        + a * math.log(x)
        + b * math.log1p(-x)
    )
    tiny, c, d = 1e-300, 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    f = d
    for m in range(1, 500):
        for num in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + num * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + num / c
            c = c if abs(c) > tiny else tiny
            f *= c * d
        if abs(c * d - 1.0) < 1e-15:
            break
    return math.exp(log_front) * f / a


def _check_df(df: int) -> int:
    if isinstance(df, bool) or not isinstance(df, int | np.integer) or df < 1:
        raise ValueError(f"df must be an integer >= 1 (degrees of freedom), got {df!r}")
    return int(df)


def t_cdf(t: float, df: int) -> float:
    """P(T ≤ t) for Student's t with ``df`` degrees of freedom: 1 − ½
    I_{ν/(ν+t²)}(ν/2, ½).
    """
    t = check_real("t", t, finite=False)
    _check_df(df)
    return _t_cdf(t, df)


def _t_cdf(t: float, df: int) -> float:
    """:func:`t_cdf` without its checks (:func:`t_quantile`'s bisection calls it)."""
    tail = 0.5 * _betainc(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


def t_quantile(q: float, df: int) -> float:
    """The q-quantile of Student's t with ``df`` degrees of freedom (equals
    ``scipy.stats.t.ppf``), found by bisection on :func:`t_cdf`; lib stays NumPy-only.
    """
    q = check_fraction("q", q, closed_left=False)
    if isinstance(df, bool) or not isinstance(df, int | np.integer) or df < 1:
        raise ValueError(f"df must be an integer >= 1, got {df!r}")
    if q < 0.5:
        return -t_quantile(1.0 - q, df)
    lo, hi = 0.0, 1.0
    while _t_cdf(hi, df) < q:
        hi *= 2.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if _t_cdf(mid, df) < q else (lo, mid)
        if hi - lo < 1e-14 * max(1.0, hi):
            break
    return 0.5 * (lo + hi)


def _samples(name: str, x: object, *, min_size: int = 2) -> np.ndarray:
    """``x`` as a 1-D float64 array of at least ``min_size`` finite values."""
    if isinstance(x, str | bytes):
        raise TypeError(f"{name} must be a sequence of numbers, got a string {x!r}")
    arr = np.asarray(x)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype} ({x!r})")
    arr = arr.astype(np.float64).reshape(-1) if arr.ndim <= 1 else None
    if arr is None:
        raise ValueError(
            f"{name} must be 1-D (one value per seed), got shape {np.shape(x)}"
        )
    if arr.size < min_size:
        raise ValueError(
            f"{name} must hold at least {min_size} values (one per seed) for an "
            f"interval, got {arr.size}"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(
            f"{name} contains NaN or inf ({arr.tolist()}); a diverged run must be "
            "handled before it is averaged"
        )
    return arr


def _level(level: float) -> float:
    level = check_fraction("level", level, closed_left=False)
    return level


def mean_ci(x: object, level: float = 0.95) -> tuple[float, float, float]:
    """Mean of ``x`` with its Student-t confidence interval (Implements
    {eq}`eq-mean-ci`).

    x̄ ± t_{(1+level)/2, n−1} · s / √n with s the sample standard deviation (ddof = 1).
    Returns ``(mean, low, high)``; equals ``scipy.stats.t.interval(level, n − 1, x̄,
    s/√n)``. With zero spread the interval is the single point x̄.
    """
    arr = _samples("x", x)
    level = _level(level)
    n = arr.size
    with np.errstate(over="ignore"):
        mean = float(arr.mean())
        se = float(arr.std(ddof=1)) / math.sqrt(n)
        half = t_quantile(0.5 + level / 2, n - 1) * se
    if not math.isfinite(mean - half) or not math.isfinite(mean + half):
        return _scaled_mean_ci(arr, level)
    return mean, mean - half, mean + half


def _scaled_mean_ci(arr: np.ndarray, level: float) -> tuple[float, float, float]:
    """:func:`mean_ci` of values so large that their sum or squares overflow: computed
    for x / max|x| and scaled back; a ValueError if the interval itself exceeds the
    float range."""
    scale = float(np.abs(arr).max())
    mean, low, high = mean_ci(arr / scale, level)
    with np.errstate(over="ignore"):
        out = mean * scale, low * scale, high * scale
    if not all(math.isfinite(v) for v in out):
        raise ValueError(
            f"x holds values up to {scale:.3g} in magnitude, so large "
            "that its interval exceeds the float64 range; rescale x "
            "(e.g. to other units)"
        )
    return out


def paired_ci(a: object, b: object, level: float = 0.95) -> tuple[float, float, float]:
    """Mean of the paired differences a − b with its t interval (Implements
    {eq}`eq-paired-ci`).

    ``a[i]`` and ``b[i]`` must come from the same seed i (same initial weights, same
    batch order). Returns ``(mean of a − b, low, high)``; equals
    ``scipy.stats.ttest_rel(a, b).confidence_interval(level)``.
    """
    a_arr, b_arr = _samples("a", a), _samples("b", b)
    if a_arr.shape != b_arr.shape:
        raise ValueError(
            f"a and b must hold one value per seed for the same seeds, got "
            f"{a_arr.size} and {b_arr.size} values"
        )
    with np.errstate(over="ignore"):
        diff = a_arr - b_arr
    if not np.all(np.isfinite(diff)):
        raise ValueError(
            "a - b overflows the float64 range (values near 1e308); rescale a and b"
        )
    return mean_ci(diff, level)


def std(x: object) -> float:
    """Sample standard deviation with ddof = 1 (the spread of one run around the
    mean).
    """
    arr = _samples("x", x)
    with np.errstate(over="ignore"):
        s = float(arr.std(ddof=1))
    if not math.isfinite(s):
        scale = float(np.abs(arr).max())
        s = float((arr / scale).std(ddof=1)) * scale
        if not math.isfinite(s):
            raise ValueError(
                f"x holds values up to {scale:.3g}, whose spread overflows "
                "float64; rescale x"
            )
    return s


@dataclass(frozen=True)
class Comparison:
    """A paired comparison of ``a`` against ``b`` over the same seeds, on a display
    scale.

    ``mean``, ``low`` and ``high`` are the mean difference a − b and its interval,
    multiplied by ``scale`` (100 turns accuracies into percentage points).
    """

    a: str
    b: str
    mean: float
    low: float
    high: float
    n: int
    level: float = 0.95
    unit: str = "points"
    fmt: str = ".1f"

    def __post_init__(self) -> None:
        for name in ("a", "b", "unit", "fmt"):
            if not isinstance(getattr(self, name), str):
                raise TypeError(f"{name} must be a string, got {getattr(self, name)!r}")
        try:
            format(1.0, self.fmt)
        except ValueError:
            raise ValueError(
                f"fmt must be a format spec for numbers such as '.1f', got {self.fmt!r}"
            ) from None
        level = self.level
        if isinstance(level, bool) or not isinstance(level, int | float | np.floating):
            raise TypeError(f"level must be a number in (0, 1), got {level!r}")
        for name in ("mean", "low", "high"):
            v = getattr(self, name)
            number = isinstance(v, int | float | np.floating)
            number = number and not isinstance(v, bool)
            if not number or not math.isfinite(v):
                raise ValueError(f"{name} must be a finite number, got {v!r}")
        if not self.low <= self.mean <= self.high:
            raise ValueError(
                f"the interval must hold the mean, low <= mean <= high, "
                f"got low={self.low!r}, mean={self.mean!r}, "
                f"high={self.high!r}"
            )
        n = self.n
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 2:
            raise ValueError(f"n must be an integer >= 2 (paired seeds), got {n!r}")
        if not 0 < self.level < 1:
            raise ValueError(f"level must lie in (0, 1), got {self.level!r}")

    @property
    def verdict(self) -> str:
        """ "higher" (interval above 0), "lower" (below 0) or "none" (it contains 0)."""
        if self.low > 0:
            return "higher"
        if self.high < 0:
            return "lower"
        return "none"

    @property
    def borderline(self) -> bool:
        """True when the end of the interval nearest 0 lies within
        ``BORDERLINE`` × the half-width of 0 (on either side).

        Such a verdict rests on the last bits of the arithmetic: re-run on another CPU
        (another BLAS kernel) every training run changes a little, the interval moves
        by a fraction of its half-width, and the verdict can flip. The book reports
        these with :meth:`hedged` and does not :func:`claim` them.
        """
        half = (self.high - self.low) / 2
        return min(abs(self.low), abs(self.high)) <= BORDERLINE * half

    def hedged(self, measure: str = "") -> str:
        """:meth:`sentence`, or, when the comparison is :attr:`borderline`, the
        difference without a verdict, e.g. "A minus B in test accuracy, 5.0 points
        (95 % CI −0.6 to 10.5, 5 paired seeds; the interval ends next to zero, so no
        verdict)"."""
        if not self.borderline:
            return self.sentence(measure)
        return self.without_verdict(
            measure, "the interval ends next to zero, so no verdict"
        )

    def without_verdict(self, measure: str, reason: str) -> str:
        """The difference and its interval with ``reason`` in place of a verdict, for a
        comparison whose verdict the book withholds (borderline, or one that did not
        hold on another OpenBLAS kernel, ``scripts/other_blas.sh``)."""
        what = f" in {measure}" if measure else ""
        unit = f" {self.unit}" if self.unit else ""
        return (
            f"{self.a} minus {self.b}{what}, {self.mean:{self.fmt}}{unit} "
            f"({self.interval()}, {self.n} paired seeds; {reason})"
        )

    def interval(self) -> str:
        """The interval as text, e.g. "95 % CI 0.4 to 2.0"."""
        f = self.fmt
        return f"{self.level * 100:g} % CI {self.low:{f}} to {self.high:{f}}"

    def sentence(self, measure: str = "") -> str:
        """The verdict in words, e.g. "A is higher than B by 1.2 points (95 % CI 0.4 to
        2.0, 5 paired seeds)" or "no detectable difference between A and B: 0.1 points
        (95 % CI −0.3 to 0.5, 5 paired seeds)". ``measure`` names what is compared
        ("test accuracy")."""
        f, what = self.fmt, f" in {measure}" if measure else ""
        tail = f"({self.interval()}, {self.n} paired seeds)"
        unit = f" {self.unit}" if self.unit else ""
        if self.verdict == "none":
            return (
                f"no detectable difference between {self.a} and {self.b}{what}: "
                f"{self.mean:{f}}{unit} {tail}"
            )
        size = abs(self.mean)
        return (
            f"{self.a} is {self.verdict} than {self.b}{what} by {size:{f}}{unit} {tail}"
        )

    def __str__(self) -> str:
        return self.sentence()


def compare(
    a: object,
    b: object,
    names: tuple[str, str] = ("A", "B"),
    *,
    level: float = 0.95,
    scale: float = 1.0,
    unit: str = "",
    fmt: str = ".3g",
) -> Comparison:
    """Compare ``a`` with ``b`` paired by seed (Implements {eq}`eq-paired-ci`).

    ``scale`` and ``unit`` set how the difference is reported:
    ``scale=100, unit="points", fmt=".1f"`` for accuracies. The verdict is read off the
    interval only.
    """
    if not (
        isinstance(names, tuple | list)
        and len(names) == 2
        and all(isinstance(s, str) for s in names)
    ):
        raise TypeError(
            f"names must be a pair of strings (name of a, name of b), got {names!r}"
        )
    if (
        isinstance(scale, bool)
        or not isinstance(scale, int | float)
        or not math.isfinite(scale)
        or scale <= 0
    ):
        raise ValueError(f"scale must be a finite number > 0, got {scale!r}")
    mean, low, high = paired_ci(a, b, level)
    return Comparison(
        names[0],
        names[1],
        mean * scale,
        low * scale,
        high * scale,
        n=int(np.size(a)),
        level=level,
        unit=unit,
        fmt=fmt,
    )


class ClaimError(AssertionError):
    """A sentence of the book no longer follows from the numbers it is built on."""


def claim(
    statement: str,
    comparison: Comparison | None = None,
    expected: str | None = None,
    *,
    holds: bool | None = None,
) -> None:
    """Check a claim the prose makes; raise :class:`ClaimError` naming it when it fails.

    Either ``comparison`` with the ``expected`` verdict ("higher", "lower" or "none"),
    or a boolean ``holds`` computed by the caller (for claims that are not a paired
    comparison, e.g. "every seed diverged"). Used in the check cell after an experiment,
    so that the notebook tests fail with the claim's own words when new numbers stop
    supporting it.
    """
    if not isinstance(statement, str) or not statement:
        raise TypeError(
            "statement must be a non-empty string (the claim in words), got "
            f"{statement!r}"
        )
    if comparison is not None:
        if not isinstance(comparison, Comparison):
            raise TypeError(
                f"comparison must be a lib.stats.Comparison (from compare), "
                f"got {comparison!r}"
            )
        if holds is not None:
            raise TypeError("pass either comparison (with expected) or holds, not both")
        if expected not in VERDICTS:
            raise ValueError(f"expected must be one of {VERDICTS}, got {expected!r}")
        if comparison.borderline:
            raise ClaimError(
                f"claim rests on a borderline interval: {statement!r} expects verdict "
                f"{expected!r}, but the interval ends next to zero and the verdict "
                f"could flip on another machine ({comparison.sentence()}); report it "
                f"with Comparison.hedged() and do not claim a verdict"
            )
        if comparison.verdict != expected:
            raise ClaimError(
                f"claim no longer holds: {statement!r} expects verdict {expected!r}, "
                f"but the numbers say: {comparison.sentence()}"
            )
        return
    if not isinstance(holds, bool | np.bool_):
        raise TypeError(
            f"holds must be a bool (or pass comparison and expected), got {holds!r}"
        )
    if not holds:
        raise ClaimError(f"claim no longer holds: {statement!r}")


# --- Spreads, paired tests of two models on one test set (chapter "Evaluation")
# -------------


def _gammainc(a: float, x: float) -> float:
    """The regularised lower incomplete gamma function P(a, x), by its series below x =
    a + 1 and by the continued fraction of Q = 1 − P above (Numerical Recipes §6.2)."""
    if x <= 0.0:
        return 0.0
    log_front = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1.0:
        term = total = 1.0 / a
        for n in range(1, 1000):
            term *= x / (a + n)
            total += term
            if abs(term) < abs(total) * 1e-16:
                break
        return total * math.exp(log_front)
    tiny = 1e-300
    b, c, d = x + 1.0 - a, 1.0 / tiny, 1.0 / (x + 1.0 - a)
    f = d
    for i in range(1, 1000):
        num = -i * (i - a)
        b += 2.0
        d = num * d + b
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = b + num / c
        c = c if abs(c) > tiny else tiny
        f *= d * c
        if abs(d * c - 1.0) < 1e-16:
            break
    return 1.0 - math.exp(log_front) * f


def chi2_cdf(x: float, df: int) -> float:
    """P(X ≤ x) for a chi-square variable with ``df`` degrees of freedom: P(df/2,
    x/2).
    """
    x = check_real("x", x, finite=False)
    _check_df(df)
    if x == math.inf:
        return 1.0
    return _chi2_cdf(x, df)


def _chi2_cdf(x: float, df: int) -> float:
    return _gammainc(df / 2.0, x / 2.0) if x > 0 else 0.0


def chi2_quantile(q: float, df: int) -> float:
    """The q-quantile of the chi-square distribution with ``df`` degrees of freedom
    (equals ``scipy.stats.chi2.ppf``), by bisection on :func:`chi2_cdf`."""
    q = check_fraction("q", q, closed_left=False)
    if q >= 1.0:
        raise ValueError(f"q must lie in (0, 1), got {q}")
    if isinstance(df, bool) or not isinstance(df, int | np.integer) or df < 1:
        raise ValueError(f"df must be an integer >= 1, got {df!r}")
    lo, hi = 0.0, max(1.0, float(df))
    while _chi2_cdf(hi, df) < q:
        lo, hi = hi, 2.0 * hi
    for _ in range(300):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if _chi2_cdf(mid, df) < q else (lo, mid)
        if hi - lo < 1e-13 * max(1.0, hi):
            break
    return 0.5 * (lo + hi)


def std_ci(x: object, level: float = 0.95) -> tuple[float, float, float]:
    """Sample standard deviation s (ddof = 1) with its chi-square interval (Implements
    {eq}`eq-std-ci`).

    For n values from a normal distribution, (n − 1) s² / σ² follows χ²_{n−1}, so σ lies
    in [s √((n−1)/χ²_{(1+level)/2}), s √((n−1)/χ²_{(1−level)/2})] with probability
    ``level``. Returns ``(s, low, high)``. The interval is exact only for normal data;
    for accuracies over many seeds that is a fair approximation, and a bootstrap is the
    alternative.
    """
    arr = _samples("x", x)
    level = _level(level)
    if level >= 1.0:
        raise ValueError(f"level must lie in (0, 1), got {level}")
    df = arr.size - 1
    s = std(arr)
    upper_q, lower_q = (
        chi2_quantile(0.5 + level / 2, df),
        chi2_quantile(0.5 - level / 2, df),
    )
    return s, s * math.sqrt(df / upper_q), s * math.sqrt(df / lower_q)


def _paired_predictions(
    y: object, pred_a: object, pred_b: object
) -> tuple[np.ndarray, np.ndarray]:
    """Whether model a and model b are right on each sample: two boolean arrays."""
    arrays = []
    for name, v in (("y", y), ("pred_a", pred_a), ("pred_b", pred_b)):
        arr = np.asarray(v)
        if arr.ndim != 1 or arr.size == 0:
            raise ValueError(
                f"{name} must be a non-empty 1-D array of labels, got shape {arr.shape}"
            )
        arrays.append(check_labels(name, arr))  # scores or probabilities are refused
    y_arr, a_arr, b_arr = arrays
    if not (y_arr.size == a_arr.size == b_arr.size):
        raise ValueError(
            f"y, pred_a and pred_b must have one entry per test sample, got sizes "
            f"{y_arr.size}, {a_arr.size} and {b_arr.size}"
        )
    return a_arr == y_arr, b_arr == y_arr


def _binom_cdf_half(k: int, n: int) -> float:
    """P(K ≤ k) for K ~ Binomial(n, ½), summed in log space."""
    logs = [
        math.lgamma(n + 1)
        - math.lgamma(i + 1)
        - math.lgamma(n - i + 1)
        - n * math.log(2.0)
        for i in range(k + 1)
    ]
    top = max(logs)
    return math.exp(top) * sum(math.exp(v - top) for v in logs)


def mcnemar(
    y: object, pred_a: object, pred_b: object, *, exact: bool = True
) -> tuple[float, float]:
    """McNemar's test that two models have the same accuracy, from their predictions on
    the same test samples (Implements {eq}`eq-mcnemar`).

    Only the discordant samples count: b = #(a right, b wrong), c = #(a wrong, b right).
    Under the null hypothesis each discordant sample is a fair coin, b ~ Binomial(b + c,
    ½). ``exact=True`` returns ``(min(b, c), p)`` with the two-sided binomial p-value p
    = min(1, 2 P(K ≤ min(b, c))), as
    ``statsmodels.stats.contingency_tables.mcnemar(table, exact=True)`` and
    ``scipy.stats.binomtest(b, b + c, 0.5).pvalue``; ``exact=False`` returns the
    chi-square statistic with Edwards' continuity correction, (|b − c| − 1)² / (b + c),
    and its p-value on one degree of freedom (statsmodels'
    ``exact=False, correction=True``). With no discordant sample the p-value is 1.
    """
    right_a, right_b = _paired_predictions(y, pred_a, pred_b)
    b = int(np.sum(right_a & ~right_b))
    c = int(np.sum(~right_a & right_b))
    n = b + c
    if exact:
        k = min(b, c)
        return float(k), (1.0 if n == 0 else min(1.0, 2.0 * _binom_cdf_half(k, n)))
    if n == 0:
        return 0.0, 1.0
    statistic = (abs(b - c) - 1.0) ** 2 / n
    return statistic, math.erfc(math.sqrt(statistic / 2.0))  # chi2.sf(statistic, df=1)


MAX_BOOT_DRAWS = 50_000_000
"""Largest n_boot × n :func:`bootstrap_diff_ci` draws (indices and values: 800 MB)."""


def bootstrap_diff_ci(
    y: object,
    pred_a: object,
    pred_b: object,
    n_boot: int = 2000,
    rng: np.random.Generator | int = 0,
    level: float = 0.95,
) -> tuple[float, float, float]:
    """Accuracy of model a minus that of model b on one test set, with a percentile
    bootstrap interval (Implements {eq}`eq-bootstrap-diff`).

    The test samples are resampled with replacement ``n_boot`` times, the SAME resample
    for both models (the comparison stays paired), and the interval is the (1 ± level)/2
    quantiles of the resampled differences (``numpy.quantile``'s default linear rule, as
    ``scipy.stats.bootstrap(..., paired=True, method="percentile")``). Returns
    ``(difference, low, high)``. It measures the test set's sampling noise only: the two
    trained models are held fixed, so it says nothing about another training seed.
    """
    right_a, right_b = _paired_predictions(y, pred_a, pred_b)
    if (
        isinstance(n_boot, bool)
        or not isinstance(n_boot, int | np.integer)
        or n_boot < 10
    ):
        raise ValueError(f"n_boot must be an integer >= 10, got {n_boot!r}")
    draws = n_boot * right_a.size
    if draws > MAX_BOOT_DRAWS:
        raise ValueError(
            f"n_boot={n_boot} resamples of {right_a.size} samples would "
            f"draw {draws} indices, more than {MAX_BOOT_DRAWS} "
            f"({16 * draws / 1e9:.3g} GB); lower n_boot"
        )
    level = _level(level)
    if level >= 1.0:
        raise ValueError(f"level must lie in (0, 1), got {level}")
    rng = check_rng("rng", rng)
    diff = right_a.astype(np.float64) - right_b.astype(np.float64)
    idx = rng.integers(0, diff.size, size=(int(n_boot), diff.size))
    boot = diff[idx].mean(axis=1)
    low, high = np.quantile(boot, [0.5 - level / 2, 0.5 + level / 2])
    return float(diff.mean()), float(low), float(high)
