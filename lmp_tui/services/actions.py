"""The distributor's actions on an Under-review report (DOMAIN.md), each in one
transaction: set the PO, verify and apply codes, edit what a code opened, reset pricing,
save a draft, submit to Trend Micro, reject."""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select

from ..draft import EDIT_ACTIONS, apply_edit
from .. import pricing
from ..domain import Action, Report, Status
from ..pricing import CodeGrant
from ..errors import InvalidInput, InvalidTransition
from ..storage.convert import code_from_row, report_from_row
from ..storage.models import PromoCodeRow
from ..validation import (
    ApplyCode,
    Edit,
    ReasonInput,
    ResetPricing,
    SetChannelMargin,
    SetPO,
    SetUnitPrice,
    SubmitInput,
    clerk_message,
    parse,
)
from .base import Acting, ServiceBase

_EDITS: TypeAdapter[Any] = TypeAdapter(Edit)

EditLike = SetPO | ApplyCode | SetUnitPrice | SetChannelMargin | ResetPricing | dict[str, Any]


def validate_edits(edits: Iterable[EditLike]) -> list[Any]:
    out = []
    for edit in edits:
        if isinstance(edit, dict):
            try:
                edit = _EDITS.validate_python(edit)
            except ValidationError as err:
                raise InvalidInput(clerk_message(err)) from None
        out.append(edit)
    return out


class ActionsMixin(ServiceBase):
    # ---------------------------------------------------------------- reads

    def verify_code(self, report_id: int, line_no: int, code: str) -> CodeGrant:
        """Check a code for a line without changing anything; the refusal names the check."""
        typed = parse(ApplyCode, line_no=line_no, code=code)
        with self._reading() as ctx:
            report = report_from_row(ctx.load(report_id), with_history=False)
            ctx.check(Action.APPLY_CODE, report)
            return _verify(ctx, report, typed)

    # ---------------------------------------------------------------- writes

    def apply_edits(self, report_id: int, edits: Sequence[EditLike], *,
                    expected_version: int | None = None) -> Report:
        """Apply edits at once (the command line's one-change commands)."""
        return self._act(report_id, edits, expected_version, closing=None)

    def save_draft(self, report_id: int, edits: Sequence[EditLike] = (), *,
                   expected_version: int | None = None) -> Report:
        """Save Draft: keep every change in one transaction, status unchanged (doc)."""
        return self._act(report_id, edits, expected_version, closing=(Action.SAVE_DRAFT, None))

    def submit(self, report_id: int, comment: str | None = None, edits: Sequence[EditLike] = (), *,
               expected_version: int | None = None) -> Report:
        """Submit to Trend Micro with optional comments; approves the usage report (doc)."""
        given = parse(SubmitInput, comment=comment)
        return self._act(report_id, edits, expected_version, closing=(Action.SUBMIT, given.comment))

    def reject(self, report_id: int, reason: str, edits: Sequence[EditLike] = (), *,
               expected_version: int | None = None) -> Report:
        """Reject: reasons required; returns the report to the partner (doc)."""
        given = parse(ReasonInput, reason=reason)
        return self._act(report_id, edits, expected_version, closing=(Action.REJECT, given.reason))

    def set_po(self, report_id: int, po_number: str, **kw: Any) -> Report:
        return self.apply_edits(report_id, [parse(SetPO, po_number=po_number)], **kw)

    def apply_code(self, report_id: int, line_no: int, code: str, **kw: Any) -> Report:
        return self.apply_edits(report_id, [parse(ApplyCode, line_no=line_no, code=code)], **kw)

    def set_unit_price(self, report_id: int, line_no: int, value: Any, **kw: Any) -> Report:
        return self.apply_edits(report_id, [parse(SetUnitPrice, line_no=line_no, value=value)], **kw)

    def set_channel_margin(self, report_id: int, line_no: int, value: Any, **kw: Any) -> Report:
        return self.apply_edits(report_id, [parse(SetChannelMargin, line_no=line_no, value=value)], **kw)

    def reset_pricing(self, report_id: int, **kw: Any) -> Report:
        return self.apply_edits(report_id, [ResetPricing()], **kw)

    # ---------------------------------------------------------------- the one path

    def _act(self, report_id: int, edits: Sequence[EditLike], expected_version: int | None,
             closing: tuple[Action, str | None] | None) -> Report:
        checked = validate_edits(edits)
        if not checked and closing is None:
            raise InvalidInput("Nothing to change was given.")
        with self._writing() as ctx:
            row, report = ctx.lock(report_id, expected_version)
            if closing is not None:
                ctx.check(closing[0], report)
            for edit in checked:
                action, detail = _apply_one(ctx, report, edit)
                ctx.record(report.id, action, detail)
            if closing is not None:
                action, text = closing
                _close(ctx, report, action, text, len(checked))
            ctx.save(report, row)
        return self.load_report(report_id)  # type: ignore[attr-defined]


def _verify(ctx: Acting, report: Report, typed: ApplyCode) -> CodeGrant:
    line = report.line(typed.line_no)
    row = ctx.session.execute(select(PromoCodeRow).where(PromoCodeRow.code == typed.code)).unique().scalar_one_or_none()
    return pricing.verify_code(report, line, typed.code, code_from_row(row) if row else None)


def _apply_one(ctx: Acting, report: Report, edit: Any) -> tuple[Action, str]:
    action = EDIT_ACTIONS[type(edit)]
    ctx.check(action, report)
    grant = _verify(ctx, report, edit) if isinstance(edit, ApplyCode) else None
    return action, apply_edit(report, edit, grant)


def _close(ctx: Acting, report: Report, action: Action, text: str | None, n_edits: int) -> None:
    if action is Action.SAVE_DRAFT:
        ctx.record(report.id, action, f"draft saved ({n_edits} change(s)); total {report.total} {report.currency}")
        return
    if action is Action.SUBMIT:
        if not report.po_number:
            raise InvalidTransition(
                "Specify the PO number first (Edit PO Number): it is required before Submit to Trend Micro."
            )
        report.status = Status.SUBMITTED
        report.review_reason = None
        report.vendor_comment = text
        report.usage_approved_at = ctx.now
        ctx.record(report.id, action,
                   f"submitted to Trend Micro with PO {report.po_number}, total {report.total} "
                   f"{report.currency}; the partner's usage report is approved", comment=text)
        return
    if action is Action.REJECT:
        report.status = Status.REJECTED
        report.review_reason = None
        ctx.record(report.id, action, "rejected and returned to the partner", comment=text)
        return
    raise AssertionError(action)  # pragma: no cover
