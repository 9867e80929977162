"""The bit-identical speed-ups of the training step (issue 14) give the old numbers."""

import numpy as np
import pytest

from lib import losses, train
from lib.layers import ReLU


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_one_hot_rows_from_the_stored_identity(dtype):
    z = np.random.default_rng(0).standard_normal((7, 4)).astype(dtype)
    t = np.array([3, 0, 1, 1, 2, 0, 3])
    rows = losses._target_rows(z, t)
    expected = np.zeros_like(z)
    expected[np.arange(7), t] = 1.0
    assert rows.dtype == dtype and np.array_equal(rows, expected)
    rows[0, 0] = 5.0  # a caller's copy: writing to it leaves the stored identity alone
    assert np.array_equal(losses._target_rows(z, t), expected)


def test_batch_accuracy_is_np_mean_exactly():
    rng = np.random.default_rng(1)
    loss = losses.SoftmaxCrossEntropy()
    for n in (1, 3, 7, 64, 1000):
        out, y = rng.standard_normal((n, 10)), rng.integers(0, 10, n)
        got = train._batch_accuracy(loss, out, y)
        assert got == float(np.mean(y == out.argmax(axis=1)))


@pytest.mark.parametrize("x_dtype, d_dtype", [(np.float32, np.float32), (np.float64, np.float32),
                                              (np.float32, np.float64), (np.float64, np.float64)])
def test_relu_float_mask_same_numbers_and_dtypes(x_dtype, d_dtype):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((5, 6)).astype(x_dtype)
    x[0, :3] = [0.0, -0.0, np.nan]
    dout = rng.standard_normal((5, 6)).astype(d_dtype)
    relu = ReLU()
    y = relu.forward(x, training=True)
    mask = x > 0
    assert y.dtype == x.dtype and (x * mask).tobytes() == y.tobytes()
    dx = relu.backward(dout)
    assert dx.dtype == (dout * mask).dtype and (dout * mask).tobytes() == dx.tobytes()
