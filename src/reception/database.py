"""Database URLs (``sqlite:///reception.db``, ``postgresql://u:p@host:5432/db``) to Django
settings, and what queries on either database share."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from .config import BY_NAME
from .errors import ReceptionError

# A server process keeps its connection between requests: opening one (and setting its
# pragmas) cost more than serving a cached page. A dropped connection is noticed and replaced.
KEEP_CONNECTIONS = {"CONN_MAX_AGE": 600, "CONN_HEALTH_CHECKS": True}


def django_database(url: str) -> dict:
    """The Django ``DATABASES['default']`` entry for a URL."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # sqlite:///relative.db and sqlite:////absolute/path.db, as SQLAlchemy writes them.
        path = unquote(url[len("sqlite:///"):]) if url.startswith("sqlite:///") else ""
        if not path:
            raise ReceptionError.of("E001", url=url)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(Path(path).expanduser().absolute()),
            # WAL lets the site read while an import writes. A transaction takes the write lock as it
            # begins (IMMEDIATE), waiting up to the timeout for another writer: one that took it
            # only at its first write could not wait, as another's commit makes what it read stale.
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                        "transaction_mode": "IMMEDIATE", "timeout": BY_NAME["RECEPTION_SQLITE_TIMEOUT"].read()},
            "TEST": {"NAME": BY_NAME["RECEPTION_TEST_SQLITE"].read() or None},
            **KEEP_CONNECTIONS,
        }
    if parts.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")) or "reception",
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            **KEEP_CONNECTIONS,
        }
    raise ReceptionError.of("E002", url=url)


def id_chunks(ids, size: int = 500):
    """Ids, sorted, in chunks that stay under every database's limit on query parameters;
    None (no restriction) as one None chunk."""
    if ids is None:
        yield None
        return
    ids = sorted(ids)
    for start in range(0, len(ids), size):
        yield ids[start:start + size]
