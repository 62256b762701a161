"""One JSON shape per object, shared by the CLI's --json and the site's .json pages."""

from __future__ import annotations

from ..rules import is_held
from .models import Film, Review, titled


def film_json(film: Film) -> dict:
    credits = film.credits.select_related("person").order_by("role", "order", "id")
    companies = film.companies.select_related("company").order_by("role", "id")
    return {
        "id": film.pk,
        "title": film.title,
        "year": film.year,
        # Titles of films merged into it (FilmAlias), as "Title (year)".
        "aliases": [titled(a.title, a.year) for a in film.aliases.order_by("title", "year")],
        "genres": film.genres,
        "synopsis": film.synopsis,
        "runtime_minutes": film.runtime_minutes,
        "mpaa_rating": film.mpaa_rating,
        "sample": film.sample,
        "credits": [
            {"name": c.person.name, "role": c.role, **({"character": c.character} if c.character else {})}
            for c in credits
        ],
        "companies": [
            {"name": c.company.name, "role": c.role, **{k: getattr(c, k) for k in ("region", "note") if getattr(c, k)}}
            for c in companies
        ],
        "releases": [
            {"kind": r.kind, "date": r.date.isoformat() if r.date else None, "date_precision": r.date_precision,
             **{k: getattr(r, k) for k in ("region", "place", "title", "format", "note") if getattr(r, k)}}
            for r in film.releases.order_by("date", "id")
        ],
        "published_scores": [
            {"source": p.source, "status": p.status, "percent_positive": p.percent_positive,
             "review_count": p.review_count, "top_critic_count": p.top_critic_count,
             "audience_status": p.audience_status, "audience_percent": p.audience_percent,
             "audience_count": p.audience_count, "consensus": p.consensus}
            for p in film.published_scores.order_by("source")
        ],
    }


def review_json(review: Review) -> dict:
    return {
        "id": review.pk,
        "critic": review.critic.name if review.critic else None,
        "outlet": review.outlet.name if review.outlet else None,
        "published": review.published.isoformat() if review.published else None,
        "published_precision": review.published_precision if review.published else None,
        "published_inferred": review.published_inferred,
        "quote": review.quote,
        "url": review.url,
        "top_critic": review.top_critic,
        "rating": {
            "raw": review.rating_raw,
            "score": review.rating,
            "scale": review.rating_scale,
            "flag": review.rating_flag,
        },
        "verdict": review.verdict or None,
        # The public names of the model's decided_by and label (docs/site.md).
        "verdict_source": review.decided_by or None,
        "verdict_probability": review.verdict_probability,
        "verdict_model": review.verdict_model or None,
        "source_verdict": review.label or None,
        "needs_check": review.needs_check,
        # Why the rating and the label disagree (the label stands until an editor settles it).
        "conflict": review.conflict or None,
        # Left out of the averages until then: a rating read on an inferred scale.
        "rating_held": is_held(review.conflict, review.rating_flag),
    }
