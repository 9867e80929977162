"""diagnostics.residual_stack and residual_variance: the residual stacks of the going-deeper chapter."""

import numpy as np
import pytest

from lib import diagnostics as dg
from lib import layers
from lib.losses import SoftmaxCrossEntropy


def test_structure_and_branch_scale_scales_only_the_last_branch_layer():
    a = dg.residual_stack(5, 8, 3, rng=0, branch_scale=1.0, n_out=4)
    b = dg.residual_stack(5, 8, 3, rng=0, branch_scale=0.25, n_out=4)
    kinds = [type(layer).__name__ for layer in a.layers]
    assert kinds == ["Dense", "ReLU", "Residual", "Residual", "Residual", "Dense"]
    for key in a.params:
        scale = 0.25 if key.endswith(".2.W") else 1.0
        np.testing.assert_allclose(b.params[key], scale * a.params[key])


def test_zero_branch_scale_makes_every_block_the_identity():
    net = dg.residual_stack(6, 10, 4, rng=1, branch_scale=0.0)
    x = np.random.default_rng(2).standard_normal((7, 6))
    stem = np.maximum(x @ net.params["0.W"] + net.params["0.b"], 0.0)
    np.testing.assert_array_equal(net.forward(x), stem)


@pytest.mark.parametrize("alpha", [0.0, 0.2, 1.0])
def test_measured_second_moment_follows_the_prediction(alpha):
    # wide layers, many samples: the measured growth per block is close to 1 + α²
    depth, width = 6, 512
    net = dg.residual_stack(width, width, depth, rng=3, branch_scale=alpha)
    x = np.random.default_rng(4).standard_normal((2000, width))
    outs = dg.layer_outputs(net, x, kinds=(layers.Residual, layers.ReLU))
    q = np.array([np.mean(h ** 2) for h in outs.values()])
    pred = dg.residual_variance(depth, alpha, q0=q[0])
    np.testing.assert_allclose(q, pred, rtol=0.08)


def test_residual_variance_closed_form():
    np.testing.assert_allclose(dg.residual_variance(3, 1.0), [1, 2, 4, 8])
    np.testing.assert_allclose(dg.residual_variance(2, 0.0, q0=3.0), [3, 3, 3])
    L = 50
    assert dg.residual_variance(L, 1 / np.sqrt(L))[-1] < np.e


def test_gradients_reach_every_parameter_and_match_finite_differences():
    from lib.gradcheck import check_model

    net = dg.residual_stack(4, 5, 2, rng=5, branch_scale=0.5, n_out=3)
    x = np.random.default_rng(6).standard_normal((8, 4))
    y = np.array([0, 1, 2, 0, 1, 2, 0, 1])
    assert check_model(net, SoftmaxCrossEntropy(), x, y) < 1e-6


def test_float32():
    net = dg.residual_stack(4, 6, 2, rng=0, dtype=np.float32)
    assert all(p.dtype == np.float32 for p in net.params.values())


@pytest.mark.parametrize("bad", [-0.1, float("nan"), float("inf"), True, "1"])
def test_bad_branch_scale_is_refused_by_name(bad):
    with pytest.raises(ValueError, match="branch_scale"):
        dg.residual_stack(4, 6, 2, rng=0, branch_scale=bad)
    with pytest.raises(ValueError, match="branch_scale"):
        dg.residual_variance(3, bad)


def test_bad_sizes_are_refused_by_name():
    with pytest.raises(ValueError, match="depth"):
        dg.residual_stack(4, 6, 0, rng=0)
    with pytest.raises(TypeError, match="width"):
        dg.residual_stack(4, 6.0, 2, rng=0)
    with pytest.raises(ValueError, match="depth"):
        dg.residual_variance(-1, 1.0)
