"""Reading quotes on a Dask cluster (`reception verdicts --cluster ADDRESS`), for a backfill
larger than one machine reads in good time.

This process reads the open reviews in batches, prepares their texts as the one-process path
does (verdicts.reading.prepare_quotes), and sends each batch to the cluster; each worker loads
the text model once (`_LOADED`, per worker process) and returns the batch's probabilities;
this process weighs them (reading.weigh) and writes each batch's decisions in a transaction of
its own as it comes back, so an interrupted run resumes where it stopped. A worker lost mid-run
(killed, its machine gone) costs only its batches: the scheduler gives them to another worker,
and each task is tried again on error (RETRIES). At most WINDOW batches per worker are in
flight, so a million quotes never sit in memory at once.

Workers need Reception with its model installed (the same version as here: each batch's
answer names its model, and a mismatch stops the run rather than mix two models' verdicts).
"""

from __future__ import annotations

from django.db import connection, transaction

from ..catalog import decisions
from ..errors import ReceptionError
from ..rules import VerdictRules, model_path

RETRIES = 3
WINDOW = 4  # batches in flight per worker
_LOADED: dict = {}


def probabilities(texts: list[str], path: str) -> tuple[str, list[float]]:
    """On a worker: the model at `path` (loaded once per worker process) reading `texts`."""
    from .model import load_text_model

    if path not in _LOADED:
        _LOADED[path] = load_text_model(path=path)
    model = _LOADED[path]
    return model.id, [float(p) for p in model.probabilities(texts)]


def connect(address: str, timeout: float = 30):
    """A client of the Dask scheduler at `address` ("tcp://host:8786"), or E303 saying why not."""
    try:
        from distributed import Client
    except ModuleNotFoundError:
        raise ReceptionError.of("E302", address=address, reason="Dask's `distributed` is not installed "
                                "(pip install 'reception[cluster]')") from None
    try:
        return Client(address, timeout=timeout)
    except (OSError, TimeoutError) as exc:
        raise ReceptionError.of("E302", address=address, reason=str(exc) or type(exc).__name__) from None


def read_on_cluster(address: str, film_ids, rules: VerdictRules, config: dict, report, progress, batch: int) -> None:
    from distributed import as_completed

    from .reading import open_reviews, open_rows, prepare_quotes, weigh

    pending = open_reviews(film_ids)
    if progress is not None:
        progress.reset(total=len(pending))
    path = str(model_path())
    chunks = iter([pending[at:at + batch] for at in range(0, len(pending), batch)])
    client = connect(address)
    try:
        window = WINDOW * max(1, len(client.scheduler_info().get("workers", {})))
        waiting = {}  # future -> (ids, readable): what weighing its answer needs
        running = as_completed()

        def send() -> bool:
            for ids in chunks:
                with transaction.atomic(), connection.cursor() as c:
                    texts, readable, updates = prepare_quotes(open_rows(c, ids), config["id"], rules, report)
                    decisions.write(c, updates, only_open=True)
                if not texts:
                    if progress is not None:
                        progress.update(len(ids))
                    continue
                future = client.submit(probabilities, texts, path, retries=RETRIES, pure=False)
                waiting[future] = (ids, readable)
                running.add(future)
                return True
            return False

        while len(waiting) < window and send():
            pass
        for future in running:
            ids, readable = waiting.pop(future)
            model_id, probs = future.result()
            if model_id != config["id"]:
                raise ReceptionError.of("E303", worker=model_id, here=config["id"])
            with transaction.atomic(), connection.cursor() as c:
                decisions.write(c, weigh(readable, probs, model_id, config, report), only_open=True)
            if progress is not None:
                progress.update(len(ids))
            while len(waiting) < window and send():
                pass
    finally:
        client.close()
