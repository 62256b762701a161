"""Critics' own pages: apply for an account (/critics/apply), sign in (/signin), and, once an
editor has approved the account, submit a review (/submit): its link, a quote and the critic's
own call. The page is fetched at once to fill in the rest; the submission then waits for an
editor at the desk, or goes live at once with RECEPTION_SUBMISSIONS_LIVE (reception.editing).

Every form is a POST checked for its CSRF token; applying and submitting are rate-limited per
client address and per account. What a critic types is shown escaped, never as markup."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path

from .. import editing
from ..collect.models import CriticAccount, Submission
from ..errors import ReceptionError
from .limits import ByEditor, limited


class ApplyForm(forms.Form):
    username = forms.CharField(max_length=150)
    password = forms.CharField(widget=forms.PasswordInput, strip=False)
    name = forms.CharField(max_length=200, label="The name you publish under")
    outlet = forms.CharField(max_length=200, required=False, label="Where you publish")
    email = forms.EmailField(required=False, label="Email (optional)")

    def clean_username(self):
        from ..members.ratings import Refused, check_username

        try:
            return check_username(self.cleaned_data["username"])
        except Refused as exc:
            raise ValidationError(str(exc)) from None

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("username"):
            validate_password(data["password"], get_user_model()(username=data["username"]))
        return data


class SubmitForm(forms.Form):
    url = forms.URLField(max_length=1000, label="Link to your review", assume_scheme="https")
    quote = forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
                            label="A quote from it (a sentence or two)")
    verdict = forms.ChoiceField(choices=[("positive", "Fresh (positive)"), ("negative", "Rotten (negative)")],
                                widget=forms.RadioSelect, label="Your verdict")


class SignIn(auth_views.LoginView):
    template_name = "web/signin.html"
    redirect_authenticated_user = True


def apply(request):
    if request.method == "POST":
        return _apply(request)
    return render(request, "web/apply.html", {"form": ApplyForm()})


@limited("apply", "RECEPTION_SIGNUP_RATE")
def _apply(request):
    form = ApplyForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            user = get_user_model().objects.create_user(data["username"], data["email"] or "", data["password"])
            CriticAccount.objects.create(user=user, name=data["name"], outlet=data["outlet"])
        messages.success(request, "Thank you: an editor will look at your application. Sign in to see where it stands.")
        return redirect("/signin?next=/submit")
    return render(request, "web/apply.html", {"form": form})


account_of = CriticAccount.of


@limited("submit", "RECEPTION_WRITE_RATE", by=ByEditor)
def submit(request):
    if not request.user.is_authenticated:
        return redirect(f"/signin?next={request.path}")
    account = account_of(request.user)
    if request.method == "POST" and request.POST.get("action") == "token" and account is not None and account.approved:
        from .models import ApiToken

        # Shown once, on this answer only (no-store): only its hash is kept.
        token = ApiToken.issue(request.user, "issued at /submit")
        sent = Submission.objects.filter(account=account).select_related("film")[:50]
        return render(request, "web/submit.html", {"form": SubmitForm(), "account": account, "sent": sent,
                                                   "token": token})
    form = SubmitForm(request.POST or None)
    if request.method == "POST" and account is not None and account.approved and form.is_valid():
        data = form.cleaned_data
        try:
            sent = editing.submit_review(account, data["url"], data["quote"], data["verdict"])
        except ReceptionError as exc:
            form.add_error(None, exc.message)
        else:
            if sent.status == Submission.Status.FAILED:
                messages.error(request, f"Your link could not be read: {sent.reason}. Nothing was published.")
            elif sent.status == Submission.Status.LIVE:
                messages.success(request, "Your review is live.")
            else:
                messages.success(request, f"Thank you: your review is {sent.get_status_display()}.")
            return redirect("/submit")
    sent = Submission.objects.filter(account=account).select_related("film")[:50] if account else []
    return render(request, "web/submit.html", {"form": form, "account": account, "sent": sent})


urlpatterns = [
    path("signin", SignIn.as_view(), name="signin"),
    path("signout", auth_views.LogoutView.as_view(next_page="/"), name="signout"),
    path("critics/apply", apply, name="critic-apply"),
    path("submit", submit, name="submit"),
]
