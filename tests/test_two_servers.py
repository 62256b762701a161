"""Past one machine: two `reception serve` processes on two loopback ports, one PostgreSQL and
one Redis between them, as behind a reverse proxy. An edit through one shows at once through
the other, a rate limit holds across both, and a bounded load run gives no errors."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

from .conftest import Served, cli_env, run_cli

PASSWORD = "an-editor-password-for-tests"


def test_two_servers_share_one_postgres_and_one_redis(postgres_url, redis_url, tmp_path):
    db = postgres_url.new_database()
    run_cli("demo", "--no-serve", db=db)
    run_cli("editor", "edna", "--password-stdin", db=db, input=PASSWORD + "\n")
    token = run_cli("token", "edna", db=db).stdout.strip()
    env = {**cli_env(db), "RECEPTION_CACHE_URL": redis_url, "RECEPTION_API_RATE": "30/m",
           "RECEPTION_CACHE": str(tmp_path / "cache")}
    with Served(env, tmp_path / "a.log", workers=2) as one, Served(env, tmp_path / "b.log", workers=2) as other:
        # Both warm their caches with the film; the review is read through the second server.
        for server in (one, other, other):
            status, headers, body = server.request("/films/1.json")
            assert status == 200
        review = json.loads(body)["reviews"]["items"][0]
        etag = headers["ETag"]
        flipped = "negative" if review["verdict"] == "positive" else "positive"

        # The edit goes through the first server …
        status, _, _ = one.request(f"/api/v1/reviews/{review['id']}/verdict", method="POST",
                                   data=json.dumps({"verdict": flipped}).encode(),
                                   headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        assert status == 200
        # … and the second shows it at once: its cached page and its validators are stale.
        status, headers, body = other.request("/films/1.json", headers={"If-None-Match": etag})
        assert status == 200 and headers["ETag"] != etag
        shown = {r["id"]: r for r in json.loads(body)["reviews"]["items"]}[review["id"]]
        assert (shown["verdict"], shown["verdict_source"]) == (flipped, "editor")
        status, _, _ = one.request("/films/1.json", headers={"If-None-Match": headers["ETag"]})
        assert status == 304  # both servers give the same validators for the same data

        # One limit for both: 30 API reads a minute from this address, however they are spread.
        codes = [(one if n % 2 else other).request("/api/v1/films/1")[0] for n in range(60)]
        assert codes.count(200) == 30 and codes.count(429) == 30, codes

        # A bounded load run over both: every answer a 200 or a 304, none an error.
        pages = ["/", "/films", "/films?sort=score", "/films/1.json", "/critics", "/outlets", "/reappraised",
                 "/films/2.json", "/years/1982"]
        began = time.monotonic()
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(lambda n: (one if n % 2 else other).request(pages[n % len(pages)])[0],
                                    range(400)))
        took = time.monotonic() - began
    assert set(answers) <= {200, 304} and len(answers) == 400, sorted(set(answers))
    print(f"400 requests over 2 servers (2 workers each), 8 at a time: {400 / took:.0f} requests/s")
