"""OpenSSH public keys as an admin gives them (one line of a ``.pub`` file or an
``authorized_keys`` line without options), checked at the edge: the kind of key, the key
itself (it must load), and its fingerprint in OpenSSH's ``SHA256:…`` form, which is how a
key is named everywhere else (``users show``, ``users remove-key``, the server's log)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct
from dataclasses import dataclass

#: the kinds of key the server accepts (DSA and certificates are not)
ALGORITHMS = (
    "ssh-ed25519",
    "ssh-rsa",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
)
MIN_RSA_BITS = 2048
_FINGERPRINT_RE = re.compile(r"^SHA256:[A-Za-z0-9+/]{43}$")
_COMMENT_MAX = 200


@dataclass(frozen=True)
class PublicKey:
    algorithm: str
    blob: bytes
    comment: str

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(self.blob)

    @property
    def openssh(self) -> str:
        """The key as one ``authorized_keys`` line (without its comment)."""
        return f"{self.algorithm} {base64.b64encode(self.blob).decode('ascii')}"


def fingerprint_of(blob: bytes) -> str:
    """OpenSSH's fingerprint of a key: SHA-256 of the key's bytes, base64 without padding."""
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode("ascii").rstrip("=")


def parse_public_key(text: str) -> PublicKey:
    """One OpenSSH public key from the text of a ``.pub`` file; ValueError with a sentence."""
    if "PRIVATE KEY" in text:
        raise ValueError(
            "This is a private key: never hand it over. Give the public key, the file ending in "
            ".pub (e.g. ~/.ssh/id_ed25519.pub)."
        )
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    if len(lines) != 1:
        raise ValueError(
            "Give exactly one public key: one line such as 'ssh-ed25519 AAAA… name@host' "
            f"(the text has {len(lines)} key lines)."
        )
    parts = lines[0].split(None, 2)
    if len(parts) < 2 or parts[0] not in ALGORITHMS:
        if any(p in ALGORITHMS for p in parts[1:2]):
            raise ValueError(
                "The key has options in front of it (an authorized_keys line); give the key alone, "
                "starting with its kind, e.g. 'ssh-ed25519 AAAA…'."
            )
        raise ValueError(
            "This is not an OpenSSH public key of a kind the server accepts; it must start with one "
            f"of {', '.join(ALGORITHMS)} (ssh-keygen -t ed25519 makes one)."
        )
    algorithm, encoded = parts[0], parts[1]
    comment = parts[2].strip() if len(parts) > 2 else ""
    try:
        blob = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(
            "The key's text is damaged (not base64); copy the whole line of the .pub file again."
        ) from None
    if _first_string(blob) != algorithm.encode("ascii"):
        raise ValueError(f"The key's text does not hold a {algorithm} key; copy the whole line of the .pub file again.")
    _loadable(blob, algorithm)
    if any(ord(c) < 32 or ord(c) == 127 for c in comment) or len(comment) > _COMMENT_MAX:
        comment = ""  # a comment is a label only; a strange one is dropped rather than stored
    return PublicKey(algorithm, blob, comment)


def check_fingerprint(text: str) -> str:
    text = text.strip()
    if not _FINGERPRINT_RE.match(text):
        raise ValueError(
            "A key's fingerprint looks like SHA256: followed by 43 characters; `lmp-tui users show "
            "NAME` lists them (or ssh-keygen -lf KEY.pub)."
        )
    return text


def _first_string(blob: bytes) -> bytes | None:
    if len(blob) < 4:
        return None
    (length,) = struct.unpack(">I", blob[:4])
    return blob[4 : 4 + length] if 4 + length <= len(blob) else None


def _loadable(blob: bytes, algorithm: str) -> None:
    """The key must load (asyncssh reads it as the server will), and RSA must be long enough."""
    from asyncssh import KeyImportError
    from asyncssh.public_key import decode_ssh_public_key

    try:
        key = decode_ssh_public_key(blob)
    except (KeyImportError, ValueError):
        raise ValueError(
            "The key's text is damaged: it does not load as a public key. Copy the whole line of the .pub file again."
        ) from None
    if algorithm == "ssh-rsa":
        bits = getattr(getattr(key, "pyca_key", None), "key_size", MIN_RSA_BITS)
        if bits < MIN_RSA_BITS:
            raise ValueError(
                f"This RSA key has {bits} bits; the server accepts {MIN_RSA_BITS} or more. Make an "
                "Ed25519 key instead: ssh-keygen -t ed25519."
            )
