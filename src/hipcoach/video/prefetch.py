"""Decode in a background thread so decoding and inference overlap."""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator, Iterable
from typing import TypeVar

T = TypeVar("T")

_END = object()


class _Failure:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


def prefetch(items: Iterable[T], maxsize: int) -> Generator[T, None, None]:
    """Iterate ``items`` in a daemon thread, buffering at most ``maxsize`` ahead.

    Exceptions raised by the producer are re-raised in the consumer. Closing the
    returned generator early (``break``, Ctrl-C) stops the producer promptly.
    """
    buf: queue.Queue[object] = queue.Queue(maxsize=maxsize)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                buf.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
        except BaseException as exc:  # noqa: BLE001 - forwarded to the consumer
            put(_Failure(exc))
            return
        put(_END)

    worker = threading.Thread(target=produce, name="hipcoach-decode", daemon=True)
    worker.start()
    try:
        while True:
            item = buf.get()
            if item is _END:
                return
            if isinstance(item, _Failure):
                raise item.exc
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        worker.join(timeout=2.0)
