"""django-allauth's two-step screens speak as the portal does: "two-step verification", in English
and French, never allauth's "two-factor authentication" (the catalogues in locale_allauth/)."""

from __future__ import annotations

import re
from pathlib import Path

import allauth
import pytest
from babel.messages.pofile import read_po
from django.urls import reverse

from tests.accounts.mfa_helpers import enrol_totp, sign_in
from tests.french.detector import FRENCH, visible_text

ROOT = Path(__file__).resolve().parents[2]
WORDING = ROOT / "locale_allauth"
ALLAUTH_CATALOGUE = Path(allauth.__file__).parent / "locale" / "fr" / "LC_MESSAGES" / "django.po"
ENGLISH = {"accept-language": "en"}
LIBRARY_WORDS = re.compile(r"two-factor|deux facteurs", re.IGNORECASE)
HEADINGS = {"en": "Two-step verification", "fr": "Vérification en deux étapes"}


def catalogue(language: str) -> dict[str, str]:
    with (WORDING / language / "LC_MESSAGES" / "django.po").open("rb") as handle:
        return {str(message.id): str(message.string) for message in read_po(handle) if message.id}


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "headers"), [("en", ENGLISH), ("fr", FRENCH)])
def test_the_two_step_pages_say_two_step_verification(client, admin_user, language, headers):
    sign_in(client, admin_user.email)
    enrol_totp(client)
    manage = visible_text(client.get(reverse("mfa_index"), headers=headers))
    client.post(reverse("logout"))
    assert sign_in(client, admin_user.email)["Location"] == reverse("mfa_authenticate")
    second_step = visible_text(client.get(reverse("mfa_authenticate"), headers=headers))

    for page in (manage, second_step):
        assert HEADINGS[language] in page
        assert LIBRARY_WORDS.findall(page) == []


def test_the_wording_has_both_languages_for_sentences_allauth_still_has():
    english, french = catalogue("en"), catalogue("fr")
    assert english.keys() == french.keys()
    assert all(english.values())
    assert all(french.values())
    # An allauth release that rewords one of them would bring its words back: this says which.
    with ALLAUTH_CATALOGUE.open("rb") as handle:
        allauth_ids = {str(message.id) for message in read_po(handle)}
    assert english.keys() - allauth_ids == set()
    for words in [*english.values(), *french.values()]:
        assert not LIBRARY_WORDS.search(words)
