"""What a web page shows on hover over the Chargeable cell, for the highlighted line:
the discrepancy and over-provisioned percentage, the partner's comment, and the code with
what it opened."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from lmp_tui.domain import EditableField, Line, Report


class LineDetail(Static):
    DEFAULT_CSS = """
    LineDetail {
        height: auto;
        max-height: 5;
        border-top: solid $primary;
        padding: 0 1;
    }
    """

    def show(self, report: Report, line: Line | None, *, usage_only: bool) -> None:
        if line is None:
            self.update("No lines.")
            return
        t = Text()
        t.append(f"Line {line.line_no} · {line.name}: ", style="bold")
        if line.used is None:
            t.append("this product does not report usage; Chargeable = Provisioned. ")
        elif line.over_provisioned:
            t.append(f"over-provisioned {line.over_provisioned_pct}% ({line.used} of {line.provisioned} used). ",
                     style="bold")
        if line.chargeable != line.provisioned:
            t.append(f"Chargeable {line.chargeable} differs from Provisioned {line.provisioned}. ", style="bold")
        if not line.discrepancy and line.used is not None:
            t.append("no discrepancy. ")
        t.append("\nPartner comment: ", style="bold")
        t.append(line.partner_comment or "(none)")
        if not usage_only:
            t.append("\nCode: ", style="bold")
            if line.promo_code:
                field = line.editable_field.label if line.editable_field else "?"
                bound = ""
                if line.code_bound is not None:
                    bound = (f", lowest {line.code_bound} {report.currency}"
                             if line.editable_field is EditableField.UNIT_PRICE else f", at most {line.code_bound}%")
                t.append(f"{line.promo_code} opened the {field}{bound} (e edits)")
            else:
                t.append(f"(none) — c specifies a {report.code_kind.label} (opens {report.code_opens.label})")
        self.update(t)
