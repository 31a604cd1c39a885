"""The daily digest's cost: the same queries for 5 benefits as for 500, for one account as for
five (SPEC 10)."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import OutgoingMail
from benefits.models import Benefit, Product, ProductKey
from benefits.notifications.digests import send_organization_digests
from benefits.notifications.models import NoticeKind, NoticeSent
from tests.accounts.factories import OrganizationFactory, UserFactory
from tests.benefits.factories import (
    random_key,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 30)
EXPIRING, UNREDEEMED = NoticeKind.BENEFIT_EXPIRING, NoticeKind.KEYS_UNREDEEMED


def inserts(model, rows: int) -> int:
    """How many INSERT statements the database needs for a bulk_create of ``rows`` rows."""
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    return math.ceil(rows / connection.ops.bulk_batch_size(fields, [None] * rows))


def _benefits(organization, count: int) -> None:
    """``count`` license-based benefits ending within 30 days, each with an unredeemed key."""
    products = Product.objects.bulk_create(
        Product(name=f"Product {organization.pk}-{index}", kind=Product.Kind.LICENSE)
        for index in range(count)
    )
    benefits = Benefit.objects.bulk_create(
        Benefit(
            organization=organization,
            product=product,
            offer="gold",
            benefit_type="core",
            quantity=5,
            expiration_date=TODAY + timedelta(days=1 + index % 29),
        )
        for index, product in enumerate(products)
    )
    ProductKey.objects.bulk_create(
        ProductKey(benefit=benefit, key=random_key(organization.pk * 10_000 + index), licenses=5)
        for index, benefit in enumerate(benefits)
    )


@pytest.mark.parametrize(("benefits", "accounts"), [(5, 1), (500, 1), (5, 5), (500, 5)])
def test_a_run_costs_the_same_queries_whatever_the_benefits_and_accounts(
    benefits, accounts, django_capture_on_commit_callbacks
):
    organization = OrganizationFactory.create()
    _benefits(organization, benefits)
    UserFactory.create_batch(accounts, organization=organization)
    with CaptureQueriesContext(connection) as queries:
        run = send_organization_digests(organization_id=organization.pk, today=TODAY, enqueue=False)
    assert run.counts == {EXPIRING: benefits, UNREDEEMED: benefits}
    assert len(run.mail_ids) == accounts
    # 4 for what is due, the recipients with their preferences, the sent-log; then the
    # transaction (savepoint and release), one insert of the outbox rows, one of the sent-log
    # rows — which SQLite splits by its limit of 999 values a statement (166 rows), PostgreSQL
    # not.
    sent_log = accounts * benefits * 2
    assert len(queries) == 8 + inserts(OutgoingMail, accounts) + inserts(NoticeSent, sent_log), (
        "\n".join(query["sql"][:100] for query in queries)
    )
    with CaptureQueriesContext(connection) as queries:
        send_organization_digests(organization_id=organization.pk, today=TODAY)
    assert len(queries) == 6  # nothing left to tell: no transaction
