"""Short questionnaires as data (``questionnaires.toml``): strict models, loader, summaries.

Two questionnaires ship with hipcoach and must be present in any questionnaire file:

- ``check``: the other signs of a weak gluteus medius (tight low back, tight side of the
  waist, tight outer hip, deep buttock pain / pain when sitting / tingling down the leg),
  asked by ``hipcoach check``;
- ``red_flags``: the safety screen the guided session asks before exercising; any "yes"
  means: see a clinician before exercising.

Answers are plain JSON values, keyed by question id: ``True``/``False`` for a ``yes_no``
question, an integer ``0..3`` for a ``scale`` question. :func:`summarise` turns answers into
plain-language findings; it is a pure function, and nothing here is a diagnosis.

Loading is strict like the routine file: errors name the file, the line and the key, e.g.
``questionnaires.toml line 40: questionnaire[0].question[2].flag_from: ...``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Final, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)

from hipcoach.exercises.toml_errors import LocatedValueError, parse_model, read_data_file

QuestionKind = Literal["yes_no", "scale", "side"]
#: A stored answer: yes/no as a bool, a scale answer as an int 0..:data:`SCALE_MAX`, a side
#: answer as one of :data:`SIDE_ANSWERS`.
Answer = bool | int | str
#: The answers of a ``side`` question ("which side hurts?").
SIDE_ANSWERS: Final[tuple[str, ...]] = ("left", "right", "both", "neither")
BUNDLED_NAME: Final = "questionnaires.toml"
#: Questionnaires the program asks, so every questionnaire file must define them.
REQUIRED_IDS: Final[tuple[str, ...]] = ("check", "red_flags")
#: Scale answers run from 0 (not at all) to this (a lot); one label per step.
SCALE_MAX: Final = 3

_FIX: Final = "correct that line (the bundled questionnaires.toml documents every key)"
_ID: Final = re.compile(r"[a-z][a-z0-9_]*")


def _as_tuple(value: Any) -> Any:
    """TOML arrays arrive as lists; the frozen models store tuples."""
    return tuple(value) if isinstance(value, list) else value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def _identifier(value: str) -> str:
    if _ID.fullmatch(value) is None:
        raise ValueError(f"must be lower-case letters, digits and '_', not {value!r}")
    return value


Text = Annotated[str, AfterValidator(_not_blank)]
Identifier = Annotated[str, AfterValidator(_identifier)]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Question(_Strict):
    """One question: ``yes_no`` (stands out on "yes"), ``scale`` 0..3 with four labels
    (stands out from ``flag_from`` up), or ``side`` (left, right, both or neither: which
    side hurts; never stands out, it marks that side in the history)."""

    id: Identifier
    text: Text
    kind: QuestionKind
    labels: Annotated[tuple[Text, ...], BeforeValidator(_as_tuple)] | None = None
    flag_from: int | None = Field(None, ge=1, le=SCALE_MAX)
    finding: Text

    @model_validator(mode="after")
    def _fits_kind(self) -> Self:
        """The keys fit the kind (scale: labels + flag_from; yes_no and side: neither)."""
        if self.kind == "scale":
            if self.labels is None:
                raise LocatedValueError(("labels",), "required for a scale question")
            if len(self.labels) != SCALE_MAX + 1:
                raise LocatedValueError(
                    ("labels",), f"needs {SCALE_MAX + 1} labels (for 0..{SCALE_MAX})"
                )
            if self.flag_from is None:
                raise LocatedValueError(("flag_from",), "required for a scale question")
            return self
        for key in ("labels", "flag_from"):
            if getattr(self, key) is not None:
                raise LocatedValueError((key,), "only a scale question has this key")
        return self

    def check_answer(self, value: object) -> Answer:
        """``value`` as this question's answer; ValueError if it is not one."""
        if self.kind == "side":
            if not isinstance(value, str) or value not in SIDE_ANSWERS:
                raise ValueError(
                    f"question {self.id!r} needs one of {', '.join(SIDE_ANSWERS)}, got {value!r}"
                )
            return value
        if self.kind == "yes_no":
            if not isinstance(value, bool):
                raise ValueError(f"question {self.id!r} needs yes/no (true/false), got {value!r}")
            return value
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= SCALE_MAX:
            raise ValueError(f"question {self.id!r} needs an integer 0..{SCALE_MAX}, got {value!r}")
        return value

    def stands_out(self, value: object) -> bool:
        """True when the answer is "yes", or a scale answer at or above ``flag_from``."""
        answer = self.check_answer(value)
        if self.kind == "side":
            return False
        if self.kind == "yes_no":
            return bool(answer)
        return int(answer) >= (self.flag_from or SCALE_MAX)

    def answer_text(self, value: object) -> str:
        """The answer in words: "yes"/"no", "2 (quite a bit)" for a scale answer, the side."""
        answer = self.check_answer(value)
        if isinstance(answer, str):
            return answer
        if self.kind == "yes_no":
            return "yes" if answer else "no"
        labels = self.labels or ()
        return f"{int(answer)} ({labels[int(answer)]})"


def _unique_ids(ids: Sequence[str], table: str) -> None:
    """Raise :class:`LocatedValueError` at the second use of an id in ``table``."""
    first: dict[str, int] = {}
    for i, item in enumerate(ids):
        if item in first:
            raise LocatedValueError(
                (table, i, "id"), f"duplicate id {item!r} (already {table}[{first[item]}])"
            )
        first[item] = i


class Questionnaire(_Strict):
    """A short questionnaire: texts around the questions, and the questions in order."""

    id: Identifier
    title: Text
    intro: Text
    advice: Text
    all_clear: Text
    questions: Annotated[tuple[Question, ...], BeforeValidator(_as_tuple)] = Field(
        alias="question", min_length=1
    )

    @model_validator(mode="after")
    def _unique(self) -> Self:
        """Question ids are unique within the questionnaire."""
        _unique_ids([q.id for q in self.questions], "question")
        return self

    def question(self, question_id: str) -> Question:
        """The question with this id; KeyError if there is none."""
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)


class QuestionnaireFile(_Strict):
    """The whole questionnaire file."""

    version: Text
    questionnaires: Annotated[tuple[Questionnaire, ...], BeforeValidator(_as_tuple)] = Field(
        alias="questionnaire"
    )

    @model_validator(mode="after")
    def _complete(self) -> Self:
        """Ids unique, and the questionnaires hipcoach asks are all present."""
        _unique_ids([q.id for q in self.questionnaires], "questionnaire")
        have = {q.id for q in self.questionnaires}
        missing = [q for q in REQUIRED_IDS if q not in have]
        if missing:
            raise LocatedValueError(
                ("questionnaire",), f"missing questionnaire {', '.join(map(repr, missing))}"
            )
        return self

    def by_id(self) -> dict[str, Questionnaire]:
        """Questionnaires keyed by id, in file order."""
        return {q.id: q for q in self.questionnaires}


def flagged(questionnaire: Questionnaire, answers: Mapping[str, object]) -> list[Question]:
    """The questions whose answer stands out (unanswered questions never do).

    Raises ValueError when an answer has the wrong type for its question.
    """
    return [q for q in questionnaire.questions if q.id in answers and q.stands_out(answers[q.id])]


def summarise(questionnaire: Questionnaire, answers: Mapping[str, object]) -> list[str]:
    """Plain-language findings of one filled-in questionnaire (a pure function).

    One line per answer that stands out (the question's ``finding``), then the
    questionnaire's ``advice``; with nothing standing out, its ``all_clear`` (or, when some
    questions were left unanswered, a line saying so instead). Answers to unknown
    question ids are ignored (the file may have changed since they were stored).

    Raises ValueError when an answer has the wrong type for its question.
    """
    found = [q.finding for q in flagged(questionnaire, answers)]
    missing = [q for q in questionnaire.questions if q.id not in answers]
    lines = list(found)
    if found:
        lines.append(questionnaire.advice)
    elif missing:
        lines.append("Nothing stood out in the answers given.")
    else:
        lines.append(questionnaire.all_clear)
    if missing:
        n = len(missing)
        lines.append(
            f"{n} of {len(questionnaire.questions)} question{'s' if n > 1 else ''} "
            f"not answered: {', '.join(q.id for q in missing)}."
        )
    return lines


# --------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------


def parse_questionnaires(text: str, source: str = BUNDLED_NAME) -> dict[str, Questionnaire]:
    """Parse and validate questionnaire TOML text; ``source`` names it in error messages.

    Raises:
        ConfigError: on a TOML syntax error or any validation failure (file, line, key).
    """
    return parse_model(text, source, QuestionnaireFile, _FIX).by_id()


def load_questionnaires(path: Path | None = None) -> dict[str, Questionnaire]:
    """Load a questionnaire file (``None``: the bundled ``questionnaires.toml``), keyed by id.

    Raises:
        ConfigError: the file cannot be read, is not valid TOML, or fails validation; the
            message names the file, the line and the key.
    """
    text, source = read_data_file(path, BUNDLED_NAME, "questionnaire")
    return parse_questionnaires(text, source)
