"""Splitting data for honest estimates of generalisation."""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ._checks import (
    MAX_SIZE,
    check_array,
    check_int,
    check_labels,
    check_rng,
    check_samples,
    check_size,
)
from ._split import holdout_split  # noqa: F401  (public here, as DESIGN.md lists it; defined in _split)

Split = tuple[np.ndarray, np.ndarray]


def _check_k(k: int, n: int, what: str = "samples") -> int:
    k = check_int("k", k, minimum=2)
    if k > n:
        raise ValueError(f"k={k} folds need at least k {what}, got n={n}")
    return k


def _folds_from_test(test_blocks: Iterable[np.ndarray], n: int) -> list[Split]:
    """(train, test) pairs where each train set is the complement of its test block,
    both sorted.
    """
    out = []
    for test in test_blocks:
        mask = np.ones(n, dtype=bool)
        mask[test] = False
        out.append((np.flatnonzero(mask), np.sort(test)))
    return out


def kfold(
    n: int, k: int, shuffle: bool = False, rng: np.random.Generator | int | None = None
) -> list[Split]:
    """Cut indices 0..n−1 into k contiguous folds; fold i is the test set of split i.

    The first n mod k folds hold ⌈n/k⌉ samples, the others ⌊n/k⌋, exactly as
    ``sklearn.model_selection.KFold``; with ``shuffle`` the indices are permuted by
    ``rng`` first (so the folds are random sets, but not the same sets as
    scikit-learn's). Returns a list of k ``(train_idx, test_idx)`` pairs, each sorted;
    the test sets partition the indices.
    """
    n = check_size("n", n)
    k = _check_k(k, n)
    indices = np.arange(n)
    if shuffle:
        if rng is None:
            raise TypeError(
                "kfold(shuffle=True) needs rng= (a numpy Generator or seed)"
            )
        indices = check_rng("rng", rng).permutation(n)
    elif rng is not None:
        raise ValueError(
            "rng is only used with shuffle=True; pass shuffle=True or drop rng"
        )
    sizes = np.full(k, n // k)
    sizes[: n % k] += 1
    return _folds_from_test(np.split(indices, np.cumsum(sizes)[:-1]), n)


def stratified_kfold(
    y: np.ndarray,
    k: int,
    shuffle: bool = False,
    rng: np.random.Generator | int | None = None,
) -> list[Split]:
    """k folds whose class proportions match those of ``y`` as closely as counts allow.

    Same assignment as ``sklearn.model_selection.StratifiedKFold`` (unshuffled): classes
    are taken in order of first appearance, the sorted labels are dealt round-robin to
    the folds to fix how many samples of each class each fold receives, and each class's
    samples are then assigned to folds in blocks, keeping their order in ``y``. With
    ``shuffle`` each class's fold labels are permuted by ``rng`` (the per-fold counts
    stay the same), as scikit-learn does, though with different random numbers. Fold
    sizes differ by at most one.

    Raises ValueError if k exceeds the size of every class; warns (as scikit-learn does)
    if it exceeds the size of the smallest, since some folds then miss that class.
    """
    y = check_labels("y", y)  # as scikit-learn, continuous targets cannot be stratified
    n = y.size
    if n == 0:
        raise ValueError("y is empty; stratified_kfold needs at least k samples")
    k = _check_k(k, n)
    if shuffle:
        if rng is None:
            raise TypeError(
                "stratified_kfold(shuffle=True) needs rng= (a numpy Generator or seed)"
            )
        rng = check_rng("rng", rng)
    elif rng is not None:
        raise ValueError(
            "rng is only used with shuffle=True; pass shuffle=True or drop rng"
        )
    _, first, inverse = np.unique(y, return_index=True, return_inverse=True)
    # class ids in order of first appearance
    encoded = np.argsort(np.argsort(first))[inverse]
    counts = np.bincount(encoded)
    if np.all(k > counts):
        raise ValueError(
            f"k={k} is larger than the number of members of every class (counts "
            f"{counts.tolist()})"
        )
    if k > counts.min():
        warnings.warn(
            f"the smallest class has only {counts.min()} members, fewer than k={k}; "
            "some folds will not contain it",
            UserWarning,
            stacklevel=2,
        )
    y_order = np.sort(encoded)
    allocation = np.stack(
        [np.bincount(y_order[i::k], minlength=counts.size) for i in range(k)]
    )
    test_fold = np.empty(n, dtype=np.int64)
    for c in range(counts.size):
        folds_for_class = np.repeat(np.arange(k), allocation[:, c])
        if shuffle:
            folds_for_class = rng.permutation(folds_for_class)
        test_fold[encoded == c] = folds_for_class
    return _folds_from_test((np.flatnonzero(test_fold == i) for i in range(k)), n)


def repeated_kfold(
    n: int, k: int, repeats: int, rng: np.random.Generator | int
) -> list[Split]:
    """Iterated k-fold: ``repeats`` rounds of shuffled k-fold, each with a fresh
    permutation.

    Returns ``repeats * k`` ``(train_idx, test_idx)`` pairs, round by round; every
    sample is tested exactly ``repeats`` times. Same scheme as
    ``sklearn.model_selection.RepeatedKFold`` (the permutations come from ``rng``, so
    the sets differ from scikit-learn's).
    """
    n = check_size("n", n)
    k = _check_k(k, n)
    repeats = check_size("repeats", repeats, limit=MAX_SIZE // n)
    rng = check_rng("rng", rng)
    return [
        split for _ in range(repeats) for split in kfold(n, k, shuffle=True, rng=rng)
    ]


def time_series_split(
    n: int, k: int, *, test_size: int | None = None, gap: int = 0
) -> list[Split]:
    """Forward-chaining splits for ordered data: train on a prefix, test on the block
    after it.

    As ``sklearn.model_selection.TimeSeriesSplit(n_splits=k)``: the last k blocks of
    ``test_size`` samples (default ⌊n/(k+1)⌋) are the test sets in time order; split i
    trains on every sample before its test block minus ``gap`` samples, so no split ever
    trains on a sample later than one it is tested on.
    """
    n = check_size("n", n)
    k = check_int("k", k, minimum=2)
    gap = check_int("gap", gap, minimum=0)
    if k + 1 > n:
        raise ValueError(
            f"k={k} splits need at least k + 1 = {k + 1} samples, got n={n}"
        )
    test_size = n // (k + 1) if test_size is None else check_int("test_size", test_size)
    if n - gap - test_size * k <= 0:
        raise ValueError(
            f"k={k} test blocks of test_size={test_size} samples plus gap={gap} leave "
            "no training data "
            f"among n={n} samples"
        )
    starts = range(n - k * test_size, n, test_size)
    return [
        (np.arange(start - gap), np.arange(start, start + test_size))
        for start in starts
    ]


def cross_validate(
    train_and_score: Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], float],
    X: np.ndarray,
    y: np.ndarray,
    splits: Iterable[Split],
) -> np.ndarray:
    """Per-fold scores s_i = train_and_score(X[train_i], y[train_i], X[test_i],
    y[test_i]).

    ``train_and_score`` trains a fresh model on the training part and returns its score
    on the test part. The cross-validation estimate is the mean of the returned scores,
    R̂_CV = (1/K) Σ_i s_i, and their spread shows how much the estimate depends on the
    split (Implements {eq}`eq-cv-estimate`). ``splits`` comes from :func:`kfold`,
    :func:`stratified_kfold`, :func:`repeated_kfold` or :func:`time_series_split`.
    """
    if not callable(train_and_score):
        raise TypeError(
            f"train_and_score must be callable, got {type(train_and_score).__name__}"
        )
    X, y = check_samples(X, y, min_samples=0)
    n = len(X)
    if isinstance(splits, tuple) and len(splits) == 2 and np.ndim(splits[0]) == 1:
        raise TypeError(
            "splits must be a list of (train_idx, test_idx) pairs, got a single pair; "
            "wrap it in a list: [(train_idx, test_idx)]"
        )
    if isinstance(splits, str | bytes) or not hasattr(splits, "__iter__"):
        raise TypeError(
            f"splits must be a list of (train_idx, test_idx) pairs, got {splits!r}"
        )
    scores = []
    for i, pair in enumerate(splits):
        if (
            isinstance(pair, str | bytes)
            or not hasattr(pair, "__len__")
            or len(pair) != 2
        ):
            raise TypeError(
                f"splits[{i}] must be a (train_idx, test_idx) pair, got {pair!r}"
            )
        train, test = pair
        train = check_array(f"splits[{i}] train indices", train, ndim=1)
        test = check_array(f"splits[{i}] test indices", test, ndim=1)
        if train.size == 0 or test.size == 0:
            raise ValueError(
                f"splits[{i}] has an empty train or test set ({train.size} and "
                f"{test.size} indices)"
            )
        if train.dtype.kind not in "iu" or test.dtype.kind not in "iu":
            raise TypeError(
                f"splits[{i}] must hold integer indices, got {train.dtype} and "
                f"{test.dtype}"
            )
        for part, idx in (("train", train), ("test", test)):
            if idx.min() < 0 or idx.max() >= n:
                raise ValueError(
                    f"splits[{i}] {part} indices must lie in [0, {n}) for {n} samples, "
                    f"got range [{idx.min()}, {idx.max()}] (negative "
                    "indices are refused)"
                )
        if np.intersect1d(train, test).size:
            raise ValueError(
                f"splits[{i}] trains and tests on the same samples; the estimate would "
                "leak"
            )
        unique_test = np.unique(test)
        if unique_test.size != test.size:
            twice = unique_test[np.bincount(np.searchsorted(unique_test, test)) > 1][:3]
            raise ValueError(
                f"splits[{i}] test indices repeat samples (e.g. "
                f"{twice.tolist()}); each test sample must be scored once"
            )
        score = train_and_score(X[train], y[train], X[test], y[test])
        if isinstance(score, bool) or not isinstance(score, numbers.Real):
            raise TypeError(
                "train_and_score must return a real number (the fold's score), got "
                f"{score!r} "
                f"for splits[{i}]"
            )
        if not math.isfinite(score):
            raise ValueError(
                f"train_and_score returned {score!r} for splits[{i}]; a "
                "fold's score must be finite (handle a diverged run "
                "before it is averaged)"
            )
        scores.append(float(score))
    if not scores:
        raise ValueError(
            "splits is empty; cross_validate needs at least one (train, test) pair"
        )
    return np.asarray(scores)


def group_kfold(groups: np.ndarray, k: int) -> list[Split]:
    """k folds that never split a group: every sample of a group is tested in the same
    fold.

    Same index sets as ``sklearn.model_selection.GroupKFold(n_splits=k)`` (unshuffled;
    checked against scikit-learn 1.9.1, whose ``_iter_test_indices`` does exactly this):
    the distinct groups (sorted ids) are ordered by size, largest first
    (``np.argsort(sizes, kind="stable")[::-1]``, so among equal sizes the larger id
    comes first), and each is given to the fold that holds the fewest samples so far
    (the first such fold on a tie), a greedy balance of the fold sizes. Use it when
    samples of one group (a patient, a source document, the copies of one image)
    resemble each other more than they resemble new data. Returns k
    ``(train_idx, test_idx)`` pairs, each sorted; the test sets partition the indices.
    """
    groups = np.asarray(groups)
    if groups.ndim != 1 or groups.size == 0:
        raise ValueError(
            f"groups must be a non-empty 1-D array with one group id per sample, "
            f"got shape {groups.shape}"
        )
    if groups.dtype.kind == "f" and not np.all(np.isfinite(groups)):
        raise ValueError(
            "groups contains NaN or inf; every sample needs a real group "
            "id (NaN ids would all fall into one group)"
        )
    if groups.dtype.kind not in "biufUS":
        raise TypeError(
            f"groups must hold numbers or strings (group ids), got dtype {groups.dtype}"
        )
    ids, inverse = np.unique(groups, return_inverse=True)
    k = _check_k(k, ids.size, what="distinct groups")
    sizes = np.bincount(inverse)
    order = np.argsort(sizes, kind="stable")[::-1]
    load = np.zeros(k)
    fold_of_group = np.zeros(ids.size, dtype=np.int64)
    for g in order:
        lightest = int(np.argmin(load))
        load[lightest] += sizes[g]
        fold_of_group[g] = lightest
    fold = fold_of_group[inverse]
    return _folds_from_test((np.flatnonzero(fold == i) for i in range(k)), groups.size)


@dataclass(frozen=True)
class NestedCV:
    """The result of :func:`nested_cross_validate`, one entry per outer fold.

    ``outer_scores[i]``: test score of the candidate chosen in fold i, retrained on fold
    i's whole training part; ``inner_best[i]``: that candidate's mean inner-CV score
    (the number a non-nested protocol would report); ``chosen[i]``: its index in
    ``candidates``; ``inner_scores[i, j]``: candidate j's mean inner score in outer fold
    i.
    """

    outer_scores: np.ndarray
    inner_best: np.ndarray
    chosen: np.ndarray
    inner_scores: np.ndarray

    @property
    def estimate(self) -> float:
        """The nested estimate, the mean of the outer scores ({eq}`eq-nested-cv`)."""
        return float(self.outer_scores.mean())

    @property
    def optimism(self) -> float:
        """Mean inner-best score minus the nested estimate: what selection adds."""
        return float(self.inner_best.mean() - self.outer_scores.mean())


def nested_cross_validate(
    train_and_score: Callable[..., float],
    X: np.ndarray,
    y: np.ndarray,
    candidates: Sequence[Mapping[str, object]],
    outer: Iterable[Split],
    inner: Callable[[np.ndarray], list[Split]],
    *,
    higher_is_better: bool = True,
) -> NestedCV:
    """Cross-validation of a whole tuning procedure (Implements {eq}`eq-nested-cv`).

    For each outer split (train_i, test_i): every candidate setting is scored by
    :func:`cross_validate` on train_i alone, with the inner splits ``inner(y[train_i])``
    (indices into train_i); the best mean inner score picks a candidate; it is retrained
    on all of train_i and scored once on test_i. ``train_and_score(X_tr, y_tr, X_te,
    y_te, **candidate)`` trains a fresh model and returns its score. The outer test
    folds never take part in a choice, so the mean outer score estimates what the
    procedure "tune, then train" will score on new data; the inner-best scores are
    optimistic by what the choice fitted. Costs len(outer) × (len(candidates) ×
    len(inner) + 1) training runs.
    """
    if not callable(train_and_score):
        raise TypeError(
            f"train_and_score must be callable, got {type(train_and_score).__name__}"
        )
    if not callable(inner):
        raise TypeError(
            f"inner must be a function y_train -> list of splits (e.g. lambda y: "
            f"stratified_kfold(y, 3)), got {type(inner).__name__}"
        )
    if isinstance(candidates, str | bytes) or not hasattr(candidates, "__iter__"):
        raise TypeError(
            f"candidates must be a list of dicts (settings), got {candidates!r}"
        )
    if not all(isinstance(c, Mapping) for c in candidates):
        raise TypeError(
            f"candidates must be a list of dicts (settings), got {candidates!r}"
        )
    candidates = [dict(c) for c in candidates]
    if not candidates:
        raise ValueError(
            "candidates is empty; nested_cross_validate needs at least one setting"
        )
    X, y = np.asarray(X), np.asarray(y)
    if isinstance(outer, str | bytes) or not hasattr(outer, "__iter__"):
        raise TypeError(
            f"outer must be a list of (train_idx, test_idx) pairs, got {outer!r}"
        )
    outer = list(outer)
    for i, pair in enumerate(outer):
        if (
            isinstance(pair, str | bytes)
            or not hasattr(pair, "__len__")
            or len(pair) != 2
        ):
            raise TypeError(
                f"outer[{i}] must be a (train_idx, test_idx) pair, got {pair!r}"
            )
    if not outer:
        raise ValueError(
            "outer is empty; nested_cross_validate needs at least one (train, test) "
            "pair"
        )
    sign = 1.0 if higher_is_better else -1.0
    outer_scores, inner_best, chosen, inner_scores = [], [], [], []
    for train, test in outer:
        X_tr, y_tr = X[train], y[train]
        splits = inner(y_tr)
        means = np.array(
            [
                cross_validate(
                    lambda a, b, c, d, cand=cand: train_and_score(a, b, c, d, **cand),
                    X_tr,
                    y_tr,
                    splits,
                ).mean()
                for cand in candidates
            ]
        )
        best = int(np.argmax(sign * means))
        fold_score = cross_validate(
            lambda a, b, c, d, cand=candidates[best]: train_and_score(
                a, b, c, d, **cand
            ),
            X,
            y,
            [(np.asarray(train), np.asarray(test))],
        )[0]
        outer_scores.append(fold_score)
        inner_best.append(means[best])
        chosen.append(best)
        inner_scores.append(means)
    return NestedCV(
        np.array(outer_scores),
        np.array(inner_best),
        np.array(chosen),
        np.array(inner_scores),
    )
