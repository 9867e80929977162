"""A ``chapter-times`` directive: a table of how long each chapter took to execute.

The times come from the cell timestamps that Jupyter records in each committed notebook
(``metadata.execution`` of every code cell) when it is executed with
``jupyter execute --inplace``; the table shows the sum per chapter and the date of that
run, so it always describes the outputs the reader sees.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective


def _stamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def notebook_time(path: Path) -> tuple[int, float, datetime | None]:
    """(code cells, seconds of execution summed over cells, time of the last cell)."""
    cells = [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    total, last = 0.0, None
    for cell in cells:
        ex = cell.get("metadata", {}).get("execution", {})
        if "iopub.execute_input" in ex and "shell.execute_reply" in ex:
            start, end = _stamp(ex["iopub.execute_input"]), _stamp(ex["shell.execute_reply"])
            total += (end - start).total_seconds()
            last = end if last is None or end > last else last
    return len(cells), total, last


class ChapterTimes(SphinxDirective):
    has_content = False

    def run(self) -> list[nodes.Node]:
        root = Path(self.env.srcdir)
        rows = []
        for path in sorted((root / "chapters").glob("*.ipynb")):
            self.env.note_dependency(str(path))
            n_cells, seconds, last = notebook_time(path)
            rows.append((path.stem, str(n_cells), f"{seconds:.1f}", last.strftime("%Y-%m-%d") if last else "–"))
        rows.append(("whole book", str(sum(int(r[1]) for r in rows)),
                     f"{sum(float(r[2]) for r in rows):.1f}", ""))
        table = nodes.table(classes=["chapter-times"])
        group = nodes.tgroup(cols=4)
        table += group
        for _ in range(4):
            group += nodes.colspec(colwidth=1)
        head = nodes.thead()
        body = nodes.tbody()
        group += head
        group += body
        for target, values in ((head, [("chapter", "code cells", "execution time (s)", "executed on")]),
                               (body, rows)):
            for values_row in values:
                row = nodes.row()
                for col, value in enumerate(values_row):
                    entry = nodes.entry()
                    para = nodes.paragraph()
                    if target is body and col == 0 and value != "whole book":
                        # a link to the chapter, shown with its title
                        xref = addnodes.pending_xref("", refdomain="std", reftype="doc", refexplicit=False,
                                                     reftarget=f"/chapters/{value}", refdoc=self.env.docname)
                        xref += nodes.inline(text=value)
                        para += xref
                    else:
                        para += nodes.Text(value)
                    entry += para
                    row += entry
                target += row
        return [table]


def setup(app) -> dict:
    app.add_directive("chapter-times", ChapterTimes)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
