#!/usr/bin/env bash
# One command from a fresh clone: bash bench/run.sh [bench/run.py options]
# Sets up .venv-bench (the book's pinned runtime set plus PyTorch for the CPU, kept out of
# the book's .venv), then runs the benchmark, which writes bench/RESULTS.md and prints it.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
VENV=.venv-bench
STAMP="$VENV/.installed"
if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade "pip==25.3"
fi
if [ ! -f "$STAMP" ] || [ requirements.txt -nt "$STAMP" ] || [ bench/requirements.txt -nt "$STAMP" ]; then
    "$VENV/bin/pip" install --quiet -r requirements.txt -r bench/requirements.txt
    touch "$STAMP"
fi
# BENCH=cnn bash bench/run.sh [options] runs bench/cnn.py (the MNIST-1D CNN against PyTorch) instead
exec "$VENV/bin/python" "bench/${BENCH:-run}.py" "$@"
