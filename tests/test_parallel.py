"""lib.parallel: the same results in input order for any number of workers; the default worker count."""

import numpy as np
import pytest

from lib import data, layers, losses, optim, parallel, train
from lib.model import Sequential


def train_digits_subset(seed):
    """A short float32 training run: enough BLAS work for a thread count or reduction order to show."""
    s = data.digits_splits(0, dtype=np.float32)
    rng = np.random.default_rng(seed)
    net = Sequential([layers.Dense(64, 32, "he_normal", rng, dtype=np.float32), layers.ReLU(),
                      layers.Dense(32, 10, rng=rng, dtype=np.float32)])
    train.fit(net, losses.SoftmaxCrossEntropy(), optim.Adam(0.01), s.X_train[:300], s.y_train[:300],
              epochs=2, batch_size=32, rng=seed)
    return net.flat_params.copy()


def test_one_and_two_workers_give_identical_arrays_in_input_order():
    seeds = [3, 1, 2]
    one = parallel.map_seeds(train_digits_subset, seeds, n_jobs=1)
    two = parallel.map_seeds(train_digits_subset, seeds, n_jobs=2)
    assert len(one) == len(two) == 3
    for a, b in zip(one, two, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(one[0], one[1])  # different seeds, different runs: order is checked
    np.testing.assert_array_equal(one[1], train_digits_subset(1))


def test_locally_defined_functions_and_lambdas_are_pickled():
    offset = 10.0

    def local(a, b):  # a closure, as a notebook cell would define
        return np.full(2, a * b + offset)

    out = parallel.run(local, [(1, 2), (3, 4)], n_jobs=2)
    np.testing.assert_array_equal(out, [[12.0, 12.0], [22.0, 22.0]])
    assert parallel.run(lambda x: x * x, [(i,) for i in range(5)], n_jobs=2) == [0, 1, 4, 9, 16]
    assert parallel.map_seeds(lambda s, k: s + k, [1, 2], n_jobs=2, k=100) == [101, 102]


def test_workers_run_one_blas_thread():
    def blas_threads():
        from threadpoolctl import threadpool_info

        return max((d["num_threads"] for d in threadpool_info() if d["user_api"] == "blas"), default=1)

    assert parallel.run(blas_threads, [(), ()], n_jobs=2) == [1, 1]
    assert parallel.run(blas_threads, [()], n_jobs=1) == [1]


def test_default_n_jobs_rule(monkeypatch):
    monkeypatch.delenv("LIB_N_JOBS", raising=False)
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    assert parallel.default_n_jobs() == parallel.usable_cores() >= 1
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")  # the test runner already uses every core
    assert parallel.default_n_jobs() == 1
    monkeypatch.setenv("LIB_N_JOBS", "3")  # an explicit setting wins
    assert parallel.default_n_jobs() == 3
    for bad in ("0", "two", "-1"):
        monkeypatch.setenv("LIB_N_JOBS", bad)
        with pytest.raises(ValueError, match="LIB_N_JOBS"):
            parallel.default_n_jobs()


def test_bad_arguments():
    with pytest.raises(TypeError, match="fn"):
        parallel.run(3, [(1,)])
    with pytest.raises(TypeError, match="tuple of arguments"):
        parallel.run(abs, [1, 2])
    with pytest.raises(ValueError, match="n_jobs"):
        parallel.run(abs, [(1,)], n_jobs=0)
    assert parallel.run(abs, [], n_jobs=2) == []
