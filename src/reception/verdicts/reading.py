"""Reading open reviews' quotes, the steps shared by the one-process path (verdicts.decide)
and the cluster's (verdicts.cluster): which reviews are open, their rows, the texts the model
is to read, and its readings weighed into decisions."""

from __future__ import annotations

from django.db import connection

from ..catalog import decisions
from ..rules import DecidedBy, Verdict, VerdictRules

CHECK_LOW, CHECK_HIGH = 0.35, 0.65
POS, NEG = Verdict.POSITIVE.value, Verdict.NEGATIVE.value


def open_reviews(film_ids) -> list[int]:
    """The ids of these films' reviews still without a verdict, in order."""
    scope, params = decisions.films_clause(film_ids)
    with connection.cursor() as c:
        c.execute(f"SELECT id FROM catalog_review WHERE verdict = ''{scope} ORDER BY id", params)
        return [row[0] for row in c.fetchall()]


def open_rows(cursor, ids) -> list[tuple]:
    """(id, quote, rating, scale, marked) of those of these reviews still open."""
    cursor.execute("SELECT id, quote, rating, rating_scale, needs_check FROM catalog_review "
                   f"WHERE id IN ({', '.join(['%s'] * len(ids))}) AND verdict = ''", ids)
    return cursor.fetchall()


def prepare_quotes(rows, model_id: str, rules: VerdictRules, report) -> tuple[list, list, list]:
    """Of these open reviews (id, quote, rating, scale, marked): the texts the model is to read,
    what weighing its readings needs (`weigh`), and the decisions taken without it (a quote not
    in English goes to an editor)."""
    # Imported here: the rules above serve installs without the model's parts.
    from .text import looks_english, prepare

    texts, readable, updates = [], [], []
    for review_id, quote, rating, scale, marked in rows:
        text = prepare(quote)
        if not text:
            report.nothing_to_read += 1
        elif not looks_english(text):
            # The model reads English only: an editor decides.
            report.not_english += 1
            report.to_check += 1
            updates.append(("", "", model_id, "", None, True, review_id))
        else:
            texts.append(text)
            readable.append((review_id, rules.split_share(rating, scale), marked))
    return texts, readable, updates


def weigh(readable, probabilities, model_id: str, config: dict, report) -> list[tuple]:
    """The model's readings of `prepare_quotes`'s texts as decisions: at a rating where
    critics split, weighed with its share of positives; unsure ones marked for an editor."""
    from .text import with_rating_prior

    updates = []
    for (review_id, share, marked), p in zip(readable, probabilities):
        p = float(p)
        if share is not None:
            p = with_rating_prior(p, share, config["base_rate"])
        unsure = CHECK_LOW <= p <= CHECK_HIGH
        report.by_model += 1
        report.to_check += decisions.marked(DecidedBy.MODEL.value, bool(marked), unsure)
        updates.append((POS if p >= 0.5 else NEG, DecidedBy.MODEL.value, model_id, "", round(p, 4), unsure, review_id))
    return updates
