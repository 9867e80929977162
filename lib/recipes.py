"""The book's default recipe for a dense network, and its self-normalising variant.

Chapter 9 collects the defaults the earlier chapters measured into two recipes:

- **default**: He-normal weights ({eq}`eq-init-he`), each hidden block
  Dense → BatchNorm → ReLU ({eq}`eq-dense`, {eq}`eq-bn-normalize`, {eq}`eq-bn-affine`,
  {eq}`eq-relu`), a linear output layer, trained by Adam ({eq}`eq-adam`) with a 1cycle
  schedule applied per step ({eq}`eq-one-cycle`) and an L2 penalty on the weight
  matrices ({eq}`eq-l2`), its peak rate read off a learning-rate range test
  ({eq}`eq-lr-range-test`);
- **self-normalising**: LeCun-normal weights ({eq}`eq-init-lecun`), each hidden block
  Dense → SELU → AlphaDropout ({eq}`eq-selu`, {eq}`eq-alpha-dropout`), no batch
  normalisation, trained the same way.

The dense networks are built from :func:`lib.diagnostics.dense_stack`; the convolutional
one for sequences (:func:`conv_network`, the default recipe carried over to Conv1D
blocks) from :mod:`lib.layers`; all are trained by :func:`lib.train.fit`, and
:func:`fit_recipe` and :func:`range_test_peak` take any of them. This module only fixes
the choices.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._checks import (
    MAX_DEPTH,
    check_fraction,
    check_int,
    check_nonnegative,
    check_positive,
    check_rng,
    check_samples,
    check_size,
)
from .diagnostics import dense_stack
from .layers import (
    SELU,
    AlphaDropout,
    BatchNorm,
    Conv1D,
    Dense,
    Flatten,
    GroupNorm,
    Layer,
    MaxPool1D,
    ReLU,
)
from .losses import SoftmaxCrossEntropy
from .model import Sequential
from .optim import Adam
from .regularizers import l2 as l2_penalty
from .schedules import lr_range_test, one_cycle
from .train import Callback, History, fit


def default_network(
    n_in: int,
    n_out: int,
    rng: np.random.Generator | int,
    *,
    width: int = 128,
    depth: int = 3,
    dtype: type = np.float64,
) -> Sequential:
    """The default dense classifier: ``depth`` blocks Dense(He normal) → BatchNorm →
    ReLU, then Dense(n_out).

    Implements the composition of {eq}`eq-init-he`, {eq}`eq-dense`, {eq}`eq-bn-mean`,
    {eq}`eq-bn-var`, {eq}`eq-bn-normalize`, {eq}`eq-bn-affine` and {eq}`eq-relu`: each
    hidden block computes z = xW + b ({eq}`eq-dense`) with W ~ N(0, 2/n_in)
    ({eq}`eq-init-he`), normalises every unit over the batch, x̂ = (z − μ_B)/√(σ²_B + ε)
    and y = γx̂ + β ({eq}`eq-bn-mean`, {eq}`eq-bn-var`, {eq}`eq-bn-normalize`,
    {eq}`eq-bn-affine`), and applies ReLU(y) = max(0, y) ({eq}`eq-relu`). The output
    layer (He normal too) returns logits for :class:`lib.losses.SoftmaxCrossEntropy`.
    Same as ``dense_stack(n_in, width, depth, "relu", "he_normal", rng, n_out=n_out,
    batch_norm=True)``.
    """
    return dense_stack(
        n_in,
        width,
        depth,
        "relu",
        "he_normal",
        rng,
        n_out=check_int("n_out", n_out),
        batch_norm=True,
        dtype=dtype,
    )


def self_normalizing_network(
    n_in: int,
    n_out: int,
    rng: np.random.Generator | int,
    *,
    width: int = 128,
    depth: int = 3,
    alpha_dropout: float = 0.05,
    dtype: type = np.float64,
) -> Sequential:
    """The self-normalising variant: ``depth`` blocks Dense(LeCun normal) → SELU →
    AlphaDropout, then Dense(n_out).

    Implements the composition of {eq}`eq-init-lecun`, {eq}`eq-dense`, {eq}`eq-selu` and
    {eq}`eq-alpha-dropout`. Weights W ~ N(0, 1/n_in) ({eq}`eq-init-lecun`) and SELU(z) =
    λ·ELU_α(z) with λ ≈ 1.0507, α ≈ 1.6733 ({eq}`eq-selu`) keep activations near mean 0
    and variance 1 without batch normalisation; alpha dropout at rate p =
    ``alpha_dropout`` ({eq}`eq-alpha-dropout`) regularises without breaking that fixed
    point (``alpha_dropout=0`` leaves the dropout layers out). The output layer (LeCun
    normal) returns logits. The dropout layers draw their masks from child generators
    spawned from ``rng`` after the weights are drawn.
    """
    rng = check_rng("rng", rng)
    p = check_fraction("alpha_dropout", alpha_dropout)
    base = dense_stack(
        n_in,
        width,
        depth,
        "selu",
        "lecun_normal",
        rng,
        n_out=check_int("n_out", n_out),
        dtype=dtype,
    )
    streams = iter(rng.spawn(depth))
    layers: list[Layer] = []
    for layer in base.layers:
        layers.append(layer)
        if isinstance(layer, SELU) and p > 0:
            layers.append(AlphaDropout(p, next(streams)))
    return Sequential(layers)


def conv_network(
    in_channels: int,
    length: int,
    n_out: int,
    rng: np.random.Generator | int,
    *,
    channels: int = 32,
    depth: int = 3,
    kernel_size: int = 5,
    norm: str | None = "batch",
    groups: int = 8,
    dtype: type = np.float64,
) -> Sequential:
    """The default recipe for sequences (batch, in_channels, length): ``depth`` blocks
    Conv1D(He normal) → norm → ReLU, a MaxPool1D(2) after every block but the last, then
    Flatten → Dense(n_out).

    Implements the composition of {eq}`eq-conv1d` (``kernel_size`` k, stride 1, padding
    ⌊k/2⌋, so an odd k keeps the length), {eq}`eq-init-he` with the kernel's fan-in
    C_in·k, the normalisation, {eq}`eq-relu`, {eq}`eq-maxpool1d` (halving the length)
    and {eq}`eq-dense` for the logits. ``norm``: ``"batch"`` (BatchNorm per channel over
    batch and length, {eq}`eq-bn-normalize`, {eq}`eq-bn-affine`), ``"group"``
    (GroupNorm with ``groups`` groups, {eq}`eq-groupnorm`), ``"layer"`` (GroupNorm with
    one group: every sample normalised over all its channels and positions) or ``None``.
    With the defaults on MNIST-1D (1 × 40): 40 → 20 → 10 positions, 32·10 features into
    the output layer. ``dtype`` is passed to every layer (``np.float32`` for speed).
    """
    c_in = check_size("in_channels", in_channels)
    length = check_size("length", length)
    n_out = check_int("n_out", n_out)
    channels = check_int("channels", channels)
    depth = check_size("depth", depth, limit=MAX_DEPTH, what="layers")
    k = check_int("kernel_size", kernel_size)
    if norm not in ("batch", "group", "layer", None):
        raise ValueError(
            f"norm must be 'batch', 'group', 'layer' or None, got {norm!r}"
        )
    if norm == "group" and channels % check_int("groups", groups):
        raise ValueError(
            f"groups must divide channels, got groups={groups} and channels={channels}"
        )
    rng = check_rng("rng", rng)
    layers: list[Layer] = []
    for i in range(depth):
        conv = Conv1D(
            c_in if i == 0 else channels,
            channels,
            k,
            padding=k // 2,
            init="he_normal",
            rng=rng,
            dtype=dtype,
        )
        length = conv.output_length(length)
        layers.append(conv)
        if norm == "batch":
            layers.append(BatchNorm(channels, dtype=dtype))
        elif norm is not None:
            layers.append(
                GroupNorm(groups if norm == "group" else 1, channels, dtype=dtype)
            )
        layers.append(ReLU())
        if i < depth - 1:
            if length < 2:
                raise ValueError(
                    f"length is too short for depth={depth}: {length} position(s) left "
                    "before "
                    f"pooling block {i}"
                )
            layers.append(MaxPool1D(2))
            length //= 2
    layers += [
        Flatten(),
        Dense(channels * length, n_out, init="he_normal", rng=rng, dtype=dtype),
    ]
    return Sequential(layers)


def range_test_peak(
    model: Sequential,
    X: np.ndarray,
    y: np.ndarray,
    *,
    batch_size: int,
    rng: np.random.Generator | int,
    epochs: int = 3,
    lr_min: float = 1e-5,
    lr_max: float = 1.0,
    smoothing: float = 0.9,
) -> float:
    """The rate at the lowest smoothed loss of an Adam range test on ``model``
    (Implements {eq}`eq-lr-range-test`).

    Runs :func:`lib.schedules.lr_range_test` with :class:`lib.optim.Adam`, the softmax
    cross-entropy, a sweep η_k = η_min (η_max/η_min)^(k/(K−1)) over ``epochs`` epochs
    and the bias-corrected moving average of the losses with β = ``smoothing``; returns
    η_k at argmin_k of the smoothed loss L̄_k. The model's weights are left untouched.
    This is the peak rate the recipes use for 1cycle (not the min/10 reading, which
    suits a constant rate).
    """
    rates, losses = lr_range_test(
        model,
        SoftmaxCrossEntropy(),
        Adam(lr_min),
        X,
        y,
        lr_min=lr_min,
        lr_max=lr_max,
        batch_size=batch_size,
        rng=rng,
        epochs=epochs,
        smoothing=smoothing,
    )
    if len(rates) == 0:
        raise ValueError(
            "the range test produced no finite loss; check the data and lower lr_min"
        )
    return float(rates[np.argmin(losses)])


def fit_recipe(
    model: Sequential,
    X: np.ndarray,
    y: np.ndarray,
    *,
    epochs: int,
    batch_size: int,
    rng: np.random.Generator | int,
    max_lr: float,
    l2: float = 1e-4,
    validation: tuple[np.ndarray, np.ndarray] | None = None,
    callbacks: Sequence[Callback] = (),
) -> History:
    """Train a classifier the recipe's way: Adam, 1cycle per step, L2 penalty on the
    weights.

    Implements {eq}`eq-minibatch-sgd` with the Adam update, the 1cycle rate and the L2
    gradient. The optimizer is Adam ({eq}`eq-adam-m`, {eq}`eq-adam-s`,
    {eq}`eq-adam-hat`, {eq}`eq-adam`) with its default β1 = 0.9, β2 = 0.999, ε = 1e-8;
    its rate follows ``one_cycle(epochs · steps_per_epoch, max_lr)`` step by step
    ({eq}`eq-one-cycle`: up from max_lr/25 over the first 45 % of the steps, back down,
    then annealed to max_lr/2.5·10⁵); the penalty λΣW² with λ = ``l2`` ({eq}`eq-l2`,
    Keras' convention, ``l2=0`` for none) is added to every weight matrix's gradient.
    The loss is the softmax cross-entropy on integer labels. Returns the
    :class:`lib.train.History` of :func:`lib.train.fit` (training metrics re-evaluated
    in inference mode).
    """
    epochs = check_int("epochs", epochs)
    batch_size = check_int("batch_size", batch_size)
    max_lr = check_positive("max_lr", max_lr)
    lam = check_nonnegative("l2", l2)
    X, y = check_samples(X, y)
    if epochs * -(-len(X) // batch_size) < 3:
        raise ValueError(
            f"epochs={epochs} of batches of batch_size={batch_size} from "
            f"{len(X)} samples give fewer than 3 steps, too few for the "
            "one-cycle schedule; raise epochs or lower batch_size"
        )
    steps = epochs * -(-len(X) // batch_size)
    return fit(
        model,
        SoftmaxCrossEntropy(),
        Adam(max_lr),
        X,
        y,
        epochs=epochs,
        batch_size=batch_size,
        rng=rng,
        validation=validation,
        schedule=one_cycle(steps, max_lr),
        schedule_per="step",
        regularizer=l2_penalty(lam) if lam > 0 else None,
        callbacks=callbacks,
    )
