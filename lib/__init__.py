"""Training Deep Networks, Executably: the NumPy library behind the book.

Every public function and class implements an equation of the book and names its label
(``{eq}`eq-...```) in its docstring. Import submodules directly (``from lib import optim``);
plotting and widgets are kept in ``lib.plots`` and ``lib.widgets`` so that the numeric core
needs NumPy only. Importing lib limits NumPy's BLAS to one thread (see
``set_blas_threads``): faster for the book's small matrices, and reproducible.
"""

from . import (
    data,
    diagnostics,
    display,
    functions,
    gp,
    gradcheck,
    init,
    layers,
    losses,
    metrics,
    model,
    optim,
    recipes,
    regularizers,
    schedules,
    search,
    train,
    validation,
)
from ._threads import set_blas_threads

set_blas_threads(1)

__all__ = [
    "data",
    "diagnostics",
    "display",
    "functions",
    "gp",
    "gradcheck",
    "init",
    "layers",
    "losses",
    "metrics",
    "model",
    "optim",
    "recipes",
    "regularizers",
    "schedules",
    "search",
    "set_blas_threads",
    "train",
    "validation",
]
__version__ = "0.1.0"
