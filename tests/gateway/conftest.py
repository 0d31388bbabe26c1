"""A gateway in front of a loopback simulator, students with their own clients, and (when the
machine has it) a private PostgreSQL server."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from sora_widgets.client import SoraClient
from sora_widgets.gateway import Gateway
from sora_widgets.gateway.ratelimit import Limit
from sora_widgets.simulator import Simulator

# The teacher's key: a canary that must never reach a student, a log line or an answer.
TEACHER_KEY = "sk-teacher-CANARY-7f3a9c1e5b2d4f60"
# Generous limits so only the tests about limits meet them.
RELAXED = {"create": Limit(burst=500, per_second=500), "poll": Limit(burst=1000, per_second=1000)}


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulator]:
    """One loopback simulator per module: identical shots render once, which keeps this fast.
    Tests count upstream tasks by their own teacher key (``teacher_key``), never in total."""
    with Simulator(speed="instant", state_dir=tmp_path_factory.mktemp("sim")) as simulator:
        yield simulator


@pytest.fixture(scope="module")
def sim_url(sim: Simulator) -> Iterator[str]:
    with sim.serve() as url:
        yield url


@pytest.fixture
def teacher_key() -> str:
    """This test's teacher key: the canary plus a suffix, so the shared simulator's ledger
    counts this test's tasks only."""
    return f"{TEACHER_KEY}-{secrets.token_hex(4)}"


@pytest.fixture
def make_gateway(
    tmp_path: Path, sim_url: str, teacher_key: str
) -> Iterator[Callable[..., tuple[Gateway, str]]]:
    """make_gateway(db=None, **kwargs) -> (gateway, base URL), served on loopback."""
    with ExitStack() as stack:

        def make(db: Any = None, **kwargs: Any) -> tuple[Gateway, str]:
            kwargs.setdefault("limits", RELAXED)
            gateway = Gateway(
                db if db is not None else tmp_path / "gateway.sqlite3",
                upstream=kwargs.pop("upstream", sim_url),
                api_key=kwargs.pop("api_key", teacher_key),
                **kwargs,
            )
            stack.callback(gateway.close)
            url = stack.enter_context(gateway.serve())
            return gateway, url

        yield make


@pytest.fixture
async def student_client(tmp_path: Path) -> AsyncIterator[Callable[[str, str], SoraClient]]:
    """student_client(url, key): an unchanged SoraClient pointed at the gateway, own journal."""
    from sora_widgets.journal import Journal

    clients: list[SoraClient] = []

    def make(url: str, key: str) -> SoraClient:
        name = f"student{len(clients)}"
        client = SoraClient(
            api_key=key,
            connect=url,
            journal=Journal(tmp_path / f"{name}.sqlite3"),
            download_dir=tmp_path / f"{name}-videos",
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()
        if client.journal is not None:
            client.journal.close()


# --- PostgreSQL: a private throwaway cluster ----------------------------------------------------


def _pg_bin() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL server of our own on a free loopback port, removed afterwards.

    As root, PostgreSQL refuses to run, so the cluster belongs to the ``postgres`` user that
    Debian's package creates (scripts/test.sh installs the package when it is missing).
    """
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (scripts/test.sh installs Debian's postgresql)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed (pip install 'sora-widgets[gateway]')")
    runas: list[str] = []
    if os.geteuid() == 0:
        import pwd

        if shutil.which("runuser") is None:
            pytest.skip("running as root without runuser: cannot start PostgreSQL as another user")
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip(
                "running as root and no 'postgres' user to run PostgreSQL as (apt-get install postgresql)"
            )
        runas = ["runuser", "-u", "postgres", "--"]
    root = Path(tempfile.mkdtemp(prefix="sw-pg-"))
    if runas:
        shutil.chown(root, user="postgres")
    data = root / "data"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE}
    subprocess.run(
        [*runas, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"],
        check=True,
        **quiet,  # type: ignore[arg-type]
    )
    # A port found free can be taken by another program before PostgreSQL binds it (parallel
    # sessions): it then fails to start, and is started again on another port.
    for attempt in range(5):
        port = _free_port()
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        started = subprocess.run(
            [
                *runas,
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "-l",
                str(root / "log"),
                "start",
            ],
            check=False,
            **quiet,  # type: ignore[arg-type]
        )
        if started.returncode == 0:
            break
        if attempt == 4:
            started.check_returncode()
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*runas, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], **quiet)  # type: ignore[arg-type]
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg_db(postgres_url: str) -> Iterator[str]:
    """A fresh database on the private server for one test."""
    import psycopg

    name = f"gw_{int(time.time() * 1000) % 10**9}_{os.getpid()}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield postgres_url.rsplit("/", 1)[0] + f"/{name}"
