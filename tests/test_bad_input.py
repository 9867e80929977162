"""Bad input across lib's losses, metrics, splitters, data, schedules, searches and checks (issue 20).

Each test either asserts the exception type AND that the message names the offending argument,
or, for input that is unusual but valid, the right answer (scikit-learn's where it has the
same function). Hypothesis draws the inputs; tests/conftest.py makes the runs deterministic.
"""

import math
import time

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn import metrics as skm

from lib import data, diagnostics, functions, gp, gradcheck, layers, losses, metrics, regularizers, schedules, search
from lib import validation as val
from lib.model import Sequential

fractional = st.floats(0.01, 0.99).filter(lambda v: abs(v - round(v)) > 1e-6)
bad_numbers = st.sampled_from([float("nan"), float("inf"), -float("inf")])
not_numbers = st.sampled_from(["0.1", [0.1], b"1", object()])


# ------------------------------------------------------------------ splitters
@given(st.integers(10, 200), st.integers(0, 2**16))
def test_holdout_split_of_float_targets_is_not_stratified_by_value(n, seed):
    """Regression targets (noisy_sine) get one random cut, not one 'class' per float."""
    X, y = data.noisy_sine(n, rng=seed)
    s = val.holdout_split(X, y, rng=seed)
    n_test, n_val = round(0.2 * n), round(0.2 * n)
    assert (len(s.X_train), len(s.X_val), len(s.X_test)) == (n - n_test - n_val, n_val, n_test)
    # the three parts are a partition of the samples
    np.testing.assert_array_equal(np.sort(np.concatenate([s.X_train, s.X_val, s.X_test]).ravel()), np.sort(X.ravel()))


@given(hnp.arrays(np.float64, st.integers(4, 40), elements=fractional))
def test_holdout_split_refuses_stratify_true_for_float_targets(y):
    with pytest.raises(ValueError, match="stratify"):
        val.holdout_split(np.zeros((y.size, 1)), y, stratify=True, rng=0)


@given(st.lists(st.integers(0, 3), min_size=10, max_size=60), st.integers(0, 100))
def test_integer_valued_float_labels_are_stratified_like_integers(labels, seed):
    y = np.array(labels)
    X = np.arange(y.size)[:, None]
    a = val.holdout_split(X, y, rng=seed)
    b = val.holdout_split(X, y.astype(float), rng=seed)
    for part_a, part_b in zip(a, b, strict=True):
        np.testing.assert_array_equal(part_a, part_b)


@given(hnp.arrays(np.float64, st.integers(4, 40), elements=fractional), st.integers(2, 4))
def test_stratified_kfold_refuses_continuous_targets(y, k):
    """As scikit-learn's StratifiedKFold ('Supported target types are: binary, multiclass')."""
    with pytest.raises(ValueError, match="y must hold class labels"):
        val.stratified_kfold(y, k)


@given(st.integers(3, 30), st.data())
def test_cross_validate_refuses_indices_outside_the_data(n, draw):
    bad = draw.draw(st.one_of(st.integers(-50, -1), st.integers(n, n + 50)))
    where = draw.draw(st.sampled_from(["train", "test"]))
    train, test = np.arange(1, n - 1), np.array([0])
    if where == "train":
        train = np.r_[train, bad]
    else:
        test = np.r_[test, bad]
    called = []
    with pytest.raises(ValueError, match=rf"splits\[0\] {where} indices must lie in \[0, {n}\)"):
        val.cross_validate(lambda *a: called.append(1) or 0.0, np.zeros((n, 2)), np.zeros(n), [(train, test)])
    assert not called


@given(st.integers(4, 30), st.data())
def test_cross_validate_refuses_overlapping_train_and_test(n, draw):
    shared = draw.draw(st.integers(0, n - 1))
    train = np.setdiff1d(np.arange(n), [0]) if shared else np.arange(1, n)
    test = np.array(sorted({0, shared}))
    with pytest.raises(ValueError, match=r"splits\[0\] trains and tests on the same samples"):
        val.cross_validate(lambda *a: 0.0, np.zeros(n), np.zeros(n), [(np.union1d(train, [shared]), test)])


def test_cross_validate_refuses_a_bare_pair_and_non_numeric_scores():
    X, y = np.zeros(6), np.zeros(6)
    with pytest.raises(TypeError, match="splits must be a list"):
        val.cross_validate(lambda *a: 0.0, X, y, (np.arange(3), np.arange(3, 6)))
    with pytest.raises(TypeError, match="train_and_score must return a real number"):
        val.cross_validate(lambda *a: "0.5", X, y, [(np.arange(3), np.arange(3, 6))])


# ------------------------------------------------------------------ losses
@st.composite
def logits_and_bad_rows(draw):
    n, k = draw(st.integers(1, 6)), draw(st.integers(2, 6))
    z = draw(hnp.arrays(np.float64, (n, k), elements=st.floats(-10, 10)))
    t = np.eye(k)[draw(hnp.arrays(np.int64, n, elements=st.integers(0, k - 1)))]
    row, col = draw(st.integers(0, n - 1)), draw(st.integers(0, k - 1))
    t[row, col] += draw(st.one_of(st.floats(0.01, 5), st.floats(-5, -0.01)))  # off the simplex
    return z, t


@given(logits_and_bad_rows())
def test_softmax_cross_entropy_refuses_rows_that_are_not_probability_vectors(zt):
    z, t = zt
    with pytest.raises(ValueError, match="target"):
        losses.SoftmaxCrossEntropy().forward(z, t)


@given(st.integers(1, 8), st.integers(2, 6), st.data())
def test_softmax_cross_entropy_refuses_labels_out_of_range(n, k, draw):
    y = np.zeros(n, dtype=np.int64)
    y[draw.draw(st.integers(0, n - 1))] = draw.draw(st.one_of(st.integers(-5, -1), st.integers(k, k + 5)))
    with pytest.raises(ValueError, match=rf"labels in target must lie in \[0, {k}\)"):
        losses.SoftmaxCrossEntropy().forward(np.zeros((n, k)), y)


@given(st.integers(1, 6), st.integers(2, 6), st.floats(0.0, 0.5), st.integers(0, 2**16))
def test_smoothed_targets_are_valid_and_their_gradient_is_right(n, k, smooth, seed):
    """Rows on the simplex (label smoothing) are accepted; p − t is then the gradient of the loss."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, k))
    t = (1 - smooth) * np.eye(k)[rng.integers(0, k, n)] + smooth / k
    loss = losses.SoftmaxCrossEntropy()
    value = loss.forward(z, t)
    logp = z - z.max(1, keepdims=True)
    logp -= np.log(np.exp(logp).sum(1, keepdims=True))
    assert value == pytest.approx(-(t * logp).sum() / n, rel=1e-12)
    numeric = gradcheck.numerical_gradient(lambda _: losses.SoftmaxCrossEntropy().forward(z, t), z)
    np.testing.assert_allclose(loss.backward(), numeric, atol=1e-8)


@given(st.floats(1e3, 1e300), st.integers(0, 1))
def test_softmax_cross_entropy_with_extreme_logits_stays_finite(scale, label):
    z = np.array([[scale, -scale, 0.0]])
    loss = losses.SoftmaxCrossEntropy()
    with np.errstate(over="ignore"):
        value = loss.forward(z, np.array([label]))
    assert math.isfinite(value) or label == 1  # label 0 costs 0; label 1 costs 2·scale (inf beyond 1e308)
    g = loss.backward()
    assert np.all(np.isfinite(g))
    np.testing.assert_allclose(g, np.array([[1.0, 0.0, 0.0]]) - np.eye(3)[[label]], atol=1e-12)


@given(hnp.arrays(np.int64, hnp.array_shapes(min_dims=2, max_dims=2, max_side=5), elements=st.integers(-100, 100)),
       st.floats(-1, 1))
def test_mean_squared_error_of_integer_outputs_is_computed_in_float(y_hat, shift):
    """Integer outputs must not round the float targets (0.0 instead of 0.25 before)."""
    target = y_hat + shift
    loss = losses.MeanSquaredError()
    assert loss.forward(y_hat, target) == pytest.approx(shift**2, rel=1e-9, abs=1e-12)
    np.testing.assert_allclose(loss.backward(), np.full(y_hat.shape, -2 * shift / y_hat.size), atol=1e-12)


@given(st.floats(200, 6e4))
def test_float16_outputs_do_not_overflow_the_squared_error(v):
    out = np.full((2, 1), v, dtype=np.float16)
    value = losses.MeanSquaredError().forward(out, np.zeros((2, 1)))
    assert value == pytest.approx(float(np.float16(v)) ** 2, rel=1e-6)


@given(hnp.arrays(np.float64, (4, 1), elements=st.floats(-10, 10)).filter(lambda a: a.min() < 0 or a.max() > 1))
def test_binary_cross_entropy_refuses_targets_outside_unit_interval(t):
    with pytest.raises(ValueError, match="target"):
        losses.BinaryCrossEntropy().forward(np.full((4, 1), 0.5), t)


@given(st.one_of(st.floats(0.5, 10), st.floats(-10, 0), bad_numbers))
def test_binary_cross_entropy_refuses_eps_outside_zero_half(eps):
    with pytest.raises(ValueError, match="eps"):
        losses.BinaryCrossEntropy(eps)


@given(st.sampled_from(["mse", "bce", "ce"]), bad_numbers)
def test_a_non_finite_target_is_named(kind, bad):
    out = np.full((3, 2), 0.5)
    t = np.zeros((3, 2)) if kind != "ce" else np.array([[1.0, 0.0]] * 3)
    t[1, 0] = bad
    loss = {"mse": losses.MeanSquaredError(), "bce": losses.BinaryCrossEntropy(),
            "ce": losses.SoftmaxCrossEntropy()}[kind]
    with pytest.raises(ValueError, match="target"):
        loss.forward(out, t)


# ------------------------------------------------------------------ metrics
@given(hnp.arrays(np.int64, st.integers(1, 30), elements=st.integers(0, 3)), st.data())
def test_metrics_refuse_scores_where_labels_belong(y, draw):
    probs = draw.draw(hnp.arrays(np.float64, y.size, elements=fractional))
    for f in (metrics.accuracy, metrics.confusion_matrix, metrics.precision_recall_f1):
        with pytest.raises(ValueError, match=r"y_pred must hold class labels.*argmax"):
            f(y, probs)


@given(hnp.arrays(np.int64, st.integers(1, 30), elements=st.integers(0, 3)), st.integers(2, 5))
def test_accuracy_of_class_probabilities_points_to_argmax(y, k):
    with pytest.raises(ValueError, match=r"y_pred.*argmax"):
        metrics.accuracy(y, np.full((y.size, k), 1.0 / k))


@pytest.mark.filterwarnings("ignore:A single label was found")
@given(hnp.arrays(np.int64, st.integers(1, 30), elements=st.integers(0, 3)), st.data())
def test_integer_valued_float_predictions_agree_with_sklearn(y, draw):
    pred = draw.draw(hnp.arrays(np.int64, y.size, elements=st.integers(0, 3))).astype(float)
    assert metrics.accuracy(y, pred) == skm.accuracy_score(y, pred)
    np.testing.assert_array_equal(metrics.confusion_matrix(y, pred), skm.confusion_matrix(y, pred))


@given(st.integers(0, 30), st.integers(0, 30))
def test_metrics_refuse_mismatched_lengths_and_empty_input(n, m):
    assume(n != m)
    with pytest.raises(ValueError, match="y_true and y_pred must have the same shape"):
        metrics.accuracy(np.zeros(n, int), np.zeros(m, int))
    with pytest.raises(ValueError, match="y_true is empty"):
        metrics.accuracy([], [])
    with pytest.raises(ValueError, match="y_true is empty"):
        metrics.roc_auc([], [])


@pytest.mark.filterwarnings("ignore:A single label was found")
@given(hnp.arrays(np.int64, st.integers(1, 30), elements=st.integers(0, 3)), st.data())
def test_confusion_matrix_labels_follow_sklearn(y, draw):
    pred = draw.draw(hnp.arrays(np.int64, y.size, elements=st.integers(0, 3)))
    labels = draw.draw(st.lists(st.integers(0, 6), min_size=1, max_size=5, unique=True))
    if np.isin(labels, y).any():
        np.testing.assert_array_equal(metrics.confusion_matrix(y, pred, labels=labels),
                                      skm.confusion_matrix(y, pred, labels=labels))
    else:  # scikit-learn: "At least one label specified must be in y_true"
        with pytest.raises(ValueError, match="labels"):
            metrics.confusion_matrix(y, pred, labels=labels)


@given(hnp.arrays(np.int64, st.integers(1, 30), elements=st.integers(0, 3)), st.data(),
       st.sampled_from(["macro", "weighted", "micro", None]), st.sampled_from([0.0, 1.0, np.nan]))
def test_precision_recall_f1_zero_division_matches_sklearn(y, draw, average, zd):
    pred = draw.draw(hnp.arrays(np.int64, y.size, elements=st.integers(0, 3)))
    ours = metrics.precision_recall_f1(y, pred, average=average, zero_division=zd)
    ref = skm.precision_recall_fscore_support(y, pred, average=average, zero_division=zd)[:3]
    for a, b in zip(ours, ref, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)


@given(st.one_of(st.floats(1.01, 10), st.floats(-10, -0.01), st.just("warn")))
def test_zero_division_outside_range_is_refused(zd):
    with pytest.raises(ValueError, match="zero_division"):
        metrics.precision_recall_f1([0, 1], [0, 1], zero_division=zd)


@given(hnp.arrays(np.float64, st.integers(2, 30), elements=fractional), st.data())
def test_binary_curves_refuse_scores_passed_as_labels(scores, draw):
    """roc_auc(y_score, y_true) with the arguments swapped is an error, not a number."""
    y = draw.draw(hnp.arrays(np.int64, scores.size, elements=st.integers(0, 1)))
    for f in (metrics.roc_auc, metrics.average_precision, metrics.roc_curve, metrics.precision_recall_curve):
        with pytest.raises(ValueError, match="y_true must hold class labels"):
            f(scores, y)


@given(hnp.arrays(np.int64, st.integers(2, 20), elements=st.integers(0, 1)), bad_numbers, st.data())
def test_metrics_refuse_nan_scores(y, bad, draw):
    s = np.linspace(0, 1, y.size)
    s[draw.draw(st.integers(0, y.size - 1))] = bad
    with pytest.raises(ValueError, match="y_score contains NaN or inf"):
        metrics.roc_auc(np.r_[0, 1, y], np.r_[0.2, 0.8, s])


# ------------------------------------------------------------------ data
@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 10), st.integers(1, 4)), elements=st.floats(-1e3, 1e3)),
       st.data(), bad_numbers)
def test_standardize_refuses_nan_and_inf(X, draw, bad):
    X[draw.draw(st.integers(0, X.shape[0] - 1)), draw.draw(st.integers(0, X.shape[1] - 1))] = bad
    with pytest.raises(ValueError, match="X contains NaN or inf"):
        data.standardize(X)
    with pytest.raises(ValueError, match="mean contains NaN or inf"):
        data.standardize(np.ones((2, 1)), np.array([bad]), np.ones(1))


@given(st.floats(1e306, 1.7e308))
def test_standardize_refuses_overflowing_magnitudes(v):
    with pytest.raises(ValueError, match="X's magnitude"):
        data.standardize(np.array([[v], [-v]]))


@given(hnp.arrays(np.float16, st.tuples(st.integers(2, 10), st.integers(1, 3)),
                  elements=st.floats(-6e4, 6e4, width=16)))
def test_standardize_float16_matches_float64(X):
    z, _, _ = data.standardize(X)
    ref, _, _ = data.standardize(X.astype(np.float64))
    assert z.dtype == np.float16
    np.testing.assert_allclose(z.astype(np.float64), ref, atol=1e-2, rtol=1e-2)


@given(st.sampled_from(["spirals", "moons", "noisy_sine", "noisy_line", "imbalanced_blobs"]), bad_numbers)
def test_generators_refuse_non_finite_noise(name, bad):
    arg = "separation" if name == "imbalanced_blobs" else "noise"
    with pytest.raises(ValueError, match=arg):
        getattr(data, name)(**{arg: bad}, rng=0)


@given(st.sampled_from(["spirals", "moons", "noisy_sine", "noisy_line", "imbalanced_blobs"]), not_numbers)
def test_generators_refuse_non_numbers(name, bad):
    arg = "n_per_class" if name == "spirals" else "n"
    with pytest.raises(TypeError, match=arg):
        getattr(data, name)(bad, rng=0)


@given(st.one_of(st.floats(1.0, 5.0), st.floats(-5.0, 0.0)))
def test_imbalanced_blobs_refuses_minority_outside_unit_interval(m):
    with pytest.raises(ValueError, match="minority"):
        data.imbalanced_blobs(minority=m, rng=0)


# ------------------------------------------------------------------ schedules
SCHEDULES = {
    "constant": lambda: schedules.constant(0.1), "power": lambda: schedules.power(0.1, 10),
    "exponential": lambda: schedules.exponential(0.1, 10),
    "piecewise": lambda: schedules.piecewise_constant([5, 10], [0.1, 0.01, 0.001]),
    "one_cycle": lambda: schedules.one_cycle(100, 0.1), "cosine": lambda: schedules.cosine(0.1, 100, warmup=5),
}


@given(st.sampled_from(sorted(SCHEDULES)), st.one_of(bad_numbers, st.floats(-1e6, -1e-9), st.integers(-100, -1)))
def test_schedules_refuse_nan_inf_and_negative_steps(name, t):
    with pytest.raises(ValueError, match="t must be"):
        SCHEDULES[name]()(t)


@given(st.sampled_from(sorted(SCHEDULES)), not_numbers)
def test_schedules_refuse_non_numbers(name, t):
    with pytest.raises(TypeError, match="t must be"):
        SCHEDULES[name]()(t)


@given(st.floats(1e-6, 1.0), st.floats(1.0001, 100.0))
def test_reduce_lr_on_plateau_refuses_min_lr_above_lr(lr, ratio):
    with pytest.raises(ValueError, match="min_lr"):
        schedules.ReduceLROnPlateau(lr, min_lr=lr * ratio)


@given(st.floats(1e-6, 1.0), st.floats(0.0, 1.0))
def test_reduce_lr_on_plateau_never_raises_the_rate(lr, frac):
    s = schedules.ReduceLROnPlateau(lr, patience=0, min_lr=lr * frac)
    rates = [s.step(1.0) for _ in range(5)]
    assert all(b <= a for a, b in zip([lr, *rates], rates, strict=False))
    assert min(rates) >= lr * frac


# ------------------------------------------------------------------ searches
def _space():
    return {"a": search.uniform(0.0, 1.0)}


@given(st.integers(20, 40), st.sampled_from([2, 3]))
def test_hyperband_refuses_plans_that_cannot_finish_and_says_how_large(log_budget, eta):
    calls = []
    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"would sample \d+ configurations and run \d+ evaluations.*max_trials"):
        search.hyperband(lambda p, b: calls.append(1) or 0.0, _space(), max_budget=eta**log_budget, eta=eta, rng=0)
    assert not calls and time.perf_counter() - start < 1.0
    expected = sum(rungs[0][0] for rungs in search.hyperband_schedule(eta**log_budget, eta))
    with pytest.raises(ValueError, match=f"would sample {expected} configurations"):
        search.hyperband(lambda p, b: 0.0, _space(), max_budget=eta**log_budget, eta=eta, rng=0)


def test_hyperband_within_the_cap_runs_every_planned_evaluation():
    plan = search.hyperband_schedule(81, 3)
    n_eval = sum(n for rungs in plan for n, _ in rungs)
    assert len(search.hyperband(lambda p, b: p["a"], _space(), 81, rng=0, max_trials=n_eval)) == n_eval
    with pytest.raises(ValueError, match=f"run {n_eval} evaluations, more than max_trials={n_eval - 1}"):
        search.hyperband(lambda p, b: p["a"], _space(), 81, rng=0, max_trials=n_eval - 1)


@given(st.integers(10**5 + 1, 10**9))
def test_successive_halving_refuses_plans_above_the_cap(n):
    with pytest.raises(ValueError, match=f"would sample {n} configurations"):
        search.successive_halving(lambda p, b: 0.0, _space(), n, 1, 9, rng=0)


@given(st.integers(6, 12))
def test_grid_search_refuses_grids_above_the_cap(n_names):
    grid = {f"x{i}": list(range(10)) for i in range(n_names)}
    with pytest.raises(ValueError, match=f"grid_search would sample {10**n_names} configurations"):
        search.grid_search(lambda p, b: 0.0, grid)


@given(st.one_of(bad_numbers, not_numbers))
def test_distributions_refuse_non_finite_and_non_numeric_bounds(bad):
    with pytest.raises((TypeError, ValueError), match="low"):
        search.uniform(bad, 1.0)
    with pytest.raises((TypeError, ValueError), match="high"):
        search.log_uniform(0.1, bad)


@given(hnp.arrays(np.float64, (3, 1), elements=st.floats(0, 1)), st.data(), bad_numbers)
def test_from_unit_and_expected_improvement_refuse_nan(U, draw, bad):
    U[draw.draw(st.integers(0, 2)), 0] = bad
    with pytest.raises(ValueError, match="U contains NaN"):
        search.from_unit(_space(), U)
    with pytest.raises(ValueError, match="mean contains NaN"):
        gp.expected_improvement(U[:, 0], np.ones(3), 0.0)


# ------------------------------------------------------------------ gradient checks
class _NaNGradient(layers.Layer):
    """A layer whose forward is fine but whose parameter gradient holds a NaN (a broken backward)."""

    def __init__(self, where: str) -> None:
        super().__init__()
        self.where = where
        self.params = {"a": np.ones(2), "b": np.ones(2)}
        self.grads = {"a": np.zeros(2), "b": np.zeros(2)}

    def forward(self, x, training=False):
        self.x = x
        return x * self.params["a"] + self.params["b"]

    def backward(self, dout):
        self.grads["a"][...] = (dout * self.x).sum(0)
        self.grads["b"][...] = dout.sum(0)
        self.grads[self.where][0] = np.nan
        return dout * self.params["a"]


@pytest.mark.parametrize("where", ["a", "b"])
def test_check_layer_reports_nan_wherever_the_nan_is(where):
    """max() over a list skips a NaN after the first entry; the check must not."""
    assert math.isnan(gradcheck.check_layer(_NaNGradient(where), np.ones((3, 2))))


@given(hnp.arrays(np.float64, st.integers(1, 6), elements=st.floats(-10, 10)), st.data(), bad_numbers)
def test_relative_error_with_nan_or_inf_is_nan(a, draw, bad):
    b = a.copy()
    b[draw.draw(st.integers(0, a.size - 1))] = bad
    assert math.isnan(gradcheck.relative_error(a, b))
    assert math.isnan(gradcheck.relative_error(b, a, floor=gradcheck.GRAD_FLOOR))


@settings(max_examples=6)
@given(st.integers(0, 2**16), st.sampled_from([8, 32]))
def test_check_model_scores_a_true_zero_gradient_as_small(seed, width):
    """A bias feeding batch norm has gradient exactly 0; its numerical estimate is round-off."""
    net = Sequential([layers.Dense(4, width, rng=seed), layers.BatchNorm(width), layers.Tanh(),
                      layers.Dense(width, 3, rng=seed + 1)])
    rng = np.random.default_rng(seed)
    x, y = rng.standard_normal((12, 4)), rng.integers(0, 3, 12)
    assert gradcheck.check_model(net, losses.SoftmaxCrossEntropy(), x, y, training=True) < 1e-6


def test_floor_keeps_wrong_small_gradients_visible():
    true = np.full(10, 1e-3)
    assert gradcheck.relative_error(true, -true, floor=gradcheck.GRAD_FLOOR) == pytest.approx(1.0)
    assert gradcheck.relative_error(true, 0 * true, floor=gradcheck.GRAD_FLOOR) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="floor"):
        gradcheck.relative_error(true, true, floor=-1.0)


# ------------------------------------------------------------------ strings where numbers belong
NUMERIC_ARGS = [
    (lambda v: losses.BinaryCrossEntropy(v), "eps"),
    (lambda v: val.holdout_split(np.zeros((10, 1)), np.arange(10) % 2, val_size=v, rng=0), "val_size"),
    (lambda v: val.kfold(v, 2), "n"),
    (lambda v: val.time_series_split(10, v), "k"),
    (lambda v: data.spirals(noise=v, rng=0), "noise"),
    (lambda v: data.noisy_line(slope=v, rng=0), "slope"),
    (lambda v: data.one_hot(np.array([0, 1]), v), "n_classes"),
    (lambda v: schedules.cosine(v, 10), "lr0"),
    (lambda v: schedules.ReduceLROnPlateau(0.1, factor=v), "factor"),
    (lambda v: schedules.ReduceLROnPlateau(0.1).step(v), "metric"),
    (lambda v: search.hyperband(lambda p, b: 0.0, _space(), 27, rng=0, max_trials=v), "max_trials"),
    (lambda v: search.hit_probability(v, 0.5), "n_trials"),
    (lambda v: regularizers.l2(v), "lam"),
    (lambda v: regularizers.max_norm(np.ones((2, 2)), 1.0, axis=v), "axis"),
    (lambda v: regularizers.weight_decay({"W": np.ones(2)}, v, 0.1), "lr"),
    (lambda v: gradcheck.numerical_gradient(lambda x: 0.0, np.ones(2), v), "h"),
    (lambda v: functions.Quadratic(v), "a"),
    (lambda v: functions.Rosenbrock(v), "a"),
    (lambda v: functions.trajectory(functions.Quadratic(), __import__("lib").optim.SGD(0.1), escape=v), "escape"),
    (lambda v: diagnostics.variance_propagation(3, "relu", v), "gain"),
    (lambda v: metrics.log_loss([0, 1], [0.2, 0.8], eps=v), "eps"),
    (lambda v: gp.expected_improvement([0.0], [1.0], v), "best"),
]


@pytest.mark.parametrize(("call", "name"), NUMERIC_ARGS, ids=[n for _, n in NUMERIC_ARGS])
@given(bad=not_numbers)
def test_non_numbers_in_numeric_arguments_are_named(call, name, bad):
    with pytest.raises(TypeError, match=name):
        call(bad)


# ------------------------------------------------------------------ one-sample and list inputs
def test_one_sample_and_list_inputs_give_the_right_answer():
    assert metrics.accuracy([1], [1]) == 1.0
    z, _, _ = data.standardize([[3.0, -1.0]])
    np.testing.assert_array_equal(z, [[0.0, 0.0]])
    s = val.holdout_split([[0.0]], [0], val_size=0, test_size=0, rng=0)
    assert (len(s.X_train), len(s.X_val), len(s.X_test)) == (1, 0, 0)
    with pytest.raises(ValueError, match=r"val_size=0\.2 of 1 samples rounds to an"):
        val.holdout_split([[0.0]], [0], rng=0)  # asked for a validation set, got none
    batches = list(data.minibatches([[1], [2], [3]], [0, 1, 0], 2))
    assert [len(b[1]) for b in batches] == [2, 1]
    assert losses.SoftmaxCrossEntropy().forward([[0.0, 0.0]], [1]) == pytest.approx(math.log(2))
    assert metrics.roc_auc([0, 1], [0.1, 0.9]) == skm.roc_auc_score([0, 1], [0.1, 0.9])
