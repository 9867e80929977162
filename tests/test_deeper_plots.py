"""lib.plots.deeper: the figures of the going-deeper chapter draw what they are given."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np

from lib import diagnostics as dg
from lib.plots.deeper import plot_batch_size, plot_depth_stats, plot_residual_growth


def test_depth_stats_draws_one_line_per_seed_and_a_prediction_per_residual_net():
    runs = [{"rms": np.array([1.0, 1.5, 2.0]), "grad": np.array([0.1, 0.2])}] * 2
    fig = plot_depth_stats({"plain": runs, "residual": runs}, alphas={"plain": None, "residual": 1.0}, depth=2)
    ax_s, ax_g = fig.axes
    assert len(ax_s.lines) == 2 + 2 + 1  # 2 seeds per net, one prediction
    assert len(ax_g.lines) == 4
    np.testing.assert_allclose(ax_s.lines[-1].get_ydata(), np.sqrt([1, 2, 4]))  # q0 = 1, α = 1
    plt.close(fig)


def test_residual_growth_prediction_matches_the_measured_stem():
    net = dg.residual_stack(8, 16, 3, rng=0, branch_scale=0.0)
    x = np.random.default_rng(1).standard_normal((50, 8))
    fig = plot_residual_growth(net, x, 0.0)
    pred, measured = fig.axes[0].lines
    np.testing.assert_allclose(pred.get_ydata(), measured.get_ydata())  # α = 0: identity blocks
    plt.close(fig)


def test_batch_size_plot_has_error_bars_per_method():
    ax = plot_batch_size({"a": {4: (0.5, 0.4, 0.6), 64: (0.7, 0.6, 0.8)}})
    assert ax.get_xscale() == "log"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a"]
    plt.close(ax.figure)
