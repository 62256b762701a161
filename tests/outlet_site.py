"""A fake outlet website on 127.0.0.1 for the web collector's tests (`reception collect URL…`).

It serves tests/fixtures/outlet_site/ (review pages, RSS and Atom feeds, robots.txt) and a few
hostile or awkward routes a real crawler meets: slow answers, redirect loops, bodies too big to
hold, servers that fail twice before answering. Every request is logged so a test can check what
a collector fetched (and what it politely did not).

    with OutletSite() as site:
        collect(site.url("/feeds/lantern.rss"))
        assert "/private/hidden-review.html" not in site.paths()

or, as a fixture: `from .outlet_site import outlet_site` in a test module, then take
`outlet_site` as an argument.
"""

from __future__ import annotations

import hashlib
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).parent / "fixtures" / "outlet_site"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
}

NOT_FOUND = b"<!doctype html>\n<html><head><title>Not found</title></head><body><h1>Not found</h1></body></html>\n"


class Headers(dict):
    """A request's headers with lower-case names, looked up in any case (HTTP names are
    case-insensitive, and clients differ in how they spell them)."""

    def __init__(self, pairs=()):
        super().__init__((k.lower(), v) for k, v in pairs)

    def __getitem__(self, key):
        return super().__getitem__(key.lower())

    def __contains__(self, key):
        return isinstance(key, str) and super().__contains__(key.lower())

    def get(self, key, default=None):
        return super().get(key.lower(), default)


class _Server(ThreadingHTTPServer):
    # Handler threads must not keep the test process alive, nor be joined on close (a /slow
    # answer may still be sleeping).
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request, client_address):
        # Clients that hang up early (size limits, timeouts) are the point of several routes:
        # no tracebacks on stderr.
        pass


class OutletSite:
    """The fake outlet's server: start it (`with OutletSite() as site:` or `.start()`), point a
    collector at `site.url(path)`, read `site.requests` afterwards."""

    # The feeds' Last-Modified until `touch_feed` publishes something newer.
    LAST_MODIFIED = datetime(2024, 3, 1, 12, 0, 0, tzinfo=UTC)
    CACHE_CONTROL = "max-age=600"
    HUGE_BYTES = 30 * 1024 * 1024  # /huge.html: past any sane page-size limit
    HUGE_DECLARED = 50_000_000  # /huge-declared.html's Content-Length (not what is sent)
    CHUNK = 64 * 1024

    def __init__(self, root: Path = ROOT):
        self.root = Path(root)
        self.slow_seconds = 5.0
        self.flaky_failures = 2
        self._lock = threading.Lock()
        self._log: list[tuple[str, str, Headers]] = []
        self._feeds: dict[str, tuple[bytes, datetime]] = {}  # touched feeds, by path
        self._flaky: dict[str, int] = {}  # failures served so far, by path
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- life ---------------------------------------------------------------------------

    def start(self) -> Self:
        # A handler class of this site's own: the server builds one handler per request.
        handler = type("Handler", (_Handler,), {"site": self})
        self._stopping.clear()
        self._server = _Server(("127.0.0.1", 0), handler)
        # A short poll so close() (which waits for the next poll) is quick.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="outlet-site", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        if self._server is None:
            return
        self._stopping.set()  # wakes /slow sleepers and stops /huge streams
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    # --- addresses and the log ------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("OutletSite is not running: use `with OutletSite() as site:` or .start()")
        return self._server.server_address[1]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + (path if path.startswith("/") else "/" + path)

    @property
    def requests(self) -> list[tuple[str, str, Headers]]:
        """(method, path as requested, query included, headers) of every request, in order; a copy."""
        with self._lock:
            return list(self._log)

    def paths(self) -> list[str]:
        return [path for _, path, _ in self.requests]

    def clear(self) -> None:
        with self._lock:
            self._log.clear()

    def reset_flaky(self) -> None:
        """Make every /flaky/ path fail `flaky_failures` times again."""
        with self._lock:
            self._flaky.clear()

    def _record(self, method: str, path: str, headers: Headers) -> None:
        with self._lock:
            self._log.append((method, path, headers))

    # --- content --------------------------------------------------------------------------

    def touch_feed(self, name: str, new_bytes: bytes | str) -> None:
        """Publish new content at /feeds/NAME (or the path given): a new ETag, and a
        Last-Modified newer than the one before (by a second at least: HTTP dates have seconds)."""
        path = name if name.startswith("/") else "/feeds/" + name
        if isinstance(new_bytes, str):
            new_bytes = new_bytes.encode("utf-8")
        with self._lock:
            _, before = self._feeds.get(path, (None, self.LAST_MODIFIED))
            now = datetime.now(UTC).replace(microsecond=0)
            self._feeds[path] = (new_bytes, max(now, before + timedelta(seconds=1)))

    def _file(self, path: str) -> Path | None:
        # Only files under the root: "..", absolute parts and folders are not found.
        relative = unquote(path).lstrip("/")
        if not relative or "\\" in relative:
            return None
        target = (self.root / relative).resolve()
        if not target.is_relative_to(self.root.resolve()) or not target.is_file():
            return None
        return target

    def content(self, path: str) -> tuple[bytes, datetime] | None:
        """The bytes served at `path` (no query) with {{BASE}} filled in, and their Last-Modified."""
        with self._lock:
            touched = self._feeds.get(path)
        if touched is not None:
            raw, modified = touched
        else:
            found = self._file(path)
            if found is None:
                return None
            raw, modified = found.read_bytes(), self.LAST_MODIFIED
        return raw.replace(b"{{BASE}}", self.base.encode("ascii")), modified

    @staticmethod
    def etag(body: bytes) -> str:
        return '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.1, so /huge.html can be chunked; every other answer carries a Content-Length.
    protocol_version = "HTTP/1.1"
    server_version = "OutletSite/1.0"
    sys_version = ""
    # An idle kept-alive connection (or a client that stops reading) frees its thread in time.
    timeout = 30
    site: OutletSite

    def log_message(self, format, *args):  # quiet: the request log is site.requests
        pass

    def do_GET(self):
        self._answer(head=False)

    def do_HEAD(self):
        self._answer(head=True)

    # --- dispatch -------------------------------------------------------------------------

    def _answer(self, head: bool) -> None:
        site = self.site
        site._record(self.command, self.path, Headers(self.headers.items()))
        path = urlsplit(self.path).path
        try:
            if path.startswith("/slow/"):
                site._stopping.wait(site.slow_seconds)
                self._send(200, b"<!doctype html>\n<html><head><title>Slow</title></head>"
                                b"<body><p>Worth the wait?</p></body></html>\n",
                           "text/html; charset=utf-8", head)
            elif path == "/loop/a":
                self._redirect(302, "/loop/b", head)  # relative Location: clients must resolve it
            elif path == "/loop/b":
                self._redirect(302, "/loop/a", head)
            elif path == "/moved/salt-meridian":
                self._redirect(301, site.url("/reviews/salt-meridian.html"), head)
            elif path == "/huge.html":
                self._huge(head)
            elif path == "/huge-declared.html":
                self._huge_declared(head)
            elif path.startswith("/flaky/"):
                self._flaky(path, head)
            else:
                self._file(path, head)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError):
            self.close_connection = True  # the client hung up: nothing to tell it

    def _send(self, status: int, body: bytes, content_type: str, head: bool, headers=()) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _redirect(self, status: int, location: str, head: bool) -> None:
        body = f'<!doctype html>\n<html><body><a href="{location}">Moved</a></body></html>\n'.encode()
        self._send(status, body, "text/html; charset=utf-8", head, [("Location", location)])

    def _not_found(self, head: bool) -> None:
        self._send(404, NOT_FOUND, "text/html; charset=utf-8", head)

    # --- routes ---------------------------------------------------------------------------

    def _file(self, path: str, head: bool) -> None:
        found = self.site.content(path)
        if found is None:
            self._not_found(head)
            return
        body, modified = found
        suffix = Path(path).suffix
        content_type = "text/plain; charset=utf-8" if path == "/robots.txt" else CONTENT_TYPES.get(
            suffix, "application/octet-stream")
        if not path.startswith("/feeds/"):
            self._send(200, body, content_type, head)
            return
        # Feeds answer conditional requests, as real feed servers do, so a collector can poll cheaply.
        etag = self.site.etag(body)
        validators = [("ETag", etag), ("Last-Modified", format_datetime(modified, usegmt=True)),
                      ("Cache-Control", self.site.CACHE_CONTROL)]
        if self._not_modified(etag, modified):
            self.send_response(304)
            for name, value in validators:
                self.send_header(name, value)
            self.end_headers()
            return
        self._send(200, body, content_type, head, validators)

    def _not_modified(self, etag: str, modified: datetime) -> bool:
        # RFC 9110 §13.2.2: If-None-Match, when sent, decides alone; If-Modified-Since otherwise.
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
            return "*" in tags or etag in tags
        since = self.headers.get("If-Modified-Since")
        if since is None:
            return False
        try:
            when = parsedate_to_datetime(since)
        except (TypeError, ValueError, IndexError):
            return False  # an unreadable date is ignored, as the RFC asks
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return modified <= when

    def _flaky(self, path: str, head: bool) -> None:
        site = self.site
        with site._lock:
            failed = site._flaky.get(path, 0)
            if failed < site.flaky_failures:
                site._flaky[path] = failed + 1
        if failed < site.flaky_failures:
            self._send(503, b"<!doctype html>\n<html><body><h1>Service unavailable</h1></body></html>\n",
                       "text/html; charset=utf-8", head, [("Retry-After", "0")])
            return
        self._file(path.removeprefix("/flaky"), head)

    def _huge(self, head: bool) -> None:
        # Chunked, with no Content-Length: only a limit kept while reading can stop it. Built
        # chunk by chunk, never whole.
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if head:
            return
        head_html = b"<!doctype html>\n<html><head><title>Everything, forever</title></head><body>\n"
        line = b"<p>The review that never ends, and the paragraph that goes on and on.</p>\n"
        filler = line * (self.site.CHUNK // len(line))
        sent = 0
        self._chunk(head_html)
        sent += len(head_html)
        while sent < self.site.HUGE_BYTES and not self.site._stopping.is_set():
            piece = filler[: self.site.HUGE_BYTES - sent]
            self._chunk(piece)
            sent += len(piece)
        self._chunk(b"</body></html>\n")
        self.wfile.write(b"0\r\n\r\n")

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def _huge_declared(self, head: bool) -> None:
        # The header alone should make a client refuse; the body is cut short and the
        # connection closed, so one that reads anyway fails rather than hangs.
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(self.site.HUGE_DECLARED))
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if not head:
            self.wfile.write(b"<!doctype html>\n<html><head><title>Declared huge</title></head><body>\n"
                             + b"<p>More is promised than will ever arrive.</p>\n" * 1000)


@pytest.fixture
def outlet_site():
    """A running OutletSite for one test."""
    with OutletSite() as site:
        yield site
