"""Videos given to the web app: an upload streamed to disk under a size cap, or a local
path inside the allowed folders. Either must look like a video (its first bytes) and open
as one (PyAV, through :func:`hipcoach.video.open_source`, which gives the same one-line
errors as the command line)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable
from pathlib import Path, PurePath

from hipcoach.errors import InputError
from hipcoach.files import path_problem

FIX_VIDEO = "choose a video file (mp4, mov, webm, mkv or avi) that plays in a media player"
SNIFF_BYTES = 64
#: Container suffixes accepted (those hipcoach's video reader handles).
VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".m4v", ".webm", ".avi", ".mkv", ".y4m"})
_QUICKTIME_BOXES = (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot")


class UploadTooLarge(InputError):
    """The upload went over the size cap while it was being received."""


class OutsideRoots(InputError):
    """A local path that points outside the folders the app may read."""


def looks_like_video(head: bytes) -> bool:
    """True when ``head`` (a file's first bytes) starts like a video container: MP4 /
    QuickTime boxes, Matroska / WebM (EBML), AVI (RIFF) or YUV4MPEG."""
    return (
        head[4:8] in _QUICKTIME_BOXES
        or head.startswith(b"\x1a\x45\xdf\xa3")
        or (head.startswith(b"RIFF") and head[8:12] == b"AVI ")
        or head.startswith(b"YUV4MPEG2")
    )


def video_suffix(name: str) -> str:
    """The container suffix of an uploaded file's name, checked (InputError otherwise)."""
    suffix = PurePath(name.replace("\\", "/")).suffix.lower()
    if suffix not in VIDEO_SUFFIXES:
        shown = suffix or "no extension"
        raise InputError(f"{name!r} is not a video file name ({shown})", fix=FIX_VIDEO)
    return suffix


def upload_name(name: str) -> str:
    """A safe file name for an upload named ``name`` (its messages then name the user's
    file): letters, digits, space, ``.-_`` kept, the rest ``_``; the video suffix kept."""
    base = PurePath(name.replace("\\", "/")).name
    suffix = video_suffix(base)
    stem = re.sub(r"[^\w. -]", "_", base[: -len(suffix)]).strip(" .") or "video"
    return stem[:100] + suffix


def check_video(path: Path, name: str) -> None:
    """Refuse a file that does not start like a video or that PyAV cannot open as one."""
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    if not head:
        raise InputError(f"{name} is empty (0 bytes)", fix=FIX_VIDEO)
    if not looks_like_video(head):
        raise InputError(
            f"{name} is not a video (its content is not a video format)", fix=FIX_VIDEO
        )
    from hipcoach.video import open_source  # noqa: PLC0415 - PyAV on use

    source = open_source(path)
    source.close()


async def save_upload(chunks: AsyncIterator[bytes], target: Path, max_bytes: int) -> int:
    """Write the streamed body to ``target``, stopping (and removing it) as soon as it goes
    over ``max_bytes``; returns the size written."""
    size = 0
    try:
        with target.open("wb") as fh:
            async for chunk in chunks:
                size += len(chunk)
                if size > max_bytes:
                    raise UploadTooLarge(
                        f"the upload is over {max_bytes / 1e6:.0f} MB",
                        fix="trim the video or film a shorter clip",
                    )
                fh.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return size


def local_video(text: str, roots: Iterable[Path]) -> Path:
    """The video file a typed local path names, resolved (symbolic links followed) and
    inside one of ``roots``; InputError with the reason for anything else."""
    raw = text.strip()
    if not raw:
        raise InputError("no path given", fix="type the full path of a video file")
    if "\x00" in raw:
        raise InputError("the path holds a NUL character", fix="type the full path of a video")
    path = Path(raw).expanduser()
    if not path.is_absolute():
        raise InputError(f"{raw} is not a full path", fix="start it with / (or ~ for home)")
    real = path.resolve()  # ".." and symbolic links resolved before the folder check
    allowed = [r.resolve() for r in roots]
    if not any(real.is_relative_to(r) for r in allowed):
        where = ", ".join(str(r) for r in allowed) or "(none)"
        raise OutsideRoots(
            f"{raw} is outside the folders this app may read", fix=f"use a video under {where}"
        )
    problem = path_problem(real)
    if problem is not None:
        raise InputError(problem, fix="check the path")
    video_suffix(real.name)
    check_video(real, real.name)
    return real
