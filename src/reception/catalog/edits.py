"""What an editor can do, in one place for the admin, the editors' desk and the API: each
change is recorded as the editor's, never overwritten by re-runs, and the film's figures
follow at once."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count

from . import models
from .models import Consensus, Critic, Outlet, OutletAlias, Review, Verdict, VerdictSource

EDITOR_FIELDS = ["verdict", "verdict_source", "verdict_probability", "verdict_model", "needs_check"]


class EditError(ValueError):
    """An edit that cannot be made, with a reason fit to show the editor."""


def rescore(film_ids) -> None:
    from ..scores.compute import score

    score(sorted(set(film_ids)))


def editor_verdict(review: Review, verdict: str) -> None:
    """Set, not save: the admin's form saves it with its other fields."""
    review.verdict = verdict
    review.verdict_source = VerdictSource.EDITOR if verdict else ""
    review.verdict_probability = None
    review.verdict_model = ""
    review.needs_check = False


def override(reviews, verdict: str) -> int:
    """Give `reviews` the editor's `verdict` and re-score their films; returns how many."""
    if verdict not in Verdict.values:
        raise EditError(f"verdict must be one of {', '.join(Verdict.values)}, not {verdict!r}")
    films = set()
    reviews = list(reviews)
    with transaction.atomic():
        for review in reviews:
            editor_verdict(review, verdict)
            review.save(update_fields=EDITOR_FIELDS)
            films.add(review.film_id)
        rescore(films)
    return len(reviews)


def approve(consensus: Consensus, editor: str) -> Consensus:
    consensus.status = Consensus.Status.APPROVED
    if consensus.author.startswith("reception-"):
        consensus.author = editor
    consensus.save(update_fields=["status", "author", "updated_at"])
    return consensus


def _move(reviews, **target) -> set[int]:
    """Point `reviews` at the kept critic or outlet, with their dedupe keys recomputed so a
    re-import under the merged name adds nothing; a review that now equals one already
    there is the same review twice, and is dropped. Returns the films touched."""
    from types import SimpleNamespace

    from ..ingest.keys import dedupe_key

    films = set()
    for review in list(reviews):
        for field, value in target.items():
            setattr(review, field, value)
        record = SimpleNamespace(quote=review.quote, published=review.published, rating_raw=review.rating_raw)
        review.dedupe_key = dedupe_key(review.film_id, review.critic_id, review.outlet_id, record)
        films.add(review.film_id)
        if Review.objects.filter(dedupe_key=review.dedupe_key).exclude(pk=review.pk).exists():
            review.delete()
        else:
            review.save(update_fields=[*target, "dedupe_key"])
    return films


def _keeper(queryset):
    """The one to keep: the most reviewed (ties: the oldest)."""
    return queryset.annotate(n=Count("reviews")).order_by("-n", "pk").first()


def merge_critics(queryset) -> tuple[Critic, int]:
    """Fold the selected critics into the most reviewed one; returns it and how many were merged."""
    keep = _keeper(queryset)
    if keep is None or queryset.count() < 2:
        raise EditError("select at least two critics to merge")
    others = queryset.exclude(pk=keep.pk)
    with transaction.atomic():
        films = _move(Review.objects.filter(critic__in=others), critic=keep)
        if others.filter(top_critic=True).exists() and not keep.top_critic:
            keep.top_critic = True
            keep.save(update_fields=["top_critic"])
        merged = others.count()
        others.delete()
        rescore(films)
    return keep, merged


def merge_outlets(queryset) -> tuple[Outlet, int]:
    """Fold the selected outlets into the most reviewed one; their names become its aliases,
    so later imports under those names land on it too. The bare numbers ("8") of the merged
    outlet are read again, from the scales all its reviews now state."""
    from django.db import connection

    from ..ingest.scales import reread_bare_numbers
    from ..verdicts.decide import RowRules

    keep = _keeper(queryset)
    if keep is None or queryset.count() < 2:
        raise EditError("select at least two outlets to merge")
    others = list(queryset.exclude(pk=keep.pk))
    with transaction.atomic():
        films = _move(Review.objects.filter(outlet__in=others), outlet=keep)
        OutletAlias.objects.filter(outlet__in=others).update(outlet=keep)
        for other in others:
            other.delete()
            if not OutletAlias.objects.filter(alias_key=models.name_key(other.name)).exists():
                OutletAlias.objects.create(outlet=keep, alias=other.name)
        with connection.cursor() as cursor:
            films |= reread_bare_numbers(cursor, {keep.pk}, RowRules())[1]
        rescore(films)
    return keep, len(others)
