"""API tokens: how scripts write through the API as an editor."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from ..config import setting


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    """Only a hash is stored: a leaked database does not leak working tokens. A token expires
    (RECEPTION_TOKEN_DAYS after it is issued) and can be revoked (deleted): `reception token`."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user} ({self.name or 'token'})"

    @classmethod
    def issue(cls, user, name: str = "", days: int | None = None) -> str:
        """A new token for `user`, valid `days` (RECEPTION_TOKEN_DAYS); the only time its text is seen."""
        token = "rcp_" + secrets.token_urlsafe(32)
        expires = timezone.now() + dt.timedelta(days=days or setting("RECEPTION_TOKEN_DAYS"))
        cls.objects.create(user=user, name=name, digest=_digest(token), expires_at=expires)
        return token

    @classmethod
    def editor_for(cls, token: str):
        """The editor (web.editors.is_editor) an unexpired token belongs to, or None."""
        from .editors import is_editor

        return cls.user_for(token, is_editor)

    @classmethod
    def user_for(cls, token: str, allowed):
        """The active user an unexpired token belongs to, if `allowed(user)`; else None."""
        found = cls.objects.select_related("user").filter(digest=_digest(token or "")).first()
        if found is None or found.expires_at <= timezone.now() or not found.user.is_active or not allowed(found.user):
            return None
        cls.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        return found.user
