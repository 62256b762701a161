"""The data version: raised on every change that a page could show.

Pages cache by (URL, version). Reading the version is one primary-key lookup, so every
server process sees a change at once without a shared cache. ORM saves raise it through
signals; bulk paths (ingest, verdicts, scores) write with SQL and call ``bump()`` themselves.
"""

from __future__ import annotations

from django.db import connection
from django.db.models.signals import post_delete, post_save

WATCHED_APPS = {"catalog", "scores"}


def current() -> int:
    with connection.cursor() as c:
        c.execute("SELECT number FROM catalog_dataversion WHERE id = 1")
        row = c.fetchone()
    return row[0] if row else 0


def bump() -> None:
    with connection.cursor() as c:
        c.execute("UPDATE catalog_dataversion SET number = number + 1 WHERE id = 1")
        if c.rowcount == 0:
            c.execute("INSERT INTO catalog_dataversion (id, number) VALUES (1, 1)")


def _changed(sender, **kwargs) -> None:
    meta = sender._meta
    if meta.app_label in WATCHED_APPS and meta.model_name != "dataversion":
        bump()


def connect() -> None:
    post_save.connect(_changed, dispatch_uid="reception-data-version-save")
    post_delete.connect(_changed, dispatch_uid="reception-data-version-delete")
