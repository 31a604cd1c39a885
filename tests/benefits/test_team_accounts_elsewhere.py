"""An address with an account elsewhere (another organization, or staff) is invited like a new
one: the inviting admin can't tell the two apart, the mail carries no link, the invitation can
never be accepted, and the other account is left as it was."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Invitation, Role, User
from benefits.models import Activity
from benefits.services import team
from benefits.services.team import LINK_UNUSABLE
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.conftest import refusal, url

pytestmark = pytest.mark.django_db

BILLING = Role.BILLING_ADMIN.value
ELSEWHERE = "taken@partner.example"
CSRF = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')


@pytest.fixture
def elsewhere(other_organization) -> User:
    return UserFactory.create(email=ELSEWHERE, organization=other_organization, roles=[BILLING])


def invite(admin: User, email: str) -> Invitation:
    assert admin.organization is not None
    return team.invitation_create(
        organization=admin.organization, email=email, roles=[BILLING], language="en", actor=admin
    )


def accept(invitation: Invitation, token: str = "known-token") -> User:  # noqa: S107
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=team.token_hash(token))
    return team.invitation_accept(token=token, password=TEST_PASSWORD)


def test_the_invite_page_answers_the_same_for_a_new_address_and_one_with_an_account(
    partner_client, admin_user, elsewhere, mailoutbox, django_capture_on_commit_callbacks
):
    def answer(email: str) -> tuple:
        with django_capture_on_commit_callbacks(execute=True):
            response = partner_client.post(
                url("team:invite"),
                {"email": email, "roles": [BILLING], "language": "en"},
                follow=True,
            )
        Invitation.objects.all().delete()  # so both pages list exactly one invitation
        page = CSRF.sub(r"\1", response.content.decode()).replace(email.lower(), "ADDRESS")
        return response.status_code, response.redirect_chain, re.sub(r"\d+", "0", page)

    new, taken = answer("new.person@partner.example"), answer(ELSEWHERE.upper())
    assert new == taken
    assert "Invitation sent to ADDRESS" in new[2]
    assert [message.to for message in mailoutbox] == [["new.person@partner.example"], [ELSEWHERE]]


@pytest.mark.parametrize("staff", [False, True])
def test_an_address_with_an_account_elsewhere_is_invited_without_a_link(
    admin_user, elsewhere, staff, mailoutbox, django_capture_on_commit_callbacks
):
    if staff:
        User.objects.filter(pk=elsewhere.pk).update(organization=None, roles=[], is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(admin_user, ELSEWHERE)
        team.invitation_resend(invitation=invitation, actor=admin_user)
    assert invitation.organization == admin_user.organization
    kinds = list(Activity.objects.values_list("kind", flat=True))
    assert kinds == [Activity.Kind.INVITATION_RESENT, Activity.Kind.MEMBER_INVITED]
    assert len(mailoutbox) == 2
    for message in mailoutbox:
        assert message.to == [ELSEWHERE]
        assert "can't be used" in message.subject
        html = message.alternatives[0][0]
        assert "/team/join/" not in message.body + str(html)
        assert "already has an account" in message.body


def test_the_same_queries_run_for_a_new_address_and_one_with_an_account(admin_user, elsewhere):
    counts = []
    for email in ("new.person@partner.example", ELSEWHERE):
        with CaptureQueriesContext(connection) as captured:
            invite(admin_user, email)
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_accepting_such_an_invitation_is_refused_and_the_account_is_untouched(
    admin_user, elsewhere
):
    before = User.objects.filter(pk=elsewhere.pk).values().get()
    invitation = invite(admin_user, ELSEWHERE)
    assert refusal(lambda: accept(invitation)) == LINK_UNUSABLE
    assert User.objects.filter(pk=elsewhere.pk).values().get() == before
    assert User.objects.filter(email__iexact=ELSEWHERE).count() == 1
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_an_address_taken_between_the_check_and_the_write_is_the_unusable_link(
    admin_user, other_organization, monkeypatch
):
    """Two invitations of one address accepted at once: the other acceptance creates the
    account after this one's check (the PostgreSQL race test does it with two threads)."""
    invitation = invite(admin_user, "twice@partner.example")
    monkeypatch.setattr(
        team,
        "_pause_before_write",
        lambda _seconds: UserFactory.create(
            email="twice@partner.example", organization=other_organization
        ),
    )
    assert refusal(lambda: accept(invitation)) == LINK_UNUSABLE
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
