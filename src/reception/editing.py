"""What an editor can do, in one place for the admin, the editors' desk and the API. Each change
is the editor's (an editor's verdict stands through every re-run: catalog.decisions), and what
follows from it (verdicts, bare numbers, figures, citations) is brought up to date by
reception.pipeline for the films and outlets it touched."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count

from . import pipeline, ratings
from .catalog import decisions, version
from .catalog.identity import name_key, title_key
from .catalog.keys import review_key
from .catalog.models import Consensus, Credit, Critic, CriticAlias, Film, Outlet, OutletAlias, Person, Review
from .ingest.film_merge import fold_films
from .rules import Verdict, VerdictRules, bare_stars

# What the rules decide a verdict from (reception.rules): an editor's change to one decides it again.
RULE_INPUTS = {"rating_raw", "label", "quote"}


class EditError(ValueError):
    """An edit that cannot be made, with a reason fit to show the editor."""


def read_again(review: Review, changed) -> None:
    """Before an editor's change to `review` (fields `changed`) is saved: a new rating string is
    read again (its score, scale and flag follow it), and a verdict not an editor's is decided
    again by the rules when what they read changed. One the rules leave open is the text
    model's: it is read once the change is saved (reviews_changed)."""
    if "rating_raw" in changed:
        review.rating_raw = review.rating_raw[:100]
        rating = ratings.parse_rating(review.rating_raw)
        # A bare number takes its outlet's scale after the save (reviews_changed).
        review.rating, review.rating_scale, review.rating_flag = rating.score, rating.scale, rating.flag
    if RULE_INPUTS & set(changed):
        stars = bare_stars(review.rating_flag, review.rating_scale, ratings.parse_rating(review.rating_raw).value)
        decisions.settle(review, VerdictRules().apply(review.rating, review.rating_scale, review.label,
                                                      bool(review.quote), stars))


def reviews_changed(film_ids, outlet_ids=(), gone=()) -> pipeline.Refreshed:
    """After reviews of these films and outlets were edited, added or deleted by hand (`gone`:
    the ids of those deleted): what follows, by the pipeline."""
    return pipeline.refresh(film_ids, outlet_ids=outlet_ids, gone=gone)


def delete_reviews(reviews) -> int:
    """Delete these reviews: their outlets' bare numbers are read again, their films scored
    again, and no consensus cites them. Returns how many."""
    rows = list(reviews.values_list("pk", "film_id", "outlet_id"))
    with transaction.atomic():
        reviews.delete()
        reviews_changed({film for _, film, _ in rows}, {outlet for _, _, outlet in rows}, {pk for pk, _, _ in rows})
    return len(rows)


def outlets_going(outlet_ids) -> set[int]:
    """Before outlets are deleted (their reviews keep no outlet): see pipeline.outlets_going.
    Returns the films whose reviews changed (to refresh once the outlets are gone)."""
    return pipeline.outlets_going(outlet_ids)


def override(reviews, verdict: str) -> int:
    """Give `reviews` the editor's `verdict`, then refresh their films; returns how many."""
    if verdict not in Verdict.values:
        raise EditError(f"verdict must be one of {', '.join(Verdict.values)}, not {verdict!r}")
    rows = list(Review.objects.filter(pk__in=[review.pk for review in reviews]).values_list("pk", "film_id"))
    with transaction.atomic():
        decisions.by_editor([pk for pk, _ in rows], verdict)
        reviews_changed({film for _, film in rows})
    return len(rows)


def settle_conflicts(reviews, rating_counts: bool) -> int:
    """An editor settles reviews whose rating and label disagree: the label stands as the
    editor's verdict, and the rating either counts in the averages (`rating_counts`: its
    reading is right, the critic's call differs from the threshold) or is set aside as misread
    (an inferred scale that does not fit: the number stays, flagged, and no later scale reads
    it again). Reviews without a conflict are left alone. Returns how many were settled."""
    rows = list(Review.objects.filter(pk__in=[review.pk for review in reviews]).exclude(conflict="")
                .exclude(label="").values_list("pk", "film_id", "label"))
    with transaction.atomic():
        if not rating_counts:
            Review.objects.filter(pk__in=[pk for pk, _, _ in rows]).update(
                rating=None, rating_scale="", rating_flag=ratings.SCALE_REJECTED)
        for verdict in Verdict.values:
            decisions.by_editor([pk for pk, _, label in rows if label == verdict], verdict)
        reviews_changed({film for _, film, _ in rows})
    return len(rows)


def kept_citations(consensus: Consensus, old_text: str, keep: list[int]) -> list[int]:
    """The review ids of citations [n] of `old_text` as the film page numbered them; EditError
    for a number it did not show."""
    from .consensus.serialize import numbered

    _, cited = numbered(old_text, consensus.clauses or [])
    wrong = [n for n in keep if not 1 <= n <= len(cited)]
    if wrong:
        raise EditError(f"no citation [{wrong[0]}]: the text cited {len(cited)}")
    return [cited[n - 1] for n in dict.fromkeys(keep)]


def rewrite_consensus(consensus: Consensus, old_text: str, keep: list[int], editor: str) -> Consensus:
    """An editor's new text for a consensus (already set on it, `old_text` the one it replaced):
    the model's clauses do not belong to it and go. The citations the editor keeps, by the
    numbers the film page showed ([1], [2] … of `old_text`), cite the whole new text; none
    kept, it cites nothing. Not saved here (the admin's form saves it)."""
    kept = kept_citations(consensus, old_text, keep)
    consensus.clauses = [{"text": consensus.text, "review_ids": kept, "polarity": "", "confirmed": True}] if kept else []
    consensus.author = editor
    return consensus


def approve(consensus: Consensus, editor: str) -> Consensus:
    consensus.status = Consensus.Status.APPROVED
    if consensus.author.startswith(Consensus.MACHINE):
        consensus.author = editor
    consensus.save(update_fields=["status", "author", "updated_at"])
    return consensus


def _move(reviews, **target) -> tuple[set[int], set[int], set[int]]:
    """Point `reviews` at the kept critic or outlet, with their dedupe keys recomputed so a
    re-import under the merged name adds nothing; a review that now equals one already
    there is the same review twice, and is dropped. Returns the films touched, the outlets
    of the reviews dropped (the scales they stated are gone), and those reviews."""
    films, dropped, outlets = set(), set(), set()
    for review in list(reviews):
        for name, value in target.items():
            setattr(review, name, value)
        review.dedupe_key = review_key(review)
        films.add(review.film_id)
        if Review.objects.filter(dedupe_key=review.dedupe_key).exclude(pk=review.pk).exists():
            dropped.add(review.pk)
            outlets.add(review.outlet_id)
            review.delete()
        else:
            review.save(update_fields=[*target, "dedupe_key"])
    return films, outlets, dropped


def with_review_counts(queryset):
    """The records with their number of reviews (`review_count`; a person's: of credits)."""
    return queryset.annotate(review_count=Count("credits" if queryset.model is Person else "reviews"))


def keeper(queryset, kind: str) -> tuple:
    """The record a merge of these `kind`s keeps unless the editor picks another, and the rule
    that picked it: a film first stored (its id and its pages' addresses stay); the critic or
    outlet most reviewed (ties: the first stored). EditError unless two or more are selected."""
    if queryset.count() < 2:
        raise EditError(f"select at least two {kind}s to merge")
    if queryset.model is Film:
        return queryset.order_by("pk").first(), "first stored"
    return (with_review_counts(queryset).order_by("-review_count", "pk").first(),
            "most credited" if queryset.model is Person else "most reviewed")


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
        key = name_key(other.name)
        if key != keep.name_key and not alias_model.objects.filter(alias_key=key).exists():
            alias_model.objects.create(**{field: keep}, alias=other.name)


def merge_critics(queryset, keep=None) -> tuple[Critic, int]:
    """Fold the selected critics into `keep` (an id; by default the most reviewed); their names
    become its aliases. Returns it and how many were merged."""
    keep = _kept(queryset, keep, "critic")
    others = list(queryset.exclude(pk=keep.pk))
    with transaction.atomic():
        films, outlets, dropped = _move(Review.objects.filter(critic__in=others), critic=keep)
        if any(other.top_critic for other in others) and not keep.top_critic:
            keep.top_critic = True
            keep.save(update_fields=["top_critic"])
        _names_kept(CriticAlias, "critic", keep, others)
        Critic.objects.filter(pk__in=[other.pk for other in others]).delete()
        reviews_changed(films, outlets, dropped)
    return keep, len(others)


def merge_films(queryset, keep=None) -> tuple[Film, int]:
    """Fold the selected films into `keep` (an id; by default the one first stored), whose id
    and pages' addresses stay: the untitled records of a film ("rt-reviews film 1593", known by
    a source's id) that the import could not tell were one (ingest.film_merge), or the same film
    under two titles ("Star Wars" and "Star Wars: Episode IV - A New Hope"). A title replaces a
    placeholder; a title merged away stays as an alias of the kept film, so that imports
    naming it find that film; the rest moves as ingest.film_merge moves it, and a review both
    hold is kept once."""
    keep = _kept(queryset, keep, "film").pk
    others = list(queryset.exclude(pk=keep).order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        outlets = set()
        for other in others:  # one at a time: two merged films may hold the same credit or review
            outlets |= fold_films([(keep, other)]).outlets  # citations of the reviews it drops go with them
        reviews_changed({keep}, outlets)
    return Film.objects.get(pk=keep), len(others)


def merge_people(queryset, keep=None) -> tuple[Person, int]:
    """Fold the selected people ("Cathy Scorsese" into "Catherine Scorsese") into `keep` (an
    id; by default the one with the most credits): their credits move to it, a credit it
    already holds is kept once. Returns it and how many were merged."""
    keep = _kept(queryset, keep, "person")
    others = list(queryset.exclude(pk=keep.pk))
    with transaction.atomic():
        for credit in Credit.objects.filter(person__in=others):
            if Credit.objects.filter(film_id=credit.film_id, person=keep, role=credit.role,
                                     character=credit.character).exists():
                credit.delete()
            else:
                credit.person = keep
                credit.save(update_fields=["person"])
        Person.objects.filter(pk__in=[other.pk for other in others]).delete()
        version.bump()
    return keep, len(others)


def merge_outlets(queryset, keep=None) -> tuple[Outlet, int]:
    """Fold the selected outlets into `keep` (an id; by default the most reviewed); their names
    become its aliases, so later imports under those names land on it too. The bare numbers
    ("8") of the merged outlet are read again, from the scales all its reviews now state."""
    keep = _kept(queryset, keep, "outlet")
    others = list(queryset.exclude(pk=keep.pk))
    with transaction.atomic():
        films, _, dropped = _move(Review.objects.filter(outlet__in=others), outlet=keep)  # `keep` is read below
        _names_kept(OutletAlias, "outlet", keep, others)
        Outlet.objects.filter(pk__in=[other.pk for other in others]).delete()
        reviews_changed(films, {keep.pk}, dropped)
    return keep, len(others)


# collected reviews: pages held for a film, critics' accounts and submissions ---------------

def place_held(held, film_id: int | None, editor=None):
    """A held page's review stored under the film the editor names (collect.place), or, with
    `film_id` None, under a new film made from the page (its title, year and director)."""
    from .collect import Read, store_pages
    from .collect.page import PageReview

    if held.settled_at is not None:
        raise EditError("this page has been placed already")
    if film_id is None:
        film_id = _film_from_page(held.page).pk
    elif not Film.objects.filter(pk=film_id).exists():
        raise EditError(f"no film {film_id}")
    done = store_pages([Read(held.url, pages=[PageReview.from_dict(held.page)])], label=held.label,
                       quote=held.quote, critic=held.critic, film_id=film_id)
    outcome = done.outcomes[0]
    type(held).objects.filter(pk=held.pk).update(review_id=outcome.review_id)
    _submission_placed(held.url, outcome, editor)
    pipeline.refresh(done.touched_films)
    return outcome


def _film_from_page(page: dict) -> Film:
    """A new film as a held page names it: an editor's choice, so no title match stands in its way."""
    title = (page.get("film_title") or "").strip()
    if not title:
        raise EditError("the page names no film title to add")
    with transaction.atomic():
        film = Film.objects.create(title=title, title_key=title_key(title), year=page.get("film_year"))
        for order, name in enumerate(page.get("directors") or []):
            person = Person.objects.filter(name_key=name_key(name)).first() or Person.objects.create(name=name)
            Credit.objects.create(film=film, person=person, role=Credit.Role.DIRECTOR, order=order)
    return film


def _submission_placed(url: str, outcome, editor) -> None:
    from django.utils import timezone

    from .collect.models import Submission

    Submission.objects.filter(status=Submission.Status.HELD, page__url=url).update(
        status=Submission.Status.LIVE, film_id=outcome.film_id, review_id=outcome.review_id,
        decided_at=timezone.now(), decided_by=editor)


def dismiss_held(items) -> int:
    from django.utils import timezone

    return type(items[0]).objects.filter(pk__in=[h.pk for h in items], settled_at__isnull=True).update(
        settled_at=timezone.now()) if items else 0


def submit_review(account, url: str, quote: str, verdict: str):
    """A critic's submission: recorded and its page read; live at once with
    RECEPTION_SUBMISSIONS_LIVE, unless its page names someone else as author; else left for an
    editor (`publish_submissions`)."""
    from .collect.submissions import goes_live, submit
    from .config import setting

    submission = submit(account, url, quote, verdict)
    if setting("RECEPTION_SUBMISSIONS_LIVE") and goes_live(submission):
        publish_submissions([submission])
        submission.refresh_from_db()
    return submission


def publish_submissions(items, editor=None) -> int:
    from .collect.submissions import publish

    done = publish(items, editor)
    pipeline.refresh(done.touched_films)
    return len(done.outcomes)


def reject_submissions(items, editor=None) -> int:
    from .collect.submissions import reject

    return reject(items, editor)


def decide_critic_accounts(items, approve: bool, editor=None) -> int:
    from .collect.submissions import decide_accounts

    return decide_accounts(items, approve, editor)


def hide_member_reviews(items, reason: str) -> int:
    """Members' reviews hidden (not shown; their ratings leave the audience score), with why."""
    from .members.ratings import hide

    pipeline.refresh(hide(items, reason), read_text=False)
    return len(items)


def keep_member_reviews(items) -> int:
    from .members.ratings import keep

    return keep(items)
