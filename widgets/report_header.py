"""The billing report's header: company, Company ID, status and reason, PO number, report
period, currency, total invoice amount (not while the partner prepares the report: then only
the usage shows), and why no action is offered when none is."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from lmp_tui.domain.model import AUTO_SUBMITTED_FLAG, WHY_READ_ONLY, Report
from lmp_tui.domain.money import format_money
from widgets.plain_text import plain
from widgets.repaint import repaint


class ReportHeader(Static):
    DEFAULT_CSS = """
    ReportHeader { height: auto; padding: 0 1; background: $boost; }
    """

    def show(self, report: Report, *, unsaved: int, read_only_reason: str | None, stale: bool = False) -> None:
        t = Text()

        def add(value: str, style: str = "") -> None:  # every piece plain: names and PO numbers are data
            t.append_text(plain(value, style=style))

        add(f"#{report.id} {report.partner_name}", "bold")
        add(f"  ID {report.company_id}")
        t.append("\n")
        add(report.status_text, "bold")
        if report.auto_submitted:
            add(f"  [{AUTO_SUBMITTED_FLAG}]", "bold")
        t.append("\n")
        add(f"Period {report.period_start} – {report.period_end} · {report.currency} · PO ")
        add(report.po_number or "(none)", "bold" if report.po_number else "italic")
        if report.status.shows_money:
            t.append("\n")
            add("Total invoice amount ")
            add(format_money(report.total, report.currency), "bold")
        if unsaved and stale:  # someone else saved meanwhile: a save would be refused
            add(f"   ● {unsaved} unsaved · changed elsewhere: Ctrl+L", "bold reverse")
        elif unsaved:
            add(f"   ● {unsaved} unsaved change(s) — Ctrl+S saves", "bold reverse")
        why = read_only_reason or WHY_READ_ONLY.get(report.status)
        if why:
            t.append("\n")
            add(f"No action is offered: {why}", "italic")
        self.update(t, layout=False)
        repaint(self)  # the unsaved count or the total changed: the same height, no layout
