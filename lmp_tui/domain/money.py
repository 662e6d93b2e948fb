"""Money: exact decimals, rounded in exactly one place.

Rule (docs/guide.md): each region has a currency; a line's subtotal is rounded **half-up**
(``ROUND_HALF_UP``) to the currency's minor unit, and a report's total is the sum of the
rounded subtotals. Nothing here ever touches a binary float.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

#: Digits after the decimal point of each supported currency's minor unit.
CURRENCY_DECIMALS: dict[str, int] = {
    "USD": 2,
    "EUR": 2,
    "AUD": 2,
    "GBP": 2,
    "CAD": 2,
    "NZD": 2,
    "JPY": 0,
    "KRW": 0,
}

ROUNDING = ROUND_HALF_UP
HUNDRED = Decimal(100)
#: the largest amounts stored exactly on both databases (PostgreSQL NUMERIC(18,4) holds
#: less than 10^14; SQLite, 1/10,000ths in a 64-bit integer, more): a unit price, and any
#: subtotal or total
MAX_UNIT_PRICE = Decimal("999999999.99")
MAX_AMOUNT = Decimal("99999999999999.99")


def decimals(value: Decimal) -> int:
    """How many digits a number has after the point, as written: 12.50 has 2, 7 has 0."""
    exp = value.as_tuple().exponent
    return -exp if isinstance(exp, int) and exp < 0 else 0


def minor_digits(currency: str) -> int:
    try:
        return CURRENCY_DECIMALS[currency]
    except KeyError:
        raise ValueError(f"unknown currency {currency!r}") from None


def quantum(currency: str) -> Decimal:
    """The smallest amount of ``currency``: Decimal('0.01') for USD, Decimal('1') for JPY."""
    q = _QUANTA.get(currency)
    if q is None:
        q = _QUANTA[currency] = Decimal(1).scaleb(-minor_digits(currency))
    return q


_QUANTA: dict[str, Decimal] = {}  # a report's total rounds each of its lines: looked up once per currency


def to_places(value: Decimal, places: Decimal) -> Decimal:
    """``value`` written with the digits of ``places`` (``Decimal('0.01')``, ``Decimal('1')``…),
    rounded half-up where it has more: every rounding of the product is this one."""
    return value.quantize(places, rounding=ROUNDING)


def round_money(amount: Decimal, currency: str) -> Decimal:
    """An amount half-up to the currency's minor unit."""
    return to_places(amount, quantum(currency))


def fits_currency(value: Decimal | None, currency: str) -> bool:
    """Whether an amount is a whole number of the currency's minor unit (1500 or 1500.00 JPY,
    not 1500.5): the one check of a price's decimals, for imports and edits alike."""
    return value is None or value == to_places(value, quantum(currency))


def subtotal(unit_price: Decimal, chargeable: int, channel_margin: Decimal, currency: str) -> Decimal:
    """Amount owed to the vendor for a line (rule):
    Unit Price × Chargeable × (1 − Channel Margin / 100), rounded half-up."""
    return round_money(unit_price * chargeable * (1 - channel_margin / HUNDRED), currency)


def grouped(amount: Decimal) -> str:
    """An amount with thousands separators and every digit it has: '4,783.94', '12.5000'."""
    return f"{amount:,}"


def format_money(amount: Decimal, currency: str) -> str:
    """'1,234.50 USD', '98,000 JPY' — grouping for people, exact digits."""
    digits = minor_digits(currency)
    return f"{amount:,.{digits}f} {currency}"
