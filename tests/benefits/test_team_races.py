"""Concurrency on PostgreSQL: two Global admins demote each other at the same moment; two
invitations of one address are accepted at the same moment.

The control takes the lock out and shows both demotions then go through, leaving the
organization without a Global admin: proof that the test can catch a missing lock."""

from __future__ import annotations

import time

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Invitation, Role, User
from benefits.services import team, team_members
from tests.accounts.factories import TEST_PASSWORD, OrganizationFactory, UserFactory
from tests.conftest import invitation_with_link, run_at_once

GA = Role.GLOBAL_ADMIN.value


@pytest.fixture
def two_admins(postgres, monkeypatch):
    """Two Global admins, and a pause between the checks and the write wide enough for both
    to pass their checks before either writes: the window a missing lock would leave open."""
    monkeypatch.setattr(team_members, "_pause_before_write", lambda _seconds: time.sleep(0.3))
    organization = OrganizationFactory()
    return [UserFactory.create(organization=organization, roles=[GA]) for _ in range(2)]


def demote_each_other(admins: list[User]) -> list:
    return run_at_once(
        2,
        lambda index: team_members.member_roles_change(
            member=admins[1 - index], roles=[], actor=admins[index]
        ),
    )


def global_admins_left(admins: list[User]) -> int:
    rows = User.objects.filter(organization=admins[0].organization, is_active=True)
    return sum(GA in row.roles for row in rows)


def test_two_admins_demoting_each_other_leave_one_global_admin(two_admins):
    outcomes = demote_each_other(two_admins)
    assert sum(isinstance(outcome, User) for outcome in outcomes) == 1
    refused = next(outcome for outcome in outcomes if not isinstance(outcome, User))
    assert isinstance(refused, ValidationError)
    assert refused.messages == [str(team.NO_LONGER_ADMIN)]
    assert global_admins_left(two_admins) == 1


def test_control_without_the_lock_both_go_and_no_global_admin_is_left(two_admins, monkeypatch):
    monkeypatch.setattr(
        team_members,
        "lock_members",
        lambda organization: {m.pk: m for m in User.objects.filter(organization=organization)},
    )
    outcomes = demote_each_other(two_admins)
    assert all(isinstance(outcome, User) for outcome in outcomes)
    assert global_admins_left(two_admins) == 0


def test_two_invitations_of_one_address_accepted_at_once_make_one_account(postgres, monkeypatch):
    """Both acceptances pass the "no account has the address" check before either writes; the
    unique address stops the second, which gets the unusable-link answer instead of an error."""
    monkeypatch.setattr(team, "_pause_before_write", lambda _seconds: time.sleep(0.3))
    tokens = ["first-token", "second-token"]
    for token in tokens:
        organization = OrganizationFactory.create()
        admin = UserFactory.create(organization=organization, roles=[GA])
        invitation_with_link(admin, "twice@partner.example", token)
    outcomes = run_at_once(
        2, lambda index: team.invitation_accept(token=tokens[index], password=TEST_PASSWORD)
    )
    assert sum(isinstance(outcome, User) for outcome in outcomes) == 1
    refused = next(outcome for outcome in outcomes if not isinstance(outcome, User))
    assert isinstance(refused, ValidationError)
    assert refused.messages == [str(team.LINK_UNUSABLE)]
    assert User.objects.filter(email="twice@partner.example").count() == 1
    assert Invitation.objects.filter(accepted_at__isnull=False).count() == 1
