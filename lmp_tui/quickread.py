"""The report list's first page from a SQLite database without the database stack.

Importing SQLAlchemy, pydantic and the services takes longer than Textual's whole start,
so the child of :mod:`lmp_tui.prefetch` first tries this: the four statements of the first
page (the user signing in, the counts per status, the page, the cycles) as SQLAlchemy
compiled them for this database at an earlier start (:mod:`lmp_tui.services.first_page`
writes that "recipe", with each column's kind), run with the standard library's sqlite3
in one read transaction, the values converted by kind and built into the same views the
services hand out.

A recipe is used only when everything it was made for still holds: the same code (its
files' sizes and times), the same arguments and environment (database, user, data
folder, working folder), the database's schema revision, and the user still enabled in
the same distributor. Otherwise, or on any error, the caller takes the long way round
(which also says properly what is wrong). The connection refuses writes
(``PRAGMA query_only``), and a recipe is plain JSON in the user's own data folder,
never code.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Callable

from .domain import ReviewReason, Role, Status
from .storage.exact import exact_from_db
from .views import ReportPage, ReportRow, StaffUserView

#: bump when the recipe's shape changes
RECIPE_FORMAT = 1
#: the longest the first page waits for another connection's write lock
BUSY_TIMEOUT_S = 2.0
#: the steps of a recipe, in the order they run
STEPS = ("user", "counts", "page", "cycles")
#: the modules whose code a recipe depends on: a change to any of them makes recipes stale
_CODE = ("quickread.py", "views.py", "domain.py", "storage/exact.py", "storage/models.py",
         "services/queries.py", "services/first_page.py", "services/base.py", "prefetch.py")
_PACKAGE = Path(__file__).resolve().parent

_ENUMS: dict[str, Callable[[Any], Any]] = {"Status": Status, "ReviewReason": ReviewReason, "Role": Role}
_KINDS: dict[str, Callable[[Any], Any]] = {
    "int": int, "str": str, "bool": bool, "exact": lambda v: exact_from_db(v, "sqlite"), **_ENUMS,
}


def code_stamp() -> str:
    """What identifies the code a recipe was made by."""
    parts = [str(RECIPE_FORMAT)]
    for name in _CODE:
        st = (_PACKAGE / name).stat()
        parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def recipe_path(url: str | None, user: str | None, demo: bool) -> Path:
    """Where the recipe for these arguments (and this environment) is kept."""
    env = {k: os.environ.get(k) for k in ("LMP_DATABASE_URL", "LMP_USER", "LMP_DATA_DIR", "USER", "LOGNAME")}
    key = json.dumps([url, user, demo, env, os.getcwd()], sort_keys=True)
    return cache_dir() / f"first-page-{hashlib.sha256(key.encode()).hexdigest()[:32]}.json"


def cache_dir() -> Path:
    data = os.environ.get("LMP_DATA_DIR")
    if data:
        return Path(data) / "cache"
    import platformdirs

    return Path(platformdirs.user_cache_dir("lmp-tui"))


def save(path: Path, recipe: dict[str, Any]) -> None:
    """Write a recipe (only its owner may read it), replacing any earlier one at once."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({**recipe, "code": code_stamp()}, out)
    os.replace(temp, path)


def load(path: Path) -> dict[str, Any] | None:
    """The recipe kept at ``path`` if the present code made it, else None. A file that is not
    the user's own, or that others may write, is not read."""
    try:
        st = path.stat()
        if st.st_uid != os.getuid() or st.st_mode & 0o022:
            return None
        recipe = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(recipe, dict) or recipe.get("code") != code_stamp():
        return None
    return recipe


def made_for(recipe: dict[str, Any], wanted: dict[str, Any]) -> bool:
    """Whether a recipe (the present code's: :func:`load`) was made for the same user,
    distributor, schema and first query (``wanted``: the recipe's own keys)."""
    return all(recipe.get(k) == v for k, v in wanted.items())


def read_first_page(recipe: dict[str, Any], fields: dict[str, Any]) -> tuple[StaffUserView, dict[Status, int],
                                                                           ReportPage, list[str]] | None:
    """The user, counts per status, first page and cycles, or None when the recipe does
    not apply (another query, schema or user) — errors are the caller's to swallow."""
    if recipe.get("fields") != {**fields, "limit": recipe.get("page_size")}:
        return None
    steps = recipe["steps"]
    db = _open(recipe)
    try:
        db.execute("BEGIN")  # one snapshot for all four reads
        schema = db.execute("SELECT version_num FROM alembic_version").fetchall()
        if schema != [(recipe["schema"],)]:
            return None
        ran = {name: _run(db, steps[name]) for name in STEPS}
        db.execute("ROLLBACK")
    finally:
        db.close()
    users = ran["user"]
    if len(users) != 1:
        return None
    name, role, distributor, enabled, distributor_id = users[0]
    if not enabled or distributor_id != recipe["distributor_id"] or name != recipe["user"]:
        return None  # the long way round says why (disabled, moved)
    found = dict(ran["counts"])
    counts = {s: int(found.get(s, 0)) for s in Status}
    rows = [ReportRow.from_values(r) for r in ran["page"][: fields["limit"]]]
    page = ReportPage(rows, sum(counts.values()), fields["offset"])
    return StaffUserView(name, role, distributor, enabled), counts, page, [c for (c,) in ran["cycles"]]


class EarlyReader:
    """The first page of the list for any status, by the recipe the first page came by,
    while the interface's own database stack still loads: a status filter chosen in the
    first second after the start is not kept waiting for it. Anything else (another cycle,
    a partner, a sort, the next page) waits for the services as before."""

    def __init__(self, recipe: dict[str, Any], counts: dict[Status, int]) -> None:
        self.recipe, self.counts = recipe, counts

    def answers(self, fields: dict[str, Any]) -> bool:
        """Whether ``fields`` is the first query with any status (nothing is read)."""
        return ({**fields, "status": None, "limit": self.recipe["page_size"]} == self.recipe["fields"]
                and fields["limit"] <= self.recipe["page_size"])

    def status_page(self, fields: dict[str, Any]) -> ReportPage | None:
        """The page of ``fields`` (the first query with any status), or None if it is
        another query."""
        recipe, status = self.recipe, fields.get("status")
        if not self.answers(fields):
            return None
        step = recipe["steps"]["page"]
        if status is not None:
            step = dict(recipe["steps"]["page_by_status"])
            params = list(step["params"])
            params[step["status_at"]] = Status(status).value
            step["params"] = params
        db = _open(recipe)
        try:
            rows = _run(db, step)
        finally:
            db.close()
        total = self.counts.get(Status(status), 0) if status is not None else sum(self.counts.values())
        return ReportPage([ReportRow.from_values(r) for r in rows[: fields["limit"]]], total, 0)


def _open(recipe: dict[str, Any]) -> Any:
    """The recipe's SQLite file, never created, refusing writes."""
    import sqlite3
    from urllib.parse import quote

    db = sqlite3.connect(f"file:{quote(recipe['sqlite_path'])}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_S,
                         isolation_level=None)
    try:
        db.execute("PRAGMA query_only = ON")
    except BaseException:
        db.close()
        raise
    return db


def _run(db: Any, step: dict[str, Any]) -> list[tuple[Any, ...]]:
    """One step's rows, each value converted by its column's kind (None stays None)."""
    convert = [_KINDS[k] for k in step["kinds"]]
    return [tuple(None if v is None else f(v) for f, v in zip(convert, row, strict=True))
            for row in db.execute(step["sql"], step["params"])]
