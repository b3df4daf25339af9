"""Engine set-up and the little that differs between PostgreSQL and SQLite.

Every database call goes through :meth:`Backend.reading` or :meth:`Backend.writing`, which map
driver failures onto the storage exception tree: a lost or refused connection becomes
:class:`StorageUnavailable` (retry the same call), anything else :class:`StorageError`.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg2
from sqlalchemy import Connection, Engine, Table, create_engine, event, exc, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url

from model.errors import StorageError, StorageUnavailable

_WRITE = "hostwatch_write"
_INCREMENTAL = 2  # PRAGMA auto_vacuum's answer for INCREMENTAL
# sqlite3 raises OperationalError for SQL mistakes too ("no such table"); only these messages
# mean the database itself cannot be used right now.
_SQLITE_UNAVAILABLE = ("unable to open", "database is locked", "disk i/o error", "readonly")

Insert = postgresql.Insert | sqlite.Insert


def _with_driver(url: str) -> str:
    """``url`` with psycopg2 named: SQLAlchemy's default PostgreSQL driver is psycopg 3,
    which hostwatch does not install, so a plain ``postgresql://`` would fail."""
    try:
        parsed = make_url(url)
    except exc.ArgumentError:
        raise StorageError(
            "the database URL is not of the form scheme://... "
            "(postgresql://USER@HOST/DB or sqlite:///PATH)"
        ) from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg2")
    return parsed.render_as_string(hide_password=False)


class Backend:
    """An engine plus its dialect's quirks."""

    def __init__(self, url: str) -> None:
        url = _with_driver(url)
        self.name = make_url(url).get_backend_name()
        if self.name not in ("postgresql", "sqlite"):
            raise StorageError(
                f"unsupported database {self.name!r} in URL; use postgresql or sqlite"
            )
        self.engine = _sqlite_engine(url) if self.name == "sqlite" else _postgresql_engine(url)

    @property
    def is_postgresql(self) -> bool:
        return self.name == "postgresql"

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        with translated_errors(), self.engine.connect() as conn:
            yield conn

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """One transaction, committed on success, rolled back on any exception."""
        with (
            translated_errors(),
            self.engine.connect().execution_options(**{_WRITE: True}) as conn,
            conn.begin(),
        ):
            yield conn

    def insert(self, table: Table) -> Insert:
        """An INSERT that knows ON CONFLICT in this dialect."""
        return postgresql.insert(table) if self.is_postgresql else sqlite.insert(table)

    def upsert(self, table: Table, row: dict[str, object], key: str) -> Insert:
        """INSERT ``row``, or where a row with its ``key`` is there, update every other column."""
        changed = {name: value for name, value in row.items() if name != key}
        statement = self.insert(table).values(row)
        return statement.on_conflict_do_update(index_elements=[key], set_=changed)

    def lock(self, conn: Connection, name: str) -> None:
        """Serialise `name` (upgrade, maintenance) across processes until the transaction ends.

        SQLite needs nothing: a write transaction there is BEGIN IMMEDIATE, already exclusive.
        """
        if self.is_postgresql:
            key = int.from_bytes(
                hashlib.blake2b(name.encode(), digest_size=8).digest(), signed=True
            )
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})

    def close(self) -> None:
        self.engine.dispose()


@contextmanager
def translated_errors() -> Iterator[None]:
    try:
        yield
    except StorageError:
        raise
    except (exc.SQLAlchemyError, psycopg2.Error, sqlite3.Error) as error:
        if _is_unavailable(error):
            raise StorageUnavailable(f"database unavailable: {_first_line(error)}") from error
        raise StorageError(f"database error: {_first_line(error)}") from error


def _is_unavailable(error: BaseException) -> bool:
    if isinstance(error, exc.TimeoutError):
        return True
    if isinstance(error, exc.DBAPIError):
        return error.connection_invalidated or (
            error.orig is not None and _is_unavailable(error.orig)
        )
    if isinstance(error, psycopg2.OperationalError | psycopg2.InterfaceError):
        return True
    if isinstance(error, sqlite3.OperationalError):
        return any(text in str(error).lower() for text in _SQLITE_UNAVAILABLE)
    return False


def _first_line(error: BaseException) -> str:
    cause = getattr(error, "orig", None) or error
    return (str(cause).strip().splitlines() or [type(cause).__name__])[0]


def _postgresql_engine(url: str) -> Engine:
    # pre_ping replaces a connection the server dropped, so a retried write gets a live one.
    # Batched executemany: psycopg2's own sends one statement per row and waits for each, and
    # the writer thread must win the GIL back from the scrape loops after every reply.
    return create_engine(
        url,
        pool_pre_ping=True,
        executemany_mode="values_plus_batch",
        executemany_batch_page_size=1000,
        connect_args={
            "connect_timeout": 5,
            "application_name": "hostwatch",
            "options": _options(url),
        },
    )


def _options(url: str) -> str:
    """The server options of ``url`` (``?options=-c ...``) plus hostwatch's own, which would
    otherwise replace them."""
    given = make_url(url).query.get("options", ())
    # JIT compiles a fleet-wide dashboard query for longer than the query then runs (about a
    # second on two cores): the planner's cost for it is high, its real work small.
    return " ".join(["-c jit=off", *([given] if isinstance(given, str) else given)])


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args={"timeout": 30})
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Transactions are begun explicitly in _sqlite_begin, not by the driver.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # auto_vacuum and page_size only take on a new database (before its first table, and the
    # page size before WAL too); an existing one keeps its own (docs/storage.md). auto_vacuum:
    # compaction hands the pages of the plain rows it removed back to the file system (PRAGMA
    # incremental_vacuum). 16 KB pages: a day's chunk is about a kilobyte, and a leaf of 4 KB
    # holds three and a remnant.
    pragmas = (
        "page_size=16384",
        "auto_vacuum=INCREMENTAL",
        "journal_mode=WAL",
        "synchronous=NORMAL",
        "busy_timeout=30000",
    )
    for pragma in pragmas:
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def reclaim(conn: Connection) -> None:
    """SQLite: hand the file's free pages back to the file system, where auto_vacuum is
    incremental (databases created since compaction came). Each step of PRAGMA
    incremental_vacuum frees one page, and sqlite3 steps a statement without columns only
    once, so it is run once per free page (about 20 microseconds each, in the transaction)."""
    if conn.exec_driver_sql("PRAGMA auto_vacuum").scalar() != _INCREMENTAL:
        return
    free = int(conn.exec_driver_sql("PRAGMA freelist_count").scalar() or 0)
    cursor = conn.connection.cursor()
    try:
        for _ in range(free):
            cursor.execute("PRAGMA incremental_vacuum")
    finally:
        cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    # A deferred transaction that reads first and writes later fails at once with SQLITE_BUSY
    # when another writer got in between; IMMEDIATE takes the write lock up front and waits.
    immediate = conn.get_execution_options().get(_WRITE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
