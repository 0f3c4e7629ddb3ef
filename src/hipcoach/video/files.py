"""Video files (mp4, mov, webm, avi, ...) decoded with PyAV.

Timestamps come from the container (presentation time of each frame), so
variable-frame-rate phone clips keep their real timing. Rotation metadata
(display matrix) is honoured: frames are turned upright before use.
"""

from __future__ import annotations

import math
import re
from collections.abc import Generator, Iterator
from pathlib import Path

import av
import numpy as np
from numpy.typing import NDArray

from hipcoach.errors import InputError
from hipcoach.files import path_problem
from hipcoach.video.base import Frame, SourceInfo, scaled_size

_NOT_VIDEO_FORMATS = frozenset({"tty", "image2", "lavfi"})
#: A file that yields fewer than this share of the frames its header declares is reported.
TRUNCATED_SHARE = 0.9
_FIX_VIDEO = "give a video file (mp4, mov, webm or avi) that plays in a media player"


def _open_container(path: Path) -> av.container.InputContainer:
    problem = path_problem(path)
    if problem is not None:
        fix = "check the path" if problem.startswith("file not found") else _FIX_VIDEO
        raise InputError(problem, fix=fix)
    if path.stat().st_size == 0:
        raise InputError(f"the file is empty (0 bytes): {path}", fix=_FIX_VIDEO)
    try:
        return av.open(str(path), mode="r")
    except (av.FFmpegError, OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"cannot read {path.name} as a video ({_short(exc)})", fix=_FIX_VIDEO
        ) from exc


def _check_format(container: av.container.InputContainer, path: Path) -> None:
    """Refuse demuxers that accept non-video files (text shown as ANSI art, still images)."""
    fmt = container.format.name.split(",")[0]
    if fmt in _NOT_VIDEO_FORMATS or fmt.endswith("_pipe"):
        container.close()
        raise InputError(f"{path.name} is not a video (it reads as '{fmt}')", fix=_FIX_VIDEO)


def _short(exc: BaseException) -> str:
    """The library's reason in plain words: no "[Errno N]" codes, no repeated path."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    text = re.sub(r"^\[Errno -?\d+\]\s*", "", text)
    text = re.sub(r":\s*'[^']*'$", "", text)
    return text[:160]


def _rotate(rgb: NDArray[np.uint8], rotation_deg: int) -> NDArray[np.uint8]:
    """Rotate by ``rotation_deg`` counter-clockwise (a multiple of 90)."""
    k = (rotation_deg // 90) % 4
    return rgb if k == 0 else np.ascontiguousarray(np.rot90(rgb, k))


class VideoFileSource:
    """Frames of a video file. See the module docstring."""

    def __init__(
        self,
        path: Path,
        *,
        max_side_px: int,
        max_frame_pixels: int,
        span_s: tuple[float, float | None] | None = None,
        decoder_threads: int = 0,
    ) -> None:
        """``span_s`` = (start, end) in seconds from the start of the video: only the frames
        with start <= time < end (end None: to the end) are read, after a seek to the key
        frame before start (for one time chunk of a long video). ``decoder_threads``: 0 lets
        the decoder choose (every core), 1 decodes in the calling thread only."""
        self.path = path
        self.warnings: list[str] = []
        self._span = span_s
        self._container = _open_container(path)
        _check_format(self._container, path)
        if not self._container.streams.video:
            self._container.close()
            raise InputError(f"{path.name} has no video track", fix=_FIX_VIDEO)
        self._stream = self._container.streams.video[0]
        self._stream.thread_type = "AUTO" if decoder_threads != 1 else "NONE"
        self._stream.thread_count = max(0, decoder_threads)
        self._frames = self._decode()
        try:
            self._first = next(self._frames)
        except StopIteration:
            self.close()
            raise InputError(
                f"{path.name} contains no decodable video frames", fix=_FIX_VIDEO
            ) from None
        self._check_size(max_frame_pixels)
        self._size = scaled_size(self._first.width, self._first.height, max_side_px)
        self.info = self._make_info()
        #: The frame decoded already, yielded first (None after a seek).
        self._pending: av.VideoFrame | None = self._first
        if span_s is not None and span_s[0] > 0:
            self._seek(span_s[0])

    def _seek(self, start_s: float) -> None:
        """Go to the key frame at or before ``start_s`` (s from the start of the video)."""
        s = self._stream
        self._frames.close()
        self._pending = None
        if s.time_base is not None:
            target = int((start_s + self._start_time()) / s.time_base)
            self._container.seek(target, stream=s, backward=True, any_frame=False)
        self._frames = self._decode()

    def _check_size(self, max_frame_pixels: int) -> None:
        w, h = self._first.width, self._first.height
        if w * h > max_frame_pixels:
            self.close()
            raise InputError(
                f"{self.path.name} is {w}x{h} pixels, larger than hipcoach accepts",
                fix="re-export the clip at 4K or less",
            )

    def _make_info(self) -> SourceInfo:
        s = self._stream
        rotation = round((self._first.rotation or 0) / 90.0) * 90
        w, h = self._first.width, self._first.height
        if rotation % 180:
            w, h = h, w
        rate = s.average_rate or s.guessed_rate
        duration = float(s.duration * s.time_base) if s.duration and s.time_base else None
        if duration is None and self._container.duration:
            duration = self._container.duration / 1_000_000
        return SourceInfo(
            uri=str(self.path),
            kind="file",
            width=w,
            height=h,
            rotation_deg=rotation,
            nominal_fps=float(rate) if rate else None,
            duration_s=duration,
            frame_count=int(s.frames) if s.frames else None,
            codec=s.codec_context.name,
        )

    def _decode(self) -> Generator[av.VideoFrame, None, None]:
        try:
            yield from self._container.decode(self._stream)
        except av.FFmpegError as exc:
            self.warnings.append(
                f"decoding stopped early: {_short(exc)} (file truncated or corrupt?)"
            )

    def _start_time(self) -> float:
        s = self._stream
        if s.start_time is not None and s.time_base is not None:
            return float(s.start_time * s.time_base)
        return 0.0

    def __iter__(self) -> Iterator[Frame]:
        start = self._start_time()
        period = 1.0 / self.info.nominal_fps if self.info.nominal_fps else 1.0 / 30.0
        first_s, end_s = self._span or (-math.inf, None)
        last_t = -math.inf
        index = 0
        dropped = 0
        w, h = self._size
        pending, frames = self._pending, self._frames
        for frame in frames if pending is None else _chain_first(pending, frames):
            tb = frame.time_base
            t = float(frame.pts * tb) - start if frame.pts is not None and tb else last_t + period
            if t < first_s:  # decoded from the key frame before the span
                continue
            if end_s is not None and t >= end_s:
                return
            if t <= last_t:
                dropped += 1
                continue
            # scaled rows can be padded (a strided view): the model needs contiguous pixels
            rgb = np.ascontiguousarray(
                frame.to_ndarray(format="rgb24", width=w, height=h), dtype=np.uint8
            )
            yield Frame(index=index, time_s=t, rgb=_rotate(rgb, self.info.rotation_deg))
            last_t = t
            index += 1
        if dropped:
            self.warnings.append(f"skipped {dropped} frame(s) with repeated or backward timestamps")
        short = ended_early(index + dropped, self.info.frame_count)
        if self._span is None and short:
            self.warnings.append(short)

    def close(self) -> None:
        """Release the file."""
        self._container.close()

    def __enter__(self) -> VideoFileSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def frames_declared(path: Path) -> int | None:
    """The frame count a video file's header declares (or duration x rate); None when the
    file cannot be opened or says nothing. Reads the header only (no decoding)."""
    try:
        with av.open(str(path), mode="r") as container:
            stream = container.streams.video[0]
            if stream.frames:
                return int(stream.frames)
            rate = stream.average_rate or stream.guessed_rate
            if rate and stream.duration and stream.time_base:
                return round(float(stream.duration * stream.time_base * rate))
    except (av.FFmpegError, OSError, IndexError, UnicodeDecodeError):
        pass
    return None


def ended_early(read: int, declared: int | None) -> str | None:
    """The warning for a file that gave ``read`` of the ``declared`` frames, if too few."""
    if not declared or read >= TRUNCATED_SHARE * declared:
        return None
    return (
        f"the video ends early: {read} of the {declared} frames it declares could be "
        "read (a truncated or damaged file?); only those were analysed"
    )


def _chain_first(first: av.VideoFrame, rest: Iterator[av.VideoFrame]) -> Iterator[av.VideoFrame]:
    yield first
    yield from rest
