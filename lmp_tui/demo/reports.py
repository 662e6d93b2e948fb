"""The bulk of the demo: reports, their lines and history, written in batches."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any, Callable

from sqlalchemy import insert

from ..domain import Action, EditableField, Line, ReviewReason, Status, penalise
from ..storage import models as m
from ..storage.db import Database
from . import catalog as c

BATCH_REPORTS = 1000

_REVIEW_PATTERN = (
    (Status.UNDER_REVIEW, ReviewReason.AUTO_NO_PENALTIES), (Status.UNDER_REVIEW, ReviewReason.AUTO_PENALTIES),
    (Status.UNDER_REVIEW, ReviewReason.MANUAL_SUBMISSION), (Status.UNDER_REVIEW, ReviewReason.RETURNED_BY_VENDOR),
    (Status.REJECTED, None), (Status.SUBMITTED, None), (Status.UNDER_REVIEW, ReviewReason.MANUAL_SUBMISSION),
    (Status.UNDER_REVIEW, ReviewReason.AUTO_PENALTIES), (Status.SUBMITTED, None), (Status.COMPLETED, None),
)
_AUTO = (ReviewReason.AUTO_NO_PENALTIES, ReviewReason.AUTO_PENALTIES)


def pick_status(rng: random.Random, age: int, n_cycles: int, index: int) -> tuple[Status, ReviewReason | None]:
    """Newest cycle: mostly still being prepared; the one before: every status and reason;
    older ones: mostly completed."""
    if age == 1 or n_cycles == 1:
        return _REVIEW_PATTERN[index % len(_REVIEW_PATTERN)]
    if age == 0:
        return (Status.UNDER_REVIEW, ReviewReason.MANUAL_SUBMISSION) if index % 5 == 0 else (Status.MSP_PREPARING, None)
    r = rng.random()
    if r < 0.9:
        return Status.COMPLETED, None
    if r < 0.95:
        return Status.SUBMITTED, None
    return Status.UNDER_REVIEW, ReviewReason.RETURNED_BY_VENDOR


class ReportWriter:
    def __init__(self, db: Database, rng: random.Random, cycles: list[str],
                 products: list[tuple[int, str, str, bool]], prices: dict[tuple[int, int], tuple[Decimal, Decimal]],
                 region_codes: dict[str, tuple[EditableField, str]], progress: Callable[[int, int], None] | None,
                 total: int) -> None:
        from .generator import period

        self.db, self.rng, self.cycles = db, rng, cycles
        self.periods = [period(cy) for cy in cycles]
        self.products, self.prices, self.region_codes = products, prices, region_codes
        self.region_ids: dict[str, int] = {}
        self.progress, self.total = progress, total
        self.reports: list[dict[str, Any]] = []
        self.lines: list[dict[str, Any]] = []
        self.history: list[dict[str, Any]] = []
        self.report_id = self.line_id = self.history_id = 0
        self.index = 0

    def region_id(self, code: str) -> int:
        if not self.region_ids:
            with self.db.read() as s:
                self.region_ids = {r.code: r.id for r in s.query(m.Region)}
        return self.region_ids[code]

    def partner(self, data: tuple[int, str, int, str, str]) -> None:
        partner_id, name, distributor_id, region, currency = data
        rng = self.rng
        chosen = rng.sample(self.products, rng.randint(4, min(16, len(self.products))))
        base = {p[0]: rng.choice((5, 10, 12, 20, 25, 40, 50, 75, 100, 150, 250, 400)) for p in chosen}
        region_id = self.region_id(region)
        index, self.index = self.index, self.index + 1
        for ci, cycle in enumerate(self.cycles):
            age = len(self.cycles) - 1 - ci
            status, reason = pick_status(rng, age, len(self.cycles), index)
            lines = [self._line(no, p, base[p[0]], region_id, currency) for no, p in enumerate(chosen, 1)]
            self._report(partner_id, name, distributor_id, currency, region, cycle, ci, status, reason, lines)
        if len(self.reports) >= BATCH_REPORTS:
            self.flush()

    def _line(self, no: int, product: tuple[int, str, str, bool], base: int, region_id: int, currency: str) -> Line:
        rng = self.rng
        pid, pname, units, reports_usage = product
        provisioned = max(1, base + rng.randint(-base // 5, base // 5))
        used = None
        chargeable = provisioned
        comment = None
        if reports_usage:
            r = rng.random()
            if r < 0.55:
                used = provisioned
            elif r < 0.8:
                used = max(0, provisioned - rng.randint(1, max(1, provisioned // 3)))
                r2 = rng.random()
                if r2 < 0.45:
                    chargeable, comment = used, rng.choice(c.PARTNER_COMMENTS)
                elif r2 < 0.65:
                    chargeable = used
            else:
                used = provisioned + rng.randint(0, max(1, provisioned // 10))
        price, margin = self.prices[(region_id, pid)]
        return Line(no, pid, pname, units, provisioned, used, chargeable, comment, price, margin, price, margin)

    def _report(self, partner_id: int, name: str, distributor_id: int, currency: str, region: str, cycle: str,
                ci: int, status: Status, reason: ReviewReason | None, lines: list[Line]) -> None:
        rng = self.rng
        start, end = self.periods[ci]
        self.report_id += 1
        rid = self.report_id
        auto = False
        if reason in _AUTO:
            over = [ln for ln in lines if ln.penalised]
            if reason is ReviewReason.AUTO_NO_PENALTIES:
                for ln in over:
                    ln.partner_comment = rng.choice(c.PARTNER_COMMENTS)
            else:
                if not over:
                    target = next((ln for ln in lines if ln.used is not None), lines[0])
                    target.used = max(0, target.provisioned - max(1, target.provisioned // 4))
                    target.partner_comment = None
                    if target.used == target.provisioned:  # provisioned 1 and used 0 are still over
                        target.used = 0
                auto = bool(penalise(lines))
                if not auto:
                    reason = ReviewReason.AUTO_NO_PENALTIES
        if status in (Status.SUBMITTED, Status.COMPLETED) or reason is ReviewReason.RETURNED_BY_VENDOR:
            self._apply_codes(region, lines, currency)
        po = None
        if status in (Status.SUBMITTED, Status.COMPLETED) or reason is ReviewReason.RETURNED_BY_VENDOR or (
                status is Status.UNDER_REVIEW and rng.random() < 0.3):
            po = f"PO-{cycle.replace('-', '')}-{rng.randint(1000, 99999)}"
        total = sum((ln.subtotal(currency) for ln in lines), Decimal(0))
        self.reports.append(dict(
            id=rid, partner_id=partner_id, distributor_id=distributor_id, partner_name=name, cycle=cycle,
            period_start=start, period_end=end, status=status, review_reason=reason, auto_submitted=auto,
            po_number=po, vendor_comment=None, usage_approved_at=None, version=1, total=total,
            line_count=len(lines), discrepancy_count=sum(1 for ln in lines if ln.discrepancy),
            comment_count=sum(1 for ln in lines if ln.partner_comment)))
        for ln in lines:
            self.line_id += 1
            self.lines.append(dict(
                id=self.line_id, report_id=rid, line_no=ln.line_no, product_id=ln.product_id, name=ln.name,
                units=ln.units, provisioned=ln.provisioned, used=ln.used, chargeable=ln.chargeable,
                partner_comment=ln.partner_comment, list_unit_price=ln.list_unit_price,
                list_channel_margin=ln.list_channel_margin, unit_price=ln.unit_price,
                channel_margin=ln.channel_margin, promo_code=ln.promo_code, editable_field=ln.editable_field,
                code_bound=ln.code_bound))
        self._history(rid, name, end, status, reason, po, auto)
        if status in (Status.SUBMITTED, Status.COMPLETED) or reason is ReviewReason.RETURNED_BY_VENDOR:
            self.reports[-1]["usage_approved_at"] = datetime.combine(end + timedelta(days=6), time(10, 0),
                                                                     tzinfo=timezone.utc)

    def _apply_codes(self, region: str, lines: list[Line], currency: str) -> None:
        opens, code = self.region_codes[region]
        for ln in lines:
            if self.rng.random() >= 0.08:
                continue
            ln.promo_code, ln.editable_field = code, opens
            if opens is EditableField.UNIT_PRICE:
                ln.code_bound = Decimal("0") if currency == "JPY" else Decimal("0.50")
                cut = (ln.list_unit_price * Decimal("0.9")).quantize(ln.list_unit_price)
                ln.unit_price = max(cut, ln.code_bound)
            else:
                ln.code_bound = Decimal("45.00")
                ln.channel_margin = min(ln.list_channel_margin + 3, ln.code_bound)

    def _history(self, rid: int, partner: str, end: Any, status: Status, reason: ReviewReason | None,
                 po: str | None, auto: bool) -> None:
        def at(days: int, hour: int) -> datetime:
            return datetime.combine(end + timedelta(days=days), time(hour, 0), tzinfo=timezone.utc)

        def add(when: datetime, actor: str, action: Action, detail: str, comment: str | None = None) -> None:
            self.history_id += 1
            self.history.append(dict(id=self.history_id, report_id=rid, at=when, actor=actor,
                                     action=action.value, detail=detail, comment=comment))

        if status is Status.MSP_PREPARING:
            return
        if reason in _AUTO or (status is not Status.UNDER_REVIEW and self.rng.random() < 0.3):
            label = (reason or ReviewReason.AUTO_NO_PENALTIES).label
            add(at(1, 0), "system", Action.AUTO_SUBMIT,
                label + ("; flagged “" + "Automatically submitted – may require review" + "”" if auto else ""))
        else:
            add(at(0, 17), f"{partner} (partner)", Action.PARTNER_SUBMIT, "the partner submitted its usage report")
        if status is Status.UNDER_REVIEW and reason not in (ReviewReason.RETURNED_BY_VENDOR,):
            if po:
                add(at(2, 9), "billing", Action.SET_PO, f"PO number (none) → {po}")
                add(at(2, 9), "billing", Action.SAVE_DRAFT, "draft saved (1 change(s))")
            return
        if status is Status.REJECTED:
            add(at(3, 11), "billing", Action.REJECT, "rejected and returned to the partner",
                self.rng.choice(c.REJECT_REASONS))
            return
        add(at(3, 9), "billing", Action.SET_PO, f"PO number (none) → {po}")
        add(at(6, 10), "billing", Action.SUBMIT, f"submitted to Trend Micro with PO {po}; the partner's usage "
                                                 "report is approved")
        if reason is ReviewReason.RETURNED_BY_VENDOR:
            add(at(9, 15), "Trend Micro", Action.VENDOR_RETURN, "returned by Trend Micro for clarification",
                "Please confirm the chargeable count of the endpoint line against the console export.")
        elif status is Status.COMPLETED:
            add(at(12, 8), "Trend Micro", Action.VENDOR_COMPLETE, "approved and completed by Trend Micro")

    def flush(self) -> None:
        if not self.reports:
            return
        with self.db.write() as s:
            s.execute(insert(m.BillingReport.__table__), self.reports)
            s.execute(insert(m.LineItem.__table__), self.lines)
            if self.history:
                s.execute(insert(m.HistoryRow.__table__), self.history)
        self.reports, self.lines, self.history = [], [], []
        if self.progress:
            self.progress(self.report_id, self.total)
