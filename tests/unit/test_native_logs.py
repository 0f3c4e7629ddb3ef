"""The native library's start-up logs are hidden by pointing fd 2 at /dev/null; two
landmarkers starting in two threads (a video split in time) must leave stderr as it was."""

from __future__ import annotations

import os
import threading

from hipcoach.backends.mediapipe_backend import _native_logs_silenced


def _where_fd2_points() -> tuple[int, int]:
    st = os.fstat(2)
    return st.st_dev, st.st_ino


def test_overlapping_silences_in_two_threads_give_stderr_back() -> None:
    """A enters, B enters, A leaves, B leaves: B must not restore A's /dev/null."""
    before = _where_fd2_points()
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    inside: list[tuple[int, int]] = []

    def first() -> None:
        with _native_logs_silenced():
            a_in.set()
            b_in.wait(5)
            inside.append(_where_fd2_points())
        a_out.set()

    def second() -> None:
        a_in.wait(5)
        with _native_logs_silenced():
            b_in.set()
            a_out.wait(5)
            inside.append(_where_fd2_points())

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    devnull = os.stat(os.devnull)
    assert inside == [(devnull.st_dev, devnull.st_ino)] * 2  # hidden while either is inside
    assert _where_fd2_points() == before
