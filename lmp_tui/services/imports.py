"""Imports, planned whole before anything is written: every row is checked against the
others and the database, every change worked out with its history words (old → new);
then the plan is refused with all its problems, returned as it is (a dry run), or applied.
Reference data here; the partners' usage in :mod:`lmp_tui.services.usage_import`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import insert, select, update

from lmp_tui.commands.admin import CodeRow, Import, PartnerRow, PriceRow, ProductRow, RegionRow
from lmp_tui.commands.import_files import ImportProblems
from lmp_tui.domain import money
from lmp_tui.domain.model import EditableField
from lmp_tui.domain.policy import SHARED_REFUSAL, may_change
from lmp_tui.domain.search import search_key
from lmp_tui.services.base import Acting
from lmp_tui.services.plan import ImportResult, Plan, Progress, admin_entry, differs, product_list
from lmp_tui.services.usage_import import plan_usage
from lmp_tui.storage.models import (
    AdminHistoryRow,
    BillingReport,
    Partner,
    PriceListEntry,
    Product,
    PromoCodeRow,
    Region,
)


def import_rows(ctx: Acting, cmd: Import, progress: Progress | None) -> tuple[ImportResult, list[tuple[int, int]]]:
    plan = Plan(cmd.source)
    _PLANS[cmd.what](ctx, cmd, plan, progress)
    if plan.problems:
        raise ImportProblems(plan.problems)
    result = ImportResult(cmd.what, cmd.source, cmd.dry_run, dict(plan.counts), plan.changes)
    if cmd.dry_run:
        return result, []
    for step in plan.steps:
        step()
    if plan.history:
        ctx.session.execute(insert(AdminHistoryRow), [admin_entry(ctx, *h) for h in plan.history])
    ctx.session.flush()
    return result, plan.changed_reports


def _regions(ctx: Acting, cmd: Import, plan: Plan, progress: Progress | None) -> None:
    s = ctx.session
    existing = _regions_by_code(ctx)
    with_reports = set(
        s.scalars(select(Partner.region_id).join(BillingReport, BillingReport.partner_id == Partner.id).distinct())
    )
    for line, r in cmd.rows_as(RegionRow):
        cur = existing.get(r.region)
        new = dict(
            currency=r.currency,
            code_kind=r.code_kind,
            code_opens=r.code_opens,
            name=r.name or (cur.name if cur else r.region),
        )
        if cur is not None and cur.currency != r.currency and cur.id in with_reports:
            plan.problem(
                line,
                "currency",
                f"region {r.region} already has billing reports in {cur.currency}; "
                "its currency cannot change (make a new region instead).",
            )
            continue
        old = (
            None
            if cur is None
            else dict(currency=cur.currency, code_kind=cur.code_kind, code_opens=cur.code_opens, name=cur.name)
        )

        def step(cur: Region | None = cur, code: str = r.region, new: dict[str, Any] = new) -> None:
            if cur is None:
                s.add(Region(code=code, **new))
            else:
                for k, v in new.items():
                    setattr(cur, k, v)

        plan.change("region", r.region, old, new, step, shared=True)


def _products(ctx: Acting, cmd: Import, plan: Plan, progress: Progress | None) -> None:
    s = ctx.session
    existing = {p.name: p for p in s.scalars(select(Product))}
    for _, r in cmd.rows_as(ProductRow):
        cur = existing.get(r.product)
        old = None if cur is None else dict(units=cur.units)

        def step(cur: Product | None = cur, name: str = r.product, units: str = r.units) -> None:
            if cur is None:
                s.add(Product(name=name, units=units))
            else:
                cur.units = units

        plan.change("product", r.product, old, dict(units=r.units), step, shared=True)


def _regions_by_code(ctx: Acting) -> dict[str, Region]:
    return {r.code: r for r in ctx.session.scalars(select(Region))}


def _unknown_region(plan: Plan, line: int, code: str) -> None:
    plan.problem(line, "region", f"there is no region {code}; import it first (lmp-tui import regions FILE).")


def _partners(ctx: Acting, cmd: Import, plan: Plan, progress: Progress | None) -> None:
    s = ctx.session
    regions = _regions_by_code(ctx)
    existing = {p.company_id: p for p in s.scalars(select(Partner))}
    with_reports = set(s.scalars(select(BillingReport.partner_id).distinct()))
    mine = ctx.user.distributor_id
    for line, r in cmd.rows_as(PartnerRow):
        region = regions.get(r.region)
        if region is None:
            _unknown_region(plan, line, r.region)
            continue
        cur = existing.get(r.company_id)
        if cur is not None and cur.distributor_id != mine:
            plan.problem(line, "company_id", f"{r.company_id} is a partner of another distributor; check the ID.")
            continue
        if cur is not None and cur.region_id != region.id and cur.id in with_reports:
            plan.problem(
                line,
                "region",
                f"{r.company_id} already has billing reports in region {cur.region.code}; its region cannot change.",
            )
            continue
        new = dict(name=r.name, city=r.city or "", state=r.state or "", region=r.region)
        old = None if cur is None else dict(name=cur.name, city=cur.city, state=cur.state, region=cur.region.code)

        def step(cur: Partner | None = cur, r: Any = r, region: Region = region) -> None:
            if cur is None:
                s.add(
                    Partner(
                        company_id=r.company_id,
                        name=r.name,
                        city=r.city or "",
                        state=r.state or "",
                        region_id=region.id,
                        distributor_id=mine,
                    )
                )
                return
            if cur.name != r.name:  # the report list keeps a copy of the name
                s.execute(
                    update(BillingReport)
                    .where(BillingReport.partner_id == cur.id)
                    .values(partner_name=r.name, partner_key=search_key(r.name))
                    .execution_options(synchronize_session=False)
                )
            cur.name, cur.city, cur.state, cur.region_id = r.name, r.city or "", r.state or "", region.id

        plan.change("partner", r.company_id, old, new, step)


def _prices(ctx: Acting, cmd: Import, plan: Plan, progress: Progress | None) -> None:
    s = ctx.session
    regions = _regions_by_code(ctx)
    products = {p.name: p for p in s.scalars(select(Product))}
    existing = {(e.region_id, e.product_id): e for e in s.scalars(select(PriceListEntry))}
    for line, r in cmd.rows_as(PriceRow):
        region, product = regions.get(r.region), products.get(r.product)
        if region is None:
            _unknown_region(plan, line, r.region)
        if product is None:
            plan.problem(
                line, "product", f"there is no product '{r.product}'; import it first (lmp-tui import products FILE)."
            )
        if region is None or product is None:
            continue
        if not money.fits_currency(r.unit_price, region.currency):
            plan.problem(
                line,
                "unit_price",
                f"{r.unit_price} has more decimals than {region.currency} has ({money.minor_digits(region.currency)}).",
            )
            continue
        cur = existing.get((region.id, product.id))
        new = dict(unit_price=r.unit_price, channel_margin=r.channel_margin)
        old = None if cur is None else dict(unit_price=cur.unit_price, channel_margin=cur.channel_margin)

        def step(
            cur: PriceListEntry | None = cur, rid: int = region.id, pid: int = product.id, new: dict[str, Any] = new
        ) -> None:
            if cur is None:
                s.add(PriceListEntry(region_id=rid, product_id=pid, **new))
            else:
                cur.unit_price, cur.channel_margin = new["unit_price"], new["channel_margin"]

        plan.change("price", f"{r.region} / {r.product}", old, new, step, shared=True)


def _code_owner(partner: Partner | None) -> int | None:
    """Who owns a code for ``partner`` (lmp_tui.domain.policy.may_change): the partner's
    distributor; None, a general code (for no partner), is shared by every distributor."""
    return partner.distributor_id if partner is not None else None


def _codes(ctx: Acting, cmd: Import, plan: Plan, progress: Progress | None) -> None:
    s = ctx.session
    mine, role = ctx.user.distributor_id, ctx.user.role
    regions = _regions_by_code(ctx)
    products = {p.name: p for p in s.scalars(select(Product))}
    # a row names only the importer's own partners; another distributor's are not there at all
    partners = {p.company_id: p for p in s.scalars(select(Partner).where(Partner.distributor_id == mine))}
    existing = {c.code: c for c in s.scalars(select(PromoCodeRow)).unique()}
    for line, r in cmd.rows_as(CodeRow):
        ok = True
        region = regions.get(r.region)
        if region is None:
            _unknown_region(plan, line, r.region)
            ok = False
        missing = [p for p in r.products if p not in products]
        if missing:
            plan.problem(
                line,
                "products",
                f"there is no product {', '.join(repr(m) for m in missing)}; import "
                "products first, or correct the name.",
            )
            ok = False
        partner = None
        if r.partner is not None:
            partner = partners.get(r.partner)
            if partner is None:
                plan.problem(
                    line,
                    "partner",
                    f"there is no partner {r.partner} among your distributor's partners; "
                    "import partners first, or correct the company ID.",
                )
                ok = False
        cur = existing.get(r.code)
        if cur is not None and _code_owner(cur.partner) not in (None, mine):
            # whose it is stays theirs: the same words as for any code one may not have
            plan.problem(line, "code", f"{r.code} is already in use; check the code, or give yours another.")
            continue
        # a code that could never be verified is refused now, not when a clerk types it
        if region is not None and r.kind is not region.code_kind:
            plan.problem(
                line,
                "kind",
                f"region {r.region} uses {region.code_kind.label}s, so a {r.kind.label} "
                "there could never be verified; check the kind or the region.",
            )
            ok = False
        if region is not None and partner is not None and partner.region_id != region.id:
            plan.problem(
                line,
                "partner",
                f"{r.partner} is in region {partner.region.code}, not {r.region}; the "
                "code could never be verified for it.",
            )
            ok = False
        if region is not None:
            opens = region.code_opens
            unused = (
                ("max_channel_margin", r.max_channel_margin)
                if opens is EditableField.UNIT_PRICE
                else ("min_unit_price", r.min_unit_price)
            )
            if unused[1] is not None:
                plan.problem(
                    line,
                    unused[0],
                    f"region {r.region}'s codes open the {opens.label.lower()}, so "
                    f"{unused[0]} would never apply; leave it empty.",
                )
                ok = False
        if region is not None and not money.fits_currency(r.min_unit_price, region.currency):
            plan.problem(
                line,
                "min_unit_price",
                f"{r.min_unit_price} has more decimals than {region.currency} "
                f"has ({money.minor_digits(region.currency)}).",
            )
            ok = False
        if not ok or region is None:
            continue
        product_ids = frozenset(products[p].id for p in r.products)
        new = dict(
            kind=r.kind,
            region=r.region,
            products=product_list(r.products),
            valid_from=r.valid_from,
            valid_to=r.valid_to,
            partner=r.partner,
            min_unit_price=r.min_unit_price,
            max_channel_margin=r.max_channel_margin,
        )
        old = (
            None
            if cur is None
            else dict(
                kind=cur.kind,
                region=cur.region.code,
                products=product_list(p.name for p in cur.products),
                valid_from=cur.valid_from,
                valid_to=cur.valid_to,
                partner=cur.partner.company_id if cur.partner else None,
                min_unit_price=cur.min_unit_price,
                max_channel_margin=cur.max_channel_margin,
            )
        )
        owners = {_code_owner(partner)} | ({_code_owner(cur.partner)} if cur is not None else set())
        if differs(old, new) and not all(may_change(role, owner, mine) for owner in owners):
            if cur is not None and cur.partner is None:
                plan.problem(line, "code", f"{r.code} is a general code (for every partner). {SHARED_REFUSAL}")
            else:
                plan.problem(
                    line,
                    "partner",
                    f"a code for no partner is a general code. {SHARED_REFUSAL} Or name one of your partners.",
                )
            continue

        def step(
            cur: PromoCodeRow | None = cur,
            r: Any = r,
            region: Region = region,
            partner: Partner | None = partner,
            product_ids: frozenset[int] = product_ids,
        ) -> None:
            row = cur or PromoCodeRow(code=r.code)
            row.kind, row.region_id, row.valid_from, row.valid_to = r.kind, region.id, r.valid_from, r.valid_to
            row.partner_id = partner.id if partner else None
            row.min_unit_price, row.max_channel_margin = r.min_unit_price, r.max_channel_margin
            row.products = [s.get_one(Product, pid) for pid in sorted(product_ids)]
            if cur is None:
                s.add(row)

        plan.change("code", r.code, old, new, step, shared=None in owners)


# the usage of one partner's line, as compared between imports

_PLANS: dict[str, Callable[[Acting, Import, Plan, Progress | None], None]] = {
    "regions": _regions,
    "products": _products,
    "partners": _partners,
    "prices": _prices,
    "codes": _codes,
    "usage": plan_usage,
}
