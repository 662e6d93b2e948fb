"""What the services hand out: plain, immutable values (no rows, no sessions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from lmp_tui.domain import money
from lmp_tui.domain.model import Action, CodeKind, ReviewReason, Role, Status
from lmp_tui.domain.policy import may


@dataclass(frozen=True)
class StaffUserView:
    name: str
    role: Role
    distributor: str
    enabled: bool = True

    @property
    def can_act(self) -> bool:
        """Whether the role may act on reports at all (the policy decides)."""
        return may(Action.SAVE_DRAFT, self.role)


@dataclass(frozen=True)
class StaffKeyView:
    """One of a staff user's SSH public keys."""

    fingerprint: str
    algorithm: str
    comment: str
    added_at: datetime


@dataclass(frozen=True)
class AdminEntryView:
    """One entry of the administration history."""

    at: datetime
    actor: str
    subject: str
    key: str
    action: str
    detail: str
    #: a change to the data every distributor shares (every distributor's audit shows it)
    shared: bool = False


@dataclass(frozen=True)
class ReportRow:
    """One line of the report list."""

    id: int
    partner: str
    company_id: str
    region: str
    cycle: str
    status: Status
    review_reason: ReviewReason | None
    auto_submitted: bool
    po_number: str | None
    line_count: int
    discrepancy_count: int
    comment_count: int
    total: Decimal
    currency: str
    version: int

    @classmethod
    def from_values(cls, r: Any) -> ReportRow:
        """A row from the list query's columns, in their order (the total rounded to its
        currency by :func:`lmp_tui.domain.money.round_money`)."""
        (
            id_,
            partner,
            company_id,
            region,
            cycle,
            status,
            reason,
            auto,
            po,
            lines,
            discrepancies,
            comments,
            total,
            currency,
            version,
        ) = r
        return cls(
            id=id_,
            partner=partner,
            company_id=company_id,
            region=region,
            cycle=cycle,
            status=status,
            review_reason=reason,
            auto_submitted=auto,
            po_number=po,
            line_count=lines,
            discrepancy_count=discrepancies,
            comment_count=comments,
            total=money.round_money(total, currency),
            currency=currency,
            version=version,
        )


@dataclass(frozen=True)
class ReportPage:
    rows: list[ReportRow]
    total_count: int
    offset: int


@dataclass(frozen=True)
class PromoCodeView:
    code: str
    kind: CodeKind
    region: str
    products: tuple[str, ...]
    valid_from: date
    valid_to: date
    partner: str | None
    min_unit_price: Decimal | None
    max_channel_margin: Decimal | None


@dataclass(frozen=True)
class CycleCloseResult:
    cycle: str
    no_penalties: int
    penalties: int
    untouched: int


@dataclass(frozen=True)
class ReportStamp:
    """A report's current version and its latest history entry (who did what, when):
    enough to tell an open report that someone else changed it."""

    report_id: int
    version: int
    at: datetime | None
    actor: str | None
    action: Action | None
    detail: str | None
    #: what that change did: the history entries written with it, oldest first
    details: tuple[str, ...] = ()

    @property
    def said(self) -> str:
        """Who changed it and what, in words."""
        if self.actor is None:
            return f"Report #{self.report_id} changed"
        what = list(self.details or (self.detail or "",))
        if len(what) > 3:
            what = [*what[:3], f"and {len(what) - 3} more"]
        return f"{self.actor} changed report #{self.report_id}: {'; '.join(what)}"
