"""The installed ``hipcoach`` command, run as a user would (real model, real files)."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hipcoach.landmarks import NAMES
from hipcoach.sequence.io import load
from tests.conftest import shared_file
from tests.helpers.clips import gradient_painter, write_clip

pytestmark = pytest.mark.integration

HIPCOACH = [sys.executable, "-m", "hipcoach"]


def run(
    *args: str | Path, cwd: Path | None = None, prefix: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*prefix, *HIPCOACH, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        check=False,
    )


def test_pose_writes_csv_with_one_row_per_frame(tmp_path: Path) -> None:
    clip = shared_file("tfjs_squat_miniband/pose_squats.mp4")
    out = tmp_path / "squat.csv"
    res = run("pose", clip, "--out", out, "--model", "lite", "-q")
    assert res.returncode == 0, res.stderr
    rows = list(csv.reader(out.open()))
    assert rows[0][0] == "time_s" and rows[0][1] == f"{NAMES[0]}_x"
    assert len(rows[0]) == 1 + 33 * 4
    assert len(rows) == 1 + 65
    assert float(rows[-1][0]) == pytest.approx(12.8, abs=1e-3)


def test_pose_overlay_and_trc(tmp_path: Path) -> None:
    clip = shared_file("tfjs_single_leg_stance/pose_1.mp4")
    res = run("pose", clip, "--out", tmp_path / "p.trc", "--overlay", tmp_path / "o.mp4", "-q")
    assert res.returncode == 0, res.stderr
    import av

    with av.open(str(tmp_path / "o.mp4")) as c:
        assert sum(1 for _ in c.decode(video=0)) == 120
    lines = (tmp_path / "p.trc").read_text().splitlines()
    assert lines[0].startswith("PathFileType")
    assert "120" in lines[2].split("\t")


@pytest.mark.skipif(shutil.which("unshare") is None, reason="unshare not available")
def test_pose_runs_without_network(tmp_path: Path) -> None:
    if subprocess.run(["unshare", "-n", "true"], check=False).returncode != 0:
        pytest.skip("cannot create a network namespace here")
    clip = shared_file("tfjs_squat_miniband/pose_squats.mp4")
    res = run("pose", clip, "--out", tmp_path / "s.npz", "-q", prefix=("unshare", "-n"))
    assert res.returncode == 0, res.stderr
    assert load(tmp_path / "s.npz").detection_rate == 1.0


def _assert_clean_error(res: subprocess.CompletedProcess[str], code: int, text: str) -> None:
    assert res.returncode == code, (res.returncode, res.stderr)
    assert "Traceback" not in res.stderr + res.stdout
    assert text in res.stderr, res.stderr


@pytest.mark.parametrize(
    ("name", "content", "code", "text"),
    [
        ("missing.mp4", None, 2, "file not found"),
        ("empty.mp4", b"", 2, "empty"),
        ("notes.txt", b"not a video\n" * 50, 2, "not a video"),
        ("junk.mp4", bytes(range(256)) * 40, 2, "cannot read"),
    ],
)
def test_bad_files_give_one_line_errors(
    tmp_path: Path, name: str, content: bytes | None, code: int, text: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    _assert_clean_error(run("pose", path, "--out", tmp_path / "x.npz"), code, text)


def test_no_person_is_a_clear_error(tmp_path: Path) -> None:
    clip = write_clip(
        tmp_path / "room.mp4", [i / 10 for i in range(10)], gradient_painter(160, 120)
    )
    _assert_clean_error(run("pose", clip, "-q"), 4, "no person found")


def test_body_half_out_of_frame_is_reported(tmp_path: Path) -> None:
    import av

    src = shared_file("tfjs_single_leg_stance/pose_1.mp4")
    frames = []
    with av.open(str(src)) as c:
        frames = [f.to_ndarray(format="rgb24")[:330] for f in c.decode(video=0)][:45]
    clip = write_clip(
        tmp_path / "top.mp4", [i / 30 for i in range(len(frames))], lambda i, t: frames[i]
    )
    out = tmp_path / "top.npz"
    res = run("pose", clip, "--out", out, "-q")
    _assert_clean_error(res, 4, "partly out of frame")
    assert out.exists(), "landmarks must still be saved"
    assert run("pose", clip, "-q", "--allow-partial-body").returncode == 0


def test_bad_option_is_a_usage_error(tmp_path: Path) -> None:
    clip = shared_file("tfjs_squat_miniband/pose_squats.mp4")
    res = run("pose", clip, "--model", "giant")
    assert res.returncode == 2 and "Traceback" not in res.stderr
    res = run("pose", clip, "--max-people", "0")
    _assert_clean_error(res, 5, "max_people")
    res = run("pose", clip, "--out", tmp_path / "x.xyz", "-q")
    _assert_clean_error(res, 2, "unknown output format")


def test_models_lists_bundled_models() -> None:
    res = run("models")
    assert res.returncode == 0
    assert "lite" in res.stdout and "full" in res.stdout and "ok" in res.stdout


def test_demo_runs(tmp_path: Path) -> None:
    res = run("demo", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "hipcoach-demo" / "landmarks.csv").exists()
    assert "not a medical device" in res.stdout


def test_analyze_a_squat_video_finds_no_hip_series(tmp_path: Path) -> None:
    clip = shared_file("tfjs_squat_miniband/pose_squats.mp4")
    res = run("analyze", clip, "--json", tmp_path / "a.json", "-q")
    _assert_clean_error(res, 6, "no hip-series exercise found")
    assert "reps" not in res.stdout


def test_analyze_an_empty_room_finds_nobody(tmp_path: Path) -> None:
    clip = write_clip(
        tmp_path / "room.mp4", [i / 10 for i in range(10)], gradient_painter(160, 120)
    )
    res = run("analyze", clip, "-q")
    assert res.returncode in (4, 6), res.stderr
    assert "Traceback" not in res.stderr
    assert "no person found" in res.stderr or "no hip-series exercise found" in res.stderr


def test_analyze_bad_routine_names_line_and_field(tmp_path: Path) -> None:
    from importlib.resources import files

    text = (files("hipcoach") / "exercises" / "hip_series.toml").read_text()
    bad = text.replace("rep_high_deg = 10.0", "rep_high_deg = 1.0", 1)
    assert bad != text
    path = tmp_path / "routine.toml"
    path.write_text(bad)
    clip = shared_file("tfjs_squat_miniband/pose_squats.mp4")
    res = run("analyze", clip, "--routine", path, "-q")
    assert res.returncode == 5, res.stderr
    assert "line" in res.stderr and "rep_high_deg" in res.stderr and "Traceback" not in res.stderr
