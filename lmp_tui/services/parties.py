"""The other parties' moves, so the system runs end to end: the partner submits, the
cycle's deadline passes (automatic submission), Trend Micro completes or returns. Only an
admin of the distributor may record them (rule); the history names the party and who
recorded it."""

from __future__ import annotations

from sqlalchemy import select

from .. import domain
from ..domain import Action, ReviewReason, Status
from ..errors import NotFound
from ..storage.models import BillingReport
from ..validation import ReasonInput, parse, parse_cycle
from .base import ServiceBase
from .views import CycleCloseResult

VENDOR = "Trend Micro"


class PartiesMixin(ServiceBase):
    def partner_submit(self, report_id: int, *, expected_version: int | None = None) -> domain.Report:
        """The partner submits (or resubmits after a rejection): Under review, Manual submission."""
        with self._writing() as ctx:
            row, report = ctx.lock(report_id, expected_version)
            ctx.check(Action.PARTNER_SUBMIT, report)
            was = report.status
            report.status, report.review_reason, report.auto_submitted = (
                Status.UNDER_REVIEW, ReviewReason.MANUAL_SUBMISSION, False)
            verb = "resubmitted after the rejection" if was is Status.REJECTED else "submitted"
            ctx.record(report.id, Action.PARTNER_SUBMIT,
                       f"the partner {verb} its usage report (recorded by {ctx.user.name})",
                       actor=f"{report.partner_name} (partner)")
            ctx.save(report, row)
        return self.load_report(report_id)  # type: ignore[attr-defined]

    def close_cycle(self, cycle: str) -> CycleCloseResult:
        """The period's deadline passed: every report of the cycle still being prepared is
        submitted automatically, with penalties where over-provisioned lines carry no
        partner comment (those are charged at the provisioned count)."""
        cycle = parse_cycle(cycle)
        counts = {ReviewReason.AUTO_NO_PENALTIES: 0, ReviewReason.AUTO_PENALTIES: 0}
        with self._writing() as ctx:
            in_cycle = dict(ctx.session.execute(
                select(BillingReport.id, BillingReport.status).where(
                    BillingReport.distributor_id == ctx.user.distributor_id, BillingReport.cycle == cycle)
                .order_by(BillingReport.id)
            ).all())
            if not in_cycle:
                raise NotFound(f"There are no reports of cycle {cycle}; check the month (YYYY-MM).")
            preparing = [i for i, status in in_cycle.items() if status is Status.MSP_PREPARING]
            for report_id in preparing:
                row, report = ctx.lock(report_id, None)
                ctx.check(Action.AUTO_SUBMIT, report)
                hit = domain.penalise(report.lines)
                reason = ReviewReason.AUTO_PENALTIES if hit else ReviewReason.AUTO_NO_PENALTIES
                report.status, report.review_reason, report.auto_submitted = Status.UNDER_REVIEW, reason, bool(hit)
                detail = reason.label
                if hit:
                    detail += ("; charged at the provisioned count: "
                               + ", ".join(f"line {ln.line_no} {ln.name} ({ln.provisioned})" for ln in hit)
                               + f"; flagged “{domain.AUTO_SUBMITTED_FLAG}”")
                ctx.record(report.id, Action.AUTO_SUBMIT, f"{detail} (cycle {cycle} closed by {ctx.user.name})",
                           actor="system")
                ctx.save(report, row)
                counts[reason] += 1
        return CycleCloseResult(cycle, counts[ReviewReason.AUTO_NO_PENALTIES],
                                counts[ReviewReason.AUTO_PENALTIES], len(in_cycle) - len(preparing))

    def vendor_complete(self, report_id: int, *, expected_version: int | None = None) -> domain.Report:
        with self._writing() as ctx:
            row, report = ctx.lock(report_id, expected_version)
            ctx.check(Action.VENDOR_COMPLETE, report)
            report.status, report.review_reason = Status.COMPLETED, None
            ctx.record(report.id, Action.VENDOR_COMPLETE,
                       f"approved and completed by Trend Micro (recorded by {ctx.user.name})", actor=VENDOR)
            ctx.save(report, row)
        return self.load_report(report_id)  # type: ignore[attr-defined]

    def vendor_return(self, report_id: int, reason: str, *, expected_version: int | None = None) -> domain.Report:
        given = parse(ReasonInput, reason=reason)
        with self._writing() as ctx:
            row, report = ctx.lock(report_id, expected_version)
            ctx.check(Action.VENDOR_RETURN, report)
            report.status, report.review_reason = Status.UNDER_REVIEW, ReviewReason.RETURNED_BY_VENDOR
            ctx.record(report.id, Action.VENDOR_RETURN,
                       f"returned by Trend Micro for clarification (recorded by {ctx.user.name})",
                       comment=given.reason, actor=VENDOR)
            ctx.save(report, row)
        return self.load_report(report_id)  # type: ignore[attr-defined]
