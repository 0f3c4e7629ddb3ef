"""HTML → PDF with headless Chromium's print-to-PDF (Debian's ``chromium`` package).

The pages are self-contained (inline CSS, ``data:`` images), so Chromium prints them from
``file:`` with networking off. The PDF is written atomically: a failed print leaves no file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Final

from hipcoach.files import atomic_output

CANDIDATES: Final = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: Seconds one page may take to print.
TIMEOUT_S: Final = 120.0


class PdfError(Exception):
    """Chromium did not print the page (the reason is the message)."""


def find_chromium() -> str | None:
    """``$HIPCOACH_CHROMIUM``, else the first Chromium on the PATH (None: none)."""
    given = os.environ.get("HIPCOACH_CHROMIUM")
    if given:
        return given if Path(given).is_file() else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def print_pdf(html: Path, pdf: Path, chromium: str, timeout_s: float = TIMEOUT_S) -> Path:
    """Print ``html`` to ``pdf`` (A4/Letter as Chromium's default, no header or footer)."""
    with tempfile.TemporaryDirectory(prefix="hipcoach-pdf-") as profile, atomic_output(pdf) as tmp:
        command = [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={tmp}",
            html.resolve().as_uri(),
        ]
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                timeout=timeout_s,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PdfError(f"Chromium could not print {html.name}: {exc}") from exc
        if not tmp.is_file() or tmp.stat().st_size == 0 or not tmp.read_bytes().startswith(b"%PDF"):
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no PDF"]
            raise PdfError(f"Chromium could not print {html.name}: {tail[0]}")
    return pdf
