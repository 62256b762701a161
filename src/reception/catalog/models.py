"""The catalogue: films, people, companies, release events, outlets, critics, reviews."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.text import slugify

from ..rules import DecidedBy, Verdict
from .identity import name_key, title_key


def slug_of(pk: int, text: str) -> str:
    """The id and words of a page's address: "12-one-from-the-heart"."""
    return f"{pk}-{slugify(text)[:60] or 'x'}"


class NamedModel(models.Model):
    """A thing known by its name, matched across sources by ``name_key`` (identity.name_key)."""

    name = models.CharField(max_length=200)
    name_key = models.CharField(max_length=200, unique=True, editable=False)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        super().save(*args, **kwargs)

    @property
    def slug(self) -> str:
        return slug_of(self.pk, self.name)


class Film(models.Model):
    title = models.CharField(max_length=300)
    # Normalized title for matching across sources (see identity.title_key).
    title_key = models.CharField(max_length=300, db_index=True, editable=False)
    year = models.PositiveSmallIntegerField(null=True, blank=True, db_index=True)
    # False for films known only by a source's id until a source names them.
    title_known = models.BooleanField(default=True)
    genres = models.JSONField(default=list, blank=True)
    synopsis = models.TextField(blank=True)
    runtime_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    mpaa_rating = models.CharField("MPAA rating", max_length=20, blank=True)
    limited_release = models.BooleanField(default=False, help_text="Badge rules need fewer reviews for limited releases.")
    sample = models.BooleanField(default=False, help_text="Invented demo data, not a real film.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "year"]

    def __str__(self) -> str:
        return titled(self.title, self.year)

    def save(self, *args, **kwargs):
        self.title_key = title_key(self.title)
        super().save(*args, **kwargs)

    @property
    def slug(self) -> str:
        return slug_of(self.pk, self.title)


def titled(title: str, year: int | None) -> str:
    """A title as pages and the CLI name it: "One from the Heart (1982)", or the title alone."""
    return f"{title} ({year})" if year else title


class FilmAlias(models.Model):
    """Another title of a film, with its year: the title of a film an editor merged into it
    (editing.merge_films). An import naming it finds this film (catalog.identity)."""

    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="aliases")
    title = models.CharField(max_length=300)
    title_key = models.CharField(max_length=300, db_index=True, editable=False)
    year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "film aliases"

    def __str__(self) -> str:
        return f"{titled(self.title, self.year)} → {self.film}"

    def save(self, *args, **kwargs):
        self.title_key = title_key(self.title)
        super().save(*args, **kwargs)


class FilmSourceId(models.Model):
    """A film's id in a source ('rt-link' m/one_from_the_heart, 'rt-reviews' 3, ...)."""

    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="source_ids")
    source = models.CharField(max_length=40)
    key = models.CharField(max_length=300)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "key"], name="film_source_key_unique")]

    def __str__(self) -> str:
        return f"{self.source}:{self.key}"


class Person(NamedModel):
    # Namesakes exist: people are not unique by name.
    name_key = models.CharField(max_length=200, db_index=True, editable=False)

    class Meta(NamedModel.Meta):
        verbose_name_plural = "people"


class Credit(models.Model):
    class Role(models.TextChoices):
        DIRECTOR = "director"
        WRITER = "writer"
        ACTOR = "actor"
        PRODUCER = "producer"
        COMPOSER = "composer"
        CINEMATOGRAPHER = "cinematographer"
        EDITOR = "editor"

    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="credits")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="credits")
    role = models.CharField(max_length=20, choices=Role.choices)
    character = models.CharField(max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["film", "role", "order"]
        constraints = [
            models.UniqueConstraint(fields=["film", "person", "role", "character"], name="credit_unique")
        ]

    def __str__(self) -> str:
        extra = f" as {self.character}" if self.character else ""
        return f"{self.person} — {self.role}{extra}"


class Company(NamedModel):
    class Meta(NamedModel.Meta):
        verbose_name_plural = "companies"


class FilmCompany(models.Model):
    class Role(models.TextChoices):
        STUDIO = "studio"
        PRODUCTION = "production"
        DISTRIBUTOR = "distributor"
        FINANCIER = "financier"

    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="companies")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="films")
    role = models.CharField(max_length=20, choices=Role.choices)
    region = models.CharField(max_length=100, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name_plural = "film companies"
        constraints = [models.UniqueConstraint(fields=["film", "company", "role"], name="film_company_unique")]

    def __str__(self) -> str:
        return f"{self.company} ({self.role})"


class ReleaseEvent(models.Model):
    class Kind(models.TextChoices):
        PREVIEW = "preview"
        PREMIERE = "premiere"
        FESTIVAL = "festival"
        THEATRICAL = "theatrical"
        LIMITED = "limited"
        RE_RELEASE = "re-release"
        RESTORATION = "restoration"
        HOME_VIDEO = "home-video"
        STREAMING = "streaming"

    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="releases")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    date = models.DateField(null=True, blank=True)
    # How much of the date is known: a source may say only "August 1981".
    date_precision = models.CharField(
        max_length=5, choices=[("day", "day"), ("month", "month"), ("year", "year")], default="day"
    )
    region = models.CharField(max_length=100, blank=True)
    place = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=300, blank=True, help_text="A release's own title, e.g. a restoration's.")
    format = models.CharField(max_length=50, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["film", "date"]

    def __str__(self) -> str:
        return f"{self.kind} {self.date or ''}".strip()


class Outlet(NamedModel):
    url = models.URLField(blank=True)
    # Public weight for the weighted score; all equal by default.
    weight = models.FloatField(default=1.0)


class Alias(models.Model):
    """Another name of an outlet or a critic: an import naming it finds the one it names (a
    name of their own comes first)."""

    alias = models.CharField(max_length=200)
    alias_key = models.CharField(max_length=200, unique=True, editable=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.alias} → {self.named()}"

    def save(self, *args, **kwargs):
        self.alias_key = name_key(self.alias)
        super().save(*args, **kwargs)


class OutletAlias(Alias):
    """Another name of an outlet ("NYT" for The New York Times)."""

    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="aliases")

    class Meta:
        verbose_name_plural = "outlet aliases"

    def named(self):
        return self.outlet


class Critic(NamedModel):
    top_critic = models.BooleanField(default=False)


class CriticAlias(Alias):
    """Another name of a critic ("J. Maslin"), kept when an editor merges critics."""

    critic = models.ForeignKey(Critic, on_delete=models.CASCADE, related_name="aliases")

    class Meta:
        verbose_name_plural = "critic aliases"

    def named(self):
        return self.critic


class Review(models.Model):
    # Indexes are few on purpose: each one slows bulk imports (see bench/ingest.py).
    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="reviews", db_index=False)
    critic = models.ForeignKey(Critic, on_delete=models.SET_NULL, null=True, blank=True, related_name="reviews")
    # Indexed with its ratings' scales (Meta): an outlet's page finds its reviews by the same index.
    outlet = models.ForeignKey(Outlet, on_delete=models.SET_NULL, null=True, blank=True, related_name="reviews",
                               db_index=False)
    published = models.DateField(null=True, blank=True)
    # An article may say only "in 1986": the date is then 1986-01-01 with precision "year".
    published_precision = models.CharField(
        max_length=5, choices=[("day", "day"), ("month", "month"), ("year", "year")], default="day"
    )
    # Dated by a documented rule rather than by its source (ingest.records.ReviewRecord).
    published_inferred = models.BooleanField(default=False)
    quote = models.TextField(blank=True)
    url = models.URLField(max_length=1000, blank=True)
    # The rating as published, kept verbatim; `rating` is 0–100 or null.
    rating_raw = models.CharField(max_length=100, blank=True)
    rating = models.FloatField(null=True, blank=True)
    rating_scale = models.CharField(max_length=20, blank=True)
    rating_flag = models.CharField(max_length=20, blank=True)
    top_critic = models.BooleanField(default=False, help_text="Counted as a top critic's review when published.")
    label = models.CharField(max_length=10, choices=Verdict.choices, blank=True,
                             help_text="What the source itself said: RT's fresh/rotten, a verdict column.")
    verdict = models.CharField(max_length=10, choices=Verdict.choices, blank=True)
    # How `verdict` was decided (rules.DecidedBy); written through catalog.decisions only.
    decided_by = models.CharField(max_length=20, choices=DecidedBy.choices, blank=True)
    verdict_probability = models.FloatField(null=True, blank=True)
    verdict_model = models.CharField(max_length=60, blank=True)
    needs_check = models.BooleanField(default=False)
    # Why the critic's rating and the source's label disagree (reception.rules): the label stands,
    # an editor settles it; '' when they agree or an editor has.
    conflict = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=40, blank=True, help_text="The import format this review came from.")
    source_key = models.CharField(max_length=100, blank=True, help_text="The review's id in its source.")
    # 63 bits of a SHA-1 of the identifying fields: re-imports add nothing. An integer
    # key indexes ~2x faster than hex text; a collision needs ~3e9 reviews to be likely.
    # Unique through a named index (Meta), which a large import can drop and build again.
    dedupe_key = models.BigIntegerField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["film", "-published", "id"]
        constraints = [
            # On an expression, so both databases make it a plain unique index (not a table
            # constraint): ingest.store drops it for a load larger than the table.
            models.UniqueConstraint(models.F("dedupe_key"), name="review_dedupe_key"),
        ]
        indexes = [
            models.Index(fields=["film", "verdict"], name="review_film_verdict"),
            # Partial indexes: the editors' queue and flagged ratings are a small share of rows.
            models.Index(fields=["needs_check"], condition=models.Q(needs_check=True), name="review_needs_check"),
            models.Index(fields=["rating_flag"], condition=~models.Q(rating_flag=""), name="review_rating_flagged"),
            models.Index(fields=["film"], condition=~models.Q(conflict=""), name="review_conflict"),
            # The reviews awaiting a verdict: counted after every import and read by the text
            # model's runs, without a pass over the whole table.
            models.Index(fields=["id"], condition=models.Q(verdict=""), name="review_awaiting_verdict"),
            # An outlet's stated scales, counted from the index alone when an import decides the
            # scale of its bare numbers (ingest.store.resolve_bare_numbers).
            models.Index(fields=["outlet", "rating_flag", "rating_scale"], name="review_outlet_scale"),
            # Reviews by their source's id (ingest.revisions); the many rows without one stay out.
            models.Index(fields=["source_key"], condition=~models.Q(source_key=""), name="review_source_key"),
        ]

    def __str__(self) -> str:
        who = self.critic or self.outlet or "anonymous"
        return f"{who} on {self.film}"


class AudienceRating(models.Model):
    """A rating by a member of the audience: imported (known by `user_key` alone) or a member's
    of this site (`member`; `user_key` is then "member:ID"), one per person per film."""

    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="audience_ratings")
    user_key = models.CharField(max_length=100)
    stars = models.FloatField(help_text="0.5–5 stars.")
    rated_at = models.DateTimeField()
    account_created_at = models.DateTimeField(null=True, blank=True)
    # A member of this site: deleting the account deletes their ratings.
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="audience_ratings")
    review = models.TextField(blank=True, help_text="The member's short review, as typed (shown escaped).")
    # Rated with a code an editor issued for a screening (reception.members): they saw it.
    verified = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=200, blank=True,
                                     help_text="Why an editor hid it: not shown, not counted.")
    # An editor has read its review (kept or hidden): it leaves the desk's queue.
    review_checked = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["film", "user_key"], name="audience_rating_unique")]
        indexes = [models.Index(fields=["member", "rated_at"], name="audience_rating_member")]

    def __str__(self) -> str:
        return f"{self.user_key}: {self.stars} on {self.film}"


class Consensus(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft"
        APPROVED = "approved"

    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="consensus")
    text = models.TextField()
    # [{"text": "...", "review_ids": [1, 2]}, ...]
    clauses = models.JSONField(default=list, blank=True)
    # What critics praise and fault, refreshed by every re-run (even of an approved text).
    aspects = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    author = models.CharField(max_length=100, blank=True, help_text="An editor, or the drafting model's version.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The drafting model's author names start so ("reception-consensus/1"); an editor's never do.
    MACHINE = "reception-"

    class Meta:
        verbose_name_plural = "consensus drafts"

    def __str__(self) -> str:
        return f"{self.film}: {self.status}"

    @property
    def machine_draft(self) -> bool:
        """Drafted by the model and left as it was: no editor edited or approved it."""
        return self.status == self.Status.DRAFT and self.author.startswith(self.MACHINE)


class PublishedScore(models.Model):
    """What another aggregator published for a film, kept for comparison and citation."""

    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="published_scores")
    source = models.CharField(max_length=40)
    status = models.CharField(max_length=40, blank=True)
    percent_positive = models.FloatField(null=True, blank=True)
    review_count = models.PositiveIntegerField(null=True, blank=True)
    top_critic_count = models.PositiveIntegerField(null=True, blank=True)
    positive_count = models.PositiveIntegerField(null=True, blank=True)
    negative_count = models.PositiveIntegerField(null=True, blank=True)
    audience_status = models.CharField(max_length=40, blank=True)
    audience_percent = models.FloatField(null=True, blank=True)
    audience_count = models.PositiveIntegerField(null=True, blank=True)
    consensus = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["film", "source"], name="published_score_unique")]

    def __str__(self) -> str:
        return f"{self.source}: {self.status} {self.percent_positive}"


class ImportRun(models.Model):
    """One finished import, for the record; failed imports leave no trace but their report."""

    path = models.CharField(max_length=1000)
    format = models.CharField(max_length=20)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    read = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0, help_text="Stored reviews revised by a row with their id.")
    duplicates = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    films_added = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.path} ({self.format})"


class DataVersion(models.Model):
    """One counter, raised by every change to what the site shows, so any process can tell
    whether a page it cached is still current (see catalog.version)."""

    number = models.BigIntegerField(default=0)
    # When it was last raised: the Last-Modified of every page (web.http_cache).
    changed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"data version {self.number}"
