"""Every write of the services: one method, :meth:`WritesMixin.run`, takes commands through
the pipeline; the others are the named calls the interface and the command line use."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from lmp_tui.commands.edits import (
    ApplyCode,
    AutoSubmit,
    PartnerSubmit,
    Reject,
    RemoveCode,
    ResetPricing,
    SaveDraft,
    SetChannelMargin,
    SetPO,
    SetUnitPrice,
    Submit,
    VendorComplete,
    VendorReturn,
    command,
)
from lmp_tui.commands.validation import parse, parse_cycle
from lmp_tui.domain.model import Report, ReviewReason, Status
from lmp_tui.domain.views import CycleCloseResult
from lmp_tui.errors import InvalidInput, NotFound
from lmp_tui.services.base import ServiceBase
from lmp_tui.services.pipeline import ReportChanged, execute
from lmp_tui.storage.models import BillingReport


class WritesMixin(ServiceBase):
    def run(self, report_id: int, commands: Sequence[Any], *, expected_version: int | None = None) -> Report:
        """Run commands (models, or dicts a script sent) on one report in one transaction.
        ``expected_version``: the version the user saw; a newer one is a Conflict and
        nothing is written. Without it the call waits for the report's lock and applies."""
        checked = [command(c) for c in commands]
        if not checked:
            raise InvalidInput("Nothing to change was given.")
        with self._writing() as ctx:
            report = execute(ctx, report_id, checked, expected_version)
        self._announce(ReportChanged(report.id, report.version))
        return report

    # ---------------------------------------------------------------- the distributor's

    def save_draft(self, report_id: int, edits: Sequence[Any] = (), **kw: Any) -> Report:
        """Save Draft: keep every change in one transaction, status unchanged (doc)."""
        return self.run(report_id, [*edits, SaveDraft()], **kw)

    def submit(self, report_id: int, comment: str | None = None, edits: Sequence[Any] = (), **kw: Any) -> Report:
        """Submit to Trend Micro with optional comments; approves the usage report (doc)."""
        return self.run(report_id, [*edits, parse(Submit, comment=comment)], **kw)

    def reject(self, report_id: int, reason: str, edits: Sequence[Any] = (), **kw: Any) -> Report:
        """Reject: reasons required; returns the report to the partner (doc)."""
        return self.run(report_id, [*edits, parse(Reject, reason=reason)], **kw)

    def set_po(self, report_id: int, po_number: str, **kw: Any) -> Report:
        return self.run(report_id, [parse(SetPO, po_number=po_number)], **kw)

    def apply_code(self, report_id: int, line_no: int, code: str, **kw: Any) -> Report:
        return self.run(report_id, [parse(ApplyCode, line_no=line_no, code=code)], **kw)

    def set_unit_price(self, report_id: int, line_no: int, value: Any, **kw: Any) -> Report:
        return self.run(report_id, [parse(SetUnitPrice, line_no=line_no, value=value)], **kw)

    def set_channel_margin(self, report_id: int, line_no: int, value: Any, **kw: Any) -> Report:
        return self.run(report_id, [parse(SetChannelMargin, line_no=line_no, value=value)], **kw)

    def remove_code(self, report_id: int, line_no: int, **kw: Any) -> Report:
        """Remove one line's code: the line goes back to its price-list values."""
        return self.run(report_id, [parse(RemoveCode, line_no=line_no)], **kw)

    def reset_pricing(self, report_id: int, **kw: Any) -> Report:
        return self.run(report_id, [ResetPricing()], **kw)

    # ---------------------------------------------------------------- the other parties'

    def partner_submit(self, report_id: int, **kw: Any) -> Report:
        """The partner submits (or resubmits after a rejection): Under review, Manual submission."""
        return self.run(report_id, [PartnerSubmit()], **kw)

    def vendor_complete(self, report_id: int, **kw: Any) -> Report:
        return self.run(report_id, [VendorComplete()], **kw)

    def vendor_return(self, report_id: int, reason: str, **kw: Any) -> Report:
        return self.run(report_id, [parse(VendorReturn, reason=reason)], **kw)

    def close_cycle(self, cycle: str) -> CycleCloseResult:
        """The period's deadline passed: every report of the cycle still being prepared is
        submitted automatically, in one transaction, with penalties where over-provisioned
        lines carry no partner comment (those are charged at the provisioned count)."""
        cycle = parse_cycle(cycle)
        done = []
        with self._writing() as ctx:
            in_cycle = dict(
                ctx.session.execute(
                    select(BillingReport.id, BillingReport.status)
                    .where(BillingReport.distributor_id == ctx.user.distributor_id, BillingReport.cycle == cycle)
                    .order_by(BillingReport.id)
                ).all()
            )
            if not in_cycle:
                raise NotFound(f"There are no reports of cycle {cycle}; check the month (YYYY-MM).")
            for report_id in (i for i, status in in_cycle.items() if status is Status.MSP_PREPARING):
                done.append(execute(ctx, report_id, [AutoSubmit()], None))
        for report in done:
            self._announce(ReportChanged(report.id, report.version))
        penalties = sum(1 for r in done if r.review_reason is ReviewReason.AUTO_PENALTIES)
        return CycleCloseResult(cycle, len(done) - penalties, penalties, len(in_cycle) - len(done))
