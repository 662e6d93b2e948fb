"""The billing report's header: company, Company ID, status and reason, PO number, report
period, currency, total invoice amount, and why no action is offered when none is."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from lmp_tui.domain import AUTO_SUBMITTED_FLAG, WHY_READ_ONLY, Report
from lmp_tui.money import format_money


class ReportHeader(Static):
    DEFAULT_CSS = """
    ReportHeader { height: auto; padding: 0 1; background: $boost; }
    """

    def show(self, report: Report, *, unsaved: int, read_only_reason: str | None) -> None:
        t = Text()
        t.append(f"#{report.id} {report.partner_name}", style="bold")
        t.append(f"  ID {report.company_id}\n")
        t.append(report.status_text, style="bold")
        if report.auto_submitted:
            t.append(f"  [{AUTO_SUBMITTED_FLAG}]", style="bold")
        t.append(f"\nPeriod {report.period_start} – {report.period_end} · {report.currency} · PO ")
        t.append(report.po_number or "(none)", style="bold" if report.po_number else "italic")
        t.append("\nTotal invoice amount ")
        t.append(format_money(report.total, report.currency), style="bold")
        if unsaved:
            t.append(f"   ● {unsaved} unsaved change(s) — Ctrl+S saves", style="bold reverse")
        why = read_only_reason or WHY_READ_ONLY.get(report.status)
        if why:
            t.append(f"\nNo action is offered: {why}", style="italic")
        self.update(t)
