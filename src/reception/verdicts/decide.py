"""Deciding the verdicts of reviews that lack one, and saying how.

    report = decide_verdicts(film_ids=None, redo=False, read_text=True)

First the rules (reception.rules), applied once to each distinct (rating, label, has a quote)
of the open reviews; an import has already applied them to its own rows as it wrote them.
Then, with `read_text`, the text model reads the quotes the rules leave open, in batches
committed as they go, so an interrupted run resumes. At a rating where critics' verdicts split
(2.5/4), the quote's reading is weighed with that rating's share of positives. Model verdicts
between 0.35 and 0.65 are marked for an editor to check. Every verdict is written through
catalog.decisions, where an editor's verdict stands.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction

from ..catalog import decisions, version
from ..rules import DecidedBy, VerdictRules, model_config
from .model import ModelMissing, shared_text_model
from .reading import open_reviews, open_rows, prepare_quotes, weigh

BATCH = 512


@dataclass
class VerdictReport:
    by_rating: int = 0
    by_label: int = 0
    by_model: int = 0
    to_check: int = 0
    not_english: int = 0
    nothing_to_read: int = 0
    model: str = ""
    # Quotes left for the text model because it is not installed (verdicts.model), and why.
    waiting: int = 0
    model_missing: str = ""

    def summary(self) -> str:
        text = (f"{self.by_rating} from ratings, {self.by_label} from source labels, {self.by_model} from text"
                f" ({self.to_check} marked for checking); {self.not_english} not in English and "
                f"{self.nothing_to_read} with no quote, rating or label left without a verdict")
        if self.model_missing:
            text += f"; quotes waiting for the text model: {self.waiting} ({self.model_missing})"
        return text

    @property
    def decided(self) -> int:
        return self.by_rating + self.by_label + self.by_model


def decide_verdicts(film_ids=None, *, redo: bool = False, read_text: bool = True, model=None, progress=None,
                    batch: int = BATCH, cluster: str | None = None) -> VerdictReport:
    """Give a verdict to every review of these films (every film's if None) that lacks one;
    with `redo`, to every one but editors'. Without `read_text`, or where the text model is not
    installed, the rules still decide and the quotes wait (`model_missing` says why). With
    `cluster` (a Dask scheduler's address), the quotes are read by its workers (verdicts.cluster)."""
    report = VerdictReport()
    config = model.config if model is not None else model_config()
    rules = VerdictRules(config)
    with transaction.atomic(), connection.cursor() as c:
        if redo:
            decisions.forget(c, film_ids)
        decided = decisions.decide_kinds(c, rules.apply, film_ids)
    report.by_rating = decided[DecidedBy.CRITIC_RATING.value]
    report.by_label = decided[DecidedBy.OUTLET_LABEL.value]
    report.model = config["id"]
    if read_text and cluster:
        from .cluster import read_on_cluster

        read_on_cluster(cluster, film_ids, rules, config, report, progress, batch)
    elif read_text:
        _read_open_quotes(film_ids, model, rules, config, report, progress, batch)
    version.bump()
    return report


def _read_open_quotes(film_ids, model, rules: VerdictRules, config: dict, report: VerdictReport, progress,
                      batch: int) -> None:
    pending = open_reviews(film_ids)
    if progress is not None:
        progress.reset(total=len(pending))
    for start in range(0, len(pending), batch):
        ids = pending[start:start + batch]
        with transaction.atomic(), connection.cursor() as c:
            rows = open_rows(c, ids)
            if model is None and rows:
                try:
                    model = shared_text_model()
                except ModelMissing as exc:
                    # The rules' verdicts stand; the quotes wait for an install with the model.
                    report.model_missing = exc.message
                    report.waiting = len(pending) - start
                    return
            decisions.write(c, _read_quotes(rows, model, rules, config, report), only_open=True)
        if progress is not None:
            progress.update(len(ids))


def _read_quotes(rows, model, rules: VerdictRules, config: dict, report: VerdictReport) -> list[tuple]:
    """The text model's decisions for these open reviews, as catalog.decisions.write takes them."""
    texts, readable, updates = prepare_quotes(rows, model.id, rules, report)
    return updates + weigh(readable, model.probabilities(texts), model.id, config, report)
