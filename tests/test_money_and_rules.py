"""docs/guide.md's money and line rules, pure (no database)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lmp_tui.commands import edits as c
from lmp_tui.domain import money
from lmp_tui.commands.admin import AdminAction
from lmp_tui.domain.model import (
    TRANSITIONS, Action, Line, Role, Status, chargeable_for, check_transition,
)
from lmp_tui.errors import InvalidTransition, NotAllowed
from lmp_tui.domain.policy import POLICY, authorise, offered


@pytest.mark.parametrize(
    "amount, currency, expected",
    [
        ("0.005", "USD", "0.01"), ("0.004", "USD", "0.00"), ("2.675", "EUR", "2.68"), ("-0.005", "AUD", "-0.01"),
        ("0.5", "JPY", "1"), ("1.5", "JPY", "2"), ("2.5", "JPY", "3"), ("2.4999", "JPY", "2"),
        ("141.525", "USD", "141.53"),
    ],
)
def test_round_half_up_to_minor_unit(amount, currency, expected):
    assert str(money.round_money(D(amount), currency)) == expected


def test_jpy_has_zero_decimals_and_usd_two():
    assert money.quantum("JPY") == D("1") and money.quantum("USD") == D("0.01")
    assert money.format_money(D("98000"), "JPY") == "98,000 JPY"
    assert money.format_money(D("1234.5"), "USD") == "1,234.50 USD"


def test_subtotal_formula():
    # Unit Price × Chargeable × (1 − Channel Margin / 100)
    assert money.subtotal(D("3.33"), 50, D("15.00"), "USD") == D("141.53")
    assert money.subtotal(D("1500"), 7, D("12.50"), "JPY") == D("9188")  # 9187.5 → 9188
    assert money.subtotal(D("0"), 10, D("0"), "EUR") == D("0.00")


def test_total_is_sum_of_rounded_subtotals_not_rounded_sum():
    # three lines of 0.005 each: rounded separately → 0.03; rounding the sum would give 0.02 (0.015→0.02)
    lines = [Line(i, 1, "x", "u", 1, 1, 1, None, D("0.01"), D("50"), D("0.01"), D("50")) for i in (1, 2, 3)]
    from lmp_tui.domain.model import Report, CodeKind, EditableField
    from datetime import date

    r = Report(1, 1, 1, "P", "g", 1, "NA", "NA", "USD", CodeKind.BID_DESK, EditableField.UNIT_PRICE, "2026-10",
               date(2026, 10, 1), date(2026, 10, 31), Status.UNDER_REVIEW, None, False, None, None, None, lines)
    assert [ln.subtotal("USD") for ln in lines] == [D("0.01")] * 3
    assert r.total == D("0.03")


@given(
    price=st.decimals(min_value=0, max_value=10_000, places=2),
    qty=st.integers(min_value=0, max_value=100_000),
    margin=st.decimals(min_value=0, max_value=D("99.99"), places=2),
    currency=st.sampled_from(["USD", "EUR", "AUD", "JPY"]),
)
def test_subtotal_is_exact_and_within_half_a_minor_unit(price, qty, margin, currency):
    exact = price * qty * (1 - margin / 100)
    got = money.subtotal(price, qty, margin, currency)
    assert isinstance(got, D)
    assert abs(got - exact) <= money.quantum(currency) / 2
    assert got.as_tuple().exponent == -money.minor_digits(currency)


@pytest.mark.parametrize(
    "prov, used, pct, discrepancy",
    [(100, 80, "20.00", True), (100, 100, "0.00", False), (100, 120, "0.00", False), (3, 2, "33.33", True),
     (3, 1, "66.67", True), (100, None, None, False), (5, 0, "100.00", True)],
)
def test_over_provisioned_percentage_and_discrepancy(prov, used, pct, discrepancy):
    ln = Line(1, 1, "x", "u", prov, used, chargeable_for(prov, used, prov), None, D(1), D(0), D(1), D(0))
    assert ln.over_provisioned_pct == (None if pct is None else D(pct))
    assert ln.discrepancy is discrepancy


def test_chargeable_equals_provisioned_when_used_is_empty():
    assert chargeable_for(40, None, 10) == 40
    assert chargeable_for(40, 30, 30) == 30


def test_chargeable_differing_from_provisioned_is_a_discrepancy_even_without_over_provisioning():
    ln = Line(1, 1, "x", "u", 10, 12, 9, "lowered", D(1), D(0), D(1), D(0))
    assert not ln.over_provisioned and ln.discrepancy


def test_penalised_only_without_comment():
    over = Line(1, 1, "x", "u", 10, 6, 6, None, D(1), D(0), D(1), D(0))
    commented = Line(2, 1, "x", "u", 10, 6, 6, "pilot ended", D(1), D(0), D(1), D(0))
    assert over.penalised and not commented.penalised


ALLOWED = {
    (a, s) for a, t in TRANSITIONS.items() for s in t.sources
}


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("status", list(Status))
def test_transition_table_is_the_only_way(action, status):
    if (action, status) in ALLOWED:
        assert check_transition(action, status) is TRANSITIONS[action]
    else:
        with pytest.raises(InvalidTransition) as err:
            check_transition(action, status)
        assert status.label in str(err.value)


def test_the_documented_transitions():
    t = TRANSITIONS
    assert t[Action.SUBMIT].sources == {Status.UNDER_REVIEW} and t[Action.SUBMIT].target is Status.SUBMITTED
    assert t[Action.REJECT].target is Status.REJECTED
    assert t[Action.PARTNER_SUBMIT].sources == {Status.MSP_PREPARING, Status.REJECTED}
    assert t[Action.AUTO_SUBMIT].sources == {Status.MSP_PREPARING}
    assert t[Action.VENDOR_COMPLETE].sources == {Status.SUBMITTED}
    assert t[Action.VENDOR_RETURN].target is Status.UNDER_REVIEW
    assert not any(Status.COMPLETED in tr.sources for tr in t.values())  # a Completed report never changes


@pytest.mark.parametrize("status", list(Status))
def test_every_status_has_every_name(status):
    assert all((status.label, status.brief, status.short, status.abbrev))
    assert status.brief == status.label.split(" (")[0]  # the label without its explanation


def test_roles_are_the_policys_not_the_status_machines():
    assert set(TRANSITIONS) == set(Action)  # every move of a report has a status rule
    assert set(POLICY) == set(Action) | set(AdminAction)  # and every change a policy
    with pytest.raises(NotAllowed, match="viewer"):
        authorise(Action.SUBMIT, Role.VIEWER, "submit it")
    authorise(Action.SUBMIT, Role.BILLING, "submit it")
    with pytest.raises(NotAllowed, match="admin"):
        authorise(Action.VENDOR_COMPLETE, Role.BILLING, "record it")
    assert offered(Action.SUBMIT, Role.BILLING, Status.UNDER_REVIEW)
    assert not offered(Action.SUBMIT, Role.BILLING, Status.SUBMITTED)
    assert not offered(Action.SUBMIT, Role.VIEWER, Status.UNDER_REVIEW)


#: a command of each kind that needs no code on a line (the pricing edits: the service tests)
EXAMPLES = {
    Action.SET_PO: c.SetPO(po_number="PO-1"), Action.RESET_PRICING: c.ResetPricing(), Action.SAVE_DRAFT: c.SaveDraft(),
    Action.SUBMIT: c.Submit(), Action.REJECT: c.Reject(reason="x"), Action.PARTNER_SUBMIT: c.PartnerSubmit(),
    Action.AUTO_SUBMIT: c.AutoSubmit(), Action.VENDOR_COMPLETE: c.VendorComplete(),
    Action.VENDOR_RETURN: c.VendorReturn(reason="x"),
}


@pytest.mark.parametrize("action", list(EXAMPLES))
def test_the_status_machine_decides_the_new_status(action):
    """commands.apply moves the report to TRANSITIONS' target (or leaves it), whichever rule ran."""
    assert {a for a, t in TRANSITIONS.items() if t.target is not None} <= set(EXAMPLES)
    cmd = EXAMPLES[action]
    t = TRANSITIONS[action]
    for status in t.sources:
        report = _report(status)
        c.apply(report, cmd, c.Context(user="u"))
        assert report.status is (t.target or status)


def _report(status: Status):
    from datetime import date

    from lmp_tui.domain.model import CodeKind, EditableField, Report

    line = Line(1, 1, "x", "u", 10, 8, 8, None, D(1), D(0), D(1), D(0))
    return Report(1, 1, 1, "P", "c", 1, "NA", "North America", "USD", CodeKind.BID_DESK, EditableField.UNIT_PRICE,
                  "2026-10", date(2026, 10, 1), date(2026, 10, 31), status, None, False, "PO-1", None, None, [line])
