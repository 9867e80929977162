"""LayerNorm and GroupNorm (and BatchNorm on sequences): PyTorch fixtures, gradient checks, bad input."""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib import layers
from lib.gradcheck import check_layer

FIX = np.load(Path(__file__).parent / "data" / "torch_fixtures.npz")
TOL = {"rtol": 1e-10, "atol": 1e-12}


def load_affine(layer, prefix):
    layer.params["gamma"][...] = FIX[f"{prefix}_gamma"]
    layer.params["beta"][...] = FIX[f"{prefix}_beta"]
    return layer


def assert_matches(layer, prefix):
    np.testing.assert_allclose(layer.forward(FIX[f"{prefix}_x"], training=True), FIX[f"{prefix}_y"], **TOL)
    np.testing.assert_allclose(layer.backward(FIX[f"{prefix}_dout"]), FIX[f"{prefix}_dx"], **TOL)
    np.testing.assert_allclose(layer.grads["gamma"], FIX[f"{prefix}_dgamma"], **TOL)
    np.testing.assert_allclose(layer.grads["beta"], FIX[f"{prefix}_dbeta"], **TOL)


@pytest.mark.parametrize("i", [0, 1])
def test_layernorm_equals_torch_2d_and_3d(i):
    assert_matches(load_affine(layers.LayerNorm(6), f"ln{i}"), f"ln{i}")


@pytest.mark.parametrize("i", [0, 1, 2, 3])
def test_groupnorm_equals_torch(i):
    x = FIX[f"gn{i}_x"]
    assert_matches(load_affine(layers.GroupNorm(int(FIX[f"gn{i}_groups"]), x.shape[1]), f"gn{i}"), f"gn{i}")


@pytest.mark.parametrize(("make", "shape"), [
    (lambda: layers.LayerNorm(5), (3, 5)), (lambda: layers.LayerNorm(4), (2, 3, 4)),
    (lambda: layers.GroupNorm(2, 4), (3, 4, 5)), (lambda: layers.GroupNorm(1, 3), (2, 3, 4)),
    (lambda: layers.GroupNorm(3, 3), (2, 3, 4)), (lambda: layers.GroupNorm(2, 4), (3, 4)),
])
def test_gradcheck_with_random_affine(make, shape):
    layer = make()
    rng = np.random.default_rng(0)
    for v in layer.params.values():
        v[...] = rng.standard_normal(v.shape)
    assert check_layer(layer, 2 + 3 * rng.standard_normal(shape)) < 1e-6  # groups of 2 values: curved


def test_layernorm_by_hand_normalises_each_row():
    x = np.array([[1.0, 2.0, 3.0], [10.0, 10.0, 40.0]])
    y = layers.LayerNorm(3, eps=1e-12).forward(x)
    np.testing.assert_allclose(y.mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(y.var(axis=1), 1, rtol=1e-9)  # biased variance
    np.testing.assert_allclose(y[0], [-np.sqrt(1.5), 0, np.sqrt(1.5)], rtol=1e-9)


def test_groupnorm_with_one_channel_per_group_and_one_group():
    x = np.random.default_rng(0).standard_normal((2, 4, 6))
    inst = layers.GroupNorm(4, 4).forward(x)
    np.testing.assert_allclose(inst.mean(axis=2), 0, atol=1e-12)
    whole = layers.GroupNorm(1, 4).forward(x)
    np.testing.assert_allclose(whole.reshape(2, -1).mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(whole.reshape(2, -1).var(axis=1), 1, rtol=1e-4)


def test_norms_do_not_depend_on_the_batch():
    x = np.random.default_rng(0).standard_normal((5, 4, 3))
    for layer in (layers.LayerNorm(3), layers.GroupNorm(2, 4)):
        np.testing.assert_allclose(layer.forward(x[:2], training=True), layer.forward(x, training=False)[:2])


@pytest.mark.parametrize("make", [lambda: layers.LayerNorm(4, dtype=np.float32),
                                  lambda: layers.GroupNorm(2, 4, dtype=np.float32)])
def test_float32_stays_float32_and_constant_rows_give_zero(make):
    layer = make()
    x = np.full((3, 4, 4), 1234.567, dtype=np.float32)
    y = layer.forward(x, training=True)
    assert y.dtype == np.float32 and np.all(y == 0)
    dx = layer.backward(np.ones_like(y))
    assert dx.dtype == layer.grads["gamma"].dtype == np.float32


@pytest.mark.parametrize(("make", "exc", "match"), [
    (lambda: layers.GroupNorm(4, 6), ValueError, "n_groups must divide n_channels"),
    (lambda: layers.GroupNorm(0, 6), ValueError, "n_groups"),
    (lambda: layers.GroupNorm(2, 6, eps=0.0), ValueError, "eps"),
    (lambda: layers.LayerNorm(0), ValueError, "n_features"),
    (lambda: layers.LayerNorm(3, eps=-1.0), ValueError, "eps"),
    (lambda: layers.LayerNorm(3.0), TypeError, "n_features"),
])
def test_bad_arguments(make, exc, match):
    with pytest.raises(exc, match=match):
        make()


def test_wrong_shapes_are_named():
    with pytest.raises(ValueError, match=r"last axis"):
        layers.LayerNorm(4).forward(np.zeros((3, 5)))
    with pytest.raises(ValueError, match=r"x must have shape \(batch, 4, length\)"):
        layers.GroupNorm(2, 4).forward(np.zeros((3, 6, 2)))
    with pytest.raises(ValueError, match=r"x must have shape \(batch, 4, length\)"):
        layers.GroupNorm(2, 4).forward(np.zeros((3, 4, 2, 2)))


# ---------------------------------------------------------------- BatchNorm on (batch, channels, length)

def test_batchnorm_3d_training_equals_torch():
    bn = load_affine(layers.BatchNorm(3), "bn_train")
    assert_matches(bn, "bn_train")
    np.testing.assert_allclose(bn.buffers["running_mean"], FIX["bn_train_running_mean"], **TOL)
    # PyTorch keeps the unbiased variance, σ²·N/(N − 1) with N = batch · length; lib the biased one
    n = FIX["bn_train_x"].shape[0] * FIX["bn_train_x"].shape[2]
    torch_batch_var = (FIX["bn_train_running_var_unbiased"] - 0.9) / 0.1
    np.testing.assert_allclose(bn.buffers["running_var"], 0.9 + 0.1 * torch_batch_var * (n - 1) / n, **TOL)


def test_batchnorm_3d_inference_equals_torch():
    bn = load_affine(layers.BatchNorm(3), "bn_eval")
    bn.buffers["running_mean"][...] = FIX["bn_eval_running_mean"]
    bn.buffers["running_var"][...] = FIX["bn_eval_running_var"]
    np.testing.assert_allclose(bn.forward(FIX["bn_eval_x"]), FIX["bn_eval_y"], **TOL)
    np.testing.assert_allclose(bn.backward(FIX["bn_eval_dout"]), FIX["bn_eval_dx"], **TOL)
    np.testing.assert_allclose(bn.grads["gamma"], FIX["bn_eval_dgamma"], **TOL)
    np.testing.assert_allclose(bn.grads["beta"], FIX["bn_eval_dbeta"], **TOL)


@pytest.mark.parametrize("training", [True, False])
def test_batchnorm_3d_gradcheck(training):
    bn = layers.BatchNorm(3)
    rng = np.random.default_rng(0)
    bn.params["gamma"][...] = rng.standard_normal(3)
    bn.buffers["running_var"][...] = [0.5, 1.0, 2.0]
    assert check_layer(bn, 1 + rng.standard_normal((4, 3, 5)), training=training) < 1e-7


def test_batchnorm_3d_is_batchnorm_2d_on_positions_as_samples():
    x = np.random.default_rng(0).standard_normal((4, 3, 5))
    as_2d = x.transpose(0, 2, 1).reshape(20, 3)
    y3 = layers.BatchNorm(3).forward(x, training=True)
    y2 = layers.BatchNorm(3).forward(as_2d, training=True)
    np.testing.assert_allclose(y3.transpose(0, 2, 1).reshape(20, 3), y2, rtol=1e-12)


def test_batchnorm_3d_one_sample_is_fine_but_one_value_is_not():
    bn = layers.BatchNorm(2)
    bn.forward(np.random.default_rng(0).standard_normal((1, 2, 4)), training=True)
    with pytest.raises(ValueError, match="at least 2 values per channel"):
        bn.forward(np.zeros((1, 2, 1)), training=True)


@given(shape=st.sampled_from([(4, 3), (3, 3, 5), (2, 4, 6)]), log_scale=st.floats(-3, 4),
       shift=st.floats(-1e4, 1e4), seed=st.integers(0, 999))
def test_property_norms_standardise(shape, log_scale, shift, seed):
    x = shift + 10.0**log_scale * np.random.default_rng(seed).standard_normal(shape)
    c = shape[1]
    y = layers.GroupNorm(1, c, eps=1e-12).forward(x).reshape(shape[0], -1)
    np.testing.assert_allclose(y.mean(axis=1), 0, atol=1e-6)
    z = layers.LayerNorm(shape[-1], eps=1e-12).forward(x)
    np.testing.assert_allclose(z.mean(axis=-1), 0, atol=1e-6)
