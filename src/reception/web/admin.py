"""The editors' view of the catalogue: list views, filters and search for every model."""

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Max, Min, URLField
from django.template.response import TemplateResponse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from .. import editing, ratings
from ..catalog import decisions, models
from ..collect import models as collect_models
from ..members import models as members_models
from ..catalog.keys import review_key
from ..ingest.formats import NAMES
from .models import ApiToken


# A URL typed without its scheme is taken as https:// (Django 6's default, asked for now).
URLS = {URLField: {"assume_scheme": "https"}}


class FiguresFollow:
    """For the admin of what films' figures are computed from: a save or a delete here computes
    again the figures of every film the change touches, as it was and as it is (inlines
    included: after save_related)."""

    def films_of(self, obj, form=None) -> set[int]:
        return {obj.film_id}

    def outlets_of(self, obj, form=None) -> set[int]:
        """Outlets whose stated scales the change may alter: their bare numbers are read again
        (editing.reviews_changed). `form` is None for a delete."""
        return set()

    def _touched(self, objs, form=None) -> tuple[set, set]:
        """Read before the change is made (a deleted outlet's reviews no longer name it after)."""
        objs = [obj for obj in objs if obj is not None]
        return (set().union(*(self.films_of(obj, form) for obj in objs)),
                set().union(*(self.outlets_of(obj, form) for obj in objs)))

    def save_model(self, request, obj, form, change):
        stored = type(obj).objects.filter(pk=obj.pk).first() if change else None
        obj._touched_before = self._touched([stored], form)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        films, outlets = form.instance._touched_before
        now_films, now_outlets = self._touched([form.instance], form)
        verdicts = editing.reviews_changed(films | now_films, outlets | now_outlets).verdicts
        if verdicts.model_missing:
            self.message_user(request, f"The review's quote waits for a verdict: {verdicts.model_missing}",
                              messages.WARNING)

    def delete_model(self, request, obj):
        films, outlets = self._touched([obj])
        super().delete_model(request, obj)
        editing.reviews_changed(films, outlets)

    def delete_queryset(self, request, queryset):
        films, outlets = self._touched(queryset)
        super().delete_queryset(request, queryset)
        editing.reviews_changed(films, outlets)


class CreditInline(admin.TabularInline):
    model = models.Credit
    autocomplete_fields = ["person"]
    extra = 0


class CompanyInline(admin.TabularInline):
    model = models.FilmCompany
    autocomplete_fields = ["company"]
    extra = 0


class ReleaseInline(admin.TabularInline):
    model = models.ReleaseEvent
    extra = 0


class SourceIdInline(admin.TabularInline):
    model = models.FilmSourceId
    extra = 0


class FilmAliasInline(admin.TabularInline):
    model = models.FilmAlias
    extra = 0


@admin.register(models.Film)
class FilmAdmin(FiguresFollow, admin.ModelAdmin):
    list_display = ["title", "year", "runtime_minutes", "mpaa_rating", "limited_release", "sample"]
    list_filter = ["sample", "limited_release", "title_known", "mpaa_rating"]
    search_fields = ["title", "title_key", "source_ids__key", "aliases__title"]
    inlines = [CreditInline, CompanyInline, ReleaseInline, SourceIdInline, FilmAliasInline]

    def films_of(self, obj, form=None) -> set[int]:
        return {obj.pk}  # its limited release, its release events (the periods, the badge's rule)

    def outlets_of(self, obj, form=None) -> set[int]:
        # A deleted film's reviews go with it, and the scales they stated.
        return set() if form is not None else set(obj.reviews.values_list("outlet_id", flat=True).distinct())

    actions = ["merge"]

    @admin.action(description="Merge selected films")
    def merge(self, request, queryset):
        return _merge(self, request, queryset, editing.merge_films, "film")


@admin.register(models.Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name", "name_key"]
    actions = ["merge"]

    @admin.action(description="Merge selected people")
    def merge(self, request, queryset):
        return _merge(self, request, queryset, editing.merge_people, "person")


@admin.register(models.Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name", "name_key"]


@admin.register(models.ReleaseEvent)
class ReleaseEventAdmin(FiguresFollow, admin.ModelAdmin):
    list_display = ["film", "kind", "date", "region", "place", "title", "format"]
    list_filter = ["kind", "format"]
    search_fields = ["film__title", "place", "title"]
    autocomplete_fields = ["film"]


class OutletAliasInline(admin.TabularInline):
    model = models.OutletAlias
    extra = 0


class CriticAliasInline(admin.TabularInline):
    model = models.CriticAlias
    extra = 0


@admin.register(models.Outlet)
class OutletAdmin(FiguresFollow, admin.ModelAdmin):
    list_display = ["name", "weight", "url"]
    search_fields = ["name", "name_key", "aliases__alias"]
    inlines = [OutletAliasInline]
    actions = ["merge"]
    formfield_overrides = URLS

    def films_of(self, obj, form=None) -> set[int]:
        # Its weight counts in the weighted score of every film it reviewed; its name in none.
        if form is not None and "weight" not in form.changed_data:
            return set()
        return set(models.Review.objects.filter(outlet=obj).values_list("film_id", flat=True).distinct())

    # Its reviews stay, with no outlet and so no scale for their bare numbers; their films are
    # scored again once it is gone (FiguresFollow).
    def delete_model(self, request, obj):
        editing.outlets_going([obj.pk])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        editing.outlets_going(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)

    @admin.action(description="Merge selected outlets")
    def merge(self, request, queryset):
        return _merge(self, request, queryset, editing.merge_outlets, "outlet")


@admin.register(models.Critic)
class CriticAdmin(admin.ModelAdmin):
    list_display = ["name", "top_critic"]
    list_filter = ["top_critic"]
    search_fields = ["name", "name_key", "aliases__alias"]
    inlines = [CriticAliasInline]
    actions = ["merge"]

    @admin.action(description="Merge selected critics")
    def merge(self, request, queryset):
        return _merge(self, request, queryset, editing.merge_critics, "critic")


def _merge(model_admin, request, queryset, merge, kind):
    """A merge cannot be undone: the editor first sees the selected records and picks the one
    kept (the rule's pick, `editing.keeper`, to start with), then confirms."""
    try:
        if request.POST.get("post") != "yes":
            keep, rule = editing.keeper(queryset, kind)
            return TemplateResponse(request, "admin/merge_confirmation.html", {
                **model_admin.admin_site.each_context(request), "title": f"Merge {kind}s", "opts": model_admin.opts,
                "candidates": [{"object": obj, "reviews": obj.review_count}
                               for obj in editing.with_review_counts(queryset).order_by("pk")],
                "keep": keep.pk, "rule": rule, "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            })
        kept, merged = merge(queryset, keep=request.POST.get("keep"))
    except editing.EditError as exc:
        model_admin.message_user(request, str(exc), level="error")
        return None
    model_admin.message_user(request, f"merged {merged} {kind}{'s' if merged != 1 else ''} into {kept}")
    return None


class DecadeFilter(admin.SimpleListFilter):
    """Reviews by the decade they were published in: "the 1980s" is how reception over time is
    read. (Django's date hierarchy truncates every row's date in Python to list the years: 5 s
    on a million reviews.)"""

    title = "published"
    parameter_name = "decade"

    def lookups(self, request, model_admin):
        span = model_admin.model.objects.aggregate(first=Min("published"), last=Max("published"))
        if span["first"] is None:
            return [("none", "undated")]
        first, last = span["first"].year // 10 * 10, span["last"].year // 10 * 10
        return [(str(decade), f"{decade}s") for decade in range(last, first - 1, -10)] + [("none", "undated")]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(published__isnull=True)
        if self.value() and self.value().isdigit():
            decade = int(self.value())
            return queryset.filter(published__gte=dt.date(decade, 1, 1), published__lt=dt.date(decade + 10, 1, 1))
        return queryset


class KnownValuesFilter(admin.SimpleListFilter):
    """A column's values as the code knows them, not as a pass over a million rows finds them
    (Django's filter of a plain column asks the table for its distinct values)."""

    values: list[tuple[str, str]] = []

    def lookups(self, request, model_admin):
        return self.values

    def queryset(self, request, queryset):
        return queryset.filter(**{self.parameter_name: self.value()}) if self.value() is not None else queryset


class RatingFlagFilter(KnownValuesFilter):
    title = "rating flag"
    parameter_name = "rating_flag"
    values = [(ratings.OK, "read"), *((flag, flag) for flag in (
        ratings.NO_SCALE, ratings.SCALE_INFERRED, ratings.SCALE_REJECTED, ratings.UNKNOWN, ratings.OUT_OF_RANGE))]


class SourceFilter(KnownValuesFilter):
    title = "source"
    parameter_name = "source"
    values = [(name, name) for name in [*NAMES[1:], "api"]]


class ReviewForm(forms.ModelForm):
    """A review added by hand gets the key an import of it would give (catalog.keys): the same
    review imported later adds nothing, and one already stored is refused here."""

    def clean(self):
        data = super().clean()
        if self.instance.pk is None and not self.errors:
            review = models.Review(**{f: data.get(f) for f in ("film", "critic", "outlet", "published")},
                                   quote=data.get("quote") or "", rating_raw=data.get("rating_raw") or "")
            self.dedupe_key = review_key(review)
            same = models.Review.objects.filter(dedupe_key=self.dedupe_key).values_list("id", flat=True).first()
            if same is not None:
                raise forms.ValidationError(f"this review is already stored (review {same})")
        return data


@admin.register(models.Review)
class ReviewAdmin(FiguresFollow, admin.ModelAdmin):
    form = ReviewForm
    list_display = [
        "film", "critic", "outlet", "published", "rating_raw", "rating", "rating_flag",
        "verdict", "decided_by", "needs_check",
    ]
    list_filter = ["verdict", "decided_by", "needs_check", "top_critic", RatingFlagFilter, SourceFilter,
                   DecadeFilter]
    search_fields = ["quote", "film__title", "critic__name", "outlet__name"]
    autocomplete_fields = ["film", "critic", "outlet"]
    list_select_related = ["film", "critic", "outlet"]
    # The newest first, by the primary key: the model's order (by film title) sorted a million
    # rows for each page (1.5 s). A search's matches are not counted twice.
    ordering = ["-id"]
    show_full_result_count = False
    formfield_overrides = URLS
    # The normalized rating is read from the rating string (editing.read_again), never typed.
    readonly_fields = ["dedupe_key", "created_at", "rating", "rating_scale", "rating_flag", "decided_by",
                       "verdict_probability", "verdict_model"]
    actions = ["mark_positive", "mark_negative"]

    def save_model(self, request, obj, form, change):
        # A verdict set by hand is the editor's: re-runs of `reception verdicts` keep it.
        if "verdict" in form.changed_data:
            decisions.set_by_editor(obj, obj.verdict)
        editing.read_again(obj, form.changed_data if change else editing.RULE_INPUTS)
        if not change:
            obj.dedupe_key = form.dedupe_key
        super().save_model(request, obj, form, change)

    def outlets_of(self, obj, form=None) -> set[int]:
        return {obj.outlet_id}

    def delete_model(self, request, obj):
        editing.delete_reviews(models.Review.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        editing.delete_reviews(queryset)

    def _mark(self, request, queryset, verdict):
        count = editing.override(queryset.select_related(None), verdict)
        self.message_user(request, f"{count} reviews marked {verdict} by an editor")

    @admin.action(description="Mark positive (editor's verdict)")
    def mark_positive(self, request, queryset):
        self._mark(request, queryset, models.Verdict.POSITIVE)

    @admin.action(description="Mark negative (editor's verdict)")
    def mark_negative(self, request, queryset):
        self._mark(request, queryset, models.Verdict.NEGATIVE)


@admin.register(models.AudienceRating)
class AudienceRatingAdmin(FiguresFollow, admin.ModelAdmin):
    list_display = ["film", "user_key", "stars", "verified", "rated_at", "counted"]
    list_filter = ["verified", ("member", admin.EmptyFieldListFilter), ("hidden_reason", admin.EmptyFieldListFilter)]
    search_fields = ["film__title", "user_key", "review"]
    autocomplete_fields = ["film"]
    raw_id_fields = ["member"]

    def changelist_view(self, request, extra_context=None):
        self._reasons = {}  # this page's films' reasons, computed once a film
        return super().changelist_view(request, extra_context)

    @admin.display(description="counted in the audience score")
    def counted(self, obj):
        """Yes, or why not (scores.audience's rules, as the film's score applies them)."""
        from ..scores.compute import not_counted

        cache = getattr(self, "_reasons", {})
        if obj.film_id not in cache:
            cache[obj.film_id] = not_counted(obj.film_id)
        reason = cache[obj.film_id].get(obj.pk, "")
        if reason == "hidden":
            return f"no: hidden ({obj.hidden_reason})"
        return f"no: {reason}" if reason else "yes"


class ConsensusForm(forms.ModelForm):
    keep_citations = forms.CharField(
        required=False, label="Citations to keep",
        help_text="When you rewrite the text, the model's clauses go. Give the numbers of the citations that "
                  "still hold, as the film page shows them (e.g. 1, 3); left blank, your text cites nothing.")

    class Meta:
        model = models.Consensus
        fields = ["film", "text", "status"]

    def clean_keep_citations(self) -> list[int]:
        text = self.cleaned_data["keep_citations"].replace(",", " ").replace("[", " ").replace("]", " ")
        try:
            return [int(part) for part in text.split()]
        except ValueError:
            raise forms.ValidationError("numbers only, as in: 1, 3") from None

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and "text" in self.changed_data and cleaned.get("keep_citations"):
            try:
                editing.kept_citations(self.instance, self.initial.get("text", ""), cleaned["keep_citations"])
            except editing.EditError as exc:
                self.add_error("keep_citations", str(exc))
        return cleaned


@admin.register(models.Consensus)
class ConsensusAdmin(admin.ModelAdmin):
    list_display = ["film", "status", "author", "updated_at"]
    list_filter = ["status"]
    search_fields = ["film__title", "text"]
    autocomplete_fields = ["film"]
    form = ConsensusForm
    fields = ["film", "text", "keep_citations", "status", "author", "citations", "aspect_tallies"]
    readonly_fields = ["author", "citations", "aspect_tallies"]
    actions = ["approve"]

    @admin.display(description="citations as the film page numbers them")
    def citations(self, obj):
        from ..consensus.serialize import numbered

        pieces, cited = numbered(obj.text, obj.clauses or [])
        return format_html_join(mark_safe("<br>"), "“{}”: {}", (
            (piece["text"], " ".join(f"[{n}] review {cited[n - 1]}" for n in piece["cites"]) or "cites nothing")
            for piece in pieces))

    @admin.display(description="aspects")
    def aspect_tallies(self, obj):
        return format_html_join(mark_safe("<br>"), "{}: {} praise, {} fault", (
            (a["label"], a["praised"], a["faulted"]) for a in obj.aspects or []))

    def save_model(self, request, obj, form, change):
        # An editor's hand makes it theirs: re-runs of the drafting leave it alone from now on.
        if form.changed_data:
            obj.author = request.user.get_username()
        if change and "text" in form.changed_data:
            editing.rewrite_consensus(obj, form.initial.get("text", ""), form.cleaned_data["keep_citations"],
                                      obj.author)
        super().save_model(request, obj, form, change)

    @admin.action(description="Approve (re-runs never overwrite it)")
    def approve(self, request, queryset):
        for c in queryset:
            editing.approve(c, request.user.get_username())


@admin.register(models.PublishedScore)
class PublishedScoreAdmin(admin.ModelAdmin):
    list_display = ["film", "source", "status", "percent_positive", "review_count"]
    list_filter = ["source", "status"]
    search_fields = ["film__title"]
    autocomplete_fields = ["film"]


@admin.register(models.ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["path", "format", "started_at", "read", "imported", "updated", "duplicates", "rejected"]
    list_filter = ["format"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Editors' API tokens: listed, and revoked by deleting them (`reception token` issues them)."""

    list_display = ["user", "name", "created_at", "last_used_at", "expires_at"]
    search_fields = ["user__username", "name"]
    readonly_fields = ["user", "name", "created_at", "last_used_at", "expires_at"]

    def has_add_permission(self, request):
        return False  # the token's text is shown once, by `reception token`


# collection: feeds, pages held for a film, critics' accounts and submissions ---------------

class FeedItemInline(admin.TabularInline):
    model = collect_models.FeedItem
    extra = 0
    fields = ("link", "seen_at", "done", "tries", "result")
    readonly_fields = fields
    can_delete = False


@admin.register(collect_models.Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = ("url", "outlet", "fetched_at", "due_at", "last_result")
    readonly_fields = ("fetched_at", "etag", "last_modified", "last_result")
    search_fields = ("url", "outlet")
    inlines = [FeedItemInline]


@admin.register(collect_models.HeldPage)
class HeldPageAdmin(admin.ModelAdmin):
    list_display = ("url", "reason", "held_at", "settled_at")
    list_filter = (("settled_at", admin.EmptyFieldListFilter),)
    readonly_fields = ("url", "page", "reason", "candidates", "label", "quote", "critic", "held_at", "settled_at",
                       "review")


@admin.register(collect_models.CriticAccount)
class CriticAccountAdmin(admin.ModelAdmin):
    list_display = ("name", "outlet", "user", "status", "applied_at", "decided_at")
    list_filter = ("status",)
    search_fields = ("name", "outlet", "user__username")
    raw_id_fields = ("critic",)
    readonly_fields = ("user", "applied_at", "decided_at", "decided_by")
    actions = ["approve", "refuse"]

    @admin.action(description="Approve the selected critics' accounts")
    def approve(self, request, queryset):
        done = editing.decide_critic_accounts(list(queryset), True, request.user)
        self.message_user(request, f"{done} approved")

    @admin.action(description="Refuse the selected critics' accounts")
    def refuse(self, request, queryset):
        done = editing.decide_critic_accounts(list(queryset), False, request.user)
        self.message_user(request, f"{done} refused")


@admin.register(collect_models.Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("url", "account", "verdict", "status", "submitted_at")
    list_filter = ("status", "verdict")
    search_fields = ("url", "account__name")
    readonly_fields = ("account", "url", "quote", "verdict", "submitted_at", "page", "reason", "film", "review",
                       "decided_at", "decided_by")
    actions = ["publish", "reject"]

    @admin.action(description="Publish the selected submissions")
    def publish(self, request, queryset):
        done = editing.publish_submissions(list(queryset.filter(status=collect_models.Submission.Status.QUEUED)),
                                           request.user)
        self.message_user(request, f"{done} published")

    @admin.action(description="Reject the selected submissions")
    def reject(self, request, queryset):
        self.message_user(request, f"{editing.reject_submissions(list(queryset), request.user)} rejected")


# members: screenings and their codes, members' accounts ---------------------------------------

class ScreeningCodeInline(admin.TabularInline):
    model = members_models.ScreeningCode
    extra = 0
    fields = ("code", "used_by", "used_at")
    readonly_fields = fields
    can_delete = False


@admin.register(members_models.Screening)
class ScreeningAdmin(admin.ModelAdmin):
    """An editor adds a screening with its seats: saving issues a code per seat, to hand out with
    the tickets; a member who rates the film with one is "verified" (each code once)."""

    list_display = ("film", "starts_at", "place", "seats")
    raw_id_fields = ("film",)
    readonly_fields = ("issued_by",)
    inlines = [ScreeningCodeInline]

    def save_model(self, request, obj, form, change):
        obj.issued_by = obj.issued_by or request.user
        super().save_model(request, obj, form, change)
        issued = obj.issue_codes()
        if issued:
            self.message_user(request, f"{issued} screening codes issued: they are listed below, to print")


@admin.register(members_models.Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ("user", "joined_at", "private")
    search_fields = ("user__username",)
    readonly_fields = ("user", "joined_at")


@admin.register(members_models.HiddenReview)
class HiddenReviewAdmin(FiguresFollow, admin.ModelAdmin):
    """Deleting one shows the member's review of the film again, and its rating counts again."""

    list_display = ("user", "film", "reason", "hidden_at")
    raw_id_fields = ("user", "film")

    def delete_model(self, request, obj):
        models.AudienceRating.objects.filter(member_id=obj.user_id, film_id=obj.film_id).update(hidden_reason="")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for hidden in queryset:
            models.AudienceRating.objects.filter(member_id=hidden.user_id, film_id=hidden.film_id).update(
                hidden_reason="")
        super().delete_queryset(request, queryset)
