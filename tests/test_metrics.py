"""lib.metrics: hand-worked values, scikit-learn as the reference on random inputs with ties, invariants."""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn import calibration as skcal
from sklearn import metrics as skm

from lib import metrics

# A hand-worked binary example: 10 samples, scores with ties across the classes.
Y = np.array([1, 0, 1, 1, 0, 0, 1, 0, 0, 0])
S = np.array([0.9, 0.8, 0.8, 0.6, 0.5, 0.3, 0.3, 0.3, 0.2, 0.1])


@st.composite
def binary_with_ties(draw, min_size=2, max_size=40):
    """Labels holding both classes and scores drawn from few values, so ties are common."""
    n = draw(st.integers(min_size, max_size))
    y = np.array(draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)))
    y[0], y[-1] = 0, 1
    levels = draw(st.integers(1, 6))
    s = np.array(draw(st.lists(st.integers(0, levels), min_size=n, max_size=n))) / levels
    return y, s


@st.composite
def multiclass_labels(draw):
    n = draw(st.integers(1, 40))
    k = draw(st.integers(2, 5))
    y = np.array(draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    p = np.array(draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    return y, p


def test_accuracy_hand_worked():
    assert metrics.accuracy(np.array([0, 1, 2, 2]), np.array([0, 2, 2, 2])) == 0.75


def test_confusion_matrix_hand_worked():
    y_pred = (S >= 0.5).astype(int)  # predicted positive: samples 0-4
    cm = metrics.confusion_matrix(Y, y_pred)
    # TN = 4 (samples 5, 7, 8, 9), FP = 2 (1, 4), FN = 1 (6), TP = 3 (0, 2, 3)
    np.testing.assert_array_equal(cm, [[4, 2], [1, 3]])
    p, r, f1 = metrics.precision_recall_f1(Y, y_pred)
    assert (p, r) == (3 / 5, 3 / 4)
    assert f1 == pytest.approx(2 * 3 / (2 * 3 + 2 + 1))


def test_confusion_matrix_labels_order_and_unlisted_labels():
    y, p = np.array([0, 1, 2, 2, 3]), np.array([0, 2, 2, 1, 3])
    cm = metrics.confusion_matrix(y, p, labels=np.array([2, 0, 1]))
    np.testing.assert_array_equal(cm, [[1, 0, 1], [0, 1, 0], [1, 0, 0]])  # label 3 is not counted
    np.testing.assert_array_equal(cm, skm.confusion_matrix(y, p, labels=[2, 0, 1]))


def test_multiclass_averages_hand_worked():
    y = np.array([0, 0, 0, 1, 1, 2])
    p = np.array([0, 0, 1, 1, 2, 2])
    # per class TP = (2, 1, 1), predicted = (2, 2, 2), true = (3, 2, 1)
    P, R, F = metrics.precision_recall_f1(y, p, average=None)
    np.testing.assert_allclose(P, [1, 0.5, 0.5])
    np.testing.assert_allclose(R, [2 / 3, 0.5, 1])
    np.testing.assert_allclose(F, [4 / 5, 2 / 4, 2 / 3])
    assert metrics.precision_recall_f1(y, p, average="macro")[2] == pytest.approx((0.8 + 0.5 + 2 / 3) / 3)
    assert metrics.precision_recall_f1(y, p, average="micro") == pytest.approx((4 / 6,) * 3)
    assert metrics.precision_recall_f1(y, p, average="weighted")[1] == pytest.approx(4 / 6)


@pytest.mark.filterwarnings("ignore:A single label was found")
@given(multiclass_labels(), st.sampled_from(["macro", "micro", "weighted"]))
def test_precision_recall_f1_matches_sklearn(data, average):
    y, p = data
    ours = metrics.precision_recall_f1(y, p, average=average)
    ref = skm.precision_recall_fscore_support(y, p, average=average, zero_division=0.0)[:3]
    np.testing.assert_allclose(ours, ref, atol=1e-12)
    np.testing.assert_array_equal(metrics.confusion_matrix(y, p), skm.confusion_matrix(y, p))


@given(st.lists(st.integers(0, 1), min_size=1, max_size=30), st.lists(st.integers(0, 1), min_size=30, max_size=30))
def test_binary_precision_recall_f1_matches_sklearn_including_zero_division(y, p):
    y, p = np.array(y), np.array(p[: len(y)])
    ours = metrics.precision_recall_f1(y, p)
    ref = skm.precision_recall_fscore_support(y, p, average="binary", zero_division=0.0)[:3]
    np.testing.assert_allclose(ours, ref, atol=1e-12)


def test_micro_average_equals_accuracy_for_multiclass():
    rng = np.random.default_rng(0)
    y, p = rng.integers(0, 4, 200), rng.integers(0, 4, 200)
    acc = metrics.accuracy(y, p)
    assert metrics.precision_recall_f1(y, p, average="micro") == pytest.approx((acc, acc, acc))


@given(binary_with_ties(), st.booleans())
def test_roc_curve_matches_sklearn(data, drop):
    y, s = data
    fpr, tpr, thr = metrics.roc_curve(y, s, drop_intermediate=drop)
    rf, rt, rthr = skm.roc_curve(y, s, drop_intermediate=drop)
    np.testing.assert_allclose(fpr, rf)
    np.testing.assert_allclose(tpr, rt)
    np.testing.assert_array_equal(thr, rthr)


@given(binary_with_ties())
def test_roc_auc_matches_sklearn_and_trapezoid(data):
    y, s = data
    auc = metrics.roc_auc(y, s)
    assert auc == pytest.approx(skm.roc_auc_score(y, s), abs=1e-12)
    fpr, tpr, _ = metrics.roc_curve(y, s, drop_intermediate=False)
    assert auc == pytest.approx(np.trapezoid(tpr, fpr), abs=1e-12)


def test_roc_auc_pairwise_definition_hand_worked():
    pos, neg = S[Y == 1], S[Y == 0]
    wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    assert metrics.roc_auc(Y, S) == pytest.approx(wins / (pos.size * neg.size))
    # 4 positives x 6 negatives: 0.9 beats all 6, 0.8 beats 5 and ties 1, 0.6 beats 5, 0.3 beats 2 and ties 2
    assert metrics.roc_auc(Y, S) == pytest.approx((6 + 5.5 + 5 + 3) / 24)


def test_roc_curve_hand_worked_and_drop_intermediate():
    fpr, tpr, thr = metrics.roc_curve(Y, S, drop_intermediate=False)
    np.testing.assert_array_equal(thr, [np.inf, 0.9, 0.8, 0.6, 0.5, 0.3, 0.2, 0.1])
    np.testing.assert_allclose(tpr, np.array([0, 1, 2, 3, 3, 4, 4, 4]) / 4)
    np.testing.assert_allclose(fpr, np.array([0, 0, 1, 1, 2, 4, 5, 6]) / 6)
    fpr_d, tpr_d, thr_d = metrics.roc_curve(Y, S)
    # the last two thresholds move along the top edge in a straight line: 0.2 is dropped
    assert 0.2 not in thr_d and thr_d[-1] == 0.1
    area = np.trapezoid(tpr, fpr)
    assert np.trapezoid(tpr_d, fpr_d) == pytest.approx(area)


@given(binary_with_ties(), st.booleans())
def test_precision_recall_curve_matches_sklearn(data, drop):
    y, s = data
    ours = metrics.precision_recall_curve(y, s, drop_intermediate=drop)
    ref = skm.precision_recall_curve(y, s, drop_intermediate=drop)
    for a, b in zip(ours, ref, strict=True):
        np.testing.assert_allclose(a, b)


def test_precision_recall_curve_and_average_precision_hand_worked():
    precision, recall, thr = metrics.precision_recall_curve(Y, S)
    np.testing.assert_array_equal(thr, [0.1, 0.2, 0.3, 0.5, 0.6, 0.8, 0.9])
    np.testing.assert_allclose(recall, np.array([4, 4, 4, 3, 3, 2, 1, 0]) / 4)
    np.testing.assert_allclose(precision, [4 / 10, 4 / 9, 4 / 8, 3 / 5, 3 / 4, 2 / 3, 1, 1])
    # recall gains of 1/4 at thresholds 0.9, 0.8, 0.6, 0.3 with precisions 1, 2/3, 3/4, 1/2
    assert metrics.average_precision(Y, S) == pytest.approx((1 + 2 / 3 + 3 / 4 + 1 / 2) / 4)


@given(binary_with_ties())
def test_average_precision_matches_sklearn(data):
    y, s = data
    assert metrics.average_precision(y, s) == pytest.approx(skm.average_precision_score(y, s), abs=1e-12)


def test_perfect_and_reversed_rankings():
    y = np.array([0, 0, 1, 1])
    s = np.array([0.1, 0.2, 0.7, 0.8])
    assert metrics.roc_auc(y, s) == 1.0 and metrics.average_precision(y, s) == 1.0
    assert metrics.roc_auc(y, -s) == 0.0
    assert metrics.roc_auc(y, np.zeros(4)) == 0.5  # all tied: a coin flip
    assert metrics.average_precision(y, np.zeros(4)) == 0.5  # prevalence


def test_pos_label_flips_the_task():
    y = np.array([3, 3, 7, 7, 7])
    s = np.array([0.2, 0.6, 0.4, 0.8, 0.9])
    assert metrics.roc_auc(y, s, pos_label=7) == pytest.approx(skm.roc_auc_score(y == 7, s))
    assert metrics.roc_auc(y, -s, pos_label=3) == pytest.approx(metrics.roc_auc(y, s, pos_label=7))


def test_log_loss_matches_sklearn_binary_and_multiclass():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 50)
    p = rng.uniform(0, 1, 50)
    p[:3] = [0.0, 1.0, 0.5]  # clipping at the boundaries
    assert metrics.log_loss(y, p) == pytest.approx(skm.log_loss(y, p), rel=1e-12)
    logits = rng.normal(size=(60, 4))
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    y4 = np.r_[np.arange(4), rng.integers(0, 4, 56)]
    assert metrics.log_loss(y4, probs) == pytest.approx(skm.log_loss(y4, probs), rel=1e-12)


def test_log_loss_hand_worked_and_confident_mistake_is_finite():
    assert metrics.log_loss(np.array([1, 0]), np.array([0.8, 0.4])) == pytest.approx(-(np.log(0.8) + np.log(0.6)) / 2)
    worst = metrics.log_loss(np.array([1]), np.array([0.0]))
    assert np.isfinite(worst) and worst == pytest.approx(-np.log(np.finfo(float).eps))


def test_calibration_curve_matches_sklearn():
    rng = np.random.default_rng(2)
    p = rng.uniform(0, 1, 300)
    p[:4] = [0.0, 0.1, 0.5, 1.0]  # edges land in the same bins as scikit-learn's
    y = (rng.uniform(0, 1, 300) < p).astype(int)
    frac, mean, counts = metrics.calibration_curve(y, p, n_bins=7)
    ref_frac, ref_mean = skcal.calibration_curve(y, p, n_bins=7)
    np.testing.assert_allclose(frac, ref_frac)
    np.testing.assert_allclose(mean, ref_mean)
    assert counts.sum() == 300


@pytest.mark.parametrize("f", [metrics.roc_curve, metrics.roc_auc])
@pytest.mark.parametrize("y", [np.zeros(4, int), np.ones(4, int)])
def test_roc_needs_two_classes(f, y):
    with pytest.raises(ValueError, match="both classes"):
        f(y, np.arange(4.0))


@pytest.mark.parametrize("f", [metrics.precision_recall_curve, metrics.average_precision])
def test_pr_needs_a_positive(f):
    with pytest.raises(ValueError, match="positive"):
        f(np.zeros(4, int), np.arange(4.0))


@pytest.mark.parametrize("f", [metrics.accuracy, metrics.confusion_matrix, metrics.precision_recall_f1,
                               metrics.roc_curve, metrics.roc_auc, metrics.precision_recall_curve,
                               metrics.average_precision])
def test_empty_and_mismatched_inputs_raise(f):
    with pytest.raises(ValueError, match="empty"):
        f(np.array([], int), np.array([], int))
    with pytest.raises(ValueError, match="same shape"):
        f(np.array([0, 1, 1]), np.array([0, 1]))


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="average"):
        metrics.precision_recall_f1(Y, Y, average="samples")
    with pytest.raises(ValueError, match="at most two labels"):
        metrics.precision_recall_f1(np.array([0, 1, 2]), np.array([0, 1, 2]))
    with pytest.raises(ValueError, match="pos_label"):
        metrics.roc_auc(np.array([2, 3, 3]), np.array([0.1, 0.2, 0.3]))
    with pytest.raises(ValueError, match="two classes"):
        metrics.roc_auc(np.array([0, 1, 2]), np.array([0.1, 0.2, 0.3]))
    with pytest.raises(ValueError, match="NaN"):
        metrics.roc_auc(np.array([0, 1]), np.array([0.1, np.nan]))
    with pytest.raises(ValueError, match="sum to 1"):
        metrics.log_loss(np.array([0, 1]), np.array([[0.5, 0.6], [0.5, 0.5]]))
    with pytest.raises(ValueError, match=r"\[0, 2\)"):
        metrics.log_loss(np.array([0, 2]), np.array([0.5, 0.5]))
    with pytest.raises(ValueError, match="probabilities"):
        metrics.log_loss(np.array([0, 1]), np.array([-0.1, 0.5]))


def test_no_warnings_on_degenerate_but_valid_binary_input():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # nothing predicted positive: precision is 0 by zero_division, no warning
        assert metrics.precision_recall_f1(np.array([0, 1]), np.array([0, 0])) == (0.0, 0.0, 0.0)


def test_threshold_view_marks_the_operating_point():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from lib.plots.evaluation import threshold_view

    fig = threshold_view(Y, S, 0.5)
    cm_ax, roc_ax, pr_ax = fig.axes
    assert sorted(t.get_text() for t in cm_ax.texts) == ["1", "2", "3", "4"]  # TN 4, FP 2, FN 1, TP 3
    np.testing.assert_allclose(roc_ax.lines[-1].get_xydata()[0], [2 / 6, 3 / 4])  # (FPR, TPR)
    np.testing.assert_allclose(pr_ax.lines[-1].get_xydata()[0], [3 / 4, 3 / 5])  # (recall, precision)
    plt.close(fig)


def test_threshold_explorer_builds_and_checks_its_threshold():
    from lib.widgets.evaluation import threshold_explorer

    box = threshold_explorer(Y, S, threshold=0.5)
    assert box.children[0].children[0].value == 0.5
    with pytest.raises(ValueError, match="threshold"):
        threshold_explorer(Y, S, threshold=2.0)


def test_calibration_curve_names_y_prob_in_its_errors():
    with pytest.raises(ValueError, match="y_prob contains NaN"):
        metrics.calibration_curve([0, 1], [np.nan, 0.5])
    with pytest.raises(ValueError, match="y_true must hold class labels"):
        metrics.calibration_curve([0.2, 0.7], [0.1, 0.5])
