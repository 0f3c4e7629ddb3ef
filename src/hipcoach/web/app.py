"""The FastAPI app: :func:`create_app` builds it from a :class:`WebConfig` (tests build it
in-process; ``hipcoach serve`` runs it with uvicorn)."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from hipcoach.errors import (
    HipcoachError,
    InputError,
    NoExerciseError,
    NoPersonError,
    StorageError,
)
from hipcoach.web import pages
from hipcoach.web.config import WebConfig
from hipcoach.web.media import OutsideRoots, UploadTooLarge
from hipcoach.web.security import SecurityMiddleware

STATIC_DIR = Path(__file__).with_name("static")
log = logging.getLogger("hipcoach.web")

#: HTTP status for each kind of user error (the rest: 400).
_STATUS: dict[type[HipcoachError], int] = {
    UploadTooLarge: 413,
    OutsideRoots: 403,
    InputError: 400,
    NoPersonError: 422,
    NoExerciseError: 422,
    StorageError: 500,  # the history database: the server's side, not the request
}


def create_app(config: WebConfig) -> FastAPI:
    """The web app for ``config``: pages, the live router when present, static files, and
    the security middleware around all of it."""
    from hipcoach.web import media_pages, routine_page  # noqa: PLC0415
    from hipcoach.web.jobs import JobStore  # noqa: PLC0415

    app = FastAPI(title="hipcoach", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.config = config
    app.state.jobs = JobStore(config.work_dir / "jobs")
    for router in (pages.router, media_pages.router, routine_page.router):
        app.include_router(router)
    try:
        from hipcoach.web.live import router as live_router  # noqa: PLC0415
    except ImportError:  # the live camera page is not there (yet)
        pass
    else:
        app.include_router(live_router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    _add_error_handlers(app)
    app.add_middleware(SecurityMiddleware, config=config)
    return app


def _wants_html(request: Request) -> bool:
    return request.method == "GET" and "text/html" in request.headers.get("accept", "")


def error_response(
    request: Request, status: int, heading: str, message: str, fix: str | None
) -> Response:
    """A user-facing error: the error page for a page load, else JSON ``{error, fix}``."""
    if _wants_html(request):
        context = {"title": heading, "heading": heading, "message": message, "fix": fix}
        return pages.render(request, "error.html.j2", context, status_code=status)
    return JSONResponse({"error": message, "fix": fix}, status_code=status)


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(HipcoachError)
    async def hipcoach_error(request: Request, exc: HipcoachError) -> Response:
        status = next((s for t, s in _STATUS.items() if isinstance(exc, t)), 400)
        return error_response(request, status, "That did not work", exc.message, exc.fix)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            message, fix = "there is no such page", "use the menu at the top"
        else:
            message, fix = str(exc.detail), None
        return error_response(request, exc.status_code, "Not available", message, fix)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'request'}: {e.get('msg')}"
            for e in exc.errors()
        )
        return error_response(request, 422, "Check the form", problems, None)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path)
        return error_response(
            request, 500, "Something went wrong",
            f"an unexpected error ({type(exc).__name__}); nothing was changed",
            "try again; if it keeps happening, run the same thing with the hipcoach command",
        )  # fmt: skip
