"""Administration through one door, like the reports' pipeline: an admin command is
authorised by the policy, checked whole (every row against the others and the database),
and only then carried out, with its history, in one transaction:

    command ─▶ authorise (policy) ─▶ plan: every check, every change and its history words
            ─▶ refused? every problem at once, nothing written
            ─▶ dry run? the plan is the answer
            ─▶ apply the plan ─▶ admin history (and report history for usage) ─▶ commit
            ─▶ ReportChanged for each report a usage import changed

A first start (:func:`initialise`) is the one write without a signed-in user: it makes
the distributor and its first admin on an empty database."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Sequence

from sqlalchemy import bindparam, delete, func, insert, select, update

from .. import money
from ..admin import (
    AddUser,
    DisableUser,
    EnableUser,
    Import,
    Numbered,
    SetRole,
    admin_command,
    fits_currency,
)
from ..domain import (
    Action,
    EditableField,
    Line,
    Role,
    Status,
    chargeable_for,
    check_transition,
    period_of,
    total_of,
)
from ..errors import InvalidInput, InvalidTransition, NotAllowed, NotFound
from ..imports import ImportProblems
from ..validation import parse
from ..policy import authorise
from ..storage.db import Database
from ..storage.models import (
    AdminHistoryRow,
    BillingReport,
    Distributor,
    HistoryRow,
    LineItem,
    Partner,
    PriceListEntry,
    Product,
    PromoCodeRow,
    Region,
    StaffUser,
)
from .base import Acting, ServiceBase, utcnow
from .pipeline import ReportChanged
from .views import AdminEntryView, StaffUserView

Progress = Callable[[str, int, int], None]


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportResult:
    """What an import changed (or, on a dry run, would change)."""

    what: str
    source: str
    dry_run: bool
    counts: dict[str, Counts] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"import": self.what, "file": self.source, "dry_run": self.dry_run,
                "counts": {k: vars(c) for k, c in self.counts.items()}, "changes": self.changes}


@dataclass
class _Plan:
    """Everything an import will do, worked out before anything is written."""

    source: str
    problems: list[str] = field(default_factory=list)
    steps: list[Callable[[], None]] = field(default_factory=list)
    history: list[tuple[str, str, str, str]] = field(default_factory=list)  # subject, key, action, detail
    changes: list[str] = field(default_factory=list)
    counts: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    changed_reports: list[tuple[int, int]] = field(default_factory=list)

    def problem(self, line: int, column: str, text: str) -> None:
        self.problems.append(f"{self.source}:{line}: {column}: {text}")

    def change(self, subject: str, key: str, old: dict[str, Any] | None, new: dict[str, Any],
               step: Callable[[], None]) -> None:
        """Record a creation (``old`` None) or the fields that differ; nothing if none do."""
        if old is None:
            detail = ", ".join(f"{k} {_show(v)}" for k, v in new.items())
            self.counts[subject + "s"].created += 1
            self.changes.append(f"add {subject} {key}: {detail}")
            self.history.append((subject, key, "added", detail))
        else:
            diff = [(k, old[k], v) for k, v in new.items() if old.get(k) != v]
            if not diff:
                self.counts[subject + "s"].unchanged += 1
                return
            detail = "; ".join(f"{k} {_show(a)} → {_show(b)}" for k, a, b in diff)
            self.counts[subject + "s"].updated += 1
            self.changes.append(f"change {subject} {key}: {detail}")
            self.history.append((subject, key, "changed", detail))
        self.steps.append(step)


def _product_list(names: Any) -> str:
    return ";".join(sorted(names)) or "every product"


def _show(value: Any) -> str:
    if value is None or value == "" or value == ():
        return "(none)"
    if isinstance(value, (tuple, frozenset, set, list)):
        return ";".join(sorted(str(v) for v in value))
    return str(getattr(value, "value", value))


class AdminMixin(ServiceBase):
    def administer(self, cmd: Any, progress: Progress | None = None) -> Any:
        """Run one admin command (a model, or a dict a script sent) in one transaction."""
        cmd = admin_command(cmd)
        changed: list[tuple[int, int]] = []
        with self._writing() as ctx:
            authorise(cmd.ACTION, ctx.user.role)
            if isinstance(cmd, Import):
                result, changed = _import(ctx, cmd, progress)
            else:
                result = _USERS[type(cmd)](ctx, cmd)
        for report_id, version in changed:
            self._announce(ReportChanged(report_id, version))
        return result

    # the named calls of the command line
    def add_user(self, name: str, role: str) -> StaffUserView:
        return self.administer(parse(AddUser, name=name, role=role))

    def set_role(self, name: str, role: str) -> StaffUserView:
        return self.administer(parse(SetRole, name=name, role=role))

    def disable_user(self, name: str) -> StaffUserView:
        return self.administer(parse(DisableUser, name=name))

    def enable_user(self, name: str) -> StaffUserView:
        return self.administer(parse(EnableUser, name=name))

    def import_rows(self, what: str, source: str, rows: Sequence[Numbered], *, cycle: str | None = None,
                    dry_run: bool = False, progress: Progress | None = None) -> ImportResult:
        cmd = parse(Import, what=what, source=source, rows=tuple(rows), cycle=cycle, dry_run=dry_run)
        return self.administer(cmd, progress)

    def admin_history(self, limit: int = 200) -> list[AdminEntryView]:
        """The newest entries of the administration history of the user's distributor."""
        with self._reading() as ctx:
            rows = ctx.session.scalars(
                select(AdminHistoryRow).where(AdminHistoryRow.distributor_id == ctx.user.distributor_id)
                .order_by(AdminHistoryRow.id.desc()).limit(limit))
            return [AdminEntryView(r.at, r.actor, r.subject, r.key, r.action, r.detail) for r in rows]


def _log(ctx: Acting, subject: str, key: str, action: str, detail: str) -> dict[str, Any]:
    return dict(at=ctx.now, actor=ctx.user.name, distributor_id=ctx.user.distributor_id, subject=subject,
                key=key[:200], action=action, detail=detail)


# --------------------------------------------------------------------------- staff users


def _find_user(ctx: Acting, name: str) -> StaffUser:
    user = ctx.session.execute(select(StaffUser).where(StaffUser.name == name)).scalar_one_or_none()
    if user is None or user.distributor_id != ctx.user.distributor_id:
        raise NotFound(f"There is no staff user '{name}' at {ctx.user.distributor.name}; `lmp-tui users` lists "
                       "them, `lmp-tui users add NAME --role ROLE` adds one.")
    return user


def _other_enabled_admins(ctx: Acting, user: StaffUser) -> int:
    return ctx.session.scalar(select(func.count()).select_from(StaffUser).where(
        StaffUser.distributor_id == user.distributor_id, StaffUser.role == Role.ADMIN,
        StaffUser.enabled.is_(True), StaffUser.id != user.id)) or 0


def _keep_an_admin(ctx: Acting, user: StaffUser, what: str) -> None:
    if user.role is Role.ADMIN and user.enabled and not _other_enabled_admins(ctx, user):
        raise NotAllowed(f"Cannot {what}: {user.name} is the last enabled admin of "
                         f"{ctx.user.distributor.name}, and nobody could administer it any more. "
                         "Make another user an admin first.")


def _view(user: StaffUser) -> StaffUserView:
    return StaffUserView(user.name, user.role, user.distributor.name, user.enabled)


def _add_user(ctx: Acting, cmd: AddUser) -> StaffUserView:
    taken = ctx.session.execute(select(StaffUser).where(StaffUser.name == cmd.name)).scalar_one_or_none()
    if taken is not None:
        raise InvalidInput(f"There is already a staff user '{cmd.name}'; choose another login name, or change "
                           f"its role with `lmp-tui users set-role {cmd.name} ROLE`.")
    user = StaffUser(name=cmd.name, role=cmd.role, distributor_id=ctx.user.distributor_id, enabled=True)
    ctx.session.add(user)
    ctx.session.add(AdminHistoryRow(**_log(ctx, "user", cmd.name, "added", f"role {cmd.role.value}")))
    ctx.session.flush()
    ctx.session.refresh(user)
    return _view(user)


def _set_role(ctx: Acting, cmd: SetRole) -> StaffUserView:
    user = _find_user(ctx, cmd.name)
    if user.role is not cmd.role:
        if cmd.role is not Role.ADMIN:
            _keep_an_admin(ctx, user, f"make {user.name} {cmd.role.value}")
        ctx.session.add(AdminHistoryRow(**_log(ctx, "user", user.name, "role changed",
                                                f"role {user.role.value} → {cmd.role.value}")))
        user.role = cmd.role
    return _view(user)


def _disable(ctx: Acting, cmd: DisableUser) -> StaffUserView:
    user = _find_user(ctx, cmd.name)
    if user.enabled:
        _keep_an_admin(ctx, user, f"disable {user.name}")
        user.enabled = False
        ctx.session.add(AdminHistoryRow(**_log(ctx, "user", user.name, "disabled", "enabled → disabled")))
    return _view(user)


def _enable(ctx: Acting, cmd: EnableUser) -> StaffUserView:
    user = _find_user(ctx, cmd.name)
    if not user.enabled:
        user.enabled = True
        ctx.session.add(AdminHistoryRow(**_log(ctx, "user", user.name, "enabled", "disabled → enabled")))
    return _view(user)


_USERS: dict[type, Callable[[Acting, Any], Any]] = {
    AddUser: _add_user, SetRole: _set_role, DisableUser: _disable, EnableUser: _enable,
}


# --------------------------------------------------------------------------- a first start


def initialise(db: Database, distributor: str, admin: str, clock: Callable[[], datetime] = utcnow
               ) -> StaffUserView:
    """On a database with no distributor yet: the distributor and its first admin."""
    from ..admin import InitialiseRequest

    req = parse(InitialiseRequest, distributor=distributor, admin=admin)
    with db.write() as session:
        existing = session.scalars(select(Distributor.name).order_by(Distributor.id)).first()
        if existing is not None:
            raise InvalidInput(f"This database already belongs to {existing}; `init` is for an empty database. "
                               "An admin adds staff with `lmp-tui users add NAME --role ROLE`.")
        dist = Distributor(name=req.distributor)
        session.add(dist)
        session.flush()
        session.add(StaffUser(name=req.admin, role=Role.ADMIN, distributor_id=dist.id, enabled=True))
        now = clock()
        for subject, key, action, detail in (("distributor", req.distributor, "added", "first start"),
                                             ("user", req.admin, "added", "role admin (first admin)")):
            session.add(AdminHistoryRow(at=now, actor=req.admin, distributor_id=dist.id, subject=subject, key=key,
                                        action=action, detail=detail))
    return StaffUserView(req.admin, Role.ADMIN, req.distributor, True)


# --------------------------------------------------------------------------- imports


def _import(ctx: Acting, cmd: Import, progress: Progress | None) -> tuple[ImportResult, list[tuple[int, int]]]:
    plan = _Plan(cmd.source)
    _PLANS[cmd.what](ctx, cmd, plan, progress)
    if plan.problems:
        raise ImportProblems(plan.problems)
    result = ImportResult(cmd.what, cmd.source, cmd.dry_run, dict(plan.counts), plan.changes)
    if cmd.dry_run:
        return result, []
    for step in plan.steps:
        step()
    if plan.history:
        ctx.session.execute(insert(AdminHistoryRow), [_log(ctx, *h) for h in plan.history])
    ctx.session.flush()
    return result, plan.changed_reports


def _regions(ctx: Acting, cmd: Import, plan: _Plan, progress: Progress | None) -> None:
    s = ctx.session
    existing = {r.code: r for r in s.scalars(select(Region))}
    with_reports = set(s.scalars(select(Partner.region_id).join(BillingReport, BillingReport.partner_id == Partner.id)
                                 .distinct()))
    for n in cmd.rows:
        r = n.row
        cur = existing.get(r.region)
        new = dict(currency=r.currency, code_kind=r.code_kind, code_opens=r.code_opens,
                   name=r.name or (cur.name if cur else r.region))
        if cur is not None and cur.currency != r.currency and cur.id in with_reports:
            plan.problem(n.line, "currency", f"region {r.region} already has billing reports in {cur.currency}; "
                                             "its currency cannot change (make a new region instead).")
            continue
        old = None if cur is None else dict(currency=cur.currency, code_kind=cur.code_kind, code_opens=cur.code_opens,
                                            name=cur.name)

        def step(cur: Region | None = cur, code: str = r.region, new: dict[str, Any] = new) -> None:
            if cur is None:
                s.add(Region(code=code, **new))
            else:
                for k, v in new.items():
                    setattr(cur, k, v)

        plan.change("region", r.region, old, new, step)


def _products(ctx: Acting, cmd: Import, plan: _Plan, progress: Progress | None) -> None:
    s = ctx.session
    existing = {p.name: p for p in s.scalars(select(Product))}
    for n in cmd.rows:
        r = n.row
        cur = existing.get(r.product)
        old = None if cur is None else dict(units=cur.units)

        def step(cur: Product | None = cur, name: str = r.product, units: str = r.units) -> None:
            if cur is None:
                s.add(Product(name=name, units=units))
            else:
                cur.units = units

        plan.change("product", r.product, old, dict(units=r.units), step)


def _regions_by_code(ctx: Acting) -> dict[str, Region]:
    return {r.code: r for r in ctx.session.scalars(select(Region))}


def _unknown_region(plan: _Plan, line: int, code: str) -> None:
    plan.problem(line, "region", f"there is no region {code}; import it first (lmp-tui import regions FILE).")


def _partners(ctx: Acting, cmd: Import, plan: _Plan, progress: Progress | None) -> None:
    s = ctx.session
    regions = _regions_by_code(ctx)
    existing = {p.company_id: p for p in s.scalars(select(Partner))}
    with_reports = set(s.scalars(select(BillingReport.partner_id).distinct()))
    mine = ctx.user.distributor_id
    for n in cmd.rows:
        r = n.row
        region = regions.get(r.region)
        if region is None:
            _unknown_region(plan, n.line, r.region)
            continue
        cur = existing.get(r.company_id)
        if cur is not None and cur.distributor_id != mine:
            plan.problem(n.line, "company_id", f"{r.company_id} is a partner of another distributor; check the ID.")
            continue
        if cur is not None and cur.region_id != region.id and cur.id in with_reports:
            plan.problem(n.line, "region", f"{r.company_id} already has billing reports in region "
                                           f"{cur.region.code}; its region cannot change.")
            continue
        new = dict(name=r.name, city=r.city or "", state=r.state or "", region=r.region)
        old = None if cur is None else dict(name=cur.name, city=cur.city, state=cur.state, region=cur.region.code)

        def step(cur: Partner | None = cur, r: Any = r, region: Region = region) -> None:
            if cur is None:
                s.add(Partner(company_id=r.company_id, name=r.name, city=r.city or "", state=r.state or "",
                              region_id=region.id, distributor_id=mine))
                return
            if cur.name != r.name:  # the report list keeps a copy of the name
                s.execute(update(BillingReport).where(BillingReport.partner_id == cur.id)
                          .values(partner_name=r.name).execution_options(synchronize_session=False))
            cur.name, cur.city, cur.state, cur.region_id = r.name, r.city or "", r.state or "", region.id

        plan.change("partner", r.company_id, old, new, step)


def _prices(ctx: Acting, cmd: Import, plan: _Plan, progress: Progress | None) -> None:
    s = ctx.session
    regions = _regions_by_code(ctx)
    products = {p.name: p for p in s.scalars(select(Product))}
    existing = {(e.region_id, e.product_id): e for e in s.scalars(select(PriceListEntry))}
    for n in cmd.rows:
        r = n.row
        region, product = regions.get(r.region), products.get(r.product)
        if region is None:
            _unknown_region(plan, n.line, r.region)
        if product is None:
            plan.problem(n.line, "product", f"there is no product '{r.product}'; import it first "
                                            "(lmp-tui import products FILE).")
        if region is None or product is None:
            continue
        if not fits_currency(r.unit_price, region.currency):
            plan.problem(n.line, "unit_price", f"{r.unit_price} has more decimals than {region.currency} has "
                                               f"({money.minor_digits(region.currency)}).")
            continue
        cur = existing.get((region.id, product.id))
        new = dict(unit_price=r.unit_price, channel_margin=r.channel_margin)
        old = None if cur is None else dict(unit_price=cur.unit_price, channel_margin=cur.channel_margin)

        def step(cur: PriceListEntry | None = cur, rid: int = region.id, pid: int = product.id,
                 new: dict[str, Any] = new) -> None:
            if cur is None:
                s.add(PriceListEntry(region_id=rid, product_id=pid, **new))
            else:
                cur.unit_price, cur.channel_margin = new["unit_price"], new["channel_margin"]

        plan.change("price", f"{r.region} / {r.product}", old, new, step)


def _codes(ctx: Acting, cmd: Import, plan: _Plan, progress: Progress | None) -> None:
    s = ctx.session
    regions = _regions_by_code(ctx)
    products = {p.name: p for p in s.scalars(select(Product))}
    partners = {p.company_id: p for p in s.scalars(select(Partner).where(
        Partner.distributor_id == ctx.user.distributor_id))}
    existing = {c.code: c for c in s.scalars(select(PromoCodeRow)).unique()}
    for n in cmd.rows:
        r = n.row
        ok = True
        region = regions.get(r.region)
        if region is None:
            _unknown_region(plan, n.line, r.region)
            ok = False
        missing = [p for p in r.products if p not in products]
        if missing:
            plan.problem(n.line, "products", f"there is no product {', '.join(repr(m) for m in missing)}; import "
                                             "products first, or correct the name.")
            ok = False
        partner = None
        if r.partner is not None:
            partner = partners.get(r.partner)
            if partner is None:
                plan.problem(n.line, "partner", f"there is no partner {r.partner} among your partners; import "
                                                "partners first, or leave it empty for a code open to every partner.")
                ok = False
        cur = existing.get(r.code)
        if cur is not None and cur.partner is not None and cur.partner.distributor_id != ctx.user.distributor_id:
            plan.problem(n.line, "code", f"{r.code} is reserved for another distributor's partner; check the code.")
            ok = False
        # a code that could never be verified is refused now, not when a clerk types it
        if region is not None and r.kind is not region.code_kind:
            plan.problem(n.line, "kind", f"region {r.region} uses {region.code_kind.label}s, so a {r.kind.label} "
                                         "there could never be verified; check the kind or the region.")
            ok = False
        if region is not None and partner is not None and partner.region_id != region.id:
            plan.problem(n.line, "partner", f"{r.partner} is in region {partner.region.code}, not {r.region}; the "
                                            "code could never be verified for it.")
            ok = False
        if region is not None:
            opens = region.code_opens
            unused = ("max_channel_margin", r.max_channel_margin) if opens is EditableField.UNIT_PRICE else (
                "min_unit_price", r.min_unit_price)
            if unused[1] is not None:
                plan.problem(n.line, unused[0], f"region {r.region}'s codes open the {opens.label.lower()}, so "
                                                f"{unused[0]} would never apply; leave it empty.")
                ok = False
        if region is not None and not fits_currency(r.min_unit_price, region.currency):
            plan.problem(n.line, "min_unit_price", f"{r.min_unit_price} has more decimals than {region.currency} "
                                                   f"has ({money.minor_digits(region.currency)}).")
            ok = False
        if not ok or region is None:
            continue
        product_ids = frozenset(products[p].id for p in r.products)
        new = dict(kind=r.kind, region=r.region, products=_product_list(r.products), valid_from=r.valid_from,
                   valid_to=r.valid_to, partner=r.partner, min_unit_price=r.min_unit_price,
                   max_channel_margin=r.max_channel_margin)
        old = None if cur is None else dict(
            kind=cur.kind, region=cur.region.code, products=_product_list(p.name for p in cur.products),
            valid_from=cur.valid_from, valid_to=cur.valid_to, partner=cur.partner.company_id if cur.partner else None,
            min_unit_price=cur.min_unit_price, max_channel_margin=cur.max_channel_margin)

        def step(cur: PromoCodeRow | None = cur, r: Any = r, region: Region = region, partner: Partner | None = partner,
                 product_ids: frozenset[int] = product_ids) -> None:
            row = cur or PromoCodeRow(code=r.code)
            row.kind, row.region_id, row.valid_from, row.valid_to = r.kind, region.id, r.valid_from, r.valid_to
            row.partner_id = partner.id if partner else None
            row.min_unit_price, row.max_channel_margin = r.min_unit_price, r.max_channel_margin
            row.products = [s.get(Product, pid) for pid in sorted(product_ids)]  # type: ignore[misc]
            if cur is None:
                s.add(row)

        plan.change("code", r.code, old, new, step)


# the usage of one partner's line, as compared between imports
_LINE_KEY = ("product_id", "provisioned", "used", "chargeable", "partner_comment", "list_unit_price",
             "list_channel_margin")


def _usage(ctx: Acting, cmd: Import, plan: _Plan, progress: Progress | None) -> None:
    s = ctx.session
    cycle = cmd.cycle or ""
    start, end = period_of(cycle)
    mine = ctx.user.distributor_id
    partners = {p.company_id: p for p in s.scalars(select(Partner).where(Partner.distributor_id == mine))}
    regions = {r.id: r for r in s.scalars(select(Region))}
    products = {p.name: p for p in s.scalars(select(Product))}
    prices = {(e.region_id, e.product_id): (e.unit_price, e.channel_margin) for e in s.scalars(select(PriceListEntry))}
    reports = {r.partner_id: r for r in s.execute(
        select(BillingReport.id, BillingReport.partner_id, BillingReport.status, BillingReport.version,
               BillingReport.line_count)
        .where(BillingReport.distributor_id == mine, BillingReport.cycle == cycle))}

    # the partners' lines, in the file's order
    groups: dict[int, list[tuple[int, Line]]] = {}
    for n in cmd.rows:
        r = n.row
        partner, product = partners.get(r.company_id), products.get(r.product)
        if partner is None:
            plan.problem(n.line, "company_id", f"there is no partner {r.company_id} among your partners; import "
                                               "partners first (lmp-tui import partners FILE).")
            continue
        if product is None:
            plan.problem(n.line, "product", f"there is no product '{r.product}'; import products first.")
            continue
        price = prices.get((partner.region_id, product.id))
        if price is None:
            plan.problem(n.line, "product", f"'{r.product}' has no price in region "
                                            f"{regions[partner.region_id].code}; import its price first "
                                            "(lmp-tui import prices FILE).")
            continue
        lines = groups.setdefault(partner.id, [])
        unit_price, margin = price
        lines.append((n.line, Line(
            line_no=len(lines) + 1, product_id=product.id, name=product.name, units=product.units,
            provisioned=r.provisioned, used=r.used, chargeable=chargeable_for(r.provisioned, r.used, r.chargeable),
            partner_comment=r.comment, list_unit_price=unit_price, list_channel_margin=margin,
            unit_price=unit_price, channel_margin=margin)))

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
        summary = _summary(lines, currency)
        if report is None:
            counts.created += 1
            plan.changes.append(f"create the {cycle} report of {partner.name} ({partner.company_id}): "
                                f"{len(lines)} line(s), total {money.format_money(summary['total'], currency)}")
            new_reports.append(dict(partner_id=partner_id, distributor_id=mine, partner_name=partner.name, cycle=cycle,
                                    period_start=start, period_end=end, status=Status.MSP_PREPARING, version=1,
                                    auto_submitted=False, _lines=lines, _currency=currency, **summary))
            continue
        old = known.get(report.id, [])
        if old == [_line_key(ln) for ln in lines]:
            counts.unchanged += 1  # whatever its status: the same file again changes nothing
            continue
        try:
            check_transition(Action.IMPORT_USAGE, report.status)
        except InvalidTransition:
            plan.problem(numbered[0][0], "company_id", f"report #{report.id} of {partner.name} for {cycle} is "
                                                       f"{report.status.label}; its usage lines can be replaced only "
                                                       "while it is MSP preparing, and these rows differ from them.")
            continue
        counts.updated += 1
        plan.changes.append(f"replace the lines of report #{report.id} ({partner.name}, {cycle}): "
                            f"{_line_changes(old, lines, product_names)}; total "
                            f"{money.format_money(summary['total'], currency)}")
        replaced.append((report, lines, currency, summary))
    if plan.problems:
        return
    if not new_reports and not replaced:
        return
    plan.history.append(("usage", f"cycle {cycle}", "imported",
                         f"{cmd.source}: {counts.created} report(s) created, {counts.updated} replaced, "
                         f"{counts.unchanged} unchanged; {len(cmd.rows)} line(s)"))

    def step() -> None:
        _write_usage(ctx, cmd.source, new_reports, replaced, plan, progress)

    plan.steps.append(step)


def _line_key(line: Line) -> tuple[Any, ...]:
    return tuple(getattr(line, k) for k in _LINE_KEY)


def _line_changes(old: list[tuple[Any, ...]], new: list[Line], names: dict[int, str], most: int = 3) -> str:
    """What a replacement changes, line by line (old → new), the first few of them."""
    said: list[str] = []
    for no in range(1, max(len(old), len(new)) + 1):
        before = dict(zip(_LINE_KEY, old[no - 1])) if no <= len(old) else None
        after = new[no - 1] if no <= len(new) else None
        if after is None:
            said.append(f"line {no} {names.get(before['product_id'], '?')} removed")  # type: ignore[index]
        elif before is None:
            said.append(f"line {no} {after.name} added")
        else:
            diff = [f"{'product' if k == 'product_id' else k} "
                    f"{_show(names.get(v, v) if k == 'product_id' else v)} → "
                    f"{_show(names.get(getattr(after, k)) if k == 'product_id' else getattr(after, k))}"
                    for k, v in before.items() if v != getattr(after, k)]
            if diff:
                said.append(f"line {no} {after.name}: {', '.join(diff)}")
    more = f"; and {len(said) - most} more line change(s)" if len(said) > most else ""
    return "; ".join(said[:most]) + more


def _summary(lines: list[Line], currency: str) -> dict[str, Any]:
    return dict(total=total_of(lines, currency), line_count=len(lines),
                discrepancy_count=sum(1 for ln in lines if ln.discrepancy),
                comment_count=sum(1 for ln in lines if ln.partner_comment))


def _current_lines(s: Any, report_ids: list[int]) -> dict[int, list[tuple[Any, ...]]]:
    """The lines the reports hold now, as :data:`_LINE_KEY` tuples in line order."""
    out: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    columns = [getattr(LineItem, k) for k in _LINE_KEY]
    for i in range(0, len(report_ids), 500):
        for row in s.execute(select(LineItem.report_id, *columns)
                             .where(LineItem.report_id.in_(report_ids[i:i + 500]))
                             .order_by(LineItem.report_id, LineItem.line_no)):
            out[row[0]].append(tuple(row[1:]))
    return out


def _write_usage(ctx: Acting, source: str, new_reports: list[dict[str, Any]], replaced: list[Any], plan: _Plan,
                 progress: Progress | None) -> None:
    s = ctx.session
    history: list[dict[str, Any]] = []
    lines_out: list[dict[str, Any]] = []
    done, total = 0, len(new_reports) + len(replaced)

    def line_rows(report_id: int, lines: list[Line]) -> None:
        for ln in lines:
            lines_out.append(dict(
                report_id=report_id, line_no=ln.line_no, product_id=ln.product_id, name=ln.name, units=ln.units,
                provisioned=ln.provisioned, used=ln.used, chargeable=ln.chargeable, partner_comment=ln.partner_comment,
                list_unit_price=ln.list_unit_price, list_channel_margin=ln.list_channel_margin,
                unit_price=ln.unit_price, channel_margin=ln.channel_margin))

    for batch_start in range(0, len(new_reports), 1000):
        batch = new_reports[batch_start:batch_start + 1000]
        values = [{k: v for k, v in r.items() if not k.startswith("_")} for r in batch]
        # one statement for the batch (an ordered RETURNING would be one per row on SQLite);
        # a partner has one report a cycle, so its new id is found by partner
        s.execute(insert(BillingReport).execution_options(render_nulls=True), values)
        found = dict(s.execute(select(BillingReport.partner_id, BillingReport.id).where(
            BillingReport.cycle == batch[0]["cycle"],
            BillingReport.partner_id.in_([r["partner_id"] for r in batch]))).all())
        for r in batch:
            report_id = found[r["partner_id"]]
            line_rows(report_id, r["_lines"])
            history.append(_report_entry(ctx, report_id, f"usage imported from {source}: {r['line_count']} line(s), "
                                         f"total {money.format_money(r['total'], r['_currency'])}"))
            plan.changed_reports.append((report_id, 1))
        done += len(batch)
        if progress is not None:
            progress("writing", done, total)
    if replaced:
        ids = [report.id for report, *_ in replaced]
        for i in range(0, len(ids), 500):
            s.execute(delete(LineItem).where(LineItem.report_id.in_(ids[i:i + 500])))
        s.execute(update(BillingReport.__table__).where(BillingReport.__table__.c.id == bindparam("rid")).values(
            version=bindparam("new_version"), total=bindparam("total"), line_count=bindparam("line_count"),
            discrepancy_count=bindparam("discrepancy_count"), comment_count=bindparam("comment_count")),
            [dict(rid=report.id, new_version=report.version + 1, **summary) for report, _, _, summary in replaced])
        for report, lines, currency, summary in replaced:
            line_rows(report.id, lines)
            history.append(_report_entry(ctx, report.id, f"usage lines replaced from {source}: {report.line_count} → "
                                         f"{len(lines)} line(s), total {money.format_money(summary['total'], currency)}"))
            plan.changed_reports.append((report.id, report.version + 1))
    for i in range(0, len(lines_out), 5000):
        # render_nulls: rows with different empty fields still share one statement
        s.execute(insert(LineItem).execution_options(render_nulls=True), lines_out[i:i + 5000])
    if history:
        s.execute(insert(HistoryRow), history)
    if progress is not None:
        progress("writing", total, total)


def _report_entry(ctx: Acting, report_id: int, detail: str) -> dict[str, Any]:
    return dict(report_id=report_id, at=ctx.now, actor=ctx.user.name, action=Action.IMPORT_USAGE.value,
                detail=detail, comment=None)


_PLANS: dict[str, Callable[[Acting, Import, _Plan, Progress | None], None]] = {
    "regions": _regions, "products": _products, "partners": _partners, "prices": _prices, "codes": _codes,
    "usage": _usage,
}
