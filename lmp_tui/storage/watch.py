"""Learning that reports changed, whoever changed them (another lmp-tui, the command line,
an import), without polling any table.

A watch holds one dedicated connection of its own and answers one question, as often as it
is asked: *what changed since you were last asked?* :meth:`ChangeWatch.wait` blocks up to a
timeout and returns a :class:`Changes`, or None when nothing changed.

- **PostgreSQL**: ``LISTEN lmp_reports`` on an autocommit psycopg connection. Migration 0004's
  trigger sends ``NOTIFY lmp_reports, 'id:version'`` for every report inserted or updated, in
  the changing transaction, so a notification arrives when (and only if) the change commits.
  A burst (a bulk import of thousands of reports) is gathered into one answer.
- **SQLite**: ``PRAGMA data_version`` on one connection, about every half second; it changes
  when any other connection commits to the file. It says *something* changed, not which
  report (``Changes.ids`` is None).

A dropped connection is opened again; since notifications may have been missed meanwhile,
the first answer after it is "something changed" (ids unknown). :meth:`close` is safe to call
more than once, from the thread that waits.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Engine

CHANNEL = "lmp_reports"
#: how often SQLite's data_version is read while waiting
POLL_S = 0.5
#: a burst of notifications is gathered until none came for this long …
QUIET_S = 0.05
#: … or for at most this long, so that a long stream still answers in time
GATHER_MAX_S = 0.3

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Changes:
    """What changed: the ids of the reports (with the newest version seen of each), or
    ``ids`` None when the database cannot say which (SQLite, or after a reconnection)."""

    ids: frozenset[int] | None
    versions: tuple[tuple[int, int], ...] = ()

    def touches(self, report_id: int) -> bool:
        """Whether ``report_id`` may be among the changed reports."""
        return self.ids is None or report_id in self.ids


UNKNOWN = Changes(None)


class ChangeWatch(Protocol):
    def wait(self, timeout: float) -> Changes | None: ...

    def close(self) -> None: ...


def open_watch(engine: Engine) -> ChangeWatch:
    """A watch on the database of ``engine`` (its own connection, not one of the pool's)."""
    if engine.dialect.name == "postgresql":
        return PostgresWatch(engine)
    if engine.dialect.name == "sqlite":
        return SQLiteWatch(engine)
    raise ValueError(f"no change watch for {engine.dialect.name}")


def _connect_args(engine: Engine) -> tuple[list[Any], dict[str, Any]]:
    cargs, cparams = engine.dialect.create_connect_args(engine.url)
    cparams.pop("context", None)  # SQLAlchemy's adapters; the watch reads only text
    return list(cargs), dict(cparams)


class PostgresWatch:
    def __init__(self, engine: Engine) -> None:
        self._args = _connect_args(engine)
        self._conn: Any = None
        self._closed = False
        self._connect()  # the first connection is made at once: a watch starts listening now

    def _connect(self) -> None:
        import psycopg

        cargs, cparams = self._args
        conn = psycopg.connect(*cargs, **cparams, autocommit=True, connect_timeout=5)
        conn.execute(f"LISTEN {CHANNEL}")
        self._conn = conn

    @property
    def backend_pid(self) -> int | None:
        """The server process that listens (a test ends it to check the reconnection)."""
        return self._conn.info.backend_pid if self._conn is not None else None

    def wait(self, timeout: float) -> Changes | None:
        import psycopg

        if self._closed:
            return None
        if self._conn is None or self._conn.closed:
            return self._reconnect(timeout)
        try:
            first = list(self._conn.notifies(timeout=timeout, stop_after=1))
            if not first:
                return None
            found = list(first)
            deadline = time.monotonic() + GATHER_MAX_S
            while time.monotonic() < deadline:  # the rest of a burst comes in the same moment
                more = list(self._conn.notifies(timeout=QUIET_S))
                if not more:
                    break
                found.extend(more)
        except psycopg.Error as err:
            log.info("change watch: the connection dropped (%s); reconnecting", err)
            self._drop()
            return self._reconnect(timeout)
        return _parse(n.payload for n in found)

    def _reconnect(self, timeout: float) -> Changes | None:
        import psycopg

        try:
            self._connect()
        except psycopg.Error as err:
            log.info("change watch: cannot reconnect yet (%s)", err)
            time.sleep(min(timeout, 1.0))
            return None
        return UNKNOWN  # whatever happened while it was away is not known

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - it is gone already
                pass

    def close(self) -> None:
        self._closed = True
        self._drop()


def _parse(payloads: Any) -> Changes:
    versions: dict[int, int] = {}
    for payload in payloads:
        rid, _, version = payload.partition(":")
        try:
            versions[int(rid)] = max(int(version or 0), versions.get(int(rid), 0))
        except ValueError:  # not ours: say "something changed"
            return UNKNOWN
    return Changes(frozenset(versions), tuple(sorted(versions.items())))


class SQLiteWatch:
    def __init__(self, engine: Engine) -> None:
        self._args = _connect_args(engine)
        self._conn: sqlite3.Connection | None = None
        self._closed = False
        self._stop = threading.Event()
        self._version: int | None = None
        self._connect()

    def _connect(self) -> None:
        cargs, cparams = self._args
        cparams.setdefault("timeout", 5.0)
        conn = sqlite3.connect(*cargs, **cparams)
        conn.isolation_level = None  # no implicit transaction: each read sees the latest commit
        self._conn = conn
        self._version = self._read()

    def _read(self) -> int:
        assert self._conn is not None
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def wait(self, timeout: float) -> Changes | None:
        deadline = time.monotonic() + timeout
        while not self._closed:
            try:
                if self._conn is None:
                    self._connect()
                    return UNKNOWN
                version = self._read()
            except sqlite3.Error as err:
                log.info("change watch: cannot read the database (%s); reconnecting", err)
                self._drop()
                version = None
            if version is not None and version != self._version:
                self._version = version
                return UNKNOWN
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self._stop.wait(min(POLL_S, left))
        return None

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except sqlite3.Error:
                pass

    def close(self) -> None:
        self._closed = True
        self._stop.set()
        self._drop()
