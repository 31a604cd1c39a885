"""The account's language: chosen in the top bar while signed in, it is kept on the account and
outvotes the browser on every page and in every mail; signed out, the browser decides."""

from __future__ import annotations

import pytest
from django.conf import settings

from accounts.mail import send_mail
from tests.accounts.factories import TEST_PASSWORD
from tests.conftest import url

pytestmark = pytest.mark.django_db

ENGLISH = {"accept-language": "en-GB,en;q=0.9"}
FRENCH = {"accept-language": "fr-FR,fr;q=0.9"}


def choose(client, language: str):
    return client.post(url("set_language"), {"language": language, "next": url("home")})


def forget_the_cookie(client) -> None:
    """As a new browser (or another device) would be: only the account remembers."""
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)


def test_choosing_french_while_signed_in_keeps_it_on_the_account(partner_client, admin_user):
    response = choose(partner_client, "fr")

    assert response.status_code == 302
    admin_user.refresh_from_db()
    assert admin_user.language == "fr"


def test_pages_of_a_french_account_are_french_even_when_the_browser_asks_english(
    partner_client,
):
    choose(partner_client, "fr")
    forget_the_cookie(partner_client)

    page = partner_client.get(url("home"), headers=ENGLISH)

    assert '<html lang="fr">' in page.content.decode()
    assert "Se déconnecter" in page.content.decode()
    assert page["Content-Language"] == "fr"


def test_an_account_language_outvotes_the_browser_on_another_device(client, admin_user):
    admin_user.language = "fr"
    admin_user.save()
    client.force_login(admin_user)

    page = client.get(url("benefits:overview"), headers=ENGLISH).content.decode()

    assert "Produits Azure et Cloud" in page


@pytest.mark.parametrize(
    ("language", "browser", "said"),
    [
        ("fr", ENGLISH, "Connexion avec {} réussie."),
        ("en", FRENCH, "Successfully signed in as {}."),
        ("", FRENCH, "Connexion avec {} réussie."),  # follows the browser
    ],
)
def test_the_signed_in_message_speaks_the_accounts_language(
    client, admin_user, language, browser, said
):
    """Written during the sign-in, when only the browser's language was known: the page after it
    speaks the account's, and so does the message it shows."""
    admin_user.language = language
    admin_user.save()

    signed_in = client.post(
        url("login"),
        {"login": admin_user.email, "password": TEST_PASSWORD},
        headers=browser,
        follow=True,
    )

    assert [str(message) for message in signed_in.context["messages"]] == [
        said.format(admin_user.email)
    ]


@pytest.mark.usefixtures("tests_own_templates")
def test_mails_to_a_french_account_are_french(
    partner_client, admin_user, smtp_server, django_capture_on_commit_callbacks
):
    choose(partner_client, "fr")
    admin_user.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        send_mail(
            template="greeting",
            context={"name": admin_user.email, "link": ""},
            language=admin_user.language,
            to=admin_user.email,
        )

    [message] = smtp_server.messages
    assert message["Subject"] == f"Se connecter {admin_user.email}"
    assert "Accueil" in message.get_body(("plain",)).get_content()


def test_signed_out_the_browser_language_decides(client, admin_user):
    admin_user.language = "fr"
    admin_user.save()
    client.force_login(admin_user)
    client.logout()

    page = client.get(url("login"), headers=ENGLISH).content.decode()

    assert '<html lang="en">' in page


def test_an_account_without_a_language_follows_the_browser(partner_client, admin_user):
    assert admin_user.language == ""

    assert '<html lang="fr">' in partner_client.get(url("home"), headers=FRENCH).content.decode()
    assert '<html lang="en">' in partner_client.get(url("home"), headers=ENGLISH).content.decode()


def test_browser_leaves_the_language_to_the_browser_again(partner_client, admin_user):
    choose(partner_client, "fr")
    page = partner_client.get(url("home"), headers=ENGLISH).content.decode()
    assert 'name="language" value=""' in page  # the "Browser" choice is offered

    response = choose(partner_client, "")

    admin_user.refresh_from_db()
    assert admin_user.language == ""
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""  # deleted
    forget_the_cookie(partner_client)
    page = partner_client.get(url("home"), headers=ENGLISH).content.decode()
    assert '<html lang="en">' in page
    assert 'name="language" value=""' not in page


def test_an_unknown_language_changes_nothing(partner_client, admin_user):
    choose(partner_client, "fr")

    response = choose(partner_client, "xx-not-a-language")

    assert response.status_code == 302
    admin_user.refresh_from_db()
    assert admin_user.language == "fr"


def test_choosing_a_language_signed_out_only_sets_the_browser_cookie(client, admin_user):
    response = choose(client, "fr")

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    admin_user.refresh_from_db()
    assert admin_user.language == ""
