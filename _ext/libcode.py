"""A ``libcode`` directive: show the source of a ``lib`` function, class or method on the page.

In a notebook's markdown cell (MyST)::

    ```{libcode} lib.optim.SGD
    ```

    ```{libcode} lib.layers.Dense.backward
    :docstring: full
    ```

The source is read from ``lib`` when the book is built (``importlib`` and ``inspect``),
so the page always shows the code that the chapter's cells ran, never a copy that can
drift. It is rendered as a highlighted Python block captioned with its file and name
("lib/optim.py — SGD"). Docstrings are cut to their summary (first paragraph) by default
(``:docstring: first``); ``full`` keeps them, ``none`` drops them. An object that does not
exist is a build warning (an error under ``-W``).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import textwrap
from pathlib import Path
from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)


class LibCodeError(Exception):
    pass


def resolve(target: str) -> object:
    """The object named by a dotted path inside lib: lib.module[.Class[.method]]."""
    if target != "lib" and not target.startswith("lib."):
        raise LibCodeError(f"libcode shows objects of lib only, got {target!r}")
    parts = target.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            if not hasattr(obj, attr):
                raise LibCodeError(f"{'.'.join(parts[:cut])} has no attribute path {'.'.join(parts[cut:])!r}")
            obj = getattr(obj, attr)
        return obj
    raise LibCodeError(f"cannot import {target!r}")


def shorten_docstrings(code: str, mode: str) -> str:
    """Keep every docstring of ``code`` in full, cut it to its summary (first paragraph), or drop it."""
    if mode == "full":
        return code
    tree = ast.parse(code)
    lines = code.splitlines()
    spans = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Module) and node.body:
            first = node.body[0]
            if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                    and isinstance(first.value.value, str)):
                spans.append((first.lineno, first.end_lineno, first.col_offset, first.value.value))
    for start, end, col, text in sorted(spans, reverse=True):
        # the summary is the first paragraph, wrapped as in the source (lib is at 88 columns)
        summary = inspect.cleandoc(text).split("\n\n")[0].strip().splitlines() if text.strip() else []
        if mode == "none" or not summary:
            replacement = []
        else:
            quote = "'''" if any('"""' in s for s in summary) else '"""'
            replacement = [" " * col + (quote if k == 0 else "") + s.strip() for k, s in enumerate(summary)]
            if len(replacement[-1]) + len(quote) <= 88:
                replacement[-1] += quote
            else:
                replacement.append(" " * col + quote)
        lines[start - 1:end] = replacement
    return "\n".join(lines) + "\n"


def lib_source(target: str, docstring: str = "first") -> tuple[str, Path, str]:
    """(source text, file, qualified name) of a lib object."""
    obj = resolve(target)
    obj = inspect.unwrap(obj)
    try:
        path = Path(inspect.getsourcefile(obj))
        code = textwrap.dedent(inspect.getsource(obj))
    except (TypeError, OSError) as e:
        raise LibCodeError(f"{target} has no Python source to show ({e})") from e
    name = getattr(obj, "__qualname__", None) or target.rsplit(".", 1)[-1]
    if inspect.ismodule(obj):
        name = obj.__name__
    return shorten_docstrings(code, docstring), path, name


class LibCode(SphinxDirective):
    required_arguments = 1
    optional_arguments = 0
    has_content = False
    option_spec: ClassVar[dict] = {
        "docstring": lambda arg: directives.choice(arg, ("first", "full", "none")),
        "caption": directives.unchanged,
        "name": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        target = self.arguments[0]
        try:
            code, path, qualname = lib_source(target, self.options.get("docstring", "first"))
        except (LibCodeError, SyntaxError) as e:
            logger.warning("libcode: %s", e, location=self.get_location(), type="libcode", subtype="missing")
            return []
        self.env.note_dependency(str(path))
        root = Path(self.env.srcdir)
        try:
            shown = path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            shown = f"lib/{path.name}" if path.parent.name == "lib" else path.name
        literal = nodes.literal_block(code, code)
        literal["language"] = "python"
        literal["classes"].append("libcode")
        caption = self.options.get("caption") or f"{shown} — {qualname}"
        self.set_source_info(literal)
        # the caption is plain text: names such as __init__ must not be read as markup
        node = nodes.container("", literal_block=True, classes=["literal-block-wrapper", "libcode"])
        title = nodes.caption(caption, "", nodes.Text(caption))
        title.source, title.line = literal.source, literal.line
        node += title
        node += literal
        self.add_name(node)
        return [node]


def setup(app) -> dict:
    app.add_directive("libcode", LibCode)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
