"""Shared fixtures: a real SQLite file for in-process tests, a real PostgreSQL server for
the CLI tests that run against both databases, and the shared data when it is there."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .environment import ROOT  # set up before Django's settings were read (see there)

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_DATA = Path(os.environ.get("RECEPTION_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        reason = f"shared data not found at {SHARED_DATA} (set RECEPTION_SHARED_DATA)"
        if os.environ.get("RECEPTION_REQUIRE_SHARED_DATA") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return SHARED_DATA


@pytest.fixture(scope="session")
def postgres_url():
    from .pg import PostgresServer

    server = PostgresServer()
    reason = server.start()
    if reason:
        if os.environ.get("RECEPTION_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL required but could not start: {reason}")
        pytest.skip(f"no PostgreSQL server: {reason}")
    yield server
    server.stop()


# Tests that need these are the slow tier's (`pytest -m "not slow"` leaves them out; `make test`
# runs everything): a PostgreSQL server started for the run, the public data sets, a browser.
SLOW_FIXTURES = {"postgres_url", "shared_data", "served", "redis_url"}


def pytest_collection_modifyitems(items):
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A Redis server of Debian's redis-server package on a free port of 127.0.0.1, for the run."""
    import shutil
    import socket
    import time

    binary = shutil.which("redis-server")
    if binary is None:
        reason = "no redis-server (apt-get install redis-server)"
        if os.environ.get("RECEPTION_REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis required but could not start: {reason}")
        pytest.skip(reason)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    folder = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                               "--dir", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            assert server.poll() is None and time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=20)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.slow)])
def db_url(request, tmp_path):
    """A fresh, empty database of each kind, by URL, for CLI tests."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'cli.db'}"
    server = request.getfixturevalue("postgres_url")
    return server.new_database()


class InProcess:
    """`reception` run in this process by click's test runner, on the test's own database (SQLite,
    rolled back after the test): for what a command prints and stores, where a process of its
    own is not the point (run_cli starts one)."""

    vendor = "sqlite"

    def __call__(self, *args, check: bool = True) -> subprocess.CompletedProcess:
        from click.testing import CliRunner

        from reception.cli import main

        result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
        done = subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)
        if check and done.returncode != 0:
            raise AssertionError(f"reception {' '.join(map(str, args))} failed:\n{done.stderr}")
        return done

    def sql(self, statement: str, params=()) -> list:
        """Rows of a statement (placeholders %s) on this database."""
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(statement, params or None)
            return cursor.fetchall() if cursor.description else []


class OwnProcesses:
    """`reception` run in processes of its own on the database `url`."""

    def __init__(self, url: str):
        self.url = url
        self.vendor = "postgresql" if url.startswith("postgres") else "sqlite"

    def __call__(self, *args, check: bool = True) -> subprocess.CompletedProcess:
        return run_cli(*args, db=self.url, check=check)

    def sql(self, statement: str, params=()) -> list:
        """Rows of a statement (placeholders %s) on this database."""
        if self.vendor == "sqlite":
            import sqlite3

            with sqlite3.connect(self.url[len("sqlite:///"):]) as db:
                return db.execute(statement.replace("%s", "?"), params).fetchall()
        import psycopg

        with psycopg.connect(self.url) as db:
            cursor = db.execute(statement, params)
            return cursor.fetchall() if cursor.description else []


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker):
    """One transaction around a whole module, for data its tests share, built once by the
    module's own fixtures (which ask for this one): each test's own transaction is a savepoint
    inside it, rolled back after the test; the module's data is rolled back after the module.
    (A test that closes a streamed response itself closes the connection, as a server does
    after a request, and the module's data with it: read the response through instead.)"""
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(scope="module")
def demo_data(module_db, tmp_path_factory) -> dict[str, int]:
    """The demo data imported once for the module, as `ingest` leaves it (no figures yet):
    its films' ids by title."""
    from reception.catalog.models import Film
    from reception.cli import DEMO_DATA
    from reception.ingest import ingest

    ingest(DEMO_DATA, rejects_path=tmp_path_factory.mktemp("demo") / "rejects.tsv")
    return dict(Film.objects.values_list("title", "pk"))


@pytest.fixture
def cli(db):
    """`reception` in this process, on the test database (InProcess)."""
    return InProcess()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.slow)])
def reception(request, db):
    """`reception` on each kind of database, empty to start with: SQLite in this process (the
    test database: `db` is asked for as an argument, as pytest-django sets the test database up
    only then), PostgreSQL on a new database of a server started for the run, in processes of
    its own."""
    if request.param == "sqlite":
        return InProcess()
    return OwnProcesses(request.getfixturevalue("postgres_url").new_database())


class Served:
    """`reception serve` in a process of its own on a free port of 127.0.0.1, its output in `log`."""

    def __init__(self, env: dict, log: Path, workers: int = 1):
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.output = open(log, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "reception.cli", "serve", "--port", str(self.port), "--workers", str(workers),
             "--no-access-log"], env=env, stdout=self.output, stderr=subprocess.STDOUT)

    def __enter__(self):
        import time
        import urllib.error
        import urllib.request

        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.base + "/-/versions.json", timeout=5):
                    return self
            except (urllib.error.URLError, ConnectionError):
                assert self.process.poll() is None and time.monotonic() < deadline, self.log.read_text()
                time.sleep(0.2)

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.output.close()

    def request(self, path: str, data=None, headers=None, method=None) -> tuple[int, dict, bytes]:
        """(status, headers, body) of one request; an HTTP error's status is returned, not raised."""
        import urllib.error
        import urllib.request

        sent = urllib.request.Request(self.base + path, data=data, headers=headers or {}, method=method)
        try:
            with urllib.request.urlopen(sent, timeout=60) as answer:
                return answer.status, dict(answer.headers), answer.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()


def cli_env(db: str) -> dict:
    """The environment of a `reception` subprocess pointed at database `db`."""
    env = {**os.environ, "RECEPTION_DATABASE_URL": db}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def run_cli(*args, db: str, check: bool = True, cwd=None, **kwargs) -> subprocess.CompletedProcess:
    env = cli_env(db)
    done = subprocess.run(
        [sys.executable, "-m", "reception.cli", *map(str, args)],
        env=env, capture_output=True, text=True, cwd=cwd, **kwargs,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"reception {' '.join(map(str, args))} failed:\n{done.stderr}")
    return done


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test's database starts over, and with it the data version the page cache keys on:
    a page cached by an earlier test must not answer a later one (nor its rate-limit counts)."""
    yield
    from django.core.cache import caches

    for name in ("default", "pages"):
        caches[name].clear()


@pytest.fixture
def collector(settings, monkeypatch):
    """The web collector's settings for a site on loopback (tests/outlet_site.py), in this
    process and in `reception` processes: private addresses allowed (the site is on
    127.0.0.1), no pause between requests, short time limits, and a contact."""
    values = {"RECEPTION_COLLECT_ALLOW_PRIVATE": True, "RECEPTION_COLLECT_HOST_INTERVAL": 0.0,
              "RECEPTION_COLLECT_TIMEOUT": 10.0, "RECEPTION_COLLECT_RETRIES": 2,
              "RECEPTION_COLLECT_MAX_BYTES": 2_000_000, "RECEPTION_COLLECT_CONTACT": "mailto:desk@example.org"}
    for name, value in values.items():
        setattr(settings, name, value)
        monkeypatch.setenv(name, "1" if value is True else str(value))
    return values
