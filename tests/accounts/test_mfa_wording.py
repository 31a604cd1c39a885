"""django-allauth's two-step screens speak as the portal does: "two-step verification", in English
and French, never allauth's "two-factor authentication" (the catalogues in locale_allauth/)."""

from __future__ import annotations

import re
from pathlib import Path

import allauth
import pytest
from babel.messages.pofile import read_po
from django.urls import reverse
from django.utils import translation

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


# Headings and buttons allauth writes in title case, as the portal's pages show them.
SENTENCE_CASE = {
    "en": ["Authenticator app", "Security keys", "Recovery codes"],
    "fr": ["Application d’authentification", "Clés de sécurité", "Codes de récupération"],
}
TITLE_CASE = re.compile(r"\b[A-Z][a-z]+ (?:[A-Z][a-z]+ ?)+\b")


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "headers"), [("en", ENGLISH), ("fr", FRENCH)])
def test_the_two_step_pages_write_headings_in_sentence_case(client, admin_user, language, headers):
    sign_in(client, admin_user.email)
    activate = visible_text(client.get(reverse("mfa_activate_totp"), headers=headers))
    enrol_totp(client)
    manage = visible_text(client.get(reverse("mfa_index"), headers=headers))

    for words in SENTENCE_CASE[language]:
        assert words in manage
    if language == "en":
        assert "Activate an authenticator app" in activate
        for words in ["Authenticator App", "Security Keys", "Recovery Codes"]:
            assert words not in manage


def test_every_title_case_heading_of_allauth_has_the_portals_sentence_case():
    for allauth_words, portal_words in catalogue("en").items():
        if TITLE_CASE.fullmatch(allauth_words):
            assert not TITLE_CASE.search(portal_words), allauth_words


def test_in_french_a_passkey_and_a_security_key_are_told_apart():
    """allauth's French calls both « Clé de sécurité » (the list of keys says which each is;
    the portal's catalogue calls a passkey « clé d’accès »), and a security key « clé secrète »
    where a sign-in offers to use one (locale_allauth/fr)."""
    with translation.override("fr"):
        assert translation.gettext("Passkey") != translation.gettext("Security key")
        assert "secrète" not in translation.gettext("Use a security key")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "headers", "label"), [("en", ENGLISH, "Key name"), ("fr", FRENCH, "Nom de la clé")]
)
def test_the_security_key_form_labels_its_name_field(client, admin_user, language, headers, label):
    """allauth's field has no label, which Django would print as "Name" in every language."""
    sign_in(client, admin_user.email)
    page = client.get(reverse("mfa_add_webauthn"), headers=headers)

    assert page.status_code == 200
    assert f">{label}</label>" in page.content.decode()
    assert ">Name</label>" not in page.content.decode()
