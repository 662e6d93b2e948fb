"""What every service call shares: who is acting, which reports they may see, the clock,
loading a report under a write lock with its version checked, and writing history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from lmp_tui.commands.validation import MAX_ID
from lmp_tui.domain.model import Action, Report
from lmp_tui.domain.policy import over_ssh
from lmp_tui.domain.views import StaffUserView
from lmp_tui.errors import Conflict, NotAllowed, NotFound
from lmp_tui.storage.convert import report_from_row, write_back
from lmp_tui.storage.db import Database
from lmp_tui.storage.models import BillingReport, HistoryRow, StaffKey, StaffUser
from lmp_tui.storage.read import read_report

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Acting:
    """One transaction on behalf of one staff user."""

    session: Session
    user: StaffUser
    now: datetime
    #: on the server itself, not over SSH (lmp_tui.domain.policy.over_ssh): local administration
    local: bool

    def load(self, report_id: int) -> BillingReport:
        row = None
        if _possible(report_id):
            stmt = select(BillingReport).where(BillingReport.id == report_id)
            row = self.session.execute(stmt).unique().scalar_one_or_none()
        if row is None or row.distributor_id != self.user.distributor_id:
            raise self._not_found(report_id)
        return row

    def read(self, report_id: int, *, with_history: bool = True) -> Report:
        """The report for reading only (no ORM rows: :mod:`lmp_tui.storage.read`)."""
        report = None
        if _possible(report_id):
            report = read_report(self.session, report_id, self.user.distributor_id, with_history=with_history)
        if report is None:
            raise self._not_found(report_id)
        return report

    def _not_found(self, report_id: object) -> NotFound:
        return NotFound(
            f"Report #{report_id} was not found among {self.user.distributor.name}'s reports; "
            "check the number (the report list shows them)."
        )

    def lock(self, report_id: int, expected_version: int | None) -> tuple[BillingReport, Report]:
        """Take the report's row lock, check the version the user saw, and bump it.
        A stale version raises Conflict and the transaction writes nothing. Without a version
        from the caller (a one-change command that opened nothing) it waits for the row lock
        and applies to the report as it is then. (SQLite's write transactions hold the
        database's write lock from their start, so there is nothing more to wait for.)"""
        if expected_version is None and _possible(report_id):
            self.session.execute(select(BillingReport.version).where(BillingReport.id == report_id).with_for_update())
        row = self.load(report_id)
        seen = row.version if expected_version is None else expected_version
        # an UPDATE's result is a CursorResult (it has the rowcount); Session.execute is typed
        # for any statement
        result = cast(
            CursorResult[Any],
            self.session.execute(
                update(BillingReport)
                .where(BillingReport.id == report_id, BillingReport.version == seen)
                .values(version=BillingReport.version + 1)
                .execution_options(synchronize_session=False)
            ),
        )
        if result.rowcount != 1:
            self.session.expire(row)
            current = self.session.get(BillingReport, report_id)
            who = current.history[-1].actor if current is not None and current.history else "someone"
            raise Conflict(
                f"Report #{report_id} was changed by {who} since you opened it (your version "
                f"{seen}, now {current.version if current else '?'}). Nothing of yours was saved; "
                "reload the report and apply your changes again.",
                who=who,
                version=current.version if current else None,
            )
        self.session.refresh(row)
        return row, report_from_row(row, with_history=False)

    def record(
        self, report_id: int, action: Action, detail: str, comment: str | None = None, actor: str | None = None
    ) -> None:
        self.session.add(
            HistoryRow(
                report_id=report_id,
                at=self.now,
                actor=actor or self.user.name,
                action=action.value,
                detail=detail,
                comment=comment,
            )
        )

    def save(self, report: Report, row: BillingReport) -> None:
        write_back(report, row)
        self.session.flush()


def _possible(report_id: object) -> bool:
    """A number a report could have: a whole number the id column holds."""
    return isinstance(report_id, int) and not isinstance(report_id, bool) and 1 <= report_id <= MAX_ID


class ServiceBase:
    def __init__(
        self,
        db: Database,
        user_name: str,
        clock: Clock = utcnow,
        *,
        ssh_key: str | None = None,
        local: bool | None = None,
    ) -> None:
        self.db = db
        self.user_name = user_name
        self.clock = clock
        #: the SSH key (its fingerprint) the user signed in with, when ``serve-ssh`` started this
        #: process (``LMP_SSH_KEY``, which only the server sets): every read and write checks, in
        #: its own transaction, that the key is still the user's
        self.ssh_key = ssh_key
        #: whether this process runs on the server itself (the SSH server's sessions do not)
        self.local = not over_ssh() if local is None else local
        #: told of every report this service changed, after the change is committed
        self.listeners: list[Callable[[Any], None]] = []

    def _announce(self, event: Any) -> None:
        for listener in self.listeners:
            listener(event)

    def _user(self, session: Session, *, write: bool = False) -> StaffUser:
        """The signed-in user, refused when unknown or disabled (or its SSH key removed). A
        write holds the user's row (PostgreSQL's FOR SHARE) to its commit: disabling the user
        waits for the write, or the write sees the user disabled."""
        stmt = select(StaffUser).where(StaffUser.name == self.user_name)
        if write:
            stmt = stmt.with_for_update(read=True, of=StaffUser)
        user = session.execute(stmt).scalar_one_or_none()
        if user is None:
            if session.scalar(select(StaffUser.id).limit(1)) is None:
                raise NotFound(
                    "This database has no staff users yet. Start it with `lmp-tui init --distributor "
                    "NAME --admin LOGIN` (the README's first start)."
                )
            raise NotFound(
                f"There is no staff user '{self.user_name}' in this database (--user NAME or LMP_USER choose the "
                "user; without them it is your login name). Ask an admin of your distributor to add you "
                f"(lmp-tui users add {self.user_name} --role billing), or sign in as your own user with --user NAME."
            )
        if not user.enabled:
            raise NotAllowed(
                f"The staff user '{user.name}' is disabled and can do nothing. An admin of "
                f"{user.distributor.name} can enable it again (lmp-tui users enable {user.name})."
            )
        if self.ssh_key is not None:
            self._key_held(session, user, write=write)
        return user

    def _key_held(self, session: Session, user: StaffUser, *, write: bool) -> None:
        """The SSH key this process was signed in with is still the user's. A write holds the
        key's row (PostgreSQL's FOR KEY SHARE) to its commit: a removal waits for the write,
        or the write sees the key gone. (SQLite's writers hold the whole database.)"""
        stmt = select(StaffKey.id).where(StaffKey.fingerprint == self.ssh_key, StaffKey.user_id == user.id)
        if write:
            stmt = stmt.with_for_update(read=True, key_share=True)
        if session.scalar(stmt) is None:
            raise NotAllowed(
                f"The SSH key {self.ssh_key} no longer signs in {user.name}: an admin removed it, so "
                "nothing was saved and this session can do nothing more. Ask an admin of "
                f"{user.distributor.name} to add your key again (lmp-tui users add-key {user.name} "
                "KEY.pub), then connect again."
            )

    def _reading(self) -> _Ctx:
        return _Ctx(self, write=False)

    def _writing(self) -> _Ctx:
        return _Ctx(self, write=True)

    def whoami(self) -> StaffUserView:
        with self._reading() as ctx:
            return StaffUserView(ctx.user.name, ctx.user.role, ctx.user.distributor.name, ctx.user.enabled)


class _Ctx:
    def __init__(self, svc: ServiceBase, *, write: bool) -> None:
        self.svc = svc
        self.write = write

    def __enter__(self) -> Acting:
        self._cm = self.svc.db.write() if self.write else self.svc.db.read()
        session = self._cm.__enter__()
        try:
            user = self.svc._user(session, write=self.write)
        except BaseException as err:
            self._cm.__exit__(type(err), err, err.__traceback__)
            raise
        return Acting(session, user, self.svc.clock(), self.svc.local)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool | None:
        return self._cm.__exit__(exc_type, exc, tb)
