"""``hipcoach check``: the short warning-sign questionnaire, stored in the history.

Asks the ``check`` questionnaire of ``questionnaires.toml`` with Rich prompts (or any
``Ask`` function: tests pass answers through standard input), stores the answers with
``History.add_answers("check", ...)`` and prints what they suggest — never a diagnosis.
``--show`` prints the latest stored answers again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.prompt import Confirm, IntPrompt, Prompt
from rich.table import Table
from rich.text import Text

from hipcoach.errors import InputError, Interrupted
from hipcoach.exercises.questionnaires import (
    SCALE_MAX,
    SIDE_ANSWERS,
    Answer,
    Question,
    Questionnaire,
    load_questionnaires,
    summarise,
)
from hipcoach.storage import AnswerRow, History

CHECK_ID = "check"
NOT_A_DIAGNOSIS = (
    "This is not a diagnosis: it points at common patterns. See a physiotherapist or doctor "
    "about symptoms that are strong, getting worse or not easing."
)
#: Asks one question and returns its answer (bool for yes/no, int 0..3 for a scale, a
#: side name for a side question).
Ask = Callable[[Question], Answer]


def rich_ask(console: Console) -> Ask:
    """An :data:`Ask` that uses Rich prompts on ``console`` (reads standard input)."""

    def ask(question: Question) -> Answer:
        if question.kind == "yes_no":
            return Confirm.ask(question.text, console=console)
        if question.kind == "side":
            return Prompt.ask(question.text, console=console, choices=list(SIDE_ANSWERS))
        labels = question.labels or ()
        console.print(
            "  " + ", ".join(f"[bold]{k}[/] = {label}" for k, label in enumerate(labels)),
            highlight=False,
        )
        return IntPrompt.ask(
            question.text, console=console, choices=[str(k) for k in range(SCALE_MAX + 1)]
        )

    return ask


def ask_all(questionnaire: Questionnaire, ask: Ask) -> dict[str, Answer]:
    """Every question in order; :class:`InputError` when input ends before the last one."""
    answers: dict[str, Answer] = {}
    for question in questionnaire.questions:
        try:
            answers[question.id] = question.check_answer(ask(question))
        except KeyboardInterrupt as exc:
            raise Interrupted(
                f"the check was interrupted after {len(answers)} of "
                f"{len(questionnaire.questions)} answers; nothing was saved"
            ) from exc
        except EOFError as exc:
            raise InputError(
                f"the check ended after {len(answers)} of {len(questionnaire.questions)} "
                "answers; nothing was saved",
                fix="run `hipcoach check` again and answer every question",
            ) from exc
    return answers


def findings_panel(questionnaire: Questionnaire, answers: dict[str, object]) -> Panel:
    """What the answers suggest, with the "not a diagnosis" note."""
    lines = summarise(questionnaire, answers)
    body = Text("\n".join(f"• {line}" for line in lines))
    body.append("\n\n" + NOT_A_DIAGNOSIS, style="dim")
    return Panel(body, title="What your answers suggest", title_align="left")


def answers_table(questionnaire: Questionnaire, row: AnswerRow) -> Table:
    """The stored answers of one check, question by question."""
    when = f"{row.at.astimezone():%a %d %b %Y %H:%M}"
    table = Table(title=f"{questionnaire.title}, answered {when}", title_justify="left")
    table.add_column("question")
    table.add_column("answer")
    for q in questionnaire.questions:
        value = row.answers.get(q.id)
        try:
            text = "-" if value is None else q.answer_text(value)
        except ValueError:
            text = f"unreadable ({value!r})"
        table.add_row(q.text, text)
    return table


def run_check(
    history: History,
    console: Console,
    ask: Ask | None = None,
    now: datetime | None = None,
) -> int:
    """Ask the check, store the answers and print the findings; returns the stored row id."""
    questionnaire = load_questionnaires()[CHECK_ID]
    console.print(Panel(questionnaire.intro, title=questionnaire.title, title_align="left"))
    answers = ask_all(questionnaire, ask or rich_ask(console))
    row_id = history.add_answers(CHECK_ID, now or datetime.now(UTC), dict(answers))
    console.print(findings_panel(questionnaire, dict(answers)))
    console.print(f"[dim]answers saved in {history.path}[/]")
    return row_id


def show_latest(history: History) -> RenderableType:
    """The latest stored check and its findings, or a note that there is none yet."""
    questionnaire = load_questionnaires()[CHECK_ID]
    rows = history.answers(CHECK_ID)
    if not rows:
        return Text("No check answered yet: run `hipcoach check`.", style="yellow")
    latest = rows[-1]
    try:
        panel = findings_panel(questionnaire, latest.answers)
    except ValueError as exc:
        panel = Panel(f"the stored answers do not fit this questionnaire: {exc}")
    return Group(answers_table(questionnaire, latest), panel)
