"""What a web page shows on hover over the Chargeable cell, for the highlighted line:
the discrepancy and over-provisioned percentage, the partner's comment, and the code with
what it opened."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from lmp_tui.domain import EditableField, Line, Report
from widgets.plain_text import plain


class LineDetail(Static):
    DEFAULT_CSS = """
    LineDetail {
        height: auto;
        max-height: 5;
        border-top: solid $primary;
        padding: 0 1;
    }
    """

    def show(self, report: Report, line: Line | None, *, usage_only: bool, editable: bool = True) -> None:
        if line is None:
            self.update(plain("No lines."))
            return
        t = Text()

        def add(value: str, style: str = "") -> None:  # every piece plain: names and comments are data
            t.append_text(plain(value, style=style))

        add(f"Line {line.line_no} · {line.name}: ", "bold")
        if line.used is None:
            add("this product does not report usage; Chargeable = Provisioned. ")
        elif line.over_provisioned:
            add(f"over-provisioned {line.over_provisioned_pct}% ({line.used} of {line.provisioned} used). ", "bold")
        if line.chargeable != line.provisioned:
            add(f"Chargeable {line.chargeable} differs from Provisioned {line.provisioned}. ", "bold")
        if not line.discrepancy and line.used is not None:
            add("no discrepancy. ")
        t.append("\n")
        add("Partner comment: ", "bold")
        add(line.partner_comment or "(none)")
        if not usage_only:
            t.append("\n")
            add("Code: ", "bold")
            if line.promo_code:
                field = line.editable_field.label if line.editable_field else "?"
                bound = ""
                if line.code_bound is not None:
                    bound = (f", lowest {line.code_bound} {report.currency}"
                             if line.editable_field is EditableField.UNIT_PRICE else f", at most {line.code_bound}%")
                add(f"{line.promo_code} opened the {field}{bound}" + (" (e edits)" if editable else ""))
            elif editable:
                add(f"(none) — c specifies a {report.code_kind.label} (opens {report.code_opens.label})")
            else:
                add("(none)")
        self.update(t)
