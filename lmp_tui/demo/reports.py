"""The bulk of the demo: reports, their lines and history, written in batches."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert

from lmp_tui.commands.edits import (
    AutoSubmit,
    Context,
    PartnerSubmit,
    Reject,
    SaveDraft,
    SetPO,
    Submit,
    VendorComplete,
    VendorReturn,
    apply,
)
from lmp_tui.demo import catalog as c
from lmp_tui.domain import money
from lmp_tui.domain.model import (
    EditableField,
    Line,
    Report,
    ReviewReason,
    Status,
    check_transition,
    penalise,
    period_of,
)
from lmp_tui.domain.search import search_key
from lmp_tui.storage import models as m
from lmp_tui.storage.convert import line_columns
from lmp_tui.storage.db import Database

BATCH_REPORTS = 1000

_REVIEW_PATTERN = (
    (Status.UNDER_REVIEW, ReviewReason.AUTO_NO_PENALTIES),
    (Status.UNDER_REVIEW, ReviewReason.AUTO_PENALTIES),
    (Status.UNDER_REVIEW, ReviewReason.MANUAL_SUBMISSION),
    (Status.UNDER_REVIEW, ReviewReason.RETURNED_BY_VENDOR),
    (Status.REJECTED, None),
    (Status.SUBMITTED, None),
    (Status.UNDER_REVIEW, ReviewReason.MANUAL_SUBMISSION),
    (Status.UNDER_REVIEW, ReviewReason.AUTO_PENALTIES),
    (Status.SUBMITTED, None),
    (Status.COMPLETED, None),
)
_AUTO = (ReviewReason.AUTO_NO_PENALTIES, ReviewReason.AUTO_PENALTIES)
_KINDS = {code: kind for code, _, _, kind, _ in c.REGIONS}


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
    def __init__(
        self,
        db: Database,
        rng: random.Random,
        cycles: list[str],
        products: list[tuple[int, str, str, bool]],
        prices: dict[tuple[int, int], tuple[Decimal, Decimal]],
        region_codes: dict[str, tuple[EditableField, str]],
        progress: Callable[[int, int], None] | None,
        total: int,
    ) -> None:
        self.db, self.rng, self.cycles = db, rng, cycles
        self.periods = [period_of(cy) for cy in cycles]
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

    def _report(
        self,
        partner_id: int,
        name: str,
        distributor_id: int,
        currency: str,
        region: str,
        cycle: str,
        ci: int,
        status: Status,
        reason: ReviewReason | None,
        lines: list[Line],
    ) -> None:
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
        if (
            status in (Status.SUBMITTED, Status.COMPLETED)
            or reason is ReviewReason.RETURNED_BY_VENDOR
            or (status is Status.UNDER_REVIEW and rng.random() < 0.3)
        ):
            po = f"PO-{cycle.replace('-', '')}-{rng.randint(1000, 99999)}"
        report = Report(
            rid,
            1,
            partner_id,
            name,
            "",
            distributor_id,
            region,
            region,
            currency,
            _KINDS[region],
            self.region_codes[region][0],
            cycle,
            start,
            end,
            status,
            reason,
            auto,
            po,
            None,
            None,
            lines,
        )
        self._history(report, end, reason)  # may penalise: an automatic submission follows the rules
        self.reports.append(
            dict(
                id=rid,
                partner_id=partner_id,
                distributor_id=distributor_id,
                partner_name=name,
                partner_key=search_key(name),
                cycle=cycle,
                period_start=start,
                period_end=end,
                status=report.status,
                review_reason=report.review_reason,
                auto_submitted=report.auto_submitted,
                po_number=report.po_number,
                vendor_comment=report.vendor_comment,
                usage_approved_at=report.usage_approved_at,
                version=1,
                **report.summary(),
            )
        )
        for ln in lines:
            self.line_id += 1
            self.lines.append(dict(id=self.line_id, report_id=rid, **line_columns(ln)))

    def _apply_codes(self, region: str, lines: list[Line], currency: str) -> None:
        opens, code = self.region_codes[region]
        for ln in lines:
            if self.rng.random() >= 0.08:
                continue
            ln.promo_code, ln.editable_field = code, opens
            if opens is EditableField.UNIT_PRICE:
                ln.code_bound = Decimal("0") if currency == "JPY" else Decimal("0.50")
                cut = money.to_places(ln.list_unit_price * Decimal("0.9"), ln.list_unit_price)
                ln.unit_price = max(cut, ln.code_bound)
            else:
                ln.code_bound = Decimal("45.00")
                ln.channel_margin = min(ln.list_channel_margin + 3, ln.code_bound)

    def _history(self, report: Report, end: Any, reason: ReviewReason | None) -> None:
        """Replay the moves that bring the report from MSP preparing to its status, through
        the same status machine and rules as the services, so its history reads as theirs."""

        def at(days: int, hour: int) -> datetime:
            return datetime.combine(end + timedelta(days=days), time(hour, 0), tzinfo=UTC)

        status, po = report.status, report.po_number
        report.status, report.review_reason, report.po_number = Status.MSP_PREPARING, None, None
        moves: list[tuple[datetime, str, Any]] = []
        if status is Status.MSP_PREPARING:
            pass
        elif reason in _AUTO or (status is not Status.UNDER_REVIEW and self.rng.random() < 0.3):
            moves.append((at(1, 0), c.ADMIN_USER, AutoSubmit()))
        else:
            moves.append((at(0, 17), c.ADMIN_USER, PartnerSubmit()))
        if status is Status.UNDER_REVIEW and reason is not ReviewReason.RETURNED_BY_VENDOR:
            if po:
                moves += [
                    (at(2, 9), c.DEMO_BILLING_USER, SetPO(po_number=po)),
                    (at(2, 9), c.DEMO_BILLING_USER, SaveDraft()),
                ]
        elif status is Status.REJECTED:
            moves.append((at(3, 11), c.DEMO_BILLING_USER, Reject(reason=self.rng.choice(c.REJECT_REASONS))))
        elif status is not Status.MSP_PREPARING:
            moves += [(at(3, 9), c.DEMO_BILLING_USER, SetPO(po_number=po)), (at(6, 10), c.DEMO_BILLING_USER, Submit())]
            if reason is ReviewReason.RETURNED_BY_VENDOR:
                moves.append((at(9, 15), c.ADMIN_USER, VendorReturn(reason=c.VENDOR_RETURN_REASON)))
            elif status is Status.COMPLETED:
                moves.append((at(12, 8), c.ADMIN_USER, VendorComplete()))
        edits = 0
        for when, user, cmd in moves:
            check_transition(cmd.ACTION, report.status)
            entry = apply(report, cmd, Context(user=user, now=when, edits=edits))
            edits = edits + 1 if isinstance(cmd, SetPO) else 0
            self.history_id += 1
            self.history.append(
                dict(
                    id=self.history_id,
                    report_id=report.id,
                    at=when,
                    actor=entry.actor or user,
                    action=cmd.ACTION.value,
                    detail=entry.detail,
                    comment=entry.comment,
                )
            )
        assert report.status is status, (report.status, status)

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
