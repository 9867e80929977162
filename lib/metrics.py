"""Metrics that compare predictions with labels.

Every function agrees with scikit-learn's definition of the metric of the same name
(ties in scores included); where scikit-learn only warns on a degenerate input (one
class only where a curve needs two, no positive sample), these functions raise a
ValueError. Scores follow the convention "predict positive when s ≥ t".
"""

from __future__ import annotations

import numpy as np

from ._checks import check_array, check_labels, check_real, check_size

_AVERAGES = ("binary", "macro", "micro", "weighted", None)


def _check_pair(
    name_a: str, a: object, name_b: str, b: object, *, labels: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Two non-empty 1-D numeric arrays of the same length; with ``labels`` both must
    hold class labels.

    As scikit-learn (which refuses "a mix of binary and continuous targets"), scores or
    probabilities where labels belong are an error, not a comparison that is never
    equal.
    """
    if labels:
        a, b = check_labels(name_a, a), check_labels(name_b, b)
    else:
        a = check_array(name_a, a, ndim=1)
        b = check_array(name_b, b, ndim=1)
    if a.shape != b.shape:
        raise ValueError(
            f"{name_a} and {name_b} must have the same shape, got {a.shape} and "
            f"{b.shape}"
        )
    if a.size == 0:
        raise ValueError(f"{name_a} is empty; the metric needs at least one sample")
    return a, b


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Fraction of predictions equal to the label: (1/N) Σ 1[ŷ_n = y_n] (Implements
    {eq}`eq-accuracy`).
    """
    y_true, y_pred = _check_pair("y_true", y_true, "y_pred", y_pred, labels=True)
    return float(np.mean(y_true == y_pred))


def confusion_matrix(
    y_true: np.ndarray, y_pred: np.ndarray, labels: np.ndarray | None = None
) -> np.ndarray:
    """Counts C[i, j] = Σ_n 1[y_n = ℓ_i, ŷ_n = ℓ_j] (Implements
    {eq}`eq-confusion-matrix`).

    Rows are true classes, columns predicted classes, both in the order of ``labels``
    (default: the sorted union of the labels in ``y_true`` and ``y_pred``), as in
    ``sklearn.metrics.confusion_matrix``. Samples whose labels are not in ``labels`` are
    not counted. For a binary task with labels (0, 1) the matrix is [[TN, FP], [FN,
    TP]].
    """
    y_true, y_pred = _check_pair("y_true", y_true, "y_pred", y_pred, labels=True)
    if labels is None:
        labels = np.union1d(y_true, y_pred)
    else:
        labels = check_labels("labels", labels)
        if labels.size == 0:
            raise ValueError("labels is empty; give at least one label")
        if np.unique(labels).size != labels.size:
            raise ValueError(f"labels must not repeat a label, got {labels.tolist()}")
        # scikit-learn's check, same reason: nothing would be counted
        if not np.isin(labels, y_true).any():
            raise ValueError(
                f"labels {labels.tolist()} must include at least one label of y_true "
                f"(labels there: {np.unique(y_true).tolist()})"
            )
    k = labels.size
    order = np.argsort(labels)
    sorted_labels = labels[order]

    def index(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        pos = np.clip(np.searchsorted(sorted_labels, y), 0, k - 1)
        return order[pos], sorted_labels[pos] == y

    i, ok_i = index(y_true)
    j, ok_j = index(y_pred)
    keep = ok_i & ok_j
    return np.bincount(i[keep] * k + j[keep], minlength=k * k).reshape(k, k)


def _divide(num: np.ndarray, den: np.ndarray, zero_division: float) -> np.ndarray:
    num, den = np.asarray(num, dtype=np.float64), np.asarray(den, dtype=np.float64)
    out = np.full(num.shape, float(zero_division))
    np.divide(num, den, out=out, where=den != 0)
    return out


def precision_recall_f1(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    *,
    average: str | None = "binary",
    pos_label: int = 1,
    zero_division: float = 0.0,
) -> tuple[float, float, float] | tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision, recall and F1 of hard predictions, as
    ``sklearn.metrics.precision_recall_fscore_support``.

    Per class k: P_k = TP_k / (TP_k + FP_k), R_k = TP_k / (TP_k + FN_k) (Implements
    {eq}`eq-precision-recall`) and F1_k = 2 TP_k / (2 TP_k + FP_k + FN_k), the harmonic
    mean of P_k and R_k (Implements {eq}`eq-f1`). A ratio whose denominator is 0 takes
    the value ``zero_division``.

    ``average`` (Implements {eq}`eq-averaging`):

    - ``"binary"``: the scores of class ``pos_label`` only (at most two labels allowed);
    - ``"macro"``: the unweighted mean over classes of the per-class scores;
    - ``"micro"``: pool TP, FP, FN over classes first (for single-label multiclass data
      all three equal the accuracy);
    - ``"weighted"``: the mean over classes weighted by support (number of true
      samples);
    - ``None``: per-class arrays, classes in sorted order.

    Classes are the sorted union of the labels in ``y_true`` and ``y_pred``. Returns the
    tuple ``(precision, recall, f1)``.
    """
    if average not in _AVERAGES:
        raise ValueError(f"average must be one of {_AVERAGES}, got {average!r}")
    if (
        isinstance(zero_division, bool)
        or not isinstance(zero_division, int | float | np.floating)
        or not (np.isnan(zero_division) or 0 <= zero_division <= 1)
    ):
        raise ValueError(
            "zero_division must be a number in [0, 1] or NaN (as scikit-learn), got "
            f"{zero_division!r}"
        )
    y_true, y_pred = _check_pair("y_true", y_true, "y_pred", y_pred, labels=True)
    all_labels = np.union1d(y_true, y_pred)
    labels = all_labels
    if average == "binary":
        if all_labels.size > 2:
            raise ValueError(
                "average='binary' needs at most two labels, got "
                f"{all_labels.tolist()}; "
                "use average='macro', 'micro' or 'weighted' for "
                "multiclass data"
            )
        if all_labels.size == 2 and pos_label not in all_labels:
            raise ValueError(
                f"pos_label={pos_label!r} is not one of the labels "
                f"{all_labels.tolist()}"
            )
        labels = np.array([pos_label])
        all_labels = np.union1d(all_labels, labels)
    cm = confusion_matrix(y_true, y_pred, labels=all_labels)
    rows = np.searchsorted(all_labels, labels)
    tp = np.diag(cm)[rows]
    pred_sum = cm.sum(axis=0)[rows]
    true_sum = cm.sum(axis=1)[rows]
    if average == "micro":
        tp, pred_sum, true_sum = (
            tp.sum(keepdims=True),
            pred_sum.sum(keepdims=True),
            true_sum.sum(keepdims=True),
        )
    precision = _divide(tp, pred_sum, zero_division)
    recall = _divide(tp, true_sum, zero_division)
    f1 = _divide(2 * tp, pred_sum + true_sum, zero_division)
    if average is None:
        return precision, recall, f1
    # sums to N > 0 when weighted
    weights = true_sum if average == "weighted" else np.ones_like(true_sum)

    # as scikit-learn's _nanaverage: classes scored NaN (zero_division=nan)
    def mean(m: np.ndarray) -> float:
        # are left out; if the remaining weights are all 0, they are ignored
        keep = ~np.isnan(m)
        if not keep.any():
            return float("nan")
        w = weights[keep]
        return float(np.average(m[keep], weights=w if w.sum() else None))

    return tuple(mean(m) for m in (precision, recall, f1))


def _binary_scores(
    y_true: object, y_score: object, pos_label: int, score_name: str = "y_score"
) -> tuple[np.ndarray, np.ndarray]:
    """y_true as a 0/1 float array (1 where it equals ``pos_label``) and the float
    scores.
    """
    # scores here would make every sample its own class
    y_true = check_labels("y_true", y_true)
    y_true, y_score = _check_pair("y_true", y_true, score_name, y_score)
    labels = np.unique(y_true)
    if labels.size > 2:
        raise ValueError(
            "y_true must hold two classes for a binary metric, got labels "
            f"{labels.tolist()}"
        )
    if labels.size == 2 and pos_label not in labels:
        raise ValueError(
            f"pos_label={pos_label!r} is not one of the labels in y_true "
            f"{labels.tolist()}"
        )
    return (y_true == pos_label).astype(np.float64), y_score.astype(np.float64)


def _counts_at_thresholds(
    y: np.ndarray, s: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """FP(t), TP(t) at each distinct score t (descending), predicting positive when s
    ≥ t.
    """
    order = np.argsort(s, kind="mergesort")[::-1]
    s, y = s[order], y[order]
    last_of_tie = np.r_[np.flatnonzero(np.diff(s)), y.size - 1]
    tps = np.cumsum(y)[last_of_tie]
    fps = 1 + last_of_tie - tps
    return fps, tps, s[last_of_tie]


def roc_curve(
    y_true: np.ndarray,
    y_score: np.ndarray,
    *,
    pos_label: int = 1,
    drop_intermediate: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ROC curve: (FPR(t), TPR(t), t) over the distinct scores t (Implements
    {eq}`eq-tpr-fpr`).

    TPR(t) = TP(t) / P and FPR(t) = FP(t) / N for the classifier "positive when s ≥ t".
    Thresholds run from +∞ (nothing predicted positive, the point (0, 0)) down to the
    smallest score (everything positive, the point (1, 1)); tied scores form one
    threshold, so a tie between a positive and a negative gives a diagonal segment.

    ``drop_intermediate=True`` (scikit-learn's default) removes thresholds whose point
    lies on the straight segment between its neighbours in both TP and FP counts (the
    second difference of both is zero); such points do not change the plotted curve or
    its area. The first and last thresholds are always kept. Raises ValueError unless
    ``y_true`` holds both classes.
    """
    y, s = _binary_scores(y_true, y_score, pos_label)
    n_pos = y.sum()
    if n_pos == 0 or n_pos == y.size:
        raise ValueError(
            "roc_curve needs both classes in y_true (TPR and FPR divide by their "
            "counts), "
            f"got only {'positives' if n_pos else 'negatives'}"
        )
    fps, tps, thresholds = _counts_at_thresholds(y, s)
    if drop_intermediate and fps.size > 2:
        keep = np.r_[True, np.logical_or(np.diff(fps, 2), np.diff(tps, 2)), True]
        fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]
    fps, tps = np.r_[0.0, fps], np.r_[0.0, tps]
    return fps / fps[-1], tps / tps[-1], np.r_[np.inf, thresholds]


def roc_auc(y_true: np.ndarray, y_score: np.ndarray, *, pos_label: int = 1) -> float:
    """Area under the ROC curve, the probability that a random positive outscores a
    random negative.

    AUC = 1/(N₊N₋) Σ_{i∈pos} Σ_{j∈neg} (1[s_i > s_j] + ½ 1[s_i = s_j]) (Implements
    {eq}`eq-roc-auc`), computed in O(N log N) from mid-ranks (the Mann–Whitney U
    statistic). Equals the trapezoidal area under :func:`roc_curve`, as
    ``sklearn.metrics.roc_auc_score``. Raises ValueError unless both classes are
    present.
    """
    y, s = _binary_scores(y_true, y_score, pos_label)
    n_pos = y.sum()
    n_neg = y.size - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError(
            "roc_auc needs both classes in y_true, "
            f"got only {'positives' if n_pos else 'negatives'}"
        )
    _, inverse, counts = np.unique(s, return_inverse=True, return_counts=True)
    # 1-based average rank of each distinct score
    mid_rank = np.cumsum(counts) - (counts - 1) / 2.0
    rank_sum_pos = mid_rank[inverse] @ y
    return float((rank_sum_pos - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def precision_recall_curve(
    y_true: np.ndarray,
    y_score: np.ndarray,
    *,
    pos_label: int = 1,
    drop_intermediate: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision P(t) and recall R(t) at each distinct score t (Implements
    {eq}`eq-precision-recall`).

    As ``sklearn.metrics.precision_recall_curve``: thresholds ascend (the lowest score,
    where R = 1, first) and the arrays ``precision`` and ``recall`` have one more entry
    than ``thresholds``, the end point (R, P) = (0, 1) that has no threshold. Tied
    scores form one threshold. ``drop_intermediate=True`` keeps only the first and last
    point of each run of equal recall (the vertical stretches of the plot). Raises
    ValueError when ``y_true`` has no positive sample (recall is undefined).
    """
    y, s = _binary_scores(y_true, y_score, pos_label)
    if y.sum() == 0:
        raise ValueError(
            "precision_recall_curve needs at least one positive sample in y_true "
            f"(label {pos_label!r}); recall divides by their number"
        )
    fps, tps, thresholds = _counts_at_thresholds(y, s)
    if drop_intermediate and fps.size > 2:
        keep = np.r_[True, np.logical_or(np.diff(tps[:-1]), np.diff(tps[1:])), True]
        fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]
    precision = _divide(tps, tps + fps, 0.0)
    recall = tps / tps[-1]
    return np.r_[precision[::-1], 1.0], np.r_[recall[::-1], 0.0], thresholds[::-1]


def average_precision(
    y_true: np.ndarray, y_score: np.ndarray, *, pos_label: int = 1
) -> float:
    """AP = Σ_n (R_n − R_{n−1}) P_n over the thresholds, the step-wise area under the PR
    curve.

    Implements {eq}`eq-average-precision`, as
    ``sklearn.metrics.average_precision_score``: each gain in recall is weighted by the
    precision reached at that threshold, with no interpolation (the trapezoid rule would
    be optimistic). Raises ValueError when ``y_true`` has no positive sample.
    """
    precision, recall, _ = precision_recall_curve(y_true, y_score, pos_label=pos_label)
    return float(max(0.0, -np.sum(np.diff(recall) * precision[:-1])))


def log_loss(
    y_true: np.ndarray, y_prob: np.ndarray, *, eps: float | None = None
) -> float:
    """Mean negative log-likelihood of the labels, −(1/N) Σ_n log p_{n, y_n} (Implements
    {eq}`eq-log-loss`).

    ``y_prob`` is either a 1-D array of P(y = 1) for labels in {0, 1} (then p_{n,0} = 1
    − p_n) or an (N, K) array of class probabilities whose rows sum to 1, with integer
    labels in [0, K). Probabilities are clipped to [eps, 1 − eps], eps defaulting to the
    machine epsilon of float64 as in ``sklearn.metrics.log_loss``, so a confident
    mistake costs a large but finite amount.
    """
    y_true = check_labels("y_true", y_true)
    p = check_array("y_prob", y_prob).astype(np.float64)
    if p.ndim == 1:
        p = np.column_stack([1.0 - p, p])
    if p.ndim != 2 or p.shape[0] != y_true.size:
        raise ValueError(
            f"y_prob must have shape ({y_true.size},) or ({y_true.size}, K), got "
            f"{np.shape(y_prob)}"
        )
    if y_true.size == 0:
        raise ValueError("y_true is empty; log_loss needs at least one sample")
    if np.any((p < 0) | (p > 1)):
        raise ValueError("y_prob must hold probabilities in [0, 1]")
    if not np.allclose(p.sum(axis=1), 1.0, atol=1e-6):
        raise ValueError(
            "each row of y_prob must sum to 1 (pass softmax outputs, not logits)"
        )
    k = p.shape[1]
    if y_true.min() < 0 or y_true.max() >= k:
        raise ValueError(
            f"labels in y_true must lie in [0, {k}), got range [{y_true.min()}, "
            f"{y_true.max()}]"
        )
    eps = float(np.finfo(np.float64).eps) if eps is None else check_real("eps", eps)
    if not 0 < eps < 0.5:
        raise ValueError(f"eps must lie in (0, 0.5), got {eps!r}")
    p = np.clip(p, eps, 1.0 - eps)
    return float(-np.mean(np.log(p[np.arange(y_true.size), y_true.astype(np.int64)])))


def calibration_curve(
    y_true: np.ndarray, y_prob: np.ndarray, *, n_bins: int = 10
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Reliability diagram data: per probability bin, the fraction of positives and the
    mean prediction.

    The interval [0, 1] is cut into ``n_bins`` equal bins B_b; for each non-empty bin,
    ȳ_b = (1/|B_b|) Σ_{n∈B_b} y_n and p̄_b = (1/|B_b|) Σ_{n∈B_b} p_n (Implements
    {eq}`eq-reliability`). A calibrated model has ȳ_b ≈ p̄_b. Returns (ȳ, p̄, |B|) for
    the non-empty bins; the first two agree with
    ``sklearn.calibration.calibration_curve`` (``strategy="uniform"``).
    """
    y, p = _binary_scores(y_true, y_prob, 1, "y_prob")
    n_bins = check_size("n_bins", n_bins)
    if np.any((p < 0) | (p > 1)):
        raise ValueError("y_prob must hold probabilities in [0, 1]")
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    bins = np.searchsorted(edges[1:-1], p)
    total = np.bincount(bins, minlength=n_bins)
    nonempty = total > 0
    frac_pos = (
        np.bincount(bins, weights=y, minlength=n_bins)[nonempty] / total[nonempty]
    )
    mean_pred = (
        np.bincount(bins, weights=p, minlength=n_bins)[nonempty] / total[nonempty]
    )
    return frac_pos, mean_pred, total[nonempty]
