"""The webhooks pages under /team/webhooks/: team admins only, their organization's endpoints
only (another's is 404), the secret shown once, the delivery log paged, a delivery resent —
all as plain forms, in English and French."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.html import escape

from accounts.models import Role
from benefits.webhooks.addresses import REFUSED_ADDRESS_MESSAGE
from benefits.webhooks.failures import WITH_DETAILS, Failure, failure_text
from benefits.webhooks.models import WebhookDelivery, WebhookEndpoint
from benefits.webhooks.selectors import DELIVERIES_PER_PAGE
from benefits.webhooks.services import (
    ALREADY_REGISTERED_MESSAGE,
    HTTPS_REQUIRED_MESSAGE,
    KINDS_REQUIRED_MESSAGE,
    SECRET_ALREADY_CHANGED_MESSAGE,
)
from benefits.webhooks.transport import TIMEOUT_SECONDS
from tests.accounts.factories import UserFactory
from tests.benefits.webhooks.endpoints import endpoint_make, record
from tests.conftest import url

pytestmark = pytest.mark.django_db

SECRET = re.compile(r"whsec_[A-Za-z0-9+/=]{40,}")
VERSION = re.compile(r'name="secret_version" value="([^"]+)"')


def text(response) -> str:
    return response.content.decode()


def test_the_team_page_links_to_webhooks(partner_client):
    assert url("team:webhooks") in text(partner_client.get(url("team:members")))


@pytest.mark.parametrize("role", [Role.ADMIN_AGENT, Role.MPN_PARTNER_ADMIN])
def test_benefits_only_roles_get_403(client, organization, role):
    endpoint = endpoint_make(organization)
    client.force_login(UserFactory.create(organization=organization, roles=[role.value]))
    assert client.get(url("team:webhooks")).status_code == 403
    assert client.get(url("team:webhook_detail", endpoint.pk)).status_code == 403
    assert client.post(url("team:webhook_disable", endpoint.pk)).status_code == 403
    endpoint.refresh_from_db()
    assert endpoint.is_active


def test_another_organizations_endpoint_is_404(partner_client, other_organization):
    endpoint = endpoint_make(other_organization)
    record(other_organization)
    delivery = endpoint.deliveries.get()
    for name in ["team:webhook_detail", "team:webhook_secret", "team:webhook_delete"]:
        assert partner_client.get(url(name, endpoint.pk)).status_code == 404
        assert partner_client.post(url(name, endpoint.pk)).status_code == 404
    for name in ["team:webhook_disable", "team:webhook_enable"]:
        assert partner_client.post(url(name, endpoint.pk)).status_code == 404
    resend = url("team:webhook_resend", endpoint.pk, delivery.pk)
    assert partner_client.post(resend).status_code == 404
    endpoint.refresh_from_db()
    assert endpoint.is_active
    assert endpoint.url not in text(partner_client.get(url("team:webhooks")))


def test_a_delivery_of_another_endpoint_is_404(partner_client, organization):
    mine = endpoint_make(organization)
    other = endpoint_make(organization)
    record(organization)
    delivery = other.deliveries.get()
    resend = url("team:webhook_resend", mine.pk, delivery.pk)
    assert partner_client.post(resend).status_code == 404


def test_registering_shows_the_secret_once(partner_client, organization, settings):
    settings.DEBUG = True  # http:// to loopback
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    response = partner_client.post(
        url("team:webhook_create"),
        {"url": "http://127.0.0.1:9000/in", "kinds": ["credit_assigned", "key_redeemed"]},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    [secret] = SECRET.findall(text(response))
    endpoint = WebhookEndpoint.objects.get(organization=organization)
    assert endpoint.secret == secret
    assert endpoint.kinds == ["credit_assigned", "key_redeemed"]
    for page in [url("team:webhooks"), url("team:webhook_detail", endpoint.pk)]:
        assert secret not in text(partner_client.get(page))
        assert not SECRET.search(text(partner_client.get(page)))


def test_a_refused_url_is_said_beside_the_field(partner_client, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    response = partner_client.post(
        url("team:webhook_create"), {"url": "http://hooks.example.com/", "kinds": []}
    )
    page = text(response)
    assert str(HTTPS_REQUIRED_MESSAGE) in page
    assert str(KINDS_REQUIRED_MESSAGE) in page
    response = partner_client.post(
        url("team:webhook_create"),
        {"url": "https://169.254.169.254/latest/", "kinds": ["credit_assigned"]},
    )
    assert REFUSED_ADDRESS_MESSAGE % {"host": "169.254.169.254"} in text(response)
    assert not WebhookEndpoint.objects.exists()


def test_rotating_shows_the_new_secret_once(partner_client, organization):
    endpoint = endpoint_make(organization)
    old = endpoint.secret
    confirm = partner_client.get(url("team:webhook_secret", endpoint.pk))
    assert confirm.status_code == 200
    assert not SECRET.search(text(confirm))
    version = VERSION.search(text(confirm))
    assert version is not None
    form = {"secret_version": version.group(1)}
    response = partner_client.post(url("team:webhook_secret", endpoint.pk), form)
    [secret] = SECRET.findall(text(response))
    endpoint.refresh_from_db()
    assert secret == endpoint.secret != old

    # The same form sent again (a reload of the page showing the secret) changes nothing.
    again = partner_client.post(url("team:webhook_secret", endpoint.pk), form, follow=True)
    assert escape(str(SECRET_ALREADY_CHANGED_MESSAGE)) in text(again)
    assert not SECRET.search(text(again))
    endpoint.refresh_from_db()
    assert endpoint.secret == secret


@pytest.mark.parametrize("form", [{}, {"secret_version": "yesterday"}], ids=["none", "garbled"])
def test_a_rotation_not_sent_from_the_confirmation_asks_to_confirm(
    partner_client, organization, form
):
    """Not "already changed since this page opened": nothing changed, and no page opened."""
    endpoint = endpoint_make(organization)
    old = endpoint.secret
    response = partner_client.post(url("team:webhook_secret", endpoint.pk), form)
    assert response.status_code == 200
    assert VERSION.search(text(response))  # the confirmation, with the version to send
    assert escape(str(SECRET_ALREADY_CHANGED_MESSAGE)) not in text(response)
    endpoint.refresh_from_db()
    assert endpoint.secret == old


def test_registering_the_same_url_again_is_refused(partner_client, organization, settings):
    """A reload of the page showing the secret sends the form again: a second endpoint got
    every delivery twice, and the first secret was lost."""
    settings.DEBUG = True  # http:// to loopback
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    form = {"url": "http://127.0.0.1:9000/in", "kinds": ["credit_assigned"]}
    first = partner_client.post(url("team:webhook_create"), form)
    assert SECRET.search(text(first))
    again = partner_client.post(url("team:webhook_create"), form)
    assert escape(ALREADY_REGISTERED_MESSAGE % {"url": form["url"]}) in text(again)
    assert not SECRET.search(text(again))
    assert WebhookEndpoint.objects.filter(organization=organization).count() == 1


def test_kinds_disable_enable_and_delete(partner_client, organization):
    endpoint = endpoint_make(organization)
    detail = url("team:webhook_detail", endpoint.pk)
    response = partner_client.post(detail, {"kinds": ["roles_changed"]})
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.kinds == ["roles_changed"]
    assert str(KINDS_REQUIRED_MESSAGE) in text(partner_client.post(detail, {}))

    partner_client.post(url("team:webhook_disable", endpoint.pk))
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert "Enable" in text(partner_client.get(detail))
    partner_client.post(url("team:webhook_enable", endpoint.pk))
    endpoint.refresh_from_db()
    assert endpoint.is_active

    assert partner_client.get(url("team:webhook_delete", endpoint.pk)).status_code == 200
    response = partner_client.post(url("team:webhook_delete", endpoint.pk))
    assert response.status_code == 302
    assert not WebhookEndpoint.objects.exists()


def test_the_delivery_log_is_paged_and_a_delivery_can_be_resent(
    partner_client, organization, admin_user, django_capture_on_commit_callbacks
):
    endpoint = endpoint_make(organization)
    for _ in range(DELIVERIES_PER_PAGE + 2):
        record(organization, actor=admin_user)
    WebhookDelivery.objects.update(
        status=WebhookDelivery.Status.FAILED, attempts=8, last_response_code=500
    )
    detail = url("team:webhook_detail", endpoint.pk)
    first = text(partner_client.get(detail))
    assert first.count('action="/team/webhooks/') >= DELIVERIES_PER_PAGE
    assert "?page=2" in first
    second = partner_client.get(detail, {"page": 2})
    oldest = WebhookDelivery.objects.order_by("created_at", "pk").first()
    assert oldest is not None
    assert oldest.message_id in text(second)
    assert partner_client.get(detail, {"page": 3}).status_code == 404  # past the last

    with django_capture_on_commit_callbacks(execute=False):
        response = partner_client.post(url("team:webhook_resend", endpoint.pk, oldest.pk))
    assert response.status_code == 302
    oldest.refresh_from_db()
    assert oldest.status == WebhookDelivery.Status.PENDING


def test_the_pages_run_a_constant_number_of_queries(partner_client, organization, admin_user):
    endpoint = endpoint_make(organization)
    counts = []
    for _ in range(2):
        for _ in range(10):
            record(organization, actor=admin_user)
            endpoint_make(organization, kinds=["credit_assigned"])
        with CaptureQueriesContext(connection) as listing:
            partner_client.get(url("team:webhooks"))
        with CaptureQueriesContext(connection) as detail:
            partner_client.get(url("team:webhook_detail", endpoint.pk))
        counts.append((len(listing), len(detail)))
    assert counts[0] == counts[1]


def test_the_pages_in_french(partner_client, organization, admin_user):
    endpoint = endpoint_make(organization)
    record(organization, actor=admin_user)
    partner_client.cookies["django_language"] = "fr"
    listing = text(partner_client.get(url("team:webhooks"), HTTP_ACCEPT_LANGUAGE="fr"))
    assert "Ajouter un point de réception" in listing
    detail = text(
        partner_client.get(url("team:webhook_detail", endpoint.pk), HTTP_ACCEPT_LANGUAGE="fr")
    )
    assert "Journal des envois" in detail
    assert "Rôles modifiés" in detail  # the delivery's activity kind


def test_the_delivery_log_says_why_each_try_failed_in_the_readers_language(
    partner_client, organization, admin_user
):
    """Each kind of failure as a sentence in French, with the endpoint's host or the answer's
    status filled in, and the technical words (English, marked so) only where they say more; a
    row written before failures had kinds keeps its technical words."""
    endpoint = endpoint_make(organization, url="https://hooks.example.com/in")
    failures = [
        (Failure.UNRESOLVED, None, "hooks.example.com could not be resolved"),
        (Failure.NOT_PUBLIC, None, "hooks.example.com is a private address"),
        (Failure.REFUSED, None, "Connection refused"),
        (Failure.TIMEOUT, None, "No answer within 10 s"),
        (Failure.TLS, None, "TLS: CERTIFICATE_VERIFY_FAILED"),
        (Failure.NETWORK, None, "ConnectionResetError: Connection reset by peer"),
        (Failure.STATUS, 503, "HTTP 503"),
        (Failure.STOPPED, None, "The try took too long and was stopped"),
        (Failure.PORTAL, None, "Portal error: ValueError: bad"),
        ("", None, "Written before kinds"),
    ]
    for failure, status, words in failures:
        delivery = WebhookDelivery.objects.get(activity=record(organization, actor=admin_user))
        delivery.failure, delivery.last_response_code, delivery.last_error = failure, status, words
        delivery.save()
    page = text(
        partner_client.get(url("team:webhook_detail", endpoint.pk), HTTP_ACCEPT_LANGUAGE="fr")
    )
    with translation.override("fr"):
        for failure, status, words in failures:
            if not failure:
                assert escape(words) in page
                continue
            sentence = failure_text(
                failure=failure, host="hooks.example.com", status=status, seconds=TIMEOUT_SECONDS
            )
            assert sentence
            assert escape(sentence) in page
            technical = f'<span lang="en">({escape(words)})</span>'
            assert (technical in page) == (failure in WITH_DETAILS)
    assert "Connexion refusée" in page
    assert "statut 503" in page
