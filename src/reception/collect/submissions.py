"""Critics' own submissions: an approved critic sends the link to their review, a quote and
their own call (Fresh or Rotten); the page is fetched at once to fill in the rest (film,
outlet, date, rating). The submission then waits for an editor, or, with
RECEPTION_SUBMISSIONS_LIVE, goes live at once (reception.editing decides which and runs the
pipeline). Published, it is a "web" review keyed by the page's canonical URL like any
collected one, with the critic's call as the source's own label: the critic's call comes
first, and a rating on the page that reads the other way is a conflict for an editor.
"""

from __future__ import annotations

from django.utils import timezone

from ..catalog.identity import name_key
from ..catalog.models import Critic, Verdict
from ..errors import ReceptionError
from . import CollectReport, Read, read_url, store_pages
from .fetch import Fetcher
from .guard import Refused, check_url
from .models import CriticAccount, Submission
from .page import PageReview

QUOTE_CHARS = 1000
CALLS = {"positive": Verdict.POSITIVE, "fresh": Verdict.POSITIVE, "negative": Verdict.NEGATIVE,
         "rotten": Verdict.NEGATIVE}


def refuse(reason: str):
    return ReceptionError.of("E142", reason=reason)


def submit(account: CriticAccount, url: str, quote: str, verdict: str, fetcher: Fetcher | None = None) -> Submission:
    """A submission recorded, its page read (or the reason it could not be)."""
    if account is None or not account.approved:
        raise refuse("only critics whose account an editor has approved may submit reviews")
    url, quote = (url or "").strip(), " ".join((quote or "").split())
    call = CALLS.get((verdict or "").strip().lower())
    if call is None:
        raise refuse("the verdict must be positive (fresh) or negative (rotten)")
    if not quote:
        raise refuse("give a quote from the review")
    if len(quote) > QUOTE_CHARS:
        raise refuse(f"the quote is {len(quote)} characters; at most {QUOTE_CHARS}")
    try:
        check_url(url, allow_private=True)  # the address itself is checked when fetched
    except Refused as exc:
        raise refuse(f"the link: {exc}") from None
    own = fetcher is None
    fetcher = fetcher or Fetcher()
    try:
        read = read_url(fetcher, url)
    finally:
        if own:
            fetcher.close()
    submission = Submission(account=account, url=url[:1000], quote=quote, verdict=call)
    if read.result:
        submission.status, submission.reason = Submission.Status.FAILED, read.reason[:500]
    else:
        page = read.pages[0]
        owner = stored_critic(page)
        if owner is not None and name_key(owner) != name_key(account.display_name):
            raise refuse(f"this page is stored as {owner}'s review")
        submission.page = page.as_dict()
        submission.reason = authorship(page, account)
    submission.save()
    return submission


def stored_critic(page: PageReview) -> str | None:
    """The critic of the review stored under this page's key, if one is ('' for none named)."""
    from ..catalog.models import Review
    from .place import SOURCE, page_key

    found = Review.objects.filter(source=SOURCE, source_key=page_key(page.url)).select_related("critic").first()
    if found is None:
        return None
    return found.critic.name if found.critic_id else ""


def authorship(page: PageReview, account: CriticAccount) -> str:
    """'' when the page names the submitting critic, or no one; else what an editor must weigh."""
    if page.critic and name_key(page.critic) != name_key(account.display_name):
        return f"the page names {page.critic} as its author, not {account.display_name}"
    return ""


def goes_live(submission: Submission) -> bool:
    """Whether a submission may skip the editors (RECEPTION_SUBMISSIONS_LIVE): read, and its
    page names no one else as author."""
    return bool(submission.page) and not submission.reason


def publish(submissions, editor=None) -> CollectReport:
    """Queued submissions put live (or held, where their film is not certain)."""
    report = CollectReport()
    for sub in submissions:
        if sub.status not in (Submission.Status.QUEUED,) or not sub.page:
            continue
        page = PageReview.from_dict(sub.page)
        owner = stored_critic(page)
        if owner is not None and name_key(owner) != name_key(sub.account.display_name):
            sub.status, sub.reason = Submission.Status.REJECTED, f"this page is stored as {owner}'s review"
            sub.decided_at, sub.decided_by = timezone.now(), editor
            sub.save()
            continue
        done = store_pages([Read(sub.url, pages=[page])], label=sub.verdict, quote=sub.quote,
                           critic=sub.account.display_name)
        outcome = done.outcomes[0]
        sub.status = Submission.Status.HELD if outcome.result == "held" else Submission.Status.LIVE
        sub.reason = outcome.reason[:500]
        sub.film_id, sub.review_id = outcome.film_id, outcome.review_id
        sub.decided_at, sub.decided_by = timezone.now(), editor
        sub.save()
        report.outcomes += done.outcomes
        report.touched_films |= done.touched_films
    return report


def reject(submissions, editor=None, reason: str = "") -> int:
    done = 0
    for sub in submissions:
        if sub.status in (Submission.Status.QUEUED, Submission.Status.HELD):
            sub.status, sub.reason = Submission.Status.REJECTED, reason[:500] or "rejected by an editor"
            sub.decided_at, sub.decided_by = timezone.now(), editor
            sub.save()
            done += 1
    return done


def decide_accounts(accounts, approve: bool, editor=None) -> int:
    """Critics' accounts approved (each linked to the catalogue's critic of that name, added
    if new) or refused."""
    done = 0
    for account in accounts:
        if approve:
            critic = account.critic or Critic.objects.filter(name_key=name_key(account.name)).first()
            if critic is None:
                critic = Critic.objects.create(name=account.name)
            account.critic, account.status = critic, CriticAccount.Status.APPROVED
        else:
            account.status = CriticAccount.Status.REFUSED
        account.decided_at, account.decided_by = timezone.now(), editor
        account.save()
        done += 1
    return done
