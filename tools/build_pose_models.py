"""Build MediaPipe Tasks PoseLandmarker bundles (``.task``) from the npm package
``@mediapipe/pose@0.5.1675469404`` (Apache-2.0, by Google), fully offline.

Steps (see ``/work/shared/notes/pose-models.md`` for the measurements behind them):

1. Get the npm tarball (``--tarball`` or ``npm pack``) and verify its sha256.
2. Take ``pose_solution_packed_assets.data`` (which *is* ``pose_detection.tflite``)
   and ``pose_landmark_<variant>.tflite`` out of it.
3. Attach the TFLite metadata the Tasks API needs (``NormalizationOptions``,
   ``ImageProperties`` RGB and input ``stats``) as a ``TFLITE_METADATA`` buffer,
   re-serialising the model with weight buffers kept 16-byte aligned.
4. Zip both into ``pose_landmarker_<variant>.task`` (two ``ZIP_STORED`` members,
   fixed timestamps and modes, member data 16-byte aligned) and record size and
   sha256 in ``manifest.json``.

The output is byte-reproducible for a given flatbuffers version (25.12.19 here).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import re
import struct
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import flatbuffers  # type: ignore[import-untyped]
import numpy as np
from mediapipe.tasks.metadata import metadata_schema_py_generated as meta_fb
from mediapipe.tasks.metadata import schema_py_generated as tflite_fb

NPM_SPEC = "@mediapipe/pose@0.5.1675469404"
TARBALL_SHA256 = "8bb349a7b3a3ba699df23be804ddd3b3eab810b50b15406894be257859388a84"
VARIANTS = ("lite", "full", "heavy")
DEFAULT_VARIANTS = ("lite", "full")
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "src" / "hipcoach" / "models"

DETECTOR_ASSET = "package/pose_solution_packed_assets.data"
DETECTOR_LOADER = "package/pose_solution_packed_assets_loader.js"
DETECTOR_PACKED_NAME = "/third_party/mediapipe/modules/pose_detection/pose_detection.tflite"
LANDMARK_ASSET = "package/pose_landmark_{variant}.tflite"

DETECTOR_MEMBER = "pose_detector.tflite"
LANDMARKS_MEMBER = "pose_landmarks_detector.tflite"

TFLITE_IDENTIFIER = b"TFL3"
METADATA_IDENTIFIER = b"M001"
METADATA_NAME = "TFLITE_METADATA"
BUFFER_ALIGN = 16
ZIP_ALIGN = 16
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)
ZIP_MODE = 0o644 << 16


@dataclass(frozen=True)
class InputSpec:
    """How a model's float32 image input relates to 0..255 RGB pixels."""

    model_name: str
    description: str
    mean: float
    std: float
    stats_min: float
    stats_max: float


DETECTOR_SPEC = InputSpec(
    model_name="pose_detector",
    description="BlazePose person detector (input scaled to [-1, 1]).",
    mean=127.5,
    std=127.5,
    stats_min=-1.0,
    stats_max=1.0,
)
LANDMARKS_SPEC = InputSpec(
    model_name="pose_landmarks_detector",
    description="BlazePose GHUM 3D landmark model (input scaled to [0, 1]).",
    mean=0.0,
    std=255.0,
    stats_min=0.0,
    stats_max=1.0,
)


def sha256_hex(data: bytes) -> str:
    """Return the hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def npm_pack(dest: Path) -> Path:
    """Download the npm tarball with ``npm pack`` into ``dest`` and return its path."""
    subprocess.run(
        ["npm", "pack", NPM_SPEC, "--pack-destination", str(dest), "--loglevel", "warn"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    found = sorted(dest.glob("*.tgz"))
    if len(found) != 1:
        raise RuntimeError(f"npm pack left {len(found)} tarballs in {dest}, expected 1")
    return found[0]


def read_tarball(path: Path) -> bytes:
    """Read the tarball and check its sha256 against :data:`TARBALL_SHA256`."""
    data = path.read_bytes()
    digest = sha256_hex(data)
    if digest != TARBALL_SHA256:
        raise ValueError(f"{path}: sha256 {digest} does not match {NPM_SPEC} ({TARBALL_SHA256})")
    return data


def extract_members(tarball: bytes, names: Sequence[str]) -> dict[str, bytes]:
    """Return the contents of the named regular files in the (gzipped) tarball."""
    out: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
        for name in names:
            member = tar.getmember(name)
            handle = tar.extractfile(member) if member.isfile() else None
            if handle is None:
                raise ValueError(f"{name} is not a regular file in the tarball")
            out[name] = handle.read()
    return out


def check_detector_asset(loader_js: bytes, asset: bytes) -> None:
    """Check that the packed ``.data`` file is exactly ``pose_detection.tflite``.

    The emscripten loader lists the packed files with byte ranges; we require a
    single file, the detector, spanning the whole asset.
    """
    match = re.search(rb"loadPackage\((\{.*\})\);", loader_js)
    if match is None:
        raise ValueError("cannot find loadPackage(...) in the packed-assets loader")
    files = json.loads(match.group(1))["files"]
    expected = [{"filename": DETECTOR_PACKED_NAME, "start": 0, "end": len(asset)}]
    if files != expected:
        raise ValueError(f"unexpected packed-assets layout: {files}")
    check_tflite(asset, DETECTOR_PACKED_NAME)


def check_tflite(data: bytes, label: str) -> None:
    """Raise ``ValueError`` unless ``data`` looks like a TFLite flatbuffer."""
    if data[4:8] != TFLITE_IDENTIFIER:
        raise ValueError(f"{label} is not a TFLite model (no TFL3 identifier)")


def build_metadata(spec: InputSpec) -> bytes:
    """Serialise the ``ModelMetadata`` flatbuffer (identifier ``M001``) for ``spec``."""
    norm = meta_fb.NormalizationOptionsT()
    norm.mean = [spec.mean]
    norm.std = [spec.std]
    unit = meta_fb.ProcessUnitT()
    unit.optionsType = meta_fb.ProcessUnitOptions.NormalizationOptions
    unit.options = norm
    props = meta_fb.ImagePropertiesT()
    props.colorSpace = meta_fb.ColorSpaceType.RGB
    content = meta_fb.ContentT()
    content.contentPropertiesType = meta_fb.ContentProperties.ImageProperties
    content.contentProperties = props
    stats = meta_fb.StatsT()
    stats.max = [spec.stats_max]
    stats.min = [spec.stats_min]
    tensor = meta_fb.TensorMetadataT()
    tensor.name = "image"
    tensor.description = "Input RGB image."
    tensor.content = content
    tensor.processUnits = [unit]
    tensor.stats = stats
    subgraph = meta_fb.SubGraphMetadataT()
    subgraph.inputTensorMetadata = [tensor]
    model = meta_fb.ModelMetadataT()
    model.name = spec.model_name
    model.description = spec.description
    model.license = "Apache License. Version 2.0 http://www.apache.org/licenses/LICENSE-2.0."
    model.subgraphMetadata = [subgraph]
    model.minParserVersion = "1.0.0"
    builder = flatbuffers.Builder(0)
    builder.Finish(model.Pack(builder), METADATA_IDENTIFIER)
    return bytes(builder.Output())


class AlignedBuilder(flatbuffers.Builder):  # type: ignore[misc]
    """A flatbuffers builder that starts every uint8 numpy vector (the weight
    buffers) on a :data:`BUFFER_ALIGN`-byte boundary, as the npm files have them."""

    head: int  # write position, set by flatbuffers.Builder (declared for mypy)

    def CreateNumpyVector(self, x: Any) -> int:  # noqa: N802 (flatbuffers API name)
        """Write ``x``; uint8 arrays are aligned to :data:`BUFFER_ALIGN` bytes."""
        if not (isinstance(x, np.ndarray) and x.dtype == np.uint8 and x.ndim == 1):
            return int(super().CreateNumpyVector(x))
        self.StartVector(1, x.size, BUFFER_ALIGN)
        payload = x.tobytes()
        self.head = self.head - len(payload)
        self.Bytes[self.head : self.head + len(payload)] = payload
        self.vectorNumElems = x.size
        return int(self.EndVector())


def add_metadata(tflite: bytes, metadata: bytes) -> bytes:
    """Return ``tflite`` with ``metadata`` attached as the ``TFLITE_METADATA`` entry.

    Appends a ``Buffer`` holding the metadata and a ``Model.metadata`` entry
    pointing at it (as tflite-support's populator does), then re-serialises the
    model with file identifier ``TFL3``.
    """
    check_tflite(tflite, "input model")
    model = tflite_fb.ModelT.InitFromObj(tflite_fb.Model.GetRootAs(tflite, 0))
    for entry in model.metadata or []:
        name = entry.name.decode() if isinstance(entry.name, bytes) else entry.name
        if name == METADATA_NAME:
            raise ValueError("model already has TFLITE_METADATA")
    buffer = tflite_fb.BufferT()
    buffer.data = np.frombuffer(metadata, dtype=np.uint8)
    model.buffers = [*(model.buffers or []), buffer]
    entry = tflite_fb.MetadataT()
    entry.name = METADATA_NAME
    entry.buffer = len(model.buffers) - 1
    model.metadata = [*(model.metadata or []), entry]
    builder = AlignedBuilder(len(tflite) + len(metadata) + 4096)
    builder.Finish(model.Pack(builder), TFLITE_IDENTIFIER)
    return bytes(builder.Output())


class AlignedZipFile(zipfile.ZipFile):
    """A ZipFile that starts each stored member's data on a ``ZIP_ALIGN`` boundary.

    Padding is written inside ``_writecheck`` (called after ZipFile seeks to the
    end of the archive, just before the local header), and ``header_offset``
    moves past it; the central directory then points at the real header.
    """

    def _writecheck(self, zinfo: zipfile.ZipInfo) -> None:
        """Pad so that the member data after the local header is aligned."""
        if zinfo.compress_type != zipfile.ZIP_STORED:
            raise ValueError("only ZIP_STORED members are supported")
        assert self.fp is not None
        offset = self.fp.tell()
        padding = -(offset + len(zinfo.FileHeader())) % ZIP_ALIGN
        if padding:
            self.fp.write(b"\0" * padding)
            zinfo.header_offset = offset + padding
        super()._writecheck(zinfo)  # type: ignore[misc]


def make_bundle(members: dict[str, bytes]) -> bytes:
    """Return a reproducible, aligned, uncompressed zip of ``members`` (in order)."""
    out = io.BytesIO()
    with AlignedZipFile(out, mode="w", compression=zipfile.ZIP_STORED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = ZIP_MODE
            info.create_system = 3
            zf.writestr(info, data)
    bundle = out.getvalue()
    check_bundle(bundle, members)
    return bundle


def check_bundle(bundle: bytes, members: dict[str, bytes]) -> None:
    """Re-read ``bundle`` and check member names, contents and data alignment."""
    with zipfile.ZipFile(io.BytesIO(bundle)) as zf:
        infos = zf.infolist()
        if [i.filename for i in infos] != list(members):
            raise AssertionError("bundle members differ from the inputs")
        for info in infos:
            if zf.read(info) != members[info.filename]:
                raise AssertionError(f"{info.filename} differs after zipping")
            name_len, extra_len = struct.unpack_from("<HH", bundle, info.header_offset + 26)
            start = info.header_offset + 30 + name_len + extra_len
            if start % ZIP_ALIGN or bundle[start : start + 8][4:8] != TFLITE_IDENTIFIER:
                raise AssertionError(f"{info.filename} data is not aligned at {start}")


def build_variant(assets: dict[str, bytes], variant: str) -> bytes:
    """Build the ``.task`` bytes of one variant from the extracted npm assets."""
    detector = add_metadata(assets[DETECTOR_ASSET], build_metadata(DETECTOR_SPEC))
    landmarks_raw = assets[LANDMARK_ASSET.format(variant=variant)]
    check_tflite(landmarks_raw, f"pose_landmark_{variant}.tflite")
    landmarks = add_metadata(landmarks_raw, build_metadata(LANDMARKS_SPEC))
    return make_bundle({DETECTOR_MEMBER: detector, LANDMARKS_MEMBER: landmarks})


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and rename."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def update_manifest(out_dir: Path, tarball_sha: str, built: dict[str, bytes]) -> Path:
    """Merge the built variants into ``out_dir/manifest.json`` and return its path.

    Variants already listed but not rebuilt are kept.
    """
    path = out_dir / "manifest.json"
    manifest: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    source = manifest.get("source")
    if source and source.get("tarball_sha256") != tarball_sha:
        raise ValueError(f"{path} lists models from another source: {source}")
    manifest["source"] = {"npm": NPM_SPEC, "tarball_sha256": tarball_sha}
    models: dict[str, Any] = manifest.setdefault("models", {})
    for variant, data in built.items():
        models[variant] = {
            "file": f"pose_landmarker_{variant}.task",
            "bytes": len(data),
            "sha256": sha256_hex(data),
        }
    manifest["models"] = {k: models[k] for k in sorted(models)}
    write_atomic(path, (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())
    return path


def check_load(path: Path) -> int:
    """Smoke test: create a PoseLandmarker from ``path`` and run it on a blank image.

    Returns the number of poses found (0 is expected for a blank image).
    """
    import mediapipe as mp  # noqa: PLC0415
    from mediapipe.tasks.python import vision  # noqa: PLC0415 (heavy, optional)
    from mediapipe.tasks.python.core.base_options import BaseOptions  # noqa: PLC0415

    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(path)),
        running_mode=vision.RunningMode.IMAGE,
    )
    blank = np.zeros((256, 256, 3), dtype=np.uint8)
    with vision.PoseLandmarker.create_from_options(options) as landmarker:
        result = landmarker.detect(mp.Image(image_format=mp.ImageFormat.SRGB, data=blank))
    return len(result.pose_landmarks)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tarball", type=Path, help=f"npm tarball of {NPM_SPEC}")
    parser.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(DEFAULT_VARIANTS))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    parser.add_argument(
        "--check-load", action="store_true", help="load each output with PoseLandmarker"
    )
    return parser.parse_args(argv)


def load_assets(tarball: Path | None, variants: Sequence[str]) -> tuple[str, dict[str, bytes]]:
    """Return the tarball sha256 and the assets needed for ``variants``."""
    with tempfile.TemporaryDirectory(prefix="npmpose-") as tmp:
        path = tarball if tarball is not None else npm_pack(Path(tmp))
        data = read_tarball(path)
    names = [DETECTOR_ASSET, DETECTOR_LOADER]
    names += [LANDMARK_ASSET.format(variant=v) for v in variants]
    assets = extract_members(data, names)
    check_detector_asset(assets[DETECTOR_LOADER], assets[DETECTOR_ASSET])
    return sha256_hex(data), assets


def main(argv: Sequence[str] | None = None) -> int:
    """Build the requested variants, write them and the manifest; return an exit code."""
    args = parse_args(argv)
    variants = list(dict.fromkeys(args.variants))
    tarball_sha, assets = load_assets(args.tarball, variants)
    args.out.mkdir(parents=True, exist_ok=True)
    built: dict[str, bytes] = {}
    for variant in variants:
        built[variant] = build_variant(assets, variant)
        path = args.out / f"pose_landmarker_{variant}.task"
        write_atomic(path, built[variant])
        print(f"{path}  {len(built[variant])} bytes  sha256 {sha256_hex(built[variant])}")
    print(f"updated {update_manifest(args.out, tarball_sha, built)}")
    if args.check_load:
        for variant in variants:
            path = args.out / f"pose_landmarker_{variant}.task"
            print(f"check-load {path.name}: ok ({check_load(path)} poses on a blank image)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
