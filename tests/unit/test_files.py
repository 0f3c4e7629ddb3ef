"""Atomic, private writes: an output appears whole or not at all (issue 13)."""

from __future__ import annotations

import stat
from pathlib import Path

import numpy as np
import pytest

from hipcoach.errors import ConfigError, InputError
from hipcoach.files import atomic_output, check_outputs, write_bytes, write_text
from hipcoach.video.overlay import OverlayWriter


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_write_text_replaces_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "a.json"
    target.write_text("old", encoding="utf-8")
    write_text(target, "new")
    assert target.read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]


def test_failed_writer_leaves_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "a.csv"
    target.write_bytes(b"precious")
    with pytest.raises(RuntimeError), atomic_output(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("disk went away")
    assert target.read_bytes() == b"precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]


def test_interrupted_writer_leaves_old_file(tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    target.write_bytes(b"precious")
    with pytest.raises(KeyboardInterrupt), atomic_output(target) as tmp:
        tmp.write_bytes(b"half")
        raise KeyboardInterrupt
    assert target.read_bytes() == b"precious"
    assert len(list(tmp_path.iterdir())) == 1


def test_private_files_are_owner_only(tmp_path: Path) -> None:
    write_text(tmp_path / "p.csv", "pain", private=True)
    write_bytes(tmp_path / "q.png", b"x", private=True)
    write_text(tmp_path / "open.json", "{}")
    assert _mode(tmp_path / "p.csv") == 0o600
    assert _mode(tmp_path / "q.png") == 0o600
    assert _mode(tmp_path / "open.json") != 0o600


def test_unwritable_folder_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot write") as info:
        write_text(tmp_path / "missing" / "a.json", "x")
    assert "Errno" not in str(info.value)


def _frames(writer: OverlayWriter, n: int) -> None:
    for k in range(n):
        writer.write(np.full((48, 64, 3), 10 * k, np.uint8), k / 10)


def test_overlay_replaces_target_only_when_finished(tmp_path: Path) -> None:
    target = tmp_path / "over.mp4"
    target.write_bytes(b"precious")
    with pytest.raises(RuntimeError), OverlayWriter(target, 64, 48, 10.0) as w:
        _frames(w, 3)
        raise RuntimeError("analysis failed")
    assert target.read_bytes() == b"precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["over.mp4"]
    with OverlayWriter(target, 64, 48, 10.0) as w:
        _frames(w, 3)
    assert target.read_bytes()[4:8] == b"ftyp"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["over.mp4"]


def test_overlay_keeps_frames_done_before_ctrl_c(tmp_path: Path) -> None:
    target = tmp_path / "over.mp4"
    with pytest.raises(KeyboardInterrupt), OverlayWriter(target, 64, 48, 10.0) as w:
        _frames(w, 3)
        raise KeyboardInterrupt
    assert target.stat().st_size > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["over.mp4"]


def test_json_safe_turns_non_finite_numbers_into_null_and_rounds() -> None:
    from hipcoach.files import json_safe

    data = {"a": float("nan"), 2: (1.23456, float("inf")), "b": [{"c": -float("inf")}]}
    assert json_safe(data) == {"a": None, "2": [1.23456, None], "b": [{"c": None}]}
    assert json_safe({"x": 1.23456}, decimals=2) == {"x": 1.23}


def test_check_outputs_refuses_inputs_folders_and_twins_and_makes_folders(tmp_path: Path) -> None:
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"video")
    with pytest.raises(ConfigError, match=r"--out .* is the input file"):
        check_outputs([video], {"--out": tmp_path / "." / "clip.mp4"})
    with pytest.raises(ConfigError, match="--a and --b are the same file"):
        check_outputs([], {"--b": tmp_path / "x.json", "--a": tmp_path / "x.json"})
    with pytest.raises(ConfigError, match=r"--out .* is a folder"):
        check_outputs([], {"--out": tmp_path})
    missing = tmp_path / "new" / "deeper" / "r.html"
    check_outputs(["0"], {"--out": missing, "--none": None})  # "0": a webcam, not a path
    assert missing.parent.is_dir() and not missing.exists()
    assert video.read_bytes() == b"video"


def test_library_writers_use_the_same_output_check(tmp_path: Path) -> None:
    from hipcoach.history.export import write_sets_csv
    from hipcoach.history.stats import HistoryData

    empty = HistoryData(sessions=[], sets={}, pain=[])
    with pytest.raises(ConfigError, match=r"the CSV file .* is a folder"):
        write_sets_csv(empty, tmp_path)
    assert write_sets_csv(empty, tmp_path / "made" / "h.csv") == 0
    assert (tmp_path / "made" / "h.csv").is_file()
