"""Finding a film from what a user types: an id, a title, or "Title (1982)"."""

from __future__ import annotations

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
    films = Film.objects.filter(title_key=title_key(title))
    if year is not None:
        films = films.filter(year=year)
    found = list(films.order_by("year", "id")[:10])
    if len(found) == 1:
        return found[0]
    raise FilmNotFound(text, [f"{f} [id {f.pk}]" for f in found] or None)
