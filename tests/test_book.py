"""Static checks of the book: equations, glue, citations, table of contents, stored outputs."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from bookfiles import (
    CHAPTERS,
    CITE_ROLE,
    CROSS_GLUE,
    DISPLAY_EQ,
    EQ_ROLE,
    GLUE_ROLE,
    LABELLED_EQ,
    ROOT,
    bib_keys,
    cells,
    chapter_labels,
    code,
    glued_names,
    lib_sources,
    markdown,
    notebooks,
    page_standard_problems,
    source,
    toc_files,
)

NOTEBOOKS = notebooks()
IDS = [nb.stem for nb in NOTEBOOKS]

# Chapters reworked to the page standard of issue 19 (visible code <= 88 columns, at most
# two glue calls in visible cells, tables via lib.display.table, lib code beside each
# labelled equation). Extend this list as each chapter is reworked.
PAGE_STANDARD_CHAPTERS = [
    "01_foundations",
    "02_optimization",
    "03_schedules",
    "04_regularization",
    "05_initialization",
    "06_batch_norm",
    "07_going_deeper",
    "08_evaluation",
    "09_hyperparameter_search",
    "10_putting_it_together",
]
LIBCODE = re.compile(r"```\{libcode\}\s+(\S+)")
RAW_TABLE_PRINT = re.compile(r"print\(f?[\"']\|")


def test_there_are_chapters():
    assert NOTEBOOKS, "no notebooks in chapters/"


def test_every_chapter_is_in_the_toc_and_every_toc_entry_exists():
    listed = toc_files()
    for nb in NOTEBOOKS:
        assert f"chapters/{nb.stem}" in listed, f"{nb.name} is missing from _toc.yml"
    for entry in listed:
        assert any((ROOT / f"{entry}{ext}").exists() for ext in (".md", ".ipynb")), f"_toc.yml lists {entry}"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=IDS)
def test_every_display_equation_is_labelled(nb):
    for body, label in DISPLAY_EQ.findall(markdown(nb)):
        assert label, f"{nb.name}: display equation without a label: $${body.strip()[:60]}$$"


def test_equation_labels_are_unique():
    counts = Counter(label for nb in NOTEBOOKS for label in LABELLED_EQ.findall(markdown(nb)))
    assert [k for k, v in counts.items() if v > 1] == []


def test_every_chapter_equation_is_implemented_in_lib():
    named = {label for text in lib_sources().values() for label in EQ_ROLE.findall(text)}
    missing = {label: nb.name for label, nb in chapter_labels().items() if label not in named}
    assert missing == {}, "labels no lib docstring names (Implements {eq}`...`)"


def test_every_label_lib_names_exists_in_a_chapter():
    labels = chapter_labels()
    dangling = {
        f"{path.relative_to(ROOT)}: {label}"
        for path, text in lib_sources().items()
        for label in EQ_ROLE.findall(text)
        if label not in labels
    }
    assert dangling == set(), "lib docstrings name labels no chapter defines"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=IDS)
def test_equation_references_resolve(nb):
    labels = chapter_labels()
    assert [r for r in EQ_ROLE.findall(markdown(nb) + code(nb)) if r not in labels] == []


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=IDS)
def test_every_glued_name_is_glued_in_the_same_chapter(nb):
    used = set(GLUE_ROLE.findall(markdown(nb)))
    assert used - glued_names(nb) == set(), f"{nb.name} uses glue names no stored output defines"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=IDS)
def test_citations_are_in_the_bibliography(nb):
    keys = bib_keys()
    cited = {k.strip() for group in CITE_ROLE.findall(markdown(nb)) for k in group.split(",")}
    assert cited - keys == set(), f"{nb.name} cites keys missing from references.bib"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=IDS)
def test_notebook_is_stored_executed_without_errors(nb):
    code_cells = [c for c in cells(nb) if c["cell_type"] == "code" and source(c).strip()]
    counts = [c.get("execution_count") for c in code_cells]
    assert None not in counts, f"{nb.name} has unexecuted cells"
    assert counts == list(range(1, len(counts) + 1)), f"{nb.name} was not executed top to bottom in one run"
    errors = [o for c in code_cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=IDS)
def test_no_placeholders(nb):
    text = markdown(nb) + code(nb)
    assert re.findall(r"\b(TODO|FIXME|TBD|XXX)\b|lorem ipsum", text, re.I) == []


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=IDS)
def test_chapter_has_goals_exercises_and_solutions(nb):
    text = markdown(nb)
    assert "Learning goals" in text
    assert re.search(r"^#+ Exercises", text, re.M)
    assert ":class: dropdown" in text, "exercises need solutions in a dropdown"
    assert re.search(r"^#+ Practical guidance", text, re.M)


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=IDS)
def test_no_global_random_state(nb):
    assert re.findall(r"np\.random\.(seed|rand|randn|randint|normal|uniform|choice|shuffle)\(", code(nb)) == []


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=IDS)
def test_widget_cells_are_skipped_by_nbval_and_hidden_in_html(nb):
    for cell in cells(nb):
        outputs = cell.get("outputs", [])
        if any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs):
            tags = set(cell["metadata"].get("tags", []))
            assert {"nbval-ignore-output", "remove-output"} <= tags, source(cell)[:80]


def cross_references() -> list[tuple[str, str, str]]:
    return [(nb.name, target, key) for nb in NOTEBOOKS for target, key in CROSS_GLUE.findall(markdown(nb))]


@pytest.mark.parametrize(("source", "target", "key"), cross_references())
def test_numbers_pasted_from_another_chapter_are_glued_there(source, target, key):
    path = (CHAPTERS / target).resolve()
    assert path.exists(), f"{source} pastes from {target}, which does not exist"
    assert key in glued_names(path), f"{source} pastes {key!r}, which {target}'s stored outputs do not glue"


@pytest.mark.parametrize("name", PAGE_STANDARD_CHAPTERS)
def test_visible_code_fits_the_column_and_hides_its_bookkeeping(name):
    assert page_standard_problems(CHAPTERS / f"{name}.ipynb") == []


@pytest.mark.parametrize("name", PAGE_STANDARD_CHAPTERS)
def test_results_are_tables_not_printed_pipes(name):
    assert RAW_TABLE_PRINT.findall(code(CHAPTERS / f"{name}.ipynb")) == []


def implementers() -> dict[str, set[str]]:
    """label -> dotted names of the lib objects whose docstrings say they implement it."""
    import inspect

    import lib

    found: dict[str, set[str]] = {}
    for mod_name in lib.__all__:
        mod = getattr(lib, mod_name)
        if not inspect.ismodule(mod):
            continue
        for obj_name, obj in vars(mod).items():
            home = getattr(obj, "__module__", None) or ""
            if home != mod.__name__ and not home.startswith(mod.__name__ + "."):
                continue  # imported from elsewhere; a package's own submodules count
            members = [(obj_name, obj)]
            if inspect.isclass(obj):
                members += [(f"{obj_name}.{k}", v) for k, v in vars(obj).items() if inspect.isfunction(v)]
            for dotted, member in members:
                for label in EQ_ROLE.findall(inspect.getdoc(member) or ""):
                    found.setdefault(label, set()).add(f"{mod.__name__}.{dotted}")
    return found


@pytest.mark.parametrize("name", PAGE_STANDARD_CHAPTERS)
def test_labelled_equations_show_their_implementation(name):
    """Each labelled equation of the chapter is followed, in the chapter, by a libcode
    block of an object that implements it (its class, or the class of a method that does)."""
    nb = CHAPTERS / f"{name}.ipynb"
    shown = set(LIBCODE.findall(markdown(nb)))
    impl = implementers()

    def covered(label: str) -> bool:
        targets = impl.get(label, set())
        return any(t == s or t.startswith(s + ".") or s.startswith(t + ".") for t in targets for s in shown)

    missing = [label for label in LABELLED_EQ.findall(markdown(nb)) if not covered(label)]
    assert missing == [], f"labelled equations without their lib code beside them: {missing}"


LIBCODE_BLOCK = re.compile(r"```\{libcode\}\s+(\S+)\s*\n((?::[\w-]+:.*\n)*)")


def libcode_listings() -> list[tuple[str, str, str]]:
    """(chapter, lib object, docstring option) of every ```{libcode}``` listing."""
    found = []
    for nb in NOTEBOOKS:
        for target, options in LIBCODE_BLOCK.findall(markdown(nb) + "\n"):
            mode = re.search(r":docstring:\s*(\w+)", options)
            found.append((nb.stem, target, mode.group(1) if mode else "first"))
    return found


def test_libcode_listings_fit_the_column():
    """A listing shows lib's source as the page renders it (_ext/libcode.py): no line over
    88 columns, so no listing scrolls sideways (lib/ruff.toml keeps lib at 88)."""
    import sys

    sys.path.insert(0, str(ROOT / "_ext"))
    from libcode import lib_source

    listings = libcode_listings()
    assert len(listings) >= len(NOTEBOOKS)
    wide = {}
    for stem, target, mode in listings:
        lines = [line for line in lib_source(target, mode)[0].splitlines() if len(line) > 88]
        if lines:
            wide[f"{stem}: {target}"] = lines[:2]
    assert wide == {}
