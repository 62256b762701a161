"""What every response gets: a Content-Security-Policy (the site's pages carry no inline script
or style and load nothing from elsewhere, so a strict policy costs them nothing and takes away
what an injected script would need), and, when SQLite's write lock stays taken longer than a
writer waits (a long import), a 503 that says to try again rather than a bare 500."""

from __future__ import annotations

from django.db import OperationalError
from django.http import HttpResponse

from .errors import json_error

BUSY = "the catalogue is busy (an import is being written): try again in a minute"

POLICY = "; ".join([
    "default-src 'self'",
    "img-src 'self' data:",  # the admin's and Swagger UI's icons
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


class ContentSecurityPolicy:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", POLICY)
        return response


def busy(exc) -> bool:
    """Is this SQLite's "database is locked", after the writer waited RECEPTION_SQLITE_TIMEOUT?"""
    return isinstance(exc, OperationalError) and "database is locked" in str(exc)


def busy_response(json: bool) -> HttpResponse:
    response = json_error(503, BUSY) if json else HttpResponse(BUSY.capitalize() + ".", status=503,
                                                              content_type="text/plain")
    response["Retry-After"] = "60"
    return response


class Busy:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exc):
        if busy(exc):
            return busy_response(request.path.endswith(".json"))
        return None
