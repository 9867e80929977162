"""A small Gaussian process for Bayesian optimisation, in NumPy.

Inputs live in the unit cube (``lib.search`` maps a search space there); targets are
standardised before fitting. The kernel's length-scales, its amplitude and the noise
level are chosen by maximising the log marginal likelihood: the amplitude in closed
form, the noise over a small grid, and the (per-dimension) length-scales by a grid
search followed by coordinate-wise sweeps. Everything is deterministic: no random
restarts.
"""

from __future__ import annotations

import math

import numpy as np

from ._checks import (
    check_array,
    check_nonnegative,
    check_numeric,
    check_positive,
    check_real,
)

KERNELS = ("matern52", "rbf")
_LENGTHSCALE_GRID = np.geomspace(0.02, 5.0, 28)
_NOISE_GRID = (1e-6, 1e-4, 1e-3, 1e-2, 1e-1)
_JITTER = 1e-10


def _lengthscales(lengthscales: np.ndarray | float) -> np.ndarray:
    """The length-scales as a float array, each finite and > 0 (ℓ ≤ 0 divides by zero or
    flips the sign of x/ℓ, which the squared distance would hide)."""
    ls = check_numeric("lengthscales", lengthscales).astype(float)
    if ls.ndim > 1 or not np.all(np.isfinite(ls)) or not np.all(ls > 0):
        raise ValueError(
            f"lengthscales must be finite numbers > 0 (one, or one per "
            f"input dimension), got {lengthscales!r}"
        )
    return ls


def _inputs(
    X1: np.ndarray, X2: np.ndarray, ls: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    A, B = np.atleast_2d(check_array("X1", X1)), np.atleast_2d(check_array("X2", X2))
    ok = A.ndim == B.ndim == 2 and A.shape[1] == B.shape[1]
    if not ok or (ls.ndim and ls.size != A.shape[1]):
        raise ValueError(
            f"X1 and X2 must be (n, d) arrays with the same d, and "
            f"lengthscales one number or d numbers; got shapes {A.shape}, "
            f"{B.shape} and {ls.shape}"
        )
    return A, B


def _scaled_distances(
    X1: np.ndarray, X2: np.ndarray, lengthscales: np.ndarray
) -> np.ndarray:
    A, B = X1 / lengthscales, X2 / lengthscales
    sq = (A**2).sum(1)[:, None] + (B**2).sum(1)[None, :] - 2.0 * A @ B.T
    return np.sqrt(np.maximum(sq, 0.0))


def matern52(
    X1: np.ndarray, X2: np.ndarray, lengthscales: np.ndarray | float
) -> np.ndarray:
    """Matérn-5/2 correlation k(x, x') = (1 + √5 r + 5r²/3) exp(−√5 r), r = ‖(x −
    x')/ℓ‖.

    Implements {eq}`eq-gp-matern` (unit amplitude; the GP multiplies by σ_f²).
    """
    ls = _lengthscales(lengthscales)
    r = _scaled_distances(*_inputs(X1, X2, ls), ls)
    s5r = math.sqrt(5.0) * r
    return (1.0 + s5r + s5r**2 / 3.0) * np.exp(-s5r)


def rbf(X1: np.ndarray, X2: np.ndarray, lengthscales: np.ndarray | float) -> np.ndarray:
    """Squared-exponential correlation k(x, x') = exp(−r²/2), r = ‖(x − x')/ℓ‖.

    Implements {eq}`eq-gp-matern` in its ν → ∞ limit (unit amplitude).
    """
    ls = _lengthscales(lengthscales)
    r = _scaled_distances(*_inputs(X1, X2, ls), ls)
    return np.exp(-0.5 * r**2)


def _cholesky(K: np.ndarray) -> np.ndarray:
    """Cholesky factor of K, adding growing jitter to the diagonal if K is not
    numerically positive definite.
    """
    jitter = _JITTER
    eye = np.eye(len(K))
    for _ in range(10):
        try:
            return np.linalg.cholesky(K + jitter * eye)
        except np.linalg.LinAlgError:
            jitter *= 10.0
    raise np.linalg.LinAlgError(
        f"kernel matrix is not positive definite even with jitter {jitter:g}"
    )


def _solve_chol(L: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.linalg.solve(L.T, np.linalg.solve(L, b))


class GaussianProcess:
    """GP regression with a Matérn-5/2 (default) or RBF kernel and Gaussian noise.

    The prior is f ~ GP(0, σ_f² k) on standardised targets; observations y = f + ε,
    ε ~ N(0, σ_n²). ``fit`` picks the hyperparameters θ = (ℓ, σ_f², σ_n²) maximising the
    log marginal likelihood (Implements {eq}`eq-gp-lml`); ``predict`` returns the
    posterior mean and standard deviation of f (Implements {eq}`eq-gp-posterior`).

    ``lengthscale`` or ``noise`` given as numbers are held fixed instead of fitted
    (``noise`` is the variance σ_n² relative to σ_f²; ``noise=0`` interpolates, with a
    1e-10 jitter added for the Cholesky factorisation). ``ard=True`` fits one
    length-scale per input dimension.
    """

    def __init__(
        self,
        kernel: str = "matern52",
        *,
        lengthscale: float | None = None,
        noise: float | None = None,
        ard: bool = True,
    ) -> None:
        if kernel not in KERNELS:
            raise ValueError(f"kernel must be one of {KERNELS}, got {kernel!r}")
        self.kernel = kernel
        self.fixed_lengthscale = (
            None if lengthscale is None else check_positive("lengthscale", lengthscale)
        )
        self.fixed_noise = None if noise is None else check_nonnegative("noise", noise)
        self.ard = bool(ard)
        self._k = matern52 if kernel == "matern52" else rbf

    def _profile(self, ls: np.ndarray, noise: float) -> tuple[float, dict]:
        """Log marginal likelihood with the amplitude σ_f² profiled out (its
        maximiser is closed form).
        """
        n = len(self.X_)
        C = self._k(self.X_, self.X_, ls) + noise * np.eye(n)
        try:
            L = _cholesky(C)
        except np.linalg.LinAlgError:
            return -np.inf, {}
        alpha = _solve_chol(L, self.z_)
        amp = max(float(self.z_ @ alpha) / n, 1e-12)
        lml = -0.5 * n * (math.log(2 * math.pi * amp) + 1.0) - float(
            np.log(np.diag(L)).sum()
        )
        return lml, {
            "L": L,
            "alpha": alpha,
            "amplitude": amp,
            "lengthscales": ls,
            "noise": noise,
        }

    def fit(self, X: np.ndarray, y: np.ndarray) -> GaussianProcess:
        """Condition on observations X (n, d) in the unit cube and targets y (n,);
        choose θ by maximum likelihood.
        """
        X = check_array("X", X, ndim=2).astype(float)
        y = check_array("y", y, ndim=1).astype(float)
        if len(X) != len(y) or len(X) == 0:
            raise ValueError(
                f"X and y must have the same, non-zero number of rows, got {len(X)} "
                f"and {len(y)}"
            )
        if y.min() == y.max():
            raise ValueError(
                f"y must hold at least two distinct values, got {len(y)} equal to "
                f"{float(y[0])!r}: "
                "the maximum-likelihood amplitude of constant targets is 0, and the "
                "posterior would claim certainty (std 0) everywhere"
            )
        self.X_ = X
        self.y_mean_ = float(y.mean())
        self.y_std_ = float(y.std()) if y.std() > 0 else 1.0
        if not np.isfinite(self.y_mean_) or not np.isfinite(self.y_std_):
            raise ValueError(
                f"y holds values up to {np.abs(y).max():.3g}, whose mean or "
                "spread overflows float64; rescale y"
            )
        self.z_ = (y - self.y_mean_) / self.y_std_
        d = X.shape[1]
        ls_grid = (
            _LENGTHSCALE_GRID
            if self.fixed_lengthscale is None
            else np.array([self.fixed_lengthscale])
        )
        noises = _NOISE_GRID if self.fixed_noise is None else (self.fixed_noise,)
        best = (-np.inf, {})
        for noise in noises:
            for ell in ls_grid:  # isotropic grid first
                best = max(
                    best, self._profile(np.full(d, ell), noise), key=lambda t: t[0]
                )
        if self.ard and d > 1 and self.fixed_lengthscale is None:
            noise = best[1]["noise"]
            # coordinate-wise sweeps over each dimension's length-scale
            for _ in range(2):
                for j in range(d):
                    for ell in ls_grid:
                        ls = best[1]["lengthscales"].copy()
                        ls[j] = ell
                        best = max(best, self._profile(ls, noise), key=lambda t: t[0])
        if not best[1]:
            raise np.linalg.LinAlgError(
                "no hyperparameter setting gave a positive-definite kernel matrix; X "
                "should "
                f"lie in the unit cube (got values in [{X.min():.3g}, {X.max():.3g}])"
            )
        self.log_marginal_likelihood_ = best[0] - len(y) * math.log(self.y_std_)
        self.params_ = best[1]
        return self

    @property
    def lengthscales_(self) -> np.ndarray:
        return self.params_["lengthscales"]

    def predict(self, Xs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Posterior mean μ(x*) and standard deviation σ(x*) of the latent f at rows
        of Xs, in y's units.
        """
        if not hasattr(self, "params_"):
            raise RuntimeError("call fit(X, y) before predict")
        Xs = check_array("Xs", Xs, ndim=2).astype(float)
        if Xs.shape[1] != self.X_.shape[1]:
            raise ValueError(
                f"Xs must have {self.X_.shape[1]} columns, got shape {Xs.shape}"
            )
        p = self.params_
        Ks = self._k(Xs, self.X_, p["lengthscales"])
        mean = Ks @ p["alpha"]
        v = np.linalg.solve(p["L"], Ks.T)
        var = p["amplitude"] * np.maximum(1.0 - (v**2).sum(0), 0.0)
        return self.y_mean_ + self.y_std_ * mean, self.y_std_ * np.sqrt(var)


def _normal_cdf(z: np.ndarray) -> np.ndarray:
    return 0.5 * np.vectorize(math.erfc, otypes=[float])(-z / math.sqrt(2.0))


def expected_improvement(
    mean: np.ndarray, std: np.ndarray, best: float, xi: float = 0.0
) -> np.ndarray:
    """EI for minimisation: E[max(best − ξ − f, 0)] under f ~ N(μ, σ²).

    EI = (best − ξ − μ) Φ(z) + σ φ(z), z = (best − ξ − μ)/σ; where σ = 0 it is
    max(best − ξ − μ, 0). Implements {eq}`eq-ei`.
    """
    mean = check_array("mean", mean).astype(float)  # NaN would win an argmax over EI
    std = check_array("std", std).astype(float)
    if mean.shape != std.shape:
        raise ValueError(
            f"mean and std must have the same shape, got {mean.shape} and {std.shape}"
        )
    if np.any(std < 0):
        raise ValueError("std must be >= 0 everywhere")
    best = check_real("best", best)
    check_nonnegative("xi", xi)
    improvement = best - xi - mean
    safe = np.where(std > 0, std, 1.0)
    z = improvement / safe
    ei = improvement * _normal_cdf(z) + safe * np.exp(-0.5 * z**2) / math.sqrt(
        2 * math.pi
    )
    return np.where(std > 0, np.maximum(ei, 0.0), np.maximum(improvement, 0.0))
