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
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

from ..catalog import version

CACHE = "pages"
LARGEST = 1 << 20  # bytes: bigger pages are served but not kept


def _key(request, params) -> str:
    # Only the parameters a page reads make it another page: others ("?x=1", "?q=…" on a page
    # that reads no q) must not each take an entry. .get() is the last value, the one views read.
    known = "&".join(f"{k}={request.GET.get(k)}" for k in params if k in request.GET)
    # Hashed: a search query may hold spaces and symbols no cache backend accepts in a key.
    digest = hashlib.blake2b(f"{request.path}?{known}".encode(), digest_size=16).hexdigest()
    # The version HttpCaching read for this request, else (a request it did not see) read now.
    number = getattr(request, "data_version", None)
    return f"page:{version.current() if number is None else number}:{digest}"


def _signed_in(request) -> bool:
    # Checking the session cookie first keeps anonymous hits free of a session lookup.
    return settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated


def cached_page(view, params: tuple[str, ...] = ()):
    """`view` served from the page cache to visitors; `params`: the query parameters it reads."""
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or _signed_in(request):
            return view(request, *args, **kwargs)
        store = caches[CACHE]
        key = _key(request, params)
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


_sizes: dict[str, list[int]] = {}  # bytes held, by cache name (shared as LocMemCache shares its entries)


class PageMemory(LocMemCache):
    """LocMemCache held to a number of bytes (OPTIONS: MAX_BYTES) as well as of entries: the
    pages least recently served go first. Entries alone bound nothing: a thousand 1 MB pages."""

    def __init__(self, name, params):
        super().__init__(name, params)
        self._max_bytes = int(params.get("OPTIONS", {}).get("MAX_BYTES", 64 << 20))
        self._size = _sizes.setdefault(name, [0])

    def _set(self, key, value, timeout=DEFAULT_TIMEOUT):
        self._delete(key)
        while self._cache and self._size[0] + len(value) > self._max_bytes:
            self._drop(next(reversed(self._cache)))  # the least recently used: LocMemCache puts the used first
        if len(value) <= self._max_bytes:
            super()._set(key, value, timeout)
            self._size[0] += len(value)

    def _drop(self, key) -> None:
        self._size[0] -= len(self._cache.pop(key))
        self._expire_info.pop(key, None)

    def _cull(self):
        for key in list(reversed(self._cache))[:max(1, len(self._cache) // (self._cull_frequency or 1))]:
            self._drop(key)

    def _delete(self, key):
        if key not in self._cache:
            return False
        self._drop(key)
        return True

    def clear(self):
        with self._lock:
            self._cache.clear()
            self._expire_info.clear()
            self._size[0] = 0
