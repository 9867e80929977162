"""Read the book's sources (chapters, table of contents, bibliography, lib docstrings) for the book checks."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"
LIB = ROOT / "lib"

LABELLED_EQ = re.compile(r"\$\$\s*\((eq-[\w-]+)\)")
DISPLAY_EQ = re.compile(r"\$\$(.+?)\$\$(\s*\([\w-]+\))?", re.S)
EQ_ROLE = re.compile(r"\{eq\}`(eq-[\w-]+)`")
GLUE_ROLE = re.compile(r"\{glue(?::\w+)?\}`([\w-]+)(?::[^`]*)?`")
CROSS_GLUE = re.compile(r"\{glue(?::\w+)?\}`([\w./-]+\.ipynb)::([\w-]+)(?::[^`]*)?`")
CITE_ROLE = re.compile(r"\{cite(?::\w+)?\}`([^`]+)`")
BIB_KEY = re.compile(r"@\w+\{([^,\s]+),")


def notebooks() -> list[Path]:
    return sorted(CHAPTERS.glob("*.ipynb"))


@cache
def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def source(cell: dict) -> str:
    return "".join(cell["source"])


def markdown(path: Path) -> str:
    return "\n".join(source(c) for c in cells(path) if c["cell_type"] == "markdown")


def code(path: Path) -> str:
    return "\n".join(source(c) for c in cells(path) if c["cell_type"] == "code")


def glued_names(path: Path) -> set[str]:
    """Names glued by the stored outputs (myst-nb marks each glue output with its name)."""
    return {
        o["metadata"]["scrapbook"]["name"]
        for c in cells(path) if c["cell_type"] == "code"
        for o in c.get("outputs", [])
        if "scrapbook" in o.get("metadata", {})
    }


def chapter_labels() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for nb in notebooks():
        for label in LABELLED_EQ.findall(markdown(nb)):
            found.setdefault(label, nb)
    return found


def lib_sources() -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8") for p in sorted(LIB.rglob("*.py"))}


def toc_files() -> list[str]:
    text = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    return re.findall(r"file:\s*(\S+)", text)


def bib_keys() -> set[str]:
    return set(BIB_KEY.findall((ROOT / "references.bib").read_text(encoding="utf-8")))


# The page standard of issue 19 (what a reader sees): visible code fits the column and
# shows the experiment, not its bookkeeping.
MAX_VISIBLE_COLUMNS = 88
MAX_VISIBLE_GLUE = 2
HIDDEN_INPUT_TAGS = {"remove-input", "remove-cell", "hide-input", "hide-cell"}
GLUE_CALL = re.compile(r"\bglue(?:_all)?\(")


def visible_code_cells(path: Path) -> list[dict]:
    """Code cells whose source the HTML page shows (not tagged to remove or fold the input)."""
    return [c for c in cells(path) if c["cell_type"] == "code"
            and not HIDDEN_INPUT_TAGS & set(c.get("metadata", {}).get("tags", []))]


def page_standard_problems(path: Path) -> list[str]:
    """What breaks the page standard in one chapter: visible code lines wider than
    MAX_VISIBLE_COLUMNS, and more than MAX_VISIBLE_GLUE glue calls in visible cells."""
    problems = []
    glue_calls = 0
    for i, cell in enumerate(cells(path)):
        if cell not in visible_code_cells(path):
            continue
        for n, line in enumerate(source(cell).splitlines(), 1):
            if len(line) > MAX_VISIBLE_COLUMNS:
                problems.append(f"{path.name} cell {i} line {n}: {len(line)} columns: {line[:60]}…")
        glue_calls += len(GLUE_CALL.findall(source(cell)))
    if glue_calls > MAX_VISIBLE_GLUE:
        problems.append(f"{path.name}: {glue_calls} glue calls in visible cells (at most {MAX_VISIBLE_GLUE}); "
                        "move them into a cell tagged remove-cell (lib.display.glue_all)")
    return problems
