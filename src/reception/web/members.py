"""Members of the audience: join (/join), rate films on their pages, their own page
(/members/NAME, private if they wish), their account (/account: ratings, privacy, delete).

Sign-up is limited per address (RECEPTION_SIGNUP_RATE); ratings per account
(RECEPTION_RATING_RATE) and per address (RECEPTION_RATING_ADDRESS_RATE). A rating changes
the film's audience score at once (pipeline.refresh over its film); what counts is the
scoring stage's rule (scores.audience). Members' words are shown escaped, never as markup.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .. import pipeline
from ..catalog.models import AudienceRating, Film
from ..members import ratings as members
from ..members.models import Member
from .limits import ByClient, ByEditor, limited, too_many


def join(request):
    if request.method != "POST":
        return render(request, "web/join.html", {"next": request.GET.get("next", "")})
    return _join(request)


@limited("join", "RECEPTION_SIGNUP_RATE")
def _join(request):
    try:
        member = members.join(request.POST.get("username", ""), request.POST.get("password", ""),
                              request.POST.get("email", "").strip())
    except members.Refused as exc:
        return render(request, "web/join.html", {"error": str(exc), "username": request.POST.get("username", ""),
                                                 "next": request.POST.get("next", "")}, status=400)
    login(request, member.user, backend="reception.web.signin.ThrottledModelBackend")
    messages.success(request, "Welcome: rate any film from its page.")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = "/account"
    return redirect(target)


@require_POST
def rate(request, pk: int):
    """Rate a film, change the rating, or (with `remove`) take it back."""
    member = members.member_of(request.user)
    if member is None:
        return HttpResponseForbidden("sign in as a member to rate films")
    from ..config import setting

    for throttle in (ByEditor("rate", setting("RECEPTION_RATING_RATE")),
                     ByClient("rate-address", setting("RECEPTION_RATING_ADDRESS_RATE"))):
        if not throttle.allow_request(request):
            return too_many(throttle, False)
    film = get_object_or_404(Film, pk=pk)
    if request.POST.get("remove"):
        changed = members.unrate(member, film)
        messages.success(request, "Your rating is removed." if changed else "You had not rated this film.")
    else:
        try:
            rating, changed = members.rate(member, film, request.POST.get("stars"), request.POST.get("review", ""),
                                           request.POST.get("code", ""))
        except members.Refused as exc:
            messages.error(request, f"Not rated: {exc}.")
            return redirect(f"/films/{film.slug}#rate")
        stars = f"{rating.stars:g} star{'s' * (rating.stars != 1)}"
        messages.success(request, f"Rated {stars}" + (" (verified: you were at a screening)" if rating.verified else "")
                         + ("." if changed else ", as before."))
    if changed:  # a rating made again as it was changes nothing, and no cached page is dropped for it
        pipeline.refresh({film.pk}, read_text=False)
    return redirect(f"/films/{film.slug}#rate")


def account(request):
    member = members.member_of(request.user)
    if member is None:
        if request.user.is_authenticated:  # an editor's or a critic's account: their own pages
            return redirect("/desk/" if request.user.is_staff else "/submit")
        return redirect("/signin?next=/account")
    if request.method == "POST" and request.POST.get("action") == "privacy":
        member.private = request.POST.get("private") == "1"
        member.save(update_fields=["private"])
        messages.success(request, "Your page is private." if member.private else "Your page is public.")
        return redirect("/account")
    if request.method == "POST" and request.POST.get("action") == "delete":
        if not request.user.check_password(request.POST.get("password", "")):
            messages.error(request, "Not deleted: the password is not right.")
            return redirect("/account")
        films = members.delete_account(request.user)
        pipeline.refresh(films, read_text=False)
        return redirect("/")
    rated = AudienceRating.objects.filter(member=request.user).select_related("film").order_by("-rated_at")
    return render(request, "web/account.html", {"member": member, "rated": rated})


def member_page(request, username: str):
    found = get_object_or_404(Member.objects.select_related("user"), user__username=username)
    if found.private and found.user != request.user:
        raise Http404("no such member")
    rated = AudienceRating.objects.filter(member=found.user, hidden_reason="").select_related("film").order_by(
        "-rated_at")
    return render(request, "web/member.html", {"found": found, "rated": rated})


class PasswordChange(auth_views.PasswordChangeView):
    """A member (or a critic) changes their password; Django's validators apply. With no mail
    server there is no reset by email: an editor sets a new one in the admin."""

    template_name = "web/password.html"
    success_url = "/account"

    def form_valid(self, form):
        messages.success(self.request, "Your password is changed.")
        return super().form_valid(form)


urlpatterns = [
    path("join", join, name="join"),
    path("account/password", PasswordChange.as_view(), name="password"),
    path("account", account, name="account"),
    path("members/<str:username>", member_page, name="member"),
    path("films/<int:pk>/rate", rate, name="rate"),
]
