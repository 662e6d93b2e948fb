"""Engines, sessions and migrations.

SQLite (the default) runs with WAL, a busy timeout and foreign keys on, and a write
transaction takes the write lock up front (``BEGIN IMMEDIATE``) so that two writers wait
for each other instead of failing half-way. Read transactions stay ``BEGIN DEFERRED``.
PostgreSQL goes through psycopg 3 (``postgresql+psycopg://``).
"""

from __future__ import annotations

import enum
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    NoSuchModuleError,
    OperationalError,
    ProgrammingError,
    SQLAlchemyError,
    StatementError,
)
from sqlalchemy.orm import Session, sessionmaker

from lmp_tui.errors import DatabaseUnavailable, InvalidInput, LmpError
from lmp_tui.files import create_file, make_folder
from lmp_tui.places import sqlite_file

BUSY_TIMEOUT_S = 15.0
_WRITE = "lmp_write"
_MIGRATIONS = Path(__file__).with_name("migrations")
#: the schema revisions this version knows, oldest first (a test checks them against Alembic)
REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007")
HEAD_REVISION = REVISIONS[-1]
CREATE_HINT = (
    "`lmp-tui init --db URL --distributor NAME --admin LOGIN` starts your own, "
    "`lmp-tui demo --db URL` makes one with demo data"
)


def normalise_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` mean psycopg 3 here."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str, *, create: bool = False, busy_timeout_s: float | None = None, **kwargs: Any) -> Engine:
    """An engine for ``url``. With ``create``, a SQLite file that does not exist is made,
    with its folder, owner-only (:mod:`lmp_tui.files`): SQLite would make it readable by all."""
    url = normalise_url(url)
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise DatabaseUnavailable(
            f"'{url}' is not a database URL; use e.g. sqlite:///path/to/file.sqlite3 or postgresql://user@host/dbname."
        ) from None
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_file(parsed.database)
        if path is not None and create:
            _create_sqlite_file(path)
        timeout = BUSY_TIMEOUT_S if busy_timeout_s is None else busy_timeout_s
        engine = create_engine(parsed, connect_args={"timeout": timeout, "check_same_thread": False}, **kwargs)
        _sqlite_tuning(engine, int(timeout * 1000))
        return engine
    try:
        return create_engine(parsed, pool_pre_ping=True, **kwargs)
    except (NoSuchModuleError, ImportError) as err:
        raise DatabaseUnavailable(f"No driver for '{parsed.drivername}': {err}") from None


def _create_sqlite_file(path: Path) -> None:
    """The database file and its folder, if missing, with the modes of :mod:`lmp_tui.files`
    (SQLite gives its ``-wal`` and ``-shm`` the database file's mode)."""
    try:
        make_folder(path.parent)
    except OSError as err:
        raise DatabaseUnavailable(
            f"Cannot create the folder {path.parent} for the database ({err.strerror}); check the path given with --db."
        ) from None
    try:
        os.close(create_file(path))
    except FileExistsError:
        pass
    except OSError as err:
        raise DatabaseUnavailable(
            f"Cannot create the database file {path} ({err.strerror}); check the path given with --db "
            "and that you may write in its folder."
        ) from None


def sqlite_path(engine: Engine) -> Path | None:
    """The file of a SQLite database (None for PostgreSQL and in-memory databases)."""
    return sqlite_file(engine.url.database) if engine.dialect.name == "sqlite" else None


def _sqlite_tuning(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA synchronous = NORMAL")  # (WAL is set once, when the schema is made)
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = "IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")


class SchemaState(enum.Enum):
    """What a database holds, as far as lmp-tui is concerned."""

    MISSING = "missing"  # no file there (SQLite)
    EMPTY = "empty"  # no tables at all
    FOREIGN = "foreign"  # tables, but not lmp-tui's
    BEHIND = "behind"  # lmp-tui's, at an older schema revision
    CURRENT = "current"
    NEWER = "newer"  # made by a newer version of lmp-tui


class Database:
    """An engine and the two kinds of session the services use. Every database error
    leaves these sessions as an :class:`LmpError` with a sentence (see :func:`translate`)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(engine.execution_options(**{_WRITE: True}), expire_on_commit=False)

    @classmethod
    def open(cls, url: str, *, create: bool = False, busy_timeout_s: float | None = None) -> Database:
        """Open an lmp-tui database that is at the current schema revision.

        Only the commands that make databases (``db upgrade``, ``demo``) pass ``create``:
        they may create the file and the schema, or migrate an older one. Every other
        caller is refused, with the command that would help, when the database is missing,
        empty, not lmp-tui's, older or newer; nothing is created."""
        engine = make_engine(url, create=create, busy_timeout_s=busy_timeout_s)
        db = cls(engine)
        try:
            path = sqlite_path(engine)
            if path is not None and not path.exists() and not create:
                raise DatabaseUnavailable(_missing(path, db.display_url))
            state = db.schema_state()
            if create:
                db.upgrade(state=state)
            elif state is not SchemaState.CURRENT:
                raise DatabaseUnavailable(_refusal(state, db))
        except SQLAlchemyError as err:
            engine.dispose()
            raise translate(err, db.display_url) from None
        except BaseException:
            engine.dispose()
            raise
        return db

    @property
    def display_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._translated(), self._read() as session, session.begin():
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction that commits at the end, or rolls back whole on any error."""
        with self._translated(), self._write() as session, session.begin():
            yield session

    @contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except SQLAlchemyError as err:
            raise translate(err, self.display_url) from None

    def schema_state(self) -> SchemaState:
        """One query on a current database (its schema revision); a second look at the
        table names only when that fails."""
        path = sqlite_path(self.engine)
        if path is not None and not path.exists():
            return SchemaState.MISSING
        try:
            with self.engine.connect() as conn:
                revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except (OperationalError, ProgrammingError):
            revision = None
        if revision is None:
            names = set(inspect(self.engine).get_table_names()) - {"alembic_version"}
            if not names:
                return SchemaState.EMPTY
            return SchemaState.FOREIGN
        if revision == HEAD_REVISION:
            return SchemaState.CURRENT
        if revision in REVISIONS:
            return SchemaState.BEHIND
        return SchemaState.NEWER

    def upgrade(self, revision: str = "head", *, state: SchemaState | None = None) -> None:
        """Create or migrate the schema; refuses a database that is not lmp-tui's or that
        a newer lmp-tui made. Alembic is imported only when there is something to do: a
        current database costs one query (its revision) and no Alembic at all."""
        state = state or self.schema_state()
        if state in (SchemaState.FOREIGN, SchemaState.NEWER):
            raise DatabaseUnavailable(_refusal(state, self))
        if state is SchemaState.CURRENT and revision == "head":
            return
        from alembic import command

        with self._translated():
            if self.dialect == "sqlite":  # kept by the file: readers and a writer at once
                raw = self.engine.raw_connection()  # outside any transaction, as SQLite wants
                try:
                    raw.cursor().execute("PRAGMA journal_mode = WAL")
                finally:
                    raw.close()
            with self.engine.begin() as conn:
                command.upgrade(alembic_config(conn), revision)

    def reset(self) -> None:
        """Drop every lmp-tui table and build the schema again (the demo generator's way to
        replace an earlier demo: the history is append-only, so it is never deleted row by row)."""
        from alembic import command

        with self._translated(), self.engine.begin() as conn:
            command.downgrade(alembic_config(conn), "base")
            command.upgrade(alembic_config(conn), "head")

    def current_revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def dispose(self) -> None:
        self.engine.dispose()


def alembic_config(connection: Any = None) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


# --------------------------------------------------------------------------- refusals


def _missing(path: Path, url: str) -> str:
    where = "" if path.parent.is_dir() else f" (the folder {path.parent} does not exist either)"
    if not path.is_absolute():  # sqlite:///x is x in the current folder; an absolute path takes four slashes
        where += (
            f"; {path} is relative to the current folder {Path.cwd()}: an absolute path takes four slashes, "
            f"sqlite:////{str(path).lstrip('/')}"
        )
    return f"There is no database at {path}{where}; check --db, or create one: {CREATE_HINT.replace('URL', url)}."


def _refusal(state: SchemaState, db: Database) -> str:
    url = db.display_url
    if state is SchemaState.EMPTY:
        return f"The database {url} is empty (no lmp-tui tables); {CREATE_HINT.replace('URL', url)}."
    if state is SchemaState.FOREIGN:
        return (
            f"The database {url} holds tables that are not lmp-tui's; lmp-tui does not touch it. "
            "Check --db (or LMP_DATABASE_URL)."
        )
    if state is SchemaState.NEWER:
        return (
            f"The database {url} was made by a newer version of lmp-tui (schema revision "
            f"{db.current_revision()}; this version knows up to {HEAD_REVISION}). Install the newer "
            "lmp-tui to use it."
        )
    if state is SchemaState.BEHIND:
        return (
            f"The database {url} was made by an older version of lmp-tui (schema revision "
            f"{db.current_revision()}); run `lmp-tui db upgrade --db {url}` to bring it up to date."
        )
    return f"The database {url} cannot be used ({state.value})."


def translate(err: SQLAlchemyError, url: str) -> LmpError:
    """A database error as a sentence for a clerk: what happened and what to do next."""
    orig = getattr(err, "orig", None)
    if isinstance(err, StatementError) and orig is None and err.__cause__ is not None:
        orig = err.__cause__
    detail = _first_line(orig if orig is not None else err)
    low = detail.lower()
    if isinstance(orig, (ValueError, TypeError, OverflowError)) or "out of range" in low or "overflow" in low:
        return InvalidInput(
            f"A value is too large or too precise to store ({detail}); nothing was changed. "
            "Amounts are stored up to 99,999,999,999,999.9999 with 4 decimals."
        )
    if "file is not a database" in low or "malformed" in low or "not a database" in low:
        return DatabaseUnavailable(
            f"{url} is not an lmp-tui database, or it is damaged ({detail}); nothing "
            "was changed. Check --db, or restore the file from a backup."
        )
    if "database is locked" in low or "database table is locked" in low or "lock timeout" in low:
        return DatabaseUnavailable(
            "The database is busy: another lmp-tui is writing to it and did not finish "
            "in time; nothing was changed. Try again in a moment."
        )
    if "readonly" in low or "read-only" in low or "permission denied" in low:
        return DatabaseUnavailable(
            f"The database {url} is read-only for you ({detail}); nothing was changed. "
            "Ask whoever runs it for write access, or work on a copy."
        )
    if "unable to open database file" in low:
        return DatabaseUnavailable(
            f"Cannot open the database file of {url} ({detail}); check the path and its permissions."
        )
    if "does not exist" in low and "database" in low:
        return DatabaseUnavailable(
            f"{detail.capitalize()} on the server of {url}; create it (createdb), then "
            f"run `lmp-tui init --db {url} --distributor NAME --admin LOGIN`."
        )
    if "connection" in low or "could not connect" in low or "server" in low:
        return DatabaseUnavailable(
            f"Cannot reach the database {url} ({detail}); check the URL and that the server is running, then try again."
        )
    return DatabaseUnavailable(f"The database {url} refused the request ({detail}); nothing was changed.")


def _first_line(err: BaseException) -> str:
    msg = str(err) or type(err).__name__
    return msg.strip().splitlines()[0]
