"""lib._checks: the shared validators accept what they promise and name the argument when they refuse."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib import _checks

not_a_number = st.one_of(st.text(max_size=3), st.none(), st.booleans(), st.lists(st.integers(), max_size=2))


@given(st.one_of(st.floats(min_value=1e-300, max_value=1e300), st.integers(1, 10**6)))
def test_check_positive_accepts_positive_numbers(v):
    out = _checks.check_positive("lr", v)
    assert out == float(v) and isinstance(out, float)


@given(st.one_of(st.floats(max_value=0.0), st.just(math.nan), st.just(math.inf), st.integers(-(2**63), 0)))
def test_check_positive_rejects_nonpositive_or_nonfinite(v):
    with pytest.raises(ValueError, match=r"^lr must be a finite number > 0, got"):
        _checks.check_positive("lr", v)


@given(not_a_number)
def test_numeric_checks_reject_non_numbers(v):
    for check in (_checks.check_positive, _checks.check_nonnegative, _checks.check_fraction):
        with pytest.raises(TypeError, match=r"^beta must be a real number"):
            check("beta", v)


def test_check_nonnegative_boundary():
    assert _checks.check_nonnegative("alpha", 0) == 0.0
    assert _checks.check_nonnegative("alpha", np.float32(0.5)) == 0.5
    with pytest.raises(ValueError, match="alpha must be a finite number >= 0, got -1e-12"):
        _checks.check_nonnegative("alpha", -1e-12)
    with pytest.raises(ValueError, match="alpha"):
        _checks.check_nonnegative("alpha", math.inf)


@given(st.floats(allow_nan=True))
def test_check_fraction_is_the_half_open_unit_interval(v):
    if 0 <= v < 1:
        assert _checks.check_fraction("beta", v) == v
    else:
        with pytest.raises(ValueError, match=r"beta must lie in \[0, 1\)"):
            _checks.check_fraction("beta", v)
    if 0 < v < 1:
        assert _checks.check_fraction("eps", v, closed_left=False) == v
    else:
        with pytest.raises(ValueError, match=r"eps must lie in \(0, 1\)"):
            _checks.check_fraction("eps", v, closed_left=False)


@given(st.integers(-5, 5), st.integers(-2, 2))
def test_check_int(v, minimum):
    if v >= minimum:
        assert _checks.check_int("k", v, minimum=minimum) == v
        assert _checks.check_int("k", np.int64(v), minimum=minimum) == v
    else:
        with pytest.raises(ValueError, match=f"k must be an integer >= {minimum}, got {v}"):
            _checks.check_int("k", v, minimum=minimum)


@pytest.mark.parametrize("v", [2.0, True, "3", None, np.float64(1.0)])
def test_check_int_rejects_non_integers(v):
    with pytest.raises(TypeError, match="k must be an integer"):
        _checks.check_int("k", v)


def test_check_rng():
    g = np.random.default_rng(5)
    assert _checks.check_rng("rng", g) is g
    np.testing.assert_array_equal(_checks.check_rng("rng", 5).random(3), np.random.default_rng(5).random(3))
    assert isinstance(_checks.check_rng("rng", np.int32(5)), np.random.Generator)
    for bad in (None, 1.5, True, np.random.RandomState(0)):
        with pytest.raises(TypeError, match=r"rng must be a numpy\.random\.Generator or an int seed"):
            _checks.check_rng("rng", bad)


def test_check_array():
    out = _checks.check_array("X", [[1, 2], [3, 4]], ndim=2)
    assert isinstance(out, np.ndarray) and out.shape == (2, 2)
    with pytest.raises(ValueError, match=r"X must be a 2-D array, got shape \(3,\)"):
        _checks.check_array("X", np.zeros(3), ndim=2)
    with pytest.raises(TypeError, match="X must be numeric"):
        _checks.check_array("X", np.array(["a"]))
    with pytest.raises(ValueError, match="X contains NaN or inf"):
        _checks.check_array("X", np.array([1.0, np.inf]))
    assert np.isnan(_checks.check_array("X", np.array([np.nan]), finite=False)[0])


def test_check_features():
    x = np.zeros((4, 3))
    assert _checks.check_features("x", x, 3) is x
    with pytest.raises(ValueError, match=r"x must have shape \(batch, 2\), got shape \(4, 3\)"):
        _checks.check_features("x", x, 2)
