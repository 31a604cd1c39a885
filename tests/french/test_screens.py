"""Every screen in French with no English left: the walk visits each page, fragment, form error
and wizard step with `Accept-Language: fr` and fails on any text the French catalogue would
have translated, or on an English word outside the data the organization typed in itself
(product names, people, tenants), which stays as it was entered. Controls show that the
detector finds English, and doesn't read identifiers as words."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.french.detector import (
    FRENCH,
    english_left,
    english_sentences,
    typed_in_data,
    visible_text,
)
from tests.french.screens import (
    api_token_screens,
    key_import_screens,
    password_reset_screens,
    unsubscribe_screens,
)
from tests.french.walk import walk, walk_invitation

pytestmark = pytest.mark.django_db


@pytest.fixture
def french_screens(demo_data) -> dict[str, object]:
    client = Client()
    client.force_login(User.objects.get(email="admin@contoso.example"))
    screens = walk(client)
    billing = Client()
    billing.force_login(User.objects.get(email="billing@contoso.example"))
    screens["no access"] = billing.get(reverse("benefits:overview"), headers=FRENCH)
    screens["notification preferences, language only"] = billing.get(
        reverse("notifications:preferences"), headers=FRENCH
    )
    walk_invitation(screens)
    anonymous = Client()
    screens["sign in"] = anonymous.get(reverse("login"), headers=FRENCH)
    screens["sign in refused"] = anonymous.post(
        reverse("login"), {"login": "nobody@example.com", "password": "x"}, headers=FRENCH
    )
    screens.update(password_reset_screens())
    screens["reauthenticate"] = client.get(reverse("account_reauthenticate"), headers=FRENCH)
    screens["two-step"] = client.get(reverse("mfa_index"), headers=FRENCH)
    screens["two-step passkeys"] = client.get(reverse("mfa_list_webauthn"), headers=FRENCH)
    screens["sign out"] = client.get(reverse("logout"), headers=FRENCH)
    screens.update(unsubscribe_screens())
    screens.update(api_token_screens())
    screens.update(key_import_screens())
    return screens


# The file's column names are fixed, in English, whatever the language: the French pages quote
# them as they must be typed.
KEY_IMPORT_COLUMNS = ["product key", "licenses", "benefit", "MPN ID", "product"]


def test_every_screen_is_in_french_with_no_english_left(french_screens):
    sentences, data = english_sentences(), typed_in_data()
    problems = {}
    for name, response in french_screens.items():
        assert response.status_code < 500, name
        columns = KEY_IMPORT_COLUMNS if name.startswith("key import") else []
        found = english_left(visible_text(response), sentences, data + columns)
        if found:
            problems[name] = found
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_the_walk_reaches_every_kind_of_screen(french_screens):
    """The walk is worth what it visits: each step answered what a person would see."""
    text = {name: visible_text(response) for name, response in french_screens.items()}
    assert french_screens["no access"].status_code == 403
    assert french_screens["not found"].status_code == 404
    assert "Saisissez la clé de produit" in text["wizard, key"]
    assert "vérifiez ces caractères : O." in text["wizard, key refused"]
    assert "Cette clé est pour Power BI Pro" in text["wizard, key of another product"]
    assert "plus de trois fois les licences" in text["wizard, key too big"]
    assert "25 × 12 ÷ 100 = 3 mois" in text["wizard, review"]
    assert "Terminé" in text["wizard, done page"]
    assert "Adele Vance" in text["assign"]
    assert "Lee Gu" in text["transfer picker"]
    assert "Crédit transféré" in text["activity"]
    assert "Rôles modifiés" in text["activity, team"]
    assert "Crédit transféré" in text["activity, range"]
    assert "Saisissez une date comme" in text["activity, range refused"]
    assert "« Au » précède « Du » (02/02/2026)" in text["activity, range reversed"]
    assert text["activity csv"].startswith("\ufeffEnregistrement,Quand,Qui,Quoi")
    assert "Désactiver agent@contoso.example" in text["team, deactivate"]
    assert "Choisissez un mot de passe" in text["join"]
    assert text["csv"].startswith("\ufeffSection,Produit")
    assert "Licences échangées et disponibles" in text["report"]
    assert text["report, csv"].startswith("\ufeffSection,Produit ou mois,Mesure,Nombre")
    assert "Mot de passe oublié ?" in text["sign in"]
    assert "Choisissez un nouveau mot de passe" in text["new password"]
    assert "ne fonctionne pas" in text["reset link refused"]
    assert "Consultez vos e-mails" in text["reset sent"]
    assert "non lues)" in text["notifications, unread count"]
    assert "Nouveau Places de crédit libres" in text["notifications"]
    assert "prend fin le" in text["notifications"]
    assert "Types de notification inconnus : nope." in text["notification preferences refused"]
    assert "sont enregistrées" in text["notification preferences saved"]
    assert "le vôtre n’en a pas" in text["notification preferences, language only"]
    assert "Ne plus recevoir ces e-mails" in text["unsubscribe"]
    assert "Cet importateur va importer" in text["key import"]
    assert "Le fichier doit avoir les colonnes" in text["key import, file refused"]
    assert "Certaines lignes sont refusées" in text["key import, rows refused"]
    assert "Cette clé est déjà dans le portail" in text["key import, rows refused"]
    assert "Confirmer l’importation" in text["key import, preview"]
    assert "Clés de produit importées : 1." in text["key import, done"]
    assert "le fichier vérifié n’est plus là" in text["key import, confirmed too late"]
    assert french_screens["unsubscribe, bad link"].status_code == 404


def test_the_english_detector_finds_english(demo_data):
    """A control: the same walk in English is flagged, so the French result means something."""
    client = Client()
    client.force_login(User.objects.get(email="admin@contoso.example"))
    response = client.get(reverse("benefits:azure_cloud"))
    found = english_left(visible_text(response), english_sentences(), typed_in_data())
    assert any(item.startswith("catalogue:") for item in found)
    assert any(item.startswith("word:") for item in found)


def test_identifiers_are_not_read_as_words():
    """A delivery's message id is hex: letters between its digits are not English, while the
    same letters standing alone are."""
    assert english_left("Livraison msg_30be07a9add1 envoyée", [], []) == []
    assert english_left("Livraison be envoyée", [], []) == ["word: 'be'"]


@pytest.mark.parametrize(
    ("language", "heading"),
    [("fr", "Un problème est survenu de notre côté"), ("en", "Something went wrong on our side")],
)
def test_the_server_error_page_speaks_the_accounts_language(
    client, admin_user, monkeypatch, language, heading
):
    """A page that fails answers 500 in the account's language, in English otherwise."""
    admin_user.language = language
    admin_user.save()
    client.force_login(admin_user)
    client.raise_request_exception = False

    def failing(**kwargs):
        raise RuntimeError("a failure the page must not show")

    monkeypatch.setattr("accounts.views.selectors.tenant_list", failing)
    response = client.get(reverse("home"), headers=FRENCH if language == "en" else {})

    assert response.status_code == 500
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert heading in page
    if language == "fr":
        assert english_left(visible_text(response), english_sentences(), []) == []


@pytest.mark.parametrize(
    ("language", "heading"),
    [("fr", "Cette requête n’a pas pu être lue"), ("en", "This request couldn't be read")],
)
def test_a_request_that_cannot_be_read_is_told_in_the_readers_language(
    admin_user, settings, language, heading
):
    """More fields than Django reads (a bulk action on thousands of rows): a page, not Django's
    bare "Bad Request (400)". The CSRF check is what reads the form first, as in production."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    client.get(reverse("home"))  # the CSRF cookie, which the check reads before the form
    fields = {f"field{number}": "x" for number in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = client.post(reverse("home"), fields, headers={"Accept-Language": language})

    assert response.status_code == 400
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert heading in page
