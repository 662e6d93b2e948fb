"""The line grid's columns and cells: each line's text as the grid shows it
(:func:`cell_texts`), and each column's width, its widest text (:func:`measure_widths`, a pure
function of immutable lines that a worker may call). Nothing here paints: the grid
(:mod:`widgets.line_grid`) does."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.cells import cell_len

from lmp_tui.domain import money
from lmp_tui.domain.model import EditableField, Line, over_provisioned_pct
from lmp_tui.domain.money import grouped
from lmp_tui.safetext import display_text
from widgets.virtual_table import Column

#: stay in place when the grid scrolls right
FROZEN = (Column("no", "#"), Column("name", "Name", right=False))
#: the first five fit at 80 columns with # and Name; the others follow to the right
SCROLLING = (
    Column("prov", "Prov."),
    Column("used", "Used"),
    Column("over", "Over %"),
    Column("charge", "Chargeable"),
    Column("subtotal", "Subtotal", money=True),
    Column("units", "Units", right=False),
    Column("price", "Unit Price", money=True),
    Column("margin", "Margin %", money=True),
    Column("code", "Code", right=False, money=True),
)
NAME_MIN, NAME_MAX = 10, 40
MARK = 2  # the marks after a number: " ✎", or " !" and "†" after Chargeable (one cell each)


def cell_texts(ln: Line, currency: str, usage_only: bool) -> dict[str, str]:
    """Every cell of a line as text; control characters made visible (data from partners)."""
    out = {
        "no": str(ln.line_no),
        "name": display_text(ln.name),
        "prov": str(ln.provisioned),
        "used": "" if ln.used is None else str(ln.used),
        "over": "" if ln.over_provisioned_pct is None else str(ln.over_provisioned_pct),
        "charge": f"{ln.chargeable} {ln.marks}",
        "units": display_text(ln.units),
    }
    if not usage_only:
        price_mark = " ✎" if ln.editable_field is EditableField.UNIT_PRICE else "  "
        margin_mark = " ✎" if ln.editable_field is EditableField.CHANNEL_MARGIN else "  "
        out.update(
            subtotal=grouped(ln.subtotal(currency)),
            price=f"{grouped(ln.unit_price)}{price_mark}",
            margin=f"{ln.channel_margin}{margin_mark}",
            code=display_text(ln.promo_code or ""),
        )
    return out


def measure_widths(lines: Sequence[Line], currency: str, usage_only: bool) -> dict[str, int]:
    """Each column's width: its title or its widest value. A pure function of immutable
    lines: a worker thread may call it (2,000 lines take a few ms)."""
    widths = {c.key: cell_len(c.title) for c in FROZEN + SCROLLING}
    widen(widths, lines, currency, usage_only)
    return widths


def widen(widths: dict[str, int], lines: Iterable[Line], currency: str, usage_only: bool) -> None:
    """Widen ``widths`` to the widest text of each column (:func:`cell_texts`'s, measured as
    :meth:`LineGrid._strip` cuts it) among ``lines``. Each distinct value is formatted once:
    names, units, counts, prices and margins repeat from line to line (2,000 lines: ~5 ms)."""
    lines = list(lines)
    if not lines:
        return

    def grow(key: str, n: int) -> None:
        if n > widths[key]:
            widths[key] = n

    def texts(values: set[object]) -> int:  # partners' and staff's text: by cells, made visible
        # plain ASCII (control characters are made visible as non-ASCII signs) is a cell a
        # character: measured without filling rich's cache of widths with every name
        shown = (display_text(v) for v in values)
        return max(len(t) if t.isascii() else cell_len(t) for t in shown)

    def numbers(values: set[object]) -> int:
        return max(len(str(v)) for v in values)

    grow("no", numbers({ln.line_no for ln in lines}))
    grow("name", texts({ln.name for ln in lines}))
    grow("units", texts({ln.units for ln in lines}))
    grow("prov", numbers({ln.provisioned for ln in lines}))
    grow("used", numbers({"" if ln.used is None else ln.used for ln in lines}))
    pcts = (over_provisioned_pct(p, u) for p, u in {(ln.provisioned, ln.used) for ln in lines})
    grow("over", max(len("" if pct is None else str(pct)) for pct in pcts))
    grow("charge", numbers({ln.chargeable for ln in lines}) + 1 + MARK)
    if usage_only:
        return
    # a subtotal has the currency's decimals whatever its factors'; equal prices may differ
    # in their digits (3.5, 3.50): those are told apart by their text
    priced = {(ln.unit_price, ln.chargeable, ln.channel_margin) for ln in lines}
    grow("subtotal", max(len(grouped(money.subtotal(p, c, m, currency))) for p, c, m in priced))
    grow("price", max(len(grouped(p)) for p in {str(ln.unit_price): ln.unit_price for ln in lines}.values()) + MARK)
    grow("margin", numbers({str(ln.channel_margin) for ln in lines}) + MARK)
    grow("code", texts({ln.promo_code or "" for ln in lines}))
