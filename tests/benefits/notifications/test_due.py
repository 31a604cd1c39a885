"""The rules of SPEC 10 for what is due, per kind and threshold, and what they cost."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import DirectoryUser
from benefits import licensing
from benefits.models import CreditAssignment, Product
from benefits.notifications.due import (
    BENEFIT_EXPIRING_DAYS,
    SUBSCRIPTION_ENDING_DAYS,
    notices_due,
)
from benefits.notifications.models import NoticeKind
from tests.accounts.factories import OrganizationFactory, TenantFactory
from tests.benefits.factories import (
    BenefitFactory,
    ProductFactory,
    ProductKeyFactory,
    SubscriptionFactory,
)

TODAY = date(2026, 11, 30)


def due(organization, today=TODAY) -> set[tuple[str, str, int]]:
    return {
        (notice.kind, notice.product, notice.threshold)
        for notice in notices_due(organization_id=organization.pk, today=today)
    }


@given(days_left=st.integers(min_value=-400, max_value=400))
def test_the_threshold_due_is_the_smallest_the_end_is_within(days_left):
    ends_on = TODAY + timedelta(days=days_left)
    threshold = licensing.notice_threshold(
        ends_on=ends_on, today=TODAY, thresholds=BENEFIT_EXPIRING_DAYS
    )
    if days_left < 0 or days_left > 30:
        assert threshold is None
    elif days_left <= 7:
        assert threshold == 7
    else:
        assert threshold == 30
    if threshold is not None:
        due_since = licensing.notice_due_since(ends_on=ends_on, threshold=threshold)
        assert due_since <= TODAY


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [(61, None), (60, 60), (15, 60), (14, 14), (0, 14), (-1, None)],
)
def test_subscription_thresholds_to_the_day(days_left, expected):
    assert (
        licensing.notice_threshold(
            ends_on=TODAY + timedelta(days=days_left),
            today=TODAY,
            thresholds=SUBSCRIPTION_ENDING_DAYS,
        )
        == expected
    )


@pytest.mark.django_db
def test_each_kind_follows_its_rule():
    organization = OrganizationFactory.create()
    soon = BenefitFactory.create(
        organization=organization,
        product=ProductFactory.create(name="Intune"),
        expiration_date=TODAY + timedelta(days=20),
    )
    ProductKeyFactory.create(benefit=soon, licenses=10)
    late = BenefitFactory.create(
        organization=organization,
        product=ProductFactory.create(name="Visio"),
        expiration_date=TODAY + timedelta(days=45),
    )
    ProductKeyFactory.create(benefit=late, licenses=30)  # extends a 10-seat subscription
    ProductKeyFactory.create(benefit=late, licenses=31)  # more than 3 × 10: it can't
    all_redeemed = BenefitFactory.create(
        organization=organization,
        product=ProductFactory.create(name="Project"),
        expiration_date=TODAY + timedelta(days=45),
    )
    BenefitFactory.create(  # expired: nothing is due about it any more
        organization=organization,
        product=ProductFactory.create(name="Azure AD Basic"),
        expiration_date=TODAY - timedelta(days=1),
    )
    credit = BenefitFactory.create(
        organization=organization,
        monthly_credit=True,
        product=ProductFactory.create(name="Azure credit", kind=Product.Kind.USAGE),
        quantity=2,
        expiration_date=TODAY + timedelta(days=5),
    )
    tenant = TenantFactory.create(organization=organization)
    ProductKeyFactory.create(
        benefit=all_redeemed,
        redeemed_at=timezone.now(),
        redeemed_into=SubscriptionFactory.create(tenant=tenant, product=all_redeemed.product),
    )
    person = DirectoryUser.objects.create(
        tenant=tenant, display_name="Adele", user_principal_name="adele@contoso.example"
    )
    CreditAssignment.objects.create(benefit=credit, directory_user=person)
    SubscriptionFactory.create(
        tenant=tenant,
        product=ProductFactory.create(name="Visio"),
        end_date=TODAY + timedelta(days=14),
    )
    SubscriptionFactory.create(  # 61 days: not yet
        tenant=tenant,
        product=ProductFactory.create(name="Intune"),
        end_date=TODAY + timedelta(days=61),
    )

    assert due(organization) == {
        (NoticeKind.BENEFIT_EXPIRING, "Intune", 30),
        (NoticeKind.BENEFIT_EXPIRING, "Azure credit", 7),
        (NoticeKind.KEYS_UNREDEEMED, "Intune", 60),
        (NoticeKind.KEYS_UNREDEEMED, "Visio", 60),
        (NoticeKind.SUBSCRIPTION_ENDING, "Visio", 14),
        (NoticeKind.CREDIT_SEATS_FREE, "Azure credit", 60),
    }
    by_kind = {
        (n.kind, n.product): n for n in notices_due(organization_id=organization.pk, today=TODAY)
    }
    assert by_kind[NoticeKind.SUBSCRIPTION_ENDING, "Visio"].keys == 1  # the key that extends it
    assert by_kind[NoticeKind.KEYS_UNREDEEMED, "Visio"].keys == 2
    assert by_kind[NoticeKind.CREDIT_SEATS_FREE, "Azure credit"].seats_free == 1
    assert by_kind[NoticeKind.KEYS_UNREDEEMED, "Intune"].licenses == 10
    # Newest first: the credit became due at 60 days, 55 days ago; the Visio subscription today.
    newest = notices_due(organization_id=organization.pk, today=TODAY)[0]
    assert newest.due_since == TODAY
    # Another organization sees none of it.
    assert due(OrganizationFactory.create()) == set()


def _fill(organization, count: int) -> None:
    tenant = TenantFactory.create(organization=organization)
    for index in range(count):
        benefit = BenefitFactory.create(
            organization=organization, expiration_date=TODAY + timedelta(days=index % 70)
        )
        ProductKeyFactory.create(benefit=benefit)
        SubscriptionFactory.create(
            tenant=tenant,
            product=benefit.product,
            end_date=TODAY + timedelta(days=index % 70),
            start_date=TODAY - timedelta(days=400),
        )
        BenefitFactory.create(
            organization=organization,
            monthly_credit=True,
            expiration_date=TODAY + timedelta(days=index % 70),
        )


@pytest.mark.django_db
def test_what_is_due_costs_one_query_per_kind_whatever_the_data():
    counts = []
    for size in (5, 500):
        organization = OrganizationFactory.create()
        _fill(organization, size)
        with CaptureQueriesContext(connection) as queries:
            notices = notices_due(organization_id=organization.pk, today=TODAY)
        assert len(notices) > size  # the data is really there
        counts.append(len(queries))
    assert counts == [4, 4]
