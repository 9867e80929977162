"""Benchmark: lib against PyTorch on the CPU, lib against its own matrix products, and the book.

Run from the repository root with the benchmark's environment (``bash bench/run.sh`` makes it):

    .venv-bench/bin/python bench/run.py                # everything, writes bench/RESULTS.md
    .venv-bench/bin/python bench/run.py --no-book      # skip executing the chapters
    .venv-bench/bin/python bench/run.py --quick        # fewer epochs and repeats (a smoke run)

Four measurements:

0. Time per epoch against the floor (issue 14): lib in float64 and float32, the same
   epoch's matrix products alone (the floor: forward, ∂W and ∂x of every Dense layer, on
   the same batches, nothing else) and PyTorch eager, float32, all with Adam and one
   thread, on the digits (64-256-256-10, batch 32) and MNIST-1D (40-128-128-128-10,
   batch 64). lib runs ``fit(train_metrics="running")``, PyTorch the same loop with the
   same per-batch records. Times are medians over interleaved repeats; each ratio is the
   median over repeats of the ratio of two runs made back to back in the same process
   (the machine is shared: such ratios see the same load, absolute times do not).
1. The digits MLP (64-256-256-10, ReLU, heavy-ball momentum, batch 32) trained with
   ``lib.train.fit`` and with the same loop written in PyTorch: float32, one thread each,
   the same initial weights, the same shuffling, the same per-batch bookkeeping (the
   batch loss and accuracy, as ``fit(train_metrics="running")`` records them).
2. A wide network (64-2048-2048-10, batch 128) where the matrix products dominate: lib's
   epoch time against the time of the same matrix products done directly with NumPy.
3. Each chapter executed with nbclient, in a temporary copy (the committed notebooks are
   not touched), and the whole book as their sum.

Times are the median over repeats of both the wall clock and the process's CPU time (one
thread, so CPU time is the time the computation actually ran; on a machine shared with
other work the wall clock also counts the time spent waiting for a core). The load
average is recorded with every measurement.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import itertools
import os
import platform
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DTYPE = np.float32
LR, BETA = 0.01, 0.9
ADAM_LR = 1e-3


# ---------------------------------------------------------------- machine and timing helpers

def load() -> str:
    """The 1-, 5- and 15-minute load averages, as ``uptime`` prints them."""
    return "{:.2f}, {:.2f}, {:.2f}".format(*os.getloadavg())


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of one call of ``fn``."""
    w0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w0, time.process_time() - c0


def median_times(runs: list[tuple[float, float]], per: int) -> tuple[float, float]:
    """Median wall and CPU seconds over ``runs``, divided by ``per`` (epochs per run)."""
    return (statistics.median(w for w, _ in runs) / per, statistics.median(c for _, c in runs) / per)


# ---------------------------------------------------------------- the two implementations

def lib_model(sizes: tuple[int, ...], seed: int):
    from lib.layers import Dense, ReLU
    from lib.model import Sequential

    rng = np.random.default_rng(seed)
    layers = []
    for i, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
        last = i == len(sizes) - 2
        layers.append(Dense(n_in, n_out, "glorot_uniform" if last else "he_normal", rng, dtype=DTYPE))
        if not last:
            layers.append(ReLU())
    return Sequential(layers)


def torch_model(lib_net):
    """A torch.nn.Sequential with the same layers and the same initial weights as ``lib_net``."""
    import torch

    from lib.layers import Dense

    mods = []
    for layer in lib_net.layers:
        if isinstance(layer, Dense):
            lin = torch.nn.Linear(layer.n_in, layer.n_out)
            with torch.no_grad():  # torch keeps W as (out, in): y = x Wᵀ + b
                lin.weight.copy_(torch.from_numpy(layer.params["W"].T.copy()))
                lin.bias.copy_(torch.from_numpy(layer.params["b"]))
            mods.append(lin)
        else:
            mods.append(torch.nn.ReLU())
    return torch.nn.Sequential(*mods)


def lib_fit(X, y, sizes, epochs, batch, seed):
    """Train with lib.train.fit; returns (the model, a function that runs the training)."""
    from lib import losses, optim, train

    net = lib_model(sizes, seed)
    opt = optim.Momentum(LR, BETA)

    def run():
        return train.fit(net, losses.SoftmaxCrossEntropy(), opt, X, y, epochs=epochs, batch_size=batch,
                         rng=np.random.default_rng(seed + 1), train_metrics="running")
    return net, run


def lib_bare(X, y, sizes, epochs, batch, seed):
    """lib's layers, loss and optimizer in a bare loop: no records, no checks beyond the layers' own."""
    from lib import losses, optim
    from lib.data import minibatches

    net = lib_model(sizes, seed)
    opt = optim.Momentum(LR, BETA)
    loss = losses.SoftmaxCrossEntropy()

    def run():
        rng = np.random.default_rng(seed + 1)
        for _ in range(epochs):
            for xb, yb in minibatches(X, y, batch, rng):
                loss.forward(net.forward(xb, training=True), yb)
                net.backward(loss.backward())
                opt.step(net.params, net.grads)
    return net, run


def torch_fit(X, y, sizes, epochs, batch, seed, *, records=True):
    """The same training in PyTorch: same init, same batch order, same per-batch records.

    ``records=False`` drops the per-batch loss and accuracy (the bare loop).

    torch.optim.SGD(momentum=β) keeps v ← βv + g, θ ← θ − ηv; lib's Momentum keeps
    m ← βm − ηg, θ ← θ + m: the same iterates for a constant η (m = −ηv).
    """
    import torch

    torch.manual_seed(seed)
    lib_net = lib_model(sizes, seed)
    net = torch_model(lib_net)
    opt = torch.optim.SGD(net.parameters(), lr=LR, momentum=BETA)
    loss_fn = torch.nn.CrossEntropyLoss()
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)

    def run():
        rng = np.random.default_rng(seed + 1)
        hist = []
        for _ in range(epochs):
            order = torch.from_numpy(rng.permutation(len(X)))
            losses, accs, sizes_ = [], [], []
            for start in range(0, len(X), batch):
                idx = order[start:start + batch]
                xb, yb = Xt[idx], yt[idx]
                out = net(xb)
                loss = loss_fn(out, yb)
                opt.zero_grad()
                loss.backward()
                opt.step()
                if not records:
                    continue
                losses.append(loss.item())
                accs.append((out.argmax(1) == yb).double().mean().item())
                sizes_.append(len(idx))
            if records:
                hist.append(float(np.average(losses, weights=sizes_)))
        return hist
    return net, run



# ---------------------------------------------------------------- 0. time per epoch against the floor

def make_lib_net(sizes, seed, dtype):
    from lib.layers import Dense, ReLU
    from lib.model import Sequential

    rng = np.random.default_rng(seed)
    layers = []
    for i, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
        last = i == len(sizes) - 2
        layers.append(Dense(n_in, n_out, "glorot_uniform" if last else "he_normal", rng, dtype=dtype))
        if not last:
            layers.append(ReLU())
    return Sequential(layers)


def epoch_variants(X, y, sizes, batch, epochs, with_torch):
    """name -> function(seed) returning a function that trains ``epochs`` epochs."""
    from lib import losses, optim, train

    def lib_run(dtype):
        Xd = np.ascontiguousarray(X, dtype=dtype)

        def make(seed):
            net, opt = make_lib_net(sizes, seed, dtype), optim.Adam(ADAM_LR)
            return lambda: train.fit(net, losses.SoftmaxCrossEntropy(), opt, Xd, y, epochs=epochs,
                                     batch_size=batch, rng=seed + 1, train_metrics="running")
        return make

    def floor(dtype):
        Xd = np.ascontiguousarray(X, dtype=dtype)

        def make(seed):
            Ws = [v for k, v in make_lib_net(sizes, seed, dtype).params.items() if k.endswith(".W")]

            def run():
                """Every matrix product of lib's epoch on the same batches, nothing else."""
                rng = np.random.default_rng(seed + 1)
                for _ in range(epochs):
                    order = rng.permutation(len(Xd))
                    for start in range(0, len(Xd), batch):
                        xb = Xd[order[start:start + batch]]
                        acts = [xb]
                        for W in Ws:
                            acts.append(acts[-1] @ W)
                        d = np.ones((len(xb), sizes[-1]), dtype=dtype)
                        for W, a in zip(reversed(Ws), reversed(acts[:-1]), strict=True):
                            _ = a.T @ d
                            d = d @ W.T
            return run
        return make

    variants = {"lib float64": lib_run(np.float64), "lib float32": lib_run(np.float32),
                "floor float64": floor(np.float64), "floor float32": floor(np.float32)}
    if with_torch:
        import torch

        X32 = np.ascontiguousarray(X, dtype=np.float32)

        def torch_make(seed):
            net = torch_model(make_lib_net(sizes, seed, np.float32))
            opt = torch.optim.Adam(net.parameters(), lr=ADAM_LR)
            loss_fn = torch.nn.CrossEntropyLoss()
            Xt, yt = torch.from_numpy(X32), torch.from_numpy(y)

            def run():
                rng = np.random.default_rng(seed + 1)
                for _ in range(epochs):
                    order = torch.from_numpy(rng.permutation(len(X32)))
                    losses_, accs, sizes_ = [], [], []
                    for start in range(0, len(X32), batch):
                        idx = order[start:start + batch]
                        xb, yb = Xt[idx], yt[idx]
                        out = net(xb)
                        loss = loss_fn(out, yb)
                        opt.zero_grad()
                        loss.backward()
                        opt.step()
                        losses_.append(loss.item())
                        accs.append((out.argmax(1) == yb).double().mean().item())
                        sizes_.append(len(idx))
                    float(np.average(losses_, weights=sizes_))
            return run
        variants["PyTorch float32"] = torch_make
    return variants


def bench_epoch(name, X, y, sizes, batch, epochs, repeats, with_torch) -> dict:
    variants = epoch_variants(X, y, sizes, batch, epochs, with_torch)
    runs = {k: [] for k in variants}
    load_before = load()
    for r in range(repeats):  # interleaved: every variant sees the same load
        for k, make in variants.items():
            runs[k].append(timed(make(r)))
    times = {k: median_times(v, epochs) for k, v in runs.items()}
    # each ratio is the median over repeats of the ratio within a repeat: the two runs it
    # compares ran back to back, under the same load
    ratios = {(a, b): statistics.median(ra[1] / rb[1] for ra, rb in zip(runs[a], runs[b], strict=True))
              for a in runs for b in runs if a != b}
    return {"name": name, "sizes": sizes, "batch": batch, "epochs": epochs, "repeats": repeats, "n": len(X),
            "times": times, "ratios": ratios, "load": (load_before, load())}


# ---------------------------------------------------------------- 1. lib vs PyTorch

def bench_mlp(X, y, epochs: int, repeats: int) -> dict:
    import torch

    sizes, batch = (64, 256, 256, 10), 32
    # the two implementations compute the same iterates: compare after one epoch
    lnet, lrun = lib_fit(X, y, sizes, 1, batch, seed=0)
    tnet, trun = torch_fit(X, y, sizes, 1, batch, seed=0)
    h_lib, h_torch = lrun().train_loss[0], trun()[0]
    w_lib = lnet.params["0.W"]
    w_torch = tnet[0].weight.detach().numpy().T
    agree = float(np.max(np.abs(w_lib - w_torch)))
    variants = {"lib fit": lambda r: lib_fit(X, y, sizes, epochs, batch, seed=r)[1],
                "torch fit": lambda r: torch_fit(X, y, sizes, epochs, batch, seed=r)[1],
                "lib bare": lambda r: lib_bare(X, y, sizes, epochs, batch, seed=r)[1],
                "torch bare": lambda r: torch_fit(X, y, sizes, epochs, batch, seed=r, records=False)[1]}
    runs = {k: [] for k in variants}
    load_before = load()
    for r in range(repeats):  # interleave, so every variant sees the same load
        for k, make in variants.items():
            runs[k].append(timed(make(r)))
    times = {k: median_times(v, epochs) for k, v in runs.items()}
    return {"sizes": sizes, "batch": batch, "epochs": epochs, "repeats": repeats,
            "times": times, "load": (load_before, load()),
            "loss_lib": h_lib, "loss_torch": h_torch, "max_w_diff": agree,
            "torch_threads": torch.get_num_threads()}


# ---------------------------------------------------------------- 2. wide network vs its matmuls

def bench_wide(X, y, epochs: int, repeats: int, with_torch: bool) -> dict:
    sizes, batch = (64, 2048, 2048, 10), 128
    Ws = [lib_model(sizes, 0).params[f"{2 * i}.W"] for i in range(len(sizes) - 1)]
    n = len(X)

    def matmuls_only():
        """Every matrix product of an epoch of lib's training (forward, ∂W and ∂x of each Dense), nothing else."""
        rng = np.random.default_rng(1)
        for _ in range(epochs):
            order = rng.permutation(n)
            for start in range(0, n, batch):
                m = len(order[start:start + batch])
                acts = [np.ones((m, sizes[0]), dtype=DTYPE)]
                for W in Ws:
                    acts.append(acts[-1] @ W)
                d = np.ones((m, sizes[-1]), dtype=DTYPE)
                for W, a in zip(reversed(Ws), reversed(acts[:-1]), strict=True):
                    _ = a.T @ d
                    d = d @ W.T

    lib_runs, mm_runs = [], []
    load_before = load()
    for r in range(repeats):
        _, lrun = lib_fit(X, y, sizes, epochs, batch, seed=r)
        lib_runs.append(timed(lrun))
        mm_runs.append(timed(matmuls_only))
    lib_w, lib_c = median_times(lib_runs, epochs)
    mm_w, mm_c = median_times(mm_runs, epochs)
    torch_w = torch_c = float("nan")
    if with_torch:
        torch_w, torch_c = median_times([timed(torch_fit(X, y, sizes, epochs, batch, seed=r)[1])
                                         for r in range(repeats)], epochs)
    return {"sizes": sizes, "batch": batch, "epochs": epochs, "repeats": repeats,
            "lib": (lib_w, lib_c), "matmul": (mm_w, mm_c), "torch": (torch_w, torch_c),
            "load": (load_before, load())}


# ---------------------------------------------------------------- 3. the book

def bench_book(pattern: str, timeout: int) -> dict:
    import nbformat
    from nbclient import NotebookClient

    rows = []
    load_before = load()
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory(prefix="bench_book_") as tmp:
        for src in sorted((ROOT / "chapters").glob(pattern)):
            dst = Path(tmp) / src.name
            shutil.copy(src, dst)
            w0 = time.perf_counter()
            error = ""
            try:
                nb = nbformat.read(dst, as_version=4)
                NotebookClient(nb, timeout=timeout, kernel_name="python3",
                               resources={"metadata": {"path": tmp}}).execute()
            except Exception as exc:  # report the failure and go on with the other chapters
                error = type(exc).__name__
            wall = time.perf_counter() - w0
            now = resource.getrusage(resource.RUSAGE_CHILDREN)  # the kernel, a child process, has exited
            kernel_cpu = (now.ru_utime + now.ru_stime) - (cpu.ru_utime + cpu.ru_stime)
            cpu = now
            rows.append((src.name, wall, kernel_cpu, error, load()))
            print(f"  {src.name}: {wall:.1f} s wall, {kernel_cpu:.1f} s kernel CPU {error}",
                  file=sys.stderr, flush=True)
    return {"rows": rows, "total": sum(r[1] for r in rows), "total_cpu": sum(r[2] for r in rows),
            "load": (load_before, load())}


# ---------------------------------------------------------------- report

def machine_facts() -> list[str]:
    from threadpoolctl import threadpool_info

    facts = [f"- date (UTC): {_dt.datetime.now(_dt.UTC).strftime('%Y-%m-%d %H:%M')}",
             f"- CPU: {cpu_model()}, {os.cpu_count()} logical cores",
             f"- Python {platform.python_version()}, NumPy {np.__version__}"]
    try:
        import torch
        facts[-1] += f", PyTorch {torch.__version__}"
    except ImportError:
        facts[-1] += ", PyTorch not installed"
    blas = [f"{d['internal_api']} {d.get('version', '')} ({d.get('architecture', '')}), {d['num_threads']} thread(s)"
            for d in threadpool_info() if d["user_api"] == "blas" and "numpy" in d["filepath"]]
    facts.append(f"- NumPy's BLAS as lib runs it: {'; '.join(blas) or 'unknown'}")
    try:
        import torch
        facts.append(f"- PyTorch: {torch.get_num_threads()} intra-op thread(s), MKL "
                     f"{'available' if torch.backends.mkl.is_available() else 'not available'}")
    except ImportError:
        pass
    return facts


def epoch_table(parts: list[dict]) -> list[str]:
    out = ["## 0. Time per epoch against the matrix-product floor", "",
           "Adam (η = 0.001), ReLU MLPs, one thread each. *lib*: `lib.train.fit(train_metrics=\"running\")`; "
           "*floor*: the same epoch's matrix products alone (forward, ∂W, ∂x of every Dense layer, on the same "
           "batches); *PyTorch*: the same loop in PyTorch eager with the same per-batch records. Median over "
           "interleaved repeats of the process's CPU time (wall clock in brackets); each ratio is the median over "
           "repeats of the ratio of two runs made back to back in the same process, under the same load.",
           "", "| | " + " | ".join(f"{p['name']} {'-'.join(map(str, p['sizes']))}, batch {p['batch']}"
                                   for p in parts) + " |",
           "|---|" + "---|" * len(parts)]
    rows = ["lib float64", "lib float32", "floor float64", "floor float32", "PyTorch float32"]
    for r in rows:
        cells = []
        for p in parts:
            t = p["times"].get(r)
            cells.append("–" if t is None else f"{1000 * t[1]:.1f} ms ({1000 * t[0]:.1f})")
        out.append(f"| {r} | " + " | ".join(cells) + " |")
    for label, a, b in (("lib float32 / floor float32", "lib float32", "floor float32"),
                        ("lib float64 / floor float64", "lib float64", "floor float64"),
                        ("lib float64 / lib float32", "lib float64", "lib float32"),
                        ("PyTorch float32 / lib float32", "PyTorch float32", "lib float32")):
        cells = [f"**{p['ratios'][a, b]:.2f}**" if (a, b) in p["ratios"] else "–" for p in parts]
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    out += ["", "; ".join(f"{p['name']}: {p['n']} training samples, {p['epochs']} epochs × {p['repeats']} repeats, "
                          f"load {p['load'][0]} → {p['load'][1]}" for p in parts) + ".", ""]
    return out


def report(mlp: dict | None, wide: dict | None, book: dict | None, epochs: list[dict] | None = None,
           old_book: str = "") -> str:
    out = ["# Benchmark results", "", "Written by `bench/run.py` (run it with `bash bench/run.sh`).", ""]
    out += machine_facts()
    out += ["", "Times are medians over repeats. *CPU* is the process's CPU time (one thread: the "
            "time the computation ran); *wall* also counts time spent waiting for a core, which is large when the "
            "machine is shared. The load average (1, 5, 15 min) is given at the start and end of each part.", ""]
    if epochs:
        out += epoch_table(epochs)
    if mlp:
        s = "-".join(map(str, mlp["sizes"]))
        t = mlp["times"]
        out += [f"## 1. Digits MLP {s}: lib against PyTorch", "",
                f"ReLU, float32, heavy-ball momentum (η = {LR}, β = {BETA}), batch {mlp['batch']}, "
                f"{mlp['epochs']} epochs × {mlp['repeats']} repeats, one thread each "
                f"(torch.get_num_threads() = {mlp['torch_threads']}). "
                "*fit*: `lib.train.fit(train_metrics=\"running\")` against a PyTorch loop that records the same "
                "batch loss and accuracy; *bare*: forward, loss, "
                f"backward and step only, in both. Load: {mlp['load'][0]} → {mlp['load'][1]}.", "",
                "| loop | lib s/epoch (CPU) | PyTorch s/epoch (CPU) | lib / PyTorch (CPU) "
                "| lib s/epoch (wall) | PyTorch s/epoch (wall) | lib / PyTorch (wall) |",
                "|---|---|---|---|---|---|---|"]
        for v in ("fit", "bare"):
            (lw, lc), (tw, tc) = t[f"lib {v}"], t[f"torch {v}"]
            out.append(f"| {v} | {lc:.4f} | {tc:.4f} | {lc / tc:.2f} | {lw:.4f} | {tw:.4f} | {lw / tw:.2f} |")
        out += ["",
                f"Same computation: after one epoch from the same weights and batch order the mean training "
                f"loss is {mlp['loss_lib']:.6f} (lib) and {mlp['loss_torch']:.6f} (PyTorch), and the first weight "
                f"matrices differ by at most {mlp['max_w_diff']:.1e} (float32 rounding).", ""]
    if wide:
        s = "-".join(map(str, wide["sizes"]))
        (lw, lc), (mw, mc), (tw, tc) = wide["lib"], wide["matmul"], wide["torch"]
        out += [f"## 2. Wide network {s}: lib against its matrix products", "",
                f"float32, batch {wide['batch']}, {wide['epochs']} epoch(s) × {wide['repeats']} repeats. "
                f"*Matmuls only* does every matrix product of lib's epoch (forward, ∂W and ∂x of each "
                f"layer) with NumPy and nothing else. Load: {wide['load'][0]} → {wide['load'][1]}.", "",
                "| | lib epoch | matmuls only | matmul share of lib | PyTorch epoch |", "|---|---|---|---|---|",
                f"| s per epoch (CPU) | {lc:.3f} | {mc:.3f} | {mc / lc:.0%} | {tc:.3f} |",
                f"| s per epoch (wall) | {lw:.3f} | {mw:.3f} | {mw / lw:.0%} | {tw:.3f} |", ""]
    if book:
        out += ["## 3. Executing the book", "",
                "Each chapter executed with nbclient in a temporary copy, one after the other: *wall* from "
                "start to end including the kernel's start-up, *kernel CPU* the CPU time its kernel process "
                f"used. Load: {book['load'][0]} → {book['load'][1]}.", "",
                "| chapter | seconds (wall) | kernel CPU seconds | load after |", "|---|---|---|---|"]
        for name, sec, kcpu, err, ld in book["rows"]:
            out.append(f"| {name}{' (failed: ' + err + ')' if err else ''} | {sec:.1f} | {kcpu:.1f} | {ld} |")
        out += [f"| **whole book** | **{book['total']:.1f}** | **{book['total_cpu']:.1f}** | |", ""]
    elif old_book:
        out += [old_book.rstrip(), ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--epochs", type=int, default=10, help="epochs per timed run of the digits MLP")
    p.add_argument("--wide-epochs", type=int, default=2, help="epochs per timed run of the wide network")
    p.add_argument("--repeats", type=int, default=5, help="timed runs per measurement (the median is reported)")
    p.add_argument("--quick", action="store_true", help="3 epochs, 1 wide epoch, 2 repeats, first chapter only")
    p.add_argument("--no-torch", action="store_true", help="skip part 1 (lib against PyTorch)")
    p.add_argument("--no-wide", action="store_true", help="skip part 2 (the wide network)")
    p.add_argument("--no-book", action="store_true", help="skip part 3 (executing the chapters; the previous "
                   "results are kept, marked as such)")
    p.add_argument("--no-epoch", action="store_true", help="skip part 0 (time per epoch against the floor)")
    p.add_argument("--epoch-epochs", type=int, default=3, help="epochs per timed run in part 0")
    p.add_argument("--epoch-repeats", type=int, default=15, help="interleaved repeats in part 0 (medians reported)")
    p.add_argument("--chapters", default="*.ipynb", help="glob of the chapters to execute (default all)")
    p.add_argument("--timeout", type=int, default=3600, help="nbclient's per-cell timeout in seconds")
    p.add_argument("--output", default=str(ROOT / "bench" / "RESULTS.md"), help="where to write the results")
    a = p.parse_args(argv)
    if a.quick:
        a.epochs, a.wide_epochs, a.repeats = 3, 1, 2
        a.epoch_epochs, a.epoch_repeats = 1, 2
        a.chapters = "01_*.ipynb" if a.chapters == "*.ipynb" else a.chapters

    import lib  # limits NumPy's BLAS to one thread
    from lib.data import digits_splits

    try:
        import torch
        torch.set_num_threads(1)
    except ImportError:
        if not a.no_torch:
            p.error("PyTorch is not installed: run bash bench/run.sh, or pass --no-torch")

    print(f"lib from {Path(lib.__file__).parent}", file=sys.stderr)
    s = digits_splits(0)
    X, y = np.ascontiguousarray(s.X_train, dtype=DTYPE), s.y_train.astype(np.int64)
    mlp = wide = book = None
    epoch_parts = []
    if not a.no_epoch:
        from lib.data import load_mnist1d

        print("0. time per epoch against the floor ...", file=sys.stderr, flush=True)
        epoch_parts.append(bench_epoch("digits", X, y, (64, 256, 256, 10), 32, a.epoch_epochs, a.epoch_repeats,
                                       with_torch=not a.no_torch))
        m = load_mnist1d()
        epoch_parts.append(bench_epoch("MNIST-1D", m.X_train, m.y_train.astype(np.int64), (40, 128, 128, 128, 10),
                                       64, a.epoch_epochs, a.epoch_repeats, with_torch=not a.no_torch))
    if not a.no_torch:
        print("1. digits MLP, lib against PyTorch ...", file=sys.stderr, flush=True)
        mlp = bench_mlp(X, y, a.epochs, a.repeats)
    if not a.no_wide:
        print("2. wide network against its matmuls ...", file=sys.stderr, flush=True)
        wide = bench_wide(X, y, a.wide_epochs, max(2, a.repeats // 2 + 1), with_torch=not a.no_torch)
    if not a.no_book:
        print("3. executing the chapters ...", file=sys.stderr, flush=True)
        book = bench_book(a.chapters, a.timeout)
    old_book = ""
    out_path = Path(a.output)
    if book is None and out_path.exists():
        prev = out_path.read_text()
        if "## 3. Executing the book" in prev:
            old_book = prev[prev.index("## 3. Executing the book"):]
            if "(from an earlier run)" not in old_book:
                old_book = old_book.replace("## 3. Executing the book", "## 3. Executing the book (from an earlier "
                                            "run)\n\nNot re-measured in this run (`--no-book`); these chapter "
                                            "times predate the changes measured above.", 1)
    text = report(mlp, wide, book, epoch_parts, old_book)
    Path(a.output).write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
