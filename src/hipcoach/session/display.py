"""What the session shows: a plain snapshot (:class:`PlayerView`) and its Rich rendering.

The player only builds snapshots; a :class:`Display` shows them. Tests use
:class:`RecordingDisplay`; the terminal uses :class:`RichDisplay` (a Rich ``Live`` panel).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from types import TracebackType
from typing import Literal, Protocol, Self

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

Phase = Literal[
    "intro", "question", "count_in", "exercise", "rest", "switch", "paused", "pain", "done"
]

KEY_HELP = "space pause/resume · p pain · s skip · n next · q quit"


@dataclass(frozen=True)
class PlayerView:
    """One snapshot of the session for the screen. Times in seconds."""

    phase: Phase
    title: str
    instruction: str = ""
    reps: int = 0
    target: int = 0
    remaining_s: float | None = None
    beat: float | None = None
    #: What the two halves of a paced rep are called for this exercise.
    beat_words: tuple[str, str] = ("lift", "lower")
    cue: str | None = None
    problem: str | None = None
    message: str | None = None
    prompt: str | None = None
    typed: str = ""
    step_no: int = 0
    steps_total: int = 0
    footer: str = ""

    def with_(self, **changes: object) -> PlayerView:
        """A copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]


class Display(Protocol):
    """Shows snapshots."""

    def show(self, view: PlayerView) -> None:
        """Show this snapshot (replacing the previous one)."""
        ...


class RecordingDisplay:
    """Keeps every snapshot (tests)."""

    def __init__(self) -> None:
        self.views: list[PlayerView] = []

    def show(self, view: PlayerView) -> None:
        if not self.views or self.views[-1] != view:
            self.views.append(view)

    def phases(self) -> list[str]:
        """The phases shown, consecutive repeats collapsed."""
        out: list[str] = []
        for v in self.views:
            if not out or out[-1] != v.phase:
                out.append(v.phase)
        return out


def _beat_text(beat: float, words: tuple[str, str]) -> Text:
    """The first word (e.g. "lift") for the first half of a paced rep, the second for the
    second half."""
    word = f"▲ {words[0]}" if beat < 0.5 else f"▼ {words[1]}"
    return Text(word, style="bold cyan" if beat < 0.5 else "bold magenta")


def render(view: PlayerView) -> RenderableType:
    """The Rich renderable of one snapshot."""
    parts: list[RenderableType] = []
    if view.instruction:
        parts.append(Text(view.instruction))
    if view.phase in ("exercise", "count_in", "paused") and view.target:
        table = Table.grid(padding=(0, 2))
        table.add_row(
            Text(f"{view.reps} / {view.target} reps", style="bold green"),
            ProgressBar(total=view.target, completed=min(view.reps, view.target), width=30),
            _beat_text(view.beat, view.beat_words) if view.beat is not None else Text(""),
        )
        parts.append(table)
    if view.remaining_s is not None:
        parts.append(Text(f"{max(0.0, view.remaining_s):4.0f} s", style="bold"))
    if view.cue:
        parts.append(Text(f"cue: {view.cue}", style="yellow"))
    if view.problem:
        parts.append(Text(view.problem, style="red"))
    if view.message:
        parts.append(Text(view.message, style="bold"))
    if view.prompt is not None:
        parts.append(Text(f"{view.prompt} {view.typed}▏", style="bold reverse"))
    if view.footer:
        parts.append(Text(view.footer, style="dim"))
    step = f" (step {view.step_no}/{view.steps_total})" if view.steps_total else ""
    # The keys only work once the session runs: not while a question waits for its answer.
    keys = None if view.prompt or view.phase in ("intro", "question") else KEY_HELP
    return Panel(Group(*parts), title=f"[bold]{view.title}[/]{step}", subtitle=keys)


class RichDisplay:
    """A Rich ``Live`` panel on the terminal; use as a context manager."""

    def __init__(self, console: Console, refresh_per_second: float = 10.0) -> None:
        self._live = Live(console=console, refresh_per_second=refresh_per_second, transient=False)
        self._last: PlayerView | None = None

    def __enter__(self) -> Self:
        self._live.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._live.__exit__(exc_type, exc, tb)

    def show(self, view: PlayerView) -> None:
        if view != self._last:
            self._live.update(render(view), refresh=True)
            self._last = view
