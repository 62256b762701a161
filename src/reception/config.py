"""Every setting in one table: its name (also the environment variable that sets it), its
default, what it does, and whether it is a secret.

Django's settings (reception.settings) take their values from here, and code reads a setting
through `setting(name)`: Django's value where Django is set up (so a test can override it),
else the environment's (`reception train` and the benches' helpers run without Django).
`/-/settings.json` lists them with secrets masked; docs/settings.md documents each one, which
tests/test_docs.py checks.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

SECRET = "********"


def _flag(text: str) -> bool:
    return text.strip() == "1"


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def _number(text: str) -> float:
    return float(text)


def _whole(text: str) -> int:
    return int(text)


def _without_credentials(url: str) -> str:
    """A database URL as shown: its user and password masked."""
    return re.sub(r"^(\w+://)[^@/]+@", rf"\1{SECRET}@", url)


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str
    secret: bool = False
    parse: Callable[[str], object] = str
    shown: Callable[[object], object] = lambda value: value  # how /-/settings.json shows the value

    def read(self, environ=os.environ):
        """This setting's value from `environ`, or its default where it is unset or empty."""
        return self.parse(environ.get(self.name) or self.default)


TABLE = [
    Setting("RECEPTION_DATABASE_URL", "sqlite:///reception.db",
            "The database: sqlite:///FILE or postgresql://USER:PASS@HOST:PORT/DB (the CLI's --db sets it).",
            shown=_without_credentials),
    Setting("RECEPTION_SECRET_KEY", "reception-local-development-key-change-me",
            "Django's secret key: set your own for any deployment.", secret=True),
    Setting("RECEPTION_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver",
            "Host names the site answers to, comma-separated.", parse=_names),
    Setting("RECEPTION_DEBUG", "", "1 shows Django's debug pages (never in a deployment).", parse=_flag),
    Setting("RECEPTION_STATIC_ROOT", "staticfiles",
            "Where `reception serve` collects static files (relative to the current folder).",
            parse=lambda text: str(Path(text).expanduser().absolute())),
    Setting("RECEPTION_VERDICT_MODEL", "",
            "A verdict model file written by `reception train` (empty: the model shipped in the package)."),
    Setting("RECEPTION_RUNTIME", "",
            "How the text model runs: onnx or torch (empty: onnx where onnxruntime is installed)."),
    Setting("RECEPTION_CACHE", "",
            "Where the model's int8 ONNX export is kept (empty: $XDG_CACHE_HOME/reception or ~/.cache/reception)."),
    Setting("RECEPTION_BADGE_RULES", "",
            "JSON overriding badge rules, e.g. {\"fresh\": 65} (docs/scores.md; empty: the public RT rules)."),
    Setting("RECEPTION_API_RATE", "120/m",
            "Public API reads per client address (N/s, N/m, N/h or N/d), across every server process that "
            "shares the cache (RECEPTION_CACHE_URL, or this machine's cache folder)."),
    Setting("RECEPTION_SEARCH_RATE", "60/m", "Searches of the site (/search, its JSON) per client address."),
    Setting("RECEPTION_WRITE_RATE", "120/m", "Writes per editor (the API's, the desk's) and per critic (submissions)."),
    Setting("RECEPTION_SIGNUP_RATE", "10/h", "Applications for an account per client address."),
    Setting("RECEPTION_DEPLOYED", "",
            "1 when served to the public behind HTTPS: secure cookies, HSTS (with preload), redirects to HTTPS "
            "(the proxy sets X-Forwarded-Proto), and a secret key of your own required.", parse=_flag),
    Setting("RECEPTION_TRUSTED_PROXIES", "",
            "Addresses or networks of the reverse proxies in front of the site, comma-separated: only a request "
            "through one of them is known by the client address X-Forwarded-For gives.", parse=_names),
    Setting("RECEPTION_CACHE_URL", "",
            "A shared cache for page caching, rate limits and sign-in throttles, e.g. redis://127.0.0.1:6379/0 "
            "(empty: a folder on this machine, shared by its server processes).", shown=_without_credentials),
    Setting("RECEPTION_TOKEN_DAYS", "90", "Days an API token stays valid after it is issued.", parse=_whole),
    Setting("RECEPTION_SIGNIN_ATTEMPTS", "10",
            "Failed sign-ins allowed per account, and per client address, in 15 minutes.", parse=_whole),
    Setting("RECEPTION_HTTP_MAX_AGE", "60",
            "Seconds a browser, a reverse proxy or a CDN may serve a visitor's page without asking again "
            "(Cache-Control max-age; ETag and Last-Modified make asking again cheap).", parse=_whole),
    Setting("RECEPTION_HTTP_STALE", "600",
            "Seconds past max-age a cache may serve a page while it asks for a fresh one "
            "(Cache-Control stale-while-revalidate).", parse=_whole),
    Setting("RECEPTION_PAGE_CACHE_MB", "64", "Megabytes of pages each server process keeps cached.",
            parse=_number),
    Setting("RECEPTION_SQLITE_TIMEOUT", "20",
            "Seconds a SQLite writer waits for another (an import) to finish before it gives up.", parse=_number),
    Setting("RECEPTION_COLLECT_CONTACT", "",
            "How a site's owner reaches whoever runs this collector (a URL or an email address): sent in the "
            "User-Agent of every request `reception collect` makes."),
    Setting("RECEPTION_COLLECT_ALLOW_PRIVATE", "",
            "1 lets `reception collect` fetch loopback, private and link-local addresses (off: only public ones, "
            "so a submitted link cannot reach this machine's own network).", parse=_flag),
    Setting("RECEPTION_COLLECT_TIMEOUT", "20", "Seconds one request of `reception collect` may take.",
            parse=_number),
    Setting("RECEPTION_COLLECT_MAX_BYTES", "5000000", "The largest page or feed `reception collect` reads, in bytes.",
            parse=_whole),
    Setting("RECEPTION_COLLECT_MAX_REDIRECTS", "5", "Redirects one fetch follows at most.", parse=_whole),
    Setting("RECEPTION_COLLECT_RETRIES", "3",
            "Tries after the first for a request that times out or is answered 429 or 5xx, each after a longer "
            "wait (0.5 s, 1 s, 2 s …, or the site's Retry-After up to 60 s).", parse=_whole),
    Setting("RECEPTION_COLLECT_HOST_INTERVAL", "1",
            "Seconds between two requests to one host, at least (a robots.txt Crawl-delay asks more).",
            parse=_number),
    Setting("RECEPTION_COLLECT_HOST_CONCURRENCY", "2", "Requests to one host at a time, at most.", parse=_whole),
    Setting("RECEPTION_FEED_MINUTES", "60",
            "Minutes between two reads of a feed whose answer states no lifetime (Cache-Control max-age or "
            "Expires); a stated lifetime counts, but never less than 5 minutes.", parse=_number),
    Setting("RECEPTION_AUDIENCE_MIN", "20",
            "Counted audience ratings a film needs before its audience % is shown (docs/scores.md).", parse=_whole),
    Setting("RECEPTION_MEMBER_WAIT_HOURS", "24",
            "A member's rating counts in the audience score when made at least this many hours after the "
            "account was (a rating changed later counts from then).", parse=_number),
    Setting("RECEPTION_RATING_RATE", "30/h", "Ratings a member may make or change, per account."),
    Setting("RECEPTION_RATING_ADDRESS_RATE", "120/h", "Members' ratings per client address, all accounts together."),
    Setting("RECEPTION_SUBMISSIONS_LIVE", "",
            "1 puts critics' submitted reviews live at once; off, each waits in the editors' queue at /desk/.",
            parse=_flag),
    Setting("RECEPTION_TEST_SQLITE", "",
            "Tests only: the SQLite file the test run uses as its test database (empty: Django's default)."),
]
BY_NAME = {entry.name: entry for entry in TABLE}


def setting(name: str):
    """A setting's value: Django's where its settings are loaded, else the environment's."""
    entry = BY_NAME[name]  # a KeyError here is a setting missing from the table
    from django.conf import settings

    if settings.configured:
        return getattr(settings, name)
    return entry.read()


def cache_root(configured: str = "") -> Path:
    """The folder of what Reception can make again (the model's int8 export, this machine's
    shared cache): RECEPTION_CACHE's value, else $XDG_CACHE_HOME/reception or ~/.cache/reception."""
    return Path(configured or os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"),
                                           "reception"))


def django_settings(environ=os.environ) -> dict:
    """Every setting's value, as reception.settings puts them into Django's."""
    return {entry.name: entry.read(environ) for entry in TABLE}


def public(values: dict) -> list[dict]:
    """The table with its current values, secrets masked: `/-/settings.json`."""
    rows = []
    for entry in TABLE:
        value = values.get(entry.name)
        value = (SECRET if value else "") if entry.secret else entry.shown(value)
        rows.append({"name": entry.name, "value": value, "default": "" if entry.secret else entry.default,
                     "set": bool(os.environ.get(entry.name)), "help": entry.help})
    return rows
