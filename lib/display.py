"""What a chapter shows the reader: result tables, hidden bookkeeping, kernel-free
sliders.

- :func:`table` turns rows of results into a table that renders as HTML in the book and
  in JupyterLab (numbers right-aligned, formatted per column), as a Markdown pipe table
  for ``{glue:md}`` and as aligned plain text in a terminal.
- :func:`glue_all` glues many numbers in one call (``display=False``), for a cell tagged
  ``remove-cell`` so that the page shows the experiment, not its bookkeeping.
- :func:`slider` turns precomputed figures into one self-contained HTML output: the
  frames as embedded PNG images and a native ``<input type="range">`` with a few lines
  of inline JavaScript, so the figure moves in the static HTML book, offline, without a
  kernel.

Every output is deterministic (no random ids, no timestamps), so nbval can compare it.
This module imports only the standard library at import time; matplotlib and myst-nb
are imported inside the functions that need them.
"""

from __future__ import annotations

import base64
import html
import io
import numbers
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

__all__ = ["Slider", "Table", "glue_all", "pm", "slider", "table"]

Format = str | Callable[[Any], str] | None
_NAME = re.compile(r"^[A-Za-z][\w-]*$")


class pm(tuple):
    """A value with its spread, ``pm(mean, std)``, shown as "0.962 ± 0.004" in a
    table.
    """

    def __new__(cls, value: float, spread: float) -> pm:
        return super().__new__(cls, (value, spread))


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real | pm) and not isinstance(value, bool)


def _format(value: Any, spec: Format) -> str:
    if value is None:
        return ""
    if callable(spec):
        return str(spec(value))
    if isinstance(value, pm):
        return f"{_format(value[0], spec)} ± {_format(value[1], spec)}"
    if spec is None:
        return f"{value:.4g}" if isinstance(value, float) else str(value)
    if isinstance(value, numbers.Real):
        value = float(value) if isinstance(value, float) else value
    return format(value, spec)


class Table:
    """A table of results; build it with :func:`table`.

    ``cells`` holds the formatted strings row by row, ``numeric[j]`` says whether column
    ``j`` is right-aligned, ``header`` the column headings with their units.
    """

    def __init__(
        self,
        header: list[str],
        cells: list[list[str]],
        numeric: list[bool],
        caption: str | None = None,
    ) -> None:
        self.header, self.cells, self.numeric, self.caption = (
            header,
            cells,
            numeric,
            caption,
        )

    def _repr_html_(self) -> str:
        def row(tag: str, values: list[str]) -> str:
            return (
                "<tr>"
                + "".join(
                    f'<{tag} style="text-align: '
                    f'{"right" if num else "left"}">{html.escape(v)}</{tag}>'
                    for v, num in zip(values, self.numeric, strict=True)
                )
                + "</tr>"
            )

        parts = ['<table class="lib-table">']
        if self.caption:
            parts.append(f"<caption>{html.escape(self.caption)}</caption>")
        parts.append("<thead>" + row("th", self.header) + "</thead>")
        parts.append("<tbody>" + "".join(row("td", r) for r in self.cells) + "</tbody>")
        parts.append("</table>")
        return "\n".join(parts)

    def _repr_markdown_(self) -> str:
        """A pipe table only (no caption), so that ``{glue:md}`` can sit in a
        ``{table}``.
        """

        def esc(v: str) -> str:
            return v.replace("|", r"\|")

        lines = [
            "| " + " | ".join(esc(h) for h in self.header) + " |",
            "|" + "|".join("---:" if num else ":---" for num in self.numeric) + "|",
        ]
        lines += ["| " + " | ".join(esc(v) for v in r) + " |" for r in self.cells]
        return "\n".join(lines)

    def __repr__(self) -> str:
        widths = [
            max(len(v) for v in col)
            for col in zip(self.header, *self.cells, strict=True)
        ]

        def line(values: list[str]) -> str:
            return "  ".join(
                v.rjust(w) if num else v.ljust(w)
                for v, w, num in zip(values, widths, self.numeric, strict=True)
            ).rstrip()

        out = [self.caption] if self.caption else []
        out += [line(self.header), "  ".join("-" * w for w in widths)]
        out += [line(r) for r in self.cells]
        return "\n".join(out)


def table(
    rows: Iterable[Sequence[Any]],
    columns: Sequence[str],
    fmt: Mapping[str, Format] | Sequence[Format] | str | None = None,
    caption: str | None = None,
    units: Mapping[str, str] | None = None,
) -> Table:
    """A results table: ``rows`` of values under ``columns``, numbers formatted by
    ``fmt``.

    ``fmt`` is one format spec for every column (``".3f"``), a list with one spec per
    column, or a dict from column name to spec; a spec is a ``format()`` spec or a
    callable returning the cell's text. Unformatted floats are shown with 4 significant
    digits. A :class:`pm` value ``pm(mean, std)`` is shown as "mean ± std" with the
    column's spec. ``units`` maps a column name to its unit, shown in the header as
    "time (s)". A column whose values are all numbers (or ``None``) is right-aligned.

    >>> table([(16, 0.9573), (100, 0.9744)], ["hidden units", "accuracy"],
    ...       {"accuracy": ".3f"})
    hidden units  accuracy
    ------------  --------
              16     0.957
             100     0.974
    """
    columns = [str(c) for c in columns]
    if not columns:
        raise ValueError("columns must name at least one column, got []")
    if len(set(columns)) != len(columns):
        raise ValueError(f"columns must be distinct, got {columns}")
    rows = [list(r) for r in rows]
    for i, r in enumerate(rows):
        if len(r) != len(columns):
            raise ValueError(
                f"row {i} has {len(r)} values but there are {len(columns)} columns: "
                f"{r!r}"
            )
    if fmt is None or isinstance(fmt, str) or callable(fmt):
        specs = [fmt] * len(columns)
    elif isinstance(fmt, Mapping):
        unknown = set(fmt) - set(columns)
        if unknown:
            raise ValueError(
                f"fmt names columns that do not exist: {sorted(unknown)} (columns: "
                f"{columns})"
            )
        specs = [fmt.get(c) for c in columns]
    else:
        specs = list(fmt)
        if len(specs) != len(columns):
            raise ValueError(
                f"fmt has {len(specs)} specs but there are {len(columns)} columns"
            )
    units = dict(units or {})
    unknown = set(units) - set(columns)
    if unknown:
        raise ValueError(
            f"units names columns that do not exist: {sorted(unknown)} (columns: "
            f"{columns})"
        )
    header = [f"{c} ({units[c]})" if c in units else c for c in columns]
    numeric = [
        all(_is_number(r[j]) or r[j] is None for r in rows) and bool(rows)
        for j in range(len(columns))
    ]
    try:
        cells = [[_format(v, s) for v, s in zip(r, specs, strict=True)] for r in rows]
    except (ValueError, TypeError) as e:
        raise ValueError(f"fmt does not fit the values of the table: {e}") from e
    return Table(header, cells, numeric, caption)


def glue_all(values: Mapping[str, Any] | None = None, /, **named: Any) -> None:
    """Glue every value under its name for {glue:text} in the prose, with nothing shown.

    ``glue_all({"acc": 0.97, "loss": 0.12})`` or ``glue_all(acc=0.97, loss=0.12)`` is
    ``myst_nb.glue(name, value, display=False)`` for each pair. NumPy scalars are
    converted to Python numbers so the stored text is ``0.97``, not
    ``np.float64(0.97)``. Put the call in a cell tagged ``remove-cell``: nbval still
    runs it, the page hides it.
    """
    from myst_nb import glue

    items = {**(values or {}), **named}
    for name, value in items.items():
        if not isinstance(name, str) or not _NAME.match(name):
            raise ValueError(
                f"glue names must be identifiers like 'adam_acc', got {name!r}"
            )
        if hasattr(value, "item") and getattr(value, "shape", None) == ():
            value = value.item()
        glue(name, value, display=False)


def _png(frame: Any) -> bytes:
    if isinstance(frame, bytes | bytearray):
        if not bytes(frame).startswith(b"\x89PNG"):
            raise ValueError("a frame given as bytes must be a PNG image")
        return bytes(frame)
    if hasattr(frame, "savefig"):
        buf = io.BytesIO()
        # no Software/date metadata: the same figure gives the same bytes
        frame.savefig(
            buf, format="png", metadata={"Software": None}, bbox_inches="tight"
        )
        return buf.getvalue()
    raise TypeError(
        f"a frame must be a matplotlib Figure or PNG bytes, got {type(frame).__name__}"
    )


# The whole behaviour: show the frame the range input points at, and its label.
_SCRIPT = """<script>
(function () {
  var root = document.getElementById("%(id)s");
  var input = root.querySelector("input[type=range]");
  var out = root.querySelector("output");
  var frames = root.querySelectorAll("img[data-frame]");
  function show() {
    var k = Number(input.value);
    frames.forEach(function (img, i) { img.hidden = i !== k; });
    out.textContent = frames[k].getAttribute("data-label");
  }
  input.addEventListener("input", show);
  show();
})();
</script>"""


class Slider:
    """Precomputed frames with a range input that selects one; build it with
    :func:`slider`.
    """

    def __init__(
        self,
        name: str,
        pngs: list[bytes],
        labels: list[str],
        label: str,
        start: int,
        alt: str,
    ) -> None:
        self.name, self.pngs, self.labels, self.label, self.start, self.alt = (
            name,
            pngs,
            labels,
            label,
            start,
            alt,
        )

    def _repr_html_(self) -> str:
        uid = f"slider-{self.name}"
        esc = html.escape
        imgs = "\n".join(
            f'<img data-frame="{i}" data-label="{esc(lab)}" alt="{esc(self.alt)}: '
            f'{esc(lab)}"'
            f'{"" if i == self.start else " hidden"} style="max-width: 100%"'
            f' src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}">'
            for i, (png, lab) in enumerate(zip(self.pngs, self.labels, strict=True))
        )
        return (
            f'<div class="lib-slider" id="{uid}">\n'
            f'<div class="lib-slider-control">'
            f'<label for="{uid}-input">{esc(self.label)}</label> '
            f'<input type="range" id="{uid}-input" min="0" max="{len(self.pngs) - 1}" '
            'step="1"'
            f' value="{self.start}" aria-describedby="{uid}-value"> '
            f'<output id="{uid}-value" '
            f'for="{uid}-input">{esc(self.labels[self.start])}</output>'
            f"</div>\n{imgs}\n" + _SCRIPT % {"id": uid} + "\n</div>"
        )

    def __repr__(self) -> str:
        labels = ", ".join(self.labels)
        return f"Slider({self.name!r}: {len(self.pngs)} frames, {self.label}: {labels})"


def slider(
    frames: Sequence[Any],
    labels: Sequence[str],
    name: str,
    *,
    label: str = "frame",
    start: int = 0,
    alt: str = "figure",
    close: bool = True,
) -> Slider:
    """An interactive figure for the static HTML page: a range input over precomputed
    frames.

    ``frames`` are matplotlib Figures (or PNG bytes), one per position of the slider,
    and ``labels`` the text shown beside the slider for each ("η = 0.1"). ``name`` makes
    the element ids (``slider-<name>``), unique on the page and stable between runs;
    ``label`` is the slider's visible name, ``start`` the frame shown first, ``alt`` the
    images' alternative text. Figures are closed after rendering unless ``close=False``.
    The HTML needs no kernel, no network and no library: the images are embedded as
    base64 PNG, and the arrow keys move the slider once it has focus.
    """
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(
            "name must be an identifier like 'lr-path' (letters, digits, -, _), got "
            f"{name!r}"
        )
    frames, labels = list(frames), [str(lab) for lab in labels]
    if not frames:
        raise ValueError("frames must hold at least one figure, got none")
    if len(labels) != len(frames):
        raise ValueError(
            f"labels must have one entry per frame: {len(frames)} frames, "
            f"{len(labels)} labels"
        )
    if not 0 <= start < len(frames):
        raise ValueError(f"start must index a frame in [0, {len(frames)}), got {start}")
    pngs = [_png(f) for f in frames]
    figures = [f for f in frames if hasattr(f, "savefig")]
    if close and figures:
        import matplotlib.pyplot as plt

        for f in figures:
            plt.close(f)
    return Slider(name, pngs, labels, label, start, alt)
