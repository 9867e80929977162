"""A stack of layers trained as one function."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .layers import Layer


class Sequential:
    """f(x) = layer_L(… layer_1(x)), with backpropagation through the layers in reverse.

    ``params`` and ``grads`` are flat dicts keyed ``"<layer index>.<name>"`` (``"0.W"``,
    ``"2.b"``) whose values are the layers' own arrays, so an optimizer that updates
    ``params`` in place updates the layers. Weight matrices (keys ending in ``.W``) are
    what regularizers penalise; biases and batch-norm scales are left alone.
    """

    def __init__(self, layers: Iterable[Layer]) -> None:
        self.layers = list(layers)
        if not self.layers:
            raise ValueError("layers must contain at least one layer, got an empty list")
        for i, layer in enumerate(self.layers):
            if not isinstance(layer, Layer):
                raise TypeError(f"layers[{i}] must be a lib.layers.Layer, got {type(layer).__name__}")
        self.params = {f"{i}.{k}": v for i, l in enumerate(self.layers) for k, v in l.params.items()}
        self.grads = {f"{i}.{k}": v for i, l in enumerate(self.layers) for k, v in l.grads.items()}
        self.buffers = {f"{i}.{k}": v for i, l in enumerate(self.layers) for k, v in l.buffers.items()}

    @property
    def weight_keys(self) -> list[str]:
        """Keys of the weight matrices, the parameters a penalty applies to."""
        return [k for k in self.params if k.endswith(".W")]

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x, training)
        return x

    def backward(self, dloss: np.ndarray) -> np.ndarray:
        """Backpropagate ∂L/∂output; fills ``grads`` and returns ∂L/∂x."""
        for layer in reversed(self.layers):
            dloss = layer.backward(dloss)
        return dloss

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The network's output in inference mode (logits for a classifier)."""
        return self.forward(x, training=False)

    def penalized_keys(self, include_biases: bool = False) -> list[str]:
        """The parameters a penalty applies to: weight matrices, plus dense biases if asked."""
        if not include_biases:
            return self.weight_keys
        return [k for k in self.params if k.endswith((".W", ".b"))]

    def penalty(self, regularizer, include_biases: bool = False) -> float:
        """Σ over weight matrices (and biases if asked) of ``regularizer.penalty(W)``."""
        return float(sum(regularizer.penalty(self.params[k]) for k in self.penalized_keys(include_biases)))

    def add_penalty_grad(self, regularizer, include_biases: bool = False) -> None:
        """Add ``regularizer.grad(W)`` to the gradient of each penalised parameter, in place."""
        for k in self.penalized_keys(include_biases):
            self.grads[k] += regularizer.grad(self.params[k])

    def state_dict(self) -> dict[str, np.ndarray]:
        """Copies of every parameter and buffer, to restore later with ``load_state_dict``."""
        return {k: v.copy() for k, v in {**self.params, **self.buffers}.items()}

    def load_state_dict(self, state: dict[str, np.ndarray]) -> None:
        """Copy ``state`` (from ``state_dict``) back into the layers' arrays in place."""
        own = {**self.params, **self.buffers}
        if set(state) != set(own):
            raise ValueError(f"state keys {sorted(state)} do not match the model's {sorted(own)}")
        state = {k: np.asarray(v) for k, v in state.items()}
        for k, v in state.items():  # check everything first, so a bad state changes nothing
            if v.shape != own[k].shape:
                raise ValueError(f"state[{k!r}] has shape {v.shape}, expected {own[k].shape}")
        for k, v in state.items():
            own[k][...] = v

    def n_params(self) -> int:
        """Number of trainable scalars."""
        return int(sum(v.size for v in self.params.values()))

    def __repr__(self) -> str:
        inner = ",\n  ".join(repr(layer) for layer in self.layers)
        return f"Sequential([\n  {inner},\n])"
