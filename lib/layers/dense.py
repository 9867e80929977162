"""The fully connected layer."""

from __future__ import annotations

import numpy as np

from .. import init as _init
from .._checks import check_float_dtype, check_size
from .base import Layer


class Dense(Layer):
    """Fully connected layer y = xW + b with W of shape (n_in, n_out) (Implements
    {eq}`eq-dense`).

    Backward: ∂L/∂W = xᵀ δ, ∂L/∂b = Σ_batch δ, ∂L/∂x = δ Wᵀ (Implements
    {eq}`eq-dense-backward`). ``init`` is the name of a function in :mod:`lib.init` or a
    callable ``f(fan_in, fan_out, rng) -> W``; the bias starts at zero.
    """

    def __init__(
        self,
        n_in: int,
        n_out: int,
        init: str | _init.Initializer = "glorot_uniform",
        rng: np.random.Generator | int | None = None,
        *,
        dtype: type = np.float64,
    ) -> None:
        super().__init__()
        self.n_in = check_size("n_in", n_in)
        self.n_out = check_size("n_out", n_out)
        dtype = check_float_dtype("dtype", dtype, half=False)
        f = _init.get(init)
        self.init_name = getattr(f, "__name__", repr(f))
        if rng is None and f is not _init.zeros:
            raise TypeError(
                f"Dense(init={self.init_name!r}) needs rng= (a numpy Generator or seed)"
            )
        W = np.asarray(f(self.n_in, self.n_out, rng), dtype=dtype)
        if W.shape != (self.n_in, self.n_out):
            raise ValueError(
                f"init returned shape {W.shape}, expected {(self.n_in, self.n_out)}"
            )
        self.params = {"W": W, "b": np.zeros(self.n_out, dtype=dtype)}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        x = self._input(x)
        if x.ndim != 2 or x.shape[1] != self.n_in:
            raise ValueError(
                f"x must have shape (batch, {self.n_in}) for {self!r}, got {x.shape}"
            )
        self._cache = (x,)
        out = x @ self.params["W"]
        out += self.params["b"]  # in place: no second (batch, n_out) array
        return self._output(out)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        dout = self._dout(dout)
        (x,) = self._cached()
        np.matmul(x.T, dout, out=self.grads["W"])
        np.sum(dout, axis=0, out=self.grads["b"])
        return dout @ self.params["W"].T

    def __repr__(self) -> str:
        return f"Dense({self.n_in}, {self.n_out}, init={self.init_name!r})"
