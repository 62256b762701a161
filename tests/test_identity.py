from hypothesis import given
from hypothesis import strategies as st

from reception.catalog.identity import name_key, placeholder_title_key, split_year, title_key
from reception.ingest.formats import NAMES


def test_identity_titles_fold_case_accents_punctuation_and_articles():
    assert title_key("Amélie") == title_key("AMELIE") == "amelie"
    assert title_key("The Godfather: Part II") == title_key("Godfather Part II")
    assert title_key("Heart, The") == title_key("The Heart") == "heart"
    assert title_key("Fast & Furious") == title_key("Fast and Furious")
    assert title_key("One from the Heart (1982)") == title_key("One From the Heart")
    # A one-word title that is an article stays itself.
    assert title_key("The") == "the"
    assert title_key("A Quiet Place") != title_key("Quiet Places")


@given(st.sampled_from(NAMES) | st.text(max_size=12),
       st.text(alphabet="0123456789abcXYZ", min_size=1, max_size=8) | st.text(max_size=8))
def test_identity_a_film_known_by_an_id_has_its_placeholder_titles_key(source, key):
    assert placeholder_title_key(source, key) == title_key(f"{source} film {key}")


def test_identity_split_year():
    assert split_year("One from the Heart (1982)") == ("One from the Heart", 1982)
    assert split_year("1917") == ("1917", None)


def test_identity_names_decode_entities_and_drop_a_leading_the():
    assert name_key("The New York Times") == name_key("New York Times")
    assert name_key("Antagony &amp; Ecstasy") == name_key("Antagony & Ecstasy")
    assert name_key("Raúl Juliá") == name_key("Raul Julia")
