"""Everything the history views show, computed once: :func:`build_overview`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, tzinfo

from hipcoach.analysis.sides import SideComparison
from hipcoach.config import HistorySettings
from hipcoach.history import stats
from hipcoach.history.progression import Suggestion, suggest, with_painful_side
from hipcoach.history.stats import (
    BandChange,
    CalendarDay,
    HistoryData,
    SessionSummary,
    Streak,
)
from hipcoach.types import Side


@dataclass(frozen=True)
class Overview:
    """The statistics of one history as of ``today`` (local days)."""

    today: date
    sessions: list[SessionSummary]
    streak: Streak
    calendar: list[list[CalendarDay]]
    asymmetry: list[SideComparison]
    asymmetry_sessions: int
    #: A left-right difference above this (% of the larger side) is named in the notes.
    asymmetry_note_pct: float
    #: The side that hurts (latest check): "left", "right", "both", "neither" or None.
    painful_side: str | None
    band_changes: list[BandChange]
    progression: Suggestion

    def leg_label(self, side: Side) -> str:
        """The column name of a leg: "left leg", marked "left leg (hurts)" when the latest
        check named that side (or both) as the one that hurts."""
        return f"{side} leg (hurts)" if self.painful_side in (side, "both") else f"{side} leg"

    @property
    def empty(self) -> bool:
        """True when the history has no sessions."""
        return not self.sessions


def build_overview(
    data: HistoryData,
    settings: HistorySettings,
    *,
    today: date | None = None,
    tz: tzinfo | None = None,
) -> Overview:
    """Streak, calendar, per-session trends, left vs right (over the last
    ``settings.asymmetry_sessions`` sessions), band changes and the progression suggestion.

    ``tz`` is the user's time zone (``None``: the system's); ``today`` defaults to today there.
    """
    day = today or stats.today_in(tz)
    sessions = stats.summarise_sessions(data, tz)
    counts = stats.day_counts(data.sessions, tz)
    window = min(settings.asymmetry_sessions, len(data.sessions))
    asymmetry = stats.asymmetry(stats.recent_sets(data, window))
    return Overview(
        today=day,
        sessions=sessions,
        streak=stats.streaks(counts, day),
        calendar=stats.calendar(counts, day, settings.calendar_weeks),
        asymmetry=asymmetry,
        asymmetry_sessions=window,
        asymmetry_note_pct=settings.asymmetry_note_pct,
        painful_side=data.painful_side,
        band_changes=stats.band_changes(sessions),
        progression=with_painful_side(
            suggest(sessions, settings), data.painful_side, asymmetry, settings
        ),
    )
