"""The report list's first page as plain SQL, for :mod:`lmp_tui.startup.quickread`: the statements
the services run for it (signing in, counts per status, the page, the page of one status,
the cycles), as SQLAlchemy compiles them for SQLite, with their parameters and each
column's kind, written into the module :mod:`lmp_tui.startup.first_page_sql`.

That module is code, made from the services' own statement functions by this one and
committed: nothing read at run time decides what the start's child runs. A test
(``tests/test_quickread.py``) makes it again and fails when it differs; make it again
with ``uv run python -m lmp_tui.startup.first_page`` after changing a statement, a model
or the first query.

The statements are captured from a real run on a database made for the purpose, so the
SQL and parameters are exactly what the driver is given. Where the values of a start go
(the user's name, the distributor, a status), the capture runs with a stand-in value that
no real start has, and the module names the place instead."""

from __future__ import annotations

import pprint
import sys
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, Enum, Integer, Select, String, event, select
from sqlalchemy.types import TypeEngine

from lmp_tui.commands.validation import ReportQuery
from lmp_tui.domain.model import Status
from lmp_tui.services.queries import cycles_statement, page_statement, status_count_statement
from lmp_tui.startup.prefetch import PAGE_SIZE, first_query
from lmp_tui.storage.db import HEAD_REVISION, Database
from lmp_tui.storage.models import Distributor, StaffUser
from lmp_tui.storage.types import ExactDecimal

#: the module this one writes
TARGET = Path(__file__).resolve().with_name("first_page_sql.py")

#: the stand-ins of a start's values while the statements are captured, by the name the
#: module gives their place
_STAND_INS: dict[str, Any] = {
    "user": "\x00user\x00",
    "distributor_id": 2_000_000_011,
    "status": Status.UNDER_REVIEW.value,
}


def user_statement(name: str) -> Select[*tuple[Any, ...]]:
    """The signing-in user: name, role, distributor's name, enabled, distributor id."""
    return (
        select(StaffUser.name, StaffUser.role, Distributor.name, StaffUser.enabled, StaffUser.distributor_id)
        .join(Distributor, Distributor.id == StaffUser.distributor_id)
        .where(StaffUser.name == name)
    )


def _statements() -> dict[str, Select[*tuple[Any, ...]]]:
    fields = {**first_query(24), "limit": PAGE_SIZE}
    q = ReportQuery(**fields)
    distributor = _STAND_INS["distributor_id"]
    return {
        "user": user_statement(_STAND_INS["user"]),
        "counts": status_count_statement(distributor, ReportQuery(cycle=q.cycle, partner_text=q.partner_text)),
        "page": page_statement(distributor, q),
        # the same page of one status (a status filter chosen while the interface's
        # database stack still loads): the status is one parameter
        "page_by_status": page_statement(distributor, q.model_copy(update={"status": Status.UNDER_REVIEW})),
        "cycles": cycles_statement(distributor),
    }


def _kind(t: TypeEngine[Any]) -> str:
    if isinstance(t, Enum):
        name = getattr(t.enum_class, "__name__", None)
        if name in ("Status", "ReviewReason", "Role"):
            return str(name)
    elif isinstance(t, ExactDecimal):
        return "exact"
    elif isinstance(t, Boolean):
        return "bool"
    elif isinstance(t, Integer):
        return "int"
    elif isinstance(t, String):
        return "str"
    raise ValueError(f"a column of type {t!r} has no kind lmp_tui.startup.quickread converts")


def capture(db: Database) -> dict[str, Any]:
    """Each statement's SQL, parameters (a start's value named where it goes) and column
    kinds, as run on ``db`` (a SQLite database at the present schema)."""
    captured: list[tuple[str, Any]] = []

    def listen(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if statement.lstrip()[:6].upper() == "SELECT":  # not the BEGIN of the database's tuning
            captured.append((statement, parameters))

    steps: dict[str, Any] = {}
    places = {v: k for k, v in _STAND_INS.items()}
    with db.engine.connect() as conn:
        event.listen(conn, "before_cursor_execute", listen)
        for name, stmt in _statements().items():
            captured.clear()
            conn.execute(stmt).all()
            if len(captured) != 1:
                raise ValueError(f"the {name} statement ran as {len(captured)} statements, not one")
            sql, params = captured[0]
            params = list(params)
            if not all(p is None or type(p) in (int, str) for p in params):
                raise ValueError(f"the {name} statement has a parameter that is not a number or text")
            steps[name] = {
                "sql": sql,
                "kinds": [_kind(c.type) for c in stmt.selected_columns],
                "params": params,
                "places": {i: places[p] for i, p in enumerate(params) if p in places},
            }
        conn.rollback()
    if sorted(steps["page_by_status"]["places"].values()) != ["distributor_id", "status"]:
        raise ValueError("the page of one status must take the distributor and the status once each")
    return steps


def source(db: Database) -> str:
    """The module :data:`TARGET`, as the present code makes it."""
    fields = {**first_query(24), "limit": PAGE_SIZE}
    return (
        '"""The report list\'s first page as plain SQL for SQLite (:mod:`lmp_tui.startup.quickread`).\n\n'
        "Made by :mod:`lmp_tui.startup.first_page` from the services' own statements; do not\n"
        'edit: make it again with ``uv run python -m lmp_tui.startup.first_page``."""\n\n'
        "from typing import Any\n\n"
        "#: the schema revision the statements were made for\n"
        f"SCHEMA = {HEAD_REVISION!r}\n"
        "#: the query they answer (the list's first query, at its largest page)\n"
        f"FIELDS: dict[str, Any] = {pprint.pformat(fields, width=100, sort_dicts=True, compact=True)}\n"
        "#: each step's SQL, column kinds, parameters, and which parameter takes which value of a start\n"
        f"STEPS: dict[str, dict[str, Any]] = {pprint.pformat(capture(db), width=100, sort_dicts=True, compact=True)}\n"
    )


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        db = Database.open(f"sqlite:///{Path(folder) / 'first-page.sqlite3'}", create=True)
        try:
            text = source(db)
        finally:
            db.dispose()
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
