"""Plausibility bounds for landmark files read from disk (the boundary of the library).

A landmarks file may come from anywhere, so before anything is allocated or computed:
each array's header is read and its shape, type and size checked (a crafted 2 kB file can
ask numpy for hundreds of GiB), the provenance JSON must hold finite, bounded values, and
every number must be one a camera can produce. Limits (units in the names):
"""

from __future__ import annotations

import json
import zipfile
from typing import Any, Final

import numpy as np

from hipcoach.landmarks import N_LANDMARKS

MAX_FRAMES: Final = 2_000_000  # 9.3 h at 60 fps
MAX_TIME_S: Final = 86_400.0  # one day
MAX_FRAME_SIDE_PX: Final = 20_000
MAX_PIXELS: Final = 50.0 * MAX_FRAME_SIDE_PX  # image coordinates, px either way
MAX_WORLD_M: Final = 50.0
MAX_NOTES: Final = 200
MAX_TEXT_CHARS: Final = 2_000
ROTATIONS_DEG: Final = (0, 90, 180, 270)


class Implausible(ValueError):
    """A landmarks file holds something no camera or hipcoach version writes."""


#: Trailing shape and dtype kinds allowed per array (the first axis is the frame).
ARRAY_LAYOUT: Final[dict[str, tuple[tuple[int, ...], str]]] = {
    "times_s": ((), "f"),
    "image_xy": ((N_LANDMARKS, 2), "f"),
    "image_z": ((N_LANDMARKS,), "f"),
    "visibility": ((N_LANDMARKS,), "f"),
    "presence": ((N_LANDMARKS,), "f"),
    "world": ((N_LANDMARKS, 3), "f"),
    "detected": ((), "b"),
}
SCALARS: Final = ("width", "height", "format_version", "provenance")


def check_headers(archive: zipfile.ZipFile) -> None:
    """Check every array's header before it is read; raises :class:`Implausible`."""
    frames: set[int] = set()
    for key, (tail, kinds) in ARRAY_LAYOUT.items():
        shape, dtype = _header(archive, key)
        if dtype.kind not in kinds or dtype.hasobject or dtype.itemsize > 8:
            raise Implausible(f"{key} has type {dtype}")
        if len(shape) != 1 + len(tail) or tuple(shape[1:]) != tail:
            raise Implausible(f"{key} has shape {shape}")
        frames.add(int(shape[0]))
    if len(frames) != 1 or frames.pop() > MAX_FRAMES:
        raise Implausible(f"frame counts disagree or exceed {MAX_FRAMES}")
    for key in SCALARS:
        shape, dtype = _header(archive, key)
        if shape != () or dtype.hasobject or dtype.itemsize > 4 * MAX_TEXT_CHARS * 50:
            raise Implausible(f"{key} is not a small scalar")


def _header(archive: zipfile.ZipFile, key: str) -> tuple[tuple[int, ...], np.dtype[Any]]:
    with archive.open(f"{key}.npy") as fh:
        version = np.lib.format.read_magic(fh)
        if version == (1, 0):
            shape, _, dtype = np.lib.format.read_array_header_1_0(fh)
        elif version == (2, 0):
            shape, _, dtype = np.lib.format.read_array_header_2_0(fh)
        else:
            raise Implausible(f"{key}: unsupported .npy version {version}")
    return tuple(int(s) for s in shape), dtype


def _no_constants(name: str) -> float:
    raise Implausible(f"provenance holds {name}")


def parse_provenance(text: str) -> dict[str, Any]:
    """The provenance JSON object, refusing NaN/Infinity and out-of-range values."""
    if len(text) > MAX_TEXT_CHARS * (MAX_NOTES + 10):
        raise Implausible("provenance is too long")
    data = json.loads(text, parse_constant=_no_constants)
    if not isinstance(data, dict):
        raise Implausible("provenance is not a JSON object")
    if data.get("rotation_deg", 0) not in ROTATIONS_DEG:
        raise Implausible("provenance rotation is not 0, 90, 180 or 270")
    others = data.get("frames_with_others", 0)
    if not isinstance(others, int) or not 0 <= others <= MAX_FRAMES:
        raise Implausible("provenance frames_with_others is out of range")
    notes = data.get("notes", [])
    versions = data.get("versions", {})
    if not isinstance(notes, list) or len(notes) > MAX_NOTES:
        raise Implausible("provenance notes are not a short list")
    if not isinstance(versions, dict) or len(versions) > MAX_NOTES:
        raise Implausible("provenance versions are not a short mapping")
    texts = [*map(str, notes), *map(str, versions), *map(str, versions.values())]
    texts += [str(data.get(k, "")) for k in ("source", "model", "model_sha256")]
    if any(len(t) > MAX_TEXT_CHARS for t in texts):
        raise Implausible("provenance text is too long")
    return data


def check_values(fields: dict[str, Any]) -> None:
    """Every number within what a camera can produce; raises :class:`Implausible`."""
    width, height = int(fields["width"]), int(fields["height"])
    if not (0 < width <= MAX_FRAME_SIDE_PX and 0 < height <= MAX_FRAME_SIDE_PX):
        raise Implausible(f"frame size {width}x{height} px")
    limits = {
        "times_s": MAX_TIME_S,
        "image_xy": MAX_PIXELS,
        "image_z": MAX_PIXELS,
        "visibility": 1.0,
        "presence": 1.0,
        "world": MAX_WORLD_M,
    }
    for key, limit in limits.items():
        values = np.asarray(fields[key], dtype=np.float64)
        with np.errstate(invalid="ignore"):
            if np.any(np.isinf(values)) or np.any(np.abs(values) > limit):
                raise Implausible(f"{key} holds values beyond +-{limit:g}")
        if key in ("visibility", "presence") and np.any(values < 0):
            raise Implausible(f"{key} holds values below 0")
