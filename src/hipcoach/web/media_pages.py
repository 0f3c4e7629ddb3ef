"""Pages that take a video: **analyse a video** (the hip series) and **screens** (squat,
stance, gait). A video comes as an upload (streamed, capped, sniffed) or as a local path;
it is analysed in a background job while the page polls ``/jobs/<id>/progress``; the
result is the library's own HTML report, shown in a frame."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from hipcoach.storage.db import Moment
from hipcoach.web.config import WebConfig
from hipcoach.web.jobs import (
    Job,
    JobKind,
    JobStore,
    keep_analysis,
    run_analysis,
    run_screen,
    settings_for_model,
)
from hipcoach.web.media import check_video, local_video, save_upload, upload_name, video_suffix
from hipcoach.web.pages import config_of, render, report_response
from hipcoach.web.routine_file import MAX_BAND, preferred_band

router = APIRouter()
SCREEN_KINDS: tuple[tuple[str, str, str], ...] = (
    ("squat", "Squat", "five slow squats, filmed from the front"),
    ("stance", "One-leg stance", "stand on one leg, then the other, filmed from the front"),
    ("gait", "Walking", "walk toward the camera"),
)


class LocalVideo(BaseModel):
    """A local path to analyse."""

    kind: Literal["analysis", "squat", "stance", "gait"]
    path: str = Field(min_length=1, max_length=4096)


class KeepAnalysis(BaseModel):
    """Pain told before and after the recorded session (0-10, optional) and the band."""

    pain_before: int | None = Field(default=None, ge=0, le=10)
    pain_after: int | None = Field(default=None, ge=0, le=10)
    band: int = Field(default=0, ge=0, le=MAX_BAND)


def store_of(request: Request) -> JobStore:
    """The server's job store."""
    jobs: JobStore = request.app.state.jobs
    return jobs


def _start(request: Request, job: Job, source: Path) -> dict[str, Any]:
    config: WebConfig = config_of(request)
    settings = settings_for_model(config.model)
    routine = config.routine_path if config.routine_path.is_file() else None
    if job.kind == "analysis":
        store_of(request).submit(job, lambda: run_analysis(job, source, settings, routine))
    else:
        store_of(request).submit(job, lambda: run_screen(job, source, settings))
    return {"id": job.id, "url": f"/jobs/{job.id}", "progress": f"/jobs/{job.id}/progress"}


@router.get("/analyse", response_class=HTMLResponse)
def analyse_page(request: Request) -> HTMLResponse:
    """Upload a recording of the hip series (or give its path)."""
    roots = [str(r) for r in config_of(request).media_roots]
    context = {"title": "Analyse a video", "kind": "analysis", "roots": roots}
    return render(request, "analyse.html.j2", context)


@router.get("/screens", response_class=HTMLResponse)
def screens_page(request: Request) -> HTMLResponse:
    """Upload a squat, stance or walking video for a glute-med screen."""
    roots = [str(r) for r in config_of(request).media_roots]
    context = {"title": "Screens", "kinds": SCREEN_KINDS, "roots": roots, "kind": "squat"}
    return render(request, "screens.html.j2", context)


@router.post("/jobs/upload")
async def upload(
    request: Request,
    kind: Annotated[JobKind, Query()],
    name: Annotated[str, Query(min_length=1, max_length=255)],
) -> JSONResponse:
    """The request body is the video file itself (``Content-Type`` ignored: the bytes are
    sniffed). Too large: 413; not a video: 400."""
    video_suffix(name)
    store = store_of(request)
    job = store.new(kind, Path(name.replace("\\", "/")).name)
    target = job.upload = job.folder / upload_name(job.name)
    try:
        await save_upload(request.stream(), target, config_of(request).max_upload_bytes)
        await run_in_threadpool(check_video, target, job.name)
    except BaseException:
        store.discard(job)
        raise
    return JSONResponse(_start(request, job, target), status_code=202)


@router.post("/jobs/local")
async def local(request: Request, body: LocalVideo) -> JSONResponse:
    """Analyse a video already on this computer (inside the allowed folders)."""
    config = config_of(request)
    path = await run_in_threadpool(local_video, body.path, config.media_roots)
    job = store_of(request).new(body.kind, path.name)
    return JSONResponse(_start(request, job, path), status_code=202)


def _job(request: Request, job_id: str) -> Job:
    job = store_of(request).get(job_id)
    if job is None:
        raise HTTPException(404, "no such job")
    return job


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: str) -> HTMLResponse:
    """Progress while the job runs, then the findings and the report."""
    job = _job(request, job_id)
    title = "Analysis" if job.kind == "analysis" else f"{job.kind.capitalize()} screen"
    band = preferred_band(config_of(request).routine_path) or 0
    context = {"title": title, "job": job, "band": band, "max_band": MAX_BAND}
    return render(request, "job.html.j2", context)


@router.get("/jobs/{job_id}/progress")
def job_progress(request: Request, job_id: str) -> JSONResponse:
    """The job's state, stage, frames done and, when done, its summary."""
    return JSONResponse(_job(request, job_id).progress())


@router.get("/jobs/{job_id}/report", response_class=HTMLResponse)
def job_report(request: Request, job_id: str) -> HTMLResponse:
    """The library's HTML report of a finished job (404 before)."""
    job = _job(request, job_id)
    if job.state != "done" or not job.report.is_file():
        raise HTTPException(404, "the report is not ready")
    return report_response(job.report.read_text(encoding="utf-8"))


@router.post("/jobs/{job_id}/keep")
def keep(request: Request, job_id: str, body: KeepAnalysis) -> JSONResponse:
    """Keep a finished analysis in the history, with the pain told and the band (once)."""
    job = _job(request, job_id)
    if job.kind != "analysis" or job.state != "done":
        raise HTTPException(409, "only a finished analysis of the hip series can be kept")
    told: list[tuple[Moment, int | None]] = [
        ("before", body.pain_before),
        ("after", body.pain_after),
    ]
    pain = [(moment, score) for moment, score in told if score is not None]
    session = keep_analysis(job, config_of(request).db_path, body.band, pain)
    return JSONResponse({"session": session, "already_kept": session is None})
