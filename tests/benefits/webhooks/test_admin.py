"""Staff see the endpoints and their deliveries in the admin, read-only, never a secret."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Organization
from tests.benefits.webhooks.endpoints import endpoint_make, record

pytestmark = pytest.mark.django_db


def test_the_admin_lists_endpoints_and_deliveries_without_secrets(staff_client):
    contoso = Organization.objects.get(mpn_id="4711001")
    endpoint = endpoint_make(contoso)
    record(contoso)
    delivery = endpoint.deliveries.get()
    pages = [
        reverse("admin:webhooks_webhookendpoint_changelist"),
        reverse("admin:webhooks_webhookendpoint_changelist") + "?q=contoso",
        reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk]),
        reverse("admin:webhooks_webhookdelivery_changelist"),
        reverse("admin:webhooks_webhookdelivery_changelist") + "?q=msg_",
        reverse("admin:webhooks_webhookdelivery_change", args=[delivery.pk]),
    ]
    for page in pages:
        response = staff_client.get(page)
        assert response.status_code == 200, page
        assert endpoint.secret not in response.content.decode(), page
        assert 'name="_save"' not in response.content.decode(), page
    assert endpoint.url in staff_client.get(pages[0]).content.decode()
    assert staff_client.get(reverse("admin:webhooks_webhookendpoint_add")).status_code == 403
