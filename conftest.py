"""Repository-wide pytest settings: the notebook tests compare numbers from training runs
within their stated tolerance (tests/nbval_tolerance.py explains the rule)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "tests"))

from nbval_tolerance import install


def pytest_configure(config):
    install()
