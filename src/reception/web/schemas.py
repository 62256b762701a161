"""The API's response shapes, for OpenAPI: each route says what it answers. The page builders
(web.pages) make the dicts, which the site's JSON twins serve as they are; these schemas type
their fields and keep any other key (extra="allow"), so the API and the twins never differ."""

from __future__ import annotations

from ninja import Schema
from pydantic import ConfigDict


class Open(Schema):
    model_config = ConfigDict(extra="allow")


class Error(Open):
    ok: bool
    error: str
    status: int
    errors: list = []


class FilmRef(Open):
    id: int
    title: str
    year: int | None = None
    url: str
    sample: bool = False
    percent_positive: float | None = None
    reviews: int | None = None
    badge: str | None = None


class Named(Open):
    id: int
    name: str
    url: str


class Rating(Open):
    raw: str
    score: float | None
    scale: str
    flag: str


class ReviewOut(Open):
    id: int
    critic: str | None
    outlet: str | None
    published: str | None
    published_precision: str | None
    published_inferred: bool
    quote: str
    url: str
    top_critic: bool
    rating: Rating
    verdict: str | None
    verdict_source: str | None
    verdict_probability: float | None
    verdict_model: str | None
    source_verdict: str | None
    needs_check: bool
    conflict: str | None
    rating_held: bool


class ListedReview(ReviewOut):
    film: FilmRef
    critic_url: str | None
    outlet_url: str | None
    link: str | None


class ReviewPage(Open):
    show: str
    sort: str
    page: int
    per_page: int
    count: int
    pages: int
    items: list[ListedReview]


class Story(Open):
    text: str
    release: dict
    later: dict
    turn: str


class Score(Open):
    reviews: int
    positive: int
    negative: int
    percent_positive: float | None
    interval_90: list[float | None] | None
    badge: str | None
    rated: int
    average_rating: float | None
    weighted_rating: float | None
    over_time: list[dict]
    story: Story | None = None
    counted: dict | None = None
    timeline: list[dict]


class Cited(Open):
    number: int
    review_id: int
    critic: str | None
    outlet: str | None
    verdict: str | None
    quote: str


class ConsensusOut(Open):
    text: str
    status: str
    author: str
    citations: str
    parts: list[dict]
    cited: list[Cited]
    clauses: list[dict]
    aspects: list[dict]


class FilmOut(Open):
    id: int
    title: str
    year: int | None
    aliases: list[str]
    genres: list[str]
    synopsis: str
    runtime_minutes: int | None
    mpaa_rating: str
    credits: list[dict]
    companies: list[dict]
    releases: list[dict]
    published_scores: list[dict]
    url: str
    score: Score | None
    consensus: ConsensusOut | None
    rating_distribution: list[int]
    came_back: list[dict]
    reviews: ReviewPage


class Home(Open):
    films: int
    best_reviewed: list[FilmRef]
    most_reviewed: list[FilmRef]
    recent_reviews: list[dict]


class SearchOut(Open):
    query: str
    did_you_mean: str | None
    films: list[FilmRef]
    close_matches: list[FilmRef]
    people: list[Named]
    critics: list[Named]
    outlets: list[Named]
    counts: dict[str, int]
    paging: dict[str, dict]


class Agreement(Open):
    films: int
    agree: int
    percent: float | None


class CriticOut(Named):
    aliases: list[str]
    agreement: Agreement
    outlets: list[Named]
    reviews: ReviewPage
    top_critic: bool
    came_back: list[dict]
    history: dict


class OutletOut(Named):
    aliases: list[str]
    agreement: Agreement
    critics: list[Named]
    reviews: ReviewPage
    site: str
    weight: float


class Credit(FilmRef):
    role: str
    character: str | None


class PersonOut(Named):
    credits: list[Credit]


class BrowsedFilm(FilmRef):
    genres: list[str]
    interval_90: list[float | None] | None


class FilmList(Open):
    count: int
    page: int
    pages: int
    sort: str
    filters: dict
    rule: str | None
    films: list[BrowsedFilm]


class IndexOut(Open):
    kind: str
    q: str
    count: int
    page: int
    pages: int
    counted: str
    items: list[Named]


class Turned(FilmRef):
    release: dict
    later: dict
    story: str
    change: float


class Reappraised(Open):
    margin: float
    turn_min_reviews: int
    decade: int | None
    genre: str
    decades: list[int]
    genres: list[str]
    rediscovered: list[Turned]
    fallen: list[Turned]


class Added(Open):
    ok: bool
    read: int
    imported: int
    updated: int
    duplicates: int
    film: FilmRef
    waiting_for_text_model: int


class Reviewed(Open):
    ok: bool
    review: ReviewOut
    score: Score | None


class Approved(Open):
    ok: bool
    consensus: ConsensusOut | None


class PageRead(Open):
    """What was read from a review page (collect.page.PageReview)."""
    kind: str
    url: str
    film_title: str
    film_year: int | None = None
    directors: list[str] = []
    critic: str = ""
    outlet: str = ""
    published: str | None = None
    rating_raw: str = ""
    quote: str = ""


class SubmissionOut(Open):
    id: int
    url: str
    quote: str
    verdict: str
    status: str
    reason: str
    submitted_at: str
    page: PageRead | None = None
    film: FilmRef | None = None
    review: int | None = None


class Submissions(Open):
    submissions: list[SubmissionOut]
