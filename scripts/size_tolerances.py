"""Size the notebook tests' tolerances by a run on another OpenBLAS kernel.

    .venv/bin/python scripts/size_tolerances.py chapters/04_regularization.ipynb [...]
    CORETYPE=Nehalem .venv/bin/python scripts/size_tolerances.py ...   (default Sandybridge)

Each notebook is executed in memory (nothing is written) with its kernel on another
OpenBLAS kernel, set from inside the kernel before NumPy loads, as
``scripts/other_blas.sh`` does. For every cell whose metadata states a ``tolerance``, the
script compares the new outputs with the stored ones by the rule of
``tests/nbval_tolerance.py`` and prints the smallest ``atol`` (with ``rtol`` 0) that the
drift needs, whether an integer moved, and the tolerance the cell states. A tolerance
much wider than the drift lets a real change pass unnoticed (CONTRIBUTING.md); pick one
a few times the measured drift.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import nbval_tolerance as nt  # noqa: E402

STARTUP = """import os
os.environ["OPENBLAS_CORETYPE"] = "{coretype}"
import numpy
"""


def _texts(cell) -> list[tuple[str, str]]:
    """(mime, text) of every compared output of ``cell``, in order."""
    out = []
    for o in cell.get("outputs", []):
        if o.get("output_type") == "stream":
            out.append(("stream", o.get("text", "")))
            continue
        data = o.get("data", {})
        for mime in nt._compared_mimes(data):
            v = data[mime]
            out.append((mime, v if isinstance(v, str) else json.dumps(v)))
    return out


def drift(ref: str, new: str) -> tuple[float, bool, str]:
    """(atol needed with rtol 0, an integer moved, reason if the text differs)."""
    parts = nt.aligned_parts(ref, new)
    if parts is None:
        return float("inf"), False, "different numbers of numbers"
    need, moved = 0.0, False
    for i, (r, t) in enumerate(parts):
        if i % 2 == 0:
            if r != t:
                return float("inf"), False, f"text differs: {r[:60]!r} / {t[:60]!r}"
            continue
        unit = nt.rounding_unit(r, t)
        diff = abs(nt._value(r) - nt._value(t))
        if diff <= (unit or 0.0) * (1 + 1e-9):
            continue
        moved = moved or unit is None
        need = max(need, diff)
    return need, moved, ""


def main(paths: list[str]) -> int:
    coretype = os.environ.get("CORETYPE", "Sandybridge")
    with tempfile.TemporaryDirectory() as ipydir:
        startup = Path(ipydir, "profile_default", "startup")
        startup.mkdir(parents=True)
        (startup / "00-other-blas.py").write_text(STARTUP.format(coretype=coretype))
        os.environ["IPYTHONDIR"] = ipydir
        for path in paths:
            stored = nbformat.read(path, as_version=4)
            nb = nbformat.read(path, as_version=4)
            NotebookClient(nb, timeout=1200, resources={
                "metadata": {"path": str(Path(path).parent)}}).execute()
            print(f"## {path} ({coretype})")
            for i, (a, b) in enumerate(zip(stored.cells, nb.cells, strict=True)):
                tol = a.metadata.get("tolerance")
                if a.cell_type != "code":
                    continue
                need, moved, why = 0.0, False, ""
                ta, tb = _texts(a), _texts(b)
                if len(ta) != len(tb):
                    why = "different number of outputs"
                for (_, r), (_, t) in zip(ta, tb, strict=False):
                    n, m, w = drift(r, t)
                    need, moved, why = max(need, n), moved or m, why or w
                if tol or need or why:
                    print(f"cell {i}: needs atol {need:.4g}" + (", an integer moved" if moved else "")
                          + (f", {why}" if why else "") + f"; states {tol}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
