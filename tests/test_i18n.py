"""English and French: every screen in both, the catalogue complete, the switch in place."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.conftest import require_service, url

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def untranslated(path: Path) -> list[str]:
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale="fr")
    return [
        str(message.id)
        for message in catalogue
        if message.id and (not message.string or message.fuzzy)
    ]


def test_the_french_catalogue_has_no_empty_or_fuzzy_entry():
    assert untranslated(CATALOGUE) == []


def test_every_string_in_the_code_is_in_the_french_catalogue(tmp_path):
    """Extract the messages afresh (as `make messages` does) from a copy of the sources."""
    require_service(shutil.which("xgettext") is not None, "needs gettext's xgettext")
    ignore = shutil.ignore_patterns(".venv", ".git", "staticfiles", "*.pyc", "db.sqlite3*")
    copy = tmp_path / "src"
    shutil.copytree(ROOT, copy, ignore=ignore)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--locale",
            "fr",
            "--no-obsolete",
            "--ignore",
            "tests",
        ],
        cwd=copy,
        env={"DJANGO_DEBUG": "1", "PATH": "/usr/bin:/bin"},
        check=True,
        capture_output=True,
    )
    assert untranslated(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po") == []


@pytest.mark.django_db
def test_pages_follow_the_browser_language(client, admin_user):
    client.force_login(admin_user)
    page = client.get(url("home"), headers={"accept-language": "fr-FR,fr;q=0.9"}).content.decode()
    assert '<html lang="fr">' in page
    assert "Accueil" in page
    assert "Se déconnecter" in page
    assert "Avantages" in page


@pytest.mark.django_db
def test_sign_in_page_in_french(client):
    page = client.get(url("login"), headers={"accept-language": "fr"}).content.decode()
    assert "Connexion à Partner Benefits" in page
    assert "Adresse e-mail" in page


@pytest.mark.django_db
def test_the_language_switch_keeps_the_user_on_the_same_page(client, admin_user):
    client.force_login(admin_user)
    overview = url("benefits:overview")
    response = client.post(url("set_language"), {"language": "fr", "next": overview})
    assert response.status_code == 302
    assert response["Location"] == overview
    page = client.get(overview).content.decode()
    assert "Produits Azure et Cloud" in page
    assert re.search(r'value="fr"[^>]*aria-pressed="true"', page)
    assert re.search(r'value="en"[^>]*aria-pressed="false"', page)


@pytest.mark.django_db
def test_the_language_switch_returns_to_the_address_the_browser_shows(client, admin_user):
    # After htmx changed the address, the form's page is the Referer, not the first load.
    client.force_login(admin_user)
    shown = "http://testserver" + url("benefits:azure_cloud", query={"sort": "-quantity"})
    response = client.post(url("set_language"), {"language": "fr"}, headers={"referer": shown})
    assert response["Location"] == shown


@pytest.mark.django_db
def test_403_page_names_the_roles_in_french(client, organization):
    from tests.accounts.factories import UserFactory

    client.force_login(UserFactory(organization=organization, roles=["billing_admin"]))
    response = client.get(url("benefits:overview"), headers={"accept-language": "fr"})
    assert response.status_code == 403
    assert "Administrateur partenaire MPN" in response.content.decode()


# The same thing is called one way throughout the French pages and mails.
FRENCH_TERMS = {
    "courriel": "e-mail",
    "adresse électronique": "adresse e-mail",
    "Entrez": "Saisissez",
    "(Azure et Cloud": "(Produits Azure et Cloud",
    "basé sur les licences": "basé sur une licence",
}


def french_text() -> str:
    """Every translation of the portal's French catalogue, in one text."""
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    return " ".join(
        " ".join(message.string) if isinstance(message.string, tuple) else str(message.string)
        for message in catalogue
        if message.id
    )


def test_the_french_catalogue_calls_each_thing_one_way():
    french = french_text()
    assert {word: used for word, used in FRENCH_TERMS.items() if word in french} == {}


def test_the_french_catalogue_writes_one_apostrophe():
    """The typographic one (’), as Django's and allauth's French do: not « l'annuaire » on one
    line and « l’annuaire » on the next."""
    assert re.findall(r"\w+'\w+", french_text()) == []
