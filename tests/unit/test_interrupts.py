"""The Ctrl-C policy of the command line (issue 13): first press stops, later ones wait."""

from __future__ import annotations

import pytest

from hipcoach.cli import entry
from hipcoach.cli.check_cmd import ask_all
from hipcoach.errors import InputError, Interrupted
from hipcoach.exercises.questionnaires import load_questionnaires


def test_first_press_raises_later_presses_are_held(monkeypatch: pytest.MonkeyPatch) -> None:
    written: list[bytes] = []
    exits: list[int] = []
    monkeypatch.setattr(entry.os, "write", lambda fd, data: written.append(data) or len(data))
    monkeypatch.setattr(entry.os, "_exit", exits.append)
    handler = entry.CtrlC()
    with pytest.raises(KeyboardInterrupt):
        handler(2, None)
    handler(2, None)  # held: one note, no exception
    handler(2, None)
    assert written == [entry.HOLDING_LINE] and exits == []
    handler(2, None)  # the fourth press quits without saving
    assert written[-1] == entry.QUIT_LINE and exits == [130]


def _questionnaire():  # type: ignore[no-untyped-def]
    return next(iter(load_questionnaires().values()))


def test_ctrl_c_in_the_check_is_an_interruption() -> None:
    def ask(_q: object) -> object:
        raise KeyboardInterrupt

    with pytest.raises(Interrupted, match="nothing was saved") as info:
        ask_all(_questionnaire(), ask)  # type: ignore[arg-type]
    assert info.value.exit_code == 130


def test_end_of_input_in_the_check_is_unusable_input() -> None:
    def ask(_q: object) -> object:
        raise EOFError

    with pytest.raises(InputError) as info:
        ask_all(_questionnaire(), ask)  # type: ignore[arg-type]
    assert info.value.exit_code == 2


def test_shielded_holds_ctrl_c_until_the_native_call_returns() -> None:
    import os
    import signal

    from hipcoach.interrupts import shielded

    finished = False
    # Python's own Ctrl-C handler, whatever an earlier test in this process left installed
    saved = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt), shielded():
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(1000):  # bytecode runs: a pending press would be raised here
                pass
            finished = True
        assert finished
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, saved)


def test_shielded_delivers_the_press_to_the_installed_policy() -> None:
    import os
    import signal

    from hipcoach.interrupts import shielded

    calls: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda s, f: calls.append(s))
    try:
        with shielded():
            os.kill(os.getpid(), signal.SIGINT)
            assert calls == []
        assert calls == [signal.SIGINT]
    finally:
        signal.signal(signal.SIGINT, previous)
