"""Who may ask for what: the policy, kept apart from the status machine. ``TRANSITIONS``
(:mod:`lmp_tui.domain`) says from which statuses a move starts and where it goes; this
table says which staff roles may ask for it. The services authorise every command here,
and the interface asks here what to offer."""

from __future__ import annotations

from .domain import ADMIN_WHAT, TRANSITIONS, Action, AdminAction, Role, Status
from .errors import NotAllowed

_STAFF = frozenset({Role.BILLING, Role.ADMIN})
#: the partner's, the cycle's and Trend Micro's moves stand in for the other parties of the
#: platform; only an admin may record them (rule)
_ADMIN = frozenset({Role.ADMIN})

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
    # administration: staff users, reference data, usage imports
    AdminAction.ADD_USER: _ADMIN,
    AdminAction.SET_ROLE: _ADMIN,
    AdminAction.DISABLE_USER: _ADMIN,
    AdminAction.ENABLE_USER: _ADMIN,
    AdminAction.ADD_KEY: _ADMIN,
    AdminAction.REMOVE_KEY: _ADMIN,
    AdminAction.SHOW_USER: _ADMIN,
    AdminAction.IMPORT: _ADMIN,
}


def may(action: Action | AdminAction, role: Role) -> bool:
    return role in POLICY[action]


def offered(action: Action, role: Role, status: Status) -> bool:
    """Whether to offer ``action`` at all: the role may ask for it and the status allows it."""
    return may(action, role) and status in TRANSITIONS[action].sources


def authorise(action: Action | AdminAction, role: Role, what: str | None = None) -> None:
    """Raise a clerk-readable :class:`NotAllowed` when ``role`` may not ask for ``action``
    (``what`` names it in the refusal)."""
    if may(action, role):
        return
    if isinstance(action, AdminAction):
        raise NotAllowed(f"You cannot {what or ADMIN_WHAT[action]}: only an admin may (your role is "
                         f"{role.value}). Ask an admin of your distributor.")
    if role is Role.VIEWER:
        raise NotAllowed(f"You cannot {what}: your role is viewer (read-only). Ask a billing user or an admin.")
    raise NotAllowed(f"You cannot {what}: only an admin may record the other parties' moves.")
