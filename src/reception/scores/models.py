"""Stored figures: the current score of each film, and a snapshot whenever one changes."""

from django.db import models

from ..catalog.models import Film


class Badge(models.TextChoices):
    NONE = "", "not enough reviews"
    ROTTEN = "rotten"
    FRESH = "fresh"
    CERTIFIED = "certified-fresh", "certified fresh"


class FilmScore(models.Model):
    """A film's figures as last computed (`reception score`). Percentages are 0–100; a %
    is null below the minimum number of reviews, never a guess."""

    film = models.OneToOneField(Film, on_delete=models.CASCADE, primary_key=True, related_name="score")
    reviews = models.PositiveIntegerField(default=0, help_text="Reviews with a verdict.")
    positive = models.PositiveIntegerField(default=0)
    negative = models.PositiveIntegerField(default=0)
    percent = models.FloatField(null=True, blank=True)
    low = models.FloatField(null=True, blank=True, help_text="90% Wilson interval, lower end.")
    high = models.FloatField(null=True, blank=True)
    top_reviews = models.PositiveIntegerField(default=0)
    top_positive = models.PositiveIntegerField(default=0)
    top_percent = models.FloatField(null=True, blank=True)
    rated = models.PositiveIntegerField(default=0, help_text="Reviews with a normalized rating.")
    average = models.FloatField(null=True, blank=True)
    weighted = models.FloatField(null=True, blank=True)
    badge = models.CharField(max_length=20, choices=Badge.choices, blank=True, db_index=True)
    certified_since = models.DateTimeField(null=True, blank=True)
    audience_percent = models.FloatField(null=True, blank=True)
    audience_mean = models.FloatField(null=True, blank=True)
    audience_count = models.PositiveIntegerField(default=0)
    # Reception over time (scores.story): the % on release and since, and whether it turned.
    release_percent = models.FloatField(null=True, blank=True)
    later_percent = models.FloatField(null=True, blank=True)
    turn = models.CharField(max_length=20, blank=True, db_index=True,
                            help_text="rediscovered or fallen: the later % differs from the release % (scores.story)")
    # Periods, audience detail, timeline, the rules used: see scores.compute.figures.
    detail = models.JSONField(default=dict, blank=True)
    # A digest of everything the figures were computed from (scores.compute): `score --all`
    # computes again only the films whose inputs no longer match it.
    inputs = models.CharField(max_length=32, blank=True)
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.film}: {self.percent}% ({self.badge or 'no badge'})"


class ScoreSnapshot(models.Model):
    """A film's headline figures at a moment they changed: the history the site can draw."""

    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="score_history")
    at = models.DateTimeField()
    reviews = models.PositiveIntegerField()
    positive = models.PositiveIntegerField()
    percent = models.FloatField(null=True, blank=True)
    top_percent = models.FloatField(null=True, blank=True)
    average = models.FloatField(null=True, blank=True)
    weighted = models.FloatField(null=True, blank=True)
    badge = models.CharField(max_length=20, choices=Badge.choices, blank=True)
    audience_percent = models.FloatField(null=True, blank=True)
    audience_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["film", "at"]
        indexes = [models.Index(fields=["film", "at"], name="snapshot_film_at")]

    def __str__(self) -> str:
        return f"{self.film} at {self.at:%Y-%m-%d %H:%M}: {self.percent}%"
