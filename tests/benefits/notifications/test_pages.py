"""/notifications/: the organization's notices due today, newest first, what each says, the
unread ones marked, and the page's read marks; who may open it and what it costs."""

from __future__ import annotations

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import DirectoryUser, Role
from benefits.models import CreditAssignment, Product
from benefits.notifications.due import notices_due
from benefits.notifications.models import NoticeKind, NoticeRead
from tests.accounts.factories import OrganizationFactory, TenantFactory, UserFactory
from tests.benefits.factories import (
    BenefitFactory,
    ProductFactory,
    ProductKeyFactory,
    SubscriptionFactory,
)
from tests.conftest import url

pytestmark = pytest.mark.django_db

LIST = url("notifications:list")


def today():
    return timezone.localdate()


def expiring(organization, name: str, days: int, **kwargs):
    """A license-based benefit of ``organization`` expiring in ``days``, with one key."""
    benefit = BenefitFactory.create(
        organization=organization,
        product=ProductFactory.create(name=name),
        expiration_date=today() + timedelta(days=days),
        **kwargs,
    )
    ProductKeyFactory.create(benefit=benefit, licenses=25)
    return benefit


def notice_ids(page: str) -> list[str]:
    return re.findall(r'<li class="card[^"]*" id="notice-([^"]+)"', page)


def new_badges(page: str) -> int:
    return page.count('data-testid="new"')


def test_the_organizations_notices_are_listed_newest_first(partner_client, admin_user):
    organization = admin_user.organization
    intune = expiring(organization, "Microsoft Intune", 20)
    visio = expiring(organization, "Visio Plan 2", 5)
    page = partner_client.get(LIST).content.decode()
    expected = [
        f"{n.kind}-{n.object_id}-{n.threshold}"
        for n in notices_due(organization_id=organization.pk, today=today())
    ]
    assert notice_ids(page) == expected
    # Due since: Visio at 7 days 2 days ago, Intune at 30 days 10 days ago, Intune's keys at 60
    # days 40 days ago, Visio's 55 days ago.
    assert expected == [
        f"{NoticeKind.BENEFIT_EXPIRING}-{visio.pk}-7",
        f"{NoticeKind.BENEFIT_EXPIRING}-{intune.pk}-30",
        f"{NoticeKind.KEYS_UNREDEEMED}-{intune.pk}-60",
        f"{NoticeKind.KEYS_UNREDEEMED}-{visio.pk}-60",
    ]


def test_another_organizations_notices_are_never_shown(partner_client, other_organization):
    expiring(other_organization, "Fabrikam Visio", 10)
    SubscriptionFactory.create(
        tenant=other_organization.tenants.get(),
        product=ProductFactory.create(name="Fabrikam Project"),
        end_date=today() + timedelta(days=10),
    )
    page = partner_client.get(LIST).content.decode()
    assert "Fabrikam" not in page
    assert notice_ids(page) == []
    assert 'data-testid="nothing-due"' in page


def test_a_benefit_expiring_says_product_offer_date_days_and_keys(partner_client, admin_user):
    benefit = expiring(admin_user.organization, "Microsoft Intune", 20)
    page = partner_client.get(LIST).content.decode()
    ends = benefit.expiration_date
    assert f'<time datetime="{ends.isoformat()}">' in page
    assert "Microsoft Intune (Gold competency) expires on" in page
    assert "20 days left." in page
    assert "Product keys still available: 1." in page
    assert "Keys not yet redeemed: 1, with 25 licenses in all." in page
    assert f'href="{url("benefits:benefit_detail", benefit.pk)}"' in page


def test_a_subscription_ending_says_tenant_date_and_keys_that_extend_it(partner_client, admin_user):
    organization = admin_user.organization
    tenant = organization.tenants.get()
    product = ProductFactory.create(name="Power BI Pro")
    SubscriptionFactory.create(tenant=tenant, product=product, end_date=today())
    page = partner_client.get(LIST).content.decode()
    assert f"Your Power BI Pro subscription in {tenant.primary_domain} ends on" in page
    assert "No available key of this product can extend it." in page
    assert "Today is the last day." in page
    assert f'href="{url("products")}"' in page
    ProductKeyFactory.create(
        benefit=BenefitFactory.create(organization=organization, product=product)
    )
    page = partner_client.get(LIST).content.decode()
    assert "1 available key of this product can extend it." in page


def test_free_credit_seats_say_how_many_and_link_to_assign(partner_client, admin_user):
    organization = admin_user.organization
    credit = BenefitFactory.create(
        organization=organization,
        monthly_credit=True,
        product=ProductFactory.create(name="Azure credit", kind=Product.Kind.USAGE),
        quantity=3,
        expiration_date=today() + timedelta(days=40),
    )
    person = DirectoryUser.objects.create(
        tenant=organization.tenants.get(), display_name="Adele", user_principal_name="a@x.example"
    )
    CreditAssignment.objects.create(benefit=credit, directory_user=person)
    page = partner_client.get(LIST).content.decode()
    assert "2 seats are free." in page
    assert f'href="{url("benefits:credit_picker", credit.pk)}"' in page


def test_unread_notices_are_marked_then_read_once_the_page_is_seen(partner_client, admin_user):
    expiring(admin_user.organization, "Microsoft Intune", 20)
    first = partner_client.get(LIST).content.decode()
    assert new_badges(first) == 2
    assert "New</span>" in first  # the mark is a word, read aloud too, not a colour only
    assert set(NoticeRead.objects.values_list("account", "kind")) == {
        (admin_user.pk, NoticeKind.BENEFIT_EXPIRING),
        (admin_user.pk, NoticeKind.KEYS_UNREDEEMED),
    }
    assert new_badges(partner_client.get(LIST).content.decode()) == 0
    # Another account of the organization has read nothing yet.
    colleague = UserFactory.create(organization=admin_user.organization)
    partner_client.force_login(colleague)
    assert new_badges(partner_client.get(LIST).content.decode()) == 2


def test_a_notice_at_its_next_threshold_is_new_again(partner_client, admin_user):
    benefit = expiring(admin_user.organization, "Microsoft Intune", 20)
    partner_client.get(LIST)
    two_weeks_later = today() + timedelta(days=14)  # 6 days left: now due at 7 days
    with mock.patch("django.utils.timezone.localdate", return_value=two_weeks_later):
        page = partner_client.get(LIST).content.decode()
    assert f'id="notice-{NoticeKind.BENEFIT_EXPIRING}-{benefit.pk}-7"' in page
    assert new_badges(page) == 1  # the keys, still at 60 days, were read


def test_a_notice_whose_date_moved_is_new_again(partner_client, admin_user):
    benefit = expiring(admin_user.organization, "Microsoft Intune", 20)
    partner_client.get(LIST)
    benefit.expiration_date = today() + timedelta(days=25)  # renewed a little
    benefit.save()
    page = partner_client.get(LIST).content.decode()
    assert new_badges(page) == 2  # both notices now announce another date


def test_seeing_the_page_writes_the_marks_in_one_statement(partner_client, admin_user):
    for index in range(5):
        expiring(admin_user.organization, f"Product {index}", 10 + index)
    with CaptureQueriesContext(connection) as first:
        partner_client.get(LIST)
    writes = [q["sql"] for q in first if q["sql"].startswith("INSERT")]
    assert len(writes) == 1, writes
    assert NoticeRead.objects.count() == 10
    with CaptureQueriesContext(connection) as again:
        partner_client.get(LIST)
    assert not [q for q in again if q["sql"].startswith("INSERT")]


def fill(organization, count: int) -> None:
    """``count`` of every kind of notice."""
    tenant = organization.tenants.get()
    for index in range(count):
        benefit = expiring(organization, f"Product {count}-{index}", index % 60)
        SubscriptionFactory.create(
            tenant=tenant,
            product=benefit.product,
            end_date=today() + timedelta(days=index % 60),
            start_date=today() - timedelta(days=400),
        )
        BenefitFactory.create(
            organization=organization,
            monthly_credit=True,
            product=ProductFactory.create(name=f"Credit {count}-{index}", kind=Product.Kind.USAGE),
            expiration_date=today() + timedelta(days=index % 60),
        )


def test_the_page_costs_the_same_queries_for_5_and_500_of_everything(client):
    def measure(count: int) -> list[list[str]]:
        organization = OrganizationFactory.create()
        TenantFactory.create(organization=organization)
        client.force_login(UserFactory.create(organization=organization))
        fill(organization, count)
        visits = []
        for _visit in range(2):  # everything unread, then everything read
            with CaptureQueriesContext(connection) as captured:
                page = client.get(LIST).content.decode()
            assert len(notice_ids(page)) >= 3 * count  # the data is really there
            # Savepoints come from the test's own transaction: a request has none. The session
            # is a query unless the cache holds it (Redis).
            visits.append(
                [q["sql"] for q in captured if not re.search("SAVEPOINT|django_session", q["sql"])]
            )
        return visits

    def reads(queries: list[str]) -> int:
        return len([sql for sql in queries if not sql.startswith("INSERT")])

    small, large = measure(5), measure(500)
    # The account, one query per kind of notice, the read marks; then the marks written.
    assert [reads(visit) for visit in small] == [reads(visit) for visit in large] == [6, 6]
    assert [len(visit) for visit in small] == [7, 6]
    if connection.vendor == "postgresql":
        assert [len(visit) for visit in large] == [7, 6]
    # SQLite takes at most 999 parameters a statement: Django writes 500 × 3 marks in batches.


def test_nothing_due_says_so_and_when_notices_appear(partner_client):
    page = partner_client.get(LIST).content.decode()
    assert 'data-testid="nothing-due"' in page
    assert "30 and 7 days before a benefit expires" in page
    assert not NoticeRead.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(url("login"))


@pytest.mark.parametrize("roles", [[Role.BILLING_ADMIN.value], []])
def test_accounts_without_a_benefits_role_get_the_benefits_refusal(client, organization, roles):
    client.force_login(UserFactory.create(organization=organization, roles=roles))
    response = client.get(LIST)
    assert response.status_code == 403
    assert "MPN partner admin" in response.content.decode()  # the roles that have access
    home = client.get(url("home")).content.decode()
    assert f'href="{LIST}"' not in home  # neither in the navigation nor in the top bar


def test_the_navigation_leads_to_the_page(partner_client):
    page = partner_client.get(LIST).content.decode()
    navigation = page.split('aria-label="Main navigation"')[1].split("</nav>")[0]
    assert f'href="{LIST}" aria-current="page">Notifications</a>' in navigation
    assert f'href="{url("notifications:preferences")}"' in page


def test_a_post_is_refused(partner_client):
    assert partner_client.post(LIST).status_code == 405


def test_a_head_request_marks_nothing_read(partner_client, admin_user):
    expiring(admin_user.organization, "Microsoft Intune", 20)
    assert partner_client.head(LIST).status_code == 200
    assert not NoticeRead.objects.exists()
