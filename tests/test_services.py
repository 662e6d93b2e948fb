"""The services on SQLite and on a real PostgreSQL: the workflow, its refusals (each a
clear error and an unchanged database), history and money."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from sqlalchemy import func, select, text

from lmp_tui.domain.model import Action, EditableField, ReviewReason, Status
from lmp_tui.errors import (
    CodeRefused,
    Conflict,
    DatabaseUnavailable,
    InvalidInput,
    InvalidTransition,
    NotAllowed,
    NotFound,
)
from lmp_tui.cli.render import report_json
from lmp_tui.storage.models import HistoryRow, LineItem

from .conftest import FIXED_NOW


def state(svc, report_id):
    """Everything a user could see of a report, to prove a refusal changed nothing."""
    return report_json(svc.load_report(report_id))


def history_rows(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(HistoryRow))


def test_walk_under_review_to_submitted(service, world):
    svc = service()
    rid = world["review"]
    r = svc.load_report(rid)
    assert r.total == D("640.00") + D("141.53") + D("180.00")  # 10×80×0.8, 3.33×50×0.85 = 141.525 ↑, 100×2×0.9
    r = svc.set_po(rid, "PO-2026-10-17")
    r = svc.apply_code(rid, 1, "bd-na-1")  # codes are not case-sensitive
    line = r.line(1)
    assert (line.promo_code, line.editable_field, line.code_bound) == ("BD-NA-1", EditableField.UNIT_PRICE, D("5.00"))
    r = svc.set_unit_price(rid, 1, "7.25")
    assert r.line(1).unit_price == D("7.25")
    assert r.line(1).subtotal("USD") == D("464.00")  # 7.25 × 80 × 0.80
    assert r.total == D("464.00") + D("141.53") + D("180.00")
    r = svc.submit(rid, comment="Promo BD-NA-1 agreed with the vendor.")
    assert r.status is Status.SUBMITTED and r.review_reason is None
    assert r.usage_approved_at == FIXED_NOW
    assert r.vendor_comment == "Promo BD-NA-1 agreed with the vendor."
    actions = [h.action for h in r.history]
    assert actions == [Action.SET_PO, Action.APPLY_CODE, Action.SET_UNIT_PRICE, Action.SUBMIT]
    assert all(h.actor == "billing" and h.at == FIXED_NOW for h in r.history)
    assert "10.00 → 7.25 USD" in r.history[2].detail
    assert r.history[3].comment == "Promo BD-NA-1 agreed with the vendor."
    # the list shows the stored summary
    row = next(x for x in svc.query_reports(status="submitted").rows if x.id == rid)
    assert (row.total, row.po_number, row.currency) == (r.total, "PO-2026-10-17", "USD")


def test_walk_under_review_to_rejected(service, world):
    svc = service()
    rid = world["eu"]
    with pytest.raises(InvalidInput, match="cannot be empty"):
        svc.reject(rid, "   ")
    r = svc.reject(rid, "Line 1 chargeable is below the used count; please correct it.")
    assert r.status is Status.REJECTED
    assert r.history[-1].action is Action.REJECT
    assert r.history[-1].comment == "Line 1 chargeable is below the used count; please correct it."


def test_submit_requires_po_and_changes_nothing(service, world, db):
    svc = service()
    rid = world["review"]
    before, n = state(svc, rid), history_rows(db)
    with pytest.raises(InvalidTransition, match="PO number first"):
        svc.submit(rid, edits=[{"kind": "apply_code", "line_no": 1, "code": "BD-NA-1"}])
    assert state(svc, rid) == before and history_rows(db) == n


def test_save_draft_is_one_transaction(service, world, db):
    svc = service()
    rid = world["review"]
    v = svc.load_report(rid).version
    r = svc.save_draft(rid, [
        {"kind": "set_po", "po_number": "PO-9"},
        {"kind": "apply_code", "line_no": 2, "code": "BD-NA-OPEN"},
        {"kind": "set_unit_price", "line_no": 2, "value": "2.99"},
    ], expected_version=v)
    assert r.version == v + 1 and r.status is Status.UNDER_REVIEW
    assert [h.action for h in r.history] == [Action.SET_PO, Action.APPLY_CODE, Action.SET_UNIT_PRICE, Action.SAVE_DRAFT]
    # a batch whose last edit is refused writes none of the earlier ones
    before, n = state(svc, rid), history_rows(db)
    with pytest.raises(InvalidInput, match="no promotional code"):
        svc.save_draft(rid, [{"kind": "set_po", "po_number": "PO-10"},
                             {"kind": "set_unit_price", "line_no": 1, "value": "1.00"}], expected_version=r.version)
    assert state(svc, rid) == before and history_rows(db) == n


def test_stale_save_is_a_conflict_and_writes_nothing(service, world, db):
    alice, bob = service(), service("admin")
    rid = world["review"]
    seen = alice.load_report(rid).version
    bob.set_po(rid, "PO-BOB", expected_version=seen)
    before, n = state(alice, rid), history_rows(db)
    with pytest.raises(Conflict, match="changed by admin"):
        alice.save_draft(rid, [{"kind": "set_po", "po_number": "PO-ALICE"}], expected_version=seen)
    assert state(alice, rid) == before and history_rows(db) == n
    assert alice.load_report(rid).po_number == "PO-BOB"


@pytest.mark.parametrize(
    "code, check",
    [
        ("NOPE-1", "exists"),
        ("PR-NA-1", "kind"),
        ("BD-NA-APPL", "product"),
        ("BD-NA-OLD", "validity"),
        ("BD-NA-OCT", "validity"),
        ("BD-NA-FOREIGN", "partner"),
    ],
)
def test_code_refusals_name_the_check(service, world, db, code, check):
    svc = service()
    rid = world["review"]
    before, n = state(svc, rid), history_rows(db)
    with pytest.raises(CodeRefused) as err:
        svc.verify_code(rid, 1, code)
    assert err.value.check == check
    with pytest.raises(CodeRefused) as err2:
        svc.apply_code(rid, 1, code)
    assert err2.value.check == check and str(err2.value)
    assert state(svc, rid) == before and history_rows(db) == n


def test_code_of_another_region_is_refused(service, world):
    svc = service()
    with pytest.raises(CodeRefused) as err:
        svc.verify_code(world["jp"], 1, "PR-EU-1")  # promote code, right kind, region EU
    assert err.value.check == "region" and "JP" in str(err.value)


def test_partner_specific_code_for_its_partner(service, world):
    grant = service().verify_code(world["review"], 3, "BD-NA-ACME")
    assert grant.code == "BD-NA-ACME" and grant.opens is EditableField.UNIT_PRICE


def test_margin_region_opens_margin_within_bound(service, world, db):
    svc = service()
    rid = world["eu"]
    r = svc.apply_code(rid, 1, "PR-EU-1")
    assert r.line(1).editable_field is EditableField.CHANNEL_MARGIN
    with pytest.raises(InvalidInput, match="Unit Price"):
        svc.set_unit_price(rid, 1, "1.00")
    before = state(svc, rid)
    with pytest.raises(InvalidInput, match="at most 40.00%"):
        svc.set_channel_margin(rid, 1, "40.01")
    assert state(svc, rid) == before
    r = svc.set_channel_margin(rid, 1, "40")
    assert r.line(1).channel_margin == D("40.00")
    assert r.line(1).subtotal("EUR") == D("456.00")  # 9.50 × 80 × 0.60


def test_jpy_has_no_decimals_and_respects_lowest_price(service, world):
    svc = service()
    rid = world["jp"]
    svc.apply_code(rid, 1, "PR-JP-1")
    with pytest.raises(InvalidInput, match="no decimals"):
        svc.set_unit_price(rid, 1, "1200.5")
    # a whole number of yen written with zeros after the point is a whole number (as an import takes it)
    assert svc.set_unit_price(rid, 1, "1500.00").line(1).unit_price == D("1500")
    with pytest.raises(InvalidInput, match="1000 JPY or more"):
        svc.set_unit_price(rid, 1, "999")
    r = svc.set_unit_price(rid, 1, "1234")
    assert r.line(1).subtotal("JPY") == D("86380")  # 1234 × 80 × 0.875 = 86380
    assert str(r.total) == str(r.total.quantize(D(1)))


def test_reset_restores_price_list(service, world):
    svc = service()
    rid = world["review"]
    original = svc.load_report(rid).total
    svc.apply_code(rid, 1, "BD-NA-1")
    svc.set_unit_price(rid, 1, "6.00")
    r = svc.reset_pricing(rid)
    assert r.total == original
    assert all(ln.promo_code is None and ln.editable_field is None for ln in r.lines)
    assert r.history[-1].action is Action.RESET_PRICING


def test_remove_code_puts_one_line_back_to_the_price_list(service, world):
    svc = service()
    rid = world["review"]
    svc.apply_code(rid, 1, "BD-NA-1")
    svc.set_unit_price(rid, 1, "6.00")
    svc.apply_code(rid, 2, "BD-NA-1")
    r = svc.remove_code(rid, 1)
    assert (r.line(1).promo_code, r.line(1).editable_field, r.line(1).unit_price) == (None, None, D("10.00"))
    assert r.line(2).promo_code == "BD-NA-1"  # the other line keeps its code
    assert r.history[-1].action is Action.REMOVE_CODE
    assert "BD-NA-1 removed" in r.history[-1].detail and r.history[-1].detail.startswith("line 1 ")
    with pytest.raises(InvalidInput, match="no promotional code to remove"):
        svc.remove_code(rid, 1)
    with pytest.raises(NotAllowed):
        service("viewer").remove_code(rid, 2)


def test_every_money_change_is_in_the_history_old_to_new(service, world):
    """A code specified again, a code removed and a reset each put the price list's values
    back over an edited price or margin: the history says old → new, as for the edit."""
    svc = service()
    rid = world["review"]
    svc.apply_code(rid, 1, "BD-NA-1")
    svc.set_unit_price(rid, 1, "6.00")
    r = svc.apply_code(rid, 1, "BD-NA-1")  # the same code again: 6.00 → the list's 10.00
    assert r.line(1).unit_price == D("10.00")
    assert r.history[-1].detail.endswith("; unit price 6.00 → 10.00 USD")
    svc.set_unit_price(rid, 1, "7.00")
    r = svc.remove_code(rid, 1)
    assert "unit price 7.00 → 10.00 USD" in r.history[-1].detail
    svc.apply_code(rid, 1, "BD-NA-1")
    svc.set_unit_price(rid, 1, "8.00")
    svc.apply_code(rid, 2, "BD-NA-1")  # a code, no change of price: named in the count only
    r = svc.reset_pricing(rid)
    detail = r.history[-1].detail
    assert detail.startswith("unit prices and channel margins reset to the price list on 2 line(s)")
    assert "line 1 " in detail and "unit price 8.00 → 10.00 USD" in detail and "line 2 " not in detail
    eu = world["eu"]
    svc.apply_code(eu, 1, "PR-EU-1")
    svc.set_channel_margin(eu, 1, "40")
    r = svc.apply_code(eu, 1, "PR-EU-1")
    assert "channel margin 40.00% → " in r.history[-1].detail


@pytest.mark.parametrize("key", ["prep", "rejected", "submitted", "completed"])
@pytest.mark.parametrize(
    "call",
    [
        lambda s, i: s.set_po(i, "PO-1"),
        lambda s, i: s.apply_code(i, 1, "BD-NA-1"),
        lambda s, i: s.reset_pricing(i),
        lambda s, i: s.remove_code(i, 1),
        lambda s, i: s.save_draft(i),
        lambda s, i: s.submit(i, "c"),
        lambda s, i: s.reject(i, "r"),
    ],
    ids=["set-po", "promo", "reset", "remove-code", "draft", "submit", "reject"],
)
def test_distributor_actions_refused_outside_under_review(service, world, db, key, call):
    svc = service()
    rid = world[key]
    before, n = state(svc, rid), history_rows(db)
    with pytest.raises(InvalidTransition, match="only when it is Under review"):
        call(svc, rid)
    assert state(svc, rid) == before and history_rows(db) == n


def test_viewer_cannot_act_but_can_read(service, world, db):
    viewer = service("viewer")
    rid = world["review"]
    assert viewer.load_report(rid).id == rid
    before, n = state(viewer, rid), history_rows(db)
    for call in (lambda: viewer.set_po(rid, "PO"), lambda: viewer.submit(rid), lambda: viewer.reject(rid, "x"),
                 lambda: viewer.verify_code(rid, 1, "BD-NA-1")):
        with pytest.raises(NotAllowed, match="viewer"):
            call()
    assert state(viewer, rid) == before and history_rows(db) == n


def test_other_distributor_sees_nothing_of_ours(service, world, db):
    outsider = service("outsider")
    rid = world["review"]
    with pytest.raises(NotFound, match="not found among Other Distribution"):
        outsider.load_report(rid)
    n = history_rows(db)
    with pytest.raises(NotFound):
        outsider.set_po(rid, "PO")
    assert history_rows(db) == n
    assert [r.id for r in outsider.query_reports().rows] == [world["foreign"]]
    assert world["foreign"] not in [r.id for r in service().query_reports().rows]


def test_unknown_user_is_a_clear_error(service, world):
    with pytest.raises(NotFound, match="no staff user 'nobody'"):
        service("nobody").query_reports()


def test_unknown_report_and_line(service, world):
    svc = service()
    with pytest.raises(NotFound, match="#999"):
        svc.load_report(999)
    with pytest.raises(InvalidInput, match="no line 9"):
        svc.apply_code(world["review"], 9, "BD-NA-1")


def test_partner_resubmits_after_rejection(service, world):
    admin = service("admin")
    r = admin.partner_submit(world["rejected"])
    assert (r.status, r.review_reason) == (Status.UNDER_REVIEW, ReviewReason.MANUAL_SUBMISSION)
    assert r.history[-1].actor == "Acme Networks (partner)"
    with pytest.raises(NotAllowed, match="only an admin"):
        service("billing").partner_submit(world["prep"])


def test_close_cycle_with_and_without_penalties(service, world):
    admin = service("admin")
    result = admin.close_cycle("2026-11")
    assert (result.penalties, result.no_penalties, result.untouched) == (1, 1, 1)
    pen = admin.load_report(world["prep"])
    assert (pen.status, pen.review_reason, pen.auto_submitted) == (
        Status.UNDER_REVIEW, ReviewReason.AUTO_PENALTIES, True)
    assert pen.line(1).chargeable == 10  # over-provisioned, no comment: charged at provisioned
    assert pen.total == D("80.00") + D("14.15")  # 10×10×0.8 + 3.33×5×0.85=14.1525
    clean = admin.load_report(world["prep_clean"])
    assert (clean.review_reason, clean.auto_submitted, clean.line(1).chargeable) == (
        ReviewReason.AUTO_NO_PENALTIES, False, 6)
    assert admin.query_reports(cycle="2026-11", status="under-review").total_count == 2
    # a second close finds nothing to do
    again = admin.close_cycle("2026-11")
    assert (again.penalties, again.no_penalties, again.untouched) == (0, 0, 3)
    with pytest.raises(NotFound, match="no reports of cycle 2030-01"):
        admin.close_cycle("2030-01")


def test_vendor_return_then_complete_and_completed_never_changes(service, world, db):
    admin = service("admin")
    rid = world["submitted"]
    with pytest.raises(InvalidInput):
        admin.vendor_return(rid, "")
    r = admin.vendor_return(rid, "Please confirm the seat count.")
    assert (r.status, r.review_reason) == (Status.UNDER_REVIEW, ReviewReason.RETURNED_BY_VENDOR)
    admin.submit(rid, "Confirmed.")
    r = admin.vendor_complete(rid)
    assert r.status is Status.COMPLETED
    before, n = state(admin, rid), history_rows(db)
    for call in (admin.vendor_complete, lambda i: admin.vendor_return(i, "x"), admin.partner_submit,
                 lambda i: admin.set_po(i, "P"), lambda i: admin.reject(i, "x")):
        with pytest.raises(InvalidTransition):
            call(rid)
    assert state(admin, rid) == before and history_rows(db) == n


@pytest.mark.parametrize("statement", [
    "UPDATE report_history SET detail = 'forged'",
    "DELETE FROM report_history",
    "DELETE FROM billing_reports",  # the cascade would delete the history
    "TRUNCATE report_history",  # PostgreSQL only
    "TRUNCATE billing_reports CASCADE",
])
def test_history_is_append_only_in_the_database(service, world, db, statement):
    if statement.startswith("TRUNCATE") and db.dialect != "postgresql":
        statement = "DELETE FROM report_history"  # SQLite has no TRUNCATE: its DELETE is refused
    service().set_po(world["review"], "PO-1")
    n = history_rows(db)
    with pytest.raises(DatabaseUnavailable, match="append-only"):
        with db.write() as s:
            s.execute(text(statement))
    assert history_rows(db) == n
    assert service().load_report(world["review"]).history[0].detail.endswith("PO-1")


def test_report_numbers_beyond_the_column_are_not_found(service, world):
    for rid in (2**31, 2**40, 2**63 - 1, 2**63, 2**70, 0, -1):
        with pytest.raises(NotFound):
            service().load_report(rid)
        with pytest.raises(NotFound):
            service().set_po(rid, "PO-1")


def test_negative_zero_is_written_as_zero(service, world):
    svc = service()
    rid = world["review"]
    svc.apply_code(rid, 3, "BD-NA-OPEN")
    report = svc.set_unit_price(rid, 3, "-0.00")
    assert str(report.line(3).unit_price) == "0.00"
    assert report.history[-1].detail.endswith("→ 0.00 USD") and "-0" not in report.history[-1].detail


@pytest.mark.parametrize("value", ["1e2", "1E+2", "١٢.٥٠", "１２", "12,50", "0x10", "Infinity", "NaN"])
def test_prices_in_any_other_notation_are_refused(service, world, db, value):
    svc = service()
    rid = world["review"]
    svc.apply_code(rid, 3, "BD-NA-OPEN")
    before = state(svc, rid)
    with pytest.raises(InvalidInput, match="not a plain number"):
        svc.set_unit_price(rid, 3, value)
    assert state(svc, rid) == before


def test_amounts_beyond_what_the_columns_hold_are_refused_with_a_sentence(service, world, db):
    svc = service()
    rid = world["review"]
    svc.apply_code(rid, 3, "BD-NA-OPEN")
    before = state(svc, rid)
    with pytest.raises(InvalidInput, match="at most 999,999,999.99"):
        svc.set_unit_price(rid, 3, "1000000000")
    with db.write() as s:  # a partner's usage of a million appliances
        s.execute(text("UPDATE line_items SET provisioned = 1000000, chargeable = 1000000 "
                       f"WHERE report_id = {rid} AND line_no = 3"))
    with pytest.raises(InvalidInput, match="largest lmp-tui stores"):
        svc.set_unit_price(rid, 3, "999999999.99")
    assert state(svc, rid)["history"] == before["history"]
    # and below the services, the storage turns an overflow into a sentence too
    with pytest.raises(InvalidInput, match="too large or too precise to store"):
        with db.write() as s:
            line = s.scalars(select(LineItem).where(LineItem.report_id == rid)).first()
            line.unit_price = D("1234567890123456")
            s.flush()
    assert state(svc, rid)["lines"] == before["lines"] or state(svc, rid)["lines"][2]["provisioned"] == 1000000


def test_query_filters_sort_page_and_counts(service, world):
    svc = service()
    counts = svc.status_counts()
    assert counts == {Status.MSP_PREPARING: 2, Status.UNDER_REVIEW: 3, Status.REJECTED: 1,
                      Status.SUBMITTED: 2, Status.COMPLETED: 1}
    assert svc.status_counts(cycle="2026-10")[Status.UNDER_REVIEW] == 3
    page = svc.query_reports(partner_text="ACME", sort="cycle", descending=True, limit=2)
    assert page.total_count == 5 and [r.cycle for r in page.rows] == ["2026-11", "2026-10"]
    page2 = svc.query_reports(partner_text="acme", sort="cycle", descending=True, limit=2, offset=2)
    assert [r.cycle for r in page2.rows] == ["2026-09", "2026-08"]
    assert svc.query_reports(partner_text="%").total_count == 0  # LIKE wildcards are literal
    by_total = svc.query_reports(sort="total", descending=True).rows
    currencies = [r.currency for r in by_total]
    assert currencies == sorted(currencies, reverse=True)  # within a currency: totals are not compared across
    for cur in set(currencies):
        mine = [r for r in by_total if r.currency == cur]
        shown = [r.total for r in mine if r.status is not Status.MSP_PREPARING]
        assert shown == sorted(shown, reverse=True)
        # a report being prepared shows no total: it comes after the others, by number
        assert [r.status is Status.MSP_PREPARING for r in mine] == sorted(r.status is Status.MSP_PREPARING for r in mine)
    ascending = svc.query_reports(sort="total").rows
    assert [r.currency for r in ascending] == sorted(currencies)
    assert svc.cycles() == ["2026-11", "2026-10", "2026-09", "2026-08", "2026-07"]


def test_export_csv_has_every_report_of_the_query(service, world):
    import csv
    import io

    out = io.StringIO()
    n = service().export_csv(out, status="under-review", page_size=2)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert n == 3 and len(rows) == 3
    assert {r["status"] for r in rows} == {"under-review"}
    assert rows[0].keys() >= {"id", "partner", "total", "currency", "po_number"}


def test_every_change_goes_through_one_pipeline_and_is_announced(service, world, db):
    svc = service()
    heard = []
    svc.listeners.append(heard.append)
    rid = world["review"]
    report = svc.run(rid, [{"kind": "set_po", "po_number": "PO-9"}, {"kind": "apply_code", "line_no": 1,
                                                                     "code": "BD-NA-OPEN"}, {"kind": "save_draft"}])
    # the fresh state comes back from the same transaction: new version, its history
    assert report.version == 2 and report.po_number == "PO-9" and report.line(1).promo_code == "BD-NA-OPEN"
    assert [h.action for h in report.history] == [Action.SET_PO, Action.APPLY_CODE, Action.SAVE_DRAFT]
    assert report.history[-1].detail.startswith("draft saved (2 change(s))")
    report = svc.submit(rid, "thanks")
    closed = service("admin")
    closed.listeners.append(heard.append)
    closed.vendor_complete(rid)
    assert [(e.report_id, e.version) for e in heard] == [(rid, 2), (rid, 3), (rid, 4)]


def test_a_refused_command_in_a_batch_writes_nothing_and_announces_nothing(service, world, db):
    svc = service()
    heard = []
    svc.listeners.append(heard.append)
    rid = world["review"]
    before, n = state(svc, rid), history_rows(db)
    with pytest.raises(NotAllowed, match="only an admin"):
        svc.run(rid, [{"kind": "set_po", "po_number": "PO-9"}, {"kind": "vendor_complete"}])
    with pytest.raises(InvalidInput):
        svc.run(rid, [{"kind": "set_po", "po_number": "PO-9"}, {"kind": "no_such_thing"}])
    with pytest.raises(InvalidInput, match="Nothing to change"):
        svc.run(rid, [])
    assert state(svc, rid) == before and history_rows(db) == n and heard == []


def test_codes_for_a_line_are_those_that_pass_every_check(service, world):
    rid = world["review"]  # Acme, North America (Bid Desk Numbers), October 2026
    codes = service().codes_for_line(rid, 1)  # Endpoint Security
    assert [c.code for c in codes] == ["BD-NA-1", "BD-NA-ACME", "BD-NA-OPEN"]
    assert codes[0].bound == D("5.00") and codes[1].partner_only and not codes[2].partner_only
    # each is accepted by the same check a save runs; an appliance line takes other codes
    for choice in codes:
        assert service().verify_code(rid, 1, choice.code).code == choice.code
    assert [c.code for c in service().codes_for_line(rid, 3)] == ["BD-NA-ACME", "BD-NA-APPL", "BD-NA-OPEN"]
    with pytest.raises(NotAllowed):
        service("viewer").codes_for_line(rid, 1)
    with pytest.raises(InvalidTransition):
        service().codes_for_line(world["completed"], 1)
    with pytest.raises(InvalidInput):
        service().codes_for_line(rid, 99)
