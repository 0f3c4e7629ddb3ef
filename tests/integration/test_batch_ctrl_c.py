"""Ctrl-C during ``hipcoach batch`` (README: exit 130): the videos finished so far are kept,
the running ones write nothing (no temporary file either), one ``error:`` line, no
traceback; the same command again skips the finished videos and does the rest."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.processes import read_stderr_until

pytestmark = pytest.mark.integration

RENDERED = Path(__file__).resolve().parents[1] / "data" / "rendered"
HIPCOACH = [sys.executable, "-m", "hipcoach"]


def _wait_for_a_finished_video(proc: subprocess.Popen[str], timeout_s: float = 300.0) -> str:
    """Read stderr until the first ``batch: k/N ... done`` line (a video is finished)."""
    lines = read_stderr_until(
        proc,
        lambda line: line.startswith("batch: ") and line.rstrip().endswith(" done"),
        "a finished video",
        timeout_s,
    )
    return "".join(lines)


def test_ctrl_c_keeps_the_finished_videos_and_a_rerun_continues(tmp_path: Path) -> None:
    day = tmp_path / "in" / "ann" / "2026-11-02"
    day.mkdir(parents=True)
    clips = sorted(RENDERED.glob("*.mp4"))[:5]
    for clip in clips:
        shutil.copy(clip, day / clip.name)
    out = tmp_path / "out"
    args = ["batch", str(tmp_path / "in"), "--out", str(out), "--workers", "2", "--no-pdf"]
    args += ["--model", "lite"]
    proc = subprocess.Popen(
        [*HIPCOACH, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    before = _wait_for_a_finished_video(proc)
    proc.send_signal(signal.SIGINT)  # the driver alone: it must stop its workers itself
    _, err = proc.communicate(timeout=120)
    err = before + err
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    errors = [ln for ln in err.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and "run the same command again" in errors[0], err
    kept = sorted(out.rglob("*.job.json"))
    assert 1 <= len(kept) < len(clips), err
    for manifest in kept:
        outputs = json.loads(manifest.read_text(encoding="utf-8"))["outputs"]
        assert all((out / rel).is_file() for rel in outputs.values())
    assert not list(out.rglob("*.tmp*")), "a temporary file was left behind"
    again = subprocess.run(
        [*HIPCOACH, *args], capture_output=True, text=True, timeout=600, check=False
    )
    assert again.returncode == 0, again.stderr
    assert f"batch: {len(kept)} of {len(clips)} video(s) already done" in again.stderr
    assert len(list(out.rglob("*.job.json"))) == len(clips)
