"""Asking the user something through the session's keys and display.

Numbers are typed digit by digit and confirmed with Enter (so "10" works); yes/no questions
take a single "y" or "n". Nothing here waits on the real clock: the key source does.
"""

from __future__ import annotations

from dataclasses import dataclass

from hipcoach.errors import InputError
from hipcoach.session.display import Display, PlayerView
from hipcoach.session.keys import BACKSPACE, ENTER, KeySource, ScriptedKeys

PAIN_QUESTION = "Pain right now, 0 (none) to 10 (worst)? Type a number, then Enter:"
#: Asked after a pain score above 0 before the session; the answer is stored under
#: :data:`PAINFUL_SIDE_KIND` as the check's "painful_side" answer is.
PAINFUL_SIDE_QUESTION = "Which side hurts?"
PAINFUL_SIDE_KEYS = {"l": "left", "r": "right", "b": "both"}
PAINFUL_SIDE_KIND = "painful_side"


@dataclass
class Asker:
    """Asks questions on ``display`` and reads the answers from ``keys``.

    ``tick_s``: how long one key read may wait (s) before the display is refreshed.
    """

    keys: KeySource
    display: Display
    tick_s: float

    def key(self) -> str | None:
        """One key (None after ``tick_s`` without one); the end of input stops (exit 2)."""
        key = self.keys.read(self.tick_s)
        if key == ScriptedKeys.END_OF_SCRIPT:
            raise InputError(
                "the keyboard input ended (standard input is closed); the session was stopped",
                fix="run `hipcoach session` in a terminal, or pipe in every answer it asks for",
            )
        return key

    def number(self, view: PlayerView, prompt: str, lo: int = 0, hi: int = 10) -> int:
        """A whole number in ``lo..hi`` typed by the user."""
        typed = ""
        message = view.message
        while True:
            self.display.show(view.with_(prompt=prompt, typed=typed, message=message))
            key = self.key()
            if key is None:
                continue
            if key.isdigit() and len(typed) < len(str(hi)):
                typed += key
            elif key == BACKSPACE:
                typed = typed[:-1]
            elif key == ENTER and typed:
                value = int(typed)
                if lo <= value <= hi:
                    return value
                message, typed = f"please give a number from {lo} to {hi}", ""

    def yes_no(self, view: PlayerView, prompt: str) -> bool:
        """True for "y", False for "n" (other keys are ignored)."""
        while True:
            self.display.show(view.with_(prompt=f"{prompt} [y/n]", typed=""))
            key = self.key()
            if key is not None and key.lower() in ("y", "n"):
                return key.lower() == "y"

    def choice(self, view: PlayerView, prompt: str, options: dict[str, str]) -> str:
        """The value of the option whose key (one letter) is pressed; ``prompt`` is shown
        with the keys, e.g. "[l = left / r = right / b = both]"."""
        keys = " / ".join(f"{k} = {v}" for k, v in options.items())
        while True:
            self.display.show(view.with_(prompt=f"{prompt} [{keys}]", typed=""))
            key = self.key()
            if key is not None and key.lower() in options:
                return options[key.lower()]

    def wait_enter(self, view: PlayerView, prompt: str = "Press Enter to start.") -> None:
        """Wait until Enter is pressed."""
        while True:
            self.display.show(view.with_(prompt=prompt, typed=""))
            if self.key() == ENTER:
                return
