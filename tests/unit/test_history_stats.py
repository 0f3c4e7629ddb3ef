"""History statistics on hand-built rows and databases with known contents."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from hipcoach.analysis.sides import percent_difference
from hipcoach.config import HistorySettings
from hipcoach.history import stats
from hipcoach.history.overview import build_overview
from hipcoach.history.stats import (
    PainReading,
    load_history,
    streaks,
)
from hipcoach.storage import PainRow, SessionRow, StoredSet, open_db
from tests.helpers.history import SessionSpec, SetSpec, add_session, make_set

TOKYO = timezone(timedelta(hours=9))
D = date(2026, 1, 21)  # a Wednesday


def _days(*offsets: int) -> list[date]:
    return [D - timedelta(days=k) for k in offsets]


def _stored(spec: SetSpec, position: int = 0) -> StoredSet:
    return StoredSet(position, 1, position, make_set(spec), spec.status, spec.counted_by)


def _pain(*rows: tuple[int, str]) -> list[PainRow]:
    t0 = datetime(2026, 1, 1, 8, tzinfo=UTC)
    return [
        PainRow(k, 1, t0 + timedelta(minutes=k), score, moment)  # type: ignore[arg-type]
        for k, (score, moment) in enumerate(rows)
    ]


# ---------------------------------------------------------------- streaks and calendar


@pytest.mark.parametrize(
    ("offsets", "current", "longest"),
    [
        ((), 0, 0),
        ((0,), 1, 1),
        ((0, 1, 2), 3, 3),
        ((1, 2), 2, 2),  # no session yet today: the streak is still alive
        ((2, 3, 4, 5), 0, 4),  # missed yesterday: broken
        ((0, 2, 3, 4, 5, 9, 10), 1, 4),
        ((0, 0, 1), 2, 2),  # two sessions on one day count once
    ],
)
def test_streaks(offsets: tuple[int, ...], current: int, longest: int) -> None:
    s = streaks(_days(*offsets), D)
    assert (s.current, s.longest) == (current, longest)
    assert s.last_day == (max(_days(*offsets)) if offsets else None)


def test_streak_ignores_days_after_today() -> None:
    s = streaks([*_days(0, 1), D + timedelta(days=1)], D)
    assert (s.current, s.longest, s.last_day) == (2, 2, D)


def test_calendar_weeks_start_on_monday_and_end_with_this_week() -> None:
    cal = stats.calendar({D: 2, D - timedelta(days=8): 1}, D, weeks=3)
    assert len(cal) == 3 and all(len(w) == 7 for w in cal)
    assert cal[0][0].day == date(2026, 1, 5) and cal[0][0].day.weekday() == 0
    assert cal[-1][-1].day == date(2026, 1, 25)
    today = [d for w in cal for d in w if d.is_today]
    assert len(today) == 1 and today[0].day == D and today[0].sessions == 2
    assert [d.day for w in cal for d in w if d.sessions] == [date(2026, 1, 13), D]
    assert [d.is_future for d in cal[-1]] == [False, False, False, True, True, True, True]
    with pytest.raises(ValueError, match="weeks"):
        stats.calendar({}, D, 0)


def test_days_are_local_days() -> None:
    # 23:30 UTC on the 20th is already the 21st in Tokyo.
    late = datetime(2026, 1, 20, 23, 30, tzinfo=UTC)
    row = SessionRow(1, late, None, "live", 0, "", None)
    assert stats.day_counts([row], UTC) == {date(2026, 1, 20): 1}
    assert stats.day_counts([row], TOKYO) == {date(2026, 1, 21): 1}


# ---------------------------------------------------------------- pain, form, completion


def test_session_pain_first_before_last_after_max_during() -> None:
    p = stats.session_pain(_pain((2, "before"), (3, "during"), (6, "during"), (1, "before"),
                                 (4, "after"), (3, "after")))  # fmt: skip
    assert (p.before, p.max_during, p.after) == (2, 6, 3)
    assert (p.worst, p.worst_later, p.rise) == (6, 6, 4)
    assert stats.session_pain([]) == PainReading(None, None, None)
    assert PainReading(None, 3, None).rise is None


def test_form_score_counts_reps_with_a_measured_fault() -> None:
    sets = [
        _stored(SetSpec(reps=10, faults=[2, 5, 5])),  # 2 faulty reps (one flagged twice)
        _stored(SetSpec(reps=5, not_measurable=True)),  # a note is not a fault
        _stored(SetSpec(reps=5, whole_set_fault=True)),  # no rep number: whole set
    ]
    reading = stats.form_reading(sets)
    assert (reading.reps_read, reading.reps_clean) == (20, 13)
    assert reading.score == pytest.approx(13 / 20)


def test_timer_sets_have_no_form_reading_not_full_marks() -> None:
    timer = [_stored(SetSpec(reps=10, counted_by="timer"))]
    assert stats.form_reading(timer).score is None
    mixed = [*timer, _stored(SetSpec(reps=4, faults=[1], counted_by="video"))]
    assert stats.form_reading(mixed).score == pytest.approx(0.75)
    skipped = [_stored(SetSpec(reps=0, status="skipped"))]
    assert stats.form_reading(skipped).score is None


def test_completion_caps_each_set_at_its_target() -> None:
    sets = [
        _stored(SetSpec(reps=12, target=10)),  # extra reps do not cover another set
        _stored(SetSpec(reps=3, target=5, status="stopped")),
        _stored(SetSpec(reps=4, target=5, status="skipped")),  # skipped: 0 of 5
        _stored(SetSpec(reps=7, target=None)),  # no target: not counted
    ]
    c = stats.completion(sets)
    assert (c.done, c.target) == (13, 20)
    assert c.share == pytest.approx(0.65)
    assert stats.completion([]).share is None


# ---------------------------------------------------------------- left vs right


def test_percent_difference_is_of_the_larger_side() -> None:
    assert percent_difference(8, 10) == pytest.approx(-20.0)
    assert percent_difference(10, 8) == pytest.approx(20.0)
    assert percent_difference(0, 0) is None


def test_asymmetry_reps_and_median_peak() -> None:
    sets = [
        _stored(SetSpec("big_leg_lift", "left", 8, peaks=[30, 32, 34, 36, 38, 40, 90, 31])),
        _stored(SetSpec("big_leg_lift", "right", 10, peak_deg=40.0)),
        _stored(SetSpec("small_leg_raise", "right", 10, peak_deg=25.0)),
        _stored(SetSpec("big_leg_lift", "left", 10, counted_by="timer")),  # not measured
        _stored(SetSpec("small_leg_raise", "left", 0, status="skipped")),
    ]
    rows = {a.exercise: a for a in stats.asymmetry(sets)}
    assert list(rows) == ["small_leg_raise", "big_leg_lift"]  # routine order
    lift = rows["big_leg_lift"]
    assert lift.left is not None and lift.right is not None
    assert (lift.left.reps, lift.right.reps) == (8, 10)
    assert lift.left.median_peak_deg == pytest.approx(35.0)  # the 90 deg outlier does not pull
    assert lift.reps_diff_pct == pytest.approx(-20.0)
    assert lift.peak_diff_pct == pytest.approx(-12.5)
    note = lift.note(10.0)
    assert "left leg 20% fewer reps" in note and "12% lower peak" in note
    assert lift.reps_diff == -2 and lift.peak_diff_deg == pytest.approx(-5.0)
    raise_ = rows["small_leg_raise"]
    assert raise_.left is None and raise_.reps_diff_pct is None
    assert "only the right leg has data" in raise_.note(10.0)


def test_asymmetry_within_threshold_says_so() -> None:
    sets = [
        _stored(SetSpec("big_leg_lift", "left", 10, peak_deg=38.0)),
        _stored(SetSpec("big_leg_lift", "right", 10, peak_deg=40.0)),
    ]
    (row,) = stats.asymmetry(sets)
    assert row.note(10.0) == "sides within 10% of each other"
    assert row.note(4.0) == "left leg 5% lower peak angle"


# ---------------------------------------------------------------- from a real database


def test_overview_from_a_database(tmp_path: Path) -> None:
    start = datetime(2026, 1, 19, 19, 0, tzinfo=TOKYO)  # Monday evening in Tokyo
    with open_db(tmp_path / "h.sqlite3") as h:
        for k, band in enumerate((0, 0, 1)):
            add_session(
                h,
                SessionSpec(
                    start + timedelta(days=k),
                    [SetSpec(side="left", reps=8), SetSpec(side="right", reps=10, faults=[1])],
                    band=band,
                    pain={"before": [1], "after": [2]},
                ),
            )
        add_session(h, SessionSpec(start + timedelta(days=2, hours=1), [SetSpec()], band=1,
                                   finished=False))  # fmt: skip
        data = load_history(h)
    ov = build_overview(data, HistorySettings(calendar_weeks=2), today=D, tz=TOKYO)
    assert [s.day for s in ov.sessions] == [date(2026, 1, 19), date(2026, 1, 20), D, D]
    assert (ov.streak.current, ov.streak.longest) == (3, 3)
    assert sum(d.sessions for w in ov.calendar for d in w) == 4
    first = ov.sessions[0]
    assert (first.pain.before, first.pain.after) == (1, 2)
    assert first.form.score == pytest.approx(17 / 18)
    assert (first.completion.done, first.completion.target) == (18, 20)
    assert first.finished and not ov.sessions[-1].finished
    assert [(c.before, c.after) for c in ov.band_changes] == [(0, 1)]
    (raises,) = ov.asymmetry  # left 3 x 8 reps, right 3 x 10 + 10 in the unfinished one
    assert raises.left is not None and raises.right is not None
    assert (raises.left.reps, raises.right.reps) == (24, 40)
    assert raises.reps_diff_pct == pytest.approx(-40.0)
    assert ov.asymmetry_sessions == 4


def test_empty_overview(tmp_path: Path) -> None:
    with open_db(tmp_path / "h.sqlite3") as h:
        ov = build_overview(load_history(h), HistorySettings(), today=D, tz=UTC)
    assert ov.empty and ov.streak.current == 0 and ov.asymmetry == []
    assert ov.progression.kind == "insufficient"


def test_painful_side_is_the_newest_valid_answer() -> None:
    from hipcoach.history.stats import painful_side
    from hipcoach.storage import AnswerRow

    def row(day: int, answers: dict[str, object]) -> AnswerRow:
        return AnswerRow(day, datetime(2026, 1, day, tzinfo=UTC), "check", dict(answers), None)

    assert painful_side([]) is None
    old, new = row(1, {"painful_side": "left"}), row(5, {"painful_side": "right"})
    assert painful_side([new, old]) == "right"
    assert painful_side([old, row(6, {"painful_side": "up"}), row(7, {})]) == "left"


def test_progression_names_the_painful_side_and_whether_it_is_behind() -> None:
    from hipcoach.analysis.sides import SideComparison, SideReading
    from hipcoach.history.progression import Suggestion, with_painful_side

    base = Suggestion("hold", "Keep going", ("3 sessions so far.",), (1,))
    lift = SideComparison("big_leg_lift", SideReading(1, 6, 30.0), SideReading(1, 10, 40.0))
    cfg = HistorySettings()
    left = with_painful_side(base, "left", [lift], cfg)
    assert left.reasons[:-1] == base.reasons
    assert left.reasons[-1] == (
        "Your left side hurts (latest check): add load only while it stays pain-free. "
        "It is also the weaker leg in: big leg lift."
    )
    right = with_painful_side(base, "right", [lift], cfg)
    assert "weaker" not in right.reasons[-1] and "right side hurts" in right.reasons[-1]
    for side in (None, "both", "neither"):
        assert with_painful_side(base, side, [lift], cfg) == base


def test_history_chart_names_only_the_legs_it_draws(monkeypatch: pytest.MonkeyPatch) -> None:
    from matplotlib.figure import Figure

    from hipcoach.analysis.sides import SideComparison, SideReading
    from hipcoach.exercises.routine import load_routine
    from hipcoach.history import plots

    labels: list[list[str]] = []
    real = Figure.legend

    def spy(self: Figure, *args: object, **kwargs: object) -> object:
        labels.append(list(args[1]) if len(args) > 1 else [])  # type: ignore[call-overload]
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Figure, "legend", spy)
    only_right = [SideComparison("big_leg_lift", None, SideReading(1, 8, 40.0))]
    assert plots.asymmetry_png(only_right, load_routine()) is not None
    both = [SideComparison("big_leg_lift", SideReading(1, 6, 35.0), SideReading(1, 8, 40.0))]
    assert plots.asymmetry_png(both, load_routine()) is not None
    assert labels == [["right leg"], ["left leg", "right leg"]]
