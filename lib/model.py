"""A stack of layers trained as one function."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .layers import Layer
from .layers.base import check_distinct


class Sequential:
    """f(x) = layer_L(… layer_1(x)), with backpropagation through the layers in reverse.

    ``params`` and ``grads`` are flat dicts keyed ``"<layer index>.<name>"`` (``"0.W"``,
    ``"2.b"``) whose values are the layers' own arrays, so an optimizer that updates
    ``params`` in place updates the layers. Weight matrices (keys ending in ``.W``) are
    what regularizers penalise; biases and batch-norm scales are left alone.

    All parameters live in ONE contiguous array, ``flat_params``, and all gradients in
    ``flat_grads``: each layer's ``params[k]``/``grads[k]`` is a view into them (set
    with :meth:`lib.layers.Layer.rebind`). An optimizer can therefore update every
    parameter with one call over one array, ``optimizer.step(*model.flat())``, which
    gives the same numbers as ``optimizer.step(model.params, model.grads)`` key by key
    (the update rules are element-wise) at a fraction of the cost of a NumPy call per
    array. A model has one dtype: layers of mixed dtypes are refused.
    """

    def __init__(self, layers: Iterable[Layer]) -> None:
        self.layers = list(layers)
        if not self.layers:
            raise ValueError(
                "layers must contain at least one layer, got an empty list"
            )
        for i, layer in enumerate(self.layers):
            if not isinstance(layer, Layer):
                raise TypeError(
                    f"layers[{i}] must be a lib.layers.Layer, got "
                    f"{type(layer).__name__}"
                )
        check_distinct(self.layers)
        self.buffers = {
            f"{i}.{k}": v
            for i, l in enumerate(self.layers)
            for k, v in l.buffers.items()
        }
        dtypes = {v.dtype for v in self.params.values()}
        if len(dtypes) > 1:
            found = ", ".join(f"{k}: {v.dtype}" for k, v in self.params.items())
            raise TypeError(
                "layers must all have one dtype (pass the same dtype= to every "
                f"layer), got {found}"
            )
        self.dtype = dtypes.pop() if dtypes else np.dtype(np.float64)
        self._flatten()

    @property
    def params(self) -> dict[str, np.ndarray]:
        """Every layer's parameters, keyed ``"<layer index>.<name>"`` (views into
        ``flat_params``).
        """
        return {
            f"{i}.{k}": v
            for i, l in enumerate(self.layers)
            for k, v in l.params.items()
        }

    @property
    def grads(self) -> dict[str, np.ndarray]:
        """Every layer's gradients, with the keys of ``params`` (views into
        ``flat_grads``).
        """
        return {
            f"{i}.{k}": v for i, l in enumerate(self.layers) for k, v in l.grads.items()
        }

    def _flatten(self) -> None:
        """Copy every parameter and gradient into one buffer each; make the layers
        use views of them.
        """
        params, grads = self.params, self.grads
        n = sum(v.size for v in params.values())
        self.flat_params = np.empty(n, dtype=self.dtype)
        self.flat_grads = np.zeros(n, dtype=self.dtype)
        self._views: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        start = 0
        for key, v in params.items():
            i, name = key.split(".", 1)
            p = self.flat_params[start : start + v.size].reshape(v.shape)
            g = self.flat_grads[start : start + v.size].reshape(v.shape)
            p[...] = v
            g[...] = grads[key]
            self.layers[int(i)].rebind(name, p, g)
            self._views[key] = (p, g)
            start += v.size

    def flat(self) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """``({"model": flat_params}, {"model": flat_grads})``, to step every parameter
        at once.

        If a layer's arrays were replaced since (a layer shared with a newer model,
        ``layer.params[k] = new_array``, a deep copy or a pickled model), the buffers
        are rebuilt from the layers' current values first, so the flat arrays are always
        the ones the layers compute with.
        """
        params, grads = self.params, self.grads
        if params.keys() != self._views.keys() or any(
            params[k] is not p
            or grads[k] is not g
            or p.base is not self.flat_params
            or g.base is not self.flat_grads
            for k, (p, g) in self._views.items()
        ):
            # also after copy.deepcopy or pickling, which turn views into copies
            self._flatten()
        return {"model": self.flat_params}, {"model": self.flat_grads}

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
        """The parameters a penalty applies to: weight matrices, plus dense biases if
        asked.
        """
        if not include_biases:
            return self.weight_keys
        return [k for k in self.params if k.endswith((".W", ".b"))]

    def penalty(self, regularizer, include_biases: bool = False) -> float:
        """Σ over weight matrices (and biases if asked) of
        ``regularizer.penalty(W)``.
        """
        return float(
            sum(
                regularizer.penalty(self.params[k])
                for k in self.penalized_keys(include_biases)
            )
        )

    def add_penalty_grad(self, regularizer, include_biases: bool = False) -> None:
        """Add ``regularizer.grad(W)`` to the gradient of each penalised parameter,
        in place.
        """
        for k in self.penalized_keys(include_biases):
            self.grads[k] += regularizer.grad(self.params[k])

    def state_dict(self) -> dict[str, np.ndarray]:
        """Copies of every parameter and buffer, to restore later with
        ``load_state_dict``.
        """
        return {k: v.copy() for k, v in {**self.params, **self.buffers}.items()}

    def load_state_dict(self, state: dict[str, np.ndarray]) -> None:
        """Copy ``state`` (from ``state_dict``) back into the layers' arrays in
        place.
        """
        own = {**self.params, **self.buffers}
        if set(state) != set(own):
            raise ValueError(
                f"state keys {sorted(state)} do not match the model's {sorted(own)}"
            )
        state = {k: np.asarray(v) for k, v in state.items()}
        # check everything first, so a bad state changes nothing
        for k, v in state.items():
            if v.shape != own[k].shape:
                raise ValueError(
                    f"state[{k!r}] has shape {v.shape}, expected {own[k].shape}"
                )
            if v.dtype.kind not in "biuf":
                raise TypeError(f"state[{k!r}] must be numeric, got dtype {v.dtype}")
            if v.dtype.kind == "f" and not np.all(np.isfinite(v)):
                raise ValueError(
                    f"state[{k!r}] contains NaN or inf values; the model "
                    "was left unchanged"
                )
        for k, v in state.items():
            own[k][...] = v

    def n_params(self) -> int:
        """Number of trainable scalars."""
        return int(sum(v.size for v in self.params.values()))

    def __repr__(self) -> str:
        inner = ",\n  ".join(repr(layer) for layer in self.layers)
        return f"Sequential([\n  {inner},\n])"
