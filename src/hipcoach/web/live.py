"""The live camera page: pose in the browser, counting in Python (``GET /session``,
WebSocket ``/ws/live``).

The page runs MediaPipe's PoseLandmarker (``@mediapipe/tasks-vision``, vendored under
``static/live/vendor/``; the model is the package's own ``.task`` file, served here) on the
camera in a Web Worker (``static/live/pose_worker.js``) and sends, per frame,
``{"type": "frame", "t": s, "landmarks": 33 x [x, y, z, visibility], "world": 33 x [x, y,
z]}`` (empty lists = nobody found). Only one frame is in
flight: the page sends the next one after the answer to the previous one, and keeps only the
newest meanwhile. Python turns the message into the project's pose candidates and drives
the SAME session engine as ``hipcoach session --camera N``
(:class:`~hipcoach.session.guided.RemoteSession`: the player, its plan, pain rules and
history; the live count (``analysis.live_count``, equal to ``count_known_set`` on the same
frames) and the cue selector through ``CameraRepSource``). It answers
with ``{"type": "state", ...}``: the player's view (phase, reps vs target, timer, cue,
problem, prompt), the texts to say (and their espeak-ng audio at
``/session/speech/<key>.wav``, for a browser without speech voices), the frame warnings,
``frame_t`` (the newest frame received, s, page clock) and ``count_frame_t`` (the newest
frame the shown count covers).

Other messages from the page: ``{"type": "start", "width": px, "height": px,
"start_side": "left"|"right"|null, "band": 0..10|null, "mode": "session"|"setup"}`` (first,
once; "setup" runs only :class:`~hipcoach.session.setup_check.SetupCheck`, the view checks
of ``analyze``, for the camera set-up page ``GET /session/setup``: the state's ``setup``)
and ``{"type": "key", "key": "p"}`` (the terminal's keys: space, p, s, n, q, y, l, r, b, digits,
Enter). Every message is validated; a bad or oversized one gets ``{"type": "error",
"error": ..., "fix": ...}`` and the socket is closed (code 1007/1009), never a traceback.

Test hook: ``app.state.live_settings`` (a :class:`~hipcoach.config.Settings`) replaces the
defaults (e.g. a shorter count-in).
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import importlib
import json
import math
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import asdict
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse, HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator
from starlette.websockets import WebSocketState

from hipcoach.config import DEFAULTS, Settings
from hipcoach.errors import HipcoachError
from hipcoach.session.remote import (
    N_LANDMARKS,
    candidate_from_lists,
    frame_warnings,
    render_speech,
)
from hipcoach.web.config import WebConfig
from hipcoach.web.pages import render
from hipcoach.web.routine_file import preferred_band
from hipcoach.web.security import require_websocket_origin

if TYPE_CHECKING:  # the session engine (scipy, the analysis) is imported on first use
    from hipcoach.session.guided import GuidedOptions, RemoteSession
    from hipcoach.session.setup_check import SetupCheck

#: The camera set-up page re-judges the view at most this often (s, page clock).
SETUP_EVERY_S = 0.5

router = APIRouter()

VENDOR_DIR = Path(__file__).with_name("static") / "live" / "vendor"
#: Largest message accepted from the page (bytes of JSON text): a frame is about 5 kB.
MAX_MESSAGE_BYTES = 64_000
KEYS = frozenset(" psnqylrb0123456789\n\x7f")
_VENDOR_TYPES = {
    "vision_bundle.js": "text/javascript",
    "vision_wasm_internal.js": "text/javascript",
}
_WASM = "vision_wasm_internal.wasm"
_FIX_RELOAD = "reload the page; if it keeps happening, use `hipcoach session --camera 0`"

Coord = Annotated[float, Field(ge=-1e4, le=1e4, allow_inf_nan=False)]


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StartMsg(_Message):
    """Start the session: the camera picture's size (px) and the page's choices."""

    type: Literal["start"]
    width: int = Field(ge=16, le=8192)
    height: int = Field(ge=16, le=8192)
    start_side: Literal["left", "right"] | None = None
    band: int | None = Field(default=None, ge=0, le=10)
    #: "session": the guided session; "setup": only the camera set-up checks.
    mode: Literal["session", "setup"] = "session"


class FrameMsg(_Message):
    """One camera frame's landmarks (``t``: s, page clock, increasing)."""

    type: Literal["frame"]
    t: float = Field(ge=0.0, le=1e7, allow_inf_nan=False)
    landmarks: list[Annotated[list[Coord], Field(min_length=4, max_length=4)]] = Field(
        max_length=N_LANDMARKS
    )
    world: list[Annotated[list[Coord], Field(min_length=3, max_length=3)]] = Field(
        max_length=N_LANDMARKS
    )

    @field_validator("world")
    @classmethod
    def _complete(cls, world: list[list[float]], info: Any) -> list[list[float]]:
        landmarks = info.data.get("landmarks", [])
        if len(landmarks) not in (0, N_LANDMARKS) or len(world) != len(landmarks):
            raise ValueError(f"landmarks and world must both hold {N_LANDMARKS} points, or none")
        return world


class KeyMsg(_Message):
    """Key presses, as on the terminal (``"p"``, ``"7\\n"``...)."""

    type: Literal["key"]
    key: str = Field(min_length=1, max_length=5)

    @field_validator("key")
    @classmethod
    def _known(cls, key: str) -> str:
        if not set(key) <= KEYS:
            raise ValueError("unknown key")
        return key


Message = Annotated[StartMsg | FrameMsg | KeyMsg, Field(discriminator="type")]
_PARSER: TypeAdapter[StartMsg | FrameMsg | KeyMsg] = TypeAdapter(Message)


class BadMessage(Exception):
    """A message the page should never send; ``code`` is the WebSocket close code."""

    def __init__(self, error: str, code: int = 1007) -> None:
        super().__init__(error)
        self.error, self.code = error, code


def parse_message(raw: Mapping[str, Any]) -> StartMsg | FrameMsg | KeyMsg:
    """The validated message of a WebSocket ``receive()`` event; raises :class:`BadMessage`."""
    text = raw.get("text")
    if text is None:
        raise BadMessage("binary messages are not accepted", code=1003)
    if len(text) > MAX_MESSAGE_BYTES:
        raise BadMessage(f"message larger than {MAX_MESSAGE_BYTES} bytes", code=1009)
    try:
        return _PARSER.validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "message"
        raise BadMessage(f"bad message ({where}: {first.get('msg')})") from None


# ------------------------------------------------------------------------------ HTTP
def _config(request: Request | WebSocket) -> WebConfig:
    config: WebConfig = request.app.state.config
    return config


def model_file(name: str) -> Path:
    """The package's own pose model file for ``name`` ("lite" or "full")."""
    models = Path(str(resources.files("hipcoach") / "models"))
    return models / f"pose_landmarker_{'full' if name == 'full' else 'lite'}.task"


def _page_config(request: Request) -> dict[str, str]:
    """What the live pages' scripts need: the model, runtime and socket addresses."""
    config = _config(request)
    return {
        "model": f"/session/model/{'full' if config.model == 'full' else 'lite'}.task",
        "bundle": "/session/vendor/vision_bundle.js",
        "worker": "/static/live/pose_worker.js",
        "wasm_loader": "/session/vendor/vision_wasm_internal.js",
        "wasm_binary": f"/session/vendor/{_WASM}",
        "socket": "/ws/live",
    }


@router.get("/session")
def session_page(request: Request) -> HTMLResponse:
    """The guided-session page (camera, live count, pain button)."""
    context = {"title": "Guided session", "page": _page_config(request)}
    return render(request, "live/session.html.j2", context)


@router.get("/session/setup")
def setup_page(request: Request) -> HTMLResponse:
    """The camera set-up page: live preview, body-outline guide, the view checks."""
    return render(
        request, "live/setup.html.j2", {"title": "Camera set-up", "page": _page_config(request)}
    )


@router.get("/session/model/{name}.task")
def pose_model(name: Literal["lite", "full"]) -> FileResponse:
    """The package's pose model for the page's PoseLandmarker."""
    return FileResponse(model_file(name), media_type="application/octet-stream")


@lru_cache(maxsize=1)
def _wasm_gz() -> bytes:
    return (VENDOR_DIR / f"{_WASM}.gz").read_bytes()


@router.get("/session/vendor/{name}")
def vendor_file(name: str, request: Request) -> Response:
    """The vendored tasks-vision files (an allow-list; the WASM is stored gzipped and sent
    with ``Content-Encoding: gzip``, or unpacked for a client that does not take gzip)."""
    if name == _WASM:
        headers = {"cache-control": "max-age=86400", "vary": "accept-encoding"}
        if "gzip" in request.headers.get("accept-encoding", ""):
            headers["content-encoding"] = "gzip"
            return Response(_wasm_gz(), media_type="application/wasm", headers=headers)
        return Response(gzip.decompress(_wasm_gz()), media_type="application/wasm", headers=headers)
    media = _VENDOR_TYPES.get(name)
    if media is None:
        return Response("not found", status_code=404, media_type="text/plain")
    return FileResponse(VENDOR_DIR / name, media_type=media)


class SpeechStore:
    """The texts the live sessions said, by key, for ``GET /session/speech/<key>.wav`` (the
    espeak-ng voice for a browser without speech voices). Only texts a session said can be
    rendered; the newest ``keep`` texts and their audio are kept."""

    def __init__(self, keep: int = 64) -> None:
        self._keep = keep
        self._texts: OrderedDict[str, str] = OrderedDict()
        self._audio: OrderedDict[str, bytes] = OrderedDict()

    def add(self, text: str) -> str:
        """The URL of ``text`` spoken."""
        key = hashlib.sha256(text.encode()).hexdigest()[:20]
        self._texts[key] = text
        self._texts.move_to_end(key)
        while len(self._texts) > self._keep:
            self._texts.popitem(last=False)
        return f"/session/speech/{key}.wav"

    def audio(self, key: str) -> bytes | None:
        """The WAV of a said text (None: unknown key, or no espeak-ng)."""
        if key in self._audio:
            return self._audio[key]
        text = self._texts.get(key)
        wav = None if text is None else render_speech(text)
        if wav is not None:
            self._audio[key] = wav
            while len(self._audio) > self._keep:
                self._audio.popitem(last=False)
        return wav


def speech_store(app: Any) -> SpeechStore:
    """The app's :class:`SpeechStore` (made on first use)."""
    store: SpeechStore | None = getattr(app.state, "live_speech", None)
    if store is None:
        store = app.state.live_speech = SpeechStore()
    return store


@router.get("/session/speech/{key}.wav")
async def speech(key: str, request: Request) -> Response:
    """A text the session said, spoken by espeak-ng (404 when unknown or no espeak-ng)."""
    wav = await asyncio.to_thread(speech_store(request.app).audio, key)
    if wav is None:
        return Response("not found", status_code=404, media_type="text/plain")
    return Response(wav, media_type="audio/wav", headers={"cache-control": "max-age=3600"})


# ------------------------------------------------------------------------------ socket
def guided_options(ws: WebSocket, start: StartMsg) -> GuidedOptions:
    """The session to run for this page: the app's routine and history, the page's side,
    the band (the page's, else the routine page's saved one, else the last session's), the
    app's settings (``app.state.live_settings`` when set)."""
    from hipcoach.session.guided import GuidedOptions  # noqa: PLC0415 - heavy, lazy

    config = _config(ws)
    settings: Settings = getattr(ws.app.state, "live_settings", DEFAULTS)
    routine = config.routine_path if config.routine_path.is_file() else None
    return GuidedOptions(
        settings=settings,
        routine_path=routine,
        db=config.db_path,
        start_side=start.start_side,
        band_level=start.band if start.band is not None else preferred_band(config.routine_path),
    )


class LiveConnection:
    """One page's socket: reads messages, feeds the session, sends its state when it
    changes (several changes between two sends make one message)."""

    def __init__(self, ws: WebSocket) -> None:
        self.ws = ws
        self.loop = asyncio.get_running_loop()
        self.changed = asyncio.Event()
        self.session: RemoteSession | None = None
        self.setup: SetupCheck | None = None
        self.setup_report: dict[str, Any] | None = None
        self.setup_t = -math.inf
        self.frame_t: float | None = None
        self.frames = 0
        self.warnings: list[str] = []

    def _notify(self) -> None:
        """Thread-safe: something new to send."""
        self.loop.call_soon_threadsafe(self.changed.set)

    async def run(self) -> None:
        """Serve the page until it goes away or the session ends."""
        sender = asyncio.create_task(self._send_loop())
        try:
            await self._receive_loop()
        except BadMessage as bad:
            await close_with(self.ws, bad.error, "the page sent something unexpected", bad.code)
        except WebSocketDisconnect:
            pass
        finally:
            sender.cancel()
            if self.session is not None:
                # End the input first, synchronously: if the server's loop is shutting down
                # the awaited close below may never run, and the session must still finish.
                self.session.end_input()
                await asyncio.to_thread(self.session.close)

    async def _receive_loop(self) -> None:
        while True:
            raw = await self.ws.receive()
            if raw.get("type") == "websocket.disconnect":
                return
            msg = parse_message(raw)
            if isinstance(msg, StartMsg):
                await self._start(msg)
            elif self.session is None and self.setup is None:
                raise BadMessage("the first message must be 'start'")
            elif isinstance(msg, FrameMsg):
                self._frame(msg)
            elif self.session is not None:
                self.session.press(msg.key)

    async def _start(self, msg: StartMsg) -> None:
        if self.session is not None or self.setup is not None:
            raise BadMessage("the session was already started")
        # The engine's first import takes about a second: not in the event loop's thread.
        await asyncio.to_thread(importlib.import_module, "hipcoach.session.guided")
        if msg.mode == "setup":
            from hipcoach.session.setup_check import SetupCheck  # noqa: PLC0415 - lazy

            settings: Settings = getattr(self.ws.app.state, "live_settings", DEFAULTS)
            self.setup = SetupCheck((msg.width, msg.height), settings)
            self._notify()
            return
        from hipcoach.session.guided import RemoteSession  # noqa: PLC0415 - heavy, lazy

        self.session = RemoteSession(
            guided_options(self.ws, msg), (msg.width, msg.height), self._notify
        )
        self.session.start()
        self._notify()

    def _frame(self, msg: FrameMsg) -> None:
        person = candidate_from_lists(msg.landmarks, msg.world) if msg.landmarks else None
        people = [] if person is None else [person]
        if self.session is not None:
            self.session.push_frame(msg.t, people)
        elif self.setup is not None:
            self.setup.add(msg.t, people)
            if msg.t - self.setup_t >= SETUP_EVERY_S:
                self.setup_t = msg.t
                self.setup_report = asdict(self.setup.report())
        self.frame_t, self.frames = msg.t, self.frames + 1
        self.warnings = frame_warnings(person)
        self._notify()

    def state(self) -> dict[str, Any]:
        """What the page shows now (the player's view, speech, warnings, the end)."""
        session = self.session
        view = None if session is None or session.screen.view is None else session.screen.view
        error = None if session is None else session.error
        outcome = None if session is None else session.outcome
        say = [] if session is None else session.screen.take_speech()
        store = speech_store(self.ws.app)
        return {
            "type": "state",
            "frame_t": self.frame_t,
            "count_frame_t": None if session is None else session.counter.counted_frame_s,
            "frames": self.frames,
            "view": None if view is None else _jsonable(asdict(view)),
            "say": say,
            "say_audio": [store.add(text) for text in say],
            "warnings": self.warnings,
            "finished": session is not None and session.finished.is_set(),
            "error": None if error is None else {"error": error.message, "fix": error.fix},
            "session_id": None if outcome is None else outcome.session_id,
            "stop_reason": None if outcome is None else outcome.stop_reason,
            "setup": self.setup_report,
        }

    async def _send_loop(self) -> None:
        try:
            while True:
                await self.changed.wait()
                self.changed.clear()
                state = self.state()
                await self.ws.send_text(json.dumps(state))
                if state["finished"]:
                    return
        except (WebSocketDisconnect, RuntimeError):
            return  # the page went away mid-send: the receive loop ends the session


async def close_with(ws: WebSocket, error: str, fix: str, code: int) -> None:
    """Tell the page what went wrong (one ``error`` message) and close with ``code``."""
    if ws.application_state == WebSocketState.CONNECTED:
        await ws.send_text(json.dumps({"type": "error", "error": error, "fix": fix}))
        await ws.close(code=code)


def _jsonable(view: dict[str, Any]) -> dict[str, Any]:
    """The view with non-finite numbers as None (JSON has no inf/nan)."""
    return {
        k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in view.items()
    }


@router.websocket("/ws/live")
async def live_socket(
    websocket: WebSocket, _: Annotated[None, Depends(require_websocket_origin)]
) -> None:
    """The live pipeline's socket (see the module docstring)."""
    await websocket.accept()
    try:
        await LiveConnection(websocket).run()
    except HipcoachError as exc:
        await close_with(websocket, exc.message, exc.fix or _FIX_RELOAD, 1011)
