"""The data version: raised on every change that a page could show.

Pages cache by (URL, version). Reading the version is one primary-key lookup, so every
server process sees a change at once without a shared cache. ORM saves raise it through
signals; bulk paths (ingest, verdicts, scores) write with SQL and call ``bump()`` themselves.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

WATCHED_APPS = {"catalog", "scores"}


def current() -> int:
    with connection.cursor() as c:
        c.execute("SELECT number FROM catalog_dataversion WHERE id = 1")
        row = c.fetchone()
    return row[0] if row else 0


def stamp() -> tuple[int, dt.datetime | None]:
    """The version and when it was raised, in one lookup."""
    with connection.cursor() as c:
        c.execute("SELECT number, changed_at FROM catalog_dataversion WHERE id = 1")
        row = c.fetchone()
    if not row:
        return 0, None
    changed = row[1]
    if isinstance(changed, str):  # SQLite through a raw cursor: ISO text
        changed = dt.datetime.fromisoformat(changed)
    if changed is not None and timezone.is_naive(changed):
        changed = changed.replace(tzinfo=dt.timezone.utc)
    return row[0], changed


def bump() -> None:
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as c:
        c.execute("UPDATE catalog_dataversion SET number = number + 1, changed_at = %s WHERE id = 1", [now])
        if c.rowcount == 0:
            c.execute("INSERT INTO catalog_dataversion (id, number, changed_at) VALUES (1, 1, %s)", [now])


def _changed(sender, **kwargs) -> None:
    meta = sender._meta
    if meta.app_label in WATCHED_APPS and meta.model_name != "dataversion":
        bump()


def connect() -> None:
    post_save.connect(_changed, dispatch_uid="reception-data-version-save")
    post_delete.connect(_changed, dispatch_uid="reception-data-version-delete")
