"""{{ value|plain }}: the words a visitor reads for the internal labels of verdict sources,
rating flags and badges (the JSON keeps the labels)."""

from django import template

register = template.Library()

WORDS = {
    # How a verdict was decided (rules.DecidedBy).
    "critic-rating": "from the critic's rating",
    "outlet-label": "the critic's own label",
    "model": "read from the quote",
    "editor": "an editor's call",
    # Rating flags (ratings).
    "no-scale": "no scale stated",
    "scale-inferred": "scale inferred",
    "scale-rejected": "set aside by an editor",
    "unknown-format": "not read",
    "out-of-range": "out of range",
    # Badges (scores.badges).
    "certified-fresh": "Certified fresh",
    "fresh": "Fresh",
    "rotten": "Rotten",
}


@register.filter
def plain(value):
    return WORDS.get(value, value)


# The sources of published figures (PublishedScore.source), as a reader knows them.
SOURCES = {"rotten-tomatoes": "Rotten Tomatoes", "rt-movies": "Rotten Tomatoes", "rt-kaggle": "Rotten Tomatoes", "rt-2025": "Rotten Tomatoes",
           "rt-reviews": "Rotten Tomatoes", "article": "the article"}


@register.filter
def source_name(value):
    name = SOURCES.get(value)
    return f"{name} ({value} data)" if name else value


@register.filter
def get_item(mapping, key):
    """{{ data|get_item:name }}: a dict's value by a variable key."""
    return mapping.get(key) if hasattr(mapping, "get") else None
