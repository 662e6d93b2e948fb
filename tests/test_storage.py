"""Storage details a user relies on without seeing them."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
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
