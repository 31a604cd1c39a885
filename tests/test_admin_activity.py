"""Staff's changes in the admin reach the partner's activity log (SPEC: every change is recorded):
a benefit's quantity, expiration or credit, a subscription's licenses or dates, each as it was
and as it is, named for the member of staff who made it."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import translation
from django.utils.html import escape

from benefits.models import Activity, Benefit, BenefitType, Offer, Product, Subscription
from benefits.models.subscriptions import SUBSCRIPTION_IN_LOG_STAYS
from benefits.templatetags.benefit_tags import as_time, changes_html, changes_text
from tests.accounts.factories import TenantFactory
from tests.admin_forms import change_form
from tests.benefits.webhooks.endpoints import endpoint_make
from tests.conftest import url

pytestmark = pytest.mark.django_db


def _post(staff_client, model: str, pk: int, **changes):
    address, data = change_form(staff_client, model, pk)
    data.update({field: [str(value)] for field, value in changes.items()})
    return staff_client.post(address, data)


def _records(kind: str) -> list[Activity]:
    return list(Activity.objects.filter(kind=kind).order_by("pk"))


@pytest.fixture
def partner(contoso_admin) -> Client:
    """Contoso's admin in a browser of their own (staff_client holds the staff account)."""
    browser = Client()
    browser.force_login(contoso_admin)
    return browser


def test_a_benefit_staff_change_is_recorded_with_what_changed(staff_client, monthly_credit):
    old_end = monthly_credit.expiration_date
    new_end = old_end + timedelta(days=365)
    response = _post(
        staff_client, "benefits_benefit", monthly_credit.pk, quantity=3, expiration_date=new_end
    )
    assert response.status_code == 302
    [record] = _records(Activity.Kind.BENEFIT_CHANGED)
    assert record.actor_email == "staff@partnerbenefits.example"
    assert (record.organization_id, record.benefit_id) == (
        monthly_credit.organization_id,
        monthly_credit.pk,
    )
    product = monthly_credit.product.name
    assert record.before == {
        "product": product,
        "changed": {"quantity": 2, "expires": old_end.isoformat()},
    }
    assert record.after == {
        "product": product,
        "changed": {"quantity": 3, "expires": new_end.isoformat()},
    }


def test_the_partner_reads_a_staff_change_in_the_log_and_its_export(
    staff_client, partner, monthly_credit
):
    _post(staff_client, "benefits_benefit", monthly_credit.pk, credit_amount="175.00")
    page = partner.get(url("activity")).content.decode()
    assert escape(str(Activity.Kind.BENEFIT_CHANGED.label)) in page
    assert "credit $100.00 per month" in page
    assert "credit $175.00 per month" in page
    lines = list(
        csv.reader(
            io.StringIO(partner.get(url("activity_export")).getvalue().decode().lstrip("\ufeff"))
        )
    )
    [line] = [line for line in lines if line[3] == Activity.Kind.BENEFIT_CHANGED.label]
    assert line[4] == monthly_credit.product.name
    assert (line[8], line[9]) == ("credit $100.00 per month", "credit $175.00 per month")


@pytest.mark.parametrize("typed", [{}, {"credit_amount": "100"}])
def test_a_save_that_changes_nothing_records_nothing(staff_client, monthly_credit, typed):
    """The amount typed as 100 is the 100.00 stored: not a change."""
    assert _post(staff_client, "benefits_benefit", monthly_credit.pk, **typed).status_code == 302
    assert not _records(Activity.Kind.BENEFIT_CHANGED)


def test_a_new_benefit_is_not_recorded_and_stays_deletable(staff_client, contoso):
    """Adding a benefit is the grant itself; a record would keep a mistaken one forever."""
    product = Product.objects.create(name="Visio Plan 2", kind=Product.Kind.LICENSE)
    response = staff_client.post(
        url("admin:benefits_benefit_add"),
        {
            "organization": contoso.pk,
            "product": product.pk,
            "offer": Offer.GOLD_COMPETENCY,
            "benefit_type": BenefitType.CORE,
            "quantity": 5,
            "expiration_date": "2027-06-30",
            "keys-TOTAL_FORMS": 0,
            "keys-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    added = Benefit.objects.get(organization=contoso, product=product)
    assert not Activity.objects.filter(benefit=added).exists()
    _delete_benefit(staff_client, added)


def _delete_benefit(staff_client, benefit: Benefit) -> None:
    delete = url("admin:benefits_benefit_delete", benefit.pk)
    assert staff_client.post(delete, {"post": "yes"}).status_code == 302
    assert not Benefit.objects.filter(pk=benefit.pk).exists()


def test_a_benefit_moved_with_new_figures_is_not_recorded(staff_client, contoso, fabrikam):
    """Given to the wrong organization and corrected, quantity and all: neither organization's
    log shows the other's figures, and the benefit can still be deleted."""
    misplaced = Benefit.objects.create(
        organization=contoso,
        product=Product.objects.create(name="Visio Plan 2", kind=Product.Kind.LICENSE),
        offer=Offer.GOLD_COMPETENCY,
        benefit_type=BenefitType.CORE,
        quantity=5,
        expiration_date=date(2027, 6, 30),
    )
    response = _post(
        staff_client, "benefits_benefit", misplaced.pk, organization=fabrikam.pk, quantity=7
    )
    assert response.status_code == 302
    assert Benefit.objects.get(pk=misplaced.pk).organization_id == fabrikam.pk
    assert not _records(Activity.Kind.BENEFIT_CHANGED)
    _delete_benefit(staff_client, misplaced)


def test_a_subscription_staff_change_is_recorded_in_its_organization(
    staff_client, partner, office_subscription
):
    later = office_subscription.end_date + timedelta(days=30)
    response = _post(
        staff_client,
        "benefits_subscription",
        office_subscription.pk,
        seats=office_subscription.seats + 5,
        end_date=later,
    )
    assert response.status_code == 302
    [record] = _records(Activity.Kind.SUBSCRIPTION_CHANGED)
    assert record.organization_id == office_subscription.tenant.organization_id
    assert (record.subscription_id, record.benefit_id) == (office_subscription.pk, None)
    assert record.after["tenant"] == office_subscription.tenant.primary_domain
    assert record.before["changed"] == {
        "seats": office_subscription.seats,
        "end": office_subscription.end_date.isoformat(),
    }
    assert record.after["changed"] == {
        "seats": office_subscription.seats + 5,
        "end": later.isoformat(),
    }
    page = partner.get(url("activity")).content.decode()
    ends = as_time(later)
    assert f"{office_subscription.seats + 5} licenses, ends {ends}" in page
    assert office_subscription.product.name in page


def test_a_subscription_save_that_changes_nothing_records_nothing(
    staff_client, office_subscription
):
    assert _post(staff_client, "benefits_subscription", office_subscription.pk).status_code == 302
    assert not _records(Activity.Kind.SUBSCRIPTION_CHANGED)


def test_a_subscription_the_log_names_keeps_its_tenant(staff_client, office_subscription):
    """Its record would otherwise describe another tenant, perhaps another organization's."""
    assert not office_subscription.redeemed_keys.exists()  # only the staff change names it
    _post(staff_client, "benefits_subscription", office_subscription.pk, seats=7)
    assert _records(Activity.Kind.SUBSCRIPTION_CHANGED)
    other_tenant = TenantFactory.create()  # one tenant per organization: another's
    response = _post(
        staff_client, "benefits_subscription", office_subscription.pk, tenant=other_tenant.pk
    )
    assert response.status_code == 200
    assert escape(str(SUBSCRIPTION_IN_LOG_STAYS)) in response.content.decode()
    assert Subscription.objects.get(pk=office_subscription.pk).tenant_id != other_tenant.pk


def test_staff_changes_reach_the_webhooks_asking_for_them(
    staff_client, contoso, monthly_credit, office_subscription
):
    endpoint = endpoint_make(contoso, kinds=["benefit_changed", "subscription_changed"])
    _post(staff_client, "benefits_benefit", monthly_credit.pk, quantity=4)
    _post(staff_client, "benefits_subscription", office_subscription.pk, seats=9)
    kinds = [delivery.activity.kind for delivery in endpoint.deliveries.order_by("pk")]
    assert kinds == [Activity.Kind.BENEFIT_CHANGED, Activity.Kind.SUBSCRIPTION_CHANGED]


def test_a_staff_change_reads_in_french():
    changed = {
        "quantity": 4,
        "expires": "2027-06-30",
        "offer": Offer.GOLD_COMPETENCY.value,
        "credit": {"amount": "150.00", "currency": "EUR", "period": "annual"},
        "seats": 2,
        "end": "2027-01-31",
    }
    with translation.override("fr"):
        text = changes_text(changed)
    assert text == (
        "quantité 4, 2 licences, crédit 150,00\u00a0€ par an, offre : Compétence Gold, "
        "fin le 2027-01-31, expire le 2027-06-30"
    )


def test_a_staff_change_is_escaped_on_the_page():
    shown = changes_html({"end": "2027-01-31", "<b>": "<script>"})
    assert shown == (
        'ends <time datetime="2027-01-31">Jan. 31, 2027</time>, &lt;b&gt;: &lt;script&gt;'
    )
