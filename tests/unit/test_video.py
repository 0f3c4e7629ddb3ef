"""Video readers: timestamps, rotation, scaling, image folders and bad input."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from hipcoach.config import DEFAULTS
from hipcoach.errors import InputError
from hipcoach.video import open_source, prefetch
from hipcoach.video.open import camera_index
from tests.helpers.clips import gradient_painter, set_mp4_rotation, write_clip


def _read_all(spec: Path | str, **pose_updates: int) -> tuple[list[float], list[np.ndarray], Any]:
    pose = DEFAULTS.pose.model_copy(update=pose_updates)
    with open_source(spec, pose) as src:
        frames = list(src)
        return [f.time_s for f in frames], [f.rgb for f in frames], src.info


def test_constant_rate_times(cfr_clip: Path) -> None:
    times, imgs, info = _read_all(cfr_clip)
    assert len(times) == 30
    np.testing.assert_allclose(times, np.arange(30) / 30, atol=1e-3)
    assert imgs[0].shape == (48, 64, 3)
    assert info.width == 64 and info.height == 48


def test_variable_rate_times(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    want = np.cumsum(rng.uniform(0.02, 0.09, 40)) - 0.02
    clip = write_clip(tmp_path / "vfr.mp4", list(want), gradient_painter(64, 48))
    times, _, _ = _read_all(clip)
    np.testing.assert_allclose(times, want - want[0], atol=2e-4)


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_rotation_metadata_turns_frames_upright(tmp_path: Path, rotation: int) -> None:
    clip = write_clip(tmp_path / "rot.mp4", [0.0, 0.04, 0.08], gradient_painter(64, 32))
    stored = _read_all(clip)[1][0]
    set_mp4_rotation(clip, rotation)
    _, imgs, info = _read_all(clip)
    expected = np.rot90(stored, rotation // 90)
    assert imgs[0].shape == expected.shape
    assert info.rotation_deg % 360 == rotation
    assert np.abs(imgs[0].astype(int) - expected.astype(int)).mean() < 3


def test_large_frames_are_downscaled_but_size_is_reported(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "big.mp4", [0.0, 0.1], gradient_painter(640, 320))
    _, imgs, info = _read_all(clip, max_inference_side_px=256)
    assert max(imgs[0].shape[:2]) <= 256
    assert (info.width, info.height) == (640, 320)


def test_huge_resolution_is_refused(cfr_clip: Path) -> None:
    with pytest.raises(InputError, match="larger than hipcoach accepts"):
        _read_all(cfr_clip, max_frame_pixels=1000)


def test_image_folder(tmp_path: Path) -> None:
    paint = gradient_painter(40, 30)
    for i in range(3):
        cv2.imwrite(str(tmp_path / f"f{i:03d}.png"), paint(i, 0.0)[..., ::-1])
    times, imgs, info = _read_all(tmp_path)
    np.testing.assert_allclose(times, np.arange(3) / DEFAULTS.video.image_folder_fps)
    np.testing.assert_array_equal(imgs[1], paint(1, 0.0))
    assert info.kind == "images"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.mp4", None, "file not found"),
        ("empty.mp4", b"", "empty"),
        ("notes.mp4", b"hello " * 100, "cannot read"),
        ("notes.txt", b"hello " * 100, "not a video"),
        ("pic.png", b"x", "still image"),
        ("folder", "dir", "no images"),
    ],
)
def test_bad_inputs_raise_input_error(
    tmp_path: Path, name: str, content: bytes | str | None, message: str
) -> None:
    path = tmp_path / name
    if content == "dir":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        _read_all(path)


def test_truncated_file_is_an_input_error(cfr_clip: Path, tmp_path: Path) -> None:
    data = cfr_clip.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError):
        _read_all(cut)


def test_audio_only_file_has_no_video_track(tmp_path: Path) -> None:
    import av

    path = tmp_path / "sound.m4a"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("aac", rate=8000)
        samples = np.zeros((1, 1024), np.float32)
        frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
        frame.sample_rate = 8000
        for packet in [*stream.encode(frame), *stream.encode()]:
            out.mux(packet)
    with pytest.raises(InputError, match="no video track"):
        _read_all(path)


def test_camera_index_parsing(cfr_clip: Path) -> None:
    assert camera_index(0) == 0
    assert camera_index("2") == 2
    assert camera_index("camera:1") == 1
    assert camera_index(str(cfr_clip)) is None


def test_prefetch_forwards_errors_and_stops_early() -> None:
    def broken():  # type: ignore[no-untyped-def]
        yield 1
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        list(prefetch(broken(), 2))
    gen = prefetch(iter(range(10_000)), 4)
    assert next(gen) == 0
    gen.close()
    assert not any(t.name == "hipcoach-decode" and t.is_alive() for t in threading.enumerate())


def test_zero_length_video_is_an_input_error(tmp_path: Path) -> None:
    import av

    path = tmp_path / "zero.mp4"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        out.start_encoding()
    assert path.stat().st_size > 0
    with pytest.raises(InputError, match=r"no decodable video frames|no video track"):
        _read_all(path)


def test_missing_camera_is_an_input_error() -> None:
    with pytest.raises(InputError, match="camera"):
        _read_all("camera:97")
