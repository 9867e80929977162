"""The pieces of lib's training step, timed against another revision's lib in one process.

Every speed-up of lib's step must leave the numbers bit-identical (``bench/identical.py``
checks that) and, by the book's readability rule, must earn its place: a change that makes
code read less like its equation stays only if it gains at least 10 % on the piece of the
book's workload it touches. This script shows those gains: each piece (the loss, the batch
accuracy, ReLU, a Dense backward, Adam's step over the flat buffer of the MNIST-1D network)
on the shapes of that workload (MLP 40-128-128-128-10, batch 64, float32), timed for the
base revision's lib and this tree's lib alternately, one BLAS thread, CPU time, medians of
the per-repeat ratios (the machine is shared: ratios within one process are what count).
It also times an Adam step written with scratch buffers and in-place operations only (the
same numbers, tried and not adopted: it gains less than 10 %), and whole MNIST-1D epochs
(``fit``, Adam) of both revisions in float32 and float64, each against the floor of
``bench/run.py`` (the epoch's matrix products alone) run right after it.

    .venv/bin/python bench/components.py                # against lib at HEAD
    .venv/bin/python bench/components.py --base 4f924fe
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def _import_base(rev: str, tmp: str):
    """Revision ``rev``'s lib, imported as the package ``lib_base`` (its imports are relative)."""
    tar = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "lib"], check=True,
                         capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(tar)) as t:
        t.extractall(tmp, filter="data")
    os.rename(Path(tmp) / "lib", Path(tmp) / "lib_base")
    sys.path.insert(0, tmp)
    import lib_base

    return lib_base


def in_place_adam(optim):
    """Adam with every pass written into a scratch buffer (the same operations in order)."""

    class InPlaceAdam(optim.Adam):
        def _update(self, key, p, g):
            if not hasattr(self, "_scratch"):
                self._scratch = {}
            if key not in self._scratch:
                self._scratch[key] = (np.empty_like(p), np.empty_like(p))
            step, denom = self._scratch[key]
            m = self._state(key, "m", p)
            s = self._state(key, "s", p)
            m *= self.beta1
            np.multiply(1 - self.beta1, g, out=step)
            m += step
            s *= self.beta2
            np.multiply(1 - self.beta2, g, out=step)
            step *= g
            s += step
            np.divide(s, 1 - self.beta2**self.t, out=denom)
            np.sqrt(denom, out=denom)
            denom += self.eps
            np.divide(m, 1 - self.beta1**self.t, out=step)
            step *= self.lr
            step /= denom
            p -= step

    return InPlaceAdam


def pieces(L, adam_cls=None):
    """name -> a function running that piece once, for lib package ``L``."""
    rng = np.random.default_rng(0)
    dt = np.float32
    z = rng.standard_normal((64, 10)).astype(dt)
    labels = rng.integers(0, 10, 64)
    x = rng.standard_normal((64, 128)).astype(dt)
    loss = L.losses.SoftmaxCrossEntropy()
    relu = L.layers.ReLU()
    relu.forward(x, True)
    dense = L.layers.Dense(128, 128, "he_normal", 0, dtype=dt)
    dense.forward(x, True)
    n = 40 * 128 + 128 + 2 * (128 * 128 + 128) + 128 * 10 + 10  # the MNIST-1D network
    p = {"model": rng.standard_normal(n).astype(dt)}
    g = {"model": (1e-2 * rng.standard_normal(n)).astype(dt)}
    adam = (adam_cls or L.optim.Adam)(1e-3)
    evict = np.ones(300_000, dt)  # 1.2 MB: as the matrix products between two steps do

    def adam_step():
        evict.sum()  # not timed
        t0 = time.process_time()
        adam.step(p, g)
        return time.process_time() - t0
    adam_step.times_itself = True

    out = {"loss forward": lambda: loss.forward(z, labels),
           "batch accuracy": lambda: L.train._batch_accuracy(loss, z, labels),
           "ReLU forward + backward": lambda: relu.backward(relu.forward(x, True)),
           "Dense backward": lambda: dense.backward(x),
           "Adam step (flat buffer)": adam_step}
    return out


def epoch(L, dtype, seed: int, X, y):
    """One MNIST-1D training epoch of ``fit`` (Adam, batch 64) with lib package ``L``."""
    import itertools

    rng = np.random.default_rng(seed)
    sizes = (40, 128, 128, 128, 10)
    layers = []
    for i, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
        last = i == len(sizes) - 2
        init = "glorot_uniform" if last else "he_normal"
        layers.append(L.layers.Dense(n_in, n_out, init, rng, dtype=dtype))
        if not last:
            layers.append(L.layers.ReLU())
    net, opt = L.model.Sequential(layers), L.optim.Adam(1e-3)
    Xd = np.ascontiguousarray(X, dtype=dtype)
    return lambda: L.train.fit(net, L.losses.SoftmaxCrossEntropy(), opt, Xd, y, epochs=1,
                               batch_size=64, rng=seed + 1, train_metrics="running")


def cpu_us(fn, n: int) -> float:
    """CPU µs per call of ``fn`` (which returns its own time if it ``times_itself``)."""
    t0 = time.process_time()
    own = [fn() for _ in range(n)]
    total = sum(own) if getattr(fn, "times_itself", False) else time.process_time() - t0
    return total / n * 1e6


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--base", default="HEAD", help="revision whose lib/ is the reference")
    p.add_argument("--repeats", type=int, default=15)
    p.add_argument("--calls", type=int, default=300, help="calls per timed repeat")
    p.add_argument("--epochs", type=int, default=15, help="interleaved epoch repeats")
    a = p.parse_args(argv)
    import lib
    from lib import optim

    with tempfile.TemporaryDirectory(prefix="components_") as tmp:
        base = _import_base(a.base, tmp)
        old, new = pieces(base), pieces(lib)
        new["Adam step, in place (not adopted)"] = pieces(lib, in_place_adam(optim))[
            "Adam step (flat buffer)"]
        old["Adam step, in place (not adopted)"] = old["Adam step (flat buffer)"]
        runs = {k: ([], []) for k in new}
        load0 = "{:.2f}, {:.2f}, {:.2f}".format(*os.getloadavg())
        for _ in range(a.repeats):
            for k in new:
                runs[k][0].append(cpu_us(old[k], a.calls))
                runs[k][1].append(cpu_us(new[k], a.calls))
        sys.path.insert(0, str(ROOT / "bench"))
        from run import epoch_variants  # the floor of bench/run.py

        d = lib.data.load_mnist1d()
        y = d.y_train.astype(np.int64)
        ep = {}
        for dt in (np.float32, np.float64):
            floor = epoch_variants(d.X_train, y, (40, 128, 128, 128, 10), 64, 1, False)
            ep[dt] = {"base": [], "new": [], "floor": []}
            for r in range(a.epochs):
                for who, make in (("base", lambda r=r, dt=dt: epoch(base, dt, r, d.X_train, y)),
                                  ("new", lambda r=r, dt=dt: epoch(lib, dt, r, d.X_train, y)),
                                  ("floor", floor[f"floor {np.dtype(dt).name}"])):
                    run = make(r) if who == "floor" else make()
                    t0 = time.process_time()
                    run()
                    ep[dt][who].append(time.process_time() - t0)
        # what remains: the same epochs (3 per run) with every layer 2 units wide make the
        # same NumPy calls on almost no data, so lib's excess there is its per-call cost
        tiny = epoch_variants(np.ascontiguousarray(d.X_train[:, :2]), y % 2, (2, 2, 2, 2, 2), 64,
                              3, False)
        real = epoch_variants(d.X_train, y, (40, 128, 128, 128, 10), 64, 3, False)
        parts = {"lib": real["lib float32"], "floor": real["floor float32"],
                 "lib tiny": tiny["lib float32"], "floor tiny": tiny["floor float32"]}
        dec = {k: [] for k in parts}
        for r in range(a.epochs):
            for k, make in parts.items():
                run = make(r)
                t0 = time.process_time()
                run()
                dec[k].append(time.process_time() - t0)
    load1 = "{:.2f}, {:.2f}, {:.2f}".format(*os.getloadavg())
    print(f"lib at {a.base} (base) against {Path(lib.__file__).parent} (new); float32, "
          f"CPU µs per call, medians over {a.repeats} alternating repeats; "
          f"load {load0} → {load1}\n")
    print("| piece | base µs | new µs | gain (median of per-repeat ratios) |")
    print("|---|---|---|---|")
    for k, (o, n) in runs.items():
        gain = 1 - statistics.median(b / a_ for a_, b in zip(o, n, strict=True))
        print(f"| {k} | {statistics.median(o):.1f} | {statistics.median(n):.1f} | {gain:.0%} |")
    print(f"\nMNIST-1D epoch (fit, Adam, batch 64), {a.epochs} interleaved repeats; ratio: "
          "median over repeats of (lib epoch / floor epoch run right after it)\n")
    print("| dtype | base ms | new ms | floor ms | base / floor | new / floor |")
    print("|---|---|---|---|---|---|")
    for dt, t in ep.items():
        med = {k: 1000 * statistics.median(v) for k, v in t.items()}
        ratio = {k: statistics.median(x / f for x, f in zip(t[k], t["floor"], strict=True))
                 for k in ("base", "new")}
        print(f"| {np.dtype(dt).name} | {med['base']:.1f} | {med['new']:.1f} | "
              f"{med['floor']:.1f} | {ratio['base']:.2f} | {ratio['new']:.2f} |")
    calls = statistics.median((lt - ft) / f for lt, ft, f in
                              zip(dec["lib tiny"], dec["floor tiny"], dec["floor"], strict=True))
    total = statistics.median(x / f for x, f in zip(dec["lib"], dec["floor"], strict=True))
    print(f"\nWhat remains (this tree, float32, {a.epochs} repeats): lib's epoch is "
          f"{total:.2f} × the floor = 1 (matrix products) + {calls:.2f} (the cost of lib's "
          f"NumPy and Python calls, measured on the same network 2 units wide: lib "
          f"{1000 * statistics.median(dec['lib tiny']) / 3:.1f} ms per epoch against "
          f"{1000 * statistics.median(dec['floor tiny']) / 3:.1f} ms for its matrix "
          f"products) + "
          f"{total - 1 - calls:.2f} (element-wise work on the data: Adam's passes over the "
          "40 000 parameters, ReLU, biases, the loss)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
