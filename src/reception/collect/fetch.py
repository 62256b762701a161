"""Fetching pages and feeds politely and safely (httpx for HTTP, protego for robots.txt).

One `Fetcher` serves a whole collection run, from one or several threads:
- robots.txt is read once per site and honoured for every URL and every redirect's target;
  a robots.txt that cannot be reached (5xx, no connection) means "disallow all" and one that
  is missing (4xx) means "allow all", as RFC 9309 says;
- each host gets at most RECEPTION_COLLECT_HOST_CONCURRENCY requests at a time, and its
  requests start RECEPTION_COLLECT_HOST_INTERVAL seconds apart at least (longer where its
  robots.txt asks a Crawl-delay);
- each request names us in its User-Agent, with the operator's contact;
- a request has a time limit for the whole answer, not only per read; an answer larger than
  RECEPTION_COLLECT_MAX_BYTES is refused from its Content-Length, or stopped while read;
- redirects are followed by hand, at most RECEPTION_COLLECT_MAX_REDIRECTS, each target checked
  (guard.check_url, robots.txt) before it is requested;
- timeouts, 429 and 5xx answers are tried again after a growing wait.
Every failure is a FetchFailed whose message says what went wrong, for the collection report.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego

from ..config import setting
from .guard import Refused, check_url

RETRIED_STATUS = {429, 500, 502, 503, 504}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})""", re.I)
LONGEST_WAIT = 60.0  # seconds: a Retry-After asking more is cut to this
ROBOTS_BYTES = 500_000  # Google reads the first 500 KiB of a robots.txt; so do we


class FetchFailed(Exception):
    """A URL that could not be fetched; str() is the reason, for the report."""

    def __init__(self, url: str, reason: str, refused: bool = False, transient: bool = False):
        super().__init__(reason)
        self.url = url
        self.reason = reason
        # Not asked at all, and not to be: the address is not allowed, or robots.txt disallows it.
        self.refused = refused
        # May pass (a timeout, a 5xx, a site down): worth trying again later.
        self.transient = transient


@dataclass
class Fetched:
    url: str        # as asked
    final_url: str  # after redirects
    status: int     # 200, or 304 for a conditional request the site says is unchanged
    headers: httpx.Headers
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def text(self) -> str:
        """The body as text, in the charset its Content-Type names, else the one the page's own
        <meta> names in its first bytes (as browsers look), else UTF-8."""
        charset = httpx.Response(200, headers=self.headers).charset_encoding
        if not charset:
            found = _META_CHARSET.search(self.body[:4096])
            charset = found.group(1).decode("ascii") if found else "utf-8"
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:  # a charset Python does not know
            return self.body.decode("utf-8", errors="replace")


PRODUCT = "Reception"  # the User-Agent's product token: what robots.txt groups are matched against


def user_agent() -> str:
    from .. import __version__

    contact = setting("RECEPTION_COLLECT_CONTACT")
    return f"{PRODUCT}/{__version__} (film review aggregator{'; +' + contact if contact else ''})"


class _Host:
    """One host's turn-taking: a bounded number of requests at once, started apart in time."""

    def __init__(self, concurrency: int):
        self.slots = threading.BoundedSemaphore(max(1, concurrency))
        self.lock = threading.Lock()
        self.next_start = 0.0
        self.interval = 0.0

    def turn(self, clock, sleep):
        host = self

        class _Turn:
            def __enter__(self):
                host.slots.acquire()
                with host.lock:
                    now = clock()
                    start = max(now, host.next_start)
                    host.next_start = start + host.interval
                if start > now:
                    sleep(start - now)

            def __exit__(self, *exc):
                host.slots.release()

        return _Turn()


class Fetcher:
    def __init__(self, *, clock=time.monotonic, sleep=time.sleep):
        self.allow_private = setting("RECEPTION_COLLECT_ALLOW_PRIVATE")
        self.timeout = float(setting("RECEPTION_COLLECT_TIMEOUT"))
        self.max_bytes = int(setting("RECEPTION_COLLECT_MAX_BYTES"))
        self.max_redirects = int(setting("RECEPTION_COLLECT_MAX_REDIRECTS"))
        self.retries = int(setting("RECEPTION_COLLECT_RETRIES"))
        self.interval = float(setting("RECEPTION_COLLECT_HOST_INTERVAL"))
        self.concurrency = int(setting("RECEPTION_COLLECT_HOST_CONCURRENCY"))
        self.agent = user_agent()
        self.clock, self.sleep = clock, sleep
        # No proxies from the environment: the address checked is the address connected to.
        self.client = httpx.Client(follow_redirects=False, trust_env=False, timeout=self.timeout,
                                   headers={"User-Agent": self.agent})
        self._hosts: dict[str, _Host] = {}
        self._robots: dict[str, Protego | bool] = {}
        self._reading: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()
        self.requests = 0  # counted, for the report

    def close(self) -> None:
        self.client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # the public calls ----------------------------------------------------------------------

    def get(self, url: str, headers: dict | None = None) -> Fetched:
        """The answer at `url` after redirects (a 200, or a 304 to a conditional request)."""
        current = url
        for _ in range(self.max_redirects + 1):
            self._check(url, current)
            self._check_robots(url, current)
            response, body = self._request(url, current, headers or {})
            if response.status_code in (301, 302, 303, 307, 308):
                target = response.headers.get("location")
                if not target:
                    raise FetchFailed(url, f"HTTP {response.status_code} without a Location to go to")
                current = urljoin(current, target)
                continue
            if response.status_code == 304 or 200 <= response.status_code < 300:
                return Fetched(url, current, response.status_code, response.headers, body)
            raise FetchFailed(url, f"HTTP {response.status_code} {response.reason_phrase}".strip()
                              + (f" at {current}" if current != url else ""))
        raise FetchFailed(url, f"more than {self.max_redirects} redirects (a redirect loop?)")

    def allowed(self, url: str) -> bool:
        """Whether the site's robots.txt lets us fetch `url` (False while it cannot be read)."""
        robots = self._robots_for(url)
        if isinstance(robots, (bool, FetchFailed)):
            return robots is True
        return robots.can_fetch(url, PRODUCT)

    # the steps -----------------------------------------------------------------------------

    def _check(self, url: str, current: str) -> None:
        try:
            check_url(current, self.allow_private)
        except Refused as exc:
            where = "" if current == url else f" (redirected to {current})"
            raise FetchFailed(url, f"not fetched{where}: {exc}", refused=True) from None

    def _check_robots(self, url: str, current: str) -> None:
        robots = self._robots_for(current)
        where = "" if current == url else f" (redirected to {current})"
        if isinstance(robots, FetchFailed):
            # RFC 9309: a robots.txt that cannot be reached means "disallow all", for now.
            raise FetchFailed(url, f"the site's robots.txt could not be read ({robots.reason}){where}: nothing "
                                   "is fetched from the site until it can", transient=True)
        if not self.allowed(current):
            raise FetchFailed(url, f"disallowed by the site's robots.txt{where}", refused=True)

    def _host(self, url: str) -> _Host:
        parts = urlsplit(url)
        key = f"{parts.hostname}:{parts.port or ''}"
        with self._lock:
            host = self._hosts.get(key)
            if host is None:
                host = self._hosts[key] = _Host(self.concurrency)
                host.interval = self.interval
            return host

    def _robots_for(self, url: str) -> Protego | bool | FetchFailed:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            if origin in self._robots:
                return self._robots[origin]
            # One reading of a site's robots.txt, however many threads ask for it at once.
            reading = self._reading.setdefault(origin, threading.Lock())
        with reading:
            with self._lock:
                if origin in self._robots:
                    return self._robots[origin]
            robots = self._read_robots(origin)
            if isinstance(robots, Protego):
                delay = robots.crawl_delay(PRODUCT)
                if delay:
                    host = self._host(url)
                    host.interval = max(host.interval, min(float(delay), LONGEST_WAIT))
            with self._lock:
                self._robots[origin] = robots
        return robots

    def _read_robots(self, origin: str) -> Protego | bool | FetchFailed:
        """The site's rules; True (allow all) where it has none (4xx); the failure where its
        robots.txt cannot be reached (5xx, no connection), which disallows all (RFC 9309, 2.3.1)."""
        current = f"{origin}/robots.txt"
        for _ in range(self.max_redirects + 1):
            try:
                check_url(current, self.allow_private)
            except Refused:
                return False
            try:
                response, body = self._request(current, current, {}, limit=ROBOTS_BYTES, whole=False)
            except FetchFailed as exc:
                return exc
            if response.status_code in (301, 302, 303, 307, 308) and response.headers.get("location"):
                current = urljoin(current, response.headers["location"])
                continue
            if 200 <= response.status_code < 300:
                return Protego.parse(body.decode("utf-8", errors="replace"))
            if 400 <= response.status_code < 500:
                return True
            return FetchFailed(current, f"HTTP {response.status_code}", transient=True)
        return True  # RFC 9309: past five redirects, robots.txt counts as missing

    def _request(self, url: str, current: str, headers: dict, limit: int | None = None,
                 whole: bool = True) -> tuple[httpx.Response, bytes]:
        """One request, tried again on timeouts, 429 and 5xx; the answer and its body."""
        limit = limit or self.max_bytes
        host = self._host(current)
        for attempt in range(self.retries + 1):
            wait = None
            try:
                with host.turn(self.clock, self.sleep):
                    self.requests += 1
                    response, body = self._read(url, current, headers, limit, whole)
                if response.status_code not in RETRIED_STATUS:
                    return response, body
                wait = _retry_after(response.headers.get("retry-after"))
                failure = FetchFailed(url, f"HTTP {response.status_code} {response.reason_phrase}".strip()
                                      + f" after {attempt + 1} tries" * bool(attempt), transient=True)
            except httpx.TimeoutException:
                failure = FetchFailed(url, f"no answer within {self.timeout:g} s", transient=True)
            except httpx.TransportError as exc:
                failure = FetchFailed(url, f"could not connect: {exc or type(exc).__name__}", transient=True)
            if attempt == self.retries:
                raise failure
            self.sleep(min(wait if wait is not None else 0.5 * 2 ** attempt, LONGEST_WAIT))
        raise AssertionError("the loop returns or raises")

    def _read(self, url: str, current: str, headers: dict, limit: int, whole: bool) -> tuple[httpx.Response, bytes]:
        """The answer and at most `limit` bytes of its body, within the time limit; with
        `whole`, a body over the limit fails (a robots.txt is cut there instead)."""
        deadline = self.clock() + self.timeout
        with self.client.stream("GET", current, headers=headers) as response:
            declared = response.headers.get("content-length", "")
            if whole and declared.isdigit() and int(declared) > limit:
                raise FetchFailed(url, f"the answer is {int(declared):,} bytes, over the limit of {limit:,} "
                                       "(RECEPTION_COLLECT_MAX_BYTES)")
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    if whole:
                        raise FetchFailed(url, f"the answer is over the limit of {limit:,} bytes "
                                               "(RECEPTION_COLLECT_MAX_BYTES)")
                    chunks.append(chunk[: len(chunk) - (size - limit)])
                    break
                chunks.append(chunk)
                if self.clock() > deadline:
                    raise FetchFailed(url, f"the answer took more than {self.timeout:g} s", transient=True)
            return response, b"".join(chunks)


def _retry_after(value: str | None) -> float | None:
    """Seconds a Retry-After header asks (a number of seconds; a date counts as a minute)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    return LONGEST_WAIT
