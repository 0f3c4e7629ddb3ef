"""The guided session driven from somewhere else than the terminal (the browser page).

A remote front-end (``hipcoach.web.live``) runs the pose model itself and sends the
landmarks of each frame; the session engine stays the same as ``hipcoach session``'s:

- :class:`PushedFrames` + :class:`PushedBackend` turn landmark messages into the frames and
  pose candidates that :class:`~hipcoach.session.camera.CameraRepSource` (the live counter
  with ``analysis.live_count``, the cue selector and the live problems) already consumes;
- :class:`RemoteKeys` is a :class:`~hipcoach.session.keys.KeySource` fed by the page's
  buttons; :class:`RemoteScreen` is both the player's ``Display`` and ``Voice``: it keeps
  the newest :class:`~hipcoach.session.display.PlayerView` and the texts to say, and calls
  ``on_change`` (from the player's thread) whenever they change.

Times: frame times ``t_s`` are the page's seconds (increasing); the player keeps its own
clock. Nothing here knows about HTTP.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from hipcoach.backends.base import PoseCandidate
from hipcoach.session.display import PlayerView
from hipcoach.session.keys import ScriptedKeys
from hipcoach.video.base import Frame

N_LANDMARKS = 33
#: Landmarks whose visibility and position decide the live warnings: shoulders, hips,
#: knees, ankles (BlazePose indices).
BODY_POINTS = (11, 12, 23, 24, 25, 26, 27, 28)
LOW_VISIBILITY = "legs or hips hard to see: more light, or move the camera so the whole body shows"
OUT_OF_VIEW = "part of the body is out of the picture: move the camera back or lower"
NOBODY = "no person in view"
_EMPTY_RGB = np.zeros((1, 1, 3), np.uint8)


@dataclass(frozen=True)
class LandmarkFrame(Frame):
    """A frame that carries the people the page's pose model found in it (no pixels)."""

    candidates: tuple[PoseCandidate, ...] = ()


def candidate_from_lists(
    landmarks: Sequence[Sequence[float]], world: Sequence[Sequence[float]]
) -> PoseCandidate:
    """One person from the page's lists: ``landmarks`` 33 x [x, y, z, visibility]
    (x, y fractions of the picture), ``world`` 33 x [x, y, z] (metres, hip-centred).
    Presence is taken as the visibility (the web model does not report it separately)."""
    lm = np.asarray(landmarks, np.float32).reshape(N_LANDMARKS, 4)
    wd = np.asarray(world, np.float32).reshape(N_LANDMARKS, 3)
    vis = np.clip(lm[:, 3], 0.0, 1.0)
    return PoseCandidate(norm_xyz=lm[:, :3].copy(), visibility=vis, presence=vis.copy(), world=wd)


def frame_warnings(candidate: PoseCandidate | None, min_visibility: float = 0.5) -> list[str]:
    """What to tell the person about this frame: nobody found, body landmarks hard to see
    (mean visibility below ``min_visibility``), or body landmarks outside the picture."""
    if candidate is None:
        return [NOBODY]
    out: list[str] = []
    idx = list(BODY_POINTS)
    if float(np.mean(candidate.visibility[idx])) < min_visibility:
        out.append(LOW_VISIBILITY)
    xy = candidate.norm_xyz[idx, :2]
    if bool(np.any((xy < 0.0) | (xy > 1.0))):
        out.append(OUT_OF_VIEW)
    return out


class PushedFrames:
    """An iterable of :class:`LandmarkFrame` fed by :meth:`push`, holding only the newest.

    Iterating blocks until a frame is pushed or :meth:`close` is called (then it ends). A
    frame pushed while another is still waiting replaces it (``dropped`` counts those):
    the source never queues. ``info`` is None: the consumer is given the picture size.
    """

    info = None

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._pending: LandmarkFrame | None = None
        self._closed = False
        self._index = 0
        self.dropped = 0

    def push(self, t_s: float, candidates: Sequence[PoseCandidate]) -> None:
        """Offer the frame at ``t_s`` (s) with the people found in it."""
        with self._cond:
            if self._pending is not None:
                self.dropped += 1
            self._pending = LandmarkFrame(self._index, float(t_s), _EMPTY_RGB, tuple(candidates))
            self._index += 1
            self._cond.notify_all()

    def __iter__(self) -> Iterator[Frame]:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending is not None or self._closed)
                if self._pending is None:
                    return
                frame, self._pending = self._pending, None
            yield frame

    def close(self) -> None:
        """End the iteration (the page went away)."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()


class PushedBackend:
    """A ``PoseBackend`` whose "model" ran in the page: returns the frame's own candidates."""

    name = "mediapipe-tasks-vision (browser)"
    model_sha256 = ""

    def detect(self, frame: Frame) -> list[PoseCandidate]:
        """The people the page found in ``frame`` (none for a frame without landmarks)."""
        return list(frame.candidates) if isinstance(frame, LandmarkFrame) else []

    def close(self) -> None:
        """Nothing to release."""

    def __enter__(self) -> PushedBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class RemoteKeys:
    """Key presses from the page (a ``KeySource``). :meth:`wake` makes a waiting
    :meth:`read` return None early (a new frame came: the player polls the count at once).
    After :meth:`close`, reads give ``ScriptedKeys.END_OF_SCRIPT`` (the input ended)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._keys: deque[str] = deque(maxlen=64)
        self._woken = False
        self._closed = False

    def press(self, keys: str) -> None:
        """Queue each character of ``keys`` (e.g. ``"p"``, ``"7\\n"``)."""
        with self._cond:
            self._keys.extend(keys)
            self._cond.notify_all()

    def wake(self) -> None:
        """Let a waiting read return None now."""
        with self._cond:
            self._woken = True
            self._cond.notify_all()

    def close(self) -> None:
        """The page went away: end the session ("q"), then the input ends."""
        with self._cond:
            self._keys.append("q")
            self._closed = True
            self._cond.notify_all()

    def read(self, timeout_s: float) -> str | None:
        """The next key, waiting at most ``timeout_s`` (s); None on timeout or wake."""
        with self._cond:
            self._cond.wait_for(
                lambda: bool(self._keys) or self._woken or self._closed, timeout=timeout_s
            )
            self._woken = False
            if self._keys:
                return self._keys.popleft()
            return ScriptedKeys.END_OF_SCRIPT if self._closed else None


@dataclass
class RemoteScreen:
    """The player's ``Display`` and ``Voice`` for a page: the newest view, the texts to say.

    ``on_change`` is called (from the caller's thread) after every change; the web layer
    uses it to wake its sender. ``version`` increases with every change.
    """

    on_change: Callable[[], None] = lambda: None
    view: PlayerView | None = None
    version: int = 0
    _speech: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def show(self, view: PlayerView) -> None:
        """Keep ``view`` as the one to show."""
        with self._lock:
            if view == self.view:
                return
            self.view = view
            self.version += 1
        self.on_change()

    def say(self, text: str) -> None:
        """Queue ``text`` for the page's speech (the page says the newest, cutting older)."""
        with self._lock:
            self._speech.append(text)
            self.version += 1
        self.on_change()

    def take_speech(self) -> list[str]:
        """The texts queued since the last call (oldest first)."""
        with self._lock:
            out, self._speech = self._speech, []
        return out

    def close(self) -> None:
        """Nothing to release (a ``Voice`` method)."""


def render_speech(text: str, rate_wpm: int = 160, timeout_s: float = 10.0) -> bytes | None:
    """``text`` spoken by espeak-ng as WAV bytes (the page's voice when the browser has no
    speech voices), or None when espeak-ng is missing or fails. The streamed header's sizes
    are filled in so every browser plays it."""
    program = shutil.which("espeak-ng") or shutil.which("espeak")
    if program is None:
        return None
    try:
        done = subprocess.run(
            [program, "-s", str(int(rate_wpm)), "--stdout", "--", text[:500]],
            capture_output=True,
            timeout=timeout_s,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    wav = bytearray(done.stdout)
    if done.returncode != 0 or len(wav) < 44 or wav[:4] != b"RIFF" or wav[36:40] != b"data":
        return None
    wav[4:8] = struct.pack("<I", len(wav) - 8)
    wav[40:44] = struct.pack("<I", len(wav) - 44)
    return bytes(wav)
