"""Benchmark: the billing report's line grid on a 2,000-line report (headless ``run_test``
at 80×24, a small demo database with one big report added).

    uv run python bench/report_grid.py [--repeat 5]

Measures, median of the repeats (and their spread, min–max):
- open → first rows: from asking for the report to its grid painted with rows;
- Reset: ``z`` (Reset Unit Prices and Channel Margins, every line carrying a code) until
  the grid is painted again;
- cursor move: one ↓ in the grid, painted;
- longest freeze: the longest time the event loop did not run during the open and the
  Reset (what a user feels as a frozen interface).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from lmp_tui.ui.app import build_app
from lmp_tui.demo import DemoOptions, generate
from lmp_tui.domain.model import EditableField, ReviewReason, Status
from lmp_tui.services import BillingService
from lmp_tui.storage import models as m
from lmp_tui.storage.db import Database
from screens.billing_report import BillingReportScreen
from widgets.line_grid import LineGrid

SIZE = (80, 24)
BIG_LINES = 2000


def add_big_report(db: Database) -> int:
    """A 2,000-line Under-review report; every line carries a code (so Reset changes each)."""
    with db.write() as s:
        partner = s.scalars(select(m.Partner).order_by(m.Partner.id)).first()
        product = s.scalars(select(m.Product).order_by(m.Product.id)).first()
        price = Decimal("3.50")
        lines = [m.LineItem(line_no=i, product_id=product.id, name=f"{product.name} #{i}", units=product.units,
                            provisioned=10 + i % 7, used=10 + i % 5, chargeable=10 + i % 7,
                            partner_comment="Seats moved." if i % 11 == 0 else None,
                            list_unit_price=price, list_channel_margin=Decimal("20"), unit_price=Decimal("3.25"),
                            channel_margin=Decimal("20"), promo_code="BENCH-1",
                            editable_field=EditableField.UNIT_PRICE)
                 for i in range(1, BIG_LINES + 1)]
        report = m.BillingReport(
            partner_id=partner.id, distributor_id=partner.distributor_id, partner_name=partner.name, cycle="2030-01",
            period_start=date(2030, 1, 1), period_end=date(2030, 1, 31),
            status=Status.UNDER_REVIEW, review_reason=ReviewReason.MANUAL_SUBMISSION, auto_submitted=False,
            version=1, total=Decimal("0"), line_count=BIG_LINES, discrepancy_count=0, comment_count=0)
        report.lines = lines
        s.add(report)
        s.flush()
        return report.id


class Freeze:
    """The longest gap between two turns of the event loop while it runs."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.002)
            now = time.perf_counter()
            self.longest = max(self.longest, now - last - 0.002)
            last = now

    def __enter__(self) -> "Freeze":
        self._task = asyncio.get_running_loop().create_task(self._tick())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()


async def until(pilot, cond, timeout: float = 60.0) -> None:  # noqa: ANN001
    deadline = time.perf_counter() + timeout
    while not cond():
        if time.perf_counter() > deadline:
            raise TimeoutError
        await asyncio.sleep(0.001)
    await pilot.pause()  # and painted


async def one_round(service: BillingService, big_id: int, small_id: int) -> dict[str, float]:
    out = {}
    app = build_app(service)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        t0 = time.perf_counter()  # for comparison: the same screen on a small report
        app.open_report(small_id)
        await until(pilot, lambda: isinstance(app.screen, BillingReportScreen)
                    and any(g.row_count > 0 for g in app.screen.query(LineGrid)))
        out["open a small report → first rows"] = time.perf_counter() - t0
        app.pop_screen()
        await pilot.pause(0.3)
        with Freeze() as freeze:
            t0 = time.perf_counter()
            app.open_report(big_id)
            await until(pilot, lambda: isinstance(app.screen, BillingReportScreen)
                        and any(g.row_count == BIG_LINES for g in app.screen.query(LineGrid)))
            out["open → first rows"] = time.perf_counter() - t0
        out["  longest freeze while opening"] = freeze.longest
        screen = app.screen
        grid = screen.query_one(LineGrid)
        grid.focus()
        await pilot.pause()
        t0 = time.perf_counter()
        for _ in range(20):
            await pilot.press("down")
        out["cursor move (↓)"] = (time.perf_counter() - t0) / 20
        with Freeze() as freeze:
            t0 = time.perf_counter()
            await pilot.press("z")
            await until(pilot, lambda: screen.unsaved == 1)
            out["Reset (z) → painted"] = time.perf_counter() - t0
        out["  longest freeze during Reset"] = freeze.longest
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench-grid.sqlite3'}"
    db = Database.open(url, create=True)
    generate(db, DemoOptions(partners=5, cycles=1))
    big_id = add_big_report(db)
    with db.read() as s:
        small_id = s.scalar(select(m.BillingReport.id).where(m.BillingReport.line_count.between(1, 20))
                            .order_by(m.BillingReport.id))
    service = BillingService(db, "billing")
    rounds = [asyncio.run(one_round(service, big_id, small_id)) for _ in range(args.repeat)]
    print(f"a {BIG_LINES:,}-line report at {SIZE[0]}×{SIZE[1]}, median of {args.repeat} "
          f"(python {sys.version.split()[0]})")
    print(f"{'':34s} {'median':>8s}    {'min–max':>15s}")
    for key in rounds[0]:
        values = [r[key] * 1000 for r in rounds]
        print(f"{key:34s} {statistics.median(values):8.1f} ms {min(values):7.1f}–{max(values):<7.1f}")
    db.dispose()


if __name__ == "__main__":
    main()
