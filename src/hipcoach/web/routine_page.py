"""The routine page: the exercises of the user's routine, with their target reps and the
band level editable (saved by :mod:`hipcoach.web.routine_file`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, Field

from hipcoach.web.pages import config_of, render
from hipcoach.web.routine_file import (
    MAX_BAND,
    load_user_routine,
    preferred_band,
    save_band,
    save_target_reps,
)

router = APIRouter()


class RoutineEdit(BaseModel):
    """What the routine form sends."""

    reps: dict[str, Annotated[int, Field(ge=1, le=100)]] = Field(max_length=20)
    band: int = Field(ge=0, le=MAX_BAND)


@router.get("/routine", response_class=HTMLResponse)
def routine_page(request: Request) -> HTMLResponse:
    """The routine: each exercise, its target reps, rests, and the band."""
    config = config_of(request)
    routine = load_user_routine(config.routine_path)
    context = {
        "title": "Routine",
        "routine": routine,
        "band": preferred_band(config.routine_path) or 0,
        "max_band": MAX_BAND,
        "path": str(config.routine_path),
        "own_file": config.routine_path.is_file(),
    }
    return render(request, "routine.html.j2", context)


@router.post("/routine")
def save_routine(request: Request, edit: RoutineEdit) -> JSONResponse:
    """Save the target reps to the routine file and the band beside it."""
    config = config_of(request)
    routine = save_target_reps(config.routine_path, edit.reps)
    save_band(config.routine_path, edit.band)
    reps = {e.id: e.target_reps for e in routine.exercises}
    return JSONResponse({"saved": str(config.routine_path), "reps": reps, "band": edit.band})
