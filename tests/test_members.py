"""Members of the audience: join, rate (and change, remove), their page, the audience score
with its rules (new accounts, screening codes, moderation, floods), throttles, deletion, and
the export without personal data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from reception.catalog.models import AudienceRating, Film
from reception.members.models import Screening
from reception.scores.compute import score
from reception.scores.models import FilmScore
from reception.web.editors import make_editor

pytestmark = pytest.mark.django_db
PASSWORD = "a-good-long-password-1"


@pytest.fixture
def film():
    made = Film.objects.create(title="Night Ferry", title_key="night ferry", year=2011)
    score([made.pk])
    return made


def join(client, name="ann"):
    answer = client.post("/join", {"username": name, "password": PASSWORD})
    assert answer.status_code == 302, answer.content
    return answer


def spam_hidden(client, film, review: str):
    """A member's spam, rated at once counted (no wait, shown from one rating), and an editor's
    client at the desk, which hides it as spam. Returns the editor's client."""
    join(client)
    client.post(f"/films/{film.pk}/rate", {"stars": "5", "review": review})
    editor = client.__class__()
    editor.force_login(make_editor("edna"))
    assert review in editor.get("/desk/?queue=members").content.decode()
    editor.post("/desk/act", {"queue": "members", "action": "hide-spam", "ids": [AudienceRating.objects.get().pk]})
    return editor


def audience(film) -> dict:
    return FilmScore.objects.get(film=film).detail["audience"]


def old_members(film, n: int, stars: float = 4.0):
    """n members of long standing who rated the film a week ago."""
    from django.contrib.auth import get_user_model

    week_ago = timezone.now() - dt.timedelta(days=7)
    for at in range(n):
        user = get_user_model().objects.create_user(f"old{at}", "", None, date_joined=week_ago - dt.timedelta(days=30))
        AudienceRating.objects.create(film=film, member=user, user_key=f"member:{user.pk}", stars=stars,
                                      rated_at=week_ago - dt.timedelta(hours=at * 7), account_created_at=user.date_joined)
    score([film.pk])


def test_a_member_joins_rates_changes_and_removes_a_rating(client, film, settings):
    settings.RECEPTION_AUDIENCE_MIN = 3
    settings.RECEPTION_MEMBER_WAIT_HOURS = 0
    weak = client.post("/join", {"username": "ann", "password": "password"})
    assert weak.status_code == 400 and b"too common" in weak.content
    join(client)
    taken = client.__class__().post("/join", {"username": "ANN", "password": PASSWORD})
    assert taken.status_code == 400 and b"taken" in taken.content
    old_members(film, 2, stars=1.0)
    assert audience(film)["percent"] is None and audience(film)["count"] == 2  # under the minimum: not shown

    client.post(f"/films/{film.pk}/rate", {"stars": "4.5", "review": "<script>alert(1)</script> Lovely."})
    shown = audience(film)
    assert (shown["count"], shown["shown"], round(shown["percent"])) == (3, True, 33)
    page = client.get(f"/films/{film.slug}").content.decode()
    assert "Change my rating" in page and "<script>alert(1)</script>" not in page
    assert 'data-figure="audience">33%' in page

    client.post(f"/films/{film.pk}/rate", {"stars": "1.5"})  # changed, not added
    assert AudienceRating.objects.filter(film=film, member__username="ann").count() == 1
    assert round(audience(film)["percent"]) == 0
    bad = client.post(f"/films/{film.pk}/rate", {"stars": "7"}, follow=True)
    assert "from 0.5 to 5 stars" in bad.content.decode()
    client.post(f"/films/{film.pk}/rate", {"remove": "1"})
    assert audience(film)["count"] == 2


def test_a_new_account_s_ratings_count_once_it_is_old_enough(client, film, settings):
    settings.RECEPTION_AUDIENCE_MIN = 1
    join(client)
    client.post(f"/films/{film.pk}/rate", {"stars": "5"})
    figures = audience(film)
    assert figures["count"] == 0 and figures["not_counted"]["new_account"] == 1
    assert "1 from accounts too new" in client.get(f"/films/{film.slug}").content.decode()
    # A day on, the member changes the rating: it counts from then.
    AudienceRating.objects.update(account_created_at=timezone.now() - dt.timedelta(days=2))
    client.post(f"/films/{film.pk}/rate", {"stars": "4"})
    assert audience(film)["count"] == 1


def test_screening_codes_verify_once(client, film, settings):
    settings.RECEPTION_AUDIENCE_MIN = 1
    settings.RECEPTION_MEMBER_WAIT_HOURS = 0
    editor = client.__class__()
    editor.force_login(make_editor("edna"))
    editor.post("/admin/members/screening/add/", {"film": film.pk, "starts_at_0": "2011-05-01",
                                                  "starts_at_1": "20:00:00", "place": "The Roxy", "seats": "2",
                                                  "codes-TOTAL_FORMS": "0", "codes-INITIAL_FORMS": "0"})
    screening = Screening.objects.get()
    codes = list(screening.codes.values_list("code", flat=True))
    assert len(codes) == 2 and all(len(c) == 8 for c in codes)

    join(client, "ann")
    client.post(f"/films/{film.pk}/rate", {"stars": "4.5", "code": codes[0].lower()})
    other = client.__class__()
    join(other, "bob")
    refused = other.post(f"/films/{film.pk}/rate", {"stars": "1", "code": codes[0]}, follow=True)
    assert "has been used already" in refused.content.decode()
    other.post(f"/films/{film.pk}/rate", {"stars": "1"})
    figures = audience(film)
    assert figures["count"] == 2 and figures["verified"]["count"] == 1 and figures["verified"]["percent"] == 100.0
    assert AudienceRating.objects.get(member__username="bob").verified is False


def test_hidden_reviews_leave_the_score_and_the_member_sees_why(client, film, settings):
    settings.RECEPTION_AUDIENCE_MIN = 1
    settings.RECEPTION_MEMBER_WAIT_HOURS = 0
    spam_hidden(client, film, "Buy cheap watches at example.com")
    figures = audience(film)
    assert figures["count"] == 0 and figures["not_counted"]["hidden"] == 1
    assert "Buy cheap" not in client.get("/members/ann").content.decode()
    assert "spam or advertising" in client.get(f"/films/{film.slug}").content.decode()


def test_ten_thousand_ratings_in_a_burst_do_not_count(film, settings):
    from django.contrib.auth import get_user_model

    settings.RECEPTION_AUDIENCE_MIN = 5
    old_members(film, 30, stars=4.5)
    day = timezone.now() - dt.timedelta(days=1)
    bots = get_user_model().objects.bulk_create(
        [get_user_model()(username=f"bot{n}", date_joined=day - dt.timedelta(hours=1)) for n in range(10_000)])
    AudienceRating.objects.bulk_create([
        AudienceRating(film=film, member=bot, user_key=f"member:{bot.pk}", stars=0.5, rated_at=day,
                       account_created_at=bot.date_joined) for bot in bots], batch_size=2000)
    score([film.pk])
    figures = audience(film)
    assert figures["count"] == 30 and figures["percent"] == 100.0
    assert figures["not_counted"]["flood"] == 10_000 and figures["all"]["count"] == 10_030


def test_a_fresh_account_over_the_throttle_is_refused(client, film, settings):
    settings.RECEPTION_RATING_RATE = "5/h"
    join(client)
    films = [Film.objects.create(title=f"Film {n}", title_key=f"film {n}") for n in range(6)]
    codes = [client.post(f"/films/{f.pk}/rate", {"stars": "3"}).status_code for f in films]
    assert codes == [302] * 5 + [429]
    assert AudienceRating.objects.count() == 5


def test_one_address_is_throttled_across_accounts(client, film, settings):
    settings.RECEPTION_RATING_ADDRESS_RATE = "3/h"
    codes = []
    for name in ("ann", "bob", "cy", "dee"):
        member = client.__class__()
        join(member, name)
        codes.append(member.post(f"/films/{film.pk}/rate", {"stars": "3"}).status_code)
    assert codes == [302, 302, 302, 429]


def test_private_pages_deleting_an_account_and_the_export(client, film, settings):
    settings.RECEPTION_AUDIENCE_MIN = 1
    settings.RECEPTION_MEMBER_WAIT_HOURS = 0
    join(client)
    client.post(f"/films/{film.pk}/rate", {"stars": "4", "review": "Quietly great."})
    visitor = client.__class__()
    assert "Quietly great." in visitor.get("/members/ann").content.decode()
    client.post("/account", {"action": "privacy", "private": "1"})
    assert visitor.get("/members/ann").status_code == 404
    assert client.get("/members/ann").status_code == 200

    exported = visitor.get("/api/v1/export/audience?format=csv")
    text = b"".join(exported.streaming_content).decode()
    assert text.splitlines()[0] == "film_id,film,year,stars,rated_on,source,verified,hidden"
    assert "Night Ferry" in text and "ann" not in text and "Quietly" not in text

    assert audience(film)["count"] == 1
    client.post("/account", {"action": "delete", "password": "wrong"})
    assert AudienceRating.objects.exists()
    client.post("/account", {"action": "delete", "password": PASSWORD})
    assert not AudienceRating.objects.exists() and audience(film) is None  # no ratings left at all
    assert visitor.get("/members/ann").status_code == 404


def test_account_sends_a_critic_or_an_editor_to_their_own_pages(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("critic", "", PASSWORD))
    assert client.get("/account")["Location"] == "/submit"
    assert client.__class__().get("/account")["Location"] == "/signin?next=/account"


def test_a_hidden_review_stays_hidden_when_the_member_rates_again(client, film, settings):
    settings.RECEPTION_AUDIENCE_MIN = 1
    settings.RECEPTION_MEMBER_WAIT_HOURS = 0
    editor = spam_hidden(client, film, "Buy cheap watches")
    client.post(f"/films/{film.pk}/rate", {"remove": "1"})
    client.post(f"/films/{film.pk}/rate", {"stars": "5", "review": "Buy cheap watches"})
    assert AudienceRating.objects.get().hidden_reason == "spam or advertising"
    assert audience(film)["not_counted"]["hidden"] == 1 and audience(film)["count"] == 0
    assert "Buy cheap" not in editor.get("/desk/?queue=members").content.decode()  # not asked about again
    # "Keep" takes a review an editor has read out of the queue.
    other = client.__class__()
    join(other, "bob")
    other.post(f"/films/{film.pk}/rate", {"stars": "4", "review": "Fine."})
    kept = AudienceRating.objects.get(member__username="bob")
    editor.post("/desk/act", {"queue": "members", "action": "keep", "ids": [kept.pk]})
    assert "Fine." not in editor.get("/desk/?queue=members").content.decode()
    assert AudienceRating.objects.get(pk=kept.pk).hidden_reason == ""


def test_rating_the_same_again_changes_nothing_and_drops_no_cached_page(client, film):
    from reception.catalog import version

    join(client)
    client.post(f"/films/{film.pk}/rate", {"stars": "3"})
    before = version.current()
    again = client.post(f"/films/{film.pk}/rate", {"stars": "3"}, follow=True)
    assert "as before" in again.content.decode()
    client.post(f"/films/{film.pk}/rate", {"remove": "1"})
    after_remove = version.current()
    client.post(f"/films/{film.pk}/rate", {"remove": "1"})  # nothing left to remove
    assert version.current() == after_remove and after_remove > before


def test_user_names_are_letters_and_digits_and_unique_in_any_form(client, film):
    join(client, "alice")
    for name, why in (("ａｌｉｃｅ", b"taken"), ("Alice", b"taken"), ("<b>x</b>", b"letters, digits"),
                      ("a/b", b"letters, digits"), ("evil\u202eman", b"letters, digits"), ("zero\u200bwidth", b"letters, digits")):
        answer = client.__class__().post("/join", {"username": name, "password": PASSWORD})
        assert answer.status_code == 400 and why in answer.content, name
    bad_mail = client.__class__().post("/join", {"username": "bob", "password": PASSWORD, "email": "not-mail"})
    assert bad_mail.status_code == 400 and b"not one" in bad_mail.content
    away = client.__class__().post("/join", {"username": "cy", "password": PASSWORD, "next": "https://evil.example/"})
    assert away["Location"] == "/account"
    back = client.__class__().post("/join", {"username": "dee", "password": PASSWORD, "next": f"/films/{film.slug}"})
    assert back["Location"] == f"/films/{film.slug}"


def test_signing_in_with_no_page_to_return_to_lands_on_the_account(client, film):
    join(client, "ann")
    fresh = client.__class__()
    answer = fresh.post("/signin", {"username": "ann", "password": PASSWORD})
    assert answer["Location"] == "/account"


def test_a_code_of_a_deleted_account_is_not_used_again(client, film):
    editor = client.__class__()
    editor.force_login(make_editor("edna"))
    screening = Screening.objects.create(film=film, starts_at=timezone.now(), seats=1)
    screening.issue_codes()
    code = screening.codes.get().code
    join(client, "vera")
    client.post(f"/films/{film.pk}/rate", {"stars": "4", "code": code})
    client.post("/account", {"action": "delete", "password": PASSWORD})
    victor = client.__class__()
    join(victor, "victor")
    refused = victor.post(f"/films/{film.pk}/rate", {"stars": "5", "code": code}, follow=True)
    assert "has been used already" in refused.content.decode() and not AudienceRating.objects.exists()


def test_a_member_changes_their_password(client, film):
    join(client)
    changed = client.post("/account/password", {"old_password": PASSWORD, "new_password1": "another-long-secret-9",
                                                "new_password2": "another-long-secret-9"})
    assert changed["Location"] == "/account"
    assert client.__class__().post("/signin", {"username": "ann", "password": "another-long-secret-9"}).status_code == 302
    assert client.get("/account/password")["Cache-Control"] == "private, no-store"


def test_limits_count_an_ipv6_client_by_its_64_block(client, film, settings):
    settings.RECEPTION_RATING_ADDRESS_RATE = "2/h"
    codes = []
    for at, name in enumerate(("ann", "bob", "cy")):
        member = client.__class__(REMOTE_ADDR=f"2001:db8:1:2::{at + 1}")  # one /64, three addresses
        join(member, name)
        codes.append(member.post(f"/films/{film.pk}/rate", {"stars": "3"}).status_code)
    assert codes == [302, 302, 429]
    elsewhere = client.__class__(REMOTE_ADDR="2001:db8:1:3::1")
    join(elsewhere, "dee")
    assert elsewhere.post(f"/films/{film.pk}/rate", {"stars": "3"}).status_code == 302


def test_editors_see_why_each_rating_is_not_counted(client, film, settings):
    settings.RECEPTION_MEMBER_WAIT_HOURS = 24
    join(client)
    client.post(f"/films/{film.pk}/rate", {"stars": "5"})  # a new account's
    old_members(film, 1)
    editor = client.__class__()
    editor.force_login(make_editor("edna"))
    listed = editor.get("/admin/catalog/audiencerating/").content.decode()
    assert "no: new account" in listed and ">yes<" in listed
