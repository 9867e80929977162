"""Dense and the activation layers: hand-computed values, gradient checks, shapes, bad input.

Dropout, AlphaDropout and BatchNorm have their own test files.
"""

import math
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib import layers
from lib.gradcheck import check_layer

ACTIVATIONS = {
    "ReLU": layers.ReLU,
    "LeakyReLU": lambda: layers.LeakyReLU(alpha=0.1),
    "ELU": lambda: layers.ELU(alpha=0.7),
    "SELU": layers.SELU,
    "Sigmoid": layers.Sigmoid,
    "Tanh": layers.Tanh,
}
INITS = ["zeros", "normal", "glorot_uniform", "glorot_normal", "he_uniform", "he_normal",
         "lecun_uniform", "lecun_normal"]

# Errors that must never leak out of a bad-input check (they name nothing useful).
UNHELPFUL = (AttributeError, IndexError, KeyError)


def away_from_kinks(shape, seed=0, low=0.1, high=2.0):
    """Inputs with |x| in [low, high] and random signs, so ReLU-like kinks at 0 are avoided."""
    rng = np.random.default_rng(seed)
    return rng.uniform(low, high, size=shape) * rng.choice([-1.0, 1.0], size=shape)


# ---------------------------------------------------------------- hand-computed forward values

def test_dense_forward_and_backward_by_hand():
    layer = layers.Dense(2, 3, init="zeros")
    layer.params["W"][...] = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    layer.params["b"][...] = [0.5, -0.5, 1.0]
    x = np.array([[1.0, 0.0], [1.0, -1.0]])
    y = layer.forward(x)
    np.testing.assert_allclose(y, [[1.5, 1.5, 4.0], [-2.5, -3.5, -2.0]])
    dout = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, -1.0]])
    dx = layer.backward(dout)
    # dW = x^T dout, db = column sums of dout, dx = dout W^T
    np.testing.assert_allclose(layer.grads["W"], [[1.0, 1.0, 1.0], [0.0, -1.0, 1.0]])
    np.testing.assert_allclose(layer.grads["b"], [1.0, 1.0, 1.0])
    np.testing.assert_allclose(dx, [[7.0, 16.0], [-1.0, -1.0]])


def test_relu_and_leaky_relu_by_hand():
    x = np.array([[-2.0, -0.5, 0.0, 0.5, 3.0]])
    np.testing.assert_array_equal(layers.ReLU().forward(x), [[0.0, 0.0, 0.0, 0.5, 3.0]])
    leaky = layers.LeakyReLU(alpha=0.1)
    np.testing.assert_allclose(leaky.forward(x), [[-0.2, -0.05, 0.0, 0.5, 3.0]])
    np.testing.assert_allclose(leaky.backward(np.ones_like(x)), [[0.1, 0.1, 0.1, 1.0, 1.0]])
    assert layers.LeakyReLU().alpha == 0.01  # the contract's default


def test_elu_and_selu_by_hand():
    x = np.array([[-1.0, 0.0, 2.0]])
    elu = layers.ELU(alpha=2.0)
    np.testing.assert_allclose(elu.forward(x), [[2.0 * (math.exp(-1.0) - 1.0), 0.0, 2.0]])
    # derivative: α e^x for x <= 0, 1 for x > 0
    np.testing.assert_allclose(elu.backward(np.ones_like(x)), [[2.0 * math.exp(-1.0), 2.0, 1.0]])
    lam, alpha = 1.0507009873554805, 1.6732632423543772
    selu = layers.SELU()
    np.testing.assert_allclose(selu.forward(x), [[lam * alpha * (math.exp(-1.0) - 1.0), 0.0, lam * 2.0]])
    np.testing.assert_allclose(selu.backward(np.ones_like(x)),
                               [[lam * alpha * math.exp(-1.0), lam * alpha, lam]])


def test_sigmoid_and_tanh_by_hand():
    x = np.array([[0.0, math.log(3.0), -math.log(3.0)]])
    sig = layers.Sigmoid()
    np.testing.assert_allclose(sig.forward(x), [[0.5, 0.75, 0.25]])
    np.testing.assert_allclose(sig.backward(np.ones_like(x)), [[0.25, 0.1875, 0.1875]])
    x = np.array([[0.0, math.log(2.0)]])  # tanh(ln 2) = (2 − 1/2) / (2 + 1/2) = 0.6
    tanh = layers.Tanh()
    np.testing.assert_allclose(tanh.forward(x), [[0.0, 0.6]])
    np.testing.assert_allclose(tanh.backward(np.ones_like(x)), [[1.0, 0.64]])


def test_selu_fixed_point_mean_and_variance():
    """SELU maps standard-normal inputs to mean ≈ 0 and variance ≈ 1 (its design property)."""
    z = np.random.default_rng(0).standard_normal((200_000, 1))
    y = layers.SELU().forward(z)
    assert abs(y.mean()) < 0.01
    assert abs(y.var() - 1.0) < 0.01


# ---------------------------------------------------------------- numerical stability

def test_sigmoid_is_stable_at_plus_minus_1000():
    """No overflow, invalid or divide warning; exp(−1000) may round to 0, which is exact in float64."""
    x = np.array([[-1000.0, -50.0, 0.0, 50.0, 1000.0]])
    with np.errstate(all="raise", under="ignore"):
        y = layers.sigmoid(x)
        layer = layers.Sigmoid()
        out = layer.forward(x)
        dx = layer.backward(np.ones_like(x))
    assert np.all(np.isfinite(y)) and np.all(np.isfinite(dx))
    np.testing.assert_array_equal(y, out)
    assert y[0, 0] == 0.0 and y[0, -1] == 1.0 and y[0, 2] == 0.5
    np.testing.assert_allclose(y[0, 1], math.exp(-50.0) / (1.0 + math.exp(-50.0)), rtol=1e-12)
    np.testing.assert_array_equal(dx[0, [0, -1]], [0.0, 0.0])


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_sigmoid_symmetry_and_range(v):
    x = np.array([v, -v])
    with np.errstate(all="raise", under="ignore"):
        s = layers.sigmoid(x)
    assert 0.0 <= s[0] <= 1.0
    assert abs(s[0] + s[1] - 1.0) <= 1e-15


def test_elu_and_tanh_are_stable_for_large_inputs():
    x = np.array([[-1000.0, 1000.0]])
    with np.errstate(all="raise", under="ignore"):
        for layer in (layers.ELU(), layers.SELU(), layers.Tanh()):
            y = layer.forward(x)
            dx = layer.backward(np.ones_like(x))
            assert np.all(np.isfinite(y)) and np.all(np.isfinite(dx))


# ---------------------------------------------------------------- gradient checks (float64)

@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_gradcheck(name):
    x = away_from_kinks((4, 5), seed=1)
    assert check_layer(ACTIVATIONS[name](), x) < 1e-6


@pytest.mark.parametrize("init", INITS)
def test_dense_gradcheck(init):
    layer = layers.Dense(5, 3, init=init, rng=np.random.default_rng(2))
    layer.params["b"][...] = np.random.default_rng(3).standard_normal(3)
    x = np.random.default_rng(4).standard_normal((6, 5))
    assert check_layer(layer, x) < 1e-6


# ---------------------------------------------------------------- shapes (hypothesis)

@given(name=st.sampled_from(sorted(ACTIVATIONS)), n=st.integers(1, 16), d=st.integers(1, 16),
       seed=st.integers(0, 2**16))
def test_activation_shapes(name, n, d, seed):
    layer = ACTIVATIONS[name]()
    x = np.random.default_rng(seed).standard_normal((n, d))
    y = layer.forward(x)
    dx = layer.backward(np.ones_like(y))
    assert y.shape == x.shape and dx.shape == x.shape
    assert layer.params == {} and layer.grads == {}


@given(n=st.integers(1, 16), n_in=st.integers(1, 12), n_out=st.integers(1, 12), seed=st.integers(0, 2**16))
def test_dense_shapes(n, n_in, n_out, seed):
    layer = layers.Dense(n_in, n_out, rng=seed)
    assert layer.params["W"].shape == (n_in, n_out) and layer.params["b"].shape == (n_out,)
    x = np.random.default_rng(seed).standard_normal((n, n_in))
    y = layer.forward(x)
    assert y.shape == (n, n_out)
    dx = layer.backward(np.ones_like(y))
    assert dx.shape == x.shape
    assert {k: g.shape for k, g in layer.grads.items()} == {k: p.shape for k, p in layer.params.items()}


@given(name=st.sampled_from(sorted(ACTIVATIONS)), seed=st.integers(0, 2**16))
def test_activations_act_elementwise(name, seed):
    """Each row is transformed independently of the others (vectorised, no batch coupling)."""
    x = np.random.default_rng(seed).standard_normal((5, 3))
    whole = ACTIVATIONS[name]().forward(x)
    rows = np.vstack([ACTIVATIONS[name]().forward(x[i:i + 1]) for i in range(len(x))])
    np.testing.assert_array_equal(whole, rows)


def test_dense_backward_overwrites_grads_in_place():
    """Sequential's flat dicts hold the layer's grad arrays, so backward must write into them."""
    layer = layers.Dense(3, 2, rng=0)
    gW, gb = layer.grads["W"], layer.grads["b"]
    x = np.ones((4, 3))
    layer.forward(x)
    layer.backward(np.ones((4, 2)))
    first = gW.copy()
    layer.forward(x)
    layer.backward(np.ones((4, 2)))
    assert layer.grads["W"] is gW and layer.grads["b"] is gb
    np.testing.assert_array_equal(gW, first)  # overwritten, not accumulated
    np.testing.assert_array_equal(gW, np.full((3, 2), 4.0))


def test_dense_same_seed_same_weights_and_zero_bias():
    a = layers.Dense(4, 3, "he_normal", rng=7)
    b = layers.Dense(4, 3, "he_normal", rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a.params["W"], b.params["W"])
    np.testing.assert_array_equal(a.params["b"], np.zeros(3))
    assert not np.array_equal(a.params["W"], layers.Dense(4, 3, "he_normal", rng=8).params["W"])


def test_dense_accepts_callable_init():
    layer = layers.Dense(2, 3, init=lambda fan_in, fan_out, rng: np.full((fan_in, fan_out), 0.5), rng=0)
    np.testing.assert_array_equal(layer.params["W"], np.full((2, 3), 0.5))


# ---------------------------------------------------------------- float32

@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activations_keep_float32(name):
    x = away_from_kinks((3, 4)).astype(np.float32)
    layer = ACTIVATIONS[name]()
    y = layer.forward(x)
    dx = layer.backward(np.ones_like(y))
    assert y.dtype == np.float32 and dx.dtype == np.float32


def test_dense_float32_keeps_float32():
    layer = layers.Dense(4, 3, rng=0, dtype=np.float32)
    assert layer.params["W"].dtype == np.float32 and layer.params["b"].dtype == np.float32
    x = np.ones((2, 4), dtype=np.float32)
    y = layer.forward(x)
    dx = layer.backward(np.ones_like(y))
    assert y.dtype == dx.dtype == np.float32
    assert all(g.dtype == np.float32 for g in layer.grads.values())


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize(("kwargs", "exc", "match"), [
    ({"n_in": 0, "n_out": 3}, ValueError, "n_in"),
    ({"n_in": 2, "n_out": -1}, ValueError, "n_out"),
    ({"n_in": 2.5, "n_out": 3}, TypeError, "n_in"),
    ({"n_in": True, "n_out": 3}, TypeError, "n_in"),
    ({"n_in": 2, "n_out": 3, "init": "xavier"}, ValueError, "init"),
    ({"n_in": 2, "n_out": 3, "init": "he_normal"}, TypeError, "rng"),
    ({"n_in": 2, "n_out": 3, "init": "he_normal", "rng": 1.5}, TypeError, "rng"),
    ({"n_in": 2, "n_out": 3, "init": lambda a, b, rng: np.zeros((b, a)), "rng": 0}, ValueError, "init"),
])
def test_dense_rejects_bad_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        layers.Dense(**kwargs)


@given(n_in=st.integers(1, 6), shape=st.lists(st.integers(1, 6), min_size=1, max_size=3))
def test_dense_rejects_wrong_input_shape(n_in, shape):
    shape = tuple(shape)
    layer = layers.Dense(n_in, 2, init="zeros")
    if len(shape) == 2 and shape[1] == n_in:
        assert layer.forward(np.zeros(shape)).shape == (shape[0], 2)
    else:
        with pytest.raises(ValueError, match=rf"x must have shape \(batch, {n_in}\)"):
            layer.forward(np.zeros(shape))


@given(st.one_of(st.floats(max_value=-1e-9), st.just(float("nan")), st.just(float("inf"))))
def test_alpha_must_be_finite_nonnegative(alpha):
    for cls in (layers.LeakyReLU, layers.ELU):
        with pytest.raises(ValueError, match="alpha"):
            cls(alpha=alpha)


@pytest.mark.parametrize("bad", ["0.1", None, True])
def test_alpha_must_be_a_number(bad):
    with pytest.raises(TypeError, match="alpha"):
        layers.LeakyReLU(alpha=bad)


@pytest.mark.parametrize("name", [*ACTIVATIONS, "Dense"])
def test_backward_before_forward_is_an_error(name):
    layer = layers.Dense(2, 2, rng=0) if name == "Dense" else ACTIVATIONS[name]()
    with pytest.raises(RuntimeError, match="before forward"):
        layer.backward(np.ones((1, 2)))


def test_reprs_name_the_configuration():
    assert repr(layers.Dense(3, 4, "he_normal", rng=0)) == "Dense(3, 4, init='he_normal')"
    assert repr(layers.LeakyReLU(0.2)) == "LeakyReLU(alpha=0.2)"
    assert repr(layers.ReLU()) == "ReLU()" and repr(layers.SELU()) == "SELU()"


# ---------------------------------------------------------------- bad input over every layer (issue 20)

def _every_layer(dtype=np.float64):
    """name -> (factory, shape of a valid input); the factory seeds everything, so two calls agree."""
    f32 = {"dtype": dtype}
    return {
        "Dense": (lambda: layers.Dense(3, 4, rng=0, **f32), (5, 3)),
        "ReLU": (layers.ReLU, (5, 3)),
        "LeakyReLU": (lambda: layers.LeakyReLU(0.5), (5, 3)),
        "ELU": (layers.ELU, (5, 3)),
        "SELU": (layers.SELU, (5, 3)),
        "Sigmoid": (layers.Sigmoid, (5, 3)),
        "Tanh": (layers.Tanh, (5, 3)),
        "Dropout": (lambda: layers.Dropout(0.3, rng=0), (5, 3)),
        "AlphaDropout": (lambda: layers.AlphaDropout(0.3, rng=0), (5, 3)),
        "BatchNorm": (lambda: layers.BatchNorm(3, **f32), (5, 3)),
        "BatchNorm3d": (lambda: layers.BatchNorm(3, **f32), (4, 3, 6)),
        "LayerNorm": (lambda: layers.LayerNorm(6, **f32), (4, 3, 6)),
        "GroupNorm": (lambda: layers.GroupNorm(3, 3, **f32), (4, 3, 6)),
        "Conv1D": (lambda: layers.Conv1D(3, 2, 3, padding=1, rng=0, **f32), (4, 3, 6)),
        "MaxPool1D": (lambda: layers.MaxPool1D(2), (4, 3, 6)),
        "GlobalAvgPool1D": (layers.GlobalAvgPool1D, (4, 3, 6)),
        "Flatten": (layers.Flatten, (4, 3, 6)),
        "Residual": (lambda: layers.Residual(layers.Conv1D(3, 3, 3, padding=1, rng=0, **f32), layers.ReLU()),
                     (4, 3, 6)),
    }


EVERY = _every_layer()
SHAPED = {"Dense": 2, "BatchNorm": 2, "BatchNorm3d": 3, "LayerNorm": 3, "GroupNorm": 3, "Conv1D": 3,
          "MaxPool1D": 3, "GlobalAvgPool1D": 3, "Residual": 3}


@given(name=st.sampled_from(sorted(EVERY)), training=st.booleans(), seed=st.integers(0, 999))
def test_property_lists_and_integer_arrays_give_the_float_answer(name, training, seed):
    make, shape = EVERY[name]
    ints = np.random.default_rng(seed).integers(-3, 4, size=shape)
    ref = make().forward(ints.astype(np.float64), training)
    from_ints = make().forward(ints, training)
    from_list = make().forward(ints.tolist(), training)
    assert from_ints.dtype.kind == "f" and from_list.dtype.kind == "f"
    np.testing.assert_array_equal(from_ints, ref)
    np.testing.assert_array_equal(from_list, ref)


def test_integer_inputs_are_not_truncated():
    np.testing.assert_array_equal(layers.LeakyReLU(0.5).forward(np.array([[-2, 3]])), [[-1.0, 3.0]])
    y = layers.Dropout(0.5, rng=0).forward(np.ones((50, 40), dtype=np.int64), training=True)
    assert set(np.unique(y)) == {0.0, 2.0}


@given(name=st.sampled_from(sorted(EVERY)), training=st.booleans(), extra=st.integers(1, 3),
       axis=st.integers(0, 2))
def test_property_wrong_dout_shape_is_named(name, training, extra, axis):
    make, shape = EVERY[name]
    layer = make()
    y = layer.forward(np.random.default_rng(0).standard_normal(shape), training)
    bad = list(y.shape)
    bad[axis % len(bad)] += extra
    with pytest.raises(ValueError, match=r"dout must have shape " + re.escape(str(y.shape))):
        layer.backward(np.ones(bad))
    with pytest.raises(ValueError, match="dout must have shape"):
        layer.backward(np.ones(y.shape[:-1]))


@given(name=st.sampled_from(sorted(SHAPED)), ndim=st.integers(1, 4), seed=st.integers(0, 99))
def test_property_wrong_rank_is_a_value_error_naming_x(name, ndim, seed):
    make, shape = EVERY[name]
    if ndim == len(shape):
        return
    bad = tuple(np.random.default_rng(seed).integers(1, 5, size=ndim))
    with pytest.raises(ValueError, match="x must have shape"):
        make().forward(np.zeros(bad))


@pytest.mark.parametrize("name", sorted(set(SHAPED) - {"MaxPool1D", "GlobalAvgPool1D"}))  # any channel count
def test_wrong_channel_count_is_named(name):
    make, shape = EVERY[name]
    bad = list(shape)
    bad[1 if len(shape) == 3 and name != "LayerNorm" else -1] += 1
    with pytest.raises(ValueError, match="x must have shape"):
        make().forward(np.zeros(bad))


@pytest.mark.parametrize("name", sorted(EVERY))
def test_non_numeric_input_is_a_type_error(name):
    make, shape = EVERY[name]
    with pytest.raises(TypeError, match="numeric"):
        make().forward(np.full(shape, "a"))


@pytest.mark.parametrize("name", sorted(EVERY))
@pytest.mark.parametrize("training", [False, True])
def test_every_layer_keeps_float32(name, training):
    make, shape = _every_layer(np.float32)[name]
    layer = make()
    y = layer.forward(np.random.default_rng(0).standard_normal(shape).astype(np.float32), training)
    dx = layer.backward(np.ones_like(y))
    assert y.dtype == dx.dtype == np.float32
    assert all(g.dtype == np.float32 for g in layer.grads.values())


@pytest.mark.parametrize("name", sorted(EVERY))
def test_every_layer_writes_grads_in_place(name):
    make, shape = EVERY[name]
    layer = make()
    before = {k: g for k, g in layer.grads.items()}
    y = layer.forward(np.random.default_rng(0).standard_normal(shape), training=True)
    layer.backward(np.ones_like(y))
    assert all(layer.grads[k] is g for k, g in before.items())


@pytest.mark.parametrize("name", sorted(EVERY))
@pytest.mark.parametrize("training", [False, True])
def test_empty_batch_gives_an_empty_answer_or_a_named_error(name, training):
    make, shape = EVERY[name]
    layer = make()
    try:
        y = layer.forward(np.zeros((0, *shape[1:])), training)
    except ValueError as e:
        assert name.startswith("BatchNorm") and training and "at least 2" in str(e)
        return
    assert y.shape[0] == 0
    assert layer.backward(np.zeros(y.shape)).shape == (0, *shape[1:])


@pytest.mark.parametrize("name", ["Conv1D", "MaxPool1D", "GlobalAvgPool1D", "GroupNorm", "Residual"])
def test_zero_length_sequences_are_refused(name):
    make, shape = EVERY[name]
    with pytest.raises(ValueError, match="x must have shape"):
        make().forward(np.zeros((*shape[:2], 0)))


@pytest.mark.parametrize("name", sorted(EVERY))
def test_float16_input_works(name):
    """float16 is a valid input: float16 layers stay float16, layers with float64 parameters promote."""
    make, shape = EVERY[name]
    layer = make()
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float16)
    y = layer.forward(x, training=True)
    dx = layer.backward(np.ones_like(y))
    assert y.dtype.kind == dx.dtype.kind == "f" and np.all(np.isfinite(y)) and np.all(np.isfinite(dx))
    ref = make().forward(x.astype(np.float64), training=True)
    np.testing.assert_allclose(y.astype(np.float64), ref, rtol=1e-2, atol=1e-2)


@pytest.mark.parametrize("name", sorted(EVERY))
def test_every_layer_works_on_views_of_a_flat_buffer(name):
    """The rebind protocol: parameters and gradients moved into one flat buffer (as a container does)."""
    make, shape = EVERY[name]
    ref, layer = make(), make()
    size = sum(p.size for p in layer.params.values())
    flat_p, flat_g = np.zeros(size + 3), np.zeros(size + 3)  # offset 3: views that start mid-buffer
    start = 3
    for key, p in list(layer.params.items()):
        view_p = flat_p[start:start + p.size].reshape(p.shape)
        view_g = flat_g[start:start + p.size].reshape(p.shape)
        view_p[...] = p
        layer.rebind(key, view_p, view_g)
        start += p.size
    x = np.random.default_rng(0).standard_normal(shape)
    dout = np.random.default_rng(1).standard_normal(ref.forward(x, training=True).shape)
    ref = make()
    y_ref, y = ref.forward(x, training=True), layer.forward(x, training=True)
    np.testing.assert_array_equal(y, y_ref)
    np.testing.assert_array_equal(layer.backward(dout), ref.backward(dout))
    for key, g in ref.grads.items():
        assert np.shares_memory(layer.grads[key], flat_g)  # backward wrote into the buffer
        np.testing.assert_array_equal(layer.grads[key], g)
    flat_p[3:] *= 2.0  # an optimizer stepping the buffer moves the layer
    if size:
        assert not np.array_equal(layer.forward(x, training=True), y_ref)
