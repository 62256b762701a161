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


def film_or_all(every: str):
    """The per-film commands' shape: FILM or --all (exactly one), and --json."""

    def wrap(func):
        @click.argument("film", required=False)
        @click.option("--all", "every", is_flag=True, help=every)
        @click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
        @functools.wraps(func)
        def run(film, every, as_json, **kwargs):
            if bool(film) == every:
                raise click.UsageError("give a FILM or --all")
            return func(film=film, every=every, as_json=as_json, **kwargs)

        return run

    return wrap


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
              type=click.Choice(["auto", "csv", "jsonl", "rt-reviews", "rt-movies", "rt-kaggle", "rt-2025", "article"]),
              help="The file's format; auto reads it from the header (an article must be named).")
@click.option("--encoding", default=None, help="The file's text encoding (default: the format's own).")
@click.option("--rejects", type=click.Path(path_type=Path), default=None,
              help="Where to write rejected rows (default: NAME.rejects.tsv here).")
@click.option("--report", type=click.Path(path_type=Path), default=None,
              help="article: write every extracted fact with its sentence's span to this JSON file.")
@click.option("--verdicts/--no-verdicts", "read_text", default=True, show_default=True,
              help="Then read the quotes that neither a rating nor a label decides (the text model) and score "
                   "the films the import touched; --no-verdicts leaves both to `reception verdicts`.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@with_db
def ingest(path, fmt, encoding, rejects, report, read_text, as_json):
    """Import reviews or films from PATH (a file, or a folder of files)."""
    from .ingest import ingest as run_ingest

    if report and fmt != "article":
        raise click.UsageError("--report is for --format article")
    migrate()
    result = run_ingest(path, format=fmt, encoding=encoding, rejects_path=rejects, progress=not as_json)
    verdicts = None
    if read_text and result.touched_films:
        from .pipeline import refresh

        verdicts = refresh(result.touched_films).verdicts
    if report:
        from .ingest.articles import write_report

        write_report(path, report, encoding or "utf-8")
    if as_json:
        out = result.as_dict()
        if verdicts:
            from dataclasses import asdict

            out["verdicts"] = asdict(verdicts)
        click.echo(json.dumps(out))
        return
    click.echo(result.summary())
    if verdicts and verdicts.decided + verdicts.waiting:
        click.echo(f"verdicts ({verdicts.model}): {verdicts.summary()}")
    if report:
        click.echo(f"facts and their sentences in {report}")
    for reject in result.rejects[:5]:
        click.echo(f"  rejected {reject.path}, line {reject.line}: {reject.reason}", err=True)
    if result.rejected > 5:
        click.echo(f"  … and {result.rejected - 5} more in {result.rejects_path}", err=True)


@main.command()
@click.argument("urls", nargs=-1)
@click.option("--due", is_flag=True, help="Read every subscribed feed that is due, then collect its new items' pages.")
@click.option("--outlet", default="", help="File the reviews under this outlet (else each page's own publisher).")
@click.option("--verdicts/--no-verdicts", "read_text", default=True, show_default=True,
              help="Then read the quotes no rating or label decides (the text model) and score the films touched.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object (counts and each URL's outcome).")
@with_db
def collect(urls, due, outlet, read_text, as_json):
    """Fetch review pages (URL…) or the subscribed feeds that are due (--due), politely:
    robots.txt honoured, each host's rate and concurrency limited (docs/collect.md)."""
    from .collect import collect_pages
    from .collect.feeds import collect_due

    if bool(urls) == due:
        raise ReceptionError.of("E141") if not urls else click.UsageError("give URLs or --due, not both")
    migrate()
    bar = None
    if not as_json and len(urls) > 1:
        from tqdm import tqdm

        bar = tqdm(total=len(urls), unit=" pages", desc="collecting", leave=False)
    try:
        result = collect_due(progress=bar) if due else collect_pages(urls, outlet=outlet, progress=bar)
    finally:
        if bar is not None:
            bar.close()
    if read_text and result.touched_films:
        from .pipeline import refresh

        refresh(result.touched_films)
    if as_json:
        click.echo(json.dumps(result.as_dict()))
        return
    for feed in result.feeds:
        click.echo(f"feed {feed['url']}: {feed['result']}")
    for outcome in result.outcomes:
        line = f"{outcome.result:<9} {outcome.url}"
        if outcome.reason:
            line += f": {outcome.reason}"
        click.echo(line, err=outcome.result in ("failed", "refused"))
    click.echo(result.summary())


@main.group()
def feeds():
    """Outlets' RSS or Atom feeds that `reception collect --due` reads."""


@feeds.command("add")
@click.argument("url")
@click.option("--outlet", default="", help="File the feed's reviews under this outlet.")
@with_db
def feeds_add(url, outlet):
    """Subscribe to the feed at URL."""
    from .collect.feeds import add_feed

    migrate()
    feed, created = add_feed(url, outlet)
    click.echo(f"{'subscribed to' if created else 'already subscribed to'} {feed.url}"
               + (f" (outlet: {feed.outlet})" if feed.outlet else ""))


@feeds.command("remove")
@click.argument("url")
@with_db
def feeds_remove(url):
    """Unsubscribe from the feed at URL (the reviews collected from it stay)."""
    from .collect.models import Feed

    migrate()
    deleted, _ = Feed.objects.filter(url=url.strip()).delete()
    if not deleted:
        raise click.UsageError(f"not subscribed to {url}; `reception feeds list` lists the feeds")
    click.echo(f"unsubscribed from {url.strip()}; the reviews collected from it stay")


@feeds.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@with_db
def feeds_list(as_json):
    """The subscribed feeds: when each was read, what it gave, when it is due."""
    from .collect.models import Feed

    migrate()
    rows = [{"url": f.url, "outlet": f.outlet, "read": f.fetched_at.isoformat() if f.fetched_at else None,
             "due": f.due_at.isoformat() if f.due_at else "now", "result": f.last_result,
             "items": f.items.count()} for f in Feed.objects.all()]
    if as_json:
        click.echo(json.dumps({"feeds": rows}))
        return
    if not rows:
        click.echo("no feeds; add one with `reception feeds add URL`")
    for row in rows:
        click.echo(f"{row['url']}{' (' + row['outlet'] + ')' if row['outlet'] else ''}: {row['items']} items; "
                   f"read {row['read'] or 'never'}; due {row['due']}; {row['result'] or '-'}")


@main.command()
@click.argument("film")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@with_db
def reviews(film, as_json):
    """List a film's reviews with rating, verdict and how it was decided."""
    from .catalog.dates import as_said
    from .catalog.films import find_film
    from .catalog.serialize import film_json, review_json
    from .web.listing import SORTS

    found = find_film(film)
    rows = list(found.reviews.select_related("critic", "outlet").order_by(*SORTS["oldest"]))
    if as_json:
        click.echo(json.dumps({**film_json(found), "reviews": [review_json(r) for r in rows]}))
        return
    click.echo(f"{found} — {len(rows)} reviews")
    for r in rows:
        rating = f"{r.rating_raw} → {r.rating:g}" if r.rating is not None else (r.rating_raw or "—")
        if r.rating_flag:
            rating += f" [{r.rating_flag}]"
        verdict = f"{r.verdict} ({r.get_decided_by_display()}" if r.verdict else "no verdict"
        if r.verdict:
            verdict += f", p={r.verdict_probability:.2f})" if r.verdict_probability is not None else ")"
        if r.needs_check:
            verdict += " [to check]"
        who = ", ".join(str(x) for x in (r.critic, r.outlet) if x) or "anonymous"
        click.echo(f"  {as_said(r.published, r.published_precision) or '    -':<10}  {who}: {rating}; {verdict}")


@main.command()
@click.option("--all", "redo_all", is_flag=True, help="Decide every verdict again (editors' are kept).")
@click.option("--cluster", default=None, metavar="ADDRESS",
              help="Read the quotes on the workers of this Dask scheduler (tcp://HOST:8786) rather than here.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@with_db
def verdicts(redo_all, cluster, as_json):
    """Give a verdict to every review that lacks one: from its rating, its source's label, or its text."""
    from dataclasses import asdict

    from tqdm import tqdm

    from .pipeline import refresh

    migrate()
    with tqdm(desc="reading quotes", unit=" reviews", disable=as_json, leave=False) as bar:
        report = refresh(redo=redo_all, progress=bar, cluster=cluster).verdicts
    click.echo(json.dumps(asdict(report)) if as_json else f"verdicts ({report.model}): {report.summary()}")
    if report.model_missing:
        sys.exit(1)  # what the rules decide is stored; the quotes are not read


@main.command()
@film_or_all("Score every film.")
@click.option("--full", is_flag=True,
              help="With --all: compute every film's figures, not only those whose inputs changed.")
@with_db
def score(film, every, as_json, full):
    """Compute and store a film's figures (or every film's) and print them.

    With --all, every film's reviews, events and audience ratings are checked in one pass, and
    the figures of films whose inputs changed since they were stored are computed again."""
    import time

    from .catalog.films import find_film
    from .catalog.serialize import film_json
    from .scores.compute import score as run_score

    migrate()
    if every:
        started = time.perf_counter()
        scored = run_score(full=full)
        summary = {"films": scored.checked, "computed": len(scored), "seconds": round(time.perf_counter() - started, 2)}
        click.echo(json.dumps(summary) if as_json else
                   f"scored {summary['films']} films ({summary['computed']} computed, the rest unchanged) "
                   f"in {summary['seconds']} s")
        return
    if full:
        raise click.UsageError("--full goes with --all")
    from .scores.models import FilmScore
    from .scores.serialize import score_json

    found = find_film(film)
    run_score([found.pk])
    result = score_json(FilmScore.objects.filter(film=found).first())
    if as_json:
        click.echo(json.dumps({**film_json(found), "score": result}))
        return
    click.echo(_score_text(found, result))


@main.command()
@film_or_all("Draft every film's consensus.")
@with_db
def consensus(film, every, as_json):
    """Draft the critics consensus of FILM from its reviews and print it with its citations.

    A consensus an editor has edited or approved is never overwritten; its aspects are refreshed.
    The films' verdicts and figures are brought up to date first."""
    from .catalog.films import find_film

    migrate()
    if every:
        summary = _draft_consensus(None, progress=not as_json)
        click.echo(json.dumps(summary) if as_json else ", ".join(f"{n} {k}" for k, n in summary.items()))
        return
    from .consensus.serialize import consensus_json
    from .pipeline import refresh

    found = find_film(film)
    outcome = refresh([found.pk], consensus=True).drafts[found.pk]
    shown = consensus_json(outcome.consensus)
    if as_json:
        click.echo(json.dumps({"film": {"id": found.pk, "title": found.title, "year": found.year},
                               "action": outcome.action, "draft": outcome.draft.as_dict(), "consensus": shown}))
        return
    click.echo(_consensus_text(found, outcome, shown))


def _draft_consensus(film_ids, progress: bool = False) -> dict:
    """The consensus of these films (every film's: None) drafted by the pipeline: how many
    drafts were created, updated, kept (an editor's) or none (too few reviews, no title, or no
    wording the reviews were found to say)."""
    from collections import Counter

    from tqdm import tqdm

    from .pipeline import refresh

    with tqdm(desc="drafting consensus", unit=" films", disable=not progress, leave=False) as bar:
        drafts = refresh(film_ids, consensus=True, progress=bar).drafts
    return dict(Counter(outcome.action for outcome in drafts.values()))


def _dropped(outcome) -> list[str]:
    """Each wording the check found the reviews do not say, and why (for the editor)."""
    return [f"  dropped \"{d['text']}\": {d['reason']}" for d in outcome.draft.dropped]


def _consensus_text(film, outcome, shown) -> str:
    lines = [f"{film}"]
    if shown is None:
        return "\n".join(lines + [f"  no consensus: {outcome.draft.reason}"] + _dropped(outcome))
    if outcome.action == "kept":  # the editor's text may outlive the reviews a draft needs
        note = f"{shown['status']}, by {shown['author']}: kept as the editor left it"
    else:
        note = (f"{shown['status']} ({outcome.action}), {outcome.draft.percent_positive:g}% positive, "
                f"{outcome.draft.quotes} quoted reviews")
    lines += [f"  {shown['text']}", f"  [{note}]"]
    # Numbered as the film page numbers them; each number then names its review.
    for piece in shown["parts"]:
        if piece["cites"]:
            lines.append(f"  \"{piece['text'].strip()}\" cites " + " ".join(f"[{n}]" for n in piece["cites"]))
    for cited in shown["cited"]:
        who = ", ".join(name for name in (cited["critic"], cited["outlet"]) if name) or "anonymous"
        lines.append(f"  [{cited['number']}] {who} (review {cited['review_id']}, {cited['verdict'] or 'no verdict'})")
    if outcome.action != "kept":
        lines += _dropped(outcome)
    for a in shown["aspects"]:
        lines.append(f"  {a['label']}: praised by {a['praised']}, faulted by {a['faulted']}")
    return "\n".join(lines)


def _score_text(film, r: dict) -> str:
    def pct(value, interval=None):
        if value is None:
            return "—"
        return f"{value:g}%" + (f" (90%: {interval[0]:g}–{interval[1]:g})" if interval else "")

    top = r["top_critics"]
    lines = [
        f"{film}",
        f"  critics: {pct(r['percent_positive'], r['interval_90'])}, {r['positive']} positive of {r['reviews']}"
        + (f" — {r['note']}" if r["note"] else "") + (f"; badge: {r['badge']}" if r["badge"] else ""),
        f"  top critics: {pct(top['percent_positive'], top['interval_90'])}, {top['positive']} of {top['reviews']}",
        f"  average rating: {r['average_rating'] if r['average_rating'] is not None else '—'}"
        f"; weighted: {r['weighted_rating'] if r['weighted_rating'] is not None else '—'} ({r['rated']} rated)",
    ]
    audience = r["audience"]
    if audience:
        lines.append(f"  audience: {pct(audience['percent'])} of {audience['count']} counted "
                     f"(all {audience['all']['count']}: {pct(audience['all']['percent'])})")
    for period in r["over_time"]:
        lines.append(f"  {period['label']}: {period['positive']} of {period['reviews']} positive"
                     + (f", {period['percent_positive']:g}%" if period["percent_positive"] is not None else "")
                     + (f" ({period['inferred']} dated by rule)" if period.get("inferred") else ""))
    if r.get("story"):
        lines.append(f"  over time: {r['story']['text']}" + (f" ({r['story']['turn']})" if r["story"]["turn"] else ""))
    return "\n".join(lines)


@main.command()
@click.option("--data", type=click.Path(path_type=Path, exists=True, file_okay=False), required=True,
              help="The shared data folder (rt-reviews/, rt-polarity/).")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="The model file to write.")
@click.option("--epochs", default=2.0, show_default=True, help="Passes over the training quotes.")
def train(data, out, epochs):
    """Retrain the verdict model: rating thresholds and the text model (CPU: about 40 minutes)."""
    from .verdicts.model import ModelMissing, model_parts

    try:
        with model_parts():
            from .verdicts.train import train as run_train

            config = run_train(data, out, epochs=epochs, log=click.echo)
    except FileNotFoundError as exc:
        click.echo(f"Error: {exc.filename}: missing from the data folder", err=True)
        sys.exit(1)
    except ModelMissing as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    click.echo(f"wrote {out}: {json.dumps(config['figures'])}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
@click.option("--workers", default=2, show_default=True, help="Server worker processes.")
@click.option("--access-log/--no-access-log", default=True, show_default=True, help="Log each request to stdout.")
@with_db
def serve(host, port, workers, access_log):
    """Serve the site with gunicorn (static files by whitenoise, film pages cached until data changes)."""
    _serve(host, port, workers, access_log)


LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def _serve(host: str, port: int, workers: int, access_log: bool = True):
    from django.conf import settings
    from django.core.management import call_command

    from .config import BY_NAME

    if host not in LOOPBACK and settings.SECRET_KEY == BY_NAME["RECEPTION_SECRET_KEY"].default:
        # Sessions and CSRF tokens signed with a key anyone can read could be forged.
        raise ReceptionError.of("E005", variant="serve", host=host)
    migrate()
    call_command("collectstatic", interactive=False, verbosity=0)
    click.echo(f"serving on http://{host}:{port}/ (Ctrl-C stops)")
    args = ["gunicorn", "reception.wsgi:application", "--bind", f"{host}:{port}", "--workers", str(workers)]
    if access_log:
        args += ["--access-logfile", "-"]
    os.execvp(sys.executable, [sys.executable, "-m", *args])


@main.command()
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_db
def editor(username, password_stdin):
    """Create or update an editor: a staff user who may use the admin, the desk and the API's writes."""
    from .web.editors import make_editor

    migrate()
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    if not password_stdin and sys.stdin.isatty():
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    make_editor(username, password)
    click.echo(f"editor {username} ready: sign in at /admin/login/ (the desk is /desk/)")


@main.command()
@click.argument("username")
@click.option("--label", default="", help="What the token is for, shown with it.")
@click.option("--days", type=click.IntRange(1, 3650), default=None,
              help="Days the token stays valid (default: RECEPTION_TOKEN_DAYS).")
@click.option("--list", "listing", is_flag=True, help="List the editor's tokens instead of issuing one.")
@click.option("--revoke", type=int, default=None, metavar="ID", help="Revoke (delete) the editor's token ID.")
@with_db
def token(username, label, days, listing, revoke):
    """Issue an API token for an editor, or an approved critic (for submissions): printed once,
    only its hash is stored. Or list or revoke the user's tokens."""
    from django.contrib.auth import get_user_model

    from .collect.models import CriticAccount
    from .web.editors import is_editor
    from .web.models import ApiToken

    migrate()
    user = get_user_model().objects.filter(username=username).first()
    if user is None or not (is_editor(user) or CriticAccount.approved_user(user)):
        raise ReceptionError.of("E003", username=username)
    if revoke is not None:
        deleted, _ = ApiToken.objects.filter(user=user, pk=revoke).delete()
        if not deleted:
            raise click.UsageError(f"{username} has no token {revoke}; `reception token {username} --list` lists them")
        click.echo(f"token {revoke} of {username} revoked")
    elif listing:
        for t in ApiToken.objects.filter(user=user).order_by("created_at"):
            used = t.last_used_at.isoformat(timespec="seconds") if t.last_used_at else "never used"
            click.echo(f"{t.pk}\t{t.name or '-'}\tissued {t.created_at.isoformat(timespec='seconds')}\t{used}\t"
                       f"expires {t.expires_at.isoformat(timespec='seconds')}")
    else:
        click.echo(ApiToken.issue(user, label, days))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
@click.option("--no-serve", is_flag=True, help="Load the demo data only.")
@with_db
def demo(host, port, no_serve):
    """Load the demo data (idempotent) and serve it."""
    from collections import Counter

    from .ingest import ingest as run_ingest
    from .pipeline import refresh

    migrate()
    report = run_ingest(DEMO_DATA)
    click.echo(f"demo data: {report.summary()}")
    if report.touched_films:
        refreshed = refresh(report.touched_films, consensus=True)
        if refreshed.verdicts.decided + refreshed.verdicts.waiting:
            click.echo(f"verdicts: {refreshed.verdicts.summary()}")
        click.echo(f"scores: {len(report.touched_films)} films scored")
        drafted = Counter(outcome.action for outcome in refreshed.drafts.values())
        click.echo("consensus: " + ", ".join(f"{n} {k}" for k, n in drafted.items()))
    if not no_serve:
        _serve(host, port, 2)


if __name__ == "__main__":
    main()
