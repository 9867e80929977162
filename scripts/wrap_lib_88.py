"""Re-wrap lib's over-long comments and docstring prose to 88 columns (issue 19).

``ruff format --line-length 88`` re-wraps code but never comments or docstrings. This
script does the prose, conservatively, and only where a line is too long:

- a block of whole-line comments (same indentation, paragraphs split at a bare ``#``)
  is re-filled if one of its lines is over the limit; a paragraph holding a bullet, an
  indented line or a directive such as ``noqa`` is left alone;
- a trailing comment that pushes its line over the limit moves onto its own line above
  (unless it is a ``noqa``/``type:``/``pragma`` comment), before ruff formats the code
  (ruff would otherwise split the statement to make room for the comment);
- a docstring paragraph (blank-line separated) is re-filled if one of its lines is over the
  limit and it is plain prose: one indentation, no ``>>>``/``...`` lines, no bullets or
  numbered items, no field lists, no ``::`` literal blocks, no line indented deeper than the
  docstring,
  no fenced code, no ``$$`` math, no headings. The summary is a paragraph like the others
  (the libcode listings show the whole first paragraph). A "- " bullet list at the
  docstring's indentation is re-filled item by item, the bullets kept;
- a line that is one string literal inside brackets (an error message, a format string)
  is split at a space into adjacent literals, which Python joins into the same string;
  never inside an f-string's ``{...}``.

Each rewritten file must parse to the same syntax tree as before (docstrings compared with
their whitespace collapsed), else the script stops: it cannot change what lib does.

Words are never broken, and backtick spans (roles such as {eq}`eq-adam`, ``literals``)
and ``$...$`` math are kept whole. Re-running it on its own output changes nothing.

    python scripts/wrap_lib_88.py lib            # ruff format + re-wrap, until nothing moves
    python scripts/wrap_lib_88.py --check lib    # list what would change; exit 1 if any

Without ``--check`` it runs ``ruff format`` (the ruff next to this Python, with lib's
ruff.toml) after each pass, and repeats until a pass changes nothing (a moved
comment can land at a new indentation once ruff has formatted the code around it).
"""

from __future__ import annotations

import argparse
import ast
import io
import re
import subprocess
import sys
import textwrap
import tokenize
from pathlib import Path

WIDTH = 88
PROTECT = re.compile(r"``[^`]+``|\{[\w:-]+\}`[^`]+`|`[^`]+`_?|\$[^$\n]+\$")
KEEP_COMMENT = re.compile(r"#\s*(noqa|type:|pragma|fmt:|ruff:|isort:)")
NOT_PROSE = re.compile(
    r"^\s*(>>>|\.\.\.|[-*+•] |\d+[.)] |:\w[^:]*:|\.\. |```|~~~|\$\$|[=\-~^]{3,}\s*$)")
SPACE = "\x00"


def fill(text: str, first: str, rest: str, width: int = WIDTH) -> list[str]:
    """Fill ``text`` to ``width`` with the two prefixes, keeping protected spans whole."""
    # a span longer than 40 characters is no role or short literal: not kept whole
    text = PROTECT.sub(lambda m: m.group(0).replace(" ", SPACE) if len(m.group(0)) <= 40 else m.group(0),
                       " ".join(text.split()))
    lines = textwrap.wrap(text, width=width, initial_indent=first, subsequent_indent=rest,
                          break_long_words=False, break_on_hyphens=False)
    return [line.replace(SPACE, " ") for line in lines]


def too_long(lines: list[str], width: int = WIDTH) -> bool:
    return any(len(line) > width for line in lines)


def docstring_spans(source: str) -> list[tuple[int, int]]:
    """(first line, last line), 0-based, of every module/class/function docstring."""
    spans = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                    and isinstance(body[0].value.value, str)):
                spans.append((body[0].lineno - 1, body[0].end_lineno - 1))
    return spans


def wrap_docstring(lines: list[str]) -> list[str]:
    """Re-fill the prose paragraphs of one docstring given as its source lines."""
    opening = re.match(r'^(\s*[rRuUbB]?("""|\'\'\'))', lines[0])
    if not opening:
        return lines
    quote = opening.group(2)
    base = len(lines[0]) - len(lines[0].lstrip())
    if len(lines) == 1:
        if not too_long(lines):
            return lines
        # a one-line docstring: the closing quotes go on a line of their own
        body = lines[0].rstrip()[len(opening.group(1)):-len(quote)]
        if not body or NOT_PROSE.match(body) or quote in body:
            return lines
        indent = " " * (len(lines[0]) - len(lines[0].lstrip()))
        new = fill(body, opening.group(1), indent, WIDTH - len(quote))
        return [*new[:-1], new[-1] + quote] if len(new) == 1 else [*new, indent + quote]
    out: list[str] = []
    paragraph: list[int] = []
    literal_next = False  # after a paragraph ending with "::" comes a literal block

    def flush() -> None:
        nonlocal literal_next
        if not paragraph:
            return
        block = [lines[i] for i in paragraph]
        ends_literal = block[-1].rstrip().endswith("::")
        first_on_quote = paragraph[0] == 0
        closing = block[-1].rstrip().endswith(quote) and paragraph[-1] == len(lines) - 1
        body = block[:]
        own_line = False  # the closing quotes stand on a line of their own
        if closing:
            body[-1] = body[-1].rstrip()[: -len(quote)]
            if not body[-1].strip() and len(body) > 1:
                body, own_line = body[:-1], True
        indents = {len(b) - len(b.lstrip()) for b in body[1 if first_on_quote else 0:] if b.strip()}
        prose = (
            too_long(block)
            and not literal_next
            and indents <= {base}
            and not any(NOT_PROSE.match(b[len(opening.group(1)):] if k == 0 and first_on_quote else b)
                        for k, b in enumerate(body))
            and not any('"""' in b or "'''" in b for b in body[1 if first_on_quote else 0:])
        )
        bullets = bullet_items(body, base) if too_long(block) and not first_on_quote else None
        if bullets and not closing:
            for item in bullets:
                out.extend(fill(item, " " * base + "- ", " " * (base + 2)))
        elif prose:
            indent = " " * base
            if first_on_quote:
                first = opening.group(1)
                text = body[0][len(first):] + " " + " ".join(b.strip() for b in body[1:])
            else:
                first = indent
                text = " ".join(b.strip() for b in body)
            new = fill(text, first, indent)
            if too_long(new) and max(map(len, new)) >= max(map(len, block)):
                out.extend(block)  # an unbreakable run of text: leave it to a hand fix
                literal_next = ends_literal
                paragraph.clear()
                return
            if own_line:
                new.append(indent + quote)
            elif closing:
                if len(new[-1]) + len(quote) <= WIDTH:
                    new[-1] += quote
                else:
                    new.append(indent + quote)
            out.extend(new)
        else:
            out.extend(block)
        literal_next = ends_literal
        paragraph.clear()

    for i, line in enumerate(lines):
        if not line.strip():
            flush()
            out.append(line)
            continue
        paragraph.append(i)
    flush()
    return out


def bullet_items(body: list[str], base: int) -> list[str] | None:
    """The items' texts if ``body`` is a "- " list at ``base`` whose items are prose, else None."""
    items: list[list[str]] = []
    for line in body:
        if line.startswith(" " * base + "- "):
            items.append([line[base + 2:]])
        elif items and line.startswith(" " * (base + 2)) and line[base + 2] != " ":
            items[-1].append(line.strip())
        else:
            return None
    if any(NOT_PROSE.match(t) for item in items for t in item):
        return None
    return [" ".join(item) for item in items]


def wrap_comments(lines: list[str], code_lines: set[int]) -> list[str]:
    """Re-fill whole-line comment blocks; move over-long trailing comments above."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^(\s*)#( ?)(.*)$", line)
        if m and i not in code_lines:
            indent = m.group(1)
            block = []
            while i < len(lines):
                mm = re.match(r"^(\s*)#( ?)(.*)$", lines[i])
                if not mm or mm.group(1) != indent or i in code_lines:
                    break
                block.append(lines[i])
                i += 1
            out.extend(wrap_comment_block(block, indent))
            continue
        out.append(line)
        i += 1
    return out


def wrap_comment_block(block: list[str], indent: str) -> list[str]:
    out: list[str] = []
    para: list[str] = []

    def flush() -> None:
        if not para:
            return
        texts = [p[len(indent):].removeprefix("#").removeprefix(" ") for p in para]
        plain = (
            too_long(para)
            and not any(KEEP_COMMENT.match(p.strip()) for p in para)
            and not any(t.startswith(" ") or NOT_PROSE.match(t) or t.startswith("!") for t in texts)
        )
        out.extend(fill(" ".join(texts), indent + "# ", indent + "# ") if plain else para)
        para.clear()

    for line in block:
        if line.strip() == "#":
            flush()
            out.append(line)
        else:
            para.append(line)
    flush()
    return out


def trailing_comments(source: str) -> dict[int, int]:
    """0-based line -> column of a comment that follows code on that line."""
    found = {}
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    last_code_line = -1
    for tok in tokens:
        if tok.type == tokenize.COMMENT:
            row = tok.start[0] - 1
            if row == last_code_line:
                found[row] = tok.start[1]
        elif tok.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
                              tokenize.ENCODING, tokenize.ENDMARKER):
            last_code_line = tok.end[0] - 1
    return found


def lift_trailing(lines: list[str], trailing: dict[int, int]) -> list[str]:
    out = []
    for i, line in enumerate(lines):
        col = trailing.get(i)
        if col is not None and len(line) > WIDTH and not KEEP_COMMENT.match(line[col:]):
            code = line[:col].rstrip()
            indent = code[: len(code) - len(code.lstrip())]
            out.extend(fill(line[col:].lstrip("#").strip(), indent + "# ", indent + "# "))
            out.append(code)
            continue
        out.append(line)
    return out


STRING_LINE = re.compile(r'^(\s*)([rRbBfFuU]{0,2})(["\'])(.*)\3(\s*[,)\]}]*\s*)$')


def split_literal(prefix: str, quote: str, body: str, indent: str, tail: str) -> list[str] | None:
    """Adjacent literals for one long literal, cut at spaces outside braces, or None."""
    if "\\" in body or quote in body:
        return None
    fmt = "f" in prefix.lower()
    cuts, depth = [], 0
    for i, ch in enumerate(body):
        if fmt and ch == "{":
            depth += 1
        elif fmt and ch == "}":
            depth -= 1
        elif ch == " " and depth == 0:
            cuts.append(i + 1)  # the space stays at the end of the first piece
    if depth != 0:
        return None
    pieces, start = [], 0
    room = WIDTH - len(indent) - len(prefix) - 2
    while len(body) - start > room - len(tail.rstrip()):
        fit = [c for c in cuts if start < c <= start + room]
        if not fit:
            return None
        pieces.append(body[start:fit[-1]])
        start = fit[-1]
    pieces.append(body[start:])
    if len(pieces) == 1:
        return None

    def lit(text: str) -> str:
        p = prefix if "{" in text or not fmt else prefix.replace("f", "").replace("F", "")
        return f"{indent}{p}{quote}{text}{quote}"

    out = [lit(t) for t in pieces]
    out[-1] += tail.rstrip()
    return out if not too_long(out) else None


def split_strings(source: str) -> str:
    """Split over-long one-literal lines inside brackets into adjacent literals."""
    depth_at: dict[int, int] = {}
    depth = 0
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.OP and tok.string in "([{":
            depth += 1
        elif tok.type == tokenize.OP and tok.string in ")]}":
            depth -= 1
        elif tok.type in (tokenize.STRING, getattr(tokenize, "FSTRING_START", -1)):
            depth_at.setdefault(tok.start[0] - 1, depth)
    lines = source.split("\n")
    out = []
    for i, line in enumerate(lines):
        m = STRING_LINE.match(line)
        if m and len(line) > WIDTH and depth_at.get(i, 0) > 0:
            new = split_literal(m.group(2), m.group(3), m.group(4), m.group(1), m.group(5))
            if new:
                out.extend(new)
                continue
        out.append(line)
    return "\n".join(out)


class _Docstrings(ast.NodeTransformer):
    """Collapse the whitespace of docstrings, so that re-wrapped prose compares equal."""

    def generic_visit(self, node):
        super().generic_visit(node)
        body = getattr(node, "body", None)
        if (isinstance(body, list) and body and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str)):
            body[0].value.value = " ".join(body[0].value.value.split())
        return node


def same_tree(old: str, new: str) -> bool:
    def dump(src: str) -> str:
        return ast.dump(_Docstrings().visit(ast.parse(src)))

    return dump(old) == dump(new)


def rewrap(source: str) -> str:
    new = _rewrap(source)
    if not same_tree(source, new):
        raise SystemExit("re-wrapping would change the syntax tree; nothing written")
    return new


def _rewrap(source: str) -> str:
    source = split_strings(source)
    lines = source.split("\n")
    # docstrings first, bottom-up so that earlier spans keep their line numbers
    for start, end in sorted(docstring_spans(source), reverse=True):
        lines[start:end + 1] = wrap_docstring(lines[start:end + 1])
    source = "\n".join(lines)
    lines = source.split("\n")
    trailing = trailing_comments(source)
    lines = lift_trailing(lines, trailing)
    source = "\n".join(lines)
    # lines that are inside a string (not real comments) or hold code
    in_string = set()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.STRING and tok.end[0] > tok.start[0]:
            in_string.update(range(tok.start[0] - 1, tok.end[0]))
    lines = wrap_comments(source.split("\n"), in_string)
    new = "\n".join(lines)
    ast.parse(new)  # never write a file that no longer parses
    return new


def files(paths: list[Path]) -> list[Path]:
    return sorted(f for p in paths for f in ([p] if p.is_file() else p.rglob("*.py")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    if args.check:
        texts = {p: p.read_text(encoding="utf-8") for p in files(args.paths)}
        changed = [p for p, text in texts.items() if rewrap(text) != text]
        for path in changed:
            print(f"would re-wrap {path}")
        return 1 if changed else 0
    ruff = [str(Path(sys.executable).with_name("ruff")), "format", "-q", *map(str, args.paths)]
    # re-wrap before the first ruff format: a trailing comment that makes a line too long
    # moves above it first, else ruff would split the code around the comment instead
    for _ in range(5):
        changed = []
        for path in files(args.paths):
            old = path.read_text(encoding="utf-8")
            new = rewrap(old)
            if new != old:
                changed.append(path)
                path.write_text(new, encoding="utf-8")
        subprocess.run(ruff, check=True)
        for path in changed:
            print(f"re-wrapped {path}")
        if not changed:
            return 0
    print("still changing after 5 passes", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
