"""Progression suggestions: every branch, with the numbers the explanation must name."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from hipcoach.config import HistorySettings
from hipcoach.history.progression import suggest
from hipcoach.history.stats import Completion, FormReading, PainReading, SessionSummary

CFG = HistorySettings()  # 3 sessions, pain-free <= 1, form >= 90 %, ease off at 4 or +2
DAY0 = date(2026, 1, 1)


def session(
    n: int,
    *,
    band: int = 0,
    pain: tuple[int | None, int | None, int | None] = (0, 0, None),
    form: tuple[int, int] = (70, 70),
    reps: tuple[int, int] = (70, 70),
    stop: str | None = None,
) -> SessionSummary:
    """Session ``n`` on day ``n``: pain (before, after, max during), form (read, clean),
    reps (done, target)."""
    day = DAY0 + timedelta(days=n)
    before, after, during = pain
    return SessionSummary(
        id=n,
        started_at=datetime(day.year, day.month, day.day, 18, tzinfo=UTC),
        day=day,
        band_level=band,
        finished=True,
        stop_reason=stop,
        counted_by=("camera",),
        sets=10,
        skipped_sets=0,
        stopped_sets=0,
        reps=reps[0],
        pain=PainReading(before, after, during),
        form=FormReading(*form),
        completion=Completion(*reps),
    )


def test_add_a_band_after_three_clean_sessions() -> None:
    s = suggest([session(1, pain=(2, 2, None)), *(session(k, pain=(1, 0, 1)) for k in (2, 3, 4))],
                CFG)  # fmt: skip
    assert s.kind == "add_band"
    assert "band level 1" in s.headline
    assert s.session_ids == (2, 3, 4)
    text = " ".join(s.reasons)
    assert "session 2 (Sat 2026-01-03)" in text and "session 4" in text
    assert "session 1" not in text  # only the sessions it rests on
    assert "form 100% (70 of 70 reps clean)" in text and "reps 70 of 70" in text
    assert "at most 1/10" in text and "90%" in text


def test_next_band_level_then_more_reps_at_the_top() -> None:
    at_two = [session(k, band=2) for k in range(1, 4)]
    assert suggest(at_two, CFG).headline.endswith("band level 3")
    at_top = [session(k, band=3) for k in range(1, 4)]
    s = suggest(at_top, CFG)
    assert s.kind == "more_reps"
    assert "add 2 reps" in s.headline
    assert any("highest band level (3)" in r for r in s.reasons)


def test_sessions_at_an_earlier_band_level_do_not_count() -> None:
    s = suggest([session(1), session(2), session(3, band=1), session(4, band=1)], CFG)
    assert s.kind == "hold"
    assert s.headline == "Keep going at band level 1"
    assert "2 sessions at band level 1 so far; 3 in a row are needed" in s.reasons[0]


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        ({"form": (50, 40)}, "form 80% (40 of 50 reps without a fault; clean form needs 90%)"),
        ({"reps": (60, 70)}, "reps 60 of 70 (86%; full reps means 100%)"),
        ({"pain": (0, 2, None)}, "pain 0 before, 2 after (pain-free means at most 1)"),
        ({"stop": "quit"}, "stopped early (quit)"),
    ],
)
def test_hold_names_the_session_and_the_number_that_missed(
    bad: dict[str, object], words: str
) -> None:
    s = suggest([session(1), session(2, **bad), session(3)], CFG)  # type: ignore[arg-type]
    assert s.kind == "hold"
    assert s.reasons[0].startswith("session 2 (")
    assert words in s.reasons[0]


@pytest.mark.parametrize(
    ("latest", "words"),
    [
        (session(3, pain=(1, 1, None), stop="pain in the hip"), "stopped for pain"),
        (session(3, pain=(1, 3, None)), "pain rose 2 points (1 before, 3 later"),
        (session(3, pain=(3, 4, None)), "pain reached 4/10"),
        (session(3, pain=(0, 1, 5)), "pain reached 5/10"),
    ],
)
def test_ease_off_after_pain(latest: SessionSummary, words: str) -> None:
    s = suggest([session(1), session(2), latest], CFG)
    assert s.kind == "ease_off"
    assert "2 fewer reps" in s.headline
    assert s.session_ids == (3,)
    assert words in s.reasons[0] and s.reasons[0].startswith("session 3 (")
    assert any("physiotherapist or doctor" in r for r in s.reasons)


def test_ease_off_drops_one_band_level() -> None:
    s = suggest([session(1, band=2, pain=(0, 4, None))], CFG)
    assert s.kind == "ease_off" and s.headline == "Ease off: go back to band level 1"
    s = suggest([session(1, band=1, pain=(0, 4, None))], CFG)
    assert s.headline == "Ease off: go back to no band"


def test_pain_twice_in_a_row_means_rest_and_see_a_clinician() -> None:
    s = suggest([session(1), session(2, pain=(0, 4, None)), session(3, stop="pain")], CFG)
    assert s.kind == "rest"
    assert "see a physiotherapist or doctor" in s.headline
    assert s.session_ids == (2, 3)
    assert "2 painful sessions in a row." in s.reasons


def test_pain_earlier_but_not_latest_is_no_ease_off() -> None:
    s = suggest([session(1), session(2, pain=(0, 5, None)), session(3), session(4)], CFG)
    assert s.kind == "hold"  # session 2 is still in the window of three
    assert s.reasons[0].startswith("session 2")


def test_no_suggestion_without_enough_sessions() -> None:
    s = suggest([session(1), session(2)], CFG)
    assert s.kind == "insufficient" and not s.actionable
    assert "2 sessions at no band so far; 3 in a row are needed" in s.reasons[0]
    empty = suggest([], CFG)
    assert empty.kind == "insufficient" and empty.reasons == ("No sessions yet.",)


def test_no_suggestion_when_pain_or_form_was_not_read() -> None:
    timer = [session(k, form=(0, 0)) for k in (1, 2, 3)]
    s = suggest(timer, CFG)
    assert s.kind == "insufficient"
    assert "no form reading (reps counted by the timer" in s.reasons[0]
    no_pain = [session(k, pain=(None, None, None)) for k in (1, 2, 3)]
    s = suggest(no_pain, CFG)
    assert s.kind == "insufficient" and "no pain score was given" in s.reasons[0]


def test_a_failed_criterion_outweighs_missing_data() -> None:
    s = suggest([session(1, form=(0, 0)), session(2, form=(50, 30)), session(3)], CFG)
    assert s.kind == "hold"


def test_thresholds_come_from_the_settings() -> None:
    strict = HistorySettings(sessions_needed=2, min_form_score=0.99, pain_ease_off=2)
    runs = [session(1, form=(100, 98)), session(2, form=(100, 98))]
    assert suggest(runs, CFG).kind == "insufficient"
    assert suggest(runs, strict).kind == "hold"
    assert suggest([session(1, pain=(1, 2, None))], strict).kind == "ease_off"
    assert suggest([session(1, pain=(1, 2, None))], CFG).kind == "insufficient"
