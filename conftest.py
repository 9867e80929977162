"""Repository-wide pytest settings: the notebook tests compare numbers from training runs
within their stated tolerance (tests/nbval_tolerance.py explains the rule), and start their kernels one at a
time, retrying a kernel that does not answer (tests/nbval_kernel_start.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "tests"))

from nbval_kernel_start import install as install_kernel_start
from nbval_tolerance import install


def pytest_configure(config):
    install()
    install_kernel_start()
