"""The first page without the database stack (lmp_tui.startup.quickread): the start's child reads
the same user, counts, page and cycles as the services, with sqlite3 alone, by statements
kept as code (lmp_tui.startup.first_page_sql, made from the services' statements and
current); nothing in the data folder decides what runs or slows the start; a user disabled
or moved, another schema or another query is not read that way; the database is found as
the settings find it."""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import pytest
from sqlalchemy import text, update

from lmp_tui import places

from lmp_tui.startup import prefetch

from lmp_tui.startup import quickread
from lmp_tui.domain.model import Status
from lmp_tui.services import BillingService
from lmp_tui.startup.first_page import TARGET, source
from lmp_tui.settings import Settings
from lmp_tui.storage import models as m
from lmp_tui.commands.validation import ReportQuery

from .factory import World


@pytest.fixture
def world_file(sqlite_db, tmp_path, monkeypatch):
    """The world's SQLite database and its URL; the data folder in ``tmp_path``."""
    monkeypatch.setenv("LMP_DATA_DIR", str(tmp_path / "data"))
    World.build(sqlite_db)
    return sqlite_db, sqlite_db.engine.url.render_as_string(hide_password=False)


def quick(url, height=24):
    found = quickread.locate(url, "billing", False)
    assert found is not None
    return quickread.read_first_page(*found, prefetch.first_query(height))


def the_services_first_page(db, height: int):
    service = BillingService(db, "billing")
    fields = prefetch.first_query(height)
    counts = service.status_counts()
    return (service.whoami(), counts, service.query_reports(ReportQuery(**fields), total=sum(counts.values())),
            service.cycles())


def test_the_kept_statements_are_the_services_own(sqlite_db):
    """The module of statements is what the present code makes: a change to a statement,
    a model or the first query without making it again fails here."""
    assert source(sqlite_db) == TARGET.read_text(encoding="utf-8"), (
        "lmp_tui/startup/first_page_sql.py is stale: run `uv run python -m lmp_tui.startup.first_page`")


@pytest.mark.parametrize("height", [24, 10, 60])
def test_the_statements_read_what_the_services_read(world_file, height):
    db, url = world_file
    user, counts, page, cycles, _ = quick(url, height)
    want = the_services_first_page(db, height)
    assert (user, counts, page.rows, page.total_count, cycles) == (want[0], want[1], want[2].rows,
                                                                   want[2].total_count, want[3])
    assert len(page.rows) == min(9, prefetch.page_rows(height - prefetch.CHROME_LINES))


@pytest.mark.parametrize("height", [24, 60])
def test_a_status_s_page_is_read_the_same_way_while_the_services_load(world_file, height):
    db, url = world_file
    _, counts, _, _, where = quick(url, height)
    early = quickread.EarlyReader(where, counts)
    service = BillingService(db, "billing")
    for status in [None, *Status]:
        fields = {**prefetch.first_query(height), "status": status}
        page = early.status_page(fields)
        want = service.query_reports(ReportQuery(**fields))
        assert (page.rows, page.total_count) == (want.rows, want.total_count), status
    assert any(early.status_page({**prefetch.first_query(height), "status": s}).rows for s in Status)
    # another cycle, partner, sort or page: not this way (the services read those)
    for other in ({"cycle": "2026-10"}, {"partner_text": "acme"}, {"sort": "partner"}, {"offset": 19}):
        fields = {**prefetch.first_query(height), **other}
        assert not early.answers(fields) and early.status_page(fields) is None


def test_the_starting_child_reads_without_the_database_stack(world_file):
    db, url = world_file
    first = prefetch.start(url, "billing", False, height=24).take(timeout=60)
    assert first is not None and first.source is not None
    assert first.page.rows == the_services_first_page(db, 24)[2].rows


def _hostile_recipes(cache: Path, stolen: Path, url: str) -> None:
    """What the data folder's cache held at an earlier version (the first page's statements
    as JSON), as an attacker would write it: statements that copy the staff users and keys
    out and change a report's PO; a link; a huge file; and, where that version looked for
    this start's file, a FIFO (which held its start)."""
    cache.mkdir(parents=True)
    env = {k: os.environ.get(k) for k in ("LMP_DATABASE_URL", "LMP_USER", "LMP_DATA_DIR", "USER", "LOGNAME")}
    key = json.dumps([url, "billing", False, env, os.getcwd()], sort_keys=True)
    os.mkfifo(cache / f"first-page-{hashlib.sha256(key.encode()).hexdigest()[:32]}.json")
    steps = {"sql": f"COMMIT; PRAGMA query_only = OFF; ATTACH '{stolen}' AS l; "
                    "CREATE TABLE l.stolen AS SELECT * FROM staff_users", "params": [], "kinds": []}
    cache.joinpath("first-page-0.json").write_text(json.dumps({"steps": {"user": steps, "page": {
        "sql": "UPDATE billing_reports SET po_number = 'PWNED'", "params": [], "kinds": []}}}))
    cache.joinpath("first-page-1.json").symlink_to("/etc/passwd")
    with cache.joinpath("first-page-2.json").open("wb") as big:
        big.truncate(400 * 2**20)  # sparse: 400 MB that cost no disk
    os.mkfifo(cache / "first-page-3.json")


def test_nothing_in_the_data_folder_decides_what_runs_or_holds_the_start(world_file, tmp_path):
    db, url = world_file
    stolen = tmp_path / "stolen.sqlite3"
    _hostile_recipes(tmp_path / "data" / "cache", stolen, url)
    began = time.monotonic()
    first = prefetch.start(url, "billing", False, height=24).take(timeout=60)
    assert time.monotonic() - began < 10  # a FIFO read would hold it (it once held 11 s)
    assert first is not None and first.source is not None
    assert first.page.rows == the_services_first_page(db, 24)[2].rows
    assert not stolen.exists()
    with db.engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM billing_reports WHERE po_number = 'PWNED'")) == 0


def test_the_connection_refuses_writes(world_file):
    db, url = world_file
    path, _ = quickread.locate(url, "billing", False)
    conn = quickread._open(path)  # noqa: SLF001 - the child's connection
    try:
        with pytest.raises(Exception, match="readonly"):
            conn.execute("DELETE FROM billing_reports")
    finally:
        conn.close()
    assert sum(BillingService(db, "billing").status_counts().values()) == 9


def test_a_disabled_user_gets_no_page(world_file):
    db, url = world_file
    with db.write() as s:
        s.execute(update(m.StaffUser).where(m.StaffUser.name == "billing").values(enabled=False))
    assert quick(url) is None
    assert prefetch.start(url, "billing", False, height=24).take(timeout=60) is None  # nor the long way


def test_a_user_moved_to_another_distributor_sees_the_new_one(world_file):
    db, url = world_file
    with db.write() as s:
        other = s.scalar(m.StaffUser.__table__.select().with_only_columns(m.StaffUser.distributor_id)
                         .where(m.StaffUser.name == "outsider"))
        s.execute(update(m.StaffUser).where(m.StaffUser.name == "billing").values(distributor_id=other))
    _, _, page, _, where = quick(url)
    assert where.distributor_id == other
    assert page.rows == the_services_first_page(db, 24)[2].rows


def test_another_schema_revision_or_first_query_is_not_read_this_way(world_file):
    db, url = world_file
    found = quickread.locate(url, "billing", False)
    assert quickread.read_first_page(*found, {**prefetch.first_query(24), "sort": "partner"}) is None
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0005'"))
    assert quickread.read_first_page(*found, prefetch.first_query(24)) is None


@pytest.mark.parametrize("args, env", [
    (("sqlite:///given.sqlite3", None, False), {}),
    ((None, None, False), {"LMP_DATABASE_URL": "sqlite:////srv/lmp/shared.sqlite3", "LMP_USER": "viewer"}),
    ((None, None, True), {"LMP_DATABASE_URL": "sqlite:////srv/lmp/shared.sqlite3"}),
    ((None, "admin", False), {"lmp_data_dir": "/var/lmp"}),
    ((None, None, False), {"LMP_USER": ""}),
])
def test_the_child_finds_the_database_and_user_as_the_settings_do(tmp_path, monkeypatch, args, env):
    for name in [k for k in os.environ if k.upper().startswith("LMP_")]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = Settings.load()
    url, user, demo = args
    assert places.from_environment(url, user, demo) == (
        places.database_url(url, demo, settings.database_url, settings.data_dir),
        places.staff_user(user, demo, settings.user))


@pytest.mark.parametrize("url", ["postgresql://u@h/db", "sqlite://", "sqlite:///:memory:",
                                 "sqlite:///file:x?mode=ro&uri=true", "sqlite:///a%20b.sqlite3"])
def test_only_a_plain_sqlite_file_is_read_this_way(url):
    assert quickread.locate(url, "billing", False) is None
