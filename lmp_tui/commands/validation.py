"""Every input from a person, a script or a file is validated here, at the edge, with
pydantic; a refusal becomes :class:`InvalidInput` with a sentence a clerk understands."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, TypeAdapter, ValidationError

from lmp_tui.domain.model import Status
from lmp_tui.domain.money import MAX_UNIT_PRICE, decimals
from lmp_tui.domain.sorting import DEFAULT_SORT, SORT_KEYS
from lmp_tui.errors import InvalidInput
from lmp_tui.safetext import find_unsafe

MAX_TEXT = 2000
PO_MAX = 35
#: the largest report number: what the id column holds on both databases (INTEGER is 32
#: bits on PostgreSQL)
MAX_ID = 2**31 - 1
# ASCII digits only: Python's \d and int() also take Arabic-Indic or full-width digits
_DECIMAL_RE = re.compile(r"^[+-]?([0-9]{1,12})(\.([0-9]*))?$")
_WHOLE_RE = re.compile(r"^[0-9]{1,30}$")
_CYCLE_RE = re.compile(r"^([0-9]{4})-([0-9]{2})$")
_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9\-_/.]{0,39}$")


def _printable(text: str, what: str, *, multiline: bool) -> str:
    bad = find_unsafe(text, multiline=multiline)
    if bad is not None:
        raise ValueError(
            f"{what} contains a control character (U+{ord(bad):04X}) that cannot be shown; remove it and try again."
        )
    return text


def parse_whole(value: Any, what: str, *, low: int = 1, high: int = 2**63 - 1) -> int:
    """A whole number written with ASCII digits (or an int), from ``low`` to ``high``."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"{what} must be a whole number.")
    if isinstance(value, str):
        text = value.strip()
        if not _WHOLE_RE.match(text):
            raise ValueError(f"{what} '{text[:40]}' is not a whole number; type digits 0-9 only, e.g. 12.")
        value = int(text)
    if not low <= value <= high:
        raise ValueError(f"{what} must be from {low:,} to {high:,}; {value:,} is not.")
    return value


def _po(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("The PO number must be text.")
    value = value.strip()
    if not value:
        raise ValueError("The PO number is empty; type the partner's purchase order number (1–35 characters).")
    if len(value) > PO_MAX:
        raise ValueError(f"The PO number is {len(value)} characters long; it may have at most {PO_MAX}.")
    return _printable(value, "The PO number", multiline=False)


def _code(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("The code must be text.")
    value = value.strip().upper()
    if not value:
        raise ValueError("The code is empty; type the Bid Desk Number or Promote Code.")
    _printable(value, "The code", multiline=False)
    if not _CODE_RE.match(value):
        raise ValueError("A code has 1–40 letters, digits, '-', '_', '/' or '.', and no spaces; check what you typed.")
    return value


def parse_decimal(value: Any, what: str) -> Decimal:
    """Plain decimal text (or an int or Decimal) → Decimal. Never a float, never an
    exponent, NaN or Infinity."""
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError(f"{what} must be given as exact decimal text, e.g. 12.50, not as a float.")
    if isinstance(value, int):
        value = str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{what} must be a number, not {value}.")
        value = format(value, "f")
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a number.")
    text = value.strip()
    m = _DECIMAL_RE.match(text)
    if not m:
        raise ValueError(
            f"{what} '{text[:40]}' is not a plain number; type digits with a point for decimals, e.g. 1234.50."
        )
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regex admits only valid text
        raise ValueError(f"{what} '{text[:40]}' is not a number.") from None
    return number.copy_abs() if number.is_zero() else number  # -0 is 0


def _unit_price(value: Any) -> Decimal:
    d = parse_decimal(value, "The unit price")
    if d < 0:
        raise ValueError(f"The unit price cannot be negative ({d}); type 0 or more.")
    if decimals(d) > 2:
        raise ValueError(f"The unit price {d} has more than 2 decimals.")
    if d > MAX_UNIT_PRICE:
        raise ValueError(f"The unit price may be at most {MAX_UNIT_PRICE:,}; {d:,} is more.")
    return d


def _margin(value: Any) -> Decimal:
    d = parse_decimal(value, "The channel margin")
    if d < 0:
        raise ValueError(f"The channel margin cannot be negative ({d}%); type 0 to 99.99.")
    if d >= 100:
        raise ValueError(f"The channel margin must be below 100% ({d}% given); type 0 to 99.99.")
    if decimals(d) > 2:
        raise ValueError(f"The channel margin {d}% has more than 2 decimals.")
    return d


def text_check(
    what: str,
    max_len: int,
    *,
    required: bool,
    multiline: bool = False,
    empty_hint: str = "fill it in",
    pattern: re.Pattern[str] | None = None,
    pattern_hint: str = "",
    upper: bool = False,
    lower: bool = False,
):
    """A validator for free text: trimmed, empty allowed or not, bounded, no control
    characters, and optionally of a pattern; ``upper``/``lower``: in that case, its one
    spelling (what is compared regardless of case)."""

    def check(value: Any) -> str | None:
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise ValueError(f"{what} must be text.")
        value = value.strip()
        if upper:
            value = value.upper()
        elif lower:
            value = value.lower()
        if not value:
            if required:
                raise ValueError(f"{what} cannot be empty; {empty_hint}.")
            return None
        if len(value) > max_len:
            raise ValueError(f"{what} is {len(value)} characters long; it may have at most {max_len}.")
        _printable(value, what, multiline=multiline)
        if pattern is not None and not pattern.match(value):
            raise ValueError(f"{what} '{value}' is not valid: {pattern_hint}.")
        return value

    return check


def _text(what: str, *, required: bool):
    return text_check(what, MAX_TEXT, required=required, multiline=True, empty_hint="say what the partner must fix")


def _cycle(value: Any) -> str:
    if not isinstance(value, str) or not _CYCLE_RE.match(value.strip()):
        raise ValueError(f"The report cycle '{value}' is not in the form YYYY-MM, e.g. 2026-10.")
    value = value.strip()
    year, month = int(value[:4]), int(value[5:])
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise ValueError(f"The report cycle '{value}' is not a real month; use YYYY-MM, e.g. 2026-10.")
    return value


PONumber = Annotated[str, BeforeValidator(_po)]
CodeText = Annotated[str, BeforeValidator(_code)]
UnitPrice = Annotated[Decimal, BeforeValidator(_unit_price)]
ChannelMargin = Annotated[Decimal, BeforeValidator(_margin)]
Comment = Annotated[str | None, BeforeValidator(_text("The comment", required=False))]
Reason = Annotated[str, BeforeValidator(_text("The reason", required=True))]
Cycle = Annotated[str, BeforeValidator(_cycle)]
LineNo = Annotated[int, BeforeValidator(lambda v: parse_whole(v, "The line number", high=1_000_000))]


class InputModel(BaseModel):
    """Every input model: frozen, and a field it does not know is refused."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


#: the keys :data:`lmp_tui.domain.sorting.SORT_ORDERS` names, as the type of ``ReportQuery.sort``
SortKey = Literal[SORT_KEYS]  # type: ignore[valid-type]  # built at run time from the one table of sort orders: pydantic checks it


class ReportQuery(InputModel):
    cycle: Cycle | None = None
    status: Status | None = None
    partner_text: Annotated[str | None, AfterValidator(lambda v: _search_text(v))] = None
    sort: SortKey = DEFAULT_SORT
    descending: bool = False
    offset: Annotated[int, Field(ge=0)] = 0
    limit: Annotated[int, Field(ge=1, le=100_000)] = 100


M = TypeVar("M", bound=BaseModel)


def _search_text(value: str | None) -> str | None:
    text = (value or "").strip()[:100]
    return _printable(text, "The partner text", multiline=False) or None


def clerk_message(err: ValidationError) -> str:
    """The first problem of a pydantic error, as a sentence."""
    first = err.errors()[0]
    msg = str(first.get("msg", "invalid input"))
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix) :]
    loc = ".".join(str(p) for p in first.get("loc", ()) if not isinstance(p, int))
    if first.get("type") in {"enum", "literal_error"} and loc:
        return f"{loc.replace('_', ' ')}: {msg}"
    if first.get("type", "").startswith(("int_", "greater_than", "less_than")) and loc:
        return f"{loc.replace('_', ' ')}: {msg}"
    return msg


def parse(model: type[M], **data: Any) -> M:
    """Validate ``data`` as ``model``; raise InvalidInput (a clerk's sentence) if refused."""
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise InvalidInput(clerk_message(err)) from None


def one_of(union: TypeAdapter[Any], data: Any, base: type[BaseModel]) -> Any:
    """A member of a pydantic union: a model as it is, or a dict (a script's JSON) validated;
    refused with a sentence."""
    if isinstance(data, base):
        return data
    try:
        return union.validate_python(data)
    except ValidationError as err:
        raise InvalidInput(clerk_message(err)) from None


def parse_cycle(value: str) -> str:
    try:
        return _cycle(value)
    except ValueError as err:
        raise InvalidInput(str(err)) from None


def parse_status(value: str) -> Status:
    try:
        return Status(value)
    except ValueError:
        raise InvalidInput(f"Unknown status '{value}'; use one of: {', '.join(s.value for s in Status)}.") from None
