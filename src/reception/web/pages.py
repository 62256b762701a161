"""What each page shows, as one dict: the HTML templates and the JSON twins (``.json`` pages
and ``/api/v1``) are both drawn from these, so they cannot disagree."""

from __future__ import annotations

from django.db.models import Count, F, Q
from django.http import Http404

from ..catalog.dates import as_said
from ..catalog.models import Critic, Film, Outlet, Person, Review, slug_of, titled
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


# A critic "came back" to a film with a review at least this many months after their first.
RETURN_MONTHS = 12


def returns(reviews) -> list[dict]:
    """Critics who reviewed a film again years later, one entry per critic and film with their
    dated reviews in order: "1982: negative → 2002: positive"."""
    rows = (reviews.filter(critic__isnull=False, published__isnull=False)
            .order_by("critic_id", "film_id", "published", "id")
            .values_list("critic_id", "critic__name", "film_id", "film__title", "film__year", "published",
                         "published_precision", "verdict", "id"))
    groups: dict[tuple, list] = {}
    for critic_id, name, film_id, title, year, day, precision, verdict, review_id in rows:
        groups.setdefault((critic_id, film_id), []).append((name, title, year, day, precision, verdict, review_id))
    out = []
    for (critic_id, film_id), steps in groups.items():
        first, last = steps[0][3], steps[-1][3]
        if (last.year * 12 + last.month) - (first.year * 12 + first.month) < RETURN_MONTHS:
            continue
        name, title, year = steps[0][:3]
        said = [{"published": as_said(day, precision), "verdict": verdict or None, "review_id": review_id}
                for _, _, _, day, precision, verdict, review_id in steps]
        out.append({"critic": name, "critic_url": f"/critics/{slug_of(critic_id, name)}",
                    "film": {"id": film_id, "title": titled(title, year), "url": f"/films/{slug_of(film_id, title)}"},
                    "reviews": said,
                    "text": " → ".join(f"{s['published']}: {s['verdict'] or 'no verdict'}" for s in said)})
    return out


def film(film_id: int, params) -> dict:
    found = get(Film, film_id)
    stored = FilmScore.objects.filter(film=found).first()
    return {
        **film_json(found),
        "url": f"/films/{found.slug}",
        "score": score_json(stored),
        "consensus": _cited_where(found, consensus_json(current(found))),
        "rating_distribution": rating_bins(found.pk),
        "came_back": returns(found.reviews.all()),
        "reviews": listing(found.reviews.all(), params).as_dict(),
    }


def reappraised(decade=None, genre: str = "") -> dict:
    """The films whose reception turned (scores.story): "rediscovered" (the later % the higher)
    and "fallen", the widest turns first; by the decade of the film's year and a genre."""
    from ..scores.story import FALLEN, REDISCOVERED, TURN_MARGIN, TURN_MIN_REVIEWS

    try:
        decade = int(decade) // 10 * 10 if decade not in (None, "") else None
    except (TypeError, ValueError):
        decade = None  # a visitor's typo lists every decade rather than failing
    genre = " ".join(str(genre or "").split())[:QUERY_MAX]
    turned = FilmScore.objects.exclude(turn="").select_related("film")
    decades = sorted({s.film.year // 10 * 10 for s in turned if s.film.year})
    genres = sorted({g for s in turned for g in s.film.genres or []}, key=str.lower)
    if decade is not None:
        turned = turned.filter(film__year__gte=decade, film__year__lt=decade + 10)
    lists = {REDISCOVERED: [], FALLEN: []}
    for stored in turned:
        if genre and genre.lower() not in {g.lower() for g in stored.film.genres or []}:
            continue
        told = stored.detail["story"]
        lists[stored.turn].append(film_ref(stored.film) | {
            "genres": stored.film.genres, "release": told["release"], "later": told["later"], "story": told["text"],
            "change": round(stored.later_percent - stored.release_percent, 1)})
    for films in lists.values():
        films.sort(key=lambda f: (-abs(f["change"]), f["title"]))
    return {"margin": TURN_MARGIN, "turn_min_reviews": TURN_MIN_REVIEWS, "decade": decade,
            "genre": genre, "decades": decades, "genres": genres, **lists}


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


def history(reviews) -> dict:
    """A critic's record by year of their reviews: how many, % positive, how often they agree
    with the film's badge (the critics at large), and their average rating beside the average
    of the same films' ratings (how generous they are)."""
    rows = (reviews.filter(published__isnull=False)
            .values_list("published", "verdict", "rating", "film__score__badge", "film__score__average"))
    years: dict[int, list[int]] = {}
    mine, theirs = [], []
    for day, verdict, rating, badge, film_average in rows:
        year = years.setdefault(day.year, [0, 0, 0, 0])  # reviews, positive, compared, agreed
        year[0] += bool(verdict)
        year[1] += verdict == Verdict.POSITIVE
        if verdict and badge in (ROTTEN, *FRESH_BADGES):
            year[2] += 1
            year[3] += (verdict == Verdict.POSITIVE) == (badge in FRESH_BADGES)
        if rating is not None and film_average is not None:
            mine.append(rating)
            theirs.append(film_average)
    by_year = [{"year": y, "reviews": n, "positive": pos,
                "percent_positive": round(100 * pos / n, 1) if n else None,
                "compared": compared, "agree": agreed,
                "agreement": round(100 * agreed / compared, 1) if compared else None}
               for y, (n, pos, compared, agreed) in sorted(years.items())]
    generosity = None
    if mine:
        average, films = sum(mine) / len(mine), sum(theirs) / len(theirs)
        generosity = {"rated": len(mine), "average_rating": round(average, 1),
                      "films_average": round(films, 1), "difference": round(average - films, 1)}
    return {"by_year": by_year, "ratings": generosity}


def critic(critic_id: int, params) -> dict:
    found = get(Critic, critic_id)
    page = _person_or_outlet(found, "critics", Outlet.objects.filter(reviews__critic=found), "outlets", params)
    return page | {"top_critic": found.top_critic, "came_back": returns(found.reviews.all()),
                   "history": history(found.reviews.all())}


def outlet(outlet_id: int, params) -> dict:
    found = get(Outlet, outlet_id)
    page = _person_or_outlet(found, "outlets", Critic.objects.filter(reviews__outlet=found), "critics", params)
    return page | {"site": found.url, "weight": found.weight}


def search(query: str, page=None, section: str = "") -> dict:
    """Films, people, critics and outlets matching `query` (web.search), each section paged."""
    from .search import search as find

    return find(query, page, section, refs=(film_ref, _named_ref, _person_ref))


def _person_ref(person: Person) -> dict:
    return _named_ref(person, "people") | {"films": [
        film_ref(c.film) | {"role": c.role} for c in person.credits.select_related("film").order_by("film__year")[:10]]}


def person(person_id: int) -> dict:
    """A person's credits, each film with its figures, the most recent first."""
    found = get(Person, person_id)
    credits = found.credits.select_related("film", "film__score").order_by(
        F("film__year").desc(nulls_last=True), "film__title", "role")
    return _named_ref(found, "people") | {"credits": [
        film_ref(c.film, getattr(c.film, "score", None)) | {"role": c.role, "character": c.character or None}
        for c in credits]}
