"""Before a session starts. Connections that have not signed in yet are bounded in number
and in time (as OpenSSH's MaxStartups, PerSourceMaxStartups and LoginGraceTime bound
them): a connection over either count is closed as soon as it is accepted, before the
server says anything or does any work for it, and one that has not signed in within the
grace time is closed (asyncssh's ``login_timeout``). The count per client address keeps
one client, however many connections it opens, from taking every place from the staff
who sign in; the total bounds what many addresses can take at once.

And a command that is not UTF-8 text, which asyncssh refuses without a word, reaches the
session, to be refused with a sentence and a log line (:func:`watch_commands`)."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from asyncssh.packet import PacketDecodeError, SSHPacket, String

DEFAULT_STARTUPS = 64
DEFAULT_STARTUPS_PER_SOURCE = 32  # half the places: a burst of clerks behind one address still signs in
DEFAULT_LOGIN_GRACE_S = 30.0


@dataclass
class SignInGate:
    """The connections signing in now, by client address."""

    limit: int = DEFAULT_STARTUPS
    per_source: int = DEFAULT_STARTUPS_PER_SOURCE
    grace_s: float = DEFAULT_LOGIN_GRACE_S
    _pending: dict[int, tuple[str, float]] = field(default_factory=dict)
    _by_source: Counter[str] = field(default_factory=Counter)

    def admit(self, who: object, source: str) -> str | None:
        """Why a new connection from ``source`` is closed at once, or None (it is counted
        until it signs in or closes: :meth:`leave`)."""
        if len(self._pending) >= self.limit:
            return f"{self.limit} connections were already signing in, the server's limit (serve-ssh --max-startups)"
        if self._by_source[source] >= self.per_source:
            return (
                f"{self.per_source} connections from {source} were already signing in, the limit per client "
                "address (serve-ssh --max-startups-per-source)"
            )
        self._pending[id(who)] = (source, time.monotonic())
        self._by_source[source] += 1
        return None

    def leave(self, who: object) -> float | None:
        """``who`` signed in or closed: how long it was signing in (None if it was not counted)."""
        entry = self._pending.pop(id(who), None)
        if entry is None:
            return None
        source, since = entry
        self._by_source[source] -= 1
        if not self._by_source[source]:
            del self._by_source[source]
        return time.monotonic() - since

    def timed_out(self, waited: float | None) -> bool:
        """Whether a connection that waited this long was closed by the grace time."""
        return waited is not None and waited >= self.grace_s - 0.05


#: what a command that is not UTF-8 text reaches the session as (a client sending this very
#: text is refused the same way: nothing is run either way)
NOT_UTF8_COMMAND = "\x00lmp-tui: not UTF-8\x00"


def watch_commands(conn: Any) -> None:
    """Have each session channel of ``conn`` pass a command that is not UTF-8 text on as
    :data:`NOT_UTF8_COMMAND`, for the session to refuse with a sentence and a log line.
    asyncssh decodes the command of an ``exec`` request itself and, when that fails, only
    answers "failed" (OpenSSH's client: "exec request failed on channel 0"), and nothing
    is logged: this wraps its handler for that request (a name of asyncssh's own, checked
    to exist), on each channel the connection makes."""
    make_channel = conn.create_server_channel

    def create_server_channel(*args: Any, **kwargs: Any) -> Any:
        chan = make_channel(*args, **kwargs)
        handle = getattr(chan, "_process_exec_request", None)
        if handle is None:  # another asyncssh: it refuses such commands without a word
            return chan

        def process_exec_request(packet: SSHPacket) -> bool:
            try:
                SSHPacket(packet.get_remaining_payload()).get_string().decode("utf-8")
            except PacketDecodeError:
                pass  # malformed: asyncssh says so
            except UnicodeDecodeError:
                packet = SSHPacket(String(NOT_UTF8_COMMAND))
            return handle(packet)

        chan._process_exec_request = process_exec_request  # noqa: SLF001
        return chan

    conn.create_server_channel = create_server_channel
