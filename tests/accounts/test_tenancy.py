"""Another organization's objects are 404, never 403, through every selector and view."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.urls import reverse

from accounts import selectors as account_selectors
from benefits import selectors as benefit_selectors
from tests.accounts.factories import DirectoryUserFactory
from tests.benefits.factories import BenefitFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db


def test_own_objects_are_found(organization):
    tenant = organization.tenants.get()
    person = DirectoryUserFactory.create(tenant=tenant)
    benefit = BenefitFactory.create(organization=organization)
    subscription = SubscriptionFactory.create(tenant=tenant)
    assert account_selectors.tenant_get(organization=organization, tenant_id=tenant.pk) == tenant
    found = account_selectors.directory_user_get(
        organization=organization, directory_user_id=str(person.pk)
    )
    assert found == person
    assert (
        benefit_selectors.benefit_get(organization=organization, benefit_id=benefit.pk) == benefit
    )
    assert (
        benefit_selectors.subscription_get(
            organization=organization, subscription_id=subscription.pk
        )
        == subscription
    )


def test_another_organizations_objects_are_404(organization, other_organization):
    tenant = other_organization.tenants.get()
    lookups = [
        lambda: account_selectors.tenant_get(organization=organization, tenant_id=tenant.pk),
        lambda: account_selectors.directory_user_get(
            organization=organization,
            directory_user_id=DirectoryUserFactory.create(tenant=tenant).pk,
        ),
        lambda: benefit_selectors.benefit_get(
            organization=organization,
            benefit_id=BenefitFactory.create(organization=other_organization).pk,
        ),
        lambda: benefit_selectors.benefit_details(
            organization=organization,
            benefit_id=BenefitFactory.create(organization=other_organization).pk,
        ),
        lambda: benefit_selectors.subscription_get(
            organization=organization,
            subscription_id=SubscriptionFactory.create(tenant=tenant).pk,
        ),
    ]
    for lookup in lookups:
        with pytest.raises(Http404):
            lookup()


@pytest.mark.parametrize("bad_id", ["", "abc", "-1", "0", "1e3", "9" * 40, None, "1; DROP"])
def test_malformed_ids_are_404(organization, bad_id):
    with pytest.raises(Http404):
        benefit_selectors.benefit_get(organization=organization, benefit_id=bad_id)


def test_another_organizations_benefit_page_is_404(partner_client, other_organization):
    benefit = BenefitFactory.create(organization=other_organization)
    response = partner_client.get(reverse("benefits:benefit_detail", args=[benefit.pk]))
    assert response.status_code == 404


def test_own_benefit_page_shows_the_benefit(partner_client, organization):
    benefit = BenefitFactory.create(organization=organization, product__name="Power BI Pro")
    response = partner_client.get(reverse("benefits:benefit_detail", args=[benefit.pk]))
    assert response.status_code == 200
    assert "Power BI Pro" in response.content.decode()
    expiration = benefit.expiration_date.isoformat()
    assert f'<time datetime="{expiration}">' in response.content.decode()
