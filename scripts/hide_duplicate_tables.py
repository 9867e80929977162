"""Hide a results table that a chapter page would show twice (issue 19).

A chapter glues each results table (``lib.display.table`` → ``glue``) and shows it in a
numbered ```{table}``` with ```{glue:md}```. If the cell that computed the table also
ends with it, the page shows the same table a second time, unnumbered, as that cell's
output. This script finds such cells in the stored outputs and tags them
``remove-output``: the page keeps the code and drops the copy, the glue still works.

Only cell metadata changes (a tag does not change what a cell computes or prints), so the
notebook needs no re-execution and nbval compares it as before. The script is idempotent:
a second run finds nothing to do. A cell whose other outputs are visible too (a figure, a
print) is not tagged, since ``remove-output`` would hide them as well; it is reported so
that the chapter's author can split the cell or drop its last expression.

    python scripts/hide_duplicate_tables.py chapters/02_optimization.ipynb [...]
    python scripts/hide_duplicate_tables.py --check chapters/*.ipynb   # list, change nothing
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

GLUE = "application/papermill.record/"
HIDDEN = {"remove-output", "remove-cell"}


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _content(html: str) -> str:
    """A table's text with markup and spacing dropped, to compare two renderings of it."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _glued_and_shown(nb: dict) -> dict[str, str]:
    """name -> table content, for every glued HTML table the markdown shows by name."""
    prose = "\n".join(_text(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    found = {}
    for cell in nb["cells"]:
        for out in cell.get("outputs", []) if cell["cell_type"] == "code" else []:
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            html = out.get("data", {}).get(GLUE + "text/html")
            if name and html and "<table" in _text(html):
                if re.search(r"\{glue(?::\w+)?\}[`\s]*" + re.escape(name) + r"(?![\w-])", prose):
                    found[name] = _content(_text(html))
    return found


def _visible_outputs(cell: dict) -> list[dict]:
    return [o for o in cell.get("outputs", [])
            if not o.get("metadata", {}).get("scrapbook")]


def duplicates(nb: dict) -> list[tuple[str, str, bool]]:
    """(cell id, glue name, can be tagged) for each visible table also glued into the prose."""
    shown = _glued_and_shown(nb)
    by_content = {v: k for k, v in shown.items()}
    found = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        if HIDDEN & set(cell.get("metadata", {}).get("tags", [])):
            continue
        visible = _visible_outputs(cell)
        for out in visible:
            html = out.get("data", {}).get("text/html")
            if html and _content(_text(html)) in by_content:
                alone = all(o is out for o in visible)
                found.append((cell.get("id", "?"), by_content[_content(_text(html))], alone))
    return found


def fix(path: Path, check: bool = False) -> list[str]:
    """Tag the duplicate-table cells of one notebook; return one line per finding."""
    raw = path.read_text(encoding="utf-8")
    nb = json.loads(raw)
    report, changed = [], False
    ids = {c.get("id"): c for c in nb["cells"]}
    for cell_id, name, alone in duplicates(nb):
        if not alone:
            report.append(f"{path}: cell {cell_id} shows {name!r} again but has other visible "
                          "outputs; NOT tagged (split the cell or drop its last expression)")
            continue
        report.append(f"{path}: cell {cell_id} shows {name!r} again: tag remove-output")
        if not check:
            tags = ids[cell_id].setdefault("metadata", {}).setdefault("tags", [])
            if "remove-output" not in tags:
                tags.append("remove-output")
                changed = True
    if changed:
        # nbformat's layout: one-space indent, non-ASCII kept, trailing newline
        text = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
        path.write_text(text, encoding="utf-8")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="list the cells, change nothing; exit 1 if any")
    args = parser.parse_args(argv)
    lines = [line for nb in args.notebooks for line in fix(nb, check=args.check)]
    print("\n".join(lines) if lines else "no table is shown twice")
    return 1 if args.check and lines else 0


if __name__ == "__main__":
    sys.exit(main())
