"""Every change to a billing report is a command, and :func:`apply` is the one place that
carries a command out on a report: the rule it follows, the new status (``TRANSITIONS``
decides it), and the words of its history entry. Pure Python: the services run it inside
their transaction (:mod:`lmp_tui.services.pipeline`), the interface's draft runs the same
function on its working copy, so the screen shows what a save will compute.

The commands are pydantic models (validated at the edge) in one discriminated union,
:data:`Command`: the distributor's edits (kept in a draft until a closing writes them) and
closings, and the other parties' moves (the partner's, the cycle's and Trend Micro's).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, TypeAdapter

from lmp_tui.commands.validation import (
    ChannelMargin,
    CodeText,
    Comment,
    InputModel,
    LineNo,
    PONumber,
    Reason,
    UnitPrice,
    one_of,
)
from lmp_tui.domain import model as domain
from lmp_tui.domain import pricing
from lmp_tui.domain.model import AUTO_SUBMITTED_FLAG, TRANSITIONS, Action, Report, ReviewReason, Status
from lmp_tui.domain.pricing import CodeGrant
from lmp_tui.errors import InvalidInput, InvalidTransition

VENDOR = "Trend Micro"


class _Command(InputModel):
    ACTION: ClassVar[Action]


# --------------------------------------------------------------------------- the edits


class SetPO(_Command):
    ACTION = Action.SET_PO
    kind: Literal["set_po"] = "set_po"
    po_number: PONumber


class ApplyCode(_Command):
    ACTION = Action.APPLY_CODE
    kind: Literal["apply_code"] = "apply_code"
    line_no: LineNo
    code: CodeText


class SetUnitPrice(_Command):
    ACTION = Action.SET_UNIT_PRICE
    kind: Literal["set_unit_price"] = "set_unit_price"
    line_no: LineNo
    value: UnitPrice


class SetChannelMargin(_Command):
    ACTION = Action.SET_CHANNEL_MARGIN
    kind: Literal["set_channel_margin"] = "set_channel_margin"
    line_no: LineNo
    value: ChannelMargin


class ResetPricing(_Command):
    ACTION = Action.RESET_PRICING
    kind: Literal["reset_pricing"] = "reset_pricing"


class RemoveCode(_Command):
    """Remove one line's promotional code: the line goes back to the price list."""

    ACTION = Action.REMOVE_CODE
    kind: Literal["remove_code"] = "remove_code"
    line_no: LineNo


# --------------------------------------------------------------------------- the closings


class SaveDraft(_Command):
    ACTION = Action.SAVE_DRAFT
    kind: Literal["save_draft"] = "save_draft"


class Submit(_Command):
    ACTION = Action.SUBMIT
    kind: Literal["submit"] = "submit"
    comment: Comment = None


class Reject(_Command):
    ACTION = Action.REJECT
    kind: Literal["reject"] = "reject"
    reason: Reason


# --------------------------------------------------------------------------- the other parties


class PartnerSubmit(_Command):
    ACTION = Action.PARTNER_SUBMIT
    kind: Literal["partner_submit"] = "partner_submit"


class AutoSubmit(_Command):
    ACTION = Action.AUTO_SUBMIT
    kind: Literal["auto_submit"] = "auto_submit"


class VendorComplete(_Command):
    ACTION = Action.VENDOR_COMPLETE
    kind: Literal["vendor_complete"] = "vendor_complete"


class VendorReturn(_Command):
    ACTION = Action.VENDOR_RETURN
    kind: Literal["vendor_return"] = "vendor_return"
    reason: Reason


Edit = SetPO | ApplyCode | SetUnitPrice | SetChannelMargin | ResetPricing | RemoveCode
Closing = SaveDraft | Submit | Reject
Command = Annotated[
    SetPO
    | ApplyCode
    | SetUnitPrice
    | SetChannelMargin
    | ResetPricing
    | RemoveCode
    | SaveDraft
    | Submit
    | Reject
    | PartnerSubmit
    | AutoSubmit
    | VendorComplete
    | VendorReturn,
    Field(discriminator="kind"),
]


@cache
def _adapter() -> TypeAdapter[Any]:
    """Built on first use: building it costs ~15 ms, and the interface's first page needs none."""
    return TypeAdapter(Command)


def command(data: Any) -> Any:
    """A command from a dict (a script's JSON) or as it is; refused with a sentence."""
    return one_of(_adapter(), data, _Command)


# --------------------------------------------------------------------------- carrying one out


@dataclass(frozen=True)
class Entry:
    """What a command writes in the history: what happened, the comment or reason given, and
    who (None: the signed-in staff user)."""

    detail: str
    comment: str | None = None
    actor: str | None = None


@dataclass(frozen=True)
class Context:
    """What a command may need besides the report: who runs it, when, a verified code, and
    how many edits a closing writes with it."""

    user: str = ""
    now: datetime | None = None
    grant: CodeGrant | None = None
    edits: int = 0


def apply(report: Report, cmd: Any, ctx: Context = Context()) -> Entry:
    """Carry ``cmd`` out on ``report`` (the status check is the caller's: it may be asked
    before anything is verified); return its history entry. Raises a clerk-readable
    :class:`LmpError` when a rule refuses it; the report may then be half-changed, so
    callers apply to a copy (the draft) or inside a transaction (the services)."""
    entry = _RULES[type(cmd)](report, cmd, ctx)
    target = TRANSITIONS[cmd.ACTION].target
    if target is not None:
        report.status = target
    return entry


def _set_po(report: Report, cmd: SetPO, ctx: Context) -> Entry:
    return Entry(pricing.set_po(report, cmd.po_number))


def _apply_code(report: Report, cmd: ApplyCode, ctx: Context) -> Entry:
    if ctx.grant is None or (ctx.grant.line_no, ctx.grant.code) != (cmd.line_no, cmd.code):
        raise InvalidInput("The code must be verified first.")
    return Entry(pricing.apply_grant(report, ctx.grant))


def _set_unit_price(report: Report, cmd: SetUnitPrice, ctx: Context) -> Entry:
    return Entry(pricing.set_unit_price(report, cmd.line_no, cmd.value))


def _set_channel_margin(report: Report, cmd: SetChannelMargin, ctx: Context) -> Entry:
    return Entry(pricing.set_channel_margin(report, cmd.line_no, cmd.value))


def _reset_pricing(report: Report, cmd: ResetPricing, ctx: Context) -> Entry:
    return Entry(pricing.reset_pricing(report))


def _remove_code(report: Report, cmd: RemoveCode, ctx: Context) -> Entry:
    return Entry(pricing.remove_code(report, cmd.line_no))


def _save_draft(report: Report, cmd: SaveDraft, ctx: Context) -> Entry:
    return Entry(f"draft saved ({ctx.edits} change(s)); total {report.total} {report.currency}")


def _submit(report: Report, cmd: Submit, ctx: Context) -> Entry:
    if not report.po_number:
        raise InvalidTransition(
            "Specify the PO number first (Edit PO Number): it is required before Submit to Trend Micro."
        )
    report.review_reason = None
    report.vendor_comment = cmd.comment
    report.usage_approved_at = ctx.now
    return Entry(
        f"submitted to Trend Micro with PO {report.po_number}, total {report.total} {report.currency}; "
        "the partner's usage report is approved",
        comment=cmd.comment,
    )


def _reject(report: Report, cmd: Reject, ctx: Context) -> Entry:
    report.review_reason = None
    return Entry("rejected and returned to the partner", comment=cmd.reason)


def _partner_submit(report: Report, cmd: PartnerSubmit, ctx: Context) -> Entry:
    verb = "resubmitted after the rejection" if report.status is Status.REJECTED else "submitted"
    report.review_reason, report.auto_submitted = ReviewReason.MANUAL_SUBMISSION, False
    return Entry(
        f"the partner {verb} its usage report (recorded by {ctx.user})", actor=f"{report.partner_name} (partner)"
    )


def _auto_submit(report: Report, cmd: AutoSubmit, ctx: Context) -> Entry:
    hit = domain.penalise(report.lines)
    report.review_reason = ReviewReason.AUTO_PENALTIES if hit else ReviewReason.AUTO_NO_PENALTIES
    report.auto_submitted = bool(hit)
    detail = report.review_reason.label
    if hit:
        detail += (
            "; charged at the provisioned count: "
            + ", ".join(f"line {ln.line_no} {ln.name} ({ln.provisioned})" for ln in hit)
            + f"; flagged “{AUTO_SUBMITTED_FLAG}”"
        )
    return Entry(f"{detail} (cycle {report.cycle} closed by {ctx.user})", actor="system")


def _vendor_complete(report: Report, cmd: VendorComplete, ctx: Context) -> Entry:
    report.review_reason = None
    return Entry(f"approved and completed by Trend Micro (recorded by {ctx.user})", actor=VENDOR)


def _vendor_return(report: Report, cmd: VendorReturn, ctx: Context) -> Entry:
    report.review_reason = ReviewReason.RETURNED_BY_VENDOR
    return Entry(
        f"returned by Trend Micro for clarification (recorded by {ctx.user})", comment=cmd.reason, actor=VENDOR
    )


_RULES: dict[type, Callable[[Report, Any, Context], Entry]] = {
    SetPO: _set_po,
    ApplyCode: _apply_code,
    SetUnitPrice: _set_unit_price,
    SetChannelMargin: _set_channel_margin,
    ResetPricing: _reset_pricing,
    RemoveCode: _remove_code,
    SaveDraft: _save_draft,
    Submit: _submit,
    Reject: _reject,
    PartnerSubmit: _partner_submit,
    AutoSubmit: _auto_submit,
    VendorComplete: _vendor_complete,
    VendorReturn: _vendor_return,
}
