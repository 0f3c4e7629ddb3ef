"""Reading a running hipcoach process (for the Ctrl-C tests)."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable


def read_stderr_until(
    proc: subprocess.Popen[str], ready: Callable[[str], bool], what: str, timeout_s: float
) -> list[str]:
    """The stderr lines of ``proc`` up to and including the first one that is ``ready``;
    fails the test when the process ends before (or ``timeout_s`` passes), naming ``what``
    it waited for."""
    assert proc.stderr is not None
    seen: list[str] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        assert line, f"hipcoach ended before {what}: {seen}"
        seen.append(line)
        if ready(line):
            return seen
    raise AssertionError(f"no {what} within {timeout_s} s: {seen}")
