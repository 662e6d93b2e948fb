"""Hostile data, as an attacker would plant it: text that partners wrote (company names,
product names as their usage report names them, line comments) and text other staff typed
(PO numbers, reasons, comments, user names), written straight into the database, past the
validation, as a partner feed or an older version could have stored it.

Every string holds something that must stay inert: Textual/Rich markup (``[/]`` crashes
a markup parser, ``[@click=…]`` would become an action), terminal control sequences
(OSC 52 writes the clipboard, OSC 8 makes links, CSI clears the screen or colours text, an
8-bit C1 CSI), bidirectional overrides, and spreadsheet formula triggers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal as D

from lmp_tui.domain.model import CodeKind, EditableField, ReviewReason, Role, Status
from lmp_tui.storage import models as m
from lmp_tui.storage.db import Database

from .factory import World

OSC52 = "\x1b]52;c;SGFja2VkIQ==\x07"  # "Hacked!" into the clipboard
OSC8 = "\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\"
CLEAR = "\x1b[2J\x1b[H"
RED = "\x1b[31m"
C1_CSI = "\x9b2J"
RLO = "\u202e"
#: the payloads that must never reach a terminal as they are
RAW_SEQUENCES = ("\x1b]52;", "\x1b]8;", "\x1b[2J", "\x1b[31m", "\x9b", "\u202e", "\x07")

#: markers that tell which planted string a failure came from. (``app.exit`` is no Textual
#: action, so these payloads test markup parsing and crashes, not clicks: the payloads that
#: really act, ``[@click=app.quit]`` and ``[@click=screen.dismiss(…)]``, are planted by the
#: click tests in tests/ui/test_hostile.py.)
EXIT_NAME = 66
EXIT_PRODUCT = 67
EXIT_HISTORY = 68
EXIT_COMMENT = 69

PARTNER = f"=HYPERLINK(\"x\") [@click=app.exit({EXIT_NAME})]Evil[/] {OSC52}{CLEAR} [/bold] {RLO}gpj.exe"
PRODUCT = f"[@click=app.exit({EXIT_PRODUCT})]Shield[/] {RED}Pro [/]"
COMMENT = f"[b]bold?[/b] [/] {OSC8} {C1_CSI} {RLO}olleh [@click=app.exit({EXIT_COMMENT})]x[/]"
PO = "+PO[/]\x1b[2J"
CODE_ON_LINE = "@[/]CODE"
HISTORY_ACTOR = f"mallory[/]{OSC52}"
HISTORY_DETAIL = f"[@click=app.exit({EXIT_HISTORY})]po set[/] {CLEAR}"
HISTORY_COMMENT = f"-1+2 [/] {RED}red {RLO}"
STAFF_USER = "eve[/]"  # a user name an admin typed; signs in and sees it in the title
FOREIGN_PARTNER = "Secret Foreign Partner Ltd"  # another distributor's: never shown to ours
#: what must be visible, literally, on screen (the parts without control characters)
VISIBLE = ("[@click=app.exit(66)]Evil[/]", "[/bold]", "[@click=app.exit(67)]Shield[/]", "[b]bold?[/b]")


@dataclass
class Hostile:
    report_id: int
    partner_id: int


def plant(world: World) -> Hostile:
    """Add a hostile partner, product, report (Under review), history, codes and user to the
    test world of :mod:`tests.factory`; returns the report's number."""
    db: Database = world.db
    with db.write() as s:
        ours = s.query(m.Distributor).filter_by(name="Ours Distribution").one()
        other = s.query(m.Distributor).filter_by(name="Other Distribution").one()
        na = s.query(m.Region).filter_by(code="NA").one()
        s.add(m.StaffUser(name=STAFF_USER, role=Role.BILLING, distributor_id=ours.id))
        product = m.Product(name=PRODUCT, units=f"[/]seats{RED}")
        partner = m.Partner(name=PARTNER, company_id="[/]0000-\x1b[2J", city="[/]", state="\x1b[2J",
                            region=na, distributor_id=ours.id)
        foreign = m.Partner(name=FOREIGN_PARTNER, company_id="22222222-3333-4444-8555-666666666666",
                            city="Denver", state="CO", region=na, distributor_id=other.id)
        s.add_all([product, partner, foreign])
        s.flush()
        s.add(m.PriceListEntry(region_id=na.id, product_id=product.id, unit_price=D("12.00"),
                               channel_margin=D("10.00")))
        year = (date(2026, 1, 1), date(2026, 12, 31))
        mine = m.PromoCodeRow(code="BD-NA-EVIL", kind=CodeKind.BID_DESK, region_id=na.id, valid_from=year[0],
                              valid_to=year[1], partner_id=partner.id)
        theirs = m.PromoCodeRow(code="BD-NA-SECRET", kind=CodeKind.BID_DESK, region_id=na.id, valid_from=year[0],
                                valid_to=year[1], partner_id=foreign.id)
        mine.products = [product]
        theirs.products = [product]
        s.add_all([mine, theirs])
        report = m.BillingReport(
            partner_id=partner.id, distributor_id=ours.id, partner_name=PARTNER, cycle="2026-10",
            period_start=date(2026, 10, 1), period_end=date(2026, 10, 31), status=Status.UNDER_REVIEW,
            review_reason=ReviewReason.MANUAL_SUBMISSION, auto_submitted=False, po_number=PO,
            vendor_comment=HISTORY_COMMENT, version=1, total=D("1296.00"), line_count=2, discrepancy_count=1,
            comment_count=1)
        report.lines = [
            m.LineItem(line_no=1, product_id=product.id, name=PRODUCT, units="[/]seats", provisioned=100, used=80,
                       chargeable=80, partner_comment=COMMENT, list_unit_price=D("12.00"),
                       list_channel_margin=D("10.00"), unit_price=D("12.00"), channel_margin=D("10.00"),
                       promo_code=CODE_ON_LINE, editable_field=EditableField.UNIT_PRICE),
            m.LineItem(line_no=2, product_id=product.id, name=f"{OSC8} second", units="seats", provisioned=40,
                       used=None, chargeable=40, partner_comment=None, list_unit_price=D("12.00"),
                       list_channel_margin=D("10.00"), unit_price=D("12.00"), channel_margin=D("10.00")),
        ]
        s.add(report)
        s.flush()
        s.add(m.HistoryRow(report_id=report.id, at=datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc),
                           actor=HISTORY_ACTOR, action="po-set", detail=HISTORY_DETAIL, comment=HISTORY_COMMENT))
        world.ids["hostile"] = report.id
        return Hostile(report.id, partner.id)
