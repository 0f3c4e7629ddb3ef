"""Interchange writers: a flat CSV of the image landmarks and an OpenSim TRC marker file.

Every writer is atomic (see :func:`atomic_output`): an interrupted export never leaves a
half-written file where a complete one was.

TRC axis convention
-------------------
``space="world"`` (default) writes MediaPipe's world landmarks (metres, origin at the hip
centre) rotated 180° about the camera x axis so that Y points up::

    X_trc =  x_mp   (towards the image right)
    Y_trc = -y_mp   (up; MediaPipe's y points down)
    Z_trc = -z_mp   (towards the camera; MediaPipe's z points away from it)

This is a proper rotation (determinant +1), so the frame stays right-handed. It is the
camera frame with Y up, not an anatomical frame: OpenSim's "X forward" depends on how the
person faces the camera, which a single view cannot know.

``space="image"`` writes image pixels with Y up, for 2-D tools: ``X = x_px``,
``Y = height - y_px``, ``Z = 0``, units ``px``.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Final, Literal

import numpy as np
from numpy.typing import NDArray

from hipcoach.errors import InputError
from hipcoach.files import PathLike, atomic_output, sync
from hipcoach.landmarks import N_LANDMARKS, NAMES
from hipcoach.sequence.schema import PoseSequence

Space = Literal["world", "image"]

#: Decimal places written for each quantity.
TIME_DECIMALS: Final = 6
PIXEL_DECIMALS: Final = 3
VISIBILITY_DECIMALS: Final = 4
_TRC_DECIMALS: Final[dict[str, int]] = {"m": 6, "mm": 3, "px": 3}
_TRC_SCALE: Final[dict[str, float]] = {"m": 1.0, "mm": 1000.0, "px": 1.0}

#: BlazePose name -> marker name used by Sports2D / Pose2Sim OpenSim models (HALPE/COCO
#: style). Landmarks without a counterpart keep their BlazePose name.
TRC_MARKER_NAMES: Final[dict[str, str]] = {
    "nose": "Nose",
    "left_eye": "LEye",
    "right_eye": "REye",
    "left_ear": "LEar",
    "right_ear": "REar",
    "left_shoulder": "LShoulder",
    "right_shoulder": "RShoulder",
    "left_elbow": "LElbow",
    "right_elbow": "RElbow",
    "left_wrist": "LWrist",
    "right_wrist": "RWrist",
    "left_hip": "LHip",
    "right_hip": "RHip",
    "left_knee": "LKnee",
    "right_knee": "RKnee",
    "left_ankle": "LAnkle",
    "right_ankle": "RAnkle",
    "left_heel": "LHeel",
    "right_heel": "RHeel",
    "left_foot_index": "LBigToe",
    "right_foot_index": "RBigToe",
}

#: Marker names in landmark order, as written to TRC files.
TRC_MARKERS: Final[tuple[str, ...]] = tuple(TRC_MARKER_NAMES.get(n, n) for n in NAMES)

TRC_HEADER_KEYS: Final[tuple[str, ...]] = (
    "DataRate",
    "CameraRate",
    "NumFrames",
    "NumMarkers",
    "Units",
    "OrigDataRate",
    "OrigDataStartFrame",
    "OrigNumFrames",
)


# ---------------------------------------------------------------------- helpers
def _fmt(value: float, decimals: int) -> str:
    """Fixed-point text for ``value``; empty for NaN/inf; never ``-0.000``."""
    if not math.isfinite(value):
        return ""
    return f"{round(value, decimals) + 0.0:.{decimals}f}"


def _fmt_rate(fps: float) -> str:
    """Frame rate rounded to 3 decimals without trailing zeros; ``0`` when unknown."""
    if not math.isfinite(fps):
        return "0"
    return f"{fps:.3f}".rstrip("0").rstrip(".")


# ---------------------------------------------------------------------- CSV
def csv_header() -> list[str]:
    """Column names of :func:`to_csv`: ``time_s`` then x, y, z, visibility per landmark."""
    cols = ["time_s"]
    for name in NAMES:
        cols += [f"{name}_x", f"{name}_y", f"{name}_z", f"{name}_visibility"]
    return cols


def to_csv(seq: PoseSequence, path: PathLike) -> None:
    """Write the image landmarks as CSV, one row per frame.

    Columns: ``time_s`` (s, 6 decimals), then per landmark in :data:`NAMES` order
    ``_x``/``_y`` (pixels, origin top-left, y down), ``_z`` (``image_z``, pixel-scaled
    relative depth) with 3 decimals and ``_visibility`` (0..1, 4 decimals). Cells with no
    value (frames where nobody was detected) are empty.
    """
    n = len(seq)
    values = np.concatenate(
        [seq.image_xy, seq.image_z[..., None], seq.visibility[..., None]], axis=2
    ).reshape(n, N_LANDMARKS * 4)
    decimals = (PIXEL_DECIMALS,) * 3 + (VISIBILITY_DECIMALS,)
    col_decimals = decimals * N_LANDMARKS
    with atomic_output(path) as tmp, tmp.open("x", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(csv_header())
        for t, row in zip(seq.times_s.tolist(), values.tolist(), strict=True):
            cells = [_fmt(v, d) for v, d in zip(row, col_decimals, strict=True)]
            writer.writerow([_fmt(t, TIME_DECIMALS), *cells])
        sync(fh)


# ---------------------------------------------------------------------- TRC
def trc_coordinates(
    seq: PoseSequence, space: Space = "world", units: str = "m"
) -> NDArray[np.float64]:
    """Marker positions ``(n_frames, 33, 3)`` in the TRC frame (see the module docstring).

    ``units`` scales world metres (``"m"`` or ``"mm"``); image space is always ``"px"``.
    A marker with any missing coordinate is NaN in all three.
    """
    if space == "world":
        w = seq.world.astype(np.float64)
        xyz = np.stack([w[..., 0], -w[..., 1], -w[..., 2]], axis=-1) * _TRC_SCALE[units]
    else:
        xy = seq.image_xy.astype(np.float64)
        xyz = np.stack([xy[..., 0], seq.height - xy[..., 1], np.zeros_like(xy[..., 0])], -1)
    xyz[~np.isfinite(xyz).all(axis=-1)] = np.nan
    return xyz


def _trc_units(space: str, units: str | None) -> str:
    """Validate the ``space``/``units`` pair; return the units to write."""
    allowed = {"world": ("m", "mm"), "image": ("px",)}
    if space not in allowed:
        raise InputError(f"unknown TRC space '{space}'", fix="use 'world' or 'image'")
    chosen = allowed[space][0] if units is None else units
    if chosen not in allowed[space]:
        raise InputError(
            f"units '{chosen}' do not fit the {space} space",
            fix=f"use {' or '.join(repr(u) for u in allowed[space])}",
        )
    return chosen


def trc_header(
    seq: PoseSequence, filename: str, units: str, markers: Sequence[str] = TRC_MARKERS
) -> str:
    """The five TRC header lines plus the blank line that precedes the data."""
    rate = _fmt_rate(seq.median_fps)
    n, m = len(seq), len(markers)
    values = [rate, rate, str(n), str(m), units, rate, "1", str(n)]
    lines = [
        f"PathFileType\t4\t(X/Y/Z)\t{filename}",
        "\t".join(TRC_HEADER_KEYS),
        "\t".join(values),
        "Frame#\tTime\t" + "\t\t\t".join(markers) + "\t\t",
        "\t\t" + "".join(f"X{i}\tY{i}\tZ{i}\t" for i in range(1, m + 1)),
        "",
    ]
    return "\n".join(lines) + "\n"


def to_trc(
    seq: PoseSequence, path: PathLike, *, space: Space = "world", units: str | None = None
) -> None:
    """Write an OpenSim ``.trc`` marker file (tab-separated) readable by OpenSim/Sports2D.

    Layout: the standard five header lines, a blank line, then one row per frame:
    frame number (1-based), time (s, 6 decimals), X Y Z per marker (:data:`TRC_MARKERS`).
    Every cell is followed by a tab, as OpenSim's own writer does, so rows whose last
    markers are missing still have ``2 + 3 * markers`` fields. Missing markers are
    empty cells (OpenSim reads them as NaN).

    ``space="world"``: metres (``units="m"``, default, 6 decimals) or ``"mm"`` (3
    decimals), Y up, axes as in the module docstring. ``space="image"``: pixels with
    Y up (``units="px"``, 3 decimals) and Z = 0. Frame rates in the header are the
    median fps of ``seq.times_s`` rounded to 3 decimals (0 with fewer than 2 frames).
    """
    chosen = _trc_units(space, units)
    coords = trc_coordinates(seq, space, chosen).reshape(len(seq), -1)
    decimals = _TRC_DECIMALS[chosen]
    header = trc_header(seq, Path(path).name, chosen)
    with atomic_output(path) as tmp, tmp.open("x", newline="", encoding="utf-8") as fh:
        fh.write(header)
        for i, (t, row) in enumerate(zip(seq.times_s.tolist(), coords.tolist(), strict=True)):
            cells = [str(i + 1), _fmt(t, TIME_DECIMALS), *(_fmt(v, decimals) for v in row)]
            fh.write("\t".join(cells) + "\t\n")
        sync(fh)
