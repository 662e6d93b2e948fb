"""The one door every change to a report goes through, inside one transaction:

    command ─▶ authorise (policy) ─▶ check the move (TRANSITIONS) ─▶ verify (codes)
            ─▶ apply (commands.apply: the rule, the new status, the history's words)
            ─▶ record history ─▶ keep the summary columns ─▶ the fresh report, read in the
               same transaction ─▶ after commit: ReportChanged(id, version) to listeners

A batch (a draft's edits and its closing) runs the same way, command after command, and is
written whole or not at all."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from lmp_tui.commands.edits import ApplyCode, Context, SaveDraft, apply
from lmp_tui.domain import pricing
from lmp_tui.domain.model import TRANSITIONS, Report, check_transition
from lmp_tui.domain.policy import authorise
from lmp_tui.domain.pricing import CodeGrant
from lmp_tui.services.base import Acting
from lmp_tui.storage.convert import code_from_row, report_from_row
from lmp_tui.storage.models import PromoCodeRow


@dataclass(frozen=True)
class ReportChanged:
    """A report changed and now has this version: what other processes learn of it."""

    report_id: int
    version: int


def execute(ctx: Acting, report_id: int, commands: Sequence[Any], expected_version: int | None) -> Report:
    """Run ``commands`` on one report under its row lock; return the report as written."""
    row, report = ctx.lock(report_id, expected_version)
    edits = sum(1 for c in commands if not isinstance(c, SaveDraft) and TRANSITIONS[c.ACTION].target is None)
    for cmd in commands:
        admit(ctx, report, cmd)
        grant = verify(ctx, report, cmd) if isinstance(cmd, ApplyCode) else None
        entry = apply(report, cmd, Context(user=ctx.user.name, now=ctx.now, grant=grant, edits=edits))
        ctx.record(report.id, cmd.ACTION, entry.detail, entry.comment, entry.actor)
    ctx.save(report, row)
    ctx.session.expire(row)
    return report_from_row(ctx.load(report_id))


def admit(ctx: Acting, report: Report, cmd: Any) -> None:
    """The policy lets the user ask for it, and the status machine lets it start from here."""
    authorise(cmd.ACTION, ctx.user.role, TRANSITIONS[cmd.ACTION].what)
    check_transition(cmd.ACTION, report.status)


def verify(ctx: Acting, report: Report, cmd: ApplyCode) -> CodeGrant:
    """The code's checks for the command's line; the refusal names the check that failed."""
    line = report.line(cmd.line_no)
    found = ctx.session.execute(select(PromoCodeRow).where(PromoCodeRow.code == cmd.code)).unique()
    row = found.scalar_one_or_none()
    return pricing.verify_code(report, line, cmd.code, code_from_row(row) if row else None)
