"""The draft copies only what an edit changes: the saved report is never touched, a line
no edit changed is the very same object (the grid repaints only the others), and a refused
edit leaves nothing behind."""

from __future__ import annotations

import copy
from decimal import Decimal as D

import pytest

from lmp_tui.commands import edits as c
from lmp_tui.errors import LmpError

from .test_merge import draft, grant, report, with_code


def test_an_edit_copies_only_its_line_and_never_touches_the_saved_report():
    base = report()
    before = copy.deepcopy(base)
    d = draft(base, (c.ApplyCode(line_no=1, code="BD-A"), grant(1, "BD-A")),
              c.SetUnitPrice(line_no=1, value=D("7.25")), c.SetPO(po_number="PO-1"))
    assert d.saved is base and base == before  # nothing of the saved report changed
    assert d.working.lines[1] is base.lines[1]  # line 2: untouched, shared
    assert d.working.lines[0] is not base.lines[0] and d.working.line(1).unit_price == D("7.25")
    assert d.working.po_number == "PO-1" and base.po_number is None


def test_reset_copies_only_the_lines_it_changes():
    base = with_code(report())
    d = draft(base, c.ResetPricing())
    assert d.working.lines[0] is not base.lines[0] and d.working.line(1).promo_code is None
    assert d.working.lines[1] is base.lines[1]
    assert base.line(1).promo_code == "BD-B"


def test_a_refused_edit_changes_nothing():
    base = report()
    d = draft(base)
    with pytest.raises(LmpError):
        d.apply(c.SetUnitPrice(line_no=1, value=D("1.00")))  # no code opened the price
    assert d.unsaved == 0 and d.working is base and base == report()
    assert d.check(c.RemoveCode(line_no=2)) is not None and base == report()
