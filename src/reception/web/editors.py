"""Editors are staff users in the "editors" group, which may change the catalogue and scores;
only they (and superusers) write, through the API, the desk and the admin. Any other staff
account, and any other group, reads as a visitor does."""

from __future__ import annotations

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpResponseForbidden

from ..errors import ReceptionError

GROUP = "editors"
APPS = ("catalog", "scores", "collect", "members")


def is_editor(user) -> bool:
    """An active staff user in the editors group, or a superuser."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or (user.is_staff and user.groups.filter(name=GROUP).exists())


def editor_required(view):
    """A view for editors only: others are sent to sign in, or refused once signed in."""
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if is_editor(request.user):
            return view(request, *args, **kwargs)
        if request.user.is_authenticated:
            return HttpResponseForbidden("editors only")
        return redirect_to_login(request.get_full_path())
    return wrapper


def make_editor(username: str, password: str | None = None):
    """Create or update `username` as an editor; a password, when given, replaces theirs, once
    Django's password validators accept it (ReceptionError E006 says why not)."""
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=APPS))
    user = get_user_model().objects.filter(username=username).first() or get_user_model()(username=username)
    if password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ReceptionError.of("E006", reasons=" ".join(exc.messages)) from None
    user.is_staff = True
    user.is_active = True
    if password:
        user.set_password(password)
    elif not user.has_usable_password():
        user.set_unusable_password()
    user.save()
    user.groups.add(group)
    return user
