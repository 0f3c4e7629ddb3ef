"""Safety around the guided session: red-flag gate, pain rules, CLI exits, durability."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest

from hipcoach.config import DEFAULTS, SessionSettings
from hipcoach.errors import SafetyStop
from hipcoach.exercises.questionnaires import load_questionnaires
from hipcoach.exercises.routine import load_routine
from hipcoach.session.clock import FakeClock
from hipcoach.session.display import RecordingDisplay
from hipcoach.session.keys import ScriptedKeys
from hipcoach.session.pacing import TimerRepSource
from hipcoach.session.safety import judge_pain, may_start
from hipcoach.session.voice import RecordingVoice
from hipcoach.storage import open_db

RED = load_questionnaires()["red_flags"]
N_RED = len(RED.questions)


@pytest.mark.parametrize(
    ("score", "before", "stop"),
    [(4, None, False), (5, None, True), (9, 8, True), (3, 1, True), (2, 1, False), (0, 3, False)],
)
def test_judge_pain(score: int, before: int | None, stop: bool) -> None:
    assert judge_pain(score, before).stop is stop


def test_pain_limits_come_from_settings() -> None:
    strict = SessionSettings(pain_stop_at=3, pain_max_rise=1)
    assert judge_pain(3, None, strict).stop and not judge_pain(3, None).stop
    assert judge_pain(2, 1, strict).stop and not judge_pain(2, 1).stop
    assert may_start(3, strict).stop and not may_start(3).stop


def _gate(tmp_path: Path, answers: str, recheck: bool = False, days: float = 0.0) -> list[str]:
    """Run the CLI's safety gate with scripted answers; returns what the voice said."""
    from hipcoach.session.guided import Devices, GuidedOptions, safety_gate

    clock = FakeClock()
    clock.advance(days * 86400.0)
    dev = Devices(
        clock,
        ScriptedKeys(clock, [(0.0, c) for c in answers]),
        RecordingDisplay(),
        RecordingVoice(clock),
    )
    opts = GuidedOptions(settings=DEFAULTS, db=tmp_path / "h.sqlite3", recheck_safety=recheck)
    with open_db(opts.db) as history:
        safety_gate(opts, history, dev, load_routine())
    assert isinstance(dev.voice, RecordingVoice)
    return dev.voice.texts()


def test_red_flags_asked_first_time_then_not_again(tmp_path: Path) -> None:
    _gate(tmp_path, "n" * N_RED)
    _gate(tmp_path, "")  # not asked: an empty script would otherwise interrupt
    with open_db(tmp_path / "h.sqlite3") as h:
        (row,) = h.answers("red_flags")
        assert set(row.answers) == {q.id for q in RED.questions}
        assert not any(row.answers.values())


def test_red_flags_asked_again_when_due_or_requested(tmp_path: Path) -> None:
    _gate(tmp_path, "n" * N_RED)
    _gate(tmp_path, "n" * N_RED, recheck=True)
    due = DEFAULTS.session.red_flags_every_days + 1
    _gate(tmp_path, "n" * N_RED, days=due)
    with open_db(tmp_path / "h.sqlite3") as h:
        assert len(h.answers("red_flags")) == 3


def test_any_red_flag_stops_and_is_asked_again_next_time(tmp_path: Path) -> None:
    with pytest.raises(SafetyStop) as err:
        _gate(tmp_path, "n" + "y" + "n" * (N_RED - 2))
    assert RED.questions[1].text[:30] in err.value.message
    assert err.value.fix == RED.advice and err.value.exit_code == 8
    _gate(tmp_path, "n" * N_RED)  # asked again because the last answers had a "yes"


def _cli(tmp_path: Path, keys: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HIPCOACH_DB": str(tmp_path / "h.sqlite3"), "COLUMNS": "100"}
    return subprocess.run(
        [sys.executable, "-m", "hipcoach", "session", "--mute"],
        input=keys,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_cli_red_flag_yes_exits_8_with_advice(tmp_path: Path) -> None:
    proc = _cli(tmp_path, "y" + "n" * (N_RED - 1))
    assert proc.returncode == 8, proc.stderr
    assert "error:" in proc.stderr and "Traceback" not in proc.stderr
    assert "not a medical device" in proc.stdout


def test_cli_high_pain_before_does_not_start(tmp_path: Path) -> None:
    proc = _cli(tmp_path, "n" * N_RED + "7\n")
    assert proc.returncode == 0, proc.stderr
    assert "Stopped:" in proc.stdout and "7/10" in proc.stdout
    with open_db(tmp_path / "h.sqlite3") as h:
        (row,) = h.sessions()
        assert row.stop_reason and h.sets_of(row.id) == []


def test_cli_end_of_input_is_a_clean_stop(tmp_path: Path) -> None:
    proc = _cli(tmp_path, "n" * N_RED)  # no pain answer, then stdin ends
    assert proc.returncode == 2 and "Traceback" not in proc.stderr  # 130 is for Ctrl-C
    assert "input ended" in proc.stderr


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from hipcoach.exercises.routine import load_routine
    from hipcoach.session.clock import FakeClock
    from hipcoach.session.display import RecordingDisplay
    from hipcoach.session.keys import ScriptedKeys
    from hipcoach.session.pacing import TimerRepSource
    from hipcoach.session.plan import build_plan
    from hipcoach.session.player import Player
    from hipcoach.session.voice import RecordingVoice
    from hipcoach.storage import History, open_db

    class Dying(History):
        def add_set(self, *a, **k):
            out = super().add_set(*a, **k)
            if len(self.sets_of(a[0])) == 3:
                os.kill(os.getpid(), signal.SIGKILL)
            return out

    h = open_db(sys.argv[1])
    h.__class__ = Dying
    clock = FakeClock()
    r = load_routine()
    Player(r, build_plan(r), TimerRepSource(), clock=clock,
           keys=ScriptedKeys(clock, [(0.0, "0"), (0.0, "\\n")]), voice=RecordingVoice(clock),
           display=RecordingDisplay(), history=h).run()
    """
)


def test_killed_mid_session_keeps_every_finished_set(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    proc = subprocess.run(
        [sys.executable, "-c", KILLER, str(db)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == -9, proc.stderr
    with open_db(db) as h:
        (row,) = h.sessions()
        sets = h.sets_of(row.id)
        assert row.ended_at is None
        assert [s.result.exercise for s in sets] == [e.id for e in load_routine().exercises[:3]]
        assert all(s.status == "done" and s.result.reps == s.result.target_reps for s in sets)
        assert [p.score for p in h.pain_scores()] == [0]


def test_timer_source_has_no_form_reading() -> None:
    src = TimerRepSource()
    ex = load_routine().exercise("leg_circle_cw")
    src.begin("right", ex, load_routine(), 10.0)
    assert src.poll(10.0 + 2.5 * (ex.pace_s or 0)).reps == 2
    res = src.end(10.0 + 100.0)
    assert res.reps == ex.target_reps and res.flags == [] and res.direction == "cw"
    assert res.start_s == 10.0 and timedelta(seconds=res.end_s - res.start_s).seconds == 100


def test_cli_missing_camera_is_one_clean_line(tmp_path: Path) -> None:
    env = {**os.environ, "HIPCOACH_DB": str(tmp_path / "h.sqlite3"), "COLUMNS": "200"}
    proc = subprocess.run(
        [sys.executable, "-m", "hipcoach", "session", "--camera", "57", "--mute"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "cannot open camera 57" in lines[0], proc.stderr
    with open_db(tmp_path / "h.sqlite3") as h:
        assert h.sessions() == []  # nothing half-started


def test_band_defaults_to_the_last_session(tmp_path: Path) -> None:
    from hipcoach.session.guided import GuidedOptions, band_level

    with open_db(tmp_path / "h.sqlite3") as h:
        opts = GuidedOptions(settings=DEFAULTS)
        assert band_level(opts, h) == 0
        h.start_session(FakeClock().wall(), "guided", band_level=2)
        assert band_level(opts, h) == 2
        assert band_level(GuidedOptions(settings=DEFAULTS, band_level=0), h) == 0
