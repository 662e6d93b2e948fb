"""The report list's first page from a SQLite database without the database stack.

Importing SQLAlchemy, pydantic and the services takes longer than Textual's whole start,
so the child of :mod:`lmp_tui.startup.prefetch` first tries this: the statements of the first page
(the user signing in, the counts per status, the page, the cycles) as SQLAlchemy compiles
them for SQLite, kept as code in :mod:`lmp_tui.startup.first_page_sql` (made from the
services' own statement functions, and checked by a test to be current), run with the
standard library's sqlite3 in one read transaction, the values converted by kind and
built into the same views the services hand out.

Nothing read at run time decides what runs: the SQL is the code's, the values are
parameters. The database is the one the start would open (:mod:`lmp_tui.places`), a plain
SQLite file only, never created, on a connection that refuses writes; it is used only at
the schema revision the statements were made for, and for a user who is enabled. Otherwise,
or on any error, the caller takes the long way round (which also says properly what is
wrong)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lmp_tui import places
from lmp_tui.domain.model import ReviewReason, Role, Status
from lmp_tui.domain.views import ReportPage, ReportRow, StaffUserView
from lmp_tui.safetext import find_unsafe
from lmp_tui.startup import first_page_sql as made
from lmp_tui.storage.exact import exact_from_db

#: the longest the first page waits for another connection's write lock
BUSY_TIMEOUT_S = 2.0

_ENUMS: dict[str, Callable[[Any], Any]] = {"Status": Status, "ReviewReason": ReviewReason, "Role": Role}
_KINDS: dict[str, Callable[[Any], Any]] = {
    "int": int,
    "str": str,
    "bool": bool,
    "exact": lambda v: exact_from_db(v, "sqlite"),
    **_ENUMS,
}


@dataclass(frozen=True)
class Source:
    """Where a first page was read: the database file and the signed-in user's distributor."""

    path: Path
    distributor_id: int


def locate(url: str | None, user: str | None, demo: bool) -> tuple[Path, str] | None:
    """The SQLite file and the staff user a start with these arguments opens, when the
    database is a plain SQLite file and both are plain text; else None."""
    target, name = places.from_environment(url, user, demo)
    if find_unsafe(target) is not None or find_unsafe(name) is not None:
        return None  # the long way refuses it with a sentence
    path = places.plain_sqlite_file(target)
    return (path, name) if path is not None else None


def answers(fields: dict[str, Any], *, any_status: bool = False) -> bool:
    """Whether ``fields`` is the query the statements answer (with any status, if asked)."""
    asked = {**fields, "limit": made.FIELDS["limit"]}
    if any_status:
        asked["status"] = None
    return asked == made.FIELDS and 0 < fields["limit"] <= made.FIELDS["limit"]


def read_first_page(
    path: Path, user: str, fields: dict[str, Any]
) -> tuple[StaffUserView, dict[Status, int], ReportPage, list[str], Source] | None:
    """The user, counts per status, first page and cycles, and where they were read; None
    when the statements do not apply (another query, schema, or the user is not signed
    in) — errors are the caller's to swallow."""
    if not answers(fields):
        return None
    db = _open(path)
    try:
        db.execute("BEGIN")  # one snapshot for every read
        if db.execute("SELECT version_num FROM alembic_version").fetchall() != [(made.SCHEMA,)]:
            return None
        users = _run(db, "user", user=user)
        if len(users) != 1 or not users[0][3]:
            return None  # unknown or disabled: the long way round says so
        name, role, distributor, enabled, distributor_id = users[0]
        found = dict(_run(db, "counts", distributor_id=distributor_id))
        rows = _run(db, "page", distributor_id=distributor_id)
        cycles = [c for (c,) in _run(db, "cycles", distributor_id=distributor_id)]
        db.execute("ROLLBACK")
    finally:
        db.close()
    counts = {s: int(found.get(s, 0)) for s in Status}
    page = ReportPage([ReportRow.from_values(r) for r in rows[: fields["limit"]]], sum(counts.values()), 0)
    return StaffUserView(name, role, distributor, enabled), counts, page, cycles, Source(path, distributor_id)


class EarlyReader:
    """The first page of the list for any status, by the same statements the first page
    came by, while the interface's own database stack still loads: a status filter chosen
    in the first second after the start is not kept waiting for it. Anything else (another
    cycle, a partner, a sort, the next page) waits for the services as before."""

    def __init__(self, source: Source, counts: dict[Status, int]) -> None:
        self.source, self.counts = source, counts

    def answers(self, fields: dict[str, Any]) -> bool:
        """Whether ``fields`` is the first query with any status (nothing is read)."""
        return answers(fields, any_status=True)

    def status_page(self, fields: dict[str, Any]) -> ReportPage | None:
        """The page of ``fields`` (the first query with any status), or None if it is
        another query."""
        if not self.answers(fields):
            return None
        status = fields.get("status")
        db = _open(self.source.path)
        try:
            if status is None:
                rows = _run(db, "page", distributor_id=self.source.distributor_id)
            else:
                rows = _run(
                    db, "page_by_status", distributor_id=self.source.distributor_id, status=Status(status).value
                )
        finally:
            db.close()
        total = self.counts.get(Status(status), 0) if status is not None else sum(self.counts.values())
        return ReportPage([ReportRow.from_values(r) for r in rows[: fields["limit"]]], total, 0)


def _open(path: Path) -> Any:
    """The SQLite file, never created, refusing writes."""
    import sqlite3
    from urllib.parse import quote

    db = sqlite3.connect(f"file:{quote(str(path))}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        db.execute("PRAGMA query_only = ON")
    except BaseException:
        db.close()
        raise
    return db


def _run(db: Any, name: str, **values: Any) -> list[tuple[Any, ...]]:
    """One step's rows, a start's values in their places, each value converted by its
    column's kind (None stays None)."""
    step = made.STEPS[name]
    params = list(step["params"])
    for at, place in step["places"].items():
        params[at] = values[place]
    convert = [_KINDS[k] for k in step["kinds"]]
    return [
        tuple(None if v is None else f(v) for f, v in zip(convert, row, strict=True))
        for row in db.execute(step["sql"], params)
    ]
