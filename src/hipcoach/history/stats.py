"""History statistics: pure functions over stored rows (no database access, no clock).

:func:`load_history` reads everything once into a :class:`HistoryData`; every other
function takes rows and returns plain values, so tests build them by hand. Days are the
user's LOCAL calendar days: functions take ``tz`` (``None`` = the system's local time zone)
and, where "today" matters, a ``today`` date, so both can be fixed in tests.

Units: pain scores 0 (none) .. 10 (worst); angles in degrees (deg); form score and
completion are shares 0..1; percentage differences in % of the larger side.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Final

from hipcoach.analysis.sides import SideComparison, compare_sides
from hipcoach.exercises.questionnaires import SIDE_ANSWERS
from hipcoach.storage import AnswerRow, History, PainRow, SessionRow, StoredSet

#: Sets counted by these read the body, so their reps have a form reading.
READ_BY_CAMERA: Final = ("video", "camera")
#: The check question whose answer names the side that hurts; also the answers kind under
#: which the session stores it (``session.prompts.PAINFUL_SIDE_KIND``).
PAINFUL_SIDE: Final = "painful_side"


@dataclass(frozen=True)
class HistoryData:
    """Everything the statistics need, read from the database in one go."""

    sessions: list[SessionRow]
    sets: dict[int, list[StoredSet]]
    pain: list[PainRow]
    #: The side that hurts, from the latest check that answered it ("left", "right",
    #: "both", "neither"); None when no check said.
    painful_side: str | None = None

    def sets_of(self, session_id: int) -> list[StoredSet]:
        """The stored sets of one session (empty if it has none)."""
        return self.sets.get(session_id, [])

    def pain_of(self, session_id: int) -> list[PainRow]:
        """The pain scores of one session, oldest first."""
        return [p for p in self.pain if p.session_id == session_id]


def load_history(history: History) -> HistoryData:
    """Read all sessions, their sets and the pain scores from an open history."""
    sessions = history.sessions()
    return HistoryData(
        sessions=sessions,
        sets={s.id: history.sets_of(s.id) for s in sessions},
        pain=history.pain_scores(),
        painful_side=painful_side(history.answers("check") + history.answers(PAINFUL_SIDE)),
    )


def painful_side(checks: Sequence[AnswerRow]) -> str | None:
    """The ``painful_side`` answer of the newest check or session that gave a valid one,
    else None."""
    for row in sorted(checks, key=lambda r: r.at, reverse=True):
        side = row.answers.get(PAINFUL_SIDE)
        if isinstance(side, str) and side in SIDE_ANSWERS:
            return side
    return None


def local_day(moment: datetime, tz: tzinfo | None = None) -> date:
    """The calendar day of ``moment`` in ``tz`` (``None``: the system's local time zone)."""
    return moment.astimezone(tz).date()


def today_in(tz: tzinfo | None = None) -> date:
    """Today's date in ``tz`` (``None``: the system's local time zone)."""
    return datetime.now(tz).date()


def day_counts(sessions: Iterable[SessionRow], tz: tzinfo | None = None) -> dict[date, int]:
    """Number of sessions started on each local day that had any."""
    out: dict[date, int] = {}
    for s in sessions:
        day = local_day(s.started_at, tz)
        out[day] = out.get(day, 0) + 1
    return out


# --------------------------------------------------------------------------------------
# Streaks and calendar
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Streak:
    """Runs of consecutive days with at least one session (counts in days)."""

    current: int
    longest: int
    last_day: date | None


def streaks(days: Iterable[date], today: date) -> Streak:
    """Current and longest run of consecutive session days.

    The current streak ends today, or yesterday when there is no session today yet (the
    streak is still alive until today is over); otherwise it is 0. Days after ``today``
    are ignored.
    """
    have = sorted({d for d in days if d <= today})
    if not have:
        return Streak(0, 0, None)
    longest = run = 1
    for prev, day in itertools.pairwise(have):
        run = run + 1 if day - prev == timedelta(days=1) else 1
        longest = max(longest, run)
    current = 0
    if today - have[-1] <= timedelta(days=1):
        current = 1
        k = len(have) - 1
        while k > 0 and have[k] - have[k - 1] == timedelta(days=1):
            current += 1
            k -= 1
    return Streak(current, longest, have[-1])


@dataclass(frozen=True)
class CalendarDay:
    """One day of the calendar: how many sessions were started on it."""

    day: date
    sessions: int
    is_today: bool
    is_future: bool


def calendar(counts: Mapping[date, int], today: date, weeks: int) -> list[list[CalendarDay]]:
    """The last ``weeks`` weeks (Monday first, oldest week first, the current week last)."""
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, got {weeks}")
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=weeks - 1)
    out: list[list[CalendarDay]] = []
    for w in range(weeks):
        week = []
        for d in range(7):
            day = first + timedelta(weeks=w, days=d)
            week.append(CalendarDay(day, counts.get(day, 0), day == today, day > today))
        out.append(week)
    return out


# --------------------------------------------------------------------------------------
# Per-session readings: pain, form, completion
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PainReading:
    """Pain scores of one session (0..10; None = not asked)."""

    before: int | None
    after: int | None
    max_during: int | None

    @property
    def worst(self) -> int | None:
        """Highest score given at any moment (None if none was given)."""
        given = [v for v in (self.before, self.after, self.max_during) if v is not None]
        return max(given) if given else None

    @property
    def worst_later(self) -> int | None:
        """Highest score during or after the session (None if neither was given)."""
        given = [v for v in (self.after, self.max_during) if v is not None]
        return max(given) if given else None

    @property
    def rise(self) -> int | None:
        """:attr:`worst_later` minus the score before (points; None without both)."""
        later = self.worst_later
        return None if later is None or self.before is None else later - self.before


def session_pain(rows: Iterable[PainRow]) -> PainReading:
    """The first score before, the last score after and the highest score during."""
    ordered = sorted(rows, key=lambda r: (r.at, r.id))
    before = [r.score for r in ordered if r.moment == "before"]
    after = [r.score for r in ordered if r.moment == "after"]
    during = [r.score for r in ordered if r.moment == "during"]
    return PainReading(
        before=before[0] if before else None,
        after=after[-1] if after else None,
        max_during=max(during) if during else None,
    )


@dataclass(frozen=True)
class FormReading:
    """Reps counted by the camera or from video, and how many had no form fault."""

    reps_read: int
    reps_clean: int
    #: Form rules the camera could not measure in these sets ("not measurable from this
    #: view"): a clean score says nothing about them.
    unmeasured: tuple[str, ...] = ()

    @property
    def score(self) -> float | None:
        """Share of clean reps (0..1); None = no reading (e.g. only timer-counted sets)."""
        return self.reps_clean / self.reps_read if self.reps_read else None

    def text(self) -> str:
        """ "92%", "100% · 3 rules not measurable", or "no reading"."""
        if self.score is None:
            return "no reading"
        text = f"{100 * self.score:.0f}%"
        k = len(self.unmeasured)
        return text + (f" · {k} rule{'s' if k > 1 else ''} not measurable" if k else "")


def faulty_reps(stored: StoredSet) -> set[int]:
    """1-based numbers of the reps of a set with a measured form fault.

    A fault without a rep number applies to the whole set. "Not measurable" notes are no
    faults.
    """
    n = stored.result.reps
    faults = [f for f in stored.result.flags if f.measurable]
    if any(f.rep is None for f in faults):
        return set(range(1, n + 1))
    return {f.rep for f in faults if f.rep is not None and 1 <= f.rep <= n}


def form_reading(sets: Iterable[StoredSet]) -> FormReading:
    """Form of a session's camera- and video-counted sets; timer sets have no reading."""
    read = clean = 0
    unmeasured: set[str] = set()
    for s in sets:
        if s.counted_by not in READ_BY_CAMERA or s.status == "skipped":
            continue
        read += s.result.reps
        clean += s.result.reps - len(faulty_reps(s))
        unmeasured |= set(s.result.unmeasurable)
    return FormReading(read, clean, tuple(sorted(unmeasured)))


@dataclass(frozen=True)
class Completion:
    """Reps done against the targets of the sets that have one (reps above a set's target
    do not make up for another set's shortfall)."""

    done: int
    target: int

    @property
    def share(self) -> float | None:
        """``done / target`` (0..1); None when no set had a target."""
        return self.done / self.target if self.target else None


def completion(sets: Iterable[StoredSet]) -> Completion:
    """Reps (capped at each set's target) against the targets; skipped sets count 0 reps."""
    done = target = 0
    for s in sets:
        want = s.result.target_reps
        if want is None or want <= 0:
            continue
        target += want
        if s.status != "skipped":
            done += min(s.result.reps, want)
    return Completion(done, target)


@dataclass(frozen=True)
class SessionSummary:
    """One session's readings: the rows of every per-session trend."""

    id: int
    started_at: datetime
    day: date
    band_level: int
    finished: bool
    stop_reason: str | None
    counted_by: tuple[str, ...]
    sets: int
    skipped_sets: int
    stopped_sets: int
    reps: int
    pain: PainReading
    form: FormReading
    completion: Completion


def summarise_session(
    row: SessionRow, sets: Sequence[StoredSet], pain: Iterable[PainRow], tz: tzinfo | None
) -> SessionSummary:
    """The readings of one session (``started_at`` in ``tz``)."""
    return SessionSummary(
        id=row.id,
        started_at=row.started_at.astimezone(tz),
        day=local_day(row.started_at, tz),
        band_level=row.band_level,
        finished=row.ended_at is not None,
        stop_reason=row.stop_reason,
        counted_by=tuple(dict.fromkeys(s.counted_by for s in sets)),
        sets=len(sets),
        skipped_sets=sum(s.status == "skipped" for s in sets),
        stopped_sets=sum(s.status == "stopped" for s in sets),
        reps=sum(s.result.reps for s in sets if s.status != "skipped"),
        pain=session_pain(pain),
        form=form_reading(sets),
        completion=completion(sets),
    )


def summarise_sessions(data: HistoryData, tz: tzinfo | None = None) -> list[SessionSummary]:
    """One summary per session, oldest first."""
    return [summarise_session(s, data.sets_of(s.id), data.pain_of(s.id), tz) for s in data.sessions]


# --------------------------------------------------------------------------------------
# Band level, left vs right
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BandChange:
    """The band level changed at this session (0 = no band)."""

    session_id: int
    day: date
    before: int
    after: int


def band_changes(sessions: Sequence[SessionSummary]) -> list[BandChange]:
    """Each session whose band level differs from the session before it."""
    return [
        BandChange(cur.id, cur.day, prev.band_level, cur.band_level)
        for prev, cur in itertools.pairwise(sessions)
        if cur.band_level != prev.band_level
    ]


def asymmetry(sets: Iterable[StoredSet]) -> list[SideComparison]:
    """Left vs right per exercise over the given sets (``analysis.sides.compare_sides``).

    Only camera- or video-counted sets that were not skipped are read: timer counts are the
    plan, not a measurement.
    """
    return compare_sides(
        s.result for s in sets if s.counted_by in READ_BY_CAMERA and s.status != "skipped"
    )


def recent_sets(data: HistoryData, sessions: int) -> list[StoredSet]:
    """The sets of the most recent ``sessions`` sessions."""
    return [s for row in data.sessions[-sessions:] for s in data.sets_of(row.id)]
