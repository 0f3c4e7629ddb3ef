"""The next step: more load, keep going, or ease off — always with the reasons.

:func:`suggest` reads the per-session summaries (oldest first) and the thresholds in
:class:`~hipcoach.config.HistorySettings`:

1. **Ease off** when the latest session hurt: it was stopped for pain, pain during or after
   it rose by ``pain_rise`` points or more over the score before, or reached
   ``pain_ease_off``. Drop one band level, or (without a band) do ``rep_step`` fewer reps.
   After ``pain_sessions_rest`` painful sessions in a row: **rest**, and see a clinician
   if the pain persists.
2. **Add load** after ``sessions_needed`` consecutive sessions at the current band level that
   were pain-free (every score <= ``pain_free_max``), had clean form (form score >=
   ``min_form_score``) and full reps (completion >= ``min_completion``): the next band
   level, or, at ``max_band_level``, ``rep_step`` more reps per set.
3. **Hold** (keep the current level) when a recent session missed one of those criteria.
4. **No suggestion** when the data cannot tell: too few sessions, no pain score asked, or
   no form reading (timer-counted sets); the reasons say which.

Pain scores are 0..10; form scores and completion are shares 0..1, shown as %.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from hipcoach.analysis.sides import SideComparison
from hipcoach.config import HistorySettings
from hipcoach.history.stats import SessionSummary

SuggestionKind = Literal["add_band", "more_reps", "hold", "ease_off", "rest", "insufficient"]
#: The kinds that change the load (the others keep it).
CHANGES_LOAD: tuple[SuggestionKind, ...] = ("add_band", "more_reps", "ease_off", "rest")
CLINICIAN = "If pain keeps coming back, rest and see a physiotherapist or doctor."


@dataclass(frozen=True)
class Suggestion:
    """What to do next. ``reasons`` explain it with the sessions and numbers it rests on."""

    kind: SuggestionKind
    headline: str
    reasons: tuple[str, ...]
    session_ids: tuple[int, ...]

    @property
    def actionable(self) -> bool:
        """False when there is no suggestion (not enough data)."""
        return self.kind != "insufficient"


@dataclass(frozen=True)
class _Check:
    """One criterion a session missed; ``missing`` = the data to judge it is absent."""

    text: str
    missing: bool


def session_label(s: SessionSummary) -> str:
    """``"session 12 (Tue 2026-01-14)"``."""
    return f"session {s.id} ({s.day:%a %Y-%m-%d})"


def band_text(level: int) -> str:
    """``0`` -> ``"no band"``, ``2`` -> ``"band level 2"``."""
    return "no band" if level == 0 else f"band level {level}"


def _pct(share: float) -> str:
    return f"{100.0 * share:.0f}%"


def pain_text(s: SessionSummary) -> str:
    """The session's pain scores in words, e.g. ``"pain 1 before, 4 after"``."""
    p = s.pain
    parts = [
        f"{v} {moment}"
        for v, moment in (
            (p.before, "before"),
            (p.max_during, "during (max)"),
            (p.after, "after"),
        )
        if v is not None
    ]
    return "pain " + ", ".join(parts) if parts else "no pain score"


def pain_reasons(s: SessionSummary, cfg: HistorySettings) -> list[str]:
    """Why a session counts as painful (empty when it does not)."""
    reasons = []
    reason = (s.stop_reason or "").lower()
    if any(word.lower() in reason for word in cfg.pain_stop_words):
        reasons.append(f"stopped for pain ({s.stop_reason})")
    rise = s.pain.rise
    if rise is not None and rise >= cfg.pain_rise:
        reasons.append(
            f"pain rose {rise} points ({s.pain.before} before, {s.pain.worst_later} later; "
            f"easing off from a rise of {cfg.pain_rise})"
        )
    later = s.pain.worst_later
    if later is not None and later >= cfg.pain_ease_off:
        reasons.append(f"pain reached {later}/10 (easing off from {cfg.pain_ease_off}/10)")
    return reasons


def _pain_checks(s: SessionSummary, cfg: HistorySettings) -> list[_Check]:
    worst = s.pain.worst
    if worst is None:
        return [_Check("no pain score was given", missing=True)]
    if worst > cfg.pain_free_max:
        return [_Check(f"{pain_text(s)} (pain-free means at most {cfg.pain_free_max})", False)]
    return []


def _form_checks(s: SessionSummary, cfg: HistorySettings) -> list[_Check]:
    score = s.form.score
    if score is None:
        return [_Check("no form reading (reps counted by the timer, not the camera)", True)]
    if score < cfg.min_form_score:
        return [
            _Check(
                f"form {_pct(score)} ({s.form.reps_clean} of {s.form.reps_read} reps without "
                f"a fault; clean form needs {_pct(cfg.min_form_score)})",
                missing=False,
            )
        ]
    return []


def _completion_checks(s: SessionSummary, cfg: HistorySettings) -> list[_Check]:
    share = s.completion.share
    if share is None:
        return [_Check("no set with a rep target", missing=True)]
    if share < cfg.min_completion:
        return [
            _Check(
                f"reps {s.completion.done} of {s.completion.target} "
                f"({_pct(share)}; full reps means {_pct(cfg.min_completion)})",
                missing=False,
            )
        ]
    return []


def _checks(s: SessionSummary, cfg: HistorySettings) -> list[_Check]:
    """Every progression criterion this session missed."""
    out = _pain_checks(s, cfg) + _form_checks(s, cfg) + _completion_checks(s, cfg)
    if s.stop_reason:
        out.append(_Check(f"stopped early ({s.stop_reason})", missing=False))
    return out


def _good_text(s: SessionSummary) -> str:
    form, done = s.form, s.completion
    return (
        f"{session_label(s)}: {pain_text(s)}; form {_pct(form.score or 0.0)} "
        f"({form.reps_clean} of {form.reps_read} reps clean); "
        f"reps {done.done} of {done.target}"
    )


def _ease_off(sessions: Sequence[SessionSummary], cfg: HistorySettings) -> Suggestion | None:
    """Ease off or rest when the latest session(s) hurt; None when the latest did not."""
    painful: list[tuple[SessionSummary, list[str]]] = []
    for s in reversed(sessions):
        why = pain_reasons(s, cfg)
        if not why:
            break
        painful.append((s, why))
    if not painful:
        return None
    reasons = [f"{session_label(s)}: {'; '.join(why)}" for s, why in reversed(painful)]
    ids = tuple(s.id for s, _ in reversed(painful))
    if len(painful) >= cfg.pain_sessions_rest:
        reasons.append(f"{len(painful)} painful sessions in a row.")
        headline = "Rest for a few days, and see a physiotherapist or doctor if the pain persists"
        return Suggestion("rest", headline, tuple(reasons), ids)
    band = sessions[-1].band_level
    if band > 0:
        headline = f"Ease off: go back to {band_text(band - 1)}"
    else:
        headline = (
            f"Ease off: do {cfg.rep_step} fewer reps per set, and stop any exercise that hurts"
        )
    reasons.append(CLINICIAN)
    return Suggestion("ease_off", headline, tuple(reasons), ids)


def _at_current_band(sessions: Sequence[SessionSummary]) -> list[SessionSummary]:
    """The latest sessions in a row at the latest session's band level."""
    band = sessions[-1].band_level
    run: list[SessionSummary] = []
    for s in reversed(sessions):
        if s.band_level != band:
            break
        run.append(s)
    return run[::-1]


def _add_load(window: Sequence[SessionSummary], cfg: HistorySettings) -> Suggestion:
    band = window[-1].band_level
    reasons = [_good_text(s) for s in window]
    reasons.append(
        f"{len(window)} sessions in a row at {band_text(band)} were pain-free (at most "
        f"{cfg.pain_free_max}/10), with clean form (at least {_pct(cfg.min_form_score)}) "
        "and full reps."
    )
    ids = tuple(s.id for s in window)
    if band < cfg.max_band_level:
        headline = f"Ready for more: try {band_text(band + 1)}"
        if band == 0:
            headline += " (a light resistance band around both thighs, just above the knees)"
        reasons.append("Go back to the previous level if it hurts or your form slips.")
        return Suggestion("add_band", headline, tuple(reasons), ids)
    reasons.append(f"You are at the highest band level ({cfg.max_band_level}).")
    headline = f"Ready for more: add {cfg.rep_step} reps to each set"
    return Suggestion("more_reps", headline, tuple(reasons), ids)


def suggest(sessions: Sequence[SessionSummary], cfg: HistorySettings) -> Suggestion:
    """The suggestion for the next session (see the module docstring), from the sessions
    in time order."""
    if not sessions:
        return Suggestion("insufficient", "No suggestion yet", ("No sessions yet.",), ())
    easing = _ease_off(sessions, cfg)
    if easing is not None:
        return easing
    needed = cfg.sessions_needed
    run = _at_current_band(sessions)
    band = band_text(sessions[-1].band_level)
    if len(run) < needed:
        have = f"{len(run)} session{'s' if len(run) != 1 else ''} at {band} so far"
        text = f"{have}; {needed} in a row are needed before adding load."
        if len(sessions) < needed:
            return Suggestion("insufficient", "No suggestion yet", (text,), ())
        return Suggestion("hold", f"Keep going at {band}", (text,), tuple(s.id for s in run))
    window = run[-needed:]
    missed = [(s, _checks(s, cfg)) for s in window]
    if not any(checks for _, checks in missed):
        return _add_load(window, cfg)
    reasons = [f"{session_label(s)}: {'; '.join(c.text for c in cs)}" for s, cs in missed if cs]
    ids = tuple(s.id for s in window)
    if all(c.missing for _, cs in missed for c in cs):
        reasons.append("Load is only added after sessions known to be pain-free with clean form.")
        return Suggestion(
            "insufficient", "No suggestion: not enough information", tuple(reasons), ids
        )
    reasons.append(
        f"Load is added after {needed} sessions in a row that are pain-free, with clean form "
        "and full reps."
    )
    return Suggestion("hold", f"Keep going at {band}", tuple(reasons), ids)


def with_painful_side(
    suggestion: Suggestion,
    side: str | None,
    asymmetry: Sequence[SideComparison],
    cfg: HistorySettings,
) -> Suggestion:
    """``suggestion`` with a reason about the side that hurts (latest check), when one leg
    does: load is added only when that side is pain-free, and it says whether that leg is
    also behind (a left-right difference above ``cfg.asymmetry_note_pct``)."""
    if side not in ("left", "right"):
        return suggestion
    behind = [
        a.exercise.replace("_", " ")
        for a in asymmetry
        if any(
            d is not None and abs(d) > cfg.asymmetry_note_pct and (d > 0) == (side == "right")
            for d in (a.reps_diff_pct, a.peak_diff_pct)
        )
    ]
    text = f"Your {side} side hurts (latest check): add load only while it stays pain-free."
    if behind:
        text += f" It is also the weaker leg in: {', '.join(behind)}."
    return replace(suggestion, reasons=(*suggestion.reasons, text))
