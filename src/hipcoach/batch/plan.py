"""The jobs of a batch: one per video, from a folder tree or a manifest CSV.

A folder ``IN`` holds ``<client>/<date>/<video>`` (date as ``YYYY-MM-DD``); the kind of a
video comes from its file name (a name containing ``squat``, ``stance`` or ``gait`` is that
screen, anything else the hip series). A manifest CSV has the columns ``client, date,
video, kind`` (``video`` relative to the CSV's folder, ``kind`` one of :data:`KINDS`).
A landmarks file (``.npz`` saved by ``hipcoach pose``) may stand in for a video. Nothing
is read but names here: an unreadable video becomes a failed job later, never a planning
error; a plan that cannot be made (bad CSV row, bad folder name) is a :class:`ConfigError`.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final, Literal, get_args

from hipcoach.errors import ConfigError, InputError

Kind = Literal["hip-series", "squat", "stance", "gait"]
KINDS: Final[tuple[Kind, ...]] = get_args(Kind)
#: Files taken as videos in a folder tree (lower-case suffixes).
VIDEO_SUFFIXES: Final = frozenset({".mp4", ".mov", ".webm", ".avi", ".mkv", ".m4v", ".npz"})
MANIFEST_COLUMNS: Final = ("client", "date", "video", "kind")
_NAME: Final = re.compile(r"^[^/\\\x00]{1,100}$")
_MAX_ROWS: Final = 100_000


@dataclass(frozen=True, order=True)
class Job:
    """One video to analyse (or screen) for one client on one day."""

    client: str
    date: str
    video: Path
    kind: Kind

    @property
    def stem(self) -> str:
        """The base name of this job's outputs (the video's name without its suffix)."""
        return self.video.stem

    @property
    def folder(self) -> Path:
        """Where its outputs go, relative to OUT: ``<client>/<date>``."""
        return Path(self.client) / self.date


def kind_of(name: str) -> Kind:
    """The kind of a video from its file name (see the module docstring)."""
    lower = name.lower()
    for kind in ("squat", "stance", "gait"):
        if kind in lower:
            return kind
    return "hip-series"


def check_name(value: str, what: str, where: str) -> str:
    """A client name usable as a folder name (ConfigError naming ``where`` otherwise)."""
    value = value.strip()
    if not _NAME.match(value) or value in {".", ".."} or value.startswith("."):
        raise ConfigError(
            f"{where}: {what} {value!r} cannot be a folder name",
            fix=f"use a plain {what} without slashes or a leading dot",
        )
    return value


def check_date(value: str, where: str) -> str:
    """A ``YYYY-MM-DD`` date (ConfigError naming ``where`` otherwise)."""
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError as exc:
        raise ConfigError(
            f"{where}: {value!r} is not a date", fix="name date folders YYYY-MM-DD"
        ) from exc


def plan_folder(root: Path) -> list[Job]:
    """The jobs of a ``<client>/<date>/<video>`` folder tree, sorted."""
    jobs: list[Job] = []
    for client_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        if client_dir.name.startswith("."):
            continue
        client = check_name(client_dir.name, "client", str(client_dir))
        for day_dir in sorted(p for p in client_dir.iterdir() if p.is_dir()):
            day = check_date(day_dir.name, str(day_dir))
            for video in sorted(day_dir.iterdir()):
                if video.suffix.lower() in VIDEO_SUFFIXES and not video.name.startswith("."):
                    jobs.append(Job(client, day, video, kind_of(video.name)))
    return _checked(jobs, str(root))


def plan_manifest(path: Path) -> list[Job]:
    """The jobs listed in a manifest CSV (see the module docstring), sorted."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"cannot read the manifest {path.name}", fix="give a UTF-8 CSV file"
        ) from exc
    rows = csv.DictReader(text.splitlines())
    header = tuple(h.strip().lower() for h in rows.fieldnames or ())
    missing = [c for c in MANIFEST_COLUMNS if c not in header]
    if missing:
        raise ConfigError(
            f"{path.name}: the manifest has no column {', '.join(missing)}",
            fix="the first line must be: client,date,video,kind",
        )
    rows.fieldnames = list(header)
    jobs: list[Job] = []
    for line, row in enumerate(rows, start=2):
        if line > _MAX_ROWS:
            raise ConfigError(f"{path.name}: more than {_MAX_ROWS} rows", fix="split it")
        jobs.append(_manifest_job(row, path, line))
    return _checked(jobs, path.name)


def _manifest_job(row: dict[str, str | None], path: Path, line: int) -> Job:
    where = f"{path.name} line {line}"
    cells = {c: (row.get(c) or "").strip() for c in MANIFEST_COLUMNS}
    if cells["kind"] not in KINDS:
        raise ConfigError(
            f"{where}: kind {cells['kind']!r} is not one of {', '.join(KINDS)}",
            fix="fix the kind column",
        )
    if not cells["video"]:
        raise ConfigError(f"{where}: the video column is empty", fix="name the video file")
    video = Path(cells["video"])
    video = video if video.is_absolute() else path.parent / video
    return Job(
        check_name(cells["client"], "client", where),
        check_date(cells["date"], where),
        video,
        cells["kind"],
    )


def _checked(jobs: list[Job], where: str) -> list[Job]:
    """Sorted jobs; two jobs writing the same outputs are a ConfigError."""
    seen: dict[tuple[str, str, str], Job] = {}
    for job in jobs:
        slot = (job.client, job.date, job.stem)
        if slot in seen:
            raise ConfigError(
                f"{where}: {seen[slot].video.name} and {job.video.name} of {job.client} on "
                f"{job.date} would write the same outputs",
                fix="give the videos of one day different names",
            )
        seen[slot] = job
    return sorted(jobs)


def plan_jobs(source: Path) -> list[Job]:
    """The jobs of ``source``: a folder tree or a manifest ``.csv`` (module docstring)."""
    if source.is_dir():
        return plan_folder(source)
    if source.suffix.lower() == ".csv" and source.is_file():
        return plan_manifest(source)
    if not source.exists():
        raise InputError(f"not found: {source}", fix="give a folder of videos or a manifest CSV")
    raise InputError(
        f"{source.name} is neither a folder nor a manifest .csv",
        fix="give a folder of <client>/<date>/ videos or a CSV with client,date,video,kind",
    )
