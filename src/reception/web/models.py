"""API tokens: how scripts write through the API as an editor."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    """Only a hash is stored: a leaked database does not leak working tokens."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.name or 'token'})"

    @classmethod
    def issue(cls, user, name: str = "") -> str:
        """A new token for `user`; the only time its text is seen."""
        token = "rcp_" + secrets.token_urlsafe(32)
        cls.objects.create(user=user, name=name, digest=_digest(token))
        return token

    @classmethod
    def editor_for(cls, token: str):
        """The active staff user a token belongs to, or None."""
        found = cls.objects.select_related("user").filter(digest=_digest(token or "")).first()
        if found is None or not (found.user.is_active and found.user.is_staff):
            return None
        cls.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        return found.user
