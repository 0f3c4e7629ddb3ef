"""Frames whose rows are not packed (a strided view) reach the model as the picture they show.

PyAV pads the rows of a scaled frame (``to_ndarray`` then returns a strided view) and
``mp.Image`` reads its buffer as packed rows: before the fix, a portrait clip scaled to
360x640 was read as a garbled picture and the person was found in 14% of the frames
instead of all of them (docs/performance.md, "Default `hipcoach pose` vs the legacy loop").
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from hipcoach.config import DEFAULTS
from hipcoach.video.base import Frame
from hipcoach.video.files import VideoFileSource

pytestmark = pytest.mark.integration

CLIP = Path(__file__).resolve().parents[1] / "data" / "rendered" / "series_left_front_high.mp4"


def _first_frame(path: Path, max_side_px: int) -> Frame:
    with VideoFileSource(path, max_side_px=max_side_px, max_frame_pixels=10**9) as source:
        return next(iter(source))


def test_a_scaled_frame_with_padded_rows_comes_out_packed(tmp_path: Path) -> None:
    clip = tmp_path / "portrait.mp4"
    with av.open(str(clip), "w") as out:
        stream = out.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 608, 1080, "yuv420p"
        for value in (40, 120):
            picture = np.full((1080, 608, 3), value, np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    frame = _first_frame(clip, 640)
    assert frame.rgb.shape == (640, 360, 3)
    assert frame.rgb.flags["C_CONTIGUOUS"]


def test_the_model_finds_the_person_in_a_strided_view_of_the_frame() -> None:
    from hipcoach.backends import create_backend

    frame = _first_frame(CLIP, DEFAULTS.pose.max_inference_side_px)
    padded = np.zeros((frame.rgb.shape[0], frame.rgb.shape[1] + 8, 3), np.uint8)
    padded[:, :-8] = frame.rgb
    view = padded[:, :-8]  # the same picture, rows 8 pixels apart from packed
    assert not view.flags["C_CONTIGUOUS"] and np.array_equal(view, frame.rgb)
    with create_backend("full", settings=DEFAULTS.pose) as backend:
        packed = backend.detect(frame)
    with create_backend("full", settings=DEFAULTS.pose) as backend:
        strided = backend.detect(Frame(index=0, time_s=0.0, rgb=view))
    assert len(packed) == 1 and len(strided) == 1
    assert np.allclose(strided[0].norm_xyz, packed[0].norm_xyz, atol=1e-6)
