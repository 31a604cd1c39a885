"""Thirty admins press Redeem on the same key at the same moment (PostgreSQL).

The lock alone must keep it to one redemption, and so must the database constraint alone; the
control takes both out and shows the race then redeems the key many times."""

from __future__ import annotations

import time
from contextlib import contextmanager

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from accounts.models import Tenant, User
from benefits.models import Activity, ProductKey, Subscription
from benefits.services import redemption
from benefits.services.redemption import Action
from benefits.services.redemption import redeem as redeem_module
from tests.conftest import run_at_once

ADMINS = 30
KEY = "36XHH-2D2TT-9HB6D-FV6M9-F7CPQ"


@pytest.fixture
def race(postgres, demo_data, monkeypatch):
    """The reviewed extension of Office 365 with the 25-seat key, and a pause between the
    checks and the writes so that every thread has checked before any writes."""
    organization = User.objects.get(email="admin@contoso.example").organization
    assert organization is not None
    tenant = Tenant.objects.get(primary_domain="contoso.onmicrosoft.com")
    office = Subscription.objects.get(tenant=tenant, product__name="Office 365 E3")
    key = redemption.key_find(organization=organization, raw=KEY)
    reviewed = redemption.redemption_preview(
        key=key,
        action=Action.EXTEND,
        tenant=tenant,
        subscription=office,
        today=timezone.localdate(),
    )
    apply = redeem_module._apply

    def slow_apply(preview, **kwargs):
        time.sleep(0.3)
        return apply(preview, **kwargs)

    monkeypatch.setattr(redeem_module, "_apply", slow_apply)
    admin = User.objects.get(email="admin@contoso.example")

    def press_redeem(index):
        # Thirty reviews, one per admin: each its own token.
        return redemption.key_redeem(
            organization=organization,
            key=key,
            action=Action.EXTEND,
            tenant=tenant,
            subscription=office,
            reviewed=reviewed.fingerprint(),
            token=f"review-{index}",
            actor=admin,
            today=timezone.localdate(),
        )

    return {"office": office, "reviewed": reviewed, "press": press_redeem}


def without_locks(monkeypatch):
    """select_for_update() that locks nothing: what a missing lock would leave."""
    from django.db.models import QuerySet

    monkeypatch.setattr(QuerySet, "select_for_update", lambda self, **kwargs: self)


@contextmanager
def without_the_constraint():
    constraint = next(
        c for c in Activity._meta.constraints if c.name == "activity_one_redemption_per_key"
    )
    with connection.schema_editor() as editor:
        editor.remove_constraint(Activity, constraint)
    try:
        yield
    finally:
        # Duplicates the control created would stop the index from being built again; the
        # records are append-only for the portal, so they are cleared in SQL.
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM benefits_activity")
        with connection.schema_editor() as editor:
            editor.add_constraint(Activity, constraint)


def count(outcomes, kind) -> int:
    return sum(isinstance(outcome, kind) for outcome in outcomes)


def test_thirty_admins_redeem_the_key_once(race):
    outcomes = run_at_once(ADMINS, race["press"])
    assert count(outcomes, Activity) == 1
    refusals = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(refusals) == ADMINS - 1
    assert all(r.messages[0].startswith(str(redemption.KEY_USED)) for r in refusals)
    office = Subscription.objects.get(pk=race["office"].pk)
    assert office.end_date == race["reviewed"].term.end_date  # moved once: +3 months
    assert Activity.objects.filter(kind=Activity.Kind.KEY_REDEEMED).count() == 1
    assert ProductKey.objects.get(key=KEY).redeemed_into == office


def test_the_lock_alone_keeps_it_to_one(race):
    with without_the_constraint():
        outcomes = run_at_once(ADMINS, race["press"])
        assert count(outcomes, Activity) == 1


def test_the_constraint_alone_keeps_it_to_one(race, monkeypatch):
    without_locks(monkeypatch)
    outcomes = run_at_once(ADMINS, race["press"])
    assert count(outcomes, Activity) == 1
    office = Subscription.objects.get(pk=race["office"].pk)
    assert office.end_date == race["reviewed"].term.end_date


def test_control_without_lock_and_constraint_the_key_is_redeemed_many_times(race, monkeypatch):
    without_locks(monkeypatch)
    with without_the_constraint():
        outcomes = run_at_once(ADMINS, race["press"])
        assert count(outcomes, Activity) > 1


def test_two_keys_activated_at_once_into_one_expired_subscription_both_count(
    postgres, demo_data, monkeypatch
):
    """Two admins re-activate the same Disabled subscription with two different keys: one
    redeems as reviewed, the other is told the subscription changed; no seats are lost."""
    from tests.benefits.factories import ProductKeyFactory

    organization = User.objects.get(email="admin@contoso.example").organization
    assert organization is not None
    tenant = Tenant.objects.get(primary_domain="contoso.onmicrosoft.com")
    intune = Subscription.objects.get(tenant=tenant, product__name="Microsoft Intune")
    first = ProductKey.objects.get(key="KFCQB-TWKJX-J7KTQ-M4PMB-QQRJQ")
    second = ProductKeyFactory.create(benefit=first.benefit, licenses=20)
    today = timezone.localdate()
    reviews = [
        redemption.redemption_preview(
            key=key, action=Action.ACTIVATE, tenant=tenant, subscription=None, today=today
        )
        for key in (first, second)
    ]
    admin = User.objects.get(email="admin@contoso.example")
    apply = redeem_module._apply

    def slow_apply(preview, **kwargs):
        time.sleep(0.3)
        return apply(preview, **kwargs)

    monkeypatch.setattr(redeem_module, "_apply", slow_apply)
    outcomes = run_at_once(
        2,
        lambda index: redemption.key_redeem(
            organization=organization,
            key=reviews[index].key,
            action=Action.ACTIVATE,
            tenant=tenant,
            subscription=None,
            reviewed=reviews[index].fingerprint(),
            token=f"review-{index}",
            actor=admin,
            today=today,
        ),
    )
    assert count(outcomes, Activity) == 1
    assert count(outcomes, redemption.SubscriptionChanged) == 1
    intune.refresh_from_db()
    winner = next(o for o in outcomes if isinstance(o, Activity))
    assert winner.product_key is not None
    assert intune.seats == winner.product_key.licenses
    assert ProductKey.objects.filter(redeemed_into=intune).count() == 1
