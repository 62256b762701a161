"""A review page read: who reviewed which film, when, with what rating, in which words.

The page's own markup says it, read by extruct, in this order:
1. schema.org `Review` (or `CriticReview`) as JSON-LD, then as microdata: `itemReviewed` a
   `Movie` (name, dateCreated or datePublished for its year, director), `author`, `publisher`,
   `datePublished`, `reviewRating` (ratingValue over bestRating), `description`. A `Movie`
   carrying its `review` counts the same. A review of anything else (a `Book`, a `MusicAlbum`,
   a `TVSeries`) is refused as not a film's.
2. Open Graph alone (`og:title`, `og:description`, `og:site_name`, `article:author`,
   `article:published_time`): the film is then named only by a headline ("'Glass Orchard'
   review: …", "Review: Glass Orchard (2021)"), which is read only in those forms, and only
   a film already in the catalogue is matched to it (collect.place).
3. No markup: refused; the page says nothing we can read without guessing.

The quote is the page's own summary (the review's `description`, else `og:description`, else
the meta description); without one, the first sentences of the critic's text (the review's
`reviewBody`, else the page's main text by trafilatura), at most QUOTE_CHARS: never the whole
article. The page's canonical URL (`<link rel="canonical">`, else `og:url`, on the same site
as the page) is the review's key, so collecting it again finds it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..ingest.records import RowError, parse_date

QUOTE_CHARS = 300
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
FILM_TYPES = {"Movie"}
REVIEW_TYPES = {"Review", "CriticReview"}
# Visitors' reviews on a film's page: not a critic's; refused, saying so.
AUDIENCE_TYPES = {"UserReview", "EmployerReview"}
# Query parameters that say how a visitor came, not which page: dropped from a URL without a
# canonical link, so a feed's "?utm_source=feed" and a share's "?fbclid=…" are one page.
TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|ref|ref_src|cmpid|ocid)$", re.I)


class Unreadable(ValueError):
    """A page that holds no film review we can read; `code` sorts the report."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code


@dataclass
class PageReview:
    kind: str  # json-ld, microdata or opengraph: where the facts came from
    url: str  # the canonical URL
    film_title: str
    film_year: int | None = None
    directors: list[str] = field(default_factory=list)
    critic: str = ""
    outlet: str = ""
    published: dt.date | None = None
    rating_raw: str = ""
    quote: str = ""
    # The film named only by a headline (Open Graph): matched to a catalogue film, never added.
    headline_only: bool = False
    # The address it was fetched at (after redirects, tracking dropped): where a review stored
    # before its page named a canonical URL is found (collect.store_pages).
    fetched: str = ""

    def as_dict(self) -> dict:
        data = asdict(self)
        data["published"] = self.published.isoformat() if self.published else None
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "PageReview":
        data = dict(data)
        data["published"] = dt.date.fromisoformat(data["published"]) if data.get("published") else None
        return cls(**data)


def load_readers() -> None:
    """Import the parsers now, in the calling thread: their first import, inside several worker
    threads at once, is slow and (in a fresh process) may see a module another thread has only
    half set up."""
    import extruct  # noqa: F401
    import lxml.html  # noqa: F401
    import trafilatura  # noqa: F401


def read_page(html: str, url: str) -> list[PageReview]:
    """Every film review the page at `url` holds (one, nearly always); Unreadable if none."""
    import extruct
    import lxml.html

    # An XHTML page's XML declaration names an encoding, which lxml refuses in text already decoded.
    html = _XML_DECLARATION.sub("", html, count=1)
    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError) as exc:
        raise Unreadable("no-markup", f"not an HTML page ({exc})") from None
    metas = _metas(tree)
    canonical = _canonical(tree, metas, url)
    try:
        data = extruct.extract(html, base_url=url, syntaxes=["json-ld", "microdata", "opengraph"], uniform=True,
                               errors="ignore")
    except Exception as exc:  # extruct raises what its parsers raise; the page is refused, with why
        raise Unreadable("no-markup", f"its markup could not be read ({type(exc).__name__}: {exc})") from None
    og = _opengraph(data.get("opengraph") or [])
    fetched = _clean(url)
    others = []
    for kind in ("json-ld", "microdata"):
        found, refused = _reviews(data.get(kind) or [])
        others += refused
        if found:
            pages = [_from_schema(review, kind, canonical, metas, og, tree) for review in found]
            if len(pages) > 1:  # a round-up: one page, several reviews, each keyed by its film and critic
                _key_each(pages)
            for page in pages:
                page.fetched = fetched
            return pages
    if others:
        what = others[0]
        if what in AUDIENCE_TYPES:
            raise Unreadable("not-a-critic", "its reviews are visitors' (schema.org UserReview), not a critic's")
        raise Unreadable("not-a-film", f"it reviews {_a(what)}, not a film")
    if og.get("og:title") or og.get("og:description"):
        page = _from_opengraph(og, metas, canonical, tree)
        page.fetched = fetched
        return [page]
    raise Unreadable("no-markup", "it has no review markup (schema.org Review or Open Graph) naming a film")


def _key_each(pages: list[PageReview]) -> None:
    def slug(text: str) -> str:
        return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")

    seen: dict[str, int] = {}
    for page in pages:
        key = "-".join(part for part in (slug(page.film_title), slug(page.critic)) if part)
        seen[key] = seen.get(key, 0) + 1
        page.url = f"{page.url}#{key}" + (f"-{seen[key]}" if seen[key] > 1 else "")


# the markup ----------------------------------------------------------------------------------

def _types(item) -> set[str]:
    kinds = item.get("@type") if isinstance(item, dict) else None
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return {str(k).rsplit("/", 1)[-1] for k in kinds if k}


def _nodes(items):
    """Every object of the extracted items, nested ones and @graph members included."""
    stack = list(items)
    while stack:
        item = stack.pop(0)
        if isinstance(item, list):
            stack[:0] = item
        elif isinstance(item, dict):
            yield item
            stack[:0] = [value for value in item.values() if isinstance(value, (dict, list))]


def _reviews(items) -> tuple[list[dict], list[str]]:
    """The critics' reviews of films among `items`, their references ({"@id": …}) to other
    nodes of the page followed; and the types of other things reviewed (or of visitors' reviews)."""
    nodes = list(_nodes(items))
    by_id = {node["@id"]: node for node in nodes if isinstance(node.get("@id"), str) and len(node) > 1}
    films, others, seen = [], [], set()
    for node in nodes:
        if _types(node) & FILM_TYPES and isinstance(node.get("review"), (dict, list)):
            film = _resolved({k: v for k, v in node.items() if k != "review"}, by_id)
            for review in _list(node["review"]):
                review = _resolved(review, by_id)
                if isinstance(review, dict) and id(review) not in seen:
                    seen.add(id(review))
                    if _types(review) & AUDIENCE_TYPES:
                        others.append(sorted(_types(review) & AUDIENCE_TYPES)[0])
                    else:
                        films.append({**review, "itemReviewed": film})
            continue
        if _types(node) & AUDIENCE_TYPES:
            others.append(sorted(_types(node) & AUDIENCE_TYPES)[0])
            continue
        if not _types(node) & REVIEW_TYPES or id(node) in seen:
            continue
        seen.add(id(node))
        node = _resolved(node, by_id)
        reviewed = node.get("itemReviewed")
        reviewed = _list(reviewed)[0] if reviewed else None
        if isinstance(reviewed, dict) and _types(reviewed) & FILM_TYPES:
            films.append({**node, "itemReviewed": reviewed})
        elif isinstance(reviewed, dict) and _types(reviewed):
            others.append(sorted(_types(reviewed))[0])
    return films, others


# What a review's facts may point at elsewhere on the page (Yoast writes author, publisher and
# the film's director as references to nodes of its @graph).
_REFERENCED = ("itemReviewed", "author", "publisher", "sourceOrganization", "reviewRating", "director")


def _resolved(node, by_id: dict, depth: int = 0):
    """`node` with its references among _REFERENCED replaced by the nodes they name, two levels deep."""
    def follow(value):
        if isinstance(value, list):
            return [follow(v) for v in value]
        if isinstance(value, dict) and set(value) == {"@id"}:
            return by_id.get(value["@id"], value)
        return value

    if not isinstance(node, dict):
        return node
    node = {k: follow(v) if k in _REFERENCED else v for k, v in node.items()}
    if depth < 1 and isinstance(node.get("itemReviewed"), dict):
        node["itemReviewed"] = _resolved(node["itemReviewed"], by_id, depth + 1)
    return node


def _from_schema(review: dict, kind: str, canonical: str, metas: dict, og: dict, tree) -> PageReview:
    film = review["itemReviewed"]
    title = _text(film.get("name")) or _text(film.get("alternateName"))
    if not title:
        raise Unreadable("no-film", "its review markup names no film (itemReviewed has no name)")
    year = _year(film.get("dateCreated") or film.get("datePublished") or film.get("copyrightYear")
                 or _first(film.get("releasedEvent"), "startDate"))
    directors = [name for name in map(_name, _list(film.get("director"))) if name]
    url = canonical
    quote = (_text(review.get("description")) or og.get("og:description") or metas.get("description")
             or _passage(_text(review.get("reviewBody")) or _main_text(tree)))
    return PageReview(
        kind=kind, url=url, film_title=title, film_year=year, directors=directors,
        critic=_person(review.get("author")) or metas.get("author", "") or og.get("article:author", ""),
        outlet=(_name(_first_of(review.get("publisher"))) or _name(_first_of(review.get("sourceOrganization")))
                or og.get("og:site_name", "")),
        published=_date(review.get("datePublished") or review.get("dateCreated") or og.get("article:published_time")
                        or metas.get("article:published_time")),
        rating_raw=_rating(review.get("reviewRating")), quote=_quote(quote))


def _from_opengraph(og: dict, metas: dict, canonical: str, tree) -> PageReview:
    headline = og.get("og:title") or metas.get("title", "")
    title, year = film_from_headline(headline, og.get("og:site_name", ""))
    if not title:
        raise Unreadable("no-film", f"it names its film only in a headline we do not read as one: {headline[:80]!r}")
    # article:author is often a profile page's URL, not a name.
    author = next((name for name in (metas.get("author", ""), og.get("article:author", ""))
                   if name and not name.startswith(("http://", "https://"))), "")
    return PageReview(
        kind="opengraph", url=canonical, film_title=title, film_year=year, critic=author,
        outlet=og.get("og:site_name", ""),
        published=_date(og.get("article:published_time") or metas.get("article:published_time")),
        quote=_quote(og.get("og:description") or metas.get("description") or _passage(_main_text(tree))),
        headline_only=True)


_QUOTED = re.compile(r"[‘'\"“«]\s*([^‘’'\"“”«»]{1,120}?)\s*[’'\"”»]\s*(?:\((\d{4})\)\s*)?(?:(?:film|movie)\s+)?review\b",
                     re.I)
# "Review: 'Oppenheimer' is a triumph": the title is what the quotation marks hold.
_REVIEW_QUOTED = re.compile(r"^(?:(?:film|movie)\s+)?review\s*[:–—-]\s*[‘'\"“«]\s*([^‘’'\"“”«»]{1,120}?)\s*[’'\"”»]"
                            r"\s*(?:\((\d{4})\))?", re.I)
_REVIEW_FIRST = re.compile(r"^(?:(?:film|movie)\s+)?review\s*[:–—-]\s*(.{1,120}?)\s*(?:\((\d{4})\))?\s*(?:[:–—|]\s.*)?$",
                           re.I)
_TITLE_FIRST = re.compile(r"^(.{1,120}?)\s*(?:\((\d{4})\))?\s*(?:[–—-]\s*)?(?:(?:film|movie)\s+)?review\b(?:\s*[:–—|-].*)?$",
                          re.I)
# "TV review: …", "Theatre review: …": reviews of other things. "The week in review": no title.
_OTHER_ARTS = re.compile(r"^(?:tv|television|theatre|theater|book|books|album|music|concert|game|video game|opera|"
                         r"dance|restaurant|podcast|art|exhibition|gig|comedy|stage|series|episode)\s+review\b", re.I)
_NOT_A_TITLE = re.compile(r"\b(?:in|of|the|a|an|to|for|on|at|week|month|year|weekend|news)$", re.I)


def film_from_headline(headline: str, site: str = "") -> tuple[str, int | None]:
    """A film's title and year as a review's headline states them, in the forms
    "'Title' review: …", "Review: 'Title' …", "Review: Title (2021)", "Title (2021) review" and
    "Title review – …"; ('', None) for any other headline, and for reviews of other arts
    ("TV review: …"): never a guess."""
    text = " ".join((headline or "").split())
    if site:  # "… | The Lantern Review": the site's name is no part of the headline
        text = re.sub(rf"\s*[|–—-]\s*{re.escape(site)}\s*$", "", text, flags=re.I)
    if _OTHER_ARTS.match(text):
        return "", None
    for pattern in (_REVIEW_QUOTED, _QUOTED, _REVIEW_FIRST, _TITLE_FIRST):
        match = pattern.search(text) if pattern is _QUOTED else pattern.match(text)
        title = match.group(1).strip(" :–—-") if match else ""
        if title and not (pattern is _TITLE_FIRST and _NOT_A_TITLE.search(title)):
            return title, int(match.group(2)) if match.group(2) else None
    return "", None


# the page's own head -------------------------------------------------------------------------

def _metas(tree) -> dict:
    found = {}
    for meta in tree.iter("meta"):
        key = (meta.get("name") or meta.get("property") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if key and content:
            found.setdefault(key, content)
    title = tree.find(".//title")
    if title is not None and title.text_content().strip():
        found.setdefault("title", title.text_content().strip())
    return found


def _canonical(tree, metas: dict, url: str) -> str:
    """The page's canonical URL when it names one on its own site, else `url` without its
    fragment and tracking parameters."""
    page = urlsplit(url)
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            candidate = _absolute(link.get("href").strip(), url)
            if _same_site(candidate, page):
                return _clean(candidate)
    if metas.get("og:url") and _same_site(_absolute(metas["og:url"], url), page):
        return _clean(_absolute(metas["og:url"], url))
    return _clean(url)


def _absolute(href: str, base: str) -> str:
    from urllib.parse import urljoin

    return urljoin(base, href)


def _same_site(candidate: str, page) -> bool:
    """Another site's URL as a canonical would let one page overwrite another site's review:
    the same host, or one a subdomain of the other ("www." aside: amp.example.com names
    www.example.com), but not two sites under one public suffix (a.co.uk, b.co.uk)."""
    other = urlsplit(candidate)
    if other.scheme not in ("http", "https") or not other.hostname or not page.hostname:
        return False
    one, two = (host.lower().removeprefix("www.") for host in (other.hostname, page.hostname))
    return one == two or one.endswith("." + two) or two.endswith("." + one)


def _clean(url: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING.match(k)]
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", urlencode(query), ""))


def _opengraph(items) -> dict:
    found = {}
    for item in items:
        for key, value in item.items():
            if ":" in key and isinstance(value, str) and value.strip():
                found.setdefault(key, " ".join(value.split()))
    return found


# values --------------------------------------------------------------------------------------

def _list(value) -> list:
    return value if isinstance(value, list) else [value] if value is not None else []


def _first_of(value):
    values = _list(value)
    return values[0] if values else None


def _first(value, key):
    for item in _list(value):
        if isinstance(item, dict) and item.get(key):
            return item[key]
    return None


def _text(value) -> str:
    import html

    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), "")
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name") or ""
    return " ".join(html.unescape(str(value or "")).split())


def _name(value) -> str:
    return _text(value.get("name") if isinstance(value, dict) else value)


def _person(value) -> str:
    """The first author who is a person (an Organization as author is the outlet's desk)."""
    for author in _list(value):
        if isinstance(author, dict) and _types(author) - {"Person"}:
            continue
        if _name(author):
            return _name(author)
    return ""


def _year(value) -> int | None:
    match = re.match(r"\s*(\d{4})", str(value or ""))
    return int(match.group(1)) if match and 1870 <= int(match.group(1)) <= 2100 else None


def _date(value) -> dt.date | None:
    text = _text(value)
    if not text:
        return None
    try:
        return parse_date(text)
    except RowError:
        try:  # ISO forms parse_date does not hold ("2019-05-14T09:00:00.000+0100")
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        except ValueError:
            return None


def _number(text: str) -> str:
    """'3.50' → '3.5', '7' → '7': the rating as a critic would write it."""
    try:
        value = float(text)
    except ValueError:
        return text
    return f"{value:g}"


def _rating(value) -> str:
    """The rating as our table reads it: "3.5/5" from ratingValue and bestRating; a value with
    no bestRating as given ("B+", "4 stars"), which the table reads or flags; a scale that does
    not start at 0 or 1 kept whole, so the table flags it rather than misread it."""
    rating = _first_of(value)
    if not isinstance(rating, dict):
        return _text(rating)
    given = _text(rating.get("ratingValue"))
    if not given:
        return ""
    best, worst = _text(rating.get("bestRating")), _text(rating.get("worstRating"))
    if not best:
        return given
    if worst and _number(worst) not in ("0", "0.5", "1"):  # half-star sites start at 0.5
        return f"{_number(given)} on a scale of {_number(worst)} to {_number(best)}"
    return f"{_number(given)}/{_number(best)}"


def _a(kind: str) -> str:
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", kind).lower()
    return f"{'an' if spaced[:1] in 'aeiou' else 'a'} {spaced}"


# the critic's words --------------------------------------------------------------------------

def _main_text(tree) -> str:
    """The page's main text (trafilatura), without navigation, footers or a paywall box."""
    import lxml.html
    import trafilatura

    try:
        return trafilatura.extract(lxml.html.tostring(tree, encoding="unicode"), include_comments=False,
                                   include_tables=False, favor_precision=True) or ""
    except Exception:  # trafilatura gives up on odd pages with assorted errors: no passage then
        return ""


def _passage(text: str) -> str:
    """The first sentences of the critic's text, up to QUOTE_CHARS."""
    text = " ".join((text or "").split())
    if len(text) <= QUOTE_CHARS:
        return text
    cut = text[:QUOTE_CHARS]
    end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    return cut[: end + 1] if end > 40 else cut.rsplit(" ", 1)[0] + " …"


def _quote(text: str) -> str:
    return _passage(_text(text))
