"""A small, fully known world for the tests (the demo generator is tested separately)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal as D

from lmp_tui.domain.model import CodeKind, EditableField, Line, ReviewReason, Role, Status, period_of
from lmp_tui.storage import models as m
from lmp_tui.storage.db import Database

PRICES = {  # region → product → (unit price, channel margin)
    "NA": {"Endpoint Security": (D("10.00"), D("20.00")), "Email Security": (D("3.33"), D("15.00")),
           "Network Appliance": (D("100.00"), D("10.00"))},
    "EU": {"Endpoint Security": (D("9.50"), D("25.00")), "Email Security": (D("3.10"), D("22.50")),
           "Network Appliance": (D("95.00"), D("12.00"))},
    "JP": {"Endpoint Security": (D("1500"), D("12.50")), "Email Security": (D("480"), D("10.00")),
           "Network Appliance": (D("15000"), D("8.00"))},
}

#: line spec: product, provisioned, used, chargeable, comment
STANDARD_LINES = [
    ("Endpoint Security", 100, 80, 80, "Customer offboarded 20 seats mid-month."),
    ("Email Security", 50, 50, 50, None),
    ("Network Appliance", 2, None, 2, None),
]


@dataclass
class World:
    db: Database
    ids: dict[str, int] = field(default_factory=dict)

    @classmethod
    def build(cls, db: Database) -> "World":
        w = cls(db)
        with db.write() as s:
            ours, other = m.Distributor(name="Ours Distribution"), m.Distributor(name="Other Distribution")
            s.add_all([ours, other])
            s.flush()
            s.add_all([
                m.StaffUser(name="billing", role=Role.BILLING, distributor_id=ours.id),
                m.StaffUser(name="viewer", role=Role.VIEWER, distributor_id=ours.id),
                m.StaffUser(name="admin", role=Role.ADMIN, distributor_id=ours.id),
                m.StaffUser(name="outsider", role=Role.BILLING, distributor_id=other.id),
                m.StaffUser(name="outside-admin", role=Role.ADMIN, distributor_id=other.id),
            ])
            regions = {
                "NA": m.Region(code="NA", name="North America", currency="USD", code_kind=CodeKind.BID_DESK,
                               code_opens=EditableField.UNIT_PRICE),
                "EU": m.Region(code="EU", name="Europe", currency="EUR", code_kind=CodeKind.PROMOTE,
                               code_opens=EditableField.CHANNEL_MARGIN),
                "JP": m.Region(code="JP", name="Japan", currency="JPY", code_kind=CodeKind.PROMOTE,
                               code_opens=EditableField.UNIT_PRICE),
            }
            products = {
                "Endpoint Security": m.Product(name="Endpoint Security", units="seats"),
                "Email Security": m.Product(name="Email Security", units="mailboxes"),
                "Network Appliance": m.Product(name="Network Appliance", units="appliances"),
            }
            s.add_all([*regions.values(), *products.values()])
            s.flush()
            for rc, table in PRICES.items():
                for pname, (price, margin) in table.items():
                    s.add(m.PriceListEntry(region_id=regions[rc].id, product_id=products[pname].id,
                                           unit_price=price, channel_margin=margin))
            partners = {
                "acme": m.Partner(name="Acme Networks", company_id="0b7f6a52-3d5e-4c1a-9a57-0d2f1c4e8a11",
                                  city="Austin", state="TX", region=regions["NA"], distributor_id=ours.id),
                "berlin": m.Partner(name="Berlin Cyber GmbH", company_id="5c1e2f3a-7b8c-4d9e-8f01-2a3b4c5d6e7f",
                                    city="Berlin", state="BE", region=regions["EU"], distributor_id=ours.id),
                "tokyo": m.Partner(name="Tokyo Secure K.K.", company_id="9e8d7c6b-5a49-4382-b716-0f1e2d3c4b5a",
                                   city="Tokyo", state="13", region=regions["JP"], distributor_id=ours.id),
                "foreign": m.Partner(name="Foreign Partner LLC", company_id="11111111-2222-4333-8444-555555555555",
                                     city="Denver", state="CO", region=regions["NA"], distributor_id=other.id),
            }
            s.add_all(partners.values())
            s.flush()
            w.ids.update({f"partner:{k}": p.id for k, p in partners.items()})
            year = (date(2026, 1, 1), date(2026, 12, 31))
            codes = [
                ("BD-NA-1", CodeKind.BID_DESK, "NA", ["Endpoint Security", "Email Security"], year, None,
                 D("5.00"), None),
                ("BD-NA-OPEN", CodeKind.BID_DESK, "NA", list(products), year, None, None, None),
                ("BD-NA-OLD", CodeKind.BID_DESK, "NA", list(products), (date(2025, 1, 1), date(2025, 12, 31)),
                 None, None, None),
                ("BD-NA-APPL", CodeKind.BID_DESK, "NA", ["Network Appliance"], year, None, None, None),
                ("BD-NA-ACME", CodeKind.BID_DESK, "NA", list(products), year, "acme", None, None),
                ("BD-NA-FOREIGN", CodeKind.BID_DESK, "NA", list(products), year, "foreign", None, None),
                ("PR-NA-1", CodeKind.PROMOTE, "NA", list(products), year, None, None, None),
                ("PR-EU-1", CodeKind.PROMOTE, "EU", list(products), year, None, None, D("40.00")),
                ("PR-JP-1", CodeKind.PROMOTE, "JP", list(products), year, None, D("1000"), None),
                ("BD-NA-OCT", CodeKind.BID_DESK, "NA", list(products), (date(2026, 10, 5), date(2026, 12, 31)),
                 None, None, None),
            ]
            for code, kind, rc, prods, (vf, vt), partner, min_price, max_margin in codes:
                row = m.PromoCodeRow(code=code, kind=kind, region_id=regions[rc].id, valid_from=vf, valid_to=vt,
                                     partner_id=partners[partner].id if partner else None,
                                     min_unit_price=min_price, max_channel_margin=max_margin)
                row.products = [products[p] for p in prods]
                s.add(row)
            s.flush()
            w._products = {k: p.id for k, p in products.items()}
        w.report("review", "acme", "2026-10", Status.UNDER_REVIEW, ReviewReason.MANUAL_SUBMISSION)
        w.report("eu", "berlin", "2026-10", Status.UNDER_REVIEW, ReviewReason.AUTO_NO_PENALTIES)
        w.report("jp", "tokyo", "2026-10", Status.UNDER_REVIEW, ReviewReason.MANUAL_SUBMISSION)
        w.report("prep", "acme", "2026-11", Status.MSP_PREPARING, None, lines=[
            ("Endpoint Security", 10, 6, 6, None), ("Email Security", 5, 5, 5, None)])
        w.report("prep_clean", "berlin", "2026-11", Status.MSP_PREPARING, None, lines=[
            ("Endpoint Security", 10, 6, 6, "Pilot ended."), ("Email Security", 5, 5, 5, None)])
        w.report("submitted_jp", "tokyo", "2026-11", Status.SUBMITTED, None, po="PO-JP")
        w.report("rejected", "acme", "2026-09", Status.REJECTED, None)
        w.report("submitted", "acme", "2026-08", Status.SUBMITTED, None, po="PO-8")
        w.report("completed", "acme", "2026-07", Status.COMPLETED, None, po="PO-7")
        w.report("foreign", "foreign", "2026-10", Status.UNDER_REVIEW, ReviewReason.MANUAL_SUBMISSION)
        return w

    def report(self, key: str, partner: str, cycle: str, status: Status, reason: ReviewReason | None,
               lines: list[tuple[str, int, int | None, int, str | None]] | None = None, po: str | None = None) -> int:
        with self.db.write() as s:
            p = s.get(m.Partner, self.ids[f"partner:{partner}"])
            assert p is not None
            currency = p.region.currency
            domain_lines = []
            for no, (pname, prov, used, charge, comment) in enumerate(lines or STANDARD_LINES, 1):
                price, margin = PRICES[p.region.code][pname]
                domain_lines.append(Line(no, self._products[pname], pname, "units", prov, used, charge, comment,
                                         price, margin, price, margin))
            start, end = period_of(cycle)
            row = m.BillingReport(
                partner_id=p.id, distributor_id=p.distributor_id, partner_name=p.name, cycle=cycle,
                period_start=start, period_end=end, status=status, review_reason=reason, auto_submitted=False,
                po_number=po, version=1, total=sum((ln.subtotal(currency) for ln in domain_lines), D(0)),
                line_count=len(domain_lines), discrepancy_count=sum(ln.discrepancy for ln in domain_lines),
                comment_count=sum(1 for ln in domain_lines if ln.partner_comment))
            row.lines = [m.LineItem(
                line_no=ln.line_no, product_id=ln.product_id, name=ln.name, units=ln.units,
                provisioned=ln.provisioned, used=ln.used, chargeable=ln.chargeable,
                partner_comment=ln.partner_comment, list_unit_price=ln.list_unit_price,
                list_channel_margin=ln.list_channel_margin, unit_price=ln.unit_price,
                channel_margin=ln.channel_margin) for ln in domain_lines]
            s.add(row)
            s.flush()
            self.ids[key] = row.id
        return self.ids[key]

    def __getitem__(self, key: str) -> int:
        return self.ids[key]
