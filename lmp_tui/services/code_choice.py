"""The promotional codes a report line can take: every code that passes each check a save
runs (:func:`lmp_tui.domain.pricing.verify_code`, in the same order), for the interface to offer
when the user specifies a code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import or_, select

from lmp_tui.commands.edits import RemoveCode
from lmp_tui.commands.validation import parse
from lmp_tui.domain import pricing
from lmp_tui.domain.model import TRANSITIONS, Action, CodeKind, EditableField, check_transition
from lmp_tui.domain.policy import authorise
from lmp_tui.errors import CodeRefused
from lmp_tui.services.base import ServiceBase
from lmp_tui.storage.convert import code_from_row, report_from_row
from lmp_tui.storage.models import PromoCodeRow, Region


@dataclass(frozen=True)
class CodeChoice:
    """A code that passes every check for one line: what it opens and its bound."""

    code: str
    kind: CodeKind
    opens: EditableField
    bound: Decimal | None
    valid_from: date
    valid_to: date
    partner_only: bool  # reserved for this partner


class CodeChoiceMixin(ServiceBase):
    def codes_for_line(self, report_id: int, line_no: int) -> list[CodeChoice]:
        """The codes a line can take now, by code: those of the report's region and kind,
        for any partner or this one, that pass :func:`pricing.verify_code` (product,
        validity for the whole period, partner). Only a user who may specify a code, on a
        report that allows it, is answered (the same refusal as a save)."""
        line_no = parse(RemoveCode, line_no=line_no).line_no  # the same check of the number
        with self._reading() as ctx:
            report = report_from_row(ctx.load(report_id), with_history=False)
            line = report.line(line_no)
            authorise(Action.APPLY_CODE, ctx.user.role, TRANSITIONS[Action.APPLY_CODE].what)
            check_transition(Action.APPLY_CODE, report.status)
            rows = ctx.session.scalars(
                select(PromoCodeRow)
                .join(Region, Region.id == PromoCodeRow.region_id)
                .where(
                    Region.code == report.region_code,
                    PromoCodeRow.kind == report.code_kind,
                    or_(PromoCodeRow.partner_id.is_(None), PromoCodeRow.partner_id == report.partner_id),
                )
                .order_by(PromoCodeRow.code)
            ).unique()
            out = []
            for row in rows:
                try:
                    grant = pricing.verify_code(report, line, row.code, code_from_row(row))
                except CodeRefused:
                    continue
                out.append(
                    CodeChoice(
                        grant.code,
                        row.kind,
                        grant.opens,
                        grant.bound,
                        row.valid_from,
                        row.valid_to,
                        row.partner_id is not None,
                    )
                )
            return out
