"""Layers with ``forward(x, training=False)`` and ``backward(dout) -> dx``, by family.

A layer keeps its trainable arrays in ``params`` and their gradients, with the same keys
and shapes, in ``grads``; ``backward`` overwrites ``grads`` in place and ``forward``
reads ``params`` at call time, so that the flat dictionaries of
:class:`lib.model.Sequential` stay valid and a container may rebind them
(``Layer.rebind``). Non-trainable state (batch-norm running statistics) lives in
``buffers``. Every layer works on a batch — (batch, features) for dense layers, (batch,
channels, length) for sequences — and nothing loops over samples. Python lists and
integer arrays are accepted as input (promoted to float64); a ``dout`` of the wrong
shape is refused by name.

- ``base``: ``Layer``; ``dense``: ``Dense``;
- ``activations``: ``ReLU``, ``LeakyReLU``, ``ELU``, ``SELU``, ``Sigmoid``, ``Tanh``;
- ``dropout``: ``Dropout``, ``AlphaDropout``;
- ``normalization``: ``BatchNorm``, ``LayerNorm``, ``GroupNorm``;
- ``conv``: ``Conv1D``, ``MaxPool1D``, ``GlobalAvgPool1D``, ``Flatten``;
- ``residual``: ``Residual``.
"""

from .activations import (
    ELU,
    SELU,
    SELU_ALPHA,
    SELU_LAMBDA,
    LeakyReLU,
    ReLU,
    Sigmoid,
    Tanh,
    sigmoid,
)
from .base import Layer
from .conv import Conv1D, Flatten, GlobalAvgPool1D, MaxPool1D
from .dense import Dense
from .dropout import AlphaDropout, Dropout
from .normalization import BatchNorm, GroupNorm, LayerNorm
from .residual import Residual

__all__ = [
    "ELU",
    "SELU",
    "SELU_ALPHA",
    "SELU_LAMBDA",
    "AlphaDropout",
    "BatchNorm",
    "Conv1D",
    "Dense",
    "Dropout",
    "Flatten",
    "GlobalAvgPool1D",
    "GroupNorm",
    "Layer",
    "LayerNorm",
    "LeakyReLU",
    "MaxPool1D",
    "ReLU",
    "Residual",
    "Sigmoid",
    "Tanh",
    "sigmoid",
]
