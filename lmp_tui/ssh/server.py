"""``lmp-tui serve-ssh``: staff sign in with an SSH key, and the key decides who they are.

Trust model: the server, not the client, decides the user and the database. The client
proves it holds a private key; the server looks the public key up in ``staff_keys`` and
runs lmp-tui as that key's staff user, on the server's own database URL. The SSH login
name, the client's environment and its options decide nothing; passwords, keyboard
interaction, forwarding and file transfer are all refused.

Each session runs lmp-tui in a child process of its own, with an environment the server
builds from nothing:

* with a terminal (``ssh host``): the interface, in a pseudo-terminal of its own; window
  changes are passed on, TERM is the client's, and the colour system is chosen from what
  the client told (so a client that does not forward COLORTERM still looks right);
* with a command (``ssh host reports --format json``): the command line, its output and
  exit status passed back; ``--db``, ``--user``, ``--demo`` and the commands that make or
  serve databases are refused by the child (``LMP_SSH_SESSION``), whatever their spelling.

Closing the connection ends the child (a hangup); the child ending closes the session.
Removing the session's key or disabling its user ends it within about a second
(:mod:`lmp_tui.ssh.revocation`); the child itself refuses to read or save meanwhile (the
key's fingerprint is in its environment, ``LMP_SSH_KEY``). Every session leaves one log
line: user, key, client, start, end, command, exit, why it ended, bytes.
The children themselves are in :mod:`lmp_tui.ssh.children`."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import signal
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import asyncssh

from lmp_tui.commands.ssh_keys import fingerprint_of
from lmp_tui.domain.policy import SSH_SESSION_ENV
from lmp_tui.errors import InvalidInput, LmpError
from lmp_tui.files import make_folder
from lmp_tui.services import key_refusal, owner_of_key
from lmp_tui.settings import DEFAULT_MAX_INPUT_MB
from lmp_tui.ssh.children import PtyChild, Session, pipe_child
from lmp_tui.ssh.gate import (
    DEFAULT_LOGIN_GRACE_S,
    DEFAULT_STARTUPS,
    DEFAULT_STARTUPS_PER_SOURCE,
    NOT_UTF8_COMMAND,
    SignInGate,
    watch_commands,
)
from lmp_tui.ssh.hostkey import load_host_key
from lmp_tui.ssh.revocation import revocation, watch_revocations
from lmp_tui.storage.db import Database

log = logging.getLogger("lmp_tui.ssh")

HOST_KEY_FILE = "ssh_host_ed25519_key"
DATABASE_DOWN = (
    "lmp-tui: the server cannot reach its database just now, so it cannot check your key; try again "
    "in a few minutes, and tell whoever runs the server if it goes on.\r\n"
)
_TERM_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$")


@dataclass(frozen=True)
class Limits:
    sessions: int = 50
    per_user: int = 5
    #: connections not signed in yet, at once and per client address, and for how long (ssh_gate)
    startups: int = DEFAULT_STARTUPS
    startups_per_source: int = DEFAULT_STARTUPS_PER_SOURCE
    login_grace_s: float = DEFAULT_LOGIN_GRACE_S
    #: the most an import over SSH reads of its standard input (LMP_MAX_INPUT_MB in the child)
    input_mb: int = DEFAULT_MAX_INPUT_MB
    idle_s: float = 30 * 60


class Registry:
    """The sessions open now, for the limits."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.open: list[Session] = []

    def admit(self, session: Session) -> str | None:
        """Why the session may not start, or None (and it is counted)."""
        if len(self.open) >= self.limits.sessions:
            return (
                f"the server holds its limit of {self.limits.sessions} sessions; try again in a few minutes, "
                "or ask whoever runs it to raise --max-sessions."
            )
        mine = sum(1 for s in self.open if s.user == session.user)
        if mine >= self.limits.per_user:
            return (
                f"{session.user} already has {mine} session(s) open, the limit per user; close one of them "
                "and connect again."
            )
        self.open.append(session)
        return None

    def close(self, session: Session) -> None:
        if session in self.open:
            self.open.remove(session)


# --------------------------------------------------------------------------- the host key (lmp_tui.ssh.hostkey)


def host_fingerprint(key: asyncssh.SSHKey) -> str:
    return fingerprint_of(key.public_data)


# --------------------------------------------------------------------------- authentication


class _Auth(asyncssh.SSHServer):
    """Public keys only; the key, looked up in the database, decides the user."""

    def __init__(self, server: LmpSshServer) -> None:
        self.server = server
        self.conn: asyncssh.SSHServerConnection | None = None
        self.user: str | None = None
        self.fingerprint: str | None = None
        self.refusal: str | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        self._peer_text = self._peer()
        peer = conn.get_extra_info("peername")
        self.refusal = self.server.gate.admit(self, str(peer[0]) if peer else "?")
        if self.refusal is not None:  # closed before the server says a word or does any work for it
            conn.abort()
        else:
            watch_commands(conn)

    def auth_completed(self) -> None:
        self.signed_in = True
        self.server.gate.leave(self)

    def connection_lost(self, exc: Exception | None) -> None:
        waited = self.server.gate.leave(self)
        if not getattr(self, "signed_in", False):
            if self.refusal is None and self.server.gate.timed_out(waited):
                self.refusal = f"it did not sign in within {self.server.gate.grace_s:g} s (--login-grace-seconds)"
            log.info(
                "connection from %s closed without signing in (%s)",
                self._peer_text,
                self.refusal or "no key offered that the server knows",
            )

    def begin_auth(self, username: str) -> bool:
        return True  # always authenticate; the login name itself decides nothing

    def password_auth_supported(self) -> bool:
        return False

    def kbdint_auth_supported(self) -> bool:
        return False

    def host_based_auth_supported(self) -> bool:
        return False

    def public_key_auth_supported(self) -> bool:
        return True

    async def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        fingerprint = fingerprint_of(key.public_data)
        try:
            owner = await asyncio.get_running_loop().run_in_executor(None, owner_of_key, self.server.db, fingerprint)
        except Exception as err:  # the database is down: refuse, and say so in the server's log and to the client
            self.refusal = f"the database could not be reached to look the key up ({type(err).__name__})"
            said = f": {err}" if isinstance(err, LmpError) else ""  # the database layer's own sentence
            log.error(
                "key lookup failed (%s%s): refusing %s from %s", type(err).__name__, said, fingerprint, self._peer_text
            )
            if self.conn is not None and not getattr(self, "told_database_down", False):
                self.told_database_down = True
                self.conn.send_auth_banner(DATABASE_DOWN)
            return False
        if owner is None or key_refusal(owner) is not None:
            self.refusal = "disabled user " + owner.name if owner else "unknown key"
            log.info("refused %s from %s: %s", fingerprint, self._peer(), self.refusal)
            return False
        # the last key accepted is the one the client signs with next: it decides the user
        self.user, self.fingerprint = owner.name, fingerprint
        return True

    def _peer(self) -> str:
        peer = self.conn.get_extra_info("peername") if self.conn else None
        return f"{peer[0]}:{peer[1]}" if peer else "?"


# --------------------------------------------------------------------------- the server


class LmpSshServer:
    def __init__(
        self, db: Database, url: str, data_dir: Path, limits: Limits, *, busy_timeout_s: float | None = None
    ) -> None:
        self.db, self.url, self.data_dir, self.limits = db, url, data_dir, limits
        self.busy_timeout_s = busy_timeout_s
        self.registry = Registry(limits)
        self.gate = SignInGate(limits.startups, limits.startups_per_source, limits.login_grace_s)
        self._revocations: asyncio.Future[None] | None = None

    async def start(self, host: str, port: int, host_key: asyncssh.SSHKey) -> asyncssh.SSHAcceptor:
        self._revocations = asyncio.ensure_future(watch_revocations(self.db, lambda: list(self.registry.open)))
        return await asyncssh.create_server(
            lambda: _Auth(self),
            host,
            port,
            server_host_keys=[host_key],
            process_factory=self._session,
            encoding=None,
            line_editor=False,
            agent_forwarding=False,
            x11_forwarding=False,
            allow_scp=False,
            sftp_factory=None,
            password_auth=False,
            kbdint_auth=False,
            login_timeout=self.limits.login_grace_s,
            keepalive_interval=60,
            keepalive_count_max=3,
        )

    def stop_watching(self) -> None:
        if self._revocations is not None:
            self._revocations.cancel()

    # ---------------------------------------------------------------- one session

    async def _session(self, process: asyncssh.SSHServerProcess) -> None:
        auth: _Auth = process.get_extra_info("connection").get_owner()
        peer = process.get_extra_info("peername")
        session = Session(
            user=auth.user or "?",
            fingerprint=auth.fingerprint or "?",
            client=f"{peer[0]}:{peer[1]}" if peer else "?",
            command=process.command,
            terminal=process.term_type is not None,
        )
        code: int | None = None
        refusal = self.registry.admit(session)
        try:
            if refusal is not None:
                session.ended = "refused: limit"
                code = self._refuse(process, session, refusal)
            elif (revoked := await self._revocation(session)) is not None:
                session.ended = f"refused: {revoked}"  # since the connection signed in (a shared one)
                code = self._refuse(
                    process,
                    session,
                    f"your key no longer signs you in ({revoked}): nothing was "
                    "run. Ask an admin of your distributor to add your key again (or enable your "
                    "user), then connect again.",
                )
            elif session.command == NOT_UTF8_COMMAND:
                session.command, session.ended = "(not UTF-8 text)", "refused: the command is not UTF-8 text"
                code = self._refuse(
                    process,
                    session,
                    "the command is not UTF-8 text (the terminal or script sent "
                    "other bytes), so nothing was run; type it again in UTF-8.",
                )
            elif not session.terminal and not session.command:
                session.ended = "refused: no command"
                code = self._refuse(
                    process,
                    session,
                    "give a command (e.g. `ssh HOST reports --format json`), or "
                    "connect with a terminal (ssh -t HOST) for the interface.",
                )
            else:
                code = await self._run_child(process, session)
                if code and session.revoked is None and (revoked := await self._revocation(session)) is not None:
                    session.ended = f"revoked: {revoked} (the session saw it first)"
        except (asyncssh.Error, OSError, ConnectionError) as err:
            session.ended = f"connection error ({type(err).__name__})"
        finally:
            self.registry.close(session)
            self._log(session, code)
            if code is not None and not process.is_closing():
                process.exit(code)
            elif not process.is_closing():
                process.close()

    async def _revocation(self, session: Session) -> str | None:
        """Why the session's key no longer signs its user in (:func:`revocation`'s words), or
        None: a connection stays open, and may open another session, after its key is removed,
        and a session may end on the removal before the once-a-second check sees it. A database
        out of reach is the child's to say."""
        try:
            owner = await asyncio.get_running_loop().run_in_executor(None, owner_of_key, self.db, session.fingerprint)
        except Exception as err:  # noqa: BLE001 - logged; the child says it to the client
            log.error("key lookup failed (%s) for a session of %s", type(err).__name__, session.user)
            return None
        return revocation(session, owner)

    def _refuse(self, process: asyncssh.SSHServerProcess, session: Session, why: str) -> int:
        text = f"lmp-tui: {why}\r\n" if session.terminal else f"lmp-tui: {why}\n"
        process.stderr.write(text.encode())
        return 1

    def _child_env(self, process: asyncssh.SSHServerProcess, session: Session) -> dict[str, str]:
        """Built from nothing: the database and the user are the server's; of the client's,
        only its terminal type and whether it shows true colour are taken (checked)."""
        env = {
            "PATH": os.environ.get("PATH", os.defpath),
            "HOME": str(self.data_dir),
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "LMP_DATABASE_URL": self.url,
            "LMP_USER": session.user,
            "LMP_SSH_KEY": session.fingerprint,
            "LMP_DATA_DIR": str(self.data_dir),
            SSH_SESSION_ENV: "1",
            "PYTHONIOENCODING": "utf-8",
        }
        if self.busy_timeout_s is not None:
            env["LMP_BUSY_TIMEOUT_S"] = str(self.busy_timeout_s)
        env["LMP_MAX_INPUT_MB"] = str(self.limits.input_mb)
        if session.terminal:
            term = process.term_type or ""
            env["TERM"] = term if _TERM_RE.match(term) else "xterm-256color"
            colorterm = str(process.env.get("COLORTERM", "")) if process.env else ""
            env["TEXTUAL_COLOR_SYSTEM"] = colour_system(env["TERM"], colorterm)
            if env["TEXTUAL_COLOR_SYSTEM"] == "truecolor":
                env["COLORTERM"] = "truecolor"
        return env

    def _argv(self, session: Session) -> list[str]:
        import shlex

        args = shlex.split(session.command) if session.command else []
        return [sys.executable, "-m", "lmp_tui.cli.main", *args]

    async def _run_child(self, process: asyncssh.SSHServerProcess, session: Session) -> int:
        try:
            argv = self._argv(session)
        except ValueError:
            session.ended = "refused: quotes do not match"
            return self._refuse(process, session, "the command's quotes do not match; check them and try again.")
        env = self._child_env(process, session)
        workdir = self.data_dir / "sessions" / session.user  # where the interface's exports land
        make_folder(workdir)  # owner-only, as the exports in it (lmp_tui.files)
        if session.terminal:
            return await PtyChild(process, session, self.limits.idle_s).run(argv, env, workdir)
        return await pipe_child(process, session, argv, env, workdir)

    def _log(self, session: Session, code: int | None) -> None:
        end = datetime.now(UTC)
        command = session.command if session.command is not None else "(interface)"
        log.info(
            "session user=%s key=%s client=%s start=%s end=%s terminal=%s command=%r exit=%s ended=%r in=%d out=%d",
            session.user,
            session.fingerprint,
            session.client,
            session.started.isoformat(timespec="seconds"),
            end.isoformat(timespec="seconds"),
            "yes" if session.terminal else "no",
            command[:200],
            "-" if code is None else code,
            session.ended,
            session.bytes_in,
            session.bytes_out,
        )


def colour_system(term: str, colorterm: str) -> str:
    """Textual's colour system for a client: true colour only when the client says so
    (COLORTERM), 256 colours when its TERM says so, else the 16 standard colours."""
    if colorterm.lower() in ("truecolor", "24bit"):
        return "truecolor"
    if "256color" in term or term.startswith(("tmux", "screen")) and "256" in term:
        return "256"
    return "standard"


# --------------------------------------------------------------------------- children
# --------------------------------------------------------------------------- entry


class _UTCFormatter(logging.Formatter):
    """Log times in UTC, ISO 8601, like the start and end of each session line."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="seconds")


def parse_listen(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"'{text}' is not HOST:PORT; e.g. 127.0.0.1:2222 or 0.0.0.0:2222.")
    return host.strip("[]"), int(port)


def serve(
    db: Database,
    url: str,
    data_dir: Path,
    *,
    listen: str,
    host_key_path: Path | None,
    limits: Limits,
    busy_timeout_s: float | None,
) -> int:
    """Run the server until interrupted (SIGINT or SIGTERM)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_UTCFormatter("%(asctime)s %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    logging.getLogger("asyncssh").setLevel(logging.WARNING)
    host, port = parse_listen(listen)
    key_path = host_key_path or data_dir / HOST_KEY_FILE
    key, made = load_host_key(key_path, make=host_key_path is None)
    server = LmpSshServer(db, url, data_dir, limits, busy_timeout_s=busy_timeout_s)

    async def main() -> None:
        try:
            acceptor = await server.start(host, port, key)
        except OSError as err:
            raise InvalidInput(
                f"Cannot listen on {host}:{port} ({err.strerror or err}); another program may be "
                "using the port: choose another with --listen HOST:PORT."
            ) from None
        bound = acceptor.sockets[0].getsockname()[1] if acceptor.sockets else port
        print(f"lmp-tui serve-ssh: listening on {host}:{bound} for {db.display_url}", flush=True)
        print(f"host key {host_fingerprint(key)} ({key_path}{', made now' if made else ''})", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        server.stop_watching()
        acceptor.close()
        await acceptor.wait_closed()

    asyncio.run(main())
    return 0
