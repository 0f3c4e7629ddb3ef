"""Messages from worker processes to the driver (frames done, for progress bars)."""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterator
from multiprocessing.context import SpawnContext
from typing import Any


@contextlib.contextmanager
def relayed(context: SpawnContext, handle: Callable[[Any], None]) -> Iterator[Any]:
    """A queue to give worker processes (as an initializer argument): whatever they put on it
    is passed to ``handle`` in a thread of this process, until the block ends and the queue
    is empty. ``handle`` must not raise."""
    messages = context.Queue()
    stop = threading.Event()

    def pump() -> None:
        while True:
            try:
                item = messages.get(timeout=0.1)
            except queue.Empty:
                if stop.is_set():
                    return
                continue
            except (OSError, ValueError, EOFError):  # the queue is closed
                return
            handle(item)

    thread = threading.Thread(target=pump, name="hipcoach-relay", daemon=True)
    thread.start()
    try:
        yield messages
    finally:
        stop.set()
        thread.join(timeout=2.0)
        messages.close()
