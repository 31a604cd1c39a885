"""The Team page: the page and its htmx rows, each role, other organizations' ids, queries."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from accounts.models import Invitation, Role, User
from accounts.team import ADDRESS_AT_IP
from accounts.team_forms import ONE_ADDRESS
from benefits.models import Activity
from benefits.services import team
from benefits.services.team import ONLY_GLOBAL_ADMIN, UNKNOWN_LANGUAGE
from tests.accounts.factories import UserFactory
from tests.conftest import HTMX, url

pytestmark = pytest.mark.django_db

GA, UA, BILLING = Role.GLOBAL_ADMIN.value, Role.USER_ADMIN.value, Role.BILLING_ADMIN.value


def invitation_of(admin: User, email: str = "invitee@partner.example") -> Invitation:
    assert admin.organization is not None
    return team.invitation_create(
        organization=admin.organization, email=email, roles=[BILLING], language="en", actor=admin
    )


def test_the_team_page_lists_members_and_invitations(partner_client, admin_user):
    UserFactory.create(
        organization=admin_user.organization, roles=[BILLING], email="b@partner.example"
    )
    invitation_of(admin_user)
    page = partner_client.get(url("team:members")).content.decode()
    assert "b@partner.example" in page
    assert "Billing admin" in page
    assert "invitee@partner.example" in page
    assert 'href="/team/"' in page  # the navigation's entry


def test_the_team_page_writes_dates_and_roles_for_people(partner_client, admin_user):
    """Dates in the reader's language, as the rest of the portal writes them (not 2026-12-01
    11:47 in French too); roles separated for screen readers and copies, not run together."""
    signed_in = datetime(2026, 11, 30, 9, 5, tzinfo=UTC)
    UserFactory.create(
        organization=admin_user.organization,
        roles=[BILLING, UA],
        email="b@partner.example",
        last_login=signed_in,
    )
    page = partner_client.get(url("team:members")).content.decode()
    assert '<time datetime="2026-11-30T09:05:00+00:00">Nov. 30, 2026 09:05</time> UTC' in page
    assert '<span class="visually-hidden">, </span>' in page
    french = partner_client.get(url("team:members"), headers={"Accept-Language": "fr"})
    assert ">30 novembre 2026 09:05</time> UTC" in french.content.decode()


@pytest.mark.parametrize(
    ("roles", "status"), [([GA], 200), ([UA], 200), ([BILLING], 403), ([], 403)]
)
def test_the_team_page_is_open_to_the_team_roles_only(client, organization, roles, status):
    client.force_login(UserFactory.create(organization=organization, roles=roles))
    response = client.get(url("team:members"))
    assert response.status_code == status
    navigation = client.get(url("home")).content.decode()
    assert ('href="/team/"' in navigation) == (status == 200)


def test_the_page_costs_the_same_queries_for_5_and_50_members(partner_client, admin_user):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert partner_client.get(url("team:members")).status_code == 200
        return len(captured)

    for index in range(4):
        UserFactory.create(
            organization=admin_user.organization, email=f"five{index}@partner.example"
        )
    five = queries()
    for index in range(45):
        UserFactory.create(
            organization=admin_user.organization, email=f"fifty{index}@partner.example"
        )
    assert queries() == five


def test_roles_change_in_place_with_htmx(partner_client, admin_user):
    member = UserFactory.create(organization=admin_user.organization, roles=[BILLING])
    address = url("team:member_roles", member.pk)
    form = partner_client.get(address, headers=HTMX).content.decode()
    assert form.lstrip().startswith(f'<tr id="member-{member.pk}"')
    assert f'name="member-{member.pk}-roles"' in form
    row = partner_client.post(address, {f"member-{member.pk}-roles": [UA]}, headers=HTMX)
    assert row.content.decode().lstrip().startswith(f'<tr id="member-{member.pk}"')
    assert "User admin" in row.content.decode()
    member.refresh_from_db()
    assert member.roles == [UA]


def test_roles_change_without_javascript_redirects_with_the_outcome(partner_client, admin_user):
    member = UserFactory.create(organization=admin_user.organization, roles=[BILLING])
    response = partner_client.post(
        url("team:member_roles", member.pk), {f"member-{member.pk}-roles": [UA, GA]}, follow=True
    )
    assert response.redirect_chain == [(url("team:members"), 302)]
    assert "The roles of" in response.content.decode()


def test_an_unknown_role_posted_is_named(partner_client, admin_user):
    member = UserFactory.create(organization=admin_user.organization, roles=[BILLING])
    response = partner_client.post(
        url("team:member_roles", member.pk), {f"member-{member.pk}-roles": ["root", UA, UA]}
    )
    assert response.status_code == 200
    assert "Unknown roles: root." in response.content.decode()


def test_an_unknown_role_is_named_visibly_and_briefly(partner_client, admin_user):
    """A NUL would vanish from the message, and a role of 5,000 characters fill the page."""
    member = UserFactory.create(organization=admin_user.organization, roles=[BILLING])
    response = partner_client.post(
        url("team:member_roles", member.pk),
        {f"member-{member.pk}-roles": ["ro\x00ot", "y" * 5000]},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Unknown roles: roU+0000ot, " + "y" * 40 + "…." in content
    assert "y" * 41 not in content


def test_a_refusal_shows_in_the_row(client, admin_user):
    user_admin = UserFactory.create(organization=admin_user.organization, roles=[UA])
    client.force_login(user_admin)
    response = client.post(url("team:member_deactivate", admin_user.pk), headers=HTMX)
    assert str(ONLY_GLOBAL_ADMIN).replace("'", "&#x27;") in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_deactivate_asks_first_then_swaps_the_row(partner_client, admin_user):
    member = UserFactory.create(organization=admin_user.organization, roles=[BILLING])
    address = url("team:member_deactivate", member.pk)
    confirm = partner_client.get(address).content.decode()
    assert f"Deactivate {member.email}" in confirm
    row = partner_client.post(address, headers=HTMX).content.decode()
    assert "Reactivate" in row
    assert "signed out everywhere" in row
    back = partner_client.post(url("team:member_reactivate", member.pk), follow=True)
    assert "is active again" in back.content.decode()


def test_resend_and_cancel_swap_the_invitation_row(partner_client, admin_user):
    invitation = invitation_of(admin_user)
    row = partner_client.post(url("team:invitation_resend", invitation.pk), headers=HTMX)
    assert row.content.decode().lstrip().startswith(f'<tr id="invitation-{invitation.pk}"')
    confirm = partner_client.get(url("team:invitation_cancel", invitation.pk), headers=HTMX)
    assert "Cancel the invitation to invitee@partner.example" in confirm.content.decode()
    row = partner_client.post(url("team:invitation_cancel", invitation.pk), headers=HTMX)
    assert "Cancelled" in row.content.decode()


@pytest.mark.parametrize("action", ["team:invitation_resend", "team:invitation_cancel"])
def test_an_invitation_closed_meanwhile_is_told_not_404(partner_client, admin_user, action):
    """Cancelled in another tab or by another admin: the page still offered its actions."""
    invitation = invitation_of(admin_user)
    team.invitation_cancel(invitation=invitation, actor=admin_user)
    row = partner_client.post(url(action, invitation.pk), headers=HTMX).content.decode()
    assert str(team.INVITATION_CLOSED) in row
    assert row.lstrip().startswith(f'<tr id="invitation-{invitation.pk}"')
    page = partner_client.post(url(action, invitation.pk), follow=True).content.decode()
    assert str(team.INVITATION_CLOSED) in page
    assert Invitation.objects.get(pk=invitation.pk).cancelled_at is not None


def test_cancelling_an_invitation_closed_meanwhile_asks_nothing(partner_client, admin_user):
    invitation = invitation_of(admin_user)
    team.invitation_cancel(invitation=invitation, actor=admin_user)
    address = url("team:invitation_cancel", invitation.pk)
    row = partner_client.get(address, headers=HTMX).content.decode()
    assert str(team.INVITATION_CLOSED) in row
    assert "Cancel the invitation to" not in row


def test_another_organizations_invitation_is_404(partner_client, admin_user):
    elsewhere = invitation_of(UserFactory.create(roles=[GA]))
    assert partner_client.post(url("team:invitation_resend", elsewhere.pk)).status_code == 404


def test_invite_by_form(partner_client, admin_user, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = partner_client.post(
            url("team:invite"),
            {"email": "NEW@partner.example", "roles": [UA], "language": "en"},
            follow=True,
        )
    assert response.redirect_chain == [(url("team:members"), 302)]
    assert "Invitation sent to new@partner.example" in response.content.decode()
    assert mailoutbox[0].to == ["new@partner.example"]


def test_invite_refusals_are_form_errors(partner_client, admin_user):
    UserFactory.create(email="member@partner.example", organization=admin_user.organization)
    for data, message in (
        ({"email": "member@partner.example", "language": "en"}, "already has an account in"),
        ({"email": "x@partner.example", "roles": ["nope"], "language": "en"}, "Unknown roles"),
        ({"email": "not an address", "language": "en"}, "valid email"),
        ({"email": "a@partner.example, b@partner.example", "language": "en"}, str(ONE_ADDRESS)),
        (
            {"email": "x@partner.example", "language": "xx"},
            UNKNOWN_LANGUAGE % {"language": "xx", "languages": "en, fr"},
        ),
        ({"email": "x@[192.0.2.1]", "language": "en"}, str(ADDRESS_AT_IP)),
        ({"email": "x@[2001:db8::1]", "language": "en"}, str(ADDRESS_AT_IP)),
    ):
        response = partner_client.post(url("team:invite"), data)
        assert response.status_code == 200
        assert escape(message) in response.content.decode()
    assert not Invitation.objects.exists()


def test_another_organizations_ids_are_404(partner_client, other_organization):
    stranger = UserFactory.create(organization=other_organization, roles=[GA])
    foreign = invitation_of(stranger, "foreign@partner.example")
    for name, pk in (
        ("team:member_roles", stranger.pk),
        ("team:member_deactivate", stranger.pk),
        ("team:member_reactivate", stranger.pk),
        ("team:invitation_resend", foreign.pk),
        ("team:invitation_cancel", foreign.pk),
    ):
        for method in ("get", "post"):
            status = getattr(partner_client, method)(url(name, pk)).status_code
            assert status in {404, 405}, (name, method, status)
            if method == "post":
                assert status == 404
    stranger.refresh_from_db()
    assert stranger.is_active
    assert Activity.objects.filter(organization=other_organization).count() == 1


def test_team_records_show_and_filter_on_the_activity_page(partner_client, admin_user):
    member = UserFactory.create(organization=admin_user.organization, roles=[BILLING])
    partner_client.post(url("team:member_deactivate", member.pk))
    page = partner_client.get(url("activity", query={"kind": "member_deactivated"}))
    text = page.content.decode()
    assert "Member deactivated" in text
    assert member.email in text
    assert "Billing admin" in text
