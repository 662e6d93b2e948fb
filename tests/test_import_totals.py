"""Hypothesis: whatever usage and prices are imported, and whatever edits follow, each
report's total (the list's stored column and the report as loaded) is the sum of its
subtotals, each rounded half-up to the currency's minor unit, computed here apart."""

from __future__ import annotations

import itertools
import shutil
from decimal import ROUND_HALF_UP
from decimal import Decimal as D

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lmp_tui.commands.admin import Numbered, PriceRow, UsageRow
from lmp_tui.errors import ImportProblems, LmpError
from lmp_tui.services import BillingService, initialise
from lmp_tui.storage.db import Database
from lmp_tui.commands.validation import ReportQuery

from .conftest import FIXED_NOW
from .test_imports import FILES

REGIONS = {"NA": ("USD", "ACME-1"), "EU": ("EUR", "BERLIN-1"), "JP": ("JPY", "TOKYO-1")}
PRODUCTS = ["Worry-Free Services", "Cloud App Security", "Email Security"]
_count = itertools.count()


def numbered(rows):
    return tuple(Numbered(line=i, row=r) for i, r in enumerate(rows, 2))


@st.composite
def price_rows(draw):
    rows = []
    for region, (currency, _) in REGIONS.items():
        for product in PRODUCTS:
            cents = draw(st.integers(0, 99_999_999))
            price = D(cents) if currency == "JPY" else D(cents).scaleb(-2)
            margin = D(draw(st.integers(0, 9999))).scaleb(-2)
            rows.append(PriceRow(region=region, product=product, unit_price=str(price), channel_margin=str(margin)))
    return rows


@st.composite
def usage_rows(draw):
    rows = []
    for _, company in REGIONS.values():
        for product in draw(st.lists(st.sampled_from(PRODUCTS), min_size=1, max_size=3, unique=True)):
            provisioned = draw(st.integers(0, 1_000_000))
            used = draw(st.none() | st.integers(0, 2_000_000))
            chargeable = None if used is None else draw(st.none() | st.integers(0, provisioned))
            rows.append(UsageRow(company_id=company, product=product, provisioned=str(provisioned),
                                 used="" if used is None else str(used),
                                 chargeable="" if chargeable is None else str(chargeable), comment=""))
    return rows


EDITS = st.lists(st.tuples(st.sampled_from(["partner", "code", "price", "reset", "reimport"]),
                           st.integers(0, 2), st.integers(0, 99_999_999)), max_size=6)


def expected_total(report) -> D:
    quantum = D(1) if report.currency == "JPY" else D("0.01")
    return sum((D(ln.unit_price * ln.chargeable * (1 - ln.channel_margin / 100)).quantize(quantum, ROUND_HALF_UP)
                for ln in report.lines), D(0))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(prices=price_rows(), usage=usage_rows(), later_prices=price_rows(), later_usage=usage_rows(), edits=EDITS)
def test_totals_are_the_sum_of_the_rounded_subtotals(sqlite_template, tmp_path, prices, usage, later_prices,
                                                     later_usage, edits):
    path = tmp_path / f"t{next(_count)}.sqlite3"
    shutil.copy(sqlite_template, path)
    db = Database.open(f"sqlite:///{path}")
    try:
        initialise(db, "Ours", "ana")
        admin = BillingService(db, "ana", clock=lambda: FIXED_NOW)
        admin.set_role("ana", "operator")  # the shared prices are an operator's (granted on the server itself)
        for kind in ("regions", "products", "partners", "codes"):
            from lmp_tui.commands.import_files import read_file

            file = tmp_path / f"{kind}.csv"
            file.write_text(FILES[kind].replace("2026-01-01,2026-12-31,,2.00,", "2026-01-01,2026-12-31,,,"))
            admin.import_rows(kind, kind, read_file(file, kind))
        admin.import_rows("prices", "prices", numbered(prices))
        try:
            admin.import_rows("usage", "usage", numbered(usage), cycle="2026-10")
        except ImportProblems as err:  # a total past the largest amount stored: refused with a sentence
            assert "the largest lmp-tui stores" in str(err)
            assert admin.query_reports(ReportQuery(limit=10)).rows == []
            return
        ids = [r.id for r in admin.query_reports(ReportQuery(limit=10)).rows]
        for what, which, number in edits:
            rid = ids[which % len(ids)]
            try:
                if what == "partner":
                    admin.partner_submit(rid)
                elif what == "code":
                    admin.apply_code(rid, 1, "BD-NA-100")
                elif what == "price":
                    admin.set_unit_price(rid, 1, str(D(number).scaleb(-2)))
                elif what == "reset":
                    admin.reset_pricing(rid)
                else:
                    admin.import_rows("prices", "prices", numbered(later_prices))
                    admin.import_rows("usage", "usage", numbered(later_usage), cycle="2026-10")
            except LmpError:
                pass  # refused (a status, a code's check, a report past preparing): nothing changed
        for row in admin.query_reports(ReportQuery(limit=10)).rows:
            report = admin.load_report(row.id)
            assert report.total == expected_total(report) == row.total
    finally:
        db.dispose()
