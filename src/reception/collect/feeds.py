"""Outlets' RSS and Atom feeds (feedparser): subscribed with `reception feeds add`, read by
`reception collect --due` when due, each new item's page then collected.

A feed is due when it has never been read or its lifetime has passed: the lifetime its last
answer stated (Cache-Control max-age, else Expires), never less than MIN_MINUTES, else
RECEPTION_FEED_MINUTES. A due feed is asked with the validators of its last answer (ETag as
If-None-Match, Last-Modified as If-Modified-Since), so an unchanged feed answers 304 with no
body. An item is known by its guid, else its link: its page is collected once. A page that
failed for a reason that may pass (a timeout, a 5xx, its site's robots.txt unreachable) is
tried again at the next due run, up to ITEM_TRIES times; any other outcome (collected, not a
film's review, disallowed by robots.txt, a 404) is final.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import re

from django.db.models import Q
from django.utils import timezone

from ..config import setting
from ..errors import ReceptionError
from . import CollectReport, fetch_pages, store_pages
from .fetch import FetchFailed, Fetcher
from .guard import Refused, check_url
from .models import Feed, FeedItem

MIN_MINUTES = 5
ITEM_TRIES = 3


def add_feed(url: str, outlet: str = "") -> tuple[Feed, bool]:
    """Subscribe to a feed (or set the outlet of one subscribed): (the feed, whether it is new)."""
    url = url.strip()
    try:
        check_url(url, allow_private=True)  # its address is checked when it is read
    except Refused as exc:
        raise ReceptionError.of("E140", url=url, reason=str(exc)) from None
    feed, created = Feed.objects.get_or_create(url=url, defaults={"outlet": outlet.strip()})
    if not created and outlet and feed.outlet != outlet.strip():
        feed.outlet = outlet.strip()
        feed.save(update_fields=["outlet"])
    return feed, created


def due(now=None):
    now = now or timezone.now()
    return Feed.objects.filter(Q(due_at__isnull=True) | Q(due_at__lte=now)).order_by("id")


def lifetime(headers, now: dt.datetime) -> dt.timedelta:
    """How long an answer stays fresh: its max-age, else its Expires, at least MIN_MINUTES;
    RECEPTION_FEED_MINUTES where it states neither."""
    floor = dt.timedelta(minutes=MIN_MINUTES)
    control = headers.get("cache-control", "")
    if re.search(r"\bno-(?:cache|store)\b", control):
        return floor
    match = re.search(r"\bmax-age\s*=\s*(\d+)", control)
    if match:
        return max(floor, dt.timedelta(seconds=int(match.group(1))))
    expires = headers.get("expires")
    if expires:
        try:
            when = email.utils.parsedate_to_datetime(expires)
            if when.tzinfo is None:
                when = when.replace(tzinfo=dt.timezone.utc)
            return max(floor, when - now)
        except (TypeError, ValueError):
            return floor  # "Expires: 0" and the like: already stale
    return dt.timedelta(minutes=float(setting("RECEPTION_FEED_MINUTES")))


def _item_key(entry) -> tuple[str, str]:
    link = entry.get("link") or ""
    if not link:
        for candidate in entry.get("links") or []:
            if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
                link = candidate["href"]
                break
    guid = entry.get("id") or link
    if not link and str(guid).startswith(("http://", "https://")):
        link = guid
    return hashlib.sha256(str(guid).encode("utf-8")).hexdigest(), link


def read_feed(fetcher: Fetcher, feed: Feed, now=None) -> tuple[list[str], dict]:
    """The links of this feed's items to collect now (new ones, and those to try again), and
    what its reading gave: {url, result, new}."""
    import feedparser

    now = now or timezone.now()
    headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.1"}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    new = 0
    try:
        answer = fetcher.get(feed.url, headers=headers)
    except FetchFailed as exc:
        feed.last_result = f"failed: {exc.reason}"[:500]
        # A failing feed is tried again at the next run, not at once.
        feed.due_at = now + dt.timedelta(minutes=MIN_MINUTES)
        feed.save(update_fields=["last_result", "due_at"])
        return [], {"url": feed.url, "result": feed.last_result, "new": 0}
    feed.fetched_at = now
    feed.due_at = now + lifetime(answer.headers, now)
    if answer.status == 304:
        feed.last_result = "unchanged (304)"
    else:
        parsed = feedparser.parse(answer.body, response_headers={"content-location": answer.final_url})
        if parsed.bozo and not parsed.entries:
            feed.last_result = f"failed: not a feed we can read ({parsed.get('bozo_exception', 'no entries')})"[:500]
        else:
            feed.etag = answer.headers.get("etag", "")[:500]
            feed.last_modified = answer.headers.get("last-modified", "")[:100]
            items = list(feed.items.values_list("key", "link"))
            known, links = {key for key, _ in items}, {link for _, link in items}
            fresh = []
            for entry in parsed.entries:
                key, link = _item_key(entry)
                # One page is one item, whatever guids a feed gives it.
                if key in known or link in links or not link.startswith(("http://", "https://")):
                    continue
                known.add(key)
                links.add(link)
                fresh.append(FeedItem(feed=feed, key=key, link=link[:1000]))
            FeedItem.objects.bulk_create(fresh)
            new = len(fresh)
            feed.last_result = f"{len(parsed.entries)} items, {new} new"
    feed.save()
    waiting = feed.items.filter(done=False, tries__lt=ITEM_TRIES).order_by("id")
    return list(waiting.values_list("link", flat=True)), {"url": feed.url, "result": feed.last_result, "new": new}


def collect_due(now=None, progress=None) -> CollectReport:
    """`reception collect --due`: every due feed read, and its items' pages collected."""
    now = now or timezone.now()
    report = CollectReport()
    with Fetcher() as fetcher:
        for feed in due(now):
            links, read = read_feed(fetcher, feed, now)
            report.feeds.append(read)
            if not links:
                continue
            reads = fetch_pages(links, fetcher, progress)
            stored = store_pages(reads, outlet=feed.outlet)
            report.outcomes += stored.outcomes
            report.touched_films |= stored.touched_films
            _record(feed, stored)
        report.requests = fetcher.requests
    return report


def _record(feed: Feed, stored: CollectReport) -> None:
    """Each item's outcome kept with it: done, or to try again."""
    items = {item.link: item for item in feed.items.filter(done=False)}
    for outcome in stored.outcomes:
        item = items.get(outcome.url)
        if item is None:
            continue
        item.tries += 1
        item.done = not outcome.transient
        item.result = f"{outcome.result}{': ' + outcome.reason if outcome.reason else ''}"[:500]
        item.save(update_fields=["tries", "done", "result"])
