"""The whole book builds with Jupyter Book, warnings treated as errors (slow: run last)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.build


def test_book_builds_without_warnings(built_book: Path):
    assert (built_book / "index.html").exists()
    chapter = (built_book / "chapters" / "01_foundations.html").read_text(encoding="utf-8")
    assert 'id="equation-eq-gd"' in chapter


def test_mathjax_is_served_from_the_site(built_book: Path):
    assert (built_book / "_static" / "mathjax" / "tex-chtml.js").exists()
    page = (built_book / "chapters" / "01_foundations.html").read_text(encoding="utf-8")
    assert "_static/mathjax/tex-chtml.js" in page
    assert "cdn.jsdelivr.net/npm/mathjax" not in page


def test_chapters_offer_their_notebook_for_download(built_book: Path):
    for page in sorted((built_book / "chapters").glob("*.html")):
        source = built_book / "_sources" / "chapters" / f"{page.stem}.ipynb"
        assert source.exists(), f"no downloadable notebook for {page.name}"
        assert f"_sources/chapters/{page.stem}.ipynb" in page.read_text(encoding="utf-8")
