# The two commands of the README:
#   make book   set up .venv from nothing and build the HTML book into _build/html
#   make test   set up .venv from nothing and run every test: lint, lib and book checks,
#               nbval over every chapter, then a full book build with warnings as errors
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
NBVAL  := --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-current-env --nbval-cell-timeout=300 --nbval-kernel-startup-timeout=120

.PHONY: book test test-lib test-notebooks test-build browser lint bench clean other-blas

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==25.3"

$(VENV)/.runtime: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.test: requirements-test.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

book: $(VENV)/.runtime
	$(BIN)/jupyter-book build --all -W -n --keep-going .
	@echo "Open _build/html/index.html"

lint: $(VENV)/.test
	$(BIN)/ruff check lib tests chapters scripts conftest.py

test-lib: $(VENV)/.test
	$(BIN)/pytest tests -m "not build" -p no:cacheprovider -n 2

# Chromium from the OS packages for the browser test (Playwright drives it; it never
# downloads a browser).
browser:
	@command -v chromium >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium; }

test-build: $(VENV)/.test browser
	$(BIN)/pytest tests -m build -p no:cacheprovider

test-notebooks: $(VENV)/.test
	$(BIN)/pytest chapters $(NBVAL) -p no:cacheprovider -n 2 --dist loadfile

test: lint test-lib test-notebooks test-build

# The notebook tests with every kernel on another OpenBLAS kernel, as on another CPU
# (on demand: the stored outputs must pass there too; see CONTRIBUTING.md).
other-blas: $(VENV)/.test
	bash scripts/other_blas.sh

# Performance benchmark against PyTorch (on demand, not part of the tests): writes bench/RESULTS.md
bench:
	bash bench/run.sh

clean:
	rm -rf _build
