"""The tables, as SQLAlchemy 2 typed ORM classes. Only the services and the demo
generator use them; the interface never sees a row, only the domain objects that
:mod:`lmp_tui.storage.convert` makes of them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import (
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from lmp_tui.domain.model import CodeKind, EditableField, ReviewReason, Role, Status
from lmp_tui.domain.search import search_key
from lmp_tui.storage.types import ExactDecimal, UTCDateTime


def _enum(cls: type) -> Enum:
    return Enum(
        cls,
        values_callable=lambda e: [m.value for m in e],
        native_enum=False,
        validate_strings=True,
        length=32,
        create_constraint=True,
        name=f"ck_{cls.__name__.lower()}",
    )


def _partner_key(context: Any) -> str:
    return search_key(context.get_current_parameters()["partner_name"])


class Base(DeclarativeBase):
    if TYPE_CHECKING:
        #: every model here is mapped to one Table (the bulk inserts and updates take it)
        __table__: ClassVar[Table]


class Meta(Base):
    """Key/value facts about the database itself (e.g. that it holds demo data)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(256))


class Distributor(Base):
    __tablename__ = "distributors"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class StaffUser(Base):
    __tablename__ = "staff_users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[Role] = mapped_column(_enum(Role))
    distributor_id: Mapped[int] = mapped_column(ForeignKey("distributors.id"))
    #: a disabled user can do nothing; users are never deleted (the histories name them)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    distributor: Mapped[Distributor] = relationship(lazy="joined")


class Region(Base):
    __tablename__ = "regions"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    currency: Mapped[str] = mapped_column(String(3))
    code_kind: Mapped[CodeKind] = mapped_column(_enum(CodeKind))
    code_opens: Mapped[EditableField] = mapped_column(_enum(EditableField))


class Partner(Base):
    __tablename__ = "partners"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    company_id: Mapped[str] = mapped_column(String(36), unique=True)
    city: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(100))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    distributor_id: Mapped[int] = mapped_column(ForeignKey("distributors.id"), index=True)
    region: Mapped[Region] = relationship(lazy="joined")


class Product(Base):
    __tablename__ = "products"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    units: Mapped[str] = mapped_column(String(50))


class PriceListEntry(Base):
    __tablename__ = "price_list"
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True)
    unit_price: Mapped[Decimal] = mapped_column(ExactDecimal())
    channel_margin: Mapped[Decimal] = mapped_column(ExactDecimal())


class PromoCodeRow(Base):
    __tablename__ = "promo_codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[CodeKind] = mapped_column(_enum(CodeKind))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    min_unit_price: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    max_channel_margin: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    region: Mapped[Region] = relationship(lazy="joined")
    partner: Mapped[Partner | None] = relationship(lazy="joined")
    products: Mapped[list[Product]] = relationship(secondary="promo_code_products", lazy="selectin")


class PromoCodeProduct(Base):
    __tablename__ = "promo_code_products"
    code_id: Mapped[int] = mapped_column(ForeignKey("promo_codes.id", ondelete="CASCADE"), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True)


class BillingReport(Base):
    __tablename__ = "billing_reports"
    __table_args__ = (
        UniqueConstraint("partner_id", "cycle", name="uq_report_partner_cycle"),
        Index("ix_report_dist_cycle_partner", "distributor_id", "cycle", "partner_name", "id"),
        Index("ix_report_dist_status_cycle", "distributor_id", "status", "cycle", "partner_name", "id"),
        Index("ix_report_dist_partner_name", "distributor_id", "partner_name", "id"),
        Index("ix_report_dist_total", "distributor_id", "total", "id"),
        Index("ix_report_dist_partner_key", "distributor_id", "partner_key", "id"),
        # the counts per status of a cycle and a find read this index alone (migration 0006)
        Index("ix_report_dist_status_key", "distributor_id", "status", "cycle", "partner_key"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    # copied from the partner (which never moves nor renames here) so that a page of the
    # list is one index range, without a join and without sorting 100k rows
    distributor_id: Mapped[int] = mapped_column(ForeignKey("distributors.id"))
    partner_name: Mapped[str] = mapped_column(String(200))
    #: the name as the find box compares it (:func:`lmp_tui.domain.search.search_key`), written with
    #: the name by the services, the imports and the demo (here too, for any other insert)
    partner_key: Mapped[str] = mapped_column(String(400), default=_partner_key)
    cycle: Mapped[str] = mapped_column(String(7))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    status: Mapped[Status] = mapped_column(_enum(Status))
    review_reason: Mapped[ReviewReason | None] = mapped_column(_enum(ReviewReason))
    auto_submitted: Mapped[bool] = mapped_column(Boolean, default=False)
    po_number: Mapped[str | None] = mapped_column(String(35))
    vendor_comment: Mapped[str | None] = mapped_column(Text)
    usage_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)
    # kept by the services in the same transaction as the lines they summarise
    total: Mapped[Decimal] = mapped_column(ExactDecimal())
    line_count: Mapped[int] = mapped_column(Integer, default=0)
    discrepancy_count: Mapped[int] = mapped_column(Integer, default=0)
    comment_count: Mapped[int] = mapped_column(Integer, default=0)

    partner: Mapped[Partner] = relationship(lazy="joined")
    lines: Mapped[list[LineItem]] = relationship(
        order_by="LineItem.line_no", lazy="selectin", cascade="all, delete-orphan"
    )
    history: Mapped[list[HistoryRow]] = relationship(order_by="HistoryRow.id", lazy="selectin")


class LineItem(Base):
    __tablename__ = "line_items"
    __table_args__ = (UniqueConstraint("report_id", "line_no", name="uq_line_report_no"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("billing_reports.id", ondelete="CASCADE"))
    line_no: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    name: Mapped[str] = mapped_column(String(200))
    units: Mapped[str] = mapped_column(String(50))
    provisioned: Mapped[int] = mapped_column(Integer)
    used: Mapped[int | None] = mapped_column(Integer)
    chargeable: Mapped[int] = mapped_column(Integer)
    partner_comment: Mapped[str | None] = mapped_column(Text)
    list_unit_price: Mapped[Decimal] = mapped_column(ExactDecimal())
    list_channel_margin: Mapped[Decimal] = mapped_column(ExactDecimal())
    unit_price: Mapped[Decimal] = mapped_column(ExactDecimal())
    channel_margin: Mapped[Decimal] = mapped_column(ExactDecimal())
    promo_code: Mapped[str | None] = mapped_column(String(40))
    editable_field: Mapped[EditableField | None] = mapped_column(_enum(EditableField))
    code_bound: Mapped[Decimal | None] = mapped_column(ExactDecimal())


class HistoryRow(Base):
    """Append-only: the migrations install triggers that refuse UPDATE, DELETE and TRUNCATE."""

    __tablename__ = "report_history"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("billing_reports.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text)
    comment: Mapped[str | None] = mapped_column(Text)


class AdminHistoryRow(Base):
    """Who changed which user, region, product, partner, price or code, or imported usage;
    when; old → new. Append-only (triggers, migration 0003). ``distributor_id`` is the
    actor's; a change to shared data (regions, products, prices, general codes) is
    ``shared`` and in every distributor's audit (migration 0007)."""

    __tablename__ = "admin_history"
    __table_args__ = (
        Index("ix_admin_history_dist", "distributor_id", "id"),
        Index("ix_admin_history_shared", "shared", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(200))
    distributor_id: Mapped[int] = mapped_column(ForeignKey("distributors.id"))
    subject: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text)
    shared: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class StaffKey(Base):
    """An OpenSSH public key that signs its staff user in to ``serve-ssh`` (migration 0004)."""

    __tablename__ = "staff_keys"
    __table_args__ = (Index("ix_staff_keys_user", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    #: OpenSSH's SHA256:… form, as ``ssh-keygen -lf`` prints it
    fingerprint: Mapped[str] = mapped_column(String(100), unique=True)
    algorithm: Mapped[str] = mapped_column(String(64))
    public_key: Mapped[str] = mapped_column(Text)
    comment: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())
    user: Mapped[StaffUser] = relationship(lazy="joined")
