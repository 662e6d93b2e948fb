"""Administration as commands: staff users, and the imports of reference data and of the
partners' usage. Pure pydantic models, validated at the edge like the report commands of
:mod:`lmp_tui.commands.edits`; the services carry them out in one transaction
(:mod:`lmp_tui.services.admin`), authorised by the same policy table.

Each import file row is one of the ``*Row`` models; :mod:`lmp_tui.commands.import_files` reads a CSV
file into them and names every problem as ``FILE:LINE: column: what is wrong``."""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import Annotated, Any, ClassVar, Literal, TypeVar

from pydantic import BeforeValidator, Field, TypeAdapter, model_validator

from lmp_tui.commands.validation import ChannelMargin, CodeText, InputModel, UnitPrice, one_of, parse_whole, text_check
from lmp_tui.domain.model import AdminAction, CodeKind, EditableField, Role
from lmp_tui.domain.money import CURRENCY_DECIMALS

# --------------------------------------------------------------------------- field types


def _blank_is_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _one_line(
    what: str,
    max_len: int,
    *,
    required: bool = True,
    pattern: re.Pattern[str] | None = None,
    hint: str = "",
    upper: bool = False,
    lower: bool = False,
):
    return text_check(
        what,
        max_len,
        required=required,
        empty_hint=hint or "fill it in",
        pattern=pattern,
        pattern_hint=hint,
        upper=upper,
        lower=lower,
    )


_LOGIN_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
_REGION_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,15}$")
_COMPANY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,35}$")
_DATE_RE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")

Login = Annotated[
    str,
    BeforeValidator(
        _one_line(
            "The login name",
            64,
            pattern=_LOGIN_RE,
            hint="use 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit",
        )
    ),
]
DistributorName = Annotated[
    str, BeforeValidator(_one_line("The distributor's name", 200, hint="type the distributor's name"))
]
RegionCode = Annotated[
    str,
    BeforeValidator(
        _one_line(
            "The region", 16, pattern=_REGION_RE, upper=True, hint="use 1-16 letters, digits, '_' or '-', e.g. NA"
        )
    ),
]
ProductName = Annotated[str, BeforeValidator(_one_line("The product", 200, hint="name the product"))]
Units = Annotated[str, BeforeValidator(_one_line("The units", 50, hint="name the license unit, e.g. seats"))]
#: a company ID is one partner whatever its case (a GUID): kept in lower case (migration 0007)
CompanyId = Annotated[
    str,
    BeforeValidator(
        _one_line("The company ID", 36, pattern=_COMPANY_RE, lower=True, hint="use 1-36 letters, digits, '_' or '-'")
    ),
]
PartnerName = Annotated[str, BeforeValidator(_one_line("The partner's name", 200, hint="name the partner"))]
Place = Annotated[str | None, BeforeValidator(_one_line("The place", 100, required=False))]
OptionalCompanyId = Annotated[
    str | None,
    BeforeValidator(
        _one_line(
            "The partner",
            36,
            required=False,
            pattern=_COMPANY_RE,
            lower=True,
            hint="give the partner's company ID, or leave it empty",
        )
    ),
]
OptionalText = Annotated[str | None, BeforeValidator(_one_line("The text", 2000, required=False))]


def _currency(value: Any) -> str:
    text = (value or "").strip().upper() if isinstance(value, str) else ""
    if text not in CURRENCY_DECIMALS:
        known = ", ".join(sorted(CURRENCY_DECIMALS))
        raise ValueError(f"'{str(value).strip()[:10]}' is not a currency lmp-tui knows; use one of {known}.")
    return text


def _date(value: Any) -> date:
    if isinstance(value, date):
        return value
    text = value.strip() if isinstance(value, str) else ""
    m = _DATE_RE.match(text)
    try:
        if m is None:
            raise ValueError
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise ValueError(f"'{text[:20]}' is not a date; write it as YYYY-MM-DD, e.g. 2026-10-01.") from None


def _count(what: str, *, required: bool):
    def check(value: Any) -> int | None:
        value = _blank_is_none(value)
        if value is None:
            if required:
                raise ValueError(f"{what} is empty; give a whole number, 0 or more.")
            return None
        return parse_whole(value, what, low=0, high=1_000_000_000)

    return check


def _products(value: Any) -> tuple[str, ...]:
    """``;``-separated product names; empty means every product."""
    text = value if isinstance(value, str) else ""
    names = [n.strip() for n in text.split(";")] if text.strip() else []
    if any(not n for n in names):
        raise ValueError("An empty product name sits between two ';'; separate product names with one ';'.")
    check = _one_line("A product name", 200)
    return tuple(check(n) or "" for n in names)


Currency = Annotated[str, BeforeValidator(_currency)]
Day = Annotated[date, BeforeValidator(_date)]
Provisioned = Annotated[int, BeforeValidator(_count("Provisioned", required=True))]
Used = Annotated[int | None, BeforeValidator(_count("Used", required=False))]
Chargeable = Annotated[int | None, BeforeValidator(_count("Chargeable", required=False))]
Products = Annotated[tuple[str, ...], BeforeValidator(_products)]
OptionalUnitPrice = Annotated[UnitPrice | None, BeforeValidator(_blank_is_none)]
OptionalMargin = Annotated[ChannelMargin | None, BeforeValidator(_blank_is_none)]


# --------------------------------------------------------------------------- file rows


class ImportRow(InputModel):
    #: the columns that identify a row (a second row with the same key is refused)
    KEY: ClassVar[tuple[str, ...]]
    #: columns a file may leave out
    OPTIONAL: ClassVar[tuple[str, ...]] = ()

    @property
    def key(self) -> tuple[Any, ...]:
        return tuple(getattr(self, k) for k in self.KEY)


class RegionRow(ImportRow):
    KEY = ("region",)
    OPTIONAL = ("name",)
    region: RegionCode
    currency: Currency
    code_kind: CodeKind
    code_opens: EditableField
    name: Annotated[str | None, BeforeValidator(_one_line("The region's name", 100, required=False))] = None


class ProductRow(ImportRow):
    KEY = ("product",)
    product: ProductName
    units: Units


class PartnerRow(ImportRow):
    KEY = ("company_id",)
    company_id: CompanyId
    name: PartnerName
    city: Place
    state: Place
    region: RegionCode


class PriceRow(ImportRow):
    KEY = ("region", "product")
    region: RegionCode
    product: ProductName
    unit_price: UnitPrice
    channel_margin: ChannelMargin


class CodeRow(ImportRow):
    KEY = ("code",)
    code: CodeText
    kind: CodeKind
    region: RegionCode
    products: Products
    valid_from: Day
    valid_to: Day
    partner: OptionalCompanyId
    min_unit_price: OptionalUnitPrice
    max_channel_margin: OptionalMargin

    @model_validator(mode="after")
    def _period(self) -> CodeRow:
        if self.valid_to < self.valid_from:
            raise ValueError(f"valid_to {self.valid_to} is before valid_from {self.valid_from}.")
        return self


class UsageRow(ImportRow):
    KEY = ("company_id", "product")
    company_id: CompanyId
    product: ProductName
    provisioned: Provisioned
    used: Used
    chargeable: Chargeable
    comment: OptionalText

    @model_validator(mode="after")
    def _chargeable(self) -> UsageRow:
        # Chargeable equals Provisioned when Used is empty; the partner may lower it (doc)
        if self.chargeable is None:
            return self
        if self.used is None and self.chargeable != self.provisioned:
            raise ValueError(
                f"chargeable must equal provisioned ({self.provisioned}) when used is empty; leave chargeable empty."
            )
        if self.chargeable > self.provisioned:
            raise ValueError(
                f"chargeable ({self.chargeable}) may not exceed provisioned ({self.provisioned}); "
                "the partner may only lower it."
            )
        return self


ImportKind = Literal["regions", "products", "partners", "prices", "codes", "usage"]
#: a row of any import file
AnyRow = RegionRow | ProductRow | PartnerRow | PriceRow | CodeRow | UsageRow
ROW_MODELS: dict[str, type[AnyRow]] = {
    "regions": RegionRow,
    "products": ProductRow,
    "partners": PartnerRow,
    "prices": PriceRow,
    "codes": CodeRow,
    "usage": UsageRow,
}
#: the order a first start imports in (each kind names only what the ones before it made)
IMPORT_ORDER: tuple[str, ...] = tuple(ROW_MODELS)


# --------------------------------------------------------------------------- commands


class _AdminCommand(InputModel):
    ACTION: ClassVar[AdminAction]


class AddUser(_AdminCommand):
    ACTION = AdminAction.ADD_USER
    kind: Literal["add_user"] = "add_user"
    name: Login
    role: Role


class SetRole(_AdminCommand):
    ACTION = AdminAction.SET_ROLE
    kind: Literal["set_role"] = "set_role"
    name: Login
    role: Role


class DisableUser(_AdminCommand):
    ACTION = AdminAction.DISABLE_USER
    kind: Literal["disable_user"] = "disable_user"
    name: Login


class EnableUser(_AdminCommand):
    ACTION = AdminAction.ENABLE_USER
    kind: Literal["enable_user"] = "enable_user"
    name: Login


def _public_key(value: Any) -> Any:
    from lmp_tui.commands.ssh_keys import PublicKey, parse_public_key

    return value if isinstance(value, PublicKey) else parse_public_key(value if isinstance(value, str) else "")


def _fingerprint(value: Any) -> str:
    from lmp_tui.commands.ssh_keys import check_fingerprint

    return check_fingerprint(value if isinstance(value, str) else "")


class AddKey(_AdminCommand):
    """An OpenSSH public key that will sign ``name`` in to ``lmp-tui serve-ssh``."""

    ACTION = AdminAction.ADD_KEY
    kind: Literal["add_key"] = "add_key"
    name: Login
    key: Annotated[Any, BeforeValidator(_public_key)]


class RemoveKey(_AdminCommand):
    ACTION = AdminAction.REMOVE_KEY
    kind: Literal["remove_key"] = "remove_key"
    name: Login
    fingerprint: Annotated[str, BeforeValidator(_fingerprint)]


class ShowUser(InputModel):
    """Read only: a staff user and its keys."""

    name: Login


RowT = TypeVar("RowT", bound=ImportRow)


class Numbered(InputModel):
    """A row of a file with the line it starts on (for the refusals)."""

    line: int
    row: AnyRow


class Import(_AdminCommand):
    """Rows already checked one by one (:func:`lmp_tui.commands.import_files.read_file`); the service
    checks them against each other and the database, then writes them all or none."""

    ACTION = AdminAction.IMPORT
    kind: Literal["import"] = "import"
    what: ImportKind
    source: str  # the file's name, for the history and the refusals
    rows: tuple[Numbered, ...]
    cycle: Annotated[str | None, Field(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")] = None
    dry_run: bool = False

    def rows_as(self, model: type[RowT]) -> list[tuple[int, RowT]]:
        """The rows, each with the line it starts on, as ``model``: the one row model of
        :data:`ROW_MODELS` that this kind of import reads."""
        out: list[tuple[int, RowT]] = []
        for n in self.rows:
            if not isinstance(n.row, model):
                raise TypeError(f"a {self.what} import holds {type(n.row).__name__} rows, not {model.__name__}")
            out.append((n.line, n.row))
        return out

    @model_validator(mode="after")
    def _usage_has_cycle(self) -> Import:
        if self.what == "usage" and self.cycle is None:
            raise ValueError("A usage import needs the report cycle: --cycle YYYY-MM.")
        if self.what != "usage" and self.cycle is not None:
            raise ValueError(f"--cycle belongs to usage imports, not to {self.what}.")
        return self


class InitialiseRequest(InputModel):
    """A first start: the distributor and its first admin."""

    distributor: DistributorName
    admin: Login


AdminCommand = Annotated[
    AddUser | SetRole | DisableUser | EnableUser | AddKey | RemoveKey | Import, Field(discriminator="kind")
]


@cache
def _adapter() -> TypeAdapter[Any]:
    """Built on first use: building it costs ~15 ms, and the interface's first page needs none."""
    return TypeAdapter(AdminCommand)


def admin_command(data: Any) -> Any:
    """An admin command from a dict (a script's JSON) or as it is; refused with a sentence."""
    return one_of(_adapter(), data, _AdminCommand)
