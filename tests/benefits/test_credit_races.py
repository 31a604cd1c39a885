"""Concurrency on PostgreSQL: admins pressing Assign at the same moment.

Each race has a control that takes the lock out and shows the race then does harm, proving the
test can catch a missing lock."""

from __future__ import annotations

import time

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import DirectoryUser
from benefits.models import Activity, Benefit, CreditAssignment
from benefits.services import credits
from benefits.services.credits import ALREADY_HOLDS_OTHER, changes
from tests.accounts.factories import DirectoryUserFactory, TenantFactory, UserFactory
from tests.benefits.factories import BenefitFactory
from tests.conftest import run_at_once

PEOPLE = 8


@pytest.fixture
def slow_write(monkeypatch):
    """A pause between the checks and the write, wide enough for every thread to pass its
    checks before any writes: the window a missing lock would leave open."""
    hold = changes._hold

    def slow_hold(benefit, person, actor):
        time.sleep(0.3)
        return hold(benefit, person, actor)

    monkeypatch.setattr(changes, "_hold", slow_hold)


@pytest.fixture
def scene(postgres, slow_write):
    """One monthly credit with a single seat, and people who all want it."""
    tenant = TenantFactory()
    benefit = BenefitFactory(organization=tenant.organization, monthly_credit=True, quantity=1)
    people = [DirectoryUserFactory(tenant=tenant) for _ in range(PEOPLE)]
    admin = UserFactory(organization=tenant.organization)
    return benefit, people, admin


def assign_each(benefit: Benefit, people: list[DirectoryUser], admin) -> list:
    today = timezone.localdate()
    return run_at_once(
        len(people),
        lambda index: credits.credit_assign(
            benefit=benefit, directory_user=people[index], actor=admin, today=today
        ),
    )


def successes(outcomes: list) -> int:
    return sum(isinstance(outcome, Activity) for outcome in outcomes)


def test_the_last_seat_goes_to_exactly_one_of_many_admins(scene):
    benefit, people, admin = scene
    outcomes = assign_each(benefit, people, admin)
    assert successes(outcomes) == 1
    refusals = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(refusals) == PEOPLE - 1
    assert all("This credit’s only seat is assigned" in r.messages[0] for r in refusals)
    assert CreditAssignment.objects.filter(benefit=benefit).count() == 1
    assert Activity.objects.filter(benefit=benefit).count() == 1


def test_control_without_the_lock_the_seat_is_given_many_times(scene, monkeypatch):
    benefit, people, admin = scene
    monkeypatch.setattr(
        changes,
        "_lock_benefit",
        lambda benefit: Benefit.objects.select_related("product").get(pk=benefit.pk),
    )
    outcomes = assign_each(benefit, people, admin)
    assert successes(outcomes) > 1
    assert CreditAssignment.objects.filter(benefit=benefit).count() > benefit.quantity


def test_one_person_cannot_end_up_with_two_credits(postgres, slow_write, monkeypatch):
    """Two admins give the same person two different credits at once; even with the person
    lock taken out, the database constraint keeps it to one."""
    tenant = TenantFactory()
    first = BenefitFactory.create(organization=tenant.organization, monthly_credit=True, quantity=5)
    second = BenefitFactory.create(
        organization=tenant.organization, monthly_credit=True, quantity=5
    )
    person = DirectoryUserFactory.create(tenant=tenant)
    admin = UserFactory.create(organization=tenant.organization)
    monkeypatch.setattr(
        changes,
        "_lock_people",
        lambda benefit, *people: [
            DirectoryUser.objects.select_related("tenant").get(pk=p.pk) for p in people
        ],
    )
    today = timezone.localdate()
    outcomes = run_at_once(
        2,
        lambda index: credits.credit_assign(
            benefit=(first, second)[index], directory_user=person, actor=admin, today=today
        ),
    )
    assert successes(outcomes) == 1
    loser = next(o for o in outcomes if not isinstance(o, Activity))
    assert isinstance(loser, ValidationError)
    assert loser.code == "one_credit_per_person"
    winner = next(o for o in outcomes if isinstance(o, Activity))
    assert loser.messages == [
        ALREADY_HOLDS_OTHER % {"name": person.display_name, "credit": winner.before["product"]}
    ]
    assert CreditAssignment.objects.filter(directory_user=person).count() == 1
    assert Activity.objects.count() == 1
