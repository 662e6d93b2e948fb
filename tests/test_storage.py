"""Storage details a user relies on without seeing them."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
import sqlalchemy as sa
from sqlalchemy import text

from lmp_tui.errors import DatabaseUnavailable

from lmp_tui.storage import models as m


def test_decimals_round_trip_exactly(db):
    values = [D("0.01"), D("123456789.9999"), D("0"), D("99.99"), D("0.0001")]
    with db.write() as s:
        s.add(m.Distributor(name="d"))
        s.flush()
        s.add(m.Region(code="R", name="R", currency="USD", code_kind="bid-desk", code_opens="unit_price"))
        s.add(m.Product(name="p", units="u"))
        s.flush()
    for i, v in enumerate(values):
        with db.write() as s:
            s.execute(text("DELETE FROM price_list"))
            s.add(m.PriceListEntry(region_id=1, product_id=1, unit_price=v, channel_margin=v))
        with db.read() as s:
            got = s.get(m.PriceListEntry, (1, 1))
            assert got.unit_price == v and isinstance(got.unit_price, D)
    with pytest.raises(Exception, match="more than 4 decimals"):
        with db.write() as s:
            s.execute(text("DELETE FROM price_list"))
            s.add(m.PriceListEntry(region_id=1, product_id=1, unit_price=D("0.00001"), channel_margin=D(0)))
    with pytest.raises(Exception, match="takes Decimal, not float"):
        with db.write() as s:
            s.add(m.PriceListEntry(region_id=1, product_id=1, unit_price=1.5, channel_margin=D(0)))


def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(sqlite_db):
    with sqlite_db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    with pytest.raises(DatabaseUnavailable, match="FOREIGN KEY constraint failed"):
        with sqlite_db.write() as s:
            s.add(m.StaffUser(name="x", role="billing", distributor_id=4242))


def test_an_opened_report_shows_every_stored_field_digit_for_digit(service, world, db):
    """The screen's reader (Core selects, each amount converted once) gives the report the
    ORM rows give: the same figures to the same digits (3.3 shows as 3.30, a bound of 5
    as 5.00, a margin of 22.5 as 22.50, yen without decimals), codes, comments, history."""
    from lmp_tui.storage.convert import report_from_row

    svc = service()
    svc.apply_code(world["review"], 1, "BD-NA-1")  # opens the unit price, lowest 5.00
    svc.set_unit_price(world["review"], 1, "7.5")
    svc.apply_code(world["eu"], 2, "PR-EU-1")  # opens the margin, at most 40.00
    svc.set_channel_margin(world["eu"], 2, "33.3")
    svc.apply_code(world["jp"], 1, "PR-JP-1")
    with db.write() as s:  # amounts as another program may have stored them: more or fewer digits
        line = s.scalars(sa.select(m.LineItem).where(m.LineItem.report_id == world["review"])
                         .order_by(m.LineItem.line_no)).all()[1]
        line.list_unit_price, line.unit_price, line.channel_margin = D("3.3"), D("3.125"), D("22.5")
    for key in ("review", "eu", "jp", "prep", "submitted_jp", "completed"):
        with svc._reading() as ctx:
            expected = report_from_row(ctx.load(world[key]))
        got = svc.load_report(world[key])
        assert got == expected
        for a, b in zip(got.lines, expected.lines):
            for name in ("list_unit_price", "list_channel_margin", "unit_price", "channel_margin", "code_bound"):
                x, y = getattr(a, name), getattr(b, name)
                assert (x is None and y is None) or x.as_tuple() == y.as_tuple(), (key, a.line_no, name, x, y)
    review = svc.load_report(world["review"])
    assert str(review.lines[0].unit_price) == "7.50" and str(review.lines[1].list_unit_price) == "3.30"
    assert review.lines[0].code_bound == D("5.00") and len(review.history) == 2
