"""Content keys: what a result depends on, as one sha256 hex string.

A job's key changes when anything its outputs depend on changes: the video's bytes, the
pose model (name and checksum), every setting, the routine file, the kind of job and the
hipcoach version. The pose key covers only what the landmarks depend on (video, model,
pose/video/tracking settings, version), so a changed rule or routine reuses them.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Final

from hipcoach import __version__
from hipcoach.config import Settings
from hipcoach.errors import InputError
from hipcoach.files import path_problem

_CHUNK: Final = 1 << 20  # bytes read at a time while hashing


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes (InputError when it cannot be read)."""
    problem = path_problem(path)
    if problem is not None:
        raise InputError(problem, fix="check the path in the batch input")
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                digest.update(chunk)
    except OSError as exc:
        raise InputError(
            f"cannot read {path.name}: {exc.strerror or type(exc).__name__}",
            fix="check the file's permissions",
        ) from exc
    return digest.hexdigest()


def _key(parts: dict[str, object]) -> str:
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def model_sha256(settings: Settings) -> str:
    """The checksum of the pose model the settings name, checked now (ModelError, exit 3,
    when it is missing or corrupt: before any work)."""
    from hipcoach.modelstore import load_model  # noqa: PLC0415

    return load_model(settings.pose.model)[1]


def pose_key(video_sha256: str, settings: Settings, model_sha: str) -> str:
    """The key of a video's landmarks (see the module docstring)."""
    return _key(
        {
            "video": video_sha256,
            "model": [settings.pose.model, model_sha],
            "pose": settings.pose.model_dump(mode="json"),
            "video_settings": settings.video.model_dump(mode="json"),
            "tracking": settings.tracking.model_dump(mode="json"),
            "version": __version__,
        }
    )


def job_key(
    video_sha256: str, settings: Settings, model_sha: str, routine_sha256: str, kind: str
) -> str:
    """The key of a job's outputs (see the module docstring)."""
    return _key(
        {
            "video": video_sha256,
            "model": [settings.pose.model, model_sha],
            "settings": settings.model_dump(mode="json"),
            "routine": routine_sha256,
            "kind": kind,
            "version": __version__,
        }
    )
