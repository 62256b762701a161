"""Pages about the site itself, under /-/ and in JSON only: its settings (secrets masked) and
the versions of what makes its figures, so any figure can be traced to the code and model that
made it."""

from __future__ import annotations

import django
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.urls import path

from .. import __version__
from ..config import TABLE, public
from ..consensus.store import AUTHOR
from ..rules import VerdictRules, model_config
from ..scores.compute import code_digest


def _json(data) -> JsonResponse:
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})


def settings_json(request):
    return _json({"settings": public({entry.name: getattr(settings, entry.name) for entry in TABLE})})


def versions_json(request):
    config = model_config()
    return _json({
        "reception": __version__,
        "verdict_model": config["id"],
        "verdict_rules": VerdictRules(config).rule_id,
        "consensus_author": AUTHOR,
        "scoring_code": code_digest(),
        "django": django.get_version(),
        "database": f"{connection.vendor} {'.'.join(map(str, connection.get_database_version()))}",
    })


urlpatterns = [
    path("-/settings.json", settings_json, name="settings-json"),
    path("-/versions.json", versions_json, name="versions-json"),
]
