"""Benchmark: a small CNN on MNIST-1D in lib against the same net and loop in PyTorch.

Run from the repository root with the benchmark's environment (``bash bench/run.sh`` makes
``.venv-bench``, which has lib's requirements and PyTorch):

    .venv-bench/bin/python bench/cnn.py                 # timing: 3 epochs × 3 repeats each
    .venv-bench/bin/python bench/cnn.py --epochs 2 --repeats 5
    .venv-bench/bin/python bench/cnn.py --accuracy      # also train lib's net 30 epochs, 5 seeds
    .venv-bench/bin/python bench/cnn.py --no-torch      # lib only (no PyTorch needed)

The net (issue 18): Conv1D(1→32, k=5, pad 2) → ReLU → MaxPool1D(2) → Conv1D(32→32, k=5,
pad 2) → ReLU → MaxPool1D(2) → Conv1D(32→32, k=5, pad 2) → ReLU → Flatten → Dense(320→10),
softmax cross-entropy, Adam, batch 100, float32, one BLAS/intra-op thread each
(``torch.set_num_threads(1)``). Both frameworks start from the same weights (lib's He
normal draws copied into PyTorch) and see the same mini-batches in the same order; the
loop is the same (forward, loss, backward, Adam step, per batch). Times are the per-epoch
process CPU time and wall clock; the machine may be shared, so each figure is the minimum
over repeats.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from lib import layers
from lib.data import load_mnist1d, minibatches
from lib.losses import SoftmaxCrossEntropy
from lib.model import Sequential
from lib.optim import Adam

DTYPE = np.float32
BATCH = 100


def lib_cnn(seed: int, channels: int = 32, k: int = 5, dtype: type = DTYPE) -> Sequential:
    """The benchmark's CNN in lib (He-normal weights, zero biases)."""
    rng = np.random.default_rng(seed)
    kw = {"padding": k // 2, "rng": rng, "dtype": dtype}
    return Sequential([
        layers.Conv1D(1, channels, k, **kw), layers.ReLU(), layers.MaxPool1D(2),
        layers.Conv1D(channels, channels, k, **kw), layers.ReLU(), layers.MaxPool1D(2),
        layers.Conv1D(channels, channels, k, **kw), layers.ReLU(), layers.Flatten(),
        layers.Dense(channels * 10, 10, init="he_normal", rng=rng, dtype=dtype),
    ])


def torch_cnn(model: Sequential):
    """The same net in PyTorch, with lib's initial weights (Dense's W is transposed)."""
    import torch

    dt = torch.from_numpy(model.layers[0].params["W"]).dtype

    def conv(i):
        c = model.layers[i]
        m = torch.nn.Conv1d(c.in_channels, c.out_channels, c.kernel_size, padding=c.padding, dtype=dt)
        with torch.no_grad():
            m.weight.copy_(torch.from_numpy(c.params["W"]))
            m.bias.copy_(torch.from_numpy(c.params["b"]))
        return m

    dense = torch.nn.Linear(model.layers[9].n_in, 10, dtype=dt)
    with torch.no_grad():
        dense.weight.copy_(torch.from_numpy(model.layers[9].params["W"].T.copy()))
        dense.bias.copy_(torch.from_numpy(model.layers[9].params["b"]))
    net = torch.nn.Sequential(conv(0), torch.nn.ReLU(), torch.nn.MaxPool1d(2),
                              conv(3), torch.nn.ReLU(), torch.nn.MaxPool1d(2),
                              conv(6), torch.nn.ReLU(), torch.nn.Flatten(), dense)
    return net


def lib_epochs(model, opt, X, y, epochs: int, seed: int) -> list[tuple[float, float]]:
    """(cpu, wall) seconds of each epoch of lib's loop."""
    loss = SoftmaxCrossEntropy()
    rng = np.random.default_rng(seed)
    flat_params, flat_grads = model.flat()  # one Adam step over one array, as lib.train.fit does
    times = []
    for _ in range(epochs):
        c0, w0 = time.process_time(), time.perf_counter()
        for Xb, yb in minibatches(X, y, BATCH, rng):
            loss.forward(model.forward(Xb, training=True), yb)
            model.backward(loss.backward())
            opt.step(flat_params, flat_grads)
        times.append((time.process_time() - c0, time.perf_counter() - w0))
    return times


def torch_epochs(net, X, y, epochs: int, seed: int, lr: float) -> list[tuple[float, float]]:
    import torch

    opt = torch.optim.Adam(net.parameters(), lr=lr, eps=1e-8)
    lossf = torch.nn.CrossEntropyLoss()
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    rng = np.random.default_rng(seed)
    times = []
    for _ in range(epochs):
        c0, w0 = time.process_time(), time.perf_counter()
        for start in range(0, len(X), BATCH):  # the same permutation as lib's minibatches
            if start == 0:
                order = torch.from_numpy(rng.permutation(len(X)))
            idx = order[start:start + BATCH]
            opt.zero_grad(set_to_none=False)
            out = lossf(net(Xt[idx]), yt[idx])
            out.backward()
            opt.step()
        times.append((time.process_time() - c0, time.perf_counter() - w0))
    return times


def accuracy(model, X, y) -> float:
    return float(np.mean(np.argmax(model.predict(X), axis=1) == y))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--epochs", type=int, default=3, help="epochs per timing repeat")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--no-torch", action="store_true")
    ap.add_argument("--accuracy", action="store_true", help="train lib's net 30 epochs on 5 seeds")
    ap.add_argument("--seeds", type=int, default=5)
    args = ap.parse_args()

    d = load_mnist1d(channels=True)
    X = d.X_train.astype(DTYPE)
    y = d.y_train
    print(f"MNIST-1D train {X.shape}, batch {BATCH}, float32, load {os.getloadavg()[0]:.2f}")

    lib_t = []
    for r in range(args.repeats):
        model = lib_cnn(r)
        lib_t += lib_epochs(model, Adam(args.lr), X, y, args.epochs, seed=100 + r)
    lib_cpu, lib_wall = min(t[0] for t in lib_t), min(t[1] for t in lib_t)
    print(f"lib     per epoch: cpu {lib_cpu * 1e3:7.1f} ms  wall {lib_wall * 1e3:7.1f} ms  "
          f"(min over {len(lib_t)} epochs)")
    if not args.no_torch:
        import torch

        torch.set_num_threads(1)
        torch_t = []
        for r in range(args.repeats):
            net = torch_cnn(lib_cnn(r))
            torch_t += torch_epochs(net, X, y, args.epochs, seed=100 + r, lr=args.lr)
        t_cpu, t_wall = min(t[0] for t in torch_t), min(t[1] for t in torch_t)
        print(f"PyTorch per epoch: cpu {t_cpu * 1e3:7.1f} ms  wall {t_wall * 1e3:7.1f} ms  "
              f"(torch {torch.__version__}, 1 thread)")
        print(f"lib / PyTorch: cpu {lib_cpu / t_cpu:.2f}×  wall {lib_wall / t_wall:.2f}×  (target ≤ 2×)")
        # the same start and batches give the same training: compare after one epoch
        for dt in (np.float32, np.float64):
            model = lib_cnn(7, dtype=dt)
            net = torch_cnn(model)
            Xd = X.astype(dt)
            lib_epochs(model, Adam(args.lr), Xd, y, 1, seed=1)
            torch_epochs(net, Xd, y, 1, seed=1, lr=args.lr)
            with torch.no_grad():
                logits = net(torch.from_numpy(Xd[:500])).numpy()
            diff = np.abs(logits - model.predict(Xd[:500])).max()
            print(f"{np.dtype(dt).name}: after 1 epoch (30 Adam steps) from the same weights and batches, "
                  f"max |logit difference| = {diff:.1e} (logits up to {np.abs(logits).max():.1f})")

    if args.accuracy:
        accs = []
        for seed in range(args.seeds):
            model = lib_cnn(seed)
            opt = Adam(args.lr)
            lib_epochs(model, opt, X, y, 30, seed=1000 + seed)
            accs.append(accuracy(model, d.X_test.astype(DTYPE), d.y_test))
            print(f"seed {seed}: test accuracy after 30 epochs {accs[-1]:.3f}", flush=True)
        a = np.array(accs)
        half = 0.0
        if len(a) > 1:
            from scipy import stats

            half = stats.t.ppf(0.975, len(a) - 1) * a.std(ddof=1) / np.sqrt(len(a))
        print(f"test accuracy: mean {a.mean():.3f}, 95 % CI {a.mean() - half:.3f} to {a.mean() + half:.3f} "
              f"over {len(a)} seeds (Adam lr {args.lr}, 30 epochs, batch {BATCH})")


if __name__ == "__main__":
    main()
