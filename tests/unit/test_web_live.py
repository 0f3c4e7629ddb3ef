"""The live page's Python side: messages → pose candidates → the session's live counter.

Stored real-model landmarks of the rendered corpus (``tests/data/corpus/*.npz``) are
replayed as the page would send them (JSON, normalised coordinates rounded to 5 decimals)
through ``parse_message`` → ``candidate_from_lists`` → ``PushedFrames``/``PushedBackend``
→ ``CameraRepSource``: each set's live count equals ``count_known_set`` on the same frames
(the offline counter) and the truth. The WebSocket is driven with FastAPI's TestClient:
bad, oversized or out-of-order messages get one error and a close; a short session runs
from "start" to the stored pain scores.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from hipcoach.analysis.single_set import count_known_set
from hipcoach.config import DEFAULTS
from hipcoach.exercises.routine import load_routine
from hipcoach.sequence.io import load_npz
from hipcoach.sequence.schema import PoseSequence
from hipcoach.session.camera import CameraRepSource
from hipcoach.session.remote import (
    NOBODY,
    OUT_OF_VIEW,
    PushedBackend,
    PushedFrames,
    RemoteKeys,
    candidate_from_lists,
    frame_warnings,
)
from hipcoach.storage import open_db
from tests.conftest import REPO

pytest.importorskip("fastapi", reason='pip install -e ".[dev]"')
from hipcoach.web.live import MAX_MESSAGE_BYTES, BadMessage, FrameMsg, parse_message

pytestmark = pytest.mark.timeout(120)  # a socket test waiting for a state never hangs

CORPUS = REPO / "tests" / "data" / "corpus"
CLIPS = ("B01_L_front", "B08_R_front")
LEAD_S = 0.5  # rest before/after the true set inside the counted window (s)
PLAYER = 1000.0  # the player's clock runs this far ahead of the frames' clock (s)


def page_message(seq: PoseSequence, i: int) -> str:
    """Frame ``i`` of ``seq`` as the page sends it."""
    if not seq.detected[i]:
        return json.dumps(
            {"type": "frame", "t": float(seq.times_s[i]), "landmarks": [], "world": []}
        )
    xy = seq.image_xy[i] / np.array([seq.width, seq.height])
    z = seq.image_z[i] / seq.width
    lm = [
        [round(float(x), 5), round(float(y), 5), round(float(zz), 5), round(float(v), 5)]
        for (x, y), zz, v in zip(xy, z, seq.visibility[i], strict=True)
    ]
    world = [[round(float(c), 5) for c in p] for p in seq.world[i]]
    return json.dumps(
        {"type": "frame", "t": float(seq.times_s[i]), "landmarks": lm, "world": world}
    )


def live_count(seq: PoseSequence, side: Any, exercise: Any) -> int:
    """Reps of the frames of ``seq`` sent through the page's message path."""
    frames = PushedFrames()
    source = CameraRepSource(
        frames, PushedBackend(), DEFAULTS, threaded=False, size=(seq.width, seq.height)
    )
    source.begin(side, exercise, load_routine(), PLAYER)
    for i in range(len(seq)):
        msg = parse_message({"text": page_message(seq, i)})
        assert isinstance(msg, FrameMsg)
        person = candidate_from_lists(msg.landmarks, msg.world) if msg.landmarks else None
        frames.push(msg.t, [] if person is None else [person])
        assert source.pump(max_frames=1) == 1
    t_end = PLAYER + float(seq.times_s[-1] - seq.times_s[0])
    result = source.end(t_end)
    source.close()
    return result.reps


def _sets(clip: str) -> list[tuple[PoseSequence, dict[str, Any]]]:
    seq = load_npz(CORPUS / f"{clip}.npz")
    truth = json.loads((CORPUS / f"{clip}.truth.json").read_text())
    out = []
    for seg in truth["segments"]:
        if seg["reps"] == 0:
            continue
        keep = (seq.times_s >= seg["start"] - LEAD_S) & (seq.times_s <= seg["end"] + LEAD_S)
        out.append((seq.select(keep), seg))
    return out


@pytest.mark.parametrize("clip", CLIPS)
def test_replayed_messages_count_as_offline_and_truth(clip: str) -> None:
    routine = load_routine()
    specs = {e.id: e for e in routine.exercises}
    sets = _sets(clip)
    assert sets
    for window, seg in sets:
        exercise = specs[seg["exercise"]]
        offline = count_known_set(window, seg["side"], exercise, routine, DEFAULTS).result.reps
        live = live_count(window, seg["side"], exercise)
        assert live == offline == seg["reps"], (clip, seg["exercise"], live, offline)


def test_messages_are_validated_at_the_boundary() -> None:
    good = {"type": "frame", "t": 1.0, "landmarks": [[0.5, 0.5, 0, 1]] * 33}
    good["world"] = [[0, 0, 0]] * 33
    assert isinstance(parse_message({"text": json.dumps(good)}), FrameMsg)
    bad = [
        {**good, "landmarks": good["landmarks"][:32]},  # not 33 points
        {**good, "t": -1},
        {**good, "extra": 1},
        {**good, "landmarks": [[float("nan"), 0, 0, 1]] * 33},
        {"type": "key", "key": "x"},
        {"type": "start", "width": 1, "height": 480},
        {"type": "teleport"},
        [1, 2, 3],
    ]
    for message in bad:
        with pytest.raises(BadMessage):
            parse_message({"text": json.dumps(message)})
    with pytest.raises(BadMessage, match="larger"):
        parse_message({"text": " " * (MAX_MESSAGE_BYTES + 1)})
    with pytest.raises(BadMessage, match="binary"):
        parse_message({"bytes": b"\x00"})
    with pytest.raises(BadMessage):
        parse_message({"text": "{not json"})


def test_frame_warnings_and_the_newest_frame_only() -> None:
    assert frame_warnings(None) == [NOBODY]
    lm = [[0.5, 0.5, 0.0, 0.9]] * 33
    person = candidate_from_lists(lm, [[0.0, 0.0, 0.0]] * 33)
    assert frame_warnings(person) == []
    outside = candidate_from_lists([[1.2, 0.5, 0.0, 0.9]] * 33, [[0.0, 0.0, 0.0]] * 33)
    assert OUT_OF_VIEW in frame_warnings(outside)
    frames = PushedFrames()
    for t in (0.1, 0.2, 0.3):
        frames.push(t, [person])
    frames.close()
    got = list(frames)
    assert [f.time_s for f in got] == [0.3] and frames.dropped == 2
    keys = RemoteKeys()
    keys.press("p7\n")
    assert [keys.read(0.0) for _ in range(3)] == ["p", "7", "\n"]
    keys.wake()
    assert keys.read(5.0) is None


# ------------------------------------------------------------------ the socket
def _client(tmp_path: Path) -> tuple[Any, Any]:
    from tests.helpers.webapp import client, web_config

    config = web_config(tmp_path)
    c = client(config)
    settings = DEFAULTS.model_copy(
        update={"session": DEFAULTS.session.model_copy(update={"count_in_s": 0.0})}
    )
    c.app.state.live_settings = settings
    return config, c


def _ws_url(config: Any) -> str:
    """The socket's full address (the Host header must be the app's own)."""
    return f"ws://127.0.0.1:{config.port}/ws/live"


def _new_prompt(state: dict[str, Any], old: str | None) -> bool:
    """True when the state asks a question other than ``old``."""
    return (state["view"] or {}).get("prompt") not in (old, None)


def _answer_no_to_the_safety_questions(ws: Any) -> dict[str, Any]:
    """Answer "no" to every yes/no question; returns the state asking the next question."""
    state = _until(ws, lambda s: (s["view"] or {}).get("prompt"))
    while state["view"]["prompt"].endswith("[y/n]"):
        prompt = state["view"]["prompt"]
        ws.send_json({"type": "key", "key": "n"})
        state = _until(ws, lambda s, p=prompt: _new_prompt(s, p))
    return state


def _until(ws: Any, check: Any, limit: int = 200) -> dict[str, Any]:
    for _ in range(limit):
        state: dict[str, Any] = ws.receive_json()
        if check(state):
            return state
    raise AssertionError("the expected state never came")


def test_socket_refuses_bad_messages_with_one_error(tmp_path: Path) -> None:
    config, c = _client(tmp_path)
    origin = {"origin": config.url.rstrip("/")}
    for first in ({"type": "key", "key": "p"}, {"type": "frame"}, "x" * (MAX_MESSAGE_BYTES + 10)):
        with c.websocket_connect(_ws_url(config), headers=origin) as ws:
            ws.send_text(first if isinstance(first, str) else json.dumps(first))
            reply = ws.receive_json()
            assert reply["type"] == "error" and reply["error"] and reply["fix"]
            closed = ws.receive()
            assert closed["type"] == "websocket.close" and closed["code"] in (1007, 1009)


def test_socket_refuses_another_origin(tmp_path: Path) -> None:
    from starlette.websockets import WebSocketDisconnect

    config, c = _client(tmp_path)
    with (
        pytest.raises(WebSocketDisconnect),
        c.websocket_connect(_ws_url(config), headers={"origin": "http://evil.example"}) as ws,
    ):
        ws.receive_json()


def test_a_short_session_over_the_socket(tmp_path: Path) -> None:
    """Start, red-flag answers, pain before, the first set begins, the pain button at 6
    stops the session; the pain scores are stored and the page is told why it stopped."""
    config, c = _client(tmp_path)
    with c.websocket_connect(_ws_url(config), headers={"origin": config.url.rstrip("/")}) as ws:
        ws.send_json({"type": "start", "width": 480, "height": 360, "start_side": "right"})
        _answer_no_to_the_safety_questions(ws)
        ws.send_json({"type": "key", "key": "0\n"})
        state = _until(ws, lambda s: s["view"]["phase"] == "exercise")
        assert state["view"]["target"] == 10
        ws.send_json({"type": "frame", "t": 0.5, "landmarks": [], "world": []})
        state = _until(ws, lambda s: s["frame_t"] == 0.5)
        assert state["warnings"] == [NOBODY]
        ws.send_json({"type": "key", "key": "p"})
        _until(ws, lambda s: s["view"]["phase"] == "pain" and s["view"]["prompt"])
        ws.send_json({"type": "key", "key": "6\n"})
        state = _until(ws, lambda s: s["view"]["phase"] == "done" and s["view"]["prompt"])
        ws.send_json({"type": "key", "key": "6\n"})
        state = _until(ws, lambda s: s["finished"])
        assert "pain" in state["stop_reason"] and state["error"] is None
    with open_db(config.db_path) as history:
        sessions = history.sessions()
        assert len(sessions) == 1 and "pain" in (sessions[0].stop_reason or "")
        assert [p.score for p in history.pain_scores()] == [0, 6, 6]


def test_page_and_its_assets_are_served(tmp_path: Path) -> None:
    _, c = _client(tmp_path)
    page = c.get("/session")
    assert page.status_code == 200 and "live-config" in page.text
    for path in ("/session/vendor/vision_bundle.js", "/session/model/lite.task"):
        assert c.get(path).status_code == 200
    wasm = c.get("/session/vendor/vision_wasm_internal.wasm")
    assert wasm.status_code == 200 and wasm.content[:4] == b"\x00asm"
    assert c.get("/session/vendor/..%2F..%2Fapp.py").status_code == 404


def test_the_live_page_files_name_no_other_host_and_run_no_inline_script() -> None:
    """The page's own files (not the vendored runtime, whose requests the browser test
    records) name no other host; the template has no inline script, handler or style."""
    web = REPO / "src" / "hipcoach" / "web"
    own = [*(web / "static" / "live").glob("*.*"), *(web / "templates" / "live").glob("*.j2")]
    assert len(own) >= 4
    for path in own:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"(https?:|wss?:)?//[a-z0-9.-]+\.[a-z]{2,}", text), path.name
    template = (web / "templates" / "live" / "session.html.j2").read_text(encoding="utf-8")
    scripts = re.findall(r"<script([^>]*)>", template)
    assert all("src=" in s or 'type="application/json"' in s for s in scripts), scripts
    assert not re.search(r"\son[a-z]+=|\sstyle=", template)


# ------------------------------------------------------------------ camera set-up
def _setup_report(clip: str, frames: int = 40) -> Any:
    from hipcoach.backends.replay import ReplayBackend
    from hipcoach.session.setup_check import SetupCheck
    from hipcoach.video.base import Frame

    seq = load_npz(CORPUS / f"{clip}.npz")
    replay = ReplayBackend.from_sequence(seq)
    check = SetupCheck((seq.width, seq.height))
    blank = np.zeros((1, 1, 3), np.uint8)
    for i in range(frames):
        t = float(seq.times_s[i])
        check.add(t, replay.detect(Frame(i, t, blank)))
    return check.report()


def test_setup_check_judges_the_view_as_analyze_does() -> None:
    from hipcoach.session.setup_check import WAITING

    left, right = _setup_report("B01_L_front"), _setup_report("B08_R_front")
    assert left.ok and (left.lying_on, left.working_leg, left.view) == ("left", "right", "front")
    assert right.ok and (right.lying_on, right.working_leg) == ("right", "left")
    turned = _setup_report("B13_L_diagonal45")
    assert not turned.ok and turned.fix and "too far" in turned.problems[0]
    assert _setup_report("B01_L_front", frames=3).problems == [WAITING]


def test_setup_mode_over_the_socket(tmp_path: Path) -> None:
    config, c = _client(tmp_path)
    seq = load_npz(CORPUS / "B08_R_front.npz")
    with c.websocket_connect(_ws_url(config), headers={"origin": config.url.rstrip("/")}) as ws:
        ws.send_json({"type": "start", "mode": "setup", "width": seq.width, "height": seq.height})
        for i in range(40):
            ws.send_text(page_message(seq, i))
            state = _until(ws, lambda s, t=float(seq.times_s[i]): s["frame_t"] == t)
        assert state["view"] is None and state["setup"]["ok"], state["setup"]
        assert state["setup"]["lying_on"] == "right"
    with open_db(config.db_path) as history:
        assert history.sessions() == []


def test_a_safety_yes_stops_before_the_session_with_the_advice(tmp_path: Path) -> None:
    config, c = _client(tmp_path)
    with c.websocket_connect(_ws_url(config), headers={"origin": config.url.rstrip("/")}) as ws:
        ws.send_json({"type": "start", "width": 480, "height": 360})
        state = _until(ws, lambda s: (s["view"] or {}).get("prompt"))
        assert state["view"]["prompt"].endswith("[y/n]")
        answer = "y"
        while not state["finished"]:  # a "yes", then "no" to the remaining questions
            prompt = state["view"]["prompt"]
            ws.send_json({"type": "key", "key": answer})
            answer = "n"
            state = _until(ws, lambda s, p=prompt: s["finished"] or _new_prompt(s, p))
    assert state["finished"] and state["error"]["fix"] and "yes" in state["error"]["error"]
    with open_db(config.db_path) as history:
        assert history.sessions() == []


def test_said_texts_are_served_as_espeak_audio_and_nothing_else(tmp_path: Path) -> None:
    import shutil

    from hipcoach.web.live import speech_store

    _, c = _client(tmp_path)
    store = speech_store(c.app)
    url = store.add("Set done: six reps.")
    assert c.get(url.replace(url.rsplit("/", 1)[1], "0" * 20 + ".wav")).status_code == 404
    r = c.get(url)
    if shutil.which("espeak-ng") is None and shutil.which("espeak") is None:
        assert r.status_code == 404
        return
    assert r.status_code == 200 and r.headers["content-type"] == "audio/wav"
    riff_size = int.from_bytes(r.content[4:8], "little")
    assert r.content[:4] == b"RIFF" and riff_size == len(r.content) - 8


def test_closing_the_page_mid_set_finishes_the_stored_session(tmp_path: Path) -> None:
    from hipcoach.session.guided import PAGE_CLOSED

    config, c = _client(tmp_path)
    with c.websocket_connect(_ws_url(config), headers={"origin": config.url.rstrip("/")}) as ws:
        ws.send_json({"type": "start", "width": 480, "height": 360, "start_side": "left"})
        _answer_no_to_the_safety_questions(ws)
        ws.send_json({"type": "key", "key": "1\n"})  # pain 1 before: which side hurts?
        _until(ws, lambda s: "[l = left" in ((s.get("view") or {}).get("prompt") or ""))
        ws.send_json({"type": "key", "key": "r"})
        _until(ws, lambda s: (s.get("view") or {}).get("phase") == "exercise")
    with open_db(config.db_path) as history:
        assert [a.answers for a in history.answers("painful_side")] == [{"painful_side": "right"}]
    deadline = time.monotonic() + 30  # generous: CI machines are shared
    while time.monotonic() < deadline:
        with open_db(config.db_path) as history:
            (session,) = history.sessions()
        if session.ended_at is not None:
            break
        time.sleep(0.1)
    assert session.stop_reason == PAGE_CLOSED and session.ended_at is not None
