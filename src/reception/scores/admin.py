from django.contrib import admin

from .models import FilmScore, ScoreSnapshot


@admin.register(FilmScore)
class FilmScoreAdmin(admin.ModelAdmin):
    list_display = ["film", "percent", "low", "high", "reviews", "top_percent", "average", "weighted", "badge",
                    "audience_percent", "computed_at"]
    list_filter = ["badge"]
    search_fields = ["film__title"]
    list_select_related = ["film"]
    readonly_fields = [f.name for f in FilmScore._meta.fields]  # computed: `reception score` owns them


@admin.register(ScoreSnapshot)
class ScoreSnapshotAdmin(admin.ModelAdmin):
    list_display = ["film", "at", "reviews", "percent", "badge", "audience_percent"]
    search_fields = ["film__title"]
    list_select_related = ["film"]
    # Computed as well; and an editable film would list every film in a menu (1.2 s a page).
    readonly_fields = [f.name for f in ScoreSnapshot._meta.fields]
