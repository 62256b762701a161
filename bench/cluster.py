"""Batch verdicts on a Dask cluster beside the one-process path, on the same quotes in the
same run: `reception verdicts` (this process reads every quote) against
`reception verdicts --cluster` with a local cluster of N worker processes on loopback.

    python -m bench.cluster [--quotes 4000] [--workers 2] [--data ../shared/data]

Quotes: Rotten Tomatoes critics' quotes from the shared data (rt-reviews), or, without it,
sentences of our own. Each run starts from the same open reviews in a fresh SQLite database;
the text model is loaded (and its int8 export built) before the clock starts on both sides:
the cluster's workers load it in their first batch, which is counted, as a real run pays it.
On one machine the cluster shares this machine's cores with the one-process path, so the ratio
says what the batching and the transport cost; the gain comes with machines added.
Prints one JSON object: quotes/s of each, and ratio = cluster / one process.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OURS = ["A gorgeous, moving film, beautifully acted.", "A tedious, clumsy mess that never finds its feet.",
        "Funny, warm and wise.", "Dull, lifeless and far too long.", "A triumph of craft and feeling.",
        "An ugly, incoherent bore."]


def quotes(data: Path, n: int) -> tuple[list[str], str]:
    try:
        from reception.verdicts import data as D

        found = [ex.text for ex in D.load_rt_reviews(data) if ex.text][:n]
        if len(found) == n:
            return found, "rt-reviews"
    except (OSError, FileNotFoundError):
        pass
    return [f"{OURS[at % len(OURS)]} ({at})" for at in range(n)], "our own sentences"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quotes", type=int, default=4000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    os.environ["RECEPTION_DATABASE_URL"] = f"sqlite:///{folder / 'b.db'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reception.settings")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import django

    django.setup()
    from distributed import LocalCluster
    from django.core.management import call_command
    from django.db import connection

    from reception.catalog.models import Film, Review
    from reception.verdicts.decide import decide_verdicts
    from reception.verdicts.model import shared_text_model

    call_command("migrate", verbosity=0)
    texts, source = quotes(args.data, args.quotes)
    film = Film.objects.create(title="Bench", title_key="bench")
    Review.objects.bulk_create([Review(film=film, quote=t, dedupe_key=at + 1) for at, t in enumerate(texts)],
                               batch_size=2000)
    shared_text_model().probabilities(["warm up"])  # the model and its export ready, here

    def reopen():
        with connection.cursor() as c:
            c.execute("UPDATE catalog_review SET verdict = '', decided_by = '', verdict_probability = NULL")

    began = time.perf_counter()
    one = decide_verdicts()
    one_s = time.perf_counter() - began
    here = dict(Review.objects.values_list("pk", "verdict"))
    reopen()
    with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, silence_logs=50) as cluster:
        began = time.perf_counter()
        on_cluster = decide_verdicts(cluster=cluster.scheduler_address)
        cluster_s = time.perf_counter() - began
    there = dict(Review.objects.values_list("pk", "verdict"))
    same = sum(here[pk] == there.get(pk) for pk in here) / len(here)
    print(json.dumps({
        "bench": "cluster", "quotes": len(texts), "source": source, "workers": args.workers,
        "cores": os.cpu_count(), "baseline": "reception verdicts in one process", "baseline_s": round(one_s, 2),
        "baseline_quotes_per_s": round(len(texts) / one_s), "cluster_s": round(cluster_s, 2),
        "cluster_quotes_per_s": round(len(texts) / cluster_s), "ratio": round(one_s / cluster_s, 2),
        "read_by_model": [one.by_model, on_cluster.by_model], "same_verdicts": round(same, 4),
    }))


if __name__ == "__main__":
    main()
