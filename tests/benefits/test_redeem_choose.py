"""The wizard's Choose step: what it offers (each Active subscription under its tenant, in the
person's language), what it refuses, and the choice carried into the next steps."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from benefits.models import Subscription
from benefits.selectors import subscription_list
from benefits.services.redemption import NO_SUBSCRIPTION
from benefits.wizard.forms import ACTION_REQUIRED, SUBSCRIPTION_NOT_OFFERED, TENANT_NOT_OFFERED
from tests.benefits.wizard_pages import (
    O365_25,
    URL,
    redeem,
    sub,
    text,
    validate,
)
from tests.conftest import HTMX

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("each_state_store", "fresh_rate_limit"),
]


def test_choose_step_without_javascript(contoso_client):
    contoso_client.get(URL, {"restart": 1})
    page = text(contoso_client.get(URL))
    assert "Activate a new subscription" in page
    assert 'aria-current="step"' in page
    response = contoso_client.post(
        URL,
        {
            "step": "choose",
            "action": "add",
            "subscription": sub("Office 365 E3").pk,
            "tenant": sub("Office 365 E3").tenant_id,
        },
    )
    assert response.status_code == 302
    assert "Add licenses to Office 365 E3" in text(contoso_client.get(URL))


def test_choose_offers_each_subscription_under_its_tenant(contoso_client):
    """The tenant is what people most often get wrong: each subscription is offered under its
    tenant's domain, by product and licenses."""
    page = text(contoso_client.get(URL, {"restart": 1}))
    groups = dict(re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', page))
    contoso = sub("Office 365 E3").tenant.organization
    active = subscription_list(organization=contoso).active_on(timezone.localdate())
    assert set(groups) == set(active.values_list("tenant__primary_domain", flat=True))
    office = sub("Office 365 E3")
    option = f'<option value="{office.pk}">Office 365 E3 — {office.seats} licenses</option>'
    assert option in groups["contoso.onmicrosoft.com"]


def test_choose_names_licenses_in_french(contoso_client):
    page = text(contoso_client.get(URL, {"restart": 1}, headers={"Accept-Language": "fr"}))
    assert f"Office 365 E3 — {sub('Office 365 E3').seats} licences" in page


def test_extend_without_a_subscription_is_asked_for_one(contoso_client):
    contoso_client.get(URL, {"restart": 1})
    page = text(
        contoso_client.post(
            URL, {"step": "choose", "action": "extend", "tenant": sub("Office 365 E3").tenant_id}
        )
    )
    assert str(NO_SUBSCRIPTION) in page


def test_nothing_chosen_is_told_what_to_choose(contoso_client):
    """Not Django's "This field is required." beside the three choices."""
    contoso_client.get(URL, {"restart": 1})
    page = text(
        contoso_client.post(URL, {"step": "choose", "tenant": sub("Office 365 E3").tenant_id})
    )
    assert str(ACTION_REQUIRED) in page


def choose(client, action: str, subscription: int | str, tenant: int | str) -> str:
    client.get(URL, {"restart": 1})
    data = {"step": "choose", "action": action, "subscription": subscription, "tenant": tenant}
    return text(client.post(URL, data, headers=HTMX))


def test_a_subscription_ended_since_the_page_opened_is_told_why(contoso_client):
    office = sub("Office 365 E3")
    Subscription.objects.filter(pk=office.pk).update(
        end_date=timezone.localdate() - timedelta(days=1)
    )
    page = choose(contoso_client, "extend", office.pk, office.tenant_id)
    assert str(SUBSCRIPTION_NOT_OFFERED) in page.replace("&#x27;", "'")
    assert f"{office.pk} is not one of" not in page
    # That message alone: not also "choose one", as if none had been chosen.
    assert str(NO_SUBSCRIPTION) not in page.replace("&#x27;", "'")


def test_another_organizations_tenant_is_told_to_choose_from_the_list(contoso_client, fabrikam):
    page = choose(contoso_client, "activate", "", fabrikam.tenants.first().pk)
    assert str(TENANT_NOT_OFFERED).replace("'", "&#x27;") in page


def test_activate_ignores_a_subscription_left_chosen_in_the_list(contoso_client):
    office = sub("Office 365 E3")
    page = choose(contoso_client, "activate", "99999999", office.tenant_id)
    assert 'value="key"' in page


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_another_organizations_subscription_is_404(client, demo_data, headers):
    client.force_login(User.objects.get(email="admin@fabrikam.example"))
    response = client.get(
        URL, {"subscription": sub("Office 365 E3").pk, "action": "extend"}, headers=headers
    )
    assert response.status_code == 404


@pytest.mark.parametrize("value", ["abc", "-1", "99999999"])
def test_unknown_subscription_ids_are_404(contoso_client, value):
    assert contoso_client.get(URL, {"subscription": value, "action": "add"}).status_code == 404


def test_activating_a_product_already_active_warns_without_blocking(contoso_client):
    contoso_client.get(URL, {"restart": 1})
    contoso_client.post(
        URL,
        {"step": "choose", "action": "activate", "tenant": sub("Office 365 E3").tenant_id},
    )
    review = text(validate(contoso_client, O365_25, HTMX))
    assert "Office 365 E3 is already active in this tenant (100 licenses" in review
    assert "Done" in text(redeem(contoso_client, HTMX))
    assert (
        Subscription.objects.filter(
            product__name="Office 365 E3", tenant__organization__mpn_id="4711001"
        ).count()
        == 2
    )


def test_a_link_to_extend_a_subscription_ended_since_stays_on_choose(contoso_client):
    """Told before a key is typed: a key refused for it would count as a guess."""
    office = sub("Office 365 E3")
    Subscription.objects.filter(pk=office.pk).update(
        end_date=timezone.localdate() - timedelta(days=1)
    )
    page = text(contoso_client.get(URL, {"subscription": office.pk, "action": "extend"}))
    assert str(SUBSCRIPTION_NOT_OFFERED) in page.replace("&#x27;", "'")
    assert 'name="key"' not in page
    assert "Activate a new subscription" in page
