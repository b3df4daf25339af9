"""Pages as HTML: the Jinja2 environment, its filters and globals, and the error page."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response

from storage import TargetHealth
from web.auth import csrf, principal
from web.http import responses, state
from web.pages import marks
from web.views import charts, units

HTML = "text/html; charset=utf-8"
TEMPLATES = Environment(
    loader=PackageLoader("web", "templates"), autoescape=True, undefined=StrictUndefined
)


def server_url(target: TargetHealth) -> str:
    return f"/servers/{quote(target.instance, safe=':')}?job={quote(target.job, safe='')}"


def metrics_url(target: TargetHealth, **extra: str | Sequence[str]) -> str:
    """The target's metric explorer, with ``extra`` query parameters (empty ones left out; a
    list is the parameter repeated: ``series=1&series=2``)."""
    kept = {k: v for k, v in extra.items() if v}
    query = urlencode({"job": target.job, **kept}, doseq=True)
    return f"/servers/{quote(target.instance, safe=':')}/metrics?{query}"


def query_without(query: QueryParams, *names: str) -> str:
    """The query string minus ``names``, ready for more parameters (ends with & if not empty)."""
    kept = [(key, value) for key, value in query.multi_items() if key not in names]
    return urlencode(kept) + "&" if kept else ""


def ago(t_ms: int, now_ms: int) -> Markup:
    """``15s ago`` in a <time> element that live.js keeps ticking."""
    iso = escape(units.rfc3339(t_ms))
    return Markup(
        f'<time datetime="{iso}" data-ago>{units.span((now_ms - t_ms) / 1000)} ago</time>'
    )


def moment(t_ms: int | None) -> Markup:
    """A moment as people read it, ``2025-06-16 10:50:00 UTC``, in a <time> whose datetime and
    title keep the RFC 3339 form; live.js rewrites the text in the browser's time zone."""
    if t_ms is None:
        return Markup("—")
    iso = escape(units.rfc3339(t_ms))
    readable = datetime.fromtimestamp(t_ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S")
    return Markup(f'<time datetime="{iso}" title="{iso}" data-local>{readable} UTC</time>')


TEMPLATES.filters.update(
    moment=moment,
    span=units.span,
    percent=units.percent,
    number=units.number,
    bytes=units.data,
    rfc3339=units.rfc3339,
    svg=charts.svg,
    chart_data=charts.data,
    dict_without=query_without,
)
TEMPLATES.globals.update(
    server_url=server_url,
    metrics_url=metrics_url,
    csrf_field=csrf.field,
    principal=principal.of,
    is_admin=principal.is_admin,
    no_users=principal.no_users,
    CREATE_ADMIN=principal.CREATE_ADMIN,
    ago=ago,
    clock=state.now_ms,
    state_badge=marks.badge,
)


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    body = TEMPLATES.get_template(template).render(request=request, **context).encode()
    if status_code != 200:
        headers = {"Cache-Control": "no-store"}
        return Response(body, status_code, media_type=HTML, headers=headers)
    return responses.cached(request, body, HTML, responses.PAGE_CACHE)


def error_page(request: Request, status: int, code: str, detail: str) -> Response:
    """JSON under /api and /health, an HTML page elsewhere."""
    if responses.is_api(request.url.path):
        return responses.error(status, code, detail)
    return render(request, "error.html", status, status=status, code=code, detail=detail)
