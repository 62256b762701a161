"""What each page shows, as one dict: the HTML templates and the JSON twins (``.json`` pages
and ``/api/v1``) are both drawn from these, so they cannot disagree."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import Http404

from ..catalog.models import Critic, Film, Outlet, Person, Review
from ..rules import Verdict
from ..catalog.serialize import film_json
from ..consensus.serialize import consensus_json
from ..consensus.store import current
from ..scores.badges import FRESH_BADGES, ROTTEN
from ..scores.models import FilmScore
from ..scores.serialize import score_json
from .listing import film_ref as listed_film
from .listing import PER_PAGE, SORTS, listing

HOME_LIMIT = 10
SEARCH_LIMIT = 20
QUERY_MAX = 100


def get(model, pk):
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise Http404(f"no such {model._meta.verbose_name}")
    return found


def film_ref(film: Film, score: FilmScore | None = None) -> dict:
    ref = listed_film(film)
    if score is not None:
        ref |= {"percent_positive": score.percent, "reviews": score.reviews, "badge": score.badge or None}
    return ref


def _named_ref(thing, kind: str) -> dict:
    return {"id": thing.pk, "name": thing.name, "url": f"/{kind}/{thing.slug}"}


def home() -> dict:
    scored = FilmScore.objects.select_related("film")
    # Ranked by the interval's lower end: 9 of 10 positive does not outrank 190 of 200. A film
    # known only by a source's id ("rt-reviews film 782") comes after every titled one.
    best = (scored.filter(low__isnull=False, badge__in=FRESH_BADGES)
            .order_by("-film__title_known", "-low", "-reviews")[:HOME_LIMIT])
    if scored.exists():
        most = [film_ref(s.film, s) for s in
                scored.order_by("-film__title_known", "-reviews", "film__title")[:HOME_LIMIT]]
    else:  # nothing scored yet: count the rows themselves (slower, but the page is cached)
        most = [film_ref(f) | {"reviews": f.n} for f in
                Film.objects.annotate(n=Count("reviews")).order_by("-title_known", "-n", "title")[:HOME_LIMIT]]
    recent = (Review.objects.filter(published__isnull=False).select_related("film", "critic", "outlet")
              .order_by("-published", "-id")[:HOME_LIMIT])
    return {
        "films": Film.objects.count(),
        "best_reviewed": [film_ref(s.film, s) for s in best],
        "most_reviewed": most,
        "recent_reviews": [_review_ref(r) for r in recent],
        "unscored_note": None if scored.exists() else "no film scored yet: run `reception score --all`",
    }


def _review_ref(r: Review) -> dict:
    return {"id": r.pk, "film": film_ref(r.film), "critic": r.critic.name if r.critic else None,
            "outlet": r.outlet.name if r.outlet else None,
            "published": r.published.isoformat() if r.published else None,
            "published_precision": r.published_precision if r.published else None,
            "verdict": r.verdict or None, "quote": r.quote}


def rating_bins(film_id: int) -> list[int]:
    """Reviews per tenth of the 0–100 scale (100 counts in the top tenth)."""
    bins = [0] * 10
    for rating in Review.objects.filter(film_id=film_id, rating__isnull=False).values_list("rating", flat=True):
        bins[min(9, int(rating // 10))] += 1
    return bins


def _cited_where(film: Film, consensus: dict | None) -> dict | None:
    """Each cited review's place in the film's review list as it first shows (its page and
    anchor), so that a citation opens its review wherever it is."""
    if not consensus or not consensus["cited"]:
        return consensus
    order = list(film.reviews.order_by(*SORTS["newest"]).values_list("id", flat=True))
    at = {review_id: i for i, review_id in enumerate(order)}
    for cited in consensus["cited"]:
        page = at[cited["review_id"]] // PER_PAGE + 1
        cited["url"] = f"/films/{film.slug}?page={page}#review-{cited['review_id']}"
    return consensus


def film(film_id: int, params) -> dict:
    found = get(Film, film_id)
    stored = FilmScore.objects.filter(film=found).first()
    return {
        **film_json(found),
        "url": f"/films/{found.slug}",
        "score": score_json(stored),
        "consensus": _cited_where(found, consensus_json(current(found))),
        "rating_distribution": rating_bins(found.pk),
        "reviews": listing(found.reviews.all(), params).as_dict(),
    }


def agreement(reviews) -> dict:
    """How often these reviews' verdicts match the film's badge (fresh/certified vs rotten),
    counted over films with enough reviews for a badge."""
    rows = (reviews.exclude(verdict="").filter(film__score__badge__in=(ROTTEN, *FRESH_BADGES))
            .values_list("verdict", "film__score__badge"))
    agree = total = 0
    for verdict, badge in rows:
        total += 1
        agree += (verdict == Verdict.POSITIVE) == (badge in FRESH_BADGES)
    return {"films": total, "agree": agree, "percent": round(100 * agree / total, 1) if total else None}


def _person_or_outlet(found, kind: str, partners, partner_kind: str, params) -> dict:
    """What critic and outlet pages share: their aliases, reviews, agreement, and who they appear
    with (a critic's outlets, an outlet's critics), most reviews first."""
    reviews = found.reviews.all()
    partners = partners.annotate(n=Count("reviews")).order_by("-n", "name")[:SEARCH_LIMIT]
    return {
        **_named_ref(found, kind),
        partner_kind: [_named_ref(p, partner_kind) | {"reviews": p.n} for p in partners],
        "aliases": sorted(found.aliases.values_list("alias", flat=True)),
        "agreement": agreement(reviews),
        "reviews": listing(reviews, params).as_dict(),
    }


def critic(critic_id: int, params) -> dict:
    found = get(Critic, critic_id)
    page = _person_or_outlet(found, "critics", Outlet.objects.filter(reviews__critic=found), "outlets", params)
    return page | {"top_critic": found.top_critic}


def outlet(outlet_id: int, params) -> dict:
    found = get(Outlet, outlet_id)
    page = _person_or_outlet(found, "outlets", Critic.objects.filter(reviews__outlet=found), "critics", params)
    return page | {"site": found.url, "weight": found.weight}


def search(query: str) -> dict:
    """Films by title, people by name (with their films), critics and outlets by name: each also
    by its aliases."""
    query = " ".join((query or "").split())[:QUERY_MAX]
    if not query:
        return {"query": "", "films": [], "people": [], "critics": [], "outlets": []}
    films = (Film.objects.filter(Q(title__icontains=query) | Q(title_key__icontains=query.lower())
                                 | Q(aliases__title__icontains=query)).distinct()
             .select_related("score").order_by("title", "year")[:SEARCH_LIMIT])
    people = Person.objects.filter(name__icontains=query).order_by("name")[:SEARCH_LIMIT]
    critics = (Critic.objects.filter(Q(name__icontains=query) | Q(aliases__alias__icontains=query)).distinct()
               .order_by("name")[:SEARCH_LIMIT])
    outlets = Outlet.objects.filter(Q(name__icontains=query) | Q(aliases__alias__icontains=query)).distinct()
    return {
        "query": query,
        "films": [film_ref(f, getattr(f, "score", None)) for f in films],
        "people": [{"name": p.name, "films": [
            film_ref(c.film) | {"role": c.role} for c in p.credits.select_related("film").order_by("film__year")[:10]
        ]} for p in people],
        "critics": [_named_ref(c, "critics") | {"top_critic": c.top_critic} for c in critics],
        "outlets": [_named_ref(o, "outlets") for o in outlets.order_by("name")[:SEARCH_LIMIT]],
    }
