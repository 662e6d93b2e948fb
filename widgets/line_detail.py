"""The focused line in full, below the grid: every field (the grid cuts the name and
scrolls the price columns at 80 columns), its discrepancy, its code with what it opened,
and the start of the partner's comment (``v`` shows all of it).

The pane has a fixed height and repaints itself only (no layout), and of itself only the
rows whose text changed (not its border), so moving the cursor costs a few rows sent to
the terminal. Only the keys the user may use are offered; while the partner
prepares the report only the usage fields show."""

from __future__ import annotations

from rich.text import Span, Text
from textual.geometry import Region
from textual.widget import Widget

from lmp_tui.domain.model import COMMENT_MARK, DISCREPANCY_MARK, EditableField, Line, Report
from lmp_tui.domain.money import grouped
from widgets.plain_text import plain

#: the lines of text the pane holds (its height is this plus its top border)
ROWS = 6


class LineDetail(Widget):
    DEFAULT_CSS = f"""
    LineDetail {{
        height: {ROWS + 1};
        border-top: solid $primary;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }}
    """

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None, disabled: bool = False
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._text = Text()
        self._rows: list[tuple[str, list[Span]]] = []

    def render(self) -> Text:
        return self._text

    def show(self, report: Report, line: Line | None, *, editable: bool = True) -> None:
        text = self.describe(report, line, editable=editable)
        rows = [(r.plain, r.spans) for r in text.split("\n")]
        old, self._text, self._rows = self._rows, text, rows
        changed = [i for i in range(max(len(old), len(rows))) if i >= len(old) or i >= len(rows) or old[i] != rows[i]]
        for i in changed:  # same height: no layout; only the rows that differ (not the border)
            self.refresh(Region(0, i, self.size.width, 1))  # in the content's coordinates

    @property
    def rows_text(self) -> list[str]:
        """The pane's rows as plain text."""
        return [plain for plain, _spans in self._rows]

    @staticmethod
    def describe(report: Report, line: Line | None, *, editable: bool = True) -> Text:
        if line is None:
            return plain("No lines.")
        t = Text(end="", no_wrap=True, overflow="ellipsis")

        def add(value: object, style: str = "") -> None:  # every piece plain: names and comments are data
            t.append_text(plain(value, style=style))

        add(f"Line {line.line_no} · {line.name}", "bold")
        add(f" · {line.units}")
        t.append("\n")
        add(
            f"Provisioned {line.provisioned} · Used {'—' if line.used is None else line.used} · Over-provisioned "
            f"{'—' if line.over_provisioned_pct is None else f'{line.over_provisioned_pct}%'} · Chargeable "
            f"{line.chargeable}"
        )
        t.append("\n")
        if line.used is None:
            add("This product does not report usage; Chargeable = Provisioned. ")
        if line.discrepancy:
            add(f"{DISCREPANCY_MARK} Discrepancy: " + ", ".join(line.discrepancy_reasons), "bold")
        elif line.used is not None:
            add("No discrepancy.")
        if report.status.shows_money:
            t.append("\n")
            price_mark = " ✎" if line.editable_field is EditableField.UNIT_PRICE else ""
            margin_mark = " ✎" if line.editable_field is EditableField.CHANNEL_MARGIN else ""
            add(
                f"Unit Price {grouped(line.unit_price)} {report.currency}{price_mark} · Channel Margin "
                f"{line.channel_margin}%{margin_mark} · Subtotal {grouped(line.subtotal(report.currency))} "
                f"{report.currency}"
            )
            t.append("\n")
            add("Code: ", "bold")
            if line.promo_code:
                field = line.editable_field.label if line.editable_field else "?"
                bound = ""
                if line.code_bound is not None:
                    bound = (
                        f", lowest {line.code_bound} {report.currency}"
                        if line.editable_field is EditableField.UNIT_PRICE
                        else f", at most {line.code_bound}%"
                    )
                add(f"{line.promo_code} opened the {field}{bound}" + (" (e edits, d removes)" if editable else ""))
            elif editable:
                add(f"(none) — c specifies a {report.code_kind.label} (opens the {report.code_opens.label})")
            else:
                add("(none)")
        t.append("\n")
        add(f"{COMMENT_MARK} Partner comment: " if line.partner_comment else "Partner comment: ", "bold")
        comment = line.partner_comment or ""
        first = comment.split("\n", 1)[0]
        if not comment:
            add("(none)")
        elif first != comment or len(first) > 50:
            add(f"(v shows it all) {first}")
        else:
            add(first)
        return t
