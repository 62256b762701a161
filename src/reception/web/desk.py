"""The editors' desk: three queues (ratings against labels, verdicts to check, consensus drafts),
each counted, paged and sorted with the most-read films first, with actions on the items
checked or on a whole page; one-click verdict overrides from any review list. Staff only;
every change is a POST checked for its CSRF token, and brings the editor back to the same
queue and page. Merging critics and outlets is an action in their admin lists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from django.contrib import messages
from django.db.models import F
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .. import editing
from ..catalog.models import Consensus, Review
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


def _verdict(verdict: str):
    return lambda items: editing.override(items, verdict)


QUEUES = {q.key: q for q in (
    Queue("conflicts", "Ratings against labels",
          "The critic's rating reads one way and the source's own label (Fresh/Rotten) the other. The label "
          "stands meanwhile; a rating read on an inferred scale counts in no average until you settle it.",
          lambda: Review.objects.exclude(conflict="").order_by(*MOST_READ, "id"),
          {"label-rating-counts": ("Label stands, rating counts",
                                   lambda items: editing.settle_conflicts(items, rating_counts=True)),
           "label-rating-aside": ("Label stands, rating misread: set it aside",
                                  lambda items: editing.settle_conflicts(items, rating_counts=False)),
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
)}


@editor_required
def queue(request):
    chosen = QUEUES.get(request.GET.get("queue"), QUEUES["conflicts"])
    items = chosen.items().select_related("film", "film__score")
    if chosen.key != "drafts":
        items = items.select_related("critic", "outlet")
    count = items.count()
    page, start = page_of(request.GET.get("page"), count, PER_PAGE)
    shown = list(items[start:start + PER_PAGE])
    if chosen.key == "drafts":
        _with_evidence(shown)
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
        done = run(items)
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


urlpatterns = [
    path("desk/", queue, name="desk"),
    path("desk/act", act, name="desk-act"),
    path("desk/reviews/<int:review_id>/verdict", override, name="desk-override"),
    path("desk/consensus/<int:consensus_id>/approve", approve, name="desk-approve"),
]
