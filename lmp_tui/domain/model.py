"""The rules of docs/guide.md, in one place and with no storage or interface in them.

Statuses, Under-review reasons, roles and the allowed transitions are data (``TRANSITIONS``);
a billing report and its lines are plain objects whose derived figures (over-provisioned
percentage, discrepancy, subtotal, total) are computed here and nowhere else.
"""

from __future__ import annotations

import enum
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from lmp_tui.domain import money
from lmp_tui.errors import InvalidInput, InvalidTransition


class Status(str, enum.Enum):  # noqa: UP042 - StrEnum would turn str(member) into its value
    MSP_PREPARING = "msp-preparing"
    UNDER_REVIEW = "under-review"
    REJECTED = "rejected"
    SUBMITTED = "submitted"
    COMPLETED = "completed"

    @property
    def label(self) -> str:
        """The full name, as docs/guide.md writes it (details, refusals, exports)."""
        return STATUS_NAMES[self].label

    @property
    def brief(self) -> str:
        """The name without its explanation in brackets (the status filter)."""
        return STATUS_NAMES[self].brief

    @property
    def short(self) -> str:
        """The report table's Status column."""
        return STATUS_NAMES[self].short

    @property
    def abbrev(self) -> str:
        """A few letters, for the list's one-line counts per status."""
        return STATUS_NAMES[self].abbrev

    @property
    def shows_money(self) -> bool:
        """Whether a report in this status shows its pricing (unit prices, margins, codes,
        subtotals, total). While the partner prepares its usage report the distributor sees
        the usage only (docs/guide.md), in the interface, the command line and every export."""
        return self is not Status.MSP_PREPARING


@dataclass(frozen=True)
class StatusNames:
    label: str
    brief: str
    short: str
    abbrev: str


# fmt: off
#: Every name a status goes by, in one table.
STATUS_NAMES = {status: StatusNames(*names) for status, names in {
    #                      label                             brief                       short              abbrev
    Status.MSP_PREPARING: ("MSP preparing",                  "MSP preparing",            "MSP preparing",   "Prep"),
    Status.UNDER_REVIEW:  ("Under review",                   "Under review",             "Review",          "Review"),
    Status.REJECTED:      ("Rejected (Returned to partner)", "Rejected",                 "Rejected",        "Rej"),
    Status.SUBMITTED:     ("Submitted to Trend Micro",       "Submitted to Trend Micro", "Submitted to TM", "Sub"),
    Status.COMPLETED:     ("Completed",                      "Completed",                "Completed",       "Done"),
}.items()}
# fmt: on


class ReviewReason(str, enum.Enum):  # noqa: UP042 - StrEnum would turn str(member) into its value
    AUTO_NO_PENALTIES = "auto-no-penalties"
    AUTO_PENALTIES = "auto-penalties"
    MANUAL_SUBMISSION = "manual-submission"
    RETURNED_BY_VENDOR = "returned-by-vendor"

    @property
    def label(self) -> str:
        return REASON_LABELS[self]


REASON_LABELS = {
    ReviewReason.AUTO_NO_PENALTIES: "Automatic submission (no penalties)",
    ReviewReason.AUTO_PENALTIES: "Automatic submission (penalties)",
    ReviewReason.MANUAL_SUBMISSION: "Manual submission",
    ReviewReason.RETURNED_BY_VENDOR: "Returned by Trend Micro",
}

AUTO_SUBMITTED_FLAG = "Automatically submitted – may require review"
#: what marks a line's Chargeable, in the interface and the command line alike
DISCREPANCY_MARK = "!"
COMMENT_MARK = "†"
MARKS_LEGEND = f"{DISCREPANCY_MARK} discrepancy   {COMMENT_MARK} partner comment"


class CodeKind(str, enum.Enum):  # noqa: UP042 - StrEnum would turn str(member) into its value
    BID_DESK = "bid-desk"
    PROMOTE = "promote"

    @property
    def label(self) -> str:
        return "Bid Desk Number" if self is CodeKind.BID_DESK else "Promote Code"


class EditableField(str, enum.Enum):  # noqa: UP042 - StrEnum would turn str(member) into its value
    UNIT_PRICE = "unit_price"
    CHANNEL_MARGIN = "channel_margin"

    @property
    def label(self) -> str:
        return "Unit Price" if self is EditableField.UNIT_PRICE else "Channel Margin"


class Role(str, enum.Enum):  # noqa: UP042 - StrEnum would turn str(member) into its value
    VIEWER = "viewer"
    BILLING = "billing"
    ADMIN = "admin"
    #: an admin of its own distributor who may also change the reference data every
    #: distributor shares (regions, products, the price list, general codes); granted only by
    #: local administration (docs/ownership.md)
    OPERATOR = "operator"


class Action(str, enum.Enum):  # noqa: UP042 - StrEnum would turn str(member) into its value
    """Everything that can happen to a report; each is a history entry's ``action``."""

    SET_PO = "po-set"
    APPLY_CODE = "code-applied"
    SET_UNIT_PRICE = "unit-price-changed"
    SET_CHANNEL_MARGIN = "channel-margin-changed"
    RESET_PRICING = "prices-reset"
    REMOVE_CODE = "code-removed"
    SAVE_DRAFT = "draft-saved"
    SUBMIT = "submitted"
    REJECT = "rejected"
    PARTNER_SUBMIT = "partner-submission"
    AUTO_SUBMIT = "automatic-submission"
    VENDOR_COMPLETE = "completed"
    VENDOR_RETURN = "returned"
    IMPORT_USAGE = "usage-imported"


@dataclass(frozen=True)
class Transition:
    sources: frozenset[Status]
    target: Status | None  # None: the status stays as it is
    what: str  # how the action is named in a refusal


_REVIEW = frozenset({Status.UNDER_REVIEW})

#: The only moves a report can make. Anything not here is refused (rule). Who may ask for
#: each is the policy's business (:mod:`lmp_tui.domain.policy`), not the status machine's.
TRANSITIONS: dict[Action, Transition] = {
    Action.SET_PO: Transition(_REVIEW, None, "set the PO number"),
    Action.APPLY_CODE: Transition(_REVIEW, None, "specify a promotional code"),
    Action.SET_UNIT_PRICE: Transition(_REVIEW, None, "change a unit price"),
    Action.SET_CHANNEL_MARGIN: Transition(_REVIEW, None, "change a channel margin"),
    Action.RESET_PRICING: Transition(_REVIEW, None, "reset unit prices and channel margins"),
    Action.REMOVE_CODE: Transition(_REVIEW, None, "remove a promotional code"),
    Action.SAVE_DRAFT: Transition(_REVIEW, None, "save a draft"),
    Action.SUBMIT: Transition(_REVIEW, Status.SUBMITTED, "submit it to Trend Micro"),
    Action.REJECT: Transition(_REVIEW, Status.REJECTED, "reject it"),
    Action.PARTNER_SUBMIT: Transition(
        frozenset({Status.MSP_PREPARING, Status.REJECTED}), Status.UNDER_REVIEW, "record the partner's submission"
    ),
    Action.AUTO_SUBMIT: Transition(frozenset({Status.MSP_PREPARING}), Status.UNDER_REVIEW, "submit it automatically"),
    Action.VENDOR_COMPLETE: Transition(
        frozenset({Status.SUBMITTED}), Status.COMPLETED, "record Trend Micro's completion"
    ),
    Action.VENDOR_RETURN: Transition(frozenset({Status.SUBMITTED}), Status.UNDER_REVIEW, "record Trend Micro's return"),
    Action.IMPORT_USAGE: Transition(frozenset({Status.MSP_PREPARING}), None, "replace its usage lines"),
}

#: Why no action is offered, by status (shown by the interface and used in refusals).
WHY_READ_ONLY = {
    Status.MSP_PREPARING: "The partner is still preparing this usage report; its figures may still change.",
    Status.REJECTED: "Rejected and returned to the partner; it comes back when the partner resubmits.",
    Status.SUBMITTED: "Submitted to Trend Micro; it comes back only if Trend Micro returns it.",
    Status.COMPLETED: "Completed by Trend Micro; a completed report never changes.",
}


def check_transition(action: Action, status: Status) -> Transition:
    """Raise a clerk-readable error when ``action`` cannot start from ``status``; return the
    transition."""
    t = TRANSITIONS[action]
    if status not in t.sources:
        allowed = " or ".join(s.label for s in sorted(t.sources, key=list(Status).index))
        why = WHY_READ_ONLY.get(status, "")
        raise InvalidTransition(
            f"Cannot {t.what}: the report is {status.label}; this is possible only when it is {allowed}. {why}".strip()
        )
    return t


# --------------------------------------------------------------------------- lines

PERCENT = Decimal("0.01")


@dataclass
class Line:
    line_no: int
    product_id: int
    name: str
    units: str
    provisioned: int
    used: int | None
    chargeable: int
    partner_comment: str | None
    list_unit_price: Decimal
    list_channel_margin: Decimal
    unit_price: Decimal
    channel_margin: Decimal
    promo_code: str | None = None
    editable_field: EditableField | None = None
    #: the code's bound on the opened field: lowest unit price or highest channel margin
    code_bound: Decimal | None = None

    def __copy__(self) -> Line:
        """A copy (its fields are immutable values): a Reset copies every line of a report,
        and this is ~4× quicker than :func:`copy.copy`'s generic way."""
        new = object.__new__(Line)
        new.__dict__.update(self.__dict__)
        return new

    @property
    def over_provisioned_pct(self) -> Decimal | None:
        """(Provisioned − Used) / Provisioned × 100 when Used < Provisioned, else 0;
        None when Used is empty. Shown to two decimals, half-up."""
        return over_provisioned_pct(self.provisioned, self.used)

    @property
    def over_provisioned(self) -> bool:
        """An over-provisioning violation: fewer units in use than provisioned (rule)."""
        return self.used is not None and self.used < self.provisioned

    @property
    def discrepancy(self) -> bool:
        """Chargeable differs from Provisioned, or over-provisioning exists (doc)."""
        return self.chargeable != self.provisioned or self.over_provisioned

    @property
    def discrepancy_reasons(self) -> list[str]:
        """What makes the discrepancy, in words (none: no discrepancy)."""
        why = []
        if self.over_provisioned:
            why.append(f"over-provisioned {self.over_provisioned_pct}%")
        if self.chargeable != self.provisioned:
            why.append(f"Chargeable {self.chargeable} ≠ Provisioned {self.provisioned}")
        return why

    @property
    def marks(self) -> str:
        """The two marks after Chargeable, wherever a line is shown: a discrepancy and a
        partner comment (a space where there is none)."""
        return (DISCREPANCY_MARK if self.discrepancy else " ") + (COMMENT_MARK if self.partner_comment else " ")

    @property
    def penalised(self) -> bool:
        """Charged at the provisioned count on automatic submission: over-provisioned and
        the partner did not comment (doc)."""
        return self.over_provisioned and not self.partner_comment

    def subtotal(self, currency: str) -> Decimal:
        return money.subtotal(self.unit_price, self.chargeable, self.channel_margin, currency)


def over_provisioned_pct(provisioned: int, used: int | None) -> Decimal | None:
    """A line's over-provisioned percentage (:attr:`Line.over_provisioned_pct`)."""
    if used is None:
        return None
    if provisioned <= 0 or used >= provisioned:
        return Decimal("0.00")
    pct = Decimal(provisioned - used) * 100 / Decimal(provisioned)
    return money.to_places(pct, PERCENT)


def period_of(cycle: str) -> tuple[date, date]:
    """The report period of a cycle ("2026-10"): its first and last day."""
    year, month = int(cycle[:4]), int(cycle[5:])
    return date(year, month, 1), date(year, month, monthrange(year, month)[1])


def total_of(lines: list[Line], currency: str) -> Decimal:
    """Total invoice amount: the sum of the rounded subtotals (rule)."""
    return sum((ln.subtotal(currency) for ln in lines), start=money.round_money(Decimal(0), currency))


def summary_of(lines: list[Line], currency: str) -> dict[str, Any]:
    """What a report's row keeps of its lines for the list (total, lines, discrepancies,
    comments), by the column names: the services, the usage import and the demo all write
    it from here."""
    return dict(
        total=total_of(lines, currency),
        line_count=len(lines),
        discrepancy_count=sum(1 for ln in lines if ln.discrepancy),
        comment_count=sum(1 for ln in lines if ln.partner_comment),
    )


def chargeable_for(provisioned: int, used: int | None, chargeable: int | None) -> int:
    """Chargeable equals Provisioned when Used is empty (doc), or when not given."""
    if used is None or chargeable is None:
        return provisioned
    return chargeable


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor: str
    action: Action | str  # a str: an action written by a newer version, shown as it is
    detail: str
    comment: str | None = None


@dataclass
class Report:
    id: int
    version: int
    partner_id: int
    partner_name: str
    company_id: str
    distributor_id: int
    region_code: str
    region_name: str
    currency: str
    code_kind: CodeKind
    code_opens: EditableField
    cycle: str
    period_start: date
    period_end: date
    status: Status
    review_reason: ReviewReason | None
    auto_submitted: bool
    po_number: str | None
    vendor_comment: str | None
    usage_approved_at: datetime | None
    lines: list[Line] = field(default_factory=list)
    history: list[HistoryEntry] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        """Total invoice amount: the sum of the rounded subtotals (rule)."""
        return total_of(self.lines, self.currency)

    def summary(self) -> dict[str, Any]:
        """:func:`summary_of` the report's lines."""
        return summary_of(self.lines, self.currency)

    @property
    def status_text(self) -> str:
        if self.status is Status.UNDER_REVIEW and self.review_reason is not None:
            return f"{self.status.label} – {self.review_reason.label}"
        return self.status.label

    def line(self, line_no: int) -> Line:
        for ln in self.lines:
            if ln.line_no == line_no:
                return ln
        raise InvalidInput(f"Report #{self.id} has no line {line_no}; its lines are numbered 1 to {len(self.lines)}.")


def penalise(lines: list[Line]) -> list[Line]:
    """Automatic submission with penalties: over-provisioned, uncommented lines are charged
    at the provisioned count. Returns the lines that were penalised."""
    hit = [ln for ln in lines if ln.penalised]
    for ln in hit:
        ln.chargeable = ln.provisioned
    return hit


class AdminAction(str, enum.Enum):  # noqa: UP042 - StrEnum would turn str(member) into its value
    """Everything an admin can change besides a report; each is an admin history entry's
    ``action``."""

    ADD_USER = "user-added"
    SET_ROLE = "user-role-changed"
    DISABLE_USER = "user-disabled"
    ENABLE_USER = "user-enabled"
    ADD_KEY = "key-added"
    REMOVE_KEY = "key-removed"
    SHOW_USER = "user-shown"
    IMPORT = "imported"
    #: regions, products, the price list and general codes: shared by every distributor
    CHANGE_SHARED = "shared-changed"


#: how each is named in a refusal ("You cannot …")
ADMIN_WHAT = {
    AdminAction.ADD_USER: "add a staff user",
    AdminAction.SET_ROLE: "change a staff user's role",
    AdminAction.DISABLE_USER: "disable a staff user",
    AdminAction.ENABLE_USER: "enable a staff user",
    AdminAction.ADD_KEY: "add an SSH key to a staff user",
    AdminAction.REMOVE_KEY: "remove a staff user's SSH key",
    AdminAction.SHOW_USER: "see a staff user's SSH keys",
    AdminAction.IMPORT: "import partners, codes or usage",
    AdminAction.CHANGE_SHARED: "change regions, products, prices or general codes",
}
