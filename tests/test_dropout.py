"""Tests of lib.layers.Dropout (inverted) and lib.layers.AlphaDropout."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib import layers
from lib.layers import SELU_ALPHA, SELU_LAMBDA


@pytest.mark.parametrize("rate", [0.1, 0.5, 0.8])
def test_dropout_mask_rate_and_expected_value(rate):
    d = layers.Dropout(rate, np.random.default_rng(0))
    x = np.full((400, 500), 2.0)
    y = d.forward(x, training=True)
    dropped = np.mean(y == 0)
    assert dropped == pytest.approx(rate, abs=0.005)           # 200 000 Bernoulli draws
    np.testing.assert_allclose(np.unique(y), sorted({0.0, 2.0 / (1 - rate)}))  # inverted scaling
    assert y.mean() == pytest.approx(2.0, rel=0.02)             # E[y] = x


@given(st.floats(0.0, 0.95), st.integers(0, 2**32 - 1))
def test_dropout_inference_is_identity(rate, seed):
    d = layers.Dropout(rate, seed)
    x = np.random.default_rng(seed).standard_normal((5, 3))
    y = d.forward(x, training=False)
    np.testing.assert_array_equal(y, x)
    np.testing.assert_array_equal(d.backward(np.ones_like(x)), 1.0)


def test_dropout_rate_zero_is_identity_in_training():
    d = layers.Dropout(0.0, 0)
    x = np.random.default_rng(1).standard_normal((4, 6))
    np.testing.assert_array_equal(d.forward(x, training=True), x)


@given(st.floats(0.05, 0.9), st.integers(0, 2**32 - 1))
def test_dropout_backward_uses_the_forward_mask(rate, seed):
    d = layers.Dropout(rate, seed)
    x = np.random.default_rng(seed).uniform(1.0, 2.0, (6, 7))  # no zeros, so y / x is the scaled mask
    y = d.forward(x, training=True)
    dout = np.random.default_rng(seed + 1).standard_normal(x.shape)
    np.testing.assert_allclose(d.backward(dout), dout * (y / x))


def test_dropout_float32_stays_float32():
    d = layers.Dropout(0.3, 0)
    y = d.forward(np.ones((3, 3), dtype=np.float32), training=True)
    assert y.dtype == np.float32


@pytest.mark.parametrize(("rate", "err"), [(1.0, ValueError), (-0.1, ValueError), ("0.5", TypeError)])
def test_dropout_bad_rate(rate, err):
    with pytest.raises(err, match="rate"):
        layers.Dropout(rate, 0)
    with pytest.raises(err, match="rate"):
        layers.AlphaDropout(rate, 0)


def test_dropout_needs_generator_or_seed():
    with pytest.raises(TypeError, match="rng"):
        layers.Dropout(0.5, None)


@pytest.mark.parametrize("rate", [0.05, 0.1, 0.3, 0.5])
def test_alpha_dropout_keeps_mean_zero_std_one(rate):
    x = np.random.default_rng(0).standard_normal((1000, 500))
    y = layers.AlphaDropout(rate, np.random.default_rng(1)).forward(x, training=True)
    assert abs(y.mean()) < 0.01
    assert y.std() == pytest.approx(1.0, abs=0.01)
    # plain dropout on the same input inflates the variance to 1 / (1 − p)
    z = layers.Dropout(rate, np.random.default_rng(1)).forward(x, training=True)
    assert z.var() == pytest.approx(1 / (1 - rate), rel=0.02)


def test_alpha_dropout_constants_match_keras_formula():
    p = 0.2
    d = layers.AlphaDropout(p, 0)
    alpha_p = -SELU_LAMBDA * SELU_ALPHA
    a = ((1 - p) * (1 + p * alpha_p**2)) ** -0.5  # keras.layers.AlphaDropout
    assert d.a == pytest.approx(a)
    assert d.b == pytest.approx(-a * alpha_p * p)


def test_alpha_dropout_forward_and_backward_are_affine_per_unit():
    d = layers.AlphaDropout(0.4, np.random.default_rng(2))
    x = np.random.default_rng(3).standard_normal((50, 40))
    y = d.forward(x, training=True)
    kept = np.isclose(y, d.a * x + d.b)
    dropped = np.isclose(y, d.a * d.alpha_p + d.b)
    assert np.all(kept | dropped)
    assert np.mean(dropped) == pytest.approx(0.4, abs=0.03)
    g = d.backward(np.ones_like(x))
    np.testing.assert_allclose(g, np.where(kept, d.a, 0.0))


def test_alpha_dropout_inference_is_identity():
    d = layers.AlphaDropout(0.3, 0)
    x = np.random.default_rng(0).standard_normal((4, 5))
    np.testing.assert_array_equal(d.forward(x), x)
    np.testing.assert_array_equal(d.backward(np.ones_like(x)), 1.0)


def test_alpha_dropout_keeps_deep_selu_network_normalised():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2000, 100))
    for _ in range(10):
        x = layers.Dense(100, 100, "lecun_normal", rng).forward(x)
        x = layers.SELU().forward(x)
        x = layers.AlphaDropout(0.1, rng).forward(x, training=True)
    assert abs(x.mean()) < 0.15
    assert x.std() == pytest.approx(1.0, abs=0.15)
