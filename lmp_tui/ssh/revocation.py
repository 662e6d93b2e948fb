"""Revocation is immediate: when an admin removes a staff key (``users remove-key``) or
disables a user (``users disable``), the SSH sessions open with that key, or as that user,
end within about a second.

While sessions are open, the server asks the database every CHECK_S, in one query for all
of them (:func:`lmp_tui.services.owners_of_keys`), whom each session's key signs in now,
and applies the sign-in rule again (:func:`lmp_tui.services.key_refusal`). A session whose
key is gone (or is another user's now), or whose user is disabled, is revoked
(:meth:`lmp_tui.ssh.children.Session.revoke`): its child is asked to end, the person told
why, and the session's log line says so. Until then the child refuses by itself: every
transaction it runs checks that its key is still its user's (``LMP_SSH_KEY``,
:meth:`lmp_tui.services.base.ServiceBase._key_held`), so nothing is saved in between.

No sessions open, no query. The database out of reach: the sessions go on (their children
cannot reach it either), and the server's log says so once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from lmp_tui.services import KeyOwner, key_refusal, owners_of_keys
from lmp_tui.ssh.children import Session
from lmp_tui.storage.db import Database

log = logging.getLogger("lmp_tui.ssh")

#: how often the open sessions' keys are checked
CHECK_S = 1.0


def revocation(session: Session, owner: KeyOwner | None) -> str | None:
    """Why ``session`` must end now (its key's owner as the database has it), or None."""
    refusal = key_refusal(owner, session.user)
    if refusal == "removed":
        return f"key {session.fingerprint} removed"
    if refusal == "disabled":
        return f"user {session.user} disabled"
    return None


async def watch_revocations(db: Database, sessions: Callable[[], list[Session]], interval: float = CHECK_S) -> None:
    """For the server's lifetime: revoke the open sessions whose key or user lost the right
    to sign in."""
    loop = asyncio.get_running_loop()
    failing = False
    while True:
        await asyncio.sleep(interval)
        open_now = [s for s in sessions() if s.revoked is None]
        if not open_now:
            continue
        try:
            owners = await loop.run_in_executor(None, owners_of_keys, db, [s.fingerprint for s in open_now])
        except Exception as err:  # noqa: BLE001 - the database is out of reach: try again, say so once
            if not failing:
                log.error(
                    "cannot check the open sessions' keys (%s); trying again every %g s", type(err).__name__, interval
                )
            failing = True
            continue
        if failing:
            log.info("the open sessions' keys are checked again")
            failing = False
        for session in open_now:
            why = revocation(session, owners.get(session.fingerprint))
            if why is not None:
                session.revoke(why)
