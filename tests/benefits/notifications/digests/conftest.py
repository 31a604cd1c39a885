"""The digests' scene: an organization with one tenant, its Intune benefit (expiring and
unredeemed) and its Global admin, and a run of its digests delivered in the process. Here
``organization`` is this scene's, not the suite's."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accounts.models import Role
from benefits.models import Benefit
from benefits.notifications.digests import send_organization_digests
from tests.accounts.factories import OrganizationFactory, TenantFactory, UserFactory
from tests.benefits.factories import BenefitFactory, ProductFactory, ProductKeyFactory
from tests.benefits.notifications.digests.scene import BASE, TODAY


@pytest.fixture(autouse=True)
def _portal_address(settings):
    settings.PORTAL_BASE_URL = BASE


@pytest.fixture
def organization():
    organization = OrganizationFactory.create(name="Contoso Partners")
    TenantFactory.create(organization=organization, primary_domain="contoso.onmicrosoft.com")
    return organization


@pytest.fixture
def intune(organization) -> Benefit:
    """20 days from its end with one 10-license key: expiring (30 days) and unredeemed (60)."""
    benefit = BenefitFactory.create(
        organization=organization,
        product=ProductFactory.create(name="Microsoft Intune"),
        expiration_date=TODAY + timedelta(days=20),
    )
    ProductKeyFactory.create(benefit=benefit, licenses=10)
    return benefit


@pytest.fixture
def admin(organization):
    return UserFactory.create(
        organization=organization, email="admin@contoso.example", roles=[Role.GLOBAL_ADMIN]
    )


@pytest.fixture
def deliver(django_capture_on_commit_callbacks, mailoutbox):
    """Run the digests of ``organization`` for a day and deliver them (no broker: in the
    process, after the commit); return the run."""

    def run(organization, today=TODAY):
        with django_capture_on_commit_callbacks(execute=True):
            return send_organization_digests(organization_id=organization.pk, today=today)

    return run
