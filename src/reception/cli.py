"""The `reception` command: a thin layer over the library (see docs/cli.md)."""

from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path

import click

from .errors import ReceptionError

DEMO_DATA = Path(__file__).parent / "demo" / "demo.jsonl"


def _setup(db: str | None):
    """Point Django at the database before anything imports models."""
    if db:
        os.environ["RECEPTION_DATABASE_URL"] = db
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reception.settings")
    import django

    django.setup()


def with_db(func):
    """The shared --db option; errors become one line on stderr and exit status 1."""

    @click.option("--db", envvar="RECEPTION_DATABASE_URL", default=None, metavar="URL",
                  help="Database URL (default sqlite:///reception.db; also RECEPTION_DATABASE_URL).")
    @functools.wraps(func)
    def wrapper(db, *args, **kwargs):
        try:
            _setup(db)
            return func(*args, **kwargs)
        except ReceptionError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)
        except Exception as exc:  # a database that cannot be reached, say
            from django.db import Error as DatabaseError

            if isinstance(exc, DatabaseError):
                click.echo(f"Error: database: {exc}".strip(), err=True)
                sys.exit(1)
            raise

    return wrapper


def migrate(verbose: bool = False):
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1 if verbose else 0)


@click.group()
@click.version_option(package_name="reception")
def main():
    """Reception: an open, self-hostable film review aggregator."""


@main.command()
@with_db
def init():
    """Create the database, or bring its tables up to date."""
    from django.db import connection

    migrate()
    click.echo(f"database ready: {connection.vendor} {connection.settings_dict['NAME']}")


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--format", "fmt", default="auto", show_default=True,
              type=click.Choice(["auto", "csv", "jsonl", "rt-reviews", "rt-movies", "rt-kaggle", "rt-2025"]),
              help="The file's format; auto reads it from the header.")
@click.option("--encoding", default=None, help="The file's text encoding (default: the format's own).")
@click.option("--rejects", type=click.Path(path_type=Path), default=None,
              help="Where to write rejected rows (default: NAME.rejects.tsv here).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@with_db
def ingest(path, fmt, encoding, rejects, as_json):
    """Import reviews or films from PATH (a file, or a folder of files)."""
    from .ingest import ingest as run_ingest

    migrate()
    report = run_ingest(path, format=fmt, encoding=encoding, rejects_path=rejects, progress=not as_json)
    if as_json:
        click.echo(json.dumps(report.as_dict()))
    else:
        click.echo(report.summary())
        for reject in report.rejects[:5]:
            click.echo(f"  rejected {reject.path}, line {reject.line}: {reject.reason}", err=True)
        if report.rejected > 5:
            click.echo(f"  … and {report.rejected - 5} more in {report.rejects_path}", err=True)


@main.command()
@click.argument("film")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@with_db
def reviews(film, as_json):
    """List a film's reviews with rating, verdict and how it was decided."""
    from .catalog.films import find_film
    from .catalog.serialize import film_json, review_json

    found = find_film(film)
    rows = list(found.reviews.select_related("critic", "outlet").order_by("published", "id"))
    if as_json:
        click.echo(json.dumps({**film_json(found), "reviews": [review_json(r) for r in rows]}))
        return
    click.echo(f"{found} — {len(rows)} reviews")
    for r in rows:
        rating = f"{r.rating_raw} → {r.rating:g}" if r.rating is not None else (r.rating_raw or "—")
        if r.rating_flag:
            rating += f" [{r.rating_flag}]"
        verdict = f"{r.verdict} ({r.get_verdict_source_display()})" if r.verdict else "no verdict"
        who = ", ".join(str(x) for x in (r.critic, r.outlet) if x) or "anonymous"
        click.echo(f"  {r.published or '    -     '}  {who}: {rating}; {verdict}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
@click.option("--workers", default=2, show_default=True, help="Server worker processes.")
@with_db
def serve(host, port, workers):
    """Serve the site with gunicorn."""
    _serve(host, port, workers)


def _serve(host: str, port: int, workers: int):
    from django.core.management import call_command

    migrate()
    call_command("collectstatic", interactive=False, verbosity=0)
    click.echo(f"serving on http://{host}:{port}/ (Ctrl-C stops)")
    args = ["gunicorn", "reception.wsgi:application", "--bind", f"{host}:{port}", "--workers", str(workers),
            "--access-logfile", "-"]
    os.execvp(sys.executable, [sys.executable, "-m", *args])


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
@click.option("--no-serve", is_flag=True, help="Load the demo data only.")
@with_db
def demo(host, port, no_serve):
    """Load the demo data (idempotent) and serve it."""
    from .ingest import ingest as run_ingest

    migrate()
    report = run_ingest(DEMO_DATA)
    click.echo(f"demo data: {report.summary()}")
    if not no_serve:
        _serve(host, port, 2)


if __name__ == "__main__":
    main()
