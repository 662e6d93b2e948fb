"""Rows → domain objects, and domain changes → rows, in one place (as elia does)."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from lmp_tui.domain import money
from lmp_tui.domain.model import Action, HistoryEntry, Line, Report
from lmp_tui.domain.pricing import PromoCode, field_value
from lmp_tui.storage.models import BillingReport, LineItem, PromoCodeRow

_PCT = Decimal("0.01")


def _price(value: Decimal, currency: str) -> Decimal:
    return money.round_money(value, currency)


def line_from_row(row: LineItem, currency: str) -> Line:
    return Line(
        line_no=row.line_no,
        product_id=row.product_id,
        name=row.name,
        units=row.units,
        provisioned=row.provisioned,
        used=row.used,
        chargeable=row.chargeable,
        partner_comment=row.partner_comment,
        list_unit_price=_price(row.list_unit_price, currency),
        list_channel_margin=money.to_places(row.list_channel_margin, _PCT),
        unit_price=_price(row.unit_price, currency),
        channel_margin=money.to_places(row.channel_margin, _PCT),
        promo_code=row.promo_code,
        editable_field=row.editable_field,
        code_bound=field_value(row.code_bound, row.editable_field, currency) if row.editable_field else None,
    )


class HistoryFields(Protocol):
    """A history row's columns: an ORM :class:`HistoryRow`, or a Core row of those columns."""

    @property
    def at(self) -> datetime: ...
    @property
    def actor(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def detail(self) -> str: ...
    @property
    def comment(self) -> str | None: ...


def history_from_row(row: HistoryFields) -> HistoryEntry:
    action: Action | str
    try:
        action = Action(row.action)
    except ValueError:  # an action written by a newer version: show it as it is
        action = row.action
    return HistoryEntry(at=row.at, actor=row.actor, action=action, detail=row.detail, comment=row.comment)


def report_from_row(row: BillingReport, *, with_history: bool = True) -> Report:
    region = row.partner.region
    currency = region.currency
    return Report(
        id=row.id,
        version=row.version,
        partner_id=row.partner_id,
        partner_name=row.partner.name,
        company_id=row.partner.company_id,
        distributor_id=row.distributor_id,
        region_code=region.code,
        region_name=region.name,
        currency=currency,
        code_kind=region.code_kind,
        code_opens=region.code_opens,
        cycle=row.cycle,
        period_start=row.period_start,
        period_end=row.period_end,
        status=row.status,
        review_reason=row.review_reason,
        auto_submitted=row.auto_submitted,
        po_number=row.po_number,
        vendor_comment=row.vendor_comment,
        usage_approved_at=row.usage_approved_at,
        lines=[line_from_row(ln, currency) for ln in row.lines],
        history=[history_from_row(h) for h in row.history] if with_history else [],
    )


def code_from_row(row: PromoCodeRow) -> PromoCode:
    return PromoCode(
        code=row.code,
        kind=row.kind,
        region_code=row.region.code,
        product_ids=frozenset(p.id for p in row.products),
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        partner_id=row.partner_id,
        min_unit_price=row.min_unit_price,
        max_channel_margin=row.max_channel_margin,
    )


def line_columns(line: Line) -> dict[str, Any]:
    """A line's columns for a bulk insert of ``line_items`` (the report's id is the caller's):
    the demo and the usage import write new lines with it."""
    return {name: getattr(line, name) for name in _LINE_COLUMNS}


_LINE_COLUMNS = tuple(f.name for f in fields(Line))


_LINE_FIELDS = ("chargeable", "unit_price", "channel_margin", "promo_code", "editable_field", "code_bound")


def write_back(report: Report, row: BillingReport) -> None:
    """Copy what the distributor's and the parties' actions may change onto the rows, and
    refresh the summary columns the report list sorts by."""
    row.po_number = report.po_number
    row.status = report.status
    row.review_reason = report.review_reason
    row.auto_submitted = report.auto_submitted
    row.vendor_comment = report.vendor_comment
    row.usage_approved_at = report.usage_approved_at
    by_no = {ln.line_no: ln for ln in report.lines}
    for line_row in row.lines:
        line = by_no[line_row.line_no]
        for name in _LINE_FIELDS:
            new = getattr(line, name)
            if getattr(line_row, name) != new:
                setattr(line_row, name, new)
    summarise(report, row)


def summarise(report: Report, row: BillingReport) -> None:
    for name, value in report.summary().items():
        setattr(row, name, value)
