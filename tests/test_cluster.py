"""`reception verdicts --cluster`: quotes read by the workers of a Dask cluster on loopback
(2 worker processes, each loading the real model once), one of them killed mid-run."""

from __future__ import annotations

import os

import pytest

from reception.catalog.models import Film, Review
from reception.verdicts.decide import decide_verdicts

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

GOOD = ["A gorgeous, moving film, beautifully acted.", "Funny, warm and wise: a delight from start to finish.",
        "A triumph of craft and feeling.", "Thrilling and smart; the best thriller in years."]
BAD = ["A tedious, clumsy mess.", "Dull, lifeless and far too long.", "An ugly, incoherent bore.",
       "Painfully unfunny and badly acted."]


@pytest.fixture
def cluster():
    distributed = pytest.importorskip("distributed", reason="Dask's distributed is not installed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, scheduler_port=0, silence_logs=50) as running:
        yield running


def _reviews(n: int) -> dict[int, str]:
    film = Film.objects.create(title="Batch Film", title_key="batch film", year=2001)
    rows = [Review(film=film, quote=f"{(GOOD if at % 2 else BAD)[at % 4]} (#{at})", dedupe_key=at + 1)
            for at in range(n)]
    Review.objects.bulk_create(rows)
    return {r.pk: ("positive" if int(r.quote.rsplit("#", 1)[1].rstrip(")")) % 2 else "negative")
            for r in Review.objects.filter(film=film)}


def test_a_worker_killed_mid_run_costs_nothing(cluster):
    from distributed import Client

    wanted = _reviews(400)
    killed = []

    class KillOneWorker:
        """The run's progress: at the first batch back, one worker process is killed."""
        def reset(self, total):
            self.total = total

        def update(self, n):
            if not killed:
                with Client(cluster) as client:
                    victim = sorted(client.scheduler_info()["workers"])[0]
                    try:
                        client.run(os._exit, 1, workers=[victim])
                    except Exception:  # the worker dies before it answers: that is the point
                        pass
                killed.append(victim)

    report = decide_verdicts(cluster=cluster.scheduler_address, progress=KillOneWorker(), batch=25)
    assert killed, "no worker was killed"
    got = dict(Review.objects.filter(pk__in=wanted).values_list("pk", "verdict"))
    assert "" not in got.values() and report.by_model == 400
    assert sum(got[pk] == verdict for pk, verdict in wanted.items()) >= 0.95 * 400
    assert set(Review.objects.values_list("decided_by", flat=True)) == {"model"}
    with Client(cluster) as client:
        assert killed[0] not in client.scheduler_info()["workers"]  # gone (its nanny started another)


def test_an_unreachable_cluster_is_a_clear_error():
    from reception.errors import ReceptionError
    from reception.verdicts.cluster import connect

    with pytest.raises(ReceptionError) as raised:
        connect("tcp://127.0.0.1:9", timeout=2)
    assert "[E302]" in str(raised.value) and "tcp://127.0.0.1:9" in str(raised.value)
