"""The editors' desk: the queue of reviews marked for checking, one-click verdict overrides,
consensus approval. Staff only; every change is a POST checked for its CSRF token. Merging
critics and outlets is an action in their admin lists."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .. import editing
from ..catalog.models import Consensus, Review
from .editors import editor_required
from .limits import ByEditor, limited
from .listing import listing

QUEUE_LIMIT = 50


@editor_required
def queue(request):
    waiting = Review.objects.filter(needs_check=True)
    drafts = (Consensus.objects.filter(status=Consensus.Status.DRAFT).select_related("film")
              .order_by("-updated_at")[:QUEUE_LIMIT])
    return render(request, "web/desk.html", {
        "data": {"reviews": listing(waiting, request.GET).as_dict()},
        "drafts": drafts, "shows": ["all"], "sorts": ["newest", "oldest"],
    })


def _back(request, default: str):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(default)


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
    return _back(request, "/desk/")


urlpatterns = [
    path("desk/", queue, name="desk"),
    path("desk/reviews/<int:review_id>/verdict", override, name="desk-override"),
    path("desk/consensus/<int:consensus_id>/approve", approve, name="desk-approve"),
]
