"""Column types that keep money exact on every database.

PostgreSQL has an exact NUMERIC. SQLite has none (SQLAlchemy's Numeric goes through a
float there), so on SQLite a decimal is stored as an integer count of 1/10,000ths: exact,
sortable and indexable. The conversion lives in this one class.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Numeric
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from lmp_tui.storage.exact import _FACTOR, PRECISION, SCALE, exact_from_db

__all__ = ["ExactDecimal", "RawExactDecimal", "UTCDateTime", "exact_from_db", "PRECISION", "SCALE"]
#: NUMERIC(18,4) holds less than 10^14; SQLite, as 1/10,000ths in 64 bits, would hold more:
#: both refuse from here, so that a value either database takes, the other takes too
_LIMIT = Decimal(10) ** (PRECISION - SCALE)


class ExactDecimal(TypeDecorator[Decimal]):
    impl = Numeric(PRECISION, SCALE)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(PRECISION, SCALE, asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> object:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError(f"ExactDecimal takes Decimal, not {type(value).__name__}")
        scaled = value * _FACTOR
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than {SCALE} decimals")
        if abs(value) >= _LIMIT:
            raise ValueError(f"{value} is more than the {PRECISION - SCALE} digits before the point a column holds")
        if dialect.name == "sqlite":
            return int(scaled)
        return value

    def process_result_value(self, value: object, dialect: Dialect) -> Decimal | None:
        return exact_from_db(value, dialect.name)

    def compare_against_backend(self, dialect: Dialect, conn_type: object) -> bool | None:  # pragma: no cover
        return None


class RawExactDecimal(TypeDecorator[object]):
    """An :class:`ExactDecimal` column's value as the driver gives it (SQLite: the integer
    count of 1/10,000ths; PostgreSQL: the NUMERIC), for readers of many rows that convert
    each distinct value once (:func:`exact_from_db`) instead of once per row."""

    impl = Numeric(PRECISION, SCALE)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        return ExactDecimal().load_dialect_impl(dialect)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on every database."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
