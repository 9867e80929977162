"""lib.gradcheck: central differences on known functions, relative error, and that the checks catch bugs."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from lib import gradcheck, layers, losses
from lib.gradcheck import check_layer, check_model, numerical_gradient, relative_error
from lib.model import Sequential

finite = st.floats(-1e3, 1e3)
# no subnormal-scale entries: their squares underflow and the norms in relative_error become 0
normal_scale = st.one_of(st.just(0.0), st.floats(1e-100, 1e3), st.floats(-1e3, -1e-100))


@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=4), elements=finite))
def test_numerical_gradient_of_sum_of_squares(x):
    before = x.copy()
    g = numerical_gradient(lambda v: float(np.sum(v**2)), x)
    np.testing.assert_allclose(g, 2 * x, atol=1e-4)  # rounding of f ~ 1e6·1e-16 / 1e-5
    np.testing.assert_array_equal(x, before)  # perturbed in place, then restored exactly


def test_central_difference_error_is_h_squared_for_a_cubic():
    """((x + h)³ − (x − h)³) / 2h = 3x² + h² exactly: the O(h²) error of eq-central-diff."""
    x = np.array([[-1.5, 0.0], [0.5, 2.0]])
    for h in (1e-1, 1e-2):
        g = numerical_gradient(lambda v: float(np.sum(v**3)), x, h=h)
        np.testing.assert_allclose(g, 3 * x**2 + h**2, rtol=1e-10, atol=1e-12)


def test_numerical_gradient_sees_the_perturbed_array():
    """f may close over x instead of using its argument (as the layer checks do)."""
    x = np.array([1.0, -2.0, 3.0])
    w = np.array([0.5, 4.0, -1.0])
    g = numerical_gradient(lambda _: float(w @ x), x)
    np.testing.assert_allclose(g, w, rtol=1e-9)


@pytest.mark.parametrize("h", [0.0, -1e-5, float("nan")])
def test_numerical_gradient_rejects_bad_step(h):
    with pytest.raises(ValueError, match="h must be"):
        numerical_gradient(lambda v: 0.0, np.zeros(2), h=h)


@pytest.mark.parametrize("x", [np.arange(3), [1.0, 2.0]])
def test_numerical_gradient_needs_a_float_array(x):
    with pytest.raises(TypeError, match="x must be a floating-point numpy array"):
        numerical_gradient(lambda v: 0.0, x)


# ---------------------------------------------------------------- relative error

vectors = hnp.arrays(np.float64, 5, elements=normal_scale)


def test_relative_error_by_hand():
    assert relative_error(np.array([3.0, 4.0]), np.array([3.0, 4.0])) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.array([3.0, 4.0]), np.zeros(2)) == 1.0
    # ‖(1, 0) − (0, 1)‖ / (1 + 1) = √2 / 2
    assert relative_error(np.array([1.0, 0.0]), np.array([0.0, 1.0])) == pytest.approx(np.sqrt(2) / 2)


@given(vectors, vectors, st.floats(1e-3, 1e3))
def test_relative_error_properties(a, b, c):
    e = relative_error(a, b)
    assert 0.0 <= e <= 1.0 + 1e-12  # triangle inequality
    assert e == pytest.approx(relative_error(b, a))  # symmetric
    assert relative_error(c * a, c * b) == pytest.approx(e, abs=1e-9)  # scale invariant
    assert relative_error(a, a) == 0.0
    if np.any(a != 0):
        assert relative_error(a, -a) == pytest.approx(1.0)


def test_relative_error_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="shape"):
        relative_error(np.ones(3), np.ones(1))


# ---------------------------------------------------------------- the checks detect wrong backward passes

class WrongTanh(layers.Tanh):
    """Forgets the square in 1 − y²."""

    def backward(self, dout):
        (y,) = self._cached()
        return dout * (1.0 - y)


class WrongDense(layers.Dense):
    """A weight gradient 1 % too large: small enough to train, large enough for the check to flag."""

    def backward(self, dout):
        dx = super().backward(dout)
        self.grads["W"] *= 1.01
        return dx


def test_check_layer_passes_correct_and_fails_wrong_layers():
    x = np.random.default_rng(0).standard_normal((4, 3))
    assert check_layer(layers.Tanh(), x) < 1e-6
    assert check_layer(WrongTanh(), x) > 1e-2
    assert check_layer(layers.Dense(3, 2, rng=0), x) < 1e-6
    assert check_layer(WrongDense(3, 2, rng=0), x) > 1e-3


def test_check_layer_leaves_parameters_unchanged():
    layer = layers.Dense(3, 2, rng=0)
    before = {k: v.copy() for k, v in layer.params.items()}
    check_layer(layer, np.ones((2, 3)))
    for k in before:
        np.testing.assert_array_equal(layer.params[k], before[k])


def test_check_model_passes_correct_and_fails_wrong_models():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((5, 3))
    y = rng.integers(0, 2, size=5)

    def net(act):
        r = np.random.default_rng(2)
        return Sequential([layers.Dense(3, 4, rng=r), act, layers.Dense(4, 2, rng=r)])

    assert check_model(net(layers.Tanh()), losses.SoftmaxCrossEntropy(), x, y) < 1e-6
    assert check_model(net(WrongTanh()), losses.SoftmaxCrossEntropy(), x, y) > 1e-2


@pytest.mark.parametrize(("err", "text"), [(1.6e-10, "< 1e-09"), (1e-10, "< 1e-09"), (4.4e-16, "< 1e-15"),
                                          (0.0, "0"), (0.33, "0.33"), (2.5e-6, "2.5e-06")])
def test_error_order_hides_rounding_digits_but_shows_real_errors(err, text):
    assert gradcheck.error_order(err) == text


def test_error_order_rejects_nonsense():
    with pytest.raises(ValueError, match="err"):
        gradcheck.error_order(float("nan"))
    with pytest.raises(ValueError, match="err"):
        gradcheck.error_order(-1.0)
