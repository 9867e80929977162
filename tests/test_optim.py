"""Optimizers against hand-unrolled updates, invariants, convergence and argument checks."""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib import optim
from lib.functions import Quadratic, trajectory

ALL = [optim.SGD, optim.Momentum, optim.Nesterov, optim.AdaGrad, optim.RMSProp, optim.Adam, optim.AdaMax,
       optim.Nadam, optim.AdamW, optim.AMSGrad]
G1, G2, G3 = np.array([1.0, -2.0]), np.array([0.5, 4.0]), np.array([-3.0, 0.25])


def run(opt, grads, p0=(1.0, 2.0)):
    """Apply ``opt`` to a parameter starting at p0 with the given gradient sequence; return every iterate."""
    params = {"w": np.array(p0, dtype=float)}
    out = []
    for g in grads:
        opt.step(params, {"w": np.array(g, dtype=float)})
        out.append(params["w"].copy())
    return out


def test_sgd_two_steps():
    p = run(optim.SGD(lr=0.1), [G1, G2])
    np.testing.assert_allclose(p[0], [1.0 - 0.1, 2.0 + 0.2])
    np.testing.assert_allclose(p[1], [0.9 - 0.05, 2.2 - 0.4])


def test_momentum_three_steps():
    lr, b = 0.1, 0.9
    m1 = -lr * G1
    m2 = b * m1 - lr * G2
    m3 = b * m2 - lr * G3
    p = run(optim.Momentum(lr, beta=b), [G1, G2, G3])
    np.testing.assert_allclose(p[0], np.add([1, 2], m1))
    np.testing.assert_allclose(p[1], np.add([1, 2], m1 + m2))
    np.testing.assert_allclose(p[2], np.add([1, 2], m1 + m2 + m3))
    # worked by hand: m1 = (-0.1, 0.2), m2 = (-0.14, -0.22)
    np.testing.assert_allclose(p[1], [0.76, 1.98])


def test_nesterov_three_steps():
    lr, b = 0.1, 0.5
    m1 = -lr * G1
    m2 = b * m1 - lr * G2
    m3 = b * m2 - lr * G3
    p = run(optim.Nesterov(lr, beta=b), [G1, G2, G3])
    p1 = np.array([1.0, 2.0]) + b * m1 - lr * G1
    p2 = p1 + b * m2 - lr * G2
    p3 = p2 + b * m3 - lr * G3
    np.testing.assert_allclose(p, [p1, p2, p3])


def test_nesterov_equals_lookahead_points_of_textbook_form():
    """The rewritten iterates φ_t equal θ_t + β m_t of the look-ahead form m ← βm − η g(θ + βm); θ ← θ + m."""
    f = Quadratic(a=0.3, b=2.0)
    lr, b = 0.05, 0.8
    theta, m = np.array([-2.0, 1.5]), np.zeros(2)
    look = [theta + b * m]
    for _ in range(40):
        m = b * m - lr * f.grad(theta + b * m)
        theta = theta + m
        look.append(theta + b * m)
    phi = trajectory(f, optim.Nesterov(lr, beta=b), start=look[0], steps=40)
    np.testing.assert_allclose(phi, np.array(look), rtol=1e-12, atol=1e-14)


def test_nesterov_matches_pytorch_form():
    """PyTorch nesterov=True: v ← βv + g; θ ← θ − η(g + βv). Equal iterates for a constant rate."""
    lr, b = 0.1, 0.9
    theta, v = np.array([1.0, 2.0]), np.zeros(2)
    expected = []
    for g in (G1, G2, G3):
        v = b * v + g
        theta = theta - lr * (g + b * v)
        expected.append(theta)
    np.testing.assert_allclose(run(optim.Nesterov(lr, beta=b), [G1, G2, G3]), expected)


def test_adagrad_two_steps():
    lr = 0.5
    s1 = G1**2
    s2 = s1 + G2**2
    p1 = np.array([1.0, 2.0]) - lr * G1 / (np.sqrt(s1) + 1e-10)
    p2 = p1 - lr * G2 / (np.sqrt(s2) + 1e-10)
    np.testing.assert_allclose(run(optim.AdaGrad(lr), [G1, G2]), [p1, p2])
    # the first AdaGrad step moves every coordinate by lr in the direction of -sign(g)
    np.testing.assert_allclose(p1, [0.5, 2.5])


def test_rmsprop_two_steps():
    lr, rho, eps = 0.01, 0.8, 1e-8
    s1 = (1 - rho) * G1**2
    s2 = rho * s1 + (1 - rho) * G2**2
    p1 = np.array([1.0, 2.0]) - lr * G1 / (np.sqrt(s1) + eps)
    p2 = p1 - lr * G2 / (np.sqrt(s2) + eps)
    np.testing.assert_allclose(run(optim.RMSProp(lr, rho=rho), [G1, G2]), [p1, p2])


def adam_reference(grads, lr, b1, b2, eps, p0=(1.0, 2.0), wd=0.0):
    p, m, s = np.array(p0), np.zeros(2), np.zeros(2)
    out = []
    for t, g in enumerate(grads, start=1):
        p = p - lr * wd * p
        m = b1 * m + (1 - b1) * g
        s = b2 * s + (1 - b2) * g * g
        p = p - lr * (m / (1 - b1**t)) / (np.sqrt(s / (1 - b2**t)) + eps)
        out.append(p)
    return out


def test_adam_three_steps():
    np.testing.assert_allclose(run(optim.Adam(0.01, 0.8, 0.9, 1e-6), [G1, G2, G3]),
                               adam_reference([G1, G2, G3], 0.01, 0.8, 0.9, 1e-6))


def test_adam_bias_correction_makes_first_step_lr_sized():
    """m̂_1 = g and ŝ_1 = g², so the first step is −η sign(g) (up to ε) whatever g's scale."""
    for scale in (1e-4, 1.0, 1e4):
        p = run(optim.Adam(lr=0.01, eps=1e-12), [scale * G1])[0]
        np.testing.assert_allclose(p - [1.0, 2.0], [-0.01, 0.01], rtol=1e-6)
    # without bias correction the first step would be (1-β1)/sqrt(1-β2) ≈ 3.16 times larger
    opt = optim.Adam(lr=0.01)
    run(opt, [G1])
    np.testing.assert_allclose(opt.state["w"]["m"], 0.1 * G1)
    np.testing.assert_allclose(opt.state["w"]["s"], 0.001 * G1**2)


def test_adamw_decouples_decay():
    lr, wd = 0.01, 0.1
    got = run(optim.AdamW(lr, weight_decay=wd), [G1, G2])
    np.testing.assert_allclose(got, adam_reference([G1, G2], lr, 0.9, 0.999, 1e-8, wd=wd))
    # with zero gradients Adam stands still but AdamW shrinks θ by (1 - ηλ) per step
    z = np.zeros(2)
    np.testing.assert_allclose(run(optim.AdamW(lr, weight_decay=wd), [z, z])[-1], np.array([1, 2]) * (1 - lr * wd) ** 2)
    np.testing.assert_allclose(run(optim.Adam(lr), [z, z])[-1], [1, 2])


def test_adamax_two_steps():
    lr, b1, b2, eps = 0.002, 0.9, 0.999, 1e-8
    m1 = (1 - b1) * G1
    u1 = np.abs(G1)
    m2 = b1 * m1 + (1 - b1) * G2
    u2 = np.maximum(b2 * u1, np.abs(G2))
    p1 = np.array([1.0, 2.0]) - lr / (1 - b1) * m1 / (u1 + eps)
    p2 = p1 - lr / (1 - b1**2) * m2 / (u2 + eps)
    np.testing.assert_allclose(run(optim.AdaMax(lr), [G1, G2]), [p1, p2])


def test_nadam_mu_schedule():
    assert optim.nadam_mu(0) == pytest.approx(0.45)
    assert optim.nadam_mu(1) == pytest.approx(0.9 * (1 - 0.5 * 0.96**0.004))
    # the schedule rises towards β1 and never exceeds it
    mus = [optim.nadam_mu(t) for t in range(0, 100_000, 1000)]
    assert all(a < b for a, b in itertools.pairwise(mus)) and mus[-1] < 0.9


def test_nadam_three_steps_like_torch():
    lr, b1, b2, eps, psi = 0.002, 0.9, 0.999, 1e-8, 0.004
    p, m, s, prod = np.array([1.0, 2.0]), np.zeros(2), np.zeros(2), 1.0
    expected = []
    for t, g in enumerate([G1, G2, G3], start=1):
        mu = b1 * (1 - 0.5 * 0.96 ** (t * psi))
        mu_next = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi))
        prod *= mu
        m = b1 * m + (1 - b1) * g
        s = b2 * s + (1 - b2) * g * g
        denom = np.sqrt(s / (1 - b2**t)) + eps
        p = p - lr * (1 - mu) / (1 - prod) * g / denom - lr * mu_next / (1 - prod * mu_next) * m / denom
        expected.append(p)
    opt = optim.Nadam(lr)
    np.testing.assert_allclose(run(opt, [G1, G2, G3]), expected)
    assert opt.mu_product == pytest.approx(prod)
    opt.reset()
    assert opt.mu_product == 1.0 and opt.t == 0 and not opt.state


@pytest.mark.parametrize("cls", ALL)
def test_state_is_lazy_per_key_and_reset_forgets(cls):
    opt = cls(lr=0.01)
    assert opt.state == {}
    params = {"a": np.ones(3), "b": np.ones((2, 2))}
    opt.step(params, {"a": np.ones(3), "b": np.ones((2, 2))})
    if cls is not optim.SGD:
        assert set(opt.state) == {"a", "b"}
        assert all(v.shape == params[k].shape for k in opt.state for v in opt.state[k].values())
    assert opt.t == 1
    opt.reset()
    assert opt.state == {} and opt.t == 0
    # after reset the optimizer repeats its first step exactly
    p1 = run(cls(lr=0.01), [G1])[0]
    opt2 = cls(lr=0.01)
    run(opt2, [G2, G3])
    opt2.reset()
    np.testing.assert_allclose(run(opt2, [G1])[0], p1)


@pytest.mark.parametrize("cls", ALL)
def test_float32_parameters_stay_float32(cls):
    params = {"w": np.ones(4, dtype=np.float32)}
    cls(lr=0.01).step(params, {"w": np.full(4, 0.5, dtype=np.float32)})
    assert params["w"].dtype == np.float32 and np.all(params["w"] < 1)


@pytest.mark.parametrize("cls, lr", [(optim.SGD, 0.1), (optim.Momentum, 0.05), (optim.Nesterov, 0.05),
                                     (optim.AdaGrad, 0.5), (optim.RMSProp, 0.01), (optim.Adam, 0.1),
                                     (optim.AdaMax, 0.1), (optim.Nadam, 0.1), (optim.AdamW, 0.1)])
def test_each_converges_on_a_convex_quadratic(cls, lr):
    f = Quadratic(a=0.5, b=2.0)
    path = trajectory(f, cls(lr=lr), start=(3.0, -2.0), steps=800)
    assert len(path) == 801
    assert np.linalg.norm(path[-1]) < 0.02
    assert f(path[-1]) < 1e-3 * f(path[0])


@pytest.mark.parametrize("cls", ALL)
@pytest.mark.parametrize("lr", [0.0, -0.1, float("nan"), float("inf")])
def test_bad_lr_raises(cls, lr):
    with pytest.raises(ValueError, match="lr"):
        cls(lr=lr)


def test_lr_is_mutable_and_validated():
    opt = optim.Adam(lr=0.01)
    opt.lr = 0.5
    assert opt.lr == 0.5
    with pytest.raises(ValueError, match="lr must be"):
        opt.lr = -1.0
    with pytest.raises(TypeError, match="lr"):
        opt.lr = "0.1"


@pytest.mark.parametrize("make, name", [
    (lambda: optim.Momentum(0.1, beta=1.0), "beta"), (lambda: optim.Nesterov(0.1, beta=-0.1), "beta"),
    (lambda: optim.RMSProp(0.1, rho=1.5), "rho"), (lambda: optim.Adam(0.1, beta1=1.0), "beta1"),
    (lambda: optim.Adam(0.1, beta2=-0.5), "beta2"), (lambda: optim.AdaMax(0.1, beta2=1.0), "beta2"),
    (lambda: optim.Adam(0.1, eps=0.0), "eps"), (lambda: optim.AdaGrad(0.1, eps=-1e-8), "eps"),
    (lambda: optim.Nadam(0.1, momentum_decay=-1.0), "momentum_decay"),
    (lambda: optim.AdamW(0.1, weight_decay=-0.01), "weight_decay"),
])
def test_bad_hyperparameters_raise_naming_them(make, name):
    with pytest.raises(ValueError, match=name):
        make()


def test_bad_grads_raise():
    opt = optim.Adam(0.1)
    with pytest.raises(ValueError, match="same keys"):
        opt.step({"a": np.ones(2)}, {"b": np.ones(2)})
    with pytest.raises(ValueError, match="shape"):
        opt.step({"a": np.ones(2)}, {"a": np.ones(3)})
    with pytest.raises(ValueError, match="NaN or inf"):
        opt.step({"a": np.ones(2)}, {"a": np.array([1.0, np.nan])})
    with pytest.raises(ValueError, match="NaN or inf"):
        opt.step({"a": np.ones(2)}, {"a": np.array([-np.inf, 1.0])})
    assert opt.t == 0 and opt.state == {}


def test_huge_finite_grads_are_accepted():
    """Entries near the float maximum sum to inf, yet every entry is finite: the step must go ahead."""
    big = np.array([1e308, 1e308])
    params = {"a": np.zeros(2)}
    optim.SGD(lr=1e-300).step(params, {"a": big})
    np.testing.assert_allclose(params["a"], [-1e8, -1e8])


@given(st.floats(1.0, 1e4))
def test_rate_formulas(kappa):
    r_gd, r_mom = optim.gd_rate(kappa), optim.momentum_rate(kappa)
    assert 0 <= r_mom <= r_gd < 1
    assert r_mom == pytest.approx((math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1))


@given(st.floats(0.01, 10.0), st.floats(1.0, 300.0))
def test_optimal_gd_contracts_at_the_predicted_rate(mu, kappa):
    """On f = ½(μx² + Ly²) each coordinate is multiplied by 1 − ηλ; at η* both equal ±(κ−1)/(κ+1)."""
    L = mu * kappa
    lr = optim.gd_optimal_lr(mu, L)
    path = trajectory(Quadratic(a=mu / 2, b=L / 2), optim.SGD(lr), start=(1.0, 1.0), steps=3)
    np.testing.assert_allclose(np.abs(path[3]), [optim.gd_rate(kappa) ** 3] * 2, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("kappa", [4.0, 25.0, 100.0])
def test_optimal_momentum_attains_the_accelerated_rate(kappa):
    mu, L = 1.0, kappa
    lr, beta = optim.momentum_optimal(mu, L)
    r = optim.momentum_rate(kappa)
    assert beta == pytest.approx(r**2)
    # spectral radius of the heavy-ball iteration matrix on each curvature λ equals r
    for lam in (mu, L, math.sqrt(mu * L)):
        T = np.array([[1 + beta - lr * lam, -beta], [1.0, 0.0]])
        assert np.max(np.abs(np.linalg.eigvals(T))) == pytest.approx(r, rel=1e-6)
    n = int(60 / -math.log(r))
    path = trajectory(Quadratic(a=mu / 2, b=L / 2), optim.Momentum(lr, beta=beta), start=(1.0, 1.0), steps=2 * n)
    measured = (np.linalg.norm(path[2 * n]) / np.linalg.norm(path[n])) ** (1 / n)
    # the double eigenvalue adds a factor t to r^t: measured rate is r * 2**(1/n) at most
    assert r <= measured <= r * 2 ** (1 / n) * (1 + 1e-9)
    # and momentum beats the best gradient descent
    assert measured < optim.gd_rate(kappa)


def test_quadratic_theory_bad_input():
    with pytest.raises(ValueError, match="kappa"):
        optim.gd_rate(0.5)
    with pytest.raises(ValueError, match="L must be >= mu"):
        optim.momentum_optimal(2.0, 1.0)
    with pytest.raises(ValueError, match="mu"):
        optim.gd_optimal_lr(0.0, 1.0)


# ---------------------------------------------------------------- flat buffers, dtypes, bad gradients

def _model(seed=0, dtype=np.float64):
    from lib import layers
    from lib.model import Sequential

    rng = np.random.default_rng(seed)
    return Sequential([layers.Dense(3, 5, "he_normal", rng, dtype=dtype), layers.ReLU(),
                       layers.BatchNorm(5, dtype=dtype), layers.Dense(5, 2, rng=rng, dtype=dtype)])


@pytest.mark.parametrize("cls", ALL)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_flat_buffer_step_equals_per_key_steps(cls, dtype):
    """One step over the model's flat buffer gives exactly the numbers of one step per parameter array."""
    per_key, flat = _model(dtype=dtype), _model(dtype=dtype)
    opt_a, opt_b = cls(lr=0.01), cls(lr=0.01)
    rng = np.random.default_rng(1)
    for _ in range(4):
        for k, g in per_key.grads.items():
            g[...] = rng.standard_normal(g.shape)
            flat.grads[k][...] = g
        opt_a.step(per_key.params, per_key.grads)
        opt_b.step(*flat.flat())
    for k, p in per_key.params.items():
        np.testing.assert_array_equal(flat.params[k], p, err_msg=k)
        assert flat.params[k].dtype == dtype
    assert set(opt_b.state) <= {"model"} and all(v.dtype == dtype for s in opt_b.state.values() for v in s.values())


@given(st.lists(st.floats(-1e3, 1e3), min_size=6, max_size=6), st.sampled_from(ALL))
def test_flat_step_equals_per_key_property(values, cls):
    """Two parameter arrays stepped separately, or as one concatenated array: the same numbers."""
    g = np.array(values)
    a, b = {"u": np.ones(2), "v": np.full(4, -0.5)}, {"all": np.concatenate([np.ones(2), np.full(4, -0.5)])}
    oa, ob = cls(lr=0.05), cls(lr=0.05)
    for _ in range(2):
        oa.step(a, {"u": g[:2].copy(), "v": g[2:].copy()})
        ob.step(b, {"all": g.copy()})
    np.testing.assert_array_equal(b["all"], np.concatenate([a["u"], a["v"]]))


def test_adamw_decays_every_parameter_given_like_pytorch():
    """Biases and batch-norm scales decay too (torch.optim.AdamW's default), per key and flat alike."""
    net = _model()
    before = {k: v.copy() for k, v in net.params.items()}
    for g in net.grads.values():
        g[...] = 0.0
    optim.AdamW(lr=0.1, weight_decay=0.5).step(*net.flat())
    for k, p in net.params.items():  # zero gradient: Adam's step is 0, only the decay θ ← (1 − ηλ)θ acts
        np.testing.assert_allclose(p, 0.95 * before[k], rtol=1e-15, atol=0, err_msg=k)


@pytest.mark.parametrize("cls", ALL)
def test_float32_step_makes_no_float64(cls):
    params = {"w": np.linspace(-1, 1, 7, dtype=np.float32)}
    opt = cls(lr=0.01)
    for _ in range(3):
        opt.step(params, {"w": np.linspace(0.5, -2, 7, dtype=np.float32)})
    assert params["w"].dtype == np.float32
    assert all(v.dtype == np.float32 for v in opt.state.get("w", {}).values())


@pytest.mark.parametrize("cls", ALL)
@pytest.mark.parametrize("dtype", [np.float16, np.int64])
def test_float16_and_integer_parameters_are_refused_clearly(cls, dtype):
    with pytest.raises(TypeError, match=r"params\['w'\].*float32 or float64"):
        cls(lr=0.01).step({"w": np.ones(3, dtype=dtype)}, {"w": np.zeros(3, dtype=dtype)})


@pytest.mark.parametrize("cls", ALL)
def test_zero_gradient_float32_never_makes_nan(cls):
    params = {"w": np.ones(3, dtype=np.float32)}
    cls(lr=0.01).step(params, {"w": np.zeros(3, dtype=np.float32)})
    assert np.all(np.isfinite(params["w"]))


@pytest.mark.parametrize("cls", [optim.AdaGrad, optim.RMSProp, optim.Adam, optim.Nadam, optim.AdamW])
def test_squared_gradient_overflow_raises_naming_the_parameter(cls):
    """|g| = 1e20 in float32: g² = inf would make √ŝ = inf and silently skip the step."""
    opt = cls(lr=0.01)
    with pytest.raises(ValueError, match=r"grads\['w'\].*overflows float32"):
        opt.step({"w": np.ones(2, dtype=np.float32)}, {"w": np.array([1e20, 1.0], dtype=np.float32)})
    assert opt.t == 0 and opt.state == {}
    params = {"w": np.ones(2)}  # the same gradient in float64 is fine
    opt.step(params, {"w": np.array([1e20, 1.0])})
    assert np.all(np.isfinite(params["w"])) and params["w"][0] < 1


@given(st.floats(allow_nan=True, allow_infinity=True).filter(lambda v: not (math.isfinite(v) and v > 0)))
def test_non_positive_or_non_finite_lr_refused(lr):
    with pytest.raises(ValueError, match="lr"):
        optim.SGD(lr=lr)


# ---------------------------------------------------------------- gradient clipping

def test_clip_grad_norm_by_hand():
    grads = {"a": np.array([3.0, 0.0]), "b": np.array([[4.0]])}  # global norm 5
    norm = optim.clip_grad_norm(grads, 1.0)
    assert norm == 5.0
    scale = 1.0 / (5.0 + 1e-6)  # PyTorch's max_norm / (norm + 1e-6)
    np.testing.assert_allclose(grads["a"], [3.0 * scale, 0.0], rtol=1e-15)
    np.testing.assert_allclose(grads["b"], [[4.0 * scale]], rtol=1e-15)
    inside = {"a": np.array([0.3, 0.4])}  # norm 0.5 <= 1: untouched
    assert optim.clip_grad_norm(inside, 1.0) == pytest.approx(0.5)
    np.testing.assert_array_equal(inside["a"], [0.3, 0.4])


def test_clip_grad_norm_is_joint_over_arrays_and_equals_flat():
    rng = np.random.default_rng(0)
    grads = {"a": rng.standard_normal(5), "b": rng.standard_normal((2, 3))}
    flat = np.concatenate([grads["a"], grads["b"].ravel()])
    expected = np.linalg.norm(flat)
    n1, n2 = optim.clip_grad_norm(grads, 0.5), optim.clip_grad_norm(flat, 0.5)
    assert n1 == pytest.approx(expected, rel=1e-14) and n2 == pytest.approx(expected, rel=1e-14)
    np.testing.assert_allclose(np.concatenate([grads["a"], grads["b"].ravel()]), flat, rtol=1e-14)
    assert optim.grad_norm(flat) == pytest.approx(0.5, rel=1e-5)


def test_clip_grad_norm_does_not_overflow_in_float32():
    g = np.array([3e30, 4e30], dtype=np.float32)  # g·g overflows float32
    assert optim.grad_norm(g) == pytest.approx(5e30, rel=1e-6)
    optim.clip_grad_norm(g, 1.0)
    np.testing.assert_allclose(g, [0.6, 0.8], rtol=1e-6)
    assert g.dtype == np.float32


def test_clip_grad_value_by_hand():
    grads = {"a": np.array([-3.0, 0.5, 2.0]), "b": np.array([[0.1, -0.2]])}
    optim.clip_grad_value(grads, 1.0)
    np.testing.assert_array_equal(grads["a"], [-1.0, 0.5, 1.0])
    np.testing.assert_array_equal(grads["b"], [[0.1, -0.2]])


@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=20), st.floats(1e-3, 1e3))
def test_clip_grad_norm_property(values, max_norm):
    g = np.array(values)
    before = g.copy()
    norm = optim.clip_grad_norm(g, max_norm)
    assert norm == pytest.approx(np.linalg.norm(before), rel=1e-12, abs=1e-300)
    assert np.linalg.norm(g) <= max_norm * (1 + 1e-12) or np.array_equal(g, before)
    if max_norm / (norm + 1e-6) >= 1:  # inside the ball (PyTorch: clip_coef >= 1): untouched
        np.testing.assert_array_equal(g, before)
    else:  # same direction
        np.testing.assert_allclose(g * (norm + 1e-6) / max_norm, before, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), float("inf")])
def test_clipping_refuses_bad_thresholds(bad):
    with pytest.raises(ValueError, match="max_norm"):
        optim.clip_grad_norm({"a": np.ones(2)}, bad)
    with pytest.raises(ValueError, match="clip_value"):
        optim.clip_grad_value({"a": np.ones(2)}, bad)
    with pytest.raises(TypeError, match="grads"):
        optim.clip_grad_norm([np.ones(2)], 1.0)


def test_amsgrad_three_steps_like_torch():
    """torch.optim.Adam(amsgrad=True), PyTorch 2.x: max of the uncorrected exp_avg_sq, then
    denom = sqrt(max_exp_avg_sq) / sqrt(1 - β2^t) + eps; step = lr / (1 - β1^t) * exp_avg / denom."""
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    p, m, s, s_max = np.array([1.0, 2.0]), np.zeros(2), np.zeros(2), np.zeros(2)
    expected = []
    grads = [G2, G1, G3, np.array([0.1, 0.1])]  # |g| falls: s shrinks, s_max must not
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        s = b2 * s + (1 - b2) * g * g
        s_max = np.maximum(s_max, s)
        denom = np.sqrt(s_max) / math.sqrt(1 - b2**t) + eps
        p = p - lr / (1 - b1**t) * m / denom
        expected.append(p)
    opt = optim.AMSGrad(lr)
    np.testing.assert_allclose(run(opt, grads), expected, rtol=1e-13)
    np.testing.assert_array_equal(opt.state["w"]["s_max"], s_max)
    assert np.all(opt.state["w"]["s_max"] >= opt.state["w"]["s"])


def test_amsgrad_equals_adam_while_the_second_moment_grows():
    grads = [np.array([1.0, 1.0]) * k for k in (1, 2, 3, 4)]
    np.testing.assert_allclose(run(optim.AMSGrad(0.01), grads), run(optim.Adam(0.01), grads), rtol=1e-14)


def test_heavy_ball_matrix_reproduces_momentum_iterates():
    lr, beta, lam = 0.1, 0.8, 3.0
    R = optim.heavy_ball_matrix(lr, beta, lam)
    np.testing.assert_array_equal(R, [[1 + beta - lr * lam, -beta], [1, 0]])
    opt, params, xs = optim.Momentum(lr, beta=beta), {"x": np.array([1.0])}, [1.0]
    for _ in range(6):
        opt.step(params, {"x": lam * params["x"]})
        xs.append(float(params["x"][0]))
    state = np.array([xs[1], xs[0]])
    for t in range(1, 6):
        state = R @ state
        assert state[0] == pytest.approx(xs[t + 1], rel=1e-12)


@pytest.mark.parametrize("lr, beta, lam", [(0.1, 0.9, 1.0), (0.5, 0.3, 2.0), (1.9, 0.0, 1.0), (0.05, 0.99, 40.0),
                                           (3.0, 0.5, 1.0)])
def test_heavy_ball_rate_is_the_spectral_radius(lr, beta, lam):
    R = optim.heavy_ball_matrix(lr, beta, lam)
    assert optim.heavy_ball_rate(lr, beta, lam) == pytest.approx(np.abs(np.linalg.eigvals(R)).max(), rel=1e-9)


def test_heavy_ball_rate_grid_worst_over_curvatures_and_optimum():
    mu, L = 0.1, 10.0
    lr, beta = optim.momentum_optimal(mu, L)
    assert optim.heavy_ball_rate(lr, beta, [mu, L]) == pytest.approx(optim.momentum_rate(L / mu), rel=1e-6)
    lrs, betas = np.meshgrid(np.geomspace(1e-3, 1.0, 7), np.linspace(0, 0.95, 5))
    grid = optim.heavy_ball_rate(lrs, betas, [mu, L])
    assert grid.shape == lrs.shape
    worst = np.maximum(*(np.abs(np.linalg.eigvals(np.stack([np.array([[1 + b - a * lam, -b], [1, 0]])
                                                            for a, b in zip(lrs.ravel(), betas.ravel(), strict=True)])))
                         .max(axis=1) for lam in (mu, L)))
    np.testing.assert_allclose(grid.ravel(), worst, rtol=1e-9)
    # no setting beats the optimum (Polyak's η*, β*), and β = 0 is gradient descent
    assert grid.min() >= optim.momentum_rate(L / mu) - 1e-12
    assert optim.heavy_ball_rate(optim.gd_optimal_lr(mu, L), 0.0, [mu, L]) == pytest.approx(optim.gd_rate(L / mu))


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9])
def test_heavy_ball_stability_boundary(beta):
    lam = 2.0
    edge = optim.heavy_ball_max_lr(beta, lam)
    assert edge == pytest.approx(2 * (1 + beta) / lam)
    assert optim.heavy_ball_rate(edge * 0.999, beta, lam) < 1 < optim.heavy_ball_rate(edge * 1.001, beta, lam)


def test_heavy_ball_bad_input():
    with pytest.raises(ValueError, match="beta"):
        optim.heavy_ball_rate(0.1, 1.0, 1.0)
    with pytest.raises(ValueError, match="lams"):
        optim.heavy_ball_rate(0.1, 0.5, [1.0, 0.0])
    with pytest.raises(ValueError, match="lr"):
        optim.heavy_ball_rate(-0.1, 0.5, 1.0)
    with pytest.raises(ValueError, match="lam"):
        optim.heavy_ball_max_lr(0.5, 0.0)


def test_newton_step_solves_a_quadratic_in_one_step():
    H = np.array([[802.0, -400.0], [-400.0, 200.0]])
    x_star = np.array([1.0, 1.0])
    x = np.array([-1.5, 2.0])
    np.testing.assert_allclose(x + optim.newton_step(H @ (x - x_star), H), x_star, rtol=1e-12)
    with pytest.raises(ValueError, match="hessian"):
        optim.newton_step(np.ones(2), np.ones((3, 3)))
