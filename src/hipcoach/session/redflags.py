"""The red-flag screen before exercising: symptoms that need a clinician first.

Asked on the first session, again after ``red_flags_every_days``, and every time while the
last answers had a "yes". Any "yes" means: do not start; see a clinician.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from hipcoach.config import DEFAULTS, SessionSettings
from hipcoach.exercises.questionnaires import Questionnaire, flagged
from hipcoach.session.display import PlayerView
from hipcoach.session.prompts import Asker
from hipcoach.storage import History

KIND = "red_flags"


def needs_asking(
    history: History,
    questionnaire: Questionnaire,
    now: datetime,
    settings: SessionSettings = DEFAULTS.session,
) -> bool:
    """True when the red-flag questions must be asked before this session."""
    stored = history.answers(KIND)
    if not stored:
        return True
    last = stored[-1]
    if flagged(questionnaire, last.answers):
        return True
    return now - last.at > timedelta(days=settings.red_flags_every_days)


def ask_red_flags(
    asker: Asker, questionnaire: Questionnaire, history: History, now: datetime
) -> list[str]:
    """Ask every question, store the answers; returns the texts of the "yes" answers."""
    view = PlayerView(phase="question", title=questionnaire.title, instruction=questionnaire.intro)
    answers: dict[str, object] = {}
    for no, q in enumerate(questionnaire.questions, start=1):
        shown = view.with_(step_no=no, steps_total=len(questionnaire.questions))
        answers[q.id] = asker.yes_no(shown, q.text)
    history.add_answers(KIND, now, answers)
    return [q.text for q in flagged(questionnaire, answers)]
