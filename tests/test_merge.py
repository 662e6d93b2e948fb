"""Reload after a conflict: the three-way merge, field by field (PO number; per line code,
unit price, channel margin), and the code's hold on its line's price and margin."""

from __future__ import annotations

import copy
from datetime import date, datetime, timezone
from decimal import Decimal as D

import pytest

from lmp_tui.commands import edits as c
from lmp_tui.domain.model import Action, CodeKind, EditableField, HistoryEntry, Line, Report, Status
from lmp_tui.editing.draft import Draft
from lmp_tui.editing.merge import FieldKey
from lmp_tui.domain.pricing import CodeGrant

AT = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)


def report(opens: EditableField = EditableField.UNIT_PRICE) -> Report:
    lines = [Line(1, 1, "Endpoint Security", "seats", 100, 80, 80, None, D("10.00"), D("20.00"), D("10.00"),
                  D("20.00")),
             Line(2, 2, "Email Security", "mailboxes", 50, 50, 50, None, D("3.33"), D("15.00"), D("3.33"),
                  D("15.00"))]
    return Report(7, 1, 1, "Acme", "c", 1, "NA", "North America", "USD", CodeKind.BID_DESK, opens, "2026-10",
                  date(2026, 10, 1), date(2026, 10, 31), Status.UNDER_REVIEW, None, False, None, None, None, lines)


def grant(line_no: int, code: str, opens: EditableField = EditableField.UNIT_PRICE,
          bound: D | None = None) -> CodeGrant:
    return CodeGrant(line_no, code, opens, bound)


def saved(base: Report, *edits: tuple, actor: str = "ana") -> Report:
    """``base`` as someone else saved it: their commands applied, their history written, a new version."""
    out = copy.deepcopy(base)
    for edit in edits:
        cmd, g = edit if isinstance(edit, tuple) else (edit, None)
        entry = c.apply(out, cmd, c.Context(user=actor, grant=g))
        out.history.append(HistoryEntry(AT, actor, cmd.ACTION, entry.detail))
    out.history.append(HistoryEntry(AT, actor, Action.SAVE_DRAFT, "draft saved"))
    out.version = base.version + 1
    return out


def draft(base: Report, *edits) -> Draft:
    d = Draft(base)
    for edit in edits:
        cmd, g = edit if isinstance(edit, tuple) else (edit, None)
        d.apply(cmd, g)
    return d


def with_code(base: Report, code: str = "BD-B", line_no: int = 1, opens=EditableField.UNIT_PRICE) -> Report:
    """A base whose line already carries a code (saved earlier)."""
    out = copy.deepcopy(base)
    c.apply(out, c.ApplyCode(line_no=line_no, code=code), c.Context(grant=grant(line_no, code, opens)))
    return out


def kinds(d: Draft) -> list[str]:
    return [e.kind for e in d.edits]


# --------------------------------------------------------------------------- PO number


def test_po_mine_only_is_applied_again():
    base = report()
    d = draft(base, c.SetPO(po_number="PO-MINE"))
    theirs = saved(base, (c.ApplyCode(line_no=2, code="BD-X"), grant(2, "BD-X")))
    m = d.merge(theirs)
    assert m.clashes == [] and m.decided[FieldKey("po")] == "mine"
    assert d.rebase(m) == []
    assert d.working.po_number == "PO-MINE" and kinds(d) == ["set_po"]
    assert d.saved is theirs and d.working.line(2).promo_code == "BD-X"  # theirs is kept


def test_po_theirs_only_stays():
    base = report()
    d = draft(base, (c.ApplyCode(line_no=1, code="BD-1"), grant(1, "BD-1")))
    theirs = saved(base, c.SetPO(po_number="PO-THEIRS"))
    m = d.merge(theirs)
    assert m.clashes == [] and m.decided[FieldKey("po")] == "theirs"
    d.rebase(m)
    assert d.working.po_number == "PO-THEIRS" and kinds(d) == ["apply_code"]


def test_po_both_the_same_is_no_clash_and_no_edit():
    base = report()
    d = draft(base, c.SetPO(po_number="PO-SAME"))
    m = d.merge(saved(base, c.SetPO(po_number="PO-SAME")))
    assert m.clashes == [] and FieldKey("po") not in m.decided
    d.rebase(m)
    assert d.working.po_number == "PO-SAME" and d.unsaved == 0


@pytest.mark.parametrize("choice, expected, edits", [("mine", "PO-MINE", ["set_po"]), ("theirs", "PO-THEIRS", [])])
def test_po_both_differently_is_a_clash_decided_by_the_user(choice, expected, edits):
    base = report()
    d = draft(base, c.SetPO(po_number="PO-MINE"))
    m = d.merge(saved(base, c.SetPO(po_number="PO-THEIRS"), actor="ana"))
    [clash] = m.clashes
    assert (clash.key, clash.base, clash.theirs, clash.mine, clash.theirs_by) == (
        FieldKey("po"), "(none)", "PO-THEIRS", "PO-MINE", "ana")
    d.rebase(m, {clash.key: choice})
    assert d.working.po_number == expected and kinds(d) == edits


# --------------------------------------------------------------------------- codes


def test_code_mine_only_is_applied_again_with_its_grant():
    base = report()
    d = draft(base, (c.ApplyCode(line_no=1, code="BD-1"), grant(1, "BD-1", bound=D("5.00"))))
    m = d.merge(saved(base, c.SetPO(po_number="PO-T")))
    assert m.clashes == [] and m.decided[FieldKey("code", 1)] == "mine"
    d.rebase(m)
    line = d.working.line(1)
    assert (line.promo_code, line.code_bound, d.working.po_number) == ("BD-1", D("5.00"), "PO-T")
    assert d.pending[0][1] == grant(1, "BD-1", bound=D("5.00"))  # the verified grant is kept


def test_code_theirs_only_stays():
    base = report()
    d = draft(base, c.SetPO(po_number="PO-M"))
    m = d.merge(saved(base, (c.ApplyCode(line_no=1, code="BD-T"), grant(1, "BD-T"))))
    assert m.clashes == [] and m.decided[FieldKey("code", 1)] == "theirs"
    d.rebase(m)
    assert d.working.line(1).promo_code == "BD-T" and kinds(d) == ["set_po"]


def test_code_both_the_same_is_no_clash():
    base = report()
    d = draft(base, (c.ApplyCode(line_no=1, code="BD-1"), grant(1, "BD-1")))
    m = d.merge(saved(base, (c.ApplyCode(line_no=1, code="BD-1"), grant(1, "BD-1"))))
    assert m.clashes == [] and m.commands() == []


@pytest.mark.parametrize("choice, code", [("mine", "BD-M"), ("theirs", "BD-T")])
def test_code_both_differently_is_a_clash(choice, code):
    base = report()
    d = draft(base, (c.ApplyCode(line_no=1, code="BD-M"), grant(1, "BD-M")))
    m = d.merge(saved(base, (c.ApplyCode(line_no=1, code="BD-T"), grant(1, "BD-T")), actor="bob"))
    [clash] = m.clashes
    assert clash.key == FieldKey("code", 1) and clash.theirs_by == "bob"
    assert clash.theirs.startswith("BD-T") and clash.mine.startswith("BD-M") and clash.base.startswith("no code")
    d.rebase(m, {clash.key: choice})
    assert d.working.line(1).promo_code == code


# --------------------------------------------------------------------------- unit price


def test_price_mine_only_theirs_only_and_both_the_same():
    base = with_code(report())
    mine_only = draft(base, c.SetUnitPrice(line_no=1, value=D("7.00")))
    m = mine_only.merge(saved(base, c.SetPO(po_number="PO-T")))
    assert m.decided == {FieldKey("unit_price", 1): "mine", FieldKey("po"): "theirs"}
    mine_only.rebase(m)
    assert mine_only.working.line(1).unit_price == D("7.00") and kinds(mine_only) == ["set_unit_price"]

    theirs_only = draft(base, c.SetPO(po_number="PO-M"))
    m = theirs_only.merge(saved(base, c.SetUnitPrice(line_no=1, value=D("8.00"))))
    assert m.clashes == [] and m.decided[FieldKey("unit_price", 1)] == "theirs"
    theirs_only.rebase(m)
    assert theirs_only.working.line(1).unit_price == D("8.00") and kinds(theirs_only) == ["set_po"]

    same = draft(base, c.SetUnitPrice(line_no=1, value=D("7.00")))
    m = same.merge(saved(base, c.SetUnitPrice(line_no=1, value=D("7.00"))))
    assert m.clashes == [] and m.commands() == []


@pytest.mark.parametrize("choice, price", [("mine", D("7.00")), ("theirs", D("8.00"))])
def test_price_both_differently_is_a_clash(choice, price):
    base = with_code(report())
    d = draft(base, c.SetUnitPrice(line_no=1, value=D("7.00")))
    m = d.merge(saved(base, c.SetUnitPrice(line_no=1, value=D("8.00"))))
    [clash] = m.clashes
    assert (clash.key, clash.theirs, clash.mine) == (FieldKey("unit_price", 1), "8.00 USD", "7.00 USD")
    d.rebase(m, {clash.key: choice})
    assert d.working.line(1).unit_price == price and d.working.line(1).promo_code == "BD-B"


# --------------------------------------------------------------------------- channel margin


def test_margin_mine_only_theirs_only_both_same_and_both_differently():
    opens = EditableField.CHANNEL_MARGIN
    base = with_code(report(opens), opens=opens)
    d = draft(base, c.SetChannelMargin(line_no=1, value=D("30.00")))
    m = d.merge(saved(base, c.SetPO(po_number="PO-T")))
    assert m.decided[FieldKey("channel_margin", 1)] == "mine"
    d.rebase(m)
    assert d.working.line(1).channel_margin == D("30.00")

    d = draft(base, c.SetPO(po_number="PO-M"))
    d.rebase(d.merge(saved(base, c.SetChannelMargin(line_no=1, value=D("25.00")))))
    assert d.working.line(1).channel_margin == D("25.00") and kinds(d) == ["set_po"]

    d = draft(base, c.SetChannelMargin(line_no=1, value=D("30.00")))
    assert d.merge(saved(base, c.SetChannelMargin(line_no=1, value=D("30.00")))).clashes == []

    d = draft(base, c.SetChannelMargin(line_no=1, value=D("30.00")))
    m = d.merge(saved(base, c.SetChannelMargin(line_no=1, value=D("25.00"))))
    [clash] = m.clashes
    assert (clash.key, clash.theirs, clash.mine) == (FieldKey("channel_margin", 1), "25.00%", "30.00%")
    d.rebase(m, {clash.key: "mine"})
    assert d.working.line(1).channel_margin == D("30.00")


# --------------------------------------------------------------------------- the code governs the line


def test_theirs_changed_the_code_mine_the_price_is_one_clash_of_the_line():
    base = with_code(report(), "BD-B")
    d = draft(base, c.SetUnitPrice(line_no=1, value=D("6.00")))
    theirs = saved(base, (c.ApplyCode(line_no=1, code="BD-T"), grant(1, "BD-T", bound=D("9.00"))), actor="bob")
    m = d.merge(theirs)
    [clash] = m.clashes
    assert clash.key == FieldKey("code", 1) and clash.theirs_by == "bob"
    assert clash.theirs == "BD-T · 10.00 USD · 20.00%" and clash.mine == "BD-B · 6.00 USD · 20.00%"
    assert FieldKey("unit_price", 1) not in m.decided  # never "my price under their code"

    theirs_side = copy.deepcopy(d)
    theirs_side.rebase(theirs_side.merge(theirs), {clash.key: "theirs"})
    line = theirs_side.working.line(1)
    assert (line.promo_code, line.unit_price, line.code_bound) == ("BD-T", D("10.00"), D("9.00"))
    assert theirs_side.unsaved == 0

    d.rebase(m, {clash.key: "mine"})
    line = d.working.line(1)
    assert (line.promo_code, line.unit_price) == ("BD-B", D("6.00"))
    assert kinds(d) == ["apply_code", "set_unit_price"]  # my code again, then my price, by the rules


def test_mine_changed_the_code_theirs_the_margin_is_a_clash_too():
    opens = EditableField.CHANNEL_MARGIN
    base = with_code(report(opens), "PR-B", opens=opens)
    d = draft(base, (c.ApplyCode(line_no=1, code="PR-M"), grant(1, "PR-M", opens)))
    m = d.merge(saved(base, c.SetChannelMargin(line_no=1, value=D("35.00"))))
    assert [k.key for k in m.clashes] == [FieldKey("code", 1)]


def test_both_applied_the_same_new_code_then_prices_merge_from_the_price_list():
    base = with_code(report(), "BD-B")
    base.line(1).unit_price = D("6.00")
    d = draft(base, (c.ApplyCode(line_no=1, code="BD-N"), grant(1, "BD-N")), c.SetUnitPrice(line_no=1, value=D("7.00")))
    m = d.merge(saved(base, (c.ApplyCode(line_no=1, code="BD-N"), grant(1, "BD-N"))))
    assert m.clashes == [] and m.decided == {FieldKey("unit_price", 1): "mine"}
    d.rebase(m)
    assert d.working.line(1).unit_price == D("7.00") and kinds(d) == ["set_unit_price"]


def test_mine_reset_everything_is_reset_again_and_their_po_stays():
    base = with_code(report(), "BD-B")
    d = draft(base, c.ResetPricing())
    m = d.merge(saved(base, c.SetPO(po_number="PO-T")))
    d.rebase(m)
    assert kinds(d) == ["reset_pricing"] and d.working.line(1).promo_code is None
    assert d.working.po_number == "PO-T"


def test_mine_reset_but_theirs_repriced_a_line_keeps_theirs_there_and_removes_the_other_code():
    base = with_code(with_code(report(), "BD-B"), "BD-C", line_no=2)
    d = draft(base, c.ResetPricing())
    m = d.merge(saved(base, c.SetUnitPrice(line_no=2, value=D("4.00"))))
    [clash] = m.clashes
    assert clash.key == FieldKey("code", 2)
    d.rebase(m, {clash.key: "theirs"})
    assert kinds(d) == ["remove_code"] and d.working.line(1).promo_code is None
    assert (d.working.line(2).promo_code, d.working.line(2).unit_price) == ("BD-C", D("4.00"))


def test_a_change_of_mine_the_rules_now_refuse_is_dropped_with_its_reason():
    base = report()
    d = draft(base, c.SetPO(po_number="PO-MINE"))
    theirs = saved(base, c.SetPO(po_number="PO-T"), c.Submit())
    m = d.merge(theirs)
    dropped = d.rebase(m, {FieldKey("po"): "mine"})
    assert len(dropped) == 1 and "Submitted to Trend Micro" in dropped[0]
    assert d.working.po_number == "PO-T" and d.unsaved == 0
