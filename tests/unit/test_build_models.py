"""Tests for tools/build_pose_models.py and the models it produced for the package."""

from __future__ import annotations

import importlib.util
import io
import json
import os
import struct
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
TOOL = REPO / "tools" / "build_pose_models.py"
PACKAGE_MODELS = REPO / "src" / "hipcoach" / "models"
TARBALL = Path(
    os.environ.get("HIPCOACH_POSE_TARBALL", "/tmp/npmpose/mediapipe-pose-0.5.1675469404.tgz")
)


@pytest.fixture(scope="module")
def tool() -> ModuleType:
    """Import the build script as a module (it is not part of the package)."""
    spec = importlib.util.spec_from_file_location("build_pose_models", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while executing it
    spec.loader.exec_module(module)
    return module


def _data_offsets(bundle: bytes) -> dict[str, int]:
    """Return where each member's data starts, read from its local header."""
    out = {}
    with zipfile.ZipFile(io.BytesIO(bundle)) as zf:
        for info in zf.infolist():
            assert bundle[info.header_offset : info.header_offset + 4] == b"PK\x03\x04"
            name_len, extra_len = struct.unpack_from("<HH", bundle, info.header_offset + 26)
            out[info.filename] = info.header_offset + 30 + name_len + extra_len
    return out


def test_package_manifest_lists_lite_and_full() -> None:
    manifest = json.loads((PACKAGE_MODELS / "manifest.json").read_text())
    assert manifest["source"] == {
        "npm": "@mediapipe/pose@0.5.1675469404",
        "tarball_sha256": "8bb349a7b3a3ba699df23be804ddd3b3eab810b50b15406894be257859388a84",
    }
    for name in ("lite", "full"):
        entry = manifest["models"][name]
        path = PACKAGE_MODELS / entry["file"]
        assert path.name == f"pose_landmarker_{name}.task"
        assert path.stat().st_size == entry["bytes"]


def test_package_bundles_are_aligned_and_fixed() -> None:
    for name in ("lite", "full"):
        bundle = (PACKAGE_MODELS / f"pose_landmarker_{name}.task").read_bytes()
        offsets = _data_offsets(bundle)
        assert list(offsets) == ["pose_detector.tflite", "pose_landmarks_detector.tflite"]
        with zipfile.ZipFile(io.BytesIO(bundle)) as zf:
            for info in zf.infolist():
                assert info.compress_type == zipfile.ZIP_STORED
                assert info.date_time == (1980, 1, 1, 0, 0, 0)
                assert info.external_attr == 0o644 << 16
                start = offsets[info.filename]
                assert start % 16 == 0
                assert bundle[start + 4 : start + 8] == b"TFL3"


def test_metadata_is_attached(tool: ModuleType) -> None:
    from mediapipe.tasks.metadata import metadata_schema_py_generated as meta_fb
    from mediapipe.tasks.metadata import schema_py_generated as tflite_fb

    expected = {"pose_detector.tflite": (127.5, 127.5), "pose_landmarks_detector.tflite": (0, 255)}
    with zipfile.ZipFile(PACKAGE_MODELS / "pose_landmarker_lite.task") as zf:
        for member, (mean, std) in expected.items():
            model = tflite_fb.Model.GetRootAs(zf.read(member), 0)
            entries = {
                model.Metadata(i).Name(): model.Metadata(i).Buffer()
                for i in range(model.MetadataLength())
            }
            raw = model.Buffers(entries[b"TFLITE_METADATA"]).DataAsNumpy().tobytes()
            meta = meta_fb.ModelMetadata.GetRootAs(raw, 0)
            unit = meta.SubgraphMetadata(0).InputTensorMetadata(0).ProcessUnits(0)
            norm = meta_fb.NormalizationOptions()
            norm.Init(unit.Options().Bytes, unit.Options().Pos)
            assert (norm.Mean(0), norm.Std(0)) == (mean, std)
            # Re-attaching must be refused rather than stacking a second entry.
            with pytest.raises(ValueError, match="already has TFLITE_METADATA"):
                tool.add_metadata(zf.read(member), tool.build_metadata(tool.DETECTOR_SPEC))


def test_make_bundle_is_reproducible_and_aligned(tool: ModuleType) -> None:
    members = {
        "pose_detector.tflite": b"\0\0\0\0TFL3" + bytes(range(7)),
        "pose_landmarks_detector.tflite": b"\1\1\1\1TFL3" * 5,
    }
    first, second = tool.make_bundle(members), tool.make_bundle(members)
    assert first == second
    assert all(start % 16 == 0 for start in _data_offsets(first).values())


def test_update_manifest_merges(tool: ModuleType, tmp_path: Path) -> None:
    sha = tool.TARBALL_SHA256
    tool.update_manifest(tmp_path, sha, {"heavy": b"heavy-bytes"})
    tool.update_manifest(tmp_path, sha, {"lite": b"lite"})
    models = json.loads((tmp_path / "manifest.json").read_text())["models"]
    assert sorted(models) == ["heavy", "lite"]
    assert models["heavy"]["bytes"] == len(b"heavy-bytes")
    with pytest.raises(ValueError, match="another source"):
        tool.update_manifest(tmp_path, "0" * 64, {"lite": b"lite"})


def test_build_is_reproducible(tool: ModuleType, tmp_path: Path) -> None:
    if not TARBALL.is_file():
        pytest.skip(f"npm tarball not available at {TARBALL}")
    for out in ("a", "b"):
        tool.main(["--tarball", str(TARBALL), "--variants", "lite", "--out", str(tmp_path / out)])
    built = (tmp_path / "a" / "pose_landmarker_lite.task").read_bytes()
    assert built == (tmp_path / "b" / "pose_landmarker_lite.task").read_bytes()
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert manifest["models"]["lite"]["bytes"] == len(built)
    # Same code and flatbuffers version as the shipped file: same bytes.
    assert built == (PACKAGE_MODELS / "pose_landmarker_lite.task").read_bytes()
