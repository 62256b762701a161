"""Signing in, with failed attempts throttled per account and per client address: past
RECEPTION_SIGNIN_ATTEMPTS failures in 15 minutes (counted in the shared cache), sign-in is
refused even with the right password until the window passes."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

from ..config import setting
from .clients import client_key

WINDOW = 15 * 60


def _keys(request, username: str) -> list[str]:
    keys = [f"signin:account:{(username or '').casefold()[:150]}"]
    if request is not None:
        keys.append(f"signin:address:{client_key(request)}")
    return keys


def refused(request, username: str) -> bool:
    """Has this account, or this address, failed too often of late?"""
    return any((cache.get(key) or 0) >= setting("RECEPTION_SIGNIN_ATTEMPTS") for key in _keys(request, username))


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if refused(request, username):
            raise PermissionDenied  # Django stops at it: no other backend is asked
        user = super().authenticate(request, username=username, password=password, **kwargs)
        for key in _keys(request, username):
            if user is None:
                cache.add(key, 0, WINDOW)
                try:
                    cache.incr(key)
                except ValueError:  # expired between the two
                    cache.set(key, 1, WINDOW)
            elif key.startswith("signin:account:"):
                cache.delete(key)
        return user
