"""Reports, rows, codes and users as JSON-ready dicts and as plain text tables, for the
command line (and the support desk's scripts). Decimals are exact strings. In the tables
every value from the database is one line of harmless text (:func:`display_text`); the
JSON keeps every character (the command line escapes what a terminal could act on)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from lmp_tui.domain.model import AUTO_SUBMITTED_FLAG, MARKS_LEGEND, Report
from lmp_tui.domain.money import format_money
from lmp_tui.safetext import display_text
from lmp_tui.services import PromoCodeView, ReportRow, StaffUserView


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


#: what a line's JSON keeps of its pricing (left out while the partner prepares)
_PRICING = ("unit_price", "channel_margin", "promo_code", "editable_field", "code_bound", "subtotal")


def amount(value: Decimal, currency: str) -> str:
    """An amount for people: thousands separators, the currency's decimals (no currency code)."""
    return format_money(value, currency).rsplit(" ", 1)[0]


def row_json(r: ReportRow) -> dict[str, Any]:
    return {
        "id": r.id,
        "partner": r.partner,
        "company_id": r.company_id,
        "region": r.region,
        "cycle": r.cycle,
        "status": r.status.value,
        "review_reason": r.review_reason.value if r.review_reason else None,
        "auto_submitted": r.auto_submitted,
        "po_number": r.po_number,
        "lines": r.line_count,
        "discrepancies": r.discrepancy_count,
        "comments": r.comment_count,
        "total": None if not r.status.shows_money else str(r.total),
        "currency": r.currency,
        "version": r.version,
    }


def report_json(r: Report) -> dict[str, Any]:
    data = _report_json(r)
    if not r.status.shows_money:
        data["total"] = None
        data["lines"] = [{k: v for k, v in ln.items() if k not in _PRICING} for ln in data["lines"]]
    return data


def _report_json(r: Report) -> dict[str, Any]:
    return {
        "id": r.id,
        "partner": r.partner_name,
        "company_id": r.company_id,
        "region": r.region_code,
        "currency": r.currency,
        "cycle": r.cycle,
        "period_start": r.period_start.isoformat(),
        "period_end": r.period_end.isoformat(),
        "status": r.status.value,
        "review_reason": r.review_reason.value if r.review_reason else None,
        "auto_submitted": r.auto_submitted,
        "po_number": r.po_number,
        "total": str(r.total),
        "version": r.version,
        "vendor_comment": r.vendor_comment,
        "usage_approved_at": r.usage_approved_at.isoformat() if r.usage_approved_at else None,
        "lines": [
            {
                "line_no": ln.line_no,
                "name": ln.name,
                "units": ln.units,
                "provisioned": ln.provisioned,
                "used": ln.used,
                "over_provisioned_pct": _s(ln.over_provisioned_pct),
                "chargeable": ln.chargeable,
                "discrepancy": ln.discrepancy,
                "partner_comment": ln.partner_comment,
                "unit_price": str(ln.unit_price),
                "channel_margin": str(ln.channel_margin),
                "promo_code": ln.promo_code,
                "editable_field": ln.editable_field.value if ln.editable_field else None,
                "code_bound": _s(ln.code_bound),
                "subtotal": str(ln.subtotal(r.currency)),
            }
            for ln in r.lines
        ],
        "history": [
            {
                "at": h.at.isoformat(),
                "actor": h.actor,
                "action": getattr(h.action, "value", h.action),
                "detail": h.detail,
                "comment": h.comment,
            }
            for h in r.history
        ],
    }


def code_json(c: PromoCodeView) -> dict[str, Any]:
    return {
        "code": c.code,
        "kind": c.kind.value,
        "region": c.region,
        "products": list(c.products),
        "valid_from": c.valid_from.isoformat(),
        "valid_to": c.valid_to.isoformat(),
        "partner": c.partner,
        "min_unit_price": _s(c.min_unit_price),
        "max_channel_margin": _s(c.max_channel_margin),
    }


def user_json(u: StaffUserView) -> dict[str, Any]:
    return {"name": u.name, "role": u.role.value, "distributor": u.distributor}


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], right: Sequence[int] = ()) -> str:
    """Columns aligned by the cells a terminal gives each character (rich's measure: a
    Japanese partner name takes two a character)."""
    from rich.cells import cell_len

    body = [[display_text(v) for v in row] for row in rows]
    widths = [max([cell_len(h), *(cell_len(row[i]) for row in body)]) for i, h in enumerate(headers)]

    def fmt(cells: Sequence[str]) -> str:
        padded = (
            (" " * (w - cell_len(c)) + c) if i in right else (c + " " * (w - cell_len(c)))
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )
        return "  ".join(padded).rstrip()

    return "\n".join([fmt(headers), fmt(["-" * w for w in widths]), *(fmt(r) for r in body)])


def rows_table(rows: Sequence[ReportRow]) -> str:
    return table(
        ("ID", "Partner", "Cycle", "Status", "PO", "Lines", "Disc.", "Total"),
        (
            (
                r.id,
                r.partner[:34],
                r.cycle,
                r.status.value
                + (f" ({r.review_reason.value})" if r.review_reason else "")
                + (" !" if r.auto_submitted else ""),
                r.po_number or "",
                f"{r.line_count:,}",
                f"{r.discrepancy_count:,}",
                "" if not r.status.shows_money else format_money(r.total, r.currency),
            )
            for r in rows
        ),
        right=(0, 5, 6, 7),
    )


def report_text(r: Report) -> str:
    t = display_text
    head = [
        f"Billing report #{r.id} (version {r.version})",
        f"Partner:       {t(r.partner_name)}   Company ID {t(r.company_id)}",
        f"Region:        {t(r.region_name)} ({t(r.region_code)}), {r.currency}; codes: {r.code_kind.label}, "
        f"opening {r.code_opens.label}",
        f"Status:        {r.status_text}" + (f"   [{AUTO_SUBMITTED_FLAG}]" if r.auto_submitted else ""),
        f"Report period: {r.period_start} to {r.period_end} (cycle {t(r.cycle)})",
        f"PO number:     {t(r.po_number or '(none)')}",
        "Total invoice amount: "
        + (
            "(not shown while the partner prepares its usage report)"
            if not r.status.shows_money
            else format_money(r.total, r.currency)
        ),
        "",
    ]
    usage = ("#", "Name", "Units", "Prov.", "Used", "Over %", "Charg.")

    def usage_cells(ln: Any) -> tuple[Any, ...]:
        return (
            ln.line_no,
            ln.name,
            ln.units,
            f"{ln.provisioned:,}",
            "" if ln.used is None else f"{ln.used:,}",
            ln.over_provisioned_pct,
            f"{ln.chargeable:,}{ln.marks.replace(' ', '')}",
        )

    if not r.status.shows_money:
        lines = table(usage, (usage_cells(ln) for ln in r.lines), right=(0, 3, 4, 5, 6))
    else:
        lines = table(
            (*usage, "Unit Price", "Margin", "Code", "Subtotal"),
            (
                (
                    *usage_cells(ln),
                    amount(ln.unit_price, r.currency),
                    f"{ln.channel_margin}%",
                    ln.promo_code or "",
                    amount(ln.subtotal(r.currency), r.currency),
                )
                for ln in r.lines
            ),
            right=(0, 3, 4, 5, 6, 7, 8, 10),
        )
    notes = [f"  line {ln.line_no}: {t(ln.partner_comment)}" for ln in r.lines if ln.partner_comment]
    hist = [
        f"  {h.at:%Y-%m-%d %H:%M} {t(h.actor)}: {t(h.detail)}" + (f" — “{t(h.comment)}”" if h.comment else "")
        for h in r.history
    ]
    parts = [*head, lines, "", MARKS_LEGEND]
    if notes:
        parts += ["", "Partner comments:", *notes]
    parts += ["", "History:", *(hist or ["  (none)"])]
    return "\n".join(parts)
