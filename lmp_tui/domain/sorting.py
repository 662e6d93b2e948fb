"""The orders the report list can be sorted in, in one table: the key the query and the
command line take, the name the interface shows, and which way it sorts when first chosen.

The query (:mod:`lmp_tui.commands.validation`) accepts exactly these keys, the services map each to
its columns (:mod:`lmp_tui.services.queries`), and the report list offers them in this order.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SortOrder:
    key: str
    label: str
    descending: bool  # the direction it takes when first chosen: the newest / largest first


SORT_ORDERS: tuple[SortOrder, ...] = (
    SortOrder("cycle", "Cycle", descending=True),
    SortOrder("partner", "Partner", descending=False),
    SortOrder("status", "Status", descending=False),
    SortOrder("po", "PO number", descending=False),
    SortOrder("lines", "Lines", descending=True),
    SortOrder("discrepancies", "Discrepancies", descending=True),
    SortOrder("comments", "Comments", descending=True),
    SortOrder("total", "Total", descending=True),
    SortOrder("id", "Report number", descending=False),
)
SORT_KEYS: tuple[str, ...] = tuple(s.key for s in SORT_ORDERS)
DEFAULT_SORT = "cycle"

_BY_KEY = {s.key: s for s in SORT_ORDERS}


def sort_order(key: str) -> SortOrder:
    """The sort order named ``key`` (a KeyError for a key not in the table)."""
    return _BY_KEY[key]
