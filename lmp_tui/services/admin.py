"""Administration through one door, like the reports' pipeline: an admin command is
authorised by the policy, checked whole (every row against the others and the database),
and only then carried out, with its history, in one transaction:

    command ─▶ authorise (policy) ─▶ plan: every check, every change and its history words
            ─▶ refused? every problem at once, nothing written
            ─▶ dry run? the plan is the answer
            ─▶ apply the plan ─▶ admin history (and report history for usage) ─▶ commit
            ─▶ ReportChanged for each report a usage import changed

A first start (:func:`initialise`) is the one write without a signed-in user: it makes
the distributor and its first admin on an empty database."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import func, or_, select

from lmp_tui.commands.admin import (
    AddKey,
    AddUser,
    AdminAction,
    DisableUser,
    EnableUser,
    Import,
    Numbered,
    RemoveKey,
    SetRole,
    ShowUser,
    admin_command,
)
from lmp_tui.commands.validation import parse
from lmp_tui.domain.model import Role
from lmp_tui.domain.policy import authorise, authorise_staff_change, import_action, may
from lmp_tui.domain.views import AdminEntryView, StaffKeyView, StaffUserView
from lmp_tui.errors import InvalidInput, NotAllowed, NotFound
from lmp_tui.services.base import Acting, ServiceBase, utcnow
from lmp_tui.services.imports import import_rows
from lmp_tui.services.pipeline import ReportChanged
from lmp_tui.services.plan import ImportResult, Progress, admin_entry
from lmp_tui.storage.db import Database
from lmp_tui.storage.models import AdminHistoryRow, Distributor, StaffKey, StaffUser


class AdminMixin(ServiceBase):
    def administer(self, cmd: Any, progress: Progress | None = None) -> Any:
        """Run one admin command (a model, or a dict a script sent) in one transaction."""
        cmd = admin_command(cmd)
        changed: list[tuple[int, int]] = []
        with self._writing() as ctx:
            authorise(import_action(cmd.what) if isinstance(cmd, Import) else cmd.ACTION, ctx.user.role)
            if isinstance(cmd, Import):
                result, changed = import_rows(ctx, cmd, progress)
            else:
                result = _USERS[type(cmd)](ctx, cmd)
        for report_id, version in changed:
            self._announce(ReportChanged(report_id, version))
        return result

    def allowed(self, action: AdminAction, name: str | None = None) -> None:
        """Refuse now what the signed-in user may not ask for (``action``, on the staff user
        ``name``), before the command line reads any input for it; the command itself is
        authorised again when it runs."""
        with self._reading() as ctx:
            authorise(action, ctx.user.role)
            if name is not None:
                _find_guarded(ctx, name, action)

    # the named calls of the command line
    def add_user(self, name: str, role: str) -> StaffUserView:
        return self.administer(parse(AddUser, name=name, role=role))

    def set_role(self, name: str, role: str) -> StaffUserView:
        return self.administer(parse(SetRole, name=name, role=role))

    def disable_user(self, name: str) -> StaffUserView:
        return self.administer(parse(DisableUser, name=name))

    def enable_user(self, name: str) -> StaffUserView:
        return self.administer(parse(EnableUser, name=name))

    def add_key(self, name: str, key_text: str) -> StaffKeyView:
        return self.administer(parse(AddKey, name=name, key=key_text))

    def remove_key(self, name: str, fingerprint: str) -> StaffKeyView:
        return self.administer(parse(RemoveKey, name=name, fingerprint=fingerprint))

    def show_user(self, name: str) -> tuple[StaffUserView, list[StaffKeyView]]:
        """A staff user of the distributor and its SSH keys (admin)."""
        name = parse(ShowUser, name=name).name
        with self._reading() as ctx:
            authorise(AdminAction.SHOW_USER, ctx.user.role)
            user = _find_user(ctx, name)
            return _view(user), [_key_view(k) for k in _keys(ctx, user)]

    def import_rows(
        self,
        what: str,
        source: str,
        rows: Sequence[Numbered],
        *,
        cycle: str | None = None,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> ImportResult:
        cmd = parse(Import, what=what, source=source, rows=tuple(rows), cycle=cycle, dry_run=dry_run)
        return self.administer(cmd, progress)

    def admin_history(self, limit: int = 200) -> list[AdminEntryView]:
        """The newest entries of the administration history of the user's distributor, with
        every change to the data all distributors share, whoever made it."""
        with self._reading() as ctx:
            rows = ctx.session.scalars(
                select(AdminHistoryRow)
                .where(or_(AdminHistoryRow.distributor_id == ctx.user.distributor_id, AdminHistoryRow.shared.is_(True)))
                .order_by(AdminHistoryRow.id.desc())
                .limit(limit)
            )
            return [AdminEntryView(r.at, r.actor, r.subject, r.key, r.action, r.detail, r.shared) for r in rows]


# --------------------------------------------------------------------------- staff users


def _find_user(ctx: Acting, name: str) -> StaffUser:
    user = ctx.session.execute(select(StaffUser).where(StaffUser.name == name)).scalar_one_or_none()
    if user is None or user.distributor_id != ctx.user.distributor_id:
        raise NotFound(
            f"There is no staff user '{name}' at {ctx.user.distributor.name}; `lmp-tui users` lists "
            "them, `lmp-tui users add NAME --role ROLE` adds one."
        )
    return user


def _find_guarded(ctx: Acting, name: str, action: AdminAction, grants: Role | None = None) -> StaffUser:
    """The staff user ``name`` of the distributor, once the operator's guards let ``action`` on it."""
    user = _find_user(ctx, name)
    authorise_staff_change(action, ctx.user.role, user.name, user.role, grants, local=ctx.local)
    return user


_ADMINISTERING = tuple(r for r in Role if may(AdminAction.ADD_USER, r))


def _other_enabled_admins(ctx: Acting, user: StaffUser) -> int:
    return (
        ctx.session.scalar(
            select(func.count())
            .select_from(StaffUser)
            .where(
                StaffUser.distributor_id == user.distributor_id,
                StaffUser.role.in_(_ADMINISTERING),
                StaffUser.enabled.is_(True),
                StaffUser.id != user.id,
            )
        )
        or 0
    )


def _keep_an_admin(ctx: Acting, user: StaffUser, what: str) -> None:
    if user.role in _ADMINISTERING and user.enabled and not _other_enabled_admins(ctx, user):
        raise NotAllowed(
            f"Cannot {what}: {user.name} is the last enabled admin of "
            f"{ctx.user.distributor.name}, and nobody could administer it any more. "
            "Make another user an admin first."
        )


def _view(user: StaffUser) -> StaffUserView:
    return StaffUserView(user.name, user.role, user.distributor.name, user.enabled)


def _add_user(ctx: Acting, cmd: AddUser) -> StaffUserView:
    authorise_staff_change(cmd.ACTION, ctx.user.role, cmd.name, None, cmd.role, local=ctx.local)
    taken = ctx.session.scalar(select(StaffUser.id).where(StaffUser.name == cmd.name))
    if taken is not None:  # the same words wherever it is taken: another distributor's staff stay theirs
        raise InvalidInput(f"The login {cmd.name} is taken; choose another.")
    user = StaffUser(name=cmd.name, role=cmd.role, distributor_id=ctx.user.distributor_id, enabled=True)
    ctx.session.add(user)
    ctx.session.add(AdminHistoryRow(**admin_entry(ctx, "user", cmd.name, "added", f"role {cmd.role.value}")))
    ctx.session.flush()
    ctx.session.refresh(user)
    return _view(user)


def _set_role(ctx: Acting, cmd: SetRole) -> StaffUserView:
    user = _find_guarded(ctx, cmd.name, cmd.ACTION, cmd.role)
    if user.role is not cmd.role:
        if cmd.role not in _ADMINISTERING:
            _keep_an_admin(ctx, user, f"make {user.name} {cmd.role.value}")
        ctx.session.add(
            AdminHistoryRow(
                **admin_entry(ctx, "user", user.name, "role changed", f"role {user.role.value} → {cmd.role.value}")
            )
        )
        user.role = cmd.role
    return _view(user)


def _disable(ctx: Acting, cmd: DisableUser) -> StaffUserView:
    user = _find_guarded(ctx, cmd.name, cmd.ACTION)
    if user.enabled:
        _keep_an_admin(ctx, user, f"disable {user.name}")
        user.enabled = False
        ctx.session.add(AdminHistoryRow(**admin_entry(ctx, "user", user.name, "disabled", "enabled → disabled")))
    return _view(user)


def _enable(ctx: Acting, cmd: EnableUser) -> StaffUserView:
    user = _find_guarded(ctx, cmd.name, cmd.ACTION)
    if not user.enabled:
        user.enabled = True
        ctx.session.add(AdminHistoryRow(**admin_entry(ctx, "user", user.name, "enabled", "disabled → enabled")))
    return _view(user)


def _keys(ctx: Acting, user: StaffUser) -> list[StaffKey]:
    return list(ctx.session.scalars(select(StaffKey).where(StaffKey.user_id == user.id).order_by(StaffKey.id)))


def _key_view(key: StaffKey) -> StaffKeyView:
    return StaffKeyView(key.fingerprint, key.algorithm, key.comment, key.added_at)


def _add_key(ctx: Acting, cmd: AddKey) -> StaffKeyView:
    user = _find_guarded(ctx, cmd.name, cmd.ACTION)
    fingerprint = cmd.key.fingerprint
    taken = ctx.session.execute(select(StaffKey).where(StaffKey.fingerprint == fingerprint)).scalar_one_or_none()
    if taken is not None:
        if taken.user_id == user.id:
            raise InvalidInput(f"{user.name} already has the key {fingerprint}; nothing was changed.")
        owner = taken.user.name if taken.user.distributor_id == ctx.user.distributor_id else "another staff user"
        raise InvalidInput(
            f"The key {fingerprint} already signs in {owner}; a key belongs to one person. Ask "
            f"{user.name} for a key of their own (ssh-keygen -t ed25519)."
        )
    key = StaffKey(
        user_id=user.id,
        fingerprint=fingerprint,
        algorithm=cmd.key.algorithm,
        public_key=cmd.key.openssh,
        comment=cmd.key.comment,
        added_at=ctx.now,
    )
    ctx.session.add(key)
    ctx.session.add(
        AdminHistoryRow(
            **admin_entry(
                ctx, "user", user.name, "key added", f"{cmd.key.algorithm} {fingerprint} {cmd.key.comment}".rstrip()
            )
        )
    )
    ctx.session.flush()
    return _key_view(key)


def _remove_key(ctx: Acting, cmd: RemoveKey) -> StaffKeyView:
    user = _find_guarded(ctx, cmd.name, cmd.ACTION)
    key = next((k for k in _keys(ctx, user) if k.fingerprint == cmd.fingerprint), None)
    if key is None:
        raise NotFound(f"{user.name} has no key {cmd.fingerprint}; `lmp-tui users show {user.name}` lists its keys.")
    view = _key_view(key)
    ctx.session.delete(key)
    ctx.session.add(
        AdminHistoryRow(
            **admin_entry(
                ctx, "user", user.name, "key removed", f"{key.algorithm} {key.fingerprint} {key.comment}".rstrip()
            )
        )
    )
    return view


_USERS: dict[type, Callable[[Acting, Any], Any]] = {
    AddUser: _add_user,
    SetRole: _set_role,
    DisableUser: _disable,
    EnableUser: _enable,
    AddKey: _add_key,
    RemoveKey: _remove_key,
}


# --------------------------------------------------------------------------- the SSH server's question


@dataclass(frozen=True)
class KeyOwner:
    """Whom a key signs in, as the SSH server decides it (never what the client says)."""

    name: str
    enabled: bool
    distributor: str


def owner_of_key(db: Database, fingerprint: str) -> KeyOwner | None:
    """The staff user an SSH public key belongs to, or None: the server's lookup, made
    before anyone is signed in."""
    return owners_of_keys(db, [fingerprint]).get(fingerprint)


def owners_of_keys(db: Database, fingerprints: Iterable[str]) -> dict[str, KeyOwner]:
    """Whom each of these keys signs in now (a key no staff user has is left out), in one
    query: the server asks it about every second for all its open sessions at once."""
    wanted = sorted(set(fingerprints))
    if not wanted:
        return {}
    with db.read() as session:
        rows = session.execute(
            select(StaffKey.fingerprint, StaffUser.name, StaffUser.enabled, Distributor.name)
            .join(StaffUser, StaffKey.user_id == StaffUser.id)
            .join(Distributor, StaffUser.distributor_id == Distributor.id)
            .where(StaffKey.fingerprint.in_(wanted))
        )
        return {fingerprint: KeyOwner(name, enabled, distributor) for fingerprint, name, enabled, distributor in rows}


def key_refusal(owner: KeyOwner | None, user: str | None = None) -> Literal["removed", "disabled"] | None:
    """Why a key signs nobody in, or None when it signs its owner in: the SSH server's one
    rule, at sign-in and, for a session open as ``user``, about every second after. A key no
    staff user has (or that is another user's now) is "removed"; a disabled user's is
    "disabled"."""
    if owner is None or user is not None and owner.name != user:
        return "removed"
    return None if owner.enabled else "disabled"


# --------------------------------------------------------------------------- a first start


def initialise(db: Database, distributor: str, admin: str, clock: Callable[[], datetime] = utcnow) -> StaffUserView:
    """On a database with no distributor yet: the distributor and its first admin."""
    from lmp_tui.commands.admin import InitialiseRequest

    req = parse(InitialiseRequest, distributor=distributor, admin=admin)
    with db.write() as session:
        existing = session.scalars(select(Distributor.name).order_by(Distributor.id)).first()
        if existing is not None:
            raise InvalidInput(
                f"This database already belongs to {existing}; `init` is for an empty database. "
                "An admin adds staff with `lmp-tui users add NAME --role ROLE`."
            )
        dist = Distributor(name=req.distributor)
        session.add(dist)
        session.flush()
        session.add(StaffUser(name=req.admin, role=Role.ADMIN, distributor_id=dist.id, enabled=True))
        now = clock()
        for subject, key, action, detail in (
            ("distributor", req.distributor, "added", "first start"),
            ("user", req.admin, "added", "role admin (first admin)"),
        ):
            session.add(
                AdminHistoryRow(
                    at=now,
                    actor=req.admin,
                    distributor_id=dist.id,
                    subject=subject,
                    key=key,
                    action=action,
                    detail=detail,
                )
            )
    return StaffUserView(req.admin, Role.ADMIN, req.distributor, True)
