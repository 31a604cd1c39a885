"""A form sent with a security token no longer valid (a page opened before its person last
signed in or out) is refused with a page of the portal that says what to do, in the person's
language; with htmx the page reloads and shows the same message."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from benefits.models import CreditAssignment
from common.csrf import FORM_EXPIRED
from tests.conftest import HTMX, directory_user, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def strict_client(contoso_admin) -> Client:
    """A client that, like a browser, must send the form's token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(contoso_admin)
    return client


def assign(client: Client, credit, **headers):
    data = {"directory_user": directory_user("Adele Vance").pk, "csrfmiddlewaretoken": "x" * 64}
    return client.post(url("benefits:credit_assign", credit.pk), data, headers=headers)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_stale_form_gets_a_page_saying_what_to_do(strict_client, monthly_credit, language):
    page = url("benefits:benefit_detail", monthly_credit.pk)
    response = assign(
        strict_client, monthly_credit, Referer=f"http://testserver{page}", Accept_Language=language
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    with translation.override(language):
        assert str(FORM_EXPIRED).replace("'", "&#x27;") in html
    if language == "fr":
        assert "Rien n’a été modifié" in html
    assert f'href="{page}"' in html
    assert not CreditAssignment.objects.filter(benefit=monthly_credit).exists()


@pytest.mark.parametrize(
    "referer",
    [
        "https://elsewhere.example/",
        "http://testserver//elsewhere.example/x",
        "http://testserver/\\elsewhere.example/",
    ],
)
def test_a_link_back_goes_only_to_this_site(strict_client, monthly_credit, referer):
    """Another site, or a path a browser reads as another site's address."""
    response = assign(strict_client, monthly_credit, Referer=referer)
    assert "elsewhere.example" not in response.content.decode()


def test_an_htmx_request_reloads_the_page_with_the_message(strict_client, monthly_credit):
    response = assign(strict_client, monthly_credit, **HTMX)
    assert response.status_code == 403
    assert response["HX-Refresh"] == "true"
    reloaded = strict_client.get(url("benefits:benefit_detail", monthly_credit.pk))
    assert str(FORM_EXPIRED).replace("'", "&#x27;") in reloaded.content.decode()
