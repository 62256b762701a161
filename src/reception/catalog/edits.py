"""What an editor can do, in one place for the admin, the editors' desk and the API: each
change is recorded as the editor's, never overwritten by re-runs, and the film's figures
follow at once."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count

from . import models
from .models import Consensus, Critic, CriticAlias, Outlet, OutletAlias, Review, Verdict, VerdictSource

EDITOR_FIELDS = ["verdict", "verdict_source", "verdict_probability", "verdict_model", "needs_check"]


class EditError(ValueError):
    """An edit that cannot be made, with a reason fit to show the editor."""


def rescore(film_ids) -> None:
    from ..scores.compute import score

    score(sorted(set(film_ids)))


# What the rules decide a verdict from (verdicts.decide): an editor's change to one decides it again.
RULE_INPUTS = {"rating_raw", "source_verdict", "quote"}


def read_again(review: Review, changed) -> None:
    """Before an editor's change to `review` (fields `changed`) is saved: a new rating string is
    read again (its score, scale and flag follow it), and a verdict not an editor's is decided
    again by the rules when what they read changed. One the rules leave undecided is the text
    model's: the admin has it decided once the change is saved (reviews_changed)."""
    from .. import ratings
    from ..verdicts.decide import RowRules

    if "rating_raw" in changed:
        review.rating_raw = review.rating_raw[:100]
        rating = ratings.parse_rating(review.rating_raw)
        # A bare number takes its outlet's scale after the save (reviews_changed).
        review.rating, review.rating_scale, review.rating_flag = rating.score, rating.scale, rating.flag
    if RULE_INPUTS & set(changed) and review.verdict_source != VerdictSource.EDITOR:
        review.verdict, review.verdict_source, review.verdict_model = RowRules().decide(
            review.rating, review.rating_scale, review.source_verdict, bool(review.quote))
        review.verdict_probability = None
        review.needs_check = review.needs_check and not review.verdict


def reviews_changed(film_ids, outlet_ids, awaiting=()):
    """After reviews of these films and outlets were edited, added or deleted by hand: the
    outlets' bare numbers read again (their evidence changed); the reviews `awaiting` (saved by
    hand) that the rules still leave open decided by the text model, with their films' other
    open reviews, as for reviews added through the API; then the films' figures computed again.
    Returns the text model's report (verdicts.decide) where it was asked, else None."""
    films = set(film_ids) | _reread(outlet_ids)
    open_films = set(Review.objects.filter(pk__in=awaiting, verdict="").values_list("film_id", flat=True)
                     if awaiting else ())
    verdicts = None
    if open_films:
        from ..verdicts.decide import decide

        verdicts = decide(film_ids=sorted(open_films))
    rescore(films | open_films)
    return verdicts


def delete_reviews(reviews) -> int:
    """Delete these reviews: their outlets' bare numbers are read again, their films scored
    again, and no consensus cites them. Returns how many."""
    rows = list(reviews.values_list("pk", "film_id", "outlet_id"))
    with transaction.atomic():
        reviews.delete()
        reviews_gone({film for _, film, _ in rows}, {pk for pk, _, _ in rows})
        reviews_changed({film for _, film, _ in rows}, {outlet for _, _, outlet in rows})
    return len(rows)


def reviews_gone(film_ids, review_ids) -> None:
    """Reviews deleted by hand: no consensus goes on citing them (consensus.store)."""
    from ..consensus.store import forget_reviews

    forget_reviews(film_ids, review_ids)


def outlets_going(outlet_ids) -> set[int]:
    """Before outlets are deleted (their reviews keep no outlet): their bare numbers are read as
    having no scale, as an import reads those of a review with no outlet. Returns the films whose
    reviews changed (the caller scores them once the outlets are gone)."""
    return _reread(outlet_ids, infer=lambda stated, values: None)


def _reread(outlet_ids, **how) -> set[int]:
    from django.db import connection

    from ..ingest.scales import reread_bare_numbers
    from ..verdicts.decide import RowRules

    with connection.cursor() as cursor:
        return reread_bare_numbers(cursor, set(outlet_ids) - {None}, RowRules(), **how)[1]


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


def key_of(review: Review) -> int:
    """The dedupe key an import would give this review (ingest.keys)."""
    from types import SimpleNamespace

    from ..ingest.keys import dedupe_key

    record = SimpleNamespace(quote=review.quote, published=review.published, rating_raw=review.rating_raw)
    return dedupe_key(review.film_id, review.critic_id, review.outlet_id, record)


def _move(reviews, **target) -> tuple[set[int], set[int]]:
    """Point `reviews` at the kept critic or outlet, with their dedupe keys recomputed so a
    re-import under the merged name adds nothing; a review that now equals one already
    there is the same review twice, and is dropped. Returns the films touched, and the outlets
    of the reviews dropped (the scales they stated are gone)."""
    films, dropped, outlets = set(), set(), set()
    for review in list(reviews):
        for field, value in target.items():
            setattr(review, field, value)
        review.dedupe_key = key_of(review)
        films.add(review.film_id)
        if Review.objects.filter(dedupe_key=review.dedupe_key).exclude(pk=review.pk).exists():
            dropped.add(review.pk)
            outlets.add(review.outlet_id)
            review.delete()
        else:
            review.save(update_fields=[*target, "dedupe_key"])
    if dropped:
        reviews_gone(films, dropped)
    return films, outlets


def with_review_counts(queryset):
    """The records with their number of reviews (`review_count`)."""
    return queryset.annotate(review_count=Count("reviews"))


def keeper(queryset, kind: str) -> tuple:
    """The record a merge of these `kind`s keeps unless the editor picks another, and the rule
    that picked it: a film first stored (its id and its pages' addresses stay); the critic or
    outlet most reviewed (ties: the first stored). EditError unless two or more are selected."""
    if queryset.count() < 2:
        raise EditError(f"select at least two {kind}s to merge")
    if queryset.model is models.Film:
        return queryset.order_by("pk").first(), "first stored"
    return with_review_counts(queryset).order_by("-review_count", "pk").first(), "most reviewed"


def _kept(queryset, keep, kind: str):
    """The record to keep of those selected: `keep` (an id, as a form posts it), else keeper's."""
    ruled, _ = keeper(queryset, kind)
    if keep in (None, ""):
        return ruled
    try:
        return queryset.get(pk=int(keep))
    except (ValueError, queryset.model.DoesNotExist):
        raise EditError(f"the {kind} to keep must be one of those selected, not {keep!r}") from None


def _names_kept(alias_model, field: str, keep, others) -> None:
    """The names of the merged ones, and their aliases, become aliases of the one kept, so that
    later imports under those names land on it."""
    alias_model.objects.filter(**{f"{field}__in": others}).update(**{field: keep})
    for other in others:
        key = models.name_key(other.name)
        if key != keep.name_key and not alias_model.objects.filter(alias_key=key).exists():
            alias_model.objects.create(**{field: keep}, alias=other.name)


def merge_critics(queryset, keep=None) -> tuple[Critic, int]:
    """Fold the selected critics into `keep` (an id; by default the most reviewed); their names
    become its aliases. Returns it and how many were merged."""
    keep = _kept(queryset, keep, "critic")
    others = list(queryset.exclude(pk=keep.pk))
    with transaction.atomic():
        films, outlets = _move(Review.objects.filter(critic__in=others), critic=keep)
        if any(other.top_critic for other in others) and not keep.top_critic:
            keep.top_critic = True
            keep.save(update_fields=["top_critic"])
        _names_kept(CriticAlias, "critic", keep, others)
        Critic.objects.filter(pk__in=[other.pk for other in others]).delete()
        reviews_changed(films, outlets)
    return keep, len(others)


def merge_films(queryset, keep=None) -> tuple[models.Film, int]:
    """Fold the selected films into `keep` (an id; by default the one first stored), whose id
    and pages' addresses stay: the untitled records of a film ("rt-reviews film 1593", known by a source's id) that the
    import could not tell were one (catalog.twins), or the same film under two titles ("Star
    Wars" and "Star Wars: Episode IV - A New Hope"). A title replaces a placeholder; a title
    merged away stays as an alias of the kept film, so that imports naming it find that film;
    the rest moves as catalog.twins moves it, and a review both hold is kept once."""
    from .twins import merge_films as merge

    keep = _kept(queryset, keep, "film").pk
    others = list(queryset.exclude(pk=keep).order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        outlets = set()
        for other in others:  # one at a time: two merged films may hold the same credit or review
            outlets |= merge([(keep, other)])[1]
        reviews_changed({keep}, outlets)
    return models.Film.objects.get(pk=keep), len(others)


def merge_outlets(queryset, keep=None) -> tuple[Outlet, int]:
    """Fold the selected outlets into `keep` (an id; by default the most reviewed); their names
    become its aliases, so later imports under those names land on it too. The bare numbers
    ("8") of the merged outlet are read again, from the scales all its reviews now state."""
    keep = _kept(queryset, keep, "outlet")
    others = list(queryset.exclude(pk=keep.pk))
    with transaction.atomic():
        films, _ = _move(Review.objects.filter(outlet__in=others), outlet=keep)  # `keep` is read below
        _names_kept(OutletAlias, "outlet", keep, others)
        Outlet.objects.filter(pk__in=[other.pk for other in others]).delete()
        reviews_changed(films, {keep.pk})
    return keep, len(others)
