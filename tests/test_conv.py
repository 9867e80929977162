"""Conv1D, MaxPool1D, GlobalAvgPool1D and Flatten: hand values, PyTorch fixtures, gradient checks, bad input.

The PyTorch numbers come from tests/data/torch_fixtures.npz, written by
tests/data/make_torch_fixtures.py (PyTorch is not a dependency of the tests).
"""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib import init, layers
from lib.data import minibatches
from lib.gradcheck import check_layer

FIX = np.load(Path(__file__).parent / "data" / "torch_fixtures.npz")
N_CONV = sum(1 for k in FIX.files if k.endswith("_cfg"))
N_POOL = sum(1 for k in FIX.files if k.startswith("pool") and k.endswith("_size"))


def conv(c_in=2, c_out=3, k=3, s=1, p=0, seed=0, dtype=np.float64):
    return layers.Conv1D(c_in, c_out, k, stride=s, padding=p, rng=seed, dtype=dtype)


# ---------------------------------------------------------------- Conv1D by hand and against PyTorch

def test_conv_by_hand_is_a_cross_correlation():
    layer = layers.Conv1D(1, 1, 3, init="zeros")
    layer.params["W"][...] = [[[1.0, 2.0, 3.0]]]
    layer.params["b"][...] = [0.5]
    x = np.array([[[1.0, 0.0, -1.0, 2.0]]])
    # y[t] = b + Σ_j W[j] x[t + j]: not flipped (a cross-correlation)
    np.testing.assert_allclose(layer.forward(x), [[[0.5 + 1 - 3, 0.5 + 0 - 2 + 6]]])
    dx = layer.backward(np.array([[[1.0, 10.0]]]))
    np.testing.assert_allclose(dx, [[[1.0, 12.0, 23.0, 30.0]]])
    np.testing.assert_allclose(layer.grads["W"], [[[1 - 0, 0 - 10, -1 + 20]]])
    np.testing.assert_allclose(layer.grads["b"], [11.0])


def test_conv_with_stride_and_padding_by_hand():
    layer = layers.Conv1D(1, 1, 2, stride=2, padding=1, init="zeros")
    layer.params["W"][...] = [[[1.0, -1.0]]]
    x = np.array([[[1.0, 2.0, 3.0]]])  # padded: 0 1 2 3 0 → windows (0,1), (2,3)
    np.testing.assert_allclose(layer.forward(x), [[[-1.0, -1.0]]])
    assert layer.output_length(3) == 2


@pytest.mark.parametrize("i", range(N_CONV))
def test_conv_equals_torch_forward_and_backward(i):
    c_in, c_out, k, s, p, _ = (int(v) for v in FIX[f"conv{i}_cfg"])
    layer = layers.Conv1D(c_in, c_out, k, stride=s, padding=p, init="zeros")
    layer.params["W"][...] = FIX[f"conv{i}_W"]
    layer.params["b"][...] = FIX[f"conv{i}_b"]
    y = layer.forward(FIX[f"conv{i}_x"])
    np.testing.assert_allclose(y, FIX[f"conv{i}_y"], rtol=1e-10, atol=1e-12)
    dx = layer.backward(FIX[f"conv{i}_dout"])
    np.testing.assert_allclose(dx, FIX[f"conv{i}_dx"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(layer.grads["W"], FIX[f"conv{i}_dW"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(layer.grads["b"], FIX[f"conv{i}_db"], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(("c_in", "c_out", "k", "s", "p", "length"),
                         [(2, 3, 3, 1, 0, 7), (2, 2, 4, 2, 1, 9), (1, 3, 5, 3, 2, 8), (3, 2, 1, 1, 0, 4)])
def test_conv_gradcheck(c_in, c_out, k, s, p, length):
    layer = conv(c_in, c_out, k, s, p, seed=1)
    layer.params["b"][...] = np.random.default_rng(2).standard_normal(c_out)
    x = np.random.default_rng(3).standard_normal((2, c_in, length))
    assert check_layer(layer, x) < 1e-7


def test_conv_output_length_formula():
    for length, k, s, p in [(40, 5, 1, 2), (40, 5, 2, 0), (11, 3, 3, 1), (5, 5, 1, 0)]:
        layer = layers.Conv1D(1, 1, k, stride=s, padding=p, rng=0)
        y = layer.forward(np.zeros((1, 1, length)))
        assert y.shape[2] == (length + 2 * p - k) // s + 1 == layer.output_length(length)


def test_conv_float32_stays_float32():
    layer = conv(dtype=np.float32)
    x = np.random.default_rng(0).standard_normal((4, 2, 9)).astype(np.float32)
    y = layer.forward(x)
    dx = layer.backward(np.ones_like(y))
    assert y.dtype == dx.dtype == layer.grads["W"].dtype == layer.grads["b"].dtype == np.float32


def test_conv_reads_params_at_call_time_and_writes_grads_in_place():
    layer = conv()
    gW, gb = layer.grads["W"], layer.grads["b"]
    x = np.random.default_rng(0).standard_normal((2, 2, 6))
    y0 = layer.forward(x)
    layer.params["W"] *= 2.0
    layer.params["b"] += 1.0
    np.testing.assert_allclose(layer.forward(x), 2 * y0 + 1.0)
    layer.backward(np.ones((2, 3, 4)))
    assert layer.grads["W"] is gW and layer.grads["b"] is gb and np.any(gW != 0)


def test_conv_default_init_is_he_normal_with_the_kernel_fan_in():
    layer = layers.Conv1D(16, 64, 5, rng=0)
    W = layer.params["W"]
    assert W.shape == (64, 16, 5) and np.all(layer.params["b"] == 0)
    assert abs(W.std() / np.sqrt(2.0 / (16 * 5)) - 1) < 0.05
    same = layers.Conv1D(16, 64, 5, rng=0).params["W"]
    np.testing.assert_array_equal(W, same)


def test_conv_accepts_a_callable_init_with_shape():
    def ones(fan_in, fan_out, rng, *, shape, dtype):
        return np.full(shape, 1.0 / fan_in, dtype=dtype)

    layer = layers.Conv1D(2, 3, 4, init=ones, rng=0)
    np.testing.assert_allclose(layer.params["W"], 1.0 / 8)


def test_conv_is_a_dense_layer_on_windows():
    """With k = L and no padding, a convolution is a dense layer on the flattened input."""
    layer = conv(3, 4, 5, seed=4)
    x = np.random.default_rng(5).standard_normal((6, 3, 5))
    dense = layers.Dense(15, 4, init="zeros")
    dense.params["W"][...] = layer.params["W"].reshape(4, 15).T
    np.testing.assert_allclose(layer.forward(x)[:, :, 0], dense.forward(x.reshape(6, 15)), rtol=1e-12)


# ---------------------------------------------------------------- pooling and flatten

@pytest.mark.parametrize("i", range(N_POOL))
def test_maxpool_equals_torch_including_remainder_and_ties(i):
    layer = layers.MaxPool1D(int(FIX[f"pool{i}_size"]))
    np.testing.assert_array_equal(layer.forward(FIX[f"pool{i}_x"]), FIX[f"pool{i}_y"])
    np.testing.assert_array_equal(layer.backward(FIX[f"pool{i}_dout"]), FIX[f"pool{i}_dx"])


def test_maxpool_by_hand_drops_the_remainder_and_first_tie_wins():
    x = np.array([[[1.0, 3.0, 3.0, 2.0, 5.0]]])
    layer = layers.MaxPool1D(2)
    np.testing.assert_array_equal(layer.forward(x), [[[3.0, 3.0]]])
    np.testing.assert_array_equal(layer.backward(np.array([[[1.0, 2.0]]])), [[[0.0, 1.0, 2.0, 0.0, 0.0]]])


def test_maxpool_gradcheck():
    x = np.random.default_rng(0).permutation(30).reshape(2, 3, 5) / 7.0  # distinct values: no ties
    assert check_layer(layers.MaxPool1D(2), x) < 1e-8


def test_global_avg_pool_and_flatten():
    x = np.arange(24.0).reshape(2, 3, 4)
    gap = layers.GlobalAvgPool1D()
    np.testing.assert_allclose(gap.forward(x), x.mean(axis=2))
    np.testing.assert_allclose(gap.backward(np.ones((2, 3))), np.full((2, 3, 4), 0.25))
    fl = layers.Flatten()
    np.testing.assert_array_equal(fl.forward(x), x.reshape(2, 12))
    np.testing.assert_array_equal(fl.backward(np.arange(24.0).reshape(2, 12)), x)
    rng = np.random.default_rng(1)
    assert check_layer(layers.GlobalAvgPool1D(), rng.standard_normal((2, 3, 4))) < 1e-8
    assert check_layer(layers.Flatten(), rng.standard_normal((2, 3, 4))) < 1e-8


@pytest.mark.parametrize("make", [lambda: layers.MaxPool1D(2), layers.GlobalAvgPool1D, layers.Flatten])
def test_pooling_keeps_float32(make):
    x = np.random.default_rng(0).standard_normal((2, 3, 6)).astype(np.float32)
    layer = make()
    y = layer.forward(x)
    assert y.dtype == layer.backward(np.ones_like(y)).dtype == np.float32


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize(("kwargs", "exc", "match"), [
    ({"in_channels": 0}, ValueError, "in_channels"),
    ({"out_channels": 2.5}, TypeError, "out_channels"),
    ({"kernel_size": 0}, ValueError, "kernel_size"),
    ({"stride": 0}, ValueError, "stride"),
    ({"padding": -1}, ValueError, "padding"),
    ({"init": "nope"}, ValueError, "init"),
    ({"rng": None}, TypeError, "rng"),
])
def test_conv_rejects_bad_arguments(kwargs, exc, match):
    args = {"in_channels": 2, "out_channels": 3, "kernel_size": 3, "rng": 0, **kwargs}
    with pytest.raises(exc, match=match):
        layers.Conv1D(**args)


@pytest.mark.parametrize("shape", [(4, 2), (4, 3, 8), (2, 2, 3, 4), (8,)])
def test_conv_rejects_wrong_rank_or_channels(shape):
    with pytest.raises(ValueError, match=r"x must have shape \(batch, 2, length\)"):
        conv().forward(np.zeros(shape))


def test_conv_rejects_a_kernel_longer_than_the_padded_input():
    with pytest.raises(ValueError, match=r"kernel_size=5.*padded input.*= 4"):
        layers.Conv1D(1, 1, 5, padding=1, rng=0).forward(np.zeros((1, 1, 2)))


def test_maxpool_rejects_a_size_longer_than_the_input_and_bad_sizes():
    with pytest.raises(ValueError, match="size=4 is larger than the input length 3"):
        layers.MaxPool1D(4).forward(np.zeros((1, 1, 3)))
    with pytest.raises(ValueError, match="size"):
        layers.MaxPool1D(0)
    with pytest.raises(ValueError, match=r"\(batch, channels, length\)"):
        layers.MaxPool1D(2).forward(np.zeros((3, 4)))


# ---------------------------------------------------------------- training a small CNN with fit

def test_fit_trains_a_tiny_cnn_on_sequences():
    from lib.losses import SoftmaxCrossEntropy
    from lib.model import Sequential
    from lib.optim import Adam
    from lib.train import fit

    rng = np.random.default_rng(0)
    n, length = 200, 40
    y = rng.integers(0, 2, n)
    t = np.arange(length)
    X = rng.normal(0, 0.5, (n, 1, length))
    X[y == 1, 0] += np.sin(t / 3.0)  # class 1 carries a wave
    model = Sequential([layers.Conv1D(1, 4, 5, padding=2, rng=1), layers.ReLU(), layers.MaxPool1D(2),
                        layers.Conv1D(4, 4, 5, padding=2, rng=2), layers.ReLU(), layers.GlobalAvgPool1D(),
                        layers.Dense(4, 2, rng=3)])
    h = fit(model, SoftmaxCrossEntropy(), Adam(1e-2), X, y, epochs=2, batch_size=20, rng=4)
    assert len(h.train_loss) == 2 and h.train_loss[1] < h.train_loss[0]
    batches = list(minibatches(X, y, 64, rng=0))
    assert batches[0][0].shape == (64, 1, length)


@given(n=st.integers(1, 3), c_in=st.integers(1, 3), c_out=st.integers(1, 3), k=st.integers(1, 4),
       s=st.integers(1, 3), p=st.integers(0, 2), extra=st.integers(0, 5), seed=st.integers(0, 99))
def test_property_conv_shapes_and_gradcheck(n, c_in, c_out, k, s, p, extra, seed):
    length = max(1, k - 2 * p) + extra
    layer = layers.Conv1D(c_in, c_out, k, stride=s, padding=p, rng=seed)
    x = np.random.default_rng(seed).standard_normal((n, c_in, length))
    y = layer.forward(x)
    assert y.shape == (n, c_out, (length + 2 * p - k) // s + 1)
    assert check_layer(layer, x) < 1e-6


def test_init_kernel_helpers_match_torch_fans():
    shape = tuple(int(v) for v in FIX["fans_shape"])
    assert init.kernel_fans(shape) == (int(FIX["fans_fan_in"]), int(FIX["fans_fan_out"]))
    with pytest.raises(ValueError, match="at least 3 axes"):
        init.kernel_fans((3, 4))


# ---------------------------------------------------------------- recipes and data with sequences

def _waves(n=120, length=40, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    t = np.arange(length)
    X = rng.normal(0, 0.3, (n, 1, length))
    X[:, 0] += np.sin(t[None, :] * (1 + y[:, None]) / 4.0)
    return X, y


@pytest.mark.parametrize("norm", ["batch", "group", "layer", None])
def test_conv_network_recipe_structure_and_training(norm):
    from lib import recipes

    model = recipes.conv_network(1, 40, 3, rng=0, channels=8, norm=norm, groups=4)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds.count("Conv1D") == 3 and kinds.count("MaxPool1D") == 2 and kinds[-2:] == ["Flatten", "Dense"]
    assert model.layers[-1].n_in == 8 * 10
    assert sum(k.endswith(".W") for k in model.weight_keys) == 4  # conv kernels are penalised too
    X, y = _waves()
    h = recipes.fit_recipe(model, X, y, epochs=3, batch_size=20, rng=1, max_lr=1e-2)
    assert h.train_loss[-1] < h.train_loss[0]


def test_conv_network_float32_stays_float32():
    from lib import recipes

    model = recipes.conv_network(1, 12, 3, rng=0, channels=4, dtype=np.float32)
    assert model.dtype == np.float32
    y = model.forward(np.ones((2, 1, 12), dtype=np.float32), training=True)
    assert y.dtype == model.backward(np.ones_like(y)).dtype == np.float32


def test_range_test_peak_on_a_conv_network():
    from lib import recipes

    X, y = _waves()
    model = recipes.conv_network(1, 40, 3, rng=0, channels=4, depth=2)
    before = {k: v.copy() for k, v in model.params.items()}
    peak = recipes.range_test_peak(model, X, y, batch_size=20, rng=0, epochs=1)
    assert 1e-5 <= peak <= 1.0
    assert all(np.array_equal(v, before[k]) for k, v in model.params.items())


@pytest.mark.parametrize(("kwargs", "exc", "match"), [
    ({"norm": "instance"}, ValueError, "norm"), ({"norm": "group", "groups": 3}, ValueError, "groups"),
    ({"length": 3, "depth": 3}, ValueError, "length"), ({"channels": 0}, ValueError, "channels"),
])
def test_conv_network_bad_arguments(kwargs, exc, match):
    from lib import recipes

    args = {"in_channels": 1, "length": 40, "n_out": 3, "rng": 0, **kwargs}
    with pytest.raises(exc, match=match):
        recipes.conv_network(**args)


def test_load_mnist1d_channels_view():
    from lib.data import load_mnist1d

    flat, seq = load_mnist1d(), load_mnist1d(channels=True)
    for a, b in zip(flat, seq, strict=True):
        if a.ndim == 2:
            assert b.shape == (len(a), 1, 40)
            np.testing.assert_array_equal(b[:, 0], a)
        else:
            np.testing.assert_array_equal(a, b)
    with pytest.raises(TypeError, match="channels"):
        load_mnist1d(channels=1)


def test_a_small_network_equals_torch_end_to_end():
    """Conv → ReLU → MaxPool → Conv(stride 2) → BatchNorm → ReLU → Residual(GroupNorm → Conv) → GAP → Dense."""
    from lib.losses import SoftmaxCrossEntropy
    from lib.model import Sequential

    f = {k[4:]: FIX[k] for k in FIX.files if k.startswith("net_")}
    model = Sequential([
        layers.Conv1D(2, 3, 3, padding=1, init="zeros"), layers.ReLU(), layers.MaxPool1D(2),
        layers.Conv1D(3, 4, 3, stride=2, init="zeros"), layers.BatchNorm(4), layers.ReLU(),
        layers.Residual(layers.GroupNorm(2, 4), layers.Conv1D(4, 4, 1, init="zeros")),
        layers.GlobalAvgPool1D(), layers.Dense(4, 3, init="zeros"),
    ])
    names = {"c1_W": "0.W", "c1_b": "0.b", "c2_W": "3.W", "c2_b": "3.b", "bn_g": "4.gamma", "bn_b": "4.beta",
             "gn_g": "6.0.gamma", "gn_b": "6.0.beta", "c3_W": "6.1.W", "c3_b": "6.1.b", "fc_W": "8.W", "fc_b": "8.b"}
    for ours_torch, ours in names.items():
        v = f[ours_torch]
        model.params[ours][...] = v.T if ours == "8.W" else v
    loss = SoftmaxCrossEntropy()
    value = loss.forward(model.forward(f["x"], training=True), f["labels"])
    assert abs(value - float(f["loss"])) < 1e-12
    dx = model.backward(loss.backward())
    np.testing.assert_allclose(dx, f["dx"], rtol=1e-10, atol=1e-13)
    for ours_torch, ours in names.items():
        g = f[f"d{ours_torch}"]
        np.testing.assert_allclose(model.grads[ours], g.T if ours == "8.W" else g, rtol=1e-10, atol=1e-13)
