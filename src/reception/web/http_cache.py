"""HTTP caching, so a reverse proxy or a CDN in front of several servers can serve the pages.

Visitors' pages and their JSON twins (GET or HEAD) and the API's reads (GET), answered 200 with
no cookie set, to a request from nobody signed in and with no credentials, carry:
- `ETag`: the data version (catalog.version) and the code's own stamp (its version and the
  templates and static files it serves), the same on every server of a deployment;
- `Last-Modified`: when the data version was last raised;
- `Cache-Control: public, max-age=RECEPTION_HTTP_MAX_AGE, stale-while-revalidate=RECEPTION_HTTP_STALE`.
A request whose `If-None-Match` holds the current ETag, or, without one, whose
`If-Modified-Since` is not older than the last change, is answered 304 before any page is
built: checking costs the one lookup of the data version.

The editors' desk, the admin, critics' and sign-in pages, the site's own settings, every
write, and every answer to someone signed in are `private, no-store`: no shared cache may keep
them, and no browser may keep a page holding a CSRF token.
"""

from __future__ import annotations

import hashlib
import time
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

from ..catalog import version
from ..config import setting

PRIVATE_PREFIXES = ("/desk", "/admin", "/submit", "/signin", "/signout", "/critics/apply", "/join", "/account",
                    "/members/", "/-/", "/api/v1/submissions")
NO_STORE = "private, no-store"
HERE = Path(__file__).parent


@lru_cache(maxsize=1)
def code_stamp() -> str:
    """A digest of what, besides the data, makes a page: the package's version, its templates
    and static files. Servers deployed from the same files agree on it; a deploy changes it."""
    from .. import __version__

    digest = hashlib.blake2b(__version__.encode(), digest_size=6)
    for folder in ("templates", "static"):
        for path in sorted((HERE / folder).rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(HERE).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _private(request) -> bool:
    # A request with credentials (an API token) is someone's: never a shared cache's.
    if request.path.startswith(PRIVATE_PREFIXES) or "HTTP_AUTHORIZATION" in request.META:
        return True
    return settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated


def _matches(header: str, etag: str) -> bool:
    """If-None-Match's weak comparison: any listed tag, W/ or not. ("*", "any current
    representation", is not taken: whether the address has one is the view's to say.)"""
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return etag in tags


class HttpCaching:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # (Static files never get here: WhiteNoise, before this, serves them with their own headers.)
        if request.method not in ("GET", "HEAD") or _private(request):
            response = self.get_response(request)
            response["Cache-Control"] = NO_STORE
            return response
        number, changed = version.stamp()
        request.data_version = number  # the page cache keys by it (web.cache): read once a request
        etag = f'"{number}-{code_stamp()}"'
        modified = int(changed.timestamp()) if changed else None
        if self._unchanged(request, etag, modified):
            response = self._not_modified(etag, modified)
        else:
            response = self.get_response(request)
            if response.status_code != 200 or response.cookies or response.has_header("Cache-Control"):
                return response
            response["ETag"] = etag
            if modified is not None:
                response["Last-Modified"] = http_date(modified)
        response["Cache-Control"] = (f"public, max-age={setting('RECEPTION_HTTP_MAX_AGE')}, "
                                     f"stale-while-revalidate={setting('RECEPTION_HTTP_STALE')}")
        patch_vary_headers(response, ["Cookie"])
        return response

    @staticmethod
    def _unchanged(request, etag: str, modified: int | None) -> bool:
        if "HTTP_IF_NONE_MATCH" in request.META:  # it decides alone (RFC 9110, 13.2.2)
            return _matches(request.META["HTTP_IF_NONE_MATCH"], etag)
        since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
        # A date later than now is not a date the client was given: ignored (RFC 9110, 13.1.3).
        return since is not None and modified is not None and modified <= since <= time.time()

    @staticmethod
    def _not_modified(etag: str, modified: int | None):
        from django.http import HttpResponseNotModified

        response = HttpResponseNotModified()
        response["ETag"] = etag
        if modified is not None:
            response["Last-Modified"] = http_date(modified)
        return response
