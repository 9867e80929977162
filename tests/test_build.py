"""The whole book builds with Jupyter Book, warnings treated as errors (slow: run last)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bookfiles import ROOT

pytestmark = pytest.mark.build


def test_book_builds_without_warnings(tmp_path: Path):
    exe = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run(
        [str(exe), "build", "--all", "-W", "-n", "--keep-going", "--path-output", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, cwd=ROOT, timeout=1800,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    html = tmp_path / "_build" / "html"
    assert (html / "index.html").exists()
    chapter = (html / "chapters" / "01_foundations.html").read_text(encoding="utf-8")
    assert "eq-gd" in chapter and "math notranslate" in chapter
