"""lib.data: the digits and their split, MNIST-1D, synthetic generators and the batching helpers."""

import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from lib import data
from lib.validation import holdout_split

# ---------------------------------------------------------------- digits


def test_load_digits_shapes_ranges_labels():
    X, y = data.load_digits()
    assert X.shape == (1797, 64) and y.shape == (1797,)
    assert X.dtype == np.float64 and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0  # 0–16 intensities scaled by 1/16
    np.testing.assert_array_equal(np.unique(X * 16), np.arange(17))
    np.testing.assert_array_equal(np.unique(y), np.arange(10))
    assert np.bincount(y).min() >= 170  # roughly balanced: 174–183 per class


@pytest.fixture(scope="module")
def splits():
    return data.digits_splits(0)


def test_digits_splits_sizes_and_stratification(splits):
    n = [len(splits.X_train), len(splits.X_val), len(splits.X_test)]
    assert sum(n) == 1797
    assert [len(splits.y_train), len(splits.y_val), len(splits.y_test)] == n
    assert n[1] == pytest.approx(0.2 * 1797, abs=10) and n[2] == pytest.approx(0.2 * 1797, abs=10)
    _, y = data.load_digits()
    total = np.bincount(y, minlength=10)
    for part, frac in ((splits.y_train, 0.6), (splits.y_val, 0.2), (splits.y_test, 0.2)):
        # each class is split in the same proportions, up to rounding of one sample
        np.testing.assert_allclose(np.bincount(part, minlength=10), frac * total, atol=1.0)


def test_digits_splits_standardised_with_training_statistics_only(splits):
    X, y = data.load_digits()
    raw = holdout_split(X, y, val_size=0.2, test_size=0.2, stratify=True, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(raw.y_test, splits.y_test)  # the same split, reproduced
    mean = raw.X_train.mean(axis=0)
    std = raw.X_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    np.testing.assert_allclose(splits.X_train, (raw.X_train - mean) / std, atol=1e-12)
    np.testing.assert_allclose(splits.X_val, (raw.X_val - mean) / std, atol=1e-12)
    np.testing.assert_allclose(splits.X_test, (raw.X_test - mean) / std, atol=1e-12)
    # hence the training set is centred and scaled, and the held-out sets are not exactly
    np.testing.assert_allclose(splits.X_train.mean(axis=0), 0.0, atol=1e-12)
    sd = splits.X_train.std(axis=0)
    assert np.all((np.abs(sd - 1.0) < 1e-12) | (sd == 0.0))
    assert np.abs(splits.X_val.mean(axis=0)).max() > 1e-3
    assert np.all(np.isfinite(splits.X_test))


def test_digits_splits_seeding(splits):
    again = data.digits_splits(0)
    for a, b in zip(splits, again, strict=True):
        np.testing.assert_array_equal(a, b)
    other = data.digits_splits(1)
    assert not np.array_equal(splits.y_train, other.y_train)


# ---------------------------------------------------------------- MNIST-1D

@pytest.fixture(scope="module")
def mnist1d_run():
    """Generate MNIST-1D once from scratch under a known global random state (restored afterwards)."""
    saved = np.random.get_state(), random.getstate()  # noqa: NPY002
    data._mnist1d_raw.cache_clear()
    np.random.seed(12345)  # noqa: NPY002  (deliberately set the global state to check it is left alone)
    random.seed(12345)
    np_before, py_before = np.random.get_state(), random.getstate()  # noqa: NPY002
    splits = data.load_mnist1d()
    yield splits, (np_before, py_before), (np.random.get_state(), random.getstate())  # noqa: NPY002
    np.random.set_state(saved[0])  # noqa: NPY002
    random.setstate(saved[1])


def test_load_mnist1d_shapes(mnist1d_run):
    s, _, _ = mnist1d_run
    assert [a.shape for a in s] == [(3000, 40), (3000,), (1000, 40), (1000,), (1000, 40), (1000,)]
    for labels in (s.y_train, s.y_val, s.y_test):
        assert labels.dtype == np.int64
        np.testing.assert_array_equal(np.unique(labels), np.arange(10))
    assert all(np.all(np.isfinite(a)) for a in (s.X_train, s.X_val, s.X_test))


def test_load_mnist1d_leaves_global_random_state_untouched(mnist1d_run):
    _, (np_before, py_before), (np_after, py_after) = mnist1d_run
    assert np_before[0] == np_after[0] and np_before[2:] == np_after[2:]
    np.testing.assert_array_equal(np_before[1], np_after[1])
    assert py_before == py_after


def test_load_mnist1d_val_size_and_copies(mnist1d_run):
    s, _, _ = mnist1d_run
    t = data.load_mnist1d(val_size=500)
    assert len(t.X_train) == 3500 and len(t.X_val) == 500
    np.testing.assert_array_equal(t.X_train[:3000], s.X_train)  # the validation set is the tail
    np.testing.assert_array_equal(t.X_val[-500:], s.X_val[-500:])
    t.X_test[...] = 0.0  # callers get copies: the cached data set is not corrupted
    assert np.any(data.load_mnist1d().X_test != 0.0)


@pytest.mark.parametrize(("val_size", "exc"), [(4000, ValueError), (-1, ValueError), (10.5, TypeError)])
def test_load_mnist1d_rejects_bad_val_size(val_size, exc):
    with pytest.raises(exc, match="val_size"):
        data.load_mnist1d(val_size=val_size)


# ---------------------------------------------------------------- standardize

def test_standardize_by_hand():
    X = np.array([[1.0, 10.0], [3.0, 10.0], [5.0, 10.0]])
    z, mean, std = data.standardize(X)
    np.testing.assert_allclose(mean, [3.0, 10.0])
    np.testing.assert_allclose(std, [np.sqrt(8 / 3), 1.0])  # constant feature: σ replaced by 1
    np.testing.assert_allclose(z[:, 0], [-np.sqrt(1.5), 0.0, np.sqrt(1.5)])
    np.testing.assert_array_equal(z[:, 1], 0.0)
    z2, _, _ = data.standardize(np.array([[7.0, 12.0]]), mean, std)  # held-out data: the given stats
    np.testing.assert_allclose(z2, [[4.0 / np.sqrt(8 / 3), 2.0]])


@given(value=st.floats(-1e6, 1e6), n=st.integers(1, 500))
def test_standardize_constant_feature_maps_to_zero(value, n):
    X = np.column_stack([np.full(n, value), np.arange(n, dtype=float)])
    z, _, std = data.standardize(X)
    assert np.all(np.isfinite(z))
    np.testing.assert_array_equal(z[:, 0], 0.0)
    assert std[0] == 1.0


@given(hnp.arrays(np.float64, st.tuples(st.integers(2, 30), st.integers(1, 5)), elements=st.floats(-1e3, 1e3)))
def test_standardize_property(X):
    z, mean, std = data.standardize(X)
    spread = np.ptp(X, axis=0) > 1e-6 * (1 + np.abs(X).max(axis=0))
    np.testing.assert_allclose(z.mean(axis=0), 0.0, atol=1e-6)
    np.testing.assert_allclose(z.std(axis=0)[spread], 1.0, rtol=1e-6)
    np.testing.assert_allclose(z * std + mean, X, atol=1e-9 * (1 + np.abs(X).max()))


@pytest.mark.parametrize(("args", "exc", "match"), [
    ((np.zeros(3),), ValueError, "X must be a 2-D array"),
    ((np.array([[1.0, np.nan]]),), ValueError, "X contains NaN"),
    ((np.array([["a", "b"]]),), TypeError, "X must be numeric"),
    ((np.ones((2, 2)), np.zeros(2), np.array([1.0, 0.0])), ValueError, "std must be > 0"),
    ((np.zeros((0, 2)),), ValueError, "X needs at least one sample"),
])
def test_standardize_rejects_bad_input(args, exc, match):
    with pytest.raises(exc, match=match):
        data.standardize(*args)


# ---------------------------------------------------------------- one_hot

def test_one_hot_by_hand():
    np.testing.assert_array_equal(data.one_hot(np.array([2, 0, 1])), [[0, 0, 1], [1, 0, 0], [0, 1, 0]])
    assert data.one_hot(np.array([1]), n_classes=4).tolist() == [[0.0, 1.0, 0.0, 0.0]]
    assert data.one_hot(np.array([], dtype=int), n_classes=3).shape == (0, 3)


@given(st.lists(st.integers(0, 9), min_size=1, max_size=40), st.integers(0, 5))
def test_one_hot_property(labels, extra):
    y = np.array(labels)
    k = int(y.max()) + 1 + extra
    oh = data.one_hot(y, k)
    assert oh.shape == (len(y), k)
    np.testing.assert_array_equal(oh.sum(axis=1), 1.0)
    np.testing.assert_array_equal(oh.argmax(axis=1), y)


@pytest.mark.parametrize(("y", "k", "exc", "match"), [
    (np.array([0, 3]), 3, ValueError, r"labels in y must lie in \[0, 3\)"),
    (np.array([0, -1]), 3, ValueError, "labels in y"),
    (np.array([0.0, 1.0]), None, TypeError, "y must hold integer labels"),
    (np.array([[0, 1]]), None, ValueError, "y must be a 1-D array"),
    (np.array([0, 1]), 0, ValueError, "n_classes"),
    (np.array([], dtype=int), None, ValueError, "y is empty"),
])
def test_one_hot_rejects_bad_input(y, k, exc, match):
    with pytest.raises(exc, match=match):
        data.one_hot(y, k)


# ---------------------------------------------------------------- minibatches

@given(n=st.integers(1, 60), batch_size=st.integers(1, 70), seed=st.integers(0, 2**16))
def test_minibatches_cover_every_index_once(n, batch_size, seed):
    X = np.arange(n, dtype=float).reshape(n, 1)
    y = np.arange(n) * 10
    rng = np.random.default_rng(seed)
    for _epoch in range(2):
        batches = list(data.minibatches(X, y, batch_size, rng))
        assert len(batches) == -(-n // batch_size)
        sizes = [len(xb) for xb, _ in batches]
        assert all(s == batch_size for s in sizes[:-1]) and 1 <= sizes[-1] <= batch_size
        seen = np.concatenate([xb[:, 0] for xb, _ in batches]).astype(int)
        np.testing.assert_array_equal(np.sort(seen), np.arange(n))  # without replacement
        for xb, yb in batches:  # features and labels stay paired
            np.testing.assert_array_equal(yb, xb[:, 0] * 10)


def test_minibatches_order():
    X = np.arange(10).reshape(10, 1)
    y = np.arange(10)
    in_order = [yb.tolist() for _, yb in data.minibatches(X, y, 4)]
    assert in_order == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    first = np.concatenate([yb for _, yb in data.minibatches(X, y, 4, 3)])
    np.testing.assert_array_equal(first, np.concatenate([yb for _, yb in data.minibatches(X, y, 4, 3)]))
    rng = np.random.default_rng(3)
    e1 = np.concatenate([yb for _, yb in data.minibatches(X, y, 4, rng)])
    e2 = np.concatenate([yb for _, yb in data.minibatches(X, y, 4, rng)])
    np.testing.assert_array_equal(e1, first)  # an int seed is default_rng(seed)
    assert not np.array_equal(e1, e2)  # a shared Generator reshuffles every epoch


@pytest.mark.parametrize(("kwargs", "exc", "match"), [
    ({"batch_size": 0}, ValueError, "batch_size"),
    ({"batch_size": 2.0}, TypeError, "batch_size"),
    ({"batch_size": 2, "rng": "seed"}, TypeError, "rng"),
])
def test_minibatches_reject_bad_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        list(data.minibatches(np.zeros((4, 1)), np.zeros(4), **kwargs))


def test_minibatches_reject_length_mismatch():
    with pytest.raises(ValueError, match="X and y must hold the same number of samples, got 4 and 3"):
        list(data.minibatches(np.zeros((4, 1)), np.zeros(3), 2))


# ---------------------------------------------------------------- synthetic generators

GENERATORS = {
    "spirals": (lambda rng: data.spirals(50, 3, rng=rng), (150, 2), [50, 50, 50]),
    "moons": (lambda rng: data.moons(101, rng=rng), (101, 2), [50, 51]),
    "noisy_sine": (lambda rng: data.noisy_sine(40, rng=rng), (40, 1), None),
    "noisy_line": (lambda rng: data.noisy_line(40, rng=rng), (40, 1), None),
    "imbalanced_blobs": (lambda rng: data.imbalanced_blobs(400, 0.1, n_features=3, rng=rng), (400, 3), [360, 40]),
}


@pytest.mark.parametrize("name", list(GENERATORS))
def test_generator_shapes_and_seeding(name):
    make, x_shape, counts = GENERATORS[name]
    X, y = make(0)
    assert X.shape == x_shape and len(y) == x_shape[0]
    assert np.all(np.isfinite(X)) and np.all(np.isfinite(y))
    if counts is not None:
        assert y.dtype == np.int64
        np.testing.assert_array_equal(np.bincount(y), counts)
    X2, y2 = make(np.random.default_rng(0))  # an int seed means default_rng(seed)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    X3, _ = make(1)
    assert not np.array_equal(X, X3)


def test_noise_free_regression_targets_are_exact():
    x, y = data.noisy_sine(30, noise=0.0, rng=0)
    np.testing.assert_allclose(y, np.sin(2 * np.pi * x))
    assert x.min() >= 0 and x.max() <= 1
    x, y = data.noisy_line(30, slope=-2.0, intercept=1.0, noise=0.0, rng=0)
    np.testing.assert_allclose(y, 1.0 - 2.0 * x)
    assert x.min() >= 0 and x.max() <= 2


def test_noise_free_shapes_lie_on_their_curves():
    X, y = data.moons(100, noise=0.0, rng=0)
    upper = X[y == 0]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    lower = X[y == 1]
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)
    X, y = data.spirals(20, 2, noise=0.0, rng=0)
    np.testing.assert_allclose(np.hypot(X[:20, 0], X[:20, 1]), np.linspace(0, 1, 20))


def test_imbalanced_blobs_minority_is_shifted():
    X, y = data.imbalanced_blobs(4000, 0.25, separation=3.0, rng=0)
    assert y.mean() == 0.25
    assert X[y == 1, 0].mean() - X[y == 0, 0].mean() == pytest.approx(3.0, abs=0.15)
    assert abs(X[y == 1, 1].mean() - X[y == 0, 1].mean()) < 0.15


@pytest.mark.parametrize(("call", "exc", "match"), [
    (lambda: data.spirals(rng=None), TypeError, "rng"),
    (lambda: data.spirals(n_classes=1, rng=0), ValueError, "n_classes"),
    (lambda: data.spirals(noise=-0.1, rng=0), ValueError, "noise"),
    (lambda: data.moons(1, rng=0), ValueError, "n"),
    (lambda: data.moons(noise=float("nan"), rng=0), ValueError, "noise"),
    (lambda: data.noisy_sine(0, rng=0), ValueError, "n"),
    (lambda: data.noisy_line(10.0, rng=0), TypeError, "n"),
    (lambda: data.imbalanced_blobs(minority=1.0, rng=0), ValueError, "minority"),
    (lambda: data.imbalanced_blobs(n_features=0, rng=0), ValueError, "n_features"),
    (lambda: data.moons(10), TypeError, "rng"),
])
def test_generators_reject_bad_arguments(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_minibatches_drop_last_skips_the_short_final_batch():
    X = np.arange(20.0).reshape(10, 2)
    y = np.arange(10)
    batches = list(data.minibatches(X, y, 4, np.random.default_rng(0), drop_last=True))
    assert [len(b[1]) for b in batches] == [4, 4]
    seen = np.concatenate([b[1] for b in batches])
    assert len(set(seen.tolist())) == 8
    in_order = list(data.minibatches(X, y, 4, drop_last=True))
    assert [b[1].tolist() for b in in_order] == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert sum(len(b[1]) for b in data.minibatches(X, y, 5, drop_last=True)) == 10


# ---------------------------------------------------------------- random_shift

def test_random_shift_by_hand():
    X = np.arange(10.0).reshape(2, 5)
    out = data.random_shift(X, 2, np.random.default_rng(0))
    s = np.random.default_rng(0).integers(-2, 3, size=2)
    for row, shift, x in zip(out, s, X, strict=True):
        expected = [x[min(max(t - shift, 0), 4)] for t in range(5)]
        np.testing.assert_array_equal(row, expected)
    assert out.dtype == X.dtype


def test_random_shift_one_step_right_repeats_edge():
    X = np.array([[1.0, 2.0, 3.0, 4.0]])
    seed = next(s for s in range(50) if np.random.default_rng(s).integers(-1, 2, size=1)[0] == 1)
    np.testing.assert_array_equal(data.random_shift(X, 1, seed), [[1.0, 1.0, 2.0, 3.0]])
    with pytest.raises(TypeError, match="rng"):
        data.random_shift(X, 1, "seed")


def test_random_shift_zero_and_channels():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((4, 1, 7)).astype(np.float32)
    np.testing.assert_array_equal(data.random_shift(X, 0, 1), X)
    a = data.random_shift(X, 3, 5)
    b = data.random_shift(X[:, 0, :], 3, 5)
    np.testing.assert_array_equal(a[:, 0, :], b)
    assert a.dtype == np.float32 and a.shape == X.shape


@pytest.mark.parametrize("shift", [-1, 7, 1.5])
def test_random_shift_bad_input(shift):
    with pytest.raises((ValueError, TypeError), match="max_shift"):
        data.random_shift(np.zeros((2, 7)), shift, 0)
    with pytest.raises(ValueError, match="X"):
        data.random_shift(np.zeros(7), 1, 0)
