"""Shared fixtures: paths to ../shared data, small generated clips."""

from __future__ import annotations

import os
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
