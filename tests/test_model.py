"""Sequential: composition, flat param/grad views, whole-model gradient checks, state dicts, float32."""

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib import layers, losses
from lib.gradcheck import check_model
from lib.model import Sequential

ACTS = [layers.ReLU, layers.LeakyReLU, layers.ELU, layers.SELU, layers.Sigmoid, layers.Tanh]


def mlp(sizes, act=layers.Tanh, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    stack = []
    for i, (a, b) in enumerate(itertools.pairwise(sizes)):
        stack.append(layers.Dense(a, b, rng=rng, dtype=dtype))
        if i < len(sizes) - 2:
            stack.append(act())
    return Sequential(stack)


class L2:
    """λ ΣW², gradient 2λW (the Keras convention), written out here so the test is independent."""

    def __init__(self, lam):
        self.lam = lam

    def penalty(self, W):
        return self.lam * float(np.sum(W * W))

    def grad(self, W):
        return 2 * self.lam * W


def test_forward_is_the_composition_of_the_layers():
    net = mlp([3, 4, 2])
    x = np.random.default_rng(1).standard_normal((5, 3))
    d0, _act, d1 = net.layers
    expected = np.tanh(x @ d0.params["W"] + d0.params["b"]) @ d1.params["W"] + d1.params["b"]
    np.testing.assert_allclose(net.forward(x), expected, rtol=1e-14)
    np.testing.assert_array_equal(net.predict(x), net.forward(x, training=False))


def test_flat_keys_and_weight_keys():
    net = mlp([3, 4, 4, 2])
    assert list(net.params) == ["0.W", "0.b", "2.W", "2.b", "4.W", "4.b"]
    assert list(net.grads) == list(net.params)
    assert net.weight_keys == ["0.W", "2.W", "4.W"]
    assert net.n_params() == 3 * 4 + 4 + 4 * 4 + 4 + 4 * 2 + 2


def test_params_and_grads_are_views_of_the_layer_arrays():
    net = mlp([3, 4, 2])
    dense = net.layers[0]
    assert net.params["0.W"] is dense.params["W"] and net.grads["0.W"] is dense.grads["W"]
    net.params["0.W"] -= 1.0  # what an optimizer does
    net.params["2.b"][...] = 7.0
    np.testing.assert_array_equal(net.layers[2].params["b"], 7.0)
    before = dense.params["W"].copy()
    x = np.ones((2, 3))
    out = net.forward(x)
    net.backward(np.ones_like(out))
    for k, v in net.grads.items():  # backward filled the arrays the flat dict holds
        i, name = k.split(".")
        assert v is net.layers[int(i)].grads[name]
    assert np.any(net.grads["0.W"] != 0)
    np.testing.assert_array_equal(dense.params["W"], before)


def test_backward_returns_input_gradient():
    net = mlp([3, 5, 2])
    x = np.random.default_rng(2).standard_normal((4, 3))
    r = np.random.default_rng(3).standard_normal((4, 2))
    net.forward(x)
    dx = net.backward(r)
    # numerical ∂(Σ out ⊙ r)/∂x
    h = 1e-6
    num = np.zeros_like(x)
    for idx in np.ndindex(*x.shape):
        e = np.zeros_like(x)
        e[idx] = h
        num[idx] = (np.sum(net.forward(x + e) * r) - np.sum(net.forward(x - e) * r)) / (2 * h)
    np.testing.assert_allclose(dx, num, rtol=1e-6, atol=1e-9)


# ---------------------------------------------------------------- whole-model gradient checks

@pytest.mark.parametrize("act", ACTS, ids=lambda a: a.__name__)
def test_mlp_gradcheck_cross_entropy(act):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((6, 4))
    y = rng.integers(0, 3, size=6)
    # ReLU-like kinks: with random inputs no pre-activation lands within h of 0 at this seed
    assert check_model(mlp([4, 5, 5, 3], act, seed=5), losses.SoftmaxCrossEntropy(), x, y) < 1e-6


def test_mlp_gradcheck_mse_and_bce():
    rng = np.random.default_rng(6)
    x = rng.standard_normal((6, 3))
    assert check_model(mlp([3, 4, 2], layers.ELU, seed=7), losses.MeanSquaredError(), x,
                       rng.standard_normal((6, 2))) < 1e-6
    r = np.random.default_rng(8)
    binary = Sequential([layers.Dense(3, 4, rng=r), layers.Tanh(), layers.Dense(4, 1, rng=r), layers.Sigmoid()])
    assert check_model(binary, losses.BinaryCrossEntropy(), x, rng.integers(0, 2, size=(6, 1)).astype(float)) < 1e-6


# ---------------------------------------------------------------- penalties

def test_penalty_and_penalty_grad_touch_weights_only():
    net = mlp([2, 3, 1])
    reg = L2(0.1)
    expected = 0.1 * sum(float(np.sum(net.params[k] ** 2)) for k in ("0.W", "2.W"))
    assert net.penalty(reg) == pytest.approx(expected)
    for g in net.grads.values():
        g[...] = 1.0
    net.add_penalty_grad(reg)
    np.testing.assert_allclose(net.grads["0.W"], 1.0 + 0.2 * net.params["0.W"])
    np.testing.assert_allclose(net.grads["2.W"], 1.0 + 0.2 * net.params["2.W"])
    np.testing.assert_array_equal(net.grads["0.b"], 1.0)
    np.testing.assert_array_equal(net.grads["2.b"], 1.0)


# ---------------------------------------------------------------- state dicts

def test_state_dict_round_trip():
    net = Sequential([layers.Dense(3, 4, rng=0), layers.BatchNorm(4), layers.ReLU(), layers.Dense(4, 2, rng=1)])
    assert set(net.state_dict()) == {"0.W", "0.b", "1.gamma", "1.beta", "1.running_mean", "1.running_var",
                                     "3.W", "3.b"}
    x = np.random.default_rng(0).standard_normal((8, 3))
    saved = net.state_dict()
    out = net.predict(x)
    for v in net.params.values():
        v += 1.0
    net.forward(x, training=True)  # moves the running statistics
    assert not np.allclose(net.predict(x), out)
    held = net.params["0.W"]
    net.load_state_dict(saved)
    np.testing.assert_array_equal(net.predict(x), out)
    assert net.params["0.W"] is held  # restored in place: the views stay valid
    assert net.layers[0].params["W"] is held


def test_state_dict_is_a_copy():
    net = mlp([2, 2])
    state = net.state_dict()
    state["0.W"] += 5.0
    assert not np.allclose(net.params["0.W"], state["0.W"])


def test_load_state_dict_accepts_lists():
    net = mlp([2, 2])
    state = {k: v.tolist() for k, v in net.state_dict().items()}
    state["0.b"] = [1.0, 2.0]
    net.load_state_dict(state)
    np.testing.assert_array_equal(net.params["0.b"], [1.0, 2.0])


def test_load_state_dict_rejects_mismatches():
    net = mlp([3, 4, 2])
    good = net.state_dict()
    missing = {k: v for k, v in good.items() if k != "2.b"}
    with pytest.raises(ValueError, match="state keys"):
        net.load_state_dict(missing)
    with pytest.raises(ValueError, match="state keys"):
        net.load_state_dict({**good, "9.W": np.zeros(1)})
    with pytest.raises(ValueError, match=r"state\['0.W'\] has shape \(4, 3\), expected \(3, 4\)"):
        net.load_state_dict({**good, "0.W": good["0.W"].T})
    with pytest.raises(ValueError, match=r"state\['2.b'\]"):
        net.load_state_dict({**good, "2.b": 0.0})
    np.testing.assert_array_equal(net.params["2.b"], good["2.b"])  # a rejected state changes nothing


def test_load_state_dict_changes_nothing_when_a_later_entry_is_bad():
    net = mlp([3, 4, 2])
    good = net.state_dict()
    bad = {k: v + 1.0 for k, v in good.items()}
    bad["2.b"] = np.zeros(5)
    with pytest.raises(ValueError, match=r"2\.b"):
        net.load_state_dict(bad)
    for k, v in good.items():
        np.testing.assert_array_equal(net.params[k], v)


# ---------------------------------------------------------------- float32

def test_float32_model_forward_backward_keep_float32():
    net = mlp([5, 6, 3], layers.ReLU, dtype=np.float32)
    x = np.random.default_rng(0).standard_normal((4, 5)).astype(np.float32)
    out = net.forward(x, training=True)
    loss = losses.SoftmaxCrossEntropy()
    loss.forward(out, np.array([0, 1, 2, 0]))
    dx = net.backward(loss.backward())
    assert out.dtype == dx.dtype == np.float32
    assert all(v.dtype == np.float32 for v in (*net.params.values(), *net.grads.values()))


# ---------------------------------------------------------------- shapes and bad input

@given(sizes=st.lists(st.integers(1, 6), min_size=2, max_size=5), n=st.integers(1, 7),
       act=st.sampled_from(ACTS), seed=st.integers(0, 2**16))
def test_shapes_property(sizes, n, act, seed):
    net = mlp(sizes, act, seed=seed)
    x = np.random.default_rng(seed).standard_normal((n, sizes[0]))
    out = net.forward(x, training=True)
    assert out.shape == (n, sizes[-1])
    assert net.backward(np.ones_like(out)).shape == x.shape
    assert {k: v.shape for k, v in net.grads.items()} == {k: v.shape for k, v in net.params.items()}
    assert len(net.weight_keys) == len(sizes) - 1


def test_constructor_rejects_bad_layers():
    with pytest.raises(ValueError, match="layers must contain at least one layer"):
        Sequential([])
    with pytest.raises(TypeError, match=r"layers\[1\] must be a lib.layers.Layer, got ufunc"):
        Sequential([layers.Dense(2, 2, rng=0), np.tanh])


def test_mismatched_widths_fail_with_a_shape_message():
    net = Sequential([layers.Dense(3, 4, rng=0), layers.Dense(5, 2, rng=0)])
    with pytest.raises(ValueError, match=r"x must have shape \(batch, 5\)"):
        net.forward(np.ones((2, 3)))


def test_repr_lists_the_layers():
    assert repr(mlp([2, 3, 1])) == ("Sequential([\n  Dense(2, 3, init='glorot_uniform'),\n  Tanh(),\n"
                                    "  Dense(3, 1, init='glorot_uniform'),\n])")


# ---------------------------------------------------------------- flat parameter and gradient buffers

def test_every_parameter_is_a_view_of_one_flat_buffer():
    net = Sequential([layers.Dense(3, 4, rng=0), layers.ReLU(), layers.BatchNorm(4), layers.Dense(4, 2, rng=1)])
    assert net.flat_params.shape == (net.n_params(),) and net.flat_grads.shape == (net.n_params(),)
    assert net.flat_params.flags.c_contiguous and net.flat_grads.flags.c_contiguous
    start = 0
    for k, p in net.params.items():  # in key order, back to back
        assert p.base is net.flat_params and net.grads[k].base is net.flat_grads
        np.testing.assert_array_equal(net.flat_params[start:start + p.size], p.ravel())
        start += p.size
    net.flat_params[:] = 2.0  # what a flat optimizer step does: the layers see it
    np.testing.assert_array_equal(net.layers[0].params["W"], 2.0)
    np.testing.assert_array_equal(net.layers[2].params["gamma"], 2.0)
    out = net.forward(np.ones((5, 3)), training=True)
    net.backward(np.ones_like(out))  # layers write their gradients into the flat buffer
    np.testing.assert_array_equal(net.flat_grads, np.concatenate([g.ravel() for g in net.grads.values()]))
    assert np.any(net.flat_grads != 0)


def test_flat_buffers_keep_the_initial_values():
    rng = np.random.default_rng(0)
    d = layers.Dense(3, 4, "he_normal", rng)
    W = d.params["W"].copy()
    Sequential([d])
    np.testing.assert_array_equal(d.params["W"], W)


def test_mixed_dtypes_are_refused():
    with pytest.raises(TypeError, match=r"one dtype.*float32.*float64|one dtype.*float64.*float32"):
        Sequential([layers.Dense(2, 3, rng=0, dtype=np.float32), layers.BatchNorm(3)])


def test_float32_model_has_float32_buffers():
    net = mlp([3, 4, 2], dtype=np.float32)
    assert net.dtype == np.float32 and net.flat_params.dtype == np.float32 and net.flat_grads.dtype == np.float32


def test_model_without_parameters():
    net = Sequential([layers.ReLU(), layers.Tanh()])
    params, grads = net.flat()
    assert params["model"].size == 0 and grads["model"].size == 0 and net.params == {}


def test_flat_rebuilds_after_a_layer_array_was_replaced_or_the_model_copied():
    import copy
    import pickle

    net = mlp([3, 4, 2])
    net.layers[0].params["W"] = np.full((3, 4), 0.5)  # replaced, not written in place
    net.layers[0].grads["W"] = np.zeros((3, 4))
    params, _ = net.flat()
    assert net.layers[0].params["W"].base is params["model"]
    np.testing.assert_array_equal(net.params["0.W"], 0.5)
    for twin in (copy.deepcopy(net), pickle.loads(pickle.dumps(net))):
        p, _ = twin.flat()
        assert all(v.base is p["model"] for v in twin.params.values())
        p["model"][:] = 7.0
        np.testing.assert_array_equal(twin.layers[0].params["W"], 7.0)
        np.testing.assert_array_equal(net.layers[0].params["W"], 0.5)  # the original is untouched


def test_a_layer_shared_with_a_newer_model_still_trains_the_old_model():
    dense = layers.Dense(2, 2, rng=0)
    old = Sequential([dense])
    Sequential([dense, layers.ReLU()])  # rebinds the layer to the new model's buffers
    p, _ = old.flat()  # the old model notices and rebuilds its buffer from the layer's values
    p["model"][:] = 3.0
    np.testing.assert_array_equal(dense.params["W"], 3.0)


class _Pair(layers.Layer):
    """A minimal container: two inner layers, keys "0.W", "1.b", ..., routed by ``rebind``."""

    def __init__(self, a, b):
        super().__init__()
        self.inner = [a, b]
        self.params = {f"{i}.{k}": v for i, l in enumerate(self.inner) for k, v in l.params.items()}
        self.grads = {f"{i}.{k}": v for i, l in enumerate(self.inner) for k, v in l.grads.items()}

    def rebind(self, key, param, grad):
        i, name = key.split(".", 1)
        self.inner[int(i)].rebind(name, param, grad)
        super().rebind(key, param, grad)

    def forward(self, x, training=False):
        return self.inner[1].forward(self.inner[0].forward(x, training), training)

    def backward(self, dout):
        return self.inner[0].backward(self.inner[1].backward(dout))


def test_container_layers_route_rebind_to_their_inner_layers():
    a, b = layers.Dense(2, 3, rng=0), layers.Dense(3, 1, rng=1)
    net = Sequential([_Pair(a, b), layers.Sigmoid()])
    assert set(net.params) == {"0.0.W", "0.0.b", "0.1.W", "0.1.b"}
    assert a.params["W"].base is net.flat_params and b.grads["b"].base is net.flat_grads
    out = net.forward(np.ones((4, 2)), training=True)
    net.backward(np.ones_like(out))
    np.testing.assert_array_equal(net.grads["0.1.b"], b.grads["b"])
    assert np.all(net.grads["0.0.W"] != 0)


@pytest.mark.parametrize("act", [*ACTS, lambda: layers.Dropout(0.3, rng=0), lambda: layers.AlphaDropout(0.3, rng=0)])
def test_float32_stays_float32_through_every_layer_and_loss(act):
    rng = np.random.default_rng(0)
    net = Sequential([layers.Dense(4, 6, "he_normal", rng, dtype=np.float32), layers.BatchNorm(6, dtype=np.float32),
                      act(), layers.Dense(6, 3, rng=rng, dtype=np.float32)])
    x = rng.standard_normal((8, 4)).astype(np.float32)
    for loss, target in ((losses.SoftmaxCrossEntropy(), np.arange(8) % 3),
                         (losses.MeanSquaredError(), np.zeros((8, 3), dtype=np.float32))):
        out = net.forward(x, training=True)
        assert out.dtype == np.float32
        loss.forward(out, target)
        d = loss.backward()
        assert d.dtype == np.float32, type(loss).__name__
        assert net.backward(d).dtype == np.float32
        assert all(g.dtype == np.float32 for g in net.grads.values())
    assert all(b.dtype == np.float32 for b in net.buffers.values())


def test_float32_stacks_from_the_recipes():
    from lib import diagnostics, recipes

    for net in (recipes.default_network(5, 3, 0, width=8, depth=2, dtype=np.float32),
                recipes.self_normalizing_network(5, 3, 0, width=8, depth=2, dtype=np.float32),
                diagnostics.dense_stack(5, 8, 2, "tanh", "glorot_uniform", 0, n_out=3, dtype=np.float32)):
        assert net.dtype == np.float32
        assert net.forward(np.ones((4, 5), dtype=np.float32), training=True).dtype == np.float32
