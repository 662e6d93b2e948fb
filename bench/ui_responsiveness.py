"""Benchmark: the interface on a 100k-report database, against a bare Textual app started
the same way (headless ``run_test`` at 80×24), so the ratios show what lmp-tui adds.

    uv run python bench/ui_responsiveness.py [--db URL] [--partners 5000] [--cycles 20] [--repeat 5]

Measures: start → first list page painted; filter change → page painted; open a
2,000-line report → first rows painted; one cursor move in that report's grid.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Static

from lmp_tui.ui.app import build_app
from lmp_tui.demo import DemoOptions, generate
from lmp_tui.domain.model import ReviewReason, Status
from lmp_tui.services import BillingService
from lmp_tui.storage import models as m
from lmp_tui.storage.db import Database
from screens.billing_report import BillingReportScreen
from widgets.filter_bar import FilterBar, Filters
from widgets.line_grid import LineGrid
from widgets.report_table import ReportTable

SIZE = (80, 24)
BIG_LINES = 2000


async def until(pilot, cond, timeout: float = 60.0) -> None:
    deadline = time.perf_counter() + timeout
    while not cond():
        if time.perf_counter() > deadline:
            raise TimeoutError
        await asyncio.sleep(0.001)
    await pilot.pause()  # and painted


def add_big_report(db: Database) -> int:
    with db.write() as s:
        existing = s.scalar(select(m.BillingReport.id).where(m.BillingReport.cycle == "2030-01"))
        if existing:
            return existing
        partner = s.scalars(select(m.Partner).join(m.Distributor).where(
            m.Distributor.name == "Northwind Distribution").order_by(m.Partner.id)).first()
        product = s.scalars(select(m.Product)).first()
        price = Decimal("3.50")
        lines = [m.LineItem(line_no=i, product_id=product.id, name=f"{product.name} #{i}", units=product.units,
                            provisioned=10 + i % 7, used=10 + i % 5, chargeable=10 + i % 7, partner_comment=None,
                            list_unit_price=price, list_channel_margin=Decimal("20"), unit_price=price,
                            channel_margin=Decimal("20")) for i in range(1, BIG_LINES + 1)]
        report = m.BillingReport(
            partner_id=partner.id, distributor_id=partner.distributor_id, partner_name=partner.name, cycle="2030-01",
            period_start=__import__("datetime").date(2030, 1, 1), period_end=__import__("datetime").date(2030, 1, 31),
            status=Status.UNDER_REVIEW, review_reason=ReviewReason.MANUAL_SUBMISSION, auto_submitted=False,
            version=1, total=Decimal("0"), line_count=BIG_LINES, discrepancy_count=0, comment_count=0)
        report.lines = lines
        s.add(report)
        s.flush()
        return report.id


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("ready", id="s")


class BareTable(Screen[None]):
    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row")

    def on_mount(self) -> None:
        t = self.query_one(DataTable)
        t.add_columns(*"abcdefghijk")
        t.add_rows([[str(i)] * 11 for i in range(BIG_LINES)])
        t.focus()


async def lmp_round(service: BillingService, big_id: int) -> dict[str, float]:
    out = {}
    t0 = time.perf_counter()
    app = build_app(service)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen.query(ReportTable).first(None), ReportTable)
                    and app.screen.query_one(ReportTable).row_count > 0)
        out["start → first page"] = time.perf_counter() - t0
        screen = app.screen
        summary = screen.query_one("#summary")
        before = str(summary.render())
        t0 = time.perf_counter()
        screen.post_message(FilterBar.Changed(Filters(status=Status.UNDER_REVIEW)))
        await until(pilot, lambda: str(summary.render()) not in (before, "Loading…"))
        out["filter change → page"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        app.open_report(big_id)
        await until(pilot, lambda: isinstance(app.screen, BillingReportScreen)
                    and any(g.row_count == BIG_LINES for g in app.screen.query(LineGrid)))
        out["open 2,000-line report → rows"] = time.perf_counter() - t0
        grid = app.screen.query_one(LineGrid)
        grid.focus()
        await pilot.pause()
        t0 = time.perf_counter()
        for _ in range(20):
            await pilot.press("down")
        out["cursor move"] = (time.perf_counter() - t0) / 20
    return out


async def bare_round() -> dict[str, float]:
    out = {}
    t0 = time.perf_counter()
    app = Bare()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        out["start → first page"] = time.perf_counter() - t0
        static = app.query_one(Static)
        t0 = time.perf_counter()
        static.update("changed")
        await pilot.pause()
        out["filter change → page"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        await app.push_screen(BareTable())
        await until(pilot, lambda: app.screen.query_one(DataTable).row_count == BIG_LINES)
        out["open 2,000-line report → rows"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        for _ in range(20):
            await pilot.press("down")
        out["cursor move"] = (time.perf_counter() - t0) / 20
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db")
    ap.add_argument("--partners", type=int, default=5000)
    ap.add_argument("--cycles", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    url = args.db or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench-ui.sqlite3'}"
    db = Database.open(url, create=True)
    with db.read() as s:
        n = s.scalar(select(func.count()).select_from(m.BillingReport)) or 0
    if n == 0:
        t = time.perf_counter()
        generate(db, DemoOptions(partners=args.partners, cycles=args.cycles))
        print(f"built the database in {time.perf_counter() - t:.1f} s")
    big_id = add_big_report(db)
    with db.read() as s:
        n = s.scalar(select(func.count()).select_from(m.BillingReport))
    print(f"{n:,} reports in {url}; a {BIG_LINES:,}-line report is #{big_id}")
    service = BillingService(db, "billing")
    lmp = [asyncio.run(lmp_round(service, big_id)) for _ in range(args.repeat)]
    bare = [asyncio.run(bare_round()) for _ in range(args.repeat)]
    print(f"{'measure (median of ' + str(args.repeat) + ')':34s} {'lmp-tui':>10s} {'bare':>10s} {'ratio':>7s}")
    for key in lmp[0]:
        a = statistics.median(r[key] for r in lmp) * 1000
        b = statistics.median(r[key] for r in bare) * 1000
        print(f"{key:34s} {a:8.1f}ms {b:8.1f}ms {a / b:6.1f}×")


if __name__ == "__main__":
    main()
