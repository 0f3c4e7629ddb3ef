"""Safety rules of the guided session: when pain stops it.

Never work through pain: a session stops when a pain score (0 = none .. 10 = worst)
reaches ``pain_stop_at`` or rises ``pain_max_rise`` or more above the score given before
the session. The reason is always said in words.
"""

from __future__ import annotations

from dataclasses import dataclass

from hipcoach.config import DEFAULTS, SessionSettings


@dataclass(frozen=True)
class PainVerdict:
    """Whether to stop, and why (plain words, shown and spoken)."""

    stop: bool
    reason: str


def judge_pain(
    score: int, before: int | None, settings: SessionSettings = DEFAULTS.session
) -> PainVerdict:
    """Judge a pain score (0..10) against the stop level and the rise since ``before``."""
    if score >= settings.pain_stop_at:
        return PainVerdict(
            True,
            f"pain {score}/10 reached the stop level ({settings.pain_stop_at}/10). "
            "Stop for today; do not work through pain.",
        )
    if before is not None and score - before >= settings.pain_max_rise:
        return PainVerdict(
            True,
            f"pain rose from {before}/10 to {score}/10 (+{score - before}). "
            "Stop for today; do not work through pain.",
        )
    return PainVerdict(False, f"pain {score}/10 noted; carry on gently and stop if it rises.")


def may_start(score: int, settings: SessionSettings = DEFAULTS.session) -> PainVerdict:
    """Whether a session may start with pain ``score`` (0..10) before it."""
    if score >= settings.pain_stop_at:
        return PainVerdict(
            True,
            f"pain {score}/10 before starting is at or above the stop level "
            f"({settings.pain_stop_at}/10). Rest today; see a clinician if it persists.",
        )
    return PainVerdict(False, "")
