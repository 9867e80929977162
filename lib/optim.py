"""Optimizers: ``step(params, grads)`` updates ``params`` in place.

State (velocities, moment estimates) is created lazily per parameter key on the first
step, as in Saito's ``common/optimizer.py``; ``reset()`` forgets it. ``lr`` is a plain
attribute that schedules may change between steps (it is validated on every change).
Updates are written with in-place NumPy operations into per-key state and one scratch
array per parameter shape, so a step allocates no full-size temporaries.

The module also holds the quadratic theory of chapter 2: the best contraction rates of
gradient descent and of the heavy-ball method on a quadratic with condition number κ,
and the hyperparameters that achieve them.
"""

from __future__ import annotations

import math

import numpy as np

from ._checks import check_fraction, check_nonnegative, check_positive


class Optimizer:
    """Base class: validates arguments, counts steps ``t`` and keeps per-key state."""

    def __init__(self, lr: float) -> None:
        self.lr = lr
        self.t = 0
        self.state: dict[str, dict[str, np.ndarray]] = {}
        self._scratch: dict[tuple[tuple[int, ...], np.dtype, int], np.ndarray] = {}

    @property
    def lr(self) -> float:
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = check_positive("lr", value)

    def reset(self) -> None:
        """Forget the step count and every state array."""
        self.t = 0
        self.state.clear()
        self._scratch.clear()

    def _buffer(self, key: str, name: str, like: np.ndarray) -> np.ndarray:
        """The state array ``name`` of parameter ``key``, created as zeros on first use."""
        slot = self.state.setdefault(key, {})
        if name not in slot:
            slot[name] = np.zeros_like(like)
        return slot[name]

    def _work(self, like: np.ndarray, slot: int = 0) -> np.ndarray:
        """Scratch array number ``slot`` shaped like ``like``, shared by parameters of the same shape and dtype."""
        k = (like.shape, like.dtype, slot)
        if k not in self._scratch:
            self._scratch[k] = np.empty_like(like)
        return self._scratch[k]

    def _scaled_step(self, p: np.ndarray, g: np.ndarray, s: np.ndarray, w: np.ndarray) -> None:
        """θ ← θ − η g ⊘ (√s + ε) in place, with ``w`` as scratch (AdaGrad's and RMSProp's step)."""
        np.sqrt(s, out=w)
        w += self.eps
        np.divide(g, w, out=w)
        w *= self.lr
        p -= w

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        """Apply one update to every parameter in ``params`` (in place)."""
        if params.keys() != grads.keys():
            raise ValueError(f"params and grads must have the same keys, got {sorted(params)} and {sorted(grads)}")
        for k, g in grads.items():
            if g.shape != params[k].shape:
                raise ValueError(f"grads[{k!r}] has shape {g.shape}, but params[{k!r}] has {params[k].shape}")
            # a finite sum proves every entry finite without a boolean temporary; an overflowing
            # sum of finite entries falls through to the exact element-wise check
            with np.errstate(over="ignore", invalid="ignore"):
                total = g.sum()
            if not math.isfinite(total) and not np.isfinite(g).all():
                raise ValueError(f"grads[{k!r}] contains NaN or inf (training diverged? try a smaller lr)")
        self.t += 1
        self._begin_step()
        for k, p in params.items():
            self._update(k, p, grads[k])

    def _begin_step(self) -> None:
        """Per-step scalar bookkeeping (bias corrections, momentum schedules); ``self.t`` is already advanced."""

    def _update(self, key: str, p: np.ndarray, g: np.ndarray) -> None:
        raise NotImplementedError

    def _hyper(self) -> str:
        return ""

    def __repr__(self) -> str:
        extra = self._hyper()
        return f"{type(self).__name__}(lr={self.lr:g}{', ' + extra if extra else ''})"


class SGD(Optimizer):
    """θ ← θ − η g (Implements {eq}`eq-sgd`; with the full batch as g, {eq}`eq-gd`)."""

    def _update(self, key: str, p: np.ndarray, g: np.ndarray) -> None:
        w = self._work(p)
        np.multiply(g, self.lr, out=w)
        p -= w


class Momentum(Optimizer):
    """Heavy-ball momentum: m ← βm − η g; θ ← θ + m (Implements {eq}`eq-momentum`).

    The velocity ``m`` already contains the learning rate, as in Sutskever et al., Géron's and
    Saito's books and Keras' ``SGD(momentum=β)``. PyTorch's ``SGD(momentum=β)`` keeps
    v ← βv + g and steps θ ← θ − ηv instead; the two
    give identical iterates while η is constant (m = −ηv) and differ once a schedule
    changes η (here a change of η affects only new gradients; in PyTorch it rescales
    the whole velocity at once).
    """

    def __init__(self, lr: float, beta: float = 0.9) -> None:
        super().__init__(lr)
        self.beta = check_fraction("beta", beta)

    def _update(self, key: str, p: np.ndarray, g: np.ndarray) -> None:
        m = self._buffer(key, "m", p)
        w = self._work(p)
        m *= self.beta
        np.multiply(g, self.lr, out=w)
        m -= w
        p += m

    def _hyper(self) -> str:
        return f"beta={self.beta:g}"


class Nesterov(Momentum):
    """Nesterov momentum in the form that needs only g(θ).

    Implements {eq}`eq-nesterov` and {eq}`eq-nesterov-rewritten`.

    The textbook (look-ahead) form evaluates the gradient at θ + βm:
    m ← βm − η g(θ + βm); θ ← θ + m. Tracking φ = θ + βm instead of θ turns it into

        m ← βm − η g(φ);   φ ← φ + βm − η g(φ),

    an update that uses the gradient at the current parameters only. It is Keras'
    ``SGD(momentum=β, nesterov=True)`` exactly, and PyTorch's with m = −ηv (equal iterates
    while η is constant).
    The parameters this class holds are the look-ahead points φ of the textbook form.
    """

    def _update(self, key: str, p: np.ndarray, g: np.ndarray) -> None:
        m = self._buffer(key, "m", p)
        w = self._work(p)
        np.multiply(g, self.lr, out=w)
        m *= self.beta
        m -= w
        p -= w
        w[...] = m
        w *= self.beta
        p += w


class AdaGrad(Optimizer):
    """s ← s + g ⊙ g; θ ← θ − η g ⊘ (√s + ε) (Implements {eq}`eq-adagrad`).

    ε sits outside the square root, as in PyTorch and in Duchi et al. (their δ); Keras 3
    and Géron's book write √(s + ε), which differs only while s is tiny.
    """

    def __init__(self, lr: float, eps: float = 1e-10) -> None:
        super().__init__(lr)
        self.eps = check_positive("eps", eps)

    def _update(self, key: str, p: np.ndarray, g: np.ndarray) -> None:
        s = self._buffer(key, "s", p)
        w = self._work(p)
        np.multiply(g, g, out=w)
        s += w
        self._scaled_step(p, g, s, w)

    def _hyper(self) -> str:
        return f"eps={self.eps:g}"


class RMSProp(Optimizer):
    """s ← ρ s + (1 − ρ) g ⊙ g; θ ← θ − η g ⊘ (√s + ε) (Implements {eq}`eq-rmsprop`).

    ``rho`` is Keras' name (and Hinton's decay rate); PyTorch calls the same number
    ``alpha`` (default 0.99), Keras defaults to 0.9, as here. ε sits outside the square
    root as in PyTorch; Keras 3 and TensorFlow 1 put it inside, √(s + ε).
    """

    def __init__(self, lr: float, rho: float = 0.9, eps: float = 1e-8) -> None:
        super().__init__(lr)
        self.rho = check_fraction("rho", rho)
        self.eps = check_positive("eps", eps)

    def _update(self, key: str, p: np.ndarray, g: np.ndarray) -> None:
        s = self._buffer(key, "s", p)
        w = self._work(p)
        np.multiply(g, g, out=w)
        w *= 1.0 - self.rho
        s *= self.rho
        s += w
        self._scaled_step(p, g, s, w)

    def _hyper(self) -> str:
        return f"rho={self.rho:g}, eps={self.eps:g}"


class Adam(Optimizer):
    """Adam (Implements {eq}`eq-adam-m`, {eq}`eq-adam-s`, {eq}`eq-adam-hat` and {eq}`eq-adam`).

    m ← β1 m + (1 − β1) g;  s ← β2 s + (1 − β2) g ⊙ g;
    m̂ = m / (1 − β1^t);  ŝ = s / (1 − β2^t);  θ ← θ − η m̂ ⊘ (√ŝ + ε),
    with ε outside the square root as in Kingma & Ba and PyTorch.
    """

    def __init__(self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8) -> None:
        super().__init__(lr)
        self.beta1 = check_fraction("beta1", beta1)
        self.beta2 = check_fraction("beta2", beta2)
        self.eps = check_positive("eps", eps)

    def _first_moment(self, key: str, p: np.ndarray, g: np.ndarray, w: np.ndarray) -> np.ndarray:
        """Update and return m ← β1 m + (1 − β1) g of ``key``, with ``w`` as scratch."""
        m = self._buffer(key, "m", p)
        np.multiply(g, 1.0 - self.beta1, out=w)
        m *= self.beta1
        m += w
        return m

    def _moments(self, key: str, p: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Update and return the first and second moment estimates m and s of ``key``."""
        s = self._buffer(key, "s", p)
        w = self._work(p)
        m = self._first_moment(key, p, g, w)
        np.multiply(g, g, out=w)
        w *= 1.0 - self.beta2
        s *= self.beta2
        s += w
        return m, s

    def _denominator(self, s: np.ndarray, w: np.ndarray) -> np.ndarray:
        """Write √ŝ + ε = √s / √(1 − β2^t) + ε into ``w``."""
        np.sqrt(s, out=w)
        w /= math.sqrt(1.0 - self.beta2**self.t)
        w += self.eps
        return w

    def _update(self, key: str, p: np.ndarray, g: np.ndarray) -> None:
        m, s = self._moments(key, p, g)
        w = self._denominator(s, self._work(p))
        np.divide(m, w, out=w)
        w *= self.lr / (1.0 - self.beta1**self.t)
        p -= w

    def _hyper(self) -> str:
        return f"beta1={self.beta1:g}, beta2={self.beta2:g}, eps={self.eps:g}"


class AdaMax(Adam):
    """Adam with the infinity norm (Implements {eq}`eq-adamax`).

    m ← β1 m + (1 − β1) g;  u ← max(β2 u, |g|);  θ ← θ − η/(1 − β1^t) · m ⊘ (u + ε).
    u needs no bias correction. The paper has no ε; Keras adds it to u as here, PyTorch
    inside the max, max(β2 u, |g| + ε).
    """

    def __init__(self, lr: float = 0.002, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8) -> None:
        super().__init__(lr, beta1, beta2, eps)

    def _update(self, key: str, p: np.ndarray, g: np.ndarray) -> None:
        u = self._buffer(key, "u", p)
        w = self._work(p)
        m = self._first_moment(key, p, g, w)
        u *= self.beta2
        np.abs(g, out=w)
        np.maximum(u, w, out=u)
        np.add(u, self.eps, out=w)
        np.divide(m, w, out=w)
        w *= self.lr / (1.0 - self.beta1**self.t)
        p -= w


def nadam_mu(t: int, beta1: float = 0.9, momentum_decay: float = 0.004) -> float:
    """The Nadam momentum schedule μ_t = β1 (1 − ½ · 0.96^(t ψ)) (Implements {eq}`eq-nadam-mu`)."""
    return beta1 * (1.0 - 0.5 * 0.96 ** (t * momentum_decay))


class Nadam(Adam):
    """Nadam: Adam with Nesterov momentum (Dozat), as ``torch.optim.NAdam`` computes it.

    Implements {eq}`eq-nadam-mu` and {eq}`eq-nadam`. With μ_t from :func:`nadam_mu`
    (ψ = ``momentum_decay``) and m, s updated as in Adam,

        θ ← θ − η (1 − μ_t) / (1 − Π_{i≤t} μ_i) · g ⊘ (√ŝ + ε)
              − η μ_{t+1} / (1 − Π_{i≤t+1} μ_i) · m ⊘ (√ŝ + ε).

    tf.keras before Keras 3 used the same schedule (``schedule_decay=0.004``); Keras 3
    uses 0.96^t, that is ψ = 1.
    """

    def __init__(self, lr: float = 0.002, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8,
                 momentum_decay: float = 0.004) -> None:
        super().__init__(lr, beta1, beta2, eps)
        self.momentum_decay = check_nonnegative("momentum_decay", momentum_decay)
        self.mu_product = 1.0

    def reset(self) -> None:
        super().reset()
        self.mu_product = 1.0

    def _begin_step(self) -> None:
        self._mu = nadam_mu(self.t, self.beta1, self.momentum_decay)
        self._mu_next = nadam_mu(self.t + 1, self.beta1, self.momentum_decay)
        self.mu_product *= self._mu

    def _update(self, key: str, p: np.ndarray, g: np.ndarray) -> None:
        m, s = self._moments(key, p, g)
        w = self._denominator(s, self._work(p))
        c_grad = self.lr * (1.0 - self._mu) / (1.0 - self.mu_product)
        c_mom = self.lr * self._mu_next / (1.0 - self.mu_product * self._mu_next)
        v = self._work(p, slot=1)
        np.divide(g, w, out=v)
        v *= c_grad
        p -= v
        np.divide(m, w, out=v)
        v *= c_mom
        p -= v

    def _hyper(self) -> str:
        return super()._hyper() + f", momentum_decay={self.momentum_decay:g}"


class AdamW(Adam):
    """Adam with decoupled weight decay (Implements {eq}`eq-adamw`).

    θ ← θ − η λ θ first (λ = ``weight_decay``), then the Adam step of {eq}`eq-adam`
    with the gradient of the loss alone; the same as ``torch.optim.AdamW``. Unlike an L2
    penalty added to the loss, the decay is not divided by √ŝ.
    """

    def __init__(self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8,
                 weight_decay: float = 0.01) -> None:
        super().__init__(lr, beta1, beta2, eps)
        self.weight_decay = check_nonnegative("weight_decay", weight_decay)

    def _update(self, key: str, p: np.ndarray, g: np.ndarray) -> None:
        p *= 1.0 - self.lr * self.weight_decay
        super()._update(key, p, g)

    def _hyper(self) -> str:
        return super()._hyper() + f", weight_decay={self.weight_decay:g}"


# ----------------------------------------------------------------------------------------
# Quadratic theory: f(θ) = ½ θᵀ H θ with eigenvalues of H in [μ, L], κ = L / μ.


def _check_curvatures(mu: float, L: float) -> tuple[float, float]:
    mu, L = check_positive("mu", mu), check_positive("L", L)
    if L < mu:
        raise ValueError(f"L must be >= mu (largest and smallest curvature), got L={L!r}, mu={mu!r}")
    return mu, L


def _check_kappa(kappa: float | np.ndarray) -> np.ndarray:
    k = np.asarray(kappa, dtype=float)
    if not np.all(np.isfinite(k)) or np.any(k < 1):
        raise ValueError(f"kappa must be >= 1 (a condition number L/mu), got {kappa!r}")
    return k


def gd_optimal_lr(mu: float, L: float) -> float:
    """The gradient-descent step size with the best worst-case contraction, η* = 2 / (L + μ).

    Implements {eq}`eq-gd-rate`.
    """
    mu, L = _check_curvatures(mu, L)
    return 2.0 / (L + mu)


def gd_rate(kappa: float | np.ndarray) -> float | np.ndarray:
    """Best per-step contraction of gradient descent, (κ − 1)/(κ + 1) (Implements {eq}`eq-gd-rate`)."""
    k = _check_kappa(kappa)
    r = (k - 1.0) / (k + 1.0)
    return float(r) if r.ndim == 0 else r


def momentum_optimal(mu: float, L: float) -> tuple[float, float]:
    """Polyak's best heavy-ball hyperparameters (Implements {eq}`eq-momentum-rate`).

    η* = 4 / (√L + √μ)²,  β* = ((√κ − 1)/(√κ + 1))², returned as ``(lr, beta)`` for
    :class:`Momentum` (whose m ← βm − ηg is the heavy-ball method).
    """
    mu, L = _check_curvatures(mu, L)
    lr = 4.0 / (math.sqrt(L) + math.sqrt(mu)) ** 2
    beta = momentum_rate(L / mu) ** 2
    return lr, beta


def momentum_rate(kappa: float | np.ndarray) -> float | np.ndarray:
    """Best per-step contraction of heavy-ball momentum, (√κ − 1)/(√κ + 1) (Implements {eq}`eq-momentum-rate`)."""
    k = np.sqrt(_check_kappa(kappa))
    r = (k - 1.0) / (k + 1.0)
    return float(r) if r.ndim == 0 else r
