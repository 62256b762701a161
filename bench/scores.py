"""Scoring speed: `reception score --all` over rt.reviews replicated to ~1M reviews, beside a bare
`SELECT film_id, avg(rating) … GROUP BY film_id` over the same table in the same run.

    python -m bench.scores [--copies 19] [--data ../shared/data] [--keep DIR]

Goal: ≤ 2 s and ≤ 5× the bare aggregate. The database is built with `reception ingest` (not
timed). Timed, in order:
- first: `score()` on a database with no stored score (every film computed and written);
- rescore: `score()` again, nothing changed: every film checked, none computed (the steady state);
- after_edits: the verdicts of 1% of the films' reviews flipped in SQL behind the scorer's back,
  then `score()`: every film checked, the changed ones computed;
- full: `score(full=True)`, every film computed again.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import statistics
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
            # A kept database starts over: the first run finds no stored score.
            raw.execute("DELETE FROM scores_scoresnapshot")
            raw.execute("DELETE FROM scores_filmscore")
            reviews = raw.execute("SELECT count(*) FROM catalog_review").fetchone()[0]
            raw.execute("SELECT film_id, avg(rating) FROM catalog_review GROUP BY film_id").fetchall()  # warm
            bare = []
            for _ in range(3):
                start = time.perf_counter()
                films = len(raw.execute("SELECT film_id, avg(rating) FROM catalog_review GROUP BY film_id").fetchall())
                bare.append(time.perf_counter() - start)
            bare_s = statistics.median(bare)
        start = time.perf_counter()
        first = score()
        first_s = time.perf_counter() - start
        again_runs = []
        for _ in range(3):
            start = time.perf_counter()
            again = score()
            again_runs.append(time.perf_counter() - start)
        again_s = statistics.median(again_runs)
        with sqlite3.connect(db) as raw:
            raw.execute("UPDATE catalog_review SET verdict = CASE verdict WHEN 'positive' THEN 'negative' "
                        "ELSE 'positive' END WHERE film_id % 100 = 7 AND verdict <> ''")
            edited_films = raw.execute("SELECT count(DISTINCT film_id) FROM catalog_review "
                                       "WHERE film_id % 100 = 7").fetchone()[0]
        start = time.perf_counter()
        edited = score()
        edited_s = time.perf_counter() - start
        start = time.perf_counter()
        full = score(full=True)
        full_s = time.perf_counter() - start
        print(json.dumps({
            "bench": "scores", "reviews": reviews, "films": films,
            "baseline": "SELECT film_id, avg(rating) FROM catalog_review GROUP BY film_id",
            "baseline_s": round(bare_s, 3), "timing": "baseline and rescore: median of 3 runs",
            "first_s": round(first_s, 3), "first_computed": len(first),
            "rescore_s": round(again_s, 3), "rescore_checked": again.checked, "rescore_computed": len(again),
            "after_edits_s": round(edited_s, 3), "after_edits_films_changed": edited_films,
            "after_edits_computed": len(edited),
            "full_s": round(full_s, 3), "full_computed": len(full),
            "ratio_first": round(first_s / bare_s, 2), "ratio_rescore": round(again_s / bare_s, 2),
            "ratio_after_edits": round(edited_s / bare_s, 2), "ratio_full": round(full_s / bare_s, 2),
            "goal_s": 2.0, "goal_ratio": 5.0,
        }))
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
