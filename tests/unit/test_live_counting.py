"""Live counting of one known set: ``analysis.single_set`` and ``session.camera``.

Synthetic side-lying sessions (``synth.sidelying``, front view, 30 fps, light noise, some
with dropped frames) have exact rep counts. A known set is counted over the frames of its
span (plus a lead/tail of rest) and must give the true reps AND what the offline
``analyze_sequence`` finds for the same set on the same frames. ``CameraRepSource`` is
driven with a ``ReplayBackend`` (the recorded landmarks as model output) and blank frames,
mostly in synchronous mode (``pump``) so nothing depends on real time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from functools import cache
from typing import Any

import numpy as np
import pytest

from hipcoach.analysis.analyze import analyze_sequence
from hipcoach.analysis.result import AnalysisResult, SetResult
from hipcoach.analysis.rules import NOT_MEASURABLE
from hipcoach.analysis.single_set import count_known_set, event_kind
from hipcoach.analysis.view import FIX_PLACEMENT
from hipcoach.backends.base import PoseCandidate
from hipcoach.backends.replay import ReplayBackend
from hipcoach.config import DEFAULTS, CueSettings, Settings
from hipcoach.errors import HipcoachError, InputError, ModelError
from hipcoach.exercises.routine import ExerciseSpec, Routine, load_routine
from hipcoach.sequence.schema import PoseSequence
from hipcoach.session.camera import (
    CAMERA_STOPPED,
    NO_PERSON,
    NO_PICTURE,
    CameraRepSource,
)
from hipcoach.session.progress import RepSource, SetProgress, Side
from hipcoach.synth.sidelying import SHORT_SERIES, SideLyingScript, SyntheticSession, generate
from hipcoach.synth.skeleton import LyingSide, View
from hipcoach.video.base import Frame

NOISE: dict[str, Any] = {"pixel_noise_px": 0.5, "world_noise_m": 0.005, "visibility_noise": 0.02}
DROPOUTS: dict[str, Any] = {"dropout_rate": 0.03, "dropout_burst_s": 0.2}
EXERCISES = (
    "small_leg_raise",
    "bicycle_sidekick",
    "big_leg_lift",
    "leg_circle_ccw",
    "leg_circle_cw",
)
OTHER: dict[Side, Side] = {"left": "right", "right": "left"}
LEAD_S = 0.5  # rest before/after the true set inside the counted window (s)
PLAYER = 1000.0  # the player's clock runs this far ahead of the frames' clock (s)
BLANK = np.zeros((2, 2, 3), np.uint8)


@cache
def routine() -> Routine:
    return load_routine()


def _session(
    segments: list[dict[str, Any]] | tuple[dict[str, Any], ...],
    side: LyingSide,
    view: View = "front",
    seed: int = 0,
    **kw: Any,
) -> SyntheticSession:
    script = SideLyingScript([dict(s) for s in segments], side, view=view, fps=30.0, seed=seed)
    return generate(script, **{**NOISE, **kw})


@cache
def _short(side: LyingSide, dropouts: bool) -> tuple[SyntheticSession, AnalysisResult]:
    session = _session(SHORT_SERIES, side, seed=11, **(DROPOUTS if dropouts else {}))
    return session, analyze_sequence(session.sequence, routine())[0]


def _true_set(session: SyntheticSession, exercise: str) -> dict[str, Any]:
    (found,) = [s for s in session.truth["events"]["sets"] if s["exercise"] == exercise]
    return dict(found)


def _offline(result: AnalysisResult, true_set: dict[str, Any]) -> list[SetResult]:
    return [
        s
        for s in result.sets
        if s.exercise == true_set["exercise"]
        and s.start_s < true_set["end_s"]
        and s.end_s > true_set["start_s"]
    ]


def _window(session: SyntheticSession, true_set: dict[str, Any]) -> PoseSequence:
    return session.sequence.slice_time(true_set["start_s"] - LEAD_S, true_set["end_s"] + LEAD_S)


def _spec(exercise: str) -> ExerciseSpec:
    return next(e for e in routine().exercises if e.id == exercise)


def _frames(seq: PoseSequence) -> list[Frame]:
    return [Frame(i, float(t), BLANK) for i, t in enumerate(seq.times_s)]


def _source(seq: PoseSequence, settings: Settings = DEFAULTS) -> CameraRepSource:
    """A synchronous camera source replaying ``seq`` (landmarks in ``seq``'s pixels)."""
    backend = ReplayBackend.from_sequence(seq)
    return CameraRepSource(
        _frames(seq), backend, settings, threaded=False, size=(seq.width, seq.height)
    )


def _blanked(seq: PoseSequence, start_s: float, end_s: float) -> PoseSequence:
    """``seq`` with nobody detected from ``start_s`` to ``end_s`` (s)."""
    gone = (seq.times_s >= start_s) & (seq.times_s < end_s)

    def nan(a: np.ndarray) -> np.ndarray:
        out = a.copy()
        out[gone] = np.nan
        return out

    return replace(
        seq,
        image_xy=nan(seq.image_xy),
        image_z=nan(seq.image_z),
        visibility=nan(seq.visibility),
        presence=nan(seq.presence),
        world=nan(seq.world),
        detected=seq.detected & ~gone,
    )


def _play_set(
    src: CameraRepSource, side: Side, exercise: str, start_s: float, end_s: float, step_s: float
) -> tuple[list[SetProgress], SetResult]:
    """Pump frames up to ``start_s`` (frame clock), begin, poll every ``step_s`` while
    pumping, end at ``end_s``; the player's clock is the frame clock + ``PLAYER``."""
    src.pump(until_s=start_s)
    t0 = src.feed_state().last_frame_s
    assert t0 is not None
    src.begin(side, _spec(exercise), routine(), t0 + PLAYER)
    polls = []
    for t in np.arange(t0 + step_s, end_s + 1e-9, step_s):
        src.pump(until_s=float(t))
        polls.append(src.poll(float(t) + PLAYER))
    src.pump(until_s=end_s)
    return polls, src.end(end_s + PLAYER)


# ---------------------------------------------------------------- count_known_set
@pytest.mark.parametrize("dropouts", [False, True], ids=["clean", "dropouts"])
@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize("exercise", EXERCISES)
def test_known_set_count_is_true_and_matches_offline(
    exercise: str, side: LyingSide, dropouts: bool
) -> None:
    session, offline = _short(side, dropouts)
    true_set = _true_set(session, exercise)
    result, problem, _ = count_known_set(
        _window(session, true_set), true_set["side"], _spec(exercise), routine()
    )
    assert problem is None
    assert result.reps == true_set["n_reps"]
    assert [s.reps for s in _offline(offline, true_set)] == [result.reps]
    (same,) = _offline(offline, true_set)
    assert result.direction == same.direction == _spec(exercise).direction
    np.testing.assert_allclose(result.rep_times, same.rep_times, atol=0.1)
    np.testing.assert_allclose(result.peak_angle_deg, same.peak_angle_deg, atol=1.0)
    assert {(f.rule, f.rep) for f in result.flags} == {(f.rule, f.rep) for f in same.flags}


@pytest.mark.parametrize("side", ["left", "right"])
def test_long_sets_count_up_one_rep_at_a_time(side: LyingSide) -> None:
    """Ten raises, counted on a growing window as the live mode does: never down, exact."""
    segments = [{"kind": "rest", "s": 1.0}, {"kind": "small_leg_raise", "reps": 10}]
    session = _session([*segments, {"kind": "rest", "s": 1.0}], side, seed=3, **DROPOUTS)
    seq, leg = session.sequence, session.truth["working_leg"]
    counts = [
        count_known_set(
            seq.slice_time(0.0, t), leg, _spec("small_leg_raise"), routine()
        ).result.reps
        for t in np.arange(0.6, seq.times_s[-1] + 0.3, 0.3)
    ]
    assert counts == sorted(counts)
    assert counts[-1] == 10
    assert set(np.diff(counts)) <= {0, 1}


@pytest.mark.parametrize("side", ["left", "right"])
def test_other_side_is_a_problem_not_a_count(side: LyingSide) -> None:
    session, _ = _short(side, False)
    true_set = _true_set(session, "small_leg_raise")
    planned = OTHER[true_set["side"]]
    result, problem, _ = count_known_set(
        _window(session, true_set), planned, _spec("small_leg_raise"), routine()
    )
    assert problem is not None and "other side" in problem
    assert f"for the {planned} leg" in problem
    assert result.reps == 0 and result.side == planned


@pytest.mark.parametrize("planned", ["leg_circle_ccw", "leg_circle_cw"])
def test_circles_the_other_way_are_a_problem(planned: str) -> None:
    session, _ = _short("left", False)
    done = "leg_circle_cw" if planned == "leg_circle_ccw" else "leg_circle_ccw"
    true_set = _true_set(session, done)
    result, problem, _ = count_known_set(
        _window(session, true_set), true_set["side"], _spec(planned), routine()
    )
    assert result.reps == 0
    assert problem is not None and "other way" in problem


def test_unreadable_view_says_how_to_fix_it() -> None:
    session = _session(SHORT_SERIES[:3], "left", view="feet")
    result, problem, _ = count_known_set(
        session.sequence, "right", _spec("small_leg_raise"), routine()
    )
    assert result.reps == 0
    assert problem is not None and FIX_PLACEMENT in problem


def test_nobody_in_the_window() -> None:
    seq = PoseSequence.empty(30, 640, 480, times_s=np.arange(30) / 30.0)
    result, problem, _ = count_known_set(seq, "left", _spec("big_leg_lift"), routine())
    assert result.reps == 0
    assert problem is not None and problem.startswith("no person found")


def test_rules_outside_the_view_are_not_measurable() -> None:
    session, _ = _short("left", False)
    true_set = _true_set(session, "small_leg_raise")
    result, _, _ = count_known_set(
        _window(session, true_set), "right", _spec("small_leg_raise"), routine()
    )
    (roll,) = [f for f in result.flags if f.rule == "pelvis_roll"]  # front view: not readable
    assert not roll.measurable and roll.value is None and NOT_MEASURABLE in roll.message


def test_event_kind_of_each_exercise() -> None:
    assert [event_kind(_spec(e)) for e in EXERCISES] == [
        "abduction",
        "bicycle",
        "abduction",
        "circle_ccw",
        "circle_cw",
    ]


# ---------------------------------------------------------------- CameraRepSource
def test_camera_source_is_a_rep_source() -> None:
    seq = PoseSequence.empty(2, 64, 48)
    src: RepSource = _source(seq)
    assert src.counted_by == "camera"
    src.close()


@pytest.mark.parametrize("dropouts", [False, True], ids=["clean", "dropouts"])
@pytest.mark.parametrize("side", ["left", "right"])
def test_live_counts_equal_offline_counts_on_the_same_frames(
    side: LyingSide, dropouts: bool
) -> None:
    """Every set of the short series played through one source (the model loaded once,
    the person tracked throughout): per set the final count is the truth and the offline
    count, the polled count never goes down and ends at the final count."""
    session, offline = _short(side, dropouts)
    src = _source(session.sequence)
    try:
        last_end_s = 0.0
        for exercise in EXERCISES:
            true_set = _true_set(session, exercise)
            begin_s = max(true_set["start_s"] - LEAD_S, last_end_s)  # sets 1 s apart
            last_end_s = true_set["end_s"] + LEAD_S
            polls, result = _play_set(src, true_set["side"], exercise, begin_s, last_end_s, 0.1)
            (same,) = _offline(offline, true_set)
            assert result.reps == same.reps == true_set["n_reps"], exercise
            reps = [p.reps for p in polls]
            assert reps == sorted(reps) and reps[-1] == result.reps, (exercise, reps)
            assert all(p.problem is None for p in polls), {p.problem for p in polls}
            np.testing.assert_allclose(
                np.asarray(result.rep_times) - PLAYER, same.rep_times, atol=0.1
            )
            assert result.start_s == pytest.approx(begin_s + PLAYER, abs=0.04)
            assert result.end_s == pytest.approx(last_end_s + PLAYER)
    finally:
        src.close()


def test_frames_before_begin_are_not_counted() -> None:
    """Begin in the middle of the raises: only the reps that start after begin count."""
    session, _ = _short("left", False)
    true_set = _true_set(session, "small_leg_raise")
    reps = [r for r in session.truth["events"]["reps"] if r["exercise"] == "small_leg_raise"]
    begin_s = 0.5 * (reps[1]["end"] + reps[2]["start"])
    src = _source(session.sequence)
    _, result = _play_set(src, "right", "small_leg_raise", begin_s, true_set["end_s"] + 0.5, 0.1)
    src.close()
    assert result.reps == 2
    assert all(a >= begin_s + PLAYER for a, _ in result.rep_times)


def test_recount_at_most_every_interval() -> None:
    session, _ = _short("left", False)
    live = DEFAULTS.live.model_copy(update={"recount_interval_s": 0.3, "max_count_share": 1.0})
    src = _source(session.sequence, Settings(live=live))
    src.pump(until_s=1.0)
    src.begin("right", _spec("small_leg_raise"), routine(), 0.0)
    src.pump(until_s=1.5)
    src.poll(0.5)
    first = src.last_count
    src.pump(until_s=1.7)
    src.poll(0.7)  # 0.2 s later: no re-count
    assert src.last_count is first
    src.poll(0.8)  # 0.3 s later: re-counted
    assert src.last_count is not first
    src.close()


def _count_after_each_frame(src: CameraRepSource, frames: int) -> list[Any]:
    """Start a set of raises after 1 s of frames, then feed ``frames`` frames one at a time,
    polling 1/30 s apart after each; the source's ``last_count`` after every poll."""
    src.pump(until_s=1.0)
    src.begin("right", _spec("small_leg_raise"), routine(), 0.0)
    counts = []
    for k in range(1, frames + 1):
        src.pump(max_frames=1)
        src.poll(0.5 + k / 30.0)
        counts.append(src.last_count)
    return counts


def test_every_frame_of_a_30_fps_camera_is_counted() -> None:
    """With the default interval, a poll one frame (1/30 s) after a re-count re-counts
    (counting allowed all of the time, so only the interval decides)."""
    session, _ = _short("left", False)
    live = DEFAULTS.live.model_copy(update={"max_count_share": 1.0})
    src = _source(session.sequence, Settings(live=live))
    counts = _count_after_each_frame(src, 5)
    src.poll(0.5 + 6 / 30.0)  # no new frame: counted again all the same
    counts.append(src.last_count)
    assert len({id(c) for c in counts}) == len(counts)
    src.close()


def test_a_10_ms_count_still_counts_every_frame_at_30_fps(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the default share, re-counts that take 10 ms each (a loaded machine) still let
    the next frame, 1/30 s later, be re-counted."""
    reads = iter(range(10_000))

    class TenMsCounts:  # a re-count reads the clock before and after: 10 ms apart
        @staticmethod
        def perf_counter() -> float:
            return next(reads) * 0.010

    monkeypatch.setattr("hipcoach.session.camera.time", TenMsCounts)
    session, _ = _short("left", False)
    src = _source(session.sequence)
    counts = _count_after_each_frame(src, 5)
    assert len({id(c) for c in counts}) == len(counts)
    src.close()


def test_slow_counts_are_spaced_out() -> None:
    """A re-count may use at most ``max_count_share`` of the time: with a tiny share the
    next re-count waits far longer than the interval."""
    session, _ = _short("left", False)
    settings = Settings(live=DEFAULTS.live.model_copy(update={"max_count_share": 1e-4}))
    src = _source(session.sequence, settings)
    src.pump(until_s=2.0)
    src.begin("right", _spec("small_leg_raise"), routine(), 0.0)
    src.pump(until_s=3.0)
    src.poll(1.0)
    first = src.last_count
    src.pump(until_s=5.0)
    src.poll(3.0)  # 2 s later, but the count took >= 0.2 ms
    assert src.last_count is first
    src.close()


def test_no_person_in_view_then_back() -> None:
    session, _ = _short("left", False)
    true_set = _true_set(session, "big_leg_lift")
    gone_s = true_set["start_s"] + 2.0
    seq = _blanked(session.sequence, gone_s, gone_s + 2.0)
    src = _source(seq)
    polls, _ = _play_set(
        src, "right", "big_leg_lift", true_set["start_s"] - 0.5, true_set["end_s"], 0.1
    )
    src.close()
    frame_times = true_set["start_s"] - 0.5 + 0.1 * np.arange(1, len(polls) + 1)
    missing = [p.problem == NO_PERSON for p in polls]
    expect = (frame_times >= gone_s + DEFAULTS.live.no_person_after_s + 0.05) & (
        frame_times < gone_s + 2.0 - 0.05
    )
    assert all(m for m, e in zip(missing, expect, strict=True) if e)
    assert not any(m for m, t in zip(missing, frame_times, strict=True) if t < gone_s + 0.9)
    assert polls[-1].problem is None  # back in view


def test_other_side_is_reported_while_polling() -> None:
    session, _ = _short("right", False)  # lying on the right: the LEFT leg works
    true_set = _true_set(session, "small_leg_raise")
    src = _source(session.sequence)
    polls, result = _play_set(
        src, "right", "small_leg_raise", true_set["start_s"], true_set["end_s"], 0.3
    )
    src.close()
    assert all(p.reps == 0 for p in polls) and result.reps == 0
    assert all(p.problem is not None and "other side" in p.problem for p in polls)


def test_a_form_fault_gives_one_cue() -> None:
    """Toes turned up on rep 3 of 4: the toes cue is given once, on the first poll after
    rep 3 is counted, and never again for that rep."""
    segments = [
        {"kind": "rest", "s": 1.0},
        {"kind": "small_leg_raise", "reps": 4, "toes_up_deg": {"deg": 35.0, "reps": [3]}},
        {"kind": "rest", "s": 1.5},
    ]
    session = _session(segments, "left", seed=2)
    src = _source(session.sequence, Settings(cues=CueSettings(cooldown_s=0.0)))
    end_s = float(session.sequence.times_s[-1])
    polls, result = _play_set(src, "right", "small_leg_raise", 0.5, end_s, 0.1)
    src.close()
    toes = [f for f in result.flags if f.rule == "toes_up" and f.measurable]
    assert [f.rep for f in toes] == [3]
    cues = [(i, p.cue) for i, p in enumerate(polls) if p.cue is not None]
    assert [c for _, c in cues] == [_spec("small_leg_raise").cue("toes_up")]
    (i, _), first_three = cues[0], next(i for i, p in enumerate(polls) if p.reps == 3)
    assert first_three <= i <= first_three + 3  # said within ~0.3 s of the rep


def test_no_picture_when_no_frame_comes() -> None:
    src = CameraRepSource([], ReplayBackend([]), threaded=False, size=(64, 48))
    src.begin("left", _spec("big_leg_lift"), routine(), 10.0)
    assert src.poll(10.5) == SetProgress(reps=0)
    stalled = 10.0 + DEFAULTS.live.stalled_after_s
    assert src.poll(stalled + 0.1).problem == NO_PICTURE
    result = src.end(20.0)
    assert (result.reps, result.start_s, result.end_s) == (0, 10.0, 20.0)
    src.close()


def test_camera_that_stops_is_an_input_error() -> None:
    seq = PoseSequence.empty(5, 64, 48, times_s=np.arange(5) / 30.0)
    src = _source(seq)
    src.begin("left", _spec("big_leg_lift"), routine(), 0.0)
    assert src.pump() == 5
    with pytest.raises(InputError, match=CAMERA_STOPPED):
        src.poll(1.0)
    assert src.end(1.0).reps == 0  # what was counted is still returned
    src.close()


def test_calls_out_of_order_are_programming_errors() -> None:
    src = _source(PoseSequence.empty(2, 64, 48))
    with pytest.raises(RuntimeError):
        src.poll(0.0)
    with pytest.raises(RuntimeError):
        src.end(0.0)
    src.close()
    src.close()  # twice is fine


# ---------------------------------------------------------------- the thread
class FakeBackend:
    """A pose backend that finds nobody, optionally fails on one frame, and records close."""

    name = "fake"
    model_sha256 = ""

    def __init__(self, fail_at: int | None = None) -> None:
        self.fail_at = fail_at
        self.frames = 0
        self.closed = threading.Event()

    def detect(self, frame: Frame) -> list[PoseCandidate]:
        if self.fail_at is not None and frame.index == self.fail_at:
            raise RuntimeError("tflite: invoke failed")
        self.frames += 1
        return []

    def close(self) -> None:
        self.closed.set()

    def __enter__(self) -> FakeBackend:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class FakeCamera:
    """Endless frames (1 ms apart in real time, 1/30 s apart on their clock) until closed."""

    def __init__(self) -> None:
        self.closed = False
        self.started = threading.Event()

    def __iter__(self) -> Iterator[Frame]:
        i = 0
        while not self.closed:
            self.started.set()
            yield Frame(i, i / 30.0, BLANK)
            i += 1
            time.sleep(0.001)

    def close(self) -> None:
        self.closed = True


def _wait(condition: Any, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_threaded_source_counts_a_set_as_the_frames_come() -> None:
    """The set's frames arrive from the camera thread after ``begin`` (the first frame of
    the set fixes the clock offset); the count is the truth."""
    session, _ = _short("left", True)
    true_set = _true_set(session, "bicycle_sidekick")
    window = _window(session, true_set)
    go = threading.Event()

    def camera() -> Iterator[Frame]:
        go.wait(10.0)
        yield from _frames(window)

    backend = ReplayBackend.from_sequence(window)
    src = CameraRepSource(camera(), backend, size=(window.width, window.height))
    assert src.alive
    src.begin("right", _spec("bicycle_sidekick"), routine(), 50.0)
    go.set()
    _wait(lambda: src.feed_state().ended)
    result = src.end(50.0 + window.duration_s)
    src.close()
    assert result.reps == true_set["n_reps"]
    first = float(window.times_s[0])
    assert min(a for a, _ in result.rep_times) >= 50.0 + true_set["start_s"] - first - 0.1
    assert not src.alive


def test_close_stops_the_thread_and_releases_camera_and_model() -> None:
    camera, backend = FakeCamera(), FakeBackend()
    src = CameraRepSource(camera, backend, size=(64, 48))
    assert camera.started.wait(5.0)
    src.begin("left", _spec("small_leg_raise"), routine(), 0.0)
    _wait(lambda: backend.frames > 40)
    progress = src.poll(0.5)
    assert progress.reps == 0
    src.close()
    assert not src.alive
    assert camera.closed and backend.closed.is_set()
    src.close()


def test_model_failure_in_the_thread_is_a_hipcoach_error_on_poll() -> None:
    backend = FakeBackend(fail_at=10)
    src = CameraRepSource(FakeCamera(), backend, size=(64, 48))
    src.begin("left", _spec("small_leg_raise"), routine(), 0.0)
    _wait(lambda: src.feed_state().ended)
    with pytest.raises(HipcoachError, match="tflite: invoke failed") as info:
        src.poll(1.0)
    assert type(info.value) is HipcoachError and info.value.fix
    assert backend.closed.wait(5.0)
    src.close()


def test_no_person_in_view_from_the_thread() -> None:
    src = CameraRepSource(FakeCamera(), FakeBackend(), size=(64, 48))
    src.begin("left", _spec("small_leg_raise"), routine(), 0.0)
    _wait(lambda: (src.feed_state().last_frame_s or 0.0) > 1.2)
    assert src.poll(0.1).problem == NO_PERSON
    src.close()


def test_open_camera_loads_the_model_once_and_closes_the_camera_on_model_errors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import hipcoach.session.camera as camera_module

    cameras: list[FakeCamera] = []
    backends: list[FakeBackend] = []

    def fake_open_source(spec: object, *_: object) -> FakeCamera:
        assert spec == 3
        cameras.append(FakeCamera())
        return cameras[-1]

    def fake_backend(model: str, **_: object) -> FakeBackend:
        assert model == DEFAULTS.pose.model
        backends.append(FakeBackend())
        return backends[-1]

    monkeypatch.setattr(camera_module, "open_source", fake_open_source)
    monkeypatch.setattr(camera_module, "create_backend", fake_backend)
    src = CameraRepSource.open_camera(3)
    for side in ("left", "right"):
        src.begin(side, _spec("small_leg_raise"), routine(), 0.0)
        src.end(1.0)
    src.close()
    assert len(backends) == 1 and backends[0].closed.is_set() and cameras[0].closed

    def broken_model(model: str, **_: object) -> FakeBackend:
        raise ModelError("pose model corrupt", fix="reinstall hipcoach")

    monkeypatch.setattr(camera_module, "create_backend", broken_model)
    with pytest.raises(ModelError):
        CameraRepSource.open_camera(3)
    assert cameras[-1].closed
