"""The SSH server's host key: made on the first start in the data directory (Ed25519,
readable by its owner only), or the private key file given with ``--host-key``.

Every problem with the file is one sentence saying what to do (never a traceback): it is
missing, a link to nothing, a folder, a pipe or a device (opened without waiting, and
checked to be a regular file on the open descriptor), empty, larger than a key can be
(at most 64 KB is read), a public key instead of the private one, readable by other users
(``chmod 600``), protected by a passphrase, not a key at all, or too weak (RSA under
2048 bits, DSA)."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import asyncssh

from lmp_tui.commands.ssh_keys import MIN_RSA_BITS
from lmp_tui.errors import InvalidInput
from lmp_tui.files import make_folder

#: the most read of a host key file: an Ed25519 key is about 400 bytes, RSA-8192 about 7 KB
MAX_HOST_KEY_BYTES = 64 * 1024
_MAKE_ONE = "ssh-keygen -t ed25519 -N '' -f FILE makes one"


def load_host_key(path: Path, *, make: bool = True) -> tuple[asyncssh.SSHKey, bool]:
    """The host key at ``path`` and whether it was made now. With ``make`` (the default
    place in the data directory), a missing key is made; otherwise it is refused."""
    if os.path.islink(path) and not os.path.exists(path):
        raise InvalidInput(
            f"The host key {path} is a link to {os.readlink(path)}, which does not exist; point it at "
            "the server's private host key, or give another with --host-key."
        )
    if make and not os.path.lexists(path):
        return _make(path), True
    advice = (
        "move it away to have a new one made, or give another with --host-key"
        if make
        else f"give the server's private host key with --host-key ({_MAKE_ONE})"
    )
    data, mode = _read(path, advice)
    if not data.strip():
        raise InvalidInput(f"The host key {path} is empty; {advice}.")
    if _is_public(data):
        raise InvalidInput(
            f"{path} is a public key (a .pub file); give the private key, the file of the same name without .pub."
        )
    if mode & 0o077:
        raise InvalidInput(
            f"The host key {path} can be read or changed by other users of this machine (mode "
            f"{stat.S_IMODE(mode):04o}); a private key must be its owner's alone: chmod 600 {path}, "
            "then start the server again."
        )
    try:
        key = asyncssh.import_private_key(data)
    except (asyncssh.KeyImportError, ValueError, TypeError) as err:
        if "passphrase" in str(err).lower():
            raise InvalidInput(
                f"The host key {path} is protected by a passphrase, which the server cannot type "
                f"when it starts; give a key without one ({_MAKE_ONE})."
            ) from None
        raise InvalidInput(
            f"The host key {path} is not a private key the server can read (it is damaged, or "
            f"another kind of file); {advice}."
        ) from None
    _strong_enough(key, path)
    return key, False


def _make(path: Path) -> asyncssh.SSHKey:
    key = asyncssh.generate_private_key("ssh-ed25519")
    make_folder(path.parent)  # owner-only, as every folder lmp-tui makes (lmp_tui.files)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key.export_private_key())
    path.with_name(path.name + ".pub").write_bytes(key.export_public_key())
    return key


def _read(path: Path, advice: str) -> tuple[bytes, int]:
    """At most :data:`MAX_HOST_KEY_BYTES` of a regular file; opening never waits (a pipe
    with no writer, a device), and what it is is checked on the open descriptor."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except FileNotFoundError:
        raise InvalidInput(
            f"There is no host key {path}; give the server's private host key with --host-key "
            f"({_MAKE_ONE}), or leave --host-key out to have one made in the data directory."
        ) from None
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise InvalidInput(
                f"The host key {path} is a link that leads back to itself; point it at the server's "
                "private host key, or give another with --host-key."
            ) from None
        raise InvalidInput(
            f"Cannot read the host key {path} ({err.strerror or 'refused'}); run the server as the "
            "key's owner, or give another with --host-key."
        ) from None
    try:
        mode = os.fstat(fd).st_mode
        kind = stat.S_IFMT(mode)
        if kind == stat.S_IFDIR:
            raise InvalidInput(
                f"{path} is a folder, not a host key; give the private key file with --host-key ({_MAKE_ONE})."
            )
        if kind != stat.S_IFREG:
            what = {
                stat.S_IFIFO: "a pipe",
                stat.S_IFCHR: "a device",
                stat.S_IFBLK: "a device",
                stat.S_IFSOCK: "a socket",
            }.get(kind, "not a regular file")
            raise InvalidInput(
                f"The host key {path} is {what}, not a key file; give the server's private host key "
                "file with --host-key."
            )
        os.set_blocking(fd, True)
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, MAX_HOST_KEY_BYTES + 1 - size):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_HOST_KEY_BYTES:
                raise InvalidInput(
                    f"The host key {path} is larger than {MAX_HOST_KEY_BYTES // 1024} KB, far more "
                    f"than a key; {advice}."
                )
        return b"".join(chunks), mode
    except OSError as err:
        raise InvalidInput(f"Cannot read the host key {path} ({err.strerror or 'refused'}); {advice}.") from None
    finally:
        os.close(fd)


def _is_public(data: bytes) -> bool:
    if b"PRIVATE KEY" in data:
        return False
    try:
        asyncssh.import_public_key(data)
    except (asyncssh.KeyImportError, ValueError, TypeError):
        return False
    return True


def _strong_enough(key: asyncssh.SSHKey, path: Path) -> None:
    algorithm = key.get_algorithm()
    if algorithm == "ssh-dss":
        raise InvalidInput(
            f"The host key {path} is a DSA key, which clients no longer accept; make an Ed25519 key "
            f"instead ({_MAKE_ONE})."
        )
    bits = getattr(getattr(key, "pyca_key", None), "key_size", None)
    if algorithm == "ssh-rsa" and bits is not None and bits < MIN_RSA_BITS:
        raise InvalidInput(
            f"The host key {path} is an RSA key of {bits} bits; the server needs {MIN_RSA_BITS} or "
            f"more. Make an Ed25519 key instead ({_MAKE_ONE})."
        )
