"""Scores: % positive, interval, badges at their edges, audience floods, periods, history."""

import json
from datetime import date, datetime, timedelta, timezone

import pytest

from reception.catalog.models import AudienceRating, Critic, Film, Outlet, ReleaseEvent, Review
from reception.scores.audience import audience_score
from reception.scores.badges import CERTIFIED, FRESH, ROTTEN, BadgeRules, badge, percent_positive
from reception.scores.compute import score
from reception.scores.interval import wilson
from reception.scores.models import FilmScore, ScoreSnapshot
from reception.scores.periods import build_periods


RULES = BadgeRules()


def test_percent_shown_only_from_five_reviews():
    assert percent_positive(4, 4, RULES) is None
    assert percent_positive(4, 5, RULES) == 80.0
    assert badge(4, 4, 0, False, False, RULES) == ""


def test_fresh_at_sixty_percent_and_not_below():
    assert badge(60, 100, 0, False, False, RULES) == FRESH
    assert badge(59, 100, 0, False, False, RULES) == ROTTEN
    assert badge(3, 5, 0, False, False, RULES) == FRESH
    # 179/300 is 59.67%: rounding would call it 60.
    assert badge(179, 300, 0, False, False, RULES) == ROTTEN


def test_certified_needs_share_reviews_and_top_critics():
    assert badge(60, 80, 5, False, False, RULES) == CERTIFIED      # 75%, 80 reviews, 5 top critics
    assert badge(59, 80, 5, False, False, RULES) == FRESH          # 73.75%
    assert badge(60, 79, 5, False, False, RULES) == FRESH          # 79 reviews
    assert badge(60, 80, 4, False, False, RULES) == FRESH          # 4 top critics
    assert badge(30, 40, 5, True, False, RULES) == CERTIFIED       # limited release: 40 suffice
    assert badge(30, 40, 5, False, False, RULES) == FRESH


def test_certified_is_kept_until_below_seventy():
    assert badge(70, 100, 5, False, True, RULES) == CERTIFIED
    assert badge(69, 100, 5, False, True, RULES) == FRESH
    assert badge(70, 100, 5, False, False, RULES) == FRESH


def test_rules_are_configurable(settings):
    settings.RECEPTION_BADGE_RULES = '{"fresh": 50, "min_reviews": 10}'
    rules = BadgeRules.from_settings()
    assert badge(5, 10, 0, False, False, rules) == FRESH and percent_positive(5, 9, rules) is None
    settings.RECEPTION_BADGE_RULES = '{"freshness": 50}'
    with pytest.raises(ValueError, match="freshness"):
        BadgeRules.from_settings()


def test_wilson_interval_at_zero_all_and_middle():
    low, high = wilson(0, 10)
    assert low == 0.0 and 0 < high < 30
    low, high = wilson(10, 10)
    assert high == 100.0 and 70 < low < 100
    low, high = wilson(50, 100)
    assert low < 50 < high and abs((50 - low) - (high - 50)) < 0.2
    assert wilson(0, 0) is None
    # More reviews, narrower interval.
    assert (wilson(500, 1000)[1] - wilson(500, 1000)[0]) < (high - low)


def _at(day, hour=12):
    return datetime(2020, 1, 1, hour, tzinfo=timezone.utc) + timedelta(days=day)


def test_rating_flood_is_flagged_and_excluded():
    steady = [(4.0, _at(d), _at(d - 400)) for d in range(60)]                 # one a day, liked
    flood = [(0.5, _at(30, 9), _at(29)) for _ in range(200)]                   # 200 zero-ish in a day
    late = [(0.5, _at(45), _at(29)) for _ in range(5)]                         # the same new accounts later
    result = audience_score(steady + flood + late, first_screening=date(2020, 1, 1))
    assert result.burst_days == ["2020-01-31"]
    # Everything on the burst day is set aside, the one steady rating of that day included.
    assert result.flagged == 206 and result.count == 59
    assert result.percent == 100.0 and result.all_percent < 25
    assert result.as_dict()["all"]["count"] == 265


def test_ratings_before_the_first_screening_are_kept_but_not_counted():
    ratings = [(1.0, _at(-10), None), (5.0, _at(1), None), (4.0, _at(2), None)]
    result = audience_score(ratings, first_screening=date(2020, 1, 1))
    assert (result.before_release, result.count, result.percent, result.all_count) == (1, 2, 100.0, 3)


def test_steady_audience_is_not_flagged():
    ratings = [(3.0 + (d % 3) / 2, _at(d), None) for d in range(100) for _ in range(d % 7 + 1)]
    assert audience_score(ratings, None).flagged == 0


def test_periods_show_a_reappraisal():
    events = [("preview", date(1981, 8, 1), ""), ("theatrical", date(1982, 2, 11), ""),
              ("restoration", date(2024, 1, 19), "Reprise")]
    months = [("1982-02", 1, 6, 0, 0), ("1982-03", 0, 2, 0, 0), ("1999-05", 1, 0, 0, 0),
              ("2024-01", 6, 1, 0, 0), ("2024-06", 2, 0, 0, 0), (None, 1, 1, 0, 0)]
    periods = {p.label: p for p in build_periods(events, months)}
    assert list(periods) == ["release", "1990s", "2024 restoration (Reprise)", "undated"]
    assert (periods["release"].positive, periods["release"].negative) == (1, 8)
    assert (periods["2024 restoration (Reprise)"].positive, periods["2024 restoration (Reprise)"].negative) == (8, 1)


def test_periods_never_overlap_and_say_the_span_they_cover():
    """The seed's film: release from the 1981 preview, then the years until the next decade,
    whole decades, the years before the restoration, its window, and the years after it."""
    events = [("preview", date(1981, 8, 1), ""), ("restoration", date(2024, 1, 19), "")]
    months = [("1981-09", 0, 1, 0, 0), ("1982-09", 0, 1, 0, 0), ("1986-05", 1, 0, 0, 0), ("1995-01", 1, 0, 0, 0),
              ("2021-03", 1, 0, 0, 0), ("2024-02", 1, 0, 0, 0), ("2026-11", 1, 0, 0, 0)]
    periods = build_periods(events, months)
    spans = [(p.label, p.start, p.end) for p in periods]
    assert [label for label, *_ in spans] == ["release", "1982-08 – 1989", "1990s", "2020 – 2023",
                                              "2024 restoration", "2025 – 2029"]
    for (_, _, end), (_, start, _) in zip(spans, spans[1:]):
        assert end <= start  # no month in two periods
    assert [p.reviews for p in periods] == [1, 2, 1, 1, 1, 1]


def test_periods_a_restoration_inside_a_decade_splits_it():
    events = [("theatrical", date(1960, 3, 1), ""), ("restoration", date(1995, 6, 1), "")]
    months = [("1993-01", 1, 0, 0, 0), ("1995-07", 1, 0, 0, 0), ("1996-07", 0, 1, 0, 0), ("1998-01", 1, 0, 0, 0)]
    periods = {p.label: p.reviews for p in build_periods(events, months)}
    assert periods == {"1990 – 1995-05": 1, "1995 restoration": 1, "1996-06 – 1999": 2}


def test_periods_count_undated_and_inferred_reviews_apart():
    """A review dated only by a documented rule (an article's initial reception: its release year)
    counts where its year places it, and the period says how many such reviews it holds."""
    events = [("theatrical", date(1982, 2, 11), "")]
    year = lambda y: -1 - y  # noqa: E731
    months = [(year(1982), 1, 3, 0, 0, 4), ("1982-05", 1, 0, 0, 0, 0), (None, 2, 0, 0, 0, 0)]
    periods = {p.label: p for p in build_periods(events, months)}
    assert list(periods) == ["release", "undated"]
    assert (periods["release"].reviews, periods["release"].inferred) == (5, 4)
    assert periods["undated"].as_dict(BadgeRules())["inferred"] == 0


def test_periods_place_a_review_dated_by_its_year_alone_where_its_year_meets():
    """tallies.monthly gives such a review as -1 - its year. One from the release year counts in the
    release window though its stored day (1 January) is before the first showing."""
    events = [("theatrical", date(1982, 6, 11), "")]
    year = lambda y: -1 - y  # noqa: E731
    months = [(year(1982), 3, 0, 0, 0), (year(1981), 0, 1, 0, 0), (year(1986), 1, 0, 0, 0), ("1982-03", 0, 2, 0, 0),
              (year(1983), 0, 4, 0, 0)]
    periods = {p.label: (p.positive, p.negative) for p in build_periods(events, months)}
    # 1983 meets the release window (June 1982 to May 1983); March 1982 is before the showing.
    assert periods == {"before release": (0, 3), "release": (3, 4), "1983-06 – 1989": (1, 0)}
    assert list(periods) == ["before release", "release", "1983-06 – 1989"]


def _film_with(n_pos, n_neg, top=0, title="Film", **kw):
    film = Film.objects.create(title=title, year=2001, **kw)
    outlet = Outlet.objects.create(name=f"{title} Daily")
    for i in range(n_pos + n_neg):
        critic = Critic.objects.create(name=f"{title} critic {i}")
        Review.objects.create(
            film=film, critic=critic, outlet=outlet, verdict="positive" if i < n_pos else "negative",
            decided_by="outlet-label", top_critic=i < top, rating=80.0 if i < n_pos else 40.0,
            published=date(2001, 5, 1), dedupe_key=film.pk * 1000 + i,
        )
    return film


@pytest.mark.django_db
def test_score_stores_figures_and_snapshots_only_changes():
    film = _film_with(60, 20, top=5)
    result = score([film.pk])[film.pk]
    assert (result["percent_positive"], result["badge"], result["reviews"]) == (75.0, CERTIFIED, 80)
    assert result["average_rating"] == 70.0 and result["weighted_rating"] == 70.0
    assert result["top_critics"]["reviews"] == 5
    assert FilmScore.objects.get(film=film).badge == CERTIFIED
    score([film.pk])
    assert ScoreSnapshot.objects.filter(film=film).count() == 1  # nothing changed
    # Reviews turn: 56/80 = 70% keeps the certificate, 55/80 loses it.
    flip = list(film.reviews.filter(verdict="positive")[:4])
    for r in flip:
        r.verdict = "negative"
        r.save()
    assert score([film.pk])[film.pk]["badge"] == CERTIFIED
    r = film.reviews.filter(verdict="positive").first()
    r.verdict = "negative"
    r.save()
    assert score([film.pk])[film.pk]["badge"] == FRESH
    assert list(ScoreSnapshot.objects.filter(film=film).values_list("badge", flat=True)) == \
        [CERTIFIED, CERTIFIED, FRESH]


@pytest.mark.django_db
def test_weighted_score_uses_public_outlet_weights():
    film = _film_with(1, 1, title="Weighted")
    heavy = Outlet.objects.create(name="Heavy Weekly", weight=3.0)
    Review.objects.filter(film=film, verdict="positive").update(outlet=heavy)
    result = score([film.pk])[film.pk]
    assert result["average_rating"] == 60.0 and result["weighted_rating"] == 70.0


@pytest.mark.django_db
def test_audience_score_stored_with_both_figures():
    film = _film_with(5, 0, title="Crowd")
    ReleaseEvent.objects.create(film=film, kind="theatrical", date=date(2020, 1, 1))
    for i in range(30):
        AudienceRating.objects.create(film=film, user_key=f"u{i}", stars=4.5, rated_at=_at(i))
    for i in range(100):
        AudienceRating.objects.create(film=film, user_key=f"bot{i}", stars=0.5, rated_at=_at(40, 3))
    AudienceRating.objects.create(film=film, user_key="early", stars=0.5, rated_at=_at(-30))
    stored = score([film.pk])[film.pk]["audience"]
    assert (stored["percent"], stored["count"]) == (100.0, 30)
    assert stored["not_counted"] == {"before_release": 1, "flood": 100, "hidden": 0, "new_account": 0}
    assert stored["shown"] and stored["interval"][0] > 85 and stored["verified"]["count"] == 0
    assert stored["all"]["count"] == 131 and stored["all"]["percent"] < 30
    assert FilmScore.objects.get(film=film).audience_percent == 100.0


def _stored(film):
    return FilmScore.objects.values().get(film=film)


def _raw(sql, params=()):
    from django.db import connection

    with connection.cursor() as c:
        c.execute(sql, params)


@pytest.mark.django_db
def test_score_all_computes_only_what_changed_and_agrees_with_a_full_run():
    steady = _film_with(6, 2, title="Steady")
    turned = _film_with(3, 3, title="Turned")
    # One of Turned's reviews came ten years later: its periods are "release" and "2010s".
    late = turned.reviews.filter(verdict="negative").first()
    Review.objects.filter(pk=late.pk).update(published=date(2011, 3, 1))
    first = score()
    assert set(first) == {steady.pk, turned.pk} and first.checked == 2
    again = score()
    assert len(again) == 0 and again.checked == 2  # nothing changed: nothing computed
    # Behind the scorer's back (SQL, no signal): the late review and an early one trade
    # verdicts. The counts stay 3/3; the periods do not.
    early = turned.reviews.filter(verdict="positive").first()
    _raw("UPDATE catalog_review SET verdict = 'positive' WHERE id = %s", [late.pk])
    _raw("UPDATE catalog_review SET verdict = 'negative' WHERE id = %s", [early.pk])
    changed = score()
    assert set(changed) == {turned.pk}
    over_time = {p["label"]: (p["positive"], p["negative"]) for p in changed[turned.pk]["over_time"]}
    assert over_time == {"release": (2, 3), "2010s": (1, 0)}
    incremental = {f.pk: _stored(f) for f in (steady, turned)}
    full = score(full=True)
    assert set(full) == {steady.pk, turned.pk}
    for film in (steady, turned):
        stored = _stored(film)
        assert stored == incremental[film.pk]
        assert full[film.pk]["over_time"] == json.loads(stored["detail"])["over_time"] \
            if isinstance(stored["detail"], str) else stored["detail"]["over_time"]


@pytest.mark.django_db
def test_score_all_sees_ratings_dates_events_weights_and_rules(settings):
    film = _film_with(4, 4, title="Inputs")
    other = _film_with(5, 0, title="Bystander")
    score()
    review = film.reviews.first()
    _raw("UPDATE catalog_review SET rating = 10.0 WHERE id = %s", [review.pk])
    assert set(score()) == {film.pk}
    _raw("UPDATE catalog_review SET published = '2002-06-01' WHERE id = %s", [review.pk])
    assert set(score()) == {film.pk}
    # Known to its year alone, the review may count in another period (periods.month_span).
    _raw("UPDATE catalog_review SET published_precision = 'year' WHERE id = %s", [review.pk])
    assert set(score()) == {film.pk}
    ReleaseEvent.objects.create(film=film, kind="restoration", date=date(2020, 1, 1))
    assert set(score()) == {film.pk}
    Outlet.objects.filter(name="Inputs Daily").update(weight=2.0)
    assert set(score()) == {film.pk, other.pk}  # a weight enters every film's digest
    assert score().checked == 2 and len(score()) == 0
    settings.RECEPTION_BADGE_RULES = '{"fresh": 70}'
    assert set(score()) == {film.pk, other.pk}


def test_cli_score_on_the_demo_never_invents_a_percent(reception):
    reception("demo", "--no-serve")
    out = json.loads(reception("score", "One from the Heart", "--json").stdout)
    figures = out["score"]
    assert out["title"] == "One from the Heart"
    assert figures["reviews"] == 4 and figures["positive"] == 2
    assert figures["percent_positive"] is None and figures["interval_90"] is None and figures["badge"] is None
    assert "not enough reviews" in figures["note"]
    # Siskel's "1986 episode" is a later look at the film: release, then the rest of the 1980s, then undated.
    over_time = [(p["label"], p["positive"], p["negative"]) for p in figures["over_time"]]
    assert over_time == [("release", 0, 1), ("1982-08 – 1989", 1, 0), ("undated", 1, 1)]
    text = reception("score", "One from the Heart").stdout
    assert "not enough reviews" in text and "%" not in text.split("\n")[1].split("—")[0]
    everything = json.loads(reception("score", "--all", "--json").stdout)
    assert everything["films"] == 7
    # Nothing changed since: every film checked, none computed; a verdict changed in SQL is seen.
    again = json.loads(reception("score", "--all", "--json").stdout)
    assert (again["films"], again["computed"]) == (7, 0)
    reception.sql("UPDATE catalog_review SET verdict = 'positive' WHERE id = "
                  "(SELECT min(r.id) FROM catalog_review r JOIN catalog_film f ON f.id = r.film_id "
                  "WHERE f.title = 'One from the Heart' AND r.verdict = 'negative')")
    seen = json.loads(reception("score", "--all", "--json").stdout)
    assert (seen["films"], seen["computed"]) == (7, 1)
    full = json.loads(reception("score", "--all", "--full", "--json").stdout)
    assert (full["films"], full["computed"]) == (7, 7)
    assert json.loads(reception("score", "One from the Heart", "--json").stdout)["score"]["positive"] == 3


def test_cli_score_places_reviews_dated_by_year_alone_on_either_database(reception, tmp_path):
    """The month query (tallies.monthly) of each database tells a year-only date from 1 January:
    a 1982 review of a film first shown in June 1982 is of its release, not before it."""
    lines = [
        {"type": "film", "title": "Year Only", "year": 1982, "releases": [{"kind": "theatrical", "date": "1982-06-11"}]},
        {"film": "Year Only", "year": 1982, "critic": "A", "outlet": "X", "date": "1982", "verdict": "positive"},
        {"film": "Year Only", "year": 1982, "critic": "B", "outlet": "X", "date": "1982-01-05", "verdict": "negative"},
        {"film": "Year Only", "year": 1982, "critic": "C", "outlet": "X", "date": "1981", "verdict": "negative"},
        {"film": "Year Only", "year": 1982, "critic": "D", "outlet": "X", "date": "1990", "verdict": "positive"},
    ]
    path = tmp_path / "year.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    reception("init")
    reception("ingest", path, "--no-verdicts")
    figures = json.loads(reception("score", "Year Only", "--json").stdout)["score"]
    over_time = [(p["label"], p["positive"], p["negative"]) for p in figures["over_time"]]
    assert over_time == [("before release", 0, 2), ("release", 1, 0), ("1990s", 1, 0)]



def _told(release: tuple[int, int], later: tuple[int, int]):
    """The story of a film released in 1982 with these (positive, negative) on release and in 2024."""
    from reception.scores.story import story

    events = [("theatrical", date(1982, 2, 11), ""), ("restoration", date(2024, 1, 19), "")]
    months = [("1982-03", *release, 0, 0), ("1986-05", 0, 0, 0, 0), ("2024-02", *later, 0, 0)]
    return story([p.as_dict(RULES) for p in build_periods(events, months)], RULES)


def test_story_tells_the_turn_with_intervals_where_each_side_has_enough_reviews():
    told = _told((1, 5), (9, 1))
    assert told["text"] == ("Mostly negative on release: 1 of 6 positive (17%; 90% interval 4–50%), 1982. "
                            "Mostly positive since: 9 of 10 (90%; 65–98%), 2024.")
    assert told["turn"] == ""  # 6 reviews on release: a %, but too few to call it a turn
    assert _told((2, 10), (9, 1))["turn"] == "rediscovered"
    assert _told((9, 1), (2, 8))["turn"] == "fallen"


def test_story_below_the_minimum_gives_counts_never_a_percent():
    told = _told((0, 1), (3, 0))
    assert told["text"] == ("On release: 0 of 1 positive, 1982. Since: 3 of 3, 2024. "
                            "Too few reviews on release and since for a percentage (5 needed).")
    assert "%" not in told["text"].split("(5 needed)")[0] and told["turn"] == ""
    assert _told((0, 0), (3, 0)) is None  # nothing on release: no story to tell


def test_story_turns_only_past_the_margin_with_intervals_apart():
    assert _told((6, 4), (8, 2))["turn"] == ""        # 20 points: under the 25-point margin
    assert _told((3, 7), (8, 2))["turn"] == ""        # 50 points, but 10 reviews a side: the intervals meet
    assert _told((6, 14), (16, 4))["turn"] == "rediscovered"  # 50 points, intervals apart
