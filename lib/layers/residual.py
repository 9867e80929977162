"""Residual connections: y = x + f(x)."""

from __future__ import annotations

import numpy as np

from .base import Layer, check_distinct


class Residual(Layer):
    """y = x + f(x), f the given layers applied in order (He et al., 2016) (Implements
    {eq}`eq-residual`).

    Backward: ∂L/∂x = δ + J_fᵀ δ, the gradient through the identity plus the gradient
    through the branch. f(x) must have the shape of x (a ValueError otherwise).

    A container: ``params``, ``grads`` and ``buffers`` are flat dicts keyed
    ``"<inner index>.<name>"`` whose values ARE the inner layers' arrays (``"0.W"`` is
    ``layers[0].params["W"]``); :meth:`rebind` routes a key to the inner layer's own
    ``rebind`` and updates these dicts, so views handed down by ``Sequential`` reach the
    inner layers. Rebind inner layers only through the container.
    """

    def __init__(self, *layers: Layer) -> None:
        super().__init__()
        if not layers:
            raise ValueError(
                "Residual needs at least one layer for its branch f, got none"
            )
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(
                    f"layers[{i}] must be a lib.layers.Layer, got "
                    f"{type(layer).__name__}"
                )
        self.layers = list(layers)
        check_distinct(self.layers)
        self.params = {
            f"{i}.{k}": v
            for i, l in enumerate(self.layers)
            for k, v in l.params.items()
        }
        self.grads = {
            f"{i}.{k}": v for i, l in enumerate(self.layers) for k, v in l.grads.items()
        }
        self.buffers = {
            f"{i}.{k}": v
            for i, l in enumerate(self.layers)
            for k, v in l.buffers.items()
        }

    def rebind(self, key: str, param: np.ndarray, grad: np.ndarray) -> None:
        """Route ``"i.name"`` to ``layers[i].rebind(name, ...)`` and update the flat
        dicts.
        """
        if key not in self.params:
            raise KeyError(
                f"key must be one of {sorted(self.params)} for {type(self).__name__}, "
                f"got {key!r}"
            )
        i, name = key.split(".", 1)
        self.layers[int(i)].rebind(name, param, grad)
        self.params[key] = param
        self.grads[key] = grad

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        x = self._input(x)
        h = x
        for layer in self.layers:
            h = layer.forward(h, training)
        if h.shape != x.shape:
            raise ValueError(
                f"the branch f of {self!r} maps x of shape {x.shape} "
                f"to shape {h.shape}; y = x + f(x) needs the same shape"
            )
        self._cache = (True,)
        return self._output(x + h)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        dout = self._dout(dout)
        d = dout
        for layer in reversed(self.layers):
            d = layer.backward(d)
        return dout + d

    def __repr__(self) -> str:
        return f"Residual({', '.join(repr(layer) for layer in self.layers)})"
