"""``/api/v1``: the JSON twins of every page, review lists and exports, the badge, and the
editors' writes. OpenAPI at ``/api/v1/openapi.json``, interactive docs at ``/api/v1/docs``
(served from the package's own files, no CDN).

Reads are public and rate-limited per client address. Writes need an editor: an API token
(``Authorization: Bearer …``, see ``reception token``) or a signed-in staff session, which
must then send its CSRF token."""

from __future__ import annotations

import csv
import io
import json

from django.conf import settings
from django.db import OperationalError
from django.http import Http404, HttpResponse
from ninja import NinjaAPI, Query, Schema
from ninja.openapi.docs import Swagger
from ninja.responses import Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from .. import editing
from ..catalog.dates import as_said
from ..config import setting
from ..catalog.models import Film, Review
from ..catalog.serialize import review_json
from ..errors import ReceptionError
from ..ingest.files import inert
from ..scores.models import FilmScore
from ..scores.serialize import score_json
from . import charts, pages
from .errors import json_error
from .limits import ByAddress, ByEditor
from .security import busy, busy_response
from . import schemas as S
from .listing import SHOWS, SORTS, listing
from .editors import is_editor
from .models import ApiToken
from ..collect.models import CriticAccount

READ_RATE, WRITE_RATE = setting("RECEPTION_API_RATE"), setting("RECEPTION_WRITE_RATE")
# What a write may answer besides its own result: no editor, no such object, too many writes.
REFUSED = {401: S.Error, 404: S.Error, 429: S.Error}


def _file(*types: str) -> dict:
    """OpenAPI for a route answering a file, not JSON: its content types."""
    content = {kind: {"schema": {"type": "string"}} for kind in types}
    return {"responses": {200: {"description": "the file", "content": content}}}


class EditorToken(HttpBearer):
    def authenticate(self, request, token):
        user = ApiToken.editor_for(token)
        if user is not None:
            request.user = user
        return user


class EditorSession(SessionAuth):
    """A signed-in editor's session (its CSRF token checked), not any staff account's."""

    def _get_key(self, request):
        # No session cookie: no session to forge, so no CSRF check, and the caller gets the
        # 401 saying what is needed (not a 403 about a CSRF token it never had).
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if is_editor(user) else None


EDITOR = [EditorToken(), EditorSession()]


class CriticToken(HttpBearer):
    def authenticate(self, request, token):
        user = ApiToken.user_for(token, CriticAccount.approved_user)
        if user is not None:
            request.user = user
        return user


class CriticSession(EditorSession):
    def authenticate(self, request, key):
        user = SessionAuth.authenticate(self, request, key)
        return user if user is not None and CriticAccount.approved_user(user) else None


CRITIC = [CriticToken(), CriticSession()]

# ninja renders its bundled Swagger page only when listed as an app (settings say why it is
# not); otherwise it renders a page loading Swagger from a CDN. Its "CDN" page is pointed at
# the bundled one, which loads the files `collectstatic` took from ninja (settings).
DOCS = Swagger()
DOCS.template_cdn = str(settings.NINJA_FILES / "templates" / Swagger.template)

api = NinjaAPI(
    title="Reception API", version="1", urls_namespace="api-v1", docs=DOCS,
    description="Film reviews aggregated in the open. Reads are public; writes need an editor.",
    throttle=[ByAddress("api", READ_RATE)],
)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return json_error(404, str(exc) or "not found")


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    return json_error(422, "invalid request", exc.errors)


@api.exception_handler(AuthenticationError)
def _unauthorized(request, exc):
    return json_error(401, "an API token or a signed-in session (with its CSRF token) is needed: an editor's, or "
                           "for submissions an approved critic's", WWW_Authenticate="Bearer")


@api.exception_handler(HttpError)
def _http_error(request, exc):
    headers = {}
    if exc.status_code == 429:
        headers["Retry_After"] = str(getattr(exc, "wait", None) or 60)
    return json_error(exc.status_code, str(exc), **headers)


@api.exception_handler(OperationalError)
def _busy(request, exc):
    if busy(exc):
        return busy_response(json=True)
    raise exc


@api.exception_handler(editing.EditError)
def _edit_refused(request, exc):
    return json_error(400, str(exc))


@api.exception_handler(ReceptionError)
def _refused(request, exc):
    return json_error(400, exc.message, exc.details)


class ReviewFilters(Schema):
    show: str = "all"
    sort: str = "newest"
    page: int = 1
    per_page: int = 50


# --- reads -------------------------------------------------------------------------------

@api.get("/home", response={200: S.Home}, summary="The home page: best and most reviewed films, recent reviews")
def home(request):
    return pages.home()


@api.get("/search",
          response={200: S.SearchOut},
          summary="Films (by relevance, then reviews; close titles for a typo), people, critics and "
                  "outlets matching q; section= one of films, people, critics, outlets to page through")
def search(request, q: str = "", page: int = 1, section: str = ""):
    return pages.search(q, page, section)


class IndexQuery(Schema):
    q: str = ""
    page: int = 1


@api.get("/critics",
          response={200: S.IndexOut}, summary="Critics, the most reviews first, 100 a page; q narrows by name")
def critics(request, query: Query[IndexQuery]):
    from .browse import index

    return index("critics", query.dict())


@api.get("/outlets",
          response={200: S.IndexOut}, summary="Outlets, the most reviews first, 100 a page; q narrows by name")
def outlets(request, query: Query[IndexQuery]):
    from .browse import index

    return index("outlets", query.dict())


@api.get("/people", response={200: S.IndexOut}, summary="People, the most credits first, 100 a page; q narrows by name")
def people(request, query: Query[IndexQuery]):
    from .browse import index

    return index("people", query.dict())


@api.get("/people/{person_id}",
          response={200: S.PersonOut, 404: S.Error}, summary="A person and their credits, each film with its figures")
def person(request, person_id: int):
    return pages.person(person_id)


@api.get("/films/{film_id}",
          response={200: S.FilmOut, 404: S.Error},
          summary="A film with its figures, consensus and first page of reviews")
def film(request, film_id: int, filters: Query[ReviewFilters]):
    return pages.film(film_id, filters.dict())


@api.get("/films/{film_id}/reviews",
          response={200: S.ReviewPage, 404: S.Error},
          summary=f"A film's reviews; show: {', '.join(SHOWS)}; sort: {', '.join(SORTS)}")
def film_reviews(request, film_id: int, filters: Query[ReviewFilters]):
    return listing(pages.get(Film, film_id).reviews.all(), filters.dict()).as_dict()


EXPORT_COLUMNS = ["id", "critic", "outlet", "published", "top_critic", "rating_raw", "rating", "verdict",
                  "verdict_source", "verdict_probability", "quote", "url"]


@api.get("/films/{film_id}/reviews/export", openapi_extra=_file("text/csv", "application/json"),
         summary="Every review of a film as CSV or JSON")
def export(request, film_id: int, format: str = "csv"):
    found = pages.get(Film, film_id)
    reviews = found.reviews.select_related("critic", "outlet").order_by(*SORTS["oldest"])
    name = f"reception-{found.slug}-reviews"
    if format == "json":
        body = json.dumps({"film": pages.film_ref(found), "reviews": [review_json(r) for r in reviews]},
                          ensure_ascii=False, indent=1)
        response = HttpResponse(body, content_type="application/json")
    elif format == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(EXPORT_COLUMNS)
        for r in reviews:
            d = review_json(r)
            writer.writerow(map(inert, [
                r.pk, d["critic"] or "", d["outlet"] or "", as_said(r.published, r.published_precision),
                r.top_critic, r.rating_raw, "" if r.rating is None else r.rating, r.verdict, r.decided_by,
                "" if r.verdict_probability is None else r.verdict_probability, r.quote, r.url]))
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        return json_error(400, f"format must be csv or json, not {format!r}")
    response["Content-Disposition"] = f'attachment; filename="{name}.{format}"'
    return response


def _catalogue(what: str, format: str):
    from .export import export as stream

    response = stream(what, format)
    if response is None:
        return json_error(400, f"format must be csv or jsonl, not {format!r}")
    return response


@api.get("/export/films", openapi_extra=_file("text/csv", "application/x-ndjson"),
         summary="Every film with its figures, streamed; format: csv or jsonl")
def export_films(request, format: str = "jsonl"):
    return _catalogue("films", format)


@api.get("/export/reviews", openapi_extra=_file("text/csv", "application/x-ndjson"),
         summary="Every review with its rating, label, verdict and how it was decided, streamed; format: csv or jsonl")
def export_reviews(request, format: str = "jsonl"):
    return _catalogue("reviews", format)


@api.get("/export/audience", openapi_extra=_file("text/csv", "application/x-ndjson"),
         summary="Every audience rating without personal data (film, stars, day, member or imported, verified, "
                 "hidden), streamed; format: csv or jsonl")
def export_audience(request, format: str = "jsonl"):
    return _catalogue("audience", format)


@api.get("/films/{film_id}/badge.svg", openapi_extra=_file("image/svg+xml"),
         summary="An embeddable SVG badge with the film's % positive")
def badge(request, film_id: int):
    pages.get(Film, film_id)
    score = FilmScore.objects.filter(film_id=film_id).first()
    svg = charts.badge(score.percent if score else None, score.badge if score else None,
                       score.reviews if score else 0)
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "max-age=300"
    return response


class FilmFilters(Schema):
    sort: str = "title"
    genre: str = ""
    year: int | None = None
    decade: int | None = None
    badge: str = ""
    min_reviews: int = 0
    consensus: bool = False
    page: int = 1


@api.get("/films",
          response={200: S.FilmList},
          summary="Films, paged, with their % and badge; sort: title, best, score, reviews, year; "
                  "filters: genre, year, decade, badge (fresh, certified, rotten), min_reviews, consensus")
def films(request, filters: Query[FilmFilters]):
    from .browse import browse

    params = {k: ("1" if v is True else v) for k, v in filters.dict().items() if v not in (None, "", False)}
    return browse(params)


@api.get("/reappraised",
          response={200: S.Reappraised},
          summary="Films whose reception turned: rediscovered and fallen; by decade and genre")
def reappraised(request, decade: int | None = None, genre: str = ""):
    return pages.reappraised(decade, genre)


@api.get("/critics/{critic_id}",
          response={200: S.CriticOut, 404: S.Error}, summary="A critic, their outlets, agreement and reviews")
def critic(request, critic_id: int, filters: Query[ReviewFilters]):
    return pages.critic(critic_id, filters.dict())


@api.get("/outlets/{outlet_id}",
          response={200: S.OutletOut, 404: S.Error}, summary="An outlet, its critics, agreement and reviews")
def outlet(request, outlet_id: int, filters: Query[ReviewFilters]):
    return pages.outlet(outlet_id, filters.dict())


# --- writes (editors) ---------------------------------------------------------------------

class ReviewIn(Schema):
    critic: str = ""
    outlet: str = ""
    date: str = ""
    quote: str = ""
    url: str = ""
    rating: str = ""
    verdict: str = ""
    top_critic: bool = False
    # The review's id in the sender's system: posting it again with other content revises it.
    id: str = ""


class VerdictIn(Schema):
    verdict: str


@api.post("/films/{film_id}/reviews", auth=EDITOR, throttle=[ByEditor("write", WRITE_RATE)],
          response={201: S.Added, 400: S.Error, **REFUSED},
          summary="Add reviews to a film (one object or a list); all are stored or none")
def add_reviews(request, film_id: int, payload: ReviewIn | list[ReviewIn]):
    from ..ingest import add_reviews as store_reviews
    from ..pipeline import refresh

    pages.get(Film, film_id)
    rows = payload if isinstance(payload, list) else [payload]
    report = store_reviews(film_id, [r.dict() for r in rows])
    # This film's, and any other whose reviews the new ones changed (an outlet's scale learnt).
    verdicts = refresh(report.touched_films).verdicts
    return Status(201, {"ok": True, "read": report.read, "imported": report.imported, "updated": report.updated,
                        "duplicates": report.duplicates, "film": pages.film_ref(Film.objects.get(pk=film_id)),
                        # Quotes left without a verdict where the text model is not installed.
                        "waiting_for_text_model": verdicts.waiting})


@api.post("/reviews/{review_id}/verdict", auth=EDITOR,
          response={200: S.Reviewed, 400: S.Error, **REFUSED}, throttle=[ByEditor("write", WRITE_RATE)],
          summary="Override a review's verdict; kept through every re-run")
def override(request, review_id: int, payload: VerdictIn):
    review = pages.get(Review, review_id)
    editing.override([review], payload.verdict)
    review.refresh_from_db()
    return {"ok": True, "review": review_json(review),
            "score": score_json(FilmScore.objects.filter(film_id=review.film_id).first())}


class SettleIn(Schema):
    # True: the rating's reading is right and counts; False: misread, set aside.
    rating_counts: bool


@api.post("/reviews/{review_id}/conflict", auth=EDITOR,
          response={200: S.Reviewed, 409: S.Error, **REFUSED}, throttle=[ByEditor("write", WRITE_RATE)],
          summary="Settle a rating that disagrees with its label: the label stands; the rating counts or is set aside")
def settle(request, review_id: int, payload: SettleIn):
    review = pages.get(Review, review_id)
    if not review.conflict:
        return json_error(409, "this review's rating and label do not disagree: nothing to settle")
    editing.settle_conflicts([review], rating_counts=payload.rating_counts)
    review.refresh_from_db()
    return {"ok": True, "review": review_json(review),
            "score": score_json(FilmScore.objects.filter(film_id=review.film_id).first())}


@api.post("/films/{film_id}/consensus/approve", auth=EDITOR,
          response={200: S.Approved, **REFUSED}, throttle=[ByEditor("write", WRITE_RATE)],
          summary="Approve the film's current consensus")
def approve(request, film_id: int):
    from ..consensus.serialize import consensus_json
    from ..consensus.store import current

    found = pages.get(Film, film_id)
    consensus = current(found)
    if consensus is None:
        return json_error(404, "this film has no consensus to approve: run `reception consensus`")
    editing.approve(consensus, request.user.get_username())
    return {"ok": True, "consensus": consensus_json(consensus)}



class SubmissionIn(Schema):
    url: str
    quote: str
    verdict: str  # positive or negative (fresh or rotten): the critic's own call


def _submission_json(sub) -> dict:
    return {"id": sub.pk, "url": sub.url, "quote": sub.quote, "verdict": sub.verdict, "status": sub.status,
            "reason": sub.reason, "submitted_at": sub.submitted_at.isoformat(), "page": sub.page,
            "film": pages.film_ref(sub.film) if sub.film_id else None, "review": sub.review_id}


@api.post("/submissions", auth=CRITIC, throttle=[ByEditor("write", WRITE_RATE)],
          response={201: S.SubmissionOut, 400: S.Error, **REFUSED},
          summary="A critic submits their review: its link, a quote and their own verdict (an approved critic's "
                  "token); the page is read at once, and the review waits for an editor or goes live")
def submit(request, payload: SubmissionIn):
    sent = editing.submit_review(CriticAccount.of(request.auth), payload.url, payload.quote, payload.verdict)
    return Status(201, _submission_json(sent))


@api.get("/submissions", auth=CRITIC, response={200: S.Submissions, **REFUSED},
         summary="The critic's own submissions, newest first, with where each stands")
def submissions(request):
    from ..collect.models import Submission

    sent = Submission.objects.filter(account=CriticAccount.of(request.auth)).select_related("film")[:200]
    return {"submissions": [_submission_json(sub) for sub in sent]}
