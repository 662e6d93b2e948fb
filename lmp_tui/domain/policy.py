"""Who may ask for what: the policy, kept apart from the status machine. ``TRANSITIONS``
(:mod:`lmp_tui.domain.model`) says from which statuses a move starts and where it goes; this
table says which staff roles may ask for it. The services authorise every command here,
and the interface asks here what to offer.

Who owns what (docs/ownership.md): regions, products, the price list and general codes
(codes for no partner) are shared by every distributor of the database and change only by
an operator; partners, partner-specific codes, usage and staff belong to one distributor
and change by its admins and operators. The operator role is granted only on the server
itself, never over SSH, and an operator is changed only by an operator (or there)."""

from __future__ import annotations

import os

from lmp_tui.domain.model import ADMIN_WHAT, TRANSITIONS, Action, AdminAction, Role, Status
from lmp_tui.errors import NotAllowed

_STAFF = frozenset({Role.BILLING, Role.ADMIN, Role.OPERATOR})
#: the partner's, the cycle's and Trend Micro's moves stand in for the other parties of the
#: platform; only an admin may record them (rule). An operator is an admin of its distributor.
_ADMIN = frozenset({Role.ADMIN, Role.OPERATOR})
_OPERATOR = frozenset({Role.OPERATOR})

POLICY: dict[Action | AdminAction, frozenset[Role]] = {
    Action.SET_PO: _STAFF,
    Action.APPLY_CODE: _STAFF,
    Action.SET_UNIT_PRICE: _STAFF,
    Action.SET_CHANNEL_MARGIN: _STAFF,
    Action.RESET_PRICING: _STAFF,
    Action.REMOVE_CODE: _STAFF,
    Action.SAVE_DRAFT: _STAFF,
    Action.SUBMIT: _STAFF,
    Action.REJECT: _STAFF,
    Action.PARTNER_SUBMIT: _ADMIN,
    Action.AUTO_SUBMIT: _ADMIN,
    Action.VENDOR_COMPLETE: _ADMIN,
    Action.VENDOR_RETURN: _ADMIN,
    Action.IMPORT_USAGE: _ADMIN,
    # administration: staff users, the distributor's own data, usage imports
    AdminAction.ADD_USER: _ADMIN,
    AdminAction.SET_ROLE: _ADMIN,
    AdminAction.DISABLE_USER: _ADMIN,
    AdminAction.ENABLE_USER: _ADMIN,
    AdminAction.ADD_KEY: _ADMIN,
    AdminAction.REMOVE_KEY: _ADMIN,
    AdminAction.SHOW_USER: _ADMIN,
    AdminAction.IMPORT: _ADMIN,
    # the reference data every distributor shares
    AdminAction.CHANGE_SHARED: _OPERATOR,
}

#: the import kinds whose every row is shared data (a codes file: row by row, see may_change)
SHARED_IMPORTS = frozenset({"regions", "products", "prices"})

SHARED_REFUSAL = (
    "Regions, products, prices and general codes are shared by every distributor: only an "
    "operator may change them. Ask your operator."
)

#: set by the SSH server in the environment of every session's process, which it builds from
#: nothing (a client can neither set nor clear it): the process serves a remote staff user
SSH_SESSION_ENV = "LMP_SSH_SESSION"


def over_ssh() -> bool:
    """Whether this process serves a session of ``lmp-tui serve-ssh`` (else it runs on the
    server itself: local administration, by whoever may open its database)."""
    return bool(os.environ.get(SSH_SESSION_ENV))


def may(action: Action | AdminAction, role: Role) -> bool:
    return role in POLICY[action]


def offered(action: Action, role: Role, status: Status) -> bool:
    """Whether to offer ``action`` at all: the role may ask for it and the status allows it."""
    return may(action, role) and status in TRANSITIONS[action].sources


def import_action(kind: str) -> AdminAction:
    """What importing a file of ``kind`` asks for: shared data, or the distributor's own."""
    return AdminAction.CHANGE_SHARED if kind in SHARED_IMPORTS else AdminAction.IMPORT


def may_change(role: Role, owner: int | None, mine: int) -> bool:
    """Whether a user of distributor ``mine`` may change data that ``owner`` owns: a
    distributor's id, or None for shared data (regions, products, prices, general codes)."""
    if owner is None:
        return may(AdminAction.CHANGE_SHARED, role)
    return owner == mine and may(AdminAction.IMPORT, role)


def authorise(action: Action | AdminAction, role: Role, what: str | None = None) -> None:
    """Raise a clerk-readable :class:`NotAllowed` when ``role`` may not ask for ``action``
    (``what`` names it in the refusal)."""
    if may(action, role):
        return
    if action is AdminAction.CHANGE_SHARED:
        raise NotAllowed(SHARED_REFUSAL)
    if isinstance(action, AdminAction):
        raise NotAllowed(
            f"You cannot {what or ADMIN_WHAT[action]}: only an admin may (your role is "
            f"{role.value}). Ask an admin of your distributor."
        )
    if role is Role.VIEWER:
        raise NotAllowed(f"You cannot {what}: your role is viewer (read-only). Ask a billing user or an admin.")
    raise NotAllowed(f"You cannot {what}: only an admin may record the other parties' moves.")


def authorise_staff_change(
    action: AdminAction, role: Role, name: str, target: Role | None, grants: Role | None, *, local: bool
) -> None:
    """The operator role's two guards, after :func:`authorise`: it is granted (``grants``)
    only on the server itself, never over SSH, whoever asks; and a user who is an operator
    (``target``) is changed only by an operator, or on the server itself."""
    if grants is Role.OPERATOR and not local:
        raise NotAllowed(
            "The operator role is granted only on the server itself, never over SSH: ask whoever "
            f"runs the server to run `lmp-tui users set-role {name} operator` there."
        )
    if target is Role.OPERATOR and role is not Role.OPERATOR and not local:
        raise NotAllowed(
            f"You cannot {ADMIN_WHAT[action]}: {name} is an operator, and only an operator may "
            "change an operator. Ask your operator."
        )
