"""Optimizers: ``step(params, grads)`` updates ``params`` in place.

State (velocities, moment estimates) is created lazily per parameter key on the first
step, as in Saito's ``common/optimizer.py``; ``reset()`` forgets it. ``lr`` is a plain
attribute that schedules may change between steps (it is validated on every change).
Each update rule is written as the chapter writes it, one or two lines per equation
line. An exponential average m ← βm + (1 − β)g is written ``m *= β; m += (1 − β) * g``:
the same rounding as ``m[...] = β * m + (1 − β) * g``, and measured 27 % faster for
Adam's whole step over the book's MNIST-1D network (96 µs against 131 µs), because it
makes two temporary arrays fewer.

``lib.train.fit`` steps the whole model at once: :class:`lib.model.Sequential` keeps all
parameters in one contiguous array (each layer's arrays are views of it), so a step is a
handful of NumPy calls over one array instead of a handful per parameter array. The
temporaries those lines allocate then cost little (measured in ``bench/``), and the
element-wise rules give the same numbers either way.

Gradient clipping (:func:`clip_grad_norm`, :func:`clip_grad_value`) lives here too.

The module also holds the quadratic theory of chapter 2: the best contraction rates of
gradient descent and of the heavy-ball method on a quadratic with condition number κ,
and the hyperparameters that achieve them.
"""

from __future__ import annotations

import math

import numpy as np

from ._checks import (
    check_finite,
    check_fraction,
    check_int,
    check_nonnegative,
    check_numeric,
    check_positive,
)

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


class Optimizer:
    """Base class: validates arguments, counts steps ``t`` and keeps per-key state."""

    # : whether the rule squares g (then |g| beyond √(largest float) would overflow to
    # inf)
    squares_gradient = False

    def __init__(self, lr: float) -> None:
        self.lr = lr
        self.t = 0
        self.state: dict[str, dict[str, np.ndarray]] = {}

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

    def _state(self, key: str, name: str, like: np.ndarray) -> np.ndarray:
        """The state array ``name`` of parameter ``key``, created as zeros on first
        use.
        """
        slot = self.state.setdefault(key, {})
        if name not in slot:
            slot[name] = np.zeros_like(like)
        return slot[name]

    def _check(self, key: str, p: np.ndarray, g: np.ndarray) -> None:
        for what, a in (("params", p), ("grads", g)):
            if not isinstance(a, np.ndarray):
                raise TypeError(
                    f"{what}[{key!r}] must be a NumPy array (the step updates params "
                    f"in place), got {type(a).__name__}; convert with "
                    "np.asarray(..., dtype=np.float64) and keep the array"
                )
        if g.shape != p.shape:
            raise ValueError(
                f"grads[{key!r}] has shape {g.shape}, but params[{key!r}] has {p.shape}"
            )
        if p.dtype not in _FLOATS:
            raise TypeError(
                f"params[{key!r}] has dtype {p.dtype}; optimizers update float32 or "
                "float64 parameters "
                "(in float16, eps = 1e-8 rounds to 0 and a zero gradient would step by "
                "0/0 = NaN)"
            )
        if g.dtype.kind not in "biuf":
            raise TypeError(
                f"grads[{key!r}] must hold real numbers, got dtype {g.dtype}"
            )
        if g.size == 0:
            return
        # one fast pass (a BLAS dot product): a finite Σg² proves every entry finite and
        # every square representable; otherwise find out exactly which of the two failed
        if math.isfinite(np.vdot(g, g)):
            return
        # NaN propagates through max and min
        largest = max(float(g.max()), -float(g.min()))
        if not math.isfinite(largest):
            raise ValueError(
                f"grads[{key!r}] contains NaN or inf (training diverged? try a smaller "
                "lr)"
            )
        if self.squares_gradient and largest > math.sqrt(np.finfo(p.dtype).max):
            raise ValueError(
                f"grads[{key!r}] holds |g| = {largest:.3g}, whose square overflows "
                f"{p.dtype} and would "
                f"make {type(self).__name__} skip the step; clip the gradients "
                "(clip_grad_norm) or lower the lr"
            )

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        """Apply one update to every parameter in ``params`` (in place)."""
        for what, d in (("params", params), ("grads", grads)):
            if not isinstance(d, dict):
                raise TypeError(
                    f"{what} must be a dict name -> NumPy array "
                    f"(model.params, model.grads), got {type(d).__name__}"
                )
        if params.keys() != grads.keys():
            raise ValueError(
                f"params and grads must have the same keys, got {sorted(params)} and "
                f"{sorted(grads)}"
            )
        # check everything first, so a bad gradient changes nothing
        for k, g in grads.items():
            self._check(k, params[k], g)
        self._check_step()
        self.t += 1
        self._begin_step()
        for k, p in params.items():
            self._update(k, p, grads[k])

    def _check_step(self) -> None:
        """Checks that depend on the current ``lr`` (a schedule may change it)."""

    def _begin_step(self) -> None:
        """Per-step scalar bookkeeping (bias corrections, momentum schedules);
        ``self.t`` is already advanced.
        """

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
        p -= self.lr * g


class Momentum(Optimizer):
    """Heavy-ball momentum: m ← βm − η g; θ ← θ + m (Implements {eq}`eq-momentum`).

    The velocity ``m`` already contains the learning rate, as in Sutskever et al.,
    Géron's and Saito's books and Keras' ``SGD(momentum=β)``. PyTorch's
    ``SGD(momentum=β)`` keeps v ← βv + g and steps θ ← θ − ηv instead; the two give
    identical iterates while η is constant (m = −ηv) and differ once a schedule changes
    η (here a change of η affects only new gradients; in PyTorch it rescales the whole
    velocity at once).
    """

    def __init__(self, lr: float, beta: float = 0.9) -> None:
        super().__init__(lr)
        self.beta = check_fraction("beta", beta)

    def _update(self, key: str, p: np.ndarray, g: np.ndarray) -> None:
        m = self._state(key, "m", p)
        m *= self.beta  # m ← βm − ηg
        m -= self.lr * g
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
    ``SGD(momentum=β, nesterov=True)`` exactly, and PyTorch's with m = −ηv (equal
    iterates while η is constant). The parameters this class holds are the look-ahead
    points φ of the textbook form.
    """

    def _update(self, key: str, p: np.ndarray, g: np.ndarray) -> None:
        m = self._state(key, "m", p)
        m *= self.beta  # m ← βm − ηg
        m -= self.lr * g
        p += self.beta * m - self.lr * g


class AdaGrad(Optimizer):
    """s ← s + g ⊙ g; θ ← θ − η g ⊘ (√s + ε) (Implements {eq}`eq-adagrad`).

    ε sits outside the square root, as in PyTorch and in Duchi et al. (their δ); Keras 3
    and Géron's book write √(s + ε), which differs only while s is tiny.
    """

    squares_gradient = True

    def __init__(self, lr: float, eps: float = 1e-10) -> None:
        super().__init__(lr)
        self.eps = check_positive("eps", eps)

    def _update(self, key: str, p: np.ndarray, g: np.ndarray) -> None:
        s = self._state(key, "s", p)
        s += g * g
        p -= self.lr * g / (np.sqrt(s) + self.eps)

    def _hyper(self) -> str:
        return f"eps={self.eps:g}"


class RMSProp(Optimizer):
    """s ← ρ s + (1 − ρ) g ⊙ g; θ ← θ − η g ⊘ (√s + ε) (Implements {eq}`eq-rmsprop`).

    ``rho`` is Keras' name (and Hinton's decay rate); PyTorch calls the same number
    ``alpha`` (default 0.99), Keras defaults to 0.9, as here. ε sits outside the square
    root as in PyTorch; Keras 3 and TensorFlow 1 put it inside, √(s + ε).
    """

    squares_gradient = True

    def __init__(self, lr: float, rho: float = 0.9, eps: float = 1e-8) -> None:
        super().__init__(lr)
        self.rho = check_fraction("rho", rho)
        self.eps = check_positive("eps", eps)

    def _update(self, key: str, p: np.ndarray, g: np.ndarray) -> None:
        s = self._state(key, "s", p)
        s *= self.rho  # s ← ρs + (1 − ρ) g ⊙ g
        s += (1 - self.rho) * g * g
        p -= self.lr * g / (np.sqrt(s) + self.eps)

    def _hyper(self) -> str:
        return f"rho={self.rho:g}, eps={self.eps:g}"


class Adam(Optimizer):
    """Adam (Implements {eq}`eq-adam-m`, {eq}`eq-adam-s`, {eq}`eq-adam-hat` and
    {eq}`eq-adam`).

    m ← β1 m + (1 − β1) g;  s ← β2 s + (1 − β2) g ⊙ g;
    m̂ = m / (1 − β1^t);  ŝ = s / (1 − β2^t);  θ ← θ − η m̂ ⊘ (√ŝ + ε),
    with ε outside the square root as in Kingma & Ba and PyTorch.
    """

    squares_gradient = True

    def __init__(
        self,
        lr: float = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
    ) -> None:
        super().__init__(lr)
        self.beta1 = check_fraction("beta1", beta1)
        self.beta2 = check_fraction("beta2", beta2)
        self.eps = check_positive("eps", eps)

    def _moments(
        self, key: str, p: np.ndarray, g: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Update and return m and s of ``key`` ({eq}`eq-adam-m`, {eq}`eq-adam-s`)."""
        m = self._state(key, "m", p)
        s = self._state(key, "s", p)
        m *= self.beta1  # m ← β1 m + (1 − β1) g
        m += (1 - self.beta1) * g
        s *= self.beta2  # s ← β2 s + (1 − β2) g ⊙ g
        s += (1 - self.beta2) * g * g
        return m, s

    def _update(self, key: str, p: np.ndarray, g: np.ndarray) -> None:
        m, s = self._moments(key, p, g)
        m_hat = m / (1 - self.beta1**self.t)
        s_hat = s / (1 - self.beta2**self.t)
        p -= self.lr * m_hat / (np.sqrt(s_hat) + self.eps)

    def _hyper(self) -> str:
        return f"beta1={self.beta1:g}, beta2={self.beta2:g}, eps={self.eps:g}"


class AdaMax(Adam):
    """Adam with the infinity norm (Implements {eq}`eq-adamax`).

    m ← β1 m + (1 − β1) g;  u ← max(β2 u, |g|);  θ ← θ − η/(1 − β1^t) · m ⊘ (u + ε).
    u needs no bias correction. The paper has no ε; Keras adds it to u as here, PyTorch
    inside the max, max(β2 u, |g| + ε).
    """

    squares_gradient = False

    def __init__(
        self,
        lr: float = 0.002,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
    ) -> None:
        super().__init__(lr, beta1, beta2, eps)

    def _update(self, key: str, p: np.ndarray, g: np.ndarray) -> None:
        m = self._state(key, "m", p)
        u = self._state(key, "u", p)
        m *= self.beta1  # m ← β1 m + (1 − β1) g
        m += (1 - self.beta1) * g
        u[...] = np.maximum(self.beta2 * u, np.abs(g))
        p -= self.lr / (1 - self.beta1**self.t) * m / (u + self.eps)


class AMSGrad(Adam):
    """Adam whose denominator never shrinks (Reddi et al.; Implements {eq}`eq-amsgrad`).

    m and s as in Adam; s_max ← max(s_max, s); θ ← θ − η m̂ ⊘ (√(s_max / (1 − β2^t)) +
    ε). The running maximum is taken of the uncorrected s and then bias-corrected, as
    ``torch.optim.Adam(amsgrad=True)`` does (PyTorch 2.x: ``max_exp_avg_sqs`` holds
    max(max_exp_avg_sq, exp_avg_sq), divided by √(1 − β2^t) before ε is added). The
    paper's Algorithm 2 has no bias correction; with it the effective step η/√ŝ_max can
    still only shrink between steps, up to the slowly growing (1 − β2^t) factor.
    """

    def _update(self, key: str, p: np.ndarray, g: np.ndarray) -> None:
        m, s = self._moments(key, p, g)
        s_max = self._state(key, "s_max", p)
        np.maximum(s_max, s, out=s_max)  # s_max ← max(s_max, s)
        m_hat = m / (1 - self.beta1**self.t)
        p -= self.lr * m_hat / (np.sqrt(s_max / (1 - self.beta2**self.t)) + self.eps)


def nadam_mu(t: int, beta1: float = 0.9, momentum_decay: float = 0.004) -> float:
    """The Nadam momentum schedule μ_t = β1 (1 − ½ · 0.96^(t ψ)).

    Implements {eq}`eq-nadam-mu`.

    ``t`` is an integer step number ≥ 0: Nadam's steps count from 1 (as the step count
    of ``torch.optim.NAdam``); t = 0 gives the value before the first step, β1/2.
    Negative, fractional or NaN t and β1 outside [0, 1) are refused.
    """
    t = check_int("t", t, minimum=0)
    beta1 = check_fraction("beta1", beta1)
    momentum_decay = check_nonnegative("momentum_decay", momentum_decay)
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

    def __init__(
        self,
        lr: float = 0.002,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        momentum_decay: float = 0.004,
    ) -> None:
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
        mu, mu_next, prod = self._mu, self._mu_next, self.mu_product
        denom = np.sqrt(s / (1 - self.beta2**self.t)) + self.eps  # √ŝ + ε
        p -= self.lr * (1 - mu) / (1 - prod) * g / denom
        p -= self.lr * mu_next / (1 - prod * mu_next) * m / denom

    def _hyper(self) -> str:
        return super()._hyper() + f", momentum_decay={self.momentum_decay:g}"


def check_decay_factor(lr: float, decay: float, name: str = "weight_decay") -> None:
    """Refuse η·λ ≥ 1: the decay θ ← (1 − ηλ)θ would zero θ or flip its sign."""
    if lr * decay >= 1:
        raise ValueError(
            f"lr * {name} must be < 1 (the decay multiplies the parameters by "
            f"1 - lr * {name}), got lr={lr:g} and {name}={decay:g}, a factor of "
            f"{1 - lr * decay:g}; lower the learning rate or {name}"
        )


class AdamW(Adam):
    """Adam with decoupled weight decay (Implements {eq}`eq-adamw`).

    θ ← θ − η λ θ first (λ = ``weight_decay``), then the Adam step of {eq}`eq-adam`
    with the gradient of the loss alone; the same as ``torch.optim.AdamW``. Unlike an L2
    penalty added to the loss, the decay is not divided by √ŝ.

    Every parameter it is given decays, biases and batch-norm scales included: that is
    also PyTorch's default (``torch.optim.AdamW`` applies ``weight_decay`` to every
    tensor of a parameter group; exempting biases takes a second group with
    ``weight_decay=0``). ``lib.train.fit`` steps the whole model as one flat array, so
    there too every parameter decays, exactly as when stepping ``model.params``.
    """

    def __init__(
        self,
        lr: float = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        weight_decay: float = 0.01,
    ) -> None:
        super().__init__(lr, beta1, beta2, eps)
        self.weight_decay = check_nonnegative("weight_decay", weight_decay)
        self._check_step()

    def _check_step(self) -> None:
        check_decay_factor(self.lr, self.weight_decay)

    def _update(self, key: str, p: np.ndarray, g: np.ndarray) -> None:
        p *= 1.0 - self.lr * self.weight_decay
        super()._update(key, p, g)

    def _hyper(self) -> str:
        return super()._hyper() + f", weight_decay={self.weight_decay:g}"


# --------------------------------------------------------------------------------------
# Gradient clipping, applied to the gradients between backward and the optimizer step.

Grads = dict[str, np.ndarray] | np.ndarray


def _grad_arrays(grads: Grads, name: str = "grads") -> list[np.ndarray]:
    arrays = (
        [grads]
        if isinstance(grads, np.ndarray)
        else list(grads.values())
        if isinstance(grads, dict)
        else None
    )
    if arrays is None or not all(isinstance(g, np.ndarray) for g in arrays):
        raise TypeError(
            f"{name} must be a dict of NumPy arrays (model.grads) or one array, got "
            f"{type(grads).__name__}"
        )
    for g in arrays:
        if g.dtype.kind != "f":
            raise TypeError(
                f"{name} must hold floating-point arrays (clipping "
                f"rescales them in place), got dtype {g.dtype}; use "
                "g.astype(np.float64)"
            )
    return arrays


def grad_norm(grads: Grads) -> float:
    """The global norm ‖g‖ = √(Σ over every array and entry of g²) of
    {eq}`eq-clip-norm`.

    The norm of all arrays together, as if they were one vector (PyTorch's total norm).

    Computed without overflow for entries of any finite size (NaN or inf give NaN or
    inf).
    """
    arrays = [g for g in _grad_arrays(grads) if g.size]
    sq = sum(float(np.vdot(g, g)) for g in arrays)
    if math.isfinite(sq) or not arrays:
        return math.sqrt(sq)
    # the squares overflowed: rescale by the largest entry
    big = max(float(np.abs(g).max()) for g in arrays)
    if not math.isfinite(big) or big == 0:
        return big
    return big * math.sqrt(sum(float(np.vdot(g / big, g / big)) for g in arrays))


def clip_grad_norm(
    grads: Grads, max_norm: float, *, error_if_nonfinite: bool = True
) -> float:
    """Rescale all gradients jointly so that their global norm is at most c (Implements
    {eq}`eq-clip-norm`).

    g ← g · min(1, c / (‖g‖ + 10⁻⁶)) with ‖g‖ the norm over all arrays together, in
    place; returns ‖g‖ before clipping. As ``torch.nn.utils.clip_grad_norm_`` (PyTorch
    2.x, ``norm_type=2``): the 10⁻⁶ guards the division, and the factor is applied only
    when it is below 1 (‖g‖ + 10⁻⁶ > c), so gradients inside the ball are left
    untouched. The direction of the update is kept; only its length is capped.

    A norm that is NaN or inf (a NaN or inf gradient) raises ValueError, as PyTorch
    (2.x) does with ``error_if_nonfinite=True`` (its default is False).
    ``error_if_nonfinite=False`` returns that norm instead: a NaN norm leaves the
    gradients untouched, an inf norm scales them by 0 (inf entries become NaN), and the
    optimizer then refuses the step.
    """
    max_norm = check_positive("max_norm", max_norm)
    if not isinstance(error_if_nonfinite, bool | np.bool_):
        raise TypeError(
            f"error_if_nonfinite must be True or False, got {error_if_nonfinite!r}"
        )
    arrays = _grad_arrays(grads)
    norm = grad_norm(grads)
    if error_if_nonfinite and not math.isfinite(norm):
        raise ValueError(
            f"grads have a total norm of {norm} (they hold NaN or inf: "
            "training diverged? try a smaller lr); "
            "error_if_nonfinite=False returns the norm instead"
        )
    scale = max_norm / (norm + 1e-6)
    if scale < 1:  # False for a NaN norm: the optimizer then refuses the NaN gradient
        for g in arrays:
            g *= scale
    return norm


def clip_grad_value(grads: Grads, clip_value: float) -> None:
    """Clip every gradient entry to [−c, c] in place (Implements {eq}`eq-clip-value`).

    g_i ← max(−c, min(c, g_i)), as ``torch.nn.utils.clip_grad_value_``. Unlike
    :func:`clip_grad_norm` this can change the direction of the update.
    """
    clip_value = check_positive("clip_value", clip_value)
    arrays = _grad_arrays(grads)
    # NaN survives a clip: refuse it as clip_grad_norm does
    for i, g in enumerate(arrays):
        check_finite(f"grads (array {i})", g)
    for g in arrays:
        np.clip(g, -clip_value, clip_value, out=g)


# --------------------------------------------------------------------------------------
# Quadratic theory: f(θ) = ½ θᵀ H θ with eigenvalues of H in [μ, L], κ = L / μ.


def _check_curvatures(mu: float, L: float) -> tuple[float, float]:
    mu, L = check_positive("mu", mu), check_positive("L", L)
    if L < mu:
        raise ValueError(
            f"L must be >= mu (largest and smallest curvature), got L={L!r}, mu={mu!r}"
        )
    return mu, L


def _check_kappa(kappa: float | np.ndarray) -> np.ndarray:
    k = np.asarray(kappa, dtype=float)
    if not np.all(np.isfinite(k)) or np.any(k < 1):
        raise ValueError(f"kappa must be >= 1 (a condition number L/mu), got {kappa!r}")
    return k


def gd_optimal_lr(mu: float, L: float) -> float:
    """The gradient-descent step size with the best worst-case contraction, η* = 2 / (L
    + μ).

    Implements {eq}`eq-gd-rate`.
    """
    mu, L = _check_curvatures(mu, L)
    return 2.0 / (L + mu)


def gd_rate(kappa: float | np.ndarray) -> float | np.ndarray:
    """Best per-step contraction of gradient descent, (κ − 1)/(κ + 1) (Implements
    {eq}`eq-gd-rate`).
    """
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
    """Best per-step contraction of heavy-ball momentum, (√κ − 1)/(√κ + 1)
    (Implements {eq}`eq-momentum-rate`).
    """
    k = np.sqrt(_check_kappa(kappa))
    r = (k - 1.0) / (k + 1.0)
    return float(r) if r.ndim == 0 else r


# --------------------------------------------------------------------------------------
# Heavy ball on one eigen-direction: the 2×2 iteration matrix and its spectral radius.


def _as_float_array(name: str, x: float | np.ndarray) -> np.ndarray:
    a = check_numeric(name, x).astype(float)
    if a.size == 0:
        raise ValueError(f"{name} must hold at least one value, got an empty array")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be finite, got {x!r}")
    return a


def heavy_ball_matrix(lr: float, beta: float, lam: float) -> np.ndarray:
    """The iteration matrix of heavy ball on one eigen-direction (Implements
    {eq}`eq-hb-matrix`).

    With x_t the coordinate along an eigenvector of curvature λ (gradient λx), the
    method m ← βm − ηλx; x ← x + m is x_{t+1} = (1 + β − ηλ) x_t − β x_{t−1}, that is

        (x_{t+1}, x_t) = R (x_t, x_{t−1}),   R = [[1 + β − ηλ, −β], [1, 0]].
    """
    lr = check_positive("lr", lr)
    beta = check_fraction("beta", beta)
    lam_arr = _as_float_array("lam", lam)
    if lam_arr.ndim != 0:
        raise ValueError(
            f"lam must be one curvature (a number), got shape {lam_arr.shape}"
        )
    lam = float(lam_arr)
    return np.array([[1.0 + beta - lr * lam, -beta], [1.0, 0.0]])


def heavy_ball_rate(
    lr: float | np.ndarray, beta: float | np.ndarray, lams: float | np.ndarray
) -> float | np.ndarray:
    """Convergence rate of heavy ball: the largest spectral radius of R over ``lams``.

    Implements {eq}`eq-hb-rate`. The eigenvalues of R ({eq}`eq-hb-matrix`) are the roots
    of its characteristic polynomial z² − (1 + β − ηλ) z + β: a complex pair of modulus
    √β when (1 + β − ηλ)² < 4β, else the real roots, the larger in size being (|1 + β −
    ηλ| + √((1 + β − ηλ)² − 4β)) / 2. ``lr`` and ``beta`` broadcast against each other
    (a grid gives the map of the rate over (η, β)); ``lams`` are the curvatures (e.g. μ
    and L, the extremes, where the worst rate over [μ, L] is attained). A rate ≥ 1 means
    the iteration does not converge.
    """
    lr, beta = _as_float_array("lr", lr), _as_float_array("beta", beta)
    lams = np.atleast_1d(_as_float_array("lams", lams))
    if np.any(lr <= 0):
        raise ValueError(f"lr must be > 0, got {lr!r}")
    if np.any(beta < 0) or np.any(beta >= 1):
        raise ValueError(f"beta must be in [0, 1), got {beta!r}")
    if np.any(lams <= 0):
        raise ValueError(
            "lams must be > 0 (curvatures of a strongly convex quadratic), got "
            f"{lams!r}"
        )
    lr, beta = np.broadcast_arrays(lr, beta)
    a = 1.0 + beta[..., None] - lr[..., None] * lams  # trace of R, one per curvature
    disc = a * a - 4.0 * beta[..., None]
    real = (np.abs(a) + np.sqrt(np.maximum(disc, 0.0))) / 2.0
    rho = np.where(disc < 0, np.sqrt(beta[..., None]), real).max(axis=-1)
    return float(rho) if rho.ndim == 0 else rho


def heavy_ball_max_lr(beta: float, lam: float) -> float:
    """The largest stable rate of heavy ball along curvature λ: ηλ < 2(1 + β).

    Implements {eq}`eq-hb-stability`: R of {eq}`eq-hb-matrix` has both eigenvalues
    inside the unit circle exactly when 0 < ηλ < 2(1 + β) (for 0 ≤ β < 1); returns 2(1 +
    β)/λ.
    """
    beta = check_fraction("beta", beta)
    lam = check_positive("lam", lam)
    return 2.0 * (1.0 + beta) / lam


def newton_step(grad: np.ndarray, hessian: np.ndarray) -> np.ndarray:
    """Newton's step Δθ = −H⁻¹ g (Implements {eq}`eq-newton`).

    Solves H Δθ = −g (no inverse is formed). On a quadratic with positive definite H it
    lands on the minimum in one step, whatever the condition number.
    """
    g = check_numeric("grad", grad).astype(float)
    H = check_numeric("hessian", hessian).astype(float)
    if g.ndim != 1 or H.shape != (g.size, g.size):
        raise ValueError(
            f"hessian must have shape ({g.size}, {g.size}) for a gradient of shape "
            f"{g.shape}, "
            f"got {H.shape}"
        )
    if not (np.all(np.isfinite(g)) and np.all(np.isfinite(H))):
        raise ValueError("grad and hessian must be finite")
    try:
        return -np.linalg.solve(H, g)
    except np.linalg.LinAlgError:
        raise ValueError(
            f"hessian is singular (rank {np.linalg.matrix_rank(H)} < {g.size}): "
            "Newton's step -H⁻¹g does not exist; add a damping term (H + λI) or use "
            "a gradient step"
        ) from None
