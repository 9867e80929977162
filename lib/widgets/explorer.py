"""A generic explorer: controls on top, a matplotlib figure redrawn below."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets
import matplotlib.pyplot as plt


def explorer(
    draw: Callable[..., object], **controls: widgets.ValueWidget
) -> widgets.VBox:
    """Return a box of ``controls`` and an output area where ``draw(**values)`` is
    re-run on change.

    ``draw`` takes keyword arguments named like the controls and draws a figure with
    matplotlib; the figure is shown and closed after each redraw.
    """
    if not controls:
        raise ValueError("explorer needs at least one control, got none")
    out = widgets.Output()

    def redraw(**values: object) -> None:
        with out:
            out.clear_output(wait=True)
            draw(**values)
            plt.show()
            plt.close("all")

    interactive = widgets.interactive_output(redraw, controls)
    box = widgets.HBox(
        list(controls.values()), layout=widgets.Layout(flex_flow="row wrap")
    )
    return widgets.VBox([box, out, interactive])
