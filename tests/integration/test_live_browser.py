"""The live page in real headless Chromium with a fake camera (both lying sides).

Chromium plays a .y4m clip made from a rendered side-lying video (tests/data/rendered,
10 fps: a held ready position, the set of small leg raises, a held rest) as the webcam;
the page runs MediaPipe's PoseLandmarker in WASM and sends landmarks to the app, whose
session engine counts the set. Checked: the live count and the stored set equal
``analyze_sequence`` on the same video (same pose model as the page) and the truth; the
pain button at 6/10 stops the session and the finished set is in the history; every
request the page makes goes to the app on 127.0.0.1; axe-core finds no serious violation
with the pain scale open. ``HIPCOACH_UPDATE_SCREENSHOTS=1`` writes docs/web/session.png.
"""

from __future__ import annotations

import json
import time
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from hipcoach.analysis.analyze import analyze_sequence
from hipcoach.config import DEFAULTS, Settings
from hipcoach.pipeline import PoseRequest, find_poses
from hipcoach.storage import open_db
from tests.conftest import REPO
from tests.helpers.live import LivePage, compose, open_live_page, read_frames, served_app, write_y4m

pytestmark = pytest.mark.integration

RENDERED = REPO / "tests" / "data" / "rendered"
MODEL = "lite"  # the web app's default model (WebConfig.model)
FPS = 10
#: The ready position is held this long before the reps and the rest after them (s). The
#: camera (and the clip, from its start) starts with the page; the set begins after the
#: safety questions and the count-in, about 4 s later, so inside the first hold; it ends
#: ``PAD_S + 1`` s after its last rep, before the looping clip brings the reps again.
PAD_S = 9.0
EXERCISE = "small_leg_raise"


def _settings() -> Settings:
    """Defaults, but a set ends ``PAD_S + 1`` s (not 15 s) after its last rep (see PAD_S)."""
    session = DEFAULTS.session.model_copy(update={"idle_end_s": PAD_S + 1.0})
    return DEFAULTS.model_copy(update={"session": session})


@cache
def offline_reps(clip: str) -> dict[str, int]:
    """``hipcoach analyze`` (the library call) on the clip: reps per exercise."""
    settings = DEFAULTS.model_copy(
        update={"pose": DEFAULTS.pose.model_copy(update={"model": MODEL})}
    )
    seq = find_poses(PoseRequest(str(RENDERED / f"{clip}.mp4"), settings)).sequence
    result, _ = analyze_sequence(seq, settings=settings)
    return {s.exercise: s.reps for s in result.sets}


def _clip(clip: str, tmp: Path) -> tuple[Path, int]:
    """The fake camera's .y4m and the true reps of its set."""
    truth = json.loads((RENDERED / f"{clip}.truth.json").read_text())["frames"]
    in_set = [i for i, f in enumerate(truth) if f["exercise"] == EXERCISE]
    last = max(i for i, f in enumerate(truth) if f["segment"] == truth[in_set[-1]]["segment"] + 1)
    reps = max(truth[i]["rep"] or 0 for i in in_set)
    frames = read_frames(RENDERED / f"{clip}.mp4")
    return write_y4m(compose(frames, 0, last, PAD_S, FPS), tmp / f"{clip}.y4m", FPS), reps


def _watch_set(lp: LivePage, shot: Path | None, timeout_s: float = 90.0) -> int:
    """The highest live count shown while the set ran; returns once it has ended. Takes
    the page's screenshot (to ``shot`` or docs/web) at the third rep when ``shot``."""
    deadline = time.monotonic() + timeout_s
    shown, started = 0, False
    while time.monotonic() < deadline:
        view = lp.phase()
        if view["phase"] == "exercise":
            started, shown = True, max(shown, int(view["reps"]))
            if shot is not None and shown >= 3:
                lp.shot("session", shot)
                shot = None
        elif started and view["phase"] in ("rest", "switch", "count_in"):
            return shown
        time.sleep(0.1)
    raise AssertionError(f"the set did not end: {lp.phase()}")


def _pain_stop(lp: LivePage, score: int = 6) -> tuple[dict[str, Any], list[str]]:
    """Press the pain button, give ``score`` during and after; the final state and the
    serious accessibility violations with the pain scale shown."""
    lp.page.click("button.live-pain")
    violations: list[str] = []
    for phase in ("pain", "done"):  # pain during the session, then pain after it
        lp.page.wait_for_function(
            "p => { const v = window.hipcoachLive.live.view; return v.phase === p && v.prompt; }",
            arg=phase,
        )
        if phase == "pain":
            violations = lp.axe_serious()
        lp.page.click(f"[data-pain='{score}']")
    lp.page.wait_for_function("() => window.hipcoachLive.live.state.finished", timeout=20_000)
    state = lp.state()
    assert state is not None
    return state, violations


CLIPS = [("faults_left_front", "right"), ("faults_right_front", "left")]  # (clip, working leg)


@pytest.mark.parametrize(("clip", "working"), CLIPS)
def test_live_count_equals_analyze_and_truth_and_pain_stops(
    clip: str, working: str, tmp_path: Path
) -> None:
    y4m, true_reps = _clip(clip, tmp_path)
    offline = offline_reps(clip)[EXERCISE]
    with served_app(tmp_path, _settings(), model=MODEL) as config:
        with open_live_page(config, y4m) as lp:
            lp.start(working)
            shown = _watch_set(lp, tmp_path / "session.png" if working == "right" else None)
            state, violations = _pain_stop(lp)
            stats = lp.stats()
            spoken = lp.page.evaluate("() => window.hipcoachLive.live.spoken")
            hosts = {u.split("/")[2] for u in lp.requests}
        assert hosts == {f"127.0.0.1:{config.port}"}, lp.requests
        assert not stats["errors"], stats["errors"]
        assert violations == []
        # The page spoke the count-in and the reps (its own voice, or espeak-ng from the app
        # when the browser has none, as headless Chromium here).
        said = {s["text"] for s in spoken}
        assert {"Go.", "one", "two"} <= said, spoken
        if any(s["via"] == "espeak-ng" for s in spoken):
            assert any("/session/speech/" in u for u in lp.requests)
        with open_db(config.db_path) as history:
            (session,) = history.sessions()
            sets = history.sets_of(session.id)
            pain = [(p.moment, p.score) for p in history.pain_scores()]
    y4m.unlink()  # ~90 MB of raw video
    assert shown == sets[0].result.reps == offline == true_reps, (shown, sets, offline)
    assert (sets[0].result.exercise, sets[0].result.side, sets[0].status) == (
        EXERCISE,
        working,
        "done",
    )
    assert sets[0].counted_by == "camera"
    assert "pain" in (state["stop_reason"] or "") and "pain" in (session.stop_reason or "")
    assert pain == [("before", 0), ("during", 6), ("after", 6)]


def test_camera_setup_page_says_how_the_person_lies(tmp_path: Path) -> None:
    """The set-up page's live checks (the view checks of analyze) on the fake camera: the
    lying side and the working leg found, no problem; nothing leaves 127.0.0.1; no serious
    axe-core violation. ``HIPCOACH_UPDATE_SCREENSHOTS=1`` writes docs/web/setup.png."""
    frames = read_frames(RENDERED / "faults_right_front.mp4")[:40]  # the first rest and reps
    y4m = write_y4m(frames, tmp_path / "setup.y4m", FPS)
    with (
        served_app(tmp_path, model=MODEL) as config,
        open_live_page(config, y4m, path="session/setup") as lp,
    ):
        lp.page.wait_for_function(
            "() => { const r = window.hipcoachLive.live.report; return r && r.ok; }",
            timeout=60_000,
        )
        report = lp.page.evaluate("() => window.hipcoachLive.live.report")
        text = lp.page.inner_text("#setup-verdict")
        violations = lp.axe_serious()
        lp.shot("setup", tmp_path / "setup.png")
        hosts = {u.split("/")[2] for u in lp.requests}
    assert (report["lying_on"], report["working_leg"]) == ("right", "left")
    assert "lying on your right side" in text and "left leg works" in text
    assert hosts == {f"127.0.0.1:{config.port}"}
    assert violations == []
