"""lib.validation: folds partition the data, agree with scikit-learn's splitters, never leak."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn import model_selection as skms

from lib import validation


def _assert_partition(splits, n):
    tests = np.concatenate([test for _, test in splits])
    np.testing.assert_array_equal(np.sort(tests), np.arange(n))
    for train, test in splits:
        assert np.intersect1d(train, test).size == 0
        np.testing.assert_array_equal(np.union1d(train, test), np.arange(n))


@given(st.integers(2, 60), st.integers(2, 12))
def test_kfold_matches_sklearn_and_partitions(n, k):
    k = min(k, n)
    splits = validation.kfold(n, k)
    ref = list(skms.KFold(k).split(np.zeros(n)))
    for (tr, te), (rtr, rte) in zip(splits, ref, strict=True):
        np.testing.assert_array_equal(tr, rtr)
        np.testing.assert_array_equal(te, rte)
    sizes = [te.size for _, te in splits]
    assert max(sizes) - min(sizes) <= 1
    _assert_partition(splits, n)


@given(st.integers(2, 60), st.integers(2, 12), st.integers(0, 2**16))
def test_shuffled_kfold_partitions_and_is_reproducible(n, k, seed):
    k = min(k, n)
    a = validation.kfold(n, k, shuffle=True, rng=np.random.default_rng(seed))
    b = validation.kfold(n, k, shuffle=True, rng=np.random.default_rng(seed))
    _assert_partition(a, n)
    for (tr_a, te_a), (tr_b, te_b) in zip(a, b, strict=True):
        np.testing.assert_array_equal(te_a, te_b)
        np.testing.assert_array_equal(tr_a, tr_b)
    sizes = [te.size for _, te in a]
    assert max(sizes) - min(sizes) <= 1


@st.composite
def labels_and_k(draw):
    k = draw(st.integers(2, 6))
    n_classes = draw(st.integers(1, 4))
    counts = draw(st.lists(st.integers(k, 25), min_size=n_classes, max_size=n_classes))
    y = np.repeat(np.arange(n_classes) * 3 + 1, counts)  # non-contiguous label values
    perm = draw(st.permutations(range(y.size)))
    return y[np.array(perm)], k


@given(labels_and_k())
def test_stratified_kfold_matches_sklearn_and_keeps_proportions(data):
    y, k = data
    splits = validation.stratified_kfold(y, k)
    ref = list(skms.StratifiedKFold(k).split(np.zeros(y.size), y))
    for (tr, te), (rtr, rte) in zip(splits, ref, strict=True):
        np.testing.assert_array_equal(tr, rtr)
        np.testing.assert_array_equal(te, rte)
    _assert_partition(splits, y.size)
    for _, te in splits:  # each class's count in a fold is ⌊c/k⌋ or ⌈c/k⌉ ... up to the round-robin
        for c in np.unique(y):
            expected = np.sum(y == c) / k
            assert abs(np.sum(y[te] == c) - expected) < 1 + 1e-9
    sizes = [te.size for _, te in splits]
    assert max(sizes) - min(sizes) <= 1


@given(labels_and_k(), st.integers(0, 2**16))
def test_shuffled_stratified_kfold_keeps_fold_class_counts(data, seed):
    y, k = data
    plain = validation.stratified_kfold(y, k)
    shuffled = validation.stratified_kfold(y, k, shuffle=True, rng=seed)
    _assert_partition(shuffled, y.size)
    for (_, a), (_, b) in zip(plain, shuffled, strict=True):
        np.testing.assert_array_equal(np.bincount(y[a], minlength=12), np.bincount(y[b], minlength=12))


def test_stratified_kfold_small_class_warns_and_hopeless_k_raises():
    y = np.array([0] * 10 + [1] * 2)
    with pytest.warns(UserWarning, match="smallest class"):
        splits = validation.stratified_kfold(y, 3)
    _assert_partition(splits, y.size)
    with pytest.raises(ValueError, match="every class"):
        validation.stratified_kfold(np.array([0, 0, 1, 1]), 3)


@given(st.integers(1, 5), st.integers(2, 8), st.integers(12, 50), st.integers(0, 2**16))
def test_repeated_kfold_tests_each_sample_once_per_round(repeats, k, n, seed):
    splits = validation.repeated_kfold(n, k, repeats, rng=seed)
    assert len(splits) == repeats * k
    for r in range(repeats):
        _assert_partition(splits[r * k:(r + 1) * k], n)
    if repeats > 1:  # rounds use fresh permutations
        assert any(not np.array_equal(a[1], b[1]) for a, b in zip(splits[:k], splits[k:2 * k], strict=True))


@given(st.integers(3, 80), st.integers(2, 8), st.integers(0, 3))
def test_time_series_split_matches_sklearn_and_never_trains_on_the_future(n, k, gap):
    if n - gap - (n // (k + 1)) * k <= 0 or k + 1 > n:
        with pytest.raises(ValueError):
            validation.time_series_split(n, k, gap=gap)
        return
    splits = validation.time_series_split(n, k, gap=gap)
    ref = list(skms.TimeSeriesSplit(k, gap=gap).split(np.zeros(n)))
    assert len(splits) == k
    for (tr, te), (rtr, rte) in zip(splits, ref, strict=True):
        np.testing.assert_array_equal(tr, rtr)
        np.testing.assert_array_equal(te, rte)
        assert tr.max() + gap < te.min()


def test_cross_validate_returns_per_fold_scores_from_the_right_rows():
    X = np.arange(20.0).reshape(10, 2)
    y = np.arange(10)
    seen = []

    def train_and_score(Xtr, ytr, Xte, yte):
        np.testing.assert_array_equal(Xtr[:, 0], 2 * ytr)  # rows stay aligned with labels
        assert np.intersect1d(ytr, yte).size == 0
        seen.append(yte)
        return float(yte.mean())

    scores = validation.cross_validate(train_and_score, X, y, validation.kfold(10, 4))
    np.testing.assert_allclose(scores, [1.0, 4.0, 6.5, 8.5])
    np.testing.assert_array_equal(np.concatenate(seen), np.arange(10))


def test_cross_validate_rejects_leaky_or_empty_splits():
    X, y = np.zeros((4, 1)), np.zeros(4)
    with pytest.raises(ValueError, match="same samples"):
        validation.cross_validate(lambda *a: 0.0, X, y, [(np.array([0, 1]), np.array([1, 2]))])
    with pytest.raises(ValueError, match="splits is empty"):
        validation.cross_validate(lambda *a: 0.0, X, y, [])
    with pytest.raises(ValueError, match="same number"):
        validation.cross_validate(lambda *a: 0.0, X, y[:3], validation.kfold(4, 2))
    with pytest.raises(TypeError, match="callable"):
        validation.cross_validate(0.0, X, y, validation.kfold(4, 2))


@pytest.mark.parametrize("call", [
    lambda: validation.kfold(5, 6),
    lambda: validation.kfold(5, 1),
    lambda: validation.stratified_kfold(np.array([0, 1, 0]), 4),
    lambda: validation.stratified_kfold(np.array([]), 2),
    lambda: validation.repeated_kfold(3, 4, 2, rng=0),
    lambda: validation.time_series_split(4, 4),
    lambda: validation.kfold(10, 2, rng=0),
])
def test_degenerate_arguments_raise_value_error(call):
    with pytest.raises(ValueError, match=r"k|rng|empty"):
        call()


def test_shuffle_without_rng_raises_type_error():
    with pytest.raises(TypeError, match="rng"):
        validation.kfold(10, 2, shuffle=True)


def test_holdout_split_is_stratified_and_disjoint():
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(3), [50, 30, 20])
    X = np.arange(y.size)[:, None]
    s = validation.holdout_split(X, y, val_size=0.2, test_size=0.2, rng=rng)
    all_idx = np.concatenate([s.X_train[:, 0], s.X_val[:, 0], s.X_test[:, 0]])
    np.testing.assert_array_equal(np.sort(all_idx), np.arange(y.size))
    np.testing.assert_array_equal(np.bincount(s.y_test), [10, 6, 4])
    np.testing.assert_array_equal(np.bincount(s.y_val), [10, 6, 4])


def test_data_and_validation_do_not_import_each_other():
    """Issue 19: the circle data -> validation -> data is broken; the split lives in lib/_split.py."""
    import ast
    from pathlib import Path

    import lib
    from lib import data

    root = Path(lib.__file__).parent
    for name, other in (("data", "validation"), ("validation", "data")):
        tree = ast.parse((root / f"{name}.py").read_text())
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        assert other not in imported and f"lib.{other}" not in imported, (name, imported)
    assert validation.holdout_split.__module__ == "lib.validation"
    assert data.DataSplits is validation.holdout_split(np.zeros((5, 1)), np.zeros(5), rng=0).__class__


@st.composite
def groups_and_k(draw):
    n_groups = draw(st.integers(2, 15))
    sizes = draw(st.lists(st.integers(1, 6), min_size=n_groups, max_size=n_groups))
    labels = draw(st.permutations([g * 7 - 3 for g in range(n_groups)]))  # arbitrary ids
    groups = np.repeat(np.array(labels), sizes)
    perm = draw(st.permutations(range(groups.size)))
    return groups[np.array(perm)], draw(st.integers(2, n_groups))


@given(groups_and_k())
def test_group_kfold_equals_sklearn_and_never_splits_a_group(data):
    groups, k = data
    splits = validation.group_kfold(groups, k)
    ref = list(skms.GroupKFold(k).split(np.zeros(groups.size), groups=groups))
    for (tr, te), (rtr, rte) in zip(splits, ref, strict=True):
        np.testing.assert_array_equal(tr, rtr)
        np.testing.assert_array_equal(te, rte)
        assert np.intersect1d(groups[tr], groups[te]).size == 0
    _assert_partition(splits, groups.size)


def test_group_kfold_balances_by_hand():
    # sizes: group 'a' 4, 'b' 3, 'c' 2, 'd' 1; largest first into the lightest fold:
    # a -> fold 0 (4), b -> fold 1 (3), c -> fold 1 (5), d -> fold 0 (5)
    groups = np.array(list("aaaabbbccd"))
    (_, te0), (_, te1) = validation.group_kfold(groups, 2)
    np.testing.assert_array_equal(te0, [0, 1, 2, 3, 9])
    np.testing.assert_array_equal(te1, [4, 5, 6, 7, 8])


def test_group_kfold_refuses_more_folds_than_groups():
    with pytest.raises(ValueError, match="distinct groups"):
        validation.group_kfold(np.array([1, 1, 2]), 3)
    with pytest.raises(ValueError, match="groups"):
        validation.group_kfold(np.zeros((2, 2)), 2)


def test_nested_cross_validate_by_hand():
    """A "model" that predicts the constant c scores −|mean(y_test) − c|; the inner folds
    pick the c nearest to the training part's mean, the outer folds score that choice."""
    y = np.array([0.0, 0.0, 1.0, 1.0, 4.0, 4.0, 5.0, 5.0])
    X = y[:, None]
    calls = []

    def score(Xtr, ytr, Xte, yte, c):
        calls.append(c)
        return -abs(float(yte.mean()) - c)

    outer = validation.kfold(8, 2)  # train on [4, 4, 5, 5] and test on [0, 0, 1, 1], then back
    res = validation.nested_cross_validate(score, X, y, [dict(c=0.5), dict(c=4.5)], outer,
                                           inner=lambda y_tr: validation.kfold(y_tr.size, 2))
    np.testing.assert_array_equal(res.chosen, [1, 0])  # the c of the training part
    np.testing.assert_allclose(res.inner_best, [-0.5, -0.5])  # inner test halves [4,4]|[5,5] etc.
    np.testing.assert_allclose(res.outer_scores, [-4.0, -4.0])  # 0.5 tested against 4.5 and back
    assert res.estimate == pytest.approx(-4.0)
    assert res.optimism == pytest.approx(3.5)
    assert res.inner_scores.shape == (2, 2)
    assert len(calls) == 2 * (2 * 2 + 1)  # outer × (candidates × inner + 1)


def test_nested_cross_validate_minimises_when_asked_and_refuses_bad_input():
    y = np.arange(6.0)
    res = validation.nested_cross_validate(lambda a, b, c, d, v: v, y[:, None], y, [dict(v=1.0), dict(v=2.0)],
                                           validation.kfold(6, 2), lambda y_tr: validation.kfold(y_tr.size, 3),
                                           higher_is_better=False)
    np.testing.assert_array_equal(res.chosen, [0, 0])
    with pytest.raises(ValueError, match="candidates"):
        validation.nested_cross_validate(lambda *a: 0.0, y[:, None], y, [], validation.kfold(6, 2),
                                         lambda y_tr: validation.kfold(y_tr.size, 2))
    with pytest.raises(TypeError, match="inner"):
        validation.nested_cross_validate(lambda *a: 0.0, y[:, None], y, [{}], validation.kfold(6, 2), 3)
