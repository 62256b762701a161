"""Collecting reviews where they live: review pages (`reception collect URL…`), outlets' feeds
(`reception collect --due`) and critics' own submissions (/submit).

    report = collect_pages(urls)            # fetch, read, place, store; report.touched_films
    pages = fetch_pages(urls, fetcher)      # the first half alone: {url: Read}
    report = store_pages(pages)             # the second half, in one transaction

Pages are fetched side by side (collect.fetch keeps each host's limits) and read in the
worker threads; they are stored from this thread, in one transaction, each page in a
savepoint of its own, so a page that fails leaves the others. What follows (the text model's
verdicts, figures, the data version) is the pipeline's: the caller runs pipeline.refresh over
`report.touched_films`, as after an import.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

WORKERS = 4
HTML_TYPES = {"text/html", "application/xhtml+xml", ""}


@dataclass
class Outcome:
    url: str
    # added, updated, unchanged; held (for an editor to name the film); refused (no film review
    # on the page, or not to be fetched: robots.txt, a private address); failed (may pass).
    result: str
    reason: str = ""
    film_id: int | None = None
    review_id: int | None = None
    page: dict | None = None  # what was read, for a submission's editor
    transient: bool = False  # a failure that may pass: worth trying again later

    def as_dict(self) -> dict:
        return {"url": self.url, "result": self.result, "reason": self.reason, "film": self.film_id,
                "review": self.review_id}


@dataclass
class Read:
    """One URL fetched and read: its reviews, or why there are none."""
    url: str
    pages: list = field(default_factory=list)  # page.PageReview
    result: str = ""  # '' when read; refused (no film review on it) or failed (not fetched)
    reason: str = ""
    transient: bool = False


@dataclass
class CollectReport:
    outcomes: list[Outcome] = field(default_factory=list)
    feeds: list[dict] = field(default_factory=list)  # {url, result, new}: `--due`
    requests: int = 0
    touched_films: set = field(default_factory=set)

    def counts(self) -> Counter:
        return Counter(outcome.result for outcome in self.outcomes)

    def as_dict(self) -> dict:
        counts = self.counts()
        return {"urls": len({o.url for o in self.outcomes}),
                **{key: counts[key] for key in ("added", "updated", "unchanged", "held", "refused", "failed")},
                "requests": self.requests, "feeds": self.feeds, "outcomes": [o.as_dict() for o in self.outcomes]}

    def summary(self) -> str:
        counts = self.counts()
        urls = len({o.url for o in self.outcomes})
        text = (f"{urls} URL{'s' * (urls != 1)}: {counts['added']} review{'s' * (counts['added'] != 1)} added, "
                f"{counts['updated']} updated, {counts['unchanged']} unchanged, {counts['held']} held for an "
                f"editor, {counts['refused']} refused, {counts['failed']} failed; {self.requests} requests")
        if self.feeds:
            text = (f"{len(self.feeds)} feeds read ({sum(f['new'] for f in self.feeds)} new items); " + text)
        return text


def read_url(fetcher, url: str) -> Read:
    """Fetch `url` and read the reviews on it; never raises for the page's own faults."""
    from .fetch import FetchFailed
    from .page import Unreadable, read_page

    try:
        fetched = fetcher.get(url, headers={"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"})
    except FetchFailed as exc:
        return Read(url, result="refused" if exc.refused else "failed", reason=exc.reason, transient=exc.transient)
    if fetched.content_type not in HTML_TYPES:
        hint = ": a feed? subscribe with `reception feeds add URL`" if "xml" in fetched.content_type else ""
        return Read(url, result="refused", reason=f"not an HTML page ({fetched.content_type}){hint}")
    try:
        return Read(url, pages=read_page(fetched.text(), fetched.final_url))
    except Unreadable as exc:
        return Read(url, result="refused", reason=str(exc))
    except Exception as exc:  # a page that trips a parser fails alone, with why, not the whole run
        return Read(url, result="failed", reason=f"the page could not be read ({type(exc).__name__}: {exc})"[:300])


def fetch_pages(urls, fetcher, progress=None) -> list[Read]:
    """Each URL fetched and read, side by side (each host's own limits hold), in the given order."""
    from .page import load_readers

    load_readers()
    urls = list(dict.fromkeys(urls))
    with ThreadPoolExecutor(max_workers=min(WORKERS, max(1, len(urls)))) as pool:
        reads = []
        for read in pool.map(lambda url: read_url(fetcher, url), urls):
            reads.append(read)
            if progress is not None:
                progress.update(1)
    return reads


def store_pages(reads: list[Read], *, outlet: str = "", label: str = "", quote: str = "", critic: str = "",
                film_id: int | None = None) -> CollectReport:
    """The reviews read stored, in one transaction (a savepoint a page); those whose film is
    not certain held for an editor (collect.place). `outlet`: a feed's; `label`, `quote`,
    `critic`: a submitting critic's own call, words and name; `film_id`: an editor's choice.
    A page's own publisher comes before `outlet`.

    A page a critic submitted keeps the critic's call and words when it is collected again
    (from a feed, say): the critic's own call comes first."""
    from ..catalog import version
    from ..ingest.store import Store
    from .models import HeldPage
    from .place import SOURCE, page_key, place, store_review

    report = CollectReport()
    pages = []
    for read in reads:
        if read.result:
            report.outcomes.append(Outcome(read.url, read.result, read.reason, transient=read.transient))
        seen = set()
        for page in read.pages:
            if page.url not in seen:  # one page reached by two URLs is one review
                seen.add(page.url)
                pages.append((read.url, page))
    if not pages:
        return report
    with transaction.atomic():
        store = Store(source=SOURCE)
        keys = [page_key(page.url) for _, page in pages]
        _follow_moves(store.cursor, pages, keys)
        before = _stored(store.cursor, keys)
        placed = {}
        submitted = {} if label else _submitted([page.url for _, page in pages])
        for line, (url, page) in enumerate(pages, start=1):
            own = (label, quote, critic) if label else submitted.get(page.url, ("", "", ""))
            # A page stored before stays with its film (an editor may have placed or moved it).
            where = place(store, page, film_id or before.get(keys[line - 1], (None, None, None))[2])
            if where.film_id is None:
                HeldPage.objects.update_or_create(url=page.url, defaults={
                    "page": page.as_dict(), "reason": where.reason, "candidates": list(where.candidates),
                    "label": own[0], "quote": own[1], "critic": own[2], "settled_at": None, "review": None})
                report.outcomes.append(Outcome(url, "held", where.reason, page=page.as_dict()))
                continue
            store_review(store, page, where.film_id, line, outlet, *own)
            placed[line] = where.film_id
        store.finish()
        after = _stored(store.cursor, keys)
        for line, (url, page) in enumerate(pages, start=1):
            if line not in placed:
                continue
            key = keys[line - 1]
            review_id, dedupe, _ = after.get(key, (None, None, None))
            if key not in before:
                result = "added" if review_id else "unchanged"
            else:
                result = "updated" if before[key][1] != dedupe else "unchanged"
            report.outcomes.append(Outcome(url, result, "", placed[line], review_id, page.as_dict()))
        report.touched_films = set(store.touched) | set(placed.values())
        HeldPage.objects.filter(url__in=[page.url for line, (_, page) in enumerate(pages, 1) if line in placed],
                                settled_at__isnull=True).update(settled_at=timezone.now())
        version.bump()
    return report


def _follow_moves(cursor, pages, keys) -> None:
    """A review stored under the address a page was fetched at, whose page now names another
    canonical one (a permalink added, http to https): moved to the new key, so a changed page
    revises it rather than adding a second."""
    from .place import page_key

    moved = {page_key(page.fetched): key for (_, page), key in zip(pages, keys)
             if page.fetched and page_key(page.fetched) != key}
    if not moved:
        return
    stored = _stored(cursor, list(moved.values()))
    for old, (review_id, _, _) in _stored(cursor, list(moved)).items():
        if moved[old] not in stored:
            cursor.execute("UPDATE catalog_review SET source_key = %s WHERE id = %s", [moved[old], review_id])


def _submitted(urls) -> dict[str, tuple[str, str, str]]:
    """{canonical URL: (verdict, quote, critic)} of the live submissions of these pages."""
    from .models import Submission

    found = {}
    for sub in Submission.objects.filter(status=Submission.Status.LIVE, page__url__in=list(urls)).select_related(
            "account", "account__critic").order_by("submitted_at"):
        found[sub.page["url"]] = (sub.verdict, sub.quote, sub.account.display_name)  # the latest wins
    return found


def _stored(cursor, keys) -> dict[str, tuple[int, int, int]]:
    """{key: (review id, dedupe key, film id)} of the "web" reviews stored under these keys."""
    from ..database import id_chunks
    from .place import SOURCE

    found = {}
    for chunk in id_chunks(set(keys)):
        cursor.execute(f"SELECT source_key, id, dedupe_key, film_id FROM catalog_review WHERE NOT (source_key = '') "
                       f"AND source = %s AND source_key IN ({', '.join(['%s'] * len(chunk))})", [SOURCE, *chunk])
        found.update({key: (review_id, dedupe, film) for key, review_id, dedupe, film in cursor.fetchall()})
    return found


def collect_pages(urls, *, outlet: str = "", fetcher=None, progress=None) -> CollectReport:
    """`reception collect URL…`: each page fetched, read and stored (or held, or reported)."""
    from .fetch import Fetcher

    own = fetcher is None
    fetcher = fetcher or Fetcher()
    try:
        reads = fetch_pages(urls, fetcher, progress)
    finally:
        if own:
            fetcher.close()
    report = store_pages(reads, outlet=outlet)
    report.requests = fetcher.requests
    order = {url: at for at, url in enumerate(dict.fromkeys(urls))}
    report.outcomes.sort(key=lambda outcome: order.get(outcome.url, len(order)))
    return report
