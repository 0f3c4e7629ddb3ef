"""questionnaires.toml: the bundled file, strict loading with line + field, summaries."""

from __future__ import annotations

from pathlib import Path

import pytest

from hipcoach.errors import ConfigError
from hipcoach.exercises.questionnaires import (
    REQUIRED_IDS,
    SIDE_ANSWERS,
    flagged,
    load_questionnaires,
    parse_questionnaires,
    summarise,
)

MINIMAL = """\
version = "1.0"

[[questionnaire]]
id = "check"
title = "Check"
intro = "Intro."
advice = "See someone."
all_clear = "All clear."

[[questionnaire.question]]
id = "back"
text = "Tight back?"
kind = "scale"
labels = ["no", "a bit", "yes", "very"]
flag_from = 2
finding = "Tight back."

[[questionnaire.question]]
id = "tingling"
text = "Tingling?"
kind = "yes_no"
finding = "Tingling."

[[questionnaire]]
id = "red_flags"
title = "Safety"
intro = "Intro."
advice = "See a doctor first."
all_clear = "Fine."

[[questionnaire.question]]
id = "numb"
text = "Numb?"
kind = "yes_no"
finding = "Numbness."
"""


def test_bundled_file_has_both_questionnaires() -> None:
    qs = load_questionnaires()
    assert set(REQUIRED_IDS) <= set(qs)
    check = qs["check"]
    ids = [q.id for q in check.questions]
    assert ids == [
        "low_back_tight",
        "side_waist_tight",
        "outer_hip_tight",
        "deep_buttock_pain",
        "painful_side",
        "sitting_pain",
        "leg_tingling",
    ]
    assert all(q.labels and len(q.labels) == 4 for q in check.questions if q.kind == "scale")
    red = qs["red_flags"]
    assert len(red.questions) == 6 and all(q.kind == "yes_no" for q in red.questions)
    assert "before exercising" in " ".join(q.finding for q in red.questions)
    assert "doctor" in red.advice


def test_summarise_check() -> None:
    check = parse_questionnaires(MINIMAL)["check"]
    assert summarise(check, {"back": 1, "tingling": False}) == ["All clear."]
    assert summarise(check, {"back": 2, "tingling": False}) == ["Tight back.", "See someone."]
    assert summarise(check, {"back": 3, "tingling": True}) == [
        "Tight back.",
        "Tingling.",
        "See someone.",
    ]
    assert [q.id for q in flagged(check, {"back": 3, "tingling": True})] == ["back", "tingling"]


def test_summarise_with_unanswered_questions_never_gives_all_clear() -> None:
    check = parse_questionnaires(MINIMAL)["check"]
    lines = summarise(check, {"back": 0, "old_question": True})  # unknown ids are ignored
    assert "All clear." not in lines
    assert lines[-1] == "1 of 2 question not answered: tingling."


def test_any_red_flag_advises_a_clinician() -> None:
    red = load_questionnaires()["red_flags"]
    none = {q.id: False for q in red.questions}
    assert summarise(red, none) == [red.all_clear]
    for q in red.questions:
        lines = summarise(red, {**none, q.id: True})
        assert lines == [q.finding, red.advice]


@pytest.mark.parametrize(
    ("value", "ok"),
    [(True, False), (2, True), (4, False), (-1, False), ("2", False), (2.0, False)],
)
def test_scale_answers_are_integers_0_to_3(value: object, ok: bool) -> None:
    back = parse_questionnaires(MINIMAL)["check"].question("back")
    if ok:
        assert back.check_answer(value) == value
        assert back.answer_text(value) == "2 (yes)"
    else:
        with pytest.raises(ValueError, match=r"integer 0\.\.3"):
            back.check_answer(value)


def test_yes_no_answers_are_booleans() -> None:
    q = parse_questionnaires(MINIMAL)["check"].question("tingling")
    assert q.answer_text(True) == "yes" and q.answer_text(False) == "no"
    with pytest.raises(ValueError, match="yes/no"):
        q.check_answer(1)


@pytest.mark.parametrize(
    ("old", "new", "marker", "where"),
    [
        ('labels = ["no", "a bit", "yes", "very"]', 'labels = ["no", "yes"]', "labels =",
         "questionnaire[0].question[0].labels: needs 4 labels"),
        ("flag_from = 2", "flag_from = 5", "flag_from = 5",
         "questionnaire[0].question[0].flag_from: Input should be less than or equal to 3"),
        ('kind = "yes_no"\nfinding = "Tingling."', 'kind = "yes_no"\nflag_from = 1\nfinding = "T."',
         "flag_from = 1", "questionnaire[0].question[1].flag_from: only a scale question"),
        ('kind = "yes_no"\nfinding = "Tingling."', 'kind = "maybe"\nfinding = "T."',
         'kind = "maybe"', "questionnaire[0].question[1].kind: Input should be 'yes_no'"),
        ('id = "tingling"', 'id = "back"', 'id = "back"\ntext = "Tingling?"',
         "questionnaire[0].question[1].id: duplicate id 'back'"),
        ('title = "Safety"', 'title = "Safety"\ncolour = "red"', "colour =",
         "questionnaire[1].colour: unknown key"),
        ('id = "red_flags"', 'id = "other"', "[[questionnaire]]",
         "questionnaire: missing questionnaire 'red_flags'"),
        ('advice = "See someone."\n', "", "[[questionnaire]]",
         "questionnaire[0].advice: required key is missing"),
        ('text = "Numb?"', 'text = "   "', 'text = "   "',
         "questionnaire[1].question[0].text: must not be empty"),
        ('text = "Numb?"', 'text = "Numb?', 'text = "Numb?',
         "questionnaire[1].question[0].text: TOML syntax error"),
    ],
)  # fmt: skip
def test_errors_name_the_line_and_the_field(old: str, new: str, marker: str, where: str) -> None:
    assert old in MINIMAL
    text = MINIMAL.replace(old, new, 1)
    line = text[: text.index(marker)].count("\n") + 1
    with pytest.raises(ConfigError) as info:
        parse_questionnaires(text, "q.toml")
    assert str(info.value).startswith(f"q.toml line {line}: {where}"), str(info.value)


def test_load_from_a_path_and_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "q.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    assert set(load_questionnaires(path)) == {"check", "red_flags"}
    with pytest.raises(ConfigError, match="questionnaire file: file not found"):
        load_questionnaires(tmp_path / "missing.toml")


def test_side_question_takes_a_side_and_never_stands_out() -> None:
    side = load_questionnaires()["check"].question("painful_side")
    assert side.kind == "side"
    assert [side.check_answer(a) for a in SIDE_ANSWERS] == list(SIDE_ANSWERS)
    for bad in ("up", 1, True, None):
        with pytest.raises(ValueError, match="needs one of left, right, both, neither"):
            side.check_answer(bad)
    assert not any(side.stands_out(a) for a in SIDE_ANSWERS)
    assert side.answer_text("right") == "right"
