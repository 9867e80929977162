"""ipywidgets explorers. Each is paired in its chapter with a static figure of its default view,
so the page still shows the picture when no kernel is live (HTML book, nbviewer)."""

from .explorer import explorer

__all__ = ["explorer"]
