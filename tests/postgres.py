"""A throwaway PostgreSQL server for the test session (Debian's package, no systemd), and the
`database_url` fixture that runs a suite on SQLite and on PostgreSQL alike.

Suites opt in by importing the fixtures into their conftest and parametrising their own
database fixture over BACKENDS with `backend_database`::

    from tests.postgres import BACKENDS, backend_database, database_url, postgres_server

    @pytest.fixture(params=BACKENDS)
    async def db(request):
        with backend_database(request, request.param, migrated=True) as url:
            ...

The parameters sit on the suite's own fixture, not on a fixture it depends on: pytest does not
see a dependency's parameters through a test module's `def db(db)` override.

The server starts once per session (about two seconds), the first time a PostgreSQL test asks
for it, and stops when pytest ends. Every test gets its own empty database, dropped afterwards.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest

from linkpilot.storage.migrate import upgrade

BACKENDS = ["sqlite", "postgresql"]
SUPERUSER = "postgres"

# Durability buys nothing for a server that lives as long as one test session.
FAST_AND_LOOSE = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


def postgres_bin_dir() -> Path:
    """Debian keeps the server binaries out of PATH, one folder per major version."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name)
    )
    if versions:
        return versions[-1].parent
    found = shutil.which("pg_ctl")
    if found is None:
        raise RuntimeError("PostgreSQL is not installed: apt-get install postgresql (./dev setup does it)")
    return Path(found).resolve().parent


def _free_port() -> int:
    from tests.conftest import free_port

    return free_port()


@dataclass
class PostgresServer:
    port: int
    root: Path
    bin_dir: Path
    as_user: list[str] = field(default_factory=list)
    template: str | None = None

    @property
    def major_version(self) -> int:
        version = self.bin_dir.parent.name
        return int(version) if version.isdigit() else 15

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    def url(self, database: str, driver: str = "postgresql+psycopg") -> str:
        return f"{driver}://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def admin(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user=SUPERUSER, dbname="postgres", autocommit=True
        )

    def create_database(self, template: str | None = None) -> str:
        name = f"t_{uuid.uuid4().hex[:16]}"
        # Copying a small migrated template takes a twentieth of a second; migrating takes ten times more.
        clone = f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""
        with self.admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"{clone}')
        return name

    def migrated_template(self) -> str:
        """A database at head revision, made once per session, for `create_database` to copy."""
        if self.template is None:
            name = self.create_database()
            upgrade(self.url(name))
            self.template = name
        return self.template

    def drop_database(self, name: str) -> None:
        with self.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        self._run(
            str(self.bin_dir / "initdb"),
            "-D",
            str(self.data_dir),
            "-U",
            SUPERUSER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
            "--locale=C.UTF-8",
            # Text sorts the way a typical install sorts it (a language collation), not in byte
            # order as on SQLite: order-dependent code meets the difference here first.
            *(["--locale-provider=icu", "--icu-locale=en-US"] if self.major_version >= 15 else []),
        )
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 {FAST_AND_LOOSE}"
        self._run(
            str(self.bin_dir / "pg_ctl"),
            "-D",
            str(self.data_dir),
            "-l",
            str(self.root / "server.log"),
            "-o",
            options,
            "-w",
            "-t",
            "30",
            "start",
        )

    def stop(self) -> None:
        if (self.data_dir / "postmaster.pid").exists():
            # Fast, not immediate: when pg_ctl returns every server process has exited, so none
            # is still writing into the folder deleted next.
            self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.root)


def start_postgres() -> PostgresServer:
    """initdb into a fresh folder and start the server on a free loopback port.

    PostgreSQL refuses to run as root, so as root the folder belongs to `postgres` and the
    binaries run as that user; pytest's own temp folders are private to root, hence /tmp.
    """
    root = Path(tempfile.mkdtemp(prefix="linkpilot-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        account = pwd.getpwnam(SUPERUSER)
        os.chown(root, account.pw_uid, account.pw_gid)
        as_user = ["runuser", "-u", SUPERUSER, "--"]
    server = PostgresServer(_free_port(), root, postgres_bin_dir(), as_user)
    try:
        server.start()
    except subprocess.CalledProcessError as exc:
        log = root / "server.log"
        detail = log.read_text(errors="replace") if log.exists() else ""
        server.stop()
        raise RuntimeError(f"PostgreSQL did not start: {exc.stderr!r} {detail}") from exc
    return server


_SERVER: list[PostgresServer] = []


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One server for the whole session, shared by every suite that imports this fixture.

    Stopped by the fixture's own teardown, which a pytest-xdist worker runs before it reports
    back (a config cleanup may be cut short when the worker is closed). Each suite's copy of
    the fixture shares the one server; the first teardown stops it, the others find it gone.
    """
    if not _SERVER:
        _SERVER.append(start_postgres())
    yield _SERVER[0]
    if _SERVER:
        _SERVER.pop().stop()


@contextmanager
def backend_database(request: pytest.FixtureRequest, backend: str, *, migrated: bool) -> Iterator[str]:
    """An async URL to a fresh database on `backend`: a file in tmp_path, or a database of its
    own on the session's PostgreSQL server, dropped when the block ends. `migrated`: at head."""
    if backend == "sqlite":
        tmp_path: Path = request.getfixturevalue("tmp_path")
        url = f"sqlite+aiosqlite:///{tmp_path / 'linkpilot.db'}"
        if migrated:
            upgrade(url)
        yield url
        return
    if backend != "postgresql":
        raise ValueError(f"unknown database backend {backend!r}")
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = server.create_database(template=server.migrated_template() if migrated else None)
    try:
        yield server.url(name)
    finally:
        server.drop_database(name)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """An empty database (no schema yet) on the parametrised backend, as an async URL."""
    with backend_database(request, request.param, migrated=False) as url:
        yield url


def only_on(backend: str, fixture: str = "db") -> pytest.MarkDecorator:
    """For a test about one backend's own machinery (a query plan, the file on disk): narrows the
    backend-parametrised `fixture` to `backend`."""
    return pytest.mark.parametrize(fixture, [backend], indirect=True)
