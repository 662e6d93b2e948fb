"""What the report list reads, and how (:class:`lmp_tui.editing.report_list.ReportList` hands
them out, its screen runs them in a worker): the list's query, a page by the services, a
status's page read as the first page was while the services load, and the answer. Nothing
here imports the database stack at load time: the list's module loads before the first paint."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from lmp_tui.domain.model import Status
from lmp_tui.domain.sorting import DEFAULT_SORT, sort_order
from lmp_tui.domain.views import ReportPage

if TYPE_CHECKING:
    from lmp_tui.services import BillingService


@dataclass(frozen=True)
class ListQuery:
    """The list's query: the fields of a ``ReportQuery`` (made, and validated, in the worker:
    pydantic loads after the first paint)."""

    cycle: str | None = None
    status: Status | None = None
    partner_text: str | None = None
    sort: str = DEFAULT_SORT
    descending: bool = sort_order(DEFAULT_SORT).descending
    offset: int = 0
    limit: int = 0

    def fields(self) -> dict[str, Any]:
        return dict(
            cycle=self.cycle,
            status=self.status,
            partner_text=self.partner_text,
            sort=self.sort,
            descending=self.descending,
            offset=self.offset,
            limit=self.limit,
        )


class EarlySource(Protocol):
    """Reads the first query's page for any status before the services are up
    (:class:`lmp_tui.startup.quickread.EarlyReader`)."""

    def answers(self, fields: dict[str, Any]) -> bool: ...

    def status_page(self, fields: dict[str, Any]) -> ReportPage | None: ...


@dataclass(frozen=True, eq=False)
class PageRead:
    """One page to read by the services (in a worker): the counts per status first when they
    may have changed (one grouped read of an index), and the page's total from them (or from
    the ``known`` counts): no separate count of the matching reports."""

    query: ListQuery
    keep_id: int | None = None  # the report the cursor goes back to
    at_end: bool = False  # the cursor on the last row (moved up past the next page's first)
    #: read again after a change elsewhere: the cursor stays where it is when the page comes
    quiet: bool = False
    count_for: tuple[Any, ...] | None = None  # count the statuses for this (None: the counts known are right)
    known: dict[Status, int] | None = None
    with_cycles: bool = False

    def run(self, service: BillingService) -> PageAnswer:
        from lmp_tui.commands.validation import ReportQuery

        query = ReportQuery(**self.query.fields())
        counts = service.status_counts(query.cycle, query.partner_text) if self.count_for else None
        have = counts if counts is not None else self.known
        total = None if have is None else (have.get(query.status, 0) if query.status else sum(have.values()))
        page = service.query_reports(query, total=total)
        cycles = service.cycles() if self.with_cycles else None
        return PageAnswer(self, page, counts, cycles)


@dataclass(frozen=True, eq=False)
class EarlyRead:
    """A status's page read as the first page was, while the services load (in a worker)."""

    query: ListQuery
    reader: EarlySource
    keep_id: int | None = None
    at_end: bool = False
    quiet: bool = False
    count_for: None = None

    def run(self) -> PageAnswer | None:
        """The page; None when it cannot be read so (the services read it once they are up)."""
        try:
            page = self.reader.status_page(self.query.fields())
        except Exception:  # noqa: BLE001 - the services' own read says what is wrong, if anything
            return None
        return None if page is None else PageAnswer(self, page, None, None)


Read = PageRead | EarlyRead


@dataclass(frozen=True)
class PageAnswer:
    request: Read
    page: ReportPage
    counts: dict[Status, int] | None
    cycles: list[str] | None
