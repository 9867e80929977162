"""Figures the chapters reuse. Each function draws on an ``ax`` (or a new figure) and
returns it.

The general figures (learning curves, decision regions) are here; each chapter's own
figures live in a submodule named after its topic: ``lib.plots.optim``,
``lib.plots.schedules``, ``lib.plots.regularization``, ``lib.plots.init``,
``lib.plots.batchnorm``, ``lib.plots.deeper``, ``lib.plots.evaluation``,
``lib.plots.search``.
"""

from .curves import learning_curves, plot_decision_regions

__all__ = ["learning_curves", "plot_decision_regions"]
