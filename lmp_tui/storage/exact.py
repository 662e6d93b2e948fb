"""How an exact decimal column is stored, without SQLAlchemy (the column types of
:mod:`lmp_tui.storage.types` use it, and so does :mod:`lmp_tui.startup.quickread`, which reads the
first page before SQLAlchemy is loaded).

PostgreSQL has an exact NUMERIC. SQLite has none, so there a decimal is stored as an
integer count of 1/10,000ths: exact, sortable and indexable."""

from __future__ import annotations

from decimal import Decimal

from lmp_tui.domain.money import to_places

SCALE = 4
PRECISION = 18
_FACTOR = Decimal(10) ** SCALE


def exact_from_db(value: object, dialect_name: str) -> Decimal | None:
    """What an exact decimal column reads as, from the driver's value."""
    return None if value is None else exact_value(value, dialect_name)


def exact_value(value: object, dialect_name: str) -> Decimal:
    """What a value (not NULL) of an exact decimal column reads as, from the driver's value."""
    if dialect_name == "sqlite":
        assert isinstance(value, int)  # the column's INTEGER affinity: the count of 1/10,000ths
        return _trim(Decimal(value) / _FACTOR)
    assert isinstance(value, Decimal)
    return _trim(value)


def _trim(value: Decimal) -> Decimal:
    """Drop trailing zeros beyond two decimals: 12.5000 → 12.50, 3.1250 → 3.125, 7 → 7.00."""
    q = to_places(value, Decimal("0.0001"))
    for places in (Decimal("0.01"), Decimal("0.001")):
        if q == to_places(q, places):
            return to_places(q, places)
    return q
