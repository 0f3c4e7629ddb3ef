"""One person on every frame, a look for others now and then: a faster pose step (opt-in).

MediaPipe's landmarker asked for two people runs its person detector on every frame while it
tracks fewer than two (to find the second), which costs about half again the time of a
one-person landmarker, whose detector runs only when it loses its person. The
:class:`ScoutedBackend` runs a one-person landmarker on every frame and a landmarker asked for
``max_people`` (the scout) once every ``every_s`` seconds of video. As long as the scout sees
one person at most, the one-person answer is used; the first time it sees more than one,
bystanders are there: from that frame on the scout runs on every frame, exactly as the old
default did (the tracker chooses the exerciser among everyone, and counts the frames with
others). A bystander is so noticed within ``every_s`` seconds at a small fraction of the cost.

It is faster, but the one-person model places a side-lying leg less well, so it is off by
default (``PoseSettings.bystander_check_s`` = 0; the measurements are in docs/performance.md,
"Looking for bystanders less often").
"""

from __future__ import annotations

from typing import Any

from hipcoach.backends.base import PoseBackend, PoseCandidate
from hipcoach.config import PoseSettings
from hipcoach.video.base import Frame


def pose_backend(pose: PoseSettings) -> PoseBackend:
    """The pose step's backend for ``pose``: scouted when it looks for more than one person
    and ``bystander_check_s`` > 0, else one MediaPipe landmarker."""
    from hipcoach.backends import create_backend  # noqa: PLC0415 - mediapipe on use

    if pose.max_people == 1 or pose.bystander_check_s <= 0:
        return create_backend(pose.model, settings=pose)
    one = create_backend(pose.model, settings=pose.model_copy(update={"max_people": 1}))
    try:
        scout = create_backend(pose.model, settings=pose)
    except BaseException:
        one.close()
        raise
    return ScoutedBackend(one, scout, pose.bystander_check_s)


class ScoutedBackend:
    """A one-person backend on every frame plus a many-person scout every ``every_s`` (s)."""

    def __init__(self, one: PoseBackend, scout: PoseBackend, every_s: float) -> None:
        self._one, self._scout, self._every_s = one, scout, every_s
        self._last_scout_s: float | None = None
        #: True once the scout saw more than one person: it then runs on every frame.
        self.others_seen = False
        self.name = one.name
        self.model_sha256 = one.model_sha256

    def detect(self, frame: Frame) -> list[PoseCandidate]:
        """The people in ``frame`` (see the module docstring)."""
        if self.others_seen:
            return self._scout.detect(frame)
        due = self._last_scout_s is None or frame.time_s - self._last_scout_s >= self._every_s
        if due:
            self._last_scout_s = frame.time_s
            found = self._scout.detect(frame)
            if len(found) > 1:
                self.others_seen = True
                return found
        return self._one.detect(frame)

    def close(self) -> None:
        """Release both models."""
        try:
            self._one.close()
        finally:
            self._scout.close()

    def __enter__(self) -> ScoutedBackend:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
