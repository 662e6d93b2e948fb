"""Promotional pricing codes (docs/guide.md): verifying a code for a line, applying it, and
editing the unit price or channel margin it opened, within its bound; resetting to the
price list; the PO number. Pure functions on :mod:`lmp_tui.domain.model` objects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lmp_tui.domain import money
from lmp_tui.domain.model import PERCENT, CodeKind, EditableField, Line, Report
from lmp_tui.errors import CodeRefused, InvalidInput


@dataclass(frozen=True)
class PromoCode:
    code: str
    kind: CodeKind
    region_code: str
    product_ids: frozenset[int]  # empty: every product
    valid_from: date
    valid_to: date
    partner_id: int | None = None
    min_unit_price: Decimal | None = None
    max_channel_margin: Decimal | None = None


@dataclass(frozen=True)
class CodeGrant:
    """A verified code: what it opens on which line, and its bound."""

    line_no: int
    code: str
    opens: EditableField
    bound: Decimal | None


def verify_code(report: Report, line: Line, typed: str, code: PromoCode | None) -> CodeGrant:
    """The checks of docs/guide.md, in order; the refusal names the check that failed."""
    kind = report.code_kind.label
    if code is None:
        raise CodeRefused("exists", f"{kind} {typed} does not exist. Check the code with the partner or the vendor.")
    if code.kind is not report.code_kind:
        raise CodeRefused(
            "kind",
            f"{code.code} is a {code.kind.label}, but region {report.region_name} uses {kind}s. Ask for a {kind}.",
        )
    if code.region_code != report.region_code:
        raise CodeRefused(
            "region",
            f"{code.code} belongs to region {code.region_code}, not to the partner's region {report.region_code}.",
        )
    if code.product_ids and line.product_id not in code.product_ids:  # none listed: every product
        raise CodeRefused("product", f"{code.code} does not cover {line.name} (line {line.line_no}).")
    if code.valid_from > report.period_start or code.valid_to < report.period_end:
        raise CodeRefused(
            "validity",
            f"{code.code} is valid {code.valid_from} to {code.valid_to}, which does not cover the "
            f"report period {report.period_start} to {report.period_end}.",
        )
    if code.partner_id is not None and code.partner_id != report.partner_id:
        raise CodeRefused("partner", f"{code.code} is reserved for another partner, not {report.partner_name}.")
    opens = report.code_opens
    bound = code.min_unit_price if opens is EditableField.UNIT_PRICE else code.max_channel_margin
    return CodeGrant(line.line_no, code.code, opens, field_value(bound, opens, report.currency))


def field_value(value: Decimal | None, which: EditableField, currency: str) -> Decimal | None:
    """A unit price to the currency's minor unit, a margin to two decimals."""
    if value is None:
        return None
    return money.to_places(value, money.quantum(currency) if which is EditableField.UNIT_PRICE else PERCENT)


# --------------------------------------------------------------------------- pricing edits


def apply_grant(report: Report, grant: CodeGrant) -> str:
    """Apply a verified code to its line; the line starts again from the price list."""
    line = report.line(grant.line_no)
    put_back = _back_to_price_list(report, line)
    line.promo_code = grant.code
    line.editable_field = grant.opens
    line.code_bound = grant.bound
    bound = ""
    if grant.bound is not None:
        bound = (
            f"; lowest unit price {grant.bound}"
            if grant.opens is EditableField.UNIT_PRICE
            else f"; highest channel margin {grant.bound}%"
        )
    return (
        f"line {line.line_no} {line.name}: {report.code_kind.label} {grant.code} applied, "
        f"{grant.opens.label} editable{bound}{_said(put_back)}"
    )


def _back_to_price_list(report: Report, line: Line) -> list[str]:
    """Clear the line's code and put its price-list unit price and channel margin back:
    the one way a line returns to the price list (a code applied, removed or reset). Returns
    each value that changed, old → new, for the history (every money change is in it)."""
    changed = []
    if line.unit_price != line.list_unit_price:
        changed.append(f"unit price {line.unit_price} → {line.list_unit_price} {report.currency}")
    if line.channel_margin != line.list_channel_margin:
        changed.append(f"channel margin {line.channel_margin}% → {line.list_channel_margin}%")
    line.promo_code = None
    line.editable_field = None
    line.code_bound = None
    line.unit_price = line.list_unit_price
    line.channel_margin = line.list_channel_margin
    return changed


def _said(changed: list[str]) -> str:
    return f"; {', '.join(changed)}" if changed else ""


def set_unit_price(report: Report, line_no: int, value: Decimal) -> str:
    line = report.line(line_no)
    _require_opened(report, line, EditableField.UNIT_PRICE)
    digits = money.minor_digits(report.currency)
    if not money.fits_currency(value, report.currency):
        raise InvalidInput(
            f"A unit price in {report.currency} has at most {digits} decimals; {value} has more."
            if digits
            else f"A unit price in {report.currency} has no decimals; type a whole number."
        )
    if line.code_bound is not None and value < line.code_bound:
        raise InvalidInput(
            f"Code {line.promo_code} allows a unit price of {line.code_bound} {report.currency} or more "
            f"on line {line_no}; {value} is below it."
        )
    value = money.round_money(value, report.currency)  # fits: only the digits change
    old, line.unit_price = line.unit_price, value
    if line.subtotal(report.currency) > money.MAX_AMOUNT or report.total > money.MAX_AMOUNT:
        raise InvalidInput(
            f"With a unit price of {value:,} {report.currency}, the amount of line {line_no} or of the report "
            f"would pass {money.MAX_AMOUNT:,}, the largest lmp-tui stores; check the price."
        )
    return f"line {line_no} {line.name}: unit price {old} → {value} {report.currency}"


def set_channel_margin(report: Report, line_no: int, value: Decimal) -> str:
    line = report.line(line_no)
    _require_opened(report, line, EditableField.CHANNEL_MARGIN)
    if line.code_bound is not None and value > line.code_bound:
        raise InvalidInput(
            f"Code {line.promo_code} allows a channel margin of at most {line.code_bound}% on line "
            f"{line_no}; {value}% is above it."
        )
    value = money.to_places(value, PERCENT)
    old, line.channel_margin = line.channel_margin, value
    return f"line {line_no} {line.name}: channel margin {old}% → {value}%"


def reset_pricing(report: Report) -> str:
    """Reset Unit Prices and Channel Margins: clear every code, restore the price list (doc)."""
    changed, values = 0, []
    for line in report.lines:
        had_code = line.promo_code is not None
        put_back = _back_to_price_list(report, line)
        if had_code or put_back:
            changed += 1
        if put_back:
            values.append(f"line {line.line_no} {line.name}: {', '.join(put_back)}")
    return f"unit prices and channel margins reset to the price list on {changed} line(s){_said(values)}"


def remove_code(report: Report, line_no: int) -> str:
    """Remove one line's code: the line goes back to its price-list values, without a code."""
    line = report.line(line_no)
    if line.promo_code is None:
        raise InvalidInput(f"Line {line_no} ({line.name}) has no promotional code to remove.")
    code = line.promo_code
    put_back = _back_to_price_list(report, line)
    removed = f"line {line_no} {line.name}: {report.code_kind.label} {code} removed"
    if put_back:
        return f"{removed}; {', '.join(put_back)} (the price list)"
    return (
        f"{removed}; unit price {line.unit_price} {report.currency} and channel margin "
        f"{line.channel_margin}% from the price list"
    )


def set_po(report: Report, po_number: str) -> str:
    old, report.po_number = report.po_number, po_number
    return f"PO number {old or '(none)'} → {po_number}"


def _require_opened(report: Report, line: Line, wanted: EditableField) -> None:
    if line.promo_code is None:
        raise InvalidInput(
            f"Line {line.line_no} ({line.name}) has no promotional code: specify a "
            f"{report.code_kind.label} first; it opens the {report.code_opens.label}."
        )
    if line.editable_field is not wanted:
        raise InvalidInput(
            f"Code {line.promo_code} opened the {line.editable_field.label if line.editable_field else '?'} "
            f"on line {line.line_no}, not the {wanted.label}; in region {report.region_name} codes open the "
            f"{report.code_opens.label}."
        )
