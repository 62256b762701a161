"""Our verdicts beside the critics' own Fresh/Rotten labels, and our % beside Rotten Tomatoes'
published %, on the real data.

    python -m bench.labels [--data ../shared/data] [--keep DIR]

rt-movies, rt-reviews and rt-kaggle are imported into a new SQLite database with `reception
ingest` (not timed), and one JSON object is printed:
- labelled: reviews that carry RT's own label; agree: those whose verdict is that label;
  contradicted: those whose verdict is the other one;
- conflicts: reviews marked for an editor because their rating reads the other way from their
  label; held: of them, those whose rating is left out of the averages (an inferred scale);
- bare: ratings published as a bare number ("7"); bare_read: of them, read on a scale;
  bare_disagree: read, and reading the other way from the review's label;
- percent_mae: the mean absolute difference, in points, between our % positive and RT's
  published % over the rt-movies films we score (films: how many), beside the same over our
  figures recomputed from the labels alone (labels_mae: what the data itself allows);
- baseline: the same reviews, as now read, decided in the order used before (a decisive rating
  before the label), computed in the same run: how many verdicts contradict the label, and
  the % difference from RT's.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETS = ("rt-movies", "rt-reviews", "rt-kaggle")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--keep", default=None, help="Keep (and reuse) the database in this folder.")
    args = parser.parse_args(argv)
    data = Path(args.data)
    missing = [name for name in SETS if not (data / name).exists()]
    if missing:
        sys.exit(f"bench.labels: {', '.join(missing)} not found under {data}; pass --data")
    workdir = Path(args.keep or tempfile.mkdtemp(prefix="reception-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "labels.db"
    os.environ["RECEPTION_DATABASE_URL"] = f"sqlite:///{db}"
    if not db.exists():
        for name in SETS:
            subprocess.run([sys.executable, "-m", "reception.cli", "ingest", str(data / name), "--json",
                            "--rejects", str(workdir / f"{name}.rejects.tsv")], check=True, capture_output=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reception.settings")
    import django

    django.setup()
    print(json.dumps(measure(), indent=1))


def measure() -> dict:
    from django.db import connection

    from reception import ratings
    from reception.rules import VerdictRules, rating_verdict
    from reception.rules import held as held_sql

    rules = VerdictRules()
    with connection.cursor() as c:
        c.execute("SELECT count(*), coalesce(sum(verdict = label), 0), coalesce(sum(verdict <> label AND verdict <> ''), 0) "
                  "FROM catalog_review WHERE label <> ''")
        labelled, agree, contradicted = c.fetchone()
        columns = {column.name for column in connection.introspection.get_table_description(c, "catalog_review")}
        conflicts = held = None
        if "conflict" in columns:
            c.execute(f"SELECT count(*), coalesce(sum(CASE WHEN {held_sql()} THEN 1 ELSE 0 END), 0) FROM catalog_review WHERE conflict <> ''")
            conflicts, held = c.fetchone()
        c.execute("SELECT rating_raw, rating, rating_scale, label FROM catalog_review WHERE rating_raw <> ''")
        bare = bare_read = bare_disagree = 0
        for raw, score, scale, label in c.fetchall():
            if ratings.parse_rating(raw).flag != ratings.NO_SCALE:
                continue
            bare += 1
            if score is None:
                continue
            bare_read += 1
            bare_disagree += bool(label) and rating_verdict(score, scale, rules.thresholds) != label
        c.execute("SELECT count(*), avg(abs(s.percent - p.percent_positive)) FROM scores_filmscore s "
                  "JOIN catalog_publishedscore p ON p.film_id = s.film_id AND p.source = 'rt-movies' "
                  "WHERE s.percent IS NOT NULL AND p.percent_positive IS NOT NULL")
        films, mae = c.fetchone()
        # The same films' % from the labels alone: how close the data lets any verdict rule come.
        c.execute("SELECT avg(abs(100.0 * l.pos / l.n - p.percent_positive)) FROM scores_filmscore s "
                  "JOIN catalog_publishedscore p ON p.film_id = s.film_id AND p.source = 'rt-movies' "
                  "JOIN (SELECT film_id, sum(label = 'positive') AS pos, count(*) AS n FROM catalog_review "
                  "      WHERE label <> '' GROUP BY film_id) l ON l.film_id = s.film_id "
                  "WHERE s.percent IS NOT NULL AND p.percent_positive IS NOT NULL")
        (labels_mae,) = c.fetchone()
        baseline = rating_first(c, rules)
    return {
        "bench": "labels", "labelled": labelled, "agree": agree, "contradicted": contradicted,
        "agreement": round(agree / labelled, 4) if labelled else None,
        "conflicts": conflicts, "held": held,
        "bare": bare, "bare_read": bare_read, "bare_disagree": bare_disagree,
        "films": films, "percent_mae": round(mae, 2) if mae is not None else None,
        "labels_mae": round(labels_mae, 2) if labels_mae is not None else None,
        "baseline": baseline,
    }


def rating_first(c, rules) -> dict:
    """The stored reviews decided with a decisive rating before the label (the order before),
    and the films' % from those verdicts beside RT's."""
    from reception.rules import rating_verdict

    c.execute("SELECT film_id, rating, rating_scale, label, verdict, decided_by FROM catalog_review")
    counts, contradicted = {}, 0
    for film_id, score, scale, label, verdict, decided_by in c.fetchall():
        if decided_by != "editor" and score is not None and rules.split_share(score, scale) is None:
            verdict = rating_verdict(score, scale, rules.thresholds)
        contradicted += bool(label) and verdict != label
        if verdict:
            pos, total = counts.get(film_id, (0, 0))
            counts[film_id] = (pos + (verdict == "positive"), total + 1)
    c.execute("SELECT s.film_id, p.percent_positive FROM scores_filmscore s "
              "JOIN catalog_publishedscore p ON p.film_id = s.film_id AND p.source = 'rt-movies' "
              "WHERE s.percent IS NOT NULL AND p.percent_positive IS NOT NULL")
    diffs = [abs(100.0 * counts[f][0] / counts[f][1] - rt) for f, rt in c.fetchall() if f in counts]
    return {"order": "a decisive rating before the label", "contradicted": contradicted,
            "percent_mae": round(sum(diffs) / len(diffs), 2) if diffs else None}


if __name__ == "__main__":
    main()
