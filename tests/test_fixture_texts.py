"""No sentence of one trait's texts is repeated in another's: a result that explains several
traits would otherwise say the same thing twice ("Mengapa penting" copied between traits)."""

from collections import defaultdict

import pytest

from assessments.texts import sentences

pytestmark = pytest.mark.django_db

# The texts a result shows per trait (knockout reasons share an ending on purpose: the
# result shows that shared quotation once, see texts.shared_ending).
TRAIT_TEXTS = ("description", "why_it_matters", "how_to_develop")


def repeated_sentences(traits, suffix: str = "") -> dict[str, list[str]]:
    """Sentence -> the keys of the traits whose texts hold it, for those in two or more."""
    holders = defaultdict(set)
    for trait in traits:
        for field in TRAIT_TEXTS:
            for sentence in sentences(getattr(trait, field + suffix) or ""):
                holders[sentence].add(trait.key)
    return {sentence: sorted(keys) for sentence, keys in holders.items() if len(keys) > 1}


def weighed(role):
    """The role's traits as a result explains them: why each matters is the role's, the
    description and how to develop it are its bank trait's."""
    return list(role.role_traits.select_related("trait"))


def test_a_sentence_copied_between_traits_is_found(kesra_role):
    first, second = weighed(kesra_role)[:2]
    copied = "Kalimat yang sama persis muncul di dua sifat sekaligus."
    first.why_it_matters = f"{first.why_it_matters} {copied}"
    second.how_to_develop = f"{copied} {second.how_to_develop}"
    assert repeated_sentences([first, second])[copied] == sorted([first.key, second.key])


@pytest.mark.parametrize("suffix", ["", "_en"], ids=["id", "en"])
def test_no_sentence_is_repeated_between_the_fixtures_traits(kesra_role, suffix):
    traits = weighed(kesra_role)
    assert len(traits) == 9
    assert repeated_sentences(traits, suffix) == {}
