"""Errors the web layer raises itself; each knows the HTTP status it answers with.

They derive from :class:`model.errors.HostwatchError`, so one exception handler turns the
whole family (storage errors included) into the JSON error shape.
"""

from __future__ import annotations

from model.errors import HostwatchError


class WebError(HostwatchError):
    """A request the web app refuses; ``code`` is the short machine-readable ``error`` field."""

    status = 400
    code = "bad_request"


class BadParameter(WebError):
    """A query or path parameter is malformed; the message starts with the parameter's name."""

    code = "bad_parameter"

    def __init__(self, name: str, problem: str) -> None:
        self.name = name
        super().__init__(f"{name}: {problem}")


class NotFound(WebError):
    status = 404
    code = "not_found"


class Forbidden(WebError):
    status = 403
    code = "forbidden"


class PasswordRefused(WebError):
    """A new password breaks the rules (length); the message says which."""

    code = "bad_password"
