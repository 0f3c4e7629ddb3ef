"""Saving and loading :class:`PoseSequence` files.

``.npz`` is the lossless native format (every array, the frame size, a format version and
the provenance as JSON). ``.csv`` and ``.trc`` are interchange exports (see
:mod:`hipcoach.sequence.export`); ``.csv`` can be read back, minus world landmarks and
presence. All writes are atomic; every read failure is an :class:`InputError`.
"""

from __future__ import annotations

import csv
import json
import math
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO, Final

import numpy as np

from hipcoach.errors import InputError
from hipcoach.files import PathLike, atomic_output, path_problem, sync
from hipcoach.landmarks import N_LANDMARKS
from hipcoach.sequence.bounds import Implausible, check_headers, check_values, parse_provenance
from hipcoach.sequence.export import csv_header, to_csv, to_trc
from hipcoach.sequence.schema import ARRAY_FIELDS, PoseSequence, Provenance

#: Version of the ``.npz`` layout written by :func:`save_npz`; newer files are refused.
FORMAT_VERSION: Final = 1

_REQUIRED_KEYS: Final = frozenset(
    (*ARRAY_FIELDS, "width", "height", "format_version", "provenance")
)
#: What numpy/zipfile/json raise on damaged or foreign files.
_READ_ERRORS: Final = (
    OSError,
    ValueError,
    TypeError,
    EOFError,
    KeyError,
    zipfile.BadZipFile,
    zlib.error,
    OverflowError,
)
_REGENERATE: Final = "re-run the analysis to create the file again"


# ---------------------------------------------------------------------- npz
def save_npz(seq: PoseSequence, path: PathLike) -> None:
    """Write ``seq`` losslessly as a compressed ``.npz`` (atomically, no pickles)."""
    payload: dict[str, Any] = {name: getattr(seq, name) for name in ARRAY_FIELDS}
    payload["width"] = np.int64(seq.width)
    payload["height"] = np.int64(seq.height)
    payload["format_version"] = np.int64(FORMAT_VERSION)
    payload["provenance"] = np.array(json.dumps(seq.provenance.to_dict(), ensure_ascii=False))
    with atomic_output(path) as tmp, tmp.open("xb") as fh:
        np.savez_compressed(fh, allow_pickle=False, **payload)
        sync(fh)


def load_npz(path: PathLike) -> PoseSequence:
    """Read a file written by :func:`save_npz`, validating its layout and contents."""
    source = _existing_file(path)
    try:
        with source.open("rb") as fh:
            fields = _read_npz(fh, source.name)
    except Implausible as exc:
        raise InputError(
            f"'{source.name}' is not a plausible pose file: {exc}", fix=_REGENERATE
        ) from exc
    except _READ_ERRORS as exc:
        raise InputError(
            f"'{source.name}' is damaged or not a hipcoach .npz file", fix=_REGENERATE
        ) from exc
    return _build(fields, source.name)


def _read_npz(fh: BinaryIO, name: str) -> dict[str, Any]:
    """The checked fields of an open ``.npz`` file."""
    data = np.load(fh, allow_pickle=False)
    if not isinstance(data, np.lib.npyio.NpzFile):
        raise InputError(f"'{name}' is a single NumPy array, not a pose .npz", fix=_REGENERATE)
    with data:
        fields = _read_npz_fields(data, name)
    check_values(fields)
    return fields


def _read_npz_fields(data: np.lib.npyio.NpzFile, name: str) -> dict[str, Any]:
    """Check keys and version, decode every field (raises on damaged content)."""
    missing = sorted(_REQUIRED_KEYS - set(data.files))
    if missing:
        raise InputError(f"'{name}' is missing {', '.join(missing)}", fix=_REGENERATE)
    if data.zip is None:
        raise ValueError("not an archive")
    check_headers(data.zip)
    version = _scalar_int(data["format_version"])
    if version > FORMAT_VERSION:
        raise InputError(
            f"'{name}' uses file format {version}; this hipcoach reads up to {FORMAT_VERSION}",
            fix="upgrade hipcoach",
        )
    if version < 1:
        raise ValueError(f"bad format_version {version}")
    prov = data["provenance"]
    if prov.shape != () or prov.dtype.kind != "U":
        raise ValueError("provenance is not a JSON string")
    prov_dict = parse_provenance(str(prov.item()))
    fields: dict[str, Any] = {key: data[key] for key in ARRAY_FIELDS}
    fields["width"] = _scalar_int(data["width"])
    fields["height"] = _scalar_int(data["height"])
    fields["provenance"] = Provenance.from_dict(prov_dict)
    return fields


def _scalar_int(arr: np.ndarray[Any, Any]) -> int:
    if arr.shape != () or arr.dtype.kind not in "iu":
        raise ValueError("expected an integer scalar")
    return int(arr)


# ---------------------------------------------------------------------- csv
def load_csv(path: PathLike, *, width: int, height: int) -> PoseSequence:
    """Read a file written by :func:`~hipcoach.sequence.export.to_csv`.

    CSV does not store the frame size, so ``width``/``height`` (pixels) must be given.
    ``world`` and ``presence`` are NaN; a frame is detected when any cell has a value.
    """
    source = _existing_file(path)
    try:
        with source.open(newline="", encoding="utf-8") as fh:
            rows = csv.reader(fh)
            if next(rows, None) != csv_header():
                raise InputError(
                    f"'{source.name}' does not have hipcoach CSV columns",
                    fix="export it again with hipcoach",
                )
            times, values = _parse_csv_rows(rows, source.name)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"cannot read '{source.name}' as CSV", fix=_REGENERATE) from exc
    n = len(times)
    grid = np.array(values, dtype=np.float64).reshape(n, N_LANDMARKS, 4)
    nan = np.full((n, N_LANDMARKS), np.nan)
    fields: dict[str, Any] = {
        "times_s": np.array(times, dtype=np.float64),
        "image_xy": grid[..., :2],
        "image_z": grid[..., 2],
        "visibility": grid[..., 3],
        "presence": nan,
        "world": np.full((n, N_LANDMARKS, 3), np.nan),
        "detected": np.isfinite(grid).any(axis=(1, 2)),
        "width": width,
        "height": height,
    }
    return _build(fields, source.name)


def _parse_csv_rows(rows: Iterable[list[str]], name: str) -> tuple[list[float], list[float]]:
    """Times and the flat landmark values of every row; empty cells become NaN."""
    width = 1 + N_LANDMARKS * 4
    times: list[float] = []
    values: list[float] = []
    for line_no, row in enumerate(rows, start=2):
        if len(row) != width:
            raise InputError(
                f"'{name}' line {line_no} has {len(row)} columns, not {width}",
                fix="export it again with hipcoach",
            )
        try:
            cells = [float(c) if c.strip() else math.nan for c in row]
        except ValueError as exc:
            raise InputError(
                f"'{name}' line {line_no} holds a cell that is not a number",
                fix="export it again with hipcoach",
            ) from exc
        times.append(cells[0])
        values.extend(cells[1:])
    return times, values


# ---------------------------------------------------------------------- dispatch
def save(seq: PoseSequence, path: PathLike) -> None:
    """Write ``seq`` in the format named by the suffix: ``.npz``, ``.csv`` or ``.trc``.

    ``.trc`` uses world landmarks in metres (see :func:`~hipcoach.sequence.export.to_trc`).
    """
    suffix = Path(path).suffix.lower()
    if suffix == ".npz":
        save_npz(seq, path)
    elif suffix == ".csv":
        to_csv(seq, path)
    elif suffix == ".trc":
        to_trc(seq, path)
    else:
        raise InputError(f"unknown output format '{suffix}'", fix="use .npz, .csv or .trc")


def load(path: PathLike, *, width: int | None = None, height: int | None = None) -> PoseSequence:
    """Read a ``.npz`` (or a ``.csv`` export, which needs ``width`` and ``height``)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".npz":
        return load_npz(path)
    if suffix == ".csv":
        if width is None or height is None:
            raise InputError(
                "a CSV file does not record the frame size",
                fix="pass width and height, or use the .npz file",
            )
        return load_csv(path, width=width, height=height)
    raise InputError(f"unknown input format '{suffix}'", fix="use .npz or .csv")


# ---------------------------------------------------------------------- shared
def _existing_file(path: PathLike) -> Path:
    source = Path(path)
    problem = path_problem(source)
    if problem is not None:
        raise InputError(problem, fix="give the path of a landmarks file saved by hipcoach")
    if source.stat().st_size == 0:
        raise InputError(f"the file is empty (0 bytes): {source}", fix=_REGENERATE)
    return source


def _build(fields: dict[str, Any], name: str) -> PoseSequence:
    """Construct the sequence, turning schema violations into :class:`InputError`."""
    try:
        return PoseSequence(**fields)
    except (ValueError, TypeError) as exc:
        raise InputError(
            f"'{name}' holds an invalid pose sequence: {exc}", fix=_REGENERATE
        ) from exc
