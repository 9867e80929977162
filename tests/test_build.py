"""The whole book builds with Jupyter Book, warnings treated as errors (slow: run last)."""

from __future__ import annotations

from collections import Counter
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


def table_contents(page: Path) -> list[tuple[tuple[str, ...], ...]]:
    """The text of every HTML table on a page, cell by cell, spacing normalised, so a
    table rendered from glue:md and the same table as a cell's HTML output compare equal."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    found = []
    for table in soup.select("main table") or soup.select("table"):
        rows = tuple(tuple(" ".join(c.get_text(" ").split()) for c in tr.find_all(["th", "td"]))
                     for tr in table.find_all("tr"))
        if any(any(row) for row in rows):
            found.append(rows)
    return found


def test_no_table_is_shown_twice_on_a_chapter_page(built_book: Path):
    """A glued results table is shown once, in its numbered {table}; the cell that computed
    it hides its output (tag remove-output: scripts/hide_duplicate_tables.py)."""
    twice = {}
    for page in sorted((built_book / "chapters").glob("*.html")):
        counts = Counter(table_contents(page))
        shown = [" | ".join(rows[0])[:70] for rows, n in counts.items() if n > 1]
        if shown:
            twice[page.stem] = shown
    assert twice == {}
