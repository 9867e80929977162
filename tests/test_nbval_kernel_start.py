"""The notebook tests' kernel start: serialised across processes and retried."""

import threading
import time

import pytest
from nbval_kernel_start import robust


def test_retries_a_kernel_that_does_not_answer(tmp_path):
    calls = []

    def start(**kwargs):
        calls.append(kwargs)
        if len(calls) < 3:
            raise RuntimeError("Kernel didn't respond in 60 seconds")
        return "km", "kc"

    assert robust(start, lock_path=tmp_path / "lock")(kernel_name="k") == ("km", "kc")
    assert calls == [{"kernel_name": "k"}] * 3


def test_gives_up_after_the_last_attempt(tmp_path):
    def start():
        raise RuntimeError("Kernel died before replying to kernel_info")

    with pytest.raises(RuntimeError, match="Kernel died"):
        robust(start, attempts=2, lock_path=tmp_path / "lock")()


def test_other_errors_are_not_retried(tmp_path):
    calls = []

    def start():
        calls.append(1)
        raise ValueError("no such kernel")

    with pytest.raises(ValueError):
        robust(start, lock_path=tmp_path / "lock")()
    assert calls == [1]


def test_kernels_start_one_at_a_time(tmp_path):
    running, overlap = [], []

    def start():
        running.append(1)
        overlap.append(len(running))
        time.sleep(0.05)
        running.pop()
        return "km", "kc"

    wrapped = robust(start, lock_path=tmp_path / "lock")
    threads = [threading.Thread(target=wrapped) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert overlap == [1, 1, 1, 1]
