"""Bad input at the edge: each refused with a sentence a clerk understands."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from lmp_tui.errors import InvalidInput
from lmp_tui.validation import (
    ApplyCode, ReasonInput, ReportQuery, SetChannelMargin, SetPO, SetUnitPrice, SubmitInput, parse, parse_cycle,
)


@pytest.mark.parametrize(
    "value, message",
    [
        ("", "empty"), ("   ", "empty"), ("X" * 36, "at most 35"), ("PO\x07", "control character"),
        ("PO\n1", "control character"), (None, "must be text"), (12, "must be text"),
    ],
)
def test_po_refused(value, message):
    with pytest.raises(InvalidInput, match=message):
        parse(SetPO, po_number=value)


def test_po_accepted_and_trimmed():
    assert parse(SetPO, po_number="  PO-2026/10 #17 ").po_number == "PO-2026/10 #17"
    assert parse(SetPO, po_number="X" * 35).po_number == "X" * 35


@pytest.mark.parametrize(
    "value, message",
    [
        ("", "not a plain number"), ("NaN", "not a plain number"), ("Infinity", "not a plain number"),
        ("-Infinity", "not a plain number"), ("1e5", "not a plain number"), ("1E+999999", "not a plain number"),
        ("-0.01", "negative"), ("1.234", "more than 2 decimals"), (1.5, "not as a float"),
        (D("NaN"), "must be a number"), ("1,50", "not a plain number"), ("9" * 13, "not a plain number"),
        ("12 34", "not a plain number"), ("0x10", "not a plain number"),
    ],
)
def test_unit_price_refused(value, message):
    with pytest.raises(InvalidInput, match=message):
        parse(SetUnitPrice, line_no=1, value=value)


@pytest.mark.parametrize("value, expected", [("12.50", "12.50"), ("0", "0"), (" 7 ", "7"), (D("3.1"), "3.1"), (4, "4")])
def test_unit_price_accepted(value, expected):
    assert str(parse(SetUnitPrice, line_no=1, value=value).value) == expected


@pytest.mark.parametrize(
    "value, message",
    [("100", "below 100"), ("100.00", "below 100"), ("250", "below 100"), ("-1", "negative"),
     ("12.345", "more than 2 decimals"), ("NaN", "not a plain number"), ("inf", "not a plain number")],
)
def test_margin_refused(value, message):
    with pytest.raises(InvalidInput, match=message):
        parse(SetChannelMargin, line_no=1, value=value)


def test_margin_accepted():
    assert parse(SetChannelMargin, line_no=2, value="99.99").value == D("99.99")


@pytest.mark.parametrize("value", ["", "  ", "HAS SPACE", "X" * 41, "BAD\x00", "ÜBER-1"])
def test_code_refused(value):
    with pytest.raises(InvalidInput):
        parse(ApplyCode, line_no=1, code=value)


def test_line_number_must_be_positive():
    with pytest.raises(InvalidInput, match="line number"):
        parse(ApplyCode, line_no=0, code="BD-1")


def test_reasons_required_and_bounded():
    with pytest.raises(InvalidInput, match="cannot be empty"):
        parse(ReasonInput, reason="")
    with pytest.raises(InvalidInput, match="at most 2000"):
        parse(ReasonInput, reason="x" * 2001)
    with pytest.raises(InvalidInput, match="control character"):
        parse(ReasonInput, reason="bad\x1b[31m")
    assert parse(ReasonInput, reason="Line 2:\n\tfix the count").reason == "Line 2:\n\tfix the count"


def test_submit_comment_optional():
    assert parse(SubmitInput, comment="  ").comment is None
    assert parse(SubmitInput).comment is None
    with pytest.raises(InvalidInput, match="at most 2000"):
        parse(SubmitInput, comment="y" * 2001)


@pytest.mark.parametrize("value", ["2026-13", "2026-1", "26-10", "2026/10", "", "1999-12"])
def test_cycle_refused(value):
    with pytest.raises(InvalidInput, match="YYYY-MM"):
        parse_cycle(value)


def test_query_refuses_unknown_sort_and_status():
    with pytest.raises(InvalidInput):
        parse(ReportQuery, sort="nonsense")
    with pytest.raises(InvalidInput):
        parse(ReportQuery, status="lost")
