"""Refresh the browser pose runtime vendored for the live page from npm.

Usage: ``python tools/vendor_tasks_vision.py [VERSION]`` (needs ``npm``; run from anywhere).

Fetches ``@mediapipe/tasks-vision@VERSION`` with ``npm pack`` into a temporary folder and
copies what the live page needs into ``src/hipcoach/web/static/live/vendor/``:

- ``vision_bundle.js`` (the classic-script build, ``var Vision = ...``, loaded by the page's
  pose worker with ``importScripts``; its source-map comment removed),
- ``vision_wasm_internal.js`` (the loader of the SIMD build: every Chromium has WASM SIMD),
- ``vision_wasm_internal.wasm.gz`` (the SIMD binary, gzip -9: 13 MB → ~3.8 MB in git; the
  app serves it with ``Content-Encoding: gzip``),
- ``LICENSE`` (Apache-2.0, from the package's licence field) and ``VENDORED.json`` (version,
  tarball and file sha256s).

The pose model is not vendored again: the app serves the package's own
``src/hipcoach/models/pose_landmarker_*.task``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "@mediapipe/tasks-vision"
DEFAULT_VERSION = "1.1.0"
ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "src" / "hipcoach" / "web" / "static" / "live" / "vendor"
LICENSE_SOURCE = ROOT / "src" / "hipcoach" / "models" / "LICENSE"  # the Apache-2.0 text


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _pack(version: str, work: Path) -> Path:
    """``npm pack`` the package into ``work``; the tarball's path."""
    out = (
        subprocess.run(
            ["npm", "pack", f"{PACKAGE}@{version}", "--silent"],
            cwd=work,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    return work / out


def _extract(tarball: Path, work: Path) -> Path:
    with tarfile.open(tarball) as tar:
        tar.extractall(work, filter="data")
    return work / "package"


def vendor(version: str) -> dict[str, str]:
    """Copy the needed files of ``version`` into :data:`VENDOR`; their sha256s."""
    VENDOR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        tarball = _pack(version, work)
        pkg = _extract(tarball, work)
        meta = json.loads((pkg / "package.json").read_text())
        if meta.get("license") != "Apache-2.0":
            raise SystemExit(f"unexpected licence {meta.get('license')!r}: check before vendoring")
        bundle = (pkg / "vision_bundle.js").read_text()
        bundle = re.sub(r"\n?//# sourceMappingURL=\S+\s*$", "\n", bundle)
        for old in VENDOR.glob("vision_bundle.*"):
            old.unlink()
        (VENDOR / "vision_bundle.js").write_text(bundle)
        shutil.copyfile(
            pkg / "wasm" / "vision_wasm_internal.js", VENDOR / "vision_wasm_internal.js"
        )
        raw = (pkg / "wasm" / "vision_wasm_internal.wasm").read_bytes()
        with gzip.GzipFile(VENDOR / "vision_wasm_internal.wasm.gz", "wb", 9, mtime=0) as gz:
            gz.write(raw)
        shutil.copyfile(LICENSE_SOURCE, VENDOR / "LICENSE")
        files = {p.name: _sha256(p) for p in sorted(VENDOR.iterdir()) if p.name != "VENDORED.json"}
        record = {
            "package": PACKAGE,
            "version": meta["version"],
            "license": meta["license"],
            "tarball_sha256": _sha256(tarball),
            "wasm_sha256_uncompressed": hashlib.sha256(raw).hexdigest(),
            "files": files,
            "refresh": f"python tools/vendor_tasks_vision.py {meta['version']}",
        }
    (VENDOR / "VENDORED.json").write_text(json.dumps(record, indent=2) + "\n")
    return files


def main(argv: list[str]) -> int:
    """Entry point: ``argv`` = [VERSION]."""
    version = argv[0] if argv else DEFAULT_VERSION
    for name, digest in vendor(version).items():
        print(f"{digest[:16]}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
