"""The billing report's line items, every field of DOMAIN.md. Chargeable is highlighted
where there is a discrepancy and marked (†) where the partner commented; the field a code
opened is marked (✎)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from lmp_tui.domain import EditableField, Line, Report
from widgets.plain_text import plain
from widgets.report_table import highlighted_key
from widgets.table_fill import fill_table

COLUMNS = (
    ("no", "#"), ("name", "Name"), ("units", "Units"), ("prov", "Prov."), ("used", "Used"), ("over", "Over %"),
    ("charge", "Chargeable"), ("price", "Unit Price"), ("margin", "Margin %"), ("code", "Code"),
    ("subtotal", "Subtotal"),
)


def _r(value: object) -> Text:
    return plain("" if value is None else value)


class LineGrid(DataTable[object]):
    DEFAULT_CSS = """
    LineGrid { height: 1fr; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]

    def on_mount(self) -> None:
        for key, label in COLUMNS:
            self.add_column(label, key=key)

    def show(self, report: Report, *, usage_only: bool) -> None:
        row = self.cursor_row if self.row_count else 0
        warn = self.app.get_css_variables().get("warning", "yellow")
        rows = [self._cells(ln, report, usage_only, warn) for ln in report.lines]
        right = (0, 3, 4, 5, 6, 7, 8, 10)  # numbers line up on the right
        widths = {i: max([len(COLUMNS[i][1]), *(r[i].cell_len for r in rows)]) for i in right}
        for cells in rows:
            for i in right:
                cells[i] = Text(" " * (widths[i] - cells[i].cell_len)) + cells[i]
        fill_table(self, COLUMNS, [(str(ln.line_no), cells) for ln, cells in zip(report.lines, rows)])
        if self.row_count:
            self.move_cursor(row=min(row, self.row_count - 1))

    def _cells(self, ln: Line, report: Report, usage_only: bool, warn: str) -> list[Text]:
        """Every cell plain text (names, units and codes come from partners and staff)."""
        charge = plain(ln.chargeable)
        if ln.discrepancy:
            charge.stylize(f"bold reverse {warn}")
        if ln.partner_comment:
            charge.append(" †")
        cells = [_r(ln.line_no), plain(ln.name[:28]), plain(ln.units), _r(ln.provisioned), _r(ln.used),
                 _r(ln.over_provisioned_pct), charge]
        if usage_only:
            return cells + [plain(""), plain(""), plain(""), plain("")]
        price = f"{ln.unit_price}{' ✎' if ln.editable_field is EditableField.UNIT_PRICE else ''}"
        margin = f"{ln.channel_margin}{' ✎' if ln.editable_field is EditableField.CHANNEL_MARGIN else ''}"
        return cells + [_r(price), _r(margin), _r(ln.promo_code), _r(ln.subtotal(report.currency))]

    @property
    def line_no(self) -> int | None:
        return highlighted_key(self)
