"""Cached pages for visitors, dropped the moment the data changes.

A page is cached per process under (path with query, data version). The data version
(catalog.version) is read on every request: one primary-key lookup, far cheaper than
building a film page, and it makes every worker see an editor's change at once. Signed-in
users (editors) always get a fresh page, since theirs carries controls and a CSRF token.
"""

from __future__ import annotations

import functools
import hashlib

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

from ..catalog import version

CACHE = "pages"
# Only the parameters pages read make a page different; others ("?x=1", "?x=2", …) must not
# each take a cache entry.
PARAMS = ("q", "show", "sort", "page", "per_page")
LARGEST = 1 << 20  # bytes: bigger pages are served but not kept


def _key(request) -> str:
    # .get() is the last value, the one the views read.
    known = "&".join(f"{k}={request.GET.get(k)}" for k in PARAMS if k in request.GET)
    # Hashed: a search query may hold spaces and symbols no cache backend accepts in a key.
    digest = hashlib.blake2b(f"{request.path}?{known}".encode(), digest_size=16).hexdigest()
    return f"page:{version.current()}:{digest}"


def _signed_in(request) -> bool:
    # Checking the session cookie first keeps anonymous hits free of a session lookup.
    return settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated


def cached_page(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or _signed_in(request):
            return view(request, *args, **kwargs)
        store = caches[CACHE]
        key = _key(request)
        kept = store.get(key)
        if kept is not None:
            response = HttpResponse(kept[0], content_type=kept[1])
            response["X-Cache"] = "hit"
        else:
            response = view(request, *args, **kwargs)
            if (response.status_code == 200 and not response.cookies and not response.streaming
                    and len(response.content) <= LARGEST):
                store.set(key, (response.content, response["Content-Type"]))
            response["X-Cache"] = "miss"
        patch_vary_headers(response, ["Cookie"])
        return response

    return wrapper
