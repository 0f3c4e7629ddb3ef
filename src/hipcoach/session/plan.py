"""The guided session as a list of steps, built from the routine data file.

Each side: every exercise in the routine's order with a rest between exercises; a side
switch (with its longer rest) between the two sides. ``side`` is always the WORKING leg
(the upper one), as in the routine file and the analysis.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from hipcoach.exercises.routine import ExerciseSpec, Routine
from hipcoach.types import Side

StepKind = Literal["exercise", "rest", "switch"]


def other_side(side: Side) -> Side:
    """The other leg."""
    return "right" if side == "left" else "left"


def lying_instruction(side: Side) -> str:
    """How to lie so that ``side`` is the working (upper) leg."""
    return f"Lie on your {other_side(side)} side with your {side} leg on top."


@dataclass(frozen=True)
class Step:
    """One step of the session.

    ``side``: the working leg of this exercise, or of the exercises that follow a rest or
    switch. ``duration_s``: planned length of a rest or switch (s); 0 for exercises, which
    last as long as their reps.
    """

    kind: StepKind
    side: Side
    exercise: ExerciseSpec | None = None
    duration_s: float = 0.0

    @property
    def title(self) -> str:
        """Short heading for the display."""
        if self.kind == "exercise" and self.exercise is not None:
            return f"{self.exercise.name} — {self.side} leg"
        if self.kind == "switch":
            return f"Switch sides: {self.side} leg next"
        return "Rest"


def side_order(routine: Routine, start_side: Side | None) -> tuple[Side, Side]:
    """The routine's side order, or ``start_side`` first when given."""
    if start_side is None:
        first, second = routine.side_order
        return first, second
    return start_side, other_side(start_side)


def build_plan(routine: Routine, start_side: Side | None = None) -> list[Step]:
    """All steps of one session, in order."""
    steps: list[Step] = []
    for side_no, side in enumerate(side_order(routine, start_side)):
        if side_no > 0:
            steps.append(Step("switch", side, duration_s=routine.rest_between_sides_s))
        for ex_no, ex in enumerate(routine.exercises):
            if ex_no > 0 and routine.rest_between_exercises_s > 0:
                steps.append(Step("rest", side, duration_s=routine.rest_between_exercises_s))
            steps.append(Step("exercise", side, exercise=ex))
    return steps
