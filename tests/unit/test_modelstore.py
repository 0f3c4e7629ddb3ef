"""Tests for hipcoach.modelstore: finding, verifying and loading the pose models."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from hipcoach import modelstore
from hipcoach.errors import ModelError

PACKAGE_DIR = modelstore.package_models_dir()
HEAVY_IN_PACKAGE = (PACKAGE_DIR / "pose_landmarker_heavy.task").is_file()


@pytest.fixture(autouse=True)
def user_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Point the user models directory at an empty temp dir; start with a cold cache."""
    path = tmp_path / "user-models"
    path.mkdir()
    monkeypatch.setenv(modelstore.MODELS_DIR_ENV, str(path))
    modelstore.clear_cache()
    return path


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _install(directory: Path, name: str, data: bytes, sha256: str | None) -> Path:
    """Write ``data`` as model ``name`` into ``directory``, listing ``sha256`` if given."""
    path = directory / f"pose_landmarker_{name}.task"
    path.write_bytes(data)
    if sha256 is not None:
        manifest = {"models": {name: {"file": path.name, "bytes": len(data), "sha256": sha256}}}
        (directory / "manifest.json").write_text(json.dumps(manifest))
    return path


def _flip_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _empty_package(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Replace the package models dir by an empty temp dir and return it."""
    fake = tmp_path / "pkg-models"
    fake.mkdir()
    monkeypatch.setattr(modelstore, "package_models_dir", lambda: fake)
    return fake


def test_user_models_dir_honours_env(user_dir: Path) -> None:
    assert modelstore.user_models_dir() == user_dir
    assert modelstore.model_dirs() == [("package", PACKAGE_DIR), ("user", user_dir)]


def test_list_models_bundled_ok() -> None:
    infos = {info.name: info for info in modelstore.list_models()}
    assert [info.name for info in modelstore.list_models()] == list(modelstore.MODEL_NAMES)
    for name in ("lite", "full"):
        info = infos[name]
        assert info.status == "ok", info
        assert info.where == "package"
        assert info.path == PACKAGE_DIR / f"pose_landmarker_{name}.task"
        assert info.bytes == info.path.stat().st_size
        assert info.sha256_expected == _sha(info.path.read_bytes())


def test_heavy_missing_unless_present() -> None:
    heavy = modelstore.model_info("heavy")
    if HEAVY_IN_PACKAGE:
        assert heavy.status == "ok"
    else:
        assert heavy.status == "missing"
        assert (heavy.path, heavy.bytes, heavy.sha256_expected) == (None, None, None)
        assert heavy.where == "user"


def test_bundled_files_match_manifest() -> None:
    manifest = json.loads((PACKAGE_DIR / "manifest.json").read_text())
    assert manifest["source"]["npm"] == "@mediapipe/pose@0.5.1675469404"
    assert {"lite", "full"} <= set(manifest["models"])
    for name, entry in manifest["models"].items():
        data = (PACKAGE_DIR / entry["file"]).read_bytes()
        assert entry["file"] == f"pose_landmarker_{name}.task"
        assert len(data) == entry["bytes"]
        assert _sha(data) == entry["sha256"]


def test_load_model_returns_verified_bundle() -> None:
    data, digest = modelstore.load_model("full")
    manifest = json.loads((PACKAGE_DIR / "manifest.json").read_text())
    assert digest == _sha(data) == manifest["models"]["full"]["sha256"]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.namelist() == ["pose_detector.tflite", "pose_landmarks_detector.tflite"]
        assert all(i.compress_type == zipfile.ZIP_STORED for i in zf.infolist())


def test_load_model_is_cached() -> None:
    first = modelstore.load_model("lite")
    second = modelstore.load_model("lite")
    assert first[0] is second[0]


def test_corrupt_user_model_raises(user_dir: Path) -> None:
    if HEAVY_IN_PACKAGE:
        pytest.skip("heavy ships in the package, so a user copy would not be used")
    good = (PACKAGE_DIR / "pose_landmarker_lite.task").read_bytes()
    path = _install(user_dir, "heavy", good, _sha(good))
    assert modelstore.load_model("heavy")[1] == _sha(good)  # valid copy loads (and is cached)
    _flip_byte(path)
    stat = path.stat()  # make sure the mtime differs even on coarse-clock filesystems
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    assert modelstore.model_info("heavy").status == "corrupt"
    with pytest.raises(ModelError) as err:
        modelstore.load_model("heavy")
    assert "pose model 'heavy' is corrupt (sha256 mismatch" in err.value.message
    assert f"expected {_sha(good)[:12]}" in err.value.message
    assert err.value.fix is not None and "build_pose_models.py --variants heavy" in err.value.fix
    assert err.value.exit_code == 3


def test_corrupt_package_model_says_reinstall(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = _empty_package(monkeypatch, tmp_path)
    good = (PACKAGE_DIR / "pose_landmarker_full.task").read_bytes()
    _flip_byte(_install(fake, "full", good, _sha(good)))
    info = modelstore.model_info("full")
    assert (info.status, info.where) == ("corrupt", "package")
    with pytest.raises(ModelError, match=r"pose model 'full' is corrupt \(sha256 mismatch") as err:
        modelstore.load_model("full")
    assert err.value.fix is not None and err.value.fix.startswith("reinstall hipcoach")


def test_unlisted_model_is_not_loaded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = _empty_package(monkeypatch, tmp_path)
    _install(fake, "lite", (PACKAGE_DIR / "pose_landmarker_lite.task").read_bytes(), None)
    assert modelstore.model_info("lite").status == "corrupt"
    with pytest.raises(ModelError, match="cannot be verified"):
        modelstore.load_model("lite")


def test_missing_bundled_model_says_reinstall(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, user_dir: Path
) -> None:
    fake = _empty_package(monkeypatch, tmp_path)
    assert modelstore.model_info("full").status == "missing"
    with pytest.raises(ModelError) as err:
        modelstore.load_model("full")
    assert "pose model 'full' not found" in err.value.message
    assert str(fake) in err.value.message and str(user_dir) in err.value.message
    assert err.value.fix == "reinstall hipcoach (pip install -e .)"


def test_missing_heavy_says_build(user_dir: Path) -> None:
    if HEAVY_IN_PACKAGE:
        pytest.skip("heavy ships in the package")
    with pytest.raises(ModelError) as err:
        modelstore.load_model("heavy")
    assert "pose model 'heavy' not found" in err.value.message
    assert err.value.fix == (
        f"build it: python tools/build_pose_models.py --variants heavy --out {user_dir}"
    )


def test_user_dir_model_used_when_package_lacks_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, user_dir: Path
) -> None:
    _empty_package(monkeypatch, tmp_path)
    good = (PACKAGE_DIR / "pose_landmarker_lite.task").read_bytes()
    _install(user_dir, "lite", good, _sha(good))
    info = modelstore.model_info("lite")
    assert (info.status, info.where, info.path) == ("ok", "user", user_dir / info.path.name)
    assert modelstore.load_model("lite") == (good, _sha(good))


def test_package_copy_wins_over_user_copy(user_dir: Path) -> None:
    good = (PACKAGE_DIR / "pose_landmarker_lite.task").read_bytes()
    _flip_byte(_install(user_dir, "lite", good, _sha(good)))  # a bad user copy is ignored
    assert modelstore.model_info("lite").where == "package"
    assert modelstore.load_model("lite")[1] == _sha(good)


def test_unknown_model_name() -> None:
    with pytest.raises(ModelError, match="unknown pose model"):
        modelstore.load_model("huge")  # type: ignore[arg-type]


def test_modelstore_does_not_import_mediapipe() -> None:
    code = "import sys, hipcoach.modelstore; print('mediapipe' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "False"
