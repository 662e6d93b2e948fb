"""The first page without the database stack (lmp_tui.quickread): once an interface has kept
the recipe, the next start's child reads the same user, counts, page and cycles as the
services, with sqlite3 alone; a recipe that no longer fits (user disabled or moved, schema,
code, another query) is not used, a damaged one is ignored, and one that tries to write
cannot."""

from __future__ import annotations

import json
import stat

import pytest
from sqlalchemy import update

from lmp_tui import prefetch, quickread
from lmp_tui.domain import Status
from lmp_tui.services import BillingService
from lmp_tui.services.first_page import keep, recipe
from lmp_tui.storage import models as m
from lmp_tui.validation import ReportQuery

from .factory import World



@pytest.fixture
def kept(sqlite_db, tmp_path, monkeypatch):
    """The world's SQLite database, and the path of the recipe a start with these arguments
    reads (its data folder in ``tmp_path``), written as the interface writes it."""
    monkeypatch.setenv("LMP_DATA_DIR", str(tmp_path / "data"))
    World.build(sqlite_db)
    url = sqlite_db.engine.url.render_as_string(hide_password=False)
    path = quickread.recipe_path(url, "billing", False)
    assert keep(BillingService(sqlite_db, "billing"), path, prefetch.first_query(24), prefetch.PAGE_SIZE)
    return sqlite_db, url, path


def the_services_first_page(db, height: int):
    service = BillingService(db, "billing")
    fields = prefetch.first_query(height)
    counts = service.status_counts()
    return (service.whoami(), counts, service.query_reports(ReportQuery(**fields), total=sum(counts.values())),
            service.cycles())


@pytest.mark.parametrize("height", [24, 10, 60])
def test_the_recipe_reads_what_the_services_read(kept, height):
    db, _, path = kept
    got = quickread.read_first_page(quickread.load(path), prefetch.first_query(height))
    assert got is not None
    user, counts, page, cycles = got
    want = the_services_first_page(db, height)
    assert (user, counts, page.rows, page.total_count, cycles) == (want[0], want[1], want[2].rows,
                                                                   want[2].total_count, want[3])
    assert len(page.rows) == min(9, prefetch.page_rows(height - prefetch.CHROME_LINES))


@pytest.mark.parametrize("height", [24, 60])
def test_a_status_s_page_is_read_by_the_recipe_while_the_services_load(kept, height):
    db, _, path = kept
    user, counts, _, _ = quickread.read_first_page(quickread.load(path), prefetch.first_query(height))
    early = quickread.EarlyReader(quickread.load(path), counts)
    service = BillingService(db, "billing")
    for status in [None, *Status]:
        fields = {**prefetch.first_query(height), "status": status}
        page = early.status_page(fields)
        want = service.query_reports(ReportQuery(**fields))
        assert (page.rows, page.total_count) == (want.rows, want.total_count), status
    assert any(early.status_page({**prefetch.first_query(height), "status": s}).rows for s in Status)
    # another cycle, partner, sort or page: not by the recipe (the services read those)
    for other in ({"cycle": "2026-10"}, {"partner_text": "acme"}, {"sort": "partner"}, {"offset": 19}):
        fields = {**prefetch.first_query(height), **other}
        assert not early.answers(fields) and early.status_page(fields) is None


def test_the_starting_child_reads_by_the_recipe(kept):
    """The child ran the kept statements: a recipe whose cycles step answers a made-up
    cycle shows that cycle (nothing else could)."""
    db, url, path = kept
    made = json.loads(path.read_text())
    made["steps"]["cycles"]["sql"] = "SELECT '2099-12' WHERE ? IS NOT NULL"  # its one parameter
    path.write_text(json.dumps(made))
    child = prefetch.start(url, "billing", False, height=24)
    first = child.take(timeout=60)
    assert first is not None and first.cycles == ["2099-12"]
    assert first.page.rows == the_services_first_page(db, 24)[2].rows


def test_a_damaged_recipe_is_ignored_and_the_page_read_the_long_way(kept):
    db, url, path = kept
    path.write_text("{not json")
    first = prefetch.start(url, "billing", False, height=24).take(timeout=60)
    assert first is not None and first.cycles == the_services_first_page(db, 24)[3]
    assert first.page.rows == the_services_first_page(db, 24)[2].rows


def test_a_recipe_cannot_write(kept):
    db, url, path = kept
    made = json.loads(path.read_text())
    made["steps"]["cycles"]["sql"] = "DELETE FROM billing_reports WHERE distributor_id = ?"
    path.write_text(json.dumps(made))
    with pytest.raises(Exception, match="readonly"):
        quickread.read_first_page(quickread.load(path), prefetch.first_query(24))
    first = prefetch.start(url, "billing", False, height=24).take(timeout=60)  # the long way
    assert first is not None and sum(first.counts.values()) == 9
    assert sum(BillingService(db, "billing").status_counts().values()) == 9


def test_a_user_disabled_since_gets_no_page(kept):
    db, url, path = kept
    with db.write() as s:
        s.execute(update(m.StaffUser).where(m.StaffUser.name == "billing").values(enabled=False))
    assert quickread.read_first_page(quickread.load(path), prefetch.first_query(24)) is None
    assert prefetch.start(url, "billing", False, height=24).take(timeout=60) is None  # nor the long way


def test_a_user_moved_to_another_distributor_is_not_shown_the_old_one(kept):
    db, _, path = kept
    with db.write() as s:
        other = s.scalar(m.StaffUser.__table__.select().with_only_columns(m.StaffUser.distributor_id)
                         .where(m.StaffUser.name == "outsider"))
        s.execute(update(m.StaffUser).where(m.StaffUser.name == "billing").values(distributor_id=other))
    assert quickread.read_first_page(quickread.load(path), prefetch.first_query(24)) is None
    # the interface then keeps a recipe for the new distributor
    assert keep(BillingService(db, "billing"), path, prefetch.first_query(24), prefetch.PAGE_SIZE)
    user, counts, page, _ = quickread.read_first_page(quickread.load(path), prefetch.first_query(24))
    assert {r.partner for r in page.rows} == {r.partner for r in the_services_first_page(db, 24)[2].rows}


def test_another_schema_revision_or_code_or_first_query_is_not_used(kept):
    db, _, path = kept
    recipe_now = quickread.load(path)
    assert quickread.read_first_page({**recipe_now, "schema": "0005"}, prefetch.first_query(24)) is None
    other_sort = {**prefetch.first_query(24), "sort": "partner"}
    assert quickread.read_first_page(recipe_now, other_sort) is None
    path.write_text(json.dumps({**recipe_now, "code": "an older version"}))
    assert quickread.load(path) is None


def test_a_recipe_that_no_longer_reads_is_made_again(kept):
    db, _, path = kept
    made = json.loads(path.read_text())
    made["steps"]["page"]["sql"] = "SELECT nonsense FROM nowhere"
    path.write_text(json.dumps(made))
    assert quickread.load(path) is not None  # current by its stamp, but it fails when run
    assert keep(BillingService(db, "billing"), path, prefetch.first_query(24), prefetch.PAGE_SIZE)
    assert quickread.read_first_page(quickread.load(path), prefetch.first_query(24)) is not None


def test_the_recipe_is_kept_once_and_only_its_owner_reads_it(kept):
    db, _, path = kept
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    path.chmod(0o620)  # others may write it: not trusted
    assert quickread.load(path) is None
    path.chmod(0o600)
    assert quickread.load(path) is not None
    assert not keep(BillingService(db, "billing"), path, prefetch.first_query(24), prefetch.PAGE_SIZE)
    assert not keep(BillingService(db, "billing"), path, prefetch.first_query(40), prefetch.PAGE_SIZE)  # one for all heights


def test_each_start_s_arguments_have_their_own_recipe(tmp_path, monkeypatch):
    monkeypatch.setenv("LMP_DATA_DIR", str(tmp_path))
    paths = {quickread.recipe_path(*args) for args in
             [("sqlite:///a", "billing", False), ("sqlite:///b", "billing", False),
              ("sqlite:///a", "viewer", False), (None, None, True), (None, None, False)]}
    assert len(paths) == 5 and all(p.parent == tmp_path / "cache" for p in paths)


def test_no_recipe_for_postgresql(db, world, service):
    """PostgreSQL's first page takes the long way (its driver and URL are SQLAlchemy's)."""
    made = recipe(service(), prefetch.first_query(24), prefetch.PAGE_SIZE)
    assert (made is None) == (db.engine.dialect.name == "postgresql")

