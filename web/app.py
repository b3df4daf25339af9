"""The Starlette application: ``create_app(storage, settings)``."""

from __future__ import annotations

import logging

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response

from model.errors import HostwatchError, QueryError, RegistryError, StorageUnavailable
from storage import Storage
from web import api
from web.auth.access import Access
from web.auth.throttle import Throttle
from web.http.errors import WebError
from web.http.security import middleware
from web.http.state import Settings
from web.pages import account, fleet, login, registered
from web.pages import alerts as alert_pages
from web.pages import entries as entry_pages
from web.pages.render import error_page
from web.views.headline import SharedFleet

log = logging.getLogger(__name__)


def create_app(storage: Storage, settings: Settings | None = None) -> Starlette:
    settings = settings or Settings()
    app = Starlette(
        routes=[
            *api.ROUTES,
            *registered.ROUTES,
            *fleet.ROUTES,
            *alert_pages.ROUTES,
            *entry_pages.ROUTES,
            *login.ROUTES,
            *account.ROUTES,
        ],
        # Access comes last so CORS preflights, which carry no credentials, are answered first.
        middleware=[
            *middleware(settings),
            Middleware(Access, on_error=_hostwatch_error, error_page=error_page),
        ],
        exception_handlers={
            HostwatchError: _hostwatch_error,
            HTTPException: _http_error,
            Exception: _internal_error,
        },
    )
    app.state.storage = storage
    app.state.settings = settings
    app.state.throttle = Throttle()
    app.state.figures = SharedFleet(round(settings.figures_cache_s * 1000))
    return app


def _status(error: HostwatchError) -> tuple[int, str, str]:
    if isinstance(error, WebError):
        return error.status, error.code, str(error)
    if isinstance(error, QueryError):
        return 400, "bad_query", str(error)
    if isinstance(error, RegistryError):  # a request racing another's change of that server
        return (409, "conflict", str(error)) if error.exists else (404, "not_found", str(error))
    if isinstance(error, StorageUnavailable):
        return 503, "unavailable", "the database is unavailable; try again shortly"
    log.error("request failed: %s", error)
    return 500, "internal", "the server failed to answer this request"


async def _hostwatch_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HostwatchError)  # registered for HostwatchError only
    return error_page(request, *_status(error))


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)  # registered for HTTPException only
    code = "not_found" if error.status_code == 404 else "http_error"
    return error_page(request, error.status_code, code, str(error.detail))


async def _internal_error(request: Request, error: Exception) -> Response:
    # The traceback goes to the log (Starlette re-raises to the server); the client learns nothing.
    return error_page(request, 500, "internal", "the server failed to answer this request")
