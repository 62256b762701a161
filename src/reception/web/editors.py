"""Editors are staff users in the "editors" group, which may change the catalogue and scores."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

GROUP = "editors"
APPS = ("catalog", "scores")


def make_editor(username: str, password: str | None = None):
    """Create or update `username` as an editor; a password, when given, replaces theirs."""
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=APPS))
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.is_staff = True
    user.is_active = True
    if password:
        user.set_password(password)
    elif not user.has_usable_password():
        user.set_unusable_password()
    user.save()
    user.groups.add(group)
    return user
