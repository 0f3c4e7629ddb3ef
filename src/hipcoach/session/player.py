"""The guided hip-series session: plan → count-in → paced/counted sets → rests → both sides.

The player owns no hardware: time comes from a :class:`Clock`, keys from a
:class:`KeySource`, speech goes to a :class:`Voice`, the screen is a :class:`Display`, reps
come from a :class:`RepSource` (camera or pacing timer). Tests drive it with a fake clock
and scripted keys, without waiting.

Keys: space = pause/resume, p = pain check-in, s = skip the exercise (or rest),
n = finish the set now (or end the rest), q = end the session.

Safety: pain is asked before (a high score does not start the session), on "p" and after;
the session stops (and says why) when pain reaches the stop level or rises by the set
amount. Every finished, skipped or stopped set is saved the moment it ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

from hipcoach.analysis.result import SetResult
from hipcoach.config import DEFAULTS, SessionSettings
from hipcoach.exercises.routine import Routine, SignalKind
from hipcoach.session.clock import Clock
from hipcoach.session.display import Display, PlayerView
from hipcoach.session.keys import KeySource
from hipcoach.session.plan import Step, lying_instruction
from hipcoach.session.progress import RepSource, SetProgress
from hipcoach.session.prompts import (
    PAIN_QUESTION,
    PAINFUL_SIDE_KEYS,
    PAINFUL_SIDE_KIND,
    PAINFUL_SIDE_QUESTION,
    Asker,
)
from hipcoach.session.safety import judge_pain, may_start
from hipcoach.session.voice import Voice
from hipcoach.storage import History
from hipcoach.types import Side

SetStatus = Literal["done", "skipped", "stopped"]
PAUSE, PAIN, SKIP, NEXT, QUIT = " ", "p", "s", "n", "q"
PAUSED_TEXT = "Paused — press space to go on. Rest as long as you need."
#: The two halves of a paced rep, in words, per counting signal of the exercise.
BEAT_WORDS: dict[SignalKind, tuple[str, str]] = {
    "abduction": ("lift", "lower"),
    "flexion_extension": ("knee in", "kick back"),
    "circle": ("circle", "circle"),
}
NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


@runtime_checkable
class Pausable(Protocol):
    """A rep source whose counting stops while the session is paused (the timer)."""

    def pause(self, t_s: float) -> None: ...

    def resume(self, t_s: float) -> None: ...


@dataclass
class SessionOutcome:
    """What happened. ``stop_reason`` is None when the whole routine was done."""

    session_id: int
    sets: list[tuple[SetResult, SetStatus]] = field(default_factory=list)
    pain: list[tuple[str, int]] = field(default_factory=list)
    stop_reason: str | None = None


class _Stop(Exception):
    """Ends the session early (pain, quit); carries the reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class _SetState:
    """Book-keeping of the running set (times in s on the session clock)."""

    progress: SetProgress = field(default_factory=lambda: SetProgress(reps=0))
    last_rep_s: float = 0.0
    said_cue: str | None = None
    status: SetStatus | None = None


class Player:
    """Runs one guided session; see the module docstring."""

    def __init__(
        self,
        routine: Routine,
        plan: list[Step],
        source: RepSource,
        *,
        clock: Clock,
        keys: KeySource,
        voice: Voice,
        display: Display,
        history: History,
        band_level: int = 0,
        settings: SessionSettings = DEFAULTS.session,
    ) -> None:
        self.routine, self.plan, self.source = routine, plan, source
        self.clock, self.keys, self.voice, self.display = clock, keys, voice, display
        self.history, self.band_level, self.settings = history, band_level, settings
        self.ask = Asker(keys, display, settings.tick_s)
        self._t0 = clock.now()
        self._view = PlayerView(phase="intro", title=routine.name, steps_total=len(plan))
        self._pain_before: int | None = None
        self._lying_told: Side | None = None
        self._started = False
        self.outcome: SessionOutcome | None = None

    # ----------------------------------------------------------------------------- helpers
    def t(self) -> float:
        """Seconds since the session started."""
        return self.clock.now() - self._t0

    def _say(self, text: str) -> None:
        self.voice.say(text)

    def _show(self, **changes: object) -> None:
        self._view = self._view.with_(**changes)
        self.display.show(self._view)

    def _record_pain(self, moment: Literal["before", "during", "after"], score: int) -> None:
        assert self.outcome is not None
        self.history.add_pain(self.outcome.session_id, self.clock.wall(), score, moment)
        self.outcome.pain.append((moment, score))

    def _ask_pain(self, moment: Literal["before", "during", "after"]) -> int:
        self._say("How much pain do you have, from zero to ten?")
        score = self.ask.number(self._view, PAIN_QUESTION)
        self._record_pain(moment, score)
        return score

    def _ask_painful_side(self) -> None:
        """Which side hurts (stored like the check's answer; history and reports mark it)."""
        assert self.outcome is not None
        self._say("Which side hurts?")
        side = self.ask.choice(self._view, PAINFUL_SIDE_QUESTION, PAINFUL_SIDE_KEYS)
        self.history.add_answers(
            PAINFUL_SIDE_KIND, self.clock.wall(), {"painful_side": side}, self.outcome.session_id
        )

    # --------------------------------------------------------------------------- session
    def run(self, source_name: str = "guided") -> SessionOutcome:
        """Run the whole session; every set is saved as it ends. Returns the outcome."""
        sid = self.history.start_session(self.clock.wall(), source_name, self.band_level)
        self.outcome = SessionOutcome(session_id=sid)
        self._t0 = self.clock.now()
        self._show(phase="intro", message=self.routine.safety.stop_on_pain)
        try:
            self._before()
            for no, step in enumerate(self.plan, start=1):
                self._view = PlayerView(
                    phase="rest", title=step.title, step_no=no, steps_total=len(self.plan)
                )
                self._run_step(step)
        except _Stop as stop:
            self.outcome.stop_reason = stop.reason
            self._say(f"Stopping. {stop.reason}")
            self._show(phase="done", message=f"Session stopped: {stop.reason}", cue=None)
        self._after()
        return self.outcome

    def _before(self) -> None:
        score = self._ask_pain("before")
        self._pain_before = score
        verdict = may_start(score, self.settings)
        if verdict.stop:
            raise _Stop(verdict.reason)
        if score > 0:
            self._ask_painful_side()
        self._started = True

    def _after(self) -> None:
        assert self.outcome is not None
        done = self.outcome.stop_reason is None
        self._show(phase="done", title="Session finished" if done else "Session stopped")
        if done:
            self._say("Well done. That is the whole series.")
        if self._started:
            self._ask_pain("after")
        self.history.finish_session(
            self.outcome.session_id, self.clock.wall(), self.outcome.stop_reason
        )

    def _run_step(self, step: Step) -> None:
        if step.kind == "exercise":
            self._exercise(step)
        else:
            self._rest(step)

    # ------------------------------------------------------------------------------ keys
    def _common_key(self, key: str) -> bool:
        """Handle keys valid in every phase; True if handled."""
        if key == PAIN:
            self._pain_check()
            return True
        if key == QUIT:
            raise _Stop("ended by you.")
        if key == PAUSE:
            self._pause()
            return True
        return False

    def _pause(self) -> None:
        """Wait (paused) until space is pressed again; pain and quit still work."""
        if isinstance(self.source, Pausable):
            self.source.pause(self.t())
        previous = self._view
        self._say("Paused.")
        self._show(
            phase="paused", message="Paused — press space to go on. Rest as long as you need."
        )
        while True:
            key = self.ask.key()
            if key == PAUSE:
                break
            if key in (PAIN, QUIT):
                self._common_key(key)
            self.display.show(self._view)
        self._view = previous.with_(message=None)
        if isinstance(self.source, Pausable):
            self.source.resume(self.t())
        self._say("Go on.")

    def _pain_check(self) -> None:
        if isinstance(self.source, Pausable):
            self.source.pause(self.t())
        previous = self._view
        self._view = self._view.with_(phase="pain")
        score = self._ask_pain("during")
        verdict = judge_pain(score, self._pain_before, self.settings)
        if verdict.stop:
            raise _Stop(verdict.reason)
        self._say(verdict.reason)
        self._view = previous.with_(message=verdict.reason)
        if isinstance(self.source, Pausable):
            self.source.resume(self.t())

    # ------------------------------------------------------------------------------ rest
    def _rest(self, step: Step) -> None:
        """A rest or side switch: counts down ``duration_s``; n/s end it early."""
        if step.kind == "switch":
            text = f"Switch sides. {lying_instruction(step.side)}"
        else:
            text = "Rest. Breathe; take longer if you need it (space pauses)."
        self._say(text)
        self._show(phase="switch" if step.kind == "switch" else "rest", instruction=text)
        end = self.clock.now() + step.duration_s
        while (left := end - self.clock.now()) > 1e-9:
            self._show(remaining_s=left)
            key = self.keys.read(min(self.settings.tick_s, left))
            if key in (SKIP, NEXT):
                return
            if key is not None:
                paused_at = self.clock.now()
                if self._common_key(key):
                    end += self.clock.now() - paused_at

    # -------------------------------------------------------------------------- exercise
    def _exercise(self, step: Step) -> None:
        ex = step.exercise
        assert ex is not None
        # How to lie is said once per side (the first exercise, and at the side switch); the
        # exercise's own set-up and movement cues follow it.
        lying = lying_instruction(step.side) + " " if self._lying_told != step.side else ""
        self._lying_told = step.side
        instruction = f"{lying}{ex.cues.setup} {ex.cues.movement}"
        self._show(
            phase="count_in",
            instruction=instruction,
            reps=0,
            target=ex.target_reps,
            cue=None,
            beat_words=BEAT_WORDS[ex.signal],
        )
        self._say(f"{ex.name}, {step.side} leg, {ex.target_reps} reps. {ex.cues.movement}")
        if not self._count_in():
            self._save(step, None, "skipped")
            return
        self.source.begin(step.side, ex, self.routine, self.t())
        state = _SetState(last_rep_s=self.t())
        self._show(phase="exercise", remaining_s=None)
        while state.status is None:
            self._set_tick(step, state)
        result = self.source.end(self.t())
        self._save(step, result, state.status)

    def _count_in(self) -> bool:
        """3-2-1-go (spoken each second); False if the exercise was skipped meanwhile."""
        end = self.clock.now() + self.settings.count_in_s
        said: int | None = None
        while (left := end - self.clock.now()) > 1e-9:
            whole = int(left) + 1 if left > int(left) else int(left)
            if whole != said:
                self._say(NUMBER_WORDS[whole] if whole < len(NUMBER_WORDS) else str(whole))
                said = whole
            self._show(remaining_s=left)
            key = self.keys.read(min(self.settings.tick_s, left))
            if key == SKIP:
                return False
            if key is not None:
                paused_at = self.clock.now()
                if self._common_key(key):
                    end += self.clock.now() - paused_at
        self._say("Go.")
        return True

    def _set_tick(self, step: Step, state: _SetState) -> None:
        """One display/key cycle of a running set; sets ``state.status`` when it ends."""
        ex = step.exercise
        assert ex is not None
        try:
            key = self.keys.read(self.settings.tick_s)
            if key == SKIP:
                state.status = "skipped"
                return
            if key == NEXT:
                state.status = "done"
                return
            if key is not None:
                self._common_key(key)
        except _Stop:
            state.status = "stopped"
            self._save(step, self.source.end(self.t()), "stopped")
            raise
        self._update_progress(state, self.source.poll(self.t()))
        if state.progress.reps >= ex.target_reps:
            state.status = "done"
        elif self.source.counted_by == "camera" and (
            self.t() - state.last_rep_s >= self.settings.idle_end_s
        ):
            state.status = "done"
            self._say("No movement for a while; moving on.")

    def _update_progress(self, state: _SetState, progress: SetProgress) -> None:
        if progress.reps > state.progress.reps:
            state.last_rep_s = self.t()
            n = progress.reps
            self._say(NUMBER_WORDS[n] if n < len(NUMBER_WORDS) else str(n))
        if progress.cue and progress.cue != state.said_cue:
            self._say(progress.cue)
        state.said_cue = progress.cue or state.said_cue
        state.progress = progress
        beat = getattr(self.source, "beat", None)
        self._show(
            reps=progress.reps,
            cue=progress.cue,
            problem=progress.problem,
            beat=beat(self.t()) if callable(beat) else None,
        )

    def _save(self, step: Step, result: SetResult | None, status: SetStatus) -> None:
        """Store the set the moment it ends (a skipped set before it began has 0 reps)."""
        assert self.outcome is not None and step.exercise is not None
        if result is None:
            ex = step.exercise
            now = self.t()
            direction = ex.direction if ex.signal == "circle" else None
            result = SetResult(
                step.side, ex.id, 0, now, now, target_reps=ex.target_reps, direction=direction
            )
        if result.reps == 0 and status == "stopped":
            return
        self.history.add_set(
            self.outcome.session_id, result, status=status, counted_by=self.source.counted_by
        )
        self.outcome.sets.append((result, status))
        if status == "done":
            self._say(f"Set done: {result.reps} reps.")
