"""Another organization's objects are 404, never 403, through every selector and view."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.urls import reverse

from accounts import selectors as account_selectors
from accounts import team as team_selectors
from accounts.models import Invitation, Organization
from benefits import selectors as benefit_selectors
from benefits.services import team as team_services
from tests.accounts.factories import DirectoryUserFactory, UserFactory
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


def test_a_cancelled_invitation_is_found_through_its_own_organization_only(
    organization, other_organization
):
    """The Team page re-reads an invitation's row after cancelling it, through the selector."""

    def cancelled_invitation_of(org: Organization) -> Invitation:
        admin = UserFactory.create(organization=org, roles=["global_admin"])
        invitation = team_services.invitation_create(
            organization=org, email="x@partner.example", roles=[], language="en", actor=admin
        )
        return team_services.invitation_cancel(invitation=invitation, actor=admin)

    own = cancelled_invitation_of(organization)
    foreign = cancelled_invitation_of(other_organization)
    found = team_selectors.invitation_get(
        organization=organization, invitation_id=own.pk, closed_too=True
    )
    assert found == own
    with pytest.raises(Http404):  # closed: not among the open invitations a view acts on
        team_selectors.invitation_get(organization=organization, invitation_id=own.pk)
    with pytest.raises(Http404):
        team_selectors.invitation_get(
            organization=organization, invitation_id=foreign.pk, closed_too=True
        )
