"""Tests of lib.init (initialisers), lib.diagnostics (per-layer statistics) and the chapter-5 figures."""

from __future__ import annotations

import functools
import math

import matplotlib
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib import diagnostics as dg
from lib import init, layers, losses
from lib.gradcheck import numerical_gradient
from lib.model import Sequential

matplotlib.use("Agg")

RANDOM = ["normal", "glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_uniform", "lecun_normal"]

# (fan_in, fan_out) -> expected variance, and uniform bound where the law is uniform
VARIANCE = {
    "normal": lambda i, o: 0.01**2,
    "glorot_uniform": lambda i, o: 2.0 / (i + o),
    "glorot_normal": lambda i, o: 2.0 / (i + o),
    "he_uniform": lambda i, o: 2.0 / i,
    "he_normal": lambda i, o: 2.0 / i,
    "lecun_uniform": lambda i, o: 1.0 / i,
    "lecun_normal": lambda i, o: 1.0 / i,
}
BOUND = {
    "glorot_uniform": lambda i, o: math.sqrt(6.0 / (i + o)),
    "he_uniform": lambda i, o: math.sqrt(6.0 / i),
    "lecun_uniform": lambda i, o: math.sqrt(3.0 / i),
}


# ---------------------------------------------------------------- sample statistics


@pytest.mark.parametrize("name", RANDOM)
@pytest.mark.parametrize(("fan_in", "fan_out"), [(400, 600), (1000, 250)])
def test_sample_mean_and_variance_match_formula(name, fan_in, fan_out):
    W = init.INITIALIZERS[name](fan_in, fan_out, np.random.default_rng(0))
    var = VARIANCE[name](fan_in, fan_out)
    n = W.size
    assert W.shape == (fan_in, fan_out)
    assert W.dtype == np.float64
    # the sample mean has standard error sqrt(var/n); allow 5 of them
    assert abs(W.mean()) < 5 * math.sqrt(var / n)
    # the sample variance has relative standard error about sqrt(2/n) (less for uniform)
    assert W.var() == pytest.approx(var, rel=5 * math.sqrt(2.0 / n))


@pytest.mark.parametrize("name", sorted(BOUND))
def test_uniform_bounds_are_respected_and_nearly_reached(name):
    fan_in, fan_out = 300, 500
    W = init.INITIALIZERS[name](fan_in, fan_out, np.random.default_rng(1))
    r = BOUND[name](fan_in, fan_out)
    assert np.all(np.abs(W) <= r)
    assert np.abs(W).max() > 0.999 * r
    # a uniform law on (-r, r): a quarter of the mass in each quarter of the interval
    counts = np.histogram(W, bins=4, range=(-r, r))[0] / W.size
    np.testing.assert_allclose(counts, 0.25, atol=0.005)


@pytest.mark.parametrize("name", ["glorot_normal", "he_normal", "lecun_normal", "normal"])
def test_normal_laws_are_untruncated(name):
    """Plain normals put about 4.55 % of the mass beyond 2σ; Keras' truncated normal puts none."""
    W = init.INITIALIZERS[name](500, 500, np.random.default_rng(2))
    sigma = math.sqrt(VARIANCE[name](500, 500))
    beyond = np.mean(np.abs(W) > 2 * sigma)
    assert beyond == pytest.approx(1 - math.erf(2 / math.sqrt(2)), abs=0.002)


def test_normal_std_keyword():
    W = init.normal(500, 400, np.random.default_rng(3), std=2.5)
    assert W.std() == pytest.approx(2.5, rel=0.01)


def test_zeros_and_constant():
    assert np.array_equal(init.zeros(3, 4), np.zeros((3, 4)))
    W = init.constant(3, 4, np.random.default_rng(0), value=-0.25)
    assert W.shape == (3, 4) and np.all(W == -0.25)
    assert np.array_equal(init.constant(2, 2), np.zeros((2, 2)))


def test_truncation_factor_keras_uses():
    """Keras divides by 0.87962566103423978, the std of a standard normal truncated at ±2."""
    a = 2.0
    pdf = math.exp(-a * a / 2) / math.sqrt(2 * math.pi)
    mass = math.erf(a / math.sqrt(2))
    factor = math.sqrt(1 - 2 * a * pdf / mass)
    assert factor == pytest.approx(0.87962566103423978, rel=1e-12)
    z = np.random.default_rng(4).standard_normal(2_000_000)
    assert z[np.abs(z) < 2].std() == pytest.approx(factor, rel=2e-3)


# ---------------------------------------------------------------- determinism and dtype


@pytest.mark.parametrize("name", RANDOM)
def test_same_seed_same_weights_and_different_seed_different_weights(name):
    f = init.INITIALIZERS[name]
    a = f(20, 30, np.random.default_rng(7))
    b = f(20, 30, np.random.default_rng(7))
    c = f(20, 30, np.random.default_rng(8))
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)
    assert np.array_equal(f(20, 30, 7), a)  # an int seed means default_rng(seed)


@pytest.mark.parametrize("name", RANDOM)
def test_float32(name):
    W = init.INITIALIZERS[name](10, 12, np.random.default_rng(0), dtype=np.float32)
    assert W.dtype == np.float32


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("name", [*RANDOM, "zeros", "constant"])
@pytest.mark.parametrize(("fan_in", "fan_out", "exc", "arg"), [
    (0, 5, ValueError, "fan_in"), (-3, 5, ValueError, "fan_in"), (5, 0, ValueError, "fan_out"),
    (2.5, 5, TypeError, "fan_in"), (5, "4", TypeError, "fan_out"), (True, 5, TypeError, "fan_in"),
])
def test_bad_fans_rejected(name, fan_in, fan_out, exc, arg):
    with pytest.raises(exc, match=arg):
        init.INITIALIZERS[name](fan_in, fan_out, np.random.default_rng(0))


@pytest.mark.parametrize("name", [*RANDOM, "zeros", "constant"])
@pytest.mark.parametrize("rng", [1.5, "seed", np.random.RandomState(0), True])
def test_bad_rng_rejected(name, rng):
    with pytest.raises(TypeError, match=r"rng must be a numpy\.random\.Generator"):
        init.INITIALIZERS[name](3, 4, rng)


def test_random_initialisers_need_an_rng():
    with pytest.raises(TypeError):
        init.he_normal(3, 4)  # type: ignore[call-arg]


@pytest.mark.parametrize(("std", "exc"), [(0.0, ValueError), (-1.0, ValueError), (np.inf, ValueError),
                                          ("0.1", TypeError)])
def test_bad_std_rejected(std, exc):
    with pytest.raises(exc, match="std"):
        init.normal(3, 4, np.random.default_rng(0), std=std)


@pytest.mark.parametrize(("value", "exc"), [(np.nan, ValueError), (np.inf, ValueError), ("1", TypeError)])
def test_bad_constant_rejected(value, exc):
    with pytest.raises(exc, match="value"):
        init.constant(3, 4, value=value)


def test_get_by_name_and_unknown_name():
    assert init.get("he_normal") is init.he_normal
    assert init.get(init.zeros) is init.zeros
    with pytest.raises(ValueError, match="init must be one of"):
        init.get("kaiming")


# ---------------------------------------------------------------- property tests on shapes


@given(fan_in=st.integers(1, 40), fan_out=st.integers(1, 40), seed=st.integers(0, 2**32 - 1),
       name=st.sampled_from(sorted(init.INITIALIZERS)))
def test_shape_finiteness_and_bounds(fan_in, fan_out, seed, name):
    W = init.INITIALIZERS[name](fan_in, fan_out, np.random.default_rng(seed))
    assert W.shape == (fan_in, fan_out)
    assert np.all(np.isfinite(W))
    if name in BOUND:
        assert np.all(np.abs(W) <= BOUND[name](fan_in, fan_out))
    if name in ("zeros", "constant"):
        assert np.all(W == 0)


@given(fan_in=st.integers(1, 30), fan_out=st.integers(1, 30), seed=st.integers(0, 1000))
def test_he_is_sqrt2_times_lecun_from_the_same_stream(fan_in, fan_out, seed):
    """Same random draws, different scale: the schemes differ only in their variance."""
    he = init.he_normal(fan_in, fan_out, np.random.default_rng(seed))
    lecun = init.lecun_normal(fan_in, fan_out, np.random.default_rng(seed))
    np.testing.assert_allclose(he, math.sqrt(2) * lecun, rtol=1e-12)
    glorot = init.glorot_uniform(fan_in, fan_out, np.random.default_rng(seed))
    he_u = init.he_uniform(fan_in, fan_out, np.random.default_rng(seed))
    # both are r·(2U − 1) from the same U: the ratio is the ratio of the bounds
    np.testing.assert_allclose(he_u * math.sqrt(6.0 / (fan_in + fan_out)), glorot * math.sqrt(6.0 / fan_in),
                               rtol=1e-9, atol=1e-12)


# ---------------------------------------------------------------- the activation layers of the chapter


@pytest.mark.parametrize("layer", [layers.LeakyReLU(0.1), layers.ELU(1.0), layers.SELU()])
def test_new_activation_gradients(layer):
    x = np.random.default_rng(0).standard_normal((6, 5)) * 2
    x[np.abs(x) < 1e-3] = 0.5  # keep away from the kink
    y = layer.forward(x)
    dout = np.random.default_rng(1).standard_normal(y.shape)
    dx = layer.backward(dout)
    num = numerical_gradient(lambda z: float((layer.forward(z) * dout).sum()), x.copy(), 1e-6)
    np.testing.assert_allclose(dx, num, rtol=1e-6, atol=1e-8)


def test_activation_values_by_hand():
    x = np.array([[-2.0, 0.0, 3.0]])
    np.testing.assert_allclose(layers.LeakyReLU(0.1).forward(x), [[-0.2, 0.0, 3.0]])
    np.testing.assert_allclose(layers.ELU(1.0).forward(x), [[math.exp(-2) - 1, 0.0, 3.0]])
    lam, alpha = layers.SELU_LAMBDA, layers.SELU_ALPHA
    np.testing.assert_allclose(layers.SELU().forward(x), [[lam * alpha * (math.exp(-2) - 1), 0.0, lam * 3.0]])


def test_selu_fixed_point_mean0_var1():
    """E[SELU(z)] = 0 and E[SELU(z)²] = 1 for z ~ N(0, 1): the self-normalising fixed point."""
    selu = layers.SELU()
    assert dg.gaussian_expectation(lambda z: selu.forward(z)) == pytest.approx(0.0, abs=1e-6)
    assert dg.gaussian_expectation(lambda z: selu.forward(z) ** 2) == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize(("f", "q", "expected"), [
    (lambda z: z**2, 2.5, 2.5), (lambda z: z**4, 1.0, 3.0), (lambda z: np.maximum(z, 0) ** 2, 3.0, 1.5),
    (lambda z: np.maximum(z, 0), 1.0, 1 / math.sqrt(2 * math.pi)), (np.abs, 4.0, 2 * math.sqrt(2 / math.pi)),
])
def test_gaussian_expectation_closed_forms(f, q, expected):
    assert dg.gaussian_expectation(f, q) == pytest.approx(expected, rel=1e-9)


# ---------------------------------------------------------------- lib.diagnostics


def test_dense_stack_structure_and_float_init():
    net = dg.dense_stack(8, 6, 3, "tanh", 0.5, np.random.default_rng(0), n_out=2)
    kinds = [type(layer).__name__ for layer in net.layers]
    assert kinds == ["Dense", "Tanh", "Dense", "Tanh", "Dense", "Tanh", "Dense"]
    assert net.weight_keys == ["0.W", "2.W", "4.W", "6.W"]
    assert net.params["0.W"].shape == (8, 6) and net.params["6.W"].shape == (6, 2)
    big = dg.dense_stack(400, 400, 1, "relu", 0.5, np.random.default_rng(0))
    assert big.params["0.W"].std() == pytest.approx(0.5, rel=0.01)
    bn = dg.dense_stack(4, 5, 2, "selu", "lecun_normal", 0, batch_norm=True)
    assert [type(layer).__name__ for layer in bn.layers] == ["Dense", "BatchNorm", "SELU"] * 2


def test_dense_stack_is_deterministic():
    a = dg.dense_stack(5, 7, 2, "relu", "he_normal", np.random.default_rng(3))
    b = dg.dense_stack(5, 7, 2, "relu", "he_normal", 3)
    for k in a.params:
        assert np.array_equal(a.params[k], b.params[k])


@pytest.mark.parametrize(("kwargs", "exc", "word"), [
    ({"activation": "swish"}, ValueError, "activation"),
    ({"depth": 0}, ValueError, "depth"),
    ({"init": -1.0}, ValueError, "init"),
    ({"init": "kaiming"}, ValueError, "init"),
    ({"rng": None}, TypeError, "rng"),
])
def test_dense_stack_bad_arguments(kwargs, exc, word):
    args = {"n_in": 3, "width": 4, "depth": 2, "activation": "relu", "init": "he_normal", "rng": 0} | kwargs
    with pytest.raises(exc, match=word):
        dg.dense_stack(**args)


def test_layer_outputs_match_a_manual_forward_pass():
    rng = np.random.default_rng(0)
    net = dg.dense_stack(4, 3, 2, "sigmoid", "glorot_uniform", rng)
    x = rng.standard_normal((5, 4))
    outs = dg.layer_outputs(net, x)
    assert list(outs) == ["0.Dense", "1.Sigmoid", "2.Dense", "3.Sigmoid"]
    z1 = x @ net.params["0.W"]
    h1 = 1 / (1 + np.exp(-z1))
    h2 = 1 / (1 + np.exp(-(h1 @ net.params["2.W"])))
    np.testing.assert_allclose(outs["1.Sigmoid"], h1)
    np.testing.assert_allclose(outs["3.Sigmoid"], h2)
    np.testing.assert_allclose(dg.activations(net, x)["3.Sigmoid"], h2)
    assert list(dg.activations(net, x)) == ["1.Sigmoid", "3.Sigmoid"]
    with pytest.raises(TypeError, match="Sequential"):
        dg.layer_outputs(net.layers, x)


def test_layer_stats_by_hand():
    a = np.array([[0.0, 1.0, 0.0], [0.0, 3.0, 2.0]])
    s = dg.layer_stats({"x": a})["x"]
    assert s.mean == pytest.approx(1.0)
    assert s.std == pytest.approx(np.sqrt((1 + 0 + 1 + 1 + 4 + 1) / 6))
    assert s.zero_fraction == pytest.approx(3 / 6)
    assert s.dead_fraction == pytest.approx(1 / 3)  # only the first unit is zero for every sample


def test_weight_grad_norms_match_numerical_gradients():
    rng = np.random.default_rng(0)
    net = dg.dense_stack(3, 4, 2, "tanh", "glorot_normal", rng, n_out=3)
    x, y = rng.standard_normal((6, 3)), rng.integers(0, 3, 6)
    loss = losses.SoftmaxCrossEntropy()
    before = {k: v.copy() for k, v in net.params.items()}
    norms = dg.weight_grad_norms(net, loss, x, y)
    assert list(norms) == ["0.W", "2.W", "4.W"]
    for k in norms:
        assert np.array_equal(net.params[k], before[k])  # parameters untouched

        def f(W, key=k):
            old = net.params[key].copy()
            net.params[key][...] = W
            value = loss.forward(net.forward(x), y)
            net.params[key][...] = old
            return value

        num = numerical_gradient(f, net.params[k].copy(), 1e-6)
        assert norms[k] == pytest.approx(np.linalg.norm(num), rel=1e-6)


def test_variance_propagation_closed_forms():
    np.testing.assert_allclose(dg.variance_propagation(6, "relu", 2.0), 2.0)  # He keeps q fixed
    np.testing.assert_allclose(dg.variance_propagation(4, "linear", 1.0, q0=3.0), 3.0)
    np.testing.assert_allclose(dg.variance_propagation(4, "relu", 1.0), 0.5 ** np.arange(4))  # Xavier halves
    np.testing.assert_allclose(dg.variance_propagation(5, "selu", 1.0), 1.0, rtol=1e-6)  # SELU's fixed point
    np.testing.assert_allclose(dg.variance_propagation(3, "linear", 0.01), [0.01, 1e-4, 1e-6])


def test_variance_propagation_matches_a_wide_random_stack():
    rng = np.random.default_rng(0)
    width = 1000
    net = dg.dense_stack(width, width, 4, "tanh", "lecun_normal", rng)
    pre = dg.layer_outputs(net, rng.standard_normal((400, width)), kinds=(layers.Dense,))
    measured = np.array([z.var() for z in pre.values()])
    np.testing.assert_allclose(measured, dg.variance_propagation(4, "tanh", 1.0), rtol=0.05)


@pytest.mark.parametrize(("kwargs", "exc"), [({"activation": "softplus"}, ValueError), ({"gain": 0.0}, ValueError),
                                             ({"depth": 0}, ValueError), ({"q0": -1.0}, ValueError)])
def test_variance_propagation_bad_arguments(kwargs, exc):
    args = {"depth": 3, "activation": "relu", "gain": 2.0} | kwargs
    with pytest.raises(exc):
        dg.variance_propagation(**args)


# ---------------------------------------------------------------- figures and the explorer


def test_histogram_figures_have_one_panel_per_layer():
    from lib.plots.init import activation_histogram_grid, activation_histograms, gradient_norm_profile

    rng = np.random.default_rng(0)
    outs = {f"{i}.Tanh": np.tanh(rng.standard_normal((50, 4))) for i in range(3)}
    axes = activation_histograms(outs, range=(-1, 1))
    assert len(axes) == 3 and axes[2].get_title() == "layer 3"
    heights = [p.get_height() for p in axes[0].patches]
    assert sum(heights) == pytest.approx(1.0)  # bars are fractions of the values
    fig = activation_histogram_grid({"a": outs, "b": list(outs.values())[:2]})
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 5
    ax = gradient_norm_profile({"x": {"0.W": 1.0, "2.W": 0.1}, "y": [1e-3, 1e-2]})
    assert ax.get_yscale() == "log" and len(ax.lines) == 2
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [1.0, 0.1])
    with pytest.raises(ValueError, match="outputs"):
        activation_histograms({})
    matplotlib.pyplot.close("all")


def test_explorer_builds_and_static_view_draws():
    from lib.widgets.init import activation_explorer, draw_activation_view

    fig = draw_activation_view(depth=12, activation="relu", gain=math.sqrt(2), width=20, n_samples=50)
    assert len(fig.axes) == 6  # five histograms and the σ profile
    assert len(fig.axes[-1].lines[0].get_ydata()) == 12
    box = activation_explorer(width=10, n_samples=20)
    controls = box.children[0].children
    assert [c.description for c in controls] == ["depth", "activation", "gain"]
    matplotlib.pyplot.close("all")


def test_dense_accepts_a_partial_initialiser():
    net = Sequential([layers.Dense(4, 3, functools.partial(init.constant, value=0.2), 0)])
    assert np.all(net.params["0.W"] == 0.2)


# ---------------------------------------------------------------- convolution kernels


@pytest.mark.parametrize(("shape", "fans"), [((5, 3, 7), (21, 35)), ((32, 1, 5), (5, 160)), ((4, 2, 3, 3), (18, 36))])
def test_kernel_fans_are_channels_times_receptive_field(shape, fans):
    """PyTorch's _calculate_fan_in_and_fan_out: fan_in = in·k, fan_out = out·k (tests/data fixture too)."""
    assert init.kernel_fans(shape) == fans


def test_kernel_fans_equal_torch():
    from pathlib import Path

    fix = np.load(Path(__file__).parent / "data" / "torch_fixtures.npz")
    shape = tuple(int(v) for v in fix["fans_shape"])
    assert init.kernel_fans(shape) == (int(fix["fans_fan_in"]), int(fix["fans_fan_out"]))


@pytest.mark.parametrize("name", RANDOM)
def test_kernel_variance_follows_the_kernel_fans(name):
    shape = (64, 40, 5)
    W = init.kernel(name, shape, np.random.default_rng(0))
    fan_in, fan_out = 200, 320
    assert W.shape == shape and W.dtype == np.float64
    var = VARIANCE[name](fan_in, fan_out)
    assert abs(W.var() / var - 1) < 0.05
    if name in BOUND:
        assert np.abs(W).max() <= BOUND[name](fan_in, fan_out)


@pytest.mark.parametrize("name", [*RANDOM, "zeros", "constant"])
def test_shape_keyword_keeps_the_fans_variance_and_dtype(name):
    W = init.INITIALIZERS[name](10, 20, 0, shape=(4, 5, 6), dtype=np.float32)
    assert W.shape == (4, 5, 6) and W.dtype == np.float32
    default = init.INITIALIZERS[name](10, 20, 0)
    assert default.shape == (10, 20)  # DESIGN's f(fan_in, fan_out, rng) -> W is unchanged


@pytest.mark.parametrize(("shape", "exc"), [((3, 4), ValueError), ((3, 0, 2), ValueError), ((3, 2.0, 2), TypeError),
                                            (5, ValueError)])
def test_kernel_rejects_bad_shapes(shape, exc):
    with pytest.raises(exc, match="shape"):
        init.kernel("he_normal", shape, 0)


def test_kernel_checks_what_a_callable_returns():
    with pytest.raises(ValueError, match="init returned shape"):
        init.kernel(lambda i, o, rng, *, shape, dtype: np.zeros((i, o)), (2, 3, 4), 0)


# ---------------------------------------------------------------- modes, gains, orthogonal, fixed points


@pytest.mark.parametrize(("mode", "n"), [("fan_in", 300), ("fan_out", 120), ("fan_avg", 210)])
@pytest.mark.parametrize("distribution", ["normal", "uniform"])
def test_variance_scaling_modes(mode, n, distribution):
    """Keras' VarianceScaling: Var W = scale / n with n chosen by mode."""
    W = init.variance_scaling(300, 120, np.random.default_rng(0), scale=2.0, mode=mode, distribution=distribution)
    assert W.shape == (300, 120)
    assert W.var() == pytest.approx(2.0 / n, rel=0.02)
    if distribution == "uniform":
        assert np.abs(W).max() <= math.sqrt(6.0 / n)


def test_variance_scaling_reproduces_the_named_rules():
    rng = lambda: np.random.default_rng(5)  # noqa: E731
    np.testing.assert_array_equal(init.variance_scaling(30, 20, rng(), scale=2.0), init.he_normal(30, 20, rng()))
    np.testing.assert_array_equal(init.variance_scaling(30, 20, rng()), init.lecun_normal(30, 20, rng()))
    np.testing.assert_allclose(init.variance_scaling(30, 20, rng(), mode="fan_avg", distribution="uniform"),
                               init.glorot_uniform(30, 20, rng()), rtol=1e-12)


@pytest.mark.parametrize(("kwargs", "word"), [({"mode": "fan_max"}, "mode"), ({"scale": 0.0}, "scale"),
                                              ({"distribution": "cauchy"}, "distribution")])
def test_variance_scaling_bad_arguments(kwargs, word):
    with pytest.raises(ValueError, match=word):
        init.variance_scaling(3, 4, 0, **kwargs)


@pytest.mark.parametrize(("name", "param", "expected"), [
    ("linear", None, 1.0), ("sigmoid", None, 1.0), ("tanh", None, 5 / 3), ("relu", None, math.sqrt(2)),
    ("selu", None, 0.75), ("leaky_relu", None, math.sqrt(2 / (1 + 1e-4))), ("leaky_relu", 0.2, math.sqrt(2 / 1.04)),
    ("leaky_relu", 1.0, 1.0),
])
def test_calculate_gain_matches_pytorch(name, param, expected):
    """torch.nn.init.calculate_gain (PyTorch 2.x) values."""
    assert init.calculate_gain(name, param) == pytest.approx(expected, rel=1e-15)


def test_calculate_gain_rejects_unknown_names_and_bad_slopes():
    with pytest.raises(ValueError, match="nonlinearity"):
        init.calculate_gain("swish")
    with pytest.raises(ValueError, match="param"):
        init.calculate_gain("leaky_relu", True)


def test_leaky_relu_gain_preserves_the_variance():
    """g² = 2/(1 + a²) is the gain at which the leaky-ReLU variance map is the identity."""
    for a in (0.01, 0.2):
        g = init.calculate_gain("leaky_relu", a)
        e2 = dg.gaussian_expectation(lambda z, a=a: np.where(z > 0, z, a * z) ** 2, 1.0)
        assert g**2 * e2 == pytest.approx(1.0, rel=1e-9)


@pytest.mark.parametrize(("fan_in", "fan_out"), [(50, 20), (20, 50), (30, 30), (1, 7), (7, 1)])
def test_orthogonal_is_orthogonal_for_tall_square_and_wide(fan_in, fan_out):
    W = init.orthogonal(fan_in, fan_out, np.random.default_rng(0), gain=1.5)
    assert W.shape == (fan_in, fan_out)
    k = min(fan_in, fan_out)
    gram = W.T @ W if fan_in >= fan_out else W @ W.T
    np.testing.assert_allclose(gram, 1.5**2 * np.eye(k), atol=1e-12)
    # every singular value equals the gain: the layer preserves norms (in the long direction)
    np.testing.assert_allclose(np.linalg.svd(W, compute_uv=False), 1.5, rtol=1e-12)


def test_orthogonal_sign_correction_makes_q_haar():
    """Without the sign fix, numpy's QR gives a Q whose entries are biased; with it, E[W_11] = 0."""
    first = np.array([init.orthogonal(4, 4, np.random.default_rng(s))[0, 0] for s in range(4000)])
    assert abs(first.mean()) < 4 * first.std() / math.sqrt(first.size)
    # entries of a Haar orthogonal n×n matrix have variance 1/n
    assert first.var() == pytest.approx(0.25, rel=0.08)


def test_orthogonal_deterministic_dtype_shape_and_bad_gain():
    a = init.orthogonal(6, 4, 3)
    np.testing.assert_array_equal(a, init.orthogonal(6, 4, np.random.default_rng(3)))
    assert init.orthogonal(6, 4, 3, dtype=np.float32).dtype == np.float32
    K = init.kernel("orthogonal", (8, 3, 5), 0)  # PyTorch flattens (out, in·k): orthonormal rows
    flat = K.reshape(8, 15)
    np.testing.assert_allclose(flat @ flat.T, np.eye(8), atol=1e-12)
    with pytest.raises(ValueError, match="gain"):
        init.orthogonal(3, 3, 0, gain=-1.0)


def test_variance_map_and_tanh_fixed_point():
    # ReLU with gain 2 is the identity map; linear with gain 1 too
    assert dg.variance_map(3.0, "relu", 2.0) == pytest.approx(3.0, rel=1e-9)
    assert dg.variance_fixed_point("relu", 2.0, q0=3.0) == pytest.approx(3.0, rel=1e-9)
    # tanh below gain 1: the variance dies out; above: a positive stable fixed point
    assert dg.variance_fixed_point("tanh", 0.8) == 0.0
    for g2 in (1.5, 2.0, 25 / 9):
        q = dg.variance_fixed_point("tanh", g2)
        assert q > 0
        assert dg.variance_map(q, "tanh", g2) == pytest.approx(q, rel=1e-9)
        assert dg.variance_fixed_point("tanh", g2, q0=10.0) == pytest.approx(q, rel=1e-8)  # reached from above
        slope = (dg.variance_map(q * 1.0001, "tanh", g2) - dg.variance_map(q * 0.9999, "tanh", g2)) / (2e-4 * q)
        assert 0 < slope < 1  # stable
    with pytest.raises(ValueError, match="did not converge"):
        dg.variance_fixed_point("tanh", 1.0, max_iter=50)


def test_tanh_fixed_point_is_what_a_wide_deep_stack_measures():
    rng = np.random.default_rng(0)
    width = 800
    net = dg.dense_stack(width, width, 12, "tanh", math.sqrt(2.0 / width), rng)
    pre = dg.layer_outputs(net, rng.standard_normal((300, width)), kinds=(layers.Dense,))
    last = np.mean([z.var() for z in list(pre.values())[-4:]])
    assert last == pytest.approx(dg.variance_fixed_point("tanh", 2.0), rel=0.05)


def test_prior_bias_predicts_the_priors_and_starts_at_their_entropy():
    p = np.array([0.7, 0.2, 0.1])
    b = init.prior_bias(p)
    np.testing.assert_allclose(np.exp(b) / np.exp(b).sum(), p)
    loss = losses.SoftmaxCrossEntropy()
    y = np.repeat([0, 1, 2], [70, 20, 10])
    assert loss.forward(np.tile(b, (100, 1)), y) == pytest.approx(-(p * np.log(p)).sum())
    (bb,) = init.prior_bias([0.9, 0.1], binary=True)
    assert 1 / (1 + math.exp(-bb)) == pytest.approx(0.1)
    for bad in ([1.0], [0.5, 0.6], [0.0, 1.0], [[0.5, 0.5]]):
        with pytest.raises(ValueError, match="priors"):
            init.prior_bias(bad)
    with pytest.raises(ValueError, match="binary"):
        init.prior_bias([0.2, 0.3, 0.5], binary=True)
