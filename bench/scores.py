"""Scoring speed: `reception score --all` over rt.reviews replicated to ~1M reviews, beside a bare
`SELECT film_id, avg(rating) … GROUP BY film_id` over the same table in the same run.

    python -m bench.scores [--copies 19] [--data ../shared/data] [--keep DIR]

Goal: ≤ 2 s and ≤ 5× the bare aggregate. The database is built with `reception ingest` (not
timed). Scoring runs twice: the first stores every film's figures and first snapshot; the
second is a re-score where little changed, the steady state.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time

from .ingest import replica_setup, replicate


def main(argv=None):
    args, source, workdir = replica_setup("scores", __doc__.splitlines()[0], argv)
    db = workdir / "scores.db"
    env = {**os.environ, "RECEPTION_DATABASE_URL": f"sqlite:///{db}"}
    try:
        if not db.exists():
            tsv = workdir / "rt.reviews.x.tsv"
            replicate(source, tsv, args.copies)
            subprocess.run([sys.executable, "-m", "reception.cli", "ingest", str(tsv), "--json", "--no-verdicts",
                            "--rejects", str(workdir / "rejects.tsv")], env=env, check=True, capture_output=True)
            tsv.unlink()
        os.environ["RECEPTION_DATABASE_URL"] = env["RECEPTION_DATABASE_URL"]
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reception.settings")
        import django

        django.setup()
        from reception.scores.compute import score

        with sqlite3.connect(db) as raw:
            reviews = raw.execute("SELECT count(*) FROM catalog_review").fetchone()[0]
            raw.execute("SELECT film_id, avg(rating) FROM catalog_review GROUP BY film_id").fetchall()  # warm
            start = time.perf_counter()
            films = len(raw.execute("SELECT film_id, avg(rating) FROM catalog_review GROUP BY film_id").fetchall())
            bare_s = time.perf_counter() - start
        start = time.perf_counter()
        scored = len(score())
        first_s = time.perf_counter() - start
        start = time.perf_counter()
        score()
        again_s = time.perf_counter() - start
        print(json.dumps({
            "bench": "scores", "reviews": reviews, "films": films, "films_scored": scored,
            "baseline": "SELECT film_id, avg(rating) FROM catalog_review GROUP BY film_id",
            "baseline_s": round(bare_s, 3),
            "first_score_all_s": round(first_s, 3), "rescore_all_s": round(again_s, 3),
            "ratio_first": round(first_s / bare_s, 2), "ratio_rescore": round(again_s / bare_s, 2),
            "goal_s": 2.0, "goal_ratio": 5.0,
        }))
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
