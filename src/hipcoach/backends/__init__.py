"""Pose backends: the real MediaPipe model, or a replay of recorded landmarks.

``MediaPipeBackend`` is imported lazily (``hipcoach.backends.mediapipe_backend``) so that
importing hipcoach never loads mediapipe.
"""

from hipcoach.backends.base import PoseBackend, PoseCandidate
from hipcoach.backends.replay import ReplayBackend

__all__ = ["PoseBackend", "PoseCandidate", "ReplayBackend", "create_backend"]


def create_backend(model: str = "full", **kwargs: object) -> PoseBackend:
    """Create the real MediaPipe backend for ``model`` ("lite", "full" or "heavy")."""
    from hipcoach.backends.mediapipe_backend import MediaPipeBackend  # noqa: PLC0415 - lazy

    return MediaPipeBackend(model=model, **kwargs)  # type: ignore[arg-type]
