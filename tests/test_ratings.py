import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reception import ratings
from reception.ratings import infer_scale, parse_rating, resolve_bare_number


@pytest.mark.parametrize("raw, score", [
    ("3/5", 60), ("2.5/4", 62.5), ("8/10", 80), ("72/100", 72), ("0/4", 0), ("5/5", 100),
    ("4 out of 5", 80), ("3 out of 4 stars", 75), ("three stars out of four", 75), ("2.5 stars out of 5", 50), ("2½/4", 62.5), ("3 1/2/4", 87.5), ("3 1/2 out of 5", 70),
    ("A+", 100), ("A", 100), ("A-", 91.67), ("B+", 83.33), ("B", 75), ("B-", 66.67), ("C", 50), ("F", 0),
    ("b+", 83.33), ("thumbs up", 100), ("Thumbs Down", 0), ("two thumbs up", 100), ("85%", 85),
    ("★★★☆☆", 60), ("★★★½☆", 70), ("3.5/4 stars", 87.5),
])
def test_ratings_read_stated_scales(raw, score):
    rating = parse_rating(raw)
    assert rating.score == pytest.approx(score, abs=0.01)
    assert rating.flag == ratings.OK


@pytest.mark.parametrize("raw, score, scale", [
    # Star glyphs or words with the scale after them, in the forms critics use.
    ("★★★½/4", 87.5, "stars/4"), ("★★★ out of 5", 60, "stars/5"), ("★★★ of 4", 75, "stars/4"),
    ("*** out of 4", 75, "stars/4"), ("⭐⭐⭐⭐ / 5", 80, "stars/5"), ("★★½ stars out of 4", 62.5, "stars/4"),
    ("3 stars/5", 60, "stars/5"), ("3 stars out of 4", 75, "stars/4"), ("3.5/5 stars", 70, "stars/5"),
    ("three and a half stars out of four", 87.5, "stars/4"), ("two and a half stars out of five", 50, "stars/5"),
    ("2 1/2 stars out of 4", 62.5, "stars/4"), ("2½ stars out of 4", 62.5, "stars/4"),
    ("Three and a half out of five", 70, "/5"), ("seven out of ten", 70, "/10"), ("3.5 of 5", 70, "/5"),
])
def test_ratings_stars_and_words_with_a_stated_scale(raw, score, scale):
    rating = parse_rating(raw)
    assert (rating.score, rating.scale, rating.flag) == (pytest.approx(score), scale, ratings.OK)


@pytest.mark.parametrize("raw, count", [
    ("★★★½", 3.5), ("3.5 stars", 3.5), ("four stars", 4), ("three and a half stars", 3.5), ("4.5 stars", 4.5),
    ("****", 4), ("half a star", 0.5), ("2½ stars", 2.5), ("★★★★★", 5),
])
def test_ratings_stars_without_a_scale_are_flagged_never_assumed(raw, count):
    """Four stars are a rave on a 4-star scale and merely good on a 5-star one: not guessed."""
    rating = parse_rating(raw)
    assert (rating.score, rating.scale, rating.flag, rating.value) == (None, ratings.STARS, ratings.NO_SCALE, count)
    # Read once a scale is learnt for their outlet or critic, and flagged as inferred.
    resolved = resolve_bare_number(rating, 5)
    assert (resolved.score, resolved.scale, resolved.flag) == (pytest.approx(20 * count), "stars/5",
                                                               ratings.SCALE_INFERRED)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 5), st.booleans(), st.sampled_from([4, 5, 10]), st.sampled_from(["glyphs", "digits", "words"]),
       st.sampled_from(["/{}", " out of {}", " of {}", " stars/{}", " stars out of {}"]))
def test_ratings_star_counts_with_any_scale_form(whole, half, scale, written, form):
    count = whole + 0.5 * half
    if count > scale or count == 0:
        return
    words = ["zero", "one", "two", "three", "four", "five"]
    if written == "glyphs":
        stars = "★" * whole + ("½" if half else "")
        form = form.replace(" stars", "")
    elif written == "digits":
        stars = f"{count:g}"
    else:
        stars = words[whole] + (" and a half" if half else "")
    rating = parse_rating(stars + form.format(scale))
    assert rating.score == pytest.approx(100 * count / scale) and rating.flag == ratings.OK


@pytest.mark.parametrize("raw, flag", [
    ("8", ratings.NO_SCALE), ("3.5", ratings.NO_SCALE), ("3 1/2", ratings.NO_SCALE),
    ("R", ratings.UNKNOWN), ("1-5", ratings.UNKNOWN), ("loved it", ratings.UNKNOWN),
    ("6/5", ratings.OUT_OF_RANGE), ("3/0", ratings.UNKNOWN),
])
def test_ratings_never_guess(raw, flag):
    rating = parse_rating(raw)
    assert rating.score is None
    assert rating.flag == flag
    assert rating.raw == raw


def test_ratings_empty_is_no_rating_not_a_flag():
    assert parse_rating("") == parse_rating(None) == parse_rating("   ")
    assert parse_rating("").flag == ratings.OK and parse_rating("").score is None


def test_ratings_bare_numbers_use_the_outlets_stated_scale_without_labels():
    assert infer_scale({10.0: 120, 5.0: 3}, [8, 7, 1]) == 10
    # An outlet whose bare numbers exceed its stated scale is on another scale.
    assert infer_scale({5.0: 15}, [7, 8, 9, 6]) == 10
    # Too little evidence, or values that fit a 4- and a 5-point scale alike: not guessed.
    assert infer_scale({}, [3, 2.5]) is None
    assert infer_scale({}, [3, 2.5, 4, 3.5]) is None
    assert infer_scale({}, [40, 75, 90]) == 100
    resolved = resolve_bare_number(parse_rating("8"), 10)
    assert (resolved.score, resolved.flag) == (80, ratings.SCALE_INFERRED)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=40))
def test_ratings_any_text_gives_a_score_in_range_or_a_flag(text):
    rating = parse_rating(text)
    if rating.score is not None:
        assert 0 <= rating.score <= 100 and math.isfinite(rating.score)
    else:
        assert rating.flag in (ratings.OK, ratings.NO_SCALE, ratings.UNKNOWN, ratings.OUT_OF_RANGE)
        assert rating.flag or not text.strip()


@settings(max_examples=300, deadline=None)
@given(st.floats(0, 100, allow_nan=False), st.sampled_from([4, 5, 10, 100]))
def test_ratings_fractions_round_trip(value, scale):
    value = round(value * scale / 100, 1)
    rating = parse_rating(f"{value}/{scale}")
    assert rating.score == pytest.approx(100 * value / scale, abs=0.01)
