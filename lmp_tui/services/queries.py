"""Reading: the report list (filtered, sorted, paged in the database), counts per status,
one report, codes, users, and the CSV export of a query."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from itertools import takewhile
from typing import IO, Any, TypeVarTuple

from sqlalchemy import Select, case, func, or_, select

from lmp_tui.commands.edits import ApplyCode
from lmp_tui.commands.validation import ReportQuery, parse
from lmp_tui.domain.model import Action, Report, Status
from lmp_tui.domain.pricing import CodeGrant
from lmp_tui.domain.search import search_key
from lmp_tui.domain.sorting import SORT_KEYS
from lmp_tui.domain.views import PromoCodeView, ReportPage, ReportRow, ReportStamp, StaffUserView
from lmp_tui.safetext import csv_cell
from lmp_tui.services.base import ServiceBase
from lmp_tui.services.pipeline import admit, verify
from lmp_tui.storage.models import BillingReport, HistoryRow, Partner, PromoCodeRow, Region, StaffUser
from lmp_tui.storage.watch import ChangeWatch, open_watch

#: the statuses whose reports show no money (Status.shows_money): they sort by none
_NO_MONEY = [s for s in Status if not s.shows_money]
#: the columns each sort order of :data:`lmp_tui.domain.sorting.SORT_ORDERS` sorts by (then by id)
_SORT: dict[str, tuple[Any, ...]] = {
    "cycle": (BillingReport.cycle, BillingReport.partner_name),
    "partner": (BillingReport.partner_name,),
    "status": (BillingReport.status, BillingReport.review_reason, BillingReport.partner_name),
    "po": (BillingReport.po_number,),
    "lines": (BillingReport.line_count,),
    "discrepancies": (BillingReport.discrepancy_count,),
    "comments": (BillingReport.comment_count,),
    # within a currency (the region's), largest first when descending; a report the partner
    # still prepares shows no total, so it sorts by none
    "total": (
        Region.currency,
        _PREPARING_LAST := case((BillingReport.status.in_(_NO_MONEY), 1), else_=0),
        case((BillingReport.status.in_(_NO_MONEY), None), else_=BillingReport.total),
    ),
    "id": (),
}
if tuple(_SORT) != SORT_KEYS:
    raise RuntimeError(f"the sort columns {tuple(_SORT)} do not match lmp_tui.domain.sorting's keys {SORT_KEYS}")

#: the columns a statement selects
Columns = TypeVarTuple("Columns")

CSV_COLUMNS = (
    "id",
    "partner",
    "company_id",
    "region",
    "cycle",
    "status",
    "review_reason",
    "auto_submitted",
    "po_number",
    "lines",
    "discrepancies",
    "comments",
    "total",
    "currency",
)


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _filtered(distributor_id: int, q: ReportQuery, stmt: Select[*Columns]) -> Select[*Columns]:
    stmt = stmt.where(BillingReport.distributor_id == distributor_id)
    if q.cycle:
        stmt = stmt.where(BillingReport.cycle == q.cycle)
    if q.status:
        stmt = stmt.where(BillingReport.status == q.status)
    if q.partner_text:  # accents and case ignored: the stored key against the typed text's key
        stmt = stmt.where(BillingReport.partner_key.like(_like(search_key(q.partner_text)), escape="\\"))
    return stmt


def count_statement(distributor_id: int, q: ReportQuery) -> Select[*tuple[Any, ...]]:
    """How many reports match the query."""
    return _filtered(distributor_id, q, select(func.count()).select_from(BillingReport))


def _order(q: ReportQuery) -> list[Any]:
    """The query's order: its sort columns, then the report number (so it is one order)."""
    keys = [*_SORT[q.sort], BillingReport.id]
    return [k.desc() if q.descending and k is not _PREPARING_LAST else k for k in keys]


def page_statement(distributor_id: int, q: ReportQuery) -> Select[*tuple[Any, ...]]:
    """One page of the list: the :meth:`ReportRow.from_values` columns of the query's rows."""
    order = _order(q)
    # the page's ids come from the reports table alone (an index range for the usual
    # sorts); only those rows are then joined to their partner and region
    ids = select(BillingReport.id)
    if q.sort == "total":  # the currency is the region's
        ids = ids.join(Partner, Partner.id == BillingReport.partner_id).join(Region, Region.id == Partner.region_id)
    page_ids = _filtered(distributor_id, q, ids).order_by(*order).offset(q.offset).limit(q.limit).subquery()
    return (
        select(*_ROW_COLUMNS)
        .join(page_ids, page_ids.c.id == BillingReport.id)
        .join(Partner, Partner.id == BillingReport.partner_id)
        .join(Region, Region.id == Partner.region_id)
        .order_by(*order)
    )


def rows_statement(distributor_id: int, q: ReportQuery, limit: int | None = None) -> Select[*tuple[Any, ...]]:
    """Every row of the query from its offset on (or the first ``limit``), in the list's
    order, as one statement: read as one stream, it is one snapshot of the database."""
    stmt = (
        _filtered(distributor_id, q, select(*_ROW_COLUMNS))
        .join(Partner, Partner.id == BillingReport.partner_id)
        .join(Region, Region.id == Partner.region_id)
        .order_by(*_order(q))
    )
    if q.offset:
        stmt = stmt.offset(q.offset)
    return stmt if limit is None else stmt.limit(limit)


def status_count_statement(distributor_id: int, q: ReportQuery) -> Select[*tuple[Any, ...]]:
    """(status, count) of the reports that match the query's cycle and partner filters."""
    return _filtered(distributor_id, q, select(BillingReport.status, func.count()).select_from(BillingReport)).group_by(
        BillingReport.status
    )


def cycles_statement(distributor_id: int) -> Select[*tuple[Any, ...]]:
    """The distributor's report cycles, newest first."""
    return (
        select(BillingReport.cycle)
        .where(BillingReport.distributor_id == distributor_id)
        .distinct()
        .order_by(BillingReport.cycle.desc())
    )


class QueriesMixin(ServiceBase):
    def query_reports(
        self, query: ReportQuery | None = None, *, total: int | None = None, **filters: Any
    ) -> ReportPage:
        """One page of the report list, filtered, sorted and counted in the database. A
        caller that knows how many reports match (``total``, e.g. from :meth:`status_counts`
        of the same filters) saves the count."""
        q = query or parse(ReportQuery, **filters)
        with self._reading() as ctx:
            distributor_id = ctx.user.distributor_id
            count = total if total is not None else ctx.session.scalar(count_statement(distributor_id, q)) or 0
            rows = [ReportRow.from_values(r) for r in ctx.session.execute(page_statement(distributor_id, q))]
        return ReportPage(rows, count, q.offset)

    def status_counts(self, cycle: str | None = None, partner_text: str | None = None) -> dict[Status, int]:
        """How many reports of each status match the cycle and partner filters (one grouped
        read of the index on distributor, status, cycle and partner key: migration 0006)."""
        q = parse(ReportQuery, cycle=cycle, partner_text=partner_text)
        with self._reading() as ctx:
            found = dict(ctx.session.execute(status_count_statement(ctx.user.distributor_id, q)).all())
        return {s: int(found.get(s, 0)) for s in Status}

    def cycles(self) -> list[str]:
        """The report cycles that exist, newest first."""
        with self._reading() as ctx:
            return list(ctx.session.scalars(cycles_statement(ctx.user.distributor_id)))

    def verify_code(self, report_id: int, line_no: int, code: str) -> CodeGrant:
        """Check a code for a line without changing anything; the refusal names the check."""
        cmd = parse(ApplyCode, line_no=line_no, code=code)
        with self._reading() as ctx:
            report = ctx.read(report_id, with_history=False)
            admit(ctx, report, cmd)
            return verify(ctx, report, cmd)

    def load_report(self, report_id: int) -> Report:
        """One report with its lines and history."""
        with self._reading() as ctx:
            return ctx.read(report_id)

    def report_stamp(self, report_id: int) -> ReportStamp:
        """A report's version and its latest history entry: two indexed reads, no lines."""
        with self._reading() as ctx:
            version = ctx.session.scalar(
                select(BillingReport.version).where(
                    BillingReport.id == report_id, BillingReport.distributor_id == ctx.user.distributor_id
                )
            )
            if version is None:
                version = ctx.load(report_id).version  # raises the refusal that names the report
            latest = ctx.session.execute(
                select(HistoryRow.at, HistoryRow.actor, HistoryRow.action, HistoryRow.detail)
                .where(HistoryRow.report_id == report_id)
                .order_by(HistoryRow.id.desc())
                .limit(20)
            ).all()
        if not latest:
            return ReportStamp(report_id, int(version), None, None, None, None)
        at, actor, action, detail = latest[0]
        # the entries one change wrote share its moment and its author; a draft's edits say
        # more than its "draft saved"
        same = list(takewhile(lambda r: (r.at, r.actor) == (at, actor), latest))
        said = [r.detail for r in reversed(same) if r.action != Action.SAVE_DRAFT.value] or [detail]
        return ReportStamp(report_id, int(version), at, actor, Action(action), detail, tuple(said))

    def watch_changes(self) -> ChangeWatch:
        """A watch on this database's reports (its own connection): ``wait(timeout)`` answers
        what changed since it was last asked (:mod:`lmp_tui.storage.watch`); ``close()`` it."""
        try:
            return open_watch(self.db.engine)
        except Exception as err:  # noqa: BLE001 - the driver's own errors, as a sentence
            from lmp_tui.errors import DatabaseUnavailable

            raise DatabaseUnavailable(
                f"Cannot watch {self.db.display_url} for changes ({err}); the list refreshes only with F5."
            ) from None

    def users(self) -> list[StaffUserView]:
        """The staff users of the signed-in user's distributor."""
        with self._reading() as ctx:
            rows = ctx.session.scalars(
                select(StaffUser).where(StaffUser.distributor_id == ctx.user.distributor_id).order_by(StaffUser.name)
            )
            return [StaffUserView(u.name, u.role, u.distributor.name, u.enabled) for u in rows]

    def codes(self, region: str | None = None) -> list[PromoCodeView]:
        """Promotional codes, optionally of one region (by its code, e.g. NA)."""
        with self._reading() as ctx:
            # the vendor's codes are everyone's; a partner-specific code is shown only to the
            # distributor of that partner (another distributor's partner names stay theirs)
            stmt = (
                select(PromoCodeRow)
                .join(Region)
                .outerjoin(Partner, Partner.id == PromoCodeRow.partner_id)
                .where(or_(PromoCodeRow.partner_id.is_(None), Partner.distributor_id == ctx.user.distributor_id))
                .order_by(Region.code, PromoCodeRow.code)
            )
            if region:
                stmt = stmt.where(func.upper(Region.code) == region.strip().upper())
            return [
                PromoCodeView(
                    code=c.code,
                    kind=c.kind,
                    region=c.region.code,
                    products=tuple(sorted(p.name for p in c.products)),
                    valid_from=c.valid_from,
                    valid_to=c.valid_to,
                    partner=c.partner.name if c.partner else None,
                    min_unit_price=c.min_unit_price,
                    max_channel_margin=c.max_channel_margin,
                )
                for c in ctx.session.scalars(stmt).unique()
            ]

    def export_csv(
        self,
        out: IO[str],
        query: ReportQuery | None = None,
        *,
        page_size: int = 2000,
        limit: int | None = None,
        **filters: Any,
    ) -> int:
        """Export Reports: every report of the query (or the first ``limit``) as CSV, as the
        database was when the export began; returns the count."""
        q = query or parse(ReportQuery, **filters)
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        written = 0
        for rows in self.iter_pages(q, page_size=page_size, limit=limit):
            writer.writerows(csv_values(r) for r in rows)
            written += len(rows)
        return written

    def iter_pages(
        self, query: ReportQuery, *, page_size: int = 2000, limit: int | None = None
    ) -> Iterator[list[ReportRow]]:
        """The query's rows from its offset on, ``page_size`` at a time, all from one
        statement streamed in one read transaction: one snapshot, so a report that others
        change or add meanwhile is neither skipped nor repeated (PostgreSQL reads it through
        a server-side cursor; SQLite's WAL keeps the reader's snapshot), and no page costs
        more than the one before. The transaction stays open until the last page is taken."""
        with self._reading() as ctx:
            result = ctx.session.execute(
                rows_statement(ctx.user.distributor_id, query, limit), execution_options={"yield_per": page_size}
            )
            for rows in result.partitions():
                yield [ReportRow.from_values(r) for r in rows]


def csv_values(r: ReportRow) -> list[str]:
    """A report row as CSV cells that a spreadsheet shows as text (formula triggers
    neutralised, control characters removed: :func:`lmp_tui.safetext.csv_cell`)."""
    return [
        csv_cell(v)
        for v in (
            str(r.id),
            r.partner,
            r.company_id,
            r.region,
            r.cycle,
            r.status.value,
            r.review_reason.value if r.review_reason else "",
            "yes" if r.auto_submitted else "no",
            r.po_number or "",
            str(r.line_count),
            str(r.discrepancy_count),
            str(r.comment_count),
            "" if not r.status.shows_money else str(r.total),
            r.currency,
        )
    ]


_ROW_COLUMNS = (
    BillingReport.id,
    BillingReport.partner_name,
    Partner.company_id,
    Region.code,
    BillingReport.cycle,
    BillingReport.status,
    BillingReport.review_reason,
    BillingReport.auto_submitted,
    BillingReport.po_number,
    BillingReport.line_count,
    BillingReport.discrepancy_count,
    BillingReport.comment_count,
    BillingReport.total,
    Region.currency,
    BillingReport.version,
)
