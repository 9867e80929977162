"""ipywidgets explorers. Each is paired in its chapter with a static figure of its
default view, so the page still shows the picture when no kernel is live (HTML book,
nbviewer).

``explorer`` is the generic builder; each chapter's explorer lives in a submodule named
after its topic: ``lib.widgets.optim``, ``lib.widgets.schedules``,
``lib.widgets.regularization``, ``lib.widgets.init``, ``lib.widgets.batchnorm``,
``lib.widgets.evaluation``, ``lib.widgets.search``.
"""

from .explorer import explorer

__all__ = ["explorer"]
