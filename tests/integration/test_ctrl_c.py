"""Ctrl-C at any moment: exit 130, one line, no traceback, what was done is kept (issue 13).

The tests wait for a readiness signal (the first progress line ``pose: 1/N frames``, printed
when stderr is not a terminal) instead of a fixed sleep, so a slow machine does not fail them.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from hipcoach.sequence.io import load
from tests.conftest import shared_file
from tests.helpers.processes import read_stderr_until

HIPCOACH = [sys.executable, "-m", "hipcoach"]
CLIP = "rohan_barbell_squat_side/squat.mp4"  # 614 frames: long enough to interrupt


def _start(*args: str | Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*HIPCOACH, *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _wait_for_frames(proc: subprocess.Popen[str], timeout_s: float = 120.0) -> list[str]:
    """Read stderr until the first progress line (the pose loop is running)."""
    return read_stderr_until(
        proc, lambda line: line.startswith("pose: "), "its first frame", timeout_s
    )


def _finish(proc: subprocess.Popen[str], before: list[str]) -> str:
    _, err = proc.communicate(timeout=120)
    err = "".join(before) + err
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert [ln for ln in err.splitlines() if ln.startswith("error:")], err
    return err


def test_ctrl_c_during_pose_keeps_partial_landmarks(tmp_path: Path) -> None:
    out = tmp_path / "partial.npz"
    proc = _start("pose", shared_file(CLIP), "--out", out, "--model", "lite")
    before = _wait_for_frames(proc)
    proc.send_signal(signal.SIGINT)
    err = _finish(proc, before)
    assert "partial landmarks saved" in err
    seq = load(out)
    assert 0 < len(seq) < 614
    assert np.all(np.diff(seq.times_s) > 0)


def test_two_quick_presses_still_keep_the_partial_landmarks(tmp_path: Path) -> None:
    out = tmp_path / "partial.npz"
    proc = _start("pose", shared_file(CLIP), "--out", out, "--model", "lite")
    before = _wait_for_frames(proc)
    proc.send_signal(signal.SIGINT)
    time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    err = _finish(proc, before)
    assert "partial landmarks saved" in err
    assert 0 < len(load(out)) < 614


def test_ctrl_c_while_loading_is_one_line_and_leaves_files_alone(tmp_path: Path) -> None:
    out = tmp_path / "earlier.npz"
    out.write_bytes(b"an earlier result")
    for delay_s in (0.05, 0.4):  # while Python imports, while the model loads
        proc = _start("pose", shared_file(CLIP), "--out", out, "--model", "lite")
        time.sleep(delay_s)
        proc.send_signal(signal.SIGINT)
        err = _finish(proc, [])
        assert "interrupted (Ctrl-C)" in err or "stopped after" in err
        assert len([ln for ln in err.splitlines() if ln.startswith("error:")]) == 1
    assert out.read_bytes() == b"an earlier result" or len(load(out)) > 0
