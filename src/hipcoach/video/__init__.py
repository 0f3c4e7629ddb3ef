"""Video in: files (PyAV), image folders and webcams, as a stream of RGB frames with
timestamps in seconds."""

from hipcoach.video.base import Frame, FrameSource, SourceInfo
from hipcoach.video.open import open_source
from hipcoach.video.prefetch import prefetch

__all__ = ["Frame", "FrameSource", "SourceInfo", "open_source", "prefetch"]
