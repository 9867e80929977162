"""Residual(*layers): y = x + f(x), the container protocol (params are the inner arrays, rebind routes)."""

import numpy as np
import pytest

from lib import layers
from lib.gradcheck import check_layer
from lib.losses import SoftmaxCrossEntropy
from lib.model import Sequential


def block(seed=0, n=4):
    return layers.Residual(layers.Dense(n, n, rng=seed), layers.BatchNorm(n), layers.ReLU(),
                           layers.Dense(n, n, rng=seed + 1))


def test_forward_is_x_plus_branch():
    r = block()
    x = np.random.default_rng(0).standard_normal((5, 4))
    h = x
    for layer in r.layers:
        h = layer.forward(h)
    np.testing.assert_allclose(r.forward(x), x + h)


def test_zero_branch_is_the_identity_with_identity_gradient():
    r = layers.Residual(layers.Dense(3, 3, init="zeros"))
    x = np.random.default_rng(0).standard_normal((2, 3))
    np.testing.assert_array_equal(r.forward(x), x)
    d = np.random.default_rng(1).standard_normal((2, 3))
    np.testing.assert_array_equal(r.backward(d), d)


@pytest.mark.parametrize("training", [False, True])
def test_gradcheck(training):
    # BatchNorm first: a bias feeding batch norm has a true gradient of 0, which a relative
    # error cannot check
    r = layers.Residual(layers.BatchNorm(4), layers.ReLU(), layers.Dense(4, 4, rng=0), layers.Tanh(),
                        layers.Dense(4, 4, rng=1))
    x = np.random.default_rng(2).standard_normal((6, 4))
    assert check_layer(r, x, training=training) < 1e-7


def test_gradcheck_conv_residual_block():
    r = layers.Residual(layers.Conv1D(3, 3, 3, padding=1, rng=0), layers.GroupNorm(1, 3), layers.Tanh(),
                        layers.Conv1D(3, 3, 5, padding=2, rng=1))
    assert check_layer(r, np.random.default_rng(0).standard_normal((2, 3, 7))) < 1e-7


def test_params_grads_buffers_are_the_inner_arrays():
    r = block()
    assert set(r.params) == {"0.W", "0.b", "1.gamma", "1.beta", "3.W", "3.b"} == set(r.grads)
    assert set(r.buffers) == {"1.running_mean", "1.running_var"}
    for key, v in r.params.items():
        i, name = key.split(".", 1)
        assert v is r.layers[int(i)].params[name] and r.grads[key] is r.layers[int(i)].grads[name]
    assert r.buffers["1.running_mean"] is r.layers[1].buffers["running_mean"]
    r.forward(np.ones((3, 4)) + np.arange(3)[:, None], training=True)
    assert np.any(r.buffers["1.running_mean"] != 0)


def test_rebind_routes_to_the_inner_layer_and_is_used():
    r = block()
    flat_p = np.zeros(16)
    flat_g = np.zeros(16)
    W_view, G_view = flat_p.reshape(4, 4), flat_g.reshape(4, 4)
    W_view[...] = r.params["3.W"]
    r.rebind("3.W", W_view, G_view)
    assert r.layers[3].params["W"] is W_view and r.layers[3].grads["W"] is G_view
    assert r.params["3.W"] is W_view and r.grads["3.W"] is G_view
    x = np.random.default_rng(0).standard_normal((5, 4))
    y0 = r.forward(x)
    r.backward(np.ones_like(y0))
    assert np.any(flat_g != 0)  # the gradient landed in the buffer
    flat_p[...] = 0.0  # a zero last layer: f(x) = 0 + b
    np.testing.assert_allclose(r.forward(x), x + r.params["3.b"])
    with pytest.raises(KeyError, match=r"3\.X"):
        r.rebind("3.X", W_view, G_view)


def test_nested_residual_keys_and_rebind():
    inner = layers.Residual(layers.Dense(2, 2, rng=0))
    outer = layers.Residual(layers.ReLU(), inner)
    assert set(outer.params) == {"1.0.W", "1.0.b"}
    p, g = np.ones((2, 2)), np.zeros((2, 2))
    outer.rebind("1.0.W", p, g)
    assert inner.layers[0].params["W"] is p and inner.params["0.W"] is p


def test_base_layer_rebind():
    d = layers.Dense(2, 3, rng=0)
    p, g = d.params["W"].copy(), np.zeros((2, 3))
    d.rebind("W", p, g)
    assert d.params["W"] is p and d.grads["W"] is g


def test_sequential_sees_residual_weights():
    model = Sequential([layers.Dense(3, 4, rng=0), block(1), layers.Dense(4, 2, rng=2)])
    assert "1.0.W" in model.params and "1.3.W" in model.weight_keys
    x = np.random.default_rng(0).standard_normal((8, 3))
    y = np.arange(8) % 2
    loss = SoftmaxCrossEntropy()
    loss.forward(model.forward(x, training=True), y)
    model.backward(loss.backward())
    assert np.any(model.grads["1.0.W"] != 0)


def test_shape_mismatch_and_bad_layers():
    r = layers.Residual(layers.Dense(3, 2, rng=0))
    with pytest.raises(ValueError, match=r"shape \(4, 3\) to shape \(4, 2\)"):
        r.forward(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="at least one layer"):
        layers.Residual()
    with pytest.raises(TypeError, match=r"layers\[1\]"):
        layers.Residual(layers.ReLU(), "relu")


def test_float32_stays_float32():
    r = layers.Residual(layers.Conv1D(2, 2, 3, padding=1, rng=0, dtype=np.float32), layers.ReLU())
    x = np.ones((2, 2, 5), dtype=np.float32)
    y = r.forward(x)
    assert y.dtype == r.backward(np.ones_like(y)).dtype == np.float32


def test_sequential_flat_buffers_reach_the_inner_layers():
    """Sequential moves every parameter into one buffer through rebind; Residual routes it inside."""
    model = Sequential([layers.Conv1D(1, 3, 3, padding=1, rng=0),
                        layers.Residual(layers.Conv1D(3, 3, 3, padding=1, rng=1), layers.BatchNorm(3),
                                        layers.ReLU()),
                        layers.Flatten(), layers.Dense(15, 2, rng=2)])
    flat_p, flat_g = model.flat()
    inner = model.layers[1].layers[0]
    assert np.shares_memory(inner.params["W"], flat_p["model"]) and np.shares_memory(inner.grads["W"], flat_g["model"])
    assert model.flat()[0]["model"] is flat_p["model"]  # consistent: no rebuild needed
    x = np.random.default_rng(0).standard_normal((4, 1, 5))
    loss = SoftmaxCrossEntropy()
    loss.forward(model.forward(x, training=True), np.array([0, 1, 0, 1]))
    model.backward(loss.backward())
    start = model.layers[0].params["W"].size + 3
    np.testing.assert_array_equal(flat_g["model"][start:start + 27], inner.grads["W"].ravel())
    assert np.any(inner.grads["W"] != 0)
