"""A usage import: each partner's billing report for the cycle, created in MSP preparing
with the price list's prices of the moment, or its lines replaced while it is still MSP
preparing. Written in whole batches (100,000 rows in seconds)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update

from lmp_tui.commands.admin import Import, UsageRow
from lmp_tui.domain import money
from lmp_tui.domain.model import Action, Line, Status, chargeable_for, check_transition, period_of, summary_of
from lmp_tui.domain.search import search_key
from lmp_tui.errors import InvalidTransition
from lmp_tui.services.base import Acting
from lmp_tui.services.plan import Plan, Progress, shown
from lmp_tui.storage.convert import line_columns
from lmp_tui.storage.models import BillingReport, HistoryRow, LineItem, Partner, PriceListEntry, Product, Region

_LINE_KEY = (
    "product_id",
    "provisioned",
    "used",
    "chargeable",
    "partner_comment",
    "list_unit_price",
    "list_channel_margin",
)


def plan_usage(ctx: Acting, cmd: Import, plan: Plan, progress: Progress | None) -> None:
    s = ctx.session
    cycle = cmd.cycle or ""
    start, end = period_of(cycle)
    mine = ctx.user.distributor_id
    partners = {p.company_id: p for p in s.scalars(select(Partner).where(Partner.distributor_id == mine))}
    regions = {r.id: r for r in s.scalars(select(Region))}
    products = {p.name: p for p in s.scalars(select(Product))}
    prices = {(e.region_id, e.product_id): (e.unit_price, e.channel_margin) for e in s.scalars(select(PriceListEntry))}
    reports = {
        r.partner_id: r
        for r in s.execute(
            select(
                BillingReport.id,
                BillingReport.partner_id,
                BillingReport.status,
                BillingReport.version,
                BillingReport.line_count,
            ).where(BillingReport.distributor_id == mine, BillingReport.cycle == cycle)
        )
    }

    # the partners' lines, in the file's order
    groups: dict[int, list[tuple[int, Line]]] = {}
    for line, r in cmd.rows_as(UsageRow):
        partner, product = partners.get(r.company_id), products.get(r.product)
        if partner is None:
            plan.problem(
                line,
                "company_id",
                f"there is no partner {r.company_id} among your partners; import "
                "partners first (lmp-tui import partners FILE).",
            )
            continue
        if product is None:
            plan.problem(line, "product", f"there is no product '{r.product}'; import products first.")
            continue
        price = prices.get((partner.region_id, product.id))
        if price is None:
            plan.problem(
                line,
                "product",
                f"'{r.product}' has no price in region "
                f"{regions[partner.region_id].code}; import its price first "
                "(lmp-tui import prices FILE).",
            )
            continue
        group = groups.setdefault(partner.id, [])
        unit_price, margin = price
        group.append(
            (
                line,
                Line(
                    line_no=len(group) + 1,
                    product_id=product.id,
                    name=product.name,
                    units=product.units,
                    provisioned=r.provisioned,
                    used=r.used,
                    chargeable=chargeable_for(r.provisioned, r.used, r.chargeable),
                    partner_comment=r.comment,
                    list_unit_price=unit_price,
                    list_channel_margin=margin,
                    unit_price=unit_price,
                    channel_margin=margin,
                ),
            )
        )

    by_id = {p.id: p for p in partners.values()}
    known = _current_lines(s, [r.id for r in reports.values() if r.partner_id in groups])
    product_names = {p.id: p.name for p in products.values()}
    new_reports: list[dict[str, Any]] = []
    replaced: list[tuple[Any, list[Line], str, dict[str, Any]]] = []
    counts = plan.counts["usage reports"]
    for partner_id, numbered in groups.items():
        lines = [ln for _, ln in numbered]
        partner = by_id[partner_id]
        currency = regions[partner.region_id].currency
        report = reports.get(partner_id)
        summary = summary_of(lines, currency)
        if summary["total"] > money.MAX_AMOUNT:
            plan.problem(
                numbered[0][0],
                "provisioned",
                f"the {cycle} report of {partner.name} would total "
                f"{money.format_money(summary['total'], currency)}, more "
                f"than {money.MAX_AMOUNT:,}, the largest lmp-tui stores; "
                "check the provisioned counts and the prices.",
            )
            continue
        if report is None:
            counts.created += 1
            plan.changes.append(
                f"create the {cycle} report of {partner.name} ({partner.company_id}): "
                f"{len(lines)} line(s), total {money.format_money(summary['total'], currency)}"
            )
            new_reports.append(
                dict(
                    partner_id=partner_id,
                    distributor_id=mine,
                    partner_name=partner.name,
                    partner_key=search_key(partner.name),
                    cycle=cycle,
                    period_start=start,
                    period_end=end,
                    status=Status.MSP_PREPARING,
                    version=1,
                    auto_submitted=False,
                    _lines=lines,
                    _currency=currency,
                    **summary,
                )
            )
            continue
        old = known.get(report.id, [])
        if old == [_line_key(ln) for ln in lines]:
            counts.unchanged += 1  # whatever its status: the same file again changes nothing
            continue
        try:
            check_transition(Action.IMPORT_USAGE, report.status)
        except InvalidTransition:
            plan.problem(
                numbered[0][0],
                "company_id",
                f"report #{report.id} of {partner.name} for {cycle} is "
                f"{report.status.label}; its usage lines can be replaced only "
                "while it is MSP preparing, and these rows differ from them.",
            )
            continue
        counts.updated += 1
        plan.changes.append(
            f"replace the lines of report #{report.id} ({partner.name}, {cycle}): "
            f"{_line_changes(old, lines, product_names)}; total "
            f"{money.format_money(summary['total'], currency)}"
        )
        replaced.append((report, lines, currency, summary))
    if plan.problems:
        return
    if not new_reports and not replaced:
        return
    plan.history.append(
        (
            "usage",
            f"cycle {cycle}",
            "imported",
            f"{cmd.source}: {counts.created} report(s) created, {counts.updated} replaced, "
            f"{counts.unchanged} unchanged; {len(cmd.rows)} line(s)",
            False,
        )
    )

    def step() -> None:
        _write_usage(ctx, cmd.source, new_reports, replaced, plan, progress)

    plan.steps.append(step)


def _line_key(line: Line) -> tuple[Any, ...]:
    return tuple(getattr(line, k) for k in _LINE_KEY)


def _line_changes(old: list[tuple[Any, ...]], new: list[Line], names: dict[int, str], most: int = 3) -> str:
    """What a replacement changes, line by line (old → new), the first few of them."""
    said: list[str] = []
    # the lines both have (zip stops at the shorter), then those removed or those added
    for no, (row, after) in enumerate(zip(old, new, strict=False), start=1):
        diff = [
            f"{'product' if k == 'product_id' else k} "
            f"{shown(names.get(v, v) if k == 'product_id' else v)} → "
            f"{shown(names.get(getattr(after, k)) if k == 'product_id' else getattr(after, k))}"
            for k, v in zip(_LINE_KEY, row, strict=True)
            if v != getattr(after, k)
        ]
        if diff:
            said.append(f"line {no} {after.name}: {', '.join(diff)}")
    for no, row in enumerate(old[len(new) :], start=len(new) + 1):
        said.append(f"line {no} {names.get(row[_LINE_KEY.index('product_id')], '?')} removed")
    for no, after in enumerate(new[len(old) :], start=len(old) + 1):
        said.append(f"line {no} {after.name} added")
    more = f"; and {len(said) - most} more line change(s)" if len(said) > most else ""
    return "; ".join(said[:most]) + more


def _current_lines(s: Any, report_ids: list[int]) -> dict[int, list[tuple[Any, ...]]]:
    """The lines the reports hold now, as :data:`_LINE_KEY` tuples in line order."""
    out: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    columns = [getattr(LineItem, k) for k in _LINE_KEY]
    for i in range(0, len(report_ids), 500):
        for row in s.execute(
            select(LineItem.report_id, *columns)
            .where(LineItem.report_id.in_(report_ids[i : i + 500]))
            .order_by(LineItem.report_id, LineItem.line_no)
        ):
            out[row[0]].append(tuple(row[1:]))
    return out


def _write_usage(
    ctx: Acting,
    source: str,
    new_reports: list[dict[str, Any]],
    replaced: list[Any],
    plan: Plan,
    progress: Progress | None,
) -> None:
    s = ctx.session
    history: list[dict[str, Any]] = []
    lines_out: list[dict[str, Any]] = []
    done, total = 0, len(new_reports) + len(replaced)

    def line_rows(report_id: int, lines: list[Line]) -> None:
        for ln in lines:
            lines_out.append(dict(report_id=report_id, **line_columns(ln)))

    for batch_start in range(0, len(new_reports), 1000):
        batch = new_reports[batch_start : batch_start + 1000]
        values = [{k: v for k, v in r.items() if not k.startswith("_")} for r in batch]
        # one statement for the batch (an ordered RETURNING would be one per row on SQLite);
        # a partner has one report a cycle, so its new id is found by partner
        s.execute(insert(BillingReport).execution_options(render_nulls=True), values)
        found = dict(
            s.execute(
                select(BillingReport.partner_id, BillingReport.id).where(
                    BillingReport.cycle == batch[0]["cycle"],
                    BillingReport.partner_id.in_([r["partner_id"] for r in batch]),
                )
            ).all()
        )
        for r in batch:
            report_id = found[r["partner_id"]]
            line_rows(report_id, r["_lines"])
            history.append(
                _report_entry(
                    ctx,
                    report_id,
                    f"usage imported from {source}: {r['line_count']} line(s), "
                    f"total {money.format_money(r['total'], r['_currency'])}",
                )
            )
            plan.changed_reports.append((report_id, 1))
        done += len(batch)
        if progress is not None:
            progress("writing", done, total)
    if replaced:
        ids = [report.id for report, *_ in replaced]
        for i in range(0, len(ids), 500):
            s.execute(delete(LineItem).where(LineItem.report_id.in_(ids[i : i + 500])))
        s.execute(
            update(BillingReport.__table__)
            .where(BillingReport.__table__.c.id == bindparam("rid"))
            .values(
                version=bindparam("new_version"),
                total=bindparam("total"),
                line_count=bindparam("line_count"),
                discrepancy_count=bindparam("discrepancy_count"),
                comment_count=bindparam("comment_count"),
            ),
            [dict(rid=report.id, new_version=report.version + 1, **summary) for report, _, _, summary in replaced],
        )
        for report, lines, currency, summary in replaced:
            line_rows(report.id, lines)
            new_total = money.format_money(summary["total"], currency)
            history.append(
                _report_entry(
                    ctx,
                    report.id,
                    f"usage lines replaced from {source}: {report.line_count} → "
                    f"{len(lines)} line(s), total {new_total}",
                )
            )
            plan.changed_reports.append((report.id, report.version + 1))
    for i in range(0, len(lines_out), 5000):
        # render_nulls: rows with different empty fields still share one statement
        s.execute(insert(LineItem).execution_options(render_nulls=True), lines_out[i : i + 5000])
    if history:
        s.execute(insert(HistoryRow), history)
    if progress is not None:
        progress("writing", total, total)


def _report_entry(ctx: Acting, report_id: int, detail: str) -> dict[str, Any]:
    return dict(
        report_id=report_id,
        at=ctx.now,
        actor=ctx.user.name,
        action=Action.IMPORT_USAGE.value,
        detail=detail,
        comment=None,
    )
