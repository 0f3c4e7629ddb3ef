"""The live page in real headless Chromium: the app served by uvicorn on 127.0.0.1, a fake
camera playing a .y4m clip made from a rendered side-lying video (Chromium loops it from
the start when the page opens the camera), every request recorded.

Used by ``tests/integration/test_live_browser.py`` and ``benchmarks/live_pipeline.py``.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from hipcoach.config import Settings
from tests.conftest import REPO
from tests.helpers.browser import FAKE_CAMERA_ARGS, axe_serious, chromium

SHOTS = REPO / "docs" / "web"


def read_frames(video: Path) -> list[np.ndarray]:
    """Every frame of ``video`` as RGB (H x W x 3 uint8)."""
    with av.open(str(video)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]


def compose(
    frames: Sequence[np.ndarray], first: int, last: int, pad_s: float, fps: float
) -> list[np.ndarray]:
    """Frames ``first..last`` (inclusive) with the first held ``pad_s`` s before and the last
    held ``pad_s`` s after (a still ready position around the reps)."""
    hold = round(pad_s * fps)
    return [frames[first]] * hold + list(frames[first : last + 1]) + [frames[last]] * hold


def write_y4m(frames: Sequence[np.ndarray], path: Path, fps: int, repeat: int = 1) -> Path:
    """``frames`` as a raw YUV4MPEG2 file at ``fps * repeat`` frames/s (each frame written
    ``repeat`` times, so a 10 fps clip plays at the same speed as 30 fps frames)."""
    with av.open(str(path), "w", format="yuv4mpegpipe") as out:
        stream = out.add_stream("rawvideo", rate=fps * repeat)
        stream.width, stream.height = frames[0].shape[1], frames[0].shape[0]
        stream.pix_fmt = "yuv420p"
        for rgb in frames:
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            for _ in range(repeat):
                for packet in stream.encode(frame):
                    out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served_app(tmp: Path, settings: Settings | None = None, model: str = "lite") -> Iterator[Any]:
    """``create_app`` served by uvicorn on 127.0.0.1 (a history database in ``tmp``); yields
    the :class:`~hipcoach.web.config.WebConfig`."""
    uvicorn = pytest.importorskip("uvicorn")
    from hipcoach.web.app import create_app
    from hipcoach.web.config import WebConfig, new_token

    config = WebConfig(
        token=new_token(),
        port=free_port(),
        work_dir=tmp / "work",
        routine_path=tmp / "routine.toml",
        db_path=tmp / "history.sqlite",
        model=model,
    )
    app = create_app(config)
    if settings is not None:
        app.state.live_settings = settings
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=config.port, log_level="warning", ws="auto")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield config
    finally:
        server.should_exit = True
        thread.join(10)


@dataclass
class LivePage:
    """The open live page, the URLs it requested and its console errors."""

    page: Any
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def stats(self) -> dict[str, Any]:
        """The page's counters (``window.hipcoachLive.stats``)."""
        return dict(self.page.evaluate("() => window.hipcoachLive.stats"))

    def view(self) -> dict[str, Any] | None:
        """The newest session view the page got (None before the first)."""
        return self.page.evaluate("() => window.hipcoachLive.live.view")  # type: ignore[no-any-return]

    def state(self) -> dict[str, Any] | None:
        """The newest state message."""
        return self.page.evaluate("() => window.hipcoachLive.live.state")  # type: ignore[no-any-return]

    def axe_serious(self) -> list[str]:
        """axe-core violations of impact serious or critical."""
        return axe_serious(self.page)

    def shot(self, name: str, scratch: Path) -> Path:
        """Screenshot to docs/web/<name>.png when HIPCOACH_UPDATE_SCREENSHOTS is set, else
        to ``scratch``; the path written (128 colours: the camera picture's noise would
        make a full-colour PNG three times larger)."""
        from PIL import Image

        keep = bool(os.environ.get("HIPCOACH_UPDATE_SCREENSHOTS"))
        path = SHOTS / f"{name}.png" if keep else scratch
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path), full_page=True)
        with Image.open(path) as im:
            small = im.convert("RGB").quantize(128, dither=Image.Dither.NONE)
        small.save(path, optimize=True)
        return path

    def phase(self) -> dict[str, Any]:
        """The newest view, or an empty one before the first."""
        return self.view() or {"phase": "", "prompt": None, "reps": 0}

    def start(self, working: str | None, timeout_s: float = 60.0) -> float:
        """Wait until the page is ready (s, returned), choose the working leg, press Start,
        answer "no" to the safety questions and 0 to pain-before as fast as they come, and
        return once the count-in or the set runs."""
        began = time.monotonic()
        self.page.wait_for_function(
            "() => !document.getElementById('live-start-button').disabled",
            timeout=timeout_s * 1000,
        )
        ready_s = time.monotonic() - began
        if working is not None:
            self.page.select_option("#live-side", working)
        self.page.click("#live-start-button")
        deadline = time.monotonic() + timeout_s
        answered: str | None = None
        while time.monotonic() < deadline:
            view = self.phase()
            if view["phase"] in ("count_in", "exercise"):
                return ready_s
            prompt = view["prompt"]
            if prompt and prompt != answered:
                answered = prompt
                yes_no = prompt.endswith("[y/n]")
                self.page.click("#live-yesno [data-key=n]" if yes_no else "[data-pain='0']")
            time.sleep(0.05)
        raise AssertionError(f"the set never started: {self.phase()}")


@contextmanager
def open_live_page(
    config: Any, clip: Path, width: int = 1280, height: int = 900, path: str = "session"
) -> Iterator[LivePage]:
    """``/<path>`` (``/session`` by default) of the served app in headless Chromium with
    ``clip`` as the camera; skips without Chromium or Playwright."""
    camera = f"--use-file-for-fake-video-capture={clip}"
    autoplay = "--autoplay-policy=no-user-gesture-required"
    with chromium(*FAKE_CAMERA_ARGS, camera, autoplay) as browser:
        page = browser.new_page(viewport={"width": width, "height": height})
        opened = LivePage(page)
        page.on("request", lambda r: opened.requests.append(r.url))
        page.on(
            "console",
            lambda m: opened.console_errors.append(m.text) if m.type == "error" else None,
        )
        page.goto(f"{config.url}{path}?token={config.token}", wait_until="load")
        yield opened
