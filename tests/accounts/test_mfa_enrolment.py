"""PORTAL_MFA_REQUIRED: accounts that must use two-step verification enrol before anything
else; the rest of the portal is as before when it is off."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.mfa import (
    ENROLMENT_MESSAGE,
    STATUS_NONE,
    STATUS_PASSKEY,
    STATUS_TOTP,
    STATUS_TOTP_AND_PASSKEY,
    WITH_MFA_STATUS_EXTRA_QUERIES,
    mfa_status,
    with_mfa_status,
)
from accounts.models import Role, User
from tests.accounts.factories import UserFactory
from tests.accounts.mfa_helpers import enrol_totp, sign_in

pytestmark = pytest.mark.django_db

HOME = reverse("home")
MFA_INDEX = reverse("mfa_index")


@pytest.fixture
def required(settings):
    settings.PORTAL_MFA_REQUIRED = True


def test_without_the_setting_nobody_is_sent_to_enrol(client, admin_user):
    client.force_login(admin_user)
    assert client.get(HOME).status_code == 200


def test_an_admin_without_a_second_factor_is_sent_to_enrol_and_told_why(
    client, admin_user, required
):
    client.force_login(admin_user)
    response = client.get(reverse("benefits:overview"))
    assert response.status_code == 302
    assert response["Location"] == MFA_INDEX
    assert [str(m) for m in get_messages(response.wsgi_request)] == [str(ENROLMENT_MESSAGE)]


def test_an_htmx_request_is_sent_to_enrol_as_a_whole_page(client, admin_user, required):
    client.force_login(admin_user)
    response = client.get(reverse("benefits:azure_cloud"), headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == MFA_INDEX


@pytest.mark.parametrize(
    "kwargs",
    [
        {"roles": [Role.ADMIN_AGENT.value]},
        {"roles": [Role.USER_ADMIN.value]},
        {"roles": [], "is_staff": True},
    ],
)
def test_every_privileged_account_must_enrol(client, organization, required, kwargs):
    client.force_login(UserFactory(organization=organization, **kwargs))
    assert client.get(HOME)["Location"] == MFA_INDEX


def test_an_account_without_roles_is_not_asked_to_enrol(client, organization, required):
    client.force_login(UserFactory(organization=organization, roles=[Role.SALES_AGENT.value]))
    assert client.get(HOME).status_code == 200


def test_the_enrolment_pages_sign_out_language_and_health_stay_open(client, admin_user, required):
    client.force_login(admin_user)
    assert client.get(MFA_INDEX).status_code == 200
    assert client.get(reverse("mfa_add_webauthn")).status_code in {200, 302}
    assert client.get(reverse("healthz")).status_code in {200, 503}
    assert client.post(reverse("set_language"), {"language": "fr", "next": "/"}).status_code == 302
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(HOME)["Location"].startswith(reverse("login"))


def test_after_enrolling_the_portal_opens(client, admin_user, required):
    sign_in(client, admin_user.email)
    enrol_totp(client)
    assert client.get(reverse("benefits:overview")).status_code == 200


def test_recovery_codes_alone_do_not_count_as_enrolled(client, admin_user, required):
    Authenticator.objects.create(
        user=admin_user, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "x", "used_mask": 0}
    )
    client.force_login(admin_user)
    assert client.get(HOME)["Location"] == MFA_INDEX


def _authenticator(user: User, kind: str) -> None:
    Authenticator.objects.create(user=user, type=kind, data={})


def test_mfa_status_names_the_kinds_of_second_factor(organization):
    none, app, key, both = UserFactory.create_batch(4, organization=organization)
    _authenticator(app, Authenticator.Type.TOTP)
    _authenticator(key, Authenticator.Type.WEBAUTHN)
    _authenticator(both, Authenticator.Type.TOTP)
    _authenticator(both, Authenticator.Type.WEBAUTHN)
    _authenticator(both, Authenticator.Type.WEBAUTHN)
    expected = {none: STATUS_NONE, app: STATUS_TOTP, key: STATUS_PASSKEY}
    expected[both] = STATUS_TOTP_AND_PASSKEY
    assert {user: mfa_status(user) for user in expected} == expected


def test_a_list_with_mfa_status_costs_one_query(organization, django_assert_num_queries):
    for user in UserFactory.create_batch(5, organization=organization):
        _authenticator(user, Authenticator.Type.WEBAUTHN)
    with django_assert_num_queries(1 + WITH_MFA_STATUS_EXTRA_QUERIES):
        statuses = [mfa_status(user) for user in with_mfa_status(User.objects.all())]
    assert statuses == [STATUS_PASSKEY] * 5


def test_an_enrolled_accounts_pages_cost_no_query_for_the_enrolment_check(
    client, admin_user, settings
):
    _authenticator(admin_user, Authenticator.Type.TOTP)
    client.force_login(admin_user)
    page = reverse("benefits:overview")

    def queries(required: bool) -> int:
        settings.PORTAL_MFA_REQUIRED = required
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page).status_code == 200
        return len(captured)

    queries(True)  # the first page finds the second factor and the session remembers it
    assert queries(True) == queries(False)


def test_removing_the_last_authenticator_sends_the_account_back_to_enrolment(
    client, admin_user, required
):
    sign_in(client, admin_user.email)
    enrol_totp(client)
    assert client.get(reverse("benefits:overview")).status_code == 200
    assert client.post(reverse("mfa_deactivate_totp")).status_code == 302
    assert not Authenticator.objects.filter(user=admin_user).exists()
    assert client.get(reverse("benefits:overview"))["Location"] == MFA_INDEX


def test_the_remembered_second_factor_belongs_to_one_account(client, admin_user, required):
    _authenticator(admin_user, Authenticator.Type.TOTP)
    client.force_login(admin_user)
    assert client.get(HOME).status_code == 200
    client.post(reverse("logout"))
    other = UserFactory(organization=admin_user.organization, roles=[Role.GLOBAL_ADMIN.value])
    client.force_login(other)
    assert client.get(HOME)["Location"] == MFA_INDEX
