"""Tests of lib.layers.BatchNorm: gradients, normalisation, running statistics, inference, dtypes."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.gradcheck import check_layer, numerical_gradient, relative_error
from lib.layers import BatchNorm, Dense, ReLU
from lib.losses import SoftmaxCrossEntropy
from lib.model import Sequential


def random_bn(n_features: int, seed: int = 0, **kwargs) -> BatchNorm:
    """A BatchNorm whose γ and β are not the identity, so that their gradients matter."""
    rng = np.random.default_rng(seed)
    bn = BatchNorm(n_features, **kwargs)
    bn.params["gamma"][...] = rng.uniform(0.5, 2.0, n_features)
    bn.params["beta"][...] = rng.normal(size=n_features)
    return bn


# --- gradients -------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(3, 1), (5, 3), (16, 4)])
def test_gradcheck_training_mode(shape):
    x = np.random.default_rng(1).normal(2.0, 3.0, size=shape)
    assert check_layer(random_bn(shape[1]), x, training=True) < 1e-7


def test_gradcheck_inference_mode():
    bn = random_bn(3)
    rng = np.random.default_rng(2)
    for _ in range(3):
        bn.forward(rng.normal(1.0, 2.0, size=(8, 3)), training=True)
    assert check_layer(bn, rng.normal(size=(6, 3)), training=False) < 1e-7


def staged_backward(x, gamma, eps, dout):
    """The chain rule node by node along the computational graph (the chapter's derivation)."""
    n = x.shape[0]
    mu = x.mean(axis=0)
    xc = x - mu
    var = (xc**2).mean(axis=0)
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = xc * inv_std
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx_hat = dout * gamma
    dvar = (dx_hat * xc).sum(axis=0) * -0.5 * inv_std**3
    dmu = -(dx_hat * inv_std).sum(axis=0) + dvar * (-2.0 / n) * xc.sum(axis=0)
    dx = dx_hat * inv_std + dvar * 2.0 * xc / n + dmu / n
    return dx, dgamma, dbeta


def test_closed_form_equals_staged_chain_rule():
    rng = np.random.default_rng(3)
    x = rng.normal(-1.0, 0.5, size=(7, 4))
    dout = rng.normal(size=(7, 4))
    bn = random_bn(4)
    bn.forward(x, training=True)
    dx = bn.backward(dout)
    dx_ref, dgamma_ref, dbeta_ref = staged_backward(x, bn.params["gamma"], bn.eps, dout)
    np.testing.assert_allclose(dx, dx_ref, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(bn.grads["gamma"], dgamma_ref, rtol=1e-12)
    np.testing.assert_allclose(bn.grads["beta"], dbeta_ref, rtol=1e-12)


def test_gradcheck_model_with_batchnorm():
    rng = np.random.default_rng(4)
    model = Sequential([Dense(5, 6, "he_normal", rng), BatchNorm(6), ReLU(), Dense(6, 3, "he_normal", rng)])
    x = rng.normal(size=(10, 5))
    y = rng.integers(0, 3, size=10)
    loss = SoftmaxCrossEntropy()

    def objective(_):
        return loss.forward(model.forward(x, training=True), y)

    objective(None)
    model.backward(loss.backward())
    analytic = {k: g.copy() for k, g in model.grads.items()}
    # the bias of a Dense layer feeding BatchNorm is subtracted out with the batch mean: zero gradient
    np.testing.assert_allclose(analytic["0.b"], 0.0, atol=1e-15)
    np.testing.assert_allclose(numerical_gradient(objective, model.params["0.b"]), 0.0, atol=1e-9)
    for k in ("0.W", "1.gamma", "1.beta", "3.W", "3.b"):
        assert relative_error(analytic[k], numerical_gradient(objective, model.params[k])) < 1e-7, k


# --- training mode ---------------------------------------------------------------------

def test_training_output_is_standardised_before_affine():
    x = np.random.default_rng(5).normal([3.0, -2.0, 0.0], [10.0, 0.1, 1.0], size=(500, 3))
    bn = BatchNorm(3)
    y = bn.forward(x, training=True)  # γ = 1, β = 0: y = x̂
    np.testing.assert_allclose(y.mean(axis=0), 0.0, atol=1e-12)
    var = x.var(axis=0)  # biased, as the layer uses
    np.testing.assert_allclose(y.var(axis=0), var / (var + bn.eps), rtol=1e-12)
    assert np.all(np.abs(y.var(axis=0) - 1.0) < 1e-3)


def test_gamma_and_beta_set_the_output_scale_and_shift():
    x = np.random.default_rng(6).normal(size=(400, 2)) * 4.0 + 1.0
    bn = BatchNorm(2, eps=1e-12)
    bn.params["gamma"][...] = [2.0, -0.5]
    bn.params["beta"][...] = [1.0, 3.0]
    y = bn.forward(x, training=True)
    np.testing.assert_allclose(y.mean(axis=0), [1.0, 3.0], atol=1e-12)
    np.testing.assert_allclose(y.std(axis=0), [2.0, 0.5], rtol=1e-9)


def test_biased_variance_on_a_hand_computed_batch():
    x = np.array([[1.0], [3.0]])  # mean 2, biased variance 1 (unbiased would be 2)
    bn = BatchNorm(1, eps=1e-5)
    y = bn.forward(x, training=True)
    np.testing.assert_allclose(y[:, 0], [-1.0, 1.0] / np.sqrt(1.0 + 1e-5), rtol=1e-14)


def test_running_statistics_after_scripted_batches():
    bn = BatchNorm(2, momentum=0.5)
    # batch 1: feature 0 is [1, 3] (mean 2, var 1); feature 1 is [5, 5] (mean 5, var 0)
    bn.forward(np.array([[1.0, 5.0], [3.0, 5.0]]), training=True)
    # running_mean = 0.5·0 + 0.5·[2, 5] = [1, 2.5]; running_var = 0.5·1 + 0.5·[1, 0] = [1, 0.5]
    np.testing.assert_allclose(bn.buffers["running_mean"], [1.0, 2.5])
    np.testing.assert_allclose(bn.buffers["running_var"], [1.0, 0.5])
    # batch 2: feature 0 is [0, 4, 8] (mean 4, var 32/3); feature 1 is [2, 2, 8] (mean 4, var 8)
    bn.forward(np.array([[0.0, 2.0], [4.0, 2.0], [8.0, 8.0]]), training=True)
    # running_mean = 0.5·[1, 2.5] + 0.5·[4, 4] = [2.5, 3.25]
    # running_var = 0.5·[1, 0.5] + 0.5·[32/3, 8] = [35/6, 4.25]
    np.testing.assert_allclose(bn.buffers["running_mean"], [2.5, 3.25])
    np.testing.assert_allclose(bn.buffers["running_var"], [35.0 / 6.0, 4.25])
    # an inference pass leaves them alone
    bn.forward(np.array([[100.0, -100.0]]), training=False)
    np.testing.assert_allclose(bn.buffers["running_mean"], [2.5, 3.25])
    np.testing.assert_allclose(bn.buffers["running_var"], [35.0 / 6.0, 4.25])


def test_default_momentum_is_0_9():
    bn = BatchNorm(1)
    bn.forward(np.array([[0.0], [10.0]]), training=True)  # mean 5, var 25
    np.testing.assert_allclose(bn.buffers["running_mean"], [0.5])
    np.testing.assert_allclose(bn.buffers["running_var"], [0.9 + 2.5])


def test_momentum_zero_keeps_the_last_batch():
    rng = np.random.default_rng(7)
    bn = BatchNorm(3, momentum=0.0)
    for _ in range(3):
        x = rng.normal(size=(9, 3))
        bn.forward(x, training=True)
    np.testing.assert_allclose(bn.buffers["running_mean"], x.mean(axis=0))
    np.testing.assert_allclose(bn.buffers["running_var"], x.var(axis=0))


# --- inference mode --------------------------------------------------------------------

def test_inference_is_the_affine_map_with_running_statistics():
    rng = np.random.default_rng(8)
    bn = random_bn(3, momentum=0.8)
    for _ in range(5):
        bn.forward(rng.normal(2.0, 3.0, size=(16, 3)), training=True)
    rm, rv = bn.buffers["running_mean"].copy(), bn.buffers["running_var"].copy()
    x = rng.normal(size=(4, 3))
    expected = bn.params["gamma"] * (x - rm) / np.sqrt(rv + bn.eps) + bn.params["beta"]
    np.testing.assert_allclose(bn.forward(x, training=False), expected, rtol=1e-13)
    # each sample's output depends on that sample only, so a batch of one works
    np.testing.assert_allclose(bn.forward(x[:1], training=False), expected[:1], rtol=1e-13)


def test_inference_backward_is_the_affine_gradient():
    bn = random_bn(2)
    bn.forward(np.random.default_rng(9).normal(size=(10, 2)), training=True)
    x = np.ones((3, 2))
    bn.forward(x, training=False)
    dout = np.arange(6.0).reshape(3, 2)
    dx = bn.backward(dout)
    scale = bn.params["gamma"] / np.sqrt(bn.buffers["running_var"] + bn.eps)
    np.testing.assert_allclose(dx, dout * scale, rtol=1e-13)


def test_training_mode_output_depends_on_the_batch_but_inference_does_not():
    rng = np.random.default_rng(10)
    bn = BatchNorm(2)
    for _ in range(10):
        bn.forward(rng.normal(size=(32, 2)), training=True)
    a = rng.normal(size=(4, 2))
    b = np.vstack([a[:2], rng.normal(5.0, 1.0, size=(2, 2))])  # same first two samples
    state = {k: v.copy() for k, v in bn.buffers.items()}
    ya, yb = bn.forward(a, training=True)[:2], bn.forward(b, training=True)[:2]
    assert not np.allclose(ya, yb)
    for k, v in state.items():
        bn.buffers[k][...] = v
    np.testing.assert_allclose(bn.forward(a, training=False)[:2], bn.forward(b, training=False)[:2])


# --- edge cases and dtypes -------------------------------------------------------------

def test_constant_feature_stays_finite():
    x = np.column_stack([np.full(6, 0.1), np.linspace(-1.0, 1.0, 6)])
    bn = random_bn(2)
    y = bn.forward(x, training=True)
    dx = bn.backward(np.random.default_rng(11).normal(size=x.shape))
    assert np.all(np.isfinite(y)) and np.all(np.isfinite(dx))
    assert all(np.all(np.isfinite(g)) for g in bn.grads.values())
    np.testing.assert_allclose(y[:, 0], bn.params["beta"][0], atol=1e-6)  # x̂ = 0 for a constant
    assert np.all(np.isfinite(bn.forward(x, training=False)))


def test_float32_stays_float32():
    rng = np.random.default_rng(12)
    bn = BatchNorm(4, dtype=np.float32)
    x = rng.normal(3.0, 2.0, size=(20, 4)).astype(np.float32)
    y = bn.forward(x, training=True)
    dx = bn.backward(rng.normal(size=(20, 4)).astype(np.float32))
    assert y.dtype == dx.dtype == np.float32
    assert all(a.dtype == np.float32 for d in (bn.params, bn.grads, bn.buffers) for a in d.values())
    assert bn.forward(x, training=False).dtype == np.float32
    ref = BatchNorm(4)
    np.testing.assert_allclose(y, ref.forward(x.astype(np.float64), training=True), atol=1e-5)


def test_batch_of_one_raises_in_training_mode():
    bn = BatchNorm(3)
    with pytest.raises(ValueError, match="at least 2 samples"):
        bn.forward(np.ones((1, 3)), training=True)
    np.testing.assert_allclose(bn.buffers["running_mean"], 0.0)  # nothing updated


@pytest.mark.parametrize("kwargs, exc", [
    ({"n_features": 0}, ValueError), ({"n_features": 2.5}, TypeError),
    ({"n_features": 3, "momentum": 1.0}, ValueError), ({"n_features": 3, "momentum": -0.1}, ValueError),
    ({"n_features": 3, "eps": 0.0}, ValueError), ({"n_features": 3, "eps": float("nan")}, ValueError),
])
def test_bad_arguments(kwargs, exc):
    with pytest.raises(exc):
        BatchNorm(**kwargs)


def test_wrong_shape_and_backward_before_forward():
    bn = BatchNorm(3)
    with pytest.raises(ValueError, match=r"shape \(batch, 3\)"):
        bn.forward(np.ones((4, 2)), training=True)
    with pytest.raises(RuntimeError, match="before forward"):
        bn.backward(np.ones((4, 3)))


# --- properties over shapes and scales -------------------------------------------------

shapes = st.tuples(st.integers(2, 12), st.integers(1, 4))
log_scales = st.floats(-3.0, 3.0)


@given(shape=shapes, log_scale=log_scales, shift=st.floats(-100.0, 100.0), seed=st.integers(0, 2**16))
def test_property_training_output_standardised(shape, log_scale, shift, seed):
    rng = np.random.default_rng(seed)
    x = shift + 10.0**log_scale * rng.normal(size=shape)
    bn = BatchNorm(shape[1])
    y = bn.forward(x, training=True)
    var = x.var(axis=0)
    np.testing.assert_allclose(y.mean(axis=0), 0.0, atol=1e-7)
    np.testing.assert_allclose(y.var(axis=0), var / (var + bn.eps), rtol=1e-6, atol=1e-9)
    assert np.all(np.isfinite(y))


@given(shape=shapes, log_scale=log_scales, seed=st.integers(0, 2**16))
def test_property_input_gradient_sums_to_zero(shape, log_scale, seed):
    """y is unchanged when a constant is added to a feature, so Σ_i ∂L/∂x_i = 0 per feature."""
    rng = np.random.default_rng(seed)
    x = 10.0**log_scale * rng.normal(size=shape)
    bn = random_bn(shape[1], seed)
    bn.forward(x, training=True)
    dout = rng.normal(size=shape)
    dx = bn.backward(dout)
    scale = np.abs(dx).max() + np.abs(dout).max() * np.abs(bn.params["gamma"]).max() / np.sqrt(bn.eps)
    np.testing.assert_allclose(dx.sum(axis=0), 0.0, atol=1e-10 * scale)
    dx_ref = staged_backward(x, bn.params["gamma"], bn.eps, dout)[0]
    np.testing.assert_allclose(dx, dx_ref, rtol=1e-6, atol=1e-9 * scale)


@given(shape=st.tuples(st.integers(3, 6), st.integers(1, 3)), log_scale=st.floats(-1.0, 1.0),
       seed=st.integers(0, 2**16))
def test_property_gradcheck(shape, log_scale, seed):
    """From 3 samples on (with 2, x̂ = ±1 whatever x is, and ∂L/∂x is of order ε: nothing to check)."""
    x = 10.0**log_scale * np.random.default_rng(seed).normal(size=shape)
    h = 1e-5 * 10.0**log_scale  # x̂ is scale-invariant: step in proportion to the input scale
    # (R, drawn with another seed than x, must not lie in span{1, x̂}: there ∂L/∂x vanishes)
    assert check_layer(random_bn(shape[1], seed), x, training=True, rng=seed + 1, h=h) < 1e-6


# --- bad input (issue 20) --------------------------------------------------------------

@given(value=st.floats(-1e6, 1e6, allow_nan=False, width=32), n=st.integers(2, 300),
       three_d=st.booleans())
def test_property_constant_feature_gives_exactly_zero_in_float32(value, n, three_d):
    """A constant feature has x − μ_B = 0 exactly: the mean is taken of deviations from a sample."""
    rng = np.random.default_rng(n)
    shape = (n, 2, 3) if three_d else (n, 2)
    x = rng.normal(size=shape).astype(np.float32)
    x[:, 0] = np.float32(value)
    bn = BatchNorm(2, dtype=np.float32)
    bn.params["beta"][...] = [0.25, 0.0]
    y = bn.forward(x, training=True)
    assert np.all(y[:, 0] == np.float32(0.25))
    np.testing.assert_allclose(bn.buffers["running_mean"][0], 0.1 * np.float32(value), rtol=1e-6)


def test_constant_feature_at_large_magnitude_float32():
    x = np.full((100, 1), 1000.1, dtype=np.float32)
    assert np.all(BatchNorm(1, dtype=np.float32).forward(x, training=True) == 0)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 5)])
def test_nan_batch_does_not_poison_running_statistics(bad, shape):
    rng = np.random.default_rng(0)
    bn = BatchNorm(3)
    bn.forward(rng.normal(size=shape), training=True)
    before = {k: v.copy() for k, v in bn.buffers.items()}
    x = rng.normal(size=shape)
    x[(1,) * len(shape)] = bad
    with pytest.raises(ValueError, match=r"NaN or inf.*running statistics were left unchanged"):
        bn.forward(x, training=True)
    for k, v in bn.buffers.items():
        np.testing.assert_array_equal(v, before[k])
    bn.forward(rng.normal(size=shape), training=True)  # still usable
    assert all(np.all(np.isfinite(v)) for v in bn.buffers.values())


def test_variance_is_the_mean_of_squared_deviations_not_a_difference_of_moments():
    """At a large offset E[x²] − E[x]² cancels catastrophically; lib's variance does not."""
    x = (1e4 + np.array([[-1.0], [0.0], [1.0], [2.0]])).astype(np.float32)
    bn = BatchNorm(1, dtype=np.float32, momentum=0.0)
    bn.forward(x, training=True)
    np.testing.assert_allclose(bn.buffers["running_var"], [1.25], rtol=1e-6)
