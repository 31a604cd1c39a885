"""The Team services: each rule, each refusal, and the activity record of each change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import Invitation, Role, User
from accounts.team import DUPLICATE_ROLES, UNKNOWN_ROLES
from benefits.models import Activity
from benefits.services import team, team_members
from benefits.services.team import (
    ALREADY_INVITED,
    ALREADY_MEMBER,
    INVITATION_CLOSED,
    LAST_GLOBAL_ADMIN,
    NOT_YOURSELF_DEACTIVATE,
    NOT_YOURSELF_DEMOTE,
    ONLY_GLOBAL_ADMIN,
    ROLES_UNCHANGED,
    UNKNOWN_LANGUAGE,
)
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.conftest import refusal

pytestmark = pytest.mark.django_db

GA, UA, BILLING = Role.GLOBAL_ADMIN.value, Role.USER_ADMIN.value, Role.BILLING_ADMIN.value


def invite(admin, email="new.person@partner.example", roles=(BILLING,), **kwargs):
    return team.invitation_create(
        organization=admin.organization,
        email=email,
        roles=list(roles),
        language=kwargs.pop("language", "en"),
        actor=admin,
    )


def last_record() -> Activity:
    record = Activity.objects.first()
    assert record is not None
    return record


def test_an_invitation_is_valid_7_days_as_its_mail_says(
    admin_user, django_capture_on_commit_callbacks
):
    """SPEC 9: the link is valid 7 days; the mail's words and the expiry must agree."""
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(admin_user)
    assert before + timedelta(days=7) <= invitation.expires_at <= timezone.now() + timedelta(days=7)
    (message,) = mail.outbox
    assert "expires in 7 days" in message.body


def test_an_invitation_keeps_only_a_hash_and_mails_the_link(
    admin_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(admin_user, "New.Person@Partner.example ")
    assert invitation.email == "new.person@partner.example"
    assert invitation.roles == [BILLING]
    (message,) = mail.outbox
    assert message.to == ["new.person@partner.example"]
    link = next(word for word in message.body.split() if "/team/join/" in word)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert token not in invitation.token_hash
    assert Invitation.objects.filter(token_hash=team.token_hash(token)).exists()
    record = last_record()
    assert record.kind == Activity.Kind.MEMBER_INVITED
    assert record.after == {"member": "new.person@partner.example", "roles": [BILLING]}
    assert token not in str(record.before) + str(record.after)


def test_the_invitation_mail_is_in_the_chosen_language(
    admin_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(admin_user, language="fr")
    assert "Rejoignez" in mail.outbox[0].subject


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_invitation_mail_names_the_roles_and_why_it_came(
    admin_user, django_capture_on_commit_callbacks, language
):
    """Both parts list the roles by name in the invitee's language (the plain part once showed
    a Python list), and the footer says the address was invited: the invitee has no account."""
    with django_capture_on_commit_callbacks(execute=True):
        invite(admin_user, roles=[GA, BILLING], language=language)
    (message,) = mail.outbox
    assert isinstance(message, EmailMultiAlternatives)
    html = str(message.alternatives[0][0])
    with translation.override(language):
        roles = f"{Role.GLOBAL_ADMIN.label}, {Role.BILLING_ADMIN.label}"
        invited = gettext(
            "You receive this e-mail because an administrator of %(organization)s invited this "
            "address to the Partner Benefits portal."
        ) % {"organization": admin_user.organization.name}
        has_account = gettext(
            "You receive this e-mail because you have an account on the Partner Benefits portal."
        )
    for part in (message.body, html):
        assert f" {roles}" in part
        assert invited in part
        assert has_account not in part
    assert "[" not in message.body


def test_unknown_and_repeated_roles_are_refused_by_name(admin_user):
    assert refusal(lambda: invite(admin_user, roles=["wizard", GA])) == UNKNOWN_ROLES % {
        "roles": "wizard"
    }
    assert refusal(lambda: invite(admin_user, roles=[UA, UA])) == DUPLICATE_ROLES % {"roles": UA}
    assert not Invitation.objects.exists()
    assert not Activity.objects.exists()


def test_a_language_the_portal_does_not_speak_is_refused_by_name(admin_user):
    assert refusal(lambda: invite(admin_user, language="xx")) == UNKNOWN_LANGUAGE % {
        "language": "xx",
        "languages": "en, fr",
    }
    assert not Invitation.objects.exists()
    assert not Activity.objects.exists()


def test_a_member_or_an_open_invitation_is_named(admin_user):
    UserFactory.create(email="member@partner.example", organization=admin_user.organization)
    assert refusal(lambda: invite(admin_user, "member@partner.example")) == ALREADY_MEMBER % {
        "email": "member@partner.example"
    }
    invite(admin_user)
    assert refusal(lambda: invite(admin_user)) == ALREADY_INVITED % {
        "email": "new.person@partner.example"
    }


def test_only_a_global_admin_invites_a_global_admin(organization):
    user_admin = UserFactory.create(organization=organization, roles=[UA])
    assert refusal(lambda: invite(user_admin, roles=[GA])) == ONLY_GLOBAL_ADMIN
    assert invite(user_admin, roles=[UA]).roles == [UA]


def test_resend_replaces_the_link_and_cancel_closes_it(
    admin_user, django_capture_on_commit_callbacks
):
    invitation = invite(admin_user)
    old_hash = invitation.token_hash
    with django_capture_on_commit_callbacks(execute=True):
        team.invitation_resend(invitation=invitation, actor=admin_user)
    invitation.refresh_from_db()
    assert invitation.token_hash != old_hash
    assert len(mail.outbox) == 1
    assert last_record().kind == Activity.Kind.INVITATION_RESENT
    team.invitation_cancel(invitation=invitation, actor=admin_user)
    assert last_record().kind == Activity.Kind.INVITATION_CANCELLED
    assert refusal(lambda: team.invitation_cancel(invitation=invitation, actor=admin_user)) == (
        INVITATION_CLOSED
    )


def test_accepting_creates_the_account_in_the_inviting_organization(admin_user):
    invitation = invite(admin_user, roles=[UA, BILLING])
    token = "known-token"
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=team.token_hash(token))
    account = team.invitation_accept(token=token, password=TEST_PASSWORD)
    assert account.organization == admin_user.organization
    assert account.roles == [UA, BILLING]
    assert account.check_password(TEST_PASSWORD)
    assert last_record().kind == Activity.Kind.INVITATION_ACCEPTED
    assert last_record().actor == account
    assert refusal(lambda: team.invitation_accept(token=token, password=TEST_PASSWORD)) == (
        team.LINK_USED
    )


def test_a_weak_password_is_refused_and_nothing_is_created(admin_user):
    invitation = invite(admin_user)
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=team.token_hash("t"))
    assert "too common" in refusal(lambda: team.invitation_accept(token="t", password="password"))
    assert not User.objects.filter(email=invitation.email).exists()


def test_roles_change_with_its_record(admin_user):
    member = UserFactory.create(organization=admin_user.organization, roles=[BILLING])
    team_members.member_roles_change(member=member, roles=[UA], actor=admin_user)
    member.refresh_from_db()
    assert member.roles == [UA]
    record = last_record()
    assert record.kind == Activity.Kind.ROLES_CHANGED
    assert record.before["roles"] == [BILLING]
    assert record.after["roles"] == [UA]
    assert refusal(
        lambda: team_members.member_roles_change(member=member, roles=[UA], actor=admin_user)
    ) == ROLES_UNCHANGED % {"email": member.email}


def test_nobody_removes_their_own_global_admin_role(admin_user):
    UserFactory.create(organization=admin_user.organization, roles=[GA])
    message = refusal(
        lambda: team_members.member_roles_change(member=admin_user, roles=[UA], actor=admin_user)
    )
    assert message == NOT_YOURSELF_DEMOTE
    assert not Activity.objects.exists()


def test_only_a_global_admin_acts_on_a_global_admin_or_the_role(admin_user):
    user_admin = UserFactory.create(organization=admin_user.organization, roles=[UA])
    other = UserFactory.create(organization=admin_user.organization, roles=[BILLING])
    inactive = UserFactory.create(organization=admin_user.organization, roles=[GA], is_active=False)
    invitation = invite(admin_user, roles=[GA])
    for change in (
        lambda: team_members.member_roles_change(member=admin_user, roles=[UA], actor=user_admin),
        lambda: team_members.member_roles_change(
            member=admin_user, roles=[GA, BILLING], actor=user_admin
        ),
        lambda: team_members.member_roles_change(member=other, roles=[GA], actor=user_admin),
        lambda: team_members.member_deactivate(member=admin_user, actor=user_admin),
        lambda: team_members.member_reactivate(member=inactive, actor=user_admin),
        lambda: invite(user_admin, "another@partner.example", roles=[GA]),
        lambda: team.invitation_resend(invitation=invitation, actor=user_admin),
        lambda: team.invitation_cancel(invitation=invitation, actor=user_admin),
    ):
        assert refusal(change) == ONLY_GLOBAL_ADMIN
    assert Activity.objects.count() == 1  # the invitation, by the Global admin
    admin_user.refresh_from_db()
    assert admin_user.roles == [GA]
    invitation.refresh_from_db()
    assert invitation.cancelled_at is None


def test_a_global_admin_acts_on_another_global_admin(admin_user):
    peer = UserFactory.create(organization=admin_user.organization, roles=[GA])
    team_members.member_roles_change(member=peer, roles=[GA, BILLING], actor=admin_user)
    team_members.member_deactivate(member=peer, actor=admin_user)
    team_members.member_reactivate(member=peer, actor=admin_user)
    invitation = invite(admin_user, roles=[GA])
    team.invitation_resend(invitation=invitation, actor=admin_user)
    team.invitation_cancel(invitation=invitation, actor=admin_user)
    assert Activity.objects.count() == 6


def test_the_last_active_global_admin_is_kept(organization):
    last = UserFactory.create(organization=organization, roles=[GA])
    UserFactory.create(organization=organization, roles=[GA], is_active=False)  # doesn't count
    members = {m.pk: m for m in User.objects.filter(organization=organization)}
    assert refusal(lambda: team_members.check_not_last_global_admin(members, last)) == (
        LAST_GLOBAL_ADMIN % {"email": last.email}
    )


def test_an_actor_who_lost_access_meanwhile_is_refused(admin_user):
    peer = UserFactory.create(organization=admin_user.organization, roles=[GA])
    team_members.member_roles_change(member=admin_user, roles=[], actor=peer)
    message = refusal(lambda: team_members.member_deactivate(member=peer, actor=admin_user))
    assert message == team.NO_LONGER_ADMIN
    assert Activity.objects.count() == 1


def test_deactivation_ends_sessions_and_reactivation_does_not_revive_them(admin_user):
    member = UserFactory.create(organization=admin_user.organization, roles=[BILLING])
    browser = Client()
    browser.force_login(member)
    assert browser.get(reverse("home")).status_code == 200
    team_members.member_deactivate(member=member, actor=admin_user)
    assert last_record().kind == Activity.Kind.MEMBER_DEACTIVATED
    assert browser.get(reverse("home")).status_code == 302
    team_members.member_reactivate(member=member, actor=admin_user)
    assert last_record().kind == Activity.Kind.MEMBER_REACTIVATED
    assert browser.get(reverse("home")).status_code == 302
    assert SESSION_KEY not in browser.session
    fresh = Client()
    fresh.force_login(User.objects.get(pk=member.pk))
    assert fresh.get(reverse("home")).status_code == 200


def test_nobody_deactivates_themselves(admin_user):
    assert refusal(
        lambda: team_members.member_deactivate(member=admin_user, actor=admin_user)
    ) == str(NOT_YOURSELF_DEACTIVATE)
    assert not Activity.objects.exists()


def test_deactivation_revokes_api_tokens(admin_user, monkeypatch):
    member = UserFactory.create(organization=admin_user.organization, roles=[BILLING])
    revoked = []
    monkeypatch.setattr(team_members, "revoke_api_tokens", lambda *, member: revoked.append(member))
    team_members.member_deactivate(member=member, actor=admin_user)
    assert revoked == [member]
