"""Where the pose models (MediaPipe ``.task`` bundles) live, and loading them verified.

Models are looked up in two directories, in this order:

1. ``package``: ``hipcoach/models/`` inside the installed package (lite and full
   ship there);
2. ``user``: ``$HIPCOACH_MODELS_DIR`` if set, else
   ``platformdirs.user_data_dir("hipcoach")/models`` (where ``heavy`` is built).

The first directory holding ``pose_landmarker_<name>.task`` wins. Each directory
has a ``manifest.json`` (written by ``tools/build_pose_models.py``) giving the
expected sha256 of its models; a file whose digest differs, or that its
manifest does not list, is reported as ``corrupt`` and never loaded.

This module does not import mediapipe; it only hands out verified bytes.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Final, Literal

import platformdirs

from hipcoach.config import ModelName
from hipcoach.errors import ModelError

MODEL_NAMES: Final[tuple[ModelName, ...]] = ("lite", "full", "heavy")
#: The models installed with the package; the others are built by the user.
BUNDLED_MODELS: Final[tuple[ModelName, ...]] = ("lite", "full")
#: Environment variable overriding the user models directory.
MODELS_DIR_ENV: Final = "HIPCOACH_MODELS_DIR"
MANIFEST_NAME: Final = "manifest.json"

ModelStatus = Literal["ok", "missing", "corrupt"]

_SHA256_RE: Final = re.compile(r"[0-9a-f]{64}")
_REINSTALL_FIX: Final = "reinstall hipcoach (pip install -e .)"


@dataclass(frozen=True)
class ModelInfo:
    """What is known about one pose model on this machine.

    ``status`` is ``"ok"`` when the file's sha256 matches its directory's
    manifest, ``"corrupt"`` when it differs or cannot be checked (unlisted,
    unreadable), and ``"missing"`` when no directory has the file; then
    ``path``, ``bytes`` and ``sha256_expected`` are ``None`` and ``where`` says
    where it would be expected (``"package"`` or ``"user"``).
    """

    name: ModelName
    path: Path | None
    bytes: int | None
    sha256_expected: str | None
    status: ModelStatus
    where: str


def model_filename(name: ModelName) -> str:
    """Return the file name of model ``name``, e.g. ``pose_landmarker_full.task``."""
    return f"pose_landmarker_{name}.task"


def package_models_dir() -> Path:
    """Return the ``models`` directory inside the installed ``hipcoach`` package."""
    return Path(str(files("hipcoach") / "models"))


def user_models_dir() -> Path:
    """Return the user models directory (``$HIPCOACH_MODELS_DIR`` overrides it)."""
    override = os.environ.get(MODELS_DIR_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir("hipcoach")) / "models"


def model_dirs() -> list[tuple[str, Path]]:
    """Return the search path as ``(where, directory)`` pairs, in search order."""
    return [("package", package_models_dir()), ("user", user_models_dir())]


def clear_cache() -> None:
    """Forget the files read and hashed so far in this process."""
    _read_and_hash_cached.cache_clear()


@functools.lru_cache(maxsize=8)
def _read_and_hash_cached(path: str, size: int, mtime_ns: int) -> tuple[bytes, str]:
    """Read ``path`` and hash it; the key includes size and mtime so edits are seen."""
    del size, mtime_ns  # only part of the cache key
    data = Path(path).read_bytes()
    return data, hashlib.sha256(data).hexdigest()


def _read_and_hash(path: Path) -> tuple[bytes, str]:
    """Return the bytes and sha256 of ``path``, hashing each file version once."""
    stat = path.stat()
    return _read_and_hash_cached(str(path.resolve()), stat.st_size, stat.st_mtime_ns)


def _expected_sha256(directory: Path, name: ModelName) -> str | None:
    """Return the sha256 that ``directory``'s manifest gives for ``name``.

    ``None`` when the manifest is absent, unreadable or malformed, or does not
    list the model: the file then cannot be verified.
    """
    try:
        manifest = json.loads((directory / MANIFEST_NAME).read_text(encoding="utf-8"))
        digest = manifest["models"][name]["sha256"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if isinstance(digest, str) and _SHA256_RE.fullmatch(digest):
        return digest
    return None


def _inspect(name: ModelName, where: str, directory: Path) -> ModelInfo | None:
    """Describe model ``name`` in ``directory``, or return ``None`` if it is not there."""
    path = directory / model_filename(name)
    if not path.is_file():
        return None
    expected = _expected_sha256(directory, name)
    try:
        data, digest = _read_and_hash(path)
    except OSError:
        return ModelInfo(name, path, None, expected, "corrupt", where)
    status: ModelStatus = "ok" if expected is not None and digest == expected else "corrupt"
    return ModelInfo(name, path, len(data), expected, status, where)


def model_info(name: ModelName) -> ModelInfo:
    """Locate model ``name`` along the search path and check it against its manifest."""
    if name not in MODEL_NAMES:
        raise ModelError(f"unknown pose model {name!r}", fix=f"use one of {', '.join(MODEL_NAMES)}")
    for where, directory in model_dirs():
        info = _inspect(name, where, directory)
        if info is not None:
            return info
    where = "package" if name in BUNDLED_MODELS else "user"
    return ModelInfo(name, None, None, None, "missing", where)


def list_models() -> list[ModelInfo]:
    """Return the status of every known model, in :data:`MODEL_NAMES` order."""
    return [model_info(name) for name in MODEL_NAMES]


def _fix_for(name: ModelName, where: str) -> str:
    """Return the user-facing fix for a missing or bad copy of ``name`` in ``where``."""
    if where == "package":
        return _REINSTALL_FIX
    return (
        f"build it: python tools/build_pose_models.py --variants {name} --out {user_models_dir()}"
    )


def _missing_error(name: ModelName) -> ModelError:
    """Build the error for a model found in no directory."""
    looked = " and ".join(f"{d} ({w})" for w, d in model_dirs())
    where = "package" if name in BUNDLED_MODELS else "user"
    return ModelError(
        f"pose model '{name}' not found (looked for {model_filename(name)} in {looked})",
        fix=_fix_for(name, where),
    )


def _corrupt_error(info: ModelInfo, digest: str | None, reason: str = "") -> ModelError:
    """Build the error for a model whose file is present but fails verification."""
    assert info.path is not None
    fix = f"{_fix_for(info.name, info.where)} (bad file: {info.path})"
    if digest is None:
        return ModelError(f"pose model '{info.name}' cannot be read ({reason})", fix=fix)
    if info.sha256_expected is None:
        return ModelError(
            f"pose model '{info.name}' cannot be verified "
            f"(not listed in {info.path.parent / MANIFEST_NAME})",
            fix=fix,
        )
    return ModelError(
        f"pose model '{info.name}' is corrupt (sha256 mismatch: "
        f"expected {info.sha256_expected[:12]}…, got {digest[:12]}…)",
        fix=fix,
    )


def load_model(name: ModelName) -> tuple[bytes, str]:
    """Return the bytes and sha256 of model ``name`` after checking its manifest digest.

    Raises :class:`~hipcoach.errors.ModelError` when the model is missing,
    corrupt or cannot be verified. Each file version is read and hashed once per
    process (see :func:`clear_cache`).
    """
    info = model_info(name)
    if info.path is None:
        raise _missing_error(name)
    try:
        data, digest = _read_and_hash(info.path)
    except OSError as exc:
        raise _corrupt_error(info, None, str(exc)) from exc
    if info.sha256_expected is None or digest != info.sha256_expected:
        raise _corrupt_error(info, digest)
    return data, digest
