"""lib.display: result tables, glue in one call, kernel-free sliders (deterministic HTML)."""

from __future__ import annotations

import base64
import re
import subprocess
import sys
from html.parser import HTMLParser

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from lib import display
from lib.display import pm, slider, table


class Cells(HTMLParser):
    """Collect (tag, style, text) for every th/td, and the caption."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[tuple[str, str, str]] = []
        self.caption = ""
        self._open: tuple[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in ("th", "td", "caption"):
            self._open = (tag, dict(attrs).get("style", ""))

    def handle_data(self, data):
        if self._open and self._open[0] == "caption":
            self.caption += data
        elif self._open:
            self.cells.append((*self._open, data))

    def handle_endtag(self, tag):
        self._open = None


def test_importing_lib_display_imports_no_plotting_library():
    code = "import sys, lib.display; print('matplotlib' in sys.modules, 'myst_nb' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_table_formats_each_column_by_its_spec_and_puts_units_in_the_header():
    t = table([(0, 650, pm(0.9621, 0.0042), "linear"), (16, 1210, pm(0.9573, 0.0061), "MLP")],
              ["hidden", "parameters", "accuracy", "model"], {"accuracy": ".3f"},
              units={"parameters": "count"}, caption="Five seeds")
    p = Cells()
    p.feed(t._repr_html_())
    assert p.caption == "Five seeds"
    assert [c[2] for c in p.cells] == ["hidden", "parameters (count)", "accuracy", "model",
                                       "0", "650", "0.962 ± 0.004", "linear",
                                       "16", "1210", "0.957 ± 0.006", "MLP"]
    aligns = [re.search(r"text-align: (\w+)", c[1]).group(1) for c in p.cells]
    assert aligns == ["right", "right", "right", "left"] * 3


def test_table_markdown_is_a_pipe_table_with_right_aligned_numbers():
    t = table([(1, "a|b", 0.5)], ["n", "name", "x"], [None, None, ".2f"])
    assert t._repr_markdown_().splitlines() == ["| n | name | x |", "|---:|:---|---:|", r"| 1 | a\|b | 0.50 |"]


def test_table_text_aligns_columns():
    t = table([(16, 0.9573), (100, 0.9744)], ["hidden units", "accuracy"], {"accuracy": ".3f"})
    assert repr(t).splitlines() == ["hidden units  accuracy", "------------  --------",
                                    "          16     0.957", "         100     0.974"]


def test_table_accepts_numpy_numbers_and_missing_values():
    t = table([(np.int64(3), np.float64(0.25)), (4, None)], ["k", "p"], {"p": ".1%"})
    assert t.cells == [["3", "25.0%"], ["4", ""]]
    assert t.numeric == [True, True]


def test_table_html_is_deterministic_and_escaped():
    rows = [("<b>", 1.0)]
    a, b = table(rows, ["name", "value"])._repr_html_(), table(rows, ["name", "value"])._repr_html_()
    assert a == b and "&lt;b&gt;" in a and "<b>" not in a


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"rows": [(1, 2)], "columns": ["a"]}, "row 0 has 2 values"),
    ({"rows": [(1,)], "columns": []}, "columns must name"),
    ({"rows": [(1, 2)], "columns": ["a", "a"]}, "distinct"),
    ({"rows": [(1,)], "columns": ["a"], "fmt": {"b": ".2f"}}, "fmt names columns"),
    ({"rows": [(1,)], "columns": ["a"], "fmt": [".1f", ".2f"]}, "fmt has 2 specs"),
    ({"rows": [(1,)], "columns": ["a"], "units": {"b": "s"}}, "units names columns"),
    ({"rows": [("x",)], "columns": ["a"], "fmt": ".2f"}, "fmt does not fit"),
])
def test_table_rejects_bad_input_by_name(kwargs, match):
    with pytest.raises(ValueError, match=match):
        table(**kwargs)


def test_glue_all_glues_every_value_without_display(monkeypatch):
    import myst_nb

    calls = []
    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display=True: calls.append((name, value, display)))
    display.glue_all({"a": np.float64(0.5)}, b=3)
    assert calls == [("a", 0.5, False), ("b", 3, False)]
    assert type(calls[0][1]) is float
    with pytest.raises(ValueError, match="glue names"):
        display.glue_all({"not a name": 1})


def frames(n: int) -> list:
    out = []
    for k in range(n):
        fig, ax = plt.subplots(figsize=(2, 1.5))
        ax.plot([0, 1], [0, k])
        out.append(fig)
    return out


def test_slider_embeds_every_frame_and_a_labelled_range_input():
    s = slider(frames(3), ["η = 0.1", "η = 0.2", "η = 0.3"], "lr-demo", label="learning rate", start=1)
    page = s._repr_html_()
    pngs = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(pngs) == 3 and all(base64.b64decode(p).startswith(b"\x89PNG") for p in pngs)
    assert '<input type="range" id="slider-lr-demo-input" min="0" max="2" step="1" value="1"' in page
    assert '<label for="slider-lr-demo-input">learning rate</label>' in page
    assert '<output id="slider-lr-demo-value" for="slider-lr-demo-input">η = 0.2</output>' in page
    assert len(re.findall(r"<img [^>]*\shidden[\s>]", page)) == 2
    assert "http" not in page.replace("data:image", "")  # nothing to fetch
    assert plt.get_fignums() == []  # the figures were closed


def test_slider_html_is_the_same_for_the_same_frames():
    a = slider(frames(2), ["a", "b"], "same")._repr_html_()
    b = slider(frames(2), ["a", "b"], "same")._repr_html_()
    assert a == b


def test_slider_png_bytes_are_masked_by_the_nbval_sanitizer():
    from pathlib import Path

    cfg = (Path(__file__).parent / "nbval_sanitize.cfg").read_text(encoding="utf-8")
    regex = re.search(r"^regex: (.+)$", cfg, re.M).group(1)
    page = slider(frames(2), ["a", "b"], "masked")._repr_html_()
    masked = re.sub(regex, "PNG-IMAGE", page)
    assert "base64,PNG-IMAGE\"" in masked and "iVBOR" not in masked


@pytest.mark.parametrize(("args", "kwargs", "error", "match"), [
    (([], [], "x"), {}, ValueError, "at least one"),
    (([b"\x89PNG..."], ["a", "b"], "x"), {}, ValueError, "one entry per frame"),
    (([b"\x89PNG..."], ["a"], "has space"), {}, ValueError, "name must be an identifier"),
    (([b"\x89PNG..."], ["a"], "x"), {"start": 1}, ValueError, "start must index"),
    (([b"GIF89a"], ["a"], "x"), {}, ValueError, "PNG"),
    (([np.zeros(3)], ["a"], "x"), {}, TypeError, "matplotlib Figure or PNG bytes"),
])
def test_slider_rejects_bad_input_by_name(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        slider(*args, **kwargs)
