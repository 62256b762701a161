"""Members of the audience (kept apart from editors and critics) and the screenings whose
codes make a member's rating "verified"."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models

from ..catalog.models import Film

# No 0/O or 1/I/L: a code is read off a printed ticket.
CODE_LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


class Member(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member")
    joined_at = models.DateTimeField(auto_now_add=True)
    private = models.BooleanField(default=False, help_text="Their page (/members/NAME) lists their ratings only to them.")

    def __str__(self) -> str:
        return self.user.get_username()


class Screening(models.Model):
    """A screening an editor issues codes for, one per seat: a member who rates the film with
    one of them is known to have seen it."""

    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="screenings")
    starts_at = models.DateTimeField()
    place = models.CharField(max_length=200, blank=True)
    seats = models.PositiveIntegerField(default=0, help_text="Codes to issue (one per seat); saving issues the missing ones.")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")

    class Meta:
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"{self.film} at {self.place or 'a screening'}, {self.starts_at:%Y-%m-%d %H:%M}"

    def issue_codes(self) -> int:
        """Codes for the seats that have none yet; how many were issued."""
        missing = self.seats - self.codes.count()
        for _ in range(max(0, missing)):
            while True:
                code = "".join(secrets.choice(CODE_LETTERS) for _ in range(CODE_LENGTH))
                if not ScreeningCode.objects.filter(code=code).exists():
                    break
            ScreeningCode.objects.create(screening=self, code=code)
        return max(0, missing)


class ScreeningCode(models.Model):
    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=16, unique=True)
    used_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.code


class HiddenReview(models.Model):
    """An editor's decision to hide a member's review of a film: it holds for whatever rating
    the member gives that film later (removing and rating again does not undo it). Deleting it
    (the admin) and clearing the rating's reason shows the review again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=200)
    hidden_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "film"], name="hidden_review_unique")]
