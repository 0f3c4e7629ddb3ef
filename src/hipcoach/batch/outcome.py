"""What one job left behind: its outcome, kept as a small JSON manifest beside its outputs.

The manifest ``OUT/<client>/<date>/<stem>.job.json`` is written last, atomically, by the
task itself: a video whose manifest holds the current job key is finished (its outputs are
complete), so a re-run skips it, and Ctrl-C or a crash never loses it. A failure caused by
the input (a corrupt video, nobody in the picture) is kept the same way with its reason, so
a re-run lists it again without re-reading the video; an unexpected error is not kept, so
the video is tried again next time.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final, Literal, cast

from hipcoach.batch.plan import Job
from hipcoach.files import write_text

Status = Literal["done", "failed"]
MANIFEST_SUFFIX: Final = ".job.json"
_MAX_MANIFEST_BYTES: Final = 1_000_000


@dataclass
class JobOutcome:
    """The result of one job (times in seconds, paths relative to OUT)."""

    client: str
    date: str
    video: str
    kind: str
    key: str
    status: Status
    #: Why it failed, or a note on a finished job ("no hip-series exercise found"); "".
    reason: str = ""
    #: The exit code the error has on its own (README), 0 when done.
    exit_code: int = 0
    #: What was written: "json", "html" -> path relative to OUT.
    outputs: dict[str, str] = field(default_factory=dict)
    #: True when the landmarks came from the pose cache (no inference ran).
    pose_cached: bool = False
    #: Length of the video and the wall time the job took.
    video_s: float = 0.0
    wall_s: float = 0.0
    #: True when the job was skipped in this run (finished earlier, same key).
    skipped: bool = False
    #: False for an unexpected error: no manifest is kept, the next run retries it.
    keep: bool = True

    def to_json(self) -> dict[str, Any]:
        """Plain JSON (the manifest)."""
        data = asdict(self)
        data.pop("skipped")
        data.pop("keep")
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> JobOutcome:
        """Inverse of :meth:`to_json`; KeyError/TypeError/ValueError when it does not fit."""
        status = str(data["status"])
        if status not in ("done", "failed"):
            raise ValueError(f"bad status {status!r}")
        return cls(
            client=str(data["client"]),
            date=str(data["date"]),
            video=str(data["video"]),
            kind=str(data["kind"]),
            key=str(data["key"]),
            status=cast(Status, status),
            reason=str(data.get("reason", "")),
            exit_code=int(data.get("exit_code", 0)),
            outputs={str(k): str(v) for k, v in dict(data.get("outputs", {})).items()},
            pose_cached=bool(data.get("pose_cached", False)),
            video_s=float(data.get("video_s", 0.0)),
            wall_s=float(data.get("wall_s", 0.0)),
        )


def manifest_path(out: Path, job: Job) -> Path:
    """Where the manifest of ``job`` lives under ``out``."""
    return out / job.folder / f"{job.stem}{MANIFEST_SUFFIX}"


def write_manifest(out: Path, job: Job, outcome: JobOutcome) -> None:
    """Write the manifest (atomically; last, after every output of the job)."""
    path = manifest_path(out, job)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text(path, json.dumps(outcome.to_json(), indent=2, sort_keys=True) + "\n")


def read_manifest(out: Path, job: Job) -> JobOutcome | None:
    """The stored outcome of ``job`` (None when absent, damaged or of another job)."""
    path = manifest_path(out, job)
    try:
        if not path.is_file() or path.stat().st_size > _MAX_MANIFEST_BYTES:
            return None
        outcome = JobOutcome.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if any(not (out / rel).is_file() for rel in outcome.outputs.values()):
        return None  # an output was deleted: do the job again
    return outcome
