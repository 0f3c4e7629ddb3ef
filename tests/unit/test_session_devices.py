"""Devices of the session player: fake clock, scripted and terminal keys, voice."""

from __future__ import annotations

import os
import pty
import select
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hipcoach.exercises.questionnaires import load_questionnaires
from hipcoach.session.clock import FakeClock, SystemClock
from hipcoach.session.keys import ENTER, ScriptedKeys
from hipcoach.session.voice import EspeakVoice, SilentVoice, make_voice


def test_fake_clock_moves_only_when_slept() -> None:
    c = FakeClock()
    w0 = c.wall()
    assert c.now() == 0.0
    c.sleep(2.5)
    c.sleep(-1.0)
    assert c.now() == 2.5 and (c.wall() - w0).total_seconds() == 2.5


def test_system_clock_is_monotonic() -> None:
    c = SystemClock()
    a = c.now()
    c.sleep(0.01)
    assert c.now() > a and c.wall().tzinfo is not None


def test_scripted_keys_arrive_at_their_time() -> None:
    c = FakeClock()
    keys = ScriptedKeys(c, [(1.0, "a"), (0.5, "b"), (5.0, "c")])
    assert keys.read(0.2) is None and c.now() == pytest.approx(0.2)
    assert keys.read(1.0) == "b" and c.now() == pytest.approx(0.5)
    assert keys.read(0.1) is None
    assert keys.read(10.0) == "a" and c.now() == pytest.approx(1.0)
    assert keys.read(10.0) == "c" and keys.exhausted


def _fake_speaker(tmp_path: Path) -> Path:
    prog = tmp_path / "espeak-ng"
    log = tmp_path / "said.txt"
    prog.write_text(f'#!/bin/sh\necho "$@" >> {log}\nsleep 5\n')
    prog.chmod(prog.stat().st_mode | stat.S_IEXEC)
    return prog


def test_espeak_voice_does_not_block_and_newer_cue_interrupts(tmp_path: Path) -> None:
    voice = EspeakVoice(str(_fake_speaker(tmp_path)))
    t0 = time.monotonic()
    voice.say("first")
    time.sleep(0.3)
    voice.say("second")
    assert time.monotonic() - t0 < 3.0  # would be > 5 s if say() waited
    first = voice._proc
    time.sleep(0.3)
    voice.close()
    assert first is not None and first.poll() is not None
    said = (tmp_path / "said.txt").read_text().splitlines()
    assert [line.split("-- ")[-1] for line in said] == ["first", "second"]


def test_voice_falls_back_to_silence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    voice, note = make_voice(mute=False)
    assert isinstance(voice, SilentVoice) and note and "espeak-ng" in note
    voice, note = make_voice(mute=True)
    assert isinstance(voice, SilentVoice) and note is None
    _fake_speaker(tmp_path)
    voice, note = make_voice(mute=False)
    assert isinstance(voice, EspeakVoice) and note is None


def test_missing_voice_program_is_not_fatal(tmp_path: Path) -> None:
    voice = EspeakVoice(str(tmp_path / "nope"))
    voice.say("hello")
    voice.say("again")
    assert voice.failed and "continuing silently" in voice.failed


def _read_until(fd: int, needle: bytes, timeout_s: float = 60.0) -> bytes:
    out = b""
    end = time.monotonic() + timeout_s
    while needle not in out and time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                out += os.read(fd, 65536)
            except OSError:
                break
    return out


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pty")
def test_session_in_a_real_terminal_takes_single_keys(tmp_path: Path) -> None:
    """Keys without Enter in a pty (cbreak mode), then the terminal mode is restored."""
    n = len(load_questionnaires()["red_flags"].questions)
    env = {**os.environ, "HIPCOACH_DB": str(tmp_path / "h.sqlite3"), "COLUMNS": "100"}
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.execvpe(sys.executable, [sys.executable, "-m", "hipcoach", "session", "--mute"], env)
    try:
        _read_until(fd, b"[y/n]")
        for _ in range(n):
            os.write(fd, b"n")
            time.sleep(0.05)
        _read_until(fd, b"Pain right now")
        os.write(fd, b"9" + ENTER.encode())
        tail = _read_until(fd, b"Stopped:")
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0
    assert b"9/10" in tail


def test_help_lists_session_keys() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "hipcoach", "session", "--help"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "120"},
    )
    assert out.returncode == 0 and "pause" in out.stdout and "--camera" in out.stdout
