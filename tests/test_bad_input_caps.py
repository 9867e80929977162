"""Bad input, round two (issue 20): what hung, ran out of memory or went silently wrong.

Each test asserts the exception type and that the message names the argument (and, where
it matters, the value), or for input that stays valid, the unchanged answer. The
campaign that found these is scripts/probe_bad_input.py. Everything here is fast: a
refused request must be refused before any work is done.
"""

import math
import pickle
import time

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib import (
    averaging,
    data,
    diagnostics,
    functions,
    gp,
    gradcheck,
    init,
    layers,
    losses,
    optim,
    recipes,
    regularizers,
    schedules,
    search,
    stats,
    train,
)
from lib import validation as val
from lib.model import Sequential

pytestmark = pytest.mark.filterwarnings(
    "ignore::RuntimeWarning"
)  # overflow is the point

SPACE = {"x": search.uniform(0, 1)}


def objective(p, b):
    return p["x"]


def net():
    return Sequential(
        [layers.Dense(2, 3, rng=0), layers.ReLU(), layers.Dense(3, 2, rng=1)]
    )


def fast(f, seconds=1.0):
    """Run f (which must raise) and check it raised within ``seconds``."""
    start = time.perf_counter()
    f()
    assert time.perf_counter() - start < seconds


# ------------------------------------------------------------- work that cannot finish
@pytest.mark.parametrize(
    "call, match",
    [
        (
            lambda: search.random_search(objective, SPACE, 10**12, rng=0),
            r"random_search would .*10{12}",
        ),
        (
            lambda: search.quasi_random_search(objective, SPACE, 10**12, rng=0),
            r"max_trials=100000",
        ),
        (
            lambda: search.bayes_opt(objective, SPACE, 10**7, rng=0),
            r"bayes_opt would .*max_trials=2000",
        ),
        (
            lambda: search.bayes_opt(objective, SPACE, 6, rng=0, n_candidates=10**9),
            "n_candidates",
        ),
        (lambda: search.halton(2, 10**6), r"d must be <= 1000 .*got 1000000"),
        (
            lambda: search.halton(10**12, 2),
            r"halton\(n=1000000000000, d=2\) would compute",
        ),
        (
            lambda: functions.trajectory(
                functions.Quadratic(), optim.SGD(0.1), steps=10**10
            ),
            r"steps must be <= 1000000",
        ),
        (
            lambda: stats.bootstrap_diff_ci(
                [0, 1] * 5, [0] * 10, [1] * 10, n_boot=10**12
            ),
            r"n_boot=1000000000000 resamples of 10 samples",
        ),
        (
            lambda: train.fit(
                net(),
                losses.SoftmaxCrossEntropy(),
                optim.SGD(0.1),
                np.zeros((4, 2)),
                np.zeros(4, dtype=int),
                epochs=10**12,
                batch_size=2,
                rng=0,
            ),
            "epochs",
        ),
        (lambda: val.repeated_kfold(10, 2, 10**12, rng=0), "repeats"),
        (
            lambda: diagnostics.dense_stack(3, 4, 10**12, "relu", "he_normal", 0),
            "depth",
        ),
        (lambda: recipes.default_network(3, 2, 0, depth=10**12), "depth"),
        (
            lambda: regularizers.mc_dropout_predict(net(), np.zeros((2, 2)), 10**12, 0),
            "n_samples",
        ),
        (lambda: layers.Dense(10**12, 3, rng=0), "n_in"),
        (lambda: init.he_normal(10**5, 10**5, 0), r"W of shape \(100000, 100000\)"),
        (lambda: data.moons(10**12, rng=0), "n = 1000000000000"),
        (lambda: data.one_hot(np.arange(10), 10**12), "n_classes"),
        (lambda: val.kfold(10**12, 3), "n = "),
        (lambda: functions.Quadratic().grid(10**6), "n = 1000000"),
    ],
)
def test_work_that_cannot_finish_is_refused_at_once(call, match):
    def refused():
        with pytest.raises(ValueError, match=match):
            call()

    fast(refused)


def test_caps_leave_ordinary_sizes_alone():
    assert len(search.random_search(objective, SPACE, 5, rng=0)) == 5
    assert search.halton(4, 3).shape == (4, 3)
    assert (
        len(functions.trajectory(functions.Quadratic(), optim.SGD(0.1), steps=50)) == 51
    )


# ------------------------------------------------------------- dtypes
@pytest.mark.parametrize(
    "dtype", [np.int64, np.int32, np.bool_, np.complex128, object, "U3"]
)
@pytest.mark.parametrize(
    "make",
    [
        lambda dt: layers.Dense(2, 3, rng=0, dtype=dt),
        lambda dt: layers.Conv1D(1, 2, 3, rng=0, dtype=dt),
        lambda dt: layers.BatchNorm(3, dtype=dt),
        lambda dt: layers.LayerNorm(3, dtype=dt),
        lambda dt: layers.GroupNorm(1, 2, dtype=dt),
        lambda dt: init.he_normal(2, 3, 0, dtype=dt),
        lambda dt: init.zeros(2, 3, dtype=dt),
        lambda dt: init.orthogonal(2, 3, 0, dtype=dt),
    ],
)
def test_non_float_dtypes_are_refused(make, dtype):
    with pytest.raises(TypeError, match="dtype must be"):
        make(dtype)


def test_float16_layers_are_refused_and_float16_input_is_computed_in_float32():
    with pytest.raises(
        TypeError, match=r"dtype must be np\.float32 or np\.float64, got float16"
    ):
        layers.LayerNorm(3, dtype=np.float16)
    x = np.array([[300.0, 0.0, -300.0]], dtype=np.float16)  # x² = 90000 > 65504
    y = layers.LayerNorm(3, dtype=np.float32).forward(x)
    np.testing.assert_allclose(y, [[1.2247, 0.0, -1.2247]], atol=1e-3)
    assert (
        init.he_normal(2, 3, 0, dtype=np.float16).dtype == np.float16
    )  # initialisers may


def test_valid_dtypes_give_bit_identical_weights():
    w64 = init.he_normal(3, 4, 0)
    np.testing.assert_array_equal(
        init.he_normal(3, 4, 0, dtype=np.float32), w64.astype(np.float32)
    )
    np.testing.assert_array_equal(layers.Dense(3, 4, "he_normal", 0).params["W"], w64)


# ------------------------------------------------------------- losses and evaluation
@pytest.mark.parametrize(
    "loss, out, target, match",
    [
        (losses.SoftmaxCrossEntropy(), [[1e308, -1e308]], [1], "overflowed to inf"),
        (losses.SoftmaxCrossEntropy(), [[np.nan, 0.0]], [1], "output contains 1 NaN"),
        (
            losses.MeanSquaredError(),
            [[np.inf]],
            [[1.0]],
            "output contains 1 NaN or inf",
        ),
        (losses.MeanSquaredError(), [[1.0]], [[np.nan]], "target contains 1 NaN"),
        (
            losses.MeanSquaredError(),
            [[1e300]],
            [[-1e300]],
            "output and target are finite",
        ),
        (losses.BinaryCrossEntropy(), [[np.nan]], [[1.0]], "output contains 1 NaN"),
    ],
)
def test_losses_never_return_nan_or_inf(loss, out, target, match):
    with pytest.raises(losses.NonFiniteLossError, match=match) as info:
        loss.forward(np.array(out), np.array(target))
    assert not math.isfinite(info.value.value)
    again = pickle.loads(pickle.dumps(info.value))  # crosses joblib's process boundary
    assert str(again) == str(info.value)


def test_fit_still_reports_divergence_and_evaluate_still_scores_it():
    X = np.random.default_rng(0).standard_normal((32, 2))
    y = (X[:, 0] > 0).astype(int)
    model = net()
    h = train.fit(
        model,
        losses.SoftmaxCrossEntropy(),
        optim.SGD(1e200),
        X,
        y,
        epochs=3,
        batch_size=8,
        rng=0,
    )
    assert h.diverged and not math.isfinite(h.batch_loss[-1])
    value, _ = train.evaluate(model, losses.SoftmaxCrossEntropy(), X, y)
    assert not math.isfinite(value)


def test_evaluate_and_predicted_labels_refuse_nan():
    with pytest.raises(ValueError, match="X contains 1 NaN"):
        train.evaluate(
            net(), losses.SoftmaxCrossEntropy(), np.array([[np.nan, 0.0]]), [1]
        )
    with pytest.raises(ValueError, match="X and y must hold the same number"):
        train.evaluate(net(), losses.SoftmaxCrossEntropy(), np.zeros((3, 2)), [1])
    with pytest.raises(
        ValueError, match=r"output has NaN in 1 row\(s\) \(first: row 1\)"
    ):
        train.predicted_labels(np.array([[0.0, 1.0], [np.nan, 0.0]]))
    np.testing.assert_array_equal(
        train.predicted_labels(np.array([[0.0, 1.0], [2.0, 0.0]])), [1, 0]
    )


# ------------------------------------------------------------- optimizers and friends
@given(st.floats(0.01, 10), st.floats(1.001, 100))
def test_decoupled_decay_with_lr_times_lambda_at_least_one_is_refused(lr, factor):
    wd = factor / lr
    with pytest.raises(ValueError, match=r"lr \* weight_decay must be < 1"):
        optim.AdamW(lr=lr, weight_decay=wd)
    with pytest.raises(ValueError, match=r"lr \* decay must be < 1"):
        regularizers.weight_decay({"w": np.ones(2)}, lr, wd)


def test_adamw_checks_the_decay_again_when_a_schedule_raises_lr():
    opt = optim.AdamW(lr=0.1, weight_decay=5.0)
    p = {"w": np.ones(2)}
    opt.step(p, {"w": np.ones(2)})
    opt.lr = 0.5
    before = p["w"].copy()
    with pytest.raises(ValueError, match=r"factor of -1\.5"):
        opt.step(p, {"w": np.ones(2)})
    np.testing.assert_array_equal(p["w"], before)


def test_a_layer_instance_used_twice_is_refused():
    d, relu = layers.Dense(2, 2, rng=0), layers.ReLU()
    with pytest.raises(ValueError, match=r"layers\[1\] is the same Dense"):
        Sequential([d, d])
    with pytest.raises(
        ValueError, match=r"layers\[3\] is the same ReLU\(\) instance as layers\[1\]"
    ):
        Sequential([layers.Dense(2, 2, rng=0), relu, layers.Dense(2, 2, rng=1), relu])
    with pytest.raises(ValueError, match=r"layers\[1.0\] is the same"):
        Sequential([d, layers.Residual(d)])
    shared = Sequential([d, layers.ReLU()])  # sharing between two models stays allowed
    Sequential([*shared.layers, layers.Dense(2, 1, rng=2)])


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_load_state_dict_and_averages_refuse_nan(bad):
    m = net()
    state = m.state_dict()
    before = m.state_dict()
    state["2.b"] = np.full_like(state["2.b"], bad)
    with pytest.raises(ValueError, match=r"state\['2.b'\] contains NaN or inf"):
        m.load_state_dict(state)
    for k, v in m.state_dict().items():
        np.testing.assert_array_equal(v, before[k])
    for avg in (averaging.EMA(0.9), averaging.PolyakAverage()):
        avg.update({"w": np.ones(2)})
        with pytest.raises(ValueError, match=r"params\['w'\] contains 1 NaN or inf"):
            avg.update({"w": np.array([1.0, bad])})
        np.testing.assert_array_equal(avg.average["w"], [1.0, 1.0])


def test_clip_grad_norm_raises_on_a_non_finite_norm_as_torch_with_error_if_nonfinite():
    g = {"w": np.array([np.nan, 1.0])}
    with pytest.raises(ValueError, match="total norm of nan"):
        optim.clip_grad_norm(g, 1.0)
    assert math.isnan(optim.clip_grad_norm(g, 1.0, error_if_nonfinite=False))
    with pytest.raises(ValueError, match="contains 1 NaN"):
        optim.clip_grad_value(g, 1.0)


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (
            lambda: optim.SGD(0.1).step({"w": [1.0, 2.0]}, {"w": np.ones(2)}),
            TypeError,
            r"params\['w'\] must be a NumPy array",
        ),
        (
            lambda: optim.Adam(0.1).step({"w": np.ones(2)}, {"w": [0.1, 0.1]}),
            TypeError,
            r"grads\['w'\] must be a NumPy array",
        ),
        (
            lambda: optim.Adam(0.1).step(
                {"w": np.ones(2)}, {"w": np.array(["a", "b"])}
            ),
            TypeError,
            r"grads\['w'\] must hold real numbers",
        ),
        (
            lambda: optim.SGD(0.1).step([np.ones(2)], [np.ones(2)]),
            TypeError,
            "params must be a dict",
        ),
        (
            lambda: optim.clip_grad_norm({"w": np.array([3, 4])}, 1.0),
            TypeError,
            "floating-point",
        ),
        (
            lambda: optim.clip_grad_value({"w": np.array([3, 4])}, 1.0),
            TypeError,
            "floating-point",
        ),
        (
            lambda: averaging.EMA().update({"w": np.array([1, 2])}),
            TypeError,
            r"params\['w'\]",
        ),
        (
            lambda: averaging.PolyakAverage().update({"w": [1.0]}),
            TypeError,
            r"params\['w'\]",
        ),
        (
            lambda: optim.newton_step(np.ones(2), np.zeros((2, 2))),
            ValueError,
            "hessian is singular",
        ),
        (
            lambda: optim.newton_step(np.ones(2), np.array([["1", "0"], ["0", "1"]])),
            TypeError,
            "hessian",
        ),
        (lambda: optim.nadam_mu(-1), ValueError, "t must be an integer >= 0"),
        (lambda: optim.nadam_mu(1.5), TypeError, "t must be an integer"),
        (lambda: optim.nadam_mu(1, beta1=1.0), ValueError, "beta1"),
        (
            lambda: optim.heavy_ball_matrix(0.1, 0.5, [0.1, 0.2]),
            ValueError,
            "lam must be one",
        ),
        (
            lambda: optim.heavy_ball_rate(0.1, 0.5, []),
            ValueError,
            "lams must hold at least one",
        ),
        (
            lambda: regularizers.weight_decay({"w": [1.0]}, 0.1, 0.1),
            TypeError,
            r"params\['w'\]",
        ),
        (
            lambda: regularizers.max_norm(np.array([[np.nan, 1.0]]), 1.0),
            ValueError,
            "W contains",
        ),
    ],
)
def test_optimizer_side_inputs_get_errors_that_name_them(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_nadam_mu_keeps_its_values():
    assert optim.nadam_mu(0) == pytest.approx(0.45)
    assert optim.nadam_mu(1) == 0.9 * (1.0 - 0.5 * 0.96 ** (1 * 0.004))


# ------------------------------------------------------------- data and validation
def test_holdout_split_refuses_a_requested_set_that_rounds_to_empty():
    with pytest.raises(
        ValueError, match=r"val_size=0.2 of 3 samples rounds to an empty set"
    ):
        val.holdout_split(np.zeros((3, 1)), np.arange(3), rng=0)
    s = val.holdout_split(
        np.zeros((3, 1)),
        np.arange(3),
        val_size=0.0,
        test_size=0.4,
        stratify=False,
        rng=0,
    )
    assert (len(s.X_train), len(s.X_val), len(s.X_test)) == (2, 0, 1)
    with pytest.raises(ValueError, match="y contains NaN"):
        val.holdout_split(np.zeros((10, 1)), np.r_[np.nan, np.arange(9.5, 18.5)], rng=0)


@pytest.mark.parametrize("seed", [None, -1, 1.5, "0", True, np.random.default_rng(0)])
def test_digits_splits_needs_an_int_seed(seed):
    with pytest.raises(TypeError, match="seed must be an integer >= 0"):
        data.digits_splits(seed=seed)


def test_group_kfold_refuses_nan_ids_and_cross_validate_repeats_and_nan_scores():
    with pytest.raises(ValueError, match="groups contains NaN"):
        val.group_kfold(np.array([np.nan, np.nan, 1.0, 2.0]), 2)
    X, y = np.zeros((6, 1)), np.zeros(6)
    with pytest.raises(
        ValueError, match=r"splits\[0\] test indices repeat samples \(e.g. \[3\]\)"
    ):
        val.cross_validate(lambda *a: 0.5, X, y, [(np.arange(3), np.array([3, 3, 4]))])
    with pytest.raises(ValueError, match=r"returned nan for splits\[1\]"):
        val.cross_validate(
            lambda a, b, c, d: 0.5 if len(c) == 3 else math.nan,
            X,
            y,
            [(np.arange(3), np.arange(3, 6)), (np.arange(2), np.arange(2, 6))],
        )
    with pytest.raises(
        TypeError, match=r"splits\[0\] must be a \(train_idx, test_idx\) pair"
    ):
        val.cross_validate(lambda *a: 0.5, X, y, [np.arange(3)])
    with pytest.raises(TypeError, match="candidates must be a list of dicts"):
        val.nested_cross_validate(
            lambda *a, **k: 0.5,
            X,
            y,
            "abc",
            val.kfold(6, 2),
            lambda y: val.kfold(len(y), 2),
        )
    # bootstrap-style repeated TRAIN indices stay allowed
    assert val.cross_validate(
        lambda *a: 0.5, X, y, [(np.array([0, 0, 1]), np.array([3]))]
    ) == [0.5]


def test_negative_seeds_are_refused_by_name():
    with pytest.raises(ValueError, match="rng must be a seed >= 0"):
        data.moons(10, rng=-1)
    with pytest.raises(ValueError, match="rng must be a seed >= 0"):
        stats.bootstrap_diff_ci([0, 1] * 5, [0] * 10, [1] * 10, rng=-1)


# ------------------------------------------------------------- searches
def test_failed_trials_are_counted_and_an_all_failed_search_has_no_best():
    trials = search.random_search(lambda p, b: math.nan, SPACE, 3, rng=0)
    assert all(t.failed for t in trials)
    with pytest.raises(ValueError, match="all 3 trials failed"):
        search.best_trial(trials)
    with pytest.raises(ValueError, match="objective returned -inf for params"):
        search.grid_search(lambda p, b: -math.inf, {"x": [1]})
    with pytest.raises(TypeError, match="objective must return a real number"):
        search.Trial({}, "0.5", None, 0)
    mixed = search.grid_search(lambda p, b: math.inf if p["x"] else 1.0, {"x": [1, 0]})
    assert search.best_trial(mixed).params == {"x": 0}


def test_bayes_opt_draws_at_random_while_a_flat_objective_gives_a_gp_nothing():
    trials = search.bayes_opt(
        lambda p, b: 1.0, SPACE, 6, rng=0, n_init=2, n_candidates=20
    )
    assert len(trials) == 6 and len({t.params["x"] for t in trials}) == 6


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (
            lambda: search.radical_inverse(np.array([-3]), 2),
            ValueError,
            "i must hold indices >= 0",
        ),
        (
            lambda: search.radical_inverse(np.array([3]), 1),
            ValueError,
            "base must be an integer >= 2",
        ),
        (
            lambda: search.radical_inverse(np.array([1.5]), 2),
            TypeError,
            "i must hold integer",
        ),
        (
            lambda: search.radical_inverse(np.array([3]), 2, np.array([[0, 0]])),
            ValueError,
            "perms",
        ),
        (
            lambda: search.to_unit(SPACE, {"x": 5.0}),
            ValueError,
            r"params\['x'\] = 5.0 .* outside",
        ),
        (
            lambda: search.to_unit({"lr": search.log_uniform(1e-3, 1)}, {"lr": -1.0}),
            ValueError,
            "outside",
        ),
        (lambda: search.to_unit(SPACE, None), TypeError, "params must be a dict"),
        (lambda: search.from_unit(SPACE, np.array([[1.5]])), ValueError, "unit cube"),
        (
            lambda: search.from_unit(SPACE, np.array([["0.5"]])),
            TypeError,
            "U must hold real",
        ),
    ],
)
def test_unit_cube_maps_refuse_what_they_would_clip(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_unit_cube_round_trip_keeps_the_range_ends():
    u = search.to_unit(SPACE, [{"x": 0.0}, {"x": 1.0}])
    np.testing.assert_array_equal(u, [[0.0], [1.0]])
    assert search.from_unit(SPACE, u)[0] == {"x": 0.0}


# ------------------------------------------------------------- GP and statistics
@pytest.mark.parametrize(
    "X, y", [([[0.5]], [1.0]), ([[0.1], [0.5], [0.9]], [2.0, 2.0, 2.0])]
)
def test_gp_refuses_targets_without_spread(X, y):
    with pytest.raises(ValueError, match="y must hold at least two distinct values"):
        gp.GaussianProcess().fit(np.array(X), np.array(y))


@pytest.mark.parametrize("ls", [0.0, -1.0, np.nan, np.inf, "0.3", np.array([[0.3]])])
@pytest.mark.parametrize("kernel", [gp.rbf, gp.matern52])
def test_kernels_refuse_bad_lengthscales(kernel, ls):
    with pytest.raises((ValueError, TypeError), match="lengthscales"):
        kernel(np.zeros((2, 1)), np.ones((2, 1)), ls)


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: stats.t_cdf(1.0, 0), ValueError, "df must be an integer >= 1"),
        (lambda: stats.t_cdf(math.nan, 3), ValueError, "t must not be NaN"),
        (lambda: stats.chi2_cdf(1.0, 0), ValueError, "df must be an integer >= 1"),
        (
            lambda: stats.mean_ci([1e308, -1e308, 1e308]),
            ValueError,
            "x holds values up to 1e",
        ),
        (
            lambda: stats.paired_ci([1e308, 1e308], [-1e308, -1e308]),
            ValueError,
            "a - b overflows",
        ),
        (
            lambda: stats.mcnemar([0.2, 0.7, 0.9], [0, 1, 1], [1, 1, 0]),
            ValueError,
            "y must hold class labels",
        ),
        (
            lambda: stats.bootstrap_diff_ci([0, 1, 1], [0.3, 0.7, 0.1], [0, 1, 0]),
            ValueError,
            "pred_a",
        ),
        (
            lambda: stats.Comparison("a", "b", 0.0, 1.0, -1.0, 5),
            ValueError,
            "low <= mean <= high",
        ),
        (
            lambda: stats.Comparison("a", "b", 0.0, -1.0, np.inf, 5),
            ValueError,
            "high must be a finite",
        ),
        (
            lambda: stats.Comparison("a", "b", 0.0, -1.0, 1.0, 5, fmt="nonsense"),
            ValueError,
            "fmt",
        ),
        (
            lambda: stats.claim("A beats B", 5, "higher"),
            TypeError,
            "comparison must be",
        ),
    ],
)
def test_statistics_refuse_degenerate_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_statistics_of_ordinary_and_large_values():
    assert stats.t_cdf(math.inf, 3) == 1.0 and stats.chi2_cdf(math.inf, 2) == 1.0
    mean, lo, hi = stats.mean_ci(
        [1e307, 3e307, 2e307]
    )  # the sum overflows, the mean does not
    assert mean == pytest.approx(2e307) and lo < mean < hi and math.isfinite(hi)
    ref = stats.mean_ci([1.0, 3.0, 2.0])
    assert (mean / 1e307, lo / 1e307, hi / 1e307) == pytest.approx(ref)
    assert stats.std([1e308, -1e308]) == pytest.approx(math.sqrt(2) * 1e308)


# ------------------------------------------------------------- gradient checks
def test_check_layer_refuses_a_random_forward_in_training_mode():
    with pytest.raises(
        ValueError, match=r"Dropout\(rate=0.5\) computes a different output"
    ):
        gradcheck.check_layer(layers.Dropout(0.5, 0), np.ones((3, 2)), training=True)
    with pytest.raises(ValueError, match="pass training=False"):
        gradcheck.check_model(
            Sequential([layers.Dense(2, 2, rng=0), layers.Dropout(0.5, 0)]),
            losses.SoftmaxCrossEntropy(),
            np.ones((3, 2)),
            np.array([0, 1, 0]),
            training=True,
        )
    assert (
        gradcheck.check_layer(layers.Dropout(0.5, 0), np.ones((3, 2))) < 1e-8
    )  # inference
    assert (
        gradcheck.check_layer(layers.Dropout(0.0, 0), np.ones((3, 2)), training=True)
        < 1e-8
    )
    assert (
        gradcheck.check_layer(
            layers.BatchNorm(2), np.arange(6.0).reshape(3, 2), training=True
        )
        < 1e-6
    )


@pytest.mark.parametrize(
    "call, match",
    [
        (
            lambda: gradcheck.check_layer(layers.ReLU(), np.array([[np.nan]])),
            "x contains NaN",
        ),
        (
            lambda: gradcheck.numerical_gradient(lambda v: 0.0, np.zeros(0)),
            "x must hold at least one",
        ),
        (lambda: gradcheck.error_order("0.1"), "err must be a real number"),
        (
            lambda: gradcheck.check_model(
                net(), losses.SoftmaxCrossEntropy(), np.zeros((3, 2)), np.array([0, 1])
            ),
            "x and y must hold the same number",
        ),
    ],
)
def test_gradient_check_inputs_are_named(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


# ------------------------------------------------------------- strings are not numbers
@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: losses.softmax(np.array(["1", "2"])), "z must hold real numbers"),
        (lambda: layers.sigmoid(np.array([1 + 1j])), "x must hold real numbers"),
        (
            lambda: init.prior_bias(np.array(["0.5", "0.5"])),
            "priors must hold real numbers",
        ),
        (lambda: functions.Quadratic()(np.array(["1", "2"])), "p must be numbers"),
        (
            lambda: functions.trajectory(
                functions.Quadratic(), optim.SGD(0.1), ["1", "2"]
            ),
            "start",
        ),
        (lambda: gp.matern52(np.array([["0.1"]]), np.zeros((1, 1)), 0.3), "X1"),
        (
            lambda: schedules.lr_range_test(
                net(),
                losses.SoftmaxCrossEntropy(),
                optim.SGD(0.1),
                np.zeros((8, 2)),
                np.zeros(8, dtype=int),
                lr_min=1e-300,
                lr_max=1e308,
                batch_size=2,
                rng=0,
            ),
            "lr_max",
        ),
        (lambda: train.RecordParams("0.W"), "keys must be a list"),
    ],
)
def test_non_numbers_are_refused_by_name(call, match):
    with pytest.raises((TypeError, ValueError), match=match):
        call()


@pytest.mark.parametrize("u", [np.nan, 1.5, -0.1, "0.5", None])
@pytest.mark.parametrize("dist", [search.uniform(0, 1), search.log_uniform(1e-3, 1),
                                  search.int_uniform(1, 3), search.choice(["a", "b"])])
def test_decode_refuses_points_outside_the_unit_interval(dist, u):
    with pytest.raises((ValueError, TypeError), match="u must"):
        dist.decode(u)


def test_sobol_refuses_more_points_than_it_steps_through_quickly():
    import lib.search as search

    with pytest.raises(ValueError, match="n must be <= 1000000"):
        search.sobol(10**9, 2)
