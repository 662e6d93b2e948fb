"""Reload after a conflict: a three-way merge of a draft, field by field.

*base* is the report as the draft last read it, *mine* the draft's working copy, *theirs*
the report as it is now in the database (someone else saved it meanwhile). The fields are
the PO number and, per line, the promotional code, the unit price and the channel margin:

- only mine changed a field → mine is applied again; only theirs changed it → theirs stays;
- both changed it to the same value → nothing to decide;
- both changed it to different values → a :class:`Clash`, decided by the user.

A line's code governs its price and margin (it opens one of them and bounds it), so when
the two sides end with different codes on a line and both changed something of that line's
pricing, the line is one clash, decided whole: its code with its price and margin.

Mine is applied again through the same commands a draft runs (``SetPO``, ``ApplyCode`` with
the grant the draft verified, ``SetUnitPrice``, ``SetChannelMargin``, ``RemoveCode``,
``ResetPricing``), on top of theirs, so every rule holds and the save writes the history of
each. Pure Python: no storage, no interface."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from lmp_tui.commands.edits import ApplyCode, RemoveCode, ResetPricing, SetChannelMargin, SetPO, SetUnitPrice
from lmp_tui.domain.model import Action, EditableField, HistoryEntry, Line, Report
from lmp_tui.domain.pricing import CodeGrant

Side = Literal["mine", "theirs"]
FieldName = Literal["po", "code", "unit_price", "channel_margin"]

_LINE_ACTIONS = {Action.APPLY_CODE, Action.SET_UNIT_PRICE, Action.SET_CHANNEL_MARGIN, Action.REMOVE_CODE}


@dataclass(frozen=True)
class FieldKey:
    field: FieldName
    line_no: int | None = None


@dataclass(frozen=True)
class Clash:
    """A field both sides changed, differently: shown side by side, decided by the user.
    A ``code`` clash decides the line's whole pricing (code, unit price, channel margin)."""

    key: FieldKey
    label: str
    base: str
    theirs: str
    mine: str
    theirs_by: str


@dataclass(frozen=True)
class _LineState:
    code: str | None
    opens: EditableField | None
    bound: Decimal | None
    price: Decimal
    margin: Decimal

    @classmethod
    def of(cls, line: Line) -> _LineState:
        return cls(line.promo_code, line.editable_field, line.code_bound, line.unit_price, line.channel_margin)


@dataclass
class Merge:
    base: Report
    mine: Report
    theirs: Report
    clashes: list[Clash] = field(default_factory=list)
    #: what the merge takes without asking: field → the side it comes from
    decided: dict[FieldKey, Side] = field(default_factory=dict)
    grants: dict[tuple[int, str], CodeGrant] = field(default_factory=dict)
    reset_all: bool = False  # mine reset every line's pricing (ResetPricing)

    @property
    def kept_mine(self) -> list[FieldKey]:
        return [k for k, side in self.decided.items() if side == "mine"]

    @property
    def took_theirs(self) -> list[FieldKey]:
        return [k for k, side in self.decided.items() if side == "theirs"]

    def label(self, key: FieldKey) -> str:
        return _label(self.theirs, key)

    def commands(self, choices: Mapping[FieldKey, Side] | None = None) -> list[tuple[Any, CodeGrant | None]]:
        """The commands that make mine of theirs: every field decided here or by ``choices``
        (each clash's key → "mine" or "theirs"; a clash left out keeps theirs)."""
        sides = dict(self.decided)
        for clash in self.clashes:
            sides[clash.key] = (choices or {}).get(clash.key, "theirs")
        out: list[tuple[Any, CodeGrant | None]] = []
        if sides.get(FieldKey("po")) == "mine" and self.mine.po_number and self.mine.po_number != self.theirs.po_number:
            out.append((SetPO(po_number=self.mine.po_number), None))
        targets: list[tuple[Line, _LineState]] = []
        for t_line in self.theirs.lines:
            no = t_line.line_no
            if not _has(self.base, no) or not _has(self.mine, no):
                continue
            m, t = _LineState.of(self.mine.line(no)), _LineState.of(t_line)
            if sides.get(FieldKey("code", no)) == "mine":
                target = m  # the line's pricing is decided whole
            else:
                target = t
                if sides.get(FieldKey("unit_price", no)) == "mine":
                    target = _replace(target, price=m.price)
                if sides.get(FieldKey("channel_margin", no)) == "mine":
                    target = _replace(target, margin=m.margin)
            targets.append((t_line, target))
        if (
            self.reset_all
            and any(s.code is None and ln.promo_code is not None for ln, s in targets)
            and all(s == _listed(ln) for ln, s in targets)
        ):
            out.append((ResetPricing(), None))  # mine reset the pricing: the same command again
            return out
        for t_line, target in targets:
            out.extend(self._line_commands(t_line, target))
        return out

    def _line_commands(self, t_line: Line, target: _LineState) -> list[tuple[Any, CodeGrant | None]]:
        no = t_line.line_no
        now = _LineState.of(t_line)
        out: list[tuple[Any, CodeGrant | None]] = []
        if target.code != now.code:
            if target.code is None:
                out.append((RemoveCode(line_no=no), None))
                now = _listed(t_line)
            else:
                grant = self.grants.get((no, target.code)) or CodeGrant(
                    no, target.code, target.opens or self.theirs.code_opens, target.bound
                )
                out.append((ApplyCode(line_no=no, code=target.code), grant))
                now = _LineState(
                    target.code, grant.opens, grant.bound, t_line.list_unit_price, t_line.list_channel_margin
                )
        if target.price != now.price:
            out.append((SetUnitPrice(line_no=no, value=target.price), None))
        if target.margin != now.margin:
            out.append((SetChannelMargin(line_no=no, value=target.margin), None))
        return out


def three_way(
    base: Report, mine: Report, theirs: Report, pending: Iterable[tuple[Any, CodeGrant | None]] = ()
) -> Merge:
    """Compare the three copies field by field; see the module's description."""
    pending = list(pending)
    merge = Merge(base, mine, theirs)
    merge.grants = {(g.line_no, g.code): g for _, g in pending if g is not None}
    merge.reset_all = any(isinstance(cmd, ResetPricing) for cmd, _ in pending)
    news = theirs.history[len(base.history) :] if len(theirs.history) >= len(base.history) else theirs.history

    def decide(key: FieldKey, b: Any, m: Any, t: Any, show: Any) -> None:
        if m == t:  # unchanged, or both made the same change
            return
        if m == b:
            merge.decided[key] = "theirs"
            return
        if t == b:
            merge.decided[key] = "mine"
            return
        merge.clashes.append(Clash(key, _label(theirs, key), show(b), show(t), show(m), _who(news, key)))

    decide(FieldKey("po"), base.po_number, mine.po_number, theirs.po_number, lambda v: v or "(none)")
    for t_line in theirs.lines:
        no = t_line.line_no
        if not _has(base, no) or not _has(mine, no):
            continue
        b, m, t = (_LineState.of(r.line(no)) for r in (base, mine, theirs))
        if m.code != t.code:
            # the code governs the price and the margin: the line is decided whole
            show = _state_text(theirs.currency)
            if m != b and t != b:
                merge.clashes.append(
                    Clash(
                        FieldKey("code", no),
                        _label(theirs, FieldKey("code", no)),
                        show(b),
                        show(t),
                        show(m),
                        _who(news, FieldKey("code", no)),
                    )
                )
            elif m != b:
                merge.decided[FieldKey("code", no)] = "mine"
            elif t != b:
                merge.decided[FieldKey("code", no)] = "theirs"
            continue
        if m.code != b.code:
            # both applied the same new code: it started the line again from the price list
            b = _replace(b, price=t_line.list_unit_price, margin=t_line.list_channel_margin)
        decide(FieldKey("unit_price", no), b.price, m.price, t.price, lambda v: f"{v} {theirs.currency}")
        decide(FieldKey("channel_margin", no), b.margin, m.margin, t.margin, lambda v: f"{v}%")
    return merge


# --------------------------------------------------------------------------- helpers


def _has(report: Report, line_no: int) -> bool:
    return any(ln.line_no == line_no for ln in report.lines)


def _replace(s: _LineState, **kw: Any) -> _LineState:
    return _LineState(**{**s.__dict__, **kw})


def _listed(line: Line) -> _LineState:
    return _LineState(None, None, None, line.list_unit_price, line.list_channel_margin)


def _state_text(currency: str):  # noqa: ANN202
    def show(s: _LineState) -> str:
        return f"{s.code or 'no code'} · {s.price} {currency} · {s.margin}%"

    return show


_FIELD_NAMES = {"code": "code, price and margin", "unit_price": "unit price", "channel_margin": "channel margin"}


def _label(report: Report, key: FieldKey) -> str:
    if key.line_no is None:
        return "PO number"
    name = next((ln.name for ln in report.lines if ln.line_no == key.line_no), "")
    return f"line {key.line_no} {name}: {_FIELD_NAMES[key.field]}"


def _who(news: list[HistoryEntry], key: FieldKey) -> str:
    """Who changed this field on their side: the latest of their history entries about it."""
    for entry in reversed(news):
        if key.line_no is None and entry.action is Action.SET_PO:
            return entry.actor
        if key.line_no is not None and (
            entry.action is Action.RESET_PRICING
            or (entry.action in _LINE_ACTIONS and entry.detail.startswith(f"line {key.line_no} "))
        ):
            return entry.actor
    actors = sorted({e.actor for e in news})
    return ", ".join(actors) if actors else "someone"
