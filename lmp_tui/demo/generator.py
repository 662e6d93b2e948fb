"""Generate the demo database.

Deterministic for a seed (the cycles are anchored on ``last_cycle``, not on today's
date). Rows are written with Core bulk inserts in batches so that 100k reports and about
1M lines take about a minute on SQLite; the figures (totals, counts, penalties) still come
from :mod:`lmp_tui.domain.model`, the same code the services use.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, text

from lmp_tui.demo import catalog as c
from lmp_tui.demo.reports import ReportWriter
from lmp_tui.domain import money
from lmp_tui.domain.model import CodeKind, EditableField, period_of
from lmp_tui.errors import InvalidInput
from lmp_tui.storage import models as m
from lmp_tui.storage.db import Database

Progress = Callable[[int, int], None]
MARKER = "demo"


@dataclass(frozen=True)
class DemoOptions:
    seed: int = 7
    partners: int = 36
    cycles: int = 6
    last_cycle: str = "2026-10"
    other_partners: int = 3


@dataclass(frozen=True)
class DemoSummary:
    reports: int
    lines: int
    partners: int
    cycles: list[str]


def cycle_list(last: str, n: int) -> list[str]:
    year, month = int(last[:4]), int(last[5:])
    out = []
    for _ in range(n):
        out.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return out[::-1]


def prepare_target(db: Database) -> None:
    """Refuse a database with non-demo data; replace an earlier demo (its tables are dropped
    and built again: the history is append-only, so no row of it is ever deleted)."""
    with db.read() as s:
        marker = s.get(m.Meta, MARKER)
        has_data = s.scalar(select(func.count()).select_from(m.Distributor)) or 0
    if has_data and marker is None:
        raise InvalidInput(
            f"{db.display_url} already holds data that is not demo data; the demo generator "
            "writes only into an empty database or an earlier demo. Give another --db."
        )
    if has_data or marker is not None:
        db.reset()


def ensure(db: Database, announce: Callable[[str], None] | None = None) -> bool:
    """Create the default demo in an empty database; True if it did."""
    with db.read() as s:
        if s.scalar(select(func.count()).select_from(m.Distributor)):
            return False
    if announce:
        announce(f"Creating the demo database at {db.display_url} (first use)…")
    generate(db, DemoOptions())
    return True


def generate(db: Database, opts: DemoOptions = DemoOptions(), progress: Progress | None = None) -> DemoSummary:
    if opts.partners < 1 or opts.cycles < 1:
        raise InvalidInput("The demo needs at least 1 partner and 1 cycle.")
    prepare_target(db)
    rng = random.Random(opts.seed)
    cycles = cycle_list(opts.last_cycle, opts.cycles)
    with db.write() as s:
        s.add(
            m.Meta(
                key=MARKER,
                value=f"seed={opts.seed} partners={opts.partners} cycles={opts.cycles} last={opts.last_cycle}",
            )
        )
        dist = {name: m.Distributor(name=name) for name in (c.DEMO_DISTRIBUTOR, c.OTHER_DISTRIBUTOR)}
        s.add_all(dist.values())
        s.flush()
        s.add_all(m.StaffUser(name=n, role=r, distributor_id=dist[d].id) for n, r, d in c.STAFF)
        regions = {
            code: m.Region(code=code, name=name, currency=cur, code_kind=kind, code_opens=opens)
            for code, name, cur, kind, opens in c.REGIONS
        }
        products = [m.Product(name=n, units=u) for n, u, _, _ in c.PRODUCTS]
        s.add_all([*regions.values(), *products])
        s.flush()
        prices = _price_list(rng, regions, products)
        s.add_all(prices.values())
        partners = _partners(rng, opts, regions, dist)
        s.add_all(partners)
        s.flush()
        _codes(s, rng, regions, products, partners, cycles)
        partner_data = [(p.id, p.name, p.distributor_id, p.region.code, p.region.currency) for p in partners]
        product_data = [
            (p.id, p.name, p.units, reports) for p, (_, _, reports, _) in zip(products, c.PRODUCTS, strict=True)
        ]
        price_data = {k: (v.unit_price, v.channel_margin) for k, v in prices.items()}
        region_codes = {code: (r.code_opens, f"{_code_prefix(code)}-{code}-GEN") for code, r in regions.items()}
    writer = ReportWriter(
        db, rng, cycles, product_data, price_data, region_codes, progress, total=len(partner_data) * len(cycles)
    )
    for pd in partner_data:
        writer.partner(pd)
    writer.flush()
    if db.dialect == "postgresql":
        with db.write() as s:
            for table in ("billing_reports", "line_items", "report_history"):
                s.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
                    )
                )
    return DemoSummary(writer.report_id, writer.line_id, len(partner_data), cycles)


def _code_prefix(region: str) -> str:
    kind = next(k for code, _, _, k, _ in c.REGIONS if code == region)
    return "BD" if kind.value == "bid-desk" else "PROMO"


def _price_list(
    rng: random.Random, regions: dict[str, m.Region], products: list[m.Product]
) -> dict[tuple[int, int], m.PriceListEntry]:
    out = {}
    for code, region in regions.items():
        rate, (lo, hi) = c.REGION_PRICING[code]
        for product, (_, _, _, usd) in zip(products, c.PRODUCTS, strict=True):
            price = money.round_money(usd * rate, region.currency)
            margin = money.to_places(lo + (hi - lo) * Decimal(rng.randint(0, 100)) / 100, Decimal("0.01"))
            out[(region.id, product.id)] = m.PriceListEntry(
                region_id=region.id, product_id=product.id, unit_price=price, channel_margin=margin
            )
    return out


def _partners(
    rng: random.Random, opts: DemoOptions, regions: dict[str, m.Region], dist: dict[str, m.Distributor]
) -> list[m.Partner]:
    out, seen = [], set()
    codes = list(regions)
    for i in range(opts.partners + opts.other_partners):
        region = codes[i % len(codes)]
        while True:
            name = f"{rng.choice(c.NAME_FIRST)} {rng.choice(c.NAME_SECOND)} {rng.choice(c.NAME_SUFFIX)}".strip()
            if name in seen:
                name = f"{name} ({rng.choice(c.PLACES[region])[0]} {i})"
            if name not in seen:
                break
        seen.add(name)
        city, state = rng.choice(c.PLACES[region])
        owner = c.DEMO_DISTRIBUTOR if i < opts.partners else c.OTHER_DISTRIBUTOR
        out.append(
            m.Partner(
                name=name,
                company_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                city=city,
                state=state,
                region=regions[region],
                distributor_id=dist[owner].id,
            )
        )
    return out


def _codes(
    s: Any,
    rng: random.Random,
    regions: dict[str, m.Region],
    products: list[m.Product],
    partners: list[m.Partner],
    cycles: list[str],
) -> None:
    """Per region: a valid bounded code for every product, a valid code for two products,
    an expired one, a partner-specific one and one of the other kind."""
    first, _ = period_of(cycles[0])
    _, last = period_of(cycles[-1])
    current = (first, last + timedelta(days=365))
    for code, region in regions.items():
        pre = _code_prefix(code)
        local = [p for p in partners if p.region is region]
        other_kind = CodeKind.PROMOTE if region.code_kind is CodeKind.BID_DESK else CodeKind.BID_DESK
        specs: list[tuple[str, CodeKind, list[m.Product], tuple[date, date], m.Partner | None, bool]] = [
            (f"{pre}-{code}-GEN", region.code_kind, products, current, None, True),
            (f"{pre}-{code}-EDR", region.code_kind, products[2:4], current, None, False),
            (
                f"{pre}-{code}-OLD",
                region.code_kind,
                products,
                (first - timedelta(days=400), first - timedelta(days=30)),
                None,
                True,
            ),
            (
                f"{'PROMO' if other_kind is CodeKind.PROMOTE else 'BD'}-{code}-ODD",
                other_kind,
                products,
                current,
                None,
                True,
            ),
        ]
        if local:
            specs.append((f"{pre}-{code}-VIP", region.code_kind, products, current, local[0], True))
        for name, kind, prods, (valid_from, valid_to), partner, bounded in specs:
            row = m.PromoCodeRow(
                code=name,
                kind=kind,
                region_id=region.id,
                valid_from=valid_from,
                valid_to=valid_to,
                partner_id=partner.id if partner else None,
                **_bound(region, bounded),
            )
            row.products = list(prods)
            s.add(row)
    s.flush()


def _bound(region: m.Region, bounded: bool) -> dict[str, Decimal | None]:
    if not bounded:
        return {}
    if region.code_opens is EditableField.UNIT_PRICE:
        return {"min_unit_price": Decimal("0") if region.currency == "JPY" else Decimal("0.50")}
    return {"max_channel_margin": Decimal("45.00")}
