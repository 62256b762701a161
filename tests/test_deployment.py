"""Deployed as the docs say (docs/security.md): Django's deployment check is clean, limits hold
across server processes (a folder of this machine, or Redis), an error is logged with its
cause, and writers wait for each other rather than fail (an API write during an import; two
PostgreSQL imports bringing the same new names)."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import time

import pytest

from .conftest import Served, cli_env, run_cli

KEY = secrets.token_urlsafe(50)


def _django_check(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
                          env={**env, "DJANGO_SETTINGS_MODULE": "reception.settings"}, capture_output=True, text=True)


def test_deployment_check_is_clean_in_deployed_mode(tmp_path):
    env = {**cli_env(f"sqlite:///{tmp_path / 'd.db'}"), "RECEPTION_DEPLOYED": "1", "RECEPTION_SECRET_KEY": KEY,
           "RECEPTION_ALLOWED_HOSTS": "reviews.example.org"}
    done = _django_check(env)
    assert done.returncode == 0 and "no issues" in done.stdout, done.stdout + done.stderr
    # Not deployed, the same check names what deployed mode turns on.
    plain = _django_check({**env, "RECEPTION_DEPLOYED": ""})
    assert plain.returncode == 1 and all(w in plain.stderr for w in ("W004", "W008", "W012", "W016"))
    # Deployed with the development key: refused before anything is served.
    keyless = _django_check({k: v for k, v in env.items() if k != "RECEPTION_SECRET_KEY"})
    assert keyless.returncode == 1 and "[E005] RECEPTION_DEPLOYED is set" in keyless.stderr


@pytest.fixture
def site(tmp_path):
    db = f"sqlite:///{tmp_path / 'site.db'}"
    run_cli("demo", "--no-serve", db=db)
    return db


@pytest.mark.slow
@pytest.mark.parametrize("shared", ["this machine's folder", "redis"])
def test_deployment_rate_limits_hold_across_server_processes(site, tmp_path, request, shared):
    env = {**cli_env(site), "RECEPTION_API_RATE": "20/m", "RECEPTION_CACHE": str(tmp_path / "cache")}
    if shared == "redis":
        env["RECEPTION_CACHE_URL"] = request.getfixturevalue("redis_url")
    with Served(env, tmp_path / "server.log", workers=2) as served:
        codes = [served.request("/api/v1/search?q=heart")[0] for _ in range(60)]
    # One count for both workers: 20 pass, where counts of their own would let up to 40 through.
    assert codes.count(200) == 20 and codes.count(429) == 40, codes


@pytest.mark.slow
def test_deployment_an_error_is_logged_with_its_cause(site, tmp_path):
    import sqlite3

    film = json.loads(run_cli("reviews", "Salt and Thunder", "--json", db=site).stdout)
    run_cli("score", "--all", db=site)
    with sqlite3.connect(site[len("sqlite:///"):]) as db:  # a stored figure no page can read
        db.execute("UPDATE scores_filmscore SET detail = '[1]' WHERE film_id = ?", [film["id"]])
    url = f"/films/{film['id']}-salt-and-thunder.json"
    with Served(cli_env(site), tmp_path / "server.log") as served:
        status, _, _ = served.request(url)
    log = (tmp_path / "server.log").read_text()
    assert status == 500
    assert f"Internal Server Error: {url}" in log and "Traceback" in log and "AttributeError" in log


def _editor_token_and_film(site):
    """An editor's API token, and the id of a film of the site to write to."""
    subprocess.run([sys.executable, "-m", "reception.cli", "editor", "ed", "--password-stdin"],
                   input="a-long-and-rare-phrase\n", env=cli_env(site), check=True, capture_output=True, text=True)
    token = run_cli("token", "ed", db=site).stdout.strip()
    return token, json.loads(run_cli("reviews", "Salt and Thunder", "--json", db=site).stdout)["id"]


@pytest.mark.slow
def test_deployment_an_api_write_during_an_import_waits_and_succeeds(site, tmp_path):
    token, film = _editor_token_and_film(site)
    big = tmp_path / "big.csv"
    big.write_text("film,critic,outlet,quote,verdict\n" + "".join(
        f"Film {n % 900},Critic {n},Outlet {n % 40},Quote {n},positive\n" for n in range(100_000)))
    with Served(cli_env(site), tmp_path / "server.log") as served:
        importing = subprocess.Popen([sys.executable, "-m", "reception.cli", "ingest", str(big), "--no-verdicts"],
                                     env=cli_env(site), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(2)  # the import holds the write lock now
        assert importing.poll() is None, "the import finished before the write could meet it"
        began = time.monotonic()
        status, _, body = served.request(
            f"/api/v1/films/{film}/reviews", method="POST",
            data=json.dumps({"critic": "Late Critic", "outlet": "Daily", "rating": "3/4"}).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        waited = time.monotonic() - began
        out, err = importing.communicate(timeout=120)
    assert importing.returncode == 0, err
    assert status == 201 and json.loads(body)["imported"] == 1, body
    assert waited > 1  # it waited for the import's commit


@pytest.mark.slow
def test_deployment_postgres_imports_racing_on_new_names_both_succeed(postgres_url, tmp_path):
    db = postgres_url.new_database()
    run_cli("init", db=db)
    rows = "".join(f"Film {n % 50},Critic {n % 300},Outlet {n % 30},Said {n} {{}},positive\n" for n in range(20_000))
    files = []
    for side in ("a", "b"):
        path = tmp_path / f"{side}.csv"
        path.write_text("film,critic,outlet,quote,verdict\n" + rows.replace("{}", side))
        files.append(path)
    racing = [subprocess.Popen([sys.executable, "-m", "reception.cli", "ingest", str(path), "--no-verdicts", "--json"],
                               env=cli_env(db), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for path in files]
    reports = []
    for proc in racing:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        reports.append(json.loads(out))
    assert [r["imported"] for r in reports] == [20_000, 20_000]
    counted = json.loads(run_cli("reviews", "Film 1", "--json", db=db).stdout)
    assert len(counted["reviews"]) == 800  # 400 of each file, under one film
    import psycopg

    with psycopg.connect(db) as conn:
        critics = conn.execute("SELECT count(*), count(DISTINCT name_key) FROM catalog_critic").fetchone()
        films = conn.execute("SELECT count(*) FROM catalog_film").fetchone()[0]
    assert critics == (300, 300) and films == 50


@pytest.mark.slow
def test_deployment_a_write_that_waits_too_long_is_a_503_to_retry(site, tmp_path):
    import sqlite3

    token, film = _editor_token_and_film(site)
    with Served({**cli_env(site), "RECEPTION_SQLITE_TIMEOUT": "1"}, tmp_path / "server.log") as served:
        holder = sqlite3.connect(site[len("sqlite:///"):], isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # as a long import holds it
        try:
            status, headers, body = served.request(
                f"/api/v1/films/{film}/reviews", method="POST",
                data=json.dumps({"critic": "Late Critic", "outlet": "Daily", "rating": "3/4"}).encode(),
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        finally:
            holder.execute("ROLLBACK")
            holder.close()
    assert status == 503 and headers["Retry-After"] == "60"
    assert json.loads(body) == {"ok": False, "error": json.loads(body)["error"], "errors": [], "status": 503}
    assert "try again" in json.loads(body)["error"]
