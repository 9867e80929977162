"""The base class every layer derives from, and the input checks they share.

A layer keeps its trainable arrays in ``params`` and their gradients, with the same keys
and shapes, in ``grads``; ``backward`` overwrites ``grads`` in place and ``forward``
reads ``params`` at call time, so that a container (``Sequential``, ``Residual``) may
hand the layer views into a larger buffer (``rebind``). Non-trainable state (batch-norm
running statistics) lives in ``buffers``. Every layer works on a whole batch: nothing
loops over samples.
"""

from __future__ import annotations

import numpy as np


def as_input(x: object, layer: Layer) -> np.ndarray:
    """``x`` as a floating-point array: array-likes via ``np.asarray``, integers
    promoted.

    Integer and boolean arrays are valid inputs; they are promoted to float64 so that no
    layer truncates (a slope α = 0.5 or a dropout scale 1/(1 − p) applied to an integer
    array would be rounded away). float16 input is promoted to float32: its largest
    value, 65504, overflows in a square (a normalisation layer's variance of entries of
    300 would be inf). Layers themselves are float32 or float64 (their ``dtype=``).
    Non-numeric input is a TypeError naming the layer.
    """
    arr = np.asarray(x)
    kind = arr.dtype.kind
    if kind == "f":
        return arr if arr.dtype.itemsize >= 4 else arr.astype(np.float32)
    if kind in "biu":
        return arr.astype(np.float64)
    raise TypeError(f"x must be a numeric array for {layer!r}, got dtype {arr.dtype}")


def check_distinct(layers: list[Layer]) -> None:
    """Refuse a layer instance that occurs twice among ``layers`` (inner layers too).

    A layer keeps the input of its last ``forward`` for ``backward`` (and its gradients
    in one array), so an instance used at two positions would backpropagate the second
    position's cache through both: silently wrong gradients.
    """
    seen: dict[int, str] = {}

    def walk(items: list[Layer], prefix: str) -> None:
        for i, layer in enumerate(items):
            where = f"{prefix}{i}"
            if id(layer) in seen:
                raise ValueError(
                    f"layers[{where}] is the same {layer!r} instance as "
                    f"layers[{seen[id(layer)]}]; "
                    f"a layer remembers its last input for backward, so every position "
                    f"needs its own instance (create another {type(layer).__name__})"
                )
            seen[id(layer)] = where
            inner = getattr(layer, "layers", None)
            if isinstance(inner, list):
                walk(inner, f"{where}.")

    walk(list(layers), "")


class Layer:
    """Base class: no parameters, identity ``repr`` of the constructor arguments."""

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.buffers: dict[str, np.ndarray] = {}
        self._cache: tuple | None = None
        self._out_shape: tuple[int, ...] | None = None

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dout: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def rebind(self, key: str, param: np.ndarray, grad: np.ndarray) -> None:
        """Use ``param`` and ``grad`` as the arrays of parameter ``key`` from now on.

        :class:`lib.model.Sequential` calls this with views into its flat buffers, after
        copying the current values in; a container layer (:class:`Residual`) overrides
        it to route ``"i.name"`` keys to its inner layers. An unknown key is a KeyError.
        """
        if key not in self.params:
            raise KeyError(
                f"key must be one of {sorted(self.params)} for {self!r}, got {key!r}"
            )
        self.params[key] = param
        self.grads[key] = grad

    def _cached(self) -> tuple:
        if self._cache is None:
            raise RuntimeError(f"{type(self).__name__}.backward called before forward")
        return self._cache

    def _input(self, x: object) -> np.ndarray:
        return as_input(x, self)

    def _output(self, out: np.ndarray) -> np.ndarray:
        """Remember the shape of the forward output, which ``backward`` checks
        ``dout`` against.
        """
        self._out_shape = out.shape
        return out

    def _dout(self, dout: object) -> np.ndarray:
        """``dout`` as an array of the forward output's shape, or a ValueError saying
        which shape.
        """
        self._cached()
        d = np.asarray(dout)
        if d.dtype.kind in "biu":
            d = d.astype(np.float64)
        elif d.dtype.kind != "f":
            raise TypeError(
                f"dout must be a numeric array for {self!r}, got dtype {d.dtype}"
            )
        if d.shape != self._out_shape:
            raise ValueError(
                f"dout must have shape {self._out_shape} (the shape of the last "
                "forward "
                f"output of {self!r}), got {d.shape}"
            )
        return d

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
