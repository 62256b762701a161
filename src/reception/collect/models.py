"""What collection keeps between runs: feeds and the items met in them, pages an editor must
place, critics' accounts and what they submit."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ..catalog.models import Critic, Film, Review, Verdict


class Feed(models.Model):
    """An outlet's RSS or Atom feed, read by `reception collect --due` when due."""

    url = models.URLField(max_length=1000, unique=True)
    outlet = models.CharField(max_length=200, blank=True,
                              help_text="The outlet its reviews are filed under (else each page's own publisher).")
    added_at = models.DateTimeField(auto_now_add=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    # Not read again before this (its answer's Cache-Control or Expires, else RECEPTION_FEED_MINUTES).
    due_at = models.DateTimeField(null=True, blank=True)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_result = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["url"]

    def __str__(self) -> str:
        return self.url


class FeedItem(models.Model):
    """An item of a feed, by its guid or link: its page is collected once."""

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="items")
    key = models.CharField(max_length=64, help_text="SHA-256 of the item's guid, else its link.")
    link = models.URLField(max_length=1000)
    seen_at = models.DateTimeField(auto_now_add=True)
    # done: collected, or refused for good (not a film, disallowed); else tried again when due.
    done = models.BooleanField(default=False)
    tries = models.PositiveSmallIntegerField(default=0)
    result = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["feed", "key"], name="feed_item_unique")]


class HeldPage(models.Model):
    """A collected review whose film an editor must name: the title matches several films, or
    the page names its film only in a headline that matches none. Never guessed."""

    url = models.URLField(max_length=1000, unique=True)
    page = models.JSONField(help_text="What was read from the page (collect.page.PageReview).")
    reason = models.CharField(max_length=300)
    candidates = models.JSONField(default=list, help_text="Ids of the films it may be.")
    label = models.CharField(max_length=10, choices=Verdict.choices, blank=True,
                             help_text="The critic's own call, for a submission.")
    quote = models.TextField(blank=True, help_text="The critic's own quote, for a submission.")
    critic = models.CharField(max_length=200, blank=True, help_text="The submitting critic, for a submission.")
    held_at = models.DateTimeField(auto_now_add=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    review = models.ForeignKey(Review, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["held_at", "id"]

    def __str__(self) -> str:
        return self.url


class CriticAccount(models.Model):
    """A critic's sign-in, approved by an editor before it may submit reviews."""

    class Status(models.TextChoices):
        APPLIED = "applied"
        APPROVED = "approved"
        REFUSED = "refused"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="critic_account")
    name = models.CharField(max_length=200, help_text="The name the critic publishes under.")
    outlet = models.CharField(max_length=200, blank=True, help_text="Where they publish (may be several; the page says).")
    critic = models.ForeignKey(Critic, on_delete=models.SET_NULL, null=True, blank=True, related_name="accounts")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.APPLIED)
    applied_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"

    @property
    def display_name(self) -> str:
        """The name their reviews are filed under: the catalogue's critic, once an editor links one."""
        return self.critic.name if self.critic_id else self.name

    @property
    def approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @classmethod
    def of(cls, user) -> "CriticAccount | None":
        """The signed-in user's critic account, if they have one."""
        if user is None or not user.is_authenticated:
            return None
        return cls.objects.filter(user=user).select_related("critic").first()

    @classmethod
    def approved_user(cls, user) -> bool:
        account = cls.of(user)
        return account is not None and account.approved


class Submission(models.Model):
    """A critic's link to their review, with their own call and a quote."""

    class Status(models.TextChoices):
        QUEUED = "queued", "waiting for an editor"
        LIVE = "live"
        HELD = "held", "waiting for an editor to name the film"
        REJECTED = "rejected"
        FAILED = "failed", "the page could not be read"

    account = models.ForeignKey(CriticAccount, on_delete=models.CASCADE, related_name="submissions")
    url = models.URLField(max_length=1000)
    quote = models.TextField(max_length=1000)
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    submitted_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    page = models.JSONField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    film = models.ForeignKey(Film, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    review = models.ForeignKey(Review, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["-submitted_at", "-id"]
