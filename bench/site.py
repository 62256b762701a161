"""Site speed: a film page of the ~1M-review database (rt.reviews replicated) and a static file,
both served by `reception serve` (gunicorn + whitenoise), loaded with `wrk` on loopback in the
same run.

    python -m bench.site [--copies 19] [--data ../shared/data] [--keep DIR] [--seconds 10]
                         [--workers 4] [--connections 16]

Goals: p99 ≤ 25 ms, ≥ 500 req/s, and ≥ 0.3× the static file's req/s. The database is built
by `reception ingest` and `reception score --all` (not timed). The film is the one with the
most reviews; its first request (a fresh worker, uncached) is timed on its own, then wrk
measures the steady state, where pages come from the cache until the data changes, and, for
information, the same page when every request misses the cache (as right after an edit).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request

from .ingest import replica_setup, replicate


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(port: int, server, timeout: float = 120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("bench.site: the server stopped")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    sys.exit("bench.site: the server did not start")


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


# Each request asks for a review page number no one asked for before (past the last page, it
# shows the last): every one is a cache miss, as after an edit.
UNCACHED_LUA = """
counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, wrk.path .. "?page=" .. counter .. math.random(1e6))
end
"""


def wrk(url: str, seconds: int, connections: int, script: str | None = None) -> dict:
    extra = ["-s", script] if script else []
    done = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", *extra, url],
                          capture_output=True, text=True, check=True)
    out = done.stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50, p99 = (re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)\b", out).groups() for p in ("50", "99"))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"req_s": round(rate, 1), "p50_ms": round(float(p50[0]) * _UNITS[p50[1]], 2),
            "p99_ms": round(float(p99[0]) * _UNITS[p99[1]], 2), "non_2xx": int(errors.group(1)) if errors else 0}


def main(argv=None):
    extra = argparse.ArgumentParser(add_help=False)
    extra.add_argument("--seconds", type=int, default=10)
    extra.add_argument("--workers", type=int, default=4)
    extra.add_argument("--connections", type=int, default=16)
    mine, rest = extra.parse_known_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("bench.site: needs wrk (apt install wrk)")
    args, source, workdir = replica_setup("site", __doc__.splitlines()[0], rest)
    db = workdir / "site.db"
    env = {**os.environ, "RECEPTION_DATABASE_URL": f"sqlite:///{db}", "RECEPTION_STATIC_ROOT": str(workdir / "static")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    server = None
    try:
        if not db.exists():
            tsv = workdir / "rt.reviews.x.tsv"
            replicate(source, tsv, args.copies)
            for step in (["ingest", str(tsv), "--no-verdicts", "--rejects", str(workdir / "rejects.tsv")],
                         ["score", "--all", "--json"]):
                subprocess.run([sys.executable, "-m", "reception.cli", *step], env=env, check=True,
                               capture_output=True, cwd=workdir)
            tsv.unlink()
        with sqlite3.connect(db) as raw:
            reviews = raw.execute("SELECT count(*) FROM catalog_review").fetchone()[0]
            film_id, film_reviews = raw.execute(
                "SELECT film_id, count(*) AS n FROM catalog_review GROUP BY film_id ORDER BY n DESC LIMIT 1").fetchone()
        port = _free_port()
        server = subprocess.Popen([sys.executable, "-m", "reception.cli", "serve", "--port", str(port),
                                   "--workers", str(mine.workers), "--no-access-log"],
                                  env=env, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait(port, server)
        base = f"http://127.0.0.1:{port}"
        film_url = f"{base}/films/{film_id}-x"
        static_url = f"{base}/static/web/site.css"
        start = time.perf_counter()
        with urllib.request.urlopen(film_url) as first:
            first.read()
        cold_ms = (time.perf_counter() - start) * 1e3
        for url in (film_url, static_url):  # every worker has the page before timing
            wrk(url, 2, mine.connections)
        page = wrk(film_url, mine.seconds, mine.connections)
        static = wrk(static_url, mine.seconds, mine.connections)
        lua = workdir / "uncached.lua"
        lua.write_text(UNCACHED_LUA)
        uncached = wrk(film_url, mine.seconds, mine.connections, str(lua))
        print(json.dumps({
            "bench": "site", "reviews": reviews, "film_reviews": film_reviews, "workers": mine.workers,
            "connections": mine.connections, "seconds": mine.seconds,
            "baseline": "static file (site.css) from the same server",
            "film_page": page, "static_file": static, "film_page_uncached": uncached,
            "film_page_first_request_ms": round(cold_ms, 1),
            "ratio_req_s": round(page["req_s"] / static["req_s"], 3),
            "goals": {"p99_ms": 25, "req_s": 500, "ratio_req_s": 0.3},
            "met": page["p99_ms"] <= 25 and page["req_s"] >= 500 and page["req_s"] / static["req_s"] >= 0.3,
        }))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
