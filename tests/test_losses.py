"""Losses: hand-computed values, numerical gradients, stability at extreme inputs, bad input."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from lib import losses
from lib.gradcheck import numerical_gradient, relative_error

# the warnings NumPy emits by default turned into errors (underflow to 0 is exact and silent)
LOUD = {"all": "raise", "under": "ignore"}


def loss_gradcheck(loss, output, target):
    """Relative error between loss.backward() and central differences of loss.forward."""
    out = np.array(output, dtype=np.float64)
    loss.forward(out, target)
    analytic = loss.backward()
    numeric = numerical_gradient(lambda z: loss.forward(z, target), out)
    return relative_error(analytic, numeric)


# ---------------------------------------------------------------- softmax and cross-entropy

def test_softmax_by_hand():
    z = np.log(np.array([[1.0, 2.0, 7.0], [1.0, 1.0, 2.0]]))
    np.testing.assert_allclose(losses.softmax(z), [[0.1, 0.2, 0.7], [0.25, 0.25, 0.5]])
    np.testing.assert_allclose(losses.log_softmax(z), np.log([[0.1, 0.2, 0.7], [0.25, 0.25, 0.5]]))


def test_cross_entropy_by_hand():
    z = np.log(np.array([[1.0, 2.0, 7.0], [1.0, 1.0, 2.0]]))
    y = np.array([2, 0])
    loss = losses.SoftmaxCrossEntropy()
    assert loss.forward(z, y) == pytest.approx(-(math.log(0.7) + math.log(0.25)) / 2, rel=1e-12)
    # (softmax − onehot) / N
    np.testing.assert_allclose(loss.backward(), [[0.05, 0.1, -0.15], [-0.375, 0.125, 0.25]])
    assert losses.SoftmaxCrossEntropy().forward(np.zeros((4, 2)), np.array([0, 1, 1, 0])) == pytest.approx(
        math.log(2.0))


def test_cross_entropy_one_hot_target_equals_labels():
    z = np.random.default_rng(0).standard_normal((5, 4))
    y = np.array([0, 3, 1, 1, 2])
    a, b = losses.SoftmaxCrossEntropy(), losses.SoftmaxCrossEntropy()
    assert a.forward(z, y) == pytest.approx(b.forward(z, np.eye(4)[y]), rel=1e-14)
    np.testing.assert_allclose(a.backward(), b.backward(), rtol=1e-14)


def test_cross_entropy_finite_for_logits_of_plus_minus_1000():
    z = np.array([[1000.0, -1000.0], [1000.0, -1000.0], [-1000.0, 1000.0], [1000.0, 1000.0]])
    y = np.array([0, 1, 0, 1])
    loss = losses.SoftmaxCrossEntropy()
    with np.errstate(**LOUD):
        value = loss.forward(z, y)
        grad = loss.backward()
        p = losses.softmax(z)
    # per sample: 0, 2000, 2000, log 2
    assert value == pytest.approx((0.0 + 2000.0 + 2000.0 + math.log(2.0)) / 4, rel=1e-12)
    assert np.all(np.isfinite(grad))
    np.testing.assert_allclose(grad, [[0.0, 0.0], [0.25, -0.25], [-0.25, 0.25], [0.125, -0.125]], atol=1e-15)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)


@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=6),
                  elements=st.floats(-1e4, 1e4)),
       st.floats(-1e4, 1e4))
def test_softmax_is_a_distribution_and_shift_invariant(z, c):
    with np.errstate(**LOUD):
        p = losses.softmax(z)
        q = losses.softmax(z + c)
    assert np.all((p >= 0) & (p <= 1))
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(p, q, atol=1e-9)


@given(n=st.integers(1, 8), k=st.integers(2, 6), seed=st.integers(0, 2**16),
       scale=st.sampled_from([1e-3, 1.0, 30.0, 1e3]))
def test_cross_entropy_nonnegative_and_gradient_rows_sum_to_zero(n, k, seed, scale):
    rng = np.random.default_rng(seed)
    z = scale * rng.standard_normal((n, k))
    y = rng.integers(0, k, size=n)
    loss = losses.SoftmaxCrossEntropy()
    with np.errstate(**LOUD):
        value = loss.forward(z, y)
        grad = loss.backward()
    assert value >= 0 and np.isfinite(value)
    assert grad.shape == z.shape
    np.testing.assert_allclose(grad.sum(axis=1), 0.0, atol=1e-15)
    assert np.all(grad[np.arange(n), y] <= 0)  # only the true class is pushed up


# ---------------------------------------------------------------- mean squared error

def test_mse_by_hand():
    loss = losses.MeanSquaredError()
    out = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert loss.forward(out, np.zeros((2, 2))) == 7.5  # (1 + 4 + 9 + 16) / 4
    np.testing.assert_allclose(loss.backward(), [[0.5, 1.0], [1.5, 2.0]])  # 2 (ŷ − y) / M
    assert losses.MeanSquaredError().forward(np.array([1.0, 3.0]), np.array([1.0, 1.0])) == 2.0


# ---------------------------------------------------------------- binary cross-entropy

def test_bce_by_hand():
    loss = losses.BinaryCrossEntropy()
    p = np.array([[0.5], [0.8]])
    y = np.array([[1.0], [0.0]])
    assert loss.forward(p, y) == pytest.approx((math.log(2.0) - math.log(0.2)) / 2, rel=1e-12)
    # (p − y) / (p (1 − p) M) = −1/(2·0.5) and 1/(0.2·2)
    np.testing.assert_allclose(loss.backward(), [[-1.0], [2.5]])


def test_bce_finite_at_probabilities_0_and_1():
    eps = 1e-7
    loss = losses.BinaryCrossEntropy(eps=eps)
    p = np.array([0.0, 1.0, 0.0, 1.0])
    with np.errstate(**LOUD):
        wrong = loss.forward(p, np.array([1.0, 0.0, 1.0, 0.0]))
        g_wrong = loss.backward()
        right = loss.forward(p, np.array([0.0, 1.0, 0.0, 1.0]))
        g_right = loss.backward()
    assert wrong == pytest.approx(-math.log(eps), rel=1e-6)
    assert right == pytest.approx(-math.log1p(-eps), rel=1e-6)
    assert np.all(np.isfinite(g_wrong)) and np.all(np.isfinite(g_right))
    assert np.all(np.sign(g_wrong) == [-1, 1, -1, 1])


# ---------------------------------------------------------------- gradient checks

def test_cross_entropy_gradcheck():
    rng = np.random.default_rng(0)
    z = 2.0 * rng.standard_normal((6, 4))
    y = rng.integers(0, 4, size=6)
    assert loss_gradcheck(losses.SoftmaxCrossEntropy(), z, y) < 1e-6
    assert loss_gradcheck(losses.SoftmaxCrossEntropy(), z, np.eye(4)[y]) < 1e-6


def test_mse_gradcheck():
    rng = np.random.default_rng(1)
    assert loss_gradcheck(losses.MeanSquaredError(), rng.standard_normal((5, 3)), rng.standard_normal((5, 3))) < 1e-6


def test_bce_gradcheck():
    rng = np.random.default_rng(2)
    p = rng.uniform(0.05, 0.95, size=(7, 2))  # inside the clip range, where the loss is smooth
    y = rng.integers(0, 2, size=(7, 2)).astype(float)
    assert loss_gradcheck(losses.BinaryCrossEntropy(), p, y) < 1e-6
    soft = rng.uniform(0.0, 1.0, size=(7, 2))  # soft targets are allowed too
    assert loss_gradcheck(losses.BinaryCrossEntropy(), p, soft) < 1e-6


# ---------------------------------------------------------------- dtype

def test_losses_keep_float32_gradients():
    z = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    ce = losses.SoftmaxCrossEntropy()
    ce.forward(z, np.array([0, 1, 2]))
    assert ce.backward().dtype == np.float32
    mse = losses.MeanSquaredError()
    mse.forward(z, np.zeros((3, 4)))
    assert mse.backward().dtype == np.float32
    bce = losses.BinaryCrossEntropy()
    bce.forward(np.full((3, 1), 0.3, dtype=np.float32), np.ones((3, 1)))
    assert bce.backward().dtype == np.float32


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize(("output", "target", "exc", "match"), [
    (np.zeros((3, 4)), np.array([0, 1, 4]), ValueError, "target"),
    (np.zeros((3, 4)), np.array([0, -1, 2]), ValueError, "target"),
    (np.zeros((3, 4)), np.array([0.0, 1.0, 2.0]), TypeError, "target"),
    (np.zeros((3, 4)), np.array([0, 1]), ValueError, "target"),
    (np.zeros((3, 4)), np.zeros((3, 5)), ValueError, "target"),
    (np.zeros((3, 4)), np.int64(1), ValueError, "target"),
    (np.zeros(4), np.array([0, 1, 2, 3]), ValueError, "output"),
    (np.zeros((0, 4)), np.zeros(0, dtype=int), ValueError, "output"),
    (np.zeros((2, 3, 4)), np.array([0, 1]), ValueError, "output"),
])
def test_cross_entropy_rejects_bad_input(output, target, exc, match):
    with pytest.raises(exc, match=match):
        losses.SoftmaxCrossEntropy().forward(output, target)


@given(k=st.integers(2, 6), labels=st.lists(st.integers(-5, 10), min_size=1, max_size=6))
def test_cross_entropy_label_range_property(k, labels):
    y = np.array(labels)
    z = np.zeros((len(labels), k))
    loss = losses.SoftmaxCrossEntropy()
    if y.min() >= 0 and y.max() < k:
        assert loss.forward(z, y) == pytest.approx(math.log(k))
    else:
        with pytest.raises(ValueError, match=rf"target must lie in \[0, {k}\)"):
            loss.forward(z, y)


@given(out_shape=hnp.array_shapes(min_dims=1, max_dims=2, max_side=4),
       tgt_shape=hnp.array_shapes(min_dims=0, max_dims=2, max_side=4))
def test_mse_and_bce_require_matching_shapes(out_shape, tgt_shape):
    out = np.full(out_shape, 0.5)
    tgt = np.zeros(tgt_shape)
    for loss in (losses.MeanSquaredError(), losses.BinaryCrossEntropy()):
        if out_shape == tgt_shape:
            assert np.isfinite(loss.forward(out, tgt))
        else:
            with pytest.raises(ValueError, match="target"):
                loss.forward(out, tgt)


@given(st.floats(allow_nan=False).filter(lambda v: v < 0 or v > 1))
def test_bce_rejects_non_probabilities(v):
    with pytest.raises(ValueError, match="output must hold probabilities"):
        losses.BinaryCrossEntropy().forward(np.array([0.5, v]), np.array([1.0, 0.0]))


@pytest.mark.parametrize("eps", [0.0, 1.0, -1e-3, 2.0])
def test_bce_eps_must_lie_in_open_unit_interval(eps):
    with pytest.raises(ValueError, match="eps"):
        losses.BinaryCrossEntropy(eps=eps)


@pytest.mark.parametrize("cls", [losses.SoftmaxCrossEntropy, losses.MeanSquaredError, losses.BinaryCrossEntropy])
def test_backward_before_forward_is_an_error(cls):
    with pytest.raises(RuntimeError, match="before forward"):
        cls().backward()


# ---------------------------------------------------------------- label smoothing

def test_label_smoothing_by_hand():
    # K = 2, ε = 0.2: target (0.9, 0.1) for label 0; z = (0, 0) gives p = (½, ½)
    ce = losses.SoftmaxCrossEntropy(label_smoothing=0.2)
    z = np.zeros((1, 2))
    assert ce.forward(z, np.array([0])) == pytest.approx(math.log(2))
    np.testing.assert_allclose(ce.backward(), [[0.5 - 0.9, 0.5 - 0.1]])
    # z = (log 3, 0): p = (¾, ¼); L = −(0.9 log ¾ + 0.1 log ¼)
    z = np.array([[math.log(3.0), 0.0]])
    assert ce.forward(z, np.array([0])) == pytest.approx(-(0.9 * math.log(0.75) + 0.1 * math.log(0.25)))
    np.testing.assert_allclose(ce.backward(), [[0.75 - 0.9, 0.25 - 0.1]])


def test_label_smoothing_is_pytorch_mixture():
    # PyTorch (>= 1.10): (1 − ε)·CE(onehot) + ε·mean_k(−log p_k), the target (1 − ε)·onehot + ε/K
    rng = np.random.default_rng(0)
    z, y, eps = rng.standard_normal((6, 5)), rng.integers(0, 5, 6), 0.1
    logp = losses.log_softmax(z)
    expected = np.mean((1 - eps) * -logp[np.arange(6), y] + eps * -logp.mean(axis=1))
    assert losses.SoftmaxCrossEntropy(label_smoothing=eps).forward(z, y) == pytest.approx(expected)


def test_label_smoothing_zero_is_plain_and_onehot_accepted():
    rng = np.random.default_rng(1)
    z, y = rng.standard_normal((4, 3)), np.array([0, 2, 1, 1])
    assert losses.SoftmaxCrossEntropy(0.0).forward(z, y) == losses.SoftmaxCrossEntropy().forward(z, y)
    onehot = np.eye(3)[y]
    a = losses.SoftmaxCrossEntropy(0.3).forward(z, y)
    assert losses.SoftmaxCrossEntropy(0.3).forward(z, onehot) == pytest.approx(a)
    np.testing.assert_array_equal(onehot, np.eye(3)[y])  # the caller's target is not changed


def test_label_smoothing_gradient():
    rng = np.random.default_rng(2)
    z, y = rng.standard_normal((5, 4)), rng.integers(0, 4, 5)
    assert loss_gradcheck(losses.SoftmaxCrossEntropy(label_smoothing=0.15), z, y) < 1e-7


@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan"), True, "0.1"])
def test_label_smoothing_bad_input(bad):
    with pytest.raises(ValueError, match="label_smoothing"):
        losses.SoftmaxCrossEntropy(label_smoothing=bad)
