"""Reading one report for the screen: three Core selects (the report with its partner and
region, its lines, its history) straight into domain objects, without ORM objects.

A 2,000-line report took ~120 ms through the ORM (an object, its state and its identity per
line, and each decimal converted per row); here each distinct amount is converted once per
report (prices and margins repeat from line to line) and a line is built in one call. The
values are those of :func:`lmp_tui.storage.convert.report_from_row`, digit for digit (a
test compares the two); the writes still go through the ORM rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select, type_coerce
from sqlalchemy.orm import Session

from lmp_tui.domain import money
from lmp_tui.domain.model import EditableField, Line, Report
from lmp_tui.storage.convert import history_from_row
from lmp_tui.storage.exact import exact_value
from lmp_tui.storage.models import BillingReport, HistoryRow, LineItem, Partner, Region
from lmp_tui.storage.types import RawExactDecimal

_PCT = Decimal("0.01")
_RAW = RawExactDecimal()

_HEAD = (
    BillingReport.id,
    BillingReport.version,
    BillingReport.partner_id,
    Partner.name,
    Partner.company_id,
    BillingReport.distributor_id,
    Region.code,
    Region.name,
    Region.currency,
    Region.code_kind,
    Region.code_opens,
    BillingReport.cycle,
    BillingReport.period_start,
    BillingReport.period_end,
    BillingReport.status,
    BillingReport.review_reason,
    BillingReport.auto_submitted,
    BillingReport.po_number,
    BillingReport.vendor_comment,
    BillingReport.usage_approved_at,
)
_LINES = (
    LineItem.line_no,
    LineItem.product_id,
    LineItem.name,
    LineItem.units,
    LineItem.provisioned,
    LineItem.used,
    LineItem.chargeable,
    LineItem.partner_comment,
    type_coerce(LineItem.list_unit_price, _RAW),
    type_coerce(LineItem.list_channel_margin, _RAW),
    type_coerce(LineItem.unit_price, _RAW),
    type_coerce(LineItem.channel_margin, _RAW),
    LineItem.promo_code,
    LineItem.editable_field,
    type_coerce(LineItem.code_bound, _RAW),
)
_HISTORY = (HistoryRow.at, HistoryRow.actor, HistoryRow.action, HistoryRow.detail, HistoryRow.comment)


def read_report(session: Session, report_id: int, distributor_id: int, *, with_history: bool = True) -> Report | None:
    """The report as the domain sees it, or None when it is not one of the distributor's."""
    head = session.execute(
        select(*_HEAD)
        .join(Partner, Partner.id == BillingReport.partner_id)
        .join(Region, Region.id == Partner.region_id)
        .where(BillingReport.id == report_id, BillingReport.distributor_id == distributor_id)
    ).first()
    if head is None:
        return None
    report = Report(*tuple(head))  # a plain tuple: mypy does not match a Row's long typed prefix to the fields
    rows = session.execute(select(*_LINES).where(LineItem.report_id == report_id).order_by(LineItem.line_no))
    report.lines = lines_from_rows(rows, report.currency, session.get_bind().dialect.name)
    if with_history:
        history = session.execute(select(*_HISTORY).where(HistoryRow.report_id == report_id).order_by(HistoryRow.id))
        report.history = [history_from_row(h) for h in history]
    return report


def lines_from_rows(rows: Iterable[Sequence[Any]], currency: str, dialect_name: str) -> list[Line]:
    """Lines from rows of the ``_LINES`` columns (the amounts as the driver gives them)."""
    quantum = money.quantum(currency)
    prices: dict[object, Decimal] = {}
    percents: dict[object, Decimal] = {}

    def converter(memo: dict[object, Decimal], places: Decimal) -> Callable[[object], Decimal]:
        def convert(raw: object) -> Decimal:
            value = memo.get(raw)
            if value is None:
                value = memo[raw] = money.to_places(exact_value(raw, dialect_name), places)
            return value

        return convert

    price, percent = converter(prices, quantum), converter(percents, _PCT)
    out = []
    for (
        no,
        product,
        name,
        units,
        prov,
        used,
        charge,
        comment,
        list_price,
        list_margin,
        unit_price,
        margin,
        code,
        opened,
        bound,
    ) in rows:
        if bound is not None and opened is not None:
            bound = price(bound) if opened is EditableField.UNIT_PRICE else percent(bound)
        else:
            bound = None
        out.append(
            Line(
                no,
                product,
                name,
                units,
                prov,
                used,
                charge,
                comment,
                price(list_price),
                percent(list_margin),
                price(unit_price),
                percent(margin),
                code,
                opened,
                bound,
            )
        )
    return out
