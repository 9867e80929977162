"""Dropout and alpha dropout: random masks in training mode, the identity at
inference.
"""

from __future__ import annotations

import numpy as np

from .._checks import check_fraction, check_rng
from .activations import SELU_ALPHA, SELU_LAMBDA
from .base import Layer


class Dropout(Layer):
    """Inverted dropout: y = x ⊙ m / (1 − p), m_i ~ Bernoulli(1 − p) (Implements
    {eq}`eq-dropout`).

    Only ``training=True`` drops; inference is the identity, and E[y] = x in both modes.
    Integer inputs are promoted to float64 first, so the scale 1/(1 − p) is not
    truncated.
    """

    def __init__(self, rate: float, rng: np.random.Generator | int) -> None:
        super().__init__()
        self.rate = check_fraction("rate", rate)
        self.rng = check_rng("rng", rng)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        x = self._input(x)
        if not training or self.rate == 0.0:
            self._cache = (None,)
            return self._output(x)
        scaled_mask = (self.rng.random(x.shape) >= self.rate) * (
            1.0 / (1.0 - self.rate)
        )
        scaled_mask = scaled_mask.astype(x.dtype, copy=False)
        self._cache = (scaled_mask,)
        return self._output(x * scaled_mask)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        dout = self._dout(dout)
        (scaled_mask,) = self._cached()
        return dout if scaled_mask is None else dout * scaled_mask

    def __repr__(self) -> str:
        return f"Dropout(rate={self.rate})"


class AlphaDropout(Layer):
    """Alpha dropout for SELU networks (Implements {eq}`eq-alpha-dropout`).

    Dropped units are set to α' = −λα (SELU's negative saturation value) instead of 0,
    then y = a·(x ⊙ m + α'(1 − m)) + b with a = (q + α'²q(1 − q))^(−1/2), b = −a α'(1 −
    q), q = 1 − p, so that standard-normal inputs keep mean 0 and variance 1.
    """

    def __init__(self, rate: float, rng: np.random.Generator | int) -> None:
        super().__init__()
        self.rate = check_fraction("rate", rate)
        self.rng = check_rng("rng", rng)
        q = 1.0 - self.rate
        alpha_p = -SELU_LAMBDA * SELU_ALPHA
        self.alpha_p = alpha_p
        self.a = (q + alpha_p**2 * q * (1.0 - q)) ** -0.5
        self.b = -self.a * alpha_p * (1.0 - q)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        x = self._input(x)
        if not training or self.rate == 0.0:
            self._cache = (None,)
            return self._output(x)
        keep = self.rng.random(x.shape) >= self.rate
        self._cache = (keep,)
        return self._output(self.a * np.where(keep, x, self.alpha_p) + self.b)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        dout = self._dout(dout)
        (keep,) = self._cached()
        return dout if keep is None else dout * keep * self.a  # stays in dout's dtype

    def __repr__(self) -> str:
        return f"AlphaDropout(rate={self.rate})"
