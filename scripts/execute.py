"""Execute chapters in place, the way their stored outputs are meant to be produced.

    .venv/bin/python scripts/execute.py chapters/03_schedules.ipynb [...]

Each notebook runs top to bottom in a fresh kernel from its own folder, with a per-cell
timeout, and is written back with its outputs and cell timings (the execution-time page
reads those). Widget state is not stored: the HTML shows the static figure before each
explorer, and explorer cells are tagged ``nbval-ignore-output`` and ``remove-output``.

The stored outputs are what ``make test`` compares a fresh execution with, by the rule of
``tests/nbval_tolerance.py``: text and integers exactly, decimals to one unit in their last
digit, and numbers from training runs within the ``tolerance`` their cell's metadata states
(another CPU's BLAS kernels change the last bits of every matrix product, and training
amplifies them). Cell metadata, including ``tolerance``, is kept as it is when a notebook is
re-executed. CONTRIBUTING.md ("How the notebook tests compare outputs") says how to write
a chapter for it.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_TAGS = ("nbval-ignore-output", "remove-output")


def execute(path: Path, timeout: int = 300) -> float:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=True,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    nb.metadata.pop("widgets", None)  # widget state is useless without a kernel (see above)
    for cell in nb.cells:
        if cell.cell_type == "code" and any(WIDGET_MIME in o.get("data", {}) for o in cell.outputs):
            tags = cell.metadata.setdefault("tags", [])
            tags.extend(t for t in WIDGET_TAGS if t not in tags)
    nbformat.write(nb, path)
    return seconds


def main(paths: list[str]) -> int:
    if not paths:
        print(__doc__)
        return 2
    for p in paths:
        print(f"{p}: executed in {execute(Path(p)):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
