"""Bad inputs only a real process shows: hangs, signals, a file size limit standing in for a
full disk, a database another program holds locked, a truncated video (issue 13).

Each runs ``python -m hipcoach`` with a timeout: a hang fails the test instead of CI.
"""

from __future__ import annotations

import hashlib
import os
import resource
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest

pytestmark = pytest.mark.integration

DATA = Path(__file__).resolve().parents[1] / "data"
NPZ = DATA / "corpus" / "B01_L_front.npz"


def run(*args: str | Path, stdin: str = "", limit_bytes: int | None = None,
        timeout: float = 120.0) -> subprocess.CompletedProcess[str]:  # fmt: skip
    def limits() -> None:
        if limit_bytes is not None:  # writes past it fail with EFBIG, as on a full disk
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return subprocess.run(
        [sys.executable, "-m", "hipcoach", *map(str, args)],
        input=stdin, capture_output=True, text=True, timeout=timeout, check=False,
        preexec_fn=limits,
    )  # fmt: skip


def _one_error(res: subprocess.CompletedProcess[str], code: int, text: str) -> None:
    assert res.returncode == code, (res.returncode, res.stderr)
    assert "Traceback" not in res.stdout + res.stderr
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and text in errors[0], res.stderr


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_full_disk_fails_cleanly_and_keeps_the_earlier_report(tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    report.write_text("last week's report", encoding="utf-8")
    before = _digest(report)
    res = run("analyze", NPZ, "--report", report, "-q", limit_bytes=50_000)
    _one_error(res, 2, "cannot write")
    assert "File too large" in res.stderr
    assert _digest(report) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_a_fifo_as_routine_or_video_never_hangs(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    _one_error(run("analyze", NPZ, "--routine", fifo, "-q", timeout=60), 5, "not a regular")
    _one_error(run("pose", fifo, "-q", timeout=60), 2, "not a regular")


@pytest.mark.parametrize("camera", ["-1", "99"])
def test_a_bad_camera_index_is_an_error_not_a_crash(camera: str) -> None:
    res = run("session", "--mute", "--camera", camera, timeout=60)
    assert res.returncode == 2, (res.returncode, res.stderr)  # not 139 (segfault)
    assert "Traceback" not in res.stderr
    assert [ln for ln in res.stderr.splitlines() if ln.startswith("error:")]


def test_a_session_without_input_stops_with_2(tmp_path: Path) -> None:
    res = run("session", "--mute", "--db", tmp_path / "h.db", timeout=60)
    _one_error(res, 2, "input ended")


def test_a_database_locked_by_another_program_is_exit_7(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    assert run("history", "--db", db).returncode == 0  # create it
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        analysis = tmp_path / "a.json"
        assert run("analyze", NPZ, "--json", analysis, "-q").returncode == 0
        res = run("import", analysis, "--db", db, timeout=90)
    finally:
        other.execute("ROLLBACK")
        other.close()
    _one_error(res, 7, "database")


def _faststart_clip(path: Path, frames: int = 60) -> Path:
    rng = np.random.default_rng(0)
    with av.open(str(path), "w", options={"movflags": "faststart"}) as out:
        stream = out.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 96, 64, "yuv420p"
        for _ in range(frames):
            img = rng.integers(0, 255, (64, 96, 3), dtype=np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def test_a_truncated_video_says_so(tmp_path: Path) -> None:
    whole = _faststart_clip(tmp_path / "whole.mp4")
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size * 4 // 10])
    res = run("pose", cut, "--out", tmp_path / "l.npz", "-q", "-m", "lite",
              "--allow-partial-body")  # fmt: skip
    assert "Traceback" not in res.stderr
    assert "the video ends early" in res.stderr and "of the 60 frames" in res.stderr
    whole_res = run("pose", whole, "-q", "-m", "lite", "--allow-partial-body")
    assert "ends early" not in whole_res.stderr
