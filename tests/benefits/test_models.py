"""What the database itself guarantees: the last defences behind the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Tenant
from benefits.licensing import SubscriptionStatus
from benefits.models import Activity, AppendOnlyError, CreditAssignment
from benefits.models.credit_assignments import NOT_CREDIT, OTHER_ORGANIZATION
from tests.accounts.factories import DirectoryUserFactory, TenantFactory
from tests.benefits.factories import (
    BenefitFactory,
    ProductKeyFactory,
    SubscriptionFactory,
)

pytestmark = pytest.mark.django_db


def redemption_record(key, subscription):
    return Activity(
        organization=key.benefit.organization,
        kind=Activity.Kind.KEY_REDEEMED,
        product_key=key,
        subscription=subscription,
        benefit=key.benefit,
    )


def test_a_key_can_be_recorded_as_redeemed_only_once(organization):
    key = ProductKeyFactory.create(benefit__organization=organization)
    subscription = SubscriptionFactory(tenant=organization.tenants.get())
    redemption_record(key, subscription).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        redemption_record(key, subscription).save()
    assert Activity.objects.filter(product_key=key).count() == 1


def test_a_redeemed_key_must_say_into_which_subscription(organization):
    key = ProductKeyFactory.create(benefit__organization=organization)
    key.redeemed_at = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        key.save()


def test_keys_are_stored_in_canonical_form_only(organization):
    benefit = BenefitFactory(organization=organization)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductKeyFactory(benefit=benefit, key="36xhh2d2tt9hb6dfv6m9f7cpq")


def test_key_model_validation_normalises_what_staff_type(organization):
    key = ProductKeyFactory.build(
        benefit=BenefitFactory(organization=organization), key=" 36xhh 2d2tt 9hb6d fv6m9 f7cpq "
    )
    key.full_clean()
    assert key.key == "36XHH-2D2TT-9HB6D-FV6M9-F7CPQ"
    assert str(key) == "…-F7CPQ"


def test_a_person_holds_one_credit_at_most(organization):
    person = DirectoryUserFactory.create(tenant=organization.tenants.get())
    first = BenefitFactory.create(organization=organization, monthly_credit=True)
    second = BenefitFactory.create(organization=organization, monthly_credit=True)
    CreditAssignment.objects.create(benefit=first, directory_user=person)
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditAssignment.objects.create(benefit=second, directory_user=person)


def test_an_organization_has_one_primary_tenant(organization):
    with pytest.raises(IntegrityError), transaction.atomic():
        TenantFactory(organization=organization, is_primary=True)
    TenantFactory(organization=organization, is_primary=False)
    assert Tenant.objects.filter(organization=organization).count() == 2


def test_activity_records_are_append_only(organization):
    record = Activity.objects.create(organization=organization, kind=Activity.Kind.CREDIT_ASSIGNED)
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()
    with pytest.raises(AppendOnlyError):
        Activity.objects.filter(pk=record.pk).update(kind=Activity.Kind.CREDIT_REMOVED)
    with pytest.raises(AppendOnlyError):
        Activity.objects.filter(pk=record.pk).delete()
    assert Activity.objects.get(pk=record.pk).kind == Activity.Kind.CREDIT_ASSIGNED


def test_credit_amount_period_and_currency_come_together(organization):
    with pytest.raises(IntegrityError), transaction.atomic():
        BenefitFactory(organization=organization, credit_period="monthly")


def test_subscription_status_is_derived_from_today():
    today = timezone.localdate()
    subscription = SubscriptionFactory.create(end_date=today - timedelta(days=40))
    assert subscription.status_on(today) is SubscriptionStatus.DISABLED
    assert subscription.status_on(today - timedelta(days=40)) is SubscriptionStatus.ACTIVE


def test_deleted_subscriptions_are_no_longer_listed(organization):
    from benefits.models import Subscription

    today = timezone.localdate()
    tenant = organization.tenants.get()
    kept = SubscriptionFactory(tenant=tenant, end_date=today - timedelta(days=120))
    SubscriptionFactory(tenant=tenant, end_date=today - timedelta(days=121))
    assert list(Subscription.objects.listed_on(today)) == [kept]


def test_a_redemption_record_must_name_the_key_and_subscription(organization):
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.create(organization=organization, kind=Activity.Kind.KEY_REDEEMED)


def test_a_key_cannot_point_into_another_organizations_subscription(
    organization, other_organization
):
    from django.core.exceptions import ValidationError

    key = ProductKeyFactory.create(benefit__organization=organization)
    key.redeemed_at = timezone.now()
    key.redeemed_into = SubscriptionFactory.create(tenant=other_organization.tenants.get())
    with pytest.raises(ValidationError, match="another organization"):
        key.full_clean()


def test_credit_goes_only_to_people_of_the_benefits_organization(organization, other_organization):
    from django.core.exceptions import ValidationError

    benefit = BenefitFactory.create(organization=organization, monthly_credit=True)
    stranger = DirectoryUserFactory.create(tenant=other_organization.tenants.get())
    with pytest.raises(ValidationError) as refused:
        CreditAssignment(benefit=benefit, directory_user=stranger).full_clean()
    assert refused.value.message_dict == {"directory_user": [str(OTHER_ORGANIZATION)]}
    licensed = BenefitFactory.create(organization=organization)
    person = DirectoryUserFactory.create(tenant=organization.tenants.get())
    with pytest.raises(ValidationError) as refused:
        CreditAssignment(benefit=licensed, directory_user=person).full_clean()
    assert refused.value.message_dict == {"benefit": [str(NOT_CREDIT)]}


@pytest.mark.parametrize(("code", "valid"), [("EUR", True), ("JPY", True), ("XYZ", False)])
def test_currencies_are_real_iso_codes(code, valid):
    from django.core.exceptions import ValidationError

    from tests.accounts.factories import OrganizationFactory

    organization = OrganizationFactory.build(currency=code)
    if valid:
        organization.full_clean()
    else:
        with pytest.raises(ValidationError):
            organization.full_clean()
