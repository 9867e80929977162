"""Shared test settings: hypothesis runs the same examples on every machine."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "book",
    derandomize=True,
    deadline=None,
    max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "60")),
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("book")


@pytest.fixture(scope="session")
def built_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the whole book once per session (executing every chapter), warnings as errors.

    Returns the folder of the HTML site.
    """
    root = Path(__file__).resolve().parent.parent
    out = tmp_path_factory.mktemp("book")
    exe = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run(
        [str(exe), "build", "--all", "-W", "-n", "--keep-going", "--path-output", str(out), str(root)],
        capture_output=True, text=True, cwd=root, timeout=1800,
    )
    assert result.returncode == 0, "book build failed:\n" + result.stdout[-6000:] + result.stderr[-3000:]
    return out / "_build" / "html"
