"""lib.train: fit on the digits, determinism, schedules, divergence, callbacks, metrics, bad input."""

import dataclasses
import math

import numpy as np
import pytest

from lib import data, layers, losses, optim, train
from lib.model import Sequential


@pytest.fixture(scope="module")
def digits():
    return data.digits_splits(0)


def mlp(n_in, n_hidden, n_out, seed):
    rng = np.random.default_rng(seed)
    return Sequential([layers.Dense(n_in, n_hidden, "he_normal", rng), layers.ReLU(),
                       layers.Dense(n_hidden, n_out, "glorot_uniform", rng)])


def small_problem(n=60, seed=0):
    X, y = data.spirals(n // 3, 3, rng=seed)
    return X, y


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mlp_reaches_95_percent_test_accuracy_on_digits(digits, seed):
    net = mlp(64, 100, 10, seed)
    loss = losses.SoftmaxCrossEntropy()
    hist = train.fit(net, loss, optim.SGD(0.1), digits.X_train, digits.y_train, epochs=40, batch_size=16,
                     rng=seed, train_metrics="running")
    _test_loss, test_acc = train.evaluate(net, loss, digits.X_test, digits.y_test)
    assert test_acc >= 0.95
    assert hist.epochs == 40 and not hist.diverged
    assert hist.train_loss[-1] < hist.train_loss[0] / 5


def test_same_seed_same_history(digits):
    def run(seed):
        net = mlp(64, 16, 10, seed)
        hist = train.fit(net, losses.SoftmaxCrossEntropy(), optim.SGD(0.05), digits.X_train, digits.y_train,
                         epochs=3, batch_size=64, rng=seed, validation=(digits.X_val, digits.y_val))
        return hist, net.state_dict()

    (h1, s1), (h2, s2), (h3, _) = run(7), run(7), run(8)
    assert h1 == h2  # every field, batch_loss included, bit for bit
    assert len(h1.batch_loss) == 3 * math.ceil(len(digits.X_train) / 64)
    for k in s1:
        np.testing.assert_array_equal(s1[k], s2[k])
    assert h1.batch_loss != h3.batch_loss


def test_history_records_one_entry_per_epoch_and_validation_matches_evaluate():
    X, y = small_problem()
    net = mlp(2, 8, 3, 0)
    loss = losses.SoftmaxCrossEntropy()
    hist = train.fit(net, loss, optim.SGD(0.1), X, y, epochs=4, batch_size=16, rng=0, validation=(X[:10], y[:10]))
    for field in ("train_loss", "val_loss", "train_acc", "val_acc", "lr"):
        assert len(getattr(hist, field)) == 4
    assert hist.lr == [0.1] * 4
    assert len(hist.batch_loss) == 4 * 4  # 60 samples, batches of 16: 16, 16, 16, 12
    v_loss, v_acc = train.evaluate(net, loss, X[:10], y[:10])
    assert hist.val_loss[-1] == v_loss and hist.val_acc[-1] == v_acc
    assert hist.stopped_epoch is None and not hist.diverged


def test_train_metrics_eval_vs_running():
    X, y = small_problem()
    loss = losses.SoftmaxCrossEntropy()
    net = mlp(2, 8, 3, 0)
    ev = train.fit(net, loss, optim.SGD(0.1), X, y, epochs=2, batch_size=16, rng=0, train_metrics="eval")
    assert (ev.train_loss[-1], ev.train_acc[-1]) == train.evaluate(net, loss, X, y)
    run = train.fit(mlp(2, 8, 3, 0), loss, optim.SGD(0.1), X, y, epochs=2, batch_size=16, rng=0,
                    train_metrics="running")
    assert run.batch_loss == ev.batch_loss  # the metric mode does not change training
    sizes = [16, 16, 16, 12]
    for epoch in range(2):
        batch = run.batch_loss[4 * epoch:4 * epoch + 4]
        assert run.train_loss[epoch] == pytest.approx(np.average(batch, weights=sizes), rel=1e-12)
    assert run.train_loss != ev.train_loss


def test_schedule_per_epoch_and_per_step_in_history_lr():
    X, y = small_problem()  # 4 steps per epoch

    def sched(t):
        return 1.0 / (10 + t)

    per_epoch = train.fit(mlp(2, 8, 3, 0), losses.SoftmaxCrossEntropy(), optim.SGD(1.0), X, y, epochs=3,
                          batch_size=16, rng=0, schedule=sched)
    assert per_epoch.lr == [sched(0), sched(1), sched(2)]
    per_step = train.fit(mlp(2, 8, 3, 0), losses.SoftmaxCrossEntropy(), optim.SGD(1.0), X, y, epochs=3,
                         batch_size=16, rng=0, schedule=sched, schedule_per="step")
    assert per_step.lr == [sched(3), sched(7), sched(11)]  # the rate of each epoch's last step


class HalveEveryEpoch:
    """A stateful schedule with the ReduceLROnPlateau protocol: ``lr`` and ``step(metric) -> lr``."""

    def __init__(self, lr):
        self.lr = lr
        self.seen = []

    def step(self, metric):
        self.seen.append(metric)
        self.lr /= 2
        return self.lr


@pytest.mark.parametrize("with_validation", [True, False])
def test_stateful_schedule_is_fed_the_epoch_loss(with_validation):
    X, y = small_problem()
    sched = HalveEveryEpoch(0.4)
    opt = optim.SGD(1.0)
    validation = (X[:15], y[:15]) if with_validation else None
    hist = train.fit(mlp(2, 8, 3, 0), losses.SoftmaxCrossEntropy(), opt, X, y, epochs=3, batch_size=16, rng=0,
                     validation=validation, schedule=sched)
    assert hist.lr == [0.4, 0.2, 0.1]  # the starting rate comes from the schedule, not the optimizer
    assert opt.lr == 0.05
    assert sched.seen == (hist.val_loss if with_validation else hist.train_loss)


def test_schedule_is_applied_to_every_step():
    """Full-batch SGD on a linear model, lr = t-dependent: replay the updates by hand."""
    X, y = data.noisy_line(20, rng=0)
    net = Sequential([layers.Dense(1, 1, init="zeros")])
    rates = [0.1, 0.05, 0.2]
    train.fit(net, losses.MeanSquaredError(), optim.SGD(1.0), X, y, epochs=3, batch_size=20, rng=0,
              schedule=lambda t: rates[t])
    w, b = 0.0, 0.0
    for lr in rates:
        r = X[:, 0] * w + b - y[:, 0]
        w, b = w - lr * 2 * np.mean(r * X[:, 0]), b - lr * 2 * np.mean(r)
    assert net.params["0.W"][0, 0] == pytest.approx(w, rel=1e-12)
    assert net.params["0.b"][0] == pytest.approx(b, rel=1e-12)


def test_regularizer_gradient_is_added_to_weights_only_and_loss_is_data_loss():
    class L2:
        def penalty(self, W):
            return 0.5 * float(np.sum(W * W))

        def grad(self, W):
            return W

    X, y = data.noisy_line(20, rng=0)
    net = Sequential([layers.Dense(1, 1, init="zeros")])
    net.params["0.W"][...] = 1.0
    net.params["0.b"][...] = 1.0
    hist = train.fit(net, losses.MeanSquaredError(), optim.SGD(0.1), X, y, epochs=1, batch_size=20, rng=0,
                     regularizer=L2())
    r = X[:, 0] + 1.0 - y[:, 0]
    assert hist.batch_loss[0] == pytest.approx(np.mean(r**2))  # no penalty in the recorded loss
    assert net.params["0.W"][0, 0] == pytest.approx(1.0 - 0.1 * (2 * np.mean(r * X[:, 0]) + 1.0))
    assert net.params["0.b"][0] == pytest.approx(1.0 - 0.1 * 2 * np.mean(r))


def test_divergence_sets_flag_without_raising(digits):
    net = mlp(64, 32, 10, 0)
    with np.errstate(over="ignore", invalid="ignore"):
        hist = train.fit(net, losses.SoftmaxCrossEntropy(), optim.SGD(1e6), digits.X_train, digits.y_train,
                         epochs=5, batch_size=32, rng=0)
    assert hist.diverged
    assert not np.isfinite(hist.batch_loss[-1])
    assert np.all(np.isfinite(hist.batch_loss[:-1]))
    assert hist.epochs < 5 and len(hist.lr) == hist.epochs


def test_divergence_of_a_linear_regression():
    X, y = data.noisy_line(50, rng=0)
    net = Sequential([layers.Dense(1, 1, rng=0)])
    with np.errstate(over="ignore", invalid="ignore"):
        hist = train.fit(net, losses.MeanSquaredError(), optim.SGD(10.0), X, y, epochs=500, batch_size=50, rng=0)
    assert hist.diverged and hist.epochs < 500
    stable = train.fit(Sequential([layers.Dense(1, 1, rng=0)]), losses.MeanSquaredError(), optim.SGD(0.1), X, y,
                       epochs=50, batch_size=50, rng=0)
    assert not stable.diverged and stable.train_loss[-1] < stable.train_loss[0]


class Recorder(train.Callback):
    def __init__(self, stop_at=None):
        self.calls = []
        self.stop_at = stop_at

    def on_train_begin(self, model):
        self.calls.append("begin")

    def on_batch_end(self, model):
        self.calls.append("batch")

    def on_epoch_end(self, epoch, history, model):
        self.calls.append(("epoch", epoch, history.epochs))
        return epoch == self.stop_at

    def on_train_end(self, model):
        self.calls.append("end")


def test_callbacks_are_called_in_order_and_can_stop_training():
    X, y = small_problem()
    stopper, watcher = Recorder(stop_at=1), Recorder()
    hist = train.fit(mlp(2, 8, 3, 0), losses.SoftmaxCrossEntropy(), optim.SGD(0.1), X, y, epochs=10,
                     batch_size=16, rng=0, callbacks=[stopper, watcher])
    assert hist.stopped_epoch == 1 and hist.epochs == 2
    expected = ["begin", *["batch"] * 4, ("epoch", 0, 1), *["batch"] * 4, ("epoch", 1, 2), "end"]
    assert stopper.calls == expected
    assert watcher.calls == expected  # every callback sees the epoch end, even after one asks to stop


def test_base_callback_never_stops():
    X, y = small_problem()
    hist = train.fit(mlp(2, 8, 3, 0), losses.SoftmaxCrossEntropy(), optim.SGD(0.1), X, y, epochs=2,
                     batch_size=16, rng=0, callbacks=[train.Callback()])
    assert hist.epochs == 2 and hist.stopped_epoch is None


def test_record_params_traces_every_step():
    X, y = small_problem()
    net = mlp(2, 8, 3, 0)
    start = net.params["0.b"].copy()
    rec = train.RecordParams(["0.b", "2.W"])
    train.fit(net, losses.SoftmaxCrossEntropy(), optim.SGD(0.1), X, y, epochs=2, batch_size=16, rng=0,
              callbacks=[rec])
    assert rec.trace["0.b"].shape == (2 * 4 + 1, 8) and rec.trace["2.W"].shape == (9, 8, 3)
    np.testing.assert_array_equal(rec.trace["0.b"][0], start)
    np.testing.assert_array_equal(rec.trace["2.W"][-1], net.params["2.W"])
    assert np.all(np.any(np.diff(rec.trace["2.W"], axis=0) != 0, axis=(1, 2)))  # copies, one per step
    with pytest.raises(ValueError, match=r"keys \['9.W'\] are not parameters"):
        train.fit(net, losses.SoftmaxCrossEntropy(), optim.SGD(0.1), X, y, epochs=1, batch_size=16, rng=0,
                  callbacks=[train.RecordParams(["9.W"])])


def test_binary_classifier_and_regression_metrics():
    X, y = data.moons(80, rng=0)
    r = np.random.default_rng(0)
    net = Sequential([layers.Dense(2, 8, rng=r), layers.Tanh(), layers.Dense(8, 1, rng=r), layers.Sigmoid()])
    target = y.reshape(-1, 1).astype(float)
    hist = train.fit(net, losses.BinaryCrossEntropy(), optim.SGD(0.5), X, target, epochs=20, batch_size=16, rng=0)
    manual = np.mean((net.predict(X)[:, 0] >= 0.5) == y)
    assert hist.train_acc[-1] == manual and manual > 0.75
    Xr, yr = data.noisy_sine(30, rng=0)
    hist = train.fit(Sequential([layers.Dense(1, 1, rng=0)]), losses.MeanSquaredError(), optim.SGD(0.1), Xr, yr,
                     epochs=2, batch_size=10, rng=0)
    assert all(math.isnan(a) for a in hist.train_acc)  # accuracy is undefined for regression


def test_predicted_labels():
    np.testing.assert_array_equal(train.predicted_labels(np.array([[0.1, 2.0, -1.0], [3.0, 0.0, 0.0]])), [1, 0])
    np.testing.assert_array_equal(train.predicted_labels(np.array([[0.2], [0.5], [0.9]])), [0, 1, 1])
    np.testing.assert_array_equal(train.predicted_labels(np.array([0.49, 0.51])), [0, 1])


def test_evaluate_with_one_hot_targets_matches_labels():
    X, y = small_problem()
    net = mlp(2, 8, 3, 0)
    loss = losses.SoftmaxCrossEntropy()
    assert train.evaluate(net, loss, X, y) == pytest.approx(train.evaluate(net, loss, X, np.eye(3)[y]))


def test_float32_training_keeps_float32():
    X, y = small_problem()
    rng = np.random.default_rng(0)
    net = Sequential([layers.Dense(2, 8, rng=rng, dtype=np.float32), layers.ReLU(),
                      layers.Dense(8, 3, rng=rng, dtype=np.float32)])
    hist = train.fit(net, losses.SoftmaxCrossEntropy(), optim.SGD(0.1), X.astype(np.float32), y, epochs=2,
                     batch_size=16, rng=0)
    assert all(v.dtype == np.float32 for v in (*net.params.values(), *net.grads.values()))
    assert np.all(np.isfinite(hist.train_loss))


def test_progress_goes_to_stderr_only_when_asked(capsys):
    X, y = small_problem()
    train.fit(mlp(2, 8, 3, 0), losses.SoftmaxCrossEntropy(), optim.SGD(0.1), X, y, epochs=2, batch_size=16,
              rng=0, validation=(X, y), progress=True)
    out = capsys.readouterr()
    assert out.out == "" and "2/2" in out.err and "val_acc=" in out.err and "100%" in out.err  # tqdm's bar
    train.fit(mlp(2, 8, 3, 0), losses.SoftmaxCrossEntropy(), optim.SGD(0.1), X, y, epochs=2, batch_size=16, rng=0)
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""


def test_history_is_a_plain_dataclass():
    h = train.History()
    assert h.epochs == 0 and not h.diverged and h.stopped_epoch is None
    assert {f.name for f in dataclasses.fields(h)} >= {"train_loss", "val_loss", "train_acc", "val_acc", "lr",
                                                        "batch_loss", "diverged", "stopped_epoch"}


@pytest.mark.parametrize(("kwargs", "exc", "match"), [
    ({"epochs": 0}, ValueError, "epochs"),
    ({"epochs": 1.5}, TypeError, "epochs"),
    ({"batch_size": 0}, ValueError, "batch_size"),
    ({"rng": None}, TypeError, "rng"),
    ({"schedule_per": "batch"}, ValueError, "schedule_per"),
    ({"train_metrics": "both"}, ValueError, "train_metrics"),
    ({"y": np.zeros(5, dtype=int)}, ValueError, "X and y"),
    ({"schedule": lambda t: -1.0}, ValueError, "lr"),
])
def test_fit_rejects_bad_arguments(kwargs, exc, match):
    X, y = small_problem()
    args = {"epochs": 1, "batch_size": 16, "rng": 0, **kwargs}
    y = args.pop("y", y)
    with pytest.raises(exc, match=match):
        train.fit(mlp(2, 8, 3, 0), losses.SoftmaxCrossEntropy(), optim.SGD(0.1), X, y, **args)


def test_batch_norm_with_a_final_batch_of_one_needs_drop_last():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((33, 4))
    y = rng.integers(0, 3, 33)

    def net():
        r = np.random.default_rng(1)
        return Sequential([layers.Dense(4, 8, "he_normal", r), layers.BatchNorm(8), layers.ReLU(),
                           layers.Dense(8, 3, "glorot_uniform", r)])

    with pytest.raises(ValueError, match="drop_last=True"):
        train.fit(net(), losses.SoftmaxCrossEntropy(), optim.SGD(0.1), X, y, epochs=1, batch_size=32, rng=0)
    h = train.fit(net(), losses.SoftmaxCrossEntropy(), optim.SGD(0.1), X, y, epochs=2, batch_size=32, rng=0,
                  drop_last=True)
    assert len(h.batch_loss) == 2 and h.epochs == 2


def test_regularizer_reaches_biases_only_when_asked():
    from lib import regularizers

    rng = np.random.default_rng(0)
    X = rng.standard_normal((16, 3))
    y = rng.integers(0, 2, 16)

    def run(penalize_biases):
        r = np.random.default_rng(1)
        net = Sequential([layers.Dense(3, 2, "glorot_uniform", r)])
        net.params["0.b"][...] = 1.0
        train.fit(net, losses.SoftmaxCrossEntropy(), optim.SGD(0.1), X, y, epochs=1, batch_size=16, rng=0,
                  regularizer=regularizers.l2(0.5), penalize_biases=penalize_biases)
        return net

    plain, with_bias = run(False), run(True)
    np.testing.assert_allclose(plain.params["0.W"], with_bias.params["0.W"])
    # one SGD step on the l2 term moves b by −η·2λ·b = −0.1 from 1.0, on top of the data gradient
    np.testing.assert_allclose(with_bias.params["0.b"], plain.params["0.b"] - 0.1)
    assert Sequential([layers.Dense(3, 2, "glorot_uniform", 0)]).penalized_keys(True) == ["0.W", "0.b"]


# ---------------------------------------------------------------- issue 20: bad input to fit

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from lib import averaging  # noqa: E402


def _fit(**over):
    X, y = small_problem()
    args = {"model": mlp(2, 8, 3, 0), "loss": losses.SoftmaxCrossEntropy(), "optimizer": optim.SGD(0.1),
            "X": X, "y": y, "epochs": 1, "batch_size": 16, "rng": 0, **over}
    return train.fit(args.pop("model"), args.pop("loss"), args.pop("optimizer"), args.pop("X"), args.pop("y"),
                     **args)


@pytest.mark.parametrize(("over", "name"), [
    ({"loss": "mse"}, "loss"), ({"loss": losses.SoftmaxCrossEntropy}, "loss"),
    ({"optimizer": None}, "optimizer"), ({"optimizer": optim.SGD}, "optimizer"),
    ({"model": [layers.Dense(2, 3, rng=0)]}, "model"), ({"model": layers.Dense(2, 3, rng=0)}, "model"),
    ({"callbacks": train.Callback()}, "callbacks"), ({"callbacks": ["stop"]}, "callbacks"),
    ({"regularizer": 0.01}, "regularizer"), ({"schedule": 0.1}, "schedule"),
    ({"X": np.array(["a", "b"])}, "X"), ({"validation": np.zeros(3)}, "validation"),
])
def test_fit_refuses_wrong_types_naming_the_argument(over, name):
    with pytest.raises(TypeError, match=name):
        _fit(**over)


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(["X", "y_float", "val_X"]), st.integers(0, 59), st.sampled_from([np.nan, np.inf, -np.inf]))
def test_fit_refuses_nan_or_inf_in_the_data_before_training(where, i, bad):
    X, y = small_problem()
    X = X.copy()
    net = mlp(2, 8, 3, 0)
    before = net.flat_params.copy()
    kwargs = {}
    if where == "X":
        X.flat[i] = bad
        target = y
    elif where == "y_float":  # regression targets
        target = np.zeros((60, 3))
        target.flat[i] = bad
    else:
        Xv = X.copy()
        Xv.flat[i] = bad
        kwargs["validation"] = (Xv, y)
        target = y
    loss = losses.MeanSquaredError() if where == "y_float" else losses.SoftmaxCrossEntropy()
    with pytest.raises(ValueError, match="NaN or inf"):
        train.fit(net, loss, optim.SGD(0.1), X, target, epochs=1, batch_size=16, rng=0, **kwargs)
    np.testing.assert_array_equal(net.flat_params, before)  # nothing trained


@given(st.integers(1, 40), st.integers(1, 40))
def test_drop_last_with_fewer_samples_than_a_batch_is_refused(n, batch):
    X, y = small_problem()
    if n < batch:
        with pytest.raises(ValueError, match="drop_last"):
            _fit(X=X[:n], y=y[:n], batch_size=batch, drop_last=True)
    else:
        h = _fit(X=X[:n], y=y[:n], batch_size=batch, drop_last=True)
        assert len(h.batch_loss) == n // batch


def test_fit_refuses_empty_data_and_bad_clip_thresholds():
    X, y = small_problem()
    with pytest.raises(ValueError, match="at least one sample"):
        _fit(X=X[:0], y=y[:0])
    for name in ("clip_norm", "clip_value"):
        for bad in (0.0, -1.0, float("nan"), float("inf"), "1"):
            with pytest.raises(ValueError, match=name):
                _fit(**{name: bad})


# ---------------------------------------------------------------- flat stepping, clipping, averaging in fit

def _hand_loop(net, opt, X, y, epochs, batch, seed, clip_norm=None, clip_value=None):
    """fit's loop written out with the per-key dicts, for comparison."""
    loss = losses.SoftmaxCrossEntropy()
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        for xb, yb in data.minibatches(X, y, batch, rng):
            loss.forward(net.forward(xb, training=True), yb)
            net.backward(loss.backward())
            if clip_value is not None:
                optim.clip_grad_value(net.grads, clip_value)
            if clip_norm is not None:
                optim.clip_grad_norm(net.grads, clip_norm)
            opt.step(net.params, net.grads)


@pytest.mark.parametrize("make", [lambda: optim.Adam(0.01), lambda: optim.Nesterov(0.1), lambda: optim.AdamW(0.01)])
@pytest.mark.parametrize("clip", [{}, {"clip_norm": 0.05}, {"clip_value": 0.01},
                                  {"clip_value": 0.02, "clip_norm": 0.03}])
def test_fit_steps_the_flat_buffer_with_the_numbers_of_a_per_key_loop(make, clip):
    X, y = small_problem()
    a, b = mlp(2, 8, 3, 0), mlp(2, 8, 3, 0)
    train.fit(a, losses.SoftmaxCrossEntropy(), make(), X, y, epochs=3, batch_size=16, rng=5, **clip)
    _hand_loop(b, make(), X, y, 3, 16, 5, **clip)
    for k in a.params:
        np.testing.assert_allclose(a.params[k], b.params[k], rtol=1e-12, atol=1e-14, err_msg=k)


def test_fit_clip_norm_caps_every_step():
    X, y = small_problem()
    net = mlp(2, 8, 3, 0)
    rec = train.RecordParams(list(net.params))
    train.fit(net, losses.SoftmaxCrossEntropy(), optim.SGD(1.0), X, y, epochs=2, batch_size=16, rng=0,
              clip_norm=0.01, callbacks=[rec])
    steps = np.concatenate([np.diff(rec.trace[k], axis=0).reshape(8, -1) for k in net.params], axis=1)
    assert np.all(np.linalg.norm(steps, axis=1) <= 0.01 * (1 + 1e-9))  # SGD with η = 1: step = clipped g


def test_polyak_average_is_the_mean_of_the_iterates_from_start():
    X, y = small_problem()
    net = mlp(2, 8, 3, 0)
    rec = train.RecordParams(list(net.params))
    swa = averaging.PolyakAverage(start=3)
    ema = averaging.EMA(decay=0.5, start=1, every=2)
    train.fit(net, losses.SoftmaxCrossEntropy(), optim.Momentum(0.1), X, y, epochs=2, batch_size=16, rng=0,
              callbacks=[rec, swa, ema])
    assert swa.n == 5 and ema.n == 4  # 8 steps; steps 4..8 averaged; steps 2, 4, 6, 8 for the EMA
    avg = {k: np.zeros_like(v) for k, v in net.params.items()}
    swa.copy_to(avg)
    for k, trace in rec.trace.items():  # trace[i] = parameters after step i
        np.testing.assert_allclose(avg[k], trace[4:].mean(axis=0), rtol=1e-12, atol=1e-15)
        e = trace[2].copy()  # the first averaged iterate is copied (AveragedModel); then θ̄ ← ½θ̄ + ½θ
        for i in (4, 6, 8):
            e = 0.5 * e + 0.5 * trace[i]
        ema_avg = {k2: np.zeros_like(v) for k2, v in net.params.items()}
        ema.copy_to(ema_avg)
        np.testing.assert_allclose(ema_avg[k], e, rtol=1e-12, atol=1e-15)
    swa.copy_to(net)
    for k in net.params:
        np.testing.assert_allclose(net.params[k], avg[k], rtol=0, atol=0)


def test_averages_by_hand_and_bad_arguments():
    ema, pol = averaging.EMA(decay=0.9), averaging.PolyakAverage()
    for theta in (1.0, 2.0, 6.0):
        ema.update({"w": np.array([theta])})
        pol.update({"w": np.array([theta])})
    np.testing.assert_allclose(ema.average["w"], [0.9 * (0.9 * 1.0 + 0.1 * 2.0) + 0.1 * 6.0])
    np.testing.assert_allclose(pol.average["w"], [3.0])
    with pytest.raises(ValueError, match="decay"):
        averaging.EMA(decay=1.0)
    with pytest.raises(ValueError, match="start"):
        averaging.PolyakAverage(start=-1)
    with pytest.raises(RuntimeError, match="nothing"):
        averaging.EMA().copy_to({"w": np.zeros(1)})
    with pytest.raises(ValueError, match="keys"):
        pol.update({"v": np.zeros(1)})


def test_float32_fit_keeps_float32_in_step_loss_and_state():
    X, y = small_problem()
    X = X.astype(np.float32)
    rng = np.random.default_rng(0)
    net = Sequential([layers.Dense(2, 8, "he_normal", rng, dtype=np.float32), layers.ReLU(),
                      layers.Dense(8, 3, rng=rng, dtype=np.float32)])
    opt = optim.Adam(0.01)
    ema = averaging.EMA(0.9)
    train.fit(net, losses.SoftmaxCrossEntropy(), opt, X, y, epochs=2, batch_size=16, rng=0, clip_norm=1.0,
              callbacks=[ema])
    assert net.flat_params.dtype == np.float32 and net.flat_grads.dtype == np.float32
    assert all(v.dtype == np.float32 for s in opt.state.values() for v in s.values())
    assert ema.average["model"].dtype == np.float32
    loss = losses.SoftmaxCrossEntropy()
    loss.forward(net.forward(X[:5], training=True), y[:5])
    assert loss.backward().dtype == np.float32
