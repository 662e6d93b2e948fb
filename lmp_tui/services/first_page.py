"""The recipe of the list's first page, for :mod:`lmp_tui.quickread`: the statements the
services run for it (signing in, counts per status, the page, the cycles), as SQLAlchemy
compiles them for this SQLite database, with their parameters and each column's kind.

It is captured from a real run of the statements on a connection of its own, so the SQL
and parameters are exactly what the driver is given; a column of a type outside the few
kinds :mod:`lmp_tui.quickread` converts means no recipe (the first page then takes the
long way round)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, Enum, Integer, Select, String, event, select
from sqlalchemy.types import TypeEngine

from .. import quickread
from ..storage.db import HEAD_REVISION
from ..storage.models import Distributor, StaffUser
from ..storage.types import ExactDecimal
from ..domain import Status
from ..validation import ReportQuery
from .base import ServiceBase
from .queries import cycles_statement, page_statement, status_count_statement


def keep(service: ServiceBase, path: Path, fields: dict[str, Any], page_size: int) -> bool:
    """Write the recipe to ``path`` unless the one there is current; whether it wrote."""
    name, distributor_id = _signed_in(service)
    made_for = {"user": name, "distributor_id": distributor_id, "schema": HEAD_REVISION,
                "fields": {**fields, "limit": page_size}, "page_size": page_size}
    kept = quickread.load(path)
    if kept is not None and quickread.made_for(kept, made_for) and _still_reads(kept, fields):
        return False
    made = _recipe(service, name, distributor_id, fields, page_size)
    if made is None:
        return False
    quickread.save(path, made)
    return True


def _still_reads(kept: dict[str, Any], fields: dict[str, Any]) -> bool:
    """Whether the kept recipe still reads the first page (a damaged one is written anew)."""
    try:
        return quickread.read_first_page(kept, fields) is not None
    except Exception:  # noqa: BLE001 - whatever the damage, the recipe is made again
        return False


def _signed_in(service: ServiceBase) -> tuple[str, int]:
    """The signed-in user's name and distributor (one read)."""
    with service._reading() as ctx:  # noqa: SLF001 - the services' own sign-in
        return ctx.user.name, ctx.user.distributor_id


def _kind(t: TypeEngine[Any]) -> str | None:
    if isinstance(t, Enum):
        name = getattr(t.enum_class, "__name__", None)
        return name if name in ("Status", "ReviewReason", "Role") else None
    if isinstance(t, ExactDecimal):
        return "exact"
    if isinstance(t, Boolean):
        return "bool"
    if isinstance(t, Integer):
        return "int"
    if isinstance(t, String):
        return "str"
    return None


def user_statement(name: str) -> Select[Any]:
    """The signing-in user: name, role, distributor's name, enabled, distributor id."""
    return (select(StaffUser.name, StaffUser.role, Distributor.name, StaffUser.enabled, StaffUser.distributor_id)
            .join(Distributor, Distributor.id == StaffUser.distributor_id).where(StaffUser.name == name))


def recipe(service: ServiceBase, fields: dict[str, Any], page_size: int) -> dict[str, Any] | None:
    """The recipe for the first page of ``fields`` (its ``limit`` replaced by ``page_size``,
    the most rows a first page shows), or None where there is none (not SQLite, a type
    without a kind)."""
    return _recipe(service, *_signed_in(service), fields, page_size)


def _recipe(service: ServiceBase, user_name: str, distributor_id: int, fields: dict[str, Any],
            page_size: int) -> dict[str, Any] | None:
    engine = service.db.engine
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return None
    fields = {**fields, "limit": page_size}
    q = ReportQuery(**fields)
    statements = {
        "user": user_statement(user_name),
        "counts": status_count_statement(distributor_id, ReportQuery(cycle=q.cycle, partner_text=q.partner_text)),
        "page": page_statement(distributor_id, q),
        # the same page of one status (a status filter chosen while the interface's database
        # stack still loads): the status is one parameter, set by the reader
        "page_by_status": page_statement(distributor_id, q.model_copy(update={"status": Status.UNDER_REVIEW})),
        "cycles": cycles_statement(distributor_id),
    }
    steps: dict[str, Any] = {}
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if statement.lstrip()[:6].upper() == "SELECT":  # not the BEGIN of the database's tuning
            captured.append((statement, parameters))

    with engine.connect() as conn:
        event.listen(conn, "before_cursor_execute", capture)
        for name, stmt in statements.items():
            captured.clear()
            conn.execute(stmt).all()
            kinds = [_kind(c.type) for c in stmt.selected_columns]
            if len(captured) != 1 or None in kinds:
                return None
            sql, params = captured[0]
            params = list(params)
            if not all(p is None or type(p) in (int, str) for p in params):
                return None
            steps[name] = {"sql": sql, "params": params, "kinds": kinds}
            if name == "page_by_status":
                at = [i for i, p in enumerate(params) if p == Status.UNDER_REVIEW.value]
                if len(at) != 1:
                    return None
                steps[name]["status_at"] = at[0]
        conn.rollback()
    return {"user": user_name, "distributor_id": distributor_id, "schema": HEAD_REVISION, "fields": fields,
            "page_size": page_size, "sqlite_path": str(Path(engine.url.database).resolve()), "steps": steps}
