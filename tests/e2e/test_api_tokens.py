"""API tokens in a browser, in English and French: a team admin creates a token from the Team
page, copies it from the one page that shows it, and revokes it after confirming — with no
serious accessibility violation on the way (axe-core) and, through the `page` fixture, no
breach of the Content-Security-Policy. Without JavaScript the same journey works."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from accounts.api_tokens import token_authenticate
from tests.e2e.conftest import page_without_javascript, serious_violations, sign_in

pytestmark = pytest.mark.browser

LABELS = {
    "en-US": {
        "tokens": "API tokens",
        "name": "Name",
        "scope": "Redeem product keys",
        "create": "Create the token",
        "new": "Your new token",
        "revoke": "Revoke",
    },
    "fr-FR": {
        "tokens": "Jetons d’API",
        "name": "Nom",
        "scope": "Échanger des clés de produit",
        "create": "Créer le jeton",
        "new": "Votre nouveau jeton",
        "revoke": "Révoquer",
    },
}


@pytest.mark.parametrize("locale", list(LABELS))
def test_a_team_admin_creates_copies_and_revokes_a_token(page, locale):
    words = LABELS[locale]
    sign_in(page)
    page.goto(reverse("team:members"))
    page.get_by_role("link", name=words["tokens"]).click()
    page.wait_for_url(lambda url: urlsplit(url).path == reverse("team:tokens"))
    assert serious_violations(page) == []

    page.expected_statuses = ()
    page.get_by_role("button", name=words["create"]).click()  # nothing filled in: refused
    page.locator(".text-danger, .invalid-feedback").first.wait_for()
    assert serious_violations(page) == []

    page.get_by_label(words["name"], exact=True).fill("ERP")
    page.get_by_label(words["scope"]).check()
    page.locator("#id_expires_days").fill("30")
    page.get_by_role("button", name=words["create"]).click()
    field = page.get_by_label(words["new"])
    field.wait_for()
    raw = field.input_value()
    token = token_authenticate(raw)
    assert token is not None
    assert token.scopes == ["redeem"]
    assert serious_violations(page) == []

    page.reload()  # a GET: the token is not shown again
    assert raw not in page.content()
    page.get_by_role("link", name=f"{words['revoke']} ERP").click()
    assert serious_violations(page) == []
    page.locator("#main form button[type=submit]").click()
    page.wait_for_url(lambda url: urlsplit(url).path == reverse("team:tokens"))
    assert serious_violations(page) == []
    assert token_authenticate(raw) is None


def test_the_journey_needs_no_javascript(browser, live_server, demo):
    page = page_without_javascript(browser, live_server)
    page.goto(reverse("team:tokens"))
    page.get_by_label("Name", exact=True).fill("Nightly export")
    page.get_by_label("Read", exact=True).check()
    page.get_by_role("button", name="Create the token").click()
    raw = page.get_by_label("Your new token").input_value()
    assert token_authenticate(raw) is not None
    page.goto(reverse("team:tokens"))
    page.get_by_role("link", name="Revoke Nightly export").click()
    page.locator("#main form button[type=submit]").click()
    page.wait_for_url(lambda url: urlsplit(url).path == reverse("team:tokens"))
    assert token_authenticate(raw) is None
    page.context.close()
