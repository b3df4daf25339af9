"""The exception tree of hostwatch's server side (scraper, storage, web).

Every error raised on purpose derives from :class:`HostwatchError`, so a caller can catch the
whole family in one place and anything else is a bug. Messages are one readable line naming
what is wrong (the key, the value, the line) and never need a traceback to be understood.

    HostwatchError
    ├── ConfigError          a config file (targets.yml, alerts.yml) is invalid
    │   └── ConfigErrors     every problem found in one pass over a file, one per line
    ├── ParseError           an exposition body is malformed (carries the line number)
    │   └── LimitError       a well-formed body breaks a scrape limit (sample_limit, label_limit,
    │                        label name/value length): the whole scrape fails, as in Prometheus
    ├── ImportFileError      a file given to ``db import`` is malformed: ``FILE:LINE: what``
    ├── ScrapeError          a scrape failed; ``reason`` is what the dashboard shows
    ├── NotifyError          a receiver did not take a notification; ``retry`` if it may later
    ├── PushError            a remote write request was refused; ``status`` is the HTTP answer
    ├── PromQLError          a PromQL query cannot be answered; ``kind`` is Prometheus's errorType
    └── StorageError
        ├── StorageUnavailable   the database cannot be reached; the same batch may be retried
        ├── SchemaError          the schema is missing, newer than this code, or cannot be upgraded
        ├── InvalidSampleError   a sample breaks a limit (label length, ...); nothing was written
        ├── QueryError           a read was asked something invalid (bad matcher, step, range)
        ├── AccountError         a user or token that should exist does not, or the reverse
        └── RegistryError        a registered server that should exist does not, or the reverse
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal


class HostwatchError(Exception):
    """Root of every error hostwatch's server side raises on purpose."""


class ConfigError(HostwatchError):
    """A configuration file is invalid; ``str()`` reads ``file:line:column: what is wrong``."""

    def __init__(self, message: str, *, file: str = "", line: int = 0, column: int = 0) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        where = ":".join(str(part) for part in (file, line, column) if part)
        super().__init__(f"{where}: {message}" if where else message)


class ConfigErrors(ConfigError):
    """Every problem found in one file, so an operator fixes them all in one edit.

    ``problems`` are the single errors in file order; ``str()`` is one per line.
    """

    def __init__(self, problems: Sequence[ConfigError]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class ParseError(HostwatchError):
    """An exposition body is malformed at ``line`` (1-based)."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(f"parse error at line {line}: {message}")


class LimitError(ParseError):
    """A body breaks a scrape limit at ``line``, e.g. ``4,200 samples over sample_limit 4,000``."""


class ImportFileError(HostwatchError):
    """A file given to ``hostwatch-scraper db import`` is malformed at ``line``; ``str()`` reads
    ``FILE:LINE: what is wrong``. The batches stored before it stay stored."""

    def __init__(self, file: str, line: int, message: str) -> None:
        self.file = file
        self.line = line
        super().__init__(f"{file}:{line}: {message}")


class ScrapeError(HostwatchError):
    """A scrape failed: ``reason`` is the sentence shown as the target's last error, ``kind`` a
    short fixed category ("refused", "timeout", "http", "parse", ...) fit for a metric label."""

    def __init__(self, reason: str, kind: str = "error") -> None:
        self.reason = reason
        self.kind = kind
        super().__init__(reason)


class NotifyError(HostwatchError):
    """A webhook, service or mail server did not accept a notification. ``retry`` is False when
    sending the same again cannot help (a 4xx answer); ``status`` is the HTTP answer, if any."""

    def __init__(self, reason: str, *, retry: bool = True, status: int | None = None) -> None:
        self.reason = reason
        self.retry = retry
        self.status = status
        super().__init__(reason)


class PushError(HostwatchError):
    """A remote write request was refused, nothing of it written. ``status`` is the answer the
    spec asks for: 4xx when sending the same again cannot help, 429/5xx when it can."""

    def __init__(self, status: int, reason: str) -> None:
        self.status = status
        self.reason = reason
        super().__init__(reason)


PromQLErrorKind = Literal["bad_data", "execution", "timeout"]


class PromQLError(HostwatchError):
    """A PromQL query cannot be answered. ``kind`` is the errorType Prometheus would give:
    "bad_data" (malformed query or parameter: HTTP 400), "execution" (evaluation failed, e.g.
    too many samples or many-to-many matching: 422), "timeout" (503)."""

    def __init__(self, message: str, kind: PromQLErrorKind = "bad_data") -> None:
        self.message = message
        self.kind = kind
        super().__init__(message)


class StorageError(HostwatchError):
    """Base of every storage failure."""


class StorageUnavailable(StorageError):
    """The database cannot be reached or the connection broke; nothing was half-written."""


class SchemaError(StorageError):
    """The database schema is missing, newer than this code, or cannot be upgraded."""


class InvalidSampleError(StorageError):
    """A sample or label breaks a configured limit; the whole batch was refused."""


class QueryError(StorageError):
    """A read asked for something invalid (a malformed matcher, a step too small, ...)."""


class AccountError(StorageError):
    """A user or API token operation names one that does not exist (or a user that does)."""


class RegistryError(StorageError):
    """A registered server operation names one that does not exist (``exists`` False) or
    registers an address that already is (``exists`` True)."""

    def __init__(self, message: str, *, exists: bool) -> None:
        self.exists = exists
        super().__init__(message)
