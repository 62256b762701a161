"""Finding a film from what a user types: an id, a title, or "Title (1982)"."""

from __future__ import annotations

from django.db.models import Q

from ..errors import FilmNotFound
from .identity import split_year, title_key
from .models import Film


def find_film(ref: str | int) -> Film:
    text = str(ref).strip()
    if text.isdigit():
        film = Film.objects.filter(pk=int(text)).first()
        if film:
            return film
    title, year = split_year(text)
    key = title_key(title)
    # By its title or by an alias (the title of a film merged into it), each with its own year.
    own, alias = Q(title_key=key), Q(aliases__title_key=key)
    if year is not None:
        own, alias = own & Q(year=year), alias & Q(aliases__year=year)
    found = list(Film.objects.filter(own | alias).distinct().order_by("year", "id")[:10])
    if len(found) == 1:
        return found[0]
    raise FilmNotFound.of_ref(text, [f"{f} [id {f.pk}]" for f in found] or None)
