"""A bad-input campaign over lib's public API (issue 20); not run by ``make test``.

Every case below is a public function or class of lib with a set of VALID arguments.
The campaign first checks that the valid call works, then replaces one argument at a
time by bad values of the kinds a careless or curious reader passes: NaN, ±inf,
negative, zero, huge, fractional where an integer belongs, strings, None, empty and
wrong-shape arrays, integer / complex / float16 / object dtypes, Python lists, scores
where labels belong. Each call runs under a per-call timeout (``signal.alarm``) and is
classified:

- ``hang``: the call did not return within the timeout;
- ``unhelpful``: it raised something other than ValueError/TypeError (an AttributeError
  deep inside, a LinAlgError, a MemoryError, ...), or a ValueError/TypeError whose
  message does not name the argument;
- ``silent``: it returned a result holding NaN or inf, or it accepted a value that is
  never valid (NaN, inf, a string, a complex or object array) without a word;
- ``ok``: a clear error naming the argument;
- ``accepted``: it returned a finite result for a value that may well be valid (0, a
  list, an integer array, float16, ...); listed with ``-v`` for review.

Run: ``.venv/bin/python scripts/probe_bad_input.py [-v] [--timeout 2]``. Prints the
counts per class and every hang, unhelpful and silent probe.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import signal
import sys
import warnings
from collections import Counter
from collections.abc import Callable

import numpy as np

from lib import (
    averaging,
    data,
    diagnostics,
    functions,
    gp,
    gradcheck,
    init,
    layers,
    losses,
    metrics,
    model,
    optim,
    recipes,
    regularizers,
    schedules,
    search,
    stats,
    train,
    validation,
)

NEVER_VALID = "never-valid"  # a value no argument of lib accepts (NaN, a string, ...)
MAYBE = "maybe"  # a value some arguments legitimately accept


class Timeout(Exception):
    pass


def _alarm(*_):
    raise Timeout


# ------------------------------------------------------------------ bad values by kind
def bad_floats() -> list[tuple[str, object, str]]:
    return [
        ("nan", math.nan, NEVER_VALID),
        ("inf", math.inf, NEVER_VALID),
        ("-inf", -math.inf, NEVER_VALID),
        ("-1.0", -1.0, MAYBE),
        ("0.0", 0.0, MAYBE),
        ("1e308", 1e308, MAYBE),
        ("'0.1'", "0.1", NEVER_VALID),
        ("None", None, MAYBE),
        ("True", True, MAYBE),
        ("[0.1]", [0.1], NEVER_VALID),
    ]


def bad_ints() -> list[tuple[str, object, str]]:
    return [
        ("0", 0, MAYBE),
        ("-1", -1, MAYBE),
        ("10**12", 10**12, MAYBE),
        ("2.5", 2.5, NEVER_VALID),
        ("nan", math.nan, NEVER_VALID),
        ("'3'", "3", NEVER_VALID),
        ("None", None, MAYBE),
        ("True", True, MAYBE),
    ]


def bad_arrays(a: np.ndarray) -> list[tuple[str, object, str]]:
    out = []
    if a.dtype.kind == "f":
        nan = a.copy()
        nan.flat[0] = np.nan
        inf = a.copy()
        inf.flat[-1] = np.inf
        out += [
            ("NaN entry", nan, NEVER_VALID),
            ("inf entry", inf, NEVER_VALID),
            ("x*1e300", a * 1e300, MAYBE),
            ("float16", a.astype(np.float16), MAYBE),
            ("int", np.round(a).astype(np.int64), MAYBE),
        ]
    else:
        frac = a.astype(float) + 0.5
        out += [
            ("fractional", frac, MAYBE),
            ("negative", -a.astype(np.int64) - 1, MAYBE),
            (
                "float NaN",
                np.where(
                    np.arange(a.size).reshape(a.shape) == 0, np.nan, a.astype(float)
                ),
                NEVER_VALID,
            ),
        ]
    out += [
        ("complex", a.astype(complex) + 1j, NEVER_VALID),
        ("strings", a.astype(str), NEVER_VALID),
        ("object", a.astype(object), MAYBE),
        ("empty", a[:0], MAYBE),
        ("one row", a[:1], MAYBE),
        ("extra axis", a[None], MAYBE),
        ("list", a.tolist(), MAYBE),
        ("scalar", a.flat[0], MAYBE),
        ("None", None, MAYBE),
    ]
    if a.ndim >= 2:
        out.append(("flattened", a.reshape(-1), MAYBE))
    return out


def bad_generic(v: object) -> list[tuple[str, object, str]]:
    if isinstance(v, bool):
        return [("'yes'", "yes", NEVER_VALID), ("2", 2, MAYBE), ("None", None, MAYBE)]
    if isinstance(v, str):
        return [
            ("'nonsense'", "nonsense", NEVER_VALID),
            ("None", None, MAYBE),
            ("5", 5, NEVER_VALID),
        ]
    if isinstance(v, np.random.Generator):
        return [
            ("None", None, MAYBE),
            ("1.5", 1.5, NEVER_VALID),
            ("'x'", "x", NEVER_VALID),
            ("-1", -1, MAYBE),
        ]
    if isinstance(v, int | np.integer):
        return bad_ints()
    if isinstance(v, float):
        return bad_floats()
    if isinstance(v, np.ndarray):
        return bad_arrays(v)
    if isinstance(v, dict):
        return [
            ("{}", {}, MAYBE),
            ("None", None, MAYBE),
            ("list", list(v.values()), MAYBE),
        ]
    if isinstance(v, list | tuple):
        return [
            ("[]", [], MAYBE),
            ("None", None, MAYBE),
            ("'abc'", "abc", NEVER_VALID),
            ("[nan]", [math.nan] * max(1, len(v)), NEVER_VALID),
        ]
    if callable(v):
        return [("None", None, MAYBE), ("5", 5, NEVER_VALID)]
    return [("None", None, MAYBE), ("5", 5, MAYBE), ("'x'", "x", NEVER_VALID)]


# ------------------------------------------------------------------ valid calls
rng0 = np.random.default_rng(0)
X2 = rng0.standard_normal((12, 3))
Y2 = np.array([0, 1, 2] * 4)
BIN = np.array([0, 1, 1, 0, 1, 0, 1, 1, 0, 0])
SCORE = np.linspace(0.05, 0.95, 10)
PRED_A = np.array([0, 1, 0, 0, 1, 0, 1, 1, 1, 0])
PRED_B = np.array([1, 1, 1, 0, 0, 0, 1, 0, 0, 0])
SEEDS_A = np.array([0.81, 0.83, 0.80, 0.84, 0.82])
SEEDS_B = np.array([0.79, 0.80, 0.80, 0.82, 0.78])
SPACE = {"x": search.uniform(0.0, 1.0), "lr": search.log_uniform(1e-3, 1.0)}


def objective(p: dict, budget=None) -> float:
    return (p["x"] - 0.3) ** 2 + math.log10(p["lr"]) ** 2 / 10


def net() -> model.Sequential:
    return model.Sequential(
        [layers.Dense(3, 4, rng=0), layers.ReLU(), layers.Dense(4, 3, rng=1)]
    )


def score_fold(X_tr, y_tr, X_te, y_te, **kw) -> float:
    return float(np.mean(y_te == 0))


def flat_step(opt_cls, **kw):
    def run(params, grads):
        opt_cls(**kw).step(params, grads)
        return params

    return run


Case = tuple[str, Callable[..., object], dict]


def cases() -> list[Case]:
    C: list[Case] = []
    add = C.append
    # layers
    add(
        (
            "Dense",
            layers.Dense,
            dict(n_in=3, n_out=2, init="he_normal", rng=0, dtype=np.float64),
        )
    )
    add(
        (
            "Dense.forward",
            lambda x, training: layers.Dense(3, 2, rng=0).forward(x, training),
            dict(x=X2, training=True),
        )
    )
    add(
        (
            "Dense.backward",
            lambda dout: (lambda d: (d.forward(X2), d.backward(dout)))(
                layers.Dense(3, 2, rng=0)
            ),
            dict(dout=np.ones((12, 2))),
        )
    )
    add(
        (
            "Conv1D",
            layers.Conv1D,
            dict(
                in_channels=2, out_channels=3, kernel_size=3, stride=1, padding=1, rng=0
            ),
        )
    )
    add(
        (
            "Conv1D.forward",
            lambda x: layers.Conv1D(2, 3, 3, rng=0).forward(x),
            dict(x=rng0.standard_normal((4, 2, 8))),
        )
    )
    add(
        (
            "MaxPool1D",
            lambda size, x: layers.MaxPool1D(size).forward(x),
            dict(size=2, x=rng0.standard_normal((4, 2, 8))),
        )
    )
    add(
        (
            "GlobalAvgPool1D",
            lambda x: layers.GlobalAvgPool1D().forward(x),
            dict(x=rng0.standard_normal((4, 2, 8))),
        )
    )
    add(
        (
            "Flatten",
            lambda x: layers.Flatten().forward(x),
            dict(x=rng0.standard_normal((4, 2, 8))),
        )
    )
    add(
        (
            "BatchNorm",
            lambda n_features, momentum, eps, x: layers.BatchNorm(
                n_features, momentum, eps
            ).forward(x, True),
            dict(n_features=3, momentum=0.9, eps=1e-5, x=X2),
        )
    )
    add(
        (
            "LayerNorm",
            lambda n_features, eps, x: layers.LayerNorm(n_features, eps).forward(x),
            dict(n_features=3, eps=1e-5, x=X2),
        )
    )
    add(
        (
            "GroupNorm",
            lambda n_groups, n_channels, x: layers.GroupNorm(
                n_groups, n_channels
            ).forward(x),
            dict(n_groups=2, n_channels=4, x=rng0.standard_normal((3, 4, 5))),
        )
    )
    add(
        (
            "Dropout",
            lambda rate, rng, x: layers.Dropout(rate, rng).forward(x, True),
            dict(rate=0.5, rng=0, x=X2),
        )
    )
    add(
        (
            "AlphaDropout",
            lambda rate, rng, x: layers.AlphaDropout(rate, rng).forward(x, True),
            dict(rate=0.1, rng=0, x=X2),
        )
    )
    add(
        (
            "LeakyReLU",
            lambda alpha, x: layers.LeakyReLU(alpha).forward(x),
            dict(alpha=0.1, x=X2),
        )
    )
    add(("ELU", lambda alpha, x: layers.ELU(alpha).forward(x), dict(alpha=1.0, x=X2)))
    for cls in (layers.ReLU, layers.Sigmoid, layers.Tanh, layers.SELU):
        add(
            (f"{cls.__name__}.forward", lambda x, cls=cls: cls().forward(x), dict(x=X2))
        )
    add(
        (
            "Residual",
            lambda x: layers.Residual(layers.Dense(3, 3, rng=0)).forward(x),
            dict(x=X2),
        )
    )
    add(("sigmoid", layers.sigmoid, dict(x=X2)))
    # init
    for name in (
        "glorot_uniform",
        "glorot_normal",
        "he_uniform",
        "he_normal",
        "lecun_normal",
        "lecun_uniform",
        "orthogonal",
        "zeros",
    ):
        add(
            (
                f"init.{name}",
                getattr(init, name),
                dict(fan_in=3, fan_out=4, rng=0, dtype=np.float64),
            )
        )
    add(("init.normal", init.normal, dict(fan_in=3, fan_out=4, rng=0, std=0.1)))
    add(("init.constant", init.constant, dict(fan_in=3, fan_out=4, value=0.5)))
    add(
        (
            "init.variance_scaling",
            init.variance_scaling,
            dict(
                fan_in=3,
                fan_out=4,
                rng=0,
                scale=2.0,
                mode="fan_in",
                distribution="normal",
            ),
        )
    )
    add(
        (
            "init.calculate_gain",
            init.calculate_gain,
            dict(nonlinearity="leaky_relu", param=0.2),
        )
    )
    add(
        (
            "init.prior_bias",
            init.prior_bias,
            dict(priors=np.array([0.3, 0.7]), binary=True),
        )
    )
    add(("init.kernel_fans", init.kernel_fans, dict(shape=(4, 2, 3))))
    add(("init.kernel", init.kernel, dict(init="he_normal", shape=(4, 2, 3), rng=0)))
    # losses
    add(
        (
            "SoftmaxCrossEntropy",
            lambda output, target, label_smoothing: losses.SoftmaxCrossEntropy(
                label_smoothing
            ).forward(output, target),
            dict(output=X2, target=Y2, label_smoothing=0.1),
        )
    )
    add(
        (
            "MeanSquaredError",
            lambda output, target: losses.MeanSquaredError().forward(output, target),
            dict(output=X2, target=X2 * 0.5),
        )
    )
    add(
        (
            "BinaryCrossEntropy",
            lambda output, target, eps: losses.BinaryCrossEntropy(eps).forward(
                output, target
            ),
            dict(output=SCORE[:, None], target=BIN[:, None].astype(float), eps=1e-7),
        )
    )
    add(("log_softmax", losses.log_softmax, dict(z=X2)))
    add(("softmax", losses.softmax, dict(z=X2)))
    # model
    add(("Sequential.forward", lambda x: net().forward(x), dict(x=X2)))
    add(
        (
            "Sequential.backward",
            lambda dloss: (lambda m: (m.forward(X2, True), m.backward(dloss)))(net()),
            dict(dloss=np.ones((12, 3))),
        )
    )
    add(
        (
            "Sequential.load_state_dict",
            lambda w: net().load_state_dict({**net().state_dict(), "0.W": w}),
            dict(w=np.ones((3, 4))),
        )
    )
    # optim
    for cls, kw in (
        (optim.SGD, dict(lr=0.1)),
        (optim.Momentum, dict(lr=0.1, beta=0.9)),
        (optim.Nesterov, dict(lr=0.1, beta=0.9)),
        (optim.AdaGrad, dict(lr=0.1, eps=1e-10)),
        (optim.RMSProp, dict(lr=0.1, rho=0.9, eps=1e-8)),
        (optim.Adam, dict(lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8)),
        (optim.AdaMax, dict(lr=0.1)),
        (optim.AMSGrad, dict(lr=0.1)),
        (optim.Nadam, dict(lr=0.1, momentum_decay=0.004)),
        (optim.AdamW, dict(lr=0.1, weight_decay=0.01)),
    ):
        add(
            (
                cls.__name__,
                lambda cls=cls, **kw: flat_step(cls, **kw)(
                    {"w": np.ones(3)}, {"w": np.full(3, 0.1)}
                ),
                kw,
            )
        )
    add(
        (
            "Optimizer.step(params)",
            lambda w: optim.Adam(0.1).step({"w": w}, {"w": np.ones(3)}),
            dict(w=np.ones(3)),
        )
    )
    add(
        (
            "Optimizer.step(grads)",
            lambda g: optim.Adam(0.1).step({"w": np.ones(3)}, {"w": g}),
            dict(g=np.ones(3)),
        )
    )
    add(
        (
            "clip_grad_norm",
            lambda g, max_norm: optim.clip_grad_norm({"w": g}, max_norm),
            dict(g=np.full(3, 2.0), max_norm=1.0),
        )
    )
    add(
        (
            "clip_grad_value",
            lambda g, clip_value: optim.clip_grad_value({"w": g}, clip_value),
            dict(g=np.full(3, 2.0), clip_value=1.0),
        )
    )
    add(("grad_norm", lambda g: optim.grad_norm({"w": g}), dict(g=np.full(3, 2.0))))
    add(("nadam_mu", optim.nadam_mu, dict(t=5, beta1=0.9, momentum_decay=0.004)))
    add(("gd_optimal_lr", optim.gd_optimal_lr, dict(mu=0.1, L=10.0)))
    add(("gd_rate", optim.gd_rate, dict(kappa=10.0)))
    add(("momentum_optimal", optim.momentum_optimal, dict(mu=0.1, L=10.0)))
    add(("momentum_rate", optim.momentum_rate, dict(kappa=10.0)))
    add(("heavy_ball_matrix", optim.heavy_ball_matrix, dict(lr=0.1, beta=0.5, lam=2.0)))
    add(
        (
            "heavy_ball_rate",
            optim.heavy_ball_rate,
            dict(lr=0.1, beta=0.5, lams=np.array([0.1, 2.0])),
        )
    )
    add(("heavy_ball_max_lr", optim.heavy_ball_max_lr, dict(beta=0.5, lam=2.0)))
    add(
        (
            "newton_step",
            optim.newton_step,
            dict(grad=np.array([1.0, 2.0]), hessian=np.array([[2.0, 0.0], [0.0, 3.0]])),
        )
    )
    # averaging
    add(
        (
            "EMA.update",
            lambda decay, w: (
                lambda e: (e.update({"w": np.ones(3)}), e.update({"w": w}), e.average)[
                    2
                ]
            )(averaging.EMA(decay)),
            dict(decay=0.9, w=np.full(3, 2.0)),
        )
    )
    add(
        (
            "PolyakAverage.update",
            lambda start, every, w: (
                lambda e: (e.update({"w": np.ones(3)}), e.update({"w": w}), e.average)[
                    2
                ]
            )(averaging.PolyakAverage(start, every)),
            dict(start=0, every=1, w=np.full(3, 2.0)),
        )
    )
    # schedules
    add(
        (
            "schedules.constant",
            lambda lr, t: schedules.constant(lr)(t),
            dict(lr=0.1, t=3),
        )
    )
    add(
        (
            "schedules.power",
            lambda lr0, s, c, t: schedules.power(lr0, s, c)(t),
            dict(lr0=0.1, s=10.0, c=1.0, t=3),
        )
    )
    add(
        (
            "schedules.exponential",
            lambda lr0, s, t: schedules.exponential(lr0, s)(t),
            dict(lr0=0.1, s=10.0, t=3),
        )
    )
    add(
        (
            "schedules.piecewise_constant",
            lambda boundaries, values, t: schedules.piecewise_constant(
                boundaries, values
            )(t),
            dict(boundaries=[5, 10], values=[0.1, 0.01, 0.001], t=7),
        )
    )
    add(
        (
            "schedules.one_cycle",
            lambda total_steps, max_lr, div_factor, final_div_factor, pct_start, t: (
                schedules.one_cycle(
                    total_steps, max_lr, div_factor, final_div_factor, pct_start
                )(t)
            ),
            dict(
                total_steps=100,
                max_lr=0.1,
                div_factor=25.0,
                final_div_factor=1e4,
                pct_start=0.3,
                t=10,
            ),
        )
    )
    add(
        (
            "schedules.cosine",
            lambda lr0, total_steps, warmup, t: schedules.cosine(
                lr0, total_steps, warmup
            )(t),
            dict(lr0=0.1, total_steps=100, warmup=5, t=10),
        )
    )
    add(
        (
            "schedules.cosine_restarts",
            lambda lr0, period, mult, min_lr, t: schedules.cosine_restarts(
                lr0, period, mult, min_lr
            )(t),
            dict(lr0=0.1, period=10, mult=2, min_lr=0.001, t=25),
        )
    )
    add(
        (
            "ReduceLROnPlateau",
            lambda lr, factor, patience, min_delta, min_lr, metric: [
                r.step(metric)
                for r in [
                    schedules.ReduceLROnPlateau(lr, factor, patience, min_delta, min_lr)
                ]
                for _ in range(3)
            ],
            dict(
                lr=0.1, factor=0.5, patience=1, min_delta=0.0, min_lr=0.001, metric=1.0
            ),
        )
    )
    add(
        (
            "suggest_lr",
            schedules.suggest_lr,
            dict(
                rates=np.geomspace(1e-4, 1, 8),
                losses=np.array([3, 2.9, 2.5, 2, 1.5, 1.4, 2, 5.0]),
                rule="min/10",
            ),
        )
    )
    add(
        (
            "lr_range_test",
            lambda X, y, lr_min, lr_max, batch_size, epochs, smoothing: (
                schedules.lr_range_test(
                    net(),
                    losses.SoftmaxCrossEntropy(),
                    optim.SGD(0.1),
                    X,
                    y,
                    lr_min=lr_min,
                    lr_max=lr_max,
                    batch_size=batch_size,
                    rng=0,
                    epochs=epochs,
                    smoothing=smoothing,
                )
            ),
            dict(
                X=X2,
                y=Y2,
                lr_min=1e-4,
                lr_max=1.0,
                batch_size=4,
                epochs=1,
                smoothing=0.5,
            ),
        )
    )
    # train
    add(
        (
            "fit",
            lambda X, y, epochs, batch_size, clip_norm, train_metrics: train.fit(
                net(),
                losses.SoftmaxCrossEntropy(),
                optim.SGD(0.1),
                X,
                y,
                epochs=epochs,
                batch_size=batch_size,
                rng=0,
                clip_norm=clip_norm,
                train_metrics=train_metrics,
            ),
            dict(
                X=X2, y=Y2, epochs=2, batch_size=4, clip_norm=1.0, train_metrics="eval"
            ),
        )
    )
    add(
        (
            "evaluate",
            lambda X, y: train.evaluate(net(), losses.SoftmaxCrossEntropy(), X, y),
            dict(X=X2, y=Y2),
        )
    )
    add(("predicted_labels", train.predicted_labels, dict(output=X2)))
    add(
        (
            "RecordParams",
            lambda keys: train.fit(
                net(),
                losses.SoftmaxCrossEntropy(),
                optim.SGD(0.1),
                X2,
                Y2,
                epochs=1,
                batch_size=4,
                rng=0,
                callbacks=[train.RecordParams(keys)],
            ),
            dict(keys=["0.W"]),
        )
    )
    # data
    add(("standardize", data.standardize, dict(X=X2, mean=None, std=None)))
    add(
        (
            "standardize(mean, std)",
            data.standardize,
            dict(X=X2, mean=np.zeros(3), std=np.ones(3)),
        )
    )
    add(("one_hot", data.one_hot, dict(y=Y2, n_classes=3)))
    add(
        (
            "minibatches",
            lambda X, y, batch_size, drop_last: list(
                data.minibatches(X, y, batch_size, 0, drop_last=drop_last)
            ),
            dict(X=X2, y=Y2, batch_size=5, drop_last=False),
        )
    )
    add(
        (
            "random_shift",
            data.random_shift,
            dict(X=rng0.standard_normal((4, 2, 8)), max_shift=2, rng=0),
        )
    )
    add(("spirals", data.spirals, dict(n_per_class=10, n_classes=3, noise=0.2, rng=0)))
    add(("moons", data.moons, dict(n=20, noise=0.1, rng=0)))
    add(("noisy_sine", data.noisy_sine, dict(n=20, noise=0.1, rng=0)))
    add(
        (
            "noisy_line",
            data.noisy_line,
            dict(n=20, slope=3.0, intercept=4.0, noise=1.0, rng=0),
        )
    )
    add(
        (
            "imbalanced_blobs",
            data.imbalanced_blobs,
            dict(n=100, minority=0.1, separation=2.0, n_features=2, rng=0),
        )
    )
    add(
        ("digits_splits", data.digits_splits, dict(seed=0, val_size=0.2, test_size=0.2))
    )
    # metrics
    add(("accuracy", metrics.accuracy, dict(y_true=BIN, y_pred=PRED_A)))
    add(
        (
            "confusion_matrix",
            metrics.confusion_matrix,
            dict(y_true=BIN, y_pred=PRED_A, labels=np.array([0, 1])),
        )
    )
    add(
        (
            "precision_recall_f1",
            metrics.precision_recall_f1,
            dict(
                y_true=BIN,
                y_pred=PRED_A,
                average="binary",
                pos_label=1,
                zero_division=0.0,
            ),
        )
    )
    add(("roc_curve", metrics.roc_curve, dict(y_true=BIN, y_score=SCORE, pos_label=1)))
    add(("roc_auc", metrics.roc_auc, dict(y_true=BIN, y_score=SCORE)))
    add(
        (
            "precision_recall_curve",
            metrics.precision_recall_curve,
            dict(y_true=BIN, y_score=SCORE),
        )
    )
    add(
        (
            "average_precision",
            metrics.average_precision,
            dict(y_true=BIN, y_score=SCORE),
        )
    )
    add(("log_loss", metrics.log_loss, dict(y_true=BIN, y_prob=SCORE)))
    add(
        (
            "calibration_curve",
            metrics.calibration_curve,
            dict(y_true=BIN, y_prob=SCORE, n_bins=5),
        )
    )
    # validation
    add(("kfold", validation.kfold, dict(n=10, k=3, shuffle=True, rng=0)))
    add(
        (
            "stratified_kfold",
            validation.stratified_kfold,
            dict(y=Y2, k=3, shuffle=False),
        )
    )
    add(
        ("repeated_kfold", validation.repeated_kfold, dict(n=10, k=3, repeats=2, rng=0))
    )
    add(
        (
            "time_series_split",
            validation.time_series_split,
            dict(n=20, k=3, test_size=4, gap=1),
        )
    )
    add(
        (
            "group_kfold",
            validation.group_kfold,
            dict(groups=np.array([0, 0, 1, 1, 2, 2, 3]), k=2),
        )
    )
    add(
        (
            "holdout_split",
            validation.holdout_split,
            dict(X=X2, y=Y2, val_size=0.25, test_size=0.25, rng=0),
        )
    )
    add(
        (
            "cross_validate",
            validation.cross_validate,
            dict(
                train_and_score=score_fold, X=X2, y=Y2, splits=validation.kfold(12, 3)
            ),
        )
    )
    add(
        (
            "cross_validate(train)",
            lambda train: validation.cross_validate(
                score_fold, X2, Y2, [(train, np.array([0, 1]))]
            ),
            dict(train=np.arange(2, 12)),
        )
    )
    add(
        (
            "cross_validate(test)",
            lambda test: validation.cross_validate(
                score_fold, X2, Y2, [(np.arange(2, 12), test)]
            ),
            dict(test=np.array([0, 1])),
        )
    )
    add(
        (
            "nested_cross_validate",
            lambda candidates, outer: validation.nested_cross_validate(
                score_fold,
                X2,
                Y2,
                candidates,
                outer,
                lambda y: validation.kfold(len(y), 2),
            ),
            dict(candidates=[{"a": 1}, {"a": 2}], outer=validation.kfold(12, 3)),
        )
    )
    # stats
    add(("mean_ci", stats.mean_ci, dict(x=SEEDS_A, level=0.95)))
    add(("paired_ci", stats.paired_ci, dict(a=SEEDS_A, b=SEEDS_B, level=0.95)))
    add(("std", stats.std, dict(x=SEEDS_A)))
    add(("std_ci", stats.std_ci, dict(x=SEEDS_A, level=0.95)))
    add(
        (
            "compare",
            stats.compare,
            dict(
                a=SEEDS_A,
                b=SEEDS_B,
                names=("A", "B"),
                level=0.95,
                scale=100.0,
                unit="points",
                fmt=".1f",
            ),
        )
    )
    add(
        (
            "Comparison",
            stats.Comparison,
            dict(a="A", b="B", mean=1.0, low=0.5, high=1.5, n=5, level=0.95),
        )
    )
    add(
        (
            "claim",
            stats.claim,
            dict(
                statement="A beats B",
                comparison=stats.compare(SEEDS_A, SEEDS_B),
                expected="higher",
            ),
        )
    )
    add(("t_cdf", stats.t_cdf, dict(t=1.5, df=4)))
    add(("t_quantile", stats.t_quantile, dict(q=0.975, df=4)))
    add(("chi2_cdf", stats.chi2_cdf, dict(x=3.0, df=4)))
    add(("chi2_quantile", stats.chi2_quantile, dict(q=0.975, df=4)))
    add(
        (
            "mcnemar",
            stats.mcnemar,
            dict(y=BIN, pred_a=PRED_A, pred_b=PRED_B, exact=True),
        )
    )
    add(
        (
            "bootstrap_diff_ci",
            stats.bootstrap_diff_ci,
            dict(y=BIN, pred_a=PRED_A, pred_b=PRED_B, n_boot=100, rng=0, level=0.9),
        )
    )
    # gp
    Xg = np.array([[0.1], [0.4], [0.7], [0.9]])
    yg = np.sin(6 * Xg[:, 0])
    add(
        (
            "GaussianProcess.fit",
            lambda X, y, kernel: (
                gp.GaussianProcess(kernel).fit(X, y).predict(np.array([[0.5]]))
            ),
            dict(X=Xg, y=yg, kernel="matern52"),
        )
    )
    add(
        (
            "GaussianProcess(lengthscale, noise)",
            lambda lengthscale, noise: (
                gp.GaussianProcess(lengthscale=lengthscale, noise=noise)
                .fit(Xg, yg)
                .predict(np.array([[0.5]]))
            ),
            dict(lengthscale=0.3, noise=1e-4),
        )
    )
    add(
        (
            "GaussianProcess.predict",
            lambda Xs: gp.GaussianProcess().fit(Xg, yg).predict(Xs),
            dict(Xs=np.array([[0.5], [0.2]])),
        )
    )
    add(("matern52", gp.matern52, dict(X1=Xg, X2=Xg, lengthscales=0.3)))
    add(("rbf", gp.rbf, dict(X1=Xg, X2=Xg, lengthscales=np.array([0.3]))))
    add(
        (
            "expected_improvement",
            gp.expected_improvement,
            dict(
                mean=np.array([0.1, 0.2]), std=np.array([0.1, 0.0]), best=0.15, xi=0.01
            ),
        )
    )
    # search
    add(
        (
            "uniform",
            lambda low, high, u: search.uniform(low, high).decode(u),
            dict(low=0.0, high=1.0, u=0.5),
        )
    )
    add(
        (
            "log_uniform",
            lambda low, high: search.log_uniform(low, high).sample(0),
            dict(low=1e-3, high=1.0),
        )
    )
    add(
        (
            "int_uniform",
            lambda low, high: search.int_uniform(low, high).sample(0),
            dict(low=1, high=5),
        )
    )
    add(
        (
            "choice",
            lambda options: search.choice(options).sample(0),
            dict(options=["a", "b"]),
        )
    )
    add(
        (
            "Distribution.sample",
            lambda rng, size: search.uniform(0, 1).sample(rng, size),
            dict(rng=0, size=3),
        )
    )
    add(("sample_space", search.sample_space, dict(space=SPACE, rng=0)))
    add(("to_unit", search.to_unit, dict(space=SPACE, params={"x": 0.5, "lr": 0.01})))
    add(("from_unit", search.from_unit, dict(space=SPACE, U=np.array([[0.5, 0.5]]))))
    add(
        (
            "grid_search",
            search.grid_search,
            dict(objective=objective, grid={"x": [0.1, 0.5], "lr": [0.01, 0.1]}),
        )
    )
    add(
        (
            "random_search",
            search.random_search,
            dict(objective=objective, space=SPACE, n_trials=4, rng=0),
        )
    )
    add(
        (
            "random_search(objective value)",
            lambda value: search.best_trial(
                search.random_search(lambda p, b: value, SPACE, 3, 0)
            ),
            dict(value=0.5),
        )
    )
    add(
        (
            "quasi_random_search",
            search.quasi_random_search,
            dict(objective=objective, space=SPACE, n_trials=4, rng=0),
        )
    )
    add(
        (
            "bayes_opt",
            search.bayes_opt,
            dict(
                objective=objective,
                space=SPACE,
                n_trials=7,
                rng=0,
                n_init=3,
                n_candidates=50,
            ),
        )
    )
    add(
        (
            "bayes_opt(objective value)",
            lambda value: search.bayes_opt(
                lambda p, b: value, SPACE, 5, 0, n_init=2, n_candidates=20
            ),
            dict(value=0.5),
        )
    )
    add(
        (
            "successive_halving",
            search.successive_halving,
            dict(
                objective=objective,
                space=SPACE,
                n_trials=9,
                min_budget=1.0,
                max_budget=9.0,
                eta=3,
                rng=0,
            ),
        )
    )
    add(
        (
            "hyperband",
            search.hyperband,
            dict(objective=objective, space=SPACE, max_budget=9.0, eta=3, rng=0),
        )
    )
    add(
        (
            "hyperband_schedule",
            search.hyperband_schedule,
            dict(max_budget=27.0, eta=3, min_budget=1.0),
        )
    )
    add(
        (
            "asha",
            search.asha,
            dict(
                objective=objective,
                space=SPACE,
                min_budget=1.0,
                max_budget=9.0,
                total_budget=40.0,
                eta=3,
                rng=0,
            ),
        )
    )
    add(("hit_probability", search.hit_probability, dict(n_trials=10, fraction=0.05)))
    add(
        (
            "best_trial",
            lambda score: search.best_trial([search.Trial({}, score, None, 0)]),
            dict(score=0.5),
        )
    )
    add(
        (
            "best_so_far",
            lambda score: search.best_so_far([search.Trial({}, score, None, 0)]),
            dict(score=0.5),
        )
    )
    add(("radical_inverse", search.radical_inverse, dict(i=np.arange(5), base=3)))
    add(("halton", search.halton, dict(n=8, d=2, rng=0, scramble=True, start=0)))
    # functions
    for cls, kw in (
        (functions.Quadratic, dict(a=0.05, b=1.0)),
        (functions.Rosenbrock, dict(a=1.0, b=100.0)),
    ):
        add((cls.__name__, lambda cls=cls, **kw: cls(**kw)(np.array([0.5, 0.5])), kw))
    add(
        (
            "Function2D.__call__",
            lambda p: functions.Beale()(p),
            dict(p=np.array([[0.5, 0.5]])),
        )
    )
    add(
        (
            "Function2D.grad",
            lambda p: functions.Himmelblau().grad(p),
            dict(p=np.array([0.5, 0.5])),
        )
    )
    add(("Function2D.grid", lambda n: functions.Saddle().grid(n), dict(n=10)))
    add(
        (
            "trajectory",
            lambda start, steps, escape: functions.trajectory(
                functions.Quadratic(), optim.SGD(0.5), start, steps, escape=escape
            ),
            dict(start=np.array([1.0, 1.0]), steps=20, escape=1e6),
        )
    )
    # gradcheck
    add(
        (
            "numerical_gradient",
            lambda x, h: gradcheck.numerical_gradient(
                lambda v: float(np.sum(v**2)), x, h
            ),
            dict(x=np.array([1.0, 2.0]), h=1e-5),
        )
    )
    add(
        (
            "relative_error",
            gradcheck.relative_error,
            dict(a=np.ones(3), b=np.ones(3) * 1.1, floor=1e-4),
        )
    )
    add(("error_order", gradcheck.error_order, dict(err=1e-9, rounding=1e-6)))
    add(
        (
            "check_layer",
            lambda x, h, training: gradcheck.check_layer(
                layers.Dense(3, 2, rng=0), x, h=h, training=training
            ),
            dict(x=X2[:3], h=1e-5, training=True),
        )
    )
    add(
        (
            "check_model",
            lambda x, y, h: gradcheck.check_model(
                net(), losses.SoftmaxCrossEntropy(), x, y, h=h
            ),
            dict(x=X2[:3], y=Y2[:3], h=1e-5),
        )
    )
    # regularizers
    add(
        (
            "L1L2",
            lambda l1, l2, W: regularizers.L1L2(l1, l2).penalty(W),
            dict(l1=0.01, l2=0.01, W=np.ones((3, 2))),
        )
    )
    add(
        (
            "l2",
            lambda lam, W: regularizers.l2(lam).grad(W),
            dict(lam=0.01, W=np.ones((3, 2))),
        )
    )
    add(
        (
            "weight_decay",
            lambda lr, decay, w: regularizers.weight_decay({"w": w}, lr, decay),
            dict(lr=0.1, decay=0.01, w=np.ones(3)),
        )
    )
    add(("max_norm", regularizers.max_norm, dict(W=np.ones((3, 2)) * 2, r=1.0, axis=0)))
    add(("MaxNorm", lambda r, axis: regularizers.MaxNorm(r, axis), dict(r=1.0, axis=0)))
    add(
        (
            "EarlyStopping",
            lambda patience, min_delta, monitor: regularizers.EarlyStopping(
                patience, min_delta, monitor=monitor
            ),
            dict(patience=2, min_delta=0.0, monitor="val_loss"),
        )
    )
    add(
        (
            "mc_dropout_predict",
            lambda x, n_samples: regularizers.mc_dropout_predict(
                model.Sequential([layers.Dense(3, 3, rng=0), layers.Dropout(0.5, 0)]),
                x,
                n_samples,
                0,
            ),
            dict(x=X2, n_samples=4),
        )
    )
    add(
        (
            "accuracy_by_uncertainty",
            regularizers.accuracy_by_uncertainty,
            dict(uncertainty=SCORE, correct=BIN.astype(bool), n_bins=2),
        )
    )
    add(
        (
            "fraction_near_zero",
            lambda tol: regularizers.fraction_near_zero(net(), tol),
            dict(tol=0.01),
        )
    )
    add(
        (
            "l2_shrinkage",
            regularizers.l2_shrinkage,
            dict(eigenvalues=np.array([1.0, 0.1]), alpha=0.1),
        )
    )
    add(
        (
            "ensemble_predict",
            lambda x: regularizers.ensemble_predict([net(), net()], x),
            dict(x=X2),
        )
    )
    # diagnostics
    add(
        (
            "dense_stack",
            diagnostics.dense_stack,
            dict(n_in=3, width=4, depth=2, activation="relu", init="he_normal", rng=0),
        )
    )
    add(
        (
            "residual_stack",
            diagnostics.residual_stack,
            dict(n_in=3, width=4, depth=2, rng=0, branch_scale=0.5),
        )
    )
    add(("layer_outputs", lambda x: diagnostics.layer_outputs(net(), x), dict(x=X2)))
    add(("layer_stats", lambda z: diagnostics.layer_stats({"a": z}), dict(z=X2)))
    add(
        (
            "weight_grad_norms",
            lambda x, y: diagnostics.weight_grad_norms(
                net(), losses.SoftmaxCrossEntropy(), x, y
            ),
            dict(x=X2, y=Y2),
        )
    )
    add(
        (
            "gaussian_expectation",
            lambda q, n_grid: diagnostics.gaussian_expectation(
                np.tanh, q, n_grid=n_grid
            ),
            dict(q=1.0, n_grid=100),
        )
    )
    add(
        (
            "variance_propagation",
            diagnostics.variance_propagation,
            dict(depth=3, activation="tanh", gain=1.0, q0=1.0),
        )
    )
    add(
        (
            "variance_map",
            diagnostics.variance_map,
            dict(q=1.0, activation="relu", gain=2.0),
        )
    )
    add(
        (
            "variance_fixed_point",
            diagnostics.variance_fixed_point,
            dict(activation="tanh", gain=1.5, q0=1.0, tol=1e-10, max_iter=1000),
        )
    )
    add(
        (
            "residual_variance",
            diagnostics.residual_variance,
            dict(depth=3, branch_scale=0.5, q0=1.0),
        )
    )
    # recipes
    add(
        (
            "default_network",
            recipes.default_network,
            dict(n_in=3, n_out=2, rng=0, width=4, depth=1),
        )
    )
    add(
        (
            "conv_network",
            recipes.conv_network,
            dict(in_channels=1, length=16, n_out=3, rng=0),
        )
    )
    add(
        (
            "fit_recipe",
            lambda X, y, epochs, batch_size, max_lr: recipes.fit_recipe(
                recipes.default_network(3, 3, 0, width=4, depth=1),
                X,
                y,
                epochs=epochs,
                batch_size=batch_size,
                rng=0,
                max_lr=max_lr,
            ),
            dict(X=X2, y=Y2, epochs=2, batch_size=4, max_lr=0.1),
        )
    )
    return C


# ------------------------------------------------------------------ running
def nonfinite(v: object, depth: int = 0) -> bool:
    """Whether a result holds NaN or inf anywhere (arrays, numbers, containers)."""
    if depth > 4:
        return False
    if isinstance(v, np.ndarray):
        return v.dtype.kind in "fc" and not np.all(np.isfinite(v))
    if isinstance(v, float | np.floating):
        return not math.isfinite(v)
    if isinstance(v, dict):
        return any(nonfinite(x, depth + 1) for x in v.values())
    if isinstance(v, list | tuple):
        return any(nonfinite(x, depth + 1) for x in v[:50])
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return any(
            nonfinite(getattr(v, f.name), depth + 1) for f in dataclasses.fields(v)
        )
    return False


def has_nan(v: object) -> bool:
    """Whether a result holds NaN (not inf) anywhere in its arrays or tuples."""
    if isinstance(v, np.ndarray):
        return v.dtype.kind in "fc" and bool(np.isnan(v).any())
    if isinstance(v, float | np.floating):
        return math.isnan(v)
    if isinstance(v, list | tuple):
        return any(has_nan(x) for x in v[:50])
    return False


def call(f: Callable, kwargs: dict, timeout: float) -> tuple[str, object]:
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            out = f(**kwargs)
        return "returned", out
    except Timeout:
        return "timeout", None
    except Exception as e:  # classifying every failure is the point
        return "raised", e
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


# Names under which a message may rightly refer to an argument of the wrappers above
# (``dloss`` reaches the last layer as its ``dout``; ``y`` is the loss's ``target``).
ALIASES = {
    "dloss": ("dout",),
    "w": ("state[", "params["),
    "z": ("outputs[", "z"),
    "g": ("grads",),
    "value": ("objective",),
    "score": ("objective", "score"),
    "y": ("target", "y"),
    "X": ("x", "X", "output"),
    "x": ("x", "output"),
    "train": ("splits[",),
    "test": ("splits[",),
    "y_true": ("labels", "y_prob"),
    "y_pred": ("labels",),
    "lams": ("lams",),
    "Xs": ("Xs",),
}


# Results that hold inf by definition (roc_curve's first threshold is +inf, as in
# scikit-learn): for these only NaN counts as a silent non-finite result.
INF_BY_DESIGN = {"roc_curve"}


def classify(arg: str, kind: str, status: str, out: object,
             inf_ok: bool = False) -> tuple[str, str]:
    if status == "timeout":
        return "hang", ""
    if status == "raised":
        msg = f"{type(out).__name__}: {out}"
        if isinstance(out, Timeout):
            return "hang", ""
        if not isinstance(out, ValueError | TypeError):
            return "unhelpful", msg
        if not any(name in str(out) for name in (arg, *ALIASES.get(arg, ()))):
            return "unhelpful", msg
        return "ok", msg
    if nonfinite(out) and not (inf_ok and not has_nan(out)):
        return "silent", "result holds NaN or inf"
    if kind == NEVER_VALID:
        return "silent", "accepted without a word"
    return "accepted", ""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-v", action="store_true", help="also list accepted values")
    ap.add_argument("--timeout", type=float, default=2.0, help="seconds per call")
    args = ap.parse_args()
    signal.signal(signal.SIGALRM, _alarm)
    counts: Counter[str] = Counter()
    report: list[str] = []
    for name, f, valid in cases():
        status, out = call(f, dict(valid), 4 * args.timeout)
        inf_ok = name in INF_BY_DESIGN
        if status != "returned" or (nonfinite(out) and not inf_ok):
            report.append(f"BASELINE {name}: {status} {out!r:.200}")
            counts["baseline-broken"] += 1
            continue
        for arg, value in valid.items():
            for label, bad, kind in bad_generic(value):
                status, out = call(f, {**valid, arg: bad}, args.timeout)
                cls, msg = classify(arg, kind, status, out, inf_ok)
                counts[cls] += 1
                if cls in ("hang", "unhelpful", "silent") or (
                    args.v and cls == "accepted"
                ):
                    report.append(f"{cls.upper():9} {name}({arg}={label}): {msg[:220]}")
    print("\n".join(report))
    total = sum(v for k, v in counts.items() if k != "baseline-broken")
    print(
        f"\n{total} probes over {len(cases())} callables: "
        + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
