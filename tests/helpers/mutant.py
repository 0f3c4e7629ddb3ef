"""A pytest plugin that breaks one rule on purpose (``tools/mutate_rules.py``).

``HIPCOACH_MUTANT`` names the mutant: ``measure:RULE`` (the rule's measure returns NaN, as
if switched off) or ``threshold:RULE:DELTA`` (the rule's threshold in the bundled routine
moved by DELTA, in its unit). Loaded with ``-p tests.helpers.mutant``; without the variable
it does nothing.
"""

from __future__ import annotations

import os
import re
from typing import Any

import pytest


def _shift_threshold(text: str, rule: str, delta: float) -> str:
    """The routine TOML with ``[[rule]] id = RULE``'s threshold moved by ``delta``."""
    block = re.search(rf'\[\[rule\]\]\s*\nid = "{rule}"\n(.*?)(?=\n\[\[|\Z)', text, re.S)
    assert block is not None, rule
    body = block.group(1)
    match = re.search(r"^threshold = (-?[0-9.]+)", body, re.M)
    assert match is not None, rule
    new = body.replace(match.group(0), f"threshold = {float(match.group(1)) + delta}", 1)
    return text[: block.start(1)] + new + text[block.end(1) :]


def pytest_configure(config: pytest.Config) -> None:
    mutant = os.environ.get("HIPCOACH_MUTANT", "")
    if not mutant:
        return
    kind, rule, *rest = mutant.split(":")
    if kind == "measure":
        from hipcoach.analysis import rules

        rules.MEASURES[rule] = lambda _context: float("nan")
    elif kind == "threshold":
        from hipcoach.exercises import routine

        original = routine.read_data_file
        delta = float(rest[0])

        def mutated(*args: Any, **kwargs: Any) -> tuple[str, str]:
            text, source = original(*args, **kwargs)
            if source.endswith("hip_series.toml"):
                text = _shift_threshold(text, rule, delta)
            return text, source

        routine.read_data_file = mutated  # type: ignore[assignment]
    else:
        raise pytest.UsageError(f"unknown mutant {mutant!r}")
