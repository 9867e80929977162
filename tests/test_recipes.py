"""lib.recipes: the default network, the self-normalising variant, the range-test peak and fit_recipe."""


import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib import data, gradcheck, layers, losses, optim, recipes, regularizers, schedules, train
from lib import diagnostics as dg

CE = losses.SoftmaxCrossEntropy()


def blobs(n=120, seed=0):
    """Three well-separated Gaussian blobs in 4-D: a problem any working recipe solves."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 3
    X = rng.standard_normal((n, 4)) + 3.0 * np.eye(3, 4)[y]
    return X, y


# ---- default_network -------------------------------------------------------------------


@pytest.mark.parametrize("depth", [1, 3])
def test_default_network_is_dense_batchnorm_relu_blocks_with_a_linear_head(depth):
    net = recipes.default_network(7, 5, rng=0, width=11, depth=depth)
    kinds = [type(layer) for layer in net.layers]
    assert kinds == [layers.Dense, layers.BatchNorm, layers.ReLU] * depth + [layers.Dense]
    dense = [layer for layer in net.layers if isinstance(layer, layers.Dense)]
    assert [(d.n_in, d.n_out) for d in dense] == [(7, 11)] + [(11, 11)] * (depth - 1) + [(11, 5)]
    assert all(d.init_name == "he_normal" for d in dense)
    assert net.forward(np.zeros((4, 7))).shape == (4, 5)


def test_default_network_equals_dense_stack_with_batch_norm():
    a = recipes.default_network(6, 3, rng=5, width=8, depth=2)
    b = dg.dense_stack(6, 8, 2, "relu", "he_normal", np.random.default_rng(5), n_out=3, batch_norm=True)
    assert a.params.keys() == b.params.keys()
    for k in a.params:
        np.testing.assert_array_equal(a.params[k], b.params[k])


def test_default_network_weights_have_he_variance():
    net = recipes.default_network(400, 10, rng=0, width=300, depth=1)
    W = net.params["0.W"]
    assert W.var() == pytest.approx(2 / 400, rel=0.03)  # 120 000 draws: sampling error about 0.4 %


def test_default_network_gradients_match_central_differences():
    """Backprop through Dense → BatchNorm → ReLU blocks in training mode agrees with central differences.

    The biases of Dense layers that feed batch normalization have a zero gradient (the
    normalization removes any constant shift), so for them both gradients must vanish.
    """
    X, y = blobs(16)
    net = recipes.default_network(4, 3, rng=1, width=6, depth=2)

    def objective(_: np.ndarray) -> float:
        return CE.forward(net.forward(X, training=True), y)

    objective(None)
    net.backward(CE.backward())
    analytic = {k: g.copy() for k, g in net.grads.items()}
    for k, p in net.params.items():
        numeric = gradcheck.numerical_gradient(objective, p)
        if k in ("0.b", "3.b"):
            assert np.abs(analytic[k]).max() < 1e-12 and np.abs(numeric).max() < 1e-8, k
        else:
            assert gradcheck.relative_error(analytic[k], numeric) < 1e-6, k


# ---- self_normalizing_network ----------------------------------------------------------


def test_self_normalizing_network_structure():
    net = recipes.self_normalizing_network(7, 5, rng=0, width=11, depth=2, alpha_dropout=0.1)
    kinds = [type(layer) for layer in net.layers]
    assert kinds == [layers.Dense, layers.SELU, layers.AlphaDropout] * 2 + [layers.Dense]
    assert all(d.init_name == "lecun_normal" for d in net.layers if isinstance(d, layers.Dense))
    assert all(d.rate == 0.1 for d in net.layers if isinstance(d, layers.AlphaDropout))
    assert not any(isinstance(layer, layers.BatchNorm) for layer in net.layers)


def test_self_normalizing_network_without_dropout_is_a_plain_selu_stack():
    net = recipes.self_normalizing_network(7, 5, rng=3, width=11, depth=3, alpha_dropout=0.0)
    ref = dg.dense_stack(7, 11, 3, "selu", "lecun_normal", np.random.default_rng(3), n_out=5)
    assert [type(layer) for layer in net.layers] == [type(layer) for layer in ref.layers]
    for k in net.params:
        np.testing.assert_array_equal(net.params[k], ref.params[k])


def test_self_normalizing_network_keeps_activations_standardized():
    """The SELU fixed point: standard-normal inputs keep mean ≈ 0 and std ≈ 1 through 20 layers."""
    net = recipes.self_normalizing_network(200, 10, rng=0, width=200, depth=20)
    X = np.random.default_rng(1).standard_normal((2000, 200))
    stats = list(dg.layer_stats(dg.activations(net, X, training=True)).values())
    assert len(stats) == 20
    for s in stats:
        assert abs(s.mean) < 0.1
        assert 0.85 < s.std < 1.15


def test_self_normalizing_network_is_reproducible_and_masks_depend_on_the_seed():
    X = np.random.default_rng(0).standard_normal((32, 5))
    a = recipes.self_normalizing_network(5, 3, rng=4, width=9, depth=2, alpha_dropout=0.2)
    b = recipes.self_normalizing_network(5, 3, rng=4, width=9, depth=2, alpha_dropout=0.2)
    c = recipes.self_normalizing_network(5, 3, rng=5, width=9, depth=2, alpha_dropout=0.2)
    np.testing.assert_array_equal(a.forward(X, training=True), b.forward(X, training=True))
    assert not np.array_equal(a.forward(X, training=True), c.forward(X, training=True))
    np.testing.assert_array_equal(a.forward(X), b.forward(X))  # inference: no masks


def test_self_normalizing_network_gradients_match_central_differences():
    X, y = blobs(16)
    net = recipes.self_normalizing_network(4, 3, rng=2, width=6, depth=2, alpha_dropout=0.0)
    assert gradcheck.check_model(net, CE, X, y) < 1e-6


# ---- range_test_peak and fit_recipe ----------------------------------------------------


def test_range_test_peak_is_the_argmin_of_the_smoothed_adam_range_test_and_restores_the_weights():
    X, y = blobs(96)
    net = recipes.default_network(4, 3, rng=0, width=8, depth=1)
    before = net.state_dict()
    peak = recipes.range_test_peak(net, X, y, batch_size=16, rng=3, epochs=2, lr_min=1e-4, lr_max=1.0)
    rates, smoothed = schedules.lr_range_test(recipes.default_network(4, 3, rng=0, width=8, depth=1), CE,
                                              optim.Adam(1e-4), X, y, lr_min=1e-4, lr_max=1.0, batch_size=16,
                                              rng=3, epochs=2, smoothing=0.9)
    assert peak == rates[np.argmin(smoothed)]
    assert 1e-4 <= peak <= 1.0
    for k, v in net.state_dict().items():
        np.testing.assert_array_equal(v, before[k])


def test_fit_recipe_is_adam_with_per_step_one_cycle_and_l2():
    X, y = blobs(90)
    a = recipes.default_network(4, 3, rng=0, width=8, depth=2)
    b = recipes.default_network(4, 3, rng=0, width=8, depth=2)
    ha = recipes.fit_recipe(a, X, y, epochs=4, batch_size=16, rng=7, max_lr=0.01, l2=1e-3)
    steps = 4 * 6  # ceil(90 / 16) = 6 mini-batches per epoch
    hb = train.fit(b, CE, optim.Adam(0.01), X, y, epochs=4, batch_size=16, rng=7,
                   schedule=schedules.one_cycle(steps, 0.01), schedule_per="step",
                   regularizer=regularizers.l2(1e-3))
    assert ha.train_loss == hb.train_loss
    for k in a.params:
        np.testing.assert_array_equal(a.params[k], b.params[k])
    assert ha.lr[-1] == pytest.approx(schedules.one_cycle(steps, 0.01)(steps - 1))


def test_fit_recipe_l2_zero_means_no_penalty():
    X, y = blobs(60)
    nets = [recipes.default_network(4, 3, rng=0, width=8, depth=1) for _ in range(3)]
    for net, lam in zip(nets, (0.0, 0.0, 0.1), strict=True):
        recipes.fit_recipe(net, X, y, epochs=3, batch_size=20, rng=1, max_lr=0.01, l2=lam)
    np.testing.assert_array_equal(nets[0].params["0.W"], nets[1].params["0.W"])
    assert np.linalg.norm(nets[2].params["3.W"]) < np.linalg.norm(nets[0].params["3.W"])


@pytest.mark.parametrize("builder", [recipes.default_network, recipes.self_normalizing_network])
def test_both_recipes_learn_a_separable_problem(builder):
    X, y = blobs(150)
    X_val, y_val = blobs(150, seed=1)
    net = builder(4, 3, rng=0, width=16, depth=2)
    hist = recipes.fit_recipe(net, X, y, epochs=15, batch_size=16, rng=0, max_lr=0.01, validation=(X_val, y_val))
    assert not hist.diverged
    assert hist.train_loss[-1] < hist.train_loss[0] / 2
    assert hist.val_acc[-1] >= 0.95


def test_recipe_runs_on_the_digits_in_float32_inputs():
    split = data.digits_splits(0, dtype=np.float32)
    net = recipes.default_network(64, 10, rng=0, width=32, depth=1)
    hist = recipes.fit_recipe(net, split.X_train, split.y_train, epochs=3, batch_size=64, rng=0, max_lr=0.01,
                              validation=(split.X_val, split.y_val))
    assert hist.val_acc[-1] > 0.85


# ---- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(("kwargs", "exc", "words"), [
    ({"alpha_dropout": 1.0}, ValueError, "alpha_dropout"),
    ({"alpha_dropout": -0.1}, ValueError, "alpha_dropout"),
    ({"width": 0}, ValueError, "width"),
    ({"depth": 1.5}, TypeError, "depth"),
])
def test_self_normalizing_network_rejects_bad_arguments(kwargs, exc, words):
    with pytest.raises(exc, match=words):
        recipes.self_normalizing_network(4, 3, rng=0, **kwargs)


@pytest.mark.parametrize(("args", "exc", "words"), [
    ((4, 0, 0), ValueError, "n_out"),
    ((4, 3, "seed"), TypeError, "rng"),
])
def test_networks_reject_bad_sizes_and_rngs(args, exc, words):
    for builder in (recipes.default_network, recipes.self_normalizing_network):
        with pytest.raises(exc, match=words):
            builder(*args)


@given(max_lr=st.sampled_from([0.0, -1e-3, float("nan")]), l2=st.sampled_from([-1e-4, float("inf")]))
def test_fit_recipe_rejects_bad_rates_and_penalties(max_lr, l2):
    X, y = blobs(30)
    net = recipes.default_network(4, 3, rng=0, width=4, depth=1)
    with pytest.raises(ValueError, match="max_lr"):
        recipes.fit_recipe(net, X, y, epochs=1, batch_size=10, rng=0, max_lr=max_lr)
    with pytest.raises(ValueError, match="l2"):
        recipes.fit_recipe(net, X, y, epochs=1, batch_size=10, rng=0, max_lr=0.01, l2=l2)
