"""The notebook comparison rule (tests/nbval_tolerance.py) on hand-made outputs."""

import nbformat
import pytest
from nbval_tolerance import _compared_mimes, _last_digit_unit, cell_tolerance, tokens_match


@pytest.mark.parametrize(("token", "unit"), [("0.870", 1e-3), ("12", None), ("6.27e+03", 10.0),
                                             ("1e-05", 1e-5), ("−0.5", 0.1), ("3.", 1.0)])
def test_last_digit_unit(token, unit):
    assert _last_digit_unit(token) == (pytest.approx(unit) if unit else None)


def test_text_must_match_exactly():
    ok, reason = tokens_match("loss 0.123 after 5 epochs", "loss 0.123 after 5 epoch")
    assert not ok and "text differs" in reason


def test_equal_strings_match():
    assert tokens_match("η=0.3: 0.870", "η=0.3: 0.870") == (True, "")


def test_rounding_boundary_allows_one_unit_only():
    assert tokens_match("0.124", "0.123")[0]
    assert not tokens_match("0.125", "0.123")[0]
    assert tokens_match("6.27e+03", "6.28e+03")[0]
    assert not tokens_match("6.27e+03", "1.18e+04")[0]


def test_integers_are_exact_without_a_tolerance():
    ok, reason = tokens_match("7 epochs", "8 epochs")
    assert not ok and "stored 7, now 8" in reason


def test_stated_tolerance_admits_training_noise_and_catches_changes():
    assert tokens_match("acc 0.712 ± 0.010", "acc 0.705 ± 0.012", rtol=0.05, atol=0.005)[0]
    assert not tokens_match("acc 0.712", "acc 0.650", rtol=0.05, atol=0.005)[0]
    # integers stay exact under a tolerance: a configuration change is not noise
    ok, reason = tokens_match("7 epochs", "8 epochs", rtol=0.2)
    assert not ok and "integers are exact" in reason
    assert not tokens_match("95 % CI 1.8 to 6.7, 5 paired seeds",
                            "90 % CI 1.8 to 6.7, 5 paired seeds", atol=10)[0]
    assert not tokens_match("(3 seeds)", "(12 seeds)", rtol=1.0, atol=10)[0]
    # ... unless the cell says its integers are measurements too
    assert tokens_match("7 trials", "8 trials", rtol=0.2, integers=True)[0]
    # a decimal may still move within the tolerance
    assert tokens_match("4.2 points (95 % CI 1.8 to 6.7)", "3.9 points (95 % CI 1.2 to 6.6)",
                        atol=0.7)[0]


def test_number_count_must_agree():
    ok, reason = tokens_match("0.1 0.2", "0.1")
    assert not ok and "numbers of numbers" in reason


def test_identifiers_and_versions_are_text():
    # digits inside words are text: "W1" against "W2" is a text difference
    assert not tokens_match("layer W1", "layer W2", rtol=1.0, atol=1.0)[0]
    assert not tokens_match("conv3d", "conv2d", rtol=1.0, atol=1.0)[0]


def test_png_payloads_are_masked():
    a = '<img src="data:image/png;base64,iVBORw0KGgoAAAAN1234+/=">'
    b = '<img src="data:image/png;base64,iVBORw0KGgoBBBBBxyz==">'
    assert tokens_match(a, b)[0]


def test_nan_and_inf_compare_as_text():
    assert tokens_match("loss nan", "loss nan")[0]
    assert not tokens_match("loss nan", "loss 0.5", rtol=1.0)[0]


def test_cell_tolerance_reads_metadata():
    cell = nbformat.v4.new_code_cell("x", metadata={"tolerance": {"rtol": 0.05, "atol": 0.01}})
    assert cell_tolerance(cell) == (0.05, 0.01)
    assert cell_tolerance(nbformat.v4.new_code_cell("x")) == (0.0, 0.0)
    with pytest.raises(ValueError, match="tolerance"):
        cell_tolerance(nbformat.v4.new_code_cell("x", metadata={"tolerance": {"rtol": -1}}))
    with pytest.raises(ValueError, match="optionally 'integers'"):
        cell_tolerance(nbformat.v4.new_code_cell("x", metadata={"tolerance": {"rtool": 1}}))


def test_rich_outputs_are_compared_by_their_rich_forms():
    table = {"text/plain": "a  b", "text/html": "<table/>", "text/markdown": "| a |"}
    assert _compared_mimes(table) == ["text/html", "text/markdown"]
    glued = {"application/papermill.record/text/plain": "x",
             "application/papermill.record/text/html": "<table/>",
             "application/papermill.record/image/png": "iVBOR"}
    assert _compared_mimes(glued) == ["application/papermill.record/text/html"]
    assert _compared_mimes({"text/plain": "0.5"}) == ["text/plain"]
