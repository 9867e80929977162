"""The 2-D test functions: values, analytic gradients, minima, vectorisation and trajectories."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib import optim
from lib.functions import Beale, Himmelblau, Quadratic, Rosenbrock, Saddle, trajectory
from lib.gradcheck import numerical_gradient

FUNCTIONS = [Quadratic(), Quadratic(a=2.0, b=0.3), Rosenbrock(), Rosenbrock(a=0.5, b=10.0), Beale(), Saddle(),
             Himmelblau()]


def test_hand_values():
    assert Quadratic()(np.array([2.0, 1.0])) == pytest.approx(4 / 20 + 1)
    assert Rosenbrock()(np.array([0.0, 0.0])) == pytest.approx(1.0)
    assert Rosenbrock()(np.array([-1.0, 2.0])) == pytest.approx(4 + 100)
    assert Beale()(np.array([0.0, 0.0])) == pytest.approx(1.5**2 + 2.25**2 + 2.625**2)
    assert Saddle()(np.array([1.0, 2.0])) == pytest.approx(1 - 4 + 4)
    assert Himmelblau()(np.array([0.0, 0.0])) == pytest.approx(121 + 49)
    np.testing.assert_allclose(Quadratic().grad(np.array([2.0, 1.0])), [0.2, 2.0])
    np.testing.assert_allclose(Rosenbrock().grad(np.array([0.0, 0.0])), [-2.0, 0.0])
    assert Quadratic().kappa == pytest.approx(20.0)


@pytest.mark.parametrize("f", FUNCTIONS, ids=repr)
@given(st.floats(-2.0, 2.0), st.floats(-2.0, 2.0))
def test_gradient_matches_central_differences(f, x, y):
    p = np.array([x, y])
    num = numerical_gradient(lambda q: float(f(q)), p.copy(), h=1e-6)
    np.testing.assert_allclose(f.grad(p), num, rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("f", FUNCTIONS, ids=repr)
def test_minima_are_stationary_and_lowest(f):
    assert f.minima.ndim == 2 and f.minima.shape[1] == 2
    np.testing.assert_allclose(f.grad(f.minima), 0.0, atol=1e-9)
    Z = f.grid(101)[2]
    assert np.all(f(f.minima) <= Z.min() + 1e-12)


def test_saddle_is_a_saddle():
    s = Saddle()
    np.testing.assert_allclose(s.grad(s.saddles), 0.0)
    eps = 1e-3
    assert s(np.array([eps, 0.0])) > 0 > s(np.array([0.0, eps]))
    np.testing.assert_allclose(s(s.minima), [-1.0, -1.0])


@pytest.mark.parametrize("f", FUNCTIONS, ids=repr)
def test_vectorised_over_a_grid(f):
    rng = np.random.default_rng(0)
    P = rng.uniform(-2, 2, size=(7, 5, 2))
    values, grads = f(P), f.grad(P)
    assert values.shape == (7, 5) and grads.shape == (7, 5, 2)
    for i, j in [(0, 0), (3, 4), (6, 2)]:
        assert values[i, j] == pytest.approx(float(f(P[i, j])))
        np.testing.assert_allclose(grads[i, j], f.grad(P[i, j]))
    X, Y, Z = f.grid(30)
    assert X.shape == Y.shape == Z.shape == (30, 30)
    (x0, x1), (y0, y1) = f.bounds
    assert X.min() == x0 and X.max() == x1 and Y.min() == y0 and Y.max() == y1


def test_bad_points_raise():
    with pytest.raises(ValueError, match=r"shape \(\.\.\., 2\)"):
        Quadratic()(np.ones(3))
    with pytest.raises(ValueError, match="a must be"):
        Quadratic(a=0.0)
    with pytest.raises(ValueError, match="n must be"):
        Beale().grid(1)


def test_trajectory_records_every_step_and_stops_on_escape():
    f = Quadratic()
    path = trajectory(f, optim.SGD(lr=0.1), steps=25)
    assert path.shape == (26, 2)
    np.testing.assert_allclose(path[0], f.start)
    # one gradient step by hand: (x, y) ← (x (1 − 2aη), y (1 − 2bη))
    np.testing.assert_allclose(path[1], [f.start[0] * (1 - 0.01), f.start[1] * (1 - 0.2)])
    # η = 1.5 makes y ← y(1 − 3) = −2y: it diverges, and the path stops at the escape radius
    short = trajectory(f, optim.SGD(lr=1.5), steps=1000, escape=1e3)
    assert len(short) < 20 and np.all(np.abs(short) < 1e3)
    with pytest.raises(TypeError, match="optimizer"):
        trajectory(f, "adam")
    with pytest.raises(ValueError, match="start"):
        trajectory(f, optim.SGD(0.1), start=(1.0, 2.0, 3.0))


def test_trajectory_resets_the_optimizer():
    f, opt = Rosenbrock(), optim.Adam(lr=0.01)
    a = trajectory(f, opt, steps=30)
    b = trajectory(f, opt, steps=30)
    np.testing.assert_array_equal(a, b)
