"""Bad input at the edge: each refused with a sentence a clerk understands."""

from __future__ import annotations

from decimal import Decimal as D
from typing import get_args

import pytest

from lmp_tui.errors import InvalidInput
from lmp_tui.commands.edits import ApplyCode, Reject, SetChannelMargin, SetPO, SetUnitPrice, Submit
from lmp_tui.domain.sorting import DEFAULT_SORT, SORT_KEYS, SORT_ORDERS
from lmp_tui.commands.validation import ReportQuery, parse, parse_cycle


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
        parse(Reject, reason="")
    with pytest.raises(InvalidInput, match="at most 2000"):
        parse(Reject, reason="x" * 2001)
    with pytest.raises(InvalidInput, match="control character"):
        parse(Reject, reason="bad\x1b[31m")
    assert parse(Reject, reason="Line 2:\n\tfix the count").reason == "Line 2:\n\tfix the count"


def test_submit_comment_optional():
    assert parse(Submit, comment="  ").comment is None
    assert parse(Submit).comment is None
    with pytest.raises(InvalidInput, match="at most 2000"):
        parse(Submit, comment="y" * 2001)


@pytest.mark.parametrize("value", ["2026-13", "2026-1", "26-10", "2026/10", "", "1999-12"])
def test_cycle_refused(value):
    with pytest.raises(InvalidInput, match="YYYY-MM"):
        parse_cycle(value)


def test_query_refuses_unknown_sort_and_status():
    with pytest.raises(InvalidInput):
        parse(ReportQuery, sort="nonsense")
    with pytest.raises(InvalidInput):
        parse(ReportQuery, status="lost")


def test_one_table_of_sort_orders():
    """The query accepts exactly the keys of lmp_tui.domain.sorting, and the services know the
    columns of each one, in the same order."""
    from lmp_tui.services.queries import _SORT

    assert SORT_KEYS == tuple(s.key for s in SORT_ORDERS)
    assert len(set(SORT_KEYS)) == len(SORT_KEYS)
    assert tuple(_SORT) == SORT_KEYS
    assert get_args(ReportQuery.model_fields["sort"].annotation) == SORT_KEYS
    assert ReportQuery().sort == DEFAULT_SORT in SORT_KEYS
    for key in SORT_KEYS:
        assert parse(ReportQuery, sort=key).sort == key


@pytest.mark.parametrize("value", ["١٢.٥٠", "１２", "٣", "1٢", "12.５"])
def test_only_ascii_digits_make_numbers(value):
    for model, field in ((SetUnitPrice, "value"), (SetChannelMargin, "value")):
        with pytest.raises(InvalidInput, match="not a plain number"):
            parse(model, line_no=1, **{field: value})
    with pytest.raises(InvalidInput, match="digits 0-9 only"):
        parse(ApplyCode, line_no=value, code="BD-1")


@pytest.mark.parametrize("value", ["٢٠٢٦-١٠", "２０２６-１０", "2026-1０"])
def test_cycles_take_ascii_digits_only(value):
    with pytest.raises(InvalidInput, match="YYYY-MM"):
        parse_cycle(value)


@pytest.mark.parametrize("value", ["-0", "-0.00", "+0", "0.0"])
def test_negative_zero_is_zero(value):
    for model in (SetUnitPrice, SetChannelMargin):
        number = parse(model, line_no=1, value=value).value
        assert number == 0 and not number.is_signed() and not str(number).startswith("-")


@pytest.mark.parametrize("value", [D("1E+2"), D("1.0E+1"), D("12.5E-1")])
def test_an_exponent_never_reaches_the_services(value):
    number = parse(SetUnitPrice, line_no=1, value=value).value
    assert number == value and "E" not in str(number) and number.as_tuple().exponent <= 0


def test_unit_prices_have_an_upper_bound_both_databases_store():
    assert parse(SetUnitPrice, line_no=1, value="999999999.99").value == D("999999999.99")
    with pytest.raises(InvalidInput, match="at most 999,999,999.99"):
        parse(SetUnitPrice, line_no=1, value="1000000000.00")


@pytest.mark.parametrize("text", ["bad\x1b]52;c;SGk=\x07", "rtl\u202eexe.txt", "c1\x9b2J", "del\x7f", "bi\u2066di",
                                  "bytes\udcff", "line\u2028sep"])
def test_free_text_refuses_control_and_invisible_characters(text):
    with pytest.raises(InvalidInput, match="control character"):
        parse(Submit, comment=text)
    with pytest.raises(InvalidInput, match="control character"):
        parse(Reject, reason=text)
    with pytest.raises(InvalidInput, match="control character"):
        parse(SetPO, po_number=text)
    with pytest.raises(InvalidInput, match="control character"):
        parse(ReportQuery, partner_text=text)
