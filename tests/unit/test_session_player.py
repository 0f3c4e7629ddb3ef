"""The guided session player, driven by a fake clock and scripted keys (no real waiting)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

import pytest

from hipcoach.analysis.result import Flag, SetResult
from hipcoach.config import DEFAULTS
from hipcoach.errors import InputError
from hipcoach.exercises.routine import ExerciseSpec, Routine, load_routine
from hipcoach.session.clock import FakeClock
from hipcoach.session.display import RecordingDisplay, render
from hipcoach.session.keys import ENTER, ScriptedKeys
from hipcoach.session.pacing import TimerRepSource
from hipcoach.session.plan import build_plan
from hipcoach.session.player import Player, SessionOutcome
from hipcoach.session.progress import SetProgress, Side
from hipcoach.session.voice import RecordingVoice
from hipcoach.storage import History, SessionRow, open_db

ROUTINE = load_routine()
LATE = 600.0  # s: after the whole routine (~5 min); keys here answer the final pain question
S = DEFAULTS.session


def pain(t: float, score: int) -> list[tuple[float, str]]:
    """Type a pain score at time ``t`` (s)."""
    return [(t, ch) for ch in str(score)] + [(t, ENTER)]


def before(score: int, side: str = "l") -> list[tuple[float, str]]:
    """The pain score before the session, and (above 0) which side hurts."""
    return pain(0.0, score) + ([(0.0, side)] if score > 0 else [])


class Rig:
    """A player with fake devices and a fresh history."""

    def __init__(
        self,
        tmp_path: Path,
        script: Iterable[tuple[float, str]],
        *,
        start_side: Side | None = None,
        source: object | None = None,
    ) -> None:
        self.clock = FakeClock()
        self.keys = ScriptedKeys(self.clock, script)
        self.voice = RecordingVoice(self.clock)
        self.display = RecordingDisplay()
        self.db = tmp_path / "history.sqlite3"
        self.history: History = open_db(self.db)
        self.player = Player(
            ROUTINE,
            build_plan(ROUTINE, start_side),
            source or TimerRepSource(),  # type: ignore[arg-type]
            clock=self.clock,
            keys=self.keys,
            voice=self.voice,
            display=self.display,
            history=self.history,
            band_level=1,
        )

    def run(self) -> SessionOutcome:
        try:
            return self.player.run()
        finally:
            self.history.close()


def stored(
    db: Path,
) -> tuple[list[tuple[str, str, int, str, str]], list[tuple[str, int]], SessionRow]:
    with open_db(db) as h:
        (row,) = h.sessions()
        sets = [
            (s.result.side, s.result.exercise, s.result.reps, s.status, s.counted_by)
            for s in h.sets_of(row.id)
        ]
        pains = [(p.moment, p.score) for p in h.pain_scores()]
        return sets, pains, row


def test_timed_session_runs_both_sides_in_routine_order(tmp_path: Path) -> None:
    rig = Rig(tmp_path, before(1) + pain(LATE, 0))
    out = rig.run()
    assert out.stop_reason is None
    sets, pains, row = stored(rig.db)
    expected = [(s.side, s.exercise.id) for s in ROUTINE.sets()]
    assert [(a, b) for a, b, *_ in sets] == expected
    assert all(
        reps == ROUTINE.exercise(ex).target_reps and st == "done" and by == "timer"
        for _, ex, reps, st, by in sets
    )  # type: ignore[arg-type]
    assert pains == [("before", 1), ("after", 0)]
    assert row.ended_at is not None and row.stop_reason is None and row.band_level == 1
    said = rig.voice.texts()
    assert said.count("Go.") == 10
    assert any(t.startswith("Switch sides. Lie on your left side") for t in said)
    # paced: each exercise lasts target_reps * pace_s of active time
    first = out.sets[0][0]
    ex = ROUTINE.exercise("small_leg_raise")
    assert first.end_s - first.start_s == pytest.approx(ex.target_reps * (ex.pace_s or 0), abs=0.15)
    assert all(math.isnan(p) for p in first.peak_angle_deg)


def test_start_side_reverses_the_order(tmp_path: Path) -> None:
    rig = Rig(tmp_path, before(0) + pain(LATE, 0), start_side="right")
    rig.run()
    sets, _, _ = stored(rig.db)
    assert [s[0] for s in sets] == ["right"] * 5 + ["left"] * 5


def test_pain_key_stops_the_session_and_saves_the_set_so_far(tmp_path: Path) -> None:
    # before 1; at 12 s (inside the first set, after the 3 s count-in) pain 6 >= stop level 5
    rig = Rig(tmp_path, [*before(1), (12.0, "p"), *pain(12.0, 6), *pain(LATE, 6)])
    out = rig.run()
    assert out.stop_reason is not None and "6/10" in out.stop_reason
    sets, pains, row = stored(rig.db)
    assert len(sets) == 1 and sets[0][3] == "stopped" and 0 < sets[0][2] < 10
    assert pains == [("before", 1), ("during", 6), ("after", 6)]
    assert row.stop_reason == out.stop_reason and row.ended_at is not None
    assert any("Stopping" in t and "do not work through pain" in t for t in rig.voice.texts())


@pytest.mark.parametrize(("during", "stops"), [(3, True), (2, False)])
def test_pain_rise_of_two_stops(tmp_path: Path, during: int, stops: bool) -> None:
    rig = Rig(tmp_path, [*before(1), (12.0, "p"), *pain(12.0, during), *pain(LATE, 1)])
    out = rig.run()
    assert (out.stop_reason is not None) is stops
    if stops:
        assert "rose from 1/10 to 3/10" in (out.stop_reason or "")
    else:
        assert len(out.sets) == 10


def test_high_pain_before_does_not_start(tmp_path: Path) -> None:
    rig = Rig(tmp_path, pain(0.0, S.pain_stop_at))
    out = rig.run()
    assert out.sets == [] and out.pain == [("before", S.pain_stop_at)]
    assert out.stop_reason is not None and "before starting" in out.stop_reason
    assert rig.keys.exhausted


def test_pause_freezes_the_paced_count(tmp_path: Path) -> None:
    # count-in ends at 3 s; 2 s reps: 2 reps done at 7 s; pause 8 s .. 38 s
    rig = Rig(tmp_path, [*before(0), (8.0, " "), (38.0, " "), *pain(LATE, 0)])
    out = rig.run()
    paused = [v for v in rig.display.views if v.phase == "paused"]
    assert paused and {v.reps for v in paused} == {2}
    first = out.sets[0][0]
    assert first.reps == 10
    assert first.end_s - first.start_s == pytest.approx(20.0 + 30.0, abs=0.15)
    long_rep = max(b - a for a, b in first.rep_times)
    assert long_rep == pytest.approx(32.0, abs=0.15)


def test_skip_and_next(tmp_path: Path) -> None:
    # skip the first exercise during its set; end the following rest early with "n"
    rig = Rig(tmp_path, [*before(0), (5.0, "s"), (5.5, "n"), *pain(LATE, 0)])
    out = rig.run()
    sets, _, _ = stored(rig.db)
    assert sets[0][3] == "skipped" and sets[0][2] == 1
    assert [s[3] for s in sets[1:]] == ["done"] * 9
    # the rest after the skipped set was cut: the second set starts ~3 s (count-in) later
    assert out.sets[1][0].start_s - out.sets[0][0].end_s == pytest.approx(3.5, abs=0.25)


def test_quit_ends_the_session_with_a_reason(tmp_path: Path) -> None:
    rig = Rig(tmp_path, [*before(0), (30.0, "q"), *pain(LATE, 2)])
    out = rig.run()
    assert out.stop_reason == "ended by you."
    _, pains, row = stored(rig.db)
    assert pains[-1] == ("after", 2) and row.stop_reason == "ended by you."


def test_running_out_of_input_stops_instead_of_hanging(tmp_path: Path) -> None:
    rig = Rig(tmp_path, [])
    with pytest.raises(InputError, match="input ended") as info:
        rig.run()
    assert info.value.exit_code == 2  # not 130: nobody pressed Ctrl-C


class CameraLike:
    """A scripted "camera" source: reps at given set times, a cue after rep 2."""

    counted_by = "camera"

    def __init__(self, rep_every_s: float, stop_after: int) -> None:
        self.every, self.stop_after = rep_every_s, stop_after
        self.t0 = 0.0
        self.ex: ExerciseSpec | None = None
        self.side: Side = "left"

    def begin(self, side: Side, exercise: ExerciseSpec, routine: Routine, t_s: float) -> None:
        self.t0, self.ex, self.side = t_s, exercise, side

    def _n(self, t_s: float) -> int:
        return min(self.stop_after, int((t_s - self.t0) / self.every))

    def poll(self, t_s: float) -> SetProgress:
        n = self._n(t_s)
        flag = Flag("knee_bent", 1, 30.0, "deg", True, "Keep the working knee long.")
        cue = flag.message if n >= 2 else None
        return SetProgress(reps=n, cue=cue, flags=(flag,) if n >= 2 else ())

    def end(self, t_s: float) -> SetResult:
        assert self.ex is not None
        n = self._n(t_s)
        return SetResult(self.side, self.ex.id, n, self.t0, t_s, target_reps=self.ex.target_reps)

    def close(self) -> None:
        return None


def test_camera_source_counts_cues_and_ends_idle_sets(tmp_path: Path) -> None:
    # the "camera" sees only 3 reps per set: each set ends after idle_end_s without a rep
    rig = Rig(tmp_path, before(0) + pain(LATE, 0), source=CameraLike(1.5, 3))
    out = rig.run()
    sets, _, _ = stored(rig.db)
    assert all(reps == 3 and by == "camera" and st == "done" for _, _, reps, st, by in sets)
    first = out.sets[0][0]
    assert first.end_s - first.start_s == pytest.approx(3 * 1.5 + S.idle_end_s, abs=0.2)
    said = rig.voice.texts()
    assert said.count("Keep the working knee long.") == 10  # once per set
    assert "No movement for a while; moving on." in said


def test_display_renders_every_phase(tmp_path: Path) -> None:
    rig = Rig(tmp_path, [*before(0), (8.0, " "), (9.0, " "), *pain(LATE, 0)])
    rig.run()
    phases = set(rig.display.phases())
    assert {"intro", "count_in", "exercise", "paused", "rest", "switch", "done"} <= phases
    for v in rig.display.views[:: max(1, len(rig.display.views) // 50)]:
        render(v)  # must not raise


def test_key_hints_only_while_the_keys_work() -> None:
    from rich.panel import Panel as RichPanel

    from hipcoach.session.display import KEY_HELP, PlayerView

    def subtitle(view: PlayerView) -> object:
        panel = render(view)
        assert isinstance(panel, RichPanel)
        return panel.subtitle

    assert subtitle(PlayerView(phase="exercise", title="t")) == KEY_HELP
    assert subtitle(PlayerView(phase="question", title="t", prompt="Numb? [y/n]")) is None
    assert subtitle(PlayerView(phase="intro", title="t")) is None
    assert subtitle(PlayerView(phase="rest", title="t", prompt="Pain now?")) is None


def test_pain_before_asks_which_side_hurts_and_stores_it(tmp_path: Path) -> None:
    rig = Rig(tmp_path, [*before(2, side="r"), *pain(LATE, 0)])
    rig.run()
    with open_db(rig.db) as h:
        (row,) = h.answers("painful_side")
        assert row.answers == {"painful_side": "right"} and row.session_id is not None
    assert "Which side hurts?" in rig.voice.texts()
    quiet = Rig(tmp_path / "q", [*before(0), *pain(LATE, 0)])
    quiet.run()
    with open_db(quiet.db) as h:
        assert h.answers("painful_side") == []


def test_how_to_lie_is_said_once_per_side_and_the_bicycle_beat_is_not_lift_lower(
    tmp_path: Path,
) -> None:
    rig = Rig(tmp_path, [*before(0), *pain(LATE, 0)])
    rig.run()
    counted = [v for v in rig.display.views if v.phase == "count_in" and v.instruction]
    firsts: dict[str, str] = {}
    for v in counted:
        firsts.setdefault(v.title, v.instruction or "")
    told = [i for i in firsts.values() if i.startswith("Lie on your")]
    assert len(told) == 2  # the first exercise of each side, not every exercise
    bikes = {v.beat_words for v in rig.display.views if "Bicycle" in v.title and v.beat_words}
    raises = {v.beat_words for v in rig.display.views if "raise" in v.title.lower()}
    assert bikes == {("knee in", "kick back")} and raises == {("lift", "lower")}
    assert "kick back" in str(
        _render_text(counted[1].with_(beat=0.7, beat_words=("knee in", "kick back"), target=5))
    )


def _render_text(view: object) -> str:
    from rich.console import Console

    console = Console(width=100, record=True)
    console.print(render(view))  # type: ignore[arg-type]
    return console.export_text()
