"""Holding Ctrl-C while native code works on memory Python owns.

MediaPipe's Tasks API runs each inference on a worker thread and waits for it. A Ctrl-C
raised in the waiting thread unwinds and frees the image while the worker still reads it:
a segmentation fault (docs/hardening.md, "Ctrl-C"). :func:`shielded`
holds a press until the call returns, then delivers it to the handler that was in place,
so the usual Ctrl-C policy applies one frame later.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


@contextmanager
def shielded() -> Iterator[None]:
    """Run the body with Ctrl-C held (main thread only; elsewhere a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pressed: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        pressed.append(signum)

    previous = signal.signal(signal.SIGINT, hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if pressed and callable(previous):  # Python's default handler raises KeyboardInterrupt
        previous(signal.SIGINT, None)
    elif pressed and previous is None:  # installed outside Python: act as the default
        raise KeyboardInterrupt
