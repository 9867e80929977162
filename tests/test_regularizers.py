"""Tests of lib.regularizers: penalties, weight decay, max-norm, early stopping, MC dropout."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lib import layers, losses, optim, train
from lib import regularizers as R
from lib.gradcheck import numerical_gradient
from lib.model import Sequential

W_HAND = np.array([[1.0, -2.0], [0.0, 3.0]])  # Σ|W| = 6, ΣW² = 14

matrices = arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 5)),
                  elements=st.floats(-3, 3, allow_nan=False))


@pytest.mark.parametrize(("reg", "expected"), [
    (R.l1(0.1), 0.6),
    (R.l2(0.1), 1.4),
    (R.l2(0.1, half=True), 0.7),
    (R.l1_l2(0.1, 0.1), 2.0),
    (R.l1_l2(), 0.01 * 6 + 0.01 * 14),
    (R.L1L2(), 0.0),
])
def test_penalty_hand_values(reg, expected):
    assert reg.penalty(W_HAND) == pytest.approx(expected)
    assert reg(W_HAND) == pytest.approx(expected)


def test_gradients_hand_values():
    np.testing.assert_allclose(R.l1(0.1).grad(W_HAND), 0.1 * np.array([[1, -1], [0, 1]]))
    np.testing.assert_allclose(R.l2(0.1).grad(W_HAND), 0.2 * W_HAND)
    np.testing.assert_allclose(R.l2(0.1, half=True).grad(W_HAND), 0.1 * W_HAND)


@given(matrices, st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_gradient_matches_numerical(W, a, b):
    W = W.copy()
    W[np.abs(W) < 1e-3] = 0.5  # |W| is not differentiable at 0
    reg = R.l1_l2(a, b)
    num = numerical_gradient(lambda w: reg.penalty(w), W, h=1e-6)
    np.testing.assert_allclose(reg.grad(W), num, atol=1e-6)


@given(matrices, st.floats(1e-4, 1.0))
def test_saito_half_is_keras_with_half_lambda(W, lam):
    assert R.l2(lam, half=True).penalty(W) == pytest.approx(R.l2(lam / 2).penalty(W))
    assert R.l2(lam, half=True).penalty(W) == pytest.approx(0.5 * lam * np.sum(W**2))
    np.testing.assert_allclose(R.l2(lam, half=True).grad(W), lam * W)


@pytest.mark.parametrize(("make", "err"), [
    (lambda: R.l2(-0.1), ValueError),
    (lambda: R.l1(float("nan")), ValueError),
    (lambda: R.l1_l2(l1="a"), TypeError),
    (lambda: R.l2(0.1).penalty(np.array([1.0, np.inf])), ValueError),
    (lambda: R.max_norm(np.ones((2, 2)), 0.0), ValueError),
    (lambda: R.max_norm(np.ones((2, 2), dtype=int), 1.0), TypeError),
    (lambda: R.max_norm(np.ones((2, 2)), 1.0, axis=2), ValueError),
    (lambda: R.EarlyStopping(-1), ValueError),
    (lambda: R.EarlyStopping(2, monitor="loss"), ValueError),
    (lambda: R.weight_decay({"W": np.ones(2)}, 0.1, 0.1, keys=["b"]), ValueError),
])
def test_bad_arguments_raise(make, err):
    with pytest.raises(err):
        make()


def test_error_message_names_argument_and_value():
    with pytest.raises(ValueError, match=r"lam.*-0\.1"):
        R.l2(-0.1)


def _mlp(seed, rate=0.0, n_in=4, n_out=3):
    rng = np.random.default_rng(seed)
    return Sequential([layers.Dense(n_in, 8, "he_normal", rng), layers.ReLU(),
                       layers.Dropout(rate, rng.spawn(1)[0]), layers.Dense(8, n_out, "glorot_uniform", rng)])


def test_fit_adds_penalty_gradient_to_weights_only():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((6, 4)), rng.integers(0, 3, 6)
    m_plain, m_reg = _mlp(1), _mlp(1)
    lam, lr = 0.05, 0.1
    train.fit(m_plain, losses.SoftmaxCrossEntropy(), optim.SGD(lr), X, y, epochs=1, batch_size=6, rng=0)
    train.fit(m_reg, losses.SoftmaxCrossEntropy(), optim.SGD(lr), X, y, epochs=1, batch_size=6, rng=0,
              regularizer=R.l2(lam))
    start = _mlp(1)
    for k in m_plain.params:  # one full-batch step: the penalty moves W by −η·2λW₀ and leaves biases alone
        shift = -lr * 2 * lam * start.params[k] if k.endswith(".W") else 0.0
        np.testing.assert_allclose(m_reg.params[k], m_plain.params[k] + shift, atol=1e-12)


def test_decoupled_decay_equals_l2_under_sgd_but_not_under_adam():
    rng = np.random.default_rng(3)
    params0 = {"W": rng.standard_normal((3, 3)), "b": rng.standard_normal(3)}
    grads_seq = [{k: rng.standard_normal(v.shape) for k, v in params0.items()} for _ in range(20)]
    lr, decay = 0.05, 0.2
    reg = R.l2(decay / 2)

    def run(opt_l2, opt_wd, decoupled_by_hand):
        a = {k: v.copy() for k, v in params0.items()}
        b = {k: v.copy() for k, v in params0.items()}
        for g in grads_seq:
            opt_l2.step(a, {k: g[k] + reg.grad(a[k]) for k in a})
            if decoupled_by_hand:
                R.weight_decay(b, lr, decay)
            opt_wd.step(b, {k: g[k].copy() for k in b})
        return max(np.max(np.abs(a[k] - b[k])) for k in a)

    assert run(optim.SGD(lr), optim.SGD(lr), True) < 1e-12
    assert run(optim.Adam(lr), optim.AdamW(lr, weight_decay=decay), False) > 1e-3


@given(arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 6)), elements=st.floats(-10, 10)),
       st.floats(0.01, 5.0), st.sampled_from([0, 1, -1]))
def test_max_norm_bound_holds_and_directions_kept(W, r, axis):
    before = W.copy()
    out = R.max_norm(W, r, axis=axis)
    assert out is W
    norms_before = np.linalg.norm(before, axis=axis, keepdims=True)
    norms_after = np.linalg.norm(W, axis=axis, keepdims=True)
    assert np.all(norms_after <= r * (1 + 1e-12))
    inside = np.broadcast_to(norms_before <= r, W.shape)
    np.testing.assert_array_equal(W[inside], before[inside])  # untouched inside the ball
    scale = np.minimum(1.0, r / np.maximum(norms_before, 1e-300))
    np.testing.assert_allclose(W, before * scale, rtol=1e-12, atol=1e-300)


def test_max_norm_hand_example():
    W = np.array([[3.0, 0.3], [4.0, 0.4]])  # column norms 5 and 0.5
    R.max_norm(W, 1.0)
    np.testing.assert_allclose(W, [[0.6, 0.3], [0.8, 0.4]])


def test_max_norm_callback_bounds_every_weight_matrix_after_fit():
    rng = np.random.default_rng(0)
    X, y = 5 * rng.standard_normal((40, 4)), rng.integers(0, 3, 40)
    m = _mlp(2)
    train.fit(m, losses.SoftmaxCrossEntropy(), optim.SGD(0.5), X, y, epochs=5, batch_size=8, rng=0,
              callbacks=[R.MaxNorm(0.7)])
    for k in m.weight_keys:
        assert np.linalg.norm(m.params[k], axis=0).max() <= 0.7 + 1e-12
    assert np.abs(m.params["3.b"]).max() > 0  # biases are trained, not constrained to zero


class _Scripted:
    """Replays a validation curve; the model's weights at epoch t are all equal to t."""

    def __init__(self, curve, stopper, model):
        self.curve, self.stopper, self.model = curve, stopper, model

    def run(self):
        h = train.History()
        self.stopper.on_train_begin(self.model)
        stopped = None
        for t, v in enumerate(self.curve):
            for p in self.model.params.values():
                p[...] = t
            h.train_loss.append(0.0)
            h.val_loss.append(v)
            h.val_acc.append(-v)
            if self.stopper.on_epoch_end(t, h, self.model):
                stopped = t
                break
        self.stopper.on_train_end(self.model)
        return stopped


CURVE = [1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.69, 0.9, 0.95]


@pytest.mark.parametrize(("patience", "min_delta", "stop", "best"), [
    (3, 0.0, 5, 2),      # 0.75, 0.72, 0.71 do not beat 0.7
    (5, 0.0, None, 6),   # 0.69 arrives on the 4th waiting epoch; never 5 in a row afterwards
    (3, 0.15, 4, 1),     # 0.7 beats 0.8 by only 0.1 < min_delta
    (0, 0.0, 3, 2),      # patience 0: the first epoch without improvement stops
])
def test_early_stopping_scripted_curve(patience, min_delta, stop, best):
    m = _mlp(0)
    es = R.EarlyStopping(patience, min_delta=min_delta)
    stopped = _Scripted(CURVE, es, m).run()
    assert stopped == stop
    assert es.stopped_epoch == stop
    assert es.best_epoch == best
    assert es.best == CURVE[best]
    for p in m.params.values():  # best weights restored
        assert np.all(p == best)


def test_early_stopping_without_restore_keeps_last_weights():
    m = _mlp(0)
    es = R.EarlyStopping(3, restore_best=False)
    stopped = _Scripted(CURVE, es, m).run()
    for p in m.params.values():
        assert np.all(p == stopped)


def test_early_stopping_monitors_accuracy_upwards():
    m = _mlp(0)
    es = R.EarlyStopping(3, monitor="val_acc")
    assert _Scripted(CURVE, es, m).run() == 5
    assert es.best == -0.7


def test_early_stopping_inside_fit_restores_best_weights():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((30, 4)), rng.integers(0, 3, 30)
    Xv, yv = rng.standard_normal((30, 4)), rng.integers(0, 3, 30)  # labels unrelated to X: val loss rises
    m = _mlp(4)
    es = R.EarlyStopping(4)
    h = train.fit(m, losses.SoftmaxCrossEntropy(), optim.Adam(0.05), X, y, epochs=200, batch_size=10, rng=0,
                  validation=(Xv, yv), callbacks=[es])
    assert h.stopped_epoch == es.stopped_epoch == h.epochs - 1 < 199
    assert h.epochs - 1 - es.best_epoch == 4
    assert train.evaluate(m, losses.SoftmaxCrossEntropy(), Xv, yv)[0] == pytest.approx(min(h.val_loss))


def test_early_stopping_needs_validation_metric():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((10, 4)), rng.integers(0, 3, 10)
    with pytest.raises(ValueError, match="validation"):
        train.fit(_mlp(0), losses.SoftmaxCrossEntropy(), optim.SGD(0.1), X, y, epochs=2, batch_size=5, rng=0,
                  callbacks=[R.EarlyStopping(1)])


def test_mc_dropout_std_zero_when_rate_zero():
    m = _mlp(0, rate=0.0)
    x = np.random.default_rng(1).standard_normal((7, 4))
    mean, std = R.mc_dropout_predict(m, x, 5, np.random.default_rng(0))
    assert mean.shape == std.shape == (7, 3)
    np.testing.assert_array_equal(std, 0.0)
    np.testing.assert_allclose(mean, losses.softmax(m.predict(x)))


def test_mc_dropout_reproducible_and_leaves_layer_rng_alone():
    m = _mlp(0, rate=0.5)
    drop = m.layers[2]
    state = drop.rng.bit_generator.state
    x = np.random.default_rng(1).standard_normal((7, 4))
    mean1, std1 = R.mc_dropout_predict(m, x, 20, 5)
    mean2, std2 = R.mc_dropout_predict(m, x, 20, 5)
    assert drop.rng.bit_generator.state == state
    np.testing.assert_array_equal(mean1, mean2)
    np.testing.assert_array_equal(std1, std2)
    assert std1.max() > 0
    np.testing.assert_allclose(mean1.sum(axis=1), 1.0)
    assert not np.array_equal(mean1, R.mc_dropout_predict(m, x, 20, 6)[0])


def test_mc_dropout_keeps_batchnorm_in_inference_mode():
    rng = np.random.default_rng(0)
    bn = layers.BatchNorm(8)
    bn.buffers["running_mean"][:] = 0.3
    m = Sequential([layers.Dense(4, 8, "he_normal", rng), bn, layers.Dropout(0.0, 0), layers.Dense(8, 3, rng=rng)])
    x = rng.standard_normal((5, 4))
    mean, _ = R.mc_dropout_predict(m, x, 3, 0)
    np.testing.assert_array_equal(bn.buffers["running_mean"], 0.3)
    np.testing.assert_allclose(mean, losses.softmax(m.predict(x)))


def test_mc_dropout_single_output_column_gives_two_probabilities():
    rng = np.random.default_rng(0)
    m = Sequential([layers.Dense(4, 1, "glorot_uniform", rng), layers.Sigmoid()])
    x = rng.standard_normal((6, 4))
    mean, std = R.mc_dropout_predict(m, x, 2, 0, output="probabilities")
    p = m.predict(x)[:, 0]
    np.testing.assert_allclose(mean, np.column_stack([1 - p, p]))
    np.testing.assert_array_equal(std, 0.0)
    with pytest.raises(ValueError, match="output"):
        R.mc_dropout_predict(m, x, 2, 0, output="probs")


def test_mc_dropout_std_matches_hand_computation_one_unit():
    # logits z = m·w with a single unit dropped at rate 0.5: z is 0 or 2w, each with probability ½
    m = Sequential([layers.Dropout(0.5, 0), layers.Dense(1, 2, "zeros")])
    m.params["1.W"][...] = [[0.0, 1.0]]
    mean, std = R.mc_dropout_predict(m, np.ones((1, 1)), 4000, 0)
    p_drop, p_keep = 0.5, 1 / (1 + np.exp(-2.0))  # class-1 probability when kept: softmax([0, 2])
    assert mean[0, 1] == pytest.approx(0.5 * p_drop + 0.5 * p_keep, abs=0.01)
    assert std[0, 1] == pytest.approx(0.5 * (p_keep - p_drop), abs=0.01)


def test_accuracy_by_uncertainty_hand_example():
    u = np.array([0.9, 0.1, 0.5, 0.2, 0.8, 0.3])
    correct = np.array([0, 1, 1, 1, 0, 0])
    centers, acc, counts = R.accuracy_by_uncertainty(u, correct, n_bins=3)
    np.testing.assert_allclose(centers, [0.15, 0.4, 0.85])
    np.testing.assert_allclose(acc, [1.0, 0.5, 0.0])
    np.testing.assert_array_equal(counts, [2, 2, 2])
    with pytest.raises(ValueError, match="n_bins"):
        R.accuracy_by_uncertainty(u, correct, n_bins=7)
    with pytest.raises(ValueError, match="correct"):
        R.accuracy_by_uncertainty(u, correct[:3])


def test_fraction_near_zero_counts_weights_not_biases():
    m = _mlp(0)
    for k, v in m.params.items():
        v[...] = 0.0 if k.endswith(".b") else 1.0
    m.params["0.W"][0, :4] = 0.001  # 4 of the 4·8 + 8·3 = 56 weights
    assert R.fraction_near_zero(m, tol=0.01) == pytest.approx(4 / 56)


@pytest.mark.parametrize(("l1", "l2"), [(0.0, 0.0), (0.1, 0.0), (0.0, 0.1), (0.1, 0.2)])
def test_every_grad_branch_matches_the_formula(l1, l2):
    W = np.array([[1.5, -2.0, 0.0], [0.25, 3.0, -0.5]])
    np.testing.assert_allclose(R.L1L2(l1, l2).grad(W), l1 * np.sign(W) + 2 * l2 * W, rtol=0, atol=1e-15)


def test_explorer_draws_its_default_view_with_the_given_run():
    import matplotlib

    matplotlib.use("Agg")
    from lib.widgets.regularization import regularization_explorer

    calls = []

    def fake_run(lam, rate):
        calls.append((lam, rate))
        return train.History(train_loss=[1.0, 0.5], val_loss=[1.2, 0.9], train_acc=[0.5, 0.9], val_acc=[0.4, 0.7])

    box = regularization_explorer(lambda rate, seed: _mlp(seed, rate), None, lam=3e-3, rate=0.1, run=fake_run)
    assert calls == [(3e-3, 0.1)]  # the widget drew its default view through run, without training
    assert len(box.children) == 3
    with pytest.raises(TypeError, match="run"):
        regularization_explorer(lambda rate, seed: _mlp(seed, rate), None, run="cached")
    with pytest.raises(ValueError, match="lam"):
        regularization_explorer(lambda rate, seed: _mlp(seed, rate), None, lam=0.5, run=fake_run)


# ---------------------------------------------------------------- eigenbasis view of L2, ensembles

def test_l2_shrinkage_matches_ridge_solution():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((30, 4))
    H = A.T @ A  # Hessian of ½‖Aw − b‖²
    w_star = rng.standard_normal(4)
    alpha = 2.5
    w_ridge = np.linalg.solve(H + alpha * np.eye(4), H @ w_star)  # minimiser of ½(w−w*)ᵀH(w−w*) + ½α‖w‖²
    lam, Q = np.linalg.eigh(H)
    np.testing.assert_allclose(Q.T @ w_ridge, R.l2_shrinkage(lam, alpha) * (Q.T @ w_star), rtol=1e-10)


def test_l2_shrinkage_by_hand_and_bad_input():
    np.testing.assert_allclose(R.l2_shrinkage(np.array([0.0, 1.0, 3.0]), 1.0), [0.0, 0.5, 0.75])
    with pytest.raises(ValueError, match="eigenvalues"):
        R.l2_shrinkage(np.array([-1.0]), 1.0)
    with pytest.raises(ValueError, match="alpha"):
        R.l2_shrinkage(np.array([1.0]), 0.0)


def test_ensemble_predict_averages_probabilities():
    rng = np.random.default_rng(0)
    nets = [Sequential([layers.Dense(3, 4, "he_normal", rng)]) for _ in range(3)]
    x = rng.standard_normal((5, 3))
    expected = sum(losses.softmax(n.predict(x)) for n in nets) / 3
    np.testing.assert_allclose(R.ensemble_predict(nets, x), expected)
    np.testing.assert_allclose(R.ensemble_predict(nets, x).sum(axis=1), 1.0)
    with pytest.raises(TypeError, match="models"):
        R.ensemble_predict([], x)
