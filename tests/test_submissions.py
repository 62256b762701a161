"""Critics' own submissions: apply, an editor approves, submit a link with a quote and a
verdict (the page on 127.0.0.1 read for the rest), an editor publishes; the API with a
critic's token; the critic's call first."""

from __future__ import annotations

import pytest

from reception.catalog.models import Review
from reception.collect.models import CriticAccount, HeldPage, Submission
from reception.web.editors import make_editor
from reception.web.models import ApiToken

from .outlet_site import OutletSite

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    with OutletSite() as served:
        yield served


def apply(client, username="mara", password="lantern-light-2019", name="Mara Ellison"):
    return client.post("/critics/apply", {"username": username, "password": password, "name": name,
                                          "outlet": "The Lantern Review"})


def approve(client, account):
    editor = client.__class__()
    editor.force_login(make_editor("edna"))
    done = editor.post("/desk/act", {"queue": "critics", "action": "approve", "ids": [account.pk]})
    assert done.status_code == 302
    account.refresh_from_db()
    return editor


def test_a_critic_applies_is_approved_submits_and_an_editor_publishes(client, site, collector):
    refused = apply(client, password="password")
    assert refused.status_code == 200 and b"too common" in refused.content
    assert apply(client).status_code == 302
    account = CriticAccount.objects.get()
    assert account.status == "applied"
    client.login(username="mara", password="lantern-light-2019")
    page = client.get("/submit").content.decode()
    assert "is applied" in page and "<form method=\"post\" class=\"form\">" not in page  # no form yet

    editor = approve(client, account)
    assert account.approved and account.critic.name == "Mara Ellison"

    # The critic calls it rotten; the page's 3.5/5 reads positive: the critic's call stands.
    sent = client.post("/submit", {"url": site.url("/reviews/salt-meridian.html"),
                                   "quote": "<b>Gorgeous</b> and maddening, and finally too slack.",
                                   "verdict": "negative"})
    assert sent.status_code == 302
    submission = Submission.objects.get()
    assert submission.status == "queued" and submission.page["film_title"] == "The Salt Meridian"
    assert not Review.objects.exists()

    queue = editor.get("/desk/?queue=submissions").content.decode()
    assert "Mara Ellison" in queue and "The Salt Meridian" in queue and "rated 3.5/5" in queue
    assert "&lt;b&gt;Gorgeous&lt;/b&gt;" in queue and "<b>Gorgeous" not in queue
    assert editor.post("/desk/act", {"queue": "submissions", "action": "publish", "ids": [submission.pk]}).status_code == 302

    review = Review.objects.select_related("critic", "outlet", "film").get()
    assert (review.verdict, review.decided_by, review.label) == ("negative", "outlet-label", "negative")
    assert "positive" in review.conflict  # the rating reads the other way: an editor's to settle
    assert review.quote.startswith("<b>Gorgeous</b>") and review.critic.name == "Mara Ellison"
    assert review.outlet.name == "The Lantern Review" and review.source == "web"
    submission.refresh_from_db()
    assert submission.status == "live" and submission.review == review
    film_page = client.get(f"/films/{review.film.slug}").content.decode()
    assert "&lt;b&gt;Gorgeous&lt;/b&gt;" in film_page and "<b>Gorgeous" not in film_page
    mine = client.get("/submit").content.decode()
    assert "<strong>Live</strong>" in mine

    # Collected again (from the outlet's feed, say): the critic's call and quote stay.
    from reception.collect import collect_pages

    again = collect_pages([site.url("/reviews/salt-meridian.html")])
    assert again.outcomes[0].result == "unchanged"
    assert Review.objects.get().label == "negative"


def test_live_submissions_and_a_link_that_cannot_be_read(client, site, collector, settings):
    settings.RECEPTION_SUBMISSIONS_LIVE = True
    apply(client)
    approve(client, CriticAccount.objects.get())
    client.login(username="mara", password="lantern-light-2019")
    client.post("/submit", {"url": site.url("/reviews/salt-meridian.html"), "quote": "Gorgeous and maddening.",
                            "verdict": "positive"})
    assert Submission.objects.get().status == "live"
    assert Review.objects.get().film.title == "The Salt Meridian"

    # A page naming someone else as its author waits for an editor, live setting or not.
    client.post("/submit", {"url": site.url("/reviews/quiet-harbour.html"), "quote": "Trusts silence.",
                            "verdict": "positive"})
    other = Submission.objects.get(url__endswith="quiet-harbour.html")
    assert other.status == "queued" and "names Desmond Achterberg as its author" in other.reason
    assert Review.objects.count() == 1

    answer = client.post("/submit", {"url": site.url("/missing.html"), "quote": "Gone.", "verdict": "positive"},
                         follow=True)
    assert "could not be read: HTTP 404" in answer.content.decode()
    assert Submission.objects.filter(status="failed").count() == 1 and Review.objects.count() == 1


def test_a_critic_cannot_take_over_another_s_review(client, site, collector):
    from reception.collect import collect_pages

    collect_pages([site.url("/reviews/salt-meridian.html")])  # Mara Ellison's, collected
    apply(client, username="noor", name="Noor Castellanos")
    approve(client, CriticAccount.objects.get())
    client.login(username="noor", password="lantern-light-2019")
    answer = client.post("/submit", {"url": site.url("/reviews/salt-meridian.html"), "quote": "A triumph.",
                                     "verdict": "positive"})
    assert "this page is stored as Mara Ellison&#x27;s review" in answer.content.decode()
    assert not Submission.objects.exists()
    review = Review.objects.select_related("critic").get()
    assert review.critic.name == "Mara Ellison" and review.label == ""


def test_a_held_submission_is_placed_by_an_editor(client, site, collector, settings):
    from reception.catalog.models import Film

    settings.RECEPTION_SUBMISSIONS_LIVE = True
    winter = [Film.objects.create(title="The Long Winter", title_key="long winter", year=year) for year in (1979, 2022)]
    apply(client, name="Oskar Lindgren")
    editor = approve(client, CriticAccount.objects.get())
    client.login(username="mara", password="lantern-light-2019")
    client.post("/submit", {"url": site.url("/reviews/remake.html"), "quote": "Keeps the snow.", "verdict": "negative"})
    assert Submission.objects.get().status == "held" and HeldPage.objects.get().label == "negative"
    shown = editor.get("/desk/?queue=held").content.decode()
    assert "The Long Winter (1979" in shown and "matches 2 films" in shown
    held = HeldPage.objects.get()
    assert editor.post(f"/desk/held/{held.pk}/place", {"film": winter[1].pk}).status_code == 302
    review = Review.objects.get()
    assert (review.film, review.verdict, review.quote) == (winter[1], "negative", "Keeps the snow.")
    assert Submission.objects.get().status == "live"


def test_submissions_through_the_api_need_an_approved_critic_s_token(client, site, collector):
    apply(client)
    account = CriticAccount.objects.get()
    token = ApiToken.issue(account.user)
    body = {"url": site.url("/reviews/paywalled.html"), "quote": "A ferocious lead turn.", "verdict": "fresh"}
    refused = client.post("/api/v1/submissions", body, content_type="application/json",
                          headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401  # applied, not yet approved
    approve(client, account)
    sent = client.post("/api/v1/submissions", body, content_type="application/json",
                       headers={"Authorization": f"Bearer {token}"})
    assert sent.status_code == 201, sent.content
    data = sent.json()
    assert data["status"] == "queued" and data["verdict"] == "positive"
    assert data["page"]["film_title"] == "Ashfall Season" and data["page"]["rating_raw"] == "B+"
    bad = client.post("/api/v1/submissions", {**body, "verdict": "meh"}, content_type="application/json",
                      headers={"Authorization": f"Bearer {token}"})
    assert bad.status_code == 400 and "positive (fresh) or negative (rotten)" in bad.json()["error"]
    listed = client.get("/api/v1/submissions", headers={"Authorization": f"Bearer {token}"}).json()
    assert [s["id"] for s in listed["submissions"]] == [data["id"]]
    editor_token = ApiToken.issue(make_editor("edna"))
    assert client.post("/api/v1/submissions", body, content_type="application/json",
                       headers={"Authorization": f"Bearer {editor_token}"}).status_code == 401


def test_an_editor_adds_a_held_page_s_film(client, site, collector):
    from reception.catalog.models import Film
    from reception.collect import collect_pages

    collect_pages([site.url("/reviews/glass-orchard.html")])  # named only in a headline: held
    held = HeldPage.objects.get()
    editor = approve_nobody(client)
    shown = editor.get("/desk/?queue=held").content.decode()
    assert "Add “Glass Orchard” as a new film" in shown
    assert editor.post(f"/desk/held/{held.pk}/place", {"new": "1", "film_id": ""}).status_code == 302
    review = Review.objects.select_related("film").get()
    assert review.film.title == "Glass Orchard" and Film.objects.count() == 1
    assert "Pages to place" in editor.get("/desk/?queue=held").content.decode()
    assert not HeldPage.objects.filter(settled_at__isnull=True).exists()


def approve_nobody(client):
    editor = client.__class__()
    editor.force_login(make_editor("edna"))
    return editor


def test_an_unknown_desk_queue_is_a_404(client):
    editor = approve_nobody(client)
    answer = editor.get("/desk/?queue=nothing")
    assert answer.status_code == 404



def test_an_approved_critic_makes_a_token_at_submit_and_submits_with_it(client, site, collector):
    apply(client)
    approve(client, CriticAccount.objects.get())
    client.login(username="mara", password="lantern-light-2019")
    page = client.post("/submit", {"action": "token"})
    assert page["Cache-Control"] == "private, no-store"
    import re

    token = re.search(r'<code class="token">(rcp_[^<]+)</code>', page.content.decode()).group(1)
    sent = client.__class__().post("/api/v1/submissions", {"url": site.url("/reviews/salt-meridian.html"),
                                                           "quote": "Gorgeous.", "verdict": "fresh"},
                                   content_type="application/json", headers={"Authorization": f"Bearer {token}"})
    assert sent.status_code == 201 and sent.json()["page"]["critic"] == "Mara Ellison"
