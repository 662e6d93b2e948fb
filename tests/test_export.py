"""Export Reports: one snapshot of the database in the list's order, export files that never
replace each other, and files and folders that only their owner (or the admin's group) reads."""

from __future__ import annotations

import csv
import io
import os
import stat
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator

import pytest
from sqlalchemy import text

from lmp_tui.cli.main import main
from lmp_tui.domain.model import Status
from lmp_tui.files import make_folder, new_export
from lmp_tui.domain.sorting import SORT_KEYS
from lmp_tui.storage.db import Database

MOMENT = datetime(2026, 11, 20, 9, 30, 0, 123456)


def _exported(svc, **query) -> list[dict[str, str]]:  # noqa: ANN001
    out = io.StringIO()
    svc.export_csv(out, page_size=2, **query)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


class _WritesMidway(io.StringIO):
    """A CSV target that runs ``meanwhile`` once, after ``after`` writes (the header and
    the first page's rows): others writing while the export is under way."""

    def __init__(self, after: int, meanwhile: Callable[[], None]) -> None:
        super().__init__()
        self.left, self.meanwhile = after, meanwhile

    def write(self, s: str) -> int:
        n = super().write(s)
        self.left -= 1
        if self.left == 0:
            self.meanwhile()
        return n


@pytest.mark.parametrize("sort", ["partner", "cycle"])
def test_an_export_is_the_database_as_it_was_when_it_began_while_others_write(service, world, db, sort):
    svc = service()
    before = _exported(svc, sort=sort)
    assert len(before) == 9

    def others_write() -> None:
        # a partner renamed moves its reports to the top of the list; a new report comes
        # first; a report is submitted: each would shift the pages still to come
        with db.write() as s:
            s.execute(text("UPDATE billing_reports SET partner_name = 'Aaa Renamed', partner_key = 'aaa renamed' "
                           "WHERE partner_name = 'Tokyo Secure K.K.'"))
            s.execute(text("UPDATE billing_reports SET status = 'submitted', po_number = 'PO-NEW' WHERE id = :id"),
                      {"id": world["review"]})
        world.report("new", "acme", "2026-12", Status.UNDER_REVIEW, None)

    out = _WritesMidway(after=3, meanwhile=others_write)
    n = svc.export_csv(out, sort=sort, page_size=2)
    during = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert out.left < 0  # the others wrote while rows were still to come
    assert during == before and n == 9  # no report skipped, repeated, or half-changed
    after = _exported(svc, sort=sort)
    assert len(after) == 10 and "Aaa Renamed" in {r["partner"] for r in after}  # the writes were real


def test_an_export_of_many_pages_is_one_statement_without_counts(service, world, db):
    from sqlalchemy import event

    statements: list[str] = []

    def seen(conn, cursor, statement, *args) -> None:  # noqa: ANN001
        statements.append(" ".join(statement.split()).upper())

    svc = service()
    svc.whoami()
    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        assert len(_exported(svc)) == 9  # 2 rows a page
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    reads = [s for s in statements if "FROM BILLING_REPORTS" in s]
    assert len(reads) == 1 and "COUNT(" not in reads[0] and "OFFSET" not in reads[0], statements


def test_the_export_is_in_the_lists_order_for_every_sort_order(service, world):
    svc = service()
    for sort in SORT_KEYS:
        for descending in (False, True):
            listed = [r.id for r in svc.query_reports(sort=sort, descending=descending, limit=1000).rows]
            exported = [int(r["id"]) for r in _exported(svc, sort=sort, descending=descending)]
            assert exported == listed, (sort, descending)
    first_two = svc.query_reports(sort="total", descending=True, limit=2).rows
    assert [int(r["id"]) for r in _exported(svc, sort="total", descending=True, limit=2)] == [r.id for r in first_two]


def test_the_command_line_csv_is_the_same_snapshot_with_its_limit(service, world, db, capsys):
    url = db.engine.url.render_as_string(hide_password=False)
    assert main(["reports", "--db", url, "--user", "billing", "--format", "csv", "--sort", "partner",
                 "--limit", "3"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [int(r["id"]) for r in rows] == [r.id for r in service().query_reports(sort="partner", limit=3).rows]


# --------------------------------------------------------------------------- export names


def test_two_exports_in_the_same_moment_are_two_files(tmp_path):
    first, out = new_export(tmp_path, MOMENT)
    with out:
        out.write("first\n")
    second, out = new_export(tmp_path, MOMENT)
    with out:
        out.write("second\n")
    assert first.name == "billing-reports-20261120-093000-123.csv"
    assert second.name == "billing-reports-20261120-093000-123-2.csv"
    assert first.read_text() == "first\n" and second.read_text() == "second\n"


def test_exports_from_processes_at_once_never_replace_each_other(tmp_path):
    code = ("import sys; from datetime import datetime; from pathlib import Path\n"
            "from lmp_tui.files import new_export\n"
            "path, out = new_export(Path(sys.argv[1]), datetime(2026, 11, 20, 9, 30, 0, 123456))\n"
            "out.write(sys.argv[2]); out.close()")
    children = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path), f"child {i}"]) for i in range(6)]
    assert all(c.wait(timeout=60) == 0 for c in children)
    files = sorted(tmp_path.glob("billing-reports-20261120-093000-123*.csv"))
    assert len(files) == 6
    assert sorted(f.read_text() for f in files) == [f"child {i}" for i in range(6)]


# --------------------------------------------------------------------------- who may read the files


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)  # the usual one: what is made is readable by every local user unless lmp-tui says not
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _init_and_write(db_path: Path) -> Database:
    """``lmp-tui init`` of a new database, then the database open with a write made (its
    ``-wal`` and ``-shm`` exist while it is open)."""
    url = f"sqlite:///{db_path}"
    assert main(["init", "--db", url, "--distributor", "Ours", "--admin", "boss"]) == 0
    db = Database.open(url)
    with db.write() as s:
        s.execute(text("UPDATE distributors SET name = 'Ours Ltd'"))
    return db


def test_init_makes_the_database_its_folders_and_its_wal_the_owners_only(tmp_path, umask_022, capsys):
    db = _init_and_write(tmp_path / "data" / "lmp" / "billing.sqlite3")
    try:
        assert _mode(tmp_path / "data") == 0o700 and _mode(tmp_path / "data" / "lmp") == 0o700
        for name in ("billing.sqlite3", "billing.sqlite3-wal", "billing.sqlite3-shm"):
            assert _mode(tmp_path / "data" / "lmp" / name) == 0o600, name
    finally:
        db.dispose()


def test_in_a_folder_the_admin_shares_with_its_group_the_database_is_the_groups_too(tmp_path, umask_022, capsys):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o2770)  # the admin's sign: chgrp billing shared && chmod 2770 shared
    db = _init_and_write(shared / "lmp" / "billing.sqlite3")
    try:
        assert _mode(shared / "lmp") == 0o2770
        for name in ("billing.sqlite3", "billing.sqlite3-wal", "billing.sqlite3-shm"):
            assert _mode(shared / "lmp" / name) == 0o660, name
    finally:
        db.dispose()


def test_an_existing_folder_and_database_keep_their_modes(tmp_path, umask_022, capsys):
    tmp_path.chmod(0o755)
    _init_and_write(tmp_path / "billing.sqlite3").dispose()
    (tmp_path / "billing.sqlite3").chmod(0o640)
    assert main(["db", "upgrade", "--db", f"sqlite:///{tmp_path / 'billing.sqlite3'}"]) == 0
    assert _mode(tmp_path) == 0o755 and _mode(tmp_path / "billing.sqlite3") == 0o640


def test_exports_and_their_folder_are_the_owners_only_unless_the_folder_is_shared(tmp_path, umask_022):
    path, out = new_export(tmp_path / "exports" / "alice", MOMENT)
    out.close()
    assert _mode(tmp_path / "exports") == 0o700 and _mode(tmp_path / "exports" / "alice") == 0o700
    assert _mode(path) == 0o600
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o2770)
    path, out = new_export(shared, MOMENT)
    out.close()
    assert _mode(path) == 0o660
    make_folder(shared / "sessions" / "bob")  # the SSH server's folder of one user's exports
    assert _mode(shared / "sessions") == 0o2770 and _mode(shared / "sessions" / "bob") == 0o2770
