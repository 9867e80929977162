"""Open every page of the built book in headless Chromium, offline, as a reader would.

Chromium comes from the OS packages (``make test`` installs Debian's ``chromium``);
Playwright only drives it and never downloads a browser. Every request that is not for a
local file is blocked and reported, so a page that needs a CDN fails the test.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest
from bookfiles import ROOT
from bs4 import BeautifulSoup

pytestmark = pytest.mark.build

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


REDIRECT = re.compile(r'<meta http-equiv="Refresh" content="0; url=([^"]+)"', re.I)


def is_redirect(path: Path) -> bool:
    return bool(REDIRECT.match(path.read_text(encoding="utf-8").strip()))


def pages(site: Path) -> list[Path]:
    """Every content page (redirect stubs such as index.html are checked separately)."""
    return sorted(p for p in site.rglob("*.html")
                  if p.name not in ("genindex.html", "search.html") and "_static" not in p.parts
                  and not is_redirect(p))


def test_index_redirects_to_an_existing_page(built_book: Path):
    target = REDIRECT.match((built_book / "index.html").read_text(encoding="utf-8").strip()).group(1)
    assert (built_book / target).exists()


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.fail("chromium is not installed (make test installs Debian's chromium package)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


def visit(browser, page_path: Path) -> dict:
    """Load one page offline; return console errors, blocked requests and what rendered."""
    context = browser.new_context()
    page = context.new_page()
    problems: dict[str, list[str]] = {"console": [], "blocked": [], "failed": []}
    page.on("console", lambda m: m.type == "error" and problems["console"].append(m.text))
    page.on("pageerror", lambda e: problems["console"].append(str(e)))
    page.on("requestfailed", lambda r: r.url.startswith("file:") and problems["failed"].append(r.url))

    def route(r):
        if r.request.url.startswith(("file:", "data:", "blob:")):
            r.continue_()
        else:
            problems["blocked"].append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(page_path.as_uri(), wait_until="load")
    page.wait_for_function(
        "() => !window.MathJax || (MathJax.startup && MathJax.startup.promise)", timeout=30_000)
    page.evaluate("() => window.MathJax && MathJax.startup ? MathJax.startup.promise : null")
    result = page.evaluate("""() => ({
        text: (document.querySelector('main') || document.body || {innerText: ''}).innerText,
        mathSources: document.querySelectorAll('div.math, span.math').length,
        typeset: document.querySelectorAll('mjx-container').length,
        brokenImages: Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0))
                                                 .map(i => i.getAttribute('src')),
        binder: Array.from(document.querySelectorAll('a[href*="mybinder"]')).map(a => a.href),
    })""")
    context.close()
    return {**problems, **result}


def test_every_page_renders_offline(built_book: Path, browser):
    failures = []
    for path in pages(built_book):
        r = visit(browser, path)
        name = str(path.relative_to(built_book))
        if r["console"]:
            failures.append(f"{name}: console errors {r['console'][:3]}")
        if r["blocked"]:
            failures.append(f"{name}: needs the network for {sorted(set(r['blocked']))[:3]}")
        if r["failed"]:
            failures.append(f"{name}: missing local files {r['failed'][:3]}")
        if r["brokenImages"]:
            failures.append(f"{name}: images that did not load {r['brokenImages'][:3]}")
        if r["mathSources"] and r["typeset"] < r["mathSources"]:
            failures.append(f"{name}: {r['mathSources']} math blocks but {r['typeset']} typeset")
        if "$$" in r["text"] or re.search(r"\\\\(frac|theta|eta|sum)\b", r["text"]):
            failures.append(f"{name}: raw TeX left in the page")
    assert failures == []


def test_math_is_typeset_in_chapters(built_book: Path, browser):
    r = visit(browser, built_book / "chapters" / "01_foundations.html")
    assert r["typeset"] >= 10


def test_internal_links_resolve(built_book: Path):
    ids: dict[Path, set[str]] = {}

    def anchors(p: Path) -> set[str]:
        if p not in ids:
            soup = BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
            ids[p] = {t["id"] for t in soup.find_all(id=True)}
        return ids[p]

    broken = []
    for path in pages(built_book):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for a in soup.find_all("a", href=True):
            href = a["href"]
            if urlparse(href).scheme or href.startswith(("mailto:", "javascript:")):
                continue
            target, frag = urldefrag(href)
            dest = (path.parent / unquote(target)).resolve() if target else path
            if not dest.exists():
                broken.append(f"{path.name}: {href}")
            elif frag and dest.suffix == ".html" and unquote(frag) not in anchors(dest):
                broken.append(f"{path.name}: {href} (no such anchor)")
    assert broken == []


def test_binder_button_points_at_the_configured_repository(built_book: Path, browser):
    config = (ROOT / "_config.yml").read_text(encoding="utf-8")
    url = re.search(r"^\s*url:\s*(\S+)", config, re.M).group(1)
    repo = urlparse(url).path.strip("/")
    r = visit(browser, built_book / "chapters" / "01_foundations.html")
    assert r["binder"], "no Binder launch button on a chapter page"
    assert all(f"/gh/{repo}/" in link for link in r["binder"]), r["binder"]
