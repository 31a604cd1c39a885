"""The benefits area's gate: the four roles in, every other role 403, anonymous to sign-in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

BENEFITS_ROLES = [Role.GLOBAL_ADMIN, Role.USER_ADMIN, Role.ADMIN_AGENT, Role.MPN_PARTNER_ADMIN]
OTHER_ROLES = [Role.BILLING_ADMIN, Role.SALES_AGENT, Role.REFERRALS_ADMIN]


@pytest.mark.parametrize("role", BENEFITS_ROLES)
def test_each_benefits_role_opens_the_benefits_area(client, organization, role):
    client.force_login(UserFactory(organization=organization, roles=[role.value]))
    response = client.get(reverse("benefits:overview"))
    assert response.status_code == 200


@pytest.mark.parametrize("roles", [[role.value] for role in OTHER_ROLES] + [[]])
def test_other_roles_get_403_naming_the_four_roles(client, organization, roles):
    client.force_login(UserFactory(organization=organization, roles=roles))
    response = client.get(reverse("benefits:overview"))
    assert response.status_code == 403
    page = response.content.decode()
    for name in ["Global admin", "User admin", "Admin agent", "MPN partner admin"]:
        assert name in page


def test_other_roles_can_still_see_the_home_page(client, organization):
    client.force_login(UserFactory(organization=organization, roles=[Role.BILLING_ADMIN.value]))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "MPN partner admin" in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("benefits:overview"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse('benefits:overview')}"


def test_anonymous_home_page_sends_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_list_of_roles_is_one_setting(client, organization, settings):
    settings.BENEFITS_ROLES = ["billing_admin"]
    client.force_login(UserFactory(organization=organization, roles=[Role.BILLING_ADMIN.value]))
    assert client.get(reverse("benefits:overview")).status_code == 200
    client.force_login(UserFactory(organization=organization, roles=[Role.GLOBAL_ADMIN.value]))
    response = client.get(reverse("benefits:overview"))
    assert response.status_code == 403
    assert "Billing admin" in response.content.decode()


def test_staff_without_an_organization_are_refused_the_benefits_area(client):
    client.force_login(UserFactory(organization=None, roles=[], is_staff=True))
    assert client.get(reverse("benefits:overview")).status_code == 403


def test_the_navigation_hides_the_benefits_area_from_other_roles(client, organization):
    client.force_login(UserFactory(organization=organization, roles=[Role.SALES_AGENT.value]))
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("benefits:overview")}"' not in page


def test_the_navigation_marks_the_current_page(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("benefits:overview")).content.decode()
    assert f'href="{reverse("benefits:overview")}" aria-current="page"' in page


def test_the_mixin_applies_the_same_gate_to_class_based_views(rf, organization):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse
    from django.views import View

    from accounts.permissions import BenefitsAccessMixin

    class Probe(BenefitsAccessMixin, View):
        def get(self, request):
            return HttpResponse(request.organization.name)

    def call(user):
        request = rf.get("/probe/")
        request.user = user
        return Probe.as_view()(request)

    assert call(AnonymousUser()).status_code == 302
    assert call(UserFactory(organization=organization, roles=["sales_agent"])).status_code == 403
    allowed = call(UserFactory(organization=organization, roles=["admin_agent"]))
    assert allowed.status_code == 200
    assert allowed.content.decode() == organization.name
