"""{{ review.published|as_said:review.published_precision }}: see catalog.dates."""

from django import template

from ...catalog import dates

register = template.Library()
register.filter("as_said", dates.as_said)
