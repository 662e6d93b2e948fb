"""A throwaway PostgreSQL cluster for the test session, on a loopback port.

PostgreSQL refuses to run as root; when the tests run as root (as CI does) the cluster is
created and started as the ``postgres`` system user, in a temporary directory it owns.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .waiting import wait_until


def _bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    directory: Path
    port: int
    as_user: list[str]
    pg_ctl: str

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{dbname}"

    def stop(self) -> None:
        subprocess.run([*self.as_user, self.pg_ctl, "-D", str(self.directory / "data"), "-m", "immediate",
                        "stop"], capture_output=True, timeout=60)
        shutil.rmtree(self.directory, ignore_errors=True)


def start_cluster() -> Cluster:
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    if not initdb or not pg_ctl:
        raise RuntimeError(
            "PostgreSQL's initdb/pg_ctl were not found; install the 'postgresql' package "
            "(.ci/run does this) to run the PostgreSQL half of the tests."
        )
    as_user: list[str] = []
    directory = Path(tempfile.mkdtemp(prefix="lmp-pg-"))
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(directory, "postgres")
        os.chmod(directory, 0o700)
    data = directory / "data"
    subprocess.run([*as_user, initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                    "--no-locale"], check=True, capture_output=True, timeout=120)
    port = _free_port()
    opts = (f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={directory} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60")
    subprocess.run([*as_user, pg_ctl, "-D", str(data), "-o", opts, "-l", str(directory / "log"), "-w",
                    "-t", "60", "start"], check=True, capture_output=True, timeout=90)
    cluster = Cluster(directory, port, as_user, pg_ctl)

    def listening() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            return False

    try:
        wait_until(listening, 30, "the PostgreSQL test cluster listening")
    except AssertionError:
        cluster.stop()
        raise RuntimeError("the PostgreSQL test cluster did not start listening") from None
    return cluster
