"""Open a local HTML page in real headless Chromium (Debian's /usr/bin/chromium via
Playwright), record every request it makes, and take the committed screenshot only when
``HIPCOACH_UPDATE_SCREENSHOTS=1`` (so test runs leave the work tree clean)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
IMAGES_JS = (
    "() => Array.from(document.images).map(i => {"
    " const r = i.getBoundingClientRect();"
    " return {w: i.naturalWidth, h: i.naturalHeight, done: i.complete, alt: i.alt,"
    " shown_w: r.width, shown_h: r.height,"
    " visible: getComputedStyle(i).visibility === 'visible'}; })"
)


@dataclass
class OpenPage:
    """A loaded page and the URLs it requested."""

    page: Any
    requests: list[str] = field(default_factory=list)

    def images(self) -> list[dict[str, Any]]:
        """Every <img>: natural and shown size, loaded, alt text, visibility."""
        return list(self.page.evaluate(IMAGES_JS))

    def external_requests(self) -> list[str]:
        """Requests that left the machine (anything but file: and data: URLs)."""
        return [u for u in self.requests if not u.startswith(("file:", "data:"))]

    def screenshot(self, committed: Path, scratch: Path) -> Path:
        """Full-page screenshot to ``committed`` when HIPCOACH_UPDATE_SCREENSHOTS is set,
        else to ``scratch``; returns the path written."""
        shot = committed if os.environ.get("HIPCOACH_UPDATE_SCREENSHOTS") else scratch
        shot.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(shot), full_page=True)
        return shot


#: Chromium's fake camera (``--use-file-for-fake-video-capture=CLIP`` adds a clip to it).
FAKE_CAMERA_ARGS = ("--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream")


@contextmanager
def chromium(*extra_args: str) -> Iterator[Any]:
    """Debian's headless Chromium launched by Playwright (``CHROMIUM_ARGS`` plus
    ``extra_args``), closed afterwards; skips the test when Chromium or Playwright is
    missing. The one place tests, helpers and benchmarks start a browser."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install the Debian package 'chromium'")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *extra_args]
        )
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def open_in_chromium(html: Path, width: int = 1280, height: int = 900) -> Iterator[OpenPage]:
    """``html`` loaded in headless Chromium; skips the test when Chromium or Playwright is
    missing."""
    with chromium() as browser:
        page = browser.new_page(viewport={"width": width, "height": height})
        opened = OpenPage(page)
        page.on("request", lambda request: opened.requests.append(request.url))
        page.goto(html.as_uri(), wait_until="load")
        yield opened


#: axe-core, vendored (tests/vendor/axe-core, MPL-2.0) so the accessibility check needs no network.
AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"


def axe_serious(page: Any, *, iframes: bool = True) -> list[str]:
    """axe-core violations of impact serious or critical on ``page`` (a Playwright page),
    one line each; ``iframes=False`` leaves framed documents out."""
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    options = "{resultTypes: ['violations']" + ("" if iframes else ", iframes: false") + "}"
    result = page.evaluate(
        f"async () => (await axe.run(document, {options}))"
        ".violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes']}"
        for v in result
        if v["impact"] in ("serious", "critical")
    ]
