"""What a member does: join, rate a film (0.5 to 5 stars, with an optional short review and
a screening code), change or remove the rating, make their page private, delete the account.

A rating is stored as an AudienceRating with `member` set and `user_key` "member:ID" (one per
member per film); what counts in the audience score is the scoring stage's rule
(scores.audience). Throttles (per account, per address) are the site's (web.members); this
module says what a rating may be.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from ..catalog.models import AudienceRating, Film
from .models import HiddenReview, Member, ScreeningCode

REVIEW_CHARS = 1000
STARS = [n / 2 for n in range(1, 11)]  # 0.5 … 5


class Refused(ValueError):
    """A member's action refused, with a reason to show them."""


def check_username(username: str) -> str:
    """A user name as stored (NFKC, as Django stores it: "ａｌｉｃｅ" is "alice"), or Refused:
    letters, digits and @ . + - _ only (no spaces, slashes, markup, invisible or right-to-left
    marks), 1 to 150 characters, and not taken in any case."""
    User = get_user_model()
    username = User.normalize_username((username or "").strip())
    if not username or len(username) > 150:
        raise Refused("choose a user name of 1 to 150 characters")
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise Refused("a user name may hold letters, digits and @ . + - _ only") from None
    if User.objects.filter(username__iexact=username).exists():
        raise Refused("that user name is taken")
    return username


def join(username: str, password: str, email: str = "") -> Member:
    """A new member's account; Django's password validators apply."""
    username = check_username(username)
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise Refused("that email address is not one (leave it empty if you like: it is optional)") from None
    User = get_user_model()
    try:
        validate_password(password, User(username=username, email=email))
    except ValidationError as exc:
        raise Refused(" ".join(exc.messages)) from None
    with transaction.atomic():
        user = User.objects.create_user(username, email or "", password)
        return Member.objects.create(user=user)


def member_of(user) -> Member | None:
    if user is None or not user.is_authenticated:
        return None
    return Member.objects.filter(user=user).first()


def rate(member: Member, film: Film, stars, review: str = "", code: str = "") -> tuple[AudienceRating, bool]:
    """The member's rating of `film`, made or changed, and whether anything changed. A screening
    code for this film, unused or used by this member before, makes it verified; a code used by
    anyone else (an account deleted since included) is refused. A review an editor hid for this
    member and film stays hidden."""
    try:
        stars = float(stars)
    except (TypeError, ValueError):
        raise Refused("give from 0.5 to 5 stars, in halves") from None
    if stars not in STARS:
        raise Refused("give from 0.5 to 5 stars, in halves")
    review = (review or "").replace("\x00", "").strip()
    if len(review) > REVIEW_CHARS:
        raise Refused(f"a review is at most {REVIEW_CHARS} characters (this one is {len(review)})")
    user = member.user
    with transaction.atomic():
        rating = AudienceRating.objects.select_for_update().filter(film=film, member=user).first()
        verified = bool(rating and rating.verified)
        code = (code or "").strip().upper().replace(" ", "").replace("-", "")
        if code:
            found = ScreeningCode.objects.select_for_update().select_related("screening").filter(code=code).first()
            if found is None or found.screening.film_id != film.pk:
                raise Refused("that screening code is not one for this film")
            if found.used_at is not None and found.used_by_id != user.pk:
                raise Refused("that screening code has been used already")
            if found.used_at is None:
                found.used_by, found.used_at = user, timezone.now()
                found.save(update_fields=["used_by", "used_at"])
            verified = True
        if rating is not None and (rating.stars, rating.review, rating.verified) == (stars, review, verified):
            return rating, False  # the same again: nothing to count, nothing to show anew
        if rating is None:
            rating = AudienceRating(film=film, member=user, user_key=f"member:{user.pk}",
                                    account_created_at=user.date_joined)
        hidden = HiddenReview.objects.filter(user=user, film=film).values_list("reason", flat=True).first()
        rating.stars, rating.review, rating.verified, rating.rated_at = stars, review, verified, timezone.now()
        rating.hidden_reason = hidden or ""
        rating.review_checked = bool(hidden)
        rating.save()
    return rating, True


def unrate(member: Member, film: Film) -> bool:
    deleted, _ = AudienceRating.objects.filter(film=film, member=member.user).delete()
    return bool(deleted)


def delete_account(user) -> set[int]:
    """The account and everything of it (its ratings and reviews, its member page) deleted;
    the films whose audience score changes."""
    films = set(AudienceRating.objects.filter(member=user).values_list("film_id", flat=True))
    user.delete()
    return films


def hide(ratings, reason: str) -> set[int]:
    """Members' reviews hidden by an editor (not shown, not counted, and so for any later rating
    of the same film by the same member); the films touched."""
    ids = [r.pk for r in ratings]
    AudienceRating.objects.filter(pk__in=ids).update(hidden_reason=reason[:200], review_checked=True)
    for rating in ratings:
        if rating.member_id:
            HiddenReview.objects.update_or_create(user_id=rating.member_id, film_id=rating.film_id,
                                                  defaults={"reason": reason[:200]})
    return {r.film_id for r in ratings}


def keep(ratings) -> int:
    """Members' reviews an editor has read and keeps: they leave the desk's queue."""
    return AudienceRating.objects.filter(pk__in=[r.pk for r in ratings]).update(review_checked=True)
