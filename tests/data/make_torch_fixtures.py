"""Regenerate tests/data/torch_fixtures.npz: PyTorch's outputs and gradients for fixed inputs.

PyTorch is not a dependency of lib or its tests; this script runs in a separate
environment and its output is committed:

    python -m venv /tmp/torchvenv && /tmp/torchvenv/bin/pip install torch==2.13.0 numpy
    /tmp/torchvenv/bin/python tests/data/make_torch_fixtures.py

Every case stores the inputs (x, parameters, the upstream gradient dout) and PyTorch's
forward output and gradients, all float64. tests/test_conv.py, test_norms.py and
test_batchnorm.py compare lib against them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

OUT = Path(__file__).with_name("torch_fixtures.npz")
rng = np.random.default_rng(20261201)
arrays: dict[str, np.ndarray] = {"torch_version": np.array(torch.__version__)}


def t(a: np.ndarray) -> torch.Tensor:
    return torch.tensor(a, dtype=torch.float64, requires_grad=True)


def save(prefix: str, **kw) -> None:
    for k, v in kw.items():
        arrays[f"{prefix}_{k}"] = v.detach().clone().numpy() if isinstance(v, torch.Tensor) else np.asarray(v)


# Conv1D: (in, out, kernel, stride, padding, length)
CONV = [(3, 4, 3, 1, 0, 10), (3, 4, 5, 2, 2, 11), (2, 3, 4, 3, 1, 9), (1, 2, 1, 1, 0, 5), (2, 2, 5, 1, 2, 5)]
for i, (c_in, c_out, k, s, p, length) in enumerate(CONV):
    x, W, b = t(rng.standard_normal((2, c_in, length))), t(rng.standard_normal((c_out, c_in, k))), t(
        rng.standard_normal(c_out))
    y = F.conv1d(x, W, b, stride=s, padding=p)
    dout = torch.tensor(rng.standard_normal(tuple(y.shape)), dtype=torch.float64)
    y.backward(dout)
    save(f"conv{i}", cfg=np.array([c_in, c_out, k, s, p, length]), x=x, W=W, b=b, dout=dout, y=y,
         dx=x.grad, dW=W.grad, db=b.grad)

# MaxPool1D(size): a remainder (7 = 3·2 + 1) and ties (rounded integers)
POOL = [(2, rng.standard_normal((2, 3, 7))), (3, np.round(rng.standard_normal((2, 2, 9)))),
        (4, np.zeros((1, 1, 8)))]
for i, (size, xv) in enumerate(POOL):
    x = t(xv)
    y = F.max_pool1d(x, size)
    dout = torch.tensor(rng.standard_normal(tuple(y.shape)), dtype=torch.float64)
    y.backward(dout)
    save(f"pool{i}", size=np.array(size), x=x, dout=dout, y=y, dx=x.grad)

# LayerNorm over the last axis: 2-D and 3-D
for i, shape in enumerate([(4, 6), (2, 3, 6)]):
    x, g, b = t(3 + 2 * rng.standard_normal(shape)), t(rng.standard_normal(6)), t(rng.standard_normal(6))
    y = F.layer_norm(x, (6,), g, b, eps=1e-5)
    dout = torch.tensor(rng.standard_normal(shape), dtype=torch.float64)
    y.backward(dout)
    save(f"ln{i}", x=x, gamma=g, beta=b, dout=dout, y=y, dx=x.grad, dgamma=g.grad, dbeta=b.grad)

# GroupNorm: (groups, shape)
for i, (G, shape) in enumerate([(2, (3, 6, 5)), (3, (2, 6, 4)), (1, (2, 4, 3)), (3, (4, 6))]):
    C = shape[1]
    x, g, b = t(1 + 2 * rng.standard_normal(shape)), t(rng.standard_normal(C)), t(rng.standard_normal(C))
    y = F.group_norm(x, G, g, b, eps=1e-5)
    dout = torch.tensor(rng.standard_normal(shape), dtype=torch.float64)
    y.backward(dout)
    save(f"gn{i}", groups=np.array(G), x=x, gamma=g, beta=b, dout=dout, y=y, dx=x.grad, dgamma=g.grad,
         dbeta=b.grad)

# BatchNorm1d on (batch, channels, length): training step from the initial running statistics,
# then inference with given running statistics
shape = (4, 3, 5)
bn = torch.nn.BatchNorm1d(3, eps=1e-5, momentum=0.1, dtype=torch.float64)
with torch.no_grad():
    bn.weight.copy_(torch.tensor(rng.standard_normal(3)))
    bn.bias.copy_(torch.tensor(rng.standard_normal(3)))
gamma0, beta0 = bn.weight.detach().clone(), bn.bias.detach().clone()
x = t(2 + rng.standard_normal(shape))
bn.train()
y = bn(x)
dout = torch.tensor(rng.standard_normal(shape), dtype=torch.float64)
y.backward(dout)
save("bn_train", x=x, gamma=gamma0, beta=beta0, dout=dout, y=y, dx=x.grad, dgamma=bn.weight.grad,
     dbeta=bn.bias.grad, running_mean=bn.running_mean, running_var_unbiased=bn.running_var)
bn.eval()
bn.weight.grad = None
bn.bias.grad = None
with torch.no_grad():
    bn.running_mean.copy_(torch.tensor(rng.standard_normal(3)))
    bn.running_var.copy_(torch.tensor(rng.uniform(0.5, 2.0, 3)))
x = t(rng.standard_normal(shape))
y = bn(x)
dout = torch.tensor(rng.standard_normal(shape), dtype=torch.float64)
y.backward(dout)
save("bn_eval", x=x, gamma=gamma0, beta=beta0, running_mean=bn.running_mean, running_var=bn.running_var,
     dout=dout, y=y, dx=x.grad, dgamma=bn.weight.grad, dbeta=bn.bias.grad)

# A whole small network, one training step's loss and gradients:
# Conv1d(2→3, k3, pad1) → ReLU → MaxPool1d(2) → Conv1d(3→4, k3, stride 2) → BatchNorm1d(4) → ReLU
# → (residual: GroupNorm(2, 4) → Conv1d(4→4, k1)) → AdaptiveAvgPool1d(1) → Flatten → Linear(4→3), cross-entropy
x = t(rng.standard_normal((5, 2, 14)))
labels = torch.tensor(rng.integers(0, 3, 5))
P = {"c1_W": (3, 2, 3), "c1_b": (3,), "c2_W": (4, 3, 3), "c2_b": (4,), "bn_g": (4,), "bn_b": (4,),
     "gn_g": (4,), "gn_b": (4,), "c3_W": (4, 4, 1), "c3_b": (4,), "fc_W": (3, 4), "fc_b": (3,)}
p = {k: t(rng.standard_normal(s)) for k, s in P.items()}
h = F.max_pool1d(F.relu(F.conv1d(x, p["c1_W"], p["c1_b"], padding=1)), 2)
h = F.relu(F.batch_norm(F.conv1d(h, p["c2_W"], p["c2_b"], stride=2), None, None, p["bn_g"], p["bn_b"],
                        training=True, eps=1e-5))
h = h + F.conv1d(F.group_norm(h, 2, p["gn_g"], p["gn_b"], eps=1e-5), p["c3_W"], p["c3_b"])
logits = F.linear(h.mean(dim=2), p["fc_W"], p["fc_b"])
loss = F.cross_entropy(logits, labels)
loss.backward()
save("net", x=x, labels=labels, loss=loss, dx=x.grad, **{k: v for k, v in p.items()},
     **{f"d{k}": v.grad for k, v in p.items()})

# torch.nn.init fans for a conv kernel (out, in, k)
fan_in, fan_out = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(5, 3, 7))
save("fans", shape=np.array([5, 3, 7]), fan_in=np.array(fan_in), fan_out=np.array(fan_out))

np.savez_compressed(OUT, **arrays)
print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(arrays)} arrays, torch {torch.__version__})")
