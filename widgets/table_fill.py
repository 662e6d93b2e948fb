"""Filling a DataTable so that it is drawn right the first time.

Textual measures the columns of new rows later, when the table is idle, and a row drawn
before that is cached at the header's width: in a real terminal, now and then, a whole
page stayed cut to the column titles until the cursor moved over it. Here the widths are
measured from the cells themselves and set with the columns, before any row is added."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable


def fill_table(
    table: DataTable[object], columns: Sequence[tuple[str, str]], rows: Sequence[tuple[str, Sequence[Text]]]
) -> None:
    """Replace every row: ``columns`` as (key, title), ``rows`` as (key, cells), each
    cell a plain ``Text`` (see :mod:`widgets.plain_text`)."""
    table.clear(columns=True)
    for i, (key, title) in enumerate(columns):
        width = max([cell_len(title), *(cells[i].cell_len for _, cells in rows)])
        table.add_column(title, key=key, width=width)
    for key, cells in rows:
        table.add_row(*cells, key=key)
