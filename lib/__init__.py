"""Training Deep Networks, Executably: the NumPy library behind the book.

Every public function and class implements an equation of the book and names its label
(``{eq}`eq-...```) in its docstring. Import submodules directly (``from lib import
optim``); plotting and widgets are kept in ``lib.plots`` and ``lib.widgets`` so that the
numeric core needs NumPy only. Importing lib limits NumPy's BLAS to one thread (see
``set_blas_threads``): faster for the book's small matrices, and reproducible; and on
Linux it asks glibc to reuse freed memory (``lib._memory``), which makes the temporary
arrays of the optimizers' update rules cheap.
"""

from . import (
    averaging,
    data,
    diagnostics,
    display,
    experiments,
    functions,
    gp,
    gradcheck,
    init,
    layers,
    losses,
    metrics,
    model,
    optim,
    parallel,
    recipes,
    regularizers,
    schedules,
    search,
    stats,
    train,
    validation,
)
from ._memory import keep_freed_memory
from ._threads import set_blas_threads

set_blas_threads(1)
# temporaries of a flat-buffer step cost no page faults: see lib/_memory.py
keep_freed_memory()

__all__ = [
    "averaging",
    "data",
    "diagnostics",
    "display",
    "experiments",
    "functions",
    "gp",
    "gradcheck",
    "init",
    "layers",
    "losses",
    "metrics",
    "model",
    "optim",
    "parallel",
    "recipes",
    "regularizers",
    "schedules",
    "search",
    "set_blas_threads",
    "stats",
    "train",
    "validation",
]
__version__ = "0.1.0"
