"""The signed-in member's own rating of a film, for its page (signed-in pages are never cached)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def my_rating(context, film_id):
    from ...catalog.models import AudienceRating

    user = context.get("user")
    if user is None or not user.is_authenticated or not hasattr(user, "member"):
        return None
    return AudienceRating.objects.filter(film_id=film_id, member=user).first()


@register.filter
def split(text: str) -> list[str]:
    return str(text).split()


@register.simple_tag(takes_context=True)
def new_member(context):
    """RECEPTION_MEMBER_WAIT_HOURS while the signed-in member's account is younger than that, else None."""
    import datetime as dt

    from django.utils import timezone

    from ...config import setting

    user = context.get("user")
    hours = float(setting("RECEPTION_MEMBER_WAIT_HOURS"))
    if user is None or not user.is_authenticated or not hours:
        return None
    if timezone.now() - user.date_joined < dt.timedelta(hours=hours):
        return f"{hours:g}"
    return None
