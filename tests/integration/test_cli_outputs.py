"""Outputs are checked before any work: a user's recording is never overwritten."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from tests.integration.test_cli import _assert_clean_error, run

pytestmark = pytest.mark.integration

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"
DEMO = Path(__file__).resolve().parents[2] / "src" / "hipcoach" / "data" / "demo_hip_series.mp4"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    "args",
    [
        ("pose", "{clip}", "--overlay", "{clip}"),
        ("pose", "{clip}", "--out", "{clip}"),
        ("analyze", "{clip}", "--overlay", "{clip}"),
        ("analyze", "{clip}", "--json", "{clip}"),
        ("analyze", "{clip}", "--report", "{clip}"),
        ("analyze", "{clip}", "--landmarks", "{clip}"),
        ("analyze", "{npz}", "--json", "{npz}"),
    ],
)
def test_an_output_onto_the_input_is_refused_and_the_input_kept(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    clip = tmp_path / "my clip.mp4"
    shutil.copyfile(DEMO, clip)
    npz = tmp_path / "landmarks.npz"
    shutil.copyfile(CORPUS / "B01_L_front.npz", npz)
    before = {p: _digest(p) for p in (clip, npz)}
    res = run(*(a.format(clip=clip, npz=npz) for a in args), "-q")
    _assert_clean_error(res, 5, "is the input file")
    assert {p: _digest(p) for p in (clip, npz)} == before


def test_outputs_onto_a_folder_or_where_no_folder_can_be_made_fail_before_the_work(
    tmp_path: Path,
) -> None:
    npz = CORPUS / "B01_L_front.npz"
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder should be")
    res = run("analyze", npz, "--json", blocker / "sub" / "a.json", "-q")
    _assert_clean_error(res, 5, "cannot be made")
    res = run("analyze", npz, "--json", tmp_path / "new" / "a.json", "-q")
    assert res.returncode == 0 and (tmp_path / "new" / "a.json").exists()
    res = run("analyze", npz, "--report", tmp_path, "-q")
    _assert_clean_error(res, 5, "is a folder")
    same = tmp_path / "a.json"
    res = run("analyze", npz, "--json", same, "--report", same, "-q")
    _assert_clean_error(res, 5, "are the same file")
    assert not same.exists()


def test_demo_out_dir_onto_a_file_and_a_negative_camera_are_refused(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("keep me\n")
    _assert_clean_error(run("demo", "--out-dir", target), 5, "is a file")
    assert target.read_text() == "keep me\n"
    res = run("session", "--mute", "--camera", "-1")
    assert res.returncode == 2 and "Traceback" not in res.stderr + res.stdout  # usage error


@pytest.mark.parametrize("value", ["0", "nan", "-3", "inf"])
def test_max_seconds_must_be_a_positive_finite_number(value: str) -> None:
    res = run("pose", CORPUS / "B01_L_front.npz", "--max-seconds", value)
    assert res.returncode == 2
    assert "positive number of seconds" in res.stderr
    assert "Traceback" not in res.stderr + res.stdout


def test_a_routine_path_that_is_a_fifo_or_folder_fails_at_once(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "routine.toml"
    os.mkfifo(fifo)
    for routine, why in ((fifo, "not a regular file"), (tmp_path, "is a folder")):
        res = run("analyze", CORPUS / "B01_L_front.npz", "--routine", routine, "-q")
        _assert_clean_error(res, 5, why)


def test_odd_file_names_and_non_videos_get_plain_one_line_errors(tmp_path: Path) -> None:
    res = run("pose", tmp_path / "nope[/x].mp4")
    _assert_clean_error(res, 2, "nope[/x].mp4")
    text = tmp_path / "t.mp4"
    text.write_text("hello")
    res = run("pose", text)
    _assert_clean_error(res, 2, "cannot read t.mp4 as a video")
    assert "Errno" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def test_a_landmarks_file_with_no_frames_is_no_person_and_landmarks_option_warns(
    tmp_path: Path,
) -> None:
    import numpy as np

    from hipcoach.sequence.io import load_npz, save_npz

    seq = load_npz(CORPUS / "B01_L_front.npz")
    empty = tmp_path / "empty.npz"
    save_npz(seq.select(np.zeros(len(seq), bool)), empty)
    _assert_clean_error(run("analyze", empty), 4, "no frames")
    res = run("analyze", CORPUS / "B01_L_front.npz", "--landmarks", tmp_path / "l.csv", "-q")
    assert res.returncode == 0
    assert "--landmarks is ignored" in res.stderr


def test_a_clip_with_no_side_lying_exercise_is_one_line_with_the_fix(tmp_path: Path) -> None:
    """A standing person (a stance screen clip) analysed as the hip series: exit 6, the
    reason and where to put the camera, in one line."""
    clip = Path(__file__).resolve().parents[1] / "data" / "rendered_standing"
    res = run("analyze", clip / "stance_level_left.mp4", "--json", tmp_path / "r.json", "-q")
    _assert_clean_error(res, 6, "no hip-series exercise found: no side-lying body found")
    assert "place the camera in front of you" in res.stderr
    assert len([line for line in res.stderr.splitlines() if line.startswith("error:")]) == 1
