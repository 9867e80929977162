"""Tests of lib.schedules: values against the formulas, monotonicity, plateau logic, the range test."""

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from lib import schedules as S
from lib.layers import Dense, ReLU
from lib.losses import SoftmaxCrossEntropy
from lib.model import Sequential
from lib.optim import SGD
from lib.train import fit

rates = st.floats(1e-4, 10.0)
steps = st.integers(0, 10_000)


# --- constant and power -------------------------------------------------------------------

def test_constant_is_constant():
    sched = S.constant(0.3)
    assert [sched(t) for t in (0, 1, 1000)] == [0.3, 0.3, 0.3]


@pytest.mark.parametrize("k", [0, 1, 2, 5, 9])
def test_power_c1_is_lr0_over_k_plus_1_at_multiples_of_s(k):
    sched = S.power(0.6, s=20)
    assert sched(k * 20) == pytest.approx(0.6 / (k + 1), rel=1e-12)


def test_power_exponent_c():
    assert S.power(1.0, s=10, c=2.0)(10) == pytest.approx(0.25)
    assert S.power(1.0, s=10, c=0.5)(30) == pytest.approx(0.5)


@given(lr0=rates, s=st.floats(100.0, 1e4), c=st.floats(0.1, 3.0), t=steps)  # s >= 100: 0.1^(t/s) stays > 0
def test_power_and_exponential_decrease(lr0, s, c, t):
    for sched in (S.power(lr0, s, c), S.exponential(lr0, s)):
        assert 0 < sched(t + 1) < sched(t) <= lr0


# --- exponential --------------------------------------------------------------------------

def test_exponential_values():
    sched = S.exponential(0.5, s=30)
    assert sched(0) == 0.5
    assert sched(30) == pytest.approx(0.05, rel=1e-12)
    assert sched(60) == pytest.approx(0.005, rel=1e-12)
    assert sched(15) == pytest.approx(0.5 / math.sqrt(10), rel=1e-12)


# --- piecewise constant -------------------------------------------------------------------

def test_piecewise_constant_boundaries_belong_to_the_next_piece():
    sched = S.piecewise_constant([5, 10], [1.0, 0.1, 0.01])
    got = [sched(t) for t in (0, 4, 5, 9, 10, 11, 10_000)]
    assert got == [1.0, 1.0, 0.1, 0.1, 0.01, 0.01, 0.01]


def test_piecewise_constant_without_boundaries_is_constant():
    assert S.piecewise_constant([], [0.2])(7) == 0.2


@pytest.mark.parametrize("boundaries, values", [
    ([5, 10], [1.0, 0.1]),          # one value too few
    ([10, 5], [1.0, 0.1, 0.01]),    # not increasing
    ([5, 5], [1.0, 0.1, 0.01]),     # not strictly increasing
    ([0, 5], [1.0, 0.1, 0.01]),     # first piece unreachable
    ([5], [1.0, 0.0]),              # a zero rate
])
def test_piecewise_constant_rejects_bad_arguments(boundaries, values):
    with pytest.raises(ValueError, match=r"boundaries|values"):
        S.piecewise_constant(boundaries, values)


# --- one cycle ----------------------------------------------------------------------------

def pytorch_one_cycle(step, total_steps, max_lr, div_factor, final_div_factor, pct_start):
    """A transcription of torch.optim.lr_scheduler.OneCycleLR.get_lr (three_phase, linear)."""
    initial_lr = max_lr / div_factor
    min_lr = initial_lr / final_div_factor
    phases = [
        {"end_step": float(pct_start * total_steps) - 1, "start_lr": initial_lr, "end_lr": max_lr},
        {"end_step": float(2 * pct_start * total_steps) - 2, "start_lr": max_lr, "end_lr": initial_lr},
        {"end_step": total_steps - 1, "start_lr": initial_lr, "end_lr": min_lr},
    ]
    start_step = 0
    for i, phase in enumerate(phases):
        end_step = phase["end_step"]
        if step <= end_step or i == len(phases) - 1:
            pct = (step - start_step) / (end_step - start_step)
            return (phase["end_lr"] - phase["start_lr"]) * pct + phase["start_lr"]
        start_step = phase["end_step"]
    raise AssertionError("no phase")


def test_one_cycle_phase_boundaries_by_hand():
    # T = 100, p = 0.45: phases end at 44, 88 and 99; η_lo = 1/25 = 0.04, η_min = 0.04/1e4.
    sched = S.one_cycle(100, max_lr=1.0)
    assert sched(0) == pytest.approx(0.04, rel=1e-12)
    assert sched(44) == pytest.approx(1.0, rel=1e-12)
    assert sched(88) == pytest.approx(0.04, rel=1e-12)
    assert sched(99) == pytest.approx(4e-6, rel=1e-9)
    assert sched(22) == pytest.approx(0.04 + 0.96 * 22 / 44, rel=1e-12)   # middle of the warm-up
    assert sched(66) == pytest.approx(1.0 - 0.96 * 22 / 44, rel=1e-12)    # middle of the way down


def test_one_cycle_fractional_phase_ends():
    # T = 10, p = 0.25: phases end at 1.5, 3.0, 9; η_lo = 0.1, η_min = 0.1/100 = 0.001.
    sched = S.one_cycle(10, max_lr=1.0, div_factor=10.0, final_div_factor=100.0, pct_start=0.25)
    assert sched(1) == pytest.approx(0.1 + 0.9 / 1.5, rel=1e-12)
    assert sched(2) == pytest.approx(1.0 - 0.9 * 0.5 / 1.5, rel=1e-12)
    assert sched(3) == pytest.approx(0.1, rel=1e-12)
    assert sched(9) == pytest.approx(0.001, rel=1e-12)


@given(T=st.integers(10, 3000), max_lr=rates, div=st.floats(1.5, 100.0), final=st.floats(1.0, 1e5),
       p=st.floats(0.05, 0.5), frac=st.floats(0.0, 1.0))
def test_one_cycle_matches_pytorch_formula(T, max_lr, div, final, p, frac):
    assume(p * T > 1)
    t = min(int(frac * T), T - 1)
    sched = S.one_cycle(T, max_lr, div, final, p)
    assert sched(t) == pytest.approx(pytorch_one_cycle(t, T, max_lr, div, final, p), rel=1e-9)


@given(T=st.integers(10, 2000), p=st.floats(0.05, 0.5))
def test_one_cycle_rises_then_falls(T, p):
    assume(p * T > 1)
    lr = np.array([S.one_cycle(T, 2.0, pct_start=p)(t) for t in range(T)])
    peak = int(np.argmax(lr))
    assert np.all(np.diff(lr[:peak + 1]) > 0)
    assert lr[peak + 1] <= lr[peak] and np.all(np.diff(lr[peak + 1:]) < 0)  # a fractional peak may tie
    assert lr.max() <= 2.0 + 1e-12 and lr.min() > 0


@pytest.mark.parametrize("kwargs", [
    {"pct_start": 0.0}, {"pct_start": 0.6}, {"pct_start": 1.0},
    {"pct_start": 0.1, "total_steps": 10},  # warm-up of length 0
    {"max_lr": -1.0}, {"div_factor": 0.0}, {"total_steps": 0},
])
def test_one_cycle_rejects_bad_arguments(kwargs):
    args = {"total_steps": 100, "max_lr": 1.0} | kwargs
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        S.one_cycle(**args)


def test_one_cycle_and_cosine_reject_t_outside_the_run():
    for sched in (S.one_cycle(100, 1.0), S.cosine(1.0, 100)):
        with pytest.raises(ValueError, match="total_steps"):
            sched(100)
        with pytest.raises(ValueError, match="t must be >= 0"):
            sched(-1)


# --- cosine -------------------------------------------------------------------------------

def test_cosine_values():
    sched = S.cosine(0.8, 100)
    assert sched(0) == 0.8
    assert sched(50) == pytest.approx(0.4, rel=1e-12)
    assert sched(99) == pytest.approx(0.4 * (1 + math.cos(math.pi * 0.99)), rel=1e-12)


def test_cosine_warmup_values():
    sched = S.cosine(1.0, 104, warmup=4)
    assert [sched(t) for t in range(4)] == pytest.approx([0.25, 0.5, 0.75, 1.0])
    assert sched(4) == 1.0
    assert sched(54) == pytest.approx(0.5, rel=1e-12)


@given(T=st.integers(2, 2000), w=st.integers(0, 50))
def test_cosine_rises_in_warmup_then_decreases(T, w):
    if w >= T:
        with pytest.raises(ValueError, match="warmup"):
            S.cosine(1.0, T, warmup=w)
        return
    lr = np.array([S.cosine(1.0, T, warmup=w)(t) for t in range(T)])
    assert np.all(lr > 0) and lr.max() == pytest.approx(1.0)
    assert np.all(np.diff(lr[:w]) > 0)
    assert np.all(np.diff(lr[max(w - 1, 0):]) <= 0)


# --- invalid arguments shared by the factories -------------------------------------------

@pytest.mark.parametrize("factory, args, name", [
    (S.constant, (0.0,), "lr"),
    (S.constant, (float("nan"),), "lr"),
    (S.power, (1.0, 0.0), "s"),
    (S.power, (-1.0, 10.0), "lr0"),
    (S.power, (1.0, 10.0, -1.0), "c"),
    (S.exponential, (1.0, -5.0), "s"),
    (S.exponential, (0.0, 5.0), "lr0"),
    (S.cosine, (1.0, 0), "total_steps"),
    (S.cosine, (1.0, 10, -1), "warmup"),
])
def test_factories_reject_bad_arguments(factory, args, name):
    with pytest.raises(ValueError, match=name):
        factory(*args)


def test_type_errors_name_the_argument():
    with pytest.raises(TypeError, match="lr0"):
        S.exponential("0.1", 10)
    with pytest.raises(TypeError, match="total_steps"):
        S.one_cycle(100.0, 1.0)
    with pytest.raises(ValueError, match="t must be >= 0"):
        S.power(1.0, 10)(-3)


# --- ReduceLROnPlateau --------------------------------------------------------------------

def run(plateau, metrics):
    return [plateau.step(m) for m in metrics]


def test_plateau_waits_patience_steps_then_cuts_and_restarts_the_count():
    p = S.ReduceLROnPlateau(1.0, factor=0.5, patience=2)
    got = run(p, [1.0, 0.9, 0.95, 0.95, 0.95, 0.95, 0.8, 0.85, 0.85])
    assert got == [1.0, 1.0, 1.0, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125]
    assert p.lr == 0.125 and p.best == 0.8 and p.n_cuts == 3 and p.wait == 0


def test_plateau_min_delta_requires_a_real_improvement():
    p = S.ReduceLROnPlateau(1.0, factor=0.1, patience=1, min_delta=0.1)
    assert p.step(1.0) == 1.0
    assert p.step(0.95) == pytest.approx(0.1)   # 0.95 is not below 1.0 - 0.1
    assert p.best == 1.0
    assert p.step(0.85) == pytest.approx(0.1)   # 0.85 < 0.9: an improvement, no cut
    assert p.best == 0.85
    assert p.step(0.80) == pytest.approx(0.01)  # 0.80 is not below 0.75


def test_plateau_patience_zero_cuts_on_every_step_without_improvement():
    p = S.ReduceLROnPlateau(1.0, factor=0.5, patience=0)
    assert run(p, [1.0, 1.0, 2.0, 0.5, 0.6]) == [1.0, 0.5, 0.25, 0.25, 0.125]


def test_plateau_respects_min_lr():
    p = S.ReduceLROnPlateau(1.0, factor=0.1, patience=1, min_lr=0.05)
    assert run(p, [1.0, 1.0, 1.0, 1.0]) == [1.0, pytest.approx(0.1), 0.05, 0.05]
    assert p.n_cuts == 2


@given(metrics=st.lists(st.floats(0.0, 10.0), min_size=1, max_size=60), patience=st.integers(0, 6))
def test_plateau_never_raises_the_rate_and_cuts_only_after_patience(metrics, patience):
    p = S.ReduceLROnPlateau(1.0, factor=0.5, patience=patience)
    lrs = run(p, metrics)
    assert all(b <= a for a, b in zip([1.0, *lrs], lrs, strict=False))
    assert p.n_cuts == round(-math.log2(p.lr))
    # a cut needs patience + 1 steps at least when patience > 0 (the first step always improves)
    assert p.n_cuts <= max(len(metrics) - 1, 0) // max(patience, 1)


@pytest.mark.parametrize("kwargs, name", [
    ({"factor": 0.0}, "factor"), ({"factor": 1.0}, "factor"), ({"factor": 1.5}, "factor"),
    ({"patience": -1}, "patience"), ({"min_delta": -0.1}, "min_delta"), ({"lr": 0.0}, "lr"),
])
def test_plateau_rejects_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        S.ReduceLROnPlateau(**({"lr": 0.1} | kwargs))


def test_plateau_rejects_bad_types_and_nan():
    with pytest.raises(TypeError, match="patience"):
        S.ReduceLROnPlateau(0.1, patience=2.5)
    p = S.ReduceLROnPlateau(0.1)
    with pytest.raises(ValueError, match="NaN"):
        p.step(float("nan"))
    with pytest.raises(TypeError, match="metric"):
        p.step("0.3")


# --- with fit -----------------------------------------------------------------------------

def tiny_problem(seed=0, n=96):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    y = (X[:, 0] + X[:, 1] > 0).astype(np.int64) + (X[:, 2] > 1).astype(np.int64)
    model = Sequential([Dense(4, 8, "he_normal", rng), ReLU(), Dense(8, 3, "glorot_uniform", rng)])
    return model, SoftmaxCrossEntropy(), X, y


def test_fit_records_the_last_step_rate_of_each_epoch():
    model, loss, X, y = tiny_problem()
    total = 5 * 3  # 5 epochs of 96 / 32 = 3 steps
    sched = S.one_cycle(total, 0.5)
    h = fit(model, loss, SGD(0.1), X, y, epochs=5, batch_size=32, rng=0, schedule=sched, schedule_per="step")
    assert h.lr == pytest.approx([sched(3 * e + 2) for e in range(5)], rel=1e-12)


def test_fit_feeds_plateau_the_validation_loss():
    model, loss, X, y = tiny_problem()
    plateau = S.ReduceLROnPlateau(1e-6, factor=0.5, patience=1, min_delta=1.0)  # nothing ever improves by 1
    h = fit(model, loss, SGD(0.1), X, y, epochs=5, batch_size=32, rng=0, validation=(X, y), schedule=plateau)
    assert h.lr == pytest.approx([1e-6, 1e-6, 5e-7, 2.5e-7, 1.25e-7])  # patience 1: cut after each miss
    assert plateau.best == h.val_loss[0]


# --- learning-rate range test ------------------------------------------------------------

def test_range_test_sweeps_geometrically_and_restores_model_and_optimizer():
    model, loss, X, y = tiny_problem()
    before = model.state_dict()
    opt = SGD(0.123)
    rates_, losses = S.lr_range_test(model, loss, opt, X, y, lr_min=1e-4, lr_max=1e-1, batch_size=16, rng=1,
                                     epochs=2, stop_factor=None)
    assert len(rates_) == len(losses) == 12
    assert rates_[0] == pytest.approx(1e-4) and rates_[-1] == pytest.approx(1e-1)
    assert np.allclose(rates_[1:] / rates_[:-1], 1000 ** (1 / 11))
    after = model.state_dict()
    assert all(np.array_equal(before[k], after[k]) for k in before)
    assert opt.lr == 0.123 and opt.t == 0


def test_range_test_losses_replay_by_hand():
    model, loss, X, y = tiny_problem()
    _, losses = S.lr_range_test(model, loss, SGD(1.0), X, y, lr_min=0.01, lr_max=1.0, batch_size=32, rng=7,
                                stop_factor=None)
    order = np.random.default_rng(7).permutation(len(X))
    b1, b2 = order[:32], order[32:64]
    assert losses[0] == pytest.approx(loss.forward(model.forward(X[b1], training=True), y[b1]))
    model.backward(loss.backward())
    SGD(0.01).step(model.params, model.grads)   # first step at lr_min
    assert losses[1] == pytest.approx(loss.forward(model.forward(X[b2], training=True), y[b2]))


def test_range_test_smoothing_is_a_bias_corrected_moving_average():
    model, loss, X, y = tiny_problem()
    kw = {"lr_min": 1e-3, "lr_max": 0.3, "batch_size": 8, "stop_factor": None}
    _, raw = S.lr_range_test(model, loss, SGD(0.1), X, y, rng=3, **kw)
    _, smooth = S.lr_range_test(model, loss, SGD(0.1), X, y, rng=3, smoothing=0.9, **kw)
    avg, expected = 0.0, []
    for k, v in enumerate(raw):
        avg = 0.9 * avg + 0.1 * v
        expected.append(avg / (1 - 0.9 ** (k + 1)))
    assert smooth == pytest.approx(expected, rel=1e-10)
    assert smooth[0] == pytest.approx(raw[0])


def test_range_test_stops_on_divergence_and_still_restores():
    model, loss, X, y = tiny_problem()
    before = model.state_dict()
    rates_, losses = S.lr_range_test(model, loss, SGD(0.1), X, y, lr_min=1e-3, lr_max=1e6, batch_size=4, rng=0)
    assert len(losses) < 24 and np.all(np.isfinite(losses))
    assert losses[-1] > 4 * losses[:-1].min()
    assert rates_[-1] < 1e6
    assert all(np.array_equal(before[k], v) for k, v in model.state_dict().items())


@pytest.mark.parametrize("kwargs, name", [
    ({"lr_min": 0.0}, "lr_min"), ({"lr_max": 1e-6}, "lr_max"), ({"smoothing": 1.0}, "smoothing"),
    ({"stop_factor": 0.5}, "stop_factor"), ({"batch_size": 1000}, "steps"),
])
def test_range_test_rejects_bad_arguments(kwargs, name):
    model, loss, X, y = tiny_problem()
    with pytest.raises(ValueError, match=name):
        S.lr_range_test(model, loss, SGD(0.1), X, y, rng=0, **kwargs)


def test_suggest_lr_rules():
    r = np.logspace(-3, 3, 61)
    losses = 1.0 - np.tanh(np.log(r)) + 0.01 * (np.log(r) - 2.0) ** 2   # steepest near r = 1, minimum near e²
    assert S.suggest_lr(r, losses, "steepest") == pytest.approx(1.0, rel=0.3)
    assert S.suggest_lr(r, losses, "min/10") == pytest.approx(r[np.argmin(losses)] / 10)
    with pytest.raises(ValueError, match="rule"):
        S.suggest_lr(r, losses, "valley")


# --- figures and explorer helpers ---------------------------------------------------------

def test_plot_schedules_draws_each_curve_with_its_values():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from lib.plots.schedules import plot_lr_finder, plot_schedules, plot_seed_bands

    scheds = {"exp": S.exponential(1.0, 10), "cos": S.cosine(1.0, 40)}
    ax = plot_schedules(scheds, 40, steps_per_epoch=4)
    for line, sched in zip(ax.get_lines(), scheds.values(), strict=True):
        x, y = line.get_data()
        assert np.allclose(x, np.arange(40) / 4)
        assert np.allclose(y, [sched(t) for t in range(40)])
    with pytest.raises(ValueError, match="n_seeds, n_epochs"):
        plot_seed_bands({"a": np.ones(5)})
    with pytest.raises(ValueError, match="same shape"):
        plot_lr_finder(np.ones(3), np.ones(4))
    plt.close("all")


def test_make_schedule_builds_the_named_schedule():
    from lib.widgets.schedules import NAMES, make_schedule

    kw = {"epochs": 10, "steps_per_epoch": 5, "s_epochs": 2.0}
    sched, per = make_schedule("exponential", 0.1, **kw)
    assert per == "step" and sched(10) == pytest.approx(0.01)
    sched, per = make_schedule("piecewise_constant", 0.1, **kw)
    assert [sched(t) for t in (9, 10, 15)] == pytest.approx([0.1, 0.01, 0.001])
    sched, per = make_schedule("plateau", 0.1, **kw)
    assert per == "epoch" and isinstance(sched, S.ReduceLROnPlateau)
    for name in NAMES:
        sched, per = make_schedule(name, 0.1, **kw)
        if per == "step":
            assert all(0 < sched(t) <= 0.1 for t in range(50))
    with pytest.raises(ValueError, match="name"):
        make_schedule("linear", 0.1, **kw)


def test_lr_range_test_drop_last_lets_batch_norm_skip_a_final_batch_of_one():
    """33 samples in batches of 8 leave a batch of one, which BatchNorm cannot train on."""
    from lib.layers import BatchNorm

    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((33, 2)), rng.integers(0, 2, 33)

    def run(**kw):
        net = Sequential([Dense(2, 4, rng=0), BatchNorm(4), ReLU(), Dense(4, 2, rng=1)])
        return S.lr_range_test(net, SoftmaxCrossEntropy(), SGD(0.1), X, y, batch_size=8, rng=0, **kw)

    with pytest.raises(ValueError, match="drop_last=True"):
        run()
    rates, losses = run(drop_last=True)
    assert len(rates) == len(losses) == 4  # the four full batches, the batch of one skipped


def test_lr_range_test_refuses_nan_in_X():
    X = np.ones((20, 2))
    X[3, 1] = np.nan
    net = Sequential([Dense(2, 2, rng=0)])
    with pytest.raises(ValueError, match="X contains NaN"):
        S.lr_range_test(net, SoftmaxCrossEntropy(), SGD(0.1), X, np.zeros(20, int), rng=0)
