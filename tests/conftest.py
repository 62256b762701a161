"""Shared fixtures: a real SQLite file for in-process tests, a real PostgreSQL server for
the CLI tests that run against both databases, and the shared data when it is there."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

# Before Django reads its settings: a real SQLite file, and a static root that exists.
_TMP = Path(tempfile.mkdtemp(prefix="reception-tests-"))
os.environ["RECEPTION_DATABASE_URL"] = f"sqlite:///{_TMP / 'reception.db'}"
os.environ["RECEPTION_TEST_SQLITE"] = str(_TMP / "test-reception.db")
os.environ["RECEPTION_STATIC_ROOT"] = str(_TMP / "static")
# The verdict model's ONNX export is built once per test session, here, not in ~/.cache.
os.environ["RECEPTION_CACHE"] = str(_TMP / "cache")
(_TMP / "static").mkdir(exist_ok=True)

ROOT = Path(__file__).resolve().parent.parent
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


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path):
    """A fresh, empty database of each kind, by URL, for CLI tests."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'cli.db'}"
    server = request.getfixturevalue("postgres_url")
    return server.new_database()


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
