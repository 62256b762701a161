"""Rate limits, counted in the shared cache ("default": Redis, or this machine's folder), so
that they hold across every server process that shares it: public reads of the API and
searches per client address (web.clients), writes per editor."""

from __future__ import annotations

import functools

from django.http import HttpResponse
from ninja.throttling import SimpleRateThrottle

from ..config import setting
from .clients import client_key
from .errors import json_error


class _Scoped(SimpleRateThrottle):
    """A limit of its own name (`scope`) in the shared cache."""

    def __init__(self, scope: str, rate: str):
        self.scope = scope
        super().__init__(rate)


class ByClient(_Scoped):
    """So many requests per client address, signed in or not."""

    def get_cache_key(self, request):
        return self.cache_format % {"scope": self.scope, "ident": client_key(request)}


class ByAddress(ByClient):
    """So many requests per client address; signed-in editors are not counted."""

    def get_cache_key(self, request):
        user = getattr(request, "user", None)
        if getattr(request, "auth", None) is not None or (user is not None and user.is_authenticated):
            return None
        return super().get_cache_key(request)


class ByEditor(_Scoped):
    """So many writes per editor (per address before one is known)."""

    def get_cache_key(self, request):
        user = getattr(request, "user", None)
        ident = f"user-{user.pk}" if user is not None and user.is_authenticated else client_key(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


def too_many(throttle, as_json: bool) -> HttpResponse:
    wait = str(int(throttle.wait() or 60) + 1)
    if as_json:
        return json_error(429, "too many requests: try again later", Retry_After=wait)
    minutes = max(1, round(int(wait) / 60))
    response = HttpResponse(f"Too many requests: try again in {minutes} minute{'s' * (minutes != 1)}.", status=429,
                            content_type="text/plain")
    response["Retry-After"] = wait
    return response


def limited(scope: str, rate_setting: str, by=ByAddress):
    """A view refused (429) past RECEPTION_…_RATE requests: by client address, or by editor."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            throttle = by(scope, setting(rate_setting))
            if not throttle.allow_request(request):
                return too_many(throttle, kwargs.get("as_json", False))
            return view(request, *args, **kwargs)
        return wrapper
    return decorate
