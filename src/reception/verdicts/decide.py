"""Deciding every review's verdict, and saying how.

Order, first that applies (an editor's verdict is never touched):
1. the critic's rating, when it is decisive on its scale (3/4, B+, 8/10 …) → critic-rating;
2. the source's own label (Rotten Tomatoes' fresh/rotten, a CSV verdict column) → outlet-label;
3. a rating where critics' verdicts split (2.5/4 is fresh half the time): the quote's text,
   weighed with that rating's share of positives → model; with no quote, the threshold;
4. the quote's text alone → model.
Model verdicts between 0.35 and 0.65 are marked for an editor to check.

Steps 1–3 without text are decided as an import writes each row (`RowRules`), and at its end for
the bare numbers whose scale is only learnt then (`ingest.store`); `apply_rules` makes the same
decisions in SQL over the whole table (`reception verdicts`). The model step runs after
an import (`reception ingest`) or with `reception verdicts`, in batches committed as they go, so
an interrupted run resumes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction

from ..catalog import changes
from ..catalog.models import Verdict, VerdictSource
from .model import ModelMissing, shared_text_model
from .modelfile import model_config
from .rule import ANY, rating_verdict, split_shares

CHECK_LOW, CHECK_HIGH = 0.35, 0.65
BATCH = 512
POS, NEG = Verdict.POSITIVE.value, Verdict.NEGATIVE.value
EDITOR = VerdictSource.EDITOR.value


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


def _split_condition(splits: dict) -> tuple[str, list]:
    """SQL true for ratings at a split point, with its parameters."""
    terms, params = [], []
    for scale, score in splits:
        terms.append("(rating_scale = %s AND abs(rating - %s) < 0.005)")
        params += [scale, score]
    return ("(" + " OR ".join(terms) + ")" if terms else "(1 = 0)"), params


def _threshold_sql(thresholds: dict) -> tuple[str, list]:
    cases, params = [], []
    for scale, value in thresholds.items():
        if scale != ANY:
            cases.append("WHEN %s THEN %s")
            params += [scale, float(value)]
    return f"(CASE rating_scale WHEN 'thumbs' THEN 50 {' '.join(cases)} ELSE %s END)", params + [float(thresholds[ANY])]


def _of_films(film_ids: list[int] | None) -> tuple[str, list]:
    """SQL to AND to a review query that keeps these films' reviews only (all if None), and
    its parameters."""
    if not film_ids:
        return "", []
    return f" AND film_id IN ({', '.join(['%s'] * len(film_ids))})", list(film_ids)


def apply_rules(cursor, config: dict | None = None, film_ids: list[int] | None = None) -> tuple[int, int]:
    """Steps 1–3 (without text) for reviews with no verdict (of these films only, with
    `film_ids`: the caller scores those); returns (by rating, by label)."""
    config = config or model_config()
    only, o_params = _of_films(film_ids)
    threshold, t_params = _threshold_sql(config["thresholds"])
    split, s_params = _split_condition(split_shares(config))
    decided = (f"verdict = CASE WHEN rating >= {threshold} THEN '{POS}' ELSE '{NEG}' END, "
               f"verdict_source = '{VerdictSource.CRITIC_RATING.value}', verdict_model = %s")
    d_params = [*t_params, f"{config['id']}:rule"]
    cursor.execute(
        f"UPDATE catalog_review SET {decided}, verdict_probability = NULL, needs_check = %s "
        f"WHERE verdict = '' AND rating IS NOT NULL AND NOT {split}{only}", [*d_params, False, *s_params, *o_params]
    )
    by_rating = cursor.rowcount
    cursor.execute(
        f"UPDATE catalog_review SET verdict = source_verdict, verdict_source = '{VerdictSource.OUTLET_LABEL.value}', "
        f"verdict_model = '', verdict_probability = NULL, needs_check = %s "
        f"WHERE verdict = '' AND source_verdict <> ''{only}", [False, *o_params]
    )
    by_label = cursor.rowcount
    cursor.execute(
        f"UPDATE catalog_review SET {decided}, verdict_probability = NULL, needs_check = %s "
        f"WHERE verdict = '' AND rating IS NOT NULL AND coalesce(quote, '') = ''{only}", [*d_params, False, *o_params]
    )
    by_rating += cursor.rowcount
    return by_rating, by_label


class RowRules:
    """Steps 1–3 for one review as it is imported: the same decisions as `apply_rules`, made in
    Python so that a million-row import writes each verdict once instead of updating every row
    afterwards; and again at the import's end for the bare numbers whose scale is learnt then."""

    def __init__(self, config: dict | None = None):
        config = config or model_config()
        self.thresholds = config["thresholds"]
        self.splits = split_shares(config)
        self.rule_id = f"{config['id']}:rule"

    def decide(self, score: float | None, scale: str, source_verdict: str, has_quote: bool) -> tuple[str, str, str]:
        """(verdict, source, model) or ('', '', '') for the model to decide."""
        split = score is not None and (scale, round(score, 2)) in self.splits
        if score is not None and not split:
            return rating_verdict(score, scale, self.thresholds), VerdictSource.CRITIC_RATING.value, self.rule_id
        if source_verdict:
            return source_verdict, VerdictSource.OUTLET_LABEL.value, ""
        if split and not has_quote:
            return rating_verdict(score, scale, self.thresholds), VerdictSource.CRITIC_RATING.value, self.rule_id
        return "", "", ""


def reset(cursor) -> None:
    """Forget every verdict but editors', so that all are decided again. Marks for an editor
    stay: they are cleared when a rating or label decides, or by the editor."""
    cursor.execute(
        "UPDATE catalog_review SET verdict = '', verdict_source = '', verdict_probability = NULL, "
        "verdict_model = '' WHERE verdict_source <> %s", [EDITOR]
    )


def decide(redo_all: bool = False, model=None, progress=None, batch: int = BATCH,
           film_ids: list[int] | None = None) -> VerdictReport:
    """Give a verdict to every review that lacks one (all but editors' when `redo_all`);
    with `film_ids`, only those films' reviews are decided (the API's few new ones, not a whole
    database imported with --no-verdicts). Where the text model is not installed,
    the rules still decide and the report says how many quotes wait (`model_missing`)."""
    report = VerdictReport()
    config = model.config if model is not None else model_config()
    with transaction.atomic(), connection.cursor() as c:
        if redo_all:
            reset(c)
        report.by_rating, report.by_label = apply_rules(c, config, film_ids)
    report.model = config["id"]
    with connection.cursor() as c:
        only, o_params = _of_films(film_ids)
        c.execute(f"SELECT id FROM catalog_review WHERE verdict = ''{only} ORDER BY id", o_params)
        pending = [row[0] for row in c.fetchall()]
    if progress is not None:
        progress.reset(total=len(pending))
    splits = split_shares(config)
    for start in range(0, len(pending), batch):
        ids = pending[start:start + batch]
        with transaction.atomic(), connection.cursor() as c:
            c.execute(
                "SELECT id, quote, rating, rating_scale, needs_check FROM catalog_review "
                f"WHERE id IN ({', '.join(['%s'] * len(ids))}) AND verdict = ''", ids
            )
            rows = c.fetchall()
            if model is None and rows:
                try:
                    model = shared_text_model()
                except ModelMissing as exc:
                    # The rules' verdicts stand; the quotes wait for an install with the model.
                    report.model_missing = exc.message
                    report.waiting = len(pending) - start
                    break
            updates = _read_quotes(rows, model, splits, config, report)
            c.executemany(
                "UPDATE catalog_review SET verdict = %s, verdict_source = %s, verdict_probability = %s, "
                "verdict_model = %s, needs_check = %s WHERE id = %s AND verdict = ''", updates
            )
        if progress is not None:
            progress.update(len(ids))
    changes.bump()
    return report


def _read_quotes(rows, model, splits, config, report) -> list[tuple]:
    # Imported here: the rating rules above serve imports on installs without the model's parts.
    from .text import looks_english, prepare, with_rating_prior

    texts, readable = [], []
    updates = []
    marked = {row[0] for row in rows if row[4]}
    for review_id, quote, rating, scale, _ in rows:
        text = prepare(quote)
        if not text:
            report.nothing_to_read += 1
        elif not looks_english(text):
            # The model reads English only: an editor decides.
            report.not_english += 1
            report.to_check += 1
            updates.append(("", "", None, model.id, True, review_id))
        else:
            texts.append(text)
            share = splits.get((scale, round(rating, 2))) if rating is not None else None
            readable.append((review_id, share))
    for (review_id, share), p in zip(readable, model.probabilities(texts)):
        p = float(p)
        if share is not None:
            p = with_rating_prior(p, share, config["base_rate"])
        # Uncertain, or marked at import (an article's "praised …, but …").
        check = CHECK_LOW <= p <= CHECK_HIGH or review_id in marked
        report.by_model += 1
        report.to_check += check
        updates.append((POS if p >= 0.5 else NEG, VerdictSource.MODEL.value, round(p, 4), model.id, check, review_id))
    return updates
