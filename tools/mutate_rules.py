"""Mutation check of the rule layer (issue 14): every measurable form rule, switched off or
with its threshold moved, must make a test fail.

    python tools/mutate_rules.py            # ~30 s; exit 1 if a mutant survives

Each mutant runs the rule tests (``tests/unit/test_rules_pinned.py``) with the plugin
``tests.helpers.mutant``; the unmutated run must pass first.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = ["tests/unit/test_rules_pinned.py"]
RULES = (
    "pelvis_roll", "toes_up", "trunk_leg_alignment", "knee_bent", "range_of_motion", "tempo",
    "circle_size", "incomplete_extension",
)  # fmt: skip
#: Threshold moves (in each rule's unit) that a test must notice: past the tests' margin.
SHIFTS = {"tempo": 0.2}
DEFAULT_SHIFT = 3.0


def mutants() -> list[str]:
    """Every mutant: each measure off, each threshold moved up and down."""
    out = [f"measure:{r}" for r in RULES]
    for r in RULES:
        d = SHIFTS.get(r, DEFAULT_SHIFT)
        out += [f"threshold:{r}:{d}", f"threshold:{r}:{-d}"]
    return out


def run(mutant: str) -> int:
    """The rule tests' exit code under ``mutant`` ("" = none)."""
    env = {**os.environ, "HIPCOACH_MUTANT": mutant}
    cmd = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
           "-p", "tests.helpers.mutant", *TESTS]  # fmt: skip
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, check=False).returncode


def main() -> int:
    """Run the check; print each mutant's fate."""
    if run("") != 0:
        print("the rule tests fail without a mutant: fix them first")
        return 1
    survived = []
    for m in mutants():
        killed = run(m) != 0
        print(f"{'killed  ' if killed else 'SURVIVED'} {m}", flush=True)
        if not killed:
            survived.append(m)
    print(f"{len(mutants()) - len(survived)} of {len(mutants())} mutants killed")
    return 1 if survived else 0


if __name__ == "__main__":
    raise SystemExit(main())
