"""Drafting a film's consensus from its stored reviews, and keeping editors' work.

A re-run rewrites only the machine's own draft. A consensus an editor has edited or approved
keeps its text and citations; only its aspect tallies are refreshed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from ..catalog.models import Consensus, Film, Verdict
from ..verdicts.model import ModelMissing, model_parts, shared_text_model
from .aspects import Quote, read_film
from .draft import MIN_QUOTES, Draft, draft
from .grounding import Grounding, shared_vectors

AUTHOR = Consensus.MACHINE + "consensus/1"


def polarity(texts: list[str]):
    """P(positive) of each segment, by the verdict model."""
    model = shared_text_model()  # first: ModelMissing where its parts are not installed
    from ..verdicts.text import prepare

    return model.probabilities([prepare(t) for t in texts])


@dataclass
class Outcome:
    draft: Draft
    consensus: Consensus | None  # what the film page shows now
    action: str  # "created", "updated", "kept" (an editor's), "none" (too few reviews)


def read_reviews(film: Film) -> tuple[list[Quote], int, int]:
    rows = list(film.reviews.values_list("id", "quote", "verdict"))
    quotes = [Quote(i, q.strip(), v or None) for i, q, v in rows if q and q.strip()]
    positive = sum(v == Verdict.POSITIVE for _, _, v in rows)
    negative = sum(v == Verdict.NEGATIVE for _, _, v in rows)
    return quotes, positive, negative


def credited(film: Film) -> list[tuple[str, str]]:
    """The people a draft may name: the directors and the first-billed actors."""
    credits = (film.credits.select_related("person").filter(role__in=("director", "actor"))
               .order_by("role", "order", "id"))
    directors = [(c.person.name, "director") for c in credits if c.role == "director"]
    actors = [(c.person.name, "actor") for c in credits if c.role == "actor"][:4]
    return directors + actors


def current(film: Film) -> Consensus | None:
    """The consensus to show: the latest approved, else an editor's draft, else the machine's."""
    rows = list(film.consensus.order_by("-updated_at", "-id"))
    for wanted in (lambda c: c.status == Consensus.Status.APPROVED, lambda c: not c.machine_draft, lambda c: True):
        for c in rows:
            if wanted(c):
                return c
    return None


def draft_film(film: Film) -> Outcome:
    quotes, positive, negative = read_reviews(film)
    try:
        reading = read_film(quotes, polarity if quotes else None, film.title, credited(film))
    except ModelMissing:
        # Without the text model, a quote's segments that turn count only where a word judges.
        reading = read_film(quotes, None, film.title, credited(film))
    grounding = None
    if len(quotes) >= MIN_QUOTES and film.title_known:
        try:
            with model_parts():
                grounding = Grounding(quotes, film.title, shared_vectors(), polarity)
        except ModelMissing:
            pass  # no clause can be checked: each says so in its why
    result = draft(reading, positive, negative, film.title if film.title_known else None, grounding)
    if grounding is None:
        for clause in result.clauses:
            clause.why += "; not checked against the reviews (the text model is not installed)"
    with transaction.atomic():
        shown = current(film)
        if shown is not None and not shown.machine_draft:
            shown.aspects = result.aspects
            shown.save(update_fields=["aspects"])
            return Outcome(result, shown, "kept")
        if result.status != "drafted":
            if shown is not None:  # reviews were removed, or no wording passes the check now
                shown.delete()
            return Outcome(result, None, "none")
        clauses = [{"text": c.text, "review_ids": c.review_ids, "polarity": c.polarity, "aspects": c.aspects,
                    "why": c.why} for c in result.clauses]
        values = {"text": result.text, "clauses": clauses, "aspects": result.aspects, "author": AUTHOR,
                  "status": Consensus.Status.DRAFT}
        if shown is None:
            return Outcome(result, Consensus.objects.create(film=film, **values), "created")
        for key, value in values.items():
            setattr(shown, key, value)
        shown.save()
        return Outcome(result, shown, "updated")
