"""Shared fixtures: paths to ../shared data, small generated clips."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.clips import gradient_painter, write_clip

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("HIPCOACH_SHARED", REPO.parent / "shared"))
DATA = SHARED / "data"


def shared_file(rel: str) -> Path:
    """A file under ../shared/data, or skip the test when the shared folder is absent."""
    path = DATA / rel
    if not path.exists():
        pytest.skip(f"shared data not found: {path} (set HIPCOACH_SHARED)")
    return path


@pytest.fixture
def cfr_clip(tmp_path: Path) -> Path:
    """1 s of 64x48 video at 30 fps."""
    return write_clip(tmp_path / "cfr.mp4", [i / 30 for i in range(30)], gradient_painter(64, 48))


@pytest.fixture(autouse=True)
def _sigint_handler_left_as_found() -> Iterator[None]:
    """Every test leaves Ctrl-C handled as it found it (a handler left behind changes how
    later tests' interrupts behave)."""
    before = signal.getsignal(signal.SIGINT)
    yield
    after = signal.getsignal(signal.SIGINT)
    if after is not before:
        signal.signal(signal.SIGINT, before)
        pytest.fail(f"the test left SIGINT handled by {after!r}", pytrace=False)
