"""Bit-identity check: lib's training results before and after a performance change.

A speed-up of lib must not change any number the chapters print: the notebooks' stored
outputs were computed with the code before it. This script trains small models with every
optimizer, in float32 and float64, through ``lib.train.fit`` (and through a per-key
``optimizer.step(model.params, model.grads)`` loop, and on a 2-D quadratic as chapter 2
does), and compares the final parameters, buffers, optimizer state and the recorded
losses and accuracies with ``np.array_equal`` (and byte for byte) against the same runs
of another revision's lib.

    .venv/bin/python bench/identical.py                 # against HEAD's lib (git archive)
    .venv/bin/python bench/identical.py --base 4f924fe  # against any revision
    .venv/bin/python bench/identical.py --save F.npz    # this tree's results, to a file
    .venv/bin/python bench/identical.py --check F.npz   # this tree against a saved file

``--base`` extracts that revision's ``lib/`` with ``git archive`` into a temporary
directory, runs this script there in a subprocess (``--save``), then checks the working
tree's lib against what it saved. Exit status 0 when every array is identical.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OPTIMIZERS = {  # name -> (class name, kwargs); learning rates of the book's order
    "SGD": ("SGD", {"lr": 0.05}),
    "Momentum": ("Momentum", {"lr": 0.05, "beta": 0.9}),
    "Nesterov": ("Nesterov", {"lr": 0.05, "beta": 0.9}),
    "AdaGrad": ("AdaGrad", {"lr": 0.01}),
    "RMSProp": ("RMSProp", {"lr": 0.001}),
    "Adam": ("Adam", {"lr": 0.001}),
    "AdaMax": ("AdaMax", {"lr": 0.002}),
    "AMSGrad": ("AMSGrad", {"lr": 0.001}),
    "Nadam": ("Nadam", {"lr": 0.002}),
    "AdamW": ("AdamW", {"lr": 0.001, "weight_decay": 0.01}),
}


def _model(kind: str, dtype, seed: int):
    from lib.layers import ELU, BatchNorm, Dense, Dropout, LayerNorm, LeakyReLU, ReLU, Residual, Sigmoid, Tanh
    from lib.model import Sequential

    rng = np.random.default_rng(seed)
    if kind == "mlp":  # the benchmark's network, 40-128-128-128-10
        sizes = (40, 128, 128, 128, 10)
        layers = []
        for i in range(len(sizes) - 1):
            last = i == len(sizes) - 2
            init = "glorot_uniform" if last else "he_normal"
            layers.append(Dense(sizes[i], sizes[i + 1], init, rng, dtype=dtype))
            if not last:
                layers.append(ReLU())
        return Sequential(layers)
    if kind == "bn_dropout":
        return Sequential([
            Dense(40, 64, "he_normal", rng, dtype=dtype), BatchNorm(64, dtype=dtype), ReLU(),
            Dropout(0.2, rng=seed + 7),
            Dense(64, 64, "he_normal", rng, dtype=dtype), BatchNorm(64, dtype=dtype), ReLU(),
            Dropout(0.1, rng=seed + 8),
            Dense(64, 10, "glorot_uniform", rng, dtype=dtype)])
    if kind == "mixed":  # the other activations, a residual block and layer norm
        return Sequential([
            Dense(40, 48, "he_normal", rng, dtype=dtype), LeakyReLU(0.1),
            Residual(Dense(48, 48, "he_normal", rng, dtype=dtype), ELU()),
            LayerNorm(48, dtype=dtype), Tanh(),
            Dense(48, 32, "glorot_uniform", rng, dtype=dtype), Sigmoid(),
            Dense(32, 10, "glorot_uniform", rng, dtype=dtype)])
    raise ValueError(kind)


def _optimizer(name: str):
    from lib import optim

    cls, kw = OPTIMIZERS[name]
    return getattr(optim, cls)(**kw)


def _record(out: dict, case: str, model, opt, history=None) -> None:
    for k, v in {**model.params, **model.buffers}.items():
        out[f"{case}/param/{k}"] = np.array(v)
    for key, slot in sorted(opt.state.items()):
        for name, v in sorted(slot.items()):
            out[f"{case}/state/{key}/{name}"] = np.array(v)
    if history is not None:
        for name in ("batch_loss", "train_loss", "train_acc", "val_loss", "val_acc", "lr"):
            out[f"{case}/history/{name}"] = np.array(getattr(history, name), dtype=np.float64)


def run_all(quick: bool = False) -> dict[str, np.ndarray]:
    """Every case's final arrays, keyed ``"<case>/<kind>/<name>"``."""
    from lib import losses, regularizers, schedules, train
    from lib.data import load_mnist1d

    d = load_mnist1d()
    n = 600 if quick else 3000
    out: dict[str, np.ndarray] = {}
    for dtype in (np.float32, np.float64):
        X = np.ascontiguousarray(d.X_train[:n], dtype=dtype)
        y = d.y_train[:n]
        Xv = np.ascontiguousarray(d.X_val[:500], dtype=dtype)
        yv = d.y_val[:500]
        dt = np.dtype(dtype).name
        for kind in ("mlp", "bn_dropout", "mixed"):
            for name in OPTIMIZERS:
                case = f"{dt}/{kind}/{name}"
                model, opt = _model(kind, dtype, seed=3), _optimizer(name)
                h = train.fit(model, losses.SoftmaxCrossEntropy(), opt, X, y, epochs=2,
                              batch_size=64, rng=11, validation=(Xv, yv),
                              train_metrics="running", drop_last=kind == "bn_dropout")
                _record(out, case, model, opt, h)
        # fit's options: evaluation metrics, a penalty, clipping, a per-step schedule,
        # label smoothing, a plateau schedule and early stopping
        for name in ("Momentum", "Adam", "AdamW", "Nadam"):
            model, opt = _model("mlp", dtype, seed=5), _optimizer(name)
            h = train.fit(model, losses.SoftmaxCrossEntropy(label_smoothing=0.1), opt, X, y,
                          epochs=2, batch_size=50, rng=2, validation=(Xv, yv),
                          regularizer=regularizers.l2(1e-4), clip_norm=1.0,
                          clip_value=0.5, schedule=schedules.cosine(opt.lr, 2 * n // 50 + 2),
                          schedule_per="step", train_metrics="eval")
            _record(out, f"{dt}/options/{name}", model, opt, h)
            model, opt = _model("mlp", dtype, seed=6), _optimizer(name)
            stop = regularizers.EarlyStopping(patience=1, restore_best=True)
            h = train.fit(model, losses.SoftmaxCrossEntropy(), opt, X, y, epochs=3,
                          batch_size=32, rng=4, validation=(Xv, yv), callbacks=[stop],
                          schedule=schedules.ReduceLROnPlateau(opt.lr, patience=0))
            _record(out, f"{dt}/plateau/{name}", model, opt, h)
        # a hand-written loop stepping key by key, as a reader would write it
        for name in OPTIMIZERS:
            model, opt = _model("mlp", dtype, seed=8), _optimizer(name)
            loss = losses.SoftmaxCrossEntropy()
            rng = np.random.default_rng(9)
            batch_losses = []
            for _ in range(1 if quick else 2):
                order = rng.permutation(n)
                for s in range(0, n, 100):
                    idx = order[s:s + 100]
                    batch_losses.append(loss.forward(model.forward(X[idx], training=True), y[idx]))
                    model.backward(loss.backward())
                    opt.step(model.params, model.grads)
            _record(out, f"{dt}/per_key/{name}", model, opt)
            out[f"{dt}/per_key/{name}/history/batch_loss"] = np.array(batch_losses)
        # a 2-D quadratic, the chapter 2 setting: tiny arrays, many steps
        H = np.array([[10.0, 2.0], [2.0, 1.0]], dtype=dtype)
        for name in OPTIMIZERS:
            opt = _optimizer(name)
            theta = {"theta": np.array([1.5, -2.0], dtype=dtype)}
            path = []
            for _ in range(200):
                opt.step(theta, {"theta": H @ theta["theta"]})
                path.append(theta["theta"].copy())
            out[f"{dt}/quadratic/{name}/path"] = np.array(path)
            for key, slot in opt.state.items():
                for sname, v in slot.items():
                    out[f"{dt}/quadratic/{name}/state/{key}/{sname}"] = np.array(v)
    return out


def digest(arrays: dict[str, np.ndarray]) -> str:
    h = hashlib.sha256()
    for k in sorted(arrays):
        a = np.ascontiguousarray(arrays[k])
        h.update(k.encode() + str(a.dtype).encode() + str(a.shape).encode() + a.tobytes())
    return h.hexdigest()


def compare(ref: dict[str, np.ndarray], new: dict[str, np.ndarray]) -> list[str]:
    """The differences, one line each (empty when bit-identical)."""
    problems = []
    for k in sorted(set(ref) | set(new)):
        if k not in new or k not in ref:
            problems.append(f"{k}: only in {'the reference' if k in ref else 'this tree'}")
            continue
        a, b = ref[k], new[k]
        if a.dtype != b.dtype or a.shape != b.shape:
            problems.append(f"{k}: {a.dtype}{a.shape} against {b.dtype}{b.shape}")
        elif not np.array_equal(a, b, equal_nan=True):
            diff = np.max(np.abs(a.astype(np.float64) - b.astype(np.float64)))
            problems.append(f"{k}: values differ (max |diff| {diff:.3g})")
        elif a.tobytes() != b.tobytes():
            problems.append(f"{k}: equal values, different bytes (signed zeros or NaN payloads)")
    return problems


def _base_results(rev: str, quick: bool) -> dict[str, np.ndarray]:
    with tempfile.TemporaryDirectory(prefix="identical_") as tmp:
        tar = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "lib"], check=True,
                             capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(tar)) as t:
            t.extractall(tmp, filter="data")
        saved = Path(tmp) / "results.npz"
        env = {**os.environ, "PYTHONPATH": tmp, "PYTHONSAFEPATH": "1"}
        cmd = [sys.executable, "-P", __file__, "--save", str(saved)] + (["--quick"] * quick)
        subprocess.run(cmd, check=True, env=env, cwd=tmp)
        with np.load(saved) as f:
            return dict(f)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    g = p.add_mutually_exclusive_group()
    g.add_argument("--base", default="HEAD", help="revision whose lib/ is the reference")
    g.add_argument("--save", help="write this tree's results to this .npz file and stop")
    g.add_argument("--check", help="compare this tree's results with a file from --save")
    p.add_argument("--quick", action="store_true", help="fewer samples (a smoke run)")
    a = p.parse_args(argv)
    if a.save is None:  # the reference comes first, computed by another interpreter
        ref = (_base_results(a.base, a.quick) if a.check is None
               else dict(np.load(a.check)))
        where = a.check or f"lib at {a.base}"
    import lib

    print(f"lib from {Path(lib.__file__).parent}", file=sys.stderr)
    new = run_all(a.quick)
    if a.save is not None:
        np.savez(a.save, **new)
        print(f"{len(new)} arrays, sha256 {digest(new)}, written to {a.save}")
        return 0
    problems = compare(ref, new)
    cases = sorted({k.rsplit("/", 2)[0] if "/history/" in k or "/path" in k
                    else k.split("/param/")[0].split("/state/")[0] for k in new})
    print(f"{len(new)} arrays from {len(cases)} runs compared with {where}: "
          f"sha256 {digest(ref)} (reference), {digest(new)} (this tree)")
    for line in problems:
        print("  DIFFERENT", line)
    print("bit-identical" if not problems else f"{len(problems)} arrays differ")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
