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
from bookfiles import ROOT, cells, notebooks
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


def soup(built_book: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((built_book / name).read_text(encoding="utf-8"), "html.parser")


def test_equations_figures_and_tables_are_numbered_per_chapter(built_book: Path):
    for n, stem in enumerate(("01_foundations", "02_optimization"), 1):
        page = soup(built_book, f"chapters/{stem}.html")
        numbers = [e.get_text().rstrip("#") for e in page.select("span.eqno")]
        assert numbers[:2] == [f"({n}.1)", f"({n}.2)"], numbers[:3]
        assert page.select_one("h1 span.section-number").get_text().strip() == f"{n}."
    ch1 = soup(built_book, "chapters/01_foundations.html")
    refs = [a.get_text() for a in ch1.select("a.reference.internal") if a.get("href", "").find("#equation-") >= 0]
    assert refs and all(re.fullmatch(r"\(\d\.\d+\)", r) for r in refs), refs[:5]
    tables = [c.get_text(" ", strip=True) for c in ch1.select("table > caption")]
    assert tables and all(re.match(r"Table 1\.\d+ ", t) for t in tables), tables
    for page in ("intro.html", "appendix/notation.html"):
        assert soup(built_book, page).select("h1 span.section-number") == [], page


def test_chapter_one_shows_lib_code_beside_its_equations(built_book: Path):
    ch1 = soup(built_book, "chapters/01_foundations.html")
    listings = ch1.select("div.literal-block-wrapper.libcode")
    captions = [d.select_one(".caption-text").get_text(" ", strip=True) for d in listings]
    assert "lib/optim.py — SGD" in captions and "lib/layers/dense.py — Dense.backward" in captions, captions
    sgd = listings[captions.index("lib/optim.py — SGD")]
    assert "class SGD" in sgd.select_one("pre").get_text()


SLIDER_DIV = re.compile(r'<div class="lib-slider" id="(slider-[\w-]+)"')


def stored_sliders() -> list[tuple[str, str]]:
    """(chapter, element id) of every lib.display.slider in the chapters' stored outputs."""
    found = []
    for nb in notebooks():
        for cell in cells(nb):
            for out in cell.get("outputs", []):
                html = out.get("data", {}).get("text/html", "")
                found += [(nb.stem, uid) for uid in SLIDER_DIV.findall("".join(html))]
    return found


SLIDERS = stored_sliders()


def page_sliders(built_book: Path, stem: str) -> list[str]:
    """Ids of the interactive figures on a built chapter page: an element with id slider-*
    that holds a range input (the input and its output have slider-* ids of their own)."""
    page = soup(built_book, f"chapters/{stem}.html")
    return [el["id"] for el in page.select('[id^="slider-"]') if el.select_one("input[type=range]")]


def test_every_chapter_page_has_an_interactive_figure(built_book: Path):
    assert {nb.stem: bool(page_sliders(built_book, nb.stem)) for nb in notebooks()} == {
        nb.stem: True for nb in notebooks()}


def test_every_slider_on_the_pages_is_driven_by_the_browser_test(built_book: Path):
    """The parametrisation below (read from the stored outputs) covers every slider the
    built pages show, so a new slider is tested without editing this file."""
    on_pages = sorted((nb.stem, uid) for nb in notebooks() for uid in page_sliders(built_book, nb.stem))
    assert on_pages == sorted(SLIDERS)


@pytest.mark.parametrize(("stem", "slider"), SLIDERS, ids=[f"{s[:2]}-{u}" for s, u in SLIDERS])
def test_slider_moves_the_figure_without_a_kernel(built_book: Path, browser, stem: str, slider: str):
    """Each chapter's sliders work offline: the arrow keys and an input event swap the frame
    shown and its label, with no console error and no network request."""
    context = browser.new_context()
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))

    def route(r):
        if r.request.url.startswith(("file:", "data:", "blob:")):
            r.continue_()
        else:
            problems.append(f"network request {r.request.url}")
            r.abort()

    page.route("**/*", route)
    page.goto((built_book / "chapters" / f"{stem}.html").as_uri(), wait_until="load")
    shown = """(id) => {
        const root = document.getElementById(id);
        const imgs = Array.from(root.querySelectorAll('img[data-frame]'));
        const img = imgs.filter(i => !i.hidden && getComputedStyle(i).display !== 'none');
        const input = root.querySelector('input[type=range]');
        return {n: img.length, frame: img.length ? img[0].dataset.frame : null,
                src: img.length ? img[0].src : null,
                loaded: img.length > 0 && img[0].complete && img[0].naturalWidth > 0,
                label: root.querySelector('output').textContent,
                labels: imgs.map(i => i.dataset.label),
                value: Number(input.value), max: Number(input.max)};
    }"""
    before = page.evaluate(shown, slider)
    assert before["n"] == 1 and before["loaded"], before
    assert before["frame"] == str(before["value"]) and before["label"] == before["labels"][before["value"]]
    assert before["max"] >= 1 and len(set(before["labels"])) == len(before["labels"]), before["labels"]
    assert page.locator(f"label[for='{slider}-input']").inner_text().strip()
    control = page.locator(f"#{slider} input[type=range]")

    control.focus()
    step = 1 if before["value"] < before["max"] else -1
    page.keyboard.press("ArrowRight" if step == 1 else "ArrowLeft")
    after_key = page.evaluate(shown, slider)
    assert after_key["n"] == 1 and after_key["loaded"]
    assert after_key["value"] == before["value"] + step
    assert after_key["frame"] == str(after_key["value"]) and after_key["src"] != before["src"]
    assert after_key["label"] == before["labels"][after_key["value"]] != before["label"]

    target = before["max"] if after_key["value"] != before["max"] else 0
    control.evaluate("(el, v) => { el.value = v; el.dispatchEvent(new Event('input')); }", str(target))
    at_target = page.evaluate(shown, slider)
    assert at_target["n"] == 1 and at_target["loaded"] and at_target["frame"] == str(target)
    assert at_target["src"] != after_key["src"] and at_target["label"] == before["labels"][target]
    context.close()
    assert problems == []


def test_visible_code_of_reworked_chapters_fits_the_column(built_book: Path, browser):
    """At a desktop width, no code cell of a chapter on the page standard scrolls sideways."""
    from test_book import PAGE_STANDARD_CHAPTERS

    context = browser.new_context(viewport={"width": 1300, "height": 900})
    page = context.new_page()
    wide = {}
    for stem in PAGE_STANDARD_CHAPTERS:
        page.goto((built_book / "chapters" / f"{stem}.html").as_uri(), wait_until="load")
        wide[stem] = page.evaluate("""() => Array.from(document.querySelectorAll('div.cell_input pre'))
            .filter(p => p.scrollWidth > p.clientWidth + 1).map(p => p.textContent.slice(0, 60))""")
    context.close()
    assert wide == {stem: [] for stem in PAGE_STANDARD_CHAPTERS}
