"""lib.experiments: the tune-on-validation, test-on-fresh-seeds protocol."""

import numpy as np
import pytest

from lib import experiments


def fake_run(setting: dict, seed: int) -> dict:
    """A 'training run' whose validation loss is (lr − 0.1)² plus seed noise; test loss likewise."""
    rng = np.random.default_rng(seed)
    noise = 1e-4 * rng.standard_normal(2)
    offset = setting.get("offset", 0.0)
    return {"val_loss": (setting["lr"] - 0.1) ** 2 + offset + noise[0],
            "test_loss": (setting["lr"] - 0.1) ** 2 + offset + noise[1],
            "seed": seed}


def test_grid_is_the_product_in_order():
    assert experiments.grid(lr=[0.1, 1.0], beta=[0.9, 0.99]) == [
        {"lr": 0.1, "beta": 0.9}, {"lr": 0.1, "beta": 0.99},
        {"lr": 1.0, "beta": 0.9}, {"lr": 1.0, "beta": 0.99}]
    with pytest.raises(ValueError, match="grid axis 'lr'"):
        experiments.grid(lr=[])
    with pytest.raises(ValueError, match="grid axis 'opt'"):
        experiments.grid(opt="adam")


def test_tune_and_test_chooses_on_validation_and_reports_fresh_seeds():
    grid = experiments.grid(lr=[0.01, 0.1, 1.0])
    study = experiments.tune_and_test(
        fake_run, {"A": grid, "B": [dict(g, offset=0.5) for g in grid]},
        tune_seeds=[0, 1], test_seeds=[10, 11, 12])
    assert study["A"].chosen == {"lr": 0.1}
    assert study["B"].chosen == {"lr": 0.1, "offset": 0.5}
    assert [r["seed"] for r in study["A"].test] == [10, 11, 12]
    assert [r["seed"] for r in study["A"].tuning[0]] == [0, 1]
    comp = study.compare("A", "B", "test_loss")
    assert comp.verdict == "lower" and comp.mean == pytest.approx(-0.5, abs=1e-3)
    rows = study.rows(["test_loss"])
    assert rows[0][:2] == ["A", "lr=0.1"] and rows[0][3] <= rows[0][2] <= rows[0][4]


def test_maximizing_a_score():
    def run(setting, seed):
        return {"val_acc": -abs(setting["lr"] - 1.0), "test_acc": 0.5 + seed * 1e-3}
    study = experiments.tune_and_test(run, {"A": experiments.grid(lr=[0.1, 1.0, 3.0])},
                                      tune_seeds=[0], test_seeds=[1, 2], select="val_acc", minimize=False)
    assert study["A"].chosen == {"lr": 1.0}
    # the direction is read off the metric's name: an accuracy is maximised
    inferred = experiments.tune_and_test(run, {"A": experiments.grid(lr=[0.1, 1.0, 3.0])},
                                         tune_seeds=[0], test_seeds=[1, 2], select="val_acc")
    assert inferred["A"].chosen == {"lr": 1.0} and not inferred.minimize


def test_an_unnamed_direction_must_be_given():
    def run(setting, seed):
        return {"score": setting["lr"], "test_acc": 0.5}
    with pytest.raises(ValueError, match="pass minimize=True or minimize=False"):
        experiments.tune_and_test(run, {"A": [{"lr": 1.0}]}, tune_seeds=[0], test_seeds=[1], select="score")
    study = experiments.tune_and_test(run, {"A": [{"lr": 1.0}, {"lr": 2.0}]}, tune_seeds=[0], test_seeds=[1],
                                      select="score", minimize=True)
    assert study["A"].chosen == {"lr": 1.0}


def test_diverged_candidates_are_never_chosen():
    def run(setting, seed):
        return {"val_loss": np.nan if setting["lr"] > 0.5 else setting["lr"], "test_loss": 0.0}
    study = experiments.tune_and_test(run, {"A": experiments.grid(lr=[0.01, 0.1, 1.0])[::-1]},
                                      tune_seeds=[0, 1], test_seeds=[2, 3])
    assert study["A"].chosen == {"lr": 0.01}
    with pytest.raises(ValueError, match="every candidate of method 'A'"):
        experiments.tune_and_test(run, {"A": [{"lr": 1.0}]}, tune_seeds=[0], test_seeds=[1])


def test_the_protocol_is_enforced():
    grid = experiments.grid(lr=[0.01, 0.1])
    with pytest.raises(ValueError, match="fresh"):
        experiments.tune_and_test(fake_run, {"A": grid}, tune_seeds=[0, 1], test_seeds=[1, 2])
    with pytest.raises(ValueError, match="equal tuning budgets"):
        experiments.tune_and_test(fake_run, {"A": grid, "B": grid[:1]}, tune_seeds=[0], test_seeds=[1])
    with pytest.raises(ValueError, match="repeat"):
        experiments.tune_and_test(fake_run, {"A": grid}, tune_seeds=[0, 0], test_seeds=[1])
    with pytest.raises(ValueError, match="at least one method"):
        experiments.tune_and_test(fake_run, {}, tune_seeds=[0], test_seeds=[1])
    with pytest.raises(TypeError, match="must return a dict"):
        experiments.tune_and_test(lambda s, seed: 1.0, {"A": grid}, tune_seeds=[0], test_seeds=[1])


def test_repeat_runs_every_setting_on_every_seed():
    out = experiments.repeat(fake_run, {"a": {"lr": 0.1}, "b": {"lr": 1.0}}, seeds=[3, 4])
    assert [r["seed"] for r in out["b"]] == [3, 4]
    assert out["b"][0]["val_loss"] == pytest.approx(0.81, abs=1e-3)
