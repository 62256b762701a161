"""The editors' desk: queues of ratings against labels, verdicts to check, consensus drafts,
critics' submissions, collected pages whose film an editor must name, and critics' accounts,
each counted and paged (reviews and drafts with the most-read films first, the rest oldest
first), with actions on the items checked or on a whole page; one-click verdict overrides from any review list. Staff only;
every change is a POST checked for its CSRF token, and brings the editor back to the same
queue and page. Merging critics and outlets is an action in their admin lists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from django.contrib import messages
from django.db.models import F
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .. import editing
from ..catalog.models import AudienceRating, Consensus, Film, Review
from ..collect.models import CriticAccount, HeldPage, Submission
from .editors import editor_required
from .limits import ByEditor, limited
from .listing import page_count, page_of

PER_PAGE = 50
MOST_READ = [F("film__score__reviews").desc(nulls_last=True), "film_id"]  # then each queue's own order


@dataclass(frozen=True)
class Queue:
    key: str
    title: str
    hint: str
    items: Callable  # () -> QuerySet, in the queue's order
    actions: dict  # action -> (button text, function(items) -> how many done)


def _hide(reason: str):
    return lambda items, editor: editing.hide_member_reviews(items, reason)


def _verdict(verdict: str):
    return lambda items, editor: editing.override(items, verdict)


QUEUES = {q.key: q for q in (
    Queue("conflicts", "Ratings against labels",
          "The critic's rating reads one way and the source's own label (Fresh/Rotten) the other. The label "
          "stands meanwhile; a rating read on an inferred scale counts in no average until you settle it.",
          lambda: Review.objects.exclude(conflict="").order_by(*MOST_READ, "id"),
          {"label-rating-counts": ("Label stands, rating counts",
                                   lambda items, editor: editing.settle_conflicts(items, rating_counts=True)),
           "label-rating-aside": ("Label stands, rating misread: set it aside",
                                  lambda items, editor: editing.settle_conflicts(items, rating_counts=False)),
           "positive": ("Mark positive", _verdict("positive")),
           "negative": ("Mark negative", _verdict("negative"))}),
    Queue("check", "Verdicts to check",
          "The text model was unsure of these, or could not read their quote. An editor's verdict is kept "
          "through every re-run.",
          lambda: Review.objects.filter(needs_check=True).order_by(*MOST_READ, "id"),
          {"positive": ("Mark positive", _verdict("positive")),
           "negative": ("Mark negative", _verdict("negative"))}),
    Queue("drafts", "Consensus drafts",
          "Drafted from the reviews, each clause citing its reviews. Approve as written, or edit in the admin.",
          lambda: Consensus.objects.filter(status=Consensus.Status.DRAFT).order_by(*MOST_READ, "id"),
          {"approve": ("Approve", None)}),
    Queue("submissions", "Critics' submissions",
          "Reviews critics sent in, with their own verdict and quote, and what their page says. Publish puts "
          "them live (the critic's verdict first); one whose film is not certain then waits under Pages to place.",
          lambda: Submission.objects.filter(status=Submission.Status.QUEUED).order_by("submitted_at", "id"),
          {"publish": ("Publish", editing.publish_submissions),
           "reject": ("Reject", editing.reject_submissions)}),
    Queue("held", "Pages to place",
          "Collected reviews whose film is not certain: the title names several films, or only a headline names "
          "it. Name the film (a candidate, or any film's id); Dismiss drops the page.",
          lambda: HeldPage.objects.filter(settled_at__isnull=True).order_by("held_at", "id"),
          {"dismiss": ("Dismiss", lambda items, editor: editing.dismiss_held(items))}),
    Queue("members", "Members' reviews",
          "What members wrote with their ratings and no editor has read yet, newest first. Keep clears it from "
          "here; a hidden review is not shown, its rating leaves the audience score (and so does any later "
          "rating of the film by that member), and the member sees why.",
          lambda: AudienceRating.objects.filter(member__isnull=False, review_checked=False).exclude(review="").order_by(
              "-rated_at", "-id"),
          {"keep": ("Keep (read, fine)", lambda items, editor: editing.keep_member_reviews(items)),
           **{f"hide-{key}": (f"Hide: {reason}", _hide(reason)) for key, reason in (
               ("spam", "spam or advertising"), ("abuse", "abusive"), ("spoilers", "spoilers"),
               ("off-topic", "not about the film"))}}),
    Queue("critics", "Critics' accounts",
          "Critics who applied to submit their reviews. Approve links each to the catalogue's critic of that name "
          "(added if new).",
          lambda: CriticAccount.objects.filter(status=CriticAccount.Status.APPLIED).order_by("applied_at", "id"),
          {"approve": ("Approve", lambda items, editor: editing.decide_critic_accounts(items, True, editor)),
           "refuse": ("Refuse", lambda items, editor: editing.decide_critic_accounts(items, False, editor))}),
)}
REVIEW_QUEUES = {"conflicts", "check"}


@editor_required
def queue(request):
    asked = request.GET.get("queue")
    if asked is not None and asked not in QUEUES:
        raise Http404(f"no queue {asked!r}; the desk has: {', '.join(QUEUES)}")
    chosen = QUEUES.get(asked, QUEUES["conflicts"])
    items = chosen.items()
    if chosen.key in REVIEW_QUEUES or chosen.key == "drafts":
        items = items.select_related("film", "film__score")
    if chosen.key in REVIEW_QUEUES:
        items = items.select_related("critic", "outlet")
    elif chosen.key == "submissions":
        items = items.select_related("account", "account__critic")
    elif chosen.key == "critics":
        items = items.select_related("user")
    elif chosen.key == "members":
        items = items.select_related("film", "member")
    count = items.count()
    page, start = page_of(request.GET.get("page"), count, PER_PAGE)
    shown = list(items[start:start + PER_PAGE])
    if chosen.key == "drafts":
        _with_evidence(shown)
    if chosen.key == "held":
        _with_candidates(shown)
    if chosen.key == "critics":
        _with_namesakes(shown)
    return render(request, "web/desk.html", {
        "queue": chosen, "queues": [(q, q.items().count()) for q in QUEUES.values()],
        "items": shown, "count": count, "page": page,
        "pages": page_count(count, PER_PAGE), "actions": [(key, text) for key, (text, _) in chosen.actions.items()],
    })


def _with_evidence(drafts) -> None:
    """Beside each draft, what an editor weighs: each clause with why it is worded so and its
    cited reviews' quotes in full (the aspect tallies are the draft's own)."""
    ids = {i for c in drafts for clause in c.clauses or [] for i in clause["review_ids"]}
    reviews = Review.objects.select_related("critic", "outlet").in_bulk(ids)
    for consensus in drafts:
        consensus.evidence = [{**clause, "cited": [reviews[i] for i in clause["review_ids"] if i in reviews]}
                              for clause in consensus.clauses or []]


def _with_namesakes(accounts) -> None:
    """Beside each application, the catalogue's critic of that name, if one: approving would
    let the applicant submit as them."""
    from django.db.models import Count

    from ..catalog.identity import name_key
    from ..catalog.models import Critic

    keys = {name_key(a.name) for a in accounts}
    found = {c.name_key: c for c in Critic.objects.filter(name_key__in=keys).annotate(
        n=Count("reviews", distinct=True), held=Count("accounts", distinct=True))}
    for account in accounts:
        critic = found.get(name_key(account.name))
        account.known = {"reviews": critic.n, "accounts": critic.held} if critic else None


def _with_candidates(held) -> None:
    films = Film.objects.in_bulk({pk for page in held for pk in page.candidates or []})
    for page in held:
        page.films = [films[pk] for pk in page.candidates or [] if pk in films]


def _back(request, default: str):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(default)


def _ids(values) -> list[int]:
    try:
        return sorted({int(value) for value in values})
    except ValueError:
        raise editing.EditError("the items must be given by their ids") from None


@require_POST
@editor_required
@limited("write", "RECEPTION_WRITE_RATE", by=ByEditor)
def act(request):
    """An action of a queue on the items checked, or with `all` on every item of the page."""
    chosen = QUEUES.get(request.POST.get("queue", ""))
    action = request.POST.get("action", "")
    if chosen is None or action not in chosen.actions:
        return HttpResponseBadRequest("unknown queue or action")
    try:
        ids = _ids(request.POST.getlist("page_ids" if request.POST.get("all") else "ids"))
    except editing.EditError as exc:
        return HttpResponseBadRequest(str(exc))
    items = list(chosen.items().filter(pk__in=ids[:PER_PAGE * 4]))
    if not items:
        messages.warning(request, "nothing was checked")
        return _back(request, f"/desk/?queue={chosen.key}")
    text, run = chosen.actions[action]
    if run is None:  # approving drafts: one at a time, each the editor's
        for consensus in items:
            editing.approve(consensus, request.user.get_username())
        done = len(items)
    else:
        done = run(items, request.user)
    messages.success(request, f"{text}: {done} of {len(items)} done by {request.user.get_username()}")
    return _back(request, f"/desk/?queue={chosen.key}")


@require_POST
@editor_required
@limited("write", "RECEPTION_WRITE_RATE", by=ByEditor)
def override(request, review_id: int):
    review = get_object_or_404(Review, pk=review_id)
    verdict = request.POST.get("verdict", "")
    try:
        editing.override([review], verdict)
    except editing.EditError as exc:
        return HttpResponseBadRequest(str(exc))
    messages.success(request, f"review {review.pk} marked {verdict} by {request.user.get_username()}")
    return _back(request, "/desk/")


@require_POST
@editor_required
@limited("write", "RECEPTION_WRITE_RATE", by=ByEditor)
def approve(request, consensus_id: int):
    consensus = get_object_or_404(Consensus, pk=consensus_id)
    editing.approve(consensus, request.user.get_username())
    messages.success(request, f"consensus for {consensus.film} approved")
    return _back(request, "/desk/?queue=drafts")


@require_POST
@editor_required
@limited("write", "RECEPTION_WRITE_RATE", by=ByEditor)
def place(request, held_id: int):
    """A held page's review stored under the film the editor names."""
    held = get_object_or_404(HeldPage, pk=held_id)
    chosen = (request.POST.get("film_id") or request.POST.get("film") or "").strip()
    if request.POST.get("new") and not chosen:
        film_id = None  # a new film, from the page
    else:
        try:
            film_id = int(chosen)
        except ValueError:
            return HttpResponseBadRequest("name the film by its id, or add it as a new film")
    try:
        outcome = editing.place_held(held, film_id, request.user)
    except editing.EditError as exc:
        return HttpResponseBadRequest(str(exc))
    messages.success(request, f"{held.url}: review {outcome.result} under film {outcome.film_id}")
    return _back(request, "/desk/?queue=held")


urlpatterns = [
    path("desk/", queue, name="desk"),
    path("desk/act", act, name="desk-act"),
    path("desk/reviews/<int:review_id>/verdict", override, name="desk-override"),
    path("desk/consensus/<int:consensus_id>/approve", approve, name="desk-approve"),
    path("desk/held/<int:held_id>/place", place, name="desk-place"),
]
