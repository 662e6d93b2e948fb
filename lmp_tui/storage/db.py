"""Engines, sessions and migrations.

SQLite (the default) runs with WAL, a busy timeout and foreign keys on, and a write
transaction takes the write lock up front (``BEGIN IMMEDIATE``) so that two writers wait
for each other instead of failing half-way. Read transactions stay ``BEGIN DEFERRED``.
PostgreSQL goes through psycopg 3 (``postgresql+psycopg://``).
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import DatabaseUnavailable

BUSY_TIMEOUT_MS = 15_000
_WRITE = "lmp_write"
_MIGRATIONS = Path(__file__).with_name("migrations")


def normalise_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` mean psycopg 3 here."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalise_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUnavailable(
            f"'{url}' is not a database URL; use e.g. sqlite:///path/to/file.sqlite3 or "
            "postgresql://user@host/dbname."
        ) from None
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            parsed, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}, **kwargs
        )
        _sqlite_tuning(engine)
        return engine
    try:
        return create_engine(parsed, pool_pre_ping=True, **kwargs)
    except (NoSuchModuleError, ImportError) as err:
        raise DatabaseUnavailable(f"No driver for '{parsed.drivername}': {err}") from None


def _sqlite_tuning(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = "IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")


class Database:
    """An engine and the two kinds of session the services use."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(engine.execution_options(**{_WRITE: True}), expire_on_commit=False)

    @classmethod
    def open(cls, url: str, *, migrate: bool = True) -> "Database":
        db = cls(make_engine(url))
        try:
            if migrate:
                db.upgrade()
            else:
                with db.engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
        except OperationalError as err:
            db.engine.dispose()
            raise DatabaseUnavailable(f"Cannot open the database {db.display_url}: {_first_line(err)}") from None
        return db

    @property
    def display_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read() as session, session.begin():
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction that commits at the end, or rolls back whole on any error."""
        with self._write() as session, session.begin():
            yield session

    def upgrade(self, revision: str = "head") -> None:
        from alembic import command

        with self.engine.begin() as conn:
            cfg = alembic_config(conn)
            command.upgrade(cfg, revision)

    def current_revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def table_names(self) -> list[str]:
        return inspect(self.engine).get_table_names()

    def dispose(self) -> None:
        self.engine.dispose()


def alembic_config(connection: Any = None) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def _first_line(err: Exception) -> str:
    msg = str(getattr(err, "orig", err)) or type(err).__name__
    return msg.strip().splitlines()[0]
