"""How nbval compares a re-executed notebook with its stored outputs.

nbval compares outputs as exact strings. That is right for text, shapes, counts and exact
arithmetic, and wrong for numbers that come out of a training run: another CPU picks
other BLAS and SIMD kernels, the last bits of every matrix product change, and a training
run amplifies them. This plugin replaces nbval's one comparison method
(``IPyNbCell.compare_outputs``) by one that splits every output into text and numbers:

* The text between the numbers must be equal, character for character.
* Integers must be equal.
* A decimal number may differ from the stored one by one unit in its last printed digit
  (a value that lies on a rounding boundary prints either way on another machine).
* In a cell whose metadata carries ``"tolerance": {"rtol": r, "atol": a}`` (the cells that
  print results of training runs), every decimal number may differ by
  ``atol + rtol·|stored|`` (or by one unit in the last digit, if that is larger). The
  tolerance is stated next to the numbers it applies to, in the notebook, and is sized
  a few times the drift measured on another OpenBLAS kernel
  (``scripts/size_tolerances.py``).
* Integers stay exact in such a cell too (seeds, counts, epochs, grid sizes, the 95 of
  "95 % CI", integer-valued settings): a tolerance meant for the noise of a mean must not
  let a changed configuration pass. A cell whose integers are themselves measurements
  that vary between machines (counts of trials finished in a given time) says
  ``"integers": true`` in its tolerance.
* Images (PNG, glued or displayed) are not compared: encoders differ between machines.
* An output that carries HTML or Markdown is compared by those forms, not by its plain
  text: a results table's plain text pads its columns to the widest cell, so one number
  printed one digit longer would shift every column (the HTML and Markdown forms hold
  the same cells without padding).

A claim in the prose is checked by its own cell (``lib.stats.claim``), so a result that no
longer supports its sentence fails with the claim's words, whatever the tolerance.

The plugin is loaded by the repository's root ``conftest.py``, so ``pytest --nbval
chapters/...`` uses it without any option.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict

IMAGE_KEYS = ("image/png", "image/jpeg", "image/svg+xml", "application/papermill.record/image/png",
              "application/papermill.record/image/jpeg", "application/papermill.record/image/svg+xml")
MASKS = (
    (re.compile(r"iVBORw0KGgo[A-Za-z0-9+/=\s]+"), "PNG-IMAGE"),  # base64 PNG inside HTML / glue
    (re.compile(r"at 0x[0-9a-f]+"), "at 0xADDRESS"),
)
NUMBER = re.compile(r"(?<![\w.])([-+−]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?)(?![\w.]*[A-Za-z_])")


def _mask(s: str) -> str:
    for pattern, replacement in MASKS:
        s = pattern.sub(replacement, s)
    return s


def _value(token: str) -> float:
    return float(token.replace("−", "-"))


def _last_digit_unit(token: str) -> float | None:
    """One unit in the last printed digit of a decimal number, or None for an integer."""
    t = token.lstrip("+-−")
    mantissa, _, exponent = t.lower().partition("e")
    if "." not in mantissa and not exponent:
        return None
    decimals = len(mantissa.partition(".")[2])
    return 10.0 ** (int(exponent or 0) - decimals)


def aligned_parts(ref: str, test: str) -> list[tuple[str, str]] | None:
    """The (stored, new) pieces of two outputs, text and numbers alternating (text at
    even positions), or None when they hold different numbers of numbers."""
    ref_parts, test_parts = NUMBER.split(_mask(ref)), NUMBER.split(_mask(test))
    if len(ref_parts) != len(test_parts):
        return None
    return list(zip(ref_parts, test_parts, strict=True))


def rounding_unit(r: str, t: str) -> float | None:
    """One unit in the last printed digit of the coarser of two decimals, None when
    both are integers."""
    units = [u for u in (_last_digit_unit(r), _last_digit_unit(t)) if u is not None]
    return max(units) if units else None


def tokens_match(ref: str, test: str, rtol: float = 0.0, atol: float = 0.0,
                 integers: bool = False) -> tuple[bool, str]:
    """Compare two output strings by the rule of this module; return (ok, reason).

    ``rtol`` and ``atol`` apply to decimal numbers, and to integers only when
    ``integers`` is true."""
    parts = aligned_parts(ref, test)
    if parts is None:
        return False, (f"the outputs hold different numbers of numbers "
                       f"({len(NUMBER.split(_mask(ref))) // 2} stored, "
                       f"{len(NUMBER.split(_mask(test))) // 2} now)")
    for i, (r, t) in enumerate(parts):
        if i % 2 == 0:
            if r != t:
                return False, f"text differs: stored {r[:80]!r}, now {t[:80]!r}"
            continue
        unit = rounding_unit(r, t)
        rv, tv = _value(r), _value(t)
        if not (math.isfinite(rv) and math.isfinite(tv)):
            ok = r == t
        else:
            tolerant = unit is not None or integers
            allowed = max((unit or 0.0) * (1 + 1e-9),
                          (atol + rtol * abs(rv)) if tolerant else 0.0)
            ok = abs(rv - tv) <= allowed
        if not ok:
            if unit is None and not integers:
                rule = "integers are exact"
            elif rtol or atol:
                rule = f"rtol={rtol:g}, atol={atol:g}"
            else:
                rule = "exact text, ±1 in the last digit"
            return False, f"number differs: stored {r}, now {t} (allowed by {rule})"
    return True, ""


def cell_tolerance(cell) -> tuple[float, float]:
    """The (rtol, atol) stated in a cell's metadata, (0, 0) when it states none."""
    tol = cell.metadata.get("tolerance") if hasattr(cell, "metadata") else None
    if not tol:
        return 0.0, 0.0
    if not isinstance(tol, dict) or set(tol) - {"rtol", "atol", "integers"}:
        raise ValueError(f"cell metadata 'tolerance' must be {{'rtol': r, 'atol': a}} "
                         f"(and optionally 'integers': true), got {tol!r}")
    try:
        rtol, atol = float(tol.get("rtol", 0.0)), float(tol.get("atol", 0.0))
    except (AttributeError, TypeError, ValueError) as exc:
        raise ValueError(f"cell metadata 'tolerance' must be {{'rtol': r, 'atol': a}}, got {tol!r}") from exc
    if not (rtol >= 0 and atol >= 0):
        raise ValueError(f"cell metadata 'tolerance' must hold non-negative rtol/atol, got {tol!r}")
    return rtol, atol


RICH = ("text/html", "text/markdown")
GLUE = "application/papermill.record/"


def _compared_mimes(data: dict) -> list[str]:
    """The mime types of one output's data that are compared (see the module docstring)."""
    keep = []
    for mime in data:
        if mime in IMAGE_KEYS:
            continue
        prefix = GLUE if mime.startswith(GLUE) else ""
        if mime == prefix + "text/plain" and any(prefix + r in data for r in RICH):
            continue
        keep.append(mime)
    return keep


def _flatten(outputs, skip, sanitize) -> dict[str, list]:
    flat: dict[str, list] = defaultdict(list)
    for out in outputs:
        for key, value in out.items():
            if key in skip:
                continue
            if key == "data":
                for mime in _compared_mimes(value):
                    if mime not in skip:
                        flat[mime].append(sanitize(value[mime]))
            else:
                flat[key].append(sanitize(value))
    return flat


def compare_outputs(self, test, ref, skip_compare=None):
    """Drop-in for ``nbval.plugin.IPyNbCell.compare_outputs`` with the rule above."""
    from nbval.plugin import transform_streams_for_comparison

    skip = skip_compare or self.parent.skip_compare
    testing = _flatten(transform_streams_for_comparison(test), skip, self.sanitize)
    reference = _flatten(transform_streams_for_comparison(ref), skip, self.sanitize)
    self.comparison_traceback = []
    if set(testing) != set(reference):
        self.comparison_traceback.append(
            f"output fields differ: stored {sorted(reference)}, now {sorted(testing)}")
        return False
    rtol, atol = cell_tolerance(self.cell)
    integers = bool(self.cell.metadata.get("tolerance", {}).get("integers", False))
    for key, ref_values in reference.items():
        test_values = testing[key]
        if len(ref_values) != len(test_values):
            self.comparison_traceback.append(
                f"{len(ref_values)} stored outputs of type {key!r}, {len(test_values)} now")
            return False
        for r, t in zip(ref_values, test_values, strict=True):
            if r == t:
                continue
            if not (isinstance(r, str) and isinstance(t, str)):
                self.format_output_compare(key, r, t)
                return False
            ok, reason = tokens_match(r, t, rtol, atol, integers)
            if not ok:
                self.format_output_compare(key, r, t)
                self.comparison_traceback.append(f"tolerant comparison (tests/nbval_tolerance.py): {reason}")
                return False
    return True


compare_outputs._tolerant = True


def install() -> None:
    """Put :func:`compare_outputs` in place of nbval's exact comparison (idempotent)."""
    try:
        from nbval import plugin
    except ImportError:  # nbval not installed: nothing to do
        return
    if not getattr(plugin.IPyNbCell.compare_outputs, "_tolerant", False):
        plugin.IPyNbCell.compare_outputs = compare_outputs
