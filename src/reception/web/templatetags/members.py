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
