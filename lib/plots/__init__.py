"""Figures the chapters reuse. Each function draws on an ``ax`` (or a new figure) and returns it."""

from .curves import learning_curves, plot_decision_regions

__all__ = ["learning_curves", "plot_decision_regions"]
